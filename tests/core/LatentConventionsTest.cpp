#include "core/pipeline/LatentConventions.h"
#include "core/pipeline/MaskResize.h"
#include "core/util/Error.h"

#include <opencv2/imgproc.hpp>

#include <gtest/gtest.h>

using namespace rlfseg;

TEST(LatentConventions, ModelInputSizeKeepsAspectAndRoundsToTheFactor) {
    EXPECT_EQ(conventions::modelInputSize(512, 512, 512, 64), cv::Size(512, 512));
    EXPECT_EQ(conventions::modelInputSize(1024, 768, 512, 64), cv::Size(512, 384));
    EXPECT_EQ(conventions::modelInputSize(768, 1024, 512, 64), cv::Size(384, 512));
    EXPECT_EQ(conventions::modelInputSize(8000, 6000, 512, 64), cv::Size(512, 384));
    EXPECT_EQ(conventions::modelInputSize(1000, 100, 512, 64), cv::Size(512, 64)); // at least one multiple
    EXPECT_EQ(conventions::modelInputSize(40, 24, 32, 8), cv::Size(32, 16));      // 19.2 -> 16
    EXPECT_EQ(conventions::modelInputSize(16, 16, 32, 8), cv::Size(32, 32));      // small images are enlarged
}

TEST(LatentConventions, ImageMapsPixelsToMinusOneOneWithRedFirst) {
    cv::Mat rgb(2, 2, CV_8UC3, cv::Scalar(255, 0, 51)); // R=255, G=0, B=51
    auto t = conventions::imageToTensor(rgb, {2, 2});
    ASSERT_EQ(t.sizes(), (c10::IntArrayRef{1, 3, 2, 2}));
    EXPECT_FLOAT_EQ(t[0][0][1][1].item<float>(), 1.0f);
    EXPECT_FLOAT_EQ(t[0][1][0][0].item<float>(), -1.0f);
    EXPECT_NEAR(t[0][2][0][1].item<float>(), 51 / 127.5 - 1, 1e-6);
}

TEST(LatentConventions, MaskBecomesThreeChannelsOfPlusMinusOne) {
    cv::Mat m = cv::Mat::zeros(4, 4, CV_8UC1);
    m.at<uint8_t>(1, 2) = 255;
    auto t = conventions::maskToTensor(m, {4, 4});
    ASSERT_EQ(t.sizes(), (c10::IntArrayRef{1, 3, 4, 4}));
    EXPECT_EQ(t.eq(1).sum().item<int64_t>(), 3);
    EXPECT_FLOAT_EQ(t[0][2][1][2].item<float>(), 1.0f);
    EXPECT_FLOAT_EQ(t[0][0][0][0].item<float>(), -1.0f);
}

TEST(LatentConventions, SoftMaskIsTheClampedChannelMean) {
    auto decoded = torch::tensor({1.0f, 0.5f, -3.0f, 3.0f, 0.5f, -0.5f}).reshape({1, 3, 1, 2});
    // pixel 0: mean(1, -3, 0.5) = -0.5 -> 0.25; pixel 1: mean(0.5, 3, -0.5) = 1 -> 1
    auto p = conventions::softMaskFromDecoded(decoded);
    EXPECT_NEAR(p[0][0][0].item<float>(), 0.25f, 1e-6);
    EXPECT_NEAR(p[0][0][1].item<float>(), 1.0f, 1e-6);
    auto clamped = conventions::softMaskFromDecoded(torch::full({1, 3, 1, 1}, 5.0f));
    EXPECT_FLOAT_EQ(clamped.item<float>(), 1.0f);
}

TEST(LatentConventions, SoftMaskGoesBackToTheImageSizeAndThresholds) {
    auto soft = torch::tensor({0.0f, 1.0f, 0.2f, 0.9f}).reshape({2, 2});
    cv::Mat big = conventions::upsampleSoftMask(conventions::softMaskToMat(soft), {6, 4});
    ASSERT_EQ(big.size(), cv::Size(6, 4));
    ASSERT_EQ(big.type(), CV_32FC1);
    cv::Mat bin = conventions::binarize(big, 0.5f);
    EXPECT_EQ(bin.at<uint8_t>(0, 0), 0);
    EXPECT_EQ(bin.at<uint8_t>(0, 5), 255);
    EXPECT_EQ(bin.at<uint8_t>(3, 5), 255);
    EXPECT_EQ(bin.at<uint8_t>(3, 0), 0);
}

TEST(MaskResize, UpsamplesAsOpenCvsBilinearResizeDoes) {
    cv::Mat soft(7, 9, CV_32FC1);
    cv::randu(soft, 0.0, 1.0);
    // Up, down, mixed, non-integer ratios, and a row or column of one pixel.
    for (const cv::Size size : {cv::Size(9, 7), cv::Size(40, 31), cv::Size(5, 3), cv::Size(18, 4), cv::Size(1, 13),
                                cv::Size(101, 1), cv::Size(4, 14)}) {
        cv::Mat expected;
        cv::resize(soft, expected, size, 0, 0, cv::INTER_LINEAR);
        const cv::Mat ours = conventions::upsampleSoftMask(soft, size);
        ASSERT_EQ(ours.size(), size);
        EXPECT_LT(cv::norm(ours, expected, cv::NORM_INF), 1e-5) << size;
    }
    EXPECT_EQ(cv::norm(conventions::upsampleSoftMask(soft, soft.size()), soft, cv::NORM_INF), 0.0); // same size: a copy
}

TEST(MaskResize, BinaryMaskEqualsTheThresholdedUpsampledSoftMask) {
    cv::Mat soft(16, 24, CV_32FC1);
    cv::randu(soft, 0.0, 1.0);
    cv::GaussianBlur(soft, soft, {0, 0}, 1.5); // smooth, so many pixels lie near any threshold
    for (const float threshold : {0.04f, 0.5f, soft.at<float>(3, 4)})
        for (const cv::Size size : {cv::Size(1003, 677), cv::Size(24, 16), cv::Size(13, 9)}) {
            const cv::Mat binary = conventions::binaryMaskAtSize(soft, size, threshold);
            ASSERT_EQ(binary.type(), CV_8UC1);
            ASSERT_EQ(binary.size(), size);
            const cv::Mat expected = conventions::binarize(conventions::upsampleSoftMask(soft, size), threshold);
            EXPECT_EQ(cv::countNonZero(binary != expected), 0) << size << " at " << threshold;
            EXPECT_GT(cv::countNonZero(binary), 0);
        }
}

TEST(MaskResize, RefusesWhatItCannotResize) {
    EXPECT_THROW(conventions::upsampleSoftMask(cv::Mat(), {4, 4}), Error);
    EXPECT_THROW(conventions::binaryMaskAtSize(cv::Mat(3, 3, CV_8UC1, cv::Scalar(1)), {4, 4}, 0.5f), Error);
    EXPECT_THROW(conventions::upsampleSoftMask(cv::Mat(3, 3, CV_32FC1, cv::Scalar(0.5)), {0, 4}), Error);
}
