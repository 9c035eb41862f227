#pragma once
// Multi-head scaled dot-product attention with bounded memory.
//
// LibTorch 1.13 (Debian's) has no fused attention: a plain implementation at SD's 64 x 64 latent
// holds a 4096 x 4096 score matrix per head and batch item. This computes the scores one head and
// one slice of query rows at a time, on strided views of the projections (no copies), so that no
// slice exceeds a byte budget, as diffusers' sliced attention does; on the CPU the budget is small
// enough for the slice to stay in cache. Where the LibTorch in use has scaled_dot_product_attention
// (2.0+), the fused kernel is used instead.

#include <torch/torch.h>

namespace rlfseg {

struct AttentionOptions {
    bool causal = false;           // mask out keys after the query position (CLIP text encoder)
    bool upcastSoftmax = true;     // softmax in float32 when the inputs are half precision
    int64_t sliceBudgetBytes = defaultSliceBudget(); // upper bound of one score slice

    // Small enough for the score block to stay in cache (measured: see docs/BENCHMARKS.md);
    // $RLFSEG_ATTENTION_SLICE_BYTES overrides it, for tuning on other machines.
    static int64_t defaultSliceBudget();
};

// q: [B, Lq, H*D], k and v: [B, Lk, H*D]  ->  [B, Lq, H*D]. Scale 1/sqrt(D).
torch::Tensor multiHeadAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                 int64_t heads, const AttentionOptions& options = {});

// Whether the fused kernel is compiled in (LibTorch 2.0 or later).
bool hasFusedAttention();

} // namespace rlfseg
