// Refinement and dynamic selection (core/refine): candidates, scores and the selection on masks
// whose right answer is known; holes above the bound survive, specks and pin-holes do not.

#include "TestSupport.h"

#include "core/refine/Refinement.h"
#include "core/util/Error.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

using namespace rlfseg::refine;

using rlfseg::test::maskIoU;

namespace {

int components(const cv::Mat& mask) {
    cv::Mat labels;
    return cv::connectedComponents(mask, labels, 8) - 1;
}

// A ring (disc with a real hole) on a textured background, and its exact mask.
struct Scene {
    cv::Mat rgb, truth;
};
Scene ring(int size = 200) {
    Scene s;
    s.rgb = cv::Mat(size, size, CV_8UC3);
    cv::RNG rng(7);
    rng.fill(s.rgb, cv::RNG::UNIFORM, 90, 140);
    s.truth = cv::Mat::zeros(size, size, CV_8UC1);
    cv::circle(s.truth, {size / 2, size / 2}, size / 3, 255, cv::FILLED);
    cv::circle(s.truth, {size / 2, size / 2}, size / 8, 0, cv::FILLED); // the real hole
    s.rgb.setTo(cv::Scalar(220, 30, 30), s.truth);
    return s;
}

// What a model gives: a blurred, slightly too large soft mask with specks and a pin-hole.
cv::Mat noisySoft(const Scene& s) {
    cv::Mat m;
    cv::dilate(s.truth, m, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
    m.convertTo(m, CV_32F, 1.0 / 255.0);
    cv::GaussianBlur(m, m, {0, 0}, 3.0);
    cv::circle(m, {15, 15}, 2, 0.9, cv::FILLED);                  // a speck far away
    cv::circle(m, {s.rgb.cols / 2 + s.rgb.cols / 4, s.rgb.rows / 2}, 1, 0.05, cv::FILLED); // a pin-hole in the ring
    return m;
}

} // namespace

TEST(Refinement, SelectsACleanEdgeAlignedMaskAndKeepsRealHoles) {
    const Scene s = ring();
    const cv::Mat soft = noisySoft(s);
    const auto r = refineMask(s.rgb, soft);
    ASSERT_GE(r.selected, 0);
    const Candidate& best = *r.best();
    const cv::Mat bestMask = r.selectedMask();
    ASSERT_EQ(bestMask.size(), s.rgb.size());
    EXPECT_EQ(r.candidates.size(), 3u * 3u * 2u); // (raw, snap1, snap2) x 3 thresholds x (as is, cleaned)
    EXPECT_EQ(components(bestMask), 1) << best.name;            // the speck is gone
    EXPECT_EQ(bestMask.at<uint8_t>(s.rgb.rows / 2, s.rgb.cols / 2), 0) << "the real hole survives";
    EXPECT_EQ(bestMask.at<uint8_t>(s.rgb.rows / 2, s.rgb.cols / 2 + s.rgb.cols / 4), 255) << "the pin-hole is filled";
    const cv::Mat plain = soft > 0.5f;
    EXPECT_GT(maskIoU(bestMask, s.truth), maskIoU(plain, s.truth));
    EXPECT_GT(maskIoU(bestMask, s.truth), 0.95);
    EXPECT_NE(r.reason.find(best.name), std::string::npos);
    for (const auto& c : r.candidates) {
        EXPECT_LE(c.score, best.score + 1e-6) << c.name;
        EXPECT_GE(c.stability, 0.0);
        EXPECT_LE(c.edges, 1.0);
        EXPECT_LT(c.reference, 0.0); // no reference given
    }
    // Deterministic.
    const auto again = refineMask(s.rgb, soft);
    EXPECT_EQ(again.selected, r.selected);
    EXPECT_EQ(cv::countNonZero(again.selectedMask() != bestMask), 0);
    const auto j = r.toJson();
    EXPECT_EQ(j["candidates"].size(), r.candidates.size());
    EXPECT_EQ(j["selected_name"], best.name);
}

TEST(Refinement, EdgesCountOnFlatBackgroundsToo) {
    // A large disc on a flat background, the mask 4 px too large: edges are under 5 % of the
    // region, yet the candidate on the disc's edge must score higher for edges than the raw one.
    cv::Mat rgb(400, 400, CV_8UC3, cv::Scalar(210, 210, 200));
    cv::Mat truth = cv::Mat::zeros(400, 400, CV_8UC1);
    cv::circle(truth, {200, 200}, 150, 255, cv::FILLED);
    rgb.setTo(cv::Scalar(40, 60, 170), truth);
    cv::Mat rough = cv::Mat::zeros(400, 400, CV_8UC1);
    cv::circle(rough, {200, 200}, 154, 255, cv::FILLED);
    const auto r = refineMask(rgb, rough);
    ASSERT_TRUE(r.best());
    EXPECT_EQ(r.candidates.front().edges, 0.0) << "the raw mask's boundary lies on flat colour";
    double bestEdges = 0;
    for (const auto& c : r.candidates) bestEdges = std::max(bestEdges, c.edges);
    EXPECT_GT(bestEdges, 0.5);
    EXPECT_GT(maskIoU(r.mask(static_cast<size_t>(r.selected)), truth), maskIoU(rough, truth));
}

TEST(Refinement, ReferenceAgreementEntersTheScore) {
    const Scene s = ring();
    const cv::Mat soft = noisySoft(s);
    const auto withTruth = refineMask(s.rgb, soft, s.truth);
    for (size_t i = 0; i < withTruth.candidates.size(); ++i) {
        EXPECT_GE(withTruth.candidates[i].reference, 0.0);
        EXPECT_NEAR(withTruth.candidates[i].reference, maskIoU(withTruth.mask(i), s.truth), 1e-9);
    }
    EXPECT_NE(withTruth.reason.find("reference IoU"), std::string::npos);
    // A binary input works too (an edited mask in the app).
    const cv::Mat binary = soft > 0.5f;
    const auto fromBinary = refineMask(s.rgb, binary);
    ASSERT_GE(fromBinary.selected, 0);
    EXPECT_EQ(components(fromBinary.selectedMask()), 1);
}

TEST(Refinement, EmptyMasksAndBadInputs) {
    const Scene s = ring(64);
    const auto none = refineMask(s.rgb, cv::Mat::zeros(64, 64, CV_32F));
    EXPECT_EQ(none.selected, -1);
    EXPECT_EQ(none.best(), nullptr);
    EXPECT_EQ(cv::countNonZero(none.selectedMask()), 0);
    EXPECT_NE(none.reason.find("no object"), std::string::npos);
    auto message = [](const std::function<void()>& fn) {
        try {
            fn();
        } catch (const rlfseg::Error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(message([&] { refineMask(s.rgb, cv::Mat::zeros(32, 64, CV_32F)); }).find("differ in size"), std::string::npos);
    EXPECT_NE(message([&] { refineMask(s.rgb, cv::Mat::zeros(64, 64, CV_64F)); }).find("CV_32FC1"), std::string::npos);
    EXPECT_NE(message([&] { refineMask(cv::Mat(), s.truth); }).find("RGB"), std::string::npos);
    EXPECT_NE(message([&] { refineMask(s.rgb, s.truth, cv::Mat::zeros(8, 8, CV_8U)); }).find("reference"), std::string::npos);
}

TEST(Refinement, SpecksAndHolesByTheBound) {
    cv::Mat m = cv::Mat::zeros(60, 60, CV_8UC1);
    cv::rectangle(m, {10, 10}, {49, 49}, 255, cv::FILLED);
    cv::rectangle(m, {20, 20}, {22, 22}, 0, cv::FILLED);  // 9-pixel hole
    cv::rectangle(m, {30, 30}, {39, 39}, 0, cv::FILLED);  // 100-pixel hole
    cv::rectangle(m, {2, 2}, {3, 3}, 255, cv::FILLED);    // 4-pixel speck
    cv::rectangle(m, {53, 2}, {58, 7}, 255, cv::FILLED);  // 36-pixel blob
    const cv::Mat out = removeSpecksAndFillHoles(m, 10, 50);
    EXPECT_EQ(out.at<uint8_t>(2, 2), 0);     // speck below 10: removed
    EXPECT_EQ(out.at<uint8_t>(4, 55), 255);  // blob of 36: kept
    EXPECT_EQ(out.at<uint8_t>(21, 21), 255); // hole of 9 < 50: filled
    EXPECT_EQ(out.at<uint8_t>(35, 35), 0);   // hole of 100: kept
    EXPECT_EQ(cv::countNonZero(out) - cv::countNonZero(m), 9 - 4);
    // The largest component stays even when it is below the bound.
    cv::Mat tiny = cv::Mat::zeros(10, 10, CV_8UC1);
    tiny.at<uint8_t>(5, 5) = 255;
    EXPECT_EQ(cv::countNonZero(removeSpecksAndFillHoles(tiny, 100, 10)), 1);
}

TEST(Refinement, GuidedFilterKeepsConstantsAndFollowsTheGuide) {
    cv::Mat guide(40, 40, CV_32F);
    cv::RNG(3).fill(guide, cv::RNG::UNIFORM, 0.0, 1.0);
    const cv::Mat flat(40, 40, CV_32F, cv::Scalar(0.3));
    const cv::Mat q = guidedFilter(guide, flat, 3, 1e-3);
    double lo, hi;
    cv::minMaxLoc(q, &lo, &hi);
    EXPECT_NEAR(lo, 0.3, 1e-5);
    EXPECT_NEAR(hi, 0.3, 1e-5);
    // p = guide with a tiny epsilon: the output is (almost) the guide itself.
    EXPECT_LT(cv::norm(guidedFilter(guide, guide, 3, 1e-6) - guide, cv::NORM_INF), 1e-2);
}

TEST(Refinement, LabelRefinementOnlyWhereThePredictionAgrees) {
    const Scene s = ring();
    // A noisy label: the truth shifted by 3 px; the prediction is the (blurred) truth.
    cv::Mat label;
    const cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, 3, 0, 1, 0);
    cv::warpAffine(s.truth, label, shift, s.truth.size());
    cv::Mat soft;
    s.truth.convertTo(soft, CV_32F, 1.0 / 255.0);
    cv::GaussianBlur(soft, soft, {0, 0}, 1.5);
    const auto refined = refineLabel(s.rgb, soft, label, 0.5, 6);
    EXPECT_TRUE(refined.refined);
    EXPECT_GT(refined.agreement, 0.5);
    EXPECT_GT(maskIoU(refined.label, s.truth), maskIoU(label, s.truth));
    // Far from the label's boundary nothing changes.
    EXPECT_EQ(refined.label.at<uint8_t>(5, 5), 0);
    // A prediction that disagrees leaves the label as it is.
    const cv::Mat elsewhere = cv::Mat::zeros(s.truth.size(), CV_32F);
    cv::rectangle(elsewhere, {0, 0}, {20, 20}, 1.0, cv::FILLED);
    const auto kept = refineLabel(s.rgb, elsewhere, label, 0.5, 6);
    EXPECT_FALSE(kept.refined);
    EXPECT_EQ(cv::countNonZero(kept.label != label), 0);
}
