#include "core/nn/UNet2DConditionModel.h"

#include <cmath>

namespace rlfseg {
namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {

Transformer2DModel makeTransformer(const UNet2DConditionConfig& c, int64_t channels, int64_t heads, int64_t layers) {
    Transformer2DOptions o;
    o.channels = channels;
    o.heads = heads;
    o.layers = layers;
    o.contextDim = c.crossAttentionDim;
    o.groups = c.normNumGroups;
    o.linearProjection = c.useLinearProjection;
    o.upcastAttention = c.upcastAttention;
    return Transformer2DModel(o);
}

ResnetBlock2D makeResnet(const UNet2DConditionConfig& c, int64_t in, int64_t out) {
    return ResnetBlock2D(in, out, c.timeEmbeddingDim(), c.normNumGroups, c.normEps);
}

} // namespace

torch::Tensor timestepEmbedding(const torch::Tensor& timesteps, int64_t dim, bool flipSinToCos, double freqShift) {
    const int64_t half = dim / 2;
    auto exponent = -std::log(10000.0) * torch::arange(half, timesteps.options().dtype(torch::kFloat)) /
                    (static_cast<double>(half) - freqShift);
    auto emb = timesteps.to(torch::kFloat).unsqueeze(1) * exponent.exp().unsqueeze(0); // [B, half]
    emb = torch::cat({emb.sin(), emb.cos()}, -1);
    if (flipSinToCos) emb = torch::cat({emb.slice(1, half), emb.slice(1, 0, half)}, -1);
    if (dim % 2 == 1) emb = F::pad(emb, F::PadFuncOptions({0, 1}));
    return emb;
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(int64_t in, int64_t dim) {
    linear_1 = register_module("linear_1", nn::Linear(in, dim));
    linear_2 = register_module("linear_2", nn::Linear(dim, dim));
}

torch::Tensor TimestepEmbeddingImpl::forward(const torch::Tensor& x) { return linear_2(F::silu(linear_1(x))); }

UNetDownBlockImpl::UNetDownBlockImpl(const UNet2DConditionConfig& c, size_t index, int64_t in, int64_t out,
                                     bool withAttention, bool downsample) {
    for (int j = 0; j < c.layersPerBlock[index]; ++j) {
        resnets->push_back(makeResnet(c, j == 0 ? in : out, out));
        if (withAttention)
            attentions->push_back(makeTransformer(c, out, c.numAttentionHeads[index], c.transformerLayersPerBlock[index]));
    }
    register_module("resnets", resnets);
    if (withAttention) register_module("attentions", attentions);
    if (downsample) {
        downsamplers->push_back(Downsample2D(out, c.downsamplePadding));
        register_module("downsamplers", downsamplers);
    }
}

torch::Tensor UNetDownBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                                         std::vector<torch::Tensor>& skips) {
    for (size_t j = 0; j < resnets->size(); ++j) {
        x = resnets[j]->as<ResnetBlock2D>()->forward(x, temb);
        if (!attentions->is_empty()) x = attentions[j]->as<Transformer2DModel>()->forward(x, context);
        skips.push_back(x);
    }
    if (!downsamplers->is_empty()) {
        x = downsamplers[0]->as<Downsample2D>()->forward(x);
        skips.push_back(x);
    }
    return x;
}

UNetUpBlockImpl::UNetUpBlockImpl(const UNet2DConditionConfig& c, size_t index, int64_t in, int64_t out, int64_t prevOut,
                                 bool withAttention, bool upsample) {
    // `index` counts up blocks; per-block lists are stored for the down path, so read them reversed.
    const size_t down = c.blockOutChannels.size() - 1 - index;
    const int layers = c.layersPerBlock[down] + 1;
    for (int j = 0; j < layers; ++j) {
        const int64_t skipChannels = j == layers - 1 ? in : out;
        const int64_t resnetIn = j == 0 ? prevOut : out;
        resnets->push_back(makeResnet(c, resnetIn + skipChannels, out));
        if (withAttention)
            attentions->push_back(makeTransformer(c, out, c.numAttentionHeads[down], c.transformerLayersPerBlock[down]));
    }
    register_module("resnets", resnets);
    if (withAttention) register_module("attentions", attentions);
    if (upsample) {
        upsamplers->push_back(Upsample2D(out));
        register_module("upsamplers", upsamplers);
    }
}

torch::Tensor UNetUpBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                                       std::vector<torch::Tensor>& skips) {
    for (size_t j = 0; j < resnets->size(); ++j) {
        x = torch::cat({x, skips.back()}, 1); // [B, C + C_skip, h, w]
        skips.pop_back();
        x = resnets[j]->as<ResnetBlock2D>()->forward(x, temb);
        if (!attentions->is_empty()) x = attentions[j]->as<Transformer2DModel>()->forward(x, context);
    }
    if (!upsamplers->is_empty()) {
        // Upsample to the next skip's size, so that inputs not divisible by the total factor still line up.
        c10::optional<std::vector<int64_t>> size;
        if (!skips.empty()) size = std::vector<int64_t>{skips.back().size(2), skips.back().size(3)};
        x = upsamplers[0]->as<Upsample2D>()->forward(x, size);
    }
    return x;
}

UNetMidBlockImpl::UNetMidBlockImpl(const UNet2DConditionConfig& c, int64_t channels) {
    resnets->push_back(makeResnet(c, channels, channels));
    attentions->push_back(makeTransformer(c, channels, c.numAttentionHeads.back(), c.transformerLayersPerBlock.back()));
    resnets->push_back(makeResnet(c, channels, channels));
    register_module("attentions", attentions);
    register_module("resnets", resnets);
}

torch::Tensor UNetMidBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& temb, const torch::Tensor& context) {
    auto h = resnets[0]->as<ResnetBlock2D>()->forward(x, temb);
    h = attentions[0]->as<Transformer2DModel>()->forward(h, context);
    return resnets[1]->as<ResnetBlock2D>()->forward(h, temb);
}

UNet2DConditionModelImpl::UNet2DConditionModelImpl(const UNet2DConditionConfig& config) : mConfig(config) {
    const auto& ch = config.blockOutChannels;
    const size_t n = ch.size();
    conv_in = register_module("conv_in", makeConv(config.inChannels, ch[0], 3, 1, 1));
    time_embedding = register_module("time_embedding", TimestepEmbedding(ch[0], config.timeEmbeddingDim()));

    for (size_t i = 0; i < n; ++i) {
        const bool last = i + 1 == n;
        down_blocks->push_back(UNetDownBlock(config, i, i == 0 ? ch[0] : ch[i - 1], ch[i],
                                             config.downBlockTypes[i] == "CrossAttnDownBlock2D", !last));
    }
    register_module("down_blocks", down_blocks);

    if (!config.midBlockType.empty()) mid_block = register_module("mid_block", UNetMidBlock(config, ch.back()));

    std::vector<int> rev(ch.rbegin(), ch.rend());
    for (size_t i = 0; i < n; ++i) {
        const bool last = i + 1 == n;
        const int64_t prevOut = i == 0 ? rev[0] : rev[i - 1];
        const int64_t in = rev[std::min(i + 1, n - 1)];
        up_blocks->push_back(UNetUpBlock(config, i, in, rev[i], prevOut, config.upBlockTypes[i] == "CrossAttnUpBlock2D",
                                         !last));
    }
    register_module("up_blocks", up_blocks);

    conv_norm_out = register_module(
        "conv_norm_out", makeGroupNorm(config.normNumGroups, ch[0], config.normEps));
    conv_out = register_module("conv_out", makeConv(ch[0], config.outChannels, 3, 1, 1));
}

torch::Tensor UNet2DConditionModelImpl::forward(const torch::Tensor& sample, const torch::Tensor& timesteps,
                                                const torch::Tensor& context, DebugTensors* debug) {
    const int64_t batch = sample.size(0);
    auto t = timesteps.dim() == 0 ? timesteps.reshape({1}) : timesteps;
    t = t.to(sample.device()).expand({batch});
    auto tproj = timestepEmbedding(t, mConfig.blockOutChannels[0], mConfig.flipSinToCos, mConfig.freqShift);
    recordDebug(debug, "time_proj", tproj);
    auto temb = time_embedding(tproj.to(sample.scalar_type()));
    recordDebug(debug, "time_embedding", temb);

    auto x = mConfig.centerInputSample ? 2 * sample - 1.0 : sample;
    x = conv_in(x);
    recordDebug(debug, "conv_in", x);
    std::vector<torch::Tensor> skips{x};
    for (size_t i = 0; i < down_blocks->size(); ++i) {
        x = down_blocks[i]->as<UNetDownBlock>()->forward(x, temb, context, skips);
        recordDebug(debug, "down_blocks." + std::to_string(i), x);
    }
    if (mid_block) {
        x = mid_block(x, temb, context);
        recordDebug(debug, "mid_block", x);
    }
    for (size_t i = 0; i < up_blocks->size(); ++i) {
        x = up_blocks[i]->as<UNetUpBlock>()->forward(x, temb, context, skips);
        recordDebug(debug, "up_blocks." + std::to_string(i), x);
    }
    x = conv_norm_out(x);
    recordDebug(debug, "conv_norm_out", x);
    return conv_out(F::silu(x));
}

} // namespace rlfseg
