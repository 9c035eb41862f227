#include "core/util/MaskBox.h"

#include "core/util/Error.h"

#include <opencv2/core.hpp>

namespace rlfseg {
namespace {

// First and last index of a nonzero element of a one-row or one-column 8-bit vector; -1 if none.
std::pair<int, int> nonzeroSpan(const cv::Mat& vector) {
    const cv::Mat flat = vector.reshape(1, 1);
    const uchar* v = flat.ptr<uchar>(0);
    const int n = flat.cols;
    int first = 0;
    while (first < n && v[first] == 0) ++first;
    if (first == n) return {-1, -1};
    int last = n - 1;
    while (v[last] == 0) --last;
    return {first, last};
}

} // namespace

cv::Rect maskBox(const cv::Mat& mask) {
    if (mask.channels() != 1)
        throw Error("maskBox: a mask has one channel, not " + std::to_string(mask.channels()));
    if (mask.empty()) return {};
    // Which columns and which rows hold a set pixel: two reductions, which OpenCV vectorises.
    const cv::Mat set = mask.depth() == CV_8U ? mask : cv::Mat(mask != 0);
    cv::Mat anyInColumn, anyInRow;
    cv::reduce(set, anyInColumn, 0, cv::REDUCE_MAX);
    cv::reduce(set, anyInRow, 1, cv::REDUCE_MAX);
    const auto [x0, x1] = nonzeroSpan(anyInColumn);
    if (x0 < 0) return {};
    const auto [y0, y1] = nonzeroSpan(anyInRow);
    return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

} // namespace rlfseg
