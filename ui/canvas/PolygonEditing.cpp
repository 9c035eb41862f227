#include "ui/canvas/PolygonEditing.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <limits>
#include <vector>

namespace rlfseg::ui {

QVector<QPolygonF> maskToEditablePolygons(const cv::Mat& mask, double epsilon)
{
    QVector<QPolygonF> polygons;
    if (mask.empty() || mask.type() != CV_8UC1) return polygons;
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask.clone(), contours, cv::RETR_CCOMP, cv::CHAIN_APPROX_NONE);
    for (const auto& contour : contours) {
        std::vector<cv::Point> simple;
        cv::approxPolyDP(contour, simple, epsilon, true);
        if (simple.size() < 3) simple = contour; // tiny parts keep every point
        if (simple.size() < 3) continue;
        QPolygonF polygon;
        for (const auto& p : simple) polygon.append(QPointF(p.x + 0.5, p.y + 0.5));
        polygons.append(polygon);
    }
    return polygons;
}

cv::Mat rasterizePolygons(const QVector<QPolygonF>& polygons, cv::Size size)
{
    // Pixel (x, y) is inside when its centre (x + 0.5, y + 0.5) is: shift by -0.5 and fill on the
    // integer grid, at 1/256 pixel precision (fillPoly's fractional bits).
    constexpr int kShift = 8;
    std::vector<std::vector<cv::Point>> points;
    for (const auto& polygon : polygons) {
        if (polygon.size() < 3) continue;
        std::vector<cv::Point> p;
        for (const auto& v : polygon)
            p.emplace_back(int(std::lround((v.x() - 0.5) * (1 << kShift))), int(std::lround((v.y() - 0.5) * (1 << kShift))));
        points.push_back(std::move(p));
    }
    cv::Mat out = cv::Mat::zeros(size, CV_8UC1);
    // One call with every contour: fillPoly's scanline fill alternates inside and outside, so holes
    // (contours inside contours) stay empty.
    if (!points.empty()) cv::fillPoly(out, points, 255, cv::LINE_8, kShift);
    return out;
}

cv::Mat applyPolygonEdit(const cv::Mat& mask, const QVector<QPolygonF>& before, const QVector<QPolygonF>& after)
{
    const cv::Mat was = rasterizePolygons(before, mask.size()), now = rasterizePolygons(after, mask.size());
    cv::Mat out = mask.clone();
    now.copyTo(out, was != now);
    return out;
}

PolygonHit findVertex(const QVector<QPolygonF>& polygons, const QPointF& p, double tolerance)
{
    PolygonHit hit;
    double best = tolerance * tolerance;
    for (int i = 0; i < polygons.size(); ++i)
        for (int j = 0; j < polygons[i].size(); ++j) {
            const QPointF d = polygons[i][j] - p;
            const double d2 = d.x() * d.x() + d.y() * d.y();
            if (d2 <= best) best = d2, hit.polygon = i, hit.vertex = j, hit.point = polygons[i][j];
        }
    return hit;
}

PolygonHit findEdge(const QVector<QPolygonF>& polygons, const QPointF& p, double tolerance)
{
    PolygonHit hit;
    double best = tolerance;
    for (int i = 0; i < polygons.size(); ++i) {
        const QPolygonF& poly = polygons[i];
        for (int j = 0; j < poly.size(); ++j) {
            const QPointF a = poly[j], b = poly[(j + 1) % poly.size()];
            const QPointF ab = b - a;
            const double length2 = ab.x() * ab.x() + ab.y() * ab.y();
            if (length2 <= 0) continue;
            const double t = std::clamp(((p - a).x() * ab.x() + (p - a).y() * ab.y()) / length2, 0.0, 1.0);
            const QPointF q = a + ab * t;
            const double d = std::hypot(q.x() - p.x(), q.y() - p.y());
            if (d <= best) best = d, hit.polygon = i, hit.vertex = j + 1, hit.point = q;
        }
    }
    return hit;
}

} // namespace rlfseg::ui
