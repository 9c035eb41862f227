// SegmentationMetrics (core/eval/Metrics.h) on hand-made masks with answers computed by hand.

#include "core/eval/Metrics.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

using rlfseg::eval::MetricsReport;
using rlfseg::eval::SegmentationMetrics;

namespace {

cv::Mat zeros8(int rows, int cols) { return cv::Mat::zeros(rows, cols, CV_8UC1); }

// A 1 x 10 truth, all foreground, and a prediction of its first m pixels: IoU = m / 10.
void addRowSample(SegmentationMetrics& metrics, int m) {
    cv::Mat truth(1, 10, CV_8UC1, cv::Scalar(1));
    cv::Mat pred = zeros8(1, 10);
    pred.colRange(0, m).setTo(255);
    metrics.add(pred, truth);
}

} // namespace

TEST(Metrics, PerfectPredictionScoresOneEverywhere) {
    for (bool soft : {false, true}) {
        SegmentationMetrics metrics;
        cv::Mat truth = zeros8(10, 10);
        truth(cv::Rect(2, 3, 4, 5)).setTo(1);
        cv::Mat pred;
        if (soft)
            truth.convertTo(pred, CV_32F); // 0.0 / 1.0
        else
            pred = truth * 255;
        metrics.add(pred, truth);
        const MetricsReport r = metrics.report();
        EXPECT_EQ(r.samples, 1u);
        EXPECT_DOUBLE_EQ(r.mIoU, 1.0);
        EXPECT_DOUBLE_EQ(r.oIoU, 1.0);
        for (double p : r.precAt) EXPECT_DOUBLE_EQ(p, 1.0);
        // One precision-recall point (1, 1) at every threshold: AP = (1 - 0) * 1.
        EXPECT_DOUBLE_EQ(r.ap, 1.0);
        EXPECT_DOUBLE_EQ(r.bestThresholdMIoU, 1.0);
        EXPECT_DOUBLE_EQ(r.bestThreshold, 0.02); // all thresholds tie; the first wins (np.argmax)
    }
}

TEST(Metrics, DisjointPredictionScoresZero) {
    SegmentationMetrics metrics;
    cv::Mat truth = zeros8(6, 6);
    truth(cv::Rect(0, 0, 3, 6)).setTo(255);
    cv::Mat pred = zeros8(6, 6);
    pred(cv::Rect(3, 0, 3, 6)).setTo(255);
    metrics.add(pred, truth);
    const MetricsReport r = metrics.report();
    EXPECT_DOUBLE_EQ(r.mIoU, 0.0);
    EXPECT_DOUBLE_EQ(r.oIoU, 0.0);
    for (double p : r.precAt) EXPECT_DOUBLE_EQ(p, 0.0);
    EXPECT_DOUBLE_EQ(r.ap, 0.0); // one point (recall 0, precision 0)
    EXPECT_DOUBLE_EQ(r.bestThresholdMIoU, 0.0);
}

TEST(Metrics, HalfOverlap) {
    // 4 x 8: truth columns 0..3 (16 px), prediction columns 2..5 (16 px): intersection 8 (columns
    // 2, 3), union 24, IoU 1/3.
    SegmentationMetrics metrics;
    cv::Mat truth = zeros8(4, 8), pred = zeros8(4, 8);
    truth.colRange(0, 4).setTo(1);
    pred.colRange(2, 6).setTo(255);
    metrics.add(pred, truth);
    const MetricsReport r = metrics.report();
    EXPECT_DOUBLE_EQ(r.mIoU, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(r.oIoU, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(r.precAt[0], 0.0);
    // One point: precision 8/16, recall 8/16: AP = 0.5 * 0.5.
    EXPECT_DOUBLE_EQ(r.ap, 0.25);
}

TEST(Metrics, MeanAndOverallIoUDiffer) {
    SegmentationMetrics metrics;
    // A: 10 x 10 truth all foreground, prediction the top half: inter 50, union 100, IoU 0.5.
    cv::Mat truthA(10, 10, CV_8UC1, cv::Scalar(255)), predA = zeros8(10, 10);
    predA.rowRange(0, 5).setTo(255);
    metrics.add(predA, truthA);
    // B: 10 x 10, truth 4 px, prediction 4 other px: inter 0, union 8, IoU 0.
    cv::Mat truthB = zeros8(10, 10), predB = zeros8(10, 10);
    truthB(cv::Rect(0, 0, 2, 2)).setTo(1);
    predB(cv::Rect(5, 5, 2, 2)).setTo(255);
    metrics.add(predB, truthB);
    const MetricsReport r = metrics.report();
    EXPECT_EQ(r.samples, 2u);
    EXPECT_DOUBLE_EQ(r.mIoU, 0.25);             // (0.5 + 0) / 2
    EXPECT_DOUBLE_EQ(r.oIoU, 50.0 / 108.0);     // (50 + 0) / (100 + 8)
    EXPECT_DOUBLE_EQ(r.precAt[0], 0.5);         // IoU exactly 0.5 counts for prec@0.5
    EXPECT_DOUBLE_EQ(r.precAt[1], 0.0);
    EXPECT_DOUBLE_EQ(metrics.iouOfSample(0), 0.5);
    EXPECT_DOUBLE_EQ(metrics.iouOfSample(1), 0.0);
    // Pooled: TP 50, FP 4, FN 54: precision 50/54, recall 50/104, AP = recall * precision.
    EXPECT_DOUBLE_EQ(r.ap, (50.0 / 104.0) * (50.0 / 54.0));
}

TEST(Metrics, EmptyTruthAndEmptyPredictionCountAsZero) {
    SegmentationMetrics metrics;
    metrics.add(zeros8(5, 5), zeros8(5, 5));
    const MetricsReport r = metrics.report();
    EXPECT_EQ(r.samples, 1u);
    EXPECT_DOUBLE_EQ(metrics.iouOfSample(0), 0.0); // METHOD.md: 0 where the union is empty
    EXPECT_DOUBLE_EQ(r.mIoU, 0.0);
    EXPECT_DOUBLE_EQ(r.oIoU, 0.0);
    EXPECT_DOUBLE_EQ(r.precAt[0], 0.0);
    EXPECT_DOUBLE_EQ(r.ap, 0.0);
    EXPECT_DOUBLE_EQ(r.bestThresholdMIoU, 0.0);

    // With a perfect second sample the empty one still pulls mIoU down to 1/2; oIoU is 1.
    cv::Mat truth(2, 2, CV_8UC1, cv::Scalar(1));
    metrics.add(truth * 255, truth);
    const MetricsReport r2 = metrics.report();
    EXPECT_DOUBLE_EQ(r2.mIoU, 0.5);
    EXPECT_DOUBLE_EQ(r2.oIoU, 1.0);
}

TEST(Metrics, PrecisionAtBoundaries) {
    // IoUs 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 (m / 10 is the double nearest to the literal, so the
    // boundaries are hit exactly and count, as IoU >= X).
    SegmentationMetrics metrics;
    for (int m = 4; m <= 10; ++m) addRowSample(metrics, m);
    const MetricsReport r = metrics.report();
    EXPECT_EQ(r.samples, 7u);
    EXPECT_DOUBLE_EQ(r.precAt[0], 6.0 / 7.0);
    EXPECT_DOUBLE_EQ(r.precAt[1], 5.0 / 7.0);
    EXPECT_DOUBLE_EQ(r.precAt[2], 4.0 / 7.0);
    EXPECT_DOUBLE_EQ(r.precAt[3], 3.0 / 7.0);
    EXPECT_DOUBLE_EQ(r.precAt[4], 2.0 / 7.0);
    EXPECT_DOUBLE_EQ(r.mIoU, 4.9 / 7.0);
    EXPECT_DOUBLE_EQ(r.oIoU, 49.0 / 70.0);

    SegmentationMetrics below;
    addRowSample(below, 5);
    cv::Mat truth(1, 10, CV_8UC1, cv::Scalar(1));
    cv::Mat pred(1, 10, CV_32F, cv::Scalar(0));
    pred.colRange(0, 5).setTo(0.5); // exactly 0.5 is not above the 0.5 threshold: predicted nothing
    below.add(pred, truth);
    const MetricsReport rb = below.report();
    EXPECT_DOUBLE_EQ(rb.precAt[0], 0.5);
}

TEST(Metrics, LossBreakdownSplitsWhatMIoULosesIntoMissedPartialAndFound) {
    // IoUs 0 (a miss), 0 (empty truth and prediction), 0.3, 0.4 (partial), 0.5, 0.9, 1.0 (found).
    SegmentationMetrics metrics;
    for (int m : {0, 3, 4, 5, 9, 10}) addRowSample(metrics, m);
    metrics.add(zeros8(2, 2), zeros8(2, 2));
    const MetricsReport r = metrics.report();
    EXPECT_DOUBLE_EQ(r.missed.share, 2.0 / 7.0);
    EXPECT_DOUBLE_EQ(r.missed.meanIoU, 0.0);
    EXPECT_DOUBLE_EQ(r.missed.mIoULost, 2.0 / 7.0);
    EXPECT_DOUBLE_EQ(r.partial.share, 2.0 / 7.0);
    EXPECT_DOUBLE_EQ(r.partial.meanIoU, 0.35);
    EXPECT_DOUBLE_EQ(r.partial.mIoULost, 1.3 / 7.0);
    EXPECT_DOUBLE_EQ(r.found.share, 3.0 / 7.0);
    EXPECT_DOUBLE_EQ(r.found.meanIoU, 2.4 / 3.0);
    EXPECT_NEAR(r.found.mIoULost, 0.6 / 7.0, 1e-12);
    EXPECT_DOUBLE_EQ(r.found.share, r.precAt[0]); // IoU 0.5 is found, as it counts for prec@0.5
    EXPECT_NEAR(r.missed.mIoULost + r.partial.mIoULost + r.found.mIoULost, 1.0 - r.mIoU, 1e-12);
    const auto j = r.toJson()["loss_breakdown"];
    EXPECT_DOUBLE_EQ(j["partial"]["mean_IoU"].get<double>(), 0.35);
    EXPECT_DOUBLE_EQ(j["found"]["share"].get<double>(), 3.0 / 7.0);

    // The bands follow the binary mask's threshold: a soft 0.3 everywhere is a miss at 0.5, found at 0.2.
    cv::Mat truth(1, 10, CV_8UC1, cv::Scalar(1));
    const cv::Mat soft(1, 10, CV_32F, cv::Scalar(0.3));
    SegmentationMetrics atHalf(0.5), atLow(0.2);
    atHalf.add(soft, truth);
    atLow.add(soft, truth);
    EXPECT_DOUBLE_EQ(atHalf.report().missed.share, 1.0);
    EXPECT_DOUBLE_EQ(atLow.report().found.share, 1.0);
    EXPECT_DOUBLE_EQ(atLow.report().found.mIoULost, 0.0);

    // No samples: every band empty.
    const MetricsReport none = SegmentationMetrics().report();
    EXPECT_DOUBLE_EQ(none.found.share + none.partial.share + none.missed.share, 0.0);
}

TEST(Metrics, ApOfConstantMaskIsThePositiveRate) {
    // 10 x 10 truth with 30 foreground pixels, prediction 0.5 everywhere. Thresholds 0.02..0.48
    // predict every pixel: precision 30/100, recall 1; thresholds 0.50..0.98 predict nothing and are
    // skipped. One point (1, 0.3): AP = (1 - 0) * 0.3 = 0.3, the positive rate.
    SegmentationMetrics metrics;
    cv::Mat truth = zeros8(10, 10);
    truth.rowRange(0, 3).setTo(1);
    metrics.add(cv::Mat(10, 10, CV_32F, cv::Scalar(0.5)), truth);
    const MetricsReport r = metrics.report();
    EXPECT_NEAR(r.ap, 0.3, 1e-12);
    EXPECT_DOUBLE_EQ(r.mIoU, 0.0);              // nothing is above 0.5
    EXPECT_NEAR(r.bestThresholdMIoU, 0.3, 1e-12); // IoU 30 / 100 below 0.5
    EXPECT_DOUBLE_EQ(r.bestThreshold, 0.02);
}

TEST(Metrics, ApIsTheStepwiseAreaUnderPooledPrecisionRecall) {
    // 1 x 30: pixels 0-4 foreground at 0.95, 5-9 foreground at 0.35, 10-19 background at 0.35,
    // 20-29 background at 0. Thresholds 0.02..0.34: 20 predicted, TP 10, FP 10 -> (r 1, p 0.5).
    // 0.36..0.94: TP 5, FP 0 -> (r 0.5, p 1). 0.96, 0.98: nothing. Sorted by recall:
    // AP = (0.5 - 0) * 1 + (1 - 0.5) * 0.5 = 0.75.
    cv::Mat truth = zeros8(1, 30);
    truth.colRange(0, 10).setTo(1);
    cv::Mat pred(1, 30, CV_32F, cv::Scalar(0));
    pred.colRange(0, 5).setTo(0.95);
    pred.colRange(5, 20).setTo(0.35);
    SegmentationMetrics metrics;
    metrics.add(pred, truth);
    const MetricsReport r = metrics.report();
    EXPECT_DOUBLE_EQ(r.ap, 0.75);
    // IoU: 10/20 = 0.5 up to 0.34, 5/10 = 0.5 from 0.36 to 0.94, 0 above: best 0.5 at 0.02.
    EXPECT_DOUBLE_EQ(r.bestThresholdMIoU, 0.5);
    EXPECT_DOUBLE_EQ(r.mIoU, 0.5);
}

TEST(Metrics, BestThresholdCanDifferFromHalf) {
    // 1 x 10: foreground pixels 0-4 at 0.31, background at 0.11. Thresholds 0.02..0.10 predict
    // everything (IoU 0.5); 0.12..0.30 predict exactly the foreground (IoU 1); 0.32.. nothing (0).
    cv::Mat truth = zeros8(1, 10);
    truth.colRange(0, 5).setTo(255);
    cv::Mat pred(1, 10, CV_32F, cv::Scalar(0.11));
    pred.colRange(0, 5).setTo(0.31);
    SegmentationMetrics metrics;
    metrics.add(pred, truth);
    const MetricsReport r = metrics.report();
    EXPECT_DOUBLE_EQ(r.bestThreshold, 0.12);
    EXPECT_DOUBLE_EQ(r.bestThresholdMIoU, 1.0);
    EXPECT_DOUBLE_EQ(r.mIoU, 0.0);
    // Points (1, 0.5) and (1, 1): at equal recall the higher precision counts: AP = 1.
    EXPECT_DOUBLE_EQ(r.ap, 1.0);
}

TEST(Metrics, BinaryThresholdSetsMIoUOIoUAndPrecisionButNotAp) {
    // The masks of BestThresholdCanDifferFromHalf, plus a second sample all at 0.6 over a 1 x 10
    // truth of 4 pixels (IoU 0.4 at any threshold below 0.6).
    cv::Mat truth = zeros8(1, 10);
    truth.colRange(0, 5).setTo(255);
    cv::Mat pred(1, 10, CV_32F, cv::Scalar(0.11));
    pred.colRange(0, 5).setTo(0.31);
    cv::Mat truth2 = zeros8(1, 10);
    truth2.colRange(0, 4).setTo(255);
    const cv::Mat pred2(1, 10, CV_32F, cv::Scalar(0.6));
    struct Case {
        double threshold, iou1, mIoU, oIoU, prec05;
    };
    // 0.05: everything predicted (5/10 and 4/10); 0.115 (between the 49 grid points): exactly the
    // foreground of the first (1); 0.5: nothing of the first (0); 0.7: nothing at all.
    for (const Case c : {Case{0.05, 0.5, 0.45, 9.0 / 20, 0.5}, Case{0.115, 1.0, 0.7, 9.0 / 15, 0.5},
                         Case{0.5, 0.0, 0.2, 4.0 / 15, 0.0}, Case{0.7, 0.0, 0.0, 0.0, 0.0}}) {
        SCOPED_TRACE(c.threshold);
        SegmentationMetrics metrics(c.threshold);
        metrics.add(pred, truth);
        metrics.add(pred2, truth2);
        const MetricsReport r = metrics.report();
        EXPECT_DOUBLE_EQ(metrics.iouOfSample(0), c.iou1);
        EXPECT_DOUBLE_EQ(r.mIoU, c.mIoU);
        EXPECT_DOUBLE_EQ(r.oIoU, c.oIoU);
        EXPECT_DOUBLE_EQ(r.precAt[0], c.prec05);
        EXPECT_DOUBLE_EQ(r.threshold, c.threshold);
        EXPECT_DOUBLE_EQ(r.bestThreshold, 0.12); // the 49-threshold figures do not depend on it
        // The curve's point at 0.5 is the mIoU a 0.5 threshold gives (0.2), whatever the binary one.
        EXPECT_DOUBLE_EQ(r.mIoUByThreshold[24], 0.2);
        EXPECT_DOUBLE_EQ(r.mIoUAtHalf(), 0.2);
        EXPECT_DOUBLE_EQ(r.mIoUByThreshold[0], 0.45);  // 0.02: as 0.05
        EXPECT_DOUBLE_EQ(r.mIoUByThreshold[5], 0.7);   // 0.12: the first's foreground exactly
        EXPECT_DOUBLE_EQ(r.mIoUByThreshold[48], 0.0);  // 0.98: nothing
        const auto json = r.toJson();
        ASSERT_EQ(json.at("mIoU_by_threshold").size(), size_t(rlfseg::eval::kApThresholds));
        EXPECT_DOUBLE_EQ(json.at("mIoU_by_threshold").at("0.50").get<double>(), 0.2);
        EXPECT_DOUBLE_EQ(json.at("mIoU_by_threshold").at("0.12").get<double>(), 0.7);
    }
    // 8-bit predictions: value / 255 against the threshold (30 / 255 = 0.118 > 0.115 > 29 / 255).
    SegmentationMetrics eightBit(0.115);
    cv::Mat pred8 = zeros8(1, 10);
    pred8.colRange(0, 5).setTo(30);
    pred8.colRange(5, 10).setTo(29);
    eightBit.add(pred8, truth);
    EXPECT_DOUBLE_EQ(eightBit.iouOfSample(0), 1.0);
    EXPECT_THROW(SegmentationMetrics(1.0), std::invalid_argument);
    EXPECT_THROW(SegmentationMetrics(-0.1), std::invalid_argument);
}

TEST(Metrics, EmptyAccumulatorAndJsonKeys) {
    SegmentationMetrics metrics;
    const MetricsReport r = metrics.report();
    EXPECT_EQ(r.samples, 0u);
    EXPECT_DOUBLE_EQ(r.mIoU, 0.0);
    EXPECT_DOUBLE_EQ(r.ap, 0.0);

    addRowSample(metrics, 7);
    const nlohmann::json j = metrics.report().toJson();
    std::set<std::string> keys;
    for (const auto& item : j.items()) keys.insert(item.key());
    const std::set<std::string> expected = {"mIoU",     "oIoU", "prec@0.5",       "prec@0.6",            "prec@0.7",  "prec@0.8",
                                            "prec@0.9", "AP",   "best_threshold", "best_threshold_mIoU", "threshold", "samples",
                                            "mIoU_by_threshold", "loss_breakdown"};
    EXPECT_EQ(keys, expected);
    EXPECT_DOUBLE_EQ(j["mIoU"].get<double>(), 0.7);
    EXPECT_DOUBLE_EQ(j["prec@0.7"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(j["prec@0.8"].get<double>(), 0.0);
    EXPECT_EQ(j["samples"].get<int>(), 1);
}

TEST(Metrics, RejectsWrongInputs) {
    SegmentationMetrics metrics;
    EXPECT_THROW(metrics.add(zeros8(4, 4), zeros8(4, 5)), std::invalid_argument);
    EXPECT_THROW(metrics.add(cv::Mat::zeros(4, 4, CV_16UC1), zeros8(4, 4)), std::invalid_argument);
    EXPECT_THROW(metrics.add(zeros8(4, 4), cv::Mat::zeros(4, 4, CV_32F)), std::invalid_argument);
    EXPECT_EQ(metrics.samples(), 0u);
}

TEST(Metrics, BoundaryFScoreOnHandMadeMasks) {
    using rlfseg::eval::boundaryFScore;
    cv::Mat truth = zeros8(40, 40);
    truth(cv::Rect(10, 10, 10, 10)).setTo(1); // 36 boundary pixels
    EXPECT_DOUBLE_EQ(boundaryFScore(truth * 255, truth), 1.0);

    // Shifted by 2 px: every boundary pixel is within 2 px of the other's boundary.
    cv::Mat shifted = zeros8(40, 40);
    shifted(cv::Rect(12, 10, 10, 10)).setTo(255);
    EXPECT_DOUBLE_EQ(boundaryFScore(shifted, truth), 1.0);

    // A far speck adds one unmatched boundary pixel: P = 36/37, R = 1, F = 72/73.
    cv::Mat speck = truth.clone();
    speck.at<uchar>(35, 35) = 1;
    EXPECT_NEAR(boundaryFScore(speck, truth), 72.0 / 73.0, 1e-12);
    EXPECT_NEAR(boundaryFScore(truth, speck), 72.0 / 73.0, 1e-12); // symmetric in P and R

    // Single pixels 3 px apart: matched with a tolerance of 3, not of 2.
    cv::Mat a = zeros8(20, 20), b = zeros8(20, 20);
    a.at<uchar>(5, 5) = 1;
    b.at<uchar>(5, 8) = 1;
    EXPECT_DOUBLE_EQ(boundaryFScore(a, b, 2.0), 0.0);
    EXPECT_DOUBLE_EQ(boundaryFScore(a, b, 3.0), 1.0);

    // A mask filling the image has its border as boundary (outside counts as background).
    cv::Mat full(8, 8, CV_8UC1, cv::Scalar(1));
    EXPECT_DOUBLE_EQ(boundaryFScore(full, full), 1.0);

    EXPECT_DOUBLE_EQ(boundaryFScore(zeros8(9, 9), zeros8(9, 9)), 1.0);
    EXPECT_DOUBLE_EQ(boundaryFScore(zeros8(40, 40), truth), 0.0);
    EXPECT_DOUBLE_EQ(boundaryFScore(truth, zeros8(40, 40)), 0.0);
    EXPECT_THROW(boundaryFScore(truth, zeros8(4, 4)), std::invalid_argument);
}
