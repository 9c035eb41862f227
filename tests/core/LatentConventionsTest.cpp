#include "core/pipeline/LatentConventions.h"

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
    cv::Mat big = conventions::softMaskToImageSize(soft, {6, 4});
    ASSERT_EQ(big.size(), cv::Size(6, 4));
    ASSERT_EQ(big.type(), CV_32FC1);
    cv::Mat bin = conventions::binarize(big, 0.5f);
    EXPECT_EQ(bin.at<uint8_t>(0, 0), 0);
    EXPECT_EQ(bin.at<uint8_t>(0, 5), 255);
    EXPECT_EQ(bin.at<uint8_t>(3, 5), 255);
    EXPECT_EQ(bin.at<uint8_t>(3, 0), 0);
}
