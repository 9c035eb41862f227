// The LibTorch path of refinement (core/refine/RefinementTorch) against the OpenCV path: the same
// selection on a set of masks, the same scores to float precision, the same building blocks.
// On a CUDA build with a GPU the same checks run on the GPU too.

#include "TestSupport.h"

#include "core/refine/Refinement.h"
#include "core/refine/RefinementTorch.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

using namespace rlfseg::refine;

namespace {

struct Case {
    std::string name;
    cv::Mat rgb, soft, reference;
};

// Scenes with a known object, a soft mask as a model gives it (blurred, too large, specks, a
// pin-hole), some with a reference label, an 8-bit binary input and odd sizes.
std::vector<Case> cases() {
    std::vector<Case> out;
    cv::RNG rng(21);
    for (int i = 0; i < 6; ++i) {
        const int w = 96 + 17 * i, h = 80 + 13 * i; // odd and even sizes
        Case c;
        c.name = "scene" + std::to_string(i);
        c.rgb = cv::Mat(h, w, CV_8UC3);
        rng.fill(c.rgb, cv::RNG::UNIFORM, 60, 160);
        cv::Mat truth = cv::Mat::zeros(h, w, CV_8UC1);
        const cv::Point centre(w / 2 + i, h / 2 - i);
        if (i % 3 == 0) {
            cv::circle(truth, centre, h / 3, 255, cv::FILLED);
            cv::circle(truth, centre, h / 9, 0, cv::FILLED); // a real hole
        } else if (i % 3 == 1) {
            std::vector<cv::Point> star;
            for (int k = 0; k < 10; ++k) {
                const double a = k * CV_PI / 5, r = (k % 2 ? h / 7.0 : h / 3.0);
                star.emplace_back(centre.x + static_cast<int>(r * std::cos(a)), centre.y + static_cast<int>(r * std::sin(a)));
            }
            cv::fillPoly(truth, std::vector<std::vector<cv::Point>>{star}, 255);
        } else {
            cv::rectangle(truth, {w / 4, h / 4}, {3 * w / 4, 3 * h / 4}, 255, 4); // an outline
        }
        c.rgb.setTo(cv::Scalar(20 + 30 * i, 200, 40), truth);
        cv::Mat soft;
        cv::dilate(truth, soft, cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3}));
        soft.convertTo(soft, CV_32F, 1.0 / 255.0);
        cv::GaussianBlur(soft, soft, {0, 0}, 1.5 + 0.3 * i);
        cv::circle(soft, {5, 5}, 1, 0.8, cv::FILLED);
        if (i == 4) { // an edited, binary mask
            cv::Mat binary = soft > 0.5f;
            c.soft = binary;
        } else {
            c.soft = soft;
        }
        if (i % 2 == 1) c.reference = truth;
        out.push_back(c);
    }
    // A large disc on a flat background: edges cover under 5 % of the region (the edge scale
    // falls back to the largest gradient on both paths).
    Case flat;
    flat.name = "flat";
    flat.rgb = cv::Mat(240, 260, CV_8UC3, cv::Scalar(210, 210, 200));
    cv::Mat disc = cv::Mat::zeros(240, 260, CV_8UC1);
    cv::circle(disc, {130, 120}, 100, 255, cv::FILLED);
    flat.rgb.setTo(cv::Scalar(40, 60, 170), disc);
    cv::Mat soft;
    cv::dilate(disc, soft, cv::getStructuringElement(cv::MORPH_ELLIPSE, {9, 9}));
    soft.convertTo(flat.soft, CV_32F, 1.0 / 255.0);
    cv::GaussianBlur(flat.soft, flat.soft, {0, 0}, 2.0);
    out.push_back(flat);
    return out;
}

void expectSameAsOpenCv(torch::Device device) {
    for (const auto& c : cases()) {
        SCOPED_TRACE(c.name);
        const auto cpu = refineMask(c.rgb, c.soft, c.reference);
        const auto viaTorch = refineMasksTorch({c.rgb}, {c.soft}, {c.reference}, {}, device).at(0);
        ASSERT_EQ(viaTorch.candidates.size(), cpu.candidates.size());
        EXPECT_EQ(viaTorch.selected, cpu.selected) << cpu.reason << " vs " << viaTorch.reason;
        EXPECT_EQ(viaTorch.region, cpu.region);
        for (size_t k = 0; k < cpu.candidates.size(); ++k) {
            const auto& a = cpu.candidates[k];
            const auto& b = viaTorch.candidates[k];
            EXPECT_EQ(a.name, b.name);
            EXPECT_NEAR(a.score, b.score, 2e-3) << a.name;
            EXPECT_NEAR(a.stability, b.stability, 2e-3) << a.name;
            const double differing = cv::countNonZero(a.regionMask != b.regionMask);
            EXPECT_LE(differing, 0.005 * a.regionMask.total() + 2) << a.name;
        }
    }
}

} // namespace

TEST(RefinementTorch, SameSelectionAsOpenCvOnTheCpu) { expectSameAsOpenCv(torch::kCPU); }

TEST(RefinementTorch, SameSelectionAsOpenCvOnCuda) {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
    expectSameAsOpenCv(torch::Device(torch::kCUDA, 0));
}

TEST(RefinementTorch, BuildingBlocksMatch) {
    cv::Mat guide(37, 52, CV_32F), p(37, 52, CV_32F);
    cv::RNG(5).fill(guide, cv::RNG::UNIFORM, 0.0, 1.0);
    cv::RNG(6).fill(p, cv::RNG::UNIFORM, 0.0, 1.0);
    auto t = [](const cv::Mat& m) { return torch::from_blob(m.clone().data, {1, 1, m.rows, m.cols}, torch::kFloat).clone(); };
    const cv::Mat expected = fastGuidedFilter(guide, p, 5, 1e-3);
    const auto got = fastGuidedFilterTorch(t(guide), t(p), 5, 1e-3).contiguous();
    const cv::Mat gotCv(37, 52, CV_32F, got.data_ptr<float>());
    EXPECT_LT(cv::norm(gotCv - expected, cv::NORM_INF), 1e-4);

    cv::Mat m = cv::Mat::zeros(60, 60, CV_8UC1);
    cv::rectangle(m, {10, 10}, {49, 49}, 255, cv::FILLED);
    cv::rectangle(m, {20, 20}, {22, 22}, 0, cv::FILLED);
    cv::rectangle(m, {30, 30}, {39, 39}, 0, cv::FILLED);
    cv::rectangle(m, {2, 2}, {3, 3}, 255, cv::FILLED);
    cv::rectangle(m, {53, 2}, {58, 7}, 255, cv::FILLED);
    const cv::Mat cleaned = removeSpecksAndFillHoles(m, 10, 50);
    cv::Mat mFloat;
    m.convertTo(mFloat, CV_32F);
    const auto cleanedTorch = removeSpecksAndFillHolesTorch(t(mFloat) > 0, 10, 50);
    const auto cleanedBytes = (cleanedTorch.to(torch::kUInt8) * 255).contiguous();
    const cv::Mat back(60, 60, CV_8UC1, cleanedBytes.data_ptr<uint8_t>());
    EXPECT_EQ(cv::countNonZero(back != cleaned), 0);
}

// The two implementations of speck removal and hole filling (OpenCV: contours and floods; LibTorch:
// iterated min-pooling labels) agree on random masks with specks, holes, specks inside holes,
// diagonal contacts and objects touching the border.
TEST(RefinementTorch, SpecksAndHolesAgreeOnRandomMasks) {
    for (int seed = 0; seed < 24; ++seed) {
        SCOPED_TRACE(seed);
        cv::RNG rng(seed);
        const int rows = rng.uniform(20, 90), cols = rng.uniform(20, 90);
        cv::Mat m = cv::Mat::zeros(rows, cols, CV_8UC1);
        for (int k = rng.uniform(1, 6); k > 0; --k)
            cv::ellipse(m, {rng.uniform(-5, cols + 5), rng.uniform(-5, rows + 5)},
                        {rng.uniform(3, cols / 2 + 3), rng.uniform(3, rows / 2 + 3)}, rng.uniform(0, 180), 0, 360, 255,
                        cv::FILLED);
        for (int k = rng.uniform(0, 8); k > 0; --k) // holes and specks of 1 to 25 pixels
            cv::rectangle(m, cv::Rect(rng.uniform(0, cols), rng.uniform(0, rows), rng.uniform(1, 6), rng.uniform(1, 6)),
                          rng.uniform(0, 2) ? 255 : 0, cv::FILLED);
        for (int k = rng.uniform(0, 30); k > 0; --k) m.at<uint8_t>(rng.uniform(0, rows), rng.uniform(0, cols)) ^= 255;
        const int minArea = rng.uniform(1, 40), maxHole = rng.uniform(1, 60);
        const cv::Mat cleaned = removeSpecksAndFillHoles(m, minArea, maxHole);
        const auto masks = torch::from_blob(m.data, {1, 1, rows, cols}, torch::kUInt8).clone() > 0;
        const auto bytes = (removeSpecksAndFillHolesTorch(masks, minArea, maxHole).to(torch::kUInt8) * 255).contiguous();
        const cv::Mat back(rows, cols, CV_8UC1, bytes.data_ptr<uint8_t>());
        EXPECT_EQ(cv::countNonZero(back != cleaned), 0);
    }
}
