#pragma once
// A Stable Diffusion model folder in the diffusers layout: model_index.json and the unet/, vae/,
// text_encoder/ and tokenizer/ components, each with its config.json and safetensors weights
// (single file or shards with an index). Free of LibTorch: it only finds and validates files.

#include "core/nn/ModelConfigs.h"
#include "core/refine/EdgeSnap.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace rlfseg {

struct ComponentFiles {
    std::string directory;
    std::string configPath;
    std::vector<std::string> weightFiles; // one file, or every shard named by the index
};

// What an RLFSeg model folder says about itself in its optional `rlfseg.json`: shown by the app
// and `rlfseg info` so that users know what the model was trained on.
struct ModelCard {
    std::string name;
    std::string trainedOn;   // e.g. "synthetic shapes (SHAPES.md)"; empty for a plain SD folder
    std::string description;
    bool isRlfsegModel = false; // false: a plain Stable Diffusion folder, not trained for segmentation
    // "flow" (METHOD.md section 3: the UNet maps the image latent to the mask latent) or "diffusion"
    // (section 6: the baseline, whose UNet takes [image latent, noisy mask latent] and predicts v).
    std::string objective = "flow";
    // The diffusion baseline's DDPM schedule ("scaled_linear" betas, as Stable Diffusion's).
    int numTrainTimesteps = 1000;
    double betaStart = 0.00085, betaEnd = 0.012;
    // The binary mask's threshold on the soft mask, chosen on a validation split (`rlfseg calibrate`):
    // a one-step flow's soft masks can be under-confident, so p > 0.5 (METHOD.md section 2) loses
    // area. Unset: 0.5. `maskThresholdSource` says how it was chosen.
    std::optional<double> maskThreshold;
    std::string maskThresholdSource;
    // The pipeline's edge snap (refine/EdgeSnap.h), chosen with the threshold by `rlfseg calibrate`.
    // Unset in the card: off.
    refine::EdgeSnap edgeSnap;
    std::string edgeSnapSource;
    // Every flow stage of the training the card records had t_zero_probability 1: the UNet learned
    // the velocity at t = 0 only (the one-step path), so multi-step samplers leave what it knows.
    bool flowTrainedOnlyAtTZero = false;

    nlohmann::json toJson() const;
};

struct ModelFolder {
    std::string root;
    ComponentFiles unet, vae, textEncoder;
    std::string tokenizerDirectory;
    UNet2DConditionConfig unetConfig;
    AutoencoderKLConfig vaeConfig;
    ClipTextConfig textConfig;
    ModelCard card;

    // Throws rlfseg::Error with a message that names the missing or broken file.
    static ModelFolder open(const std::string& directory);

    // METHOD.md section 2: UNet sample_size x VAE down-sampling factor (512 for SD 1.5).
    int modelResolution() const { return unetConfig.sampleSize * vaeConfig.downsamplingFactor(); }
    // Image sides must be multiples of this: VAE factor x UNet factor.
    int totalDownsamplingFactor() const {
        return vaeConfig.downsamplingFactor() * (1 << (static_cast<int>(unetConfig.blockOutChannels.size()) - 1));
    }
};

// Parameter count of a component, read from the safetensors headers alone (no weights loaded).
int64_t countStoredParameters(const ComponentFiles& component);

// Locates a component's weights: `<stem>.safetensors`, `<stem>.safetensors.index.json` (shards),
// or their `.fp16` variants. A `.bin`/`.ckpt` without safetensors is refused with advice.
std::vector<std::string> findWeightFiles(const std::string& directory, const std::string& stem);

} // namespace rlfseg
