#pragma once
// The tight box around a mask's nonzero pixels. Free of LibTorch and Qt.
//
// Why not cv::boundingRect: for 8-bit masks, OpenCV before 4.10 (Debian 12 ships 4.6) returns a
// box too narrow for some masks, e.g. one whose last row starts with two set pixels in a 2 x 2
// image (opencv/opencv#24217, fixed by #25183). COCO boxes, crops and the canvas rely on this one.

#include <opencv2/core.hpp>

namespace rlfseg {

// The smallest rectangle holding every nonzero pixel of a one-channel mask of any depth; an
// empty rectangle (0, 0, 0, 0) when there is none. Throws rlfseg::Error for several channels.
cv::Rect maskBox(const cv::Mat& mask);

} // namespace rlfseg
