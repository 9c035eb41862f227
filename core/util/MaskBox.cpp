#include "core/util/MaskBox.h"

#include "core/util/Error.h"

#include <opencv2/core.hpp>

#include <cstdint>
#include <cstring>
#include <string>

namespace rlfseg {
namespace {

// Index of the first / last nonzero byte of p[0, n), or -1. Eight bytes at a time: a mask row of
// 8000 pixels is 1,000 loads, so the whole box costs about what one pass over the mask does.
int firstNonzero(const uchar* p, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t word;
        std::memcpy(&word, p + i, 8);
        if (word != 0) break;
    }
    for (; i < n; ++i)
        if (p[i] != 0) return i;
    return -1;
}

int lastNonzero(const uchar* p, int n) {
    int i = n;
    for (; i >= 8; i -= 8) {
        uint64_t word;
        std::memcpy(&word, p + i - 8, 8);
        if (word != 0) break;
    }
    for (--i; i >= 0; --i)
        if (p[i] != 0) return i;
    return -1;
}

} // namespace

cv::Rect maskBox(const cv::Mat& mask) {
    if (mask.channels() != 1)
        throw Error("maskBox: a mask has one channel, not " + std::to_string(mask.channels()));
    if (mask.empty()) return {};
    const cv::Mat set = mask.depth() == CV_8U || mask.depth() == CV_8S ? mask : cv::Mat(mask != 0);
    const int rows = set.rows, cols = set.cols;
    int y0 = 0, y1 = rows - 1;
    while (y0 < rows && firstNonzero(set.ptr<uchar>(y0), cols) < 0) ++y0;
    if (y0 == rows) return {};
    while (firstNonzero(set.ptr<uchar>(y1), cols) < 0) --y1;
    // Each row between only needs looking at left of the box so far and right of it.
    int x0 = cols, x1 = -1;
    for (int y = y0; y <= y1; ++y) {
        const uchar* row = set.ptr<uchar>(y);
        if (const int left = firstNonzero(row, x0); left >= 0) x0 = left;
        if (const int right = lastNonzero(row + x1 + 1, cols - x1 - 1); right >= 0) x1 += 1 + right;
    }
    return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

} // namespace rlfseg
