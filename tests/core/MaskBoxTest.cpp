// Tests for core/util/MaskBox: the tight box around a mask, right where OpenCV 4.6's
// cv::boundingRect is not (opencv/opencv#24217).

#include "core/util/Error.h"
#include "core/util/MaskBox.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <vector>

using rlfseg::maskBox;

namespace {

// The oracle: every nonzero pixel's position, boxed by OpenCV's point-set path (not its mask path).
cv::Rect boxOfPoints(const cv::Mat& mask) {
    std::vector<cv::Point> points;
    cv::findNonZero(mask != 0, points);
    return points.empty() ? cv::Rect() : cv::boundingRect(points);
}

} // namespace

TEST(MaskBox, RowsThatOpenCvBoxesTooNarrow) {
    // opencv#24217: the last row starts with three set pixels; OpenCV 4.6 gives a width of 1 for
    // 31 of these sizes (3 x 4, 5 x 2, ...).
    for (int w = 3; w < 20; ++w)
        for (int h = 1; h < 15; ++h) {
            cv::Mat m = cv::Mat::zeros(h, w, CV_8UC1);
            m.row(h - 1).colRange(0, 3).setTo(255);
            EXPECT_EQ(maskBox(m), cv::Rect(0, h - 1, 3, 1)) << w << " x " << h;
        }
    // What the fuzzer found: a 2 x 2 mask whose bottom row is set.
    const cv::Mat bottom = (cv::Mat_<uchar>(2, 2) << 0, 0, 1, 1);
    EXPECT_EQ(maskBox(bottom), cv::Rect(0, 1, 2, 1));
}

TEST(MaskBox, AgreesWithEveryPixelOnRandomMasksOfSeveralDepths) {
    cv::RNG rng(11);
    for (int it = 0; it < 3000; ++it) {
        const int w = rng.uniform(1, 70), h = rng.uniform(1, 70);
        cv::Mat m = cv::Mat::zeros(h, w, CV_8UC1);
        const int pixels = rng.uniform(0, 5);
        for (int k = 0; k < pixels; ++k) m.at<uchar>(rng.uniform(0, h), rng.uniform(0, w)) = uchar(rng.uniform(1, 256));
        if (it % 3 == 0) // a filled blob too
            cv::circle(m, {rng.uniform(0, w), rng.uniform(0, h)}, rng.uniform(0, 10), 1, cv::FILLED);
        const cv::Rect expected = boxOfPoints(m);
        ASSERT_EQ(maskBox(m), expected) << "iteration " << it << ", " << w << " x " << h;
        // Float, signed and 16-bit masks: nonzero is set, negative values included.
        cv::Mat f;
        m.convertTo(f, CV_32F, -1.0);
        ASSERT_EQ(maskBox(f), expected) << "float, iteration " << it;
        cv::Mat s;
        m.convertTo(s, CV_8S, -0.5);
        ASSERT_EQ(maskBox(s), boxOfPoints(s)) << "int8, iteration " << it;
        cv::Mat u16;
        m.convertTo(u16, CV_16U, 256.0);
        ASSERT_EQ(maskBox(u16), expected) << "uint16, iteration " << it;
    }
}

TEST(MaskBox, EmptyMasksViewsAndChannels) {
    EXPECT_EQ(maskBox(cv::Mat()), cv::Rect());
    EXPECT_EQ(maskBox(cv::Mat::zeros(7, 9, CV_8UC1)), cv::Rect());
    EXPECT_EQ(maskBox(cv::Mat::zeros(0, 9, CV_8UC1)), cv::Rect());
    // A view into a larger mask (not continuous): coordinates are the view's.
    cv::Mat big = cv::Mat::zeros(40, 50, CV_8UC1);
    big.at<uchar>(12, 30) = 1;
    big.at<uchar>(20, 21) = 1;
    EXPECT_EQ(maskBox(big(cv::Rect(10, 10, 30, 20))), cv::Rect(11, 2, 10, 9));
    EXPECT_THROW(maskBox(cv::Mat::zeros(4, 4, CV_8UC3)), rlfseg::Error);
}
