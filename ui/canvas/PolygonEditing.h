#pragma once
// Editing a mask as polygons (outer boundaries and holes): the outline as vertices one can drag,
// insert and delete. An edit changes only the pixels where the polygons before and after it differ,
// so the rest of the mask stays exactly as it was (the polygons are a simplified view of it).

#include <QPointF>
#include <QPolygonF>
#include <QVector>

#include <opencv2/core.hpp>

namespace rlfseg::ui {

// Outer boundaries and holes of a CV_8UC1 mask, simplified by `epsilon` pixels (Douglas-Peucker),
// in image pixel coordinates through the boundary pixels' centres (+0.5).
QVector<QPolygonF> maskToEditablePolygons(const cv::Mat& mask, double epsilon = 0.75);
// The polygons filled even-odd (holes stay holes), CV_8UC1 0/255.
cv::Mat rasterizePolygons(const QVector<QPolygonF>& polygons, cv::Size size);
// `mask` with the pixels where raster(before) and raster(after) differ taken from raster(after).
cv::Mat applyPolygonEdit(const cv::Mat& mask, const QVector<QPolygonF>& before, const QVector<QPolygonF>& after);

struct PolygonHit {
    int polygon = -1, vertex = -1; // vertex: the hit vertex, or for an edge the index to insert at
    QPointF point;                 // on an edge: the nearest point on it
    bool valid() const { return polygon >= 0; }
};
// The vertex within `tolerance` of `p` (nearest), or nothing.
PolygonHit findVertex(const QVector<QPolygonF>& polygons, const QPointF& p, double tolerance);
// The edge within `tolerance` of `p` (nearest), with the point on it and where to insert it.
PolygonHit findEdge(const QVector<QPolygonF>& polygons, const QPointF& p, double tolerance);

} // namespace rlfseg::ui
