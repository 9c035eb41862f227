#pragma once
// The three networks of a Stable Diffusion folder plus its tokenizer, on one device. Used by the
// segmentation pipeline, training and the benchmarks.

#include "core/model/ModelFolder.h"
#include "core/nn/AutoencoderKL.h"
#include "core/nn/ClipTextModel.h"
#include "core/nn/UNet2DConditionModel.h"
#include "core/text/ClipTokenizer.h"

#include <torch/torch.h>

#include <memory>

namespace rlfseg {

struct StableDiffusionNetworks {
    ModelFolder folder;
    std::shared_ptr<ClipTokenizer> tokenizer;
    ClipTextModel textEncoder{nullptr};
    AutoencoderKL vae{nullptr};
    UNet2DConditionModel unet{nullptr};
    torch::Device device = torch::kCPU;
    torch::Dtype dtype = torch::kFloat;    // text encoder and UNet
    torch::Dtype vaeDtype = torch::kFloat; // float32 where the VAE config asks for force_upcast

    // Builds the networks from the folder's configs and loads its weights (strict), then moves
    // them to `device` in `dtype`. Throws rlfseg::Error on any problem with the files.
    static StableDiffusionNetworks load(const ModelFolder& folder, torch::Device device, torch::Dtype dtype);

    // The same networks with freshly initialised (random) weights: for benchmarks of real sizes
    // without real weights, and as the start of training from scratch. `folder` needs configs and
    // a tokenizer directory only.
    static StableDiffusionNetworks random(const ModelFolder& folder, torch::Device device, torch::Dtype dtype,
                                          uint64_t seed);

    // Text encoder: prompts -> [B, 77, hidden] on the device.
    torch::Tensor encodePrompts(const std::vector<std::string>& prompts);
    // METHOD.md: z = s * (VAE.encode(x).mean - shift); x: [B, 3, H, W] in [-1, 1].
    torch::Tensor encodeToLatent(const torch::Tensor& x);
    // Decoder: z -> VAE.decode(z / s + shift): [B, 3, H, W].
    torch::Tensor decodeLatent(const torch::Tensor& z);

    void setEval();
    int64_t parameterCount(const torch::nn::Module& module) const;
};

// Parses "float32" | "float16" | "bfloat16" | "auto" (float16 on CUDA, float32 on the CPU).
// Half precision on the CPU is refused with a clear message.
torch::Dtype choosePrecision(const std::string& request, bool cuda);

} // namespace rlfseg
