#include "core/refine/RefinementTorch.h"

#include "core/refine/RefinementPlan.h"

#include "core/util/Error.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>

namespace rlfseg::refine {

namespace F = torch::nn::functional;

namespace {

constexpr double kNoLabel = 1e18; // larger than any pixel index + 1

torch::Tensor padReplicate(const torch::Tensor& x, int left, int right, int top, int bottom) {
    return F::pad(x, F::PadFuncOptions({left, right, top, bottom}).mode(torch::kReplicate));
}

torch::Tensor padConstant(const torch::Tensor& x, int r, double value) {
    return F::pad(x, F::PadFuncOptions({r, r, r, r}).mode(torch::kConstant).value(value));
}

// Binary morphology with a (2r + 1)^2 square and zeros outside, as OpenCV's with BORDER_CONSTANT 0.
torch::Tensor dilate(const torch::Tensor& m, int r) {
    return F::max_pool2d(padConstant(m, r, 0.0), F::MaxPool2dFuncOptions(2 * r + 1).stride(1));
}
torch::Tensor erode(const torch::Tensor& m, int r) {
    return -F::max_pool2d(-padConstant(m, r, 0.0), F::MaxPool2dFuncOptions(2 * r + 1).stride(1));
}

// Each pixel of `mask` takes the smallest raster index (+1) of its component, as OpenCV numbers
// components in raster order of their first pixel. 8-connected: a 3 x 3 min; 4-connected: the
// cross. Iterated until nothing changes.
torch::Tensor labelComponents(const torch::Tensor& mask, int connectivity) {
    const auto sizes = mask.sizes();
    const int64_t h = sizes[2], w = sizes[3];
    auto index = torch::arange(1, h * w + 1, mask.options().dtype(torch::kDouble)).view({1, 1, h, w}).expand(sizes);
    auto labels = torch::where(mask, index, torch::full_like(index, kNoLabel));
    const auto big = torch::full_like(labels, kNoLabel);
    for (int64_t iteration = 0;; ++iteration) {
        torch::Tensor next;
        if (connectivity == 8) {
            next = -F::max_pool2d(-padConstant(labels, 1, kNoLabel), F::MaxPool2dFuncOptions(3).stride(1));
        } else {
            auto p = padConstant(labels, 1, kNoLabel);
            next = torch::min(torch::min(p.slice(2, 0, h).slice(3, 1, w + 1), p.slice(2, 2, h + 2).slice(3, 1, w + 1)),
                              torch::min(p.slice(2, 1, h + 1).slice(3, 0, w), p.slice(2, 1, h + 1).slice(3, 2, w + 2)));
            next = torch::min(next, labels);
        }
        next = torch::where(mask, next, big);
        if (iteration % 4 == 3 && torch::equal(next, labels)) return next;
        labels = next;
    }
}

// Areas of the components of one mask [1, 1, h, w]: label -> pixel count (labels as int64).
std::pair<torch::Tensor, torch::Tensor> componentAreas(const torch::Tensor& labels, const torch::Tensor& mask) {
    auto values = labels.masked_select(mask).to(torch::kLong);
    if (values.numel() == 0) return {values, values};
    auto [unique, inverse, counts] = torch::_unique2(values, /*sorted=*/true, /*return_inverse=*/false,
                                                    /*return_counts=*/true);
    return {unique, counts};
}

torch::Tensor cleanOne(const torch::Tensor& mask, int minArea, int maxHole) {
    const int64_t h = mask.size(2), w = mask.size(3);
    auto out = mask.clone();
    // Specks: 8-connected components below minArea, except the largest (the first on ties, as OpenCV).
    {
        const auto labels = labelComponents(out, 8);
        auto [ids, areas] = componentAreas(labels, out);
        if (ids.numel() > 1) {
            const auto largest = ids[areas.argmax()]; // argmax returns the first maximum; ids are sorted
            const auto small = (areas < minArea) & (ids != largest);
            if (small.any().item<bool>()) {
                const auto dropIds = ids.masked_select(small).to(torch::kDouble);
                out = out & ~torch::isin(labels, dropIds);
            }
        }
    }
    // Holes: 4-connected background components off the border, below maxHole.
    {
        const auto background = ~out;
        const auto labels = labelComponents(background, 4);
        auto [ids, areas] = componentAreas(labels, background);
        if (ids.numel() > 0) {
            auto border = torch::cat({labels.select(2, 0).flatten(), labels.select(2, h - 1).flatten(),
                                      labels.select(3, 0).flatten(), labels.select(3, w - 1).flatten()});
            const auto onBorder = torch::isin(ids.to(torch::kDouble), border);
            const auto fill = (areas < maxHole) & ~onBorder;
            if (fill.any().item<bool>()) out = out | torch::isin(labels, ids.masked_select(fill).to(torch::kDouble));
        }
    }
    return out;
}

double edgeScoreTorch(const torch::Tensor& mask, const torch::Tensor& scaledMag) {
    const int64_t h = mask.size(2), w = mask.size(3);
    const auto m = mask.to(torch::kFloat);
    const auto p = padReplicate(m, 1, 1, 1, 1);
    auto eroded = torch::min(torch::min(p.slice(2, 0, h).slice(3, 1, w + 1), p.slice(2, 2, h + 2).slice(3, 1, w + 1)),
                             torch::min(p.slice(2, 1, h + 1).slice(3, 0, w), p.slice(2, 1, h + 1).slice(3, 2, w + 2)));
    eroded = torch::min(eroded, m);
    const auto boundary = (m - eroded) > 0.5;
    const int64_t n = boundary.sum().item<int64_t>();
    if (n == 0) return 0.0;
    return scaledMag.masked_select(boundary).to(torch::kDouble).sum().item<double>() / static_cast<double>(n);
}

cv::Mat toCv(const torch::Tensor& mask) {
    auto m = (mask.to(torch::kUInt8) * 255).to(torch::kCPU).contiguous();
    const auto h = static_cast<int>(m.size(-2)), w = static_cast<int>(m.size(-1));
    return cv::Mat(h, w, CV_8UC1, m.data_ptr<uint8_t>()).clone();
}

torch::Tensor fromCv(const cv::Mat& m, torch::Device device) {
    const cv::Mat c = m.isContinuous() ? m : m.clone();
    auto dtype = c.type() == CV_32FC1 ? torch::kFloat : torch::kUInt8;
    return torch::from_blob(const_cast<uint8_t*>(c.ptr<uint8_t>()), {1, 1, c.rows, c.cols}, dtype).clone().to(device);
}

RefinementResult refineOne(const cv::Mat& rgb, const cv::Mat& softIn, const cv::Mat& reference,
                           const RefineOptions& o, torch::Device device) {
    // The region, sizes and luminance exactly as the OpenCV path computes them (cheap, on the CPU).
    RefinementResult result;
    const auto plan = detail::planRefinement(rgb, softIn, reference, o, result);
    if (plan.empty) return result;
    const cv::Rect roi = plan.region;
    const int snapRadius = plan.snapRadius, morphRadius = plan.morphRadius;
    const int speckBound = plan.speckBound, holeBound = plan.holeBound;
    const cv::Mat& grayCv = plan.gray;
    const cv::Mat& pFull = plan.soft;

    torch::NoGradGuard noGrad;
    const auto gray = fromCv(grayCv, device);
    // Sobel 3 x 3 with replicated borders, as cv::Sobel.
    const auto kx = torch::tensor({-1.f, 0.f, 1.f, -2.f, 0.f, 2.f, -1.f, 0.f, 1.f}).view({1, 1, 3, 3}).to(device);
    const auto padded = padReplicate(gray, 1, 1, 1, 1);
    const auto dx = F::conv2d(padded, kx), dy = F::conv2d(padded, kx.transpose(2, 3));
    auto mag = (dx * dx + dy * dy).sqrt();
    mag = mag.masked_fill(mag <= detail::kGradientFloor, 0.0); // as gradientMagnitude on the CPU
    const auto sample = mag.index({0, 0, torch::indexing::Slice(0, torch::indexing::None, 2),
                                   torch::indexing::Slice(0, torch::indexing::None, 2)})
                            .flatten();
    const int64_t k = static_cast<int64_t>(std::floor(0.95 * static_cast<double>(sample.numel() - 1)));
    double scale = std::get<0>(sample.kthvalue(k + 1)).item<double>();
    if (scale <= 0) scale = sample.max().item<double>(); // flat background: as edgeScale on the CPU
    const auto scaledMag = scale > 0 ? torch::clamp_max(mag / scale, 1.0) : torch::zeros_like(mag);
    torch::Tensor ref;
    if (!reference.empty()) ref = fromCv(cv::Mat(reference(roi) != 0), device) > 0;

    std::vector<std::pair<std::string, torch::Tensor>> stages{{"raw", fromCv(pFull(roi).clone(), device)}};
    for (int i = 1; i <= o.snapIterations; ++i)
        stages.emplace_back("snap" + std::to_string(i),
                            fastGuidedFilterTorch(gray, stages.back().second, snapRadius, o.guidedEpsilon));

    for (const auto& [stage, p] : stages) {
        // Every threshold of the stage at once: [T, 1, h, w].
        const auto t = torch::tensor(o.thresholds).to(device).view({-1, 1, 1, 1});
        const auto raw = p > t;
        const auto low = (p > (t - o.stabilityDelta)).sum({1, 2, 3}).to(torch::kCPU);
        const auto high = (p > (t + o.stabilityDelta)).sum({1, 2, 3}).to(torch::kCPU);
        auto opened = dilate(erode(raw.to(torch::kFloat), morphRadius), morphRadius);
        auto closed = erode(dilate(opened, morphRadius), morphRadius) > 0.5;
        for (size_t ti = 0; ti < o.thresholds.size(); ++ti) {
            const int64_t l = low[static_cast<int64_t>(ti)].item<int64_t>();
            const double stability = l > 0 ? static_cast<double>(high[static_cast<int64_t>(ti)].item<int64_t>()) / l : 0.0;
            const auto rawOne = raw.narrow(0, static_cast<int64_t>(ti), 1);
            for (bool cleaned : {false, true}) {
                const auto m = cleaned ? cleanOne(closed.narrow(0, static_cast<int64_t>(ti), 1), speckBound, holeBound)
                                       : rawOne;
                Candidate c;
                c.stage = stage, c.threshold = o.thresholds[ti], c.cleaned = cleaned;
                c.name = detail::candidateName(stage, cleaned, c.threshold);
                c.stability = stability;
                c.edges = edgeScoreTorch(m, scaledMag);
                if (ref.defined()) {
                    const double inter = (m & ref).sum().item<double>(), uni = (m | ref).sum().item<double>();
                    c.reference = uni > 0 ? inter / uni : 0.0;
                }
                c.score = detail::candidateScore(c, ref.defined(), o);
                c.area = static_cast<int>(m.sum().item<int64_t>());
                c.regionMask = toCv(m);
                result.candidates.push_back(std::move(c));
            }
        }
    }
    detail::selectBest(result);
    return result;
}

} // namespace

torch::Tensor boxMeanTorch(const torch::Tensor& x, int r) {
    return F::avg_pool2d(padReplicate(x, r, r, r, r), F::AvgPool2dFuncOptions(2 * r + 1).stride(1));
}

torch::Tensor fastGuidedFilterTorch(const torch::Tensor& guide, const torch::Tensor& p, int radius, double epsilon) {
    const int64_t h = guide.size(2), w = guide.size(3);
    const int padRight = static_cast<int>(w % 2), padBottom = static_cast<int>(h % 2);
    const auto g = padReplicate(guide, 0, padRight, 0, padBottom);
    const auto q = padReplicate(p, 0, padRight, 0, padBottom);
    const auto gs = F::avg_pool2d(g, F::AvgPool2dFuncOptions(2).stride(2));
    const auto ps = F::avg_pool2d(q, F::AvgPool2dFuncOptions(2).stride(2));
    const int r = std::max(1, radius / 2);
    const auto meanI = boxMeanTorch(gs, r), meanP = boxMeanTorch(ps, r);
    const auto varI = boxMeanTorch(gs * gs, r) - meanI * meanI;
    const auto covIp = boxMeanTorch(gs * ps, r) - meanI * meanP;
    const auto a = covIp / (varI + epsilon);
    const auto b = meanP - a * meanI;
    const auto up = F::InterpolateFuncOptions()
                        .size(std::vector<int64_t>{g.size(2), g.size(3)})
                        .mode(torch::kBilinear)
                        .align_corners(false);
    const auto meanA = F::interpolate(boxMeanTorch(a, r), up), meanB = F::interpolate(boxMeanTorch(b, r), up);
    return (meanA * g + meanB).narrow(2, 0, h).narrow(3, 0, w);
}

torch::Tensor removeSpecksAndFillHolesTorch(const torch::Tensor& masks, int minArea, int maxHole) {
    std::vector<torch::Tensor> out;
    for (int64_t i = 0; i < masks.size(0); ++i) out.push_back(cleanOne(masks.narrow(0, i, 1), minArea, maxHole));
    return torch::cat(out);
}

std::vector<RefinementResult> refineMasksTorch(const std::vector<cv::Mat>& rgbs, const std::vector<cv::Mat>& softs,
                                               const std::vector<cv::Mat>& references, const RefineOptions& options,
                                               torch::Device device) {
    if (rgbs.size() != softs.size() || (!references.empty() && references.size() != rgbs.size()))
        throw Error("refine: as many images, masks and (where given) references are needed");
    std::vector<RefinementResult> results;
    for (size_t i = 0; i < rgbs.size(); ++i)
        results.push_back(refineOne(rgbs[i], softs[i], references.empty() ? cv::Mat() : references[i], options, device));
    return results;
}

} // namespace rlfseg::refine
