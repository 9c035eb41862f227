#include "core/pipeline/MaskResize.h"

#include "core/util/Error.h"

#include <opencv2/core/utility.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace rlfseg::conventions {
namespace {

// Where output index i samples the source of n pixels, scaled by `scale` (source / output).
struct Tap {
    int lo = 0, hi = 0;
    float weight = 0; // of `hi`
};

Tap tapFor(int i, double scale, int n) {
    const double f = (i + 0.5) * scale - 0.5;
    Tap t;
    if (f <= 0) return t; // clamped to the first pixel
    t.lo = static_cast<int>(std::floor(f));
    if (t.lo >= n - 1) {
        t.lo = t.hi = n - 1;
        return t;
    }
    t.hi = t.lo + 1;
    t.weight = static_cast<float>(f - t.lo);
    return t;
}

void requireSoftMask(const cv::Mat& soft, cv::Size size) {
    if (soft.type() != CV_32FC1 || soft.empty()) throw Error("soft mask: expected a non-empty CV_32FC1 matrix");
    if (size.width <= 0 || size.height <= 0) throw Error("soft mask: the target size is empty");
}

// Calls emit(y, row) for every output row, in parallel over bands of rows; `row` holds the
// bilinear values of that row (a buffer per band, reused). The horizontal pass runs once per
// source row (256 rows of a 48-megapixel width: 7 MB); each output row blends two of them.
template <class Emit>
void forEachUpsampledRow(const cv::Mat& soft, cv::Size size, Emit emit) {
    requireSoftMask(soft, size);
    std::vector<Tap> columns(static_cast<size_t>(size.width));
    const double sx = double(soft.cols) / size.width, sy = double(soft.rows) / size.height;
    for (int x = 0; x < size.width; ++x) columns[size_t(x)] = tapFor(x, sx, soft.cols);
    cv::Mat horizontal(soft.rows, size.width, CV_32FC1);
    cv::parallel_for_(cv::Range(0, soft.rows), [&](const cv::Range& rows) {
        for (int r = rows.start; r < rows.end; ++r) {
            const float* in = soft.ptr<float>(r);
            float* out = horizontal.ptr<float>(r);
            for (int x = 0; x < size.width; ++x) {
                const Tap& h = columns[size_t(x)];
                out[x] = in[h.lo] + h.weight * (in[h.hi] - in[h.lo]);
            }
        }
    });
    cv::parallel_for_(cv::Range(0, size.height), [&](const cv::Range& rows) {
        std::vector<float> row(static_cast<size_t>(size.width));
        for (int y = rows.start; y < rows.end; ++y) {
            const Tap v = tapFor(y, sy, soft.rows);
            const float* upper = horizontal.ptr<float>(v.lo);
            const float* lower = horizontal.ptr<float>(v.hi);
            for (int x = 0; x < size.width; ++x) row[size_t(x)] = upper[x] + v.weight * (lower[x] - upper[x]);
            emit(y, row.data());
        }
    });
}

} // namespace

cv::Mat upsampleSoftMask(const cv::Mat& soft, cv::Size size) {
    requireSoftMask(soft, size);
    if (soft.size() == size) return soft.clone(); // what the taps would give: every weight is 0
    cv::Mat out(size, CV_32FC1);
    forEachUpsampledRow(soft, size, [&](int y, const float* row) {
        std::copy(row, row + size.width, out.ptr<float>(y));
    });
    return out;
}

cv::Mat binaryMaskAtSize(const cv::Mat& soft, cv::Size size, float threshold) {
    cv::Mat out(size, CV_8UC1);
    forEachUpsampledRow(soft, size, [&](int y, const float* row) {
        uchar* o = out.ptr<uchar>(y);
        for (int x = 0; x < size.width; ++x) o[x] = row[x] > threshold ? 255 : 0;
    });
    return out;
}

} // namespace rlfseg::conventions
