#include "FlopCount.h"

#include <algorithm>

namespace rlfseg::bench {
namespace {

double conv(double in, double out, double k, double pixels) { return 2 * in * out * k * k * pixels; }
double linear(double in, double out, double tokens) { return 2 * in * out * tokens; }
double attention(double lq, double lk, double channels) { return 2 * 2 * lq * lk * channels; } // QK^T and PV

double resnet(double in, double out, double pixels) {
    return conv(in, out, 3, pixels) + conv(out, out, 3, pixels) + (in != out ? conv(in, out, 1, pixels) : 0);
}

double vaeMid(double c, double pixels, bool withAttention) {
    double f = 2 * resnet(c, c, pixels);
    if (withAttention) f += 4 * linear(c, c, pixels) + attention(pixels, pixels, c);
    return f;
}

double transformer(const UNet2DConditionConfig& c, double ch, double pixels, int layers, int contextLength) {
    double f = 2 * linear(ch, ch, pixels); // proj_in, proj_out (1x1 conv or Linear: same count)
    for (int l = 0; l < layers; ++l) {
        f += 4 * linear(ch, ch, pixels) + attention(pixels, pixels, ch);                     // self-attention
        f += 2 * linear(ch, ch, pixels) + 2 * linear(c.crossAttentionDim, ch, contextLength) // cross-attention
             + attention(pixels, contextLength, ch);
        f += linear(ch, 8 * ch, pixels) + linear(4 * ch, ch, pixels); // GEGLU feed-forward
    }
    return f;
}

} // namespace

double vaeEncoderFlops(const AutoencoderKLConfig& c, int height, int width) {
    const auto& ch = c.blockOutChannels;
    double pixels = double(height) * width;
    double f = conv(c.inChannels, ch[0], 3, pixels);
    for (size_t i = 0; i < ch.size(); ++i) {
        const double in = i == 0 ? ch[0] : ch[i - 1];
        for (int j = 0; j < c.layersPerBlock; ++j) f += resnet(j == 0 ? in : ch[i], ch[i], pixels);
        if (i + 1 < ch.size()) {
            pixels /= 4;
            f += conv(ch[i], ch[i], 3, pixels);
        }
    }
    f += vaeMid(ch.back(), pixels, c.midBlockAddAttention);
    f += conv(ch.back(), 2 * c.latentChannels, 3, pixels) + conv(2 * c.latentChannels, 2 * c.latentChannels, 1, pixels);
    return f;
}

double vaeDecoderFlops(const AutoencoderKLConfig& c, int latentHeight, int latentWidth) {
    std::vector<int> ch(c.blockOutChannels.rbegin(), c.blockOutChannels.rend());
    double pixels = double(latentHeight) * latentWidth;
    double f = conv(c.latentChannels, c.latentChannels, 1, pixels) + conv(c.latentChannels, ch[0], 3, pixels);
    f += vaeMid(ch[0], pixels, c.midBlockAddAttention);
    for (size_t i = 0; i < ch.size(); ++i) {
        const double in = i == 0 ? ch[0] : ch[i - 1];
        for (int j = 0; j < c.layersPerBlock + 1; ++j) f += resnet(j == 0 ? in : ch[i], ch[i], pixels);
        if (i + 1 < ch.size()) {
            pixels *= 4;
            f += conv(ch[i], ch[i], 3, pixels);
        }
    }
    return f + conv(ch.back(), c.outChannels, 3, pixels);
}

double unetFlops(const UNet2DConditionConfig& c, int latentHeight, int latentWidth, int contextLength) {
    const auto& ch = c.blockOutChannels;
    const size_t n = ch.size();
    double pixels = double(latentHeight) * latentWidth;
    double f = conv(c.inChannels, ch[0], 3, pixels);
    std::vector<double> skipChannels{double(ch[0])};
    for (size_t i = 0; i < n; ++i) {
        const double in = i == 0 ? ch[0] : ch[i - 1];
        const bool attn = c.downBlockTypes[i] == "CrossAttnDownBlock2D";
        for (int j = 0; j < c.layersPerBlock[i]; ++j) {
            f += resnet(j == 0 ? in : ch[i], ch[i], pixels);
            if (attn) f += transformer(c, ch[i], pixels, c.transformerLayersPerBlock[i], contextLength);
            skipChannels.push_back(ch[i]);
        }
        if (i + 1 < n) {
            pixels /= 4;
            f += conv(ch[i], ch[i], 3, pixels);
            skipChannels.push_back(ch[i]);
        }
    }
    if (!c.midBlockType.empty())
        f += 2 * resnet(ch.back(), ch.back(), pixels) +
             transformer(c, ch.back(), pixels, c.transformerLayersPerBlock.back(), contextLength);
    std::vector<int> rev(ch.rbegin(), ch.rend());
    for (size_t i = 0; i < n; ++i) {
        const size_t down = n - 1 - i;
        const bool attn = c.upBlockTypes[i] == "CrossAttnUpBlock2D";
        double x = i == 0 ? rev[0] : rev[i - 1];
        for (int j = 0; j < c.layersPerBlock[down] + 1; ++j) {
            const double skip = skipChannels.back();
            skipChannels.pop_back();
            f += resnet(x + skip, rev[i], pixels);
            if (attn) f += transformer(c, rev[i], pixels, c.transformerLayersPerBlock[down], contextLength);
            x = rev[i];
        }
        if (i + 1 < n) {
            pixels *= 4;
            f += conv(rev[i], rev[i], 3, pixels);
        }
    }
    return f + conv(ch[0], c.outChannels, 3, pixels);
}

double clipTextFlops(const ClipTextConfig& c, int tokens) {
    const double d = c.hiddenSize;
    const double perLayer = 4 * linear(d, d, tokens) + attention(tokens, tokens, d) +
                            linear(d, c.intermediateSize, tokens) + linear(c.intermediateSize, d, tokens);
    return perLayer * c.numHiddenLayers;
}

} // namespace rlfseg::bench
