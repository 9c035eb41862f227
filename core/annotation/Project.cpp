#include "core/annotation/Project.h"

#include "core/io/AtomicFile.h"
#include "core/io/JsonFields.h"
#include "core/io/JsonPath.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <set>

namespace rlfseg::annotation {

using nlohmann::json;

namespace {

constexpr const char* kFormat = "rlfseg-project";

// A distinct, stable colour per category id (golden-ratio hue steps).
std::array<uint8_t, 3> paletteColor(int id) {
    const double hue = std::fmod(0.13 + 0.618033988749895 * id, 1.0) * 6.0;
    const int sector = static_cast<int>(hue);
    const double f = hue - sector;
    const double v = 0.95, s = 0.75;
    const double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    double r = v, g = t, b = p;
    switch (sector % 6) {
    case 1: r = q, g = v, b = p; break;
    case 2: r = p, g = v, b = t; break;
    case 3: r = p, g = q, b = v; break;
    case 4: r = t, g = p, b = v; break;
    case 5: r = v, g = p, b = q; break;
    default: break;
    }
    return {static_cast<uint8_t>(r * 255), static_cast<uint8_t>(g * 255), static_cast<uint8_t>(b * 255)};
}

ReviewState stateFrom(const std::string& s, const JsonPath& where, const std::string& path) {
    if (s == "new") return ReviewState::New;
    if (s == "auto") return ReviewState::AutoAnnotated;
    if (s == "reviewed") return ReviewState::Reviewed;
    where.fail(path, "must be \"new\", \"auto\" or \"reviewed\", found \"" + s + "\"");
}

Source sourceFrom(const std::string& s, const JsonPath& where, const std::string& path) {
    if (s == "model") return Source::Model;
    if (s == "manual") return Source::Manual;
    if (s == "imported") return Source::Imported;
    where.fail(path, "must be \"model\", \"manual\" or \"imported\", found \"" + s + "\"");
}

std::string optionalString(const json& object, const std::string& key) {
    return JsonPath::has(object, key) && object.at(key).is_string() ? object.at(key).get<std::string>() : std::string();
}

} // namespace

std::string toString(ReviewState state) {
    switch (state) {
    case ReviewState::New: return "new";
    case ReviewState::AutoAnnotated: return "auto";
    case ReviewState::Reviewed: return "reviewed";
    }
    return "new";
}

std::string toString(Source source) {
    switch (source) {
    case Source::Model: return "model";
    case Source::Manual: return "manual";
    case Source::Imported: return "imported";
    }
    return "manual";
}

std::string nowIso8601() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buf[40];
    const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(millis));
    return buf;
}

// ---- images ----

int64_t Project::addImage(const std::string& path, int width, int height, const std::string& hash) {
    if (path.empty()) throw Error("an image needs a path");
    if (width <= 0 || height <= 0) throw Error(path + ": image size must be positive");
    if (mImageByPath.count(path)) throw Error(path + " is already in the project");
    Image im;
    im.id = mNextImage++;
    im.path = path, im.width = width, im.height = height, im.hash = hash;
    mImageByPath[path] = im.id;
    mImages.emplace(im.id, std::move(im));
    return mNextImage - 1;
}

const Image* Project::image(int64_t id) const {
    const auto it = mImages.find(id);
    return it == mImages.end() ? nullptr : &it->second;
}

Image* Project::image(int64_t id) {
    const auto it = mImages.find(id);
    return it == mImages.end() ? nullptr : &it->second;
}

const Image* Project::imageByPath(const std::string& path) const {
    const auto it = mImageByPath.find(path);
    return it == mImageByPath.end() ? nullptr : image(it->second);
}

void Project::setState(int64_t imageId, ReviewState state) {
    Image* im = image(imageId);
    if (!im) throw Error("unknown image id " + std::to_string(imageId));
    im->state = state;
}

void Project::addPrompt(int64_t imageId, const PromptRecord& record) {
    Image* im = image(imageId);
    if (!im) throw Error("unknown image id " + std::to_string(imageId));
    im->prompts.push_back(record);
}

// ---- categories ----

int Project::addCategory(const std::string& name, const std::string& supercategory,
                         std::optional<std::array<uint8_t, 3>> color) {
    if (name.empty()) throw Error("a category needs a name");
    if (categoryByName(name)) throw Error("a category named \"" + name + "\" exists already");
    Category c;
    c.id = mNextCategory++;
    c.name = name, c.supercategory = supercategory;
    c.color = color ? *color : paletteColor(c.id);
    mCategories.emplace(c.id, c);
    return c.id;
}

const Category* Project::category(int id) const {
    const auto it = mCategories.find(id);
    return it == mCategories.end() ? nullptr : &it->second;
}

const Category* Project::categoryByName(const std::string& name) const {
    for (const auto& [id, c] : mCategories)
        if (c.name == name) return &c;
    return nullptr;
}

int Project::ensureCategory(const std::string& name) {
    if (const auto* c = categoryByName(name)) return c->id;
    return addCategory(name);
}

// ---- annotations ----

int64_t Project::addAnnotation(Annotation a) {
    const Image* im = image(a.imageId);
    if (!im) throw Error("an annotation names unknown image id " + std::to_string(a.imageId));
    if (!category(a.categoryId)) throw Error("an annotation names unknown category id " + std::to_string(a.categoryId));
    if (a.mask.height != im->height || a.mask.width != im->width)
        throw Error(im->path + ": the mask is " + std::to_string(a.mask.width) + "x" + std::to_string(a.mask.height) +
                    ", the image " + std::to_string(im->width) + "x" + std::to_string(im->height));
    coco::validate(a.mask);
    a.id = mNextAnnotation++;
    if (a.created.empty()) a.created = nowIso8601();
    const int64_t id = a.id;
    mAnnotationsByImage[a.imageId].insert(id);
    mAnnotations.emplace(id, std::move(a));
    return id;
}

void Project::replaceMask(int64_t annotationId, const coco::Rle& mask) {
    const auto it = mAnnotations.find(annotationId);
    if (it == mAnnotations.end()) throw Error("unknown annotation id " + std::to_string(annotationId));
    const Image* im = image(it->second.imageId);
    if (mask.height != im->height || mask.width != im->width) throw Error(im->path + ": the new mask's size differs");
    coco::validate(mask);
    it->second.mask = mask;
    it->second.polygons.clear(); // they describe the old mask
}

void Project::setCategory(int64_t annotationId, int categoryId) {
    const auto it = mAnnotations.find(annotationId);
    if (it == mAnnotations.end()) throw Error("unknown annotation id " + std::to_string(annotationId));
    if (!category(categoryId)) throw Error("unknown category id " + std::to_string(categoryId));
    it->second.categoryId = categoryId;
}

void Project::removeAnnotation(int64_t annotationId) {
    const auto it = mAnnotations.find(annotationId);
    if (it == mAnnotations.end()) return;
    mAnnotationsByImage[it->second.imageId].erase(annotationId);
    mAnnotations.erase(it);
}

const Annotation* Project::annotation(int64_t id) const {
    const auto it = mAnnotations.find(id);
    return it == mAnnotations.end() ? nullptr : &it->second;
}

std::vector<const Annotation*> Project::annotationsOf(int64_t imageId) const {
    std::vector<const Annotation*> out;
    const auto ids = mAnnotationsByImage.find(imageId);
    if (ids == mAnnotationsByImage.end()) return out;
    for (const int64_t id : ids->second) out.push_back(&mAnnotations.at(id));
    return out;
}

// ---- JSON ----

json annotationToJson(const Annotation& a) {
    json j = {{"id", a.id},         {"image_id", a.imageId}, {"category_id", a.categoryId},
              {"rle", coco::toCocoJson(a.mask)}, {"source", toString(a.source)}, {"prompt", a.prompt},
              {"created", a.created}, {"iscrowd", a.iscrowd}};
    if (a.score >= 0) j["score"] = a.score;
    if (!a.polygons.empty()) j["polygons"] = a.polygons;
    return j;
}

Annotation annotationFromJson(const json& aj, const std::string& source, const std::string& at) {
    const JsonPath where{source};
    Annotation a;
    a.id = where.requireInt64(aj, at, "id");
    a.imageId = where.requireInt64(aj, at, "image_id");
    a.categoryId = where.requireInt(aj, at, "category_id");
    a.mask = coco::fromCocoJson(where.require(aj, at, "rle"), source + ": " + at + ".rle");
    a.source = JsonPath::has(aj, "source") ? sourceFrom(where.requireString(aj, at, "source"), where, at + ".source")
                                           : Source::Manual;
    if (JsonPath::has(aj, "score")) a.score = where.toNumber(aj["score"], at + ".score");
    a.prompt = optionalString(aj, "prompt");
    a.created = optionalString(aj, "created");
    if (JsonPath::has(aj, "iscrowd")) {
        const json& crowd = aj["iscrowd"];
        if (crowd.is_boolean()) a.iscrowd = crowd.get<bool>();
        else a.iscrowd = where.toInt(crowd, at + ".iscrowd") != 0;
    }
    // Checked against the mask when exported (and dropped there if they no longer make it).
    if (JsonPath::has(aj, "polygons")) a.polygons = coco::polygonsFromJson(aj["polygons"], source + ": " + at + ".polygons");
    return a;
}

json Project::toJson() const {
    json categories = json::array(), images = json::array(), annotations = json::array();
    for (const auto& [id, c] : mCategories)
        categories.push_back({{"id", c.id}, {"name", c.name}, {"supercategory", c.supercategory}, {"color", c.color}});
    for (const auto& [id, im] : mImages) {
        json prompts = json::array();
        for (const auto& p : im.prompts)
            prompts.push_back({{"prompt", p.prompt}, {"time", p.time}, {"latency_ms", p.latencyMs},
                               {"score", p.score}, {"area", p.area}, {"model", p.model}});
        images.push_back({{"id", im.id}, {"path", im.path}, {"width", im.width}, {"height", im.height},
                          {"hash", im.hash}, {"state", toString(im.state)}, {"prompts", prompts}});
    }
    for (const auto& [id, a] : mAnnotations) annotations.push_back(annotationToJson(a));
    return {{"format", kFormat},
            {"version", kVersion},
            {"created", created},
            {"modified", modified},
            {"categories", categories},
            {"images", images},
            {"annotations", annotations},
            {"next_ids", {{"image", mNextImage}, {"annotation", mNextAnnotation}, {"category", mNextCategory}}}};
}

json Project::migrate(json j, const std::string& source) {
    const JsonPath where{source};
    if (!j.is_object() || optionalString(j, "format") != kFormat)
        where.fail("format", "not an RLFSeg project (expected \"format\": \"rlfseg-project\")");
    const int version = where.requireInt(j, "", "version");
    if (version > kVersion)
        where.fail("version", "the file is version " + std::to_string(version) + ", written by a newer RLFSeg; this one reads up to " +
                                  std::to_string(kVersion));
    if (version < 1) where.fail("version", "unknown version " + std::to_string(version));
    // Version steps go here (v1 -> v2 -> ...), each rewriting the JSON, so old files keep opening.
    return j;
}

Project Project::fromJson(const json& input, const std::string& source) {
    const json j = migrate(input, source);
    const JsonPath where{source};
    Project p;
    p.created = optionalString(j, "created");
    p.modified = optionalString(j, "modified");

    const json& categories = where.requireArray(j, "", "categories");
    std::set<std::string> names;
    for (size_t i = 0; i < categories.size(); ++i) {
        const std::string at = JsonPath::index("categories", i);
        Category c;
        c.id = where.requireInt(categories[i], at, "id");
        if (c.id < 1) where.fail(at + ".id", "category ids start at 1");
        c.name = where.requireString(categories[i], at, "name");
        if (c.name.empty()) where.fail(at + ".name", "must not be empty");
        if (!names.insert(c.name).second) where.fail(at + ".name", "duplicate category name \"" + c.name + "\"");
        c.supercategory = optionalString(categories[i], "supercategory");
        c.color = paletteColor(c.id);
        if (JsonPath::has(categories[i], "color")) {
            const json& col = categories[i].at("color");
            if (!col.is_array() || col.size() != 3) where.fail(at + ".color", "must be [r, g, b]");
            for (size_t k = 0; k < 3; ++k) {
                const int v = where.toInt(col[k], JsonPath::index(at + ".color", k));
                if (v < 0 || v > 255) where.fail(JsonPath::index(at + ".color", k), "must be 0..255");
                c.color[k] = static_cast<uint8_t>(v);
            }
        }
        if (!p.mCategories.emplace(c.id, c).second) where.fail(at + ".id", "duplicate category id " + std::to_string(c.id));
        p.mNextCategory = std::max(p.mNextCategory, c.id + 1);
    }

    const json& images = where.requireArray(j, "", "images");
    for (size_t i = 0; i < images.size(); ++i) {
        const std::string at = JsonPath::index("images", i);
        Image im;
        im.id = where.requireInt64(images[i], at, "id");
        im.path = where.requireString(images[i], at, "path");
        im.width = where.requireInt(images[i], at, "width");
        im.height = where.requireInt(images[i], at, "height");
        if (!plausibleImageSize(im.width, im.height))
            where.fail(at, "image size " + std::to_string(im.width) + "x" + std::to_string(im.height) +
                               " is not plausible (at most 2^28 pixels)");
        im.hash = optionalString(images[i], "hash");
        im.state = JsonPath::has(images[i], "state")
                       ? stateFrom(where.requireString(images[i], at, "state"), where, at + ".state")
                       : ReviewState::New;
        if (JsonPath::has(images[i], "prompts")) {
            const json& prompts = where.requireArray(images[i], at, "prompts");
            for (size_t k = 0; k < prompts.size(); ++k) {
                const std::string pk = JsonPath::index(at + ".prompts", k);
                PromptRecord r;
                r.prompt = where.requireString(prompts[k], pk, "prompt");
                r.time = optionalString(prompts[k], "time");
                r.model = optionalString(prompts[k], "model");
                if (JsonPath::has(prompts[k], "latency_ms")) r.latencyMs = where.toNumber(prompts[k]["latency_ms"], pk + ".latency_ms");
                if (JsonPath::has(prompts[k], "score")) r.score = where.toNumber(prompts[k]["score"], pk + ".score");
                if (JsonPath::has(prompts[k], "area")) r.area = where.toInt64(prompts[k]["area"], pk + ".area");
                im.prompts.push_back(std::move(r));
            }
        }
        if (p.mImageByPath.count(im.path)) where.fail(at + ".path", "duplicate image path \"" + im.path + "\"");
        if (p.mImages.count(im.id)) where.fail(at + ".id", "duplicate image id " + std::to_string(im.id));
        p.mImageByPath[im.path] = im.id;
        p.mNextImage = std::max(p.mNextImage, im.id + 1);
        const int64_t id = im.id;
        if (!p.mImages.emplace(id, std::move(im)).second) where.fail(at + ".id", "duplicate image id " + std::to_string(id));
    }

    const json& annotations = where.requireArray(j, "", "annotations");
    for (size_t i = 0; i < annotations.size(); ++i) {
        const std::string at = JsonPath::index("annotations", i);
        Annotation a = annotationFromJson(annotations[i], source, at);
        const Image* im = p.image(a.imageId);
        if (!im) where.fail(at + ".image_id", "unknown image id " + std::to_string(a.imageId));
        if (!p.category(a.categoryId)) where.fail(at + ".category_id", "unknown category id " + std::to_string(a.categoryId));
        if (a.mask.height != im->height || a.mask.width != im->width)
            where.fail(at + ".rle.size", "differs from the image's size " + std::to_string(im->height) + "x" +
                                             std::to_string(im->width) + " (height x width)");
        p.mNextAnnotation = std::max(p.mNextAnnotation, a.id + 1);
        const int64_t id = a.id, imageId = a.imageId;
        if (!p.mAnnotations.emplace(id, std::move(a)).second)
            where.fail(at + ".id", "duplicate annotation id " + std::to_string(id));
        p.mAnnotationsByImage[imageId].insert(id);
    }
    return p;
}

void Project::save(const std::string& path) const {
    json j = toJson();
    const std::string now = nowIso8601();
    if (created.empty()) j["created"] = now;
    j["modified"] = now;
    writeFileAtomically(path, j.dump(1) + "\n");
}

Project Project::load(const std::string& path) { return fromJson(JsonFields::parseFile(path), path); }

} // namespace rlfseg::annotation
