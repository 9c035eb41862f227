#include "core/model/StableDiffusionNetworks.h"

#include "core/nn/Weights.h"
#include "core/util/Error.h"

namespace rlfseg {

namespace {
void place(StableDiffusionNetworks& n, torch::Device device, torch::Dtype dtype) {
    n.device = device;
    n.dtype = dtype;
    n.vaeDtype = n.folder.vaeConfig.forceUpcast ? torch::kFloat : dtype;
    n.textEncoder->to(device, dtype);
    n.unet->to(device, dtype);
    n.vae->to(device, n.vaeDtype);
    convertToChannelsLast(*n.unet);
    convertToChannelsLast(*n.vae);
    n.setEval();
}

StableDiffusionNetworks build(const ModelFolder& folder) {
    StableDiffusionNetworks n;
    n.folder = folder;
    n.tokenizer = std::make_shared<ClipTokenizer>(ClipTokenizer::fromFolder(folder.tokenizerDirectory));
    if (static_cast<int>(n.tokenizer->vocabSize()) > folder.textConfig.vocabSize)
        throw Error(folder.tokenizerDirectory + ": the tokenizer has " + std::to_string(n.tokenizer->vocabSize()) +
                    " tokens but the text encoder only " + std::to_string(folder.textConfig.vocabSize));
    if (n.tokenizer->maxLength() > folder.textConfig.maxPositionEmbeddings)
        throw Error(folder.tokenizerDirectory + ": model_max_length exceeds the text encoder's positions");
    n.textEncoder = ClipTextModel(folder.textConfig);
    n.vae = AutoencoderKL(folder.vaeConfig);
    n.unet = UNet2DConditionModel(folder.unetConfig);
    return n;
}
} // namespace

StableDiffusionNetworks StableDiffusionNetworks::load(const ModelFolder& folder, torch::Device device, torch::Dtype dtype) {
    auto n = build(folder);
    loadWeights(*n.textEncoder, folder.textEncoder.weightFiles, "text_encoder", {"text_model.embeddings.position_ids"});
    loadWeights(*n.vae, folder.vae.weightFiles, "vae");
    loadWeights(*n.unet, folder.unet.weightFiles, "unet");
    place(n, device, dtype);
    return n;
}

StableDiffusionNetworks StableDiffusionNetworks::random(const ModelFolder& folder, torch::Device device,
                                                        torch::Dtype dtype, uint64_t seed) {
    torch::manual_seed(seed);
    auto n = build(folder);
    place(n, device, dtype);
    return n;
}

void StableDiffusionNetworks::setEval() {
    textEncoder->eval();
    vae->eval();
    unet->eval();
}

int64_t StableDiffusionNetworks::parameterCount(const torch::nn::Module& module) const {
    int64_t count = 0;
    for (const auto& p : module.parameters()) count += p.numel();
    return count;
}

torch::Tensor StableDiffusionNetworks::encodePrompts(const std::vector<std::string>& prompts) {
    std::vector<int64_t> ids;
    for (const auto& p : prompts) {
        auto row = tokenizer->encodePadded(p);
        ids.insert(ids.end(), row.begin(), row.end());
    }
    auto t = torch::tensor(ids, torch::kLong).reshape({static_cast<int64_t>(prompts.size()), -1}).to(device);
    return textEncoder->forward(t).lastHiddenState; // [B, 77, hidden]
}

torch::Tensor StableDiffusionNetworks::encodeToLatent(const torch::Tensor& x) {
    const auto& c = folder.vaeConfig;
    auto mean = vae->encode(x.to(device, vaeDtype)).mean;
    return ((mean - c.shiftFactor) * c.scalingFactor).to(dtype);
}

torch::Tensor StableDiffusionNetworks::decodeLatent(const torch::Tensor& z) {
    const auto& c = folder.vaeConfig;
    return vae->decode(z.to(vaeDtype) / c.scalingFactor + c.shiftFactor);
}

torch::Dtype choosePrecision(const std::string& request, bool cuda) {
    if (request == "float32" || request == "fp32") return torch::kFloat;
    if (request == "auto" || request.empty()) return cuda ? torch::kHalf : torch::kFloat;
    if (request == "float16" || request == "fp16" || request == "bfloat16" || request == "bf16") {
        if (!cuda)
            throw Error("precision '" + request + "' needs a CUDA device; on the CPU the networks run in float32");
        return request.rfind("b", 0) == 0 ? torch::kBFloat16 : torch::kHalf;
    }
    throw Error("unknown precision '" + request + "': expected auto, float32, float16 or bfloat16");
}

} // namespace rlfseg
