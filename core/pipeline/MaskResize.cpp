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

// Calls emit(y, row) for every output row, in parallel over bands of rows; `row` holds the
// bilinear values of that row (a buffer per band, reused).
template <class Emit>
void forEachUpsampledRow(const cv::Mat& soft, cv::Size size, Emit emit) {
    if (soft.type() != CV_32FC1 || soft.empty()) throw Error("soft mask: expected a non-empty CV_32FC1 matrix");
    if (size.width <= 0 || size.height <= 0) throw Error("soft mask: the target size is empty");
    std::vector<Tap> columns(static_cast<size_t>(size.width));
    const double sx = double(soft.cols) / size.width, sy = double(soft.rows) / size.height;
    for (int x = 0; x < size.width; ++x) columns[size_t(x)] = tapFor(x, sx, soft.cols);
    cv::parallel_for_(cv::Range(0, size.height), [&](const cv::Range& rows) {
        std::vector<float> row(static_cast<size_t>(size.width));
        for (int y = rows.start; y < rows.end; ++y) {
            const Tap v = tapFor(y, sy, soft.rows);
            const float* top = soft.ptr<float>(v.lo);
            const float* bottom = soft.ptr<float>(v.hi);
            for (int x = 0; x < size.width; ++x) {
                const Tap& h = columns[size_t(x)];
                const float upper = top[h.lo] + h.weight * (top[h.hi] - top[h.lo]);
                const float lower = bottom[h.lo] + h.weight * (bottom[h.hi] - bottom[h.lo]);
                row[size_t(x)] = upper + v.weight * (lower - upper);
            }
            emit(y, row.data());
        }
    });
}

} // namespace

cv::Mat upsampleSoftMask(const cv::Mat& soft, cv::Size size) {
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
