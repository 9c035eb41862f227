#pragma once
// COCO instances JSON from a project and into one. No Qt, no LibTorch.
//
// Export: "info", "licenses", "images" (id, file_name, width, height), "annotations" (id,
// image_id, category_id, segmentation, area, bbox [x, y, w, h], iscrowd, and "score" on
// model-made ones), "categories" (id from 1, name, supercategory). Ids are renumbered 1..N in
// order (images by id, annotations by image then id, categories by id), so export -> import ->
// export gives the same file. segmentation is compressed RLE ({"size": [h, w], "counts":
// "<string>"}: what pycocotools decodes is exactly the mask) or polygons; with Auto, polygons are
// used only when the mask has no holes (COCO polygons cannot carry holes) and they reproduce it
// within the tolerance below, else RLE. area and bbox are those of the mask that the written
// segmentation decodes to (for RLE and exact polygons, the mask itself). Polygons that came in
// with an import go out again unchanged while the mask is the one they made.
// Import: polygons, compressed and uncompressed RLE and iscrowd into an existing project;
// categories are merged by name, images matched by file_name (added when new). Errors name the
// file and JSON path.

#include "core/annotation/Project.h"
#include "core/coco/Polygons.h"

#include <nlohmann/json.hpp>

#include <string>

namespace rlfseg::annotation {

enum class SegmentationFormat { Auto, Rle, Polygon };

// "auto" | "rle" | "polygon"; throws rlfseg::Error otherwise.
SegmentationFormat parseSegmentationFormat(const std::string& text);

struct CocoExportOptions {
    SegmentationFormat format = SegmentationFormat::Auto;
    // How polygons outline a mask (coco::OutlineOptions: simplified where that stays close to the
    // mask, else exact). Auto writes RLE for masks with holes whatever the outline.
    coco::OutlineOptions outline;
    std::string description = "Exported by RLFSeg Studio";
};

nlohmann::json exportCoco(const Project& project, const CocoExportOptions& options = {});
// Atomic write of exportCoco.
void writeCoco(const Project& project, const std::string& path, const CocoExportOptions& options = {});

struct CocoImportReport {
    int imagesAdded = 0, imagesMatched = 0, annotationsAdded = 0, categoriesAdded = 0;
};

// Reads the whole file first and changes the project only when all of it is valid.
CocoImportReport importCoco(Project& project, const nlohmann::json& coco, const std::string& source);
CocoImportReport importCocoFile(Project& project, const std::string& path);

} // namespace rlfseg::annotation
