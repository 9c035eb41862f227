#pragma once
// The LibTorch path of refinement and dynamic selection (Refinement.h): the same stages,
// candidates, scores and selection rule, computed with tensor operations that run on CUDA where
// there is a GPU. All candidates of one mask (stages x thresholds x {as is, cleaned}) are one
// batch; masks are processed in turn. Connected components are found by label propagation
// (max-pooling until nothing changes), which suits a GPU. The selection agrees with the OpenCV
// path (a test holds them to it); masks may differ by a few pixels where floating-point sums of the
// two libraries round differently.

#include "core/refine/Refinement.h"

#include <torch/torch.h>

#include <vector>

namespace rlfseg::refine {

// rgbs, softs, references: as refineMask takes them (references may be empty, or hold empty
// Mats). Throws rlfseg::Error like refineMask.
std::vector<RefinementResult> refineMasksTorch(const std::vector<cv::Mat>& rgbs, const std::vector<cv::Mat>& softs,
                                               const std::vector<cv::Mat>& references, const RefineOptions& options,
                                               torch::Device device);

// Building blocks, for tests against the OpenCV versions. Tensors are [N, 1, H, W] float.
torch::Tensor boxMeanTorch(const torch::Tensor& x, int radius);       // replicated borders
torch::Tensor fastGuidedFilterTorch(const torch::Tensor& guide, const torch::Tensor& p, int radius, double epsilon);
// Binary masks [N, 1, H, W] (bool) -> cleaned as removeSpecksAndFillHoles.
torch::Tensor removeSpecksAndFillHolesTorch(const torch::Tensor& masks, int minArea, int maxHole);

} // namespace rlfseg::refine
