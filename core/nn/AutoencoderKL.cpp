#include "core/nn/AutoencoderKL.h"

namespace rlfseg {
namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {
constexpr double kVaeEps = 1e-6; // every GroupNorm of the reference VAE

nn::Conv2d conv3(int64_t in, int64_t out) { return makeConv(in, out, 3, 1, 1); }
} // namespace

VaeMidBlockImpl::VaeMidBlockImpl(int64_t channels, int64_t groups, bool withAttention) {
    resnets->push_back(ResnetBlock2D(channels, channels, 0, groups, kVaeEps));
    if (withAttention) attentions->push_back(SpatialSelfAttention(channels, groups, kVaeEps));
    resnets->push_back(ResnetBlock2D(channels, channels, 0, groups, kVaeEps));
    register_module("resnets", resnets);
    if (withAttention) register_module("attentions", attentions);
}

torch::Tensor VaeMidBlockImpl::forward(const torch::Tensor& x) {
    auto h = resnets[0]->as<ResnetBlock2D>()->forward(x);
    if (!attentions->is_empty()) h = attentions[0]->as<SpatialSelfAttention>()->forward(h);
    return resnets[1]->as<ResnetBlock2D>()->forward(h);
}

VaeStageImpl::VaeStageImpl(int64_t in, int64_t out, int64_t layers, int64_t groups, bool downsample, bool upsample) {
    for (int64_t j = 0; j < layers; ++j) resnets->push_back(ResnetBlock2D(j == 0 ? in : out, out, 0, groups, kVaeEps));
    register_module("resnets", resnets);
    if (downsample) {
        downsamplers->push_back(Downsample2D(out, 0));
        register_module("downsamplers", downsamplers);
    }
    if (upsample) {
        upsamplers->push_back(Upsample2D(out));
        register_module("upsamplers", upsamplers);
    }
}

torch::Tensor VaeStageImpl::forward(torch::Tensor x) {
    for (const auto& r : *resnets) x = r->as<ResnetBlock2D>()->forward(x);
    if (!downsamplers->is_empty()) x = downsamplers[0]->as<Downsample2D>()->forward(x);
    if (!upsamplers->is_empty()) x = upsamplers[0]->as<Upsample2D>()->forward(x);
    return x;
}

VaeEncoderImpl::VaeEncoderImpl(const AutoencoderKLConfig& c) {
    const auto& ch = c.blockOutChannels;
    conv_in = register_module("conv_in", conv3(c.inChannels, ch[0]));
    for (size_t i = 0; i < ch.size(); ++i) {
        const bool last = i + 1 == ch.size();
        down_blocks->push_back(VaeStage(i == 0 ? ch[0] : ch[i - 1], ch[i], c.layersPerBlock, c.normNumGroups, !last, false));
    }
    register_module("down_blocks", down_blocks);
    mid_block = register_module("mid_block", VaeMidBlock(ch.back(), c.normNumGroups, c.midBlockAddAttention));
    conv_norm_out = register_module("conv_norm_out", makeGroupNorm(c.normNumGroups, ch.back(), kVaeEps));
    conv_out = register_module("conv_out", conv3(ch.back(), 2 * c.latentChannels)); // mean and log-variance
}

torch::Tensor VaeEncoderImpl::forward(const torch::Tensor& x, DebugTensors* debug) {
    auto h = conv_in(x);
    recordDebug(debug, "encoder.conv_in", h);
    for (size_t i = 0; i < down_blocks->size(); ++i) {
        h = down_blocks[i]->as<VaeStage>()->forward(h);
        recordDebug(debug, "encoder.down_blocks." + std::to_string(i), h);
    }
    h = mid_block(h);
    recordDebug(debug, "encoder.mid_block", h);
    h = conv_out(F::silu(conv_norm_out(h)));
    recordDebug(debug, "encoder", h);
    return h;
}

VaeDecoderImpl::VaeDecoderImpl(const AutoencoderKLConfig& c) {
    std::vector<int> ch(c.blockOutChannels.rbegin(), c.blockOutChannels.rend());
    conv_in = register_module("conv_in", conv3(c.latentChannels, ch[0]));
    mid_block = register_module("mid_block", VaeMidBlock(ch[0], c.normNumGroups, c.midBlockAddAttention));
    for (size_t i = 0; i < ch.size(); ++i) {
        const bool last = i + 1 == ch.size();
        up_blocks->push_back(VaeStage(i == 0 ? ch[0] : ch[i - 1], ch[i], c.layersPerBlock + 1, c.normNumGroups, false, !last));
    }
    register_module("up_blocks", up_blocks);
    conv_norm_out = register_module("conv_norm_out", makeGroupNorm(c.normNumGroups, ch.back(), kVaeEps));
    conv_out = register_module("conv_out", conv3(ch.back(), c.outChannels));
}

torch::Tensor VaeDecoderImpl::forward(const torch::Tensor& z, DebugTensors* debug) {
    auto h = conv_in(z);
    recordDebug(debug, "decoder.conv_in", h);
    h = mid_block(h);
    recordDebug(debug, "decoder.mid_block", h);
    for (size_t i = 0; i < up_blocks->size(); ++i) {
        h = up_blocks[i]->as<VaeStage>()->forward(h);
        recordDebug(debug, "decoder.up_blocks." + std::to_string(i), h);
    }
    return conv_out(F::silu(conv_norm_out(h)));
}

AutoencoderKLImpl::AutoencoderKLImpl(const AutoencoderKLConfig& config) : mConfig(config) {
    encoder = register_module("encoder", VaeEncoder(config));
    decoder = register_module("decoder", VaeDecoder(config));
    if (config.useQuantConv)
        quant_conv = register_module("quant_conv", makeConv(2 * config.latentChannels, 2 * config.latentChannels, 1));
    if (config.usePostQuantConv)
        post_quant_conv = register_module("post_quant_conv", makeConv(config.latentChannels, config.latentChannels, 1));
}

LatentDistribution AutoencoderKLImpl::encode(const torch::Tensor& x, DebugTensors* debug) {
    auto h = encoder(x, debug);
    if (quant_conv) h = quant_conv(h);
    recordDebug(debug, "quant_conv", h);
    auto parts = h.chunk(2, 1);
    return {parts[0], parts[1].clamp(-30.0, 20.0)};
}

torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor& z, DebugTensors* debug) {
    auto h = post_quant_conv ? post_quant_conv(z) : z;
    recordDebug(debug, "post_quant_conv", h);
    return decoder(h, debug);
}

} // namespace rlfseg
