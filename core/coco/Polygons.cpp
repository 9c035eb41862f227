#include "core/coco/Polygons.h"

#include "core/coco/Rle.h"
#include "core/io/JsonPath.h"
#include "core/util/Error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace rlfseg::coco {

std::vector<Polygon> polygonsFromJson(const nlohmann::json& value, const std::string& where) {
    auto fail = [&](const std::string& path, const std::string& what) { throw Error(where + path + ": " + what); };
    if (!value.is_array()) fail("", "polygons are a list of coordinate lists");
    std::vector<Polygon> polygons;
    polygons.reserve(value.size());
    for (size_t k = 0; k < value.size(); ++k) {
        const auto& xy = value[k];
        const std::string at = "[" + std::to_string(k) + "]";
        if (!xy.is_array()) fail(at, "a polygon is a list of coordinates");
        if (xy.size() % 2 != 0 || xy.size() < 6)
            fail(at, "a polygon needs an even number (at least 6) of coordinates, found " + std::to_string(xy.size()));
        Polygon p;
        p.reserve(xy.size());
        for (size_t c = 0; c < xy.size(); ++c) {
            // Paths are built only for an error: an import reads millions of coordinates.
            if (!xy[c].is_number()) fail(at + "[" + std::to_string(c) + "]", "must be a number, found " + JsonPath::preview(xy[c]));
            const double v = xy[c].get<double>();
            if (!std::isfinite(v) || std::abs(v) > 1e7) fail(at + "[" + std::to_string(c) + "]", "coordinate out of range");
            p.push_back(v);
        }
        polygons.push_back(std::move(p));
    }
    return polygons;
}

namespace {
// ceil(v) limited to [0, limit] (NaN: 0): coordinates far outside the image (a damaged file)
// must not overflow the conversion to int.
int clampedCeil(double v, int limit) {
    if (!(v > 0)) return 0;
    return static_cast<int>(std::min(std::ceil(v), static_cast<double>(limit)));
}
} // namespace

cv::Mat rasterizePolygons(const std::vector<Polygon>& polygons, int width, int height) {
    // Scanline fill sampling pixel centres (see the header). Each edge adds its crossings with the
    // rows it spans, so the cost follows the edges and rows crossed, not rows x edges (an exact
    // outline has hundreds of edges).
    cv::Mat mask = cv::Mat::zeros(height, width, CV_8UC1);
    std::vector<std::pair<int, double>> crossings; // (row, x)
    for (const auto& xy : polygons) {
        const size_t n = xy.size() / 2;
        if (n < 3) continue;
        crossings.clear();
        for (size_t k = 0; k < n; ++k) {
            const double x0 = xy[2 * k], y0 = xy[2 * k + 1];
            const double x1 = xy[2 * ((k + 1) % n)], y1 = xy[2 * ((k + 1) % n) + 1];
            if (y0 == y1) continue; // horizontal edges never cross a row centre (half-open rule)
            // Rows whose centre yc = y + 0.5 lies in [min(y0, y1), max(y0, y1)).
            const double lo = std::min(y0, y1), hi = std::max(y0, y1);
            const int from = clampedCeil(lo - 0.5, height), to = clampedCeil(hi - 0.5, height);
            for (int y = from; y < to; ++y) {
                const double yc = y + 0.5;
                crossings.emplace_back(y, x0 + (yc - y0) * (x1 - x0) / (y1 - y0));
            }
        }
        std::sort(crossings.begin(), crossings.end());
        for (size_t k = 0; k + 1 < crossings.size(); k += 2) {
            if (crossings[k].first != crossings[k + 1].first) { --k; continue; } // an odd count: skip the row's last
            uchar* row = mask.ptr<uchar>(crossings[k].first);
            // Pixels whose centre x + 0.5 lies in [left, right).
            const int from = clampedCeil(crossings[k].second - 0.5, width);
            const int to = clampedCeil(crossings[k + 1].second - 0.5, width);
            for (int x = from; x < to; ++x) row[x] = 255;
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
    const auto clampTo = [](double v, int hi) { return v > 0 ? static_cast<int>(std::min(v, static_cast<double>(hi))) : 0; };
    const int x0 = clampTo(std::floor(minX), width), x1 = clampTo(std::ceil(maxX) + 1, width);
    const int y0 = clampTo(std::floor(minY), height), y1 = clampTo(std::ceil(maxY) + 1, height);
    const cv::Rect region(x0, y0, x1 - x0, y1 - y0);
    std::vector<Polygon> shifted = polygons;
    for (auto& p : shifted)
        for (size_t k = 0; k + 1 < p.size(); k += 2) p[k] -= x0, p[k + 1] -= y0;
    return encodeRegion(rasterizePolygons(shifted, region.width, region.height), region, height, width);
}

namespace {

// An outline through boundary pixel centres, simplified, then pushed out by half a pixel (each
// vertex along its corner's mitre), so that it runs along the pixels' outer edges: a pixel-centre
// polygon would rasterise to only about half of its boundary pixels.
Polygon simplifiedOutline(const std::vector<cv::Point>& contour, double tolerancePx) {
    std::vector<cv::Point> simple;
    cv::approxPolyDP(contour, simple, tolerancePx, true);
    if (simple.size() < 3) simple = contour;
    const size_t n = simple.size();
    double twiceArea = 0;
    for (size_t k = 0; k < n; ++k) {
        const auto& a = simple[k];
        const auto& b = simple[(k + 1) % n];
        twiceArea += double(a.x) * b.y - double(b.x) * a.y;
    }
    const double outward = twiceArea >= 0 ? 1.0 : -1.0;
    const auto normalOf = [&](const cv::Point& from, const cv::Point& to) {
        const double dx = to.x - from.x, dy = to.y - from.y, length = std::hypot(dx, dy);
        return length > 0 ? cv::Point2d(outward * dy / length, -outward * dx / length) : cv::Point2d(0, 0);
    };
    Polygon p;
    p.reserve(2 * n);
    for (size_t k = 0; k < n; ++k) {
        const auto& prev = simple[(k + n - 1) % n];
        const auto& at = simple[k];
        const auto& next = simple[(k + 1) % n];
        const cv::Point2d n1 = normalOf(prev, at), n2 = normalOf(at, next);
        // Mitre: 0.5 (n1 + n2) / (1 + n1.n2), its length capped for spikes.
        const double scale = 0.5 / std::max(0.25, 1.0 + n1.dot(n2));
        // + 0.5: from pixel index to pixel centre. Hundredths of a pixel keep files short.
        p.push_back(std::round(100 * (at.x + 0.5 + scale * (n1.x + n2.x))) / 100);
        p.push_back(std::round(100 * (at.y + 0.5 + scale * (n1.y + n2.y))) / 100);
    }
    return p;
}

} // namespace

MaskOutline maskToPolygons(const cv::Mat& mask, double simplifyPx) {
    MaskOutline out;
    if (mask.empty()) return out;
    std::vector<std::vector<cv::Point>> contours;
    std::vector<cv::Vec4i> hierarchy;
    if (simplifyPx > 0) {
        // findContours treats everything beyond the image as background, so no padding is needed.
        cv::findContours(mask, contours, hierarchy, cv::RETR_CCOMP, cv::CHAIN_APPROX_NONE);
        for (size_t i = 0; i < contours.size(); ++i) {
            if (hierarchy[i][3] >= 0) out.hasHoles = true;
            else out.polygons.push_back(simplifiedOutline(contours[i], simplifyPx));
        }
        return out;
    }
    // Each pixel becomes a 2 x 2 block (one block of border around all), so the traced contour runs
    // through block centres: a quarter pixel inside the pixels' outer edges.
    cv::Mat big;
    cv::resize(mask != 0, big, cv::Size(), 2, 2, cv::INTER_NEAREST);
    cv::copyMakeBorder(big, big, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
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

double maskIoU(const cv::Mat& a, const cv::Mat& b) {
    CV_Assert(a.type() == CV_8UC1 && b.type() == CV_8UC1 && a.size() == b.size());
    // From three vectorised counts: |A| + |B| = 2 |A & B| + |A xor B|.
    const int64_t inA = cv::countNonZero(a), inB = cv::countNonZero(b);
    const int64_t differ = cv::countNonZero((a != 0) != (b != 0));
    const int64_t either = (inA + inB + differ) / 2;
    return either == 0 ? 1.0 : static_cast<double>(either - differ) / static_cast<double>(either);
}

ExportOutline outlineForExport(const cv::Mat& mask, const OutlineOptions& options) {
    ExportOutline out;
    if (options.simplifyPx > 0) {
        out.outline = maskToPolygons(mask, options.simplifyPx);
        if (!out.outline.polygons.empty()) {
            out.rasterized = rasterizePolygons(out.outline.polygons, mask.cols, mask.rows);
            out.simplified = maskIoU(out.rasterized, mask) >= options.minIoU;
            if (out.simplified) return out;
        }
    }
    out.outline = maskToPolygons(mask);
    out.rasterized = rasterizePolygons(out.outline.polygons, mask.cols, mask.rows);
    return out;
}

} // namespace rlfseg::coco
