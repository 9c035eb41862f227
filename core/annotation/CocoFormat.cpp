#include "core/annotation/CocoFormat.h"

#include "core/coco/Polygons.h"
#include "core/io/AtomicFile.h"
#include "core/io/JsonFields.h"
#include "core/io/JsonPath.h"
#include "core/util/Error.h"
#include "core/util/MaskBox.h"
#include "core/util/ParallelFor.h"

#include <rlfseg/BuildInfo.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace rlfseg::annotation {

using nlohmann::json;

SegmentationFormat parseSegmentationFormat(const std::string& text) {
    if (text == "auto") return SegmentationFormat::Auto;
    if (text == "rle") return SegmentationFormat::Rle;
    if (text == "polygon") return SegmentationFormat::Polygon;
    throw Error("unknown segmentation format '" + text + "': expected auto, rle or polygon");
}

namespace {

// What one annotation's "segmentation", "area" and "bbox" say. Polygons are written only when they
// reproduce the mask (exactly, or for Auto within the tolerance); area and bbox then describe the
// polygons as they rasterise, so that what a reader decodes, what the numbers say and what an
// import gives back all agree (export -> import -> export is the same file).
struct Segmentation {
    json value;
    uint64_t area = 0;
    std::array<double, 4> bbox{};
};

Segmentation asRle(const coco::Rle& rle) {
    return {coco::toCocoJson(rle), coco::area(rle), coco::boundingBox(rle)};
}

// Polygons traced in `region` (their raster there is `raster`), moved to image coordinates and kept
// inside the image (an outline pushed out to the pixels' edges may stick out by a fraction of a
// pixel, which covers no pixel centre).
Segmentation asPolygons(std::vector<coco::Polygon> polygons, const cv::Mat& raster, const cv::Rect& region,
                        const coco::Rle& rle) {
    for (auto& p : polygons)
        for (size_t k = 0; k + 1 < p.size(); k += 2)
            p[k] = std::clamp(p[k] + region.x, 0.0, double(rle.width)),
            p[k + 1] = std::clamp(p[k + 1] + region.y, 0.0, double(rle.height));
    const cv::Rect box = maskBox(raster);
    return {json(polygons), static_cast<uint64_t>(cv::countNonZero(raster)),
            {double(box.x + region.x), double(box.y + region.y), double(box.width), double(box.height)}};
}

Segmentation segmentationOf(const Annotation& a, const CocoExportOptions& options) {
    const coco::Rle& rle = a.mask;
    if (a.iscrowd || options.format == SegmentationFormat::Rle) return asRle(rle);
    // Polygons it was imported with go out again as they came, while they still make its mask.
    if (!a.polygons.empty() && coco::polygonsToRle(a.polygons, rle.width, rle.height).counts == rle.counts)
        return {json(a.polygons), coco::area(rle), coco::boundingBox(rle)};
    const auto box = coco::boundingBox(rle);
    if (box[2] <= 0 || box[3] <= 0) return asRle(rle);
    // Work in the object's box grown by a pixel, not the whole image.
    const cv::Rect region = cv::Rect(static_cast<int>(box[0]) - 1, static_cast<int>(box[1]) - 1,
                                     static_cast<int>(box[2]) + 2, static_cast<int>(box[3]) + 2) &
                            cv::Rect(0, 0, rle.width, rle.height);
    const cv::Mat mask = coco::decodeRegion(rle, region) * 255;
    const bool forced = options.format == SegmentationFormat::Polygon;
    const auto chosen = coco::outlineForExport(mask, options.outline);
    if (chosen.outline.polygons.empty() || (chosen.outline.hasHoles && !forced)) return asRle(rle);
    return asPolygons(chosen.outline.polygons, chosen.rasterized, region, rle);
}

} // namespace

json exportCoco(const Project& project, const CocoExportOptions& options) {
    json images = json::array(), annotations = json::array(), categories = json::array();
    std::map<int64_t, int64_t> imageIds;
    std::map<int, int> categoryIds;
    for (const auto& [id, c] : project.categories()) {
        const int newId = static_cast<int>(categoryIds.size()) + 1;
        categoryIds[id] = newId;
        categories.push_back({{"id", newId}, {"name", c.name}, {"supercategory", c.supercategory}});
    }
    std::vector<const Annotation*> ordered; // image by image
    for (const auto& [id, im] : project.images()) {
        const int64_t newId = static_cast<int64_t>(imageIds.size()) + 1;
        imageIds[id] = newId;
        images.push_back({{"id", newId}, {"file_name", im.path}, {"width", im.width}, {"height", im.height}});
        for (const Annotation* a : project.annotationsOf(id)) ordered.push_back(a);
    }
    // Outlines are the cost (100,000 annotations): they are traced on every core.
    std::vector<json> written(ordered.size());
    parallelFor(ordered.size(), [&](size_t i) {
        const Annotation& a = *ordered[i];
        Segmentation s = segmentationOf(a, options);
        json j = {{"id", static_cast<int64_t>(i + 1)},
                  {"image_id", imageIds.at(a.imageId)},
                  {"category_id", categoryIds.at(a.categoryId)},
                  {"area", static_cast<double>(s.area)},
                  {"bbox", s.bbox},
                  {"iscrowd", a.iscrowd ? 1 : 0},
                  {"segmentation", std::move(s.value)}};
        if (a.source == Source::Model && a.score >= 0) j["score"] = a.score;
        written[i] = std::move(j);
    });
    annotations.get_ref<json::array_t&>() = std::move(written);
    return {{"info",
             {{"description", options.description},
              {"version", buildinfo::kVersion},
              {"contributor", "RLFSeg Studio"},
              {"date_created", project.modified.empty() ? nowIso8601() : project.modified}}},
            {"licenses", json::array()},
            {"images", images},
            {"annotations", annotations},
            {"categories", categories}};
}

void writeCoco(const Project& project, const std::string& path, const CocoExportOptions& options) {
    writeFileAtomically(path, exportCoco(project, options).dump() + "\n");
}

CocoImportReport importCoco(Project& project, const json& coco, const std::string& source) {
    const JsonPath where{source};
    if (!coco.is_object()) where.fail("", "a COCO file is a JSON object with images, annotations and categories");
    // Everything is read into a copy first: the project changes only if the whole file is valid.
    Project result = project;
    CocoImportReport report;

    std::map<int64_t, int> categoryOf; // file id -> project id
    const json& categories = where.requireArray(coco, "", "categories");
    for (size_t i = 0; i < categories.size(); ++i) {
        const std::string at = JsonPath::index("categories", i);
        const int64_t id = where.requireInt64(categories[i], at, "id");
        const std::string name = where.requireString(categories[i], at, "name");
        if (name.empty()) where.fail(at + ".name", "must not be empty");
        if (categoryOf.count(id)) where.fail(at + ".id", "duplicate category id " + std::to_string(id));
        if (const auto* existing = result.categoryByName(name)) {
            categoryOf[id] = existing->id;
        } else {
            const std::string super = JsonPath::has(categories[i], "supercategory") && categories[i]["supercategory"].is_string()
                                          ? categories[i]["supercategory"].get<std::string>()
                                          : "";
            categoryOf[id] = result.addCategory(name, super);
            ++report.categoriesAdded;
        }
    }

    std::map<int64_t, int64_t> imageOf;
    const json& images = where.requireArray(coco, "", "images");
    for (size_t i = 0; i < images.size(); ++i) {
        const std::string at = JsonPath::index("images", i);
        const int64_t id = where.requireInt64(images[i], at, "id");
        const std::string file = where.requireString(images[i], at, "file_name");
        const int width = where.requireInt(images[i], at, "width"), height = where.requireInt(images[i], at, "height");
        if (!plausibleImageSize(width, height))
            where.fail(at, "image size " + std::to_string(width) + "x" + std::to_string(height) +
                               " is not plausible (at most 2^28 pixels)");
        if (imageOf.count(id)) where.fail(at + ".id", "duplicate image id " + std::to_string(id));
        if (const auto* existing = result.imageByPath(file)) {
            if (existing->width != width || existing->height != height)
                where.fail(at, file + " is " + std::to_string(width) + "x" + std::to_string(height) +
                                   " here but " + std::to_string(existing->width) + "x" +
                                   std::to_string(existing->height) + " in the project");
            imageOf[id] = existing->id;
            ++report.imagesMatched;
        } else {
            imageOf[id] = result.addImage(file, width, height);
            ++report.imagesAdded;
        }
    }

    const json& annotations = where.requireArray(coco, "", "annotations");
    std::set<int64_t> annotationIds;
    for (size_t i = 0; i < annotations.size(); ++i) {
        const std::string at = JsonPath::index("annotations", i);
        const json& aj = annotations[i];
        const int64_t id = where.requireInt64(aj, at, "id");
        if (!annotationIds.insert(id).second) where.fail(at + ".id", "duplicate annotation id " + std::to_string(id));
        const int64_t imageId = where.requireInt64(aj, at, "image_id");
        const auto image = imageOf.find(imageId);
        if (image == imageOf.end()) where.fail(at + ".image_id", "unknown image id " + std::to_string(imageId));
        const int64_t categoryId = where.requireInt64(aj, at, "category_id");
        const auto category = categoryOf.find(categoryId);
        if (category == categoryOf.end()) where.fail(at + ".category_id", "unknown category id " + std::to_string(categoryId));
        const Image* im = result.image(image->second);
        Annotation a;
        a.imageId = image->second;
        a.categoryId = category->second;
        a.source = Source::Imported;
        const json& seg = where.require(aj, at, "segmentation");
        if (seg.is_object()) {
            a.mask = coco::fromCocoJson(seg, source + ": " + at + ".segmentation");
            if (a.mask.height != im->height || a.mask.width != im->width)
                where.fail(at + ".segmentation.size", "differs from the image's size");
        } else if (seg.is_array()) {
            a.polygons = coco::polygonsFromJson(seg, source + ": " + at + ".segmentation");
            a.mask = coco::polygonsToRle(a.polygons, im->width, im->height);
        } else {
            where.fail(at + ".segmentation", "must be an RLE object or a list of polygons");
        }
        if (JsonPath::has(aj, "iscrowd")) a.iscrowd = where.toInt(aj["iscrowd"], at + ".iscrowd") != 0;
        if (JsonPath::has(aj, "score")) {
            a.score = where.toNumber(aj["score"], at + ".score");
            a.source = Source::Model; // a scored annotation came from a model (this app's or another's)
        }
        result.addAnnotation(std::move(a));
        ++report.annotationsAdded;
    }
    project = std::move(result);
    return report;
}

CocoImportReport importCocoFile(Project& project, const std::string& path) {
    return importCoco(project, JsonFields::parseFile(path), path);
}

} // namespace rlfseg::annotation
