#pragma once
// Edge snap: the segmentation pipeline's last step (METHOD.md section 5's edge-aware snapping).
// A one-step flow's decoded mask finds the right object but places its boundary a pixel or two
// off, which costs a thin or small object a tenth of its IoU. A guided filter of the soft mask
// with the RGB image as guide (He et al., the colour version) fits the mask, in every window,
// as a linear function of the pixels' colour: it moves the boundary onto the object's own edge
// and fills the parts of the object that share the masked part's colour. Which radius helps is
// the model's and its data's affair, so `rlfseg calibrate` chooses it on a validation split and
// the model card stores it (ModelCard::edgeSnap); radius 0 leaves the mask as the model made it.
// OpenCV only.

#include <opencv2/core.hpp>

#include <string>

namespace rlfseg::refine {

struct EdgeSnap {
    int radius = 0;          // box radius in pixels of the model's input; 0: off
    double epsilon = 1e-4;   // regulariser (guide in [0, 1]): larger keeps the mask smoother
    bool enabled() const { return radius > 0; }
    bool operator==(const EdgeSnap& o) const { return radius == o.radius && epsilon == o.epsilon; }
};
std::string describe(const EdgeSnap& snap); // "off" or "radius 24 px, epsilon 0.0001"
// The accepted ranges (model cards, options): a radius up to 4096 px; epsilon in [1e-6, 1), whose
// floor keeps the windows' float covariances (accurate to about 1e-7) safely invertible.
constexpr int kMaxEdgeSnapRadius = 4096;
constexpr double kMinEdgeSnapEpsilon = 1e-6;
bool isValid(const EdgeSnap& snap); // radius 0 (off) or within the ranges above
// The ranges above in words, for messages: "a radius from 1 to 4096 px and an epsilon from 1e-6 to below 1".
std::string validRanges();

// The colour guided filter: q = mean_a . I + mean_b with a = (Sigma + epsilon U)^-1 cov(I, p) per
// window. guide: CV_8UC3 (scaled to [0, 1]) or CV_32FC3; p: CV_32FC1, the guide's size, not empty;
// epsilon at least kMinEdgeSnapEpsilon (below it, rounding in flat windows swamps the result).
// Borders replicate; a radius past the image's larger side is capped there. The result is not
// clamped.
cv::Mat colourGuidedFilter(const cv::Mat& guide, const cv::Mat& p, int radius, double epsilon);

// The pipeline's step: the soft mask (CV_32FC1 in [0, 1]) snapped to the image (CV_8UC3, the same
// size), clamped to [0, 1]. Off: `soft` itself. Throws rlfseg::Error for wrong types or sizes.
cv::Mat snapToImageEdges(const cv::Mat& rgb, const cv::Mat& soft, const EdgeSnap& snap);

} // namespace rlfseg::refine
