#include "core/io/ImageFile.h"

#include "core/io/AtomicFile.h"
#include "core/util/Error.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

namespace rlfseg {
namespace {

std::string quoted(const std::string& path) { return "'" + path + "'"; }

// OpenCV reads OPENCV_IO_MAX_IMAGE_PIXELS once, on its first decode. Set it at program start (before any
// thread runs) to the default limit, unless the environment already says something.
struct OpenCvPixelCeiling {
    OpenCvPixelCeiling() {
        const std::string value = std::to_string(ImageLimits{}.maxPixels);
#ifdef _WIN32
        if (std::getenv("OPENCV_IO_MAX_IMAGE_PIXELS") == nullptr) _putenv_s("OPENCV_IO_MAX_IMAGE_PIXELS", value.c_str());
#else
        ::setenv("OPENCV_IO_MAX_IMAGE_PIXELS", value.c_str(), /*overwrite=*/0);
#endif
    }
};
const OpenCvPixelCeiling openCvPixelCeiling;

// Random access to the file's bytes, either in memory or through a stream (for header-only reads).
class ByteSource {
public:
    virtual ~ByteSource() = default;
    virtual uint64_t size() const = 0;
    // Copies n bytes at off; false if they are not all inside the file.
    virtual bool read(uint64_t off, void* dst, size_t n) const = 0;
};

class MemorySource : public ByteSource {
public:
    MemorySource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    uint64_t size() const override { return size_; }
    bool read(uint64_t off, void* dst, size_t n) const override {
        if (off > size_ || n > size_ - off) return false;
        if (n) std::memcpy(dst, data_ + off, n);
        return true;
    }

private:
    const uint8_t* data_;
    size_t size_;
};

class FileSource : public ByteSource {
public:
    explicit FileSource(const std::string& path) : in_(path, std::ios::binary) {
        if (!in_) return;
        in_.seekg(0, std::ios::end);
        const auto end = in_.tellg();
        if (end < 0) return;
        size_ = static_cast<uint64_t>(end);
        ok_ = true;
    }
    bool ok() const { return ok_; }
    uint64_t size() const override { return size_; }
    bool read(uint64_t off, void* dst, size_t n) const override {
        if (off > size_ || n > size_ - off) return false;
        in_.clear();
        in_.seekg(static_cast<std::streamoff>(off));
        in_.read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
        return static_cast<size_t>(in_.gcount()) == n;
    }

private:
    mutable std::ifstream in_;
    uint64_t size_ = 0;
    bool ok_ = false;
};

// Bounds-checked little/big-endian reads that throw "truncated" naming the file and format.
class Reader {
public:
    Reader(const ByteSource& src, const std::string& path, const char* format) : src_(src), path_(path), format_(format) {}

    [[noreturn]] void truncated() const {
        throw Error("Image file " + quoted(path_) + " is truncated (the " + format_ + " header ends early)");
    }
    [[noreturn]] void corrupt(const std::string& why) const {
        throw Error("Image file " + quoted(path_) + " is not a valid " + format_ + " file: " + why);
    }

    void bytes(uint64_t off, void* dst, size_t n) const {
        if (!src_.read(off, dst, n)) truncated();
    }
    uint8_t u8(uint64_t off) const {
        uint8_t b;
        bytes(off, &b, 1);
        return b;
    }
    uint32_t be(uint64_t off, int n) const {
        uint8_t b[4];
        bytes(off, b, static_cast<size_t>(n));
        uint32_t v = 0;
        for (int i = 0; i < n; ++i) v = (v << 8) | b[i];
        return v;
    }
    uint32_t le(uint64_t off, int n) const {
        uint8_t b[4];
        bytes(off, b, static_cast<size_t>(n));
        uint32_t v = 0;
        for (int i = n - 1; i >= 0; --i) v = (v << 8) | b[i];
        return v;
    }
    bool matches(uint64_t off, const char* text, size_t n) const {
        char b[16];
        if (n > sizeof(b) || !src_.read(off, b, n)) return false;
        return std::memcmp(b, text, n) == 0;
    }
    uint64_t size() const { return src_.size(); }
    const std::string& path() const { return path_; }

private:
    const ByteSource& src_;
    const std::string& path_;
    const char* format_;
};

ImageHeader makeHeader(const Reader& r, uint64_t w, uint64_t h, const char* format) {
    if (w == 0 || h == 0) r.corrupt("the image size is " + std::to_string(w) + " x " + std::to_string(h));
    if (w > static_cast<uint64_t>(INT_MAX) || h > static_cast<uint64_t>(INT_MAX))
        r.corrupt("the image size " + std::to_string(w) + " x " + std::to_string(h) + " is out of range");
    ImageHeader out;
    out.width = static_cast<int>(w);
    out.height = static_cast<int>(h);
    out.format = format;
    return out;
}

const uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

bool isSofMarker(uint8_t m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }
bool isStandaloneMarker(uint8_t m) { return m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7); }

ImageHeader parsePng(const Reader& r) {
    const uint32_t len = r.be(8, 4);
    if (!r.matches(12, "IHDR", 4) || len != 13) r.corrupt("the first chunk is not IHDR");
    return makeHeader(r, r.be(16, 4), r.be(20, 4), "PNG");
}

ImageHeader parseJpeg(const Reader& r) {
    uint64_t pos = 2;
    for (;;) {
        if (r.u8(pos) != 0xFF) r.corrupt("expected a marker at byte " + std::to_string(pos));
        while (r.u8(pos) == 0xFF) ++pos; // fill bytes
        const uint8_t m = r.u8(pos++);
        if (isStandaloneMarker(m)) continue;
        if (m == 0xD9) r.corrupt("the image ends before a frame header (SOF)");
        if (m == 0xDA) r.corrupt("a scan starts before the frame header (SOF)");
        const uint32_t len = r.be(pos, 2);
        if (len < 2) r.corrupt("a segment length is " + std::to_string(len));
        if (isSofMarker(m)) {
            if (len < 8) r.corrupt("the frame header (SOF) is too short");
            const uint32_t h = r.be(pos + 3, 2);
            const uint32_t w = r.be(pos + 5, 2);
            if (h == 0) r.corrupt("the height is 0 (DNL-defined heights are not supported)");
            return makeHeader(r, w, h, "JPEG");
        }
        pos += len;
        if (pos >= r.size()) r.truncated();
    }
}

ImageHeader parseBmp(const Reader& r) {
    const uint32_t dib = r.le(14, 4);
    if (dib == 12) return makeHeader(r, r.le(18, 2), r.le(20, 2), "BMP");
    if (dib < 16) r.corrupt("unknown info header size " + std::to_string(dib));
    const int32_t w = static_cast<int32_t>(r.le(18, 4));
    const int32_t h = static_cast<int32_t>(r.le(22, 4));
    if (w <= 0 || h == 0 || h == std::numeric_limits<int32_t>::min())
        r.corrupt("the image size is " + std::to_string(w) + " x " + std::to_string(h));
    return makeHeader(r, static_cast<uint64_t>(w), static_cast<uint64_t>(h < 0 ? -static_cast<int64_t>(h) : h), "BMP");
}

ImageHeader parseTiff(const Reader& r) {
    const bool little = r.matches(0, "II", 2);
    auto get = [&](uint64_t off, int n) { return little ? r.le(off, n) : r.be(off, n); };
    if (get(2, 2) == 43) r.corrupt("BigTIFF is not supported");
    const uint64_t ifd = get(4, 4);
    const uint32_t count = get(ifd, 2);
    uint64_t w = 0, h = 0;
    for (uint32_t i = 0; i < count && (w == 0 || h == 0); ++i) {
        const uint64_t e = ifd + 2 + 12ull * i;
        const uint32_t tag = get(e, 2);
        if (tag != 256 && tag != 257) continue;
        const uint32_t type = get(e + 2, 2);
        uint64_t v = 0;
        if (type == 3) v = get(e + 8, 2);      // SHORT
        else if (type == 4) v = get(e + 8, 4); // LONG
        else r.corrupt("the image size has an unexpected type " + std::to_string(type));
        (tag == 256 ? w : h) = v;
    }
    if (w == 0 || h == 0) r.corrupt("the first image has no width or height");
    return makeHeader(r, w, h, "TIFF");
}

ImageHeader parseWebp(const Reader& r) {
    if (r.matches(12, "VP8 ", 4)) {
        if (r.u8(23) != 0x9D || r.u8(24) != 0x01 || r.u8(25) != 0x2A) r.corrupt("bad VP8 start code");
        return makeHeader(r, r.le(26, 2) & 0x3FFF, r.le(28, 2) & 0x3FFF, "WebP");
    }
    if (r.matches(12, "VP8L", 4)) {
        if (r.u8(20) != 0x2F) r.corrupt("bad VP8L signature");
        const uint32_t bits = r.le(21, 4);
        return makeHeader(r, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "WebP");
    }
    if (r.matches(12, "VP8X", 4)) return makeHeader(r, r.le(24, 3) + 1ull, r.le(27, 3) + 1ull, "WebP");
    r.u8(15); // "truncated" rather than "unknown chunk" for a file that ends here
    r.corrupt("unknown first chunk");
}

ImageHeader parseHeader(const ByteSource& src, const std::string& path) {
    if (src.size() == 0) throw Error("Image file " + quoted(path) + " is empty");
    const Reader any(src, path, "image");
    if (any.matches(0, reinterpret_cast<const char*>(kPngSignature), 8)) return parsePng(Reader(src, path, "PNG"));
    if (any.matches(0, "\xFF\xD8\xFF", 3)) return parseJpeg(Reader(src, path, "JPEG"));
    if (any.matches(0, "BM", 2)) return parseBmp(Reader(src, path, "BMP"));
    if (any.matches(0, "II*\0", 4) || any.matches(0, "MM\0*", 4) || any.matches(0, "II+\0", 4) ||
        any.matches(0, "MM\0+", 4))
        return parseTiff(Reader(src, path, "TIFF"));
    if (any.matches(0, "RIFF", 4) && any.matches(8, "WEBP", 4)) return parseWebp(Reader(src, path, "WebP"));
    throw Error("Image file " + quoted(path) +
                " has an unknown or unsupported format (supported: PNG, JPEG, BMP, TIFF, WebP)");
}

// --- completeness checks on the bytes that will be decoded ------------------------------------------------

void checkPngComplete(const Reader& r) {
    uint64_t pos = 8;
    for (;;) {
        if (pos + 8 > r.size())
            throw Error("Image file " + quoted(r.path()) + " is truncated (the PNG data ends before its IEND chunk)");
        const uint32_t len = r.be(pos, 4);
        if (len > 0x7FFFFFFFu) r.corrupt("a chunk length is out of range");
        const bool iend = r.matches(pos + 4, "IEND", 4);
        pos += 12ull + len;
        if (pos > r.size())
            throw Error("Image file " + quoted(r.path()) + " is truncated (the PNG data ends inside a chunk)");
        if (iend) return;
    }
}

void checkJpegComplete(const uint8_t* d, size_t n, const Reader& r) {
    auto truncated = [&] {
        throw Error("Image file " + quoted(r.path()) + " is truncated (the JPEG data ends without an EOI marker)");
    };
    size_t pos = 2;
    for (;;) {
        if (pos >= n) truncated();
        if (d[pos] != 0xFF) r.corrupt("expected a marker at byte " + std::to_string(pos));
        while (pos < n && d[pos] == 0xFF) ++pos;
        if (pos >= n) truncated();
        const uint8_t m = d[pos++];
        if (m == 0xD9) return;
        if (isStandaloneMarker(m)) continue;
        if (pos + 2 > n) truncated();
        const size_t len = (size_t(d[pos]) << 8) | d[pos + 1];
        if (len < 2) r.corrupt("a segment length is " + std::to_string(len));
        pos += len;
        if (pos > n) truncated();
        if (m != 0xDA) continue;
        // Entropy-coded data: runs until a marker other than a stuffed 0xFF00 or a restart marker RSTn.
        for (;;) {
            const void* ff = pos < n ? std::memchr(d + pos, 0xFF, n - pos) : nullptr;
            if (!ff) truncated();
            pos = static_cast<size_t>(static_cast<const uint8_t*>(ff) - d);
            if (pos + 1 >= n) truncated();
            const uint8_t next = d[pos + 1];
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                pos += 2;
                continue;
            }
            if (next == 0xFF) { // fill byte before a marker
                ++pos;
                continue;
            }
            break; // a marker: back to segment parsing
        }
    }
}

void checkBmpComplete(const Reader& r, const ImageHeader& h) {
    const uint32_t dib = r.le(14, 4);
    const uint64_t pixelsAt = r.le(10, 4);
    uint32_t bpp = 0, compression = 0;
    if (dib == 12) {
        bpp = r.le(24, 2);
    } else {
        bpp = r.le(28, 2);
        compression = dib >= 20 ? r.le(30, 4) : 0;
    }
    if (compression != 0 && compression != 3 && compression != 6) return; // RLE etc.: the decoder checks
    if (bpp == 0 || bpp > 32) r.corrupt("unsupported bit depth " + std::to_string(bpp));
    const uint64_t rowBits = uint64_t(h.width) * bpp;
    const uint64_t stride = (rowBits + 31) / 32 * 4;
    const uint64_t needed = pixelsAt + stride * (uint64_t(h.height) - 1) + (rowBits + 7) / 8;
    if (needed > r.size())
        throw Error("Image file " + quoted(r.path()) + " is truncated (the BMP pixel data needs " +
                    std::to_string(needed) + " bytes, the file has " + std::to_string(r.size()) + ")");
}

void checkWebpComplete(const Reader& r) {
    const uint64_t riffSize = r.le(4, 4);
    if (riffSize + 8 > r.size())
        throw Error("Image file " + quoted(r.path()) + " is truncated (the WebP data needs " +
                    std::to_string(riffSize + 8) + " bytes, the file has " + std::to_string(r.size()) + ")");
}

void checkLimit(const std::string& path, const ImageHeader& h, const ImageLimits& limits) {
    const int64_t pixels = int64_t(h.width) * int64_t(h.height);
    if (pixels > limits.maxPixels)
        throw Error("Image file " + quoted(path) + " is " + std::to_string(h.width) + " x " + std::to_string(h.height) +
                    " = " + std::to_string(pixels) + " pixels, more than the limit of " +
                    std::to_string(limits.maxPixels) + " pixels");
}

} // namespace

ImageHeader readImageHeader(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) throw Error("Cannot read image file " + quoted(path) + ": no such file");
    if (std::filesystem::is_directory(status)) throw Error("Cannot read image file " + quoted(path) + ": it is a folder");
    FileSource src(path);
    if (!src.ok()) throw Error("Cannot read image file " + quoted(path) + ": cannot open it");
    return parseHeader(src, path);
}

namespace {
cv::Mat decodeChecked(const std::string& path, const ImageLimits& limits, int flags);
}

cv::Mat loadImageRgb(const std::string& path, const ImageLimits& limits) {
    const cv::Mat decoded = decodeChecked(path, limits, cv::IMREAD_COLOR); // applies the EXIF orientation
    if (decoded.type() != CV_8UC3)
        throw Error("Image file " + quoted(path) + " decoded to an unexpected pixel type " +
                    cv::typeToString(decoded.type()));
    cv::Mat rgb;
    cv::cvtColor(decoded, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

cv::Mat loadMask(const std::string& path, const ImageLimits& limits) {
    cv::Mat decoded = decodeChecked(path, limits, cv::IMREAD_UNCHANGED);
    if (decoded.channels() == 4) cv::cvtColor(decoded, decoded, cv::COLOR_BGRA2GRAY);
    else if (decoded.channels() == 3) cv::cvtColor(decoded, decoded, cv::COLOR_BGR2GRAY);
    else if (decoded.channels() != 1)
        throw Error("Mask file " + quoted(path) + " has " + std::to_string(decoded.channels()) + " channels");
    cv::Mat soft;
    if (decoded.depth() == CV_8U) decoded.convertTo(soft, CV_32F, 1.0 / 255.0);
    else if (decoded.depth() == CV_16U) decoded.convertTo(soft, CV_32F, 1.0 / 65535.0);
    else throw Error("Mask file " + quoted(path) + ": expected 8-bit or 16-bit values, got " + cv::typeToString(decoded.type()));
    return soft;
}

namespace {
cv::Mat decodeChecked(const std::string& path, const ImageLimits& limits, int flags) {
    // Refuse early from the header alone, before reading a possibly huge file.
    checkLimit(path, readImageHeader(path), limits);

    const std::string bytes = readFileToString(path);
    if (bytes.size() > static_cast<size_t>(INT_MAX))
        throw Error("Image file " + quoted(path) + " is too large (" + std::to_string(bytes.size()) + " bytes)");
    const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
    const MemorySource mem(data, bytes.size());

    // The same checks again on the bytes that are decoded (the file may have changed in between).
    const ImageHeader header = parseHeader(mem, path);
    checkLimit(path, header, limits);
    const Reader r(mem, path, header.format.c_str());
    if (header.format == "PNG") checkPngComplete(r);
    else if (header.format == "JPEG") checkJpegComplete(data, bytes.size(), r);
    else if (header.format == "BMP") checkBmpComplete(r, header);
    else if (header.format == "WebP") checkWebpComplete(r);

    cv::Mat decoded;
    try {
        const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<uint8_t*>(data));
        decoded = cv::imdecode(buffer, flags);
    } catch (const cv::Exception& e) {
        throw Error("Image file " + quoted(path) + " could not be decoded (" + header.format + "): " + e.what());
    } catch (const std::bad_alloc&) {
        throw Error("Image file " + quoted(path) + " could not be decoded: out of memory");
    }
    if (decoded.empty())
        throw Error("Image file " + quoted(path) + " could not be decoded: the " + header.format +
                    " data is corrupt or uses an unsupported feature");
    if (static_cast<int64_t>(decoded.total()) > limits.maxPixels) {
        ImageHeader actual{decoded.cols, decoded.rows, header.format};
        checkLimit(path, actual, limits);
    }
    return decoded;
}
} // namespace

void saveMaskPng(const std::string& path, const cv::Mat& mask) {
    if (mask.empty()) throw Error("Cannot write mask " + quoted(path) + ": the mask is empty");
    if (mask.type() != CV_8UC1 && mask.type() != CV_16UC1)
        throw Error("Cannot write mask " + quoted(path) + ": expected an 8-bit or 16-bit single-channel mask, got " +
                    cv::typeToString(mask.type()));
    std::vector<uchar> png;
    try {
        if (!cv::imencode(".png", mask, png)) throw Error("Cannot write mask " + quoted(path) + ": PNG encoding failed");
    } catch (const cv::Exception& e) {
        throw Error("Cannot write mask " + quoted(path) + ": PNG encoding failed: " + e.what());
    }
    writeFileAtomically(path, std::string(reinterpret_cast<const char*>(png.data()), png.size()));
}

} // namespace rlfseg
