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
MaskOutline maskToPolygons(const cv::Mat& mask);

} // namespace rlfseg::coco
