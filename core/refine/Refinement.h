#pragma once
// Refinement and dynamic selection (METHOD.md section 5): one component for label refinement in
// training and for the app's "clean up". No Qt; no LibTorch in this header (the batched LibTorch
// path is in RefinementTorch.h).
//
// From a soft mask p (or a binary one) and the image:
//   1. Stages. "raw": p itself. "snapN": p edge-snapped N times (a fast guided filter of p with
//      the image's luminance as guide, radius ~ object size / 16), so that the boundary follows
//      image edges.
//   2. Candidates. Every stage thresholded at every level in `thresholds`; each binary mask also
//      "cleaned": an opening then a closing with a small square kernel scaled to the object
//      (radius ~ size / 64, 1..3 px), components smaller than the speck bound removed, holes
//      smaller than the hole bound filled. Holes above the bound are real and survive.
//   3. Scores, each in [0, 1]:
//      stability  IoU of the stage thresholded at t - delta and t + delta (a decisive soft mask
//                 gives the same mask at nearby thresholds);
//      edges      mean over the candidate's boundary pixels of min(1, |grad I| / g95), g95 the
//                 95th percentile of the image's gradient magnitude in the object's region (its
//                 maximum where the percentile is 0: a large object on a flat background);
//      reference  IoU with the reference label g, where one is given.
//      score = weighted mean of the available terms. The selected candidate is the first whose
//      score is within 1e-6 of the best (ties go to the earlier, simpler candidate), so the
//      result is deterministic and the same on both paths.
// Work is confined to the region around the object (its bounding box, grown by a margin), so
// cost follows the object, not the image.

#include <opencv2/core.hpp>

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace rlfseg::refine {

struct RefineOptions {
    std::vector<float> thresholds{0.4f, 0.5f, 0.6f};
    float stabilityDelta = 0.1f;
    int snapIterations = 2;          // stages snap1 .. snapN after raw
    double guidedEpsilon = 1e-3;     // guided filter regulariser (guide in [0, 1])
    int minSpeckPixels = 16;         // speck bound: max(minSpeckPixels, speckFraction x object area)
    double speckFraction = 0.01;
    int minHolePixels = 16;          // hole bound: max(minHolePixels, holeFraction x object area)
    double holeFraction = 0.005;
    double stabilityWeight = 1.0, edgeWeight = 0.5, referenceWeight = 1.0;
};

struct Candidate {
    std::string name;     // "raw@0.50", "snap1-clean@0.40", ...
    std::string stage;    // "raw", "snap1", ...
    float threshold = 0.5f;
    bool cleaned = false;
    cv::Mat regionMask;   // CV_8UC1 0/255 over RefinementResult::region (zero outside it)
    double stability = 0, edges = 0, reference = -1; // reference < 0: no reference given
    double score = 0;
    int area = 0;
};

struct RefinementResult {
    std::vector<Candidate> candidates;
    int selected = -1;    // index into candidates; -1 when the input holds no object at all
    std::string reason;   // "snap1-clean@0.50: stability 0.97, edges 0.81 (best of 24)"
    cv::Rect region;      // where the work was done: the object's box grown by a margin
    cv::Size imageSize;

    const Candidate* best() const { return selected >= 0 ? &candidates[static_cast<size_t>(selected)] : nullptr; }
    // A candidate's mask at the image's size (CV_8UC1 0/255); the selected one; an empty mask
    // (all zero) when nothing was selected.
    cv::Mat mask(size_t index) const;
    cv::Mat selectedMask() const;
    // Scores of every candidate and the selection; masks are left out.
    nlohmann::json toJson() const;
};

// rgb: CV_8UC3; soft: CV_32FC1 in [0, 1] or CV_8UC1 (value / 255); reference: empty or CV_8UC1
// (non-zero = object). All the same size. Throws rlfseg::Error for wrong types or sizes.
RefinementResult refineMask(const cv::Mat& rgb, const cv::Mat& soft, const cv::Mat& reference = cv::Mat(),
                            const RefineOptions& options = {});

// Label refinement for training (METHOD.md section 5): where the prediction broadly agrees with
// the label (IoU of p > 0.5 and g at least `agreement`), the label inside a band of `band` pixels
// around g's boundary is replaced by the selected refinement (computed with g as reference);
// elsewhere, and when they disagree, g stays. Returns the label to train on (CV_8UC1 0/255).
struct LabelRefinement {
    cv::Mat label;
    bool refined = false;
    double agreement = 0;  // IoU(p > 0.5, g)
};
LabelRefinement refineLabel(const cv::Mat& rgb, const cv::Mat& soft, const cv::Mat& label, double agreement = 0.5,
                            int band = 6, const RefineOptions& options = {});

// Building blocks, exposed for the LibTorch path's tests and the edge snap (EdgeSnap.h).
// The mean over the (2r + 1)^2 window around each pixel, as CV_32F; borders replicate.
cv::Mat boxMean(const cv::Mat& x, int r);
// Guided filter (He et al.) of p with guide I (both CV_32FC1, same size), box radius r, replicated
// borders: q = mean_a * I + mean_b.
cv::Mat guidedFilter(const cv::Mat& guide, const cv::Mat& p, int radius, double epsilon);
// The same at half resolution (He & Sun's fast guided filter): coefficients from 2 x 2 means,
// radius / 2, bilinearly upsampled; what refineMask uses (4x fewer box filter pixels).
cv::Mat fastGuidedFilter(const cv::Mat& guide, const cv::Mat& p, int radius, double epsilon);
// Removes 8-connected foreground components below `minArea` (the largest is always kept) and fills
// 4-connected background components that do not touch the border below `maxHole`.
cv::Mat removeSpecksAndFillHoles(const cv::Mat& mask, int minArea, int maxHole);

} // namespace rlfseg::refine
