#include "core/model/ReferenceArchitectures.h"

#include "core/util/Error.h"

#include <nlohmann/json.hpp>

namespace rlfseg {
namespace {

using nlohmann::json;

// The values of the configs in runwayml/stable-diffusion-v1-5 and stabilityai/stable-diffusion-2-1.
json sdVae() {
    return {{"in_channels", 3},         {"out_channels", 3},     {"latent_channels", 4},
            {"block_out_channels", {128, 256, 512, 512}},        {"layers_per_block", 2},
            {"norm_num_groups", 32},    {"sample_size", 512},    {"scaling_factor", 0.18215},
            {"down_block_types", std::vector<std::string>(4, "DownEncoderBlock2D")},
            {"up_block_types", std::vector<std::string>(4, "UpDecoderBlock2D")}};
}

json sdUnet(bool sd21) {
    json j = {{"sample_size", sd21 ? 96 : 64},
              {"in_channels", 4},
              {"out_channels", 4},
              {"down_block_types", {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"}},
              {"up_block_types", {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"}},
              {"block_out_channels", {320, 640, 1280, 1280}},
              {"layers_per_block", 2},
              {"cross_attention_dim", sd21 ? 1024 : 768},
              {"norm_num_groups", 32},
              {"use_linear_projection", sd21}};
    j["attention_head_dim"] = sd21 ? json({5, 10, 20, 20}) : json(8);
    return j;
}

json clipText(bool openClip) {
    if (openClip) // OpenCLIP ViT-H/14 text tower as SD 2.x ships it (23 of 24 layers)
        return {{"vocab_size", 49408}, {"hidden_size", 1024}, {"intermediate_size", 4096}, {"num_hidden_layers", 23},
                {"num_attention_heads", 16}, {"max_position_embeddings", 77}, {"hidden_act", "gelu"}};
    return {{"vocab_size", 49408}, {"hidden_size", 768}, {"intermediate_size", 3072}, {"num_hidden_layers", 12},
            {"num_attention_heads", 12}, {"max_position_embeddings", 77}, {"hidden_act", "quick_gelu"}};
}

// Small enough to train on a 2-core CPU: 8x VAE, 3-level UNet, 4-layer text encoder.
json tinyVae() {
    return {{"in_channels", 3},         {"out_channels", 3},     {"latent_channels", 4},
            {"block_out_channels", {16, 32, 64, 64}},            {"layers_per_block", 1},
            {"norm_num_groups", 8},     {"sample_size", 256},    {"scaling_factor", 0.18215},
            {"down_block_types", std::vector<std::string>(4, "DownEncoderBlock2D")},
            {"up_block_types", std::vector<std::string>(4, "UpDecoderBlock2D")}};
}

json tinyUnet() {
    return {{"sample_size", 32},
            {"in_channels", 4},
            {"out_channels", 4},
            {"down_block_types", {"DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"}},
            {"up_block_types", {"CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"}},
            {"block_out_channels", {32, 64, 128}},
            {"layers_per_block", 1},
            {"cross_attention_dim", 128},
            {"attention_head_dim", 4},
            {"norm_num_groups", 8}};
}

json tinyText() {
    return {{"vocab_size", 49408}, {"hidden_size", 128}, {"intermediate_size", 512}, {"num_hidden_layers", 4},
            {"num_attention_heads", 4}, {"max_position_embeddings", 77}, {"hidden_act", "quick_gelu"}};
}

} // namespace

std::vector<std::string> referenceArchitectureNames() { return {"sd15", "sd21", "tiny"}; }

ModelFolder referenceArchitecture(const std::string& name, const std::string& tokenizerDirectory) {
    json vae, unet, text;
    if (name == "sd15") {
        vae = sdVae(), unet = sdUnet(false), text = clipText(false);
    } else if (name == "sd21") {
        vae = sdVae(), unet = sdUnet(true), text = clipText(true);
    } else if (name == "tiny") {
        vae = tinyVae(), unet = tinyUnet(), text = tinyText();
    } else {
        throw Error("unknown architecture '" + name + "': expected sd15, sd21 or tiny");
    }
    ModelFolder m;
    m.root = "(" + name + " architecture)";
    m.vaeConfig = AutoencoderKLConfig::fromJson(vae, name + " vae");
    m.unetConfig = UNet2DConditionConfig::fromJson(unet, name + " unet");
    m.textConfig = ClipTextConfig::fromJson(text, name + " text_encoder");
    m.tokenizerDirectory = tokenizerDirectory;
    m.card.name = name;
    return m;
}

} // namespace rlfseg
