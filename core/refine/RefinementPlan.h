#pragma once
// What the OpenCV and LibTorch paths of refinement share, so that they cannot drift apart: input
// checks, the object's region and the sizes derived from it, candidate names, the score, and the
// selection rule. Internal to core/refine.

#include "core/refine/Refinement.h"

namespace rlfseg::refine::detail {

// Gradient magnitudes (of luminance in [0, 1]) at or below this are flat colour: convolution's
// rounding residue (about 1e-8), which the two paths leave differently. Luminance is quantised to
// 8 bits, so any real change gives a magnitude of about 1/255 or more.
constexpr float kGradientFloor = 1e-4f;

struct RefinementPlan {
    bool empty = true;       // no object at any threshold (result.reason says so)
    cv::Mat soft;            // p, CV_32FC1 in [0, 1], the image's size
    cv::Rect region;         // the object's box grown by a margin
    cv::Mat gray;            // the region's luminance, CV_32FC1 in [0, 1]
    int snapRadius = 2, morphRadius = 1, speckBound = 16, holeBound = 16;
};

// Checks the inputs (rlfseg::Error as refineMask documents) and fills result.imageSize / region.
RefinementPlan planRefinement(const cv::Mat& rgb, const cv::Mat& soft, const cv::Mat& reference,
                              const RefineOptions& options, RefinementResult& result);

std::string candidateName(const std::string& stage, bool cleaned, float threshold);
// The weighted mean of the available terms (reference only where one is given).
double candidateScore(const Candidate& c, bool withReference, const RefineOptions& options);
// The first candidate within 1e-6 of the best score, and the reason text.
void selectBest(RefinementResult& result);

} // namespace rlfseg::refine::detail
