#include "core/refine/EdgeSnap.h"

#include "core/refine/Refinement.h"

#include "core/util/Error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

namespace rlfseg::refine {

bool isValid(const EdgeSnap& snap) {
    if (snap.radius == 0) return true;
    return snap.radius > 0 && snap.radius <= kMaxEdgeSnapRadius && snap.epsilon >= kMinEdgeSnapEpsilon &&
           snap.epsilon < 1;
}

std::string validRanges() {
    std::ostringstream s;
    s << "a radius from 1 to " << kMaxEdgeSnapRadius << " px and an epsilon from 1e"
      << std::lround(std::log10(kMinEdgeSnapEpsilon)) << " to below 1"; // "1e-6", as users type it
    return s.str();
}

std::string describe(const EdgeSnap& snap) {
    if (!snap.enabled()) return "off";
    std::ostringstream s;
    s << "radius " << snap.radius << " px, epsilon " << snap.epsilon;
    return s.str();
}

cv::Mat colourGuidedFilter(const cv::Mat& guide, const cv::Mat& p, int radius, double epsilon) {
    if (guide.channels() != 3 || (guide.depth() != CV_8U && guide.depth() != CV_32F))
        throw Error("colourGuidedFilter: the guide must be CV_8UC3 or CV_32FC3");
    if (p.type() != CV_32FC1 || p.size() != guide.size() || p.empty())
        throw Error("colourGuidedFilter: the mask must be a non-empty CV_32FC1 of the guide's size");
    if (radius < 1 || !(epsilon >= kMinEdgeSnapEpsilon))
        throw Error("colourGuidedFilter: needs " + validRanges());
    // Beyond the image's larger side a wider window only adds copies of the border pixels: the cap
    // bounds the cost (and changes the result slightly against an uncapped radius).
    const int r = std::min(radius, std::max(guide.rows, guide.cols));
    cv::Mat scaled;
    guide.convertTo(scaled, CV_32F, guide.depth() == CV_8U ? 1.0 / 255.0 : 1.0);
    std::array<cv::Mat, 3> I;
    cv::split(scaled, I.data());

    std::array<cv::Mat, 3> meanI, covIp;
    const cv::Mat meanP = boxMean(p, r);
    for (int c = 0; c < 3; ++c) {
        meanI[c] = boxMean(I[c], r);
        covIp[c] = boxMean(I[c].mul(p), r) - meanI[c].mul(meanP);
    }
    // The guide's covariance in each window: its six distinct entries, row-major upper triangle.
    constexpr std::array<std::array<int, 2>, 6> pairs{{{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}}};
    std::array<cv::Mat, 6> sigma;
    for (size_t k = 0; k < pairs.size(); ++k) {
        const auto [i, j] = pairs[k];
        sigma[k] = boxMean(I[i].mul(I[j]), r) - meanI[i].mul(meanI[j]);
    }

    // a = (Sigma + epsilon U)^-1 cov(I, p) by the adjugate; b = mean_p - a . mean_I. With epsilon at
    // least 1e-6 the matrix stays positive definite against the float covariances' rounding (about
    // 1e-7) and a stays small where the image is flat; a window found singular anyway is flat (a = 0).
    std::array<cv::Mat, 3> a;
    for (auto& m : a) m.create(p.size(), CV_32F);
    cv::Mat b(p.size(), CV_32F);
    const auto e = static_cast<float>(epsilon);
    for (int y = 0; y < p.rows; ++y) {
        std::array<const float*, 6> s;
        for (size_t k = 0; k < 6; ++k) s[k] = sigma[k].ptr<float>(y);
        const float *c0 = covIp[0].ptr<float>(y), *c1 = covIp[1].ptr<float>(y), *c2 = covIp[2].ptr<float>(y);
        const float *m0 = meanI[0].ptr<float>(y), *m1 = meanI[1].ptr<float>(y), *m2 = meanI[2].ptr<float>(y);
        const float* mp = meanP.ptr<float>(y);
        float *a0 = a[0].ptr<float>(y), *a1 = a[1].ptr<float>(y), *a2 = a[2].ptr<float>(y), *bo = b.ptr<float>(y);
        for (int x = 0; x < p.cols; ++x) {
            const double s00 = s[0][x] + e, s01 = s[1][x], s02 = s[2][x], s11 = s[3][x] + e, s12 = s[4][x],
                         s22 = s[5][x] + e;
            const double i00 = s11 * s22 - s12 * s12, i01 = s02 * s12 - s01 * s22, i02 = s01 * s12 - s02 * s11;
            const double i11 = s00 * s22 - s02 * s02, i12 = s01 * s02 - s00 * s12, i22 = s00 * s11 - s01 * s01;
            const double det = s00 * i00 + s01 * i01 + s02 * i02;
            const double inv = det > 0 ? 1.0 / det : 0.0;
            const double v0 = (i00 * c0[x] + i01 * c1[x] + i02 * c2[x]) * inv;
            const double v1 = (i01 * c0[x] + i11 * c1[x] + i12 * c2[x]) * inv;
            const double v2 = (i02 * c0[x] + i12 * c1[x] + i22 * c2[x]) * inv;
            a0[x] = static_cast<float>(v0);
            a1[x] = static_cast<float>(v1);
            a2[x] = static_cast<float>(v2);
            bo[x] = static_cast<float>(mp[x] - v0 * m0[x] - v1 * m1[x] - v2 * m2[x]);
        }
    }
    cv::Mat q = boxMean(b, r);
    for (int c = 0; c < 3; ++c) q += boxMean(a[c], r).mul(I[c]);
    return q;
}

cv::Mat snapToImageEdges(const cv::Mat& rgb, const cv::Mat& soft, const EdgeSnap& snap) {
    if (rgb.type() != CV_8UC3) throw Error("edge snap: expected an 8-bit RGB image");
    if (soft.type() != CV_32FC1 || soft.size() != rgb.size())
        throw Error("edge snap: the soft mask must be CV_32FC1 of the image's size");
    if (!snap.enabled()) return soft;
    cv::Mat q = colourGuidedFilter(rgb, soft, snap.radius, snap.epsilon);
    cv::max(q, 0.0, q);
    cv::min(q, 1.0, q);
    return q;
}

} // namespace rlfseg::refine
