#pragma once
// diffusers AutoencoderKL: image <-> latent. Child names follow the reference checkpoint keys
// (encoder.*, decoder.*, quant_conv, post_quant_conv).

#include "core/nn/Blocks.h"
#include "core/nn/ModelConfigs.h"

#include <torch/torch.h>

namespace rlfseg {

struct LatentDistribution {
    torch::Tensor mean;   // [B, latent, h, w]
    torch::Tensor logvar; // clamped to [-30, 20] as the reference does
};

// Encoder/decoder mid-block (diffusers UNetMidBlock2D without time embedding).
class VaeMidBlockImpl : public torch::nn::Module {
public:
    VaeMidBlockImpl(int64_t channels, int64_t groups, bool withAttention);
    torch::Tensor forward(const torch::Tensor& x);

private:
    torch::nn::ModuleList resnets, attentions;
};
TORCH_MODULE(VaeMidBlock);

// One encoder or decoder stage: resnets, then an optional down- or up-sampler.
class VaeStageImpl : public torch::nn::Module {
public:
    VaeStageImpl(int64_t in, int64_t out, int64_t layers, int64_t groups, bool downsample, bool upsample);
    torch::Tensor forward(torch::Tensor x);

private:
    torch::nn::ModuleList resnets, downsamplers, upsamplers;
};
TORCH_MODULE(VaeStage);

class VaeEncoderImpl : public torch::nn::Module {
public:
    explicit VaeEncoderImpl(const AutoencoderKLConfig& config);
    torch::Tensor forward(const torch::Tensor& x, DebugTensors* debug = nullptr);

private:
    torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
    torch::nn::ModuleList down_blocks;
    VaeMidBlock mid_block{nullptr};
    AutocastGroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(VaeEncoder);

class VaeDecoderImpl : public torch::nn::Module {
public:
    explicit VaeDecoderImpl(const AutoencoderKLConfig& config);
    torch::Tensor forward(const torch::Tensor& z, DebugTensors* debug = nullptr);

private:
    torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
    VaeMidBlock mid_block{nullptr};
    torch::nn::ModuleList up_blocks;
    AutocastGroupNorm conv_norm_out{nullptr};
};
TORCH_MODULE(VaeDecoder);

class AutoencoderKLImpl : public torch::nn::Module {
public:
    explicit AutoencoderKLImpl(const AutoencoderKLConfig& config);

    // x in [-1, 1]: [B, in, H, W]  ->  distribution over [B, latent, H/f, W/f]. No scaling factor applied.
    LatentDistribution encode(const torch::Tensor& x, DebugTensors* debug = nullptr);
    // z: [B, latent, h, w] (unscaled)  ->  [B, out, h*f, w*f]
    torch::Tensor decode(const torch::Tensor& z, DebugTensors* debug = nullptr);

    const AutoencoderKLConfig& config() const { return mConfig; }

private:
    AutoencoderKLConfig mConfig;
    VaeEncoder encoder{nullptr};
    VaeDecoder decoder{nullptr};
    torch::nn::Conv2d quant_conv{nullptr}, post_quant_conv{nullptr};
};
TORCH_MODULE(AutoencoderKL);

} // namespace rlfseg
