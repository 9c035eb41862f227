#pragma once
// `rlfseg coco validate`: every problem of a COCO instances file, each with its JSON path, so users
// can check files made by any tool before training on them. No Qt, no LibTorch.
//
// Errors (what breaks pycocotools or a training framework): a missing or mistyped top-level list;
// images without an integer id, a file_name or a positive width / height; duplicate image,
// annotation or category ids; annotations naming unknown images or categories; a segmentation
// that is neither polygons nor RLE; polygons with an odd number (or fewer than 6) of coordinates or
// non-numeric ones; RLE whose size differs from the image's or whose counts do not sum to h x w;
// bbox not four non-negative numbers; negative area; iscrowd other than 0 or 1; with an images
// folder, a missing or unreadable image or one whose size differs from the file's.
// Warnings (legal, but likely mistakes): category ids starting at 0; duplicate category names;
// an empty mask; bbox or area disagreeing with the mask by more than a pixel / 1%; polygon points
// far outside the image; crowd annotations given as polygons.

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace rlfseg::annotation {

struct CocoProblem {
    bool error = true;      // false: a warning
    std::string path;       // "annotations[12].segmentation.counts"
    std::string message;
};

struct CocoValidation {
    std::vector<CocoProblem> problems;
    size_t images = 0, annotations = 0, categories = 0;
    size_t errors() const;
    size_t warnings() const { return problems.size() - errors(); }
};

// `imagesDirectory` empty: image files are not checked.
CocoValidation validateCoco(const nlohmann::json& coco, const std::string& imagesDirectory = "");
// Reads the file first; a file that is not JSON at all is one error (with the parser's position).
CocoValidation validateCocoFile(const std::string& path, const std::string& imagesDirectory = "");

} // namespace rlfseg::annotation
