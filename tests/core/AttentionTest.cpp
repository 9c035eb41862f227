#include "core/nn/Attention.h"

#include <gtest/gtest.h>

using namespace rlfseg;

namespace {
// Textbook attention, one matrix for everything: the reference for the sliced version.
torch::Tensor plainAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t heads,
                             bool causal) {
    const auto b = q.size(0), lq = q.size(1), lk = k.size(1), d = q.size(2) / heads;
    auto split = [&](const torch::Tensor& t, int64_t l) { return t.reshape({b, l, heads, d}).transpose(1, 2); };
    auto scores = torch::matmul(split(q, lq), split(k, lk).transpose(-1, -2)) / std::sqrt(double(d));
    if (causal) scores = scores + torch::full({lq, lk}, -INFINITY).triu(1);
    return torch::matmul(scores.softmax(-1), split(v, lk)).transpose(1, 2).reshape({b, lq, heads * d});
}
} // namespace

TEST(Attention, SlicedEqualsPlainWhateverTheBudget) {
    torch::manual_seed(0);
    auto q = torch::randn({2, 37, 24}), k = torch::randn({2, 19, 24}), v = torch::randn({2, 19, 24});
    auto reference = plainAttention(q, k, v, 3, false);
    for (int64_t budget : {int64_t(1), int64_t(19 * 4 * 5), int64_t(64) << 20}) {
        AttentionOptions o;
        o.sliceBudgetBytes = budget; // 1 byte: one query row per slice
        EXPECT_TRUE(torch::allclose(multiHeadAttention(q, k, v, 3, o), reference, 1e-5, 1e-6)) << "budget " << budget;
    }
}

TEST(Attention, CausalMaskHidesLaterKeys) {
    torch::manual_seed(1);
    auto x = torch::randn({1, 9, 8});
    AttentionOptions o;
    o.causal = true;
    o.sliceBudgetBytes = 9 * 4 * 2; // slices of two rows: the mask must be sliced with them
    auto out = multiHeadAttention(x, x, x, 2, o);
    EXPECT_TRUE(torch::allclose(out, plainAttention(x, x, x, 2, true), 1e-5, 1e-6));
    // The first position attends only to itself: its output is its own value.
    EXPECT_TRUE(torch::allclose(out[0][0], x[0][0], 1e-6, 1e-6));
}

TEST(Attention, RejectsChannelsNotDivisibleByHeads) {
    auto x = torch::randn({1, 4, 10});
    EXPECT_THROW(multiHeadAttention(x, x, x, 3), c10::Error);
}
