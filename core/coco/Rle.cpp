#include "core/coco/Rle.h"

#include "core/io/JsonPath.h"
#include "core/util/Error.h"

#include <cstring>
#include <limits>

namespace rlfseg::coco {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighBits = 0x8080808080808080ull;

uint64_t load8(const uint8_t* p) {
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}

// First index in [i, n) whose byte is nonzero, or n.
size_t findNonZero(const uint8_t* p, size_t i, size_t n) {
    while (i + 8 <= n && load8(p + i) == 0) i += 8;
    while (i < n && p[i] == 0) ++i;
    return i;
}

// First index in [i, n) whose byte is zero, or n. A word has a zero byte iff
// (w - 0x01..01) & ~w & 0x80..80 is nonzero (exact as a yes/no test).
size_t findZero(const uint8_t* p, size_t i, size_t n) {
    while (i + 8 <= n) {
        const uint64_t w = load8(p + i);
        if (((w - kOnes) & ~w & kHighBits) != 0) break;
        i += 8;
    }
    while (i < n && p[i] != 0) ++i;
    return i;
}

std::string sizeText(int64_t h, int64_t w) { return std::to_string(h) + " x " + std::to_string(w); }

} // namespace

void validate(const Rle& rle) {
    if (rle.height < 0 || rle.width < 0)
        throw Error("COCO RLE: negative size " + sizeText(rle.height, rle.width));
    uint64_t sum = 0;
    for (uint32_t c : rle.counts) sum += c;
    const uint64_t pixels = uint64_t(rle.height) * uint64_t(rle.width);
    if (sum != pixels)
        throw Error("COCO RLE: counts sum to " + std::to_string(sum) + " but the mask has " +
                    sizeText(rle.height, rle.width) + " = " + std::to_string(pixels) + " pixels");
}

Rle encode(const cv::Mat& mask) {
    if (mask.type() != CV_8UC1) throw Error("COCO RLE: the mask must be 8-bit single channel (CV_8UC1)");
    Rle rle;
    rle.height = mask.rows;
    rle.width = mask.cols;
    const size_t n = mask.total();
    if (uint64_t(n) > std::numeric_limits<uint32_t>::max())
        throw Error("COCO RLE: a " + sizeText(mask.rows, mask.cols) + " mask has too many pixels for 32-bit counts");
    if (n == 0) {
        rle.counts = {0};
        return rle;
    }
    cv::Mat transposed; // [W, H]: row x is column x of the mask, so memory order is column-major
    cv::transpose(mask, transposed);
    if (!transposed.isContinuous()) transposed = transposed.clone();
    const uint8_t* p = transposed.ptr<uint8_t>();
    size_t start = 0;
    bool foreground = false;
    for (;;) {
        const size_t end = foreground ? findZero(p, start, n) : findNonZero(p, start, n);
        rle.counts.push_back(static_cast<uint32_t>(end - start));
        if (end == n) break;
        start = end;
        foreground = !foreground;
    }
    return rle;
}

cv::Mat decode(const Rle& rle) {
    validate(rle);
    if (rle.height == 0 || rle.width == 0) return cv::Mat(rle.height, rle.width, CV_8UC1);
    cv::Mat transposed = cv::Mat::zeros(rle.width, rle.height, CV_8UC1); // [W, H]
    uint8_t* p = transposed.ptr<uint8_t>();
    size_t at = 0;
    for (size_t i = 0; i < rle.counts.size(); ++i) {
        if (i % 2 == 1 && rle.counts[i] > 0) std::memset(p + at, 1, rle.counts[i]);
        at += rle.counts[i];
    }
    cv::Mat mask;
    cv::transpose(transposed, mask); // [H, W]
    return mask;
}

Rle encodeRegion(const cv::Mat& regionMask, const cv::Rect& region, int height, int width) {
    if (regionMask.type() != CV_8UC1 || regionMask.size() != region.size())
        throw Error("RLE encodeRegion: the region mask must be CV_8UC1 of the region's size");
    if (region.x < 0 || region.y < 0 || region.x + region.width > width || region.y + region.height > height)
        throw Error("RLE encodeRegion: the region lies outside the image");
    Rle rle;
    rle.height = height, rle.width = width;
    uint64_t run = 0;
    bool value = false;
    auto add = [&](bool v, uint64_t n) {
        if (n == 0) return;
        if (v != value) {
            rle.counts.push_back(static_cast<uint32_t>(run));
            run = 0;
            value = v;
        }
        run += n;
    };
    for (int x = 0; x < width; ++x) {
        if (x < region.x || x >= region.x + region.width) {
            add(false, static_cast<uint64_t>(height));
            continue;
        }
        add(false, static_cast<uint64_t>(region.y));
        for (int y = 0; y < region.height; ++y) add(regionMask.at<uint8_t>(y, x - region.x) != 0, 1);
        add(false, static_cast<uint64_t>(height - region.y - region.height));
    }
    rle.counts.push_back(static_cast<uint32_t>(run));
    return rle;
}

cv::Mat decodeRegion(const Rle& rle, const cv::Rect& region) {
    validate(rle);
    const cv::Rect r = region & cv::Rect(0, 0, rle.width, rle.height);
    cv::Mat out = cv::Mat::zeros(std::max(0, r.height), std::max(0, r.width), CV_8UC1);
    if (r.area() <= 0) return out;
    const uint64_t h = static_cast<uint64_t>(rle.height);
    uint64_t at = 0;
    for (size_t i = 0; i < rle.counts.size(); ++i) {
        uint64_t length = rle.counts[i];
        if (i % 2 == 0) {
            at += length;
            continue;
        }
        // A foreground run in column-major order, split at column ends.
        while (length > 0) {
            const int column = static_cast<int>(at / h), row = static_cast<int>(at % h);
            const uint64_t n = std::min<uint64_t>(length, h - static_cast<uint64_t>(row));
            if (column >= r.x + r.width) return out; // every later run is further right
            if (column >= r.x) {
                const int from = std::max(row, r.y), to = std::min(row + static_cast<int>(n), r.y + r.height);
                for (int y = from; y < to; ++y) out.at<uint8_t>(y - r.y, column - r.x) = 1;
            }
            at += n;
            length -= n;
        }
    }
    return out;
}

std::string toCompressedString(const Rle& rle) {
    validate(rle);
    std::string s;
    s.reserve(rle.counts.size() * 2);
    for (size_t i = 0; i < rle.counts.size(); ++i) {
        int64_t x = rle.counts[i];
        if (i > 2) x -= int64_t(rle.counts[i - 2]);
        bool more = true;
        while (more) {
            int c = int(x & 0x1f);
            x >>= 5; // arithmetic shift: keeps the sign, as in pycocotools (a signed long)
            more = (c & 0x10) ? x != -1 : x != 0;
            if (more) c |= 0x20;
            s.push_back(char(c + 48));
        }
    }
    return s;
}

Rle fromCompressedString(const std::string& counts, int height, int width) {
    if (height < 0 || width < 0) throw Error("COCO RLE: negative size " + sizeText(height, width));
    Rle rle;
    rle.height = height;
    rle.width = width;
    size_t p = 0;
    while (p < counts.size()) {
        int64_t x = 0;
        int k = 0;
        bool more = true;
        while (more) {
            if (p >= counts.size())
                throw Error("COCO RLE: compressed counts end inside a number (string of " +
                            std::to_string(counts.size()) + " characters)");
            const int ch = static_cast<unsigned char>(counts[p]);
            if (ch < 48 || ch > 111)
                throw Error("COCO RLE: invalid character (code " + std::to_string(ch) + ") at position " +
                            std::to_string(p) + " of the compressed counts");
            if (k >= 7) // 7 groups hold 35 bits, enough for any difference of two 32-bit counts
                throw Error("COCO RLE: a number in the compressed counts is too long (at position " +
                            std::to_string(p) + ")");
            const int c = ch - 48;
            x |= int64_t(c & 0x1f) << (5 * k);
            more = (c & 0x20) != 0;
            ++p;
            ++k;
            if (!more && (c & 0x10)) x -= int64_t(1) << (5 * k); // sign-extend the top group
        }
        const size_t m = rle.counts.size();
        if (m > 2) x += int64_t(rle.counts[m - 2]);
        if (x < 0 || x > int64_t(std::numeric_limits<uint32_t>::max()))
            throw Error("COCO RLE: count " + std::to_string(m) + " decodes to " + std::to_string(x) +
                        ", outside 0..4294967295");
        rle.counts.push_back(static_cast<uint32_t>(x));
    }
    validate(rle);
    return rle;
}

uint64_t area(const Rle& rle) {
    uint64_t a = 0;
    for (size_t j = 1; j < rle.counts.size(); j += 2) a += rle.counts[j];
    return a;
}

std::array<double, 4> boundingBox(const Rle& rle) {
    // pycocotools rleToBbox, with its unsigned 32-bit arithmetic.
    const uint32_t h = uint32_t(rle.height), w = uint32_t(rle.width);
    const size_t m = (rle.counts.size() / 2) * 2;
    if (m == 0 || h == 0 || w == 0) return {0, 0, 0, 0};
    uint32_t xs = w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
    for (size_t j = 0; j < m; ++j) {
        cc += rle.counts[j];
        const uint32_t t = cc - uint32_t(j % 2);
        const uint32_t y = t % h, x = (t - y) / h;
        if (j % 2 == 0)
            xp = x;
        else if (xp < x) {
            ys = 0;
            ye = h - 1;
        }
        xs = std::min(xs, x);
        xe = std::max(xe, x);
        ys = std::min(ys, y);
        ye = std::max(ye, y);
    }
    return {double(xs), double(ys), double(xe - xs + 1), double(ye - ys + 1)};
}

nlohmann::json toCocoJson(const Rle& rle) {
    return {{"size", {rle.height, rle.width}}, {"counts", toCompressedString(rle)}};
}

Rle fromCocoJson(const nlohmann::json& segmentation, const std::string& where) {
    auto fail = [&](const std::string& what) -> Rle { throw Error(where + ": " + what); };
    if (!segmentation.is_object()) return fail("an RLE segmentation must be an object with \"size\" and \"counts\"");
    const auto size = segmentation.find("size");
    const auto counts = segmentation.find("counts");
    if (size == segmentation.end() || !size->is_array() || size->size() != 2 || !(*size)[0].is_number_integer() ||
        !(*size)[1].is_number_integer())
        return fail("\"size\" must be [height, width]");
    const int64_t h = (*size)[0].get<int64_t>(), w = (*size)[1].get<int64_t>();
    if (h < 0 || w < 0 || h > std::numeric_limits<int>::max() || w > std::numeric_limits<int>::max())
        return fail("invalid \"size\" " + JsonPath::preview(*size));
    if (counts == segmentation.end()) return fail("\"counts\" is missing");
    try {
        if (counts->is_string()) return fromCompressedString(counts->get<std::string>(), int(h), int(w));
        if (!counts->is_array()) return fail("\"counts\" must be a string or a list of integers");
        Rle rle;
        rle.height = int(h);
        rle.width = int(w);
        rle.counts.reserve(counts->size());
        for (const auto& c : *counts) {
            if (!c.is_number_integer() || c.get<int64_t>() < 0 ||
                c.get<int64_t>() > int64_t(std::numeric_limits<uint32_t>::max()))
                return fail("\"counts\" holds " + JsonPath::preview(c) + ", not a count");
            rle.counts.push_back(uint32_t(c.get<int64_t>()));
        }
        validate(rle);
        return rle;
    } catch (const Error& e) {
        const std::string message = e.what();
        if (message.rfind(where, 0) == 0) throw;
        throw Error(where + ": " + message);
    }
}

} // namespace rlfseg::coco
