// Tests for core/coco/Rle: COCO run-length encoding as pycocotools computes it.

#include "core/coco/Rle.h"
#include "core/util/Error.h"
#include "core/util/MaskBox.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace rlfseg::coco;

namespace {

cv::Mat maskFromRows(const std::vector<std::string>& rows) {
    cv::Mat m(int(rows.size()), int(rows[0].size()), CV_8UC1);
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x) m.at<uchar>(y, x) = rows[size_t(y)][size_t(x)] == '1' ? 1 : 0;
    return m;
}

bool sameMask(const cv::Mat& a, const cv::Mat& b) {
    if (a.size() != b.size() || a.type() != b.type()) return false;
    return a.empty() || cv::countNonZero(a != b) == 0;
}

void expectError(const std::function<void()>& fn, const std::string& needle) {
    try {
        fn();
        ADD_FAILURE() << "no rlfseg::Error (expected one mentioning '" << needle << "')";
    } catch (const rlfseg::Error& e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "wrong exception type: " << e.what();
    }
}

Rle makeRle(int h, int w, std::vector<uint32_t> counts) {
    Rle r;
    r.height = h;
    r.width = w;
    r.counts = std::move(counts);
    return r;
}

} // namespace

// 3 x 4 mask       column-major walk (down each column, left to right):
//   0 1 1 0        col 0: 0 0 1, col 1: 1 1 1, col 2: 1 0 0, col 3: 0 0 1
//   0 1 0 0        = 0 0 | 1 1 1 1 1 | 0 0 0 0 | 1  -> counts {2, 5, 4, 1}
//   1 1 0 1
// Compressed: 2 -> '2' (48 + 2), 5 -> '5', 4 -> '4'; index 3 stores 1 - counts[1] = -4: the
// 5-bit group is -4 & 31 = 28, the shift leaves -1 and bit 4 (sign) is set, so no more groups:
// 48 + 28 = 'L'. String "254L".
TEST(Rle, KnownThreeByFourMask) {
    const cv::Mat m = maskFromRows({"0110", "0100", "1101"});
    const Rle r = encode(m);
    EXPECT_EQ(r.height, 3);
    EXPECT_EQ(r.width, 4);
    EXPECT_EQ(r.counts, (std::vector<uint32_t>{2, 5, 4, 1}));
    EXPECT_EQ(toCompressedString(r), "254L");
    EXPECT_EQ(fromCompressedString("254L", 3, 4).counts, r.counts);
    EXPECT_EQ(area(r), 6u);
    EXPECT_EQ(boundingBox(r), (std::array<double, 4>{0, 0, 4, 3}));
    EXPECT_TRUE(sameMask(decode(r), m));
}

// All zeros 4 x 5: {20}. 20 = 0b10100 has bit 4 set, which would read as a sign, so a second
// group follows: (20 | 32) + 48 = 'd', then 0 -> '0': "d0". All ones: {0, 20} -> "0d0".
TEST(Rle, AllZerosAndAllOnes) {
    const cv::Mat zeros = cv::Mat::zeros(4, 5, CV_8UC1);
    const Rle z = encode(zeros);
    EXPECT_EQ(z.counts, (std::vector<uint32_t>{20}));
    EXPECT_EQ(toCompressedString(z), "d0");
    EXPECT_EQ(area(z), 0u);
    EXPECT_EQ(boundingBox(z), (std::array<double, 4>{0, 0, 0, 0}));
    EXPECT_TRUE(sameMask(decode(z), zeros));

    const cv::Mat ones(4, 5, CV_8UC1, cv::Scalar(1));
    const Rle o = encode(ones);
    EXPECT_EQ(o.counts, (std::vector<uint32_t>{0, 20}));
    EXPECT_EQ(toCompressedString(o), "0d0");
    EXPECT_EQ(area(o), 20u);
    EXPECT_EQ(boundingBox(o), (std::array<double, 4>{0, 0, 5, 4}));
    EXPECT_TRUE(sameMask(decode(fromCompressedString("0d0", 4, 5)), ones));
}

// A square ring with a one-pixel hole at (2, 2) in a 5 x 5 mask:
//   col 0 empty, col 1 = 0 1 1 1 0, col 2 = 0 1 0 1 0, col 3 = 0 1 1 1 0, col 4 empty
//   runs: 6 (col 0 + top of col 1), 3, 2, 1, 1 (the hole), 1, 2, 3, 6
// Compressed: '6' '3' '2', then deltas from two back: 1-3 = -2 -> 'N' (48 + 30), 1-2 = -1 -> 'O',
// 1-1 = 0 -> '0', 2-1 = 1 -> '1', 3-1 = 2 -> '2', 6-2 = 4 -> '4': "632NO0124".
TEST(Rle, HolesSurvive) {
    const cv::Mat m = maskFromRows({"00000", "01110", "01010", "01110", "00000"});
    const Rle r = encode(m);
    EXPECT_EQ(r.counts, (std::vector<uint32_t>{6, 3, 2, 1, 1, 1, 2, 3, 6}));
    EXPECT_EQ(toCompressedString(r), "632NO0124");
    EXPECT_EQ(area(r), 8u);
    EXPECT_EQ(boundingBox(r), (std::array<double, 4>{1, 1, 3, 3}));
    const cv::Mat back = decode(fromCompressedString("632NO0124", 5, 5));
    EXPECT_EQ(back.at<uchar>(2, 2), 0);
    EXPECT_TRUE(sameMask(back, m));
}

// Multi-group numbers, 10 x 10 with counts {35, 40, 25}:
//   35 = 1 * 32 + 3: group 3 with "more" (3 | 32) -> 'S', then 1 -> '1'
//   40 = 1 * 32 + 8: (8 | 32) + 48 -> 'X', then '1'
//   25 = 0b11001 (index 2, no delta): bit 4 set, so (25 | 32) + 48 -> 'i', then '0'
// And large counts (checked against pycocotools' C code): {100000, 5, 4000000000, 1} -> "PeQ35PPZfVg3L".
TEST(Rle, MultiGroupNumbers) {
    const Rle r = makeRle(10, 10, {35, 40, 25});
    EXPECT_EQ(toCompressedString(r), "S1X1i0");
    EXPECT_EQ(fromCompressedString("S1X1i0", 10, 10).counts, r.counts);
    const cv::Mat m = decode(r);
    EXPECT_EQ(cv::countNonZero(m), 40);
    EXPECT_EQ(m.at<uchar>(5, 3), 1); // index 35 = column 3, row 5
    EXPECT_EQ(m.at<uchar>(4, 3), 0);
    EXPECT_EQ(boundingBox(r), (std::array<double, 4>{3, 0, 5, 10}));

    const Rle big = makeRle(2, 2000050003, {100000, 5, 4000000000u, 1});
    EXPECT_EQ(toCompressedString(big), "PeQ35PPZfVg3L");
    EXPECT_EQ(fromCompressedString("PeQ35PPZfVg3L", 2, 2000050003).counts, big.counts);
    EXPECT_EQ(area(big), 6u);
}

TEST(Rle, NonzeroIsForegroundAndRoisWork) {
    cv::Mat big(20, 30, CV_8UC1, cv::Scalar(0));
    cv::circle(big, {15, 10}, 6, cv::Scalar(255), -1);
    const cv::Mat roi = big(cv::Rect(3, 2, 21, 15)); // not continuous
    const Rle r = encode(roi);
    const cv::Mat expected = (roi != 0) / 255;
    EXPECT_TRUE(sameMask(decode(r), expected));
    EXPECT_EQ(area(r), uint64_t(cv::countNonZero(roi)));
}

TEST(Rle, EmptySizes) {
    const Rle r = encode(cv::Mat(0, 5, CV_8UC1));
    EXPECT_EQ(r.height, 0);
    EXPECT_EQ(r.width, 5);
    EXPECT_EQ(r.counts, (std::vector<uint32_t>{0}));
    EXPECT_EQ(toCompressedString(r), "0");
    const cv::Mat m = decode(fromCompressedString("", 0, 5));
    EXPECT_EQ(m.rows, 0);
    EXPECT_EQ(m.cols, 5);
    EXPECT_EQ(boundingBox(r), (std::array<double, 4>{0, 0, 0, 0}));
}

TEST(Rle, RandomRoundTrips) {
    std::mt19937 rng(1234);
    for (int it = 0; it < 300; ++it) {
        const int h = 1 + int(rng() % 90), w = 1 + int(rng() % 90);
        cv::Mat m = cv::Mat::zeros(h, w, CV_8UC1);
        switch (it % 4) {
        case 0: // salt and pepper
            for (int i = 0; i < h * w / 2; ++i) m.at<uchar>(int(rng() % h), int(rng() % w)) = uchar(1 + rng() % 255);
            break;
        case 1: // blobs, with holes cut in them
            for (int k = 0; k < 4; ++k) cv::circle(m, {int(rng() % w), int(rng() % h)}, int(rng() % 30), 1, -1);
            for (int k = 0; k < 3; ++k) cv::circle(m, {int(rng() % w), int(rng() % h)}, int(rng() % 6), 0, -1);
            break;
        case 2: // stripes crossing column boundaries
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) m.at<uchar>(y, x) = ((x * h + y) / (1 + it % 7)) % 2;
            break;
        default:
            if (it % 8 == 3) m.setTo(1);
        }
        const cv::Mat binary = (m != 0) / 255;
        const Rle r = encode(m);
        ASSERT_NO_THROW(validate(r));
        EXPECT_TRUE(sameMask(decode(r), binary)) << "iteration " << it;
        const std::string s = toCompressedString(r);
        for (char c : s) ASSERT_TRUE(c >= '0' && c <= 'o') << s;
        EXPECT_EQ(fromCompressedString(s, h, w).counts, r.counts) << "iteration " << it;
        EXPECT_EQ(area(r), uint64_t(cv::countNonZero(binary)));
        const cv::Rect box = rlfseg::maskBox(binary);
        const auto bb = boundingBox(r);
        EXPECT_EQ(bb, (std::array<double, 4>{double(box.x), double(box.y), double(box.width), double(box.height)}))
            << "iteration " << it;
        // The JSON form round-trips too.
        EXPECT_EQ(fromCocoJson(toCocoJson(r)).counts, r.counts);
    }
}

TEST(Rle, LargeMaskRoundTrip) {
    cv::Mat m = cv::Mat::zeros(1024, 1024, CV_8UC1);
    std::mt19937 rng(5);
    for (int k = 0; k < 30; ++k)
        cv::circle(m, {int(rng() % 1024), int(rng() % 1024)}, 10 + int(rng() % 200), k % 3 ? 255 : 0, -1);
    const Rle r = encode(m);
    EXPECT_TRUE(sameMask(decode(fromCompressedString(toCompressedString(r), 1024, 1024)), (m != 0) / 255));
}

TEST(Rle, MalformedInputThrows) {
    // Counts that do not sum to h * w.
    expectError([] { decode(makeRle(3, 4, {2, 5, 4})); }, "counts sum to 11");
    expectError([] { toCompressedString(makeRle(3, 4, {2, 5, 4, 2})); }, "12 pixels");
    expectError([] { fromCompressedString("254L", 3, 5); }, "counts sum");
    expectError([] { fromCompressedString("", 2, 2); }, "counts sum to 0");
    // Negative sizes.
    expectError([] { decode(makeRle(-1, 4, {})); }, "negative size");
    expectError([] { fromCompressedString("0", 3, -2); }, "negative size");
    // Characters outside '0'..'o'.
    expectError([] { fromCompressedString("25 L", 3, 4); }, "invalid character");
    expectError([] { fromCompressedString("254p", 3, 4); }, "invalid character");
    expectError([] { fromCompressedString("/54L", 3, 4); }, "invalid character");
    // A string that ends inside a number ('S' has the "more" bit).
    expectError([] { fromCompressedString("S", 10, 10); }, "end inside a number");
    expectError([] { fromCompressedString("S1X", 10, 10); }, "end inside a number");
    // Too many groups for one number.
    expectError([] { fromCompressedString("PPPPPPPP0", 10, 10); }, "too long");
    // A delta that makes a count negative: {1, 1, 1, 1 - 2 = -1}.
    expectError([] { fromCompressedString("111N", 2, 2); }, "outside 0..");
    // Wrong mask type.
    expectError([] { encode(cv::Mat::zeros(3, 3, CV_8UC3)); }, "CV_8UC1");
    // JSON forms.
    expectError([] { fromCocoJson(nlohmann::json::parse(R"({"size": [3], "counts": "254L"})")); }, "size");
    expectError([] { fromCocoJson(nlohmann::json::parse(R"({"size": [3, 4]})")); }, "missing");
    expectError([] { fromCocoJson(nlohmann::json::parse(R"({"size": [3, 4], "counts": [2, -5, 4, 1]})")); }, "not a count");
    expectError([] { fromCocoJson(nlohmann::json::parse(R"({"size": [3, 4], "counts": [2, 5, 4]})"), "ann 7"); },
                "ann 7");
    EXPECT_EQ(fromCocoJson(nlohmann::json::parse(R"({"size": [3, 4], "counts": [2, 5, 4, 1]})")).counts,
              (std::vector<uint32_t>{2, 5, 4, 1}));
}
