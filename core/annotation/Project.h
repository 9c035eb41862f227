#pragma once
// The annotation document: images, categories and instance masks, what the app edits and saves,
// and what COCO export reads. No Qt, no LibTorch.
//
// Masks are stored losslessly as COCO RLE (holes and all); polygons are derived only when asked
// (coco/Polygons.h). Nothing is decoded that is not being looked at or exported, so a project of
// 100,000 annotations stays small in memory.
//
// File format (JSON, "format": "rlfseg-project", "version": 1):
//   {"format", "version", "created", "modified",
//    "categories": [{"id", "name", "supercategory", "color": [r, g, b]}],
//    "images": [{"id", "path" (relative to the project file's folder), "width", "height",
//                "hash", "state": "new" | "auto" | "reviewed",
//                "prompts": [{"prompt", "time", "latency_ms", "score", "area", "model"}]}],
//    "annotations": [{"id", "image_id", "category_id", "rle": {"size": [h, w], "counts": "..."},
//                     "source": "model" | "manual" | "imported", "score", "prompt", "created",
//                     "iscrowd", "polygons" (only when imported as polygons)}],
//    "next_ids": {"image", "annotation", "category"}}
// Reading checks everything (types, unknown ids, duplicate ids, RLE sizes against the image) and
// names the file and JSON path in its errors. Older versions are migrated on load (migrate()).

#include "core/coco/Polygons.h"
#include "core/coco/Rle.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rlfseg::annotation {

// Images above 2^28 pixels (16384 x 16384) are refused with a clear message: one decoded mask of
// that size is 256 MB, and a file that claims more is far more often damaged than real.
constexpr int64_t kMaxImagePixels = int64_t{1} << 28;
inline bool plausibleImageSize(int64_t width, int64_t height) {
    return width > 0 && height > 0 && width <= kMaxImagePixels && height <= kMaxImagePixels &&
           width * height <= kMaxImagePixels;
}

enum class ReviewState { New, AutoAnnotated, Reviewed };
enum class Source { Model, Manual, Imported };

std::string toString(ReviewState state);
std::string toString(Source source);

struct Category {
    int id = 0;
    std::string name;
    std::string supercategory;
    std::array<uint8_t, 3> color{255, 0, 0};
};

struct PromptRecord {
    std::string prompt;
    std::string time;       // ISO 8601, UTC
    double latencyMs = 0;
    double score = 0;
    int64_t area = 0;
    std::string model;
};

struct Image {
    int64_t id = 0;
    std::string path;       // relative to the project file's folder (forward slashes)
    int width = 0, height = 0;
    std::string hash;       // content hash of the file, to notice a changed image
    ReviewState state = ReviewState::New;
    std::vector<PromptRecord> prompts;
};

struct Annotation {
    int64_t id = 0;
    int64_t imageId = 0;
    int categoryId = 0;
    coco::Rle mask;         // the image's size, lossless
    Source source = Source::Manual;
    double score = -1;      // the model's score; < 0: none
    std::string prompt;     // the prompt that made it (model annotations)
    std::string created;    // ISO 8601, UTC
    bool iscrowd = false;
    // The polygons it was imported with (COCO, labelme), exported again as they came while the
    // mask is the one they made: replaceMask() clears them. Empty for everything else.
    std::vector<coco::Polygon> polygons;
};

class Project {
public:
    static constexpr int kVersion = 1;

    // Images. addImage returns the new id; paths must be unique.
    int64_t addImage(const std::string& path, int width, int height, const std::string& hash = "");
    const Image* image(int64_t id) const;
    Image* image(int64_t id);
    const Image* imageByPath(const std::string& path) const;
    const std::map<int64_t, Image>& images() const { return mImages; }
    void setState(int64_t imageId, ReviewState state);
    void addPrompt(int64_t imageId, const PromptRecord& record);

    // Categories: ids are assigned from 1; names are unique (case-sensitive).
    int addCategory(const std::string& name, const std::string& supercategory = "",
                    std::optional<std::array<uint8_t, 3>> color = std::nullopt);
    const Category* category(int id) const;
    const Category* categoryByName(const std::string& name) const;
    // The id of the category of that name, created if missing.
    int ensureCategory(const std::string& name);
    const std::map<int, Category>& categories() const { return mCategories; }

    // Annotations. The mask's size must be the image's; throws rlfseg::Error otherwise.
    int64_t addAnnotation(Annotation annotation); // its id is assigned; returns it
    void replaceMask(int64_t annotationId, const coco::Rle& mask);
    void setCategory(int64_t annotationId, int categoryId);
    void removeAnnotation(int64_t annotationId);
    const Annotation* annotation(int64_t id) const;
    const std::map<int64_t, Annotation>& annotations() const { return mAnnotations; }
    std::vector<const Annotation*> annotationsOf(int64_t imageId) const;

    // Whole document as JSON and back (see the file comment). fromJson throws rlfseg::Error naming
    // `source` and the JSON path.
    nlohmann::json toJson() const;
    static Project fromJson(const nlohmann::json& json, const std::string& source);
    // A document of an older version in the current one (version 1 is current; nothing to do yet).
    static nlohmann::json migrate(nlohmann::json json, const std::string& source);

    // Atomic save (temporary file, fsync, rename): a crash leaves the old file or the new one.
    void save(const std::string& path) const;
    static Project load(const std::string& path);

    std::string created, modified;

private:
    std::map<int64_t, Image> mImages;
    std::map<int, Category> mCategories;
    std::map<int64_t, Annotation> mAnnotations;
    std::map<std::string, int64_t> mImageByPath;
    std::map<int64_t, std::set<int64_t>> mAnnotationsByImage; // image id -> its annotation ids
    int64_t mNextImage = 1, mNextAnnotation = 1;
    int mNextCategory = 1;
};

// One annotation as the project file stores it, and back (ids are not checked against a project;
// errors name `source` and the JSON path `path`).
nlohmann::json annotationToJson(const Annotation& annotation);
Annotation annotationFromJson(const nlohmann::json& json, const std::string& source, const std::string& path);

// The current time as ISO 8601 UTC with milliseconds ("2026-11-25T18:30:00.123Z").
std::string nowIso8601();

} // namespace rlfseg::annotation
