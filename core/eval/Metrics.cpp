#include "core/eval/Metrics.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

namespace rlfseg::eval {

namespace {

// The thresholds as float32, as torch compares a float32 mask with a Python float.
std::array<float, kApThresholds> floatThresholds() {
    std::array<float, kApThresholds> t{};
    for (int k = 1; k <= kApThresholds; ++k) t[size_t(k - 1)] = float(k * (1.0 / 50.0));
    return t;
}

// Bin of a value: the number of thresholds strictly below it (0..49). Predicted at threshold index j
// (0-based) iff bin > j.
inline int binOf(float v, const std::array<float, kApThresholds>& t) {
    if (!(v > 0.0f)) return 0; // also NaN
    return int(std::lower_bound(t.begin(), t.end(), v) - t.begin());
}

} // namespace

SegmentationMetrics::SegmentationMetrics(double threshold) : mThreshold(threshold) {
    if (!(threshold >= 0 && threshold < 1))
        throw std::invalid_argument("SegmentationMetrics: the threshold must be in [0, 1)");
}

void SegmentationMetrics::add(const cv::Mat& prediction, const cv::Mat& truth) {
    if (prediction.channels() != 1 || (prediction.depth() != CV_32F && prediction.depth() != CV_8U))
        throw std::invalid_argument("SegmentationMetrics::add: the prediction must be CV_32FC1 or CV_8UC1");
    if (truth.type() != CV_8UC1) throw std::invalid_argument("SegmentationMetrics::add: the truth must be CV_8UC1");
    if (prediction.size() != truth.size())
        throw std::invalid_argument("SegmentationMetrics::add: prediction " + std::to_string(prediction.cols) + "x" +
                                    std::to_string(prediction.rows) + " and truth " + std::to_string(truth.cols) + "x" +
                                    std::to_string(truth.rows) + " differ in size");

    static const std::array<float, kApThresholds> t = floatThresholds();
    std::array<uint64_t, kApThresholds + 1> pos{}, neg{};
    uint64_t inter = 0, uni = 0; // at mThreshold
    const float binaryThreshold = static_cast<float>(mThreshold);
    const auto count = [&](bool object, int bin, bool predicted) {
        ++(object ? pos : neg)[size_t(bin)];
        inter += object && predicted;
        uni += object || predicted;
    };
    if (prediction.depth() == CV_8U) {
        std::array<int, 256> lut{};
        std::array<bool, 256> on{};
        for (int v = 0; v < 256; ++v) {
            lut[size_t(v)] = binOf(float(v) / 255.0f, t);
            on[size_t(v)] = float(v) / 255.0f > binaryThreshold;
        }
        for (int y = 0; y < truth.rows; ++y) {
            const uchar* p = prediction.ptr<uchar>(y);
            const uchar* g = truth.ptr<uchar>(y);
            for (int x = 0; x < truth.cols; ++x) count(g[x] != 0, lut[p[x]], on[p[x]]);
        }
    } else {
        for (int y = 0; y < truth.rows; ++y) {
            const float* p = prediction.ptr<float>(y);
            const uchar* g = truth.ptr<uchar>(y);
            for (int x = 0; x < truth.cols; ++x) count(g[x] != 0, binOf(p[x], t), p[x] > binaryThreshold);
        }
    }
    mIntersection += inter;
    mUnion += uni;
    mBinaryIoUs.push_back(uni == 0 ? 0.0 : double(inter) / double(uni));

    uint64_t positives = 0;
    for (uint64_t c : pos) positives += c;
    // Walk thresholds from the highest down: TP/FP at index j count the bins above j.
    std::array<double, kApThresholds> ious{};
    uint64_t tp = 0, fp = 0;
    for (int j = kApThresholds - 1; j >= 0; --j) {
        tp += pos[size_t(j + 1)];
        fp += neg[size_t(j + 1)];
        const uint64_t fn = positives - tp;
        mTp[size_t(j)] += tp;
        mFp[size_t(j)] += fp;
        mFn[size_t(j)] += fn;
        const uint64_t uni = tp + fp + fn;
        ious[size_t(j)] = uni == 0 ? 0.0 : double(tp) / double(uni);
    }
    mSampleIoUs.insert(mSampleIoUs.end(), ious.begin(), ious.end());
}

MetricsReport SegmentationMetrics::report() const {
    MetricsReport r;
    const size_t n = samples();
    r.samples = n;
    r.threshold = mThreshold;
    r.oIoU = mUnion == 0 ? 0.0 : double(mIntersection) / double(mUnion);

    static const double kPrecAt[5] = {0.5, 0.6, 0.7, 0.8, 0.9};
    if (n > 0) {
        double sum = 0;
        std::array<size_t, 5> hits{};
        std::array<double, 3> count{}, iouSum{}; // missed, partial, found
        for (size_t i = 0; i < n; ++i) {
            const double iou = iouOfSample(i);
            sum += iou;
            for (size_t k = 0; k < 5; ++k)
                if (iou >= kPrecAt[k]) ++hits[k];
            const size_t band = iou < 0.05 ? 0 : iou < 0.5 ? 1 : 2;
            ++count[band];
            iouSum[band] += iou;
        }
        r.mIoU = sum / double(n);
        for (size_t k = 0; k < 5; ++k) r.precAt[k] = double(hits[k]) / double(n);
        IoUBand* bands[3] = {&r.missed, &r.partial, &r.found};
        for (size_t b = 0; b < 3; ++b) {
            bands[b]->share = count[b] / double(n);
            bands[b]->meanIoU = count[b] > 0 ? iouSum[b] / count[b] : 0.0;
            bands[b]->mIoULost = (count[b] - iouSum[b]) / double(n);
        }

        int best = 0;
        double bestMean = -1;
        for (int j = 0; j < kApThresholds; ++j) {
            double s = 0;
            for (size_t i = 0; i < n; ++i) s += mSampleIoUs[i * kApThresholds + size_t(j)];
            const double mean = s / double(n);
            r.mIoUByThreshold[size_t(j)] = mean;
            if (mean > bestMean) {
                bestMean = mean;
                best = j;
            }
        }
        r.bestThreshold = threshold(best + 1);
        r.bestThresholdMIoU = bestMean;
    }

    // AP: step-wise area under the pooled precision-recall points (see the header).
    std::vector<std::pair<double, double>> points; // (recall, precision)
    for (int j = 0; j < kApThresholds; ++j) {
        const uint64_t tp = mTp[size_t(j)], fp = mFp[size_t(j)], fn = mFn[size_t(j)];
        if (tp + fp == 0 || tp + fn == 0) continue;
        points.emplace_back(double(tp) / double(tp + fn), double(tp) / double(tp + fp));
    }
    std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    double previousRecall = 0;
    for (const auto& [recall, precision] : points) {
        r.ap += (recall - previousRecall) * precision;
        previousRecall = recall;
    }
    return r;
}

nlohmann::json MetricsReport::toJson() const {
    auto band = [](const IoUBand& b) {
        return nlohmann::json{{"share", b.share}, {"mean_IoU", b.meanIoU}, {"mIoU_lost", b.mIoULost}};
    };
    auto curve = nlohmann::json::object();
    for (int k = 1; k <= kApThresholds; ++k) {
        char key[8];
        std::snprintf(key, sizeof key, "%.2f", SegmentationMetrics::threshold(k));
        curve[key] = mIoUByThreshold[size_t(k - 1)];
    }
    return {{"mIoU", mIoU},
            {"oIoU", oIoU},
            {"prec@0.5", precAt[0]},
            {"prec@0.6", precAt[1]},
            {"prec@0.7", precAt[2]},
            {"prec@0.8", precAt[3]},
            {"prec@0.9", precAt[4]},
            {"AP", ap},
            {"best_threshold", bestThreshold},
            {"best_threshold_mIoU", bestThresholdMIoU},
            {"threshold", threshold},
            {"samples", samples},
            {"mIoU_by_threshold", curve},
            {"loss_breakdown", {{"missed", band(missed)}, {"partial", band(partial)}, {"found", band(found)}}}};
}

namespace {
cv::Mat boundaryOf(const cv::Mat& mask) {
    cv::Mat object = mask != 0, eroded;
    // Outside the image is background: erode with a constant-zero border.
    cv::erode(object, eroded, cv::getStructuringElement(cv::MORPH_CROSS, {3, 3}), {-1, -1}, 1, cv::BORDER_CONSTANT, 0);
    return object & ~eroded;
}

// Boundary pixels of `from` within `tolerance` of a boundary pixel of `to`, as a share of `from`'s.
double matchedShare(const cv::Mat& from, const cv::Mat& to, double tolerance) {
    const int total = cv::countNonZero(from);
    if (total == 0) return 0;
    cv::Mat distance;
    cv::distanceTransform(~to, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE); // distance to `to`'s nearest pixel
    const cv::Mat near = distance <= tolerance;
    return double(cv::countNonZero(from & near)) / total;
}
} // namespace

double boundaryFScore(const cv::Mat& prediction, const cv::Mat& truth, double tolerancePx) {
    if (prediction.type() != CV_8UC1 || truth.type() != CV_8UC1 || prediction.size() != truth.size())
        throw std::invalid_argument("boundaryFScore: both masks must be CV_8UC1 of the same size");
    const cv::Mat p = boundaryOf(prediction), g = boundaryOf(truth);
    const bool pEmpty = cv::countNonZero(p) == 0, gEmpty = cv::countNonZero(g) == 0;
    if (pEmpty || gEmpty) return pEmpty && gEmpty ? 1.0 : 0.0;
    const double precision = matchedShare(p, g, tolerancePx), recall = matchedShare(g, p, tolerancePx);
    return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
}

} // namespace rlfseg::eval
