#include "core/nn/Blocks.h"

#include "core/nn/Attention.h"

namespace rlfseg {
namespace nn = torch::nn;
namespace F = torch::nn::functional;

nn::Conv2d makeConv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding) {
    return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding));
}
torch::Tensor AutocastGroupNormImpl::forward(const torch::Tensor& x) {
    return nn::GroupNormImpl::forward(x.scalar_type() == weight.scalar_type() ? x : x.to(weight.scalar_type()));
}
torch::Tensor AutocastLayerNormImpl::forward(const torch::Tensor& x) {
    return nn::LayerNormImpl::forward(x.scalar_type() == weight.scalar_type() ? x : x.to(weight.scalar_type()));
}
AutocastGroupNorm makeGroupNorm(int64_t groups, int64_t channels, double eps) {
    return AutocastGroupNorm(nn::GroupNormOptions(groups, channels).eps(eps));
}
AutocastLayerNorm makeLayerNorm(int64_t dim, double eps) { return AutocastLayerNorm(nn::LayerNormOptions({dim}).eps(eps)); }
nn::Linear makeLinear(int64_t in, int64_t out, bool bias) { return nn::Linear(nn::LinearOptions(in, out).bias(bias)); }

ResnetBlock2DImpl::ResnetBlock2DImpl(int64_t in, int64_t out, int64_t tembChannels, int64_t groups, double eps) {
    norm1 = register_module("norm1", makeGroupNorm(groups, in, eps));
    conv1 = register_module("conv1", makeConv(in, out, 3, 1, 1));
    if (tembChannels > 0) time_emb_proj = register_module("time_emb_proj", makeLinear(tembChannels, out));
    norm2 = register_module("norm2", makeGroupNorm(groups, out, eps));
    conv2 = register_module("conv2", makeConv(out, out, 3, 1, 1));
    if (in != out) conv_shortcut = register_module("conv_shortcut", makeConv(in, out, 1));
}

torch::Tensor ResnetBlock2DImpl::forward(const torch::Tensor& x, const torch::Tensor& temb) {
    auto h = conv1(F::silu(norm1(x)));
    if (time_emb_proj && temb.defined())
        h = h + time_emb_proj(F::silu(temb)).unsqueeze(-1).unsqueeze(-1); // [B, C] -> [B, C, 1, 1]
    h = conv2(F::silu(norm2(h)));
    return (conv_shortcut ? conv_shortcut(x) : x) + h;
}

Downsample2DImpl::Downsample2DImpl(int64_t channels, int64_t padding) : mPadding(padding) {
    conv = register_module("conv", makeConv(channels, channels, 3, 2, padding));
}

torch::Tensor Downsample2DImpl::forward(const torch::Tensor& x) {
    if (mPadding == 0) return conv(F::pad(x, F::PadFuncOptions({0, 1, 0, 1})));
    return conv(x);
}

Upsample2DImpl::Upsample2DImpl(int64_t channels) {
    conv = register_module("conv", makeConv(channels, channels, 3, 1, 1));
}

torch::Tensor Upsample2DImpl::forward(const torch::Tensor& x, c10::optional<std::vector<int64_t>> size) {
    auto options = F::InterpolateFuncOptions().mode(torch::kNearest);
    if (size)
        options.size(*size);
    else
        options.scale_factor(std::vector<double>{2.0, 2.0});
    // Nearest-neighbour upsampling has no BFloat16 kernel before LibTorch 2.1: go through float32.
    if (x.scalar_type() == torch::kBFloat16) return conv(F::interpolate(x.to(torch::kFloat), options).to(x.scalar_type()));
    return conv(F::interpolate(x, options));
}

SpatialSelfAttentionImpl::SpatialSelfAttentionImpl(int64_t channels, int64_t groups, double eps) {
    group_norm = register_module("group_norm", makeGroupNorm(groups, channels, eps));
    to_q = register_module("to_q", makeLinear(channels, channels));
    to_k = register_module("to_k", makeLinear(channels, channels));
    to_v = register_module("to_v", makeLinear(channels, channels));
    mOut = makeLinear(channels, channels);
    to_out->push_back(mOut);
    register_module("to_out", to_out);
}

torch::Tensor SpatialSelfAttentionImpl::forward(const torch::Tensor& x) {
    const auto b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    auto t = group_norm(x).reshape({b, c, h * w}).transpose(1, 2); // [B, HW, C]
    AttentionOptions options;
    options.upcastSoftmax = true;
    auto a = multiHeadAttention(to_q(t), to_k(t), to_v(t), 1, options);
    a = mOut(a).transpose(1, 2).reshape({b, c, h, w}); // [B, C, H, W]
    return a + x;
}

CrossAttentionImpl::CrossAttentionImpl(int64_t queryDim, int64_t contextDim, int64_t heads, int64_t headDim, bool upcast)
    : mHeads(heads), mUpcast(upcast) {
    const int64_t inner = heads * headDim;
    const int64_t kvDim = contextDim > 0 ? contextDim : queryDim;
    to_q = register_module("to_q", makeLinear(queryDim, inner, false));
    to_k = register_module("to_k", makeLinear(kvDim, inner, false));
    to_v = register_module("to_v", makeLinear(kvDim, inner, false));
    mOut = makeLinear(inner, queryDim);
    to_out->push_back(mOut);
    register_module("to_out", to_out);
}

torch::Tensor CrossAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    const auto& kv = context.defined() ? context : x;
    AttentionOptions options;
    options.upcastSoftmax = true; // float32 softmax in half precision keeps large logits finite
    auto q = to_q(x), k = to_k(kv), v = to_v(kv);
    if (mUpcast) { // upcast_attention: q.k in float32 as well
        auto out = multiHeadAttention(q.to(torch::kFloat), k.to(torch::kFloat), v.to(torch::kFloat), mHeads, options);
        return mOut(out.to(x.scalar_type()));
    }
    return mOut(multiHeadAttention(q, k, v, mHeads, options));
}

GEGLUImpl::GEGLUImpl(int64_t dim, int64_t inner) { proj = register_module("proj", makeLinear(dim, inner * 2)); }

torch::Tensor GEGLUImpl::forward(const torch::Tensor& x) {
    auto parts = proj(x).chunk(2, -1);
    return parts[0] * F::gelu(parts[1]);
}

FeedForwardImpl::FeedForwardImpl(int64_t dim, int64_t mult) {
    mGeglu = GEGLU(dim, dim * mult);
    mOut = makeLinear(dim * mult, dim);
    net->push_back(mGeglu);
    net->push_back(nn::Identity()); // dropout in the reference: index 1, no weights
    net->push_back(mOut);
    register_module("net", net);
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x) { return mOut(mGeglu(x)); }

BasicTransformerBlockImpl::BasicTransformerBlockImpl(int64_t dim, int64_t heads, int64_t headDim, int64_t contextDim,
                                                     bool upcast) {
    auto ln = [&] { return makeLayerNorm(dim, 1e-5); };
    norm1 = register_module("norm1", ln());
    attn1 = register_module("attn1", CrossAttention(dim, 0, heads, headDim, upcast));
    norm2 = register_module("norm2", ln());
    attn2 = register_module("attn2", CrossAttention(dim, contextDim, heads, headDim, upcast));
    norm3 = register_module("norm3", ln());
    ff = register_module("ff", FeedForward(dim));
}

torch::Tensor BasicTransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    auto h = attn1(norm1(x)) + x;
    h = attn2(norm2(h), context) + h;
    return ff(norm3(h)) + h;
}

Transformer2DModelImpl::Transformer2DModelImpl(const Transformer2DOptions& o) : mLinear(o.linearProjection) {
    const int64_t c = o.channels;
    norm = register_module("norm", makeGroupNorm(o.groups, c, 1e-6));
    if (mLinear) {
        mProjIn = nn::AnyModule(makeLinear(c, c));
        mProjOut = nn::AnyModule(makeLinear(c, c));
    } else {
        mProjIn = nn::AnyModule(makeConv(c, c, 1));
        mProjOut = nn::AnyModule(makeConv(c, c, 1));
    }
    register_module("proj_in", mProjIn.ptr());
    for (int64_t i = 0; i < o.layers; ++i)
        transformer_blocks->push_back(BasicTransformerBlock(c, o.heads, c / o.heads, o.contextDim, o.upcastAttention));
    register_module("transformer_blocks", transformer_blocks);
    register_module("proj_out", mProjOut.ptr());
}

torch::Tensor Transformer2DModelImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    const auto b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    auto t = norm(x);
    if (mLinear) {
        t = mProjIn.forward(t.permute({0, 2, 3, 1}).reshape({b, h * w, c})); // [B, HW, C]
    } else {
        t = mProjIn.forward(t).permute({0, 2, 3, 1}).reshape({b, h * w, c}); // [B, HW, C]
    }
    for (const auto& block : *transformer_blocks) t = block->as<BasicTransformerBlock>()->forward(t, context);
    if (mLinear) {
        t = mProjOut.forward(t).reshape({b, h, w, c}).permute({0, 3, 1, 2}); // [B, C, H, W]
    } else {
        t = mProjOut.forward(t.reshape({b, h, w, c}).permute({0, 3, 1, 2})); // [B, C, H, W]
    }
    return t + x;
}

} // namespace rlfseg
