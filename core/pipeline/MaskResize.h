#pragma once
// Soft masks from the model's size to the image's: bilinear, with cv::resize's INTER_LINEAR pixel
// mapping (half-pixel centres, edges clamped). One implementation computes both the float soft
// mask and the binary mask straight from the small soft mask, row by row, so that the binary mask
// of a 48-megapixel image needs no 192 MB float copy and still equals `upsampleSoftMask(...) > t`
// pixel for pixel. OpenCV only.

#include <opencv2/core.hpp>

namespace rlfseg::conventions {

// CV_32FC1 -> CV_32FC1 of `size`.
cv::Mat upsampleSoftMask(const cv::Mat& soft, cv::Size size);

// CV_32FC1 -> CV_8UC1 of `size`: 255 where the upsampled soft mask is > threshold, else 0.
cv::Mat binaryMaskAtSize(const cv::Mat& soft, cv::Size size, float threshold);

} // namespace rlfseg::conventions
