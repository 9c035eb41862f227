#include "core/annotation/CocoValidator.h"

#include "core/annotation/Project.h"

#include "core/coco/Polygons.h"
#include "core/coco/Rle.h"
#include "core/io/ImageFile.h"
#include "core/io/JsonFields.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace rlfseg::annotation {

using nlohmann::json;

size_t CocoValidation::errors() const {
    size_t n = 0;
    for (const auto& p : problems) n += p.error;
    return n;
}

namespace {

class Checker {
public:
    CocoValidation result;

    void error(const std::string& path, const std::string& message) { result.problems.push_back({true, path, message}); }
    void warning(const std::string& path, const std::string& message) {
        result.problems.push_back({false, path, message});
    }

    static std::string at(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

    // The integer at object[key], or nothing (with an error) when absent or not an integer.
    std::optional<int64_t> integer(const json& object, const std::string& path, const std::string& key) {
        const auto it = object.find(key);
        if (it == object.end() || it->is_null()) return error(path, "missing \"" + key + "\""), std::nullopt;
        if (!it->is_number_integer() || (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(INT64_MAX)))
            return error(path + "." + key, "must be an integer, found " + it->dump().substr(0, 40)), std::nullopt;
        return it->get<int64_t>();
    }
};

struct ImageInfo {
    int width = 0, height = 0;
};

} // namespace

CocoValidation validateCoco(const json& coco, const std::string& imagesDirectory) {
    Checker c;
    if (!coco.is_object()) {
        c.error("", "a COCO file is a JSON object, found " + std::string(coco.type_name()));
        return c.result;
    }
    auto list = [&](const std::string& key) -> const json* {
        const auto it = coco.find(key);
        if (it == coco.end()) return c.error(key, "missing"), nullptr;
        if (!it->is_array()) return c.error(key, "must be a list, found " + std::string(it->type_name())), nullptr;
        return &*it;
    };

    std::map<int64_t, ImageInfo> images;
    if (const json* list_ = list("images")) {
        c.result.images = list_->size();
        for (size_t i = 0; i < list_->size(); ++i) {
            const std::string p = Checker::at("images", i);
            const json& im = (*list_)[i];
            if (!im.is_object()) {
                c.error(p, "must be an object");
                continue;
            }
            const auto id = c.integer(im, p, "id");
            const auto w = c.integer(im, p, "width"), h = c.integer(im, p, "height");
            if (!im.contains("file_name") || !im["file_name"].is_string()) c.error(p + ".file_name", "missing or not a string");
            if (w && *w <= 0) c.error(p + ".width", "must be positive");
            if (h && *h <= 0) c.error(p + ".height", "must be positive");
            if (w && h && *w > 0 && *h > 0 && !plausibleImageSize(*w, *h))
                c.error(p, "implausibly large image (more than 2^28 pixels)");
            if (!id) continue;
            if (images.count(*id)) {
                c.error(p + ".id", "duplicate image id " + std::to_string(*id));
                continue;
            }
            ImageInfo info;
            if (w && h && plausibleImageSize(*w, *h))
                info = {static_cast<int>(*w), static_cast<int>(*h)};
            images[*id] = info;
            if (!imagesDirectory.empty() && im.contains("file_name") && im["file_name"].is_string()) {
                const auto file = (std::filesystem::path(imagesDirectory) / im["file_name"].get<std::string>()).string();
                try {
                    const auto header = readImageHeader(file);
                    if (info.width && (header.width != info.width || header.height != info.height))
                        c.error(p, "the file is " + std::to_string(header.width) + "x" + std::to_string(header.height) +
                                       ", the entry says " + std::to_string(info.width) + "x" + std::to_string(info.height));
                } catch (const Error& e) {
                    c.error(p + ".file_name", e.what());
                }
            }
        }
    }

    std::set<int64_t> categories;
    if (const json* list_ = list("categories")) {
        c.result.categories = list_->size();
        std::set<std::string> names;
        for (size_t i = 0; i < list_->size(); ++i) {
            const std::string p = Checker::at("categories", i);
            const json& cat = (*list_)[i];
            if (!cat.is_object()) {
                c.error(p, "must be an object");
                continue;
            }
            const auto id = c.integer(cat, p, "id");
            if (!cat.contains("name") || !cat["name"].is_string() || cat["name"].get<std::string>().empty())
                c.error(p + ".name", "missing, empty or not a string");
            else if (!names.insert(cat["name"].get<std::string>()).second)
                c.warning(p + ".name", "duplicate category name \"" + cat["name"].get<std::string>() + "\"");
            if (!id) continue;
            if (*id == 0) c.warning(p + ".id", "category id 0: many frameworks reserve 0 for the background");
            if (!categories.insert(*id).second) c.error(p + ".id", "duplicate category id " + std::to_string(*id));
        }
    }

    if (const json* list_ = list("annotations")) {
        c.result.annotations = list_->size();
        std::set<int64_t> ids;
        for (size_t i = 0; i < list_->size(); ++i) {
            const std::string p = Checker::at("annotations", i);
            const json& a = (*list_)[i];
            if (!a.is_object()) {
                c.error(p, "must be an object");
                continue;
            }
            const auto id = c.integer(a, p, "id");
            if (id && !ids.insert(*id).second) c.error(p + ".id", "duplicate annotation id " + std::to_string(*id));
            const auto imageId = c.integer(a, p, "image_id");
            const ImageInfo* image = nullptr;
            if (imageId) {
                const auto it = images.find(*imageId);
                if (it == images.end()) c.error(p + ".image_id", "unknown image id " + std::to_string(*imageId));
                else if (it->second.width > 0) image = &it->second;
            }
            if (const auto category = c.integer(a, p, "category_id"); category && !categories.count(*category))
                c.error(p + ".category_id", "unknown category id " + std::to_string(*category));
            int crowd = 0;
            if (a.contains("iscrowd")) {
                const json& v = a["iscrowd"];
                if (!v.is_number_integer() || (v.get<int64_t>() != 0 && v.get<int64_t>() != 1))
                    c.error(p + ".iscrowd", "must be 0 or 1, found " + v.dump().substr(0, 20));
                else crowd = static_cast<int>(v.get<int64_t>());
            }
            // The mask, where the segmentation can be read, for the bbox and area checks.
            std::optional<coco::Rle> mask;
            const auto seg = a.find("segmentation");
            if (seg == a.end() || seg->is_null()) {
                c.error(p, "missing \"segmentation\"");
            } else if (seg->is_object()) {
                try {
                    const auto rle = coco::fromCocoJson(*seg, p + ".segmentation");
                    if (image && (rle.height != image->height || rle.width != image->width))
                        c.error(p + ".segmentation.size", "[" + std::to_string(rle.height) + ", " + std::to_string(rle.width) +
                                                              "] differs from the image's [" + std::to_string(image->height) +
                                                              ", " + std::to_string(image->width) + "]");
                    else mask = rle;
                } catch (const Error& e) {
                    c.error(p + ".segmentation", e.what());
                }
            } else if (seg->is_array()) {
                if (crowd) c.warning(p + ".segmentation", "a crowd annotation given as polygons (COCO uses RLE for crowds)");
                bool ok = !seg->empty();
                if (seg->empty()) c.error(p + ".segmentation", "an empty list of polygons");
                std::vector<coco::Polygon> polygons;
                for (size_t k = 0; k < seg->size(); ++k) {
                    const std::string pk = Checker::at(p + ".segmentation", k);
                    const json& poly = (*seg)[k];
                    if (!poly.is_array()) {
                        c.error(pk, "a polygon is a list of numbers");
                        ok = false;
                        continue;
                    }
                    if (poly.size() % 2 != 0 || poly.size() < 6) {
                        c.error(pk, "a polygon needs an even number (at least 6) of coordinates, found " +
                                        std::to_string(poly.size()));
                        ok = false;
                    }
                    coco::Polygon xy;
                    bool outside = false;
                    for (size_t v = 0; v < poly.size(); ++v) {
                        if (!poly[v].is_number() || !std::isfinite(poly[v].get<double>())) {
                            c.error(Checker::at(pk, v), "must be a finite number, found " + poly[v].dump().substr(0, 20));
                            ok = false;
                            continue;
                        }
                        const double value = poly[v].get<double>();
                        if (image && (value < -1 || value > (v % 2 ? image->height : image->width) + 1)) outside = true;
                        xy.push_back(value);
                    }
                    if (outside) c.warning(pk, "points lie outside the image");
                    polygons.push_back(std::move(xy));
                }
                if (ok && image) mask = coco::encode(coco::rasterizePolygons(polygons, image->width, image->height));
            } else {
                c.error(p + ".segmentation", "must be polygons (a list) or RLE (an object)");
            }
            std::optional<std::array<double, 4>> box;
            if (a.contains("bbox")) {
                const json& b = a["bbox"];
                if (!b.is_array() || b.size() != 4 || !std::all_of(b.begin(), b.end(), [](const json& v) { return v.is_number(); }))
                    c.error(p + ".bbox", "must be [x, y, width, height]");
                else if (b[2].get<double>() < 0 || b[3].get<double>() < 0)
                    c.error(p + ".bbox", "width and height must not be negative");
                else box = std::array<double, 4>{b[0].get<double>(), b[1].get<double>(), b[2].get<double>(), b[3].get<double>()};
            }
            std::optional<double> area;
            if (a.contains("area")) {
                if (!a["area"].is_number()) c.error(p + ".area", "must be a number");
                else if (a["area"].get<double>() < 0) c.error(p + ".area", "must not be negative");
                else area = a["area"].get<double>();
            }
            if (mask) {
                const double pixels = static_cast<double>(coco::area(*mask));
                if (pixels == 0) c.warning(p + ".segmentation", "the mask is empty");
                const auto truth = coco::boundingBox(*mask);
                if (box && pixels > 0)
                    for (int k = 0; k < 4; ++k)
                        if (std::abs((*box)[k] - truth[k]) > 1.0 + 1e-9) {
                            c.warning(p + ".bbox", "differs from the mask's box [" + std::to_string(truth[0]) + ", " +
                                                       std::to_string(truth[1]) + ", " + std::to_string(truth[2]) + ", " +
                                                       std::to_string(truth[3]) + "]");
                            break;
                        }
                if (area && std::abs(*area - pixels) > std::max(1.0, 0.01 * pixels))
                    c.warning(p + ".area", "is " + std::to_string(*area) + " but the mask has " +
                                               std::to_string(static_cast<int64_t>(pixels)) + " pixels");
            }
        }
    }
    return c.result;
}

CocoValidation validateCocoFile(const std::string& path, const std::string& imagesDirectory) {
    json coco;
    try {
        coco = JsonFields::parseFile(path);
    } catch (const Error& e) {
        CocoValidation v;
        v.problems.push_back({true, "", e.what()});
        return v;
    }
    return validateCoco(coco, imagesDirectory);
}

} // namespace rlfseg::annotation
