#include "core/data/ReferringDataset.h"

#include "core/coco/Polygons.h"
#include "core/io/ImageFile.h"
#include "core/io/JsonFields.h"
#include "core/io/JsonPath.h"
#include "core/io/Pickle.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

namespace rlfseg::data {

using nlohmann::json;


namespace {
using Where = rlfseg::JsonPath;

json parse(const std::string& path) {
    return JsonFields::parseFile(path); // Error naming the file: missing, unreadable or malformed
}

} // namespace

void ReferringDataset::readInstances(const std::string& instancesPath) {
    const Where inst{instancesPath};
    const json instances = parse(instancesPath);
    if (!instances.is_object()) inst.fail("", "expected a JSON object at the top level");
    if (instances.contains("categories") && !instances["categories"].is_null()) {
        const json& categories = instances["categories"];
        if (!categories.is_array()) inst.fail("categories", "must be a list");
        for (size_t i = 0; i < categories.size(); ++i) {
            const std::string p = Where::index("categories", i);
            const int id = inst.requireInt(categories[i], p, "id");
            if (!mCategories.emplace(id, inst.requireString(categories[i], p, "name")).second)
                inst.fail(p + ".id", "duplicate category id " + std::to_string(id));
        }
    }

    const json& images = inst.requireArray(instances, "", "images");
    for (size_t i = 0; i < images.size(); ++i) {
        const std::string p = Where::index("images", i);
        const json& im = images[i];
        const int id = inst.requireInt(im, p, "id");
        Image image;
        image.fileName = inst.requireString(im, p, "file_name");
        image.width = inst.requireInt(im, p, "width");
        image.height = inst.requireInt(im, p, "height");
        if (image.width <= 0) inst.fail(p + ".width", "must be positive, found " + std::to_string(image.width));
        if (image.height <= 0) inst.fail(p + ".height", "must be positive, found " + std::to_string(image.height));
        if (!mImages.emplace(id, std::move(image)).second) inst.fail(p + ".id", "duplicate image id " + std::to_string(id));
    }

    const json& annotations = inst.requireArray(instances, "", "annotations");
    for (size_t i = 0; i < annotations.size(); ++i) {
        const std::string p = Where::index("annotations", i);
        const json& a = annotations[i];
        const int id = inst.requireInt(a, p, "id");
        Annotation ann;
        ann.imageId = inst.requireInt(a, p, "image_id");
        const auto image = mImages.find(ann.imageId);
        if (image == mImages.end()) inst.fail(p + ".image_id", "unknown image id " + std::to_string(ann.imageId));
        ann.segmentation = readSegmentation(inst, inst.require(a, p, "segmentation"), p + ".segmentation", image->second);
        const auto clean = a.find("segmentation_clean");
        if (clean != a.end() && !clean->is_null()) {
            ann.hasClean = true;
            ann.clean = readSegmentation(inst, *clean, p + ".segmentation_clean", image->second);
        }
        const auto category = a.find("category_id");
        if (category != a.end() && !category->is_null()) ann.categoryId = inst.toInt(*category, p + ".category_id");
        if (!mAnnotations.emplace(id, std::move(ann)).second)
            inst.fail(p + ".id", "duplicate annotation id " + std::to_string(id));
    }
}

ReferringDataset::Segmentation ReferringDataset::readSegmentation(const Where& inst, const json& seg,
                                                                  const std::string& p, const Image& image) {
    Segmentation out;
    if (seg.is_object()) {
        out.isRle = true;
        out.rle = coco::fromCocoJson(seg, inst.file + ": " + p);
        if (out.rle.height != image.height || out.rle.width != image.width)
            inst.fail(p + ".size", "RLE size [" + std::to_string(out.rle.height) + ", " + std::to_string(out.rle.width) +
                                       "] differs from the image's [" + std::to_string(image.height) + ", " +
                                       std::to_string(image.width) + "]");
    } else if (seg.is_array()) {
        out.isRle = false;
        for (size_t k = 0; k < seg.size(); ++k) {
            const std::string pk = Where::index(p, k);
            const json& poly = seg[k];
            if (!poly.is_array()) inst.fail(pk, "a polygon must be a list of coordinates, found " + std::string(poly.type_name()));
            if (poly.size() % 2 != 0)
                inst.fail(pk, "a polygon needs an even number of coordinates (" + std::to_string(poly.size()) + ")");
            std::vector<double> xy;
            xy.reserve(poly.size());
            for (size_t c = 0; c < poly.size(); ++c) {
                if (!poly[c].is_number()) inst.fail(Where::index(pk, c), "must be a number, found " + poly[c].dump());
                const double v = poly[c].get<double>();
                if (!std::isfinite(v) || std::abs(v) > 1e6) inst.fail(Where::index(pk, c), "coordinate out of range");
                xy.push_back(v);
            }
            out.polygons.push_back(std::move(xy));
        }
    } else {
        inst.fail(p, "must be an RLE object or a list of polygons, found " + std::string(seg.type_name()));
    }
    return out;
}

ReferringDataset ReferringDataset::openProject(const std::string& dir, const std::string& imagesDir) {
    namespace fs = std::filesystem;
    ReferringDataset ds;
    ds.mDir = dir;
    ds.mFormat = "project";
    const fs::path root(dir);
    ds.mImagesDir = imagesDir.empty() ? (root / "images").string() : imagesDir;
    ds.readInstances((root / "instances.json").string());

    // ---- refs.json ----
    const std::string refsPath = (root / "refs.json").string();
    const Where refsWhere{refsPath};
    const json refs = parse(refsPath);
    if (!refs.is_array()) refsWhere.fail("", "expected a JSON list of refs at the top level");
    std::set<int> refIds;
    std::set<std::string> splitSet;
    for (size_t i = 0; i < refs.size(); ++i) {
        const std::string p = Where::index("", i);
        const json& r = refs[i];
        const int refId = refsWhere.requireInt(r, p, "ref_id");
        if (!refIds.insert(refId).second) refsWhere.fail(p + ".ref_id", "duplicate ref id " + std::to_string(refId));
        const int imageId = refsWhere.requireInt(r, p, "image_id");
        const auto image = ds.mImages.find(imageId);
        if (image == ds.mImages.end()) refsWhere.fail(p + ".image_id", "unknown image id " + std::to_string(imageId));
        const json& annIds = refsWhere.requireArray(r, p, "ann_ids");
        if (annIds.empty()) refsWhere.fail(p + ".ann_ids", "must list at least one annotation id");
        std::vector<int> ids;
        for (size_t k = 0; k < annIds.size(); ++k) {
            const std::string pk = Where::index(p + ".ann_ids", k);
            const int annId = refsWhere.toInt(annIds[k], pk);
            const auto ann = ds.mAnnotations.find(annId);
            if (ann == ds.mAnnotations.end()) refsWhere.fail(pk, "unknown annotation id " + std::to_string(annId));
            if (ann->second.imageId != imageId)
                refsWhere.fail(pk, "annotation " + std::to_string(annId) + " belongs to image " +
                                       std::to_string(ann->second.imageId) + ", not " + std::to_string(imageId));
            ids.push_back(annId);
        }
        const std::string split = refsWhere.requireString(r, p, "split");
        const std::string kind = r.contains("kind") ? refsWhere.requireString(r, p, "kind") : std::string();
        const json& sentences = refsWhere.requireArray(r, p, "sentences");
        if (sentences.empty()) refsWhere.fail(p + ".sentences", "must hold at least one sentence");
        if (splitSet.insert(split).second) ds.mSplits.push_back(split);
        for (size_t k = 0; k < sentences.size(); ++k) {
            const std::string pk = Where::index(p + ".sentences", k);
            ReferringSample s;
            s.refId = refId;
            s.imageId = imageId;
            s.imagePath = (fs::path(ds.mImagesDir) / image->second.fileName).string();
            s.sentence = refsWhere.requireString(sentences[k], pk, "sent");
            s.annIds = ids;
            s.split = split;
            s.kind = kind;
            const auto sentId = sentences[k].find("sent_id");
            if (sentId != sentences[k].end() && !sentId->is_null()) s.sentId = refsWhere.toInt(*sentId, pk + ".sent_id");
            ds.mSamples.push_back(std::move(s));
        }
    }
    return ds;
}

namespace {
namespace fs = std::filesystem;

// Files in `dir` whose names start with `prefix` and end with `suffix`, sorted.
std::vector<fs::path> filesLike(const fs::path& dir, const std::string& prefix, const std::string& suffix) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const auto name = e.path().filename().string();
        if (e.is_regular_file() && name.size() >= prefix.size() + suffix.size() && name.rfind(prefix, 0) == 0 &&
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            found.push_back(e.path());
    }
    std::sort(found.begin(), found.end());
    return found;
}
} // namespace

ReferringDataset ReferringDataset::open(const std::string& path, const std::string& imagesDir) {
    const fs::path root(path);
    if (fs::is_regular_file(root)) {
        if (root.extension() == ".json") return openCoco(path, imagesDir);
        throw Error(path + ": not a data set; give a folder (the project's format, RefCOCO or PhraseCut) or a COCO "
                           "instances .json file");
    }
    if (!fs::is_directory(root)) throw Error(path + ": no such data set folder");
    if (fs::exists(root / "refs.json")) return openProject(path, imagesDir);
    for (const char* name : {"refs(unc).p", "refs(umd).p", "refs(google).p", "refs(berkeley).p"})
        if (fs::exists(root / name)) return openRefCoco((root / name).string(), (root / "instances.json").string(), imagesDir);
    if (const auto refs = filesLike(root, "refs(", ").p"); !refs.empty())
        return openRefCoco(refs.front().string(), (root / "instances.json").string(), imagesDir);
    if (!filesLike(root, "refer_", ".json").empty()) return openPhraseCut(path, imagesDir);
    if (fs::exists(root / "instances.json")) return openCoco((root / "instances.json").string(), imagesDir);
    throw Error(path + ": no data set found: expected refs.json + instances.json (this project's format), "
                       "refs(unc).p + instances.json (RefCOCO / RefCOCO+ / G-Ref), refer_*.json (PhraseCut) or "
                       "instances.json (COCO)");
}

ReferringDataset ReferringDataset::openRefCoco(const std::string& refsPickle, const std::string& instancesJson,
                                               const std::string& imagesDir) {
    ReferringDataset ds;
    ds.mDir = fs::path(refsPickle).parent_path().string();
    ds.mFormat = "refcoco";
    ds.mImagesDir = imagesDir.empty() ? (fs::path(ds.mDir) / "images").string() : imagesDir;
    ds.readInstances(instancesJson);
    const json refs = readPickleFile(refsPickle);
    const Where where{refsPickle};
    if (!refs.is_array()) where.fail("", "expected a list of refs (the refer API's refs(...).p)");
    std::set<std::string> splits;
    for (size_t i = 0; i < refs.size(); ++i) {
        const std::string p = Where::index("", i);
        const json& r = refs[i];
        const int refId = where.requireInt(r, p, "ref_id");
        const int imageId = where.requireInt(r, p, "image_id");
        const int annId = where.requireInt(r, p, "ann_id");
        const auto image = ds.mImages.find(imageId);
        if (image == ds.mImages.end()) where.fail(p + ".image_id", "unknown image id " + std::to_string(imageId));
        const auto ann = ds.mAnnotations.find(annId);
        if (ann == ds.mAnnotations.end()) where.fail(p + ".ann_id", "unknown annotation id " + std::to_string(annId));
        if (ann->second.imageId != imageId)
            where.fail(p + ".ann_id", "annotation " + std::to_string(annId) + " is not on image " + std::to_string(imageId));
        const std::string split = where.requireString(r, p, "split");
        if (splits.insert(split).second) ds.mSplits.push_back(split);
        const json& sentences = where.requireArray(r, p, "sentences");
        for (size_t k = 0; k < sentences.size(); ++k) {
            const std::string pk = Where::index(p + ".sentences", k);
            ReferringSample s;
            s.refId = refId, s.imageId = imageId, s.annIds = {annId}, s.split = split;
            s.imagePath = (fs::path(ds.mImagesDir) / image->second.fileName).string();
            s.sentence = where.requireString(sentences[k], pk, "sent");
            const auto sentId = sentences[k].find("sent_id");
            if (sentId != sentences[k].end() && !sentId->is_null()) s.sentId = where.toInt(*sentId, pk + ".sent_id");
            ds.mSamples.push_back(std::move(s));
        }
    }
    return ds;
}

ReferringDataset ReferringDataset::openPhraseCut(const std::string& dir, const std::string& imagesDir) {
    ReferringDataset ds;
    ds.mDir = dir;
    ds.mFormat = "phrasecut";
    ds.mImagesDir = imagesDir.empty() ? (fs::path(dir) / "images").string() : imagesDir;
    // Image sizes: from image_data_split.json where the distribution has it, else from each image's header.
    std::map<int, cv::Size> sizes;
    const fs::path imageData = fs::path(dir) / "image_data_split.json";
    if (fs::exists(imageData)) {
        const Where where{imageData.string()};
        const json data = parse(imageData.string());
        if (!data.is_array()) where.fail("", "expected a list of images");
        for (size_t i = 0; i < data.size(); ++i) {
            const std::string p = Where::index("", i);
            sizes[where.requireInt(data[i], p, "image_id")] = {where.requireInt(data[i], p, "width"),
                                                               where.requireInt(data[i], p, "height")};
        }
    }
    int nextAnnotation = 1;
    for (const auto& file : filesLike(dir, "refer_", ".json")) {
        const std::string name = file.filename().string();
        const std::string split = name.substr(6, name.size() - 11); // refer_<split>.json
        const Where where{file.string()};
        const json tasks = parse(file.string());
        if (!tasks.is_array()) where.fail("", "expected a list of PhraseCut tasks");
        ds.mSplits.push_back(split);
        for (size_t i = 0; i < tasks.size(); ++i) {
            const std::string p = Where::index("", i);
            const json& t = tasks[i];
            const int imageId = where.requireInt(t, p, "image_id");
            if (!ds.mImages.count(imageId)) {
                Image image;
                image.fileName = std::to_string(imageId) + ".jpg";
                cv::Size size;
                if (const auto it = sizes.find(imageId); it != sizes.end()) size = it->second;
                else {
                    const auto header = readImageHeader((fs::path(ds.mImagesDir) / image.fileName).string());
                    size = {header.width, header.height};
                }
                if (size.width <= 0 || size.height <= 0) where.fail(p + ".image_id", "image size unknown or invalid");
                image.width = size.width, image.height = size.height;
                ds.mImages.emplace(imageId, image);
            }
            const Image& image = ds.mImages.at(imageId);
            // Polygons: one entry per instance; each instance a list of polygons; each polygon [[x, y], ...].
            const json& instances = where.requireArray(t, p, "Polygons");
            if (instances.empty()) where.fail(p + ".Polygons", "a task needs at least one instance");
            std::vector<int> annIds;
            for (size_t k = 0; k < instances.size(); ++k) {
                const std::string pk = Where::index(p + ".Polygons", k);
                if (!instances[k].is_array()) where.fail(pk, "must be a list of polygons");
                json flat = json::array();
                for (size_t q = 0; q < instances[k].size(); ++q) {
                    const std::string pq = Where::index(pk, q);
                    const json& polygon = instances[k][q];
                    if (!polygon.is_array()) where.fail(pq, "must be a list of [x, y] points");
                    json xy = json::array();
                    for (size_t v = 0; v < polygon.size(); ++v) {
                        const json& point = polygon[v];
                        if (!point.is_array() || point.size() != 2)
                            where.fail(Where::index(pq, v), "must be a point [x, y]");
                        xy.push_back(point[0]), xy.push_back(point[1]);
                    }
                    flat.push_back(std::move(xy));
                }
                Annotation ann;
                ann.imageId = imageId;
                ann.segmentation = readSegmentation(where, flat, pk, image);
                annIds.push_back(nextAnnotation);
                ds.mAnnotations.emplace(nextAnnotation++, std::move(ann));
            }
            ReferringSample s;
            s.refId = static_cast<int>(ds.mSamples.size()) + 1;
            s.imageId = imageId, s.annIds = annIds, s.split = split;
            s.imagePath = (fs::path(ds.mImagesDir) / image.fileName).string();
            s.sentence = where.requireString(t, p, "phrase");
            ds.mSamples.push_back(std::move(s));
        }
    }
    return ds;
}

ReferringDataset ReferringDataset::openCoco(const std::string& instancesJson, const std::string& imagesDir) {
    ReferringDataset ds;
    ds.mDir = fs::path(instancesJson).parent_path().string();
    ds.mFormat = "coco";
    ds.mImagesDir = imagesDir.empty() ? (fs::path(ds.mDir) / "images").string() : imagesDir;
    ds.readInstances(instancesJson);
    if (ds.mCategories.empty()) throw Error(instancesJson + ": categories: a COCO file needs named categories");
    // One sample per image and category: the prompt is the category's name, the target the union of
    // its instances (crowd regions included), as semantic text prompts work in the app.
    std::map<std::pair<int, int>, std::vector<int>> groups;
    for (const auto& [id, ann] : ds.mAnnotations) {
        if (!ds.mCategories.count(ann.categoryId))
            throw Error(instancesJson + ": annotation " + std::to_string(id) + " has unknown category_id " +
                        std::to_string(ann.categoryId));
        groups[{ann.imageId, ann.categoryId}].push_back(id);
    }
    ds.mSplits = {"all"};
    for (const auto& [key, ids] : groups) {
        ReferringSample s;
        s.refId = static_cast<int>(ds.mSamples.size()) + 1;
        s.imageId = key.first, s.annIds = ids, s.split = "all";
        s.imagePath = (fs::path(ds.mImagesDir) / ds.mImages.at(key.first).fileName).string();
        s.sentence = ds.mCategories.at(key.second);
        ds.mSamples.push_back(std::move(s));
    }
    return ds;
}

std::vector<ReferringSample> ReferringDataset::samples(const std::string& split) const {
    std::vector<ReferringSample> out;
    for (const auto& s : mSamples)
        if (s.split == split) out.push_back(s);
    return out;
}

cv::Size ReferringDataset::imageSize(int imageId) const {
    const auto it = mImages.find(imageId);
    if (it == mImages.end()) throw Error(mDir + ": unknown image id " + std::to_string(imageId));
    return {it->second.width, it->second.height};
}

cv::Mat ReferringDataset::rasterise(const Segmentation& segmentation, const Image& image) const {
    if (segmentation.isRle) return coco::decode(segmentation.rle) * 255; // 0/1 -> 0/255, CV_8UC1
    return coco::rasterizePolygons(segmentation.polygons, image.width, image.height);
}

cv::Mat ReferringDataset::maskFor(const ReferringSample& sample, bool clean) const {
    const auto image = mImages.find(sample.imageId);
    if (image == mImages.end()) throw Error(mDir + ": unknown image id " + std::to_string(sample.imageId));
    cv::Mat mask = cv::Mat::zeros(image->second.height, image->second.width, CV_8UC1);
    for (int annId : sample.annIds) {
        const auto ann = mAnnotations.find(annId);
        if (ann == mAnnotations.end()) throw Error(mDir + ": unknown annotation id " + std::to_string(annId));
        if (ann->second.imageId != sample.imageId)
            throw Error(mDir + ": annotation " + std::to_string(annId) + " is not on image " + std::to_string(sample.imageId));
        const Segmentation& seg = clean && ann->second.hasClean ? ann->second.clean : ann->second.segmentation;
        cv::bitwise_or(mask, rasterise(seg, image->second), mask);
    }
    return mask;
}

} // namespace rlfseg::data
