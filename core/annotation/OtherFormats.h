#pragma once
// Exports besides COCO: labelme JSON, YOLO segmentation text files and PNG masks. No Qt, no LibTorch.
//
// Files are named after each image's path inside the project, '/' replaced by "__" and the
// extension dropped ("images/a.png" -> "images__a"), so images of the same name in different
// folders do not collide. Every file is written atomically.
//
// labelme (one <name>.json per image, labelme 5 layout): a "polygon" shape per connected component
// of a mask without holes (outlines as COCO's export chooses them: simplified, not staircases,
// where that stays within the IoU tolerance); a mask with holes becomes one "mask" shape (its bounding box as the two
// points and the mask inside it as a base64 PNG), so holes survive. imagePath is relative to the
// output folder; imageData is null.
// YOLO (ultralytics segmentation): labels/<name>.txt with one line per connected component,
// "class x1 y1 x2 y2 ..." normalised to [0, 1]; class = the category's position (0-based) in
// classes.txt, which lists the names in id order; data.yaml names them too. YOLO polygons cannot
// carry holes: the outer boundary is written (the only lossy export; COCO RLE keeps them).
// PNG: instances/<name>.png (16-bit, pixel = 1 + the annotation's position in the image, 0 =
// none) and semantic/<name>.png (8-bit, or 16-bit beyond 255 categories; pixel = category id),
// later annotations drawn over earlier ones; index.json maps instance values to annotation ids.

#include "core/annotation/Project.h"
#include "core/coco/Polygons.h"

#include <string>

namespace rlfseg::annotation {

// The file stem used for an image path ("images/a.png" -> "images__a").
std::string exportStem(const std::string& imagePath);

struct ExportSummary {
    int files = 0, shapes = 0;
};

// Polygons follow `outline` (simplified where that stays within its IoU of the mask, as COCO's).
ExportSummary exportLabelme(const Project& project, const std::string& outDirectory,
                            const std::string& imagesRelativeTo = "", const coco::OutlineOptions& outline = {});
ExportSummary exportYolo(const Project& project, const std::string& outDirectory,
                         const coco::OutlineOptions& outline = {});
ExportSummary exportPngMasks(const Project& project, const std::string& outDirectory);

} // namespace rlfseg::annotation
