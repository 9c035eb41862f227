// The edge snap (core/refine/EdgeSnap): the colour guided filter against a direct per-window
// solve, and what it is for: a boundary placed a few pixels off moves onto the object's edge,
// even where the object differs from its background in hue alone.

#include "TestSupport.h"

#include "core/refine/EdgeSnap.h"
#include "core/refine/Refinement.h"
#include "core/util/Error.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>

using namespace rlfseg::refine;
using rlfseg::test::errorOf;

using rlfseg::test::maskIoU;

namespace {

// He et al.'s definition taken literally: for every window, the least-squares fit of p as a
// linear function of the colour (ridge epsilon), then every pixel averages the fits of the windows
// that hold it. Windows past the border see the border pixel repeated.
cv::Mat bruteForceGuidedFilter(const cv::Mat& rgb, const cv::Mat& p, int r, double eps) {
    const int h = p.rows, w = p.cols;
    const auto pixel = [&](int y, int x) {
        y = std::clamp(y, 0, h - 1);
        x = std::clamp(x, 0, w - 1);
        const cv::Vec3b c = rgb.at<cv::Vec3b>(y, x);
        return std::make_pair(cv::Vec3d(c[0], c[1], c[2]) / 255.0, double(p.at<float>(y, x)));
    };
    const double n = (2 * r + 1) * (2 * r + 1);
    cv::Mat a(h, w, CV_64FC3), b(h, w, CV_64F);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            cv::Vec3d mean(0, 0, 0), cross(0, 0, 0);
            cv::Matx33d moment = cv::Matx33d::zeros();
            double meanP = 0;
            for (int dy = -r; dy <= r; ++dy)
                for (int dx = -r; dx <= r; ++dx) {
                    const auto [c, v] = pixel(y + dy, x + dx);
                    mean += c / n;
                    meanP += v / n;
                    cross += c * (v / n);
                    moment += (c * c.t()) * (1.0 / n);
                }
            const cv::Matx33d sigma = moment - mean * mean.t() + cv::Matx33d::eye() * eps;
            const cv::Vec3d ak = sigma.solve(cross - mean * meanP, cv::DECOMP_CHOLESKY);
            a.at<cv::Vec3d>(y, x) = ak;
            b.at<double>(y, x) = meanP - ak.dot(mean);
        }
    cv::Mat q(h, w, CV_32F);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            double sum = 0;
            const cv::Vec3d c = pixel(y, x).first;
            for (int dy = -r; dy <= r; ++dy)
                for (int dx = -r; dx <= r; ++dx) {
                    const int yy = std::clamp(y + dy, 0, h - 1), xx = std::clamp(x + dx, 0, w - 1);
                    sum += (a.at<cv::Vec3d>(yy, xx).dot(c) + b.at<double>(yy, xx)) / n;
                }
            q.at<float>(y, x) = static_cast<float>(sum);
        }
    return q;
}

// A filled triangle on a background that differs from it in hue but not in luminance (so a grey
// guide sees no edge), both with pixel noise; and a model-like soft mask: the truth shifted by 2 px
// and blurred.
struct Scene {
    cv::Mat rgb, truth, soft;
};
Scene isoluminantTriangle() {
    Scene s;
    const int size = 96;
    s.truth = cv::Mat::zeros(size, size, CV_8UC1);
    const std::vector<cv::Point> corners{{20, 78}, {76, 70}, {40, 16}};
    cv::fillPoly(s.truth, std::vector<std::vector<cv::Point>>{corners}, 255);
    s.rgb = cv::Mat(size, size, CV_8UC3, cv::Scalar(60, 140, 110)); // grey level 113
    s.rgb.setTo(cv::Scalar(200, 76, 74), s.truth);                    // grey level 113 too
    cv::Mat noise(size, size, CV_8UC3);
    cv::RNG(3).fill(noise, cv::RNG::UNIFORM, 0, 12);
    s.rgb += noise;
    cv::Mat shifted;
    cv::warpAffine(s.truth, shifted, cv::Matx23d(1, 0, 2, 0, 1, -2), s.truth.size());
    shifted.convertTo(s.soft, CV_32F, 1.0 / 255.0);
    cv::GaussianBlur(s.soft, s.soft, {0, 0}, 2.0);
    return s;
}

} // namespace

TEST(EdgeSnap, TheColourGuidedFilterIsTheWindowedLinearFit) {
    cv::Mat rgb(23, 17, CV_8UC3), p(23, 17, CV_32F);
    cv::RNG rng(11);
    rng.fill(rgb, cv::RNG::UNIFORM, 0, 256);
    rng.fill(p, cv::RNG::UNIFORM, 0.0, 1.0);
    for (const auto& [radius, epsilon] : {std::pair{1, 1e-2}, std::pair{3, 1e-4}, std::pair{5, 1e-3}}) {
        const cv::Mat fast = colourGuidedFilter(rgb, p, radius, epsilon);
        const cv::Mat reference = bruteForceGuidedFilter(rgb, p, radius, epsilon);
        EXPECT_LT(cv::norm(fast, reference, cv::NORM_INF), 2e-4) << "radius " << radius;
    }
    // A float guide in [0, 1] is the same guide.
    cv::Mat scaled;
    rgb.convertTo(scaled, CV_32F, 1.0 / 255.0);
    EXPECT_LT(cv::norm(colourGuidedFilter(scaled, p, 2, 1e-3), colourGuidedFilter(rgb, p, 2, 1e-3), cv::NORM_INF),
              1e-6);
}

TEST(EdgeSnap, MovesAnOffsetBoundaryOntoTheObjectsEdgeWhereAGreyGuideCannot) {
    const Scene s = isoluminantTriangle();
    const double before = maskIoU(s.soft > 0.5f, s.truth);
    const cv::Mat snapped = snapToImageEdges(s.rgb, s.soft, {8, 1e-4});
    const double after = maskIoU(snapped > 0.5f, s.truth);
    EXPECT_LT(before, 0.85);
    EXPECT_GT(after, 0.95);
    // The grey guided filter on luminance sees no edge here: it only smooths.
    cv::Mat grey;
    cv::cvtColor(s.rgb, grey, cv::COLOR_RGB2GRAY);
    grey.convertTo(grey, CV_32F, 1.0 / 255.0);
    EXPECT_LT(maskIoU(guidedFilter(grey, s.soft, 8, 1e-4) > 0.5f, s.truth), 0.9);
    // The result is a soft mask still: clamped to [0, 1].
    double low = 0, high = 0;
    cv::minMaxLoc(snapped, &low, &high);
    EXPECT_GE(low, 0.0);
    EXPECT_LE(high, 1.0);
}

TEST(EdgeSnap, OffKeepsTheMaskAndAFlatImageOnlySmoothsIt) {
    const Scene s = isoluminantTriangle();
    EXPECT_EQ(cv::norm(snapToImageEdges(s.rgb, s.soft, EdgeSnap{}), s.soft, cv::NORM_INF), 0.0);
    EXPECT_EQ(describe(EdgeSnap{}), "off");
    EXPECT_EQ(describe(EdgeSnap{24, 1e-4}), "radius 24 px, epsilon 0.0001");
    // No colour varies in any window: every fit is the window's mean, so the result is the mean of
    // the means (two box filters).
    const cv::Mat flat(s.rgb.size(), CV_8UC3, cv::Scalar(90, 90, 90));
    cv::Mat once, twice;
    cv::boxFilter(s.soft, once, CV_32F, {7, 7}, {-1, -1}, true, cv::BORDER_REPLICATE);
    cv::boxFilter(once, twice, CV_32F, {7, 7}, {-1, -1}, true, cv::BORDER_REPLICATE);
    EXPECT_LT(cv::norm(colourGuidedFilter(flat, s.soft, 3, 1e-4), twice, cv::NORM_INF), 1e-5);
    // At the epsilon floor a flat image still gives the flat answer (float rounding in the
    // covariances does not reach the result); below it is refused, as rounding would.
    EXPECT_LT(cv::norm(colourGuidedFilter(flat, s.soft, 3, kMinEdgeSnapEpsilon), twice, cv::NORM_INF), 1e-5);
    EXPECT_NE(errorOf([&] { colourGuidedFilter(flat, s.soft, 3, 1e-15); }).find("1e-6"), std::string::npos);
    EXPECT_FALSE(isValid(EdgeSnap{3, 1e-9}));
    EXPECT_TRUE(isValid(EdgeSnap{3, 1e-6}));
    EXPECT_FALSE(isValid(EdgeSnap{kMaxEdgeSnapRadius + 1, 1e-4}));
    // A radius past the image's larger side is capped there (the cost stays bounded).
    EXPECT_LT(cv::norm(colourGuidedFilter(s.rgb, s.soft, 5000, 1e-3), colourGuidedFilter(s.rgb, s.soft, 96, 1e-3),
                       cv::NORM_INF), 1e-6);
}

TEST(EdgeSnap, WrongInputsAreErrors) {
    const Scene s = isoluminantTriangle();
    cv::Mat grey;
    cv::cvtColor(s.rgb, grey, cv::COLOR_RGB2GRAY);
    EXPECT_NE(errorOf([&] { snapToImageEdges(grey, s.soft, {4, 1e-4}); }).find("RGB"), std::string::npos);
    EXPECT_NE(errorOf([&] { snapToImageEdges(s.rgb, s.soft(cv::Rect(0, 0, 10, 10)), {4, 1e-4}); }).find("size"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { colourGuidedFilter(s.rgb, s.soft, 4, 0.0); }).find("epsilon"), std::string::npos);
}
