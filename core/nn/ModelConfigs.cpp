#include "core/nn/ModelConfigs.h"

#include "core/io/JsonFields.h"

#include <nlohmann/json.hpp>

namespace rlfseg {
namespace {

void requireValue(const JsonFields& f, const std::string& key, const std::string& expected, const std::string& fallback) {
    const std::string value = f.optionalString(key, fallback);
    if (value != expected) f.fail(key, "is '" + value + "', but only '" + expected + "' is supported");
}

void requireNull(const JsonFields& f, const std::string& key) {
    if (f.has(key)) f.fail(key, "is set, but this feature of the reference model is not supported (SD 1.x / 2.x only)");
}

// Bounds that no real Stable Diffusion config comes near, but that keep a corrupt or hostile
// config from building a network that exhausts memory (or dividing by zero) before any weight is read.
constexpr int kMaxBlocks = 8;
constexpr int kMaxChannels = 16384;
constexpr int kMaxLayers = 64;

void requireRange(const JsonFields& f, const std::string& key, const std::vector<int>& values, int lo, int hi) {
    for (int v : values)
        if (v < lo || v > hi)
            f.fail(key, "holds " + std::to_string(v) + "; expected " + std::to_string(lo) + " to " + std::to_string(hi));
}
void requireRange(const JsonFields& f, const std::string& key, int value, int lo, int hi) {
    requireRange(f, key, std::vector<int>{value}, lo, hi);
}

} // namespace

ClipTextConfig ClipTextConfig::fromJson(const nlohmann::json& json, const std::string& source) {
    JsonFields f(json, source);
    ClipTextConfig c;
    c.vocabSize = f.requireInt("vocab_size");
    c.hiddenSize = f.requireInt("hidden_size");
    c.intermediateSize = f.requireInt("intermediate_size");
    c.numHiddenLayers = f.requireInt("num_hidden_layers");
    c.numAttentionHeads = f.requireInt("num_attention_heads");
    c.maxPositionEmbeddings = f.optionalInt("max_position_embeddings", 77);
    c.hiddenAct = f.optionalString("hidden_act", "quick_gelu");
    c.layerNormEps = f.optionalNumber("layer_norm_eps", 1e-5);
    c.bosTokenId = f.optionalInt("bos_token_id", 49406);
    c.eosTokenId = f.optionalInt("eos_token_id", 49407);
    if (c.hiddenAct != "quick_gelu" && c.hiddenAct != "gelu")
        f.fail("hidden_act", "must be 'quick_gelu' or 'gelu'");
    requireRange(f, "vocab_size", c.vocabSize, 1, 1 << 20);
    requireRange(f, "hidden_size", c.hiddenSize, 1, kMaxChannels);
    requireRange(f, "intermediate_size", c.intermediateSize, 1, 4 * kMaxChannels);
    requireRange(f, "num_hidden_layers", c.numHiddenLayers, 1, kMaxLayers);
    requireRange(f, "num_attention_heads", c.numAttentionHeads, 1, c.hiddenSize);
    requireRange(f, "max_position_embeddings", c.maxPositionEmbeddings, 2, 4096);
    if (!(c.layerNormEps > 0)) f.fail("layer_norm_eps", "must be positive");
    if (c.hiddenSize % c.numAttentionHeads != 0)
        f.fail("num_attention_heads", "must divide hidden_size");
    return c;
}

nlohmann::json ClipTextConfig::toJson() const {
    return {{"architectures", {"CLIPTextModel"}},
            {"model_type", "clip_text_model"},
            {"vocab_size", vocabSize},
            {"hidden_size", hiddenSize},
            {"intermediate_size", intermediateSize},
            {"num_hidden_layers", numHiddenLayers},
            {"num_attention_heads", numAttentionHeads},
            {"max_position_embeddings", maxPositionEmbeddings},
            {"hidden_act", hiddenAct},
            {"layer_norm_eps", layerNormEps},
            {"bos_token_id", bosTokenId},
            {"eos_token_id", eosTokenId},
            {"pad_token_id", 1},
            {"torch_dtype", "float32"}};
}

AutoencoderKLConfig AutoencoderKLConfig::fromJson(const nlohmann::json& json, const std::string& source) {
    JsonFields f(json, source);
    AutoencoderKLConfig c;
    c.inChannels = f.optionalInt("in_channels", 3);
    c.outChannels = f.optionalInt("out_channels", 3);
    c.latentChannels = f.optionalInt("latent_channels", 4);
    c.blockOutChannels = f.requireIntList("block_out_channels");
    requireRange(f, "block_out_channels (its length)", static_cast<int>(c.blockOutChannels.size()), 1, kMaxBlocks);
    c.layersPerBlock = f.optionalInt("layers_per_block", 1);
    c.normNumGroups = f.optionalInt("norm_num_groups", 32);
    c.sampleSize = f.optionalInt("sample_size", 32);
    c.scalingFactor = f.optionalNumber("scaling_factor", 0.18215);
    c.shiftFactor = f.optionalNumber("shift_factor", 0.0);
    c.useQuantConv = f.optionalBool("use_quant_conv", true);
    c.usePostQuantConv = f.optionalBool("use_post_quant_conv", true);
    c.midBlockAddAttention = f.optionalBool("mid_block_add_attention", true);
    c.forceUpcast = f.optionalBool("force_upcast", true);
    requireValue(f, "act_fn", "silu", "silu");
    requireNull(f, "latents_mean");
    requireNull(f, "latents_std");
    const auto down = f.requireStringList("down_block_types");
    const auto up = f.requireStringList("up_block_types");
    if (down.size() != c.blockOutChannels.size() || up.size() != c.blockOutChannels.size())
        f.fail("down_block_types", "and up_block_types must have one entry per block_out_channels entry");
    for (const auto& t : down)
        if (t != "DownEncoderBlock2D") f.fail("down_block_types", "holds '" + t + "'; only DownEncoderBlock2D is supported");
    for (const auto& t : up)
        if (t != "UpDecoderBlock2D") f.fail("up_block_types", "holds '" + t + "'; only UpDecoderBlock2D is supported");
    requireRange(f, "block_out_channels", c.blockOutChannels, 1, kMaxChannels);
    requireRange(f, "in_channels", c.inChannels, 1, 64);
    requireRange(f, "out_channels", c.outChannels, 1, 64);
    requireRange(f, "latent_channels", c.latentChannels, 1, 64);
    requireRange(f, "layers_per_block", c.layersPerBlock, 1, kMaxLayers);
    requireRange(f, "norm_num_groups", c.normNumGroups, 1, kMaxChannels);
    if (!(c.scalingFactor > 0)) f.fail("scaling_factor", "must be positive");
    for (int ch : c.blockOutChannels)
        if (ch % c.normNumGroups != 0) f.fail("norm_num_groups", "must divide every block_out_channels entry");
    return c;
}

nlohmann::json AutoencoderKLConfig::toJson() const {
    nlohmann::json j = {{"_class_name", "AutoencoderKL"},
                        {"_diffusers_version", "0.38.0"},
                        {"act_fn", "silu"},
                        {"in_channels", inChannels},
                        {"out_channels", outChannels},
                        {"latent_channels", latentChannels},
                        {"block_out_channels", blockOutChannels},
                        {"down_block_types", std::vector<std::string>(blockOutChannels.size(), "DownEncoderBlock2D")},
                        {"up_block_types", std::vector<std::string>(blockOutChannels.size(), "UpDecoderBlock2D")},
                        {"layers_per_block", layersPerBlock},
                        {"norm_num_groups", normNumGroups},
                        {"sample_size", sampleSize},
                        {"scaling_factor", scalingFactor},
                        {"shift_factor", nullptr},
                        {"latents_mean", nullptr},
                        {"latents_std", nullptr},
                        {"force_upcast", forceUpcast},
                        {"use_quant_conv", useQuantConv},
                        {"use_post_quant_conv", usePostQuantConv},
                        {"mid_block_add_attention", midBlockAddAttention}};
    if (shiftFactor != 0.0) j["shift_factor"] = shiftFactor;
    return j;
}

UNet2DConditionConfig UNet2DConditionConfig::fromJson(const nlohmann::json& json, const std::string& source) {
    JsonFields f(json, source);
    UNet2DConditionConfig c;
    c.sampleSize = f.requireInt("sample_size");
    c.inChannels = f.optionalInt("in_channels", 4);
    c.outChannels = f.optionalInt("out_channels", 4);
    c.downBlockTypes = f.requireStringList("down_block_types");
    c.upBlockTypes = f.requireStringList("up_block_types");
    c.midBlockType = f.optionalString("mid_block_type", "UNetMidBlock2DCrossAttn");
    c.blockOutChannels = f.requireIntList("block_out_channels");
    const size_t n = c.blockOutChannels.size();
    requireRange(f, "block_out_channels (its length)", static_cast<int>(n), 1, kMaxBlocks);
    if (c.downBlockTypes.size() != n || c.upBlockTypes.size() != n)
        f.fail("down_block_types", "and up_block_types must have one entry per block_out_channels entry");
    c.layersPerBlock = f.intOrList("layers_per_block", n, 2);
    c.transformerLayersPerBlock = f.intOrList("transformer_layers_per_block", n, 1);
    if (!f.has("cross_attention_dim")) f.fail("cross_attention_dim", "is required but missing");
    c.crossAttentionDim = f.requireInt("cross_attention_dim");
    // diffusers quirk: `attention_head_dim` is used as the number of heads when `num_attention_heads` is absent
    // (a historical naming mistake kept for compatibility with SD 1.x / 2.x configs).
    if (f.has("num_attention_heads"))
        c.numAttentionHeads = f.intOrList("num_attention_heads", n, 8);
    else if (f.has("attention_head_dim"))
        c.numAttentionHeads = f.intOrList("attention_head_dim", n, 8);
    else
        c.numAttentionHeads = std::vector<int>(n, 8);
    c.normNumGroups = f.optionalInt("norm_num_groups", 32);
    c.normEps = f.optionalNumber("norm_eps", 1e-5);
    c.downsamplePadding = f.optionalInt("downsample_padding", 1);
    c.midBlockScaleFactor = f.optionalNumber("mid_block_scale_factor", 1.0);
    c.useLinearProjection = f.optionalBool("use_linear_projection", false);
    c.upcastAttention = f.optionalBool("upcast_attention", false);
    c.flipSinToCos = f.optionalBool("flip_sin_to_cos", true);
    c.freqShift = f.optionalInt("freq_shift", 0);
    c.centerInputSample = f.optionalBool("center_input_sample", false);

    requireValue(f, "act_fn", "silu", "silu");
    requireValue(f, "time_embedding_type", "positional", "positional");
    requireValue(f, "resnet_time_scale_shift", "default", "default");
    requireValue(f, "attention_type", "default", "default");
    for (const char* key : {"class_embed_type", "addition_embed_type", "encoder_hid_dim", "encoder_hid_dim_type",
                            "time_cond_proj_dim", "time_embedding_dim", "timestep_post_act", "num_class_embeds",
                            "time_embedding_act_fn", "cross_attention_norm"})
        requireNull(f, key);
    if (f.optionalBool("dual_cross_attention", false)) f.fail("dual_cross_attention", "is not supported");
    if (f.optionalBool("only_cross_attention", false)) f.fail("only_cross_attention", "is not supported");
    if (f.optionalInt("conv_in_kernel", 3) != 3) f.fail("conv_in_kernel", "must be 3");
    if (f.optionalInt("conv_out_kernel", 3) != 3) f.fail("conv_out_kernel", "must be 3");
    if (c.midBlockScaleFactor != 1.0) f.fail("mid_block_scale_factor", "must be 1 (as in SD 1.x / 2.x)");
    if (f.optionalNumber("resnet_out_scale_factor", 1.0) != 1.0) f.fail("resnet_out_scale_factor", "must be 1.0");
    if (f.optionalBool("resnet_skip_time_act", false)) f.fail("resnet_skip_time_act", "is not supported");
    for (const auto& t : c.downBlockTypes)
        if (t != "CrossAttnDownBlock2D" && t != "DownBlock2D")
            f.fail("down_block_types", "holds '" + t + "'; supported: CrossAttnDownBlock2D, DownBlock2D");
    for (const auto& t : c.upBlockTypes)
        if (t != "CrossAttnUpBlock2D" && t != "UpBlock2D")
            f.fail("up_block_types", "holds '" + t + "'; supported: CrossAttnUpBlock2D, UpBlock2D");
    if (!c.midBlockType.empty() && c.midBlockType != "UNetMidBlock2DCrossAttn")
        f.fail("mid_block_type", "is '" + c.midBlockType + "'; supported: UNetMidBlock2DCrossAttn or null");
    requireRange(f, "sample_size", c.sampleSize, 1, 1024);
    requireRange(f, "in_channels", c.inChannels, 1, 64);
    requireRange(f, "out_channels", c.outChannels, 1, 64);
    requireRange(f, "block_out_channels", c.blockOutChannels, 1, kMaxChannels);
    requireRange(f, "layers_per_block", c.layersPerBlock, 1, kMaxLayers);
    requireRange(f, "transformer_layers_per_block", c.transformerLayersPerBlock, 1, kMaxLayers);
    requireRange(f, "attention_head_dim", c.numAttentionHeads, 1, kMaxChannels);
    requireRange(f, "cross_attention_dim", c.crossAttentionDim, 1, kMaxChannels);
    requireRange(f, "norm_num_groups", c.normNumGroups, 1, kMaxChannels);
    requireRange(f, "downsample_padding", c.downsamplePadding, 0, 1);
    if (!(c.normEps > 0)) f.fail("norm_eps", "must be positive");
    for (size_t i = 0; i < n; ++i) {
        if (c.blockOutChannels[i] % c.normNumGroups != 0)
            f.fail("norm_num_groups", "must divide every block_out_channels entry");
        if (c.blockOutChannels[i] % c.numAttentionHeads[i] != 0)
            f.fail("attention_head_dim", "(heads per block) must divide the block's channels");
    }
    return c;
}

nlohmann::json UNet2DConditionConfig::toJson() const {
    return {{"_class_name", "UNet2DConditionModel"},
            {"_diffusers_version", "0.38.0"},
            {"act_fn", "silu"},
            {"sample_size", sampleSize},
            {"in_channels", inChannels},
            {"out_channels", outChannels},
            {"down_block_types", downBlockTypes},
            {"up_block_types", upBlockTypes},
            {"mid_block_type", midBlockType.empty() ? nlohmann::json(nullptr) : nlohmann::json(midBlockType)},
            {"block_out_channels", blockOutChannels},
            {"layers_per_block", layersPerBlock},
            {"transformer_layers_per_block", transformerLayersPerBlock},
            {"attention_head_dim", numAttentionHeads}, // diffusers' own (misnamed) key for the head count
            {"num_attention_heads", nullptr},
            {"cross_attention_dim", crossAttentionDim},
            {"norm_num_groups", normNumGroups},
            {"norm_eps", normEps},
            {"downsample_padding", downsamplePadding},
            {"mid_block_scale_factor", midBlockScaleFactor},
            {"use_linear_projection", useLinearProjection},
            {"upcast_attention", upcastAttention},
            {"flip_sin_to_cos", flipSinToCos},
            {"freq_shift", freqShift},
            {"center_input_sample", centerInputSample},
            {"time_embedding_type", "positional"},
            {"resnet_time_scale_shift", "default"}};
}

} // namespace rlfseg
