#include "core/pipeline/Samplers.h"

#include "core/model/StableDiffusionNetworks.h"
#include "core/util/Error.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace rlfseg {

std::string SamplerSpec::name() const {
    switch (kind) {
    case Kind::OneStep: return "one-step";
    case Kind::Adaptive: return "adaptive";
    case Kind::Euler: return "euler:" + std::to_string(steps);
    case Kind::Ddim: return "ddim:" + std::to_string(steps);
    }
    return "?";
}

SamplerSpec parseSampler(const std::string& text) {
    SamplerSpec s;
    if (text == "one-step" || text.empty()) return s;
    if (text == "adaptive") {
        s.kind = SamplerSpec::Kind::Adaptive;
        s.scales = {0.75, 0.875, 1.0, 1.125, 1.25}; // METHOD.md's default candidate set
        return s;
    }
    for (const auto& [prefix, kind] : {std::pair<std::string, SamplerSpec::Kind>{"euler:", SamplerSpec::Kind::Euler},
                                       {"ddim:", SamplerSpec::Kind::Ddim}}) {
        if (text.rfind(prefix, 0) != 0) continue;
        s.kind = kind;
        const auto number = text.substr(prefix.size());
        try {
            size_t used = 0;
            s.steps = std::stoi(number, &used);
            if (used != number.size()) throw std::invalid_argument("trailing characters");
        } catch (const std::exception&) {
            throw Error("bad sampler '" + text + "': expected " + prefix + "N with N a whole number");
        }
        if (s.steps < 1 || s.steps > 1000) throw Error("bad sampler '" + text + "': N must be 1 to 1000");
        return s;
    }
    throw Error("unknown sampler '" + text + "': expected one-step, adaptive, euler:N or ddim:N");
}

void checkSamplerFitsModel(const SamplerSpec& sampler, const std::string& objective, const std::string& modelName) {
    if (objective == "diffusion" && !sampler.forDiffusion())
        throw Error(modelName + " is a diffusion-baseline model: use --sampler ddim:N (e.g. ddim:10), not " +
                    sampler.name());
    if (objective != "diffusion" && sampler.forDiffusion())
        throw Error(modelName + " is a rectified-flow model: " + sampler.name() +
                    " is for the diffusion baseline; use one-step, adaptive or euler:N");
}

std::string samplerCaveat(const SamplerSpec& sampler, const ModelCard& card) {
    if (sampler.kind != SamplerSpec::Kind::Euler || sampler.steps < 2 || card.objective != "flow" ||
        !card.flowTrainedOnlyAtTZero)
        return "";
    const std::string name = card.name.empty() ? std::string("this model") : card.name;
    return name + " was trained only at t = 0 (the one-step path, its card says): " + sampler.name() +
           " asks its flow for times it never learned and gives poor masks; use one-step or adaptive";
}

torch::Tensor diffusionAlphasCumprod(int trainTimesteps, double betaStart, double betaEnd) {
    auto betas = torch::linspace(std::sqrt(betaStart), std::sqrt(betaEnd), trainTimesteps, torch::kDouble).pow(2);
    return torch::cumprod(1.0 - betas, 0).to(torch::kFloat);
}

std::vector<int64_t> ddimTimesteps(int trainTimesteps, int steps) {
    std::vector<int64_t> t;
    const double stride = static_cast<double>(trainTimesteps) / steps;
    for (int i = 0; i < steps; ++i)
        t.push_back(std::max<int64_t>(0, static_cast<int64_t>(std::llround(trainTimesteps - i * stride)) - 1));
    return t;
}

torch::Tensor maskDecisiveness(const torch::Tensor& decoded) {
    auto channels = ((decoded.to(torch::kFloat) + 1.0) / 2.0).clamp(0.0, 1.0); // [K, 3, H, W]
    auto p = channels.mean(1, true);                                         // [K, 1, H, W]
    auto binariness = (2 * p - 1).abs().mean({1, 2, 3});                     // [K]
    auto agreement = 1 - 2 * (channels - p).abs().mean({1, 2, 3});           // [K]
    return binariness * agreement.clamp(0.0, 1.0);
}

namespace {
// Milliseconds since `start`, after the device has finished its queued work.
double elapsedMs(const StableDiffusionNetworks& net, std::chrono::steady_clock::time_point start) {
    if (net.device.is_cuda()) torch::cuda::synchronize();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}
// The end of every multi-step sampler: UNet time so far, then decode the final latent and score it.
SampledMask decodeFinal(StableDiffusionNetworks& net, const torch::Tensor& z, SampledMask out,
                        std::chrono::steady_clock::time_point start) {
    out.unetMs = elapsedMs(net, start);
    start = std::chrono::steady_clock::now();
    out.decoded = net.decodeLatent(z);
    out.score = maskDecisiveness(out.decoded).item<double>();
    out.decodeMs = elapsedMs(net, start);
    return out;
}
} // namespace

SampledMask sampleMask(StableDiffusionNetworks& net, const torch::Tensor& zImage, const torch::Tensor& context,
                       const SamplerSpec& sampler) {
    auto t0 = torch::zeros({1}, torch::TensorOptions().device(net.device).dtype(torch::kFloat));
    SampledMask out;
    auto start = std::chrono::steady_clock::now();
    if (sampler.kind == SamplerSpec::Kind::Adaptive) {
        const auto velocity = net.unet->forward(zImage, t0, context);
        out.unetCalls = 1;
        out.unetMs = elapsedMs(net, start);
        start = std::chrono::steady_clock::now();
        const auto k = static_cast<int64_t>(sampler.scales.size());
        auto scales = torch::tensor(sampler.scales, torch::TensorOptions().dtype(torch::kFloat))
                          .to(zImage.device(), zImage.scalar_type())
                          .reshape({k, 1, 1, 1});
        auto candidates = zImage + scales * velocity; // [K, C, h, w]
        auto decoded = net.decodeLatent(candidates);  // [K, 3, H, W]
        auto scores = maskDecisiveness(decoded);
        const int64_t best = scores.argmax().item<int64_t>();
        out.decoded = decoded.narrow(0, best, 1);
        out.scale = sampler.scales[best];
        out.score = scores[best].item<double>();
        out.decodeMs = elapsedMs(net, start);
        return out;
    }
    if (sampler.kind == SamplerSpec::Kind::Ddim) {
        const auto& card = net.folder.card;
        const auto alphas = diffusionAlphasCumprod(card.numTrainTimesteps, card.betaStart, card.betaEnd);
        auto generator = at::detail::createCPUGenerator(0);
        auto z = torch::randn(zImage.sizes(), generator, torch::kFloat).to(zImage.device(), zImage.scalar_type());
        const auto steps = ddimTimesteps(card.numTrainTimesteps, sampler.steps);
        for (size_t i = 0; i < steps.size(); ++i) {
            const double ab = alphas[steps[i]].item<double>();
            const double abNext = i + 1 < steps.size() ? alphas[steps[i + 1]].item<double>() : 1.0;
            auto t = torch::full({1}, static_cast<double>(steps[i]), torch::TensorOptions().device(net.device).dtype(torch::kFloat));
            const auto v = net.unet->forward(torch::cat({zImage, z}, 1), t, context);
            const auto x0 = std::sqrt(ab) * z - std::sqrt(1 - ab) * v;
            const auto eps = std::sqrt(ab) * v + std::sqrt(1 - ab) * z;
            z = std::sqrt(abNext) * x0 + std::sqrt(1 - abNext) * eps;
        }
        out.unetCalls = static_cast<int>(steps.size());
        return decodeFinal(net, z, out, start);
    }
    // Euler: z_{k+1} = z_k + (1/N) v(z_k, 1000 k / N, c), from z_0 = z_img; one step is N = 1.
    const int n = sampler.kind == SamplerSpec::Kind::Euler ? sampler.steps : 1;
    auto z = zImage;
    for (int step = 0; step < n; ++step) {
        auto t = torch::full({1}, 1000.0 * step / n, torch::TensorOptions().device(net.device).dtype(torch::kFloat));
        z = z + net.unet->forward(z, t, context) / static_cast<double>(n);
    }
    out.unetCalls = n;
    return decodeFinal(net, z, out, start);
}

} // namespace rlfseg
