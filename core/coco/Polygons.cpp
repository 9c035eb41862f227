#include "core/coco/Polygons.h"

#include "core/coco/Rle.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace rlfseg::coco {

cv::Mat rasterizePolygons(const std::vector<Polygon>& polygons, int width, int height) {
    // Scanline fill sampling pixel centres (see the header).
    cv::Mat mask = cv::Mat::zeros(height, width, CV_8UC1);
    std::vector<double> crossings;
    for (const auto& xy : polygons) {
        const size_t n = xy.size() / 2;
        if (n < 3) continue;
        for (int y = 0; y < height; ++y) {
            const double yc = y + 0.5;
            crossings.clear();
            for (size_t k = 0; k < n; ++k) {
                const double x0 = xy[2 * k], y0 = xy[2 * k + 1];
                const double x1 = xy[2 * ((k + 1) % n)], y1 = xy[2 * ((k + 1) % n) + 1];
                if ((y0 <= yc) == (y1 <= yc)) continue; // half-open: horizontal edges never cross
                crossings.push_back(x0 + (yc - y0) * (x1 - x0) / (y1 - y0));
            }
            std::sort(crossings.begin(), crossings.end());
            uchar* row = mask.ptr<uchar>(y);
            for (size_t k = 0; k + 1 < crossings.size(); k += 2) {
                // Pixels whose centre x + 0.5 lies in [left, right).
                const int from = std::max(0, int(std::ceil(crossings[k] - 0.5)));
                const int to = std::min(width, int(std::ceil(crossings[k + 1] - 0.5)));
                for (int x = from; x < to; ++x) row[x] = 255;
            }
        }
    }
    return mask;
}

Rle polygonsToRle(const std::vector<Polygon>& polygons, int width, int height) {
    double minX = 1e300, minY = 1e300, maxX = -1e300, maxY = -1e300;
    for (const auto& p : polygons)
        for (size_t k = 0; k + 1 < p.size(); k += 2)
            minX = std::min(minX, p[k]), maxX = std::max(maxX, p[k]), minY = std::min(minY, p[k + 1]),
            maxY = std::max(maxY, p[k + 1]);
    if (minX > maxX) return encode(cv::Mat::zeros(height, width, CV_8UC1));
    const auto clampTo = [](double v, int hi) { return static_cast<int>(std::clamp(v, 0.0, static_cast<double>(hi))); };
    const int x0 = clampTo(std::floor(minX), width), x1 = clampTo(std::ceil(maxX) + 1, width);
    const int y0 = clampTo(std::floor(minY), height), y1 = clampTo(std::ceil(maxY) + 1, height);
    const cv::Rect region(x0, y0, x1 - x0, y1 - y0);
    std::vector<Polygon> shifted = polygons;
    for (auto& p : shifted)
        for (size_t k = 0; k + 1 < p.size(); k += 2) p[k] -= x0, p[k + 1] -= y0;
    return encodeRegion(rasterizePolygons(shifted, region.width, region.height), region, height, width);
}

MaskOutline maskToPolygons(const cv::Mat& mask) {
    MaskOutline out;
    if (mask.empty()) return out;
    // Each pixel becomes a 2 x 2 block (one block of border around all), so the traced contour runs
    // through block centres: a quarter pixel inside the pixels' outer edges.
    cv::Mat big;
    cv::resize(mask != 0, big, cv::Size(), 2, 2, cv::INTER_NEAREST);
    cv::copyMakeBorder(big, big, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
    std::vector<std::vector<cv::Point>> contours;
    std::vector<cv::Vec4i> hierarchy;
    cv::findContours(big, contours, hierarchy, cv::RETR_CCOMP, cv::CHAIN_APPROX_SIMPLE);
    for (size_t i = 0; i < contours.size(); ++i) {
        if (hierarchy[i][3] >= 0) { // a hole inside an outer boundary
            out.hasHoles = true;
            continue;
        }
        Polygon p;
        for (const auto& pt : contours[i]) {
            // Block pixel (X, Y) of the padded grid: centre at ((X - 1 + 0.5) / 2, (Y - 1 + 0.5) / 2).
            p.push_back((pt.x - 0.5) / 2.0);
            p.push_back((pt.y - 0.5) / 2.0);
        }
        // Every pixel is a 2 x 2 block, so even a one-pixel object traces as a square of 4 points.
        out.polygons.push_back(std::move(p));
    }
    return out;
}

} // namespace rlfseg::coco
