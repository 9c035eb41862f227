#pragma once
// COCO polygons <-> masks. No Qt, no LibTorch.
//
// Coordinates are continuous: pixel (x, y) covers [x, x + 1) x [y, y + 1). A polygon covers a pixel
// when the pixel's centre (x + 0.5, y + 0.5) is inside (even-odd rule per polygon; the polygons of
// one annotation are OR-ed, as pycocotools merges them). This matches pycocotools' frPoly on
// axis-aligned integer polygons (the square 0..9 covers 9 x 9 pixels) and approximates it, to a
// pixel along slanted edges, elsewhere.

#include "core/coco/Rle.h"

#include <opencv2/core.hpp>

#include <vector>

namespace rlfseg::coco {

using Polygon = std::vector<double>; // x0, y0, x1, y1, ...

// A COCO polygon segmentation ([[x0, y0, x1, y1, ...], ...]): every polygon an even number (at
// least 6) of finite coordinates below 1e7 in magnitude. Errors name `where` and the JSON path
// below it (where[k][c]).
std::vector<Polygon> polygonsFromJson(const nlohmann::json& value, const std::string& where);

// CV_8UC1 0/255 mask of width x height.
cv::Mat rasterizePolygons(const std::vector<Polygon>& polygons, int width, int height);

// The same as an RLE, working only in the polygons' bounding box (for imports of many annotations).
Rle polygonsToRle(const std::vector<Polygon>& polygons, int width, int height);

struct MaskOutline {
    std::vector<Polygon> polygons; // one per 8-connected component's outer boundary
    bool hasHoles = false;         // COCO polygons cannot carry holes: such masks need RLE
};

// The outer boundaries of a mask (CV_8UC1, non-zero = object) as polygons that rasterise back to
// exactly the mask when it has no holes: they follow the pixels' outer edges, a quarter pixel
// inside, so every object pixel's centre is inside and every other pixel's centre outside.
// Corners only (no points along straight runs).
//
// simplifyPx > 0 gives short outlines instead: traced through the boundary pixels' centres,
// simplified (Douglas-Peucker, simplifyPx), and pushed out half a pixel to the pixels' edges. They
// differ from the mask only near its boundary (callers check how much: maskIoU), and are several
// times faster to trace.
MaskOutline maskToPolygons(const cv::Mat& mask, double simplifyPx = 0);

// Intersection over union of two CV_8UC1 masks of one size (non-zero = in); 1 when both are empty.
double maskIoU(const cv::Mat& a, const cv::Mat& b);

// How exports (COCO polygons, labelme, YOLO) outline a mask: simplified by simplifyPx pixels
// (Douglas-Peucker; 0: the exact staircase outline, several times longer) and kept when it covers
// the mask with at least minIoU intersection over union; otherwise the exact outline.
struct OutlineOptions {
    double simplifyPx = 1.0;
    double minIoU = 0.98;
};

struct ExportOutline {
    MaskOutline outline;
    cv::Mat rasterized; // what the outline's polygons decode to (CV_8UC1 0/255), as a reader gets it
    bool simplified = false;
};

ExportOutline outlineForExport(const cv::Mat& mask, const OutlineOptions& options = {});

} // namespace rlfseg::coco
