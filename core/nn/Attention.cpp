#include "core/nn/Attention.h"

#include <algorithm>

namespace rlfseg {

bool hasFusedAttention() {
#if TORCH_VERSION_MAJOR >= 2
    return true;
#else
    return false;
#endif
}

namespace {

[[maybe_unused]] torch::Tensor slicedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              const AttentionOptions& options) {
    // q: [BH, Lq, D], k, v: [BH, Lk, D]
    const int64_t bh = q.size(0), lq = q.size(1), lk = k.size(1), d = q.size(2);
    const double scale = 1.0 / std::sqrt(static_cast<double>(d));
    const bool upcast = options.upcastSoftmax && q.scalar_type() != torch::kFloat && q.scalar_type() != torch::kDouble;
    const int64_t scoreBytes = upcast ? 4 : static_cast<int64_t>(q.element_size());
    const int64_t rowBytes = lk * scoreBytes;
    // Rows of the score matrix that fit the budget: first whole heads, then parts of one.
    const int64_t budgetRows = std::max<int64_t>(1, options.sliceBudgetBytes / std::max<int64_t>(rowBytes, 1));
    const int64_t headsPerSlice = std::clamp<int64_t>(budgetRows / lq, 1, bh);
    const int64_t rowsPerSlice = std::min<int64_t>(lq, budgetRows);

    torch::Tensor causalMask;
    if (options.causal) {
        causalMask = torch::full({lq, lk}, -std::numeric_limits<float>::infinity(),
                                 q.options().dtype(upcast ? torch::kFloat : q.scalar_type()))
                         .triu(1 + (lk - lq));
    }

    auto out = torch::empty_like(q);
    const auto kT = k.transpose(1, 2); // [BH, D, Lk]
    for (int64_t h0 = 0; h0 < bh; h0 += headsPerSlice) {
        const int64_t h1 = std::min(bh, h0 + headsPerSlice);
        for (int64_t r0 = 0; r0 < lq; r0 += rowsPerSlice) {
            const int64_t r1 = std::min(lq, r0 + rowsPerSlice);
            auto qs = q.slice(0, h0, h1).slice(1, r0, r1);             // [h, r, D]
            auto scores = torch::bmm(qs, kT.slice(0, h0, h1)).mul_(scale); // [h, r, Lk]
            if (upcast) scores = scores.to(torch::kFloat);
            if (options.causal) scores.add_(causalMask.slice(0, r0, r1));
            auto probs = scores.softmax(-1).to(v.scalar_type());
            out.slice(0, h0, h1).slice(1, r0, r1).copy_(torch::bmm(probs, v.slice(0, h0, h1)));
        }
    }
    return out;
}

} // namespace

torch::Tensor multiHeadAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                 int64_t heads, const AttentionOptions& options) {
    TORCH_CHECK(q.dim() == 3 && k.dim() == 3 && v.dim() == 3, "attention expects [B, L, H*D] inputs");
    const int64_t b = q.size(0), lq = q.size(1), lk = k.size(1), inner = q.size(2);
    TORCH_CHECK(inner % heads == 0, "attention: channels ", inner, " not divisible by heads ", heads);
    const int64_t d = inner / heads;
    auto split = [&](const torch::Tensor& t, int64_t len) {
        return t.reshape({b, len, heads, d}).permute({0, 2, 1, 3}); // [B, H, L, D]
    };
#if TORCH_VERSION_MAJOR >= 2
    auto out = at::scaled_dot_product_attention(split(q, lq), split(k, lk), split(v, lk), {}, 0.0, options.causal);
#else
    auto out = slicedAttention(split(q, lq).reshape({b * heads, lq, d}), split(k, lk).reshape({b * heads, lk, d}),
                               split(v, lk).reshape({b * heads, lk, d}), options)
                   .reshape({b, heads, lq, d});
#endif
    return out.permute({0, 2, 1, 3}).reshape({b, lq, inner}); // [B, Lq, H*D]
}

} // namespace rlfseg
