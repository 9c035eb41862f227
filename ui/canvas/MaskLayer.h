#pragma once
// A mask as the canvas draws it: a semi-transparent tint over the mask's pixels and its outline
// (outer boundaries and holes), both in image pixel coordinates. Only the mask's bounding box is
// stored, so a small object on an 8000 x 6000 image costs what the object covers.

#include <QColor>
#include <QImage>
#include <QPainterPath>
#include <QPoint>

#include <opencv2/core.hpp>

namespace rlfseg::ui {

struct MaskLayer {
    qint64 id = 0;          // the annotation's id (0 for previews)
    QPoint offset;          // where tint's top-left pixel lies in the image
    QImage tint;            // ARGB32 premultiplied: the colour at partial opacity where the mask is set
    QPainterPath outline;   // along pixel edges, odd-even fill: holes are subpaths
    QColor color;
    bool selected = false;
    bool isEmpty() const { return tint.isNull(); }
};

// mask: CV_8UC1, nonzero = object. `opacity` in [0, 1] for the tint.
MaskLayer makeMaskLayer(const cv::Mat& mask, const QColor& color, qint64 id = 0, double opacity = 0.45);

// A distinct colour per category id (golden-angle hues), the same on every run.
QColor categoryColor(int categoryId);

} // namespace rlfseg::ui
