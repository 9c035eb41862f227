#include "core/pipeline/LatentConventions.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace rlfseg::conventions {

cv::Size modelInputSize(int width, int height, int resolution, int factor) {
    TORCH_CHECK(width > 0 && height > 0 && resolution > 0 && factor > 0, "modelInputSize: bad arguments");
    if (width == height && width == resolution) return {resolution, resolution};
    const bool landscape = width >= height;
    const double longer = landscape ? width : height, shorter = landscape ? height : width;
    const int shortSide = std::max(factor, static_cast<int>(std::lround(shorter * resolution / longer / factor)) * factor);
    const int side = std::min(shortSide, resolution);
    return landscape ? cv::Size(resolution, side) : cv::Size(side, resolution);
}

namespace {
cv::Mat resized(const cv::Mat& m, cv::Size size, int interpolation) {
    if (m.size() == size) return m;
    cv::Mat out;
    cv::resize(m, out, size, 0, 0, interpolation);
    return out;
}
} // namespace

torch::Tensor imageToTensor(const cv::Mat& rgb, cv::Size size) {
    TORCH_CHECK(rgb.type() == CV_8UC3, "imageToTensor expects an 8-bit RGB image");
    cv::Mat r = resized(rgb, size, cv::INTER_LINEAR);
    if (!r.isContinuous()) r = r.clone();
    auto t = torch::from_blob(r.data, {size.height, size.width, 3}, torch::kUInt8) // [H, W, 3]
                 .permute({2, 0, 1})                                                // [3, H, W]
                 .unsqueeze(0)                                                      // [1, 3, H, W]
                 .to(torch::kFloat);
    return t.div_(127.5).sub_(1.0);
}

torch::Tensor maskToTensor(const cv::Mat& mask, cv::Size size) {
    TORCH_CHECK(mask.type() == CV_8UC1, "maskToTensor expects an 8-bit single-channel mask");
    cv::Mat m = resized(mask, size, cv::INTER_NEAREST);
    if (!m.isContinuous()) m = m.clone();
    auto t = torch::from_blob(m.data, {1, 1, size.height, size.width}, torch::kUInt8).gt(0).to(torch::kFloat);
    return (t * 2 - 1).expand({1, 3, size.height, size.width}).contiguous(); // [1, 3, H, W]
}

torch::Tensor softMaskFromDecoded(const torch::Tensor& decoded) {
    return ((decoded.to(torch::kFloat).mean(1) + 1.0) / 2.0).clamp(0.0, 1.0); // [B, h, w]
}

cv::Mat softMaskToMat(const torch::Tensor& soft) {
    auto cpu = soft.to(torch::kCPU, torch::kFloat).contiguous(); // [h, w]
    TORCH_CHECK(cpu.dim() == 2, "softMaskToMat expects [h, w]");
    cv::Mat view(static_cast<int>(cpu.size(0)), static_cast<int>(cpu.size(1)), CV_32FC1, cpu.data_ptr<float>());
    return view.clone(); // never alias the tensor's memory
}

cv::Mat binarize(const cv::Mat& soft, float threshold) {
    cv::Mat out;
    cv::compare(soft, threshold, out, cv::CMP_GT); // 255 where true
    return out;
}

} // namespace rlfseg::conventions
