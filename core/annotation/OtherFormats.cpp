#include "core/annotation/OtherFormats.h"

#include "core/coco/Polygons.h"
#include "core/io/AtomicFile.h"
#include "core/io/ImageFile.h"
#include "core/util/Error.h"
#include "core/util/MaskBox.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <sstream>

namespace rlfseg::annotation {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string base64(const std::vector<uchar>& bytes) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (size_t i = 0; i < bytes.size(); i += 3) {
        const uint32_t n = (uint32_t(bytes[i]) << 16) | (i + 1 < bytes.size() ? uint32_t(bytes[i + 1]) << 8 : 0) |
                           (i + 2 < bytes.size() ? uint32_t(bytes[i + 2]) : 0);
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? table[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? table[n & 63] : '=';
    }
    return out;
}

std::vector<uchar> png(const cv::Mat& m) {
    std::vector<uchar> bytes;
    if (!cv::imencode(".png", m, bytes)) throw Error("PNG encoding failed");
    return bytes;
}

void writeBytes(const fs::path& path, const std::vector<uchar>& bytes) {
    writeFileAtomically(path.string(), std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// Category id -> 0-based class index, in id order (YOLO).
std::map<int, int> classIndex(const Project& project) {
    std::map<int, int> index;
    for (const auto& [id, c] : project.categories()) index.emplace(id, static_cast<int>(index.size()));
    return index;
}

std::string number(double v) {
    std::ostringstream s;
    s << std::setprecision(6) << std::fixed << v;
    std::string t = s.str();
    while (!t.empty() && t.back() == '0') t.pop_back(); // "0.250000" -> "0.25"
    if (!t.empty() && t.back() == '.') t.pop_back();
    return t;
}

} // namespace

std::string exportStem(const std::string& imagePath) {
    fs::path p(imagePath);
    std::string stem = (p.parent_path() / p.stem()).generic_string();
    std::string out;
    for (size_t i = 0; i < stem.size(); ++i) {
        if (stem[i] == '/') out += "__";
        else if (stem[i] == '.' && (i == 0 || stem[i - 1] == '/') && i + 1 < stem.size() && stem[i + 1] == '.') {
            out += "up", ++i; // ".." -> "up", so a name never climbs out of the folder
        } else out += stem[i];
    }
    return out;
}

ExportSummary exportLabelme(const Project& project, const std::string& outDirectory, const std::string& imagesRelativeTo,
                            const coco::OutlineOptions& outlineOptions) {
    ExportSummary summary;
    fs::create_directories(outDirectory);
    for (const auto& [imageId, im] : project.images()) {
        json shapes = json::array();
        for (const Annotation* a : project.annotationsOf(imageId)) {
            const std::string label = project.category(a->categoryId)->name;
            const cv::Mat mask = coco::decode(a->mask);
            const auto outline = coco::outlineForExport(mask, outlineOptions).outline;
            if (outline.polygons.empty()) continue;
            if (outline.hasHoles) {
                const cv::Rect box = maskBox(mask);
                shapes.push_back({{"label", label},
                                  {"points", {{box.x, box.y}, {box.x + box.width - 1, box.y + box.height - 1}}},
                                  {"group_id", a->id},
                                  {"description", a->prompt},
                                  {"shape_type", "mask"},
                                  {"flags", json::object()},
                                  {"mask", base64(png(mask(box) * 255))}});
                ++summary.shapes;
                continue;
            }
            for (const auto& polygon : outline.polygons) {
                json points = json::array();
                for (size_t k = 0; k + 1 < polygon.size(); k += 2) points.push_back({polygon[k], polygon[k + 1]});
                shapes.push_back({{"label", label},
                                  {"points", points},
                                  {"group_id", outline.polygons.size() > 1 ? json(a->id) : json()},
                                  {"description", a->prompt},
                                  {"shape_type", "polygon"},
                                  {"flags", json::object()}});
                ++summary.shapes;
            }
        }
        const std::string imagePath =
            imagesRelativeTo.empty() ? im.path : (fs::path(imagesRelativeTo) / im.path).generic_string();
        const json doc = {{"version", "5.4.1"}, {"flags", json::object()}, {"shapes", shapes},
                          {"imagePath", imagePath}, {"imageData", nullptr}, {"imageHeight", im.height},
                          {"imageWidth", im.width}};
        writeFileAtomically((fs::path(outDirectory) / (exportStem(im.path) + ".json")).string(), doc.dump(2) + "\n");
        ++summary.files;
    }
    return summary;
}

ExportSummary exportYolo(const Project& project, const std::string& outDirectory, const coco::OutlineOptions& outlineOptions) {
    ExportSummary summary;
    const fs::path out(outDirectory);
    fs::create_directories(out / "labels");
    const auto classes = classIndex(project);
    std::string names, yaml = "# Written by RLFSeg Studio (YOLO segmentation labels)\npath: .\nnames:\n";
    for (const auto& [id, c] : project.categories()) {
        names += c.name + "\n";
        yaml += "  " + std::to_string(classes.at(id)) + ": " + json(c.name).dump() + "\n";
    }
    writeFileAtomically((out / "classes.txt").string(), names);
    writeFileAtomically((out / "data.yaml").string(), yaml);
    for (const auto& [imageId, im] : project.images()) {
        std::string lines;
        for (const Annotation* a : project.annotationsOf(imageId)) {
            const auto outline = coco::outlineForExport(coco::decode(a->mask), outlineOptions).outline;
            for (const auto& polygon : outline.polygons) {
                std::string line = std::to_string(classes.at(a->categoryId));
                for (size_t k = 0; k + 1 < polygon.size(); k += 2)
                    line += " " + number(std::clamp(polygon[k] / im.width, 0.0, 1.0)) + " " +
                            number(std::clamp(polygon[k + 1] / im.height, 0.0, 1.0));
                lines += line + "\n";
                ++summary.shapes;
            }
        }
        writeFileAtomically((out / "labels" / (exportStem(im.path) + ".txt")).string(), lines);
        ++summary.files;
    }
    return summary;
}

ExportSummary exportPngMasks(const Project& project, const std::string& outDirectory) {
    ExportSummary summary;
    const fs::path out(outDirectory);
    fs::create_directories(out / "instances");
    fs::create_directories(out / "semantic");
    const bool wide = !project.categories().empty() && project.categories().rbegin()->first > 255;
    json index = json::object();
    for (const auto& [imageId, im] : project.images()) {
        cv::Mat instances = cv::Mat::zeros(im.height, im.width, CV_16UC1);
        cv::Mat semantic = cv::Mat::zeros(im.height, im.width, wide ? CV_16UC1 : CV_8UC1);
        json values = json::object();
        int value = 0;
        for (const Annotation* a : project.annotationsOf(imageId)) {
            const cv::Mat mask = coco::decode(a->mask);
            ++value;
            instances.setTo(value, mask);
            semantic.setTo(a->categoryId, mask);
            values[std::to_string(value)] = {{"annotation_id", a->id}, {"category_id", a->categoryId}};
            ++summary.shapes;
        }
        const std::string stem = exportStem(im.path);
        writeBytes(out / "instances" / (stem + ".png"), png(instances));
        writeBytes(out / "semantic" / (stem + ".png"), png(semantic));
        index[stem] = {{"image", im.path}, {"instances", values}};
        summary.files += 2;
    }
    json categories = json::object();
    for (const auto& [id, c] : project.categories()) categories[std::to_string(id)] = c.name;
    writeFileAtomically((out / "index.json").string(), json{{"categories", categories}, {"images", index}}.dump(2) + "\n");
    return summary;
}

} // namespace rlfseg::annotation
