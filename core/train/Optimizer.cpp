#include "core/train/Optimizer.h"

#include "core/util/Error.h"

#include <cmath>

namespace rlfseg {

namespace {
bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

torch::Tensor stateTensor(const std::map<std::string, torch::Tensor>& state, const std::string& key,
                          const torch::Tensor& like, const std::string& source) {
    const auto it = state.find(key);
    if (it == state.end()) throw Error(source + ": the optimizer state has no tensor " + key);
    if (it->second.sizes() != like.sizes())
        throw Error(source + ": " + key + " has the wrong shape for this model");
    return it->second.to(like.device(), like.scalar_type());
}
} // namespace

AdamW::AdamW(std::vector<NamedParameter> parameters, const StageConfig& config)
    : mParameters(std::move(parameters)), mConfig(config) {
    for (const auto& p : mParameters) {
        mExpAvg.push_back(torch::zeros_like(p.tensor, torch::MemoryFormat::Preserve));
        mExpAvgSq.push_back(torch::zeros_like(p.tensor, torch::MemoryFormat::Preserve));
        // Biases, norm scales and embedding tables are not decayed (as in most SD / CLIP recipes).
        mDecay.push_back(p.tensor.dim() >= 2 && !endsWith(p.name, "embedding.weight"));
    }
}

std::vector<torch::Tensor> AdamW::gradients() const {
    std::vector<torch::Tensor> grads;
    for (const auto& p : mParameters)
        if (p.tensor.grad().defined()) grads.push_back(p.tensor.grad());
    return grads;
}

void AdamW::zeroGrad() {
    const auto grads = gradients();
    if (!grads.empty()) at::_foreach_zero_(grads);
}

double AdamW::clipGradients(double maxNorm) {
    torch::NoGradGuard noGrad;
    const auto grads = gradients();
    if (grads.empty()) return 0.0;
    std::vector<torch::Tensor> norms = at::_foreach_norm(grads);
    for (auto& n : norms) n = n.to(torch::kFloat);
    const double total = torch::stack(norms).norm().item<double>();
    if (maxNorm > 0 && total > maxNorm && std::isfinite(total)) at::_foreach_mul_(grads, maxNorm / (total + 1e-6));
    return total;
}

void AdamW::step(double lr) {
    torch::NoGradGuard noGrad;
    ++mSteps;
    const double b1 = mConfig.beta1, b2 = mConfig.beta2;
    const double correction1 = 1.0 - std::pow(b1, static_cast<double>(mSteps));
    const double correction2 = 1.0 - std::pow(b2, static_cast<double>(mSteps));
    const double stepSize = lr / correction1;
    const double sqrtCorrection2 = std::sqrt(correction2);
    // The parameters that have a gradient (a frozen part has none), and those of them decayed.
    std::vector<torch::Tensor> params, grads, expAvg, expAvgSq, decayed;
    for (size_t i = 0; i < mParameters.size(); ++i) {
        const auto& p = mParameters[i].tensor;
        if (!p.grad().defined()) continue;
        params.push_back(p);
        grads.push_back(p.grad());
        expAvg.push_back(mExpAvg[i]);
        expAvgSq.push_back(mExpAvgSq[i]);
        if (mDecay[i]) decayed.push_back(p);
    }
    if (params.empty()) return;
    if (!decayed.empty() && mConfig.weightDecay > 0) at::_foreach_mul_(decayed, 1.0 - lr * mConfig.weightDecay);
    at::_foreach_mul_(expAvg, b1);
    at::_foreach_add_(expAvg, grads, 1.0 - b1);
    at::_foreach_mul_(expAvgSq, b2);
    at::_foreach_addcmul_(expAvgSq, grads, grads, 1.0 - b2);
    auto denom = at::_foreach_sqrt(expAvgSq);
    at::_foreach_div_(denom, sqrtCorrection2);
    at::_foreach_add_(denom, mConfig.epsilon);
    at::_foreach_addcdiv_(params, expAvg, denom, -stepSize);
}

std::map<std::string, torch::Tensor> AdamW::state() const {
    std::map<std::string, torch::Tensor> s;
    for (size_t i = 0; i < mParameters.size(); ++i) {
        s["exp_avg/" + mParameters[i].name] = mExpAvg[i].to(torch::kCPU).contiguous();
        s["exp_avg_sq/" + mParameters[i].name] = mExpAvgSq[i].to(torch::kCPU).contiguous();
    }
    s["step"] = torch::tensor({mSteps}, torch::kLong);
    return s;
}

void AdamW::loadState(const std::map<std::string, torch::Tensor>& state, const std::string& source) {
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < mParameters.size(); ++i) {
        mExpAvg[i].copy_(stateTensor(state, "exp_avg/" + mParameters[i].name, mExpAvg[i], source));
        mExpAvgSq[i].copy_(stateTensor(state, "exp_avg_sq/" + mParameters[i].name, mExpAvgSq[i], source));
    }
    const auto it = state.find("step");
    if (it == state.end() || it->second.numel() != 1) throw Error(source + ": the optimizer state has no step count");
    mSteps = it->second.to(torch::kLong).item<int64_t>();
}

double learningRateAt(const StageConfig& c, int64_t step) {
    if (c.warmupSteps > 0 && step < c.warmupSteps)
        return c.learningRate * static_cast<double>(step + 1) / static_cast<double>(c.warmupSteps);
    if (c.decay == "constant") return c.learningRate;
    const double span = static_cast<double>(std::max<int64_t>(1, c.steps - 1 - c.warmupSteps));
    const double progress = std::min(1.0, static_cast<double>(step - c.warmupSteps) / span);
    const double floor = c.minLearningRate * c.learningRate;
    const double shape = c.decay == "cosine" ? 0.5 * (1.0 + std::cos(M_PI * progress)) : 1.0 - progress;
    return floor + (c.learningRate - floor) * shape;
}

EmaWeights::EmaWeights(const std::vector<NamedParameter>& parameters, double decay) : mDecay(decay) {
    torch::NoGradGuard noGrad;
    for (const auto& p : parameters) {
        mShadow.push_back(p.tensor.detach().clone());
        mNames.push_back(p.name);
    }
}

void EmaWeights::update(const std::vector<NamedParameter>& parameters) {
    torch::NoGradGuard noGrad;
    ++mUpdates;
    const double n = static_cast<double>(mUpdates);
    const double decay = std::min(mDecay, (1.0 + n) / (10.0 + n));
    if (mShadow.empty()) return;
    std::vector<torch::Tensor> current;
    for (const auto& p : parameters) current.push_back(p.tensor.detach());
    // shadow += (1 - decay) (parameter - shadow), as lerp_ (LibTorch 1.13 has no _foreach_lerp_):
    // a parameter equal to its average leaves it exactly where it is.
    at::_foreach_add_(mShadow, at::_foreach_sub(current, mShadow), 1.0 - decay);
}

void EmaWeights::swapInto(const std::vector<NamedParameter>& parameters) {
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < parameters.size(); ++i) {
        auto current = parameters[i].tensor.detach().clone();
        parameters[i].tensor.detach().copy_(mShadow[i]);
        mShadow[i].copy_(current);
    }
}

std::map<std::string, torch::Tensor> EmaWeights::state() const {
    std::map<std::string, torch::Tensor> s;
    for (size_t i = 0; i < mShadow.size(); ++i) s["ema/" + mNames[i]] = mShadow[i].to(torch::kCPU).contiguous();
    s["ema_updates"] = torch::tensor({mUpdates}, torch::kLong);
    return s;
}

void EmaWeights::loadState(const std::map<std::string, torch::Tensor>& state, const std::string& source) {
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < mShadow.size(); ++i) mShadow[i].copy_(stateTensor(state, "ema/" + mNames[i], mShadow[i], source));
    const auto it = state.find("ema_updates");
    if (it == state.end()) throw Error(source + ": the EMA state has no update count");
    mUpdates = it->second.to(torch::kLong).item<int64_t>();
}

} // namespace rlfseg
