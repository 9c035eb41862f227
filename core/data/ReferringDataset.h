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

#include <opencv2/core.hpp>

#include <map>
#include <string>
#include <vector>

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
};

class ReferringDataset {
public:
    // Reads dir/instances.json and dir/refs.json; throws rlfseg::Error (see the file comment).
    static ReferringDataset open(const std::string& dir);

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
        Segmentation segmentation;
        bool hasClean = false;
        Segmentation clean;
    };
    struct Image {
        int width = 0, height = 0;
        std::string fileName;
    };

    cv::Mat rasterise(const Segmentation& segmentation, const Image& image) const;

    std::string mDir;
    std::map<int, Image> mImages;
    std::map<int, Annotation> mAnnotations;
    std::vector<std::string> mSplits;
    std::vector<ReferringSample> mSamples;
};

} // namespace rlfseg::data
