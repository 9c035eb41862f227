#pragma once
// diffusers UNet2DConditionModel for SD 1.x and SD 2.x: the velocity field v(x, t, text) of RLFSeg.
// Child names follow the reference keys (conv_in, time_embedding.linear_1, down_blocks.0.attentions.1...).

#include "core/nn/Blocks.h"
#include "core/nn/ModelConfigs.h"

#include <torch/torch.h>

namespace rlfseg {

// Sinusoidal embedding of (float) timesteps, diffusers' get_timestep_embedding: [B] -> [B, dim].
torch::Tensor timestepEmbedding(const torch::Tensor& timesteps, int64_t dim, bool flipSinToCos, double freqShift);

// CrossAttnDownBlock2D (with attentions) or DownBlock2D (without).
class UNetDownBlockImpl : public torch::nn::Module {
public:
    UNetDownBlockImpl(const UNet2DConditionConfig& c, size_t index, int64_t in, int64_t out, bool withAttention,
                      bool downsample);
    // Appends each stage's output to `skips` (after every resnet/attention pair and the downsampler).
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                          std::vector<torch::Tensor>& skips);

private:
    torch::nn::ModuleList resnets, attentions, downsamplers;
};
TORCH_MODULE(UNetDownBlock);

// CrossAttnUpBlock2D (with attentions) or UpBlock2D (without).
class UNetUpBlockImpl : public torch::nn::Module {
public:
    UNetUpBlockImpl(const UNet2DConditionConfig& c, size_t index, int64_t in, int64_t out, int64_t prevOut,
                    bool withAttention, bool upsample);
    int64_t layers() const { return static_cast<int64_t>(resnets->size()); }
    // Consumes its skips from the back of `skips`; `upsampleSize` is the next skip's spatial size.
    torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                          std::vector<torch::Tensor>& skips);

private:
    torch::nn::ModuleList resnets, attentions, upsamplers;
};
TORCH_MODULE(UNetUpBlock);

class UNetMidBlockImpl : public torch::nn::Module {
public:
    UNetMidBlockImpl(const UNet2DConditionConfig& c, int64_t channels);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb, const torch::Tensor& context);

private:
    torch::nn::ModuleList resnets, attentions;
};
TORCH_MODULE(UNetMidBlock);

class TimestepEmbeddingImpl : public torch::nn::Module {
public:
    TimestepEmbeddingImpl(int64_t in, int64_t dim);
    torch::Tensor forward(const torch::Tensor& x);

private:
    torch::nn::Linear linear_1{nullptr}, linear_2{nullptr};
};
TORCH_MODULE(TimestepEmbedding);

class UNet2DConditionModelImpl : public torch::nn::Module {
public:
    explicit UNet2DConditionModelImpl(const UNet2DConditionConfig& config);

    // sample: [B, in, h, w]; timesteps: [B] or [1] (float or integer, SD's 0..1000 scale);
    // context: [B, L, cross_attention_dim]  ->  [B, out, h, w]
    torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timesteps, const torch::Tensor& context,
                          DebugTensors* debug = nullptr);

    const UNet2DConditionConfig& config() const { return mConfig; }

private:
    UNet2DConditionConfig mConfig;
    torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
    TimestepEmbedding time_embedding{nullptr};
    torch::nn::ModuleList down_blocks, up_blocks;
    UNetMidBlock mid_block{nullptr};
    AutocastGroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(UNet2DConditionModel);

} // namespace rlfseg
