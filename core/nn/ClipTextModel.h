#pragma once
// Hugging Face CLIPTextModel: token ids -> last_hidden_state (the UNet's conditioning) and
// pooler_output. Child names follow the transformers keys (text_model.embeddings.token_embedding...).

#include "core/nn/Blocks.h"
#include "core/nn/ModelConfigs.h"

#include <torch/torch.h>

namespace rlfseg {

struct ClipTextOutput {
    torch::Tensor lastHiddenState; // [B, L, hidden]
    torch::Tensor pooled;          // [B, hidden], the state at the first end-of-text token
};

class ClipEncoderLayerImpl : public torch::nn::Module {
public:
    explicit ClipEncoderLayerImpl(const ClipTextConfig& config);
    torch::Tensor forward(const torch::Tensor& x);

private:
    int64_t mHeads;
    bool mQuickGelu;
    AutocastLayerNorm layer_norm1{nullptr}, layer_norm2{nullptr};
    torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};
    torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

class ClipTextTransformerImpl : public torch::nn::Module {
public:
    explicit ClipTextTransformerImpl(const ClipTextConfig& config);
    ClipTextOutput forward(const torch::Tensor& ids, DebugTensors* debug);

private:
    ClipTextConfig mConfig;
    torch::nn::Embedding token_embedding{nullptr}, position_embedding{nullptr};
    torch::nn::ModuleList layers;
    AutocastLayerNorm final_layer_norm{nullptr};
};
TORCH_MODULE(ClipTextTransformer);

class ClipTextModelImpl : public torch::nn::Module {
public:
    explicit ClipTextModelImpl(const ClipTextConfig& config);
    // ids: [B, L] int64, L <= max_position_embeddings.
    ClipTextOutput forward(const torch::Tensor& ids, DebugTensors* debug = nullptr);
    const ClipTextConfig& config() const { return mConfig; }

private:
    ClipTextConfig mConfig;
    ClipTextTransformer text_model{nullptr};
};
TORCH_MODULE(ClipTextModel);

} // namespace rlfseg
