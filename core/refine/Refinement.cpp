#include "core/refine/Refinement.h"

#include "core/refine/RefinementPlan.h"

#include "core/util/Error.h"
#include "core/util/MaskBox.h"
#include "core/util/ParallelFor.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace rlfseg::refine {

namespace {

cv::Mat toSoft(const cv::Mat& soft) {
    cv::Mat p;
    if (soft.type() == CV_32FC1) p = soft.clone();
    else if (soft.type() == CV_8UC1) soft.convertTo(p, CV_32F, 1.0 / 255.0);
    else throw Error("refine: the mask must be a float (CV_32FC1) soft mask or an 8-bit (CV_8UC1) mask");
    cv::min(cv::max(p, 0.0), 1.0, p);
    return p;
}

double maskIoU(const cv::Mat& a, const cv::Mat& b) {
    const int inter = cv::countNonZero(a & b);
    const int uni = cv::countNonZero(a | b);
    return uni > 0 ? static_cast<double>(inter) / uni : 0.0;
}


// Luminance gradient magnitude (Sobel, replicated borders) of an RGB region.
cv::Mat gradientMagnitude(const cv::Mat& gray) {
    cv::Mat dx, dy, mag;
    cv::Sobel(gray, dx, CV_32F, 1, 0, 3, 1.0, 0.0, cv::BORDER_REPLICATE);
    cv::Sobel(gray, dy, CV_32F, 0, 1, 3, 1.0, 0.0, cv::BORDER_REPLICATE);
    cv::magnitude(dx, dy, mag);
    // Rounding residue on flat colour is no edge (kGradientFloor).
    cv::threshold(mag, mag, detail::kGradientFloor, 0.0, cv::THRESH_TOZERO);
    return mag;
}

// What a strong edge is: the 95th percentile of the magnitude on every second row and column (the
// same sample on both paths), or, where edges cover under 5 % of the region (a large object on a
// flat background: the percentile is 0), the sample's largest magnitude.
double edgeScale(const cv::Mat& mag) {
    std::vector<float> values;
    values.reserve(static_cast<size_t>((mag.rows + 1) / 2) * static_cast<size_t>((mag.cols + 1) / 2));
    for (int y = 0; y < mag.rows; y += 2) {
        const float* row = mag.ptr<float>(y);
        for (int x = 0; x < mag.cols; x += 2) values.push_back(row[x]);
    }
    if (values.empty()) return 0.0;
    const size_t k = static_cast<size_t>(std::floor(0.95 * static_cast<double>(values.size() - 1)));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return values[k] > 0 ? values[k] : *std::max_element(values.begin(), values.end());
}

// Mean of the scaled gradient (min(1, |grad| / edgeScale), precomputed) over the mask's boundary pixels:
// object pixels with a 4-neighbour outside the object (the region's edge replicates, so it is not
// a boundary). This runs for every candidate: the boundary is where the mask and its erosion
// differ, and the scan skips eight equal bytes at a time (boundaries are sparse).
double edgeScore(const cv::Mat& mask, const cv::Mat& scaledMagnitude) {
    cv::Mat eroded;
    cv::erode(mask, eroded, cv::getStructuringElement(cv::MORPH_CROSS, {3, 3}), {-1, -1}, 1, cv::BORDER_REPLICATE);
    double sum = 0;
    size_t count = 0;
    for (int y = 0; y < mask.rows; ++y) {
        const uchar* m = mask.ptr<uchar>(y);
        const uchar* e = eroded.ptr<uchar>(y);
        const float* g = scaledMagnitude.ptr<float>(y);
        for (int x = 0; x < mask.cols; x += 8) {
            const int n = std::min(8, mask.cols - x);
            if (n == 8) {
                uint64_t mw, ew;
                std::memcpy(&mw, m + x, 8);
                std::memcpy(&ew, e + x, 8);
                if (mw == ew) continue;
            }
            for (int k = x; k < x + n; ++k)
                if (m[k] != e[k]) sum += g[k], ++count;
        }
    }
    return count > 0 ? sum / static_cast<double>(count) : 0.0;
}

// p > t as a 0/255 mask, and the stability counts |p > low| and |p > high| (OpenCV's vectorised
// compare and count: a plain loop doing all three did not vectorise and cost four times as much).
cv::Mat thresholdAndCount(const cv::Mat& p, float t, float low, float high, int& aboveLow, int& aboveHigh) {
    thread_local cv::Mat scratch;
    cv::Mat out;
    cv::compare(p, t, out, cv::CMP_GT);
    cv::compare(p, low, scratch, cv::CMP_GT);
    aboveLow = cv::countNonZero(scratch);
    cv::compare(p, high, scratch, cv::CMP_GT);
    aboveHigh = cv::countNonZero(scratch);
    return out;
}

} // namespace

cv::Mat boxMean(const cv::Mat& x, int r) {
    cv::Mat out;
    cv::boxFilter(x, out, CV_32F, cv::Size(2 * r + 1, 2 * r + 1), cv::Point(-1, -1), true, cv::BORDER_REPLICATE);
    return out;
}

cv::Mat guidedFilter(const cv::Mat& guide, const cv::Mat& p, int radius, double epsilon) {
    const cv::Mat meanI = boxMean(guide, radius), meanP = boxMean(p, radius);
    const cv::Mat corrI = boxMean(guide.mul(guide), radius), corrIp = boxMean(guide.mul(p), radius);
    const cv::Mat varI = corrI - meanI.mul(meanI);
    const cv::Mat covIp = corrIp - meanI.mul(meanP);
    cv::Mat a;
    cv::divide(covIp, varI + epsilon, a);
    const cv::Mat b = meanP - a.mul(meanI);
    return boxMean(a, radius).mul(guide) + boxMean(b, radius);
}

namespace {
// What the fast guided filter needs of the guide alone, so that the snap iterations, which all use
// the same guide, compute it once.
struct HalfResolutionGuide {
    cv::Mat full;                 // the guide, padded by replication to even sides
    cv::Mat half, meanI, varIEps; // at half resolution: the guide, its box mean, box variance + epsilon
    cv::Size original;
    int radius = 1;               // of the box filter at half resolution
};

// He & Sun's fast guided filter: the coefficients at half resolution (2 x 2 means, odd sizes padded
// by replication), bilinearly upsampled, applied to the full-resolution guide.
HalfResolutionGuide prepareGuide(const cv::Mat& guide, int radius, double epsilon) {
    HalfResolutionGuide h;
    h.original = guide.size();
    h.full = guide;
    if (guide.cols % 2 || guide.rows % 2)
        cv::copyMakeBorder(guide, h.full, 0, guide.rows % 2, 0, guide.cols % 2, cv::BORDER_REPLICATE);
    cv::resize(h.full, h.half, {h.full.cols / 2, h.full.rows / 2}, 0, 0, cv::INTER_AREA);
    h.radius = std::max(1, radius / 2);
    h.meanI = boxMean(h.half, h.radius);
    const cv::Mat varI = boxMean(h.half.mul(h.half), h.radius) - h.meanI.mul(h.meanI);
    h.varIEps = varI + epsilon;
    return h;
}

cv::Mat fastGuidedFilter(const HalfResolutionGuide& h, const cv::Mat& p) {
    cv::Mat q = p;
    if (p.size() != h.full.size())
        cv::copyMakeBorder(p, q, 0, h.full.rows - p.rows, 0, h.full.cols - p.cols, cv::BORDER_REPLICATE);
    cv::Mat ps;
    cv::resize(q, ps, h.half.size(), 0, 0, cv::INTER_AREA);
    const int r = h.radius;
    const cv::Mat meanP = boxMean(ps, r);
    const cv::Mat covIp = boxMean(h.half.mul(ps), r) - h.meanI.mul(meanP);
    cv::Mat a;
    cv::divide(covIp, h.varIEps, a);
    const cv::Mat b = meanP - a.mul(h.meanI);
    cv::Mat meanA, meanB;
    cv::resize(boxMean(a, r), meanA, h.full.size(), 0, 0, cv::INTER_LINEAR);
    cv::resize(boxMean(b, r), meanB, h.full.size(), 0, 0, cv::INTER_LINEAR);
    const cv::Mat out = meanA.mul(h.full) + meanB;
    return out(cv::Rect(0, 0, h.original.width, h.original.height)).clone();
}
} // namespace

cv::Mat fastGuidedFilter(const cv::Mat& guide, const cv::Mat& p, int radius, double epsilon) {
    return fastGuidedFilter(prepareGuide(guide, radius, epsilon), p);
}

namespace {
// Connected components without OpenCV's per-pixel statistics (ten times faster here): labels, then
// one pass for the areas. The label image (4 bytes a pixel) is a per-thread buffer reused between
// calls: allocating it afresh cost more in page faults than the labelling itself.
struct Components {
    const cv::Mat* labels = nullptr;
    std::vector<int> area;
};
Components components(const cv::Mat& binary, int connectivity, cv::Mat& labelBuffer) {
    Components c;
    const int n = cv::connectedComponents(binary, labelBuffer, connectivity, CV_32S);
    c.labels = &labelBuffer;
    c.area.assign(static_cast<size_t>(n), 0);
    for (int y = 0; y < binary.rows; ++y) {
        const int* l = labelBuffer.ptr<int>(y);
        for (int x = 0; x < binary.cols; ++x) ++c.area[static_cast<size_t>(l[x])];
    }
    return c;
}

void setWhere(cv::Mat& out, const cv::Mat& labels, const std::vector<uint8_t>& which, uint8_t value) {
    for (int y = 0; y < out.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        uint8_t* o = out.ptr<uint8_t>(y);
        for (int x = 0; x < out.cols; ++x)
            if (which[static_cast<size_t>(l[x])]) o[x] = value;
    }
}

// Holes are found by flooding the background from a one-pixel frame around the mask: what the
// flood does not reach is a hole, and each hole is measured by flooding it (floodFill returns the
// area). Masks seldom have holes, so this is a scan and one flood where two labellings used to run.
void fillSmallHoles(cv::Mat& out, int maxHole) {
    constexpr uchar kOutside = 128, kHole = 64, kFilled = 192;
    cv::Mat framed;
    cv::copyMakeBorder(out != 0, framed, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0); // 0 / 255 and a frame of 0
    cv::floodFill(framed, cv::Point(0, 0), kOutside, nullptr, 0, 0, 4);
    bool changed = false;
    for (int y = 1; y < framed.rows - 1; ++y) {
        const uchar* row = framed.ptr<uchar>(y);
        for (int x = 1; x < framed.cols - 1; ++x) {
            // memchr skips many bytes at a time to the next unvisited background pixel, if any.
            const void* zero = std::memchr(row + x, 0, static_cast<size_t>(framed.cols - 1 - x));
            if (!zero) break;
            x = static_cast<int>(static_cast<const uchar*>(zero) - row);
            const int area = cv::floodFill(framed, cv::Point(x, y), kHole, nullptr, 0, 0, 4);
            if (area < maxHole) {
                cv::floodFill(framed, cv::Point(x, y), kFilled, nullptr, 0, 0, 4);
                changed = true;
            }
        }
    }
    if (changed) out.setTo(255, framed(cv::Rect(1, 1, out.cols, out.rows)) == kFilled);
}
} // namespace

cv::Mat removeSpecksAndFillHoles(const cv::Mat& mask, int minArea, int maxHole) {
    cv::Mat out = mask.clone();
    // One top-level contour (RETR_CCOMP puts every component's outer boundary there, also one
    // inside another's hole) means one 8-connected component: the largest, which always stays.
    std::vector<std::vector<cv::Point>> contours;
    std::vector<cv::Vec4i> hierarchy;
    cv::findContours(mask, contours, hierarchy, cv::RETR_CCOMP, cv::CHAIN_APPROX_SIMPLE);
    int outer = 0;
    for (const auto& h : hierarchy) outer += h[3] < 0;
    if (outer > 1) {
        thread_local cv::Mat labels;
        const Components fg = components(mask, 8, labels);
        size_t largest = 1;
        for (size_t i = 2; i < fg.area.size(); ++i)
            if (fg.area[i] > fg.area[largest]) largest = i;
        std::vector<uint8_t> drop(fg.area.size(), 0);
        bool any = false;
        for (size_t i = 1; i < fg.area.size(); ++i)
            if (i != largest && fg.area[i] < minArea) drop[i] = 1, any = true;
        if (any) setWhere(out, *fg.labels, drop, 0);
    }
    fillSmallHoles(out, maxHole);
    return out;
}

namespace detail {

RefinementPlan planRefinement(const cv::Mat& rgb, const cv::Mat& softIn, const cv::Mat& reference,
                              const RefineOptions& o, RefinementResult& result) {
    if (rgb.empty() || rgb.type() != CV_8UC3) throw Error("refine: the image must be an 8-bit RGB image");
    if (softIn.size() != rgb.size()) throw Error("refine: the mask and the image differ in size");
    if (!reference.empty() && (reference.type() != CV_8UC1 || reference.size() != rgb.size()))
        throw Error("refine: the reference label must be an 8-bit mask of the image's size");
    if (o.thresholds.empty()) throw Error("refine: no thresholds");
    RefinementPlan plan;
    plan.soft = toSoft(softIn);
    const float lowest = *std::min_element(o.thresholds.begin(), o.thresholds.end()) - o.stabilityDelta;
    result.imageSize = rgb.size();
    // The object's region: everything that any candidate or the reference could contain, grown.
    cv::Mat support = plan.soft > lowest;
    if (!reference.empty()) support |= reference != 0;
    const cv::Rect box = maskBox(support);
    if (box.area() == 0) {
        result.region = cv::Rect(0, 0, 0, 0);
        result.reason = "no object: the mask is empty at every threshold";
        return plan;
    }
    plan.empty = false;
    const int objectArea = std::max(1, cv::countNonZero(plan.soft > 0.5f));
    const double size = std::sqrt(static_cast<double>(objectArea));
    plan.snapRadius = std::clamp(static_cast<int>(std::lround(size / 16.0)), 2, 8);
    plan.morphRadius = std::clamp(static_cast<int>(std::lround(size / 64.0)), 1, 3);
    const int margin = 2 * plan.snapRadius + plan.morphRadius + 4;
    plan.region = cv::Rect(box.x - margin, box.y - margin, box.width + 2 * margin, box.height + 2 * margin) &
                  cv::Rect(0, 0, rgb.cols, rgb.rows);
    result.region = plan.region;
    plan.speckBound = std::max(o.minSpeckPixels, static_cast<int>(o.speckFraction * objectArea));
    plan.holeBound = std::max(o.minHolePixels, static_cast<int>(o.holeFraction * objectArea));
    cv::cvtColor(rgb(plan.region), plan.gray, cv::COLOR_RGB2GRAY);
    plan.gray.convertTo(plan.gray, CV_32F, 1.0 / 255.0);
    return plan;
}

std::string candidateName(const std::string& stage, bool cleaned, float t) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s@%.2f", stage.c_str(), cleaned ? "-clean" : "", t);
    return buf;
}

double candidateScore(const Candidate& c, bool withReference, const RefineOptions& o) {
    const double weights = o.stabilityWeight + o.edgeWeight + (withReference ? o.referenceWeight : 0.0);
    return (o.stabilityWeight * c.stability + o.edgeWeight * c.edges + (withReference ? o.referenceWeight * c.reference : 0.0)) /
           weights;
}

void selectBest(RefinementResult& result) {
    double best = -1;
    for (const auto& c : result.candidates) best = std::max(best, c.score);
    for (size_t i = 0; i < result.candidates.size(); ++i)
        if (result.candidates[i].score >= best - 1e-6) {
            result.selected = static_cast<int>(i);
            break;
        }
    if (result.selected < 0) return;
    const auto& s = result.candidates[static_cast<size_t>(result.selected)];
    char buf[256];
    if (s.reference >= 0)
        std::snprintf(buf, sizeof buf, "%s: stability %.3f, edges %.3f, reference IoU %.3f (best of %zu)",
                      s.name.c_str(), s.stability, s.edges, s.reference, result.candidates.size());
    else
        std::snprintf(buf, sizeof buf, "%s: stability %.3f, edges %.3f (best of %zu)", s.name.c_str(), s.stability,
                      s.edges, result.candidates.size());
    result.reason = buf;
}

} // namespace detail

RefinementResult refineMask(const cv::Mat& rgb, const cv::Mat& softIn, const cv::Mat& reference,
                            const RefineOptions& o) {
    RefinementResult result;
    const auto plan = detail::planRefinement(rgb, softIn, reference, o, result);
    if (plan.empty) return result;
    const cv::Rect roi = plan.region;
    const cv::Mat& gray = plan.gray;
    const cv::Mat mag = gradientMagnitude(gray);
    const double scale = edgeScale(mag);
    cv::Mat scaledMag = cv::Mat::zeros(mag.size(), CV_32F);
    if (scale > 0) cv::min(mag * (1.0 / scale), 1.0, scaledMag);
    const cv::Mat ref = reference.empty() ? cv::Mat() : (reference(roi) != 0);
    const cv::Mat kernel =
        cv::getStructuringElement(cv::MORPH_RECT, {2 * plan.morphRadius + 1, 2 * plan.morphRadius + 1});

    std::vector<std::pair<std::string, cv::Mat>> stages{{"raw", plan.soft(roi).clone()}};
    const HalfResolutionGuide guide = prepareGuide(gray, plan.snapRadius, o.guidedEpsilon);
    for (int i = 1; i <= o.snapIterations; ++i)
        stages.emplace_back("snap" + std::to_string(i), fastGuidedFilter(guide, stages.back().second));

    // Every (stage, threshold) pair gives two candidates, independent of the others: they are
    // computed on every core and kept in their fixed order, so the result does not depend on timing.
    const size_t pairs = stages.size() * o.thresholds.size();
    std::vector<std::array<Candidate, 2>> made(pairs);
    // OpenCV's own parallel loop, so that the OpenCV calls inside it run without nested threads.
    cv::parallel_for_(cv::Range(0, static_cast<int>(pairs)), [&](const cv::Range& jobs) {
      for (int j = jobs.start; j < jobs.end; ++j) {
        const size_t job = static_cast<size_t>(j);
        const auto& [stage, p] = stages[job / o.thresholds.size()];
        const float t = o.thresholds[job % o.thresholds.size()];
        // The mask at t + delta is inside the one at t - delta: their IoU is the ratio of areas.
        int low = 0, high = 0;
        const cv::Mat raw = thresholdAndCount(p, t, t - o.stabilityDelta, t + o.stabilityDelta, low, high);
        const double stability = low > 0 ? static_cast<double>(high) / low : 0.0;
        for (bool cleaned : {false, true}) {
            cv::Mat m = raw; // the raw candidate owns `raw`; the cleaned one is written to new buffers
            if (cleaned) {
                cv::Mat opened, closed;
                cv::morphologyEx(raw, opened, cv::MORPH_OPEN, kernel, {-1, -1}, 1, cv::BORDER_CONSTANT, 0);
                cv::morphologyEx(opened, closed, cv::MORPH_CLOSE, kernel, {-1, -1}, 1, cv::BORDER_CONSTANT, 0);
                m = removeSpecksAndFillHoles(closed, plan.speckBound, plan.holeBound);
            }
            Candidate& c = made[job][cleaned ? 1 : 0];
            c.stage = stage, c.threshold = t, c.cleaned = cleaned;
            c.name = detail::candidateName(stage, cleaned, t);
            c.stability = stability;
            c.edges = edgeScore(m, scaledMag);
            if (!ref.empty()) c.reference = maskIoU(m, ref);
            c.score = detail::candidateScore(c, !ref.empty(), o);
            c.area = cv::countNonZero(m);
            c.regionMask = m;
        }
      }
    });
    for (auto& two : made)
        for (auto& c : two) result.candidates.push_back(std::move(c));
    detail::selectBest(result);
    return result;
}

cv::Mat RefinementResult::mask(size_t index) const {
    cv::Mat full = cv::Mat::zeros(imageSize, CV_8UC1);
    if (index < candidates.size()) candidates[index].regionMask.copyTo(full(region));
    return full;
}

cv::Mat RefinementResult::selectedMask() const {
    return selected >= 0 ? mask(static_cast<size_t>(selected)) : cv::Mat::zeros(imageSize, CV_8UC1);
}

nlohmann::json RefinementResult::toJson() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : candidates) {
        nlohmann::json j = {{"name", c.name},      {"stage", c.stage},         {"threshold", c.threshold},
                            {"cleaned", c.cleaned}, {"stability", c.stability}, {"edges", c.edges},
                            {"score", c.score},    {"area", c.area}};
        if (c.reference >= 0) j["reference_iou"] = c.reference;
        list.push_back(std::move(j));
    }
    return {{"candidates", list},
            {"selected", selected},
            {"selected_name", selected >= 0 ? candidates[static_cast<size_t>(selected)].name : ""},
            {"reason", reason}};
}

LabelRefinement refineLabel(const cv::Mat& rgb, const cv::Mat& soft, const cv::Mat& label, double agreement, int band,
                            const RefineOptions& options) {
    if (label.empty() || label.type() != CV_8UC1 || label.size() != rgb.size())
        throw Error("refine: the label must be an 8-bit mask of the image's size");
    LabelRefinement out;
    const cv::Mat g = label != 0;
    out.label = g;
    out.agreement = maskIoU(toSoft(soft) > 0.5f, g);
    if (out.agreement < agreement) return out;
    const auto r = refineMask(rgb, soft, label, options);
    if (!r.best()) return out;
    // The band around g's boundary: dilation minus erosion by `band` pixels.
    const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * band + 1, 2 * band + 1});
    cv::Mat grown, shrunk;
    cv::dilate(g, grown, kernel);
    cv::erode(g, shrunk, kernel);
    const cv::Mat inBand = grown & ~shrunk;
    r.selectedMask().copyTo(out.label, inBand);
    out.refined = true;
    return out;
}

} // namespace rlfseg::refine
