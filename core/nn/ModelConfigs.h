#pragma once
// The configurations of the three Stable Diffusion networks, read from (and written to) the
// `config.json` files of a diffusers folder. Free of LibTorch, so tools and the UI can show them.
// Defaults are diffusers' / transformers' own; unsupported options are refused with a clear error.

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace rlfseg {

// Hugging Face CLIPTextConfig (CLIPTextModel).
struct ClipTextConfig {
    int vocabSize = 49408;
    int hiddenSize = 512;
    int intermediateSize = 2048;
    int numHiddenLayers = 12;
    int numAttentionHeads = 8;
    int maxPositionEmbeddings = 77;
    std::string hiddenAct = "quick_gelu"; // "quick_gelu" (SD 1.x) or "gelu" (SD 2.x, OpenCLIP)
    double layerNormEps = 1e-5;
    int bosTokenId = 49406;
    int eosTokenId = 49407; // 2 means the legacy pooling rule (argmax of the ids)

    static ClipTextConfig fromJson(const nlohmann::json& json, const std::string& source);
    nlohmann::json toJson() const;
};

// diffusers AutoencoderKL.
struct AutoencoderKLConfig {
    int inChannels = 3;
    int outChannels = 3;
    int latentChannels = 4;
    std::vector<int> blockOutChannels{64};
    int layersPerBlock = 1;
    int normNumGroups = 32;
    int sampleSize = 32;
    double scalingFactor = 0.18215;
    double shiftFactor = 0.0;
    bool useQuantConv = true;
    bool usePostQuantConv = true;
    bool midBlockAddAttention = true;
    bool forceUpcast = true; // run in float32 even when the rest of the model is half precision

    int downsamplingFactor() const { return 1 << (static_cast<int>(blockOutChannels.size()) - 1); }

    static AutoencoderKLConfig fromJson(const nlohmann::json& json, const std::string& source);
    nlohmann::json toJson() const;
};

// diffusers UNet2DConditionModel, the SD 1.x / 2.x subset (no class, addition or image embeddings).
struct UNet2DConditionConfig {
    int sampleSize = 64;
    int inChannels = 4;
    int outChannels = 4;
    std::vector<std::string> downBlockTypes;  // "CrossAttnDownBlock2D" | "DownBlock2D"
    std::vector<std::string> upBlockTypes;    // "CrossAttnUpBlock2D" | "UpBlock2D"
    std::string midBlockType = "UNetMidBlock2DCrossAttn"; // or "" for none
    std::vector<int> blockOutChannels;
    std::vector<int> layersPerBlock;             // per down block
    std::vector<int> transformerLayersPerBlock;  // per down block
    std::vector<int> numAttentionHeads;          // per down block (resolved: see fromJson)
    int crossAttentionDim = 768;
    int normNumGroups = 32;
    double normEps = 1e-5;
    int downsamplePadding = 1;
    double midBlockScaleFactor = 1.0;
    bool useLinearProjection = false;
    bool upcastAttention = false;
    bool flipSinToCos = true;
    int freqShift = 0;
    bool centerInputSample = false;

    int timeEmbeddingDim() const { return blockOutChannels.front() * 4; }

    static UNet2DConditionConfig fromJson(const nlohmann::json& json, const std::string& source);
    nlohmann::json toJson() const;
};

} // namespace rlfseg
