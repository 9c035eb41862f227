#include "core/nn/Attention.h"

#include <algorithm>
#include <cstdlib>

namespace rlfseg {

int64_t AttentionOptions::defaultSliceBudget() {
    static const int64_t budget = [] {
        if (const char* env = std::getenv("RLFSEG_ATTENTION_SLICE_BYTES")) {
            const long long v = std::atoll(env);
            if (v > 0) return static_cast<int64_t>(v);
        }
        return static_cast<int64_t>(1) << 20;
    }();
    return budget;
}

bool hasFusedAttention() {
#if TORCH_VERSION_MAJOR >= 2
    return true;
#else
    return false;
#endif
}

namespace {

// q: [B, Lq, H*D], k, v: [B, Lk, H*D]. Works on strided per-head views, so no head is copied
// out of the projections, and in slices of query rows small enough that the score block stays in
// cache between the product, the softmax and the product with v.
[[maybe_unused]] torch::Tensor slicedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                               int64_t heads, const AttentionOptions& options) {
    const int64_t b = q.size(0), lq = q.size(1), lk = k.size(1), d = q.size(2) / heads;
    const double scale = 1.0 / std::sqrt(static_cast<double>(d));
    const bool upcast = options.upcastSoftmax && q.scalar_type() != torch::kFloat && q.scalar_type() != torch::kDouble;
    const int64_t scoreBytes = upcast ? 4 : static_cast<int64_t>(q.element_size());
    // On a GPU, cache-sized slices would mean thousands of tiny kernel launches: slice only to bound memory.
    const int64_t budget = q.is_cuda() ? std::max<int64_t>(options.sliceBudgetBytes, 256ll << 20) : options.sliceBudgetBytes;
    const int64_t rowsPerSlice = std::clamp<int64_t>(budget / std::max<int64_t>(b * lk * scoreBytes, 1), 1, lq);

    torch::Tensor causalMask;
    if (options.causal) {
        causalMask = torch::full({lq, lk}, -std::numeric_limits<float>::infinity(),
                                 q.options().dtype(upcast ? torch::kFloat : q.scalar_type()))
                         .triu(1 + (lk - lq));
    }

    auto out = torch::empty_like(q); // [B, Lq, H*D]
    for (int64_t h = 0; h < heads; ++h) {
        auto qh = q.narrow(2, h * d, d);                 // [B, Lq, D], strided
        auto kTh = k.narrow(2, h * d, d).transpose(1, 2); // [B, D, Lk]
        auto vh = v.narrow(2, h * d, d);                 // [B, Lk, D]
        for (int64_t r0 = 0; r0 < lq; r0 += rowsPerSlice) {
            const int64_t rows = std::min(rowsPerSlice, lq - r0);
            auto qs = qh.narrow(1, r0, rows);
            auto scores = torch::bmm(qs, kTh).mul_(scale); // [B, r, Lk]
            if (upcast) scores = scores.to(torch::kFloat);
            if (options.causal) scores.add_(causalMask.narrow(0, r0, rows));
            auto probs = scores.softmax(-1).to(v.scalar_type());
            out.narrow(2, h * d, d).narrow(1, r0, rows).copy_(torch::bmm(probs, vh));
        }
    }
    return out;
}

} // namespace

torch::Tensor multiHeadAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                 int64_t heads, const AttentionOptions& options) {
    TORCH_CHECK(q.dim() == 3 && k.dim() == 3 && v.dim() == 3, "attention expects [B, L, H*D] inputs");
    TORCH_CHECK(q.size(2) % heads == 0, "attention: channels ", q.size(2), " not divisible by heads ", heads);
#if TORCH_VERSION_MAJOR >= 2
    const int64_t b = q.size(0), lq = q.size(1), lk = k.size(1), inner = q.size(2), d = inner / heads;
    auto split = [&](const torch::Tensor& t, int64_t len) {
        return t.reshape({b, len, heads, d}).permute({0, 2, 1, 3}); // [B, H, L, D]
    };
    return at::scaled_dot_product_attention(split(q, lq), split(k, lk), split(v, lk), {}, 0.0, options.causal)
        .permute({0, 2, 1, 3})
        .reshape({b, lq, inner}); // [B, Lq, H*D]
#else
    return slicedAttention(q, k, v, heads, options);
#endif
}

} // namespace rlfseg
