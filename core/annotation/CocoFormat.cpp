#include "core/annotation/CocoFormat.h"

#include "core/coco/Polygons.h"
#include "core/io/AtomicFile.h"
#include "core/io/JsonFields.h"
#include "core/io/JsonPath.h"
#include "core/util/Error.h"

#include <rlfseg/BuildInfo.h>

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

// Polygons for a mask, when (for Auto) they reproduce it exactly; an empty result means RLE. Work
// happens in the object's box (grown by a pixel), not the whole image.
json polygonsFor(const coco::Rle& rle, SegmentationFormat format) {
    if (format == SegmentationFormat::Rle) return json();
    const auto box = coco::boundingBox(rle);
    if (box[2] <= 0 || box[3] <= 0) return json();
    const cv::Rect region = cv::Rect(static_cast<int>(box[0]) - 1, static_cast<int>(box[1]) - 1,
                                     static_cast<int>(box[2]) + 2, static_cast<int>(box[3]) + 2) &
                            cv::Rect(0, 0, rle.width, rle.height);
    const cv::Mat mask = coco::decodeRegion(rle, region);
    const auto outline = coco::maskToPolygons(mask);
    if (outline.polygons.empty()) return json();
    if (format == SegmentationFormat::Auto) {
        if (outline.hasHoles) return json();
        const cv::Mat back = coco::rasterizePolygons(outline.polygons, mask.cols, mask.rows);
        if (cv::countNonZero(back != (mask * 255)) != 0) return json();
    }
    json polygons = json::array();
    for (auto p : outline.polygons) {
        for (size_t k = 0; k + 1 < p.size(); k += 2) p[k] += region.x, p[k + 1] += region.y;
        polygons.push_back(std::move(p));
    }
    return polygons;
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
    for (const auto& [id, im] : project.images()) {
        const int64_t newId = static_cast<int64_t>(imageIds.size()) + 1;
        imageIds[id] = newId;
        images.push_back({{"id", newId}, {"file_name", im.path}, {"width", im.width}, {"height", im.height}});
    }
    int64_t nextAnnotation = 1;
    for (const auto& [imageId, im] : project.images()) {
        for (const Annotation* a : project.annotationsOf(imageId)) {
            const auto box = coco::boundingBox(a->mask);
            json j = {{"id", nextAnnotation++},
                      {"image_id", imageIds.at(imageId)},
                      {"category_id", categoryIds.at(a->categoryId)},
                      {"area", static_cast<double>(coco::area(a->mask))},
                      {"bbox", {box[0], box[1], box[2], box[3]}},
                      {"iscrowd", a->iscrowd ? 1 : 0}};
            json polygons = a->iscrowd ? json() : polygonsFor(a->mask, options.format);
            j["segmentation"] = polygons.is_null() ? coco::toCocoJson(a->mask) : polygons;
            if (a->source == Source::Model && a->score >= 0) j["score"] = a->score;
            annotations.push_back(std::move(j));
        }
    }
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
        if (width <= 0 || height <= 0 || int64_t(width) * height > (int64_t{1} << 32))
            where.fail(at, "image size " + std::to_string(width) + "x" + std::to_string(height) + " is not plausible");
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
            std::vector<coco::Polygon> polygons;
            for (size_t k = 0; k < seg.size(); ++k) {
                const std::string pk = JsonPath::index(at + ".segmentation", k);
                if (!seg[k].is_array()) where.fail(pk, "a polygon is a list of coordinates");
                if (seg[k].size() % 2 != 0 || seg[k].size() < 6)
                    where.fail(pk, "a polygon needs an even number (at least 6) of coordinates, found " +
                                       std::to_string(seg[k].size()));
                coco::Polygon p;
                for (size_t c = 0; c < seg[k].size(); ++c) {
                    const double v = where.toNumber(seg[k][c], JsonPath::index(pk, c));
                    if (std::abs(v) > 1e7) where.fail(JsonPath::index(pk, c), "coordinate out of range");
                    p.push_back(v);
                }
                polygons.push_back(std::move(p));
            }
            a.mask = coco::polygonsToRle(polygons, im->width, im->height);
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
