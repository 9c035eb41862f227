#include "core/nn/ClipTextModel.h"

#include "core/nn/Attention.h"

namespace rlfseg {
namespace nn = torch::nn;

ClipEncoderLayerImpl::ClipEncoderLayerImpl(const ClipTextConfig& c)
    : mHeads(c.numAttentionHeads), mQuickGelu(c.hiddenAct == "quick_gelu") {
    const int64_t d = c.hiddenSize;
    auto ln = [&] { return makeLayerNorm(d, c.layerNormEps); };
    // transformers nests the attention projections under `self_attn` and the MLP under `mlp`.
    auto selfAttn = std::make_shared<nn::Module>();
    q_proj = selfAttn->register_module("q_proj", nn::Linear(d, d));
    k_proj = selfAttn->register_module("k_proj", nn::Linear(d, d));
    v_proj = selfAttn->register_module("v_proj", nn::Linear(d, d));
    out_proj = selfAttn->register_module("out_proj", nn::Linear(d, d));
    auto mlp = std::make_shared<nn::Module>();
    fc1 = mlp->register_module("fc1", nn::Linear(d, c.intermediateSize));
    fc2 = mlp->register_module("fc2", nn::Linear(c.intermediateSize, d));
    register_module("self_attn", selfAttn);
    layer_norm1 = register_module("layer_norm1", ln());
    register_module("mlp", mlp);
    layer_norm2 = register_module("layer_norm2", ln());
}

torch::Tensor ClipEncoderLayerImpl::forward(const torch::Tensor& x) {
    auto h = layer_norm1(x);
    AttentionOptions options;
    options.causal = true;
    auto a = multiHeadAttention(q_proj(h), k_proj(h), v_proj(h), mHeads, options);
    auto r = x + out_proj(a);
    h = fc1(layer_norm2(r));
    h = mQuickGelu ? h * torch::sigmoid(1.702 * h) : torch::gelu(h);
    return r + fc2(h);
}

ClipTextTransformerImpl::ClipTextTransformerImpl(const ClipTextConfig& c) : mConfig(c) {
    auto embeddings = std::make_shared<nn::Module>();
    token_embedding = embeddings->register_module("token_embedding", nn::Embedding(c.vocabSize, c.hiddenSize));
    position_embedding =
        embeddings->register_module("position_embedding", nn::Embedding(c.maxPositionEmbeddings, c.hiddenSize));
    register_module("embeddings", embeddings);
    for (int i = 0; i < c.numHiddenLayers; ++i) layers->push_back(ClipEncoderLayer(c));
    auto encoder = std::make_shared<nn::Module>();
    encoder->register_module("layers", layers);
    register_module("encoder", encoder);
    final_layer_norm =
        register_module("final_layer_norm", makeLayerNorm(c.hiddenSize, c.layerNormEps));
}

ClipTextOutput ClipTextTransformerImpl::forward(const torch::Tensor& ids, DebugTensors* debug) {
    TORCH_CHECK(ids.dim() == 2, "CLIP text model expects [B, L] token ids");
    const int64_t length = ids.size(1);
    TORCH_CHECK(length <= mConfig.maxPositionEmbeddings, "CLIP text model: ", length, " tokens, at most ",
                mConfig.maxPositionEmbeddings);
    auto positions = torch::arange(length, ids.options().dtype(torch::kLong));
    auto x = token_embedding(ids) + position_embedding(positions).unsqueeze(0); // [B, L, D]
    recordDebug(debug, "embeddings", x);
    for (size_t i = 0; i < layers->size(); ++i) {
        x = layers[i]->as<ClipEncoderLayer>()->forward(x);
        recordDebug(debug, "encoder.layers." + std::to_string(i), x);
    }
    x = final_layer_norm(x);
    // Pooling: transformers' legacy configs (eos_token_id == 2) take argmax(ids), which is the
    // end-of-text token in the CLIP vocabulary; otherwise the first position of eos_token_id.
    torch::Tensor eosPosition = mConfig.eosTokenId == 2 ? ids.argmax(-1)
                                                        : (ids == mConfig.eosTokenId).to(torch::kInt).argmax(-1);
    auto batchIndex = torch::arange(ids.size(0), ids.options().dtype(torch::kLong));
    auto pooled = x.index({batchIndex, eosPosition});
    return {x, pooled};
}

ClipTextModelImpl::ClipTextModelImpl(const ClipTextConfig& config) : mConfig(config) {
    text_model = register_module("text_model", ClipTextTransformer(config));
}

ClipTextOutput ClipTextModelImpl::forward(const torch::Tensor& ids, DebugTensors* debug) {
    return text_model->forward(ids, debug);
}

} // namespace rlfseg
