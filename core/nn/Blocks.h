#pragma once
// Building blocks shared by the VAE and the UNet, each registering its children under the
// reference implementation's (diffusers') key names, so checkpoints load without renaming.

#include <torch/torch.h>

#include <map>
#include <string>

namespace rlfseg {

// Normalisations that run in their weights' dtype. LibTorch's CPU kernels take no mixed dtypes, and
// CPU autocast (bfloat16 training) leaves these ops in the low precision where CUDA autocast casts
// them up to float32: doing the same here keeps the two devices alike.
class AutocastGroupNormImpl : public torch::nn::GroupNormImpl {
public:
    using torch::nn::GroupNormImpl::GroupNormImpl;
    torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(AutocastGroupNorm);

class AutocastLayerNormImpl : public torch::nn::LayerNormImpl {
public:
    using torch::nn::LayerNormImpl::LayerNormImpl;
    torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(AutocastLayerNorm);

// Layers as the reference constructs them, shared by every network.
torch::nn::Conv2d makeConv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t padding = 0);
AutocastGroupNorm makeGroupNorm(int64_t groups, int64_t channels, double eps);
AutocastLayerNorm makeLayerNorm(int64_t dim, double eps);
torch::nn::Linear makeLinear(int64_t in, int64_t out, bool bias = true);

// Optional sink for intermediate outputs, keyed by module path; used by the parity tests to
// bisect a mismatch. Null in normal use.
using DebugTensors = std::map<std::string, torch::Tensor>;
inline void recordDebug(DebugTensors* debug, const std::string& key, const torch::Tensor& t) {
    if (debug) (*debug)[key] = t.detach().clone();
}

// diffusers ResnetBlock2D (resnet_time_scale_shift "default", output_scale_factor 1).
class ResnetBlock2DImpl : public torch::nn::Module {
public:
    // tembChannels 0: no time embedding (the VAE).
    ResnetBlock2DImpl(int64_t in, int64_t out, int64_t tembChannels, int64_t groups, double eps);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb = {});

private:
    AutocastGroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv_shortcut{nullptr};
    torch::nn::Linear time_emb_proj{nullptr};
};
TORCH_MODULE(ResnetBlock2D);

// diffusers Downsample2D with a conv: stride-2 3x3. padding 0 means the VAE's asymmetric
// zero pad (right 1, bottom 1) before the conv.
class Downsample2DImpl : public torch::nn::Module {
public:
    Downsample2DImpl(int64_t channels, int64_t padding);
    torch::Tensor forward(const torch::Tensor& x);

private:
    int64_t mPadding;
    torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Downsample2D);

// diffusers Upsample2D with a conv: nearest-neighbour resize (to `size`, or x2), then 3x3 conv.
class Upsample2DImpl : public torch::nn::Module {
public:
    explicit Upsample2DImpl(int64_t channels);
    torch::Tensor forward(const torch::Tensor& x, c10::optional<std::vector<int64_t>> size = c10::nullopt);

private:
    torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Upsample2D);

// The VAE mid-block's spatial self-attention (diffusers Attention with group_norm, one head,
// biased Linear projections, residual connection, float32 softmax).
class SpatialSelfAttentionImpl : public torch::nn::Module {
public:
    SpatialSelfAttentionImpl(int64_t channels, int64_t groups, double eps);
    torch::Tensor forward(const torch::Tensor& x);

private:
    AutocastGroupNorm group_norm{nullptr};
    torch::nn::Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr};
    torch::nn::ModuleList to_out;
    torch::nn::Linear mOut{nullptr};
};
TORCH_MODULE(SpatialSelfAttention);

// diffusers Attention as used in the UNet's transformer blocks: q/k/v without bias,
// to_out.0 with bias. contextDim 0 means self-attention.
class CrossAttentionImpl : public torch::nn::Module {
public:
    CrossAttentionImpl(int64_t queryDim, int64_t contextDim, int64_t heads, int64_t headDim, bool upcast);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {});

private:
    int64_t mHeads;
    bool mUpcast;
    torch::nn::Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr};
    torch::nn::ModuleList to_out;
    torch::nn::Linear mOut{nullptr};
};
TORCH_MODULE(CrossAttention);

// diffusers GEGLU: proj to 2 x inner, value * gelu(gate).
class GEGLUImpl : public torch::nn::Module {
public:
    GEGLUImpl(int64_t dim, int64_t inner);
    torch::Tensor forward(const torch::Tensor& x);

private:
    torch::nn::Linear proj{nullptr};
};
TORCH_MODULE(GEGLU);

// diffusers FeedForward with GEGLU: net.0 = GEGLU, net.1 = dropout (no weights), net.2 = Linear.
class FeedForwardImpl : public torch::nn::Module {
public:
    explicit FeedForwardImpl(int64_t dim, int64_t mult = 4);
    torch::Tensor forward(const torch::Tensor& x);

private:
    torch::nn::ModuleList net;
    GEGLU mGeglu{nullptr};
    torch::nn::Linear mOut{nullptr};
};
TORCH_MODULE(FeedForward);

// diffusers BasicTransformerBlock (layer_norm, self-attention, cross-attention, GEGLU MLP).
class BasicTransformerBlockImpl : public torch::nn::Module {
public:
    BasicTransformerBlockImpl(int64_t dim, int64_t heads, int64_t headDim, int64_t contextDim, bool upcast);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);

private:
    AutocastLayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
    CrossAttention attn1{nullptr}, attn2{nullptr};
    FeedForward ff{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

struct Transformer2DOptions {
    int64_t channels = 0;
    int64_t heads = 1;
    int64_t layers = 1;
    int64_t contextDim = 768;
    int64_t groups = 32;
    bool linearProjection = false; // SD 2.x: Linear proj_in/proj_out; SD 1.x: 1x1 convs
    bool upcastAttention = false;
};

// diffusers Transformer2DModel for continuous (spatial) input.
class Transformer2DModelImpl : public torch::nn::Module {
public:
    explicit Transformer2DModelImpl(const Transformer2DOptions& options);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);

private:
    bool mLinear;
    AutocastGroupNorm norm{nullptr};
    torch::nn::AnyModule mProjIn, mProjOut; // Conv2d 1x1 or Linear
    torch::nn::ModuleList transformer_blocks;
};
TORCH_MODULE(Transformer2DModel);

} // namespace rlfseg
