// Any bytes as a COCO compressed RLE string for a small mask (the first two bytes give its height
// and width): it decodes or throws rlfseg::Error; what decodes agrees with its own area (and box,
// when canonical), and encodes back to a mask that decodes the same.

#include "core/coco/Rle.h"
#include "core/util/Error.h"
#include "core/util/MaskBox.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace rlfseg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const int height = data[0] % 64, width = data[1] % 64;
    const std::string counts(reinterpret_cast<const char*>(data + 2), size - 2);
    coco::Rle rle;
    try {
        rle = coco::fromCompressedString(counts, height, width);
    } catch (const Error&) {
        return 0;
    }
    const cv::Mat mask = coco::decode(rle);
    if (mask.rows != height || mask.cols != width) std::abort();
    if (mask.empty()) { // a 0 x N mask: nothing to compare (OpenCV refuses empty operands)
        if (coco::area(rle) != 0) std::abort();
        return 0;
    }
    if (static_cast<uint64_t>(cv::countNonZero(mask)) != coco::area(rle)) std::abort();
    // The box is pycocotools' toBbox, quirks included, which are right only for canonical counts
    // (no empty run after the first): what encode() makes, and what the check holds to.
    const auto box = coco::boundingBox(rle);
    const bool canonical = std::find(rle.counts.begin() + std::min<size_t>(1, rle.counts.size()), rle.counts.end(), 0u) ==
                           rle.counts.end();
    if (canonical && coco::area(rle) > 0) {
        const cv::Rect expected = maskBox(mask);
        if (box[0] != expected.x || box[1] != expected.y || box[2] != expected.width || box[3] != expected.height)
            std::abort();
    }
    const coco::Rle again = coco::encode(mask);
    if (cv::countNonZero(coco::decode(again) != mask) != 0) std::abort();
    if (coco::fromCompressedString(coco::toCompressedString(again), height, width).counts != again.counts) std::abort();
    return 0;
}
