#pragma once
// The latent conventions of METHOD.md section 2, in one place. Every part of the project
// (training, inference, evaluation, benchmarks) goes through these functions.

#include <opencv2/core.hpp>
#include <torch/torch.h>

namespace rlfseg::conventions {

// Size the networks see for an image of `width` x `height`: the longer side becomes `resolution`,
// the aspect ratio is kept and the shorter side is rounded to a multiple of `factor` (at least one
// multiple). A square image of exactly `resolution` is used as it is.
cv::Size modelInputSize(int width, int height, int resolution, int factor);

// RGB uint8 image (CV_8UC3) -> [1, 3, h, w] float in [-1, 1] at `size` (bilinear resize): x = pixel / 127.5 - 1.
torch::Tensor imageToTensor(const cv::Mat& rgb, cv::Size size);

// Binary mask (CV_8UC1, non-zero = object) -> [1, 3, h, w] in {-1, 1} at `size`: x_m = 2m - 1 on 3 channels.
torch::Tensor maskToTensor(const cv::Mat& mask, cv::Size size);

// VAE output [B, 3, h, w] -> soft mask p = clamp((mean over channels + 1) / 2, 0, 1): [B, h, w].
torch::Tensor softMaskFromDecoded(const torch::Tensor& decoded);

// Soft mask [h, w] (any device) -> CV_32FC1 of the same size, owning its memory.
cv::Mat softMaskToMat(const torch::Tensor& soft);

// CV_32FC1 soft mask -> CV_8UC1 binary mask (0/255), p > threshold.
cv::Mat binarize(const cv::Mat& soft, float threshold = 0.5f);

} // namespace rlfseg::conventions
