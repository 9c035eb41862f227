#include "ui/canvas/MaskLayer.h"

#include "core/util/MaskBox.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <vector>

namespace rlfseg::ui {

MaskLayer makeMaskLayer(const cv::Mat& mask, const QColor& color, qint64 id, double opacity)
{
    MaskLayer layer;
    layer.id = id;
    layer.color = color;
    if (mask.empty() || mask.type() != CV_8UC1) return layer;
    const cv::Rect box = maskBox(mask);
    if (box.empty()) return layer;
    const cv::Mat region = mask(box);

    layer.offset = QPoint(box.x, box.y);
    layer.tint = QImage(box.width, box.height, QImage::Format_ARGB32_Premultiplied);
    const int alpha = std::clamp(static_cast<int>(std::lround(opacity * 255)), 0, 255);
    const QRgb on = qPremultiply(qRgba(color.red(), color.green(), color.blue(), alpha));
    for (int y = 0; y < box.height; ++y) {
        const uchar* m = region.ptr<uchar>(y);
        auto* out = reinterpret_cast<QRgb*>(layer.tint.scanLine(y));
        for (int x = 0; x < box.width; ++x) out[x] = m[x] ? on : 0;
    }

    // Contours trace pixel centres; the outline is drawn through them, offset by half a pixel so it
    // runs through the middle of the boundary pixels at any zoom.
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(region.clone(), contours, cv::RETR_CCOMP, cv::CHAIN_APPROX_SIMPLE);
    layer.outline.setFillRule(Qt::OddEvenFill);
    for (const auto& contour : contours) {
        if (contour.empty()) continue;
        const QPointF shift(box.x + 0.5, box.y + 0.5);
        layer.outline.moveTo(QPointF(contour[0].x, contour[0].y) + shift);
        for (size_t i = 1; i < contour.size(); ++i) layer.outline.lineTo(QPointF(contour[i].x, contour[i].y) + shift);
        layer.outline.closeSubpath();
    }
    return layer;
}

QColor categoryColor(int categoryId)
{
    const double hue = std::fmod(categoryId * 137.508, 360.0);
    return QColor::fromHsvF(hue / 360.0, 0.85, 0.95);
}

} // namespace rlfseg::ui
