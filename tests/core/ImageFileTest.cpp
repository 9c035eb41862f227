// Tests for core/io/ImageFile.

#include "core/io/AtomicFile.h"
#include "core/io/ImageFile.h"
#include "core/util/Error.h"

#include "TestSupport.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using rlfseg::test::expectError;
using rlfseg::test::readBytes;
using rlfseg::test::writeBytes;
using rlfseg::ImageLimits;

namespace {

uint32_t crc32(const std::string& bytes) {
    uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char c : bytes) {
        crc ^= c;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

std::string be32(uint32_t v) {
    return {char(v >> 24), char((v >> 16) & 0xFF), char((v >> 8) & 0xFF), char(v & 0xFF)};
}

std::string pngChunk(const std::string& type, const std::string& data) {
    return be32(uint32_t(data.size())) + type + data + be32(crc32(type + data));
}

std::string pngSignature() { return std::string("\x89PNG\r\n\x1a\n", 8); }

std::string randomBytes(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
    return s;
}

cv::Mat noise(int rows, int cols, int type, unsigned seed) {
    cv::Mat m(rows, cols, type);
    cv::theRNG().state = seed;
    cv::randu(m, 0, CV_MAT_DEPTH(type) == CV_16U ? 65536 : 256);
    return m;
}

class ImageFileTest : public ::testing::Test {
protected:
    void SetUp() override { dir_ = rlfseg::test::makeTempDir("imagefile"); }
    fs::path write(const std::string& name, const cv::Mat& m, const std::vector<int>& params = {}) {
        const fs::path p = dir_ / name;
        EXPECT_TRUE(cv::imwrite(p.string(), m, params)) << p;
        return p;
    }
    fs::path writeRaw(const std::string& name, const std::string& bytes) {
        const fs::path p = dir_ / name;
        writeBytes(p, bytes);
        return p;
    }
    fs::path dir_;
};

// A 4x3 BGR image with distinct channel values.
cv::Mat smallBgr() {
    cv::Mat m(3, 4, CV_8UC3);
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x) m.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(10 + x), uchar(100 + y), uchar(200 + x + y));
    return m;
}

// Solid blocks, so that JPEG's lossy coding keeps the colours close.
cv::Mat blocksBgr() {
    cv::Mat m(32, 48, CV_8UC3, cv::Scalar(0, 0, 255)); // red (BGR)
    m(cv::Rect(16, 0, 16, 32)).setTo(cv::Scalar(0, 255, 0));  // green
    m(cv::Rect(32, 0, 16, 32)).setTo(cv::Scalar(255, 0, 0));  // blue
    return m;
}

void expectBlocksRgb(const cv::Mat& rgb, int tolerance) {
    ASSERT_EQ(rgb.type(), CV_8UC3);
    ASSERT_EQ(rgb.size(), cv::Size(48, 32));
    const cv::Vec3b red = rgb.at<cv::Vec3b>(16, 8), green = rgb.at<cv::Vec3b>(16, 24), blue = rgb.at<cv::Vec3b>(16, 40);
    for (int c = 0; c < 3; ++c) {
        EXPECT_NEAR(red[c], c == 0 ? 255 : 0, tolerance);
        EXPECT_NEAR(green[c], c == 1 ? 255 : 0, tolerance);
        EXPECT_NEAR(blue[c], c == 2 ? 255 : 0, tolerance);
    }
}

// Inserts an EXIF APP1 segment with the given orientation right after a JPEG's SOI marker.
std::string withExifOrientation(const std::string& jpeg, int orientation) {
    std::string tiff = std::string("II*\0", 4) + std::string("\x08\x00\x00\x00", 4) + std::string("\x01\x00", 2) +
                       std::string("\x12\x01\x03\x00\x01\x00\x00\x00", 8) + char(orientation) + std::string(3, '\0') +
                       std::string(4, '\0');
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    const size_t len = payload.size() + 2;
    const std::string app1 = std::string("\xFF\xE1", 2) + char(len >> 8) + char(len & 0xFF) + payload;
    return jpeg.substr(0, 2) + app1 + jpeg.substr(2);
}

} // namespace

// ---------------------------------------------------------------------------------------------------------
// Loading

TEST_F(ImageFileTest, ColorPngIsRgbWithRFirst) {
    const cv::Mat bgr = smallBgr();
    const auto p = write("color.png", bgr);
    const cv::Mat rgb = rlfseg::loadImageRgb(p.string());
    ASSERT_EQ(rgb.type(), CV_8UC3);
    ASSERT_EQ(rgb.size(), bgr.size());
    for (int y = 0; y < rgb.rows; ++y)
        for (int x = 0; x < rgb.cols; ++x) {
            const cv::Vec3b b = bgr.at<cv::Vec3b>(y, x), r = rgb.at<cv::Vec3b>(y, x);
            EXPECT_EQ(r, cv::Vec3b(b[2], b[1], b[0])) << x << "," << y;
        }
    EXPECT_EQ(rgb.at<cv::Vec3b>(2, 3), cv::Vec3b(205, 102, 13));
}

TEST_F(ImageFileTest, GrayPngBecomesRgb) {
    cv::Mat gray(5, 7, CV_8UC1);
    for (int i = 0; i < int(gray.total()); ++i) gray.data[i] = uchar(i * 7);
    const auto p = write("gray.png", gray);
    const cv::Mat rgb = rlfseg::loadImageRgb(p.string());
    ASSERT_EQ(rgb.type(), CV_8UC3);
    ASSERT_EQ(rgb.size(), gray.size());
    for (int y = 0; y < gray.rows; ++y)
        for (int x = 0; x < gray.cols; ++x) {
            const uchar g = gray.at<uchar>(y, x);
            EXPECT_EQ(rgb.at<cv::Vec3b>(y, x), cv::Vec3b(g, g, g));
        }
}

TEST_F(ImageFileTest, RgbaPngDropsAlpha) {
    cv::Mat bgra(3, 4, CV_8UC4);
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 4; ++x) bgra.at<cv::Vec4b>(y, x) = cv::Vec4b(uchar(x), uchar(50 + y), uchar(250), uchar(x * 60));
    const auto p = write("rgba.png", bgra);
    const cv::Mat rgb = rlfseg::loadImageRgb(p.string());
    ASSERT_EQ(rgb.type(), CV_8UC3);
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 4; ++x) EXPECT_EQ(rgb.at<cv::Vec3b>(y, x), cv::Vec3b(250, uchar(50 + y), uchar(x)));
}

TEST_F(ImageFileTest, SixteenBitPngsBecomeEightBitRgb) {
    cv::Mat color(4, 6, CV_16UC3), gray(4, 6, CV_16UC1);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 6; ++x) {
            const int k = (x * 40 + y * 9) % 256;
            color.at<cv::Vec3w>(y, x) = cv::Vec3w(ushort(k * 257), ushort(128 * 257), ushort((255 - k) * 257));
            gray.at<ushort>(y, x) = ushort(k * 257);
        }
    const cv::Mat rgb = rlfseg::loadImageRgb(write("color16.png", color).string());
    const cv::Mat rgbGray = rlfseg::loadImageRgb(write("gray16.png", gray).string());
    ASSERT_EQ(rgb.type(), CV_8UC3);
    ASSERT_EQ(rgbGray.type(), CV_8UC3);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 6; ++x) {
            const int k = (x * 40 + y * 9) % 256;
            const cv::Vec3b c = rgb.at<cv::Vec3b>(y, x), g = rgbGray.at<cv::Vec3b>(y, x);
            EXPECT_NEAR(c[0], 255 - k, 1);
            EXPECT_NEAR(c[1], 128, 1);
            EXPECT_NEAR(c[2], k, 1);
            for (int ch = 0; ch < 3; ++ch) EXPECT_NEAR(g[ch], k, 1);
        }
}

TEST_F(ImageFileTest, JpegBaselineProgressiveAndGray) {
    expectBlocksRgb(rlfseg::loadImageRgb(write("blocks.jpg", blocksBgr(), {cv::IMWRITE_JPEG_QUALITY, 95}).string()), 12);
    expectBlocksRgb(rlfseg::loadImageRgb(
                        write("progressive.jpg", blocksBgr(), {cv::IMWRITE_JPEG_PROGRESSIVE, 1}).string()),
                    12);
    cv::Mat gray(16, 16, CV_8UC1, cv::Scalar(77));
    const cv::Mat rgb = rlfseg::loadImageRgb(write("gray.jpg", gray).string());
    ASSERT_EQ(rgb.type(), CV_8UC3);
    const cv::Vec3b v = rgb.at<cv::Vec3b>(8, 8);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(v[c], 77, 2);
}

TEST_F(ImageFileTest, JpegWithDataAfterEoiLoads) {
    const auto p = write("trailer.jpg", blocksBgr());
    writeBytes(p, readBytes(p) + std::string(1000, '\x42'));
    expectBlocksRgb(rlfseg::loadImageRgb(p.string()), 12);
}

TEST_F(ImageFileTest, JpegExifOrientationIsApplied) {
    cv::Mat bgr(20, 40, CV_8UC3, cv::Scalar(0, 0, 255)); // 40 wide, 20 high: left half red
    bgr(cv::Rect(20, 0, 20, 20)).setTo(cv::Scalar(255, 0, 0)); // right half blue
    std::vector<uchar> jpeg;
    ASSERT_TRUE(cv::imencode(".jpg", bgr, jpeg, {cv::IMWRITE_JPEG_QUALITY, 95}));
    const auto p = writeRaw("rotated.jpg", withExifOrientation(std::string(jpeg.begin(), jpeg.end()), 6));
    const auto header = rlfseg::readImageHeader(p.string());
    EXPECT_EQ(header.width, 40); // as stored
    EXPECT_EQ(header.height, 20);
    const cv::Mat rgb = rlfseg::loadImageRgb(p.string());
    // Orientation 6: rotate 90 degrees clockwise to display, as cv::imread does.
    ASSERT_EQ(rgb.size(), cv::Size(20, 40));
    const cv::Mat viaImread = cv::imread(p.string(), cv::IMREAD_COLOR);
    ASSERT_EQ(viaImread.size(), cv::Size(20, 40));
    cv::Mat viaImreadRgb;
    cv::cvtColor(viaImread, viaImreadRgb, cv::COLOR_BGR2RGB);
    EXPECT_EQ(cv::norm(rgb, viaImreadRgb, cv::NORM_INF), 0.0);
    EXPECT_GT(rgb.at<cv::Vec3b>(5, 10)[0], 200);  // top: the former left half, red
    EXPECT_GT(rgb.at<cv::Vec3b>(35, 10)[2], 200); // bottom: blue
}

TEST_F(ImageFileTest, BmpTiffWebpLoad) {
    const cv::Mat bgr = smallBgr();
    for (const char* name : {"small.bmp", "small.tif", "small.webp"}) {
        SCOPED_TRACE(name);
        std::vector<int> params;
        if (std::string(name).find("webp") != std::string::npos) params = {cv::IMWRITE_WEBP_QUALITY, 101}; // lossless
        const cv::Mat rgb = rlfseg::loadImageRgb(write(name, bgr, params).string());
        ASSERT_EQ(rgb.type(), CV_8UC3);
        ASSERT_EQ(rgb.size(), bgr.size());
        for (int y = 0; y < rgb.rows; ++y)
            for (int x = 0; x < rgb.cols; ++x) {
                const cv::Vec3b b = bgr.at<cv::Vec3b>(y, x);
                EXPECT_EQ(rgb.at<cv::Vec3b>(y, x), cv::Vec3b(b[2], b[1], b[0]));
            }
    }
    expectBlocksRgb(rlfseg::loadImageRgb(write("lossy.webp", blocksBgr(), {cv::IMWRITE_WEBP_QUALITY, 95}).string()), 16);
    cv::Mat gray(3, 5, CV_8UC1, cv::Scalar(9));
    EXPECT_EQ(rlfseg::loadImageRgb(write("gray.bmp", gray).string()).at<cv::Vec3b>(1, 1), cv::Vec3b(9, 9, 9));
    EXPECT_EQ(rlfseg::loadImageRgb(write("gray.tif", gray).string()).at<cv::Vec3b>(1, 1), cv::Vec3b(9, 9, 9));
}

// ---------------------------------------------------------------------------------------------------------
// Header-only sizes

TEST_F(ImageFileTest, HeaderSizesOfWrittenFiles) {
    const cv::Mat m = noise(23, 37, CV_8UC3, 1);
    const std::vector<std::pair<std::string, std::string>> files = {
        {"h.png", "PNG"}, {"h.jpg", "JPEG"}, {"h.bmp", "BMP"}, {"h.tif", "TIFF"}, {"h.webp", "WebP"}};
    for (const auto& [name, format] : files) {
        SCOPED_TRACE(name);
        const auto header = rlfseg::readImageHeader(write(name, m).string());
        EXPECT_EQ(header.width, 37);
        EXPECT_EQ(header.height, 23);
        EXPECT_EQ(header.format, format);
    }
    // Lossless WebP (VP8L), progressive JPEG, gray and 16-bit PNG.
    EXPECT_EQ(rlfseg::readImageHeader(write("l.webp", m, {cv::IMWRITE_WEBP_QUALITY, 101}).string()).width, 37);
    EXPECT_EQ(rlfseg::readImageHeader(write("p.jpg", m, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}).string()).height, 23);
    const auto g16 = rlfseg::readImageHeader(write("g16.png", noise(23, 37, CV_16UC1, 2)).string());
    EXPECT_EQ(g16.width, 37);
    EXPECT_EQ(g16.height, 23);
}

TEST_F(ImageFileTest, HeaderSizesOfCraftedFiles) {
    // VP8X (extended WebP) canvas 70000 x 3: only the header is read.
    std::string vp8x = std::string("RIFF", 4) + std::string("\x16\x00\x00\x00", 4) + "WEBP" + "VP8X" +
                       std::string("\x0a\x00\x00\x00", 4) + std::string(4, '\0') +
                       std::string("\x6f\x11\x01", 3) /* 69999 */ + std::string("\x02\x00\x00", 3);
    auto h = rlfseg::readImageHeader(writeRaw("x.webp", vp8x).string());
    EXPECT_EQ(h.width, 70000);
    EXPECT_EQ(h.height, 3);
    EXPECT_EQ(h.format, "WebP");
    // Big-endian TIFF with a LONG width and a SHORT height.
    std::string tiff = std::string("MM\0*", 4) + std::string("\x00\x00\x00\x08", 4) + std::string("\x00\x02", 2) +
                       std::string("\x01\x00\x00\x04\x00\x00\x00\x01\x00\x01\x11\x70", 12) +
                       std::string("\x01\x01\x00\x03\x00\x00\x00\x01\x00\x05\x00\x00", 12) + std::string(4, '\0');
    h = rlfseg::readImageHeader(writeRaw("mm.tif", tiff).string());
    EXPECT_EQ(h.width, 70000);
    EXPECT_EQ(h.height, 5);
    // JPEG with large APPn segments before the frame header.
    std::vector<uchar> jpeg;
    ASSERT_TRUE(cv::imencode(".jpg", noise(9, 11, CV_8UC3, 3), jpeg));
    std::string bytes(jpeg.begin(), jpeg.end());
    const std::string app = std::string("\xFF\xE2\xFF\xFF", 4) + std::string(0xFFFD, 'a');
    bytes = bytes.substr(0, 2) + app + app + std::string("\xFF\xFF\xFF", 3) /* fill */ + bytes.substr(3);
    h = rlfseg::readImageHeader(writeRaw("app.jpg", bytes).string());
    EXPECT_EQ(h.width, 11);
    EXPECT_EQ(h.height, 9);
    EXPECT_EQ(rlfseg::loadImageRgb(dir_ / "app.jpg").size(), cv::Size(11, 9));
    // Top-down BMP (negative height).
    std::string bmp = readBytes(write("td.bmp", noise(6, 4, CV_8UC3, 4)));
    const int32_t negative = -6;
    std::memcpy(&bmp[22], &negative, 4);
    h = rlfseg::readImageHeader(writeRaw("td.bmp", bmp).string());
    EXPECT_EQ(h.width, 4);
    EXPECT_EQ(h.height, 6);
}

TEST_F(ImageFileTest, HeaderErrors) {
    const std::string png = readBytes(write("ok.png", noise(8, 8, CV_8UC3, 5)));
    expectError([&] { rlfseg::readImageHeader(writeRaw("cut.png", png.substr(0, 20)).string()); }, dir_ / "cut.png",
                "truncated");
    std::vector<uchar> jpeg;
    ASSERT_TRUE(cv::imencode(".jpg", noise(8, 8, CV_8UC3, 6), jpeg));
    const std::string j(jpeg.begin(), jpeg.end());
    expectError([&] { rlfseg::readImageHeader(writeRaw("cut.jpg", j.substr(0, 30)).string()); }, dir_ / "cut.jpg",
                "truncated");
    // A JPEG segment whose length runs past the end of the file.
    expectError([&] { rlfseg::readImageHeader(writeRaw("len.jpg", std::string("\xFF\xD8\xFF\xE0\x40\x00JFIF", 10)).string()); },
                dir_ / "len.jpg", "truncated");
    expectError([&] { rlfseg::readImageHeader(writeRaw("eoi.jpg", std::string("\xFF\xD8\xFF\xD9", 4)).string()); },
                dir_ / "eoi.jpg", "JPEG");
    expectError([&] { rlfseg::readImageHeader(writeRaw("random.bin", randomBytes(1000, 7)).string()); },
                dir_ / "random.bin", "unknown");
    expectError([&] { rlfseg::readImageHeader(writeRaw("empty.png", "").string()); }, dir_ / "empty.png", "empty");
    expectError([&] { rlfseg::readImageHeader((dir_ / "missing.png").string()); }, dir_ / "missing.png", "no such file");
    expectError([&] { rlfseg::readImageHeader(dir_.string()); }, dir_, "folder");
    // PNG whose IHDR says 0 x 5.
    const std::string zero = pngSignature() + pngChunk("IHDR", be32(0) + be32(5) + std::string("\x08\x02\x00\x00\x00", 5));
    expectError([&] { rlfseg::readImageHeader(writeRaw("zero.png", zero).string()); }, dir_ / "zero.png", "0 x 5");
    expectError([&] { rlfseg::readImageHeader(writeRaw("big.tif", std::string("II+\0\x08\x00\x00\x00", 8)).string()); },
                dir_ / "big.tif", "BigTIFF");
}

// ---------------------------------------------------------------------------------------------------------
// Refusals

TEST_F(ImageFileTest, TruncatedPngIsRefused) {
    const std::string png = readBytes(write("full.png", noise(64, 64, CV_8UC3, 8)));
    ASSERT_GT(png.size(), 10000u);
    for (size_t cut : {png.size() / 2, png.size() - 12 /* no IEND */, png.size() - 1, size_t(40)}) {
        SCOPED_TRACE(cut);
        const auto p = writeRaw("cut" + std::to_string(cut) + ".png", png.substr(0, cut));
        expectError([&] { rlfseg::loadImageRgb(p.string()); }, p, "truncated");
    }
}

TEST_F(ImageFileTest, TruncatedJpegIsRefused) {
    for (bool progressive : {false, true}) {
        SCOPED_TRACE(progressive);
        const std::string jpg = readBytes(write(progressive ? "p.jpg" : "b.jpg", noise(64, 64, CV_8UC3, 9),
                                                {cv::IMWRITE_JPEG_PROGRESSIVE, progressive ? 1 : 0}));
        ASSERT_GT(jpg.size(), 3000u);
        for (size_t cut : {jpg.size() / 2, jpg.size() - 2 /* no EOI */, jpg.size() - 1, size_t(300)}) {
            SCOPED_TRACE(cut);
            const auto p = writeRaw("cut" + std::to_string(progressive) + "-" + std::to_string(cut) + ".jpg", jpg.substr(0, cut));
            expectError([&] { rlfseg::loadImageRgb(p.string()); }, p, "truncated");
        }
    }
}

TEST_F(ImageFileTest, TruncatedBmpWebpTiffAreRefused) {
    for (const char* name : {"t.bmp", "t.webp", "t.tif"}) {
        SCOPED_TRACE(name);
        const std::string bytes = readBytes(write(name, noise(64, 64, CV_8UC3, 10)));
        const auto p = writeRaw(std::string("cut-") + name, bytes.substr(0, bytes.size() * 2 / 3));
        expectError([&] { rlfseg::loadImageRgb(p.string()); }, p);
    }
}

// An uncompressed little-endian RGB TIFF with its IFD before the pixel data (OpenCV writes the IFD last).
std::string tiffIfdFirst(int w, int h) {
    auto u16 = [](uint32_t v) { return std::string{char(v & 0xFF), char((v >> 8) & 0xFF)}; };
    auto u32 = [&](uint32_t v) { return u16(v & 0xFFFF) + u16(v >> 16); };
    auto entry = [&](uint32_t tag, uint32_t type, uint32_t count, uint32_t value) {
        return u16(tag) + u16(type) + u32(count) + (type == 3 && count == 1 ? u16(value) + u16(0) : u32(value));
    };
    const uint32_t n = 9, ifd = 8, bps = ifd + 2 + 12 * n + 4, data = bps + 6, bytes = uint32_t(w * h * 3);
    std::string out = std::string("II*\0", 4) + u32(ifd) + u16(n);
    out += entry(256, 3, 1, uint32_t(w)) + entry(257, 3, 1, uint32_t(h)) + entry(258, 3, 3, bps) + entry(259, 3, 1, 1) +
           entry(262, 3, 1, 2) + entry(273, 4, 1, data) + entry(277, 3, 1, 3) + entry(278, 3, 1, uint32_t(h)) +
           entry(279, 4, 1, bytes);
    out += u32(0) + u16(8) + u16(8) + u16(8);
    for (uint32_t i = 0; i < bytes; ++i) out += char((i * 31) & 0xFF);
    return out;
}

TEST_F(ImageFileTest, TruncatedTiffWithLeadingIfdIsRefused) {
    const std::string tiff = tiffIfdFirst(64, 64);
    const auto full = writeRaw("ifd-first.tif", tiff);
    const cv::Mat rgb = rlfseg::loadImageRgb(full.string());
    ASSERT_EQ(rgb.size(), cv::Size(64, 64));
    EXPECT_EQ(rgb.at<cv::Vec3b>(0, 1), cv::Vec3b(93, 124, 155)); // bytes 3, 4, 5 of the pixel data: R first
    const auto cut = writeRaw("ifd-first-cut.tif", tiff.substr(0, tiff.size() / 2));
    expectError([&] { rlfseg::loadImageRgb(cut.string()); }, cut, "TIFF");
}

TEST_F(ImageFileTest, RandomAndCorruptBytesAreRefused) {
    for (unsigned seed = 0; seed < 20; ++seed) {
        const auto p = writeRaw("random" + std::to_string(seed) + ".png", randomBytes(50 + seed * 97, seed));
        expectError([&] { rlfseg::loadImageRgb(p.string()); }, p);
    }
    // Valid signatures followed by garbage.
    const auto png = writeRaw("sig.png", pngSignature() + randomBytes(5000, 1));
    expectError([&] { rlfseg::loadImageRgb(png.string()); }, png);
    const auto jpg = writeRaw("sig.jpg", std::string("\xFF\xD8\xFF", 3) + randomBytes(5000, 2));
    expectError([&] { rlfseg::loadImageRgb(jpg.string()); }, jpg);
    // A complete PNG structure whose compressed data is garbage.
    const std::string garbage = pngSignature() +
                                pngChunk("IHDR", be32(16) + be32(16) + std::string("\x08\x02\x00\x00\x00", 5)) +
                                pngChunk("IDAT", randomBytes(300, 3)) + pngChunk("IEND", "");
    const auto g = writeRaw("garbage.png", garbage);
    expectError([&] { rlfseg::loadImageRgb(g.string()); }, g, "decoded");
    // Flipped bytes in the middle of a JPEG's entropy-coded data still decode (JPEG has no checksum), but
    // must never crash.
    std::string j = readBytes(write("flip.jpg", noise(32, 32, CV_8UC3, 11)));
    for (size_t i = j.size() / 2; i < j.size() / 2 + 40; ++i) j[i] = char(j[i] ^ 0x5A);
    const auto flipped = writeRaw("flipped.jpg", j);
    try {
        rlfseg::loadImageRgb(flipped.string());
    } catch (const rlfseg::Error&) {
    }
    const auto empty = writeRaw("empty.jpg", "");
    expectError([&] { rlfseg::loadImageRgb(empty.string()); }, empty, "empty");
    expectError([&] { rlfseg::loadImageRgb((dir_ / "missing.jpg").string()); }, dir_ / "missing.jpg");
    expectError([&] { rlfseg::loadImageRgb(dir_.string()); }, dir_);
    // Formats OpenCV could decode but without a header check here are refused.
    const auto ppm = writeRaw("image.ppm", "P6\n2 2\n255\n" + std::string(12, '\x10'));
    expectError([&] { rlfseg::loadImageRgb(ppm.string()); }, ppm, "unsupported format");
}

TEST_F(ImageFileTest, PixelLimitIsCheckedBeforeDecoding) {
    // A PNG header claiming 100000 x 100000 pixels, followed by garbage: refused by the limit, not the decoder.
    const std::string huge = pngSignature() +
                             pngChunk("IHDR", be32(100000) + be32(100000) + std::string("\x08\x02\x00\x00\x00", 5)) +
                             randomBytes(4000, 12);
    const auto p = writeRaw("huge.png", huge);
    const auto header = rlfseg::readImageHeader(p.string());
    EXPECT_EQ(header.width, 100000);
    EXPECT_EQ(header.height, 100000);
    expectError([&] { rlfseg::loadImageRgb(p.string()); }, p, "100000 x 100000 = 10000000000 pixels");
    expectError([&] { rlfseg::loadImageRgb(p.string()); }, p, "limit of 200000000 pixels");

    // The same for a JPEG frame header claiming 65000 x 65000.
    std::string jpeg = std::string("\xFF\xD8\xFF\xC0\x00\x11\x08\xFD\xE8\xFD\xE8\x03", 12) + randomBytes(100, 13);
    const auto j = writeRaw("huge.jpg", jpeg);
    expectError([&] { rlfseg::loadImageRgb(j.string()); }, j, "65000 x 65000");

    // A valid small image over a small limit; under the limit it loads.
    const auto small = write("small.png", noise(40, 50, CV_8UC3, 14));
    ImageLimits limits;
    limits.maxPixels = 1999;
    expectError([&] { rlfseg::loadImageRgb(small.string(), limits); }, small, "50 x 40 = 2000 pixels");
    limits.maxPixels = 2000;
    EXPECT_EQ(rlfseg::loadImageRgb(small.string(), limits).size(), cv::Size(50, 40));

    // OpenCV's own ceiling is set (by ImageFile.cpp at startup, unless the environment set it).
    EXPECT_NE(std::getenv("OPENCV_IO_MAX_IMAGE_PIXELS"), nullptr);
}

// ---------------------------------------------------------------------------------------------------------
// Saving masks

TEST_F(ImageFileTest, SaveMaskPngRoundTrip8And16Bit) {
    const cv::Mat m8 = noise(31, 17, CV_8UC1, 15);
    const cv::Mat m16 = noise(13, 29, CV_16UC1, 16);
    const fs::path p8 = dir_ / "mask8.png", p16 = dir_ / "mask16.png";
    rlfseg::saveMaskPng(p8.string(), m8);
    rlfseg::saveMaskPng(p16.string(), m16);

    const cv::Mat r8 = cv::imread(p8.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(r8.type(), CV_8UC1);
    EXPECT_EQ(cv::norm(r8, m8, cv::NORM_INF), 0.0);
    const cv::Mat r16 = cv::imread(p16.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(r16.type(), CV_16UC1);
    EXPECT_EQ(cv::norm(r16, m16, cv::NORM_INF), 0.0);

    const auto h = rlfseg::readImageHeader(p16.string());
    EXPECT_EQ(h.width, 29);
    EXPECT_EQ(h.height, 13);
    EXPECT_EQ(h.format, "PNG");
    const std::string bytes = readBytes(p16);
    EXPECT_EQ(uint8_t(bytes[24]), 16); // IHDR bit depth
    EXPECT_EQ(uint8_t(bytes[25]), 0);  // colour type: grayscale
    EXPECT_EQ(uint8_t(readBytes(p8)[24]), 8);
    EXPECT_EQ(uint8_t(readBytes(p8)[25]), 0);

    // Overwrite with a non-continuous region of a larger mask; loads back as gray RGB.
    const cv::Mat big = noise(40, 40, CV_8UC1, 17);
    const cv::Mat roi = big(cv::Rect(3, 5, 10, 7));
    ASSERT_FALSE(roi.isContinuous());
    rlfseg::saveMaskPng(p8.string(), roi);
    const cv::Mat back = cv::imread(p8.string(), cv::IMREAD_UNCHANGED);
    EXPECT_EQ(cv::norm(back, roi, cv::NORM_INF), 0.0);
    const cv::Mat rgb = rlfseg::loadImageRgb(p8.string());
    EXPECT_EQ(rgb.at<cv::Vec3b>(2, 4), cv::Vec3b(roi.at<uchar>(2, 4), roi.at<uchar>(2, 4), roi.at<uchar>(2, 4)));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 2); // no temporary files
}

TEST_F(ImageFileTest, SaveMaskPngRefusesBadInput) {
    const fs::path p = dir_ / "bad-mask.png";
    expectError([&] { rlfseg::saveMaskPng(p.string(), cv::Mat()); }, p, "empty");
    expectError([&] { rlfseg::saveMaskPng(p.string(), cv::Mat(4, 4, CV_8UC3, cv::Scalar::all(1))); }, p, "CV_8UC3");
    expectError([&] { rlfseg::saveMaskPng(p.string(), cv::Mat(4, 4, CV_32FC1, cv::Scalar::all(1))); }, p, "CV_32FC1");
    EXPECT_FALSE(fs::exists(p));
    const fs::path missing = dir_ / "no-folder" / "mask.png";
    expectError([&] { rlfseg::saveMaskPng(missing.string(), cv::Mat(4, 4, CV_8UC1, cv::Scalar::all(1))); }, missing);
}
