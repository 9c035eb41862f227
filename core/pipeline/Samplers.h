#pragma once
// From the image latent to a decoded mask: plain one-step, adaptive one-step and Euler with N
// steps of the rectified flow (METHOD.md section 4), and DDIM with N steps for the diffusion
// baseline (section 6).

#include <torch/torch.h>

#include <string>
#include <vector>

namespace rlfseg {

struct StableDiffusionNetworks;
struct ModelCard;

struct SamplerSpec {
    enum class Kind { OneStep, Adaptive, Euler, Ddim };
    Kind kind = Kind::OneStep;
    int steps = 1;              // Euler, DDIM
    std::vector<double> scales; // Adaptive: candidate step scales

    std::string name() const; // "one-step", "adaptive", "euler:4", "ddim:10"
    bool forDiffusion() const { return kind == Kind::Ddim; }
};

// "one-step" | "adaptive" | "euler:N" | "ddim:N" (1 <= N <= 1000). Throws rlfseg::Error otherwise.
SamplerSpec parseSampler(const std::string& text);

// A flow model takes the flow samplers, a diffusion-baseline model (model card objective
// "diffusion") takes ddim:N. Throws rlfseg::Error saying which to use.
void checkSamplerFitsModel(const SamplerSpec& sampler, const std::string& objective, const std::string& modelName);

// A warning for a sampler that runs but does not suit the model, "" when it does: Euler with more
// than one step on a flow trained only at t = 0 (the card says so) evaluates the velocity at
// times the UNet never saw.
std::string samplerCaveat(const SamplerSpec& sampler, const ModelCard& card);

// The baseline's DDPM schedule: alphas_cumprod [T] for "scaled_linear" betas (Stable Diffusion's).
torch::Tensor diffusionAlphasCumprod(int trainTimesteps, double betaStart, double betaEnd);
// DDIM's timesteps for N steps, "trailing" spacing (T - 1, ..., T / N - 1), so the first step
// starts from pure noise.
std::vector<int64_t> ddimTimesteps(int trainTimesteps, int steps);

struct SampledMask {
    torch::Tensor decoded; // [1, 3, H, W], the VAE's output for the chosen mask latent
    double scale = 1.0;    // the step scale applied to the velocity (1 unless adaptive)
    double score = 0.0;    // decisiveness of the decoded mask, see maskDecisiveness
    int unetCalls = 0;
    double unetMs = 0, decodeMs = 0; // wall time of the UNet evaluations and of the decoding (and scoring)
};

// How decisive and self-consistent decoded masks are, [K, 3, H, W] -> [K] in [0, 1]: the
// binariness mean |2p - 1| of the soft mask p (channel mean) times the agreement of the three
// channels, 1 - 2 * mean |c_k - p| (each channel mapped to [0, 1] like p).
torch::Tensor maskDecisiveness(const torch::Tensor& decoded);

// Runs the flow from z_img ([1, C, h, w]) under the text context ([1, L, D]) and decodes.
// Adaptive: one UNet evaluation at t = 0, the candidates z_img + a * v for every scale decoded in
// one batch, the most decisive returned with its scale and score.
// DDIM (diffusion baseline): from seeded Gaussian noise, the UNet sees [z_img, z_t] and predicts v;
// deterministic (eta = 0, the same noise for every call).
SampledMask sampleMask(StableDiffusionNetworks& networks, const torch::Tensor& zImage, const torch::Tensor& context,
                       const SamplerSpec& sampler);

} // namespace rlfseg
