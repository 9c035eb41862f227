#pragma once
// AdamW, the learning-rate schedule and EMA weights, written out here rather than taken from
// torch::optim so that their whole state is a set of named tensors: checkpoints store it as
// safetensors beside the model, and a resumed run continues bit for bit.
//
// Updates use ATen's multi-tensor (_foreach_) operations: on CUDA a handful of fused kernels per
// step instead of about a dozen per parameter tensor (hundreds of tensors: thousands of launches,
// which made a GPU step host-bound); on the CPU the same arithmetic, tensor by tensor.

#include "core/train/TrainConfig.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace rlfseg {

struct NamedParameter {
    std::string name; // "unet.conv_in.weight": component prefix + the reference key
    torch::Tensor tensor;
};

class AdamW {
public:
    AdamW(std::vector<NamedParameter> parameters, const StageConfig& config);

    // One update with learning rate `lr` from the gradients now in the parameters. Weight decay
    // applies to matrices and kernels only (not to biases, norms or embeddings' positions).
    void step(double lr);
    void zeroGrad();
    // Global L2 norm of all gradients, scaled down to `maxNorm` when above it (0: no clipping).
    double clipGradients(double maxNorm);

    int64_t steps() const { return mSteps; }
    const std::vector<NamedParameter>& parameters() const { return mParameters; }

    // "exp_avg/<name>", "exp_avg_sq/<name>" and "step" (CPU tensors).
    std::map<std::string, torch::Tensor> state() const;
    // Throws rlfseg::Error (naming `source`) if a tensor is missing or mis-shaped.
    void loadState(const std::map<std::string, torch::Tensor>& state, const std::string& source);

private:
    std::vector<torch::Tensor> gradients() const; // of the parameters that have one

    std::vector<NamedParameter> mParameters;
    std::vector<torch::Tensor> mExpAvg, mExpAvgSq;
    std::vector<bool> mDecay;
    StageConfig mConfig;
    int64_t mSteps = 0;
};

// Linear warm-up, then cosine / linear decay to min_learning_rate x learning_rate at the last step.
double learningRateAt(const StageConfig& config, int64_t step);

// Exponential moving average of parameters, with the usual warm-up of the decay
// (min(decay, (1 + n) / (10 + n))) so that early averages are not dominated by the initialisation.
class EmaWeights {
public:
    EmaWeights(const std::vector<NamedParameter>& parameters, double decay);
    void update(const std::vector<NamedParameter>& parameters);
    // Swaps the averaged values into the parameters (and back on the second call).
    void swapInto(const std::vector<NamedParameter>& parameters);
    std::map<std::string, torch::Tensor> state() const; // "ema/<name>", "ema_updates"
    void loadState(const std::map<std::string, torch::Tensor>& state, const std::string& source);

private:
    std::vector<torch::Tensor> mShadow;
    std::vector<std::string> mNames;
    double mDecay;
    int64_t mUpdates = 0;
};

} // namespace rlfseg
