#pragma once
// COCO run-length encoding of binary masks, bit-compatible with pycocotools (common/maskApi.c).
// No Qt, no LibTorch.
//
// Layout: the mask is read in column-major (Fortran) order, i.e. down the first column, then down
// the second, and so on. `counts` alternates background and foreground runs and always starts with
// a background run, which is 0 when the first pixel is foreground. An all-zero H x W mask is
// {H*W}; an all-one mask is {0, H*W}; a mask with no pixels (0 x W or H x 0) is {0}.
//
// The compressed string form ("counts" as a string in COCO JSON) is pycocotools' rleToString: each
// count, minus the count two places back for indices >= 3, is written as a signed little-endian
// number in 5-bit groups, one character per group: char = 48 + group, + 32 when more groups follow;
// the last group's bit 4 is the sign. So characters are '0'..'o' (ASCII 48..111).
//
// Every malformed input (counts not summing to height * width, negative sizes, characters outside
// '0'..'o', a string ending inside a number, a count outside 0..2^32-1) throws rlfseg::Error.

#include <opencv2/core.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rlfseg::coco {

struct Rle {
    int height = 0, width = 0;
    std::vector<uint32_t> counts; // column-major runs, background first; sums to height * width
};

// Encodes a CV_8UC1 mask (any nonzero byte is foreground). Throws rlfseg::Error for other types or
// masks with 2^32 pixels or more. Runs of the transposed mask row-wise, skipping 8 bytes at a time
// inside long runs: a 1024 x 1024 mask takes well under a millisecond.
Rle encode(const cv::Mat& mask);

// The mask as CV_8UC1 with values 0 and 1, height x width. Validates first.
cv::Mat decode(const Rle& rle);

// The RLE of a height x width mask that is zero outside `region`, from the region alone
// (CV_8UC1, non-zero = foreground): what encode() gives for the full mask, at the cost of the region.
Rle encodeRegion(const cv::Mat& regionMask, const cv::Rect& region, int height, int width);

// Only `region` of the mask (clipped to it), CV_8UC1 0/1 of the region's size: cost follows the
// runs and the region, not the whole image (exports work on each object's box).
cv::Mat decodeRegion(const Rle& rle, const cv::Rect& region);

// Throws rlfseg::Error unless sizes are >= 0 and the counts sum to height * width.
void validate(const Rle& rle);

// pycocotools' rleToString / rleFrString (see the file comment). fromCompressedString validates the
// result against height x width.
std::string toCompressedString(const Rle& rle);
Rle fromCompressedString(const std::string& counts, int height, int width);

// Number of foreground pixels (pycocotools area: the sum of the odd-indexed counts).
uint64_t area(const Rle& rle);

// {x, y, width, height} of the foreground's bounding box as pycocotools toBbox computes it (the
// same unsigned arithmetic, quirks of non-canonical counts included); all zeros for an empty mask.
std::array<double, 4> boundingBox(const Rle& rle);

// COCO JSON segmentation object {"size": [h, w], "counts": "<compressed>"}.
nlohmann::json toCocoJson(const Rle& rle);
// Reads {"size": [h, w], "counts": ...} with counts either a compressed string or a list of ints
// (the uncompressed form COCO uses for iscrowd annotations). `where` prefixes error messages.
Rle fromCocoJson(const nlohmann::json& segmentation, const std::string& where = "COCO RLE");

} // namespace rlfseg::coco
