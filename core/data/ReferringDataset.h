#pragma once
// Reader for the project's referring format (METHOD.md section 8; what generateShapesDataset writes
// and what converters target). No Qt, no LibTorch.
//
//   DIR/instances.json  COCO: "images" (id, file_name relative to DIR/images/, width, height),
//                       "annotations" (id, image_id, "segmentation" as compressed RLE
//                       {"size": [h, w], "counts": "..."}, uncompressed RLE {"size", "counts": [..]}
//                       or polygons [[x0, y0, x1, y1, ...], ...]; optionally "segmentation_clean"
//                       in the same forms), optionally "categories" (a list).
//   DIR/refs.json       a list of {"ref_id", "image_id", "ann_ids": [...], "split",
//                       "sentences": [{"sent", optionally "sent_id"}, ...]}; several ann_ids mean the
//                       union of those objects.
//
// open() reads and validates both files completely, so that every later call is safe: malformed
// JSON, missing keys, wrong types, duplicate image / annotation / ref ids, annotations of unknown
// images, refs naming unknown images or annotations (or annotations of another image), RLE whose
// counts do not sum to h * w or whose size differs from the image's, polygons with an odd number of
// coordinates. Each failure is an rlfseg::Error naming the file and the JSON path, e.g.
//   ".../refs.json: [12].ann_ids[1]: unknown annotation id 99"
//   ".../instances.json: annotations[3].segmentation[0]: a polygon needs an even number of coordinates (7)"
// Image files themselves are not opened or checked (imagePath is where they should be).
//
// Masks are kept as RLE (or polygon vertices) and decoded only in maskFor(). Polygons are
// rasterised by sampling pixel centres: pixel (x, y) spans [x, x + 1) x [y, y + 1) and is set when
// (x + 0.5, y + 0.5) is inside (even-odd rule; the polygons of one annotation are OR-ed, as
// pycocotools merges them). This matches pycocotools' frPoly on axis-aligned integer polygons
// (the square 0..9 gives 9 x 9 pixels) and approximates it, to a pixel along edges, elsewhere.

#include "core/coco/Rle.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <map>
#include <string>
#include <vector>

namespace rlfseg {
struct JsonPath;
}

namespace rlfseg::data {

// One sample = one sentence of one ref.
struct ReferringSample {
    int refId = 0;
    int imageId = 0;
    std::string imagePath;   // DIR/images/<file_name>
    std::string sentence;
    std::vector<int> annIds; // the union of these annotations is the target
    std::string split;
    int sentId = -1;         // "sent_id" where given, else -1
    std::string kind;        // the expression's kind where the data set names it (the shapes data:
                             // "attribute", "position", "relation", ...), else empty
};

class ReferringDataset {
public:
    // Any supported source, recognised by its files (imagesDir: where the images are; default
    // <folder>/images):
    //   refs.json + instances.json            the project's format (openProject)
    //   refs(unc|umd|google).p + instances.json RefCOCO / RefCOCO+ / G-Ref as distributed (openRefCoco)
    //   refer_<split>.json                      PhraseCut as distributed (openPhraseCut)
    //   instances.json, or a .json file         COCO instances (openCoco)
    static ReferringDataset open(const std::string& path, const std::string& imagesDir = "");

    // Reads dir/instances.json and dir/refs.json; throws rlfseg::Error (see the file comment).
    static ReferringDataset openProject(const std::string& dir, const std::string& imagesDir = "");
    // The refer API's pickle (a list of {ref_id, ann_id, image_id, split, sentences: [{sent_id, sent}]})
    // with its COCO instances.json; one sample per sentence; splits as stored (train, val, testA, ...).
    static ReferringDataset openRefCoco(const std::string& refsPickle, const std::string& instancesJson,
                                        const std::string& imagesDir = "");
    // dir/refer_<split>.json (lists of {task_id, image_id, phrase, Polygons: per instance a list of
    // polygons [[x, y], ...]}), images <imagesDir>/<image_id>.jpg; image sizes from
    // dir/image_data_split.json where present, else from each image's header. One sample per task.
    static ReferringDataset openPhraseCut(const std::string& dir, const std::string& imagesDir = "");
    // A COCO instances file (polygons, compressed or uncompressed RLE, iscrowd): one sample per
    // image and category, the category's name as the prompt; split "all".
    static ReferringDataset openCoco(const std::string& instancesJson, const std::string& imagesDir = "");

    // "project", "refcoco", "phrasecut" or "coco".
    const std::string& format() const { return mFormat; }

    const std::string& directory() const { return mDir; }
    // Split names in order of first appearance in refs.json.
    const std::vector<std::string>& splits() const { return mSplits; }
    // Samples of one split in refs.json order (sentences in their order); empty for an unknown split.
    std::vector<ReferringSample> samples(const std::string& split) const;
    // Image width x height; throws rlfseg::Error for an unknown id.
    cv::Size imageSize(int imageId) const;
    // CV_8UC1, values 0 and 255, the image's size: the union of the sample's annotations. With
    // clean = true, an annotation's "segmentation_clean" is used where it has one.
    cv::Mat maskFor(const ReferringSample& sample, bool clean = false) const;

    size_t imageCount() const { return mImages.size(); }
    size_t annotationCount() const { return mAnnotations.size(); }

private:
    struct Segmentation {
        bool isRle = true;
        coco::Rle rle;
        std::vector<std::vector<double>> polygons; // x0, y0, x1, y1, ...
    };
    struct Annotation {
        int imageId = 0;
        int categoryId = 0;
        Segmentation segmentation;
        bool hasClean = false;
        Segmentation clean;
    };
    struct Image {
        int width = 0, height = 0;
        std::string fileName;
    };

    cv::Mat rasterise(const Segmentation& segmentation, const Image& image) const;
    void readInstances(const std::string& instancesPath);
    static Segmentation readSegmentation(const JsonPath& where, const nlohmann::json& segmentation,
                                         const std::string& path, const Image& image);

    std::string mDir, mImagesDir, mFormat;
    std::map<int, std::string> mCategories;
    std::map<int, Image> mImages;
    std::map<int, Annotation> mAnnotations;
    std::vector<std::string> mSplits;
    std::vector<ReferringSample> mSamples;
};

} // namespace rlfseg::data
