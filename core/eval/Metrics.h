#pragma once
// Referring-segmentation metrics (METHOD.md section 7). No Qt, no LibTorch.
//
// Masks are compared at whatever resolution the caller passes (the original image size by default:
// resize the prediction to the truth before add()).
//
// Inputs: the prediction is CV_32FC1 with values in [0, 1] (a soft mask; values are clamped), or
// CV_8UC1 (value / 255, so a 0/255 binary mask becomes 0/1). The truth is CV_8UC1, nonzero = object.
// A pixel is predicted foreground at threshold t when value > t (strictly, as CLIPSeg's
// FixedIntervalMetrics does, comparing in float32).
//
// Per sample (one expression): IoU = |P & T| / |P | T| at the binary mask's threshold (0.5 as
// METHOD.md pins, or a model's calibrated one), and 0 where the union is empty (METHOD: an empty
// truth with an empty prediction counts as 0, not 1).
//   mIoU  = mean of per-sample IoU.
//   oIoU  = sum of intersections / sum of unions (0 when every union is empty).
//   prec@X = share of samples with IoU >= X, X in {0.5, 0.6, 0.7, 0.8, 0.9}.
//
// PhraseCut-style AP: the 49 thresholds t_k = k * (1/50), k = 1..49 (numpy's
// linspace(0, 1, 51)[1:-1]); pixels pooled over all samples: TP_k, FP_k, FN_k (64-bit).
// At each threshold where some pixel is predicted (TP_k + FP_k > 0):
//   precision_k = TP_k / (TP_k + FP_k),  recall_k = TP_k / (TP_k + FN_k).
// The points are sorted by recall (ascending; at equal recall the highest precision comes first)
// and AP is the step-wise area, as scikit-learn's average_precision_score:
//   AP = sum_i (r_i - r_{i-1}) * p_i,  r_0 = 0,
// so a perfect mask gives 1 and a constant mask c in (0, 1) gives the positive rate (the share of
// foreground pixels). AP is 0 when no pixel is ever predicted or the truth is empty everywhere.
// (CLIPSeg's own code instead smooths precision and recall with +1 in the denominators, removes
// duplicate points and integrates with scipy's Simpson rule over recall; that gives no area for a
// single point, so a perfect mask scores ~0, and depends on the scipy version. We keep its
// thresholds, strict comparison and pooling, and take the standard step-wise area.)
//
// Best-threshold mIoU: the per-sample IoU at each of the 49 thresholds is kept (49 doubles per
// sample); best_threshold is the t_k with the highest mean (the first on ties, as np.argmax) and
// best_threshold_mIoU that mean. The whole curve is reported too (mIoU_by_threshold), so one pass
// gives METHOD.md's figure at 0.5 beside a model's calibrated threshold.
//
// Where the loss goes (loss_breakdown): the samples fall in three bands of IoU at the binary mask's
// threshold: missed (IoU < 0.05: the wrong object or nothing), partial (0.05 <= IoU < 0.5) and found
// (IoU >= 0.5, so found's share is prec@0.5). Each band reports its share of samples, its mean IoU
// and the mIoU it loses, sum of (1 - IoU) over the band / samples; the three losses add up to
// 1 - mIoU. A miss calls for better grounding, a found object's loss for a sharper outline.

#include <opencv2/core.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rlfseg::eval {

constexpr int kApThresholds = 49;

struct IoUBand {
    double share = 0;     // of all samples
    double meanIoU = 0;   // of the band's samples (0 when it has none)
    double mIoULost = 0;  // sum over the band of (1 - IoU), divided by all samples
};

struct MetricsReport {
    double mIoU = 0, oIoU = 0;
    std::array<double, 5> precAt{}; // prec@0.5, 0.6, 0.7, 0.8, 0.9
    double ap = 0;
    double bestThreshold = 0, bestThresholdMIoU = 0;
    std::array<double, kApThresholds> mIoUByThreshold{}; // mean IoU at t_k, k = 1..49 ([24]: at 0.5)
    double threshold = 0.5; // of mIoU, oIoU, prec@X and the bands
    size_t samples = 0;
    IoUBand missed, partial, found; // IoU < 0.05, 0.05 to 0.5, >= 0.5

    double mIoUAtHalf() const { return mIoUByThreshold[24]; } // METHOD.md's figure, whatever `threshold` is

    // Keys exactly: mIoU, oIoU, prec@0.5 .. prec@0.9, AP, best_threshold, best_threshold_mIoU, threshold, samples,
    // mIoU_by_threshold {"0.02": mIoU, ..., "0.98": mIoU} and
    // loss_breakdown {"missed" | "partial" | "found": {"share", "mean_IoU", "mIoU_lost"}}.
    nlohmann::json toJson() const;
};

class SegmentationMetrics {
public:
    // `threshold`: the binary mask's (p > threshold) for mIoU, oIoU and prec@X.
    explicit SegmentationMetrics(double threshold = 0.5);

    // Throws std::invalid_argument for other types, several channels or differing sizes.
    void add(const cv::Mat& prediction, const cv::Mat& truth);
    MetricsReport report() const;

    size_t samples() const { return mSampleIoUs.size() / kApThresholds; }
    static double threshold(int k) { return k * (1.0 / 50.0); } // t_k, k = 1..49 (compared as float32)
    double iouOfSample(size_t index) const { return mBinaryIoUs[index]; }

private:
    double mThreshold; // compared as float32, as the 49 thresholds
    uint64_t mIntersection = 0, mUnion = 0; // at mThreshold, for oIoU
    std::vector<double> mBinaryIoUs;        // per sample at mThreshold
    std::array<uint64_t, kApThresholds> mTp{}, mFp{}, mFn{};
    std::vector<double> mSampleIoUs; // samples x 49
};

// Boundary F-score (as DAVIS's F measure): the boundary of a mask is its foreground pixels with a
// background 4-neighbour (pixels outside the image count as background). Boundary precision is the
// share of the prediction's boundary pixels within `tolerancePx` (Euclidean distance) of a truth
// boundary pixel, recall the same the other way round, F = 2PR / (P + R). Both masks CV_8UC1,
// nonzero = object, same size. Two empty masks score 1; one empty mask against a non-empty one, 0.
double boundaryFScore(const cv::Mat& prediction, const cv::Mat& truth, double tolerancePx = 2.0);

} // namespace rlfseg::eval
