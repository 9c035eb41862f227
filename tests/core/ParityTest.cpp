// Numerical parity with the reference implementations (diffusers 0.38 for the VAE and UNets,
// CLIP / transformers for the text encoder), on the golden files in ../shared/fixtures/sd-parity.
// Tolerances as that README recommends: elementwise |got - ref| <= 1e-4 + 1e-4 |ref| everywhere
// (intermediates included), and the tight CPU float32 tier, max abs 2e-5, on every final output.

#include "TestSupport.h"

#include "core/io/JsonFields.h"
#include "core/io/SafeTensors.h"
#include "core/nn/AutoencoderKL.h"
#include "core/nn/ClipTextModel.h"
#include "core/nn/UNet2DConditionModel.h"
#include "core/nn/Weights.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace rlfseg;

namespace {

constexpr double kTight = 2e-5;

::testing::AssertionResult close(const torch::Tensor& got, const torch::Tensor& ref, const std::string& what,
                                 double tightMaxAbs = 0.0) {
    if (got.sizes() != ref.sizes()) {
        std::ostringstream s;
        s << what << ": shape " << got.sizes() << " vs reference " << ref.sizes();
        return ::testing::AssertionFailure() << s.str();
    }
    auto diff = (got.to(torch::kDouble) - ref.to(torch::kDouble)).abs();
    auto bound = 1e-4 + 1e-4 * ref.to(torch::kDouble).abs();
    const double maxAbs = diff.max().item<double>();
    const int64_t bad = (diff > bound).sum().item<int64_t>();
    if (bad > 0 || (tightMaxAbs > 0 && maxAbs > tightMaxAbs))
        return ::testing::AssertionFailure() << what << ": max abs diff " << maxAbs << ", " << bad
                                             << " elements outside 1e-4 + 1e-4|ref|"
                                             << (tightMaxAbs > 0 ? " (tight bound " + std::to_string(tightMaxAbs) + ")"
                                                                 : std::string());
    return ::testing::AssertionSuccess() << what << ": max abs diff " << maxAbs;
}

nlohmann::json configJson(const std::string& name) { return JsonFields::parseFile(test::fixture(name).string()); }

struct Golden {
    SafeTensorsFile file;
    explicit Golden(const std::string& name) : file(SafeTensorsFile::open(test::fixture(name).string())) {}
    torch::Tensor operator[](const std::string& key) const { return readTensor(file, key); }
    // Every dbg.* tensor whose key (without the prefix) is in `debug` is compared; returns how many.
    int compareDebug(const DebugTensors& debug, const std::string& prefix = "") const {
        int compared = 0;
        for (const auto& name : file.names()) {
            if (name.rfind("dbg.", 0) != 0) continue;
            const std::string key = name.substr(4);
            if (!prefix.empty() && key.rfind(prefix, 0) != 0) continue;
            auto it = debug.find(key);
            if (it == debug.end()) continue;
            EXPECT_TRUE(close(it->second, (*this)[name], name));
            ++compared;
        }
        return compared;
    }
};

} // namespace

class Parity : public ::testing::Test {
protected:
    void SetUp() override {
        torch::set_num_threads(1);
        ASSERT_TRUE(std::filesystem::is_directory(test::fixturesDir()))
            << "parity fixtures not found at " << test::fixturesDir();
    }
    torch::NoGradGuard noGrad;
};

TEST_F(Parity, VaeEncodeAndDecodeMatchDiffusers) {
    AutoencoderKL vae(AutoencoderKLConfig::fromJson(configJson("vae_tiny_config.json"), "vae_tiny_config.json"));
    loadWeights(*vae, {test::fixture("vae_tiny.safetensors").string()}, "vae");
    vae->eval();
    Golden io("vae_tiny_io.safetensors");

    DebugTensors debug;
    auto dist = vae->encode(io["input"], &debug);
    EXPECT_TRUE(close(dist.mean, io["latent_mean"], "latent_mean", kTight));
    EXPECT_TRUE(close(dist.logvar, io["latent_logvar"], "latent_logvar", kTight));
    auto decoded = vae->decode(io["latent_mean"], &debug);
    EXPECT_TRUE(close(decoded, io["decoded"], "decoded", kTight));
    EXPECT_GE(io.compareDebug(debug), 10) << "the debug intermediates should be compared too";

    convertToChannelsLast(*vae);
    EXPECT_TRUE(close(vae->encode(io["input"]).mean, io["latent_mean"], "latent_mean (channels-last)", kTight));
    EXPECT_TRUE(close(vae->decode(io["latent_mean"]), io["decoded"], "decoded (channels-last)", kTight));
}

class UNetParity : public Parity, public ::testing::WithParamInterface<std::string> {};

TEST_P(UNetParity, MatchesDiffusersForIntegerAndFloatTimesteps) {
    const std::string name = "unet_" + GetParam() + "_tiny";
    UNet2DConditionModel unet(UNet2DConditionConfig::fromJson(configJson(name + "_config.json"), name));
    loadWeights(*unet, {test::fixture(name + ".safetensors").string()}, "unet");
    unet->eval();
    Golden io(name + "_io.safetensors");

    DebugTensors debug;
    auto out = unet->forward(io["sample"], io["timestep"], io["encoder_hidden_states"], &debug);
    EXPECT_TRUE(close(out, io["out"], name + " out", kTight));
    EXPECT_GE(io.compareDebug(debug), 10);

    auto outFloat = unet->forward(io["sample"], io["timestep_float"], io["encoder_hidden_states"]);
    EXPECT_TRUE(close(outFloat, io["out_timestep_float"], name + " out_timestep_float", kTight));

    // The layout the pipeline runs in (channels-last convolutions) gives the same numbers.
    convertToChannelsLast(*unet);
    auto outChannelsLast = unet->forward(io["sample"], io["timestep"], io["encoder_hidden_states"]);
    EXPECT_TRUE(close(outChannelsLast, io["out"], name + " out (channels-last)", kTight));
}

INSTANTIATE_TEST_SUITE_P(Sd15AndSd21, UNetParity, ::testing::Values("sd15", "sd21"));

TEST_F(Parity, Sd21ConfigResolvesPerBlockHeadCounts) {
    auto c = UNet2DConditionConfig::fromJson(configJson("unet_sd21_tiny_config.json"), "sd21");
    EXPECT_EQ(c.numAttentionHeads, (std::vector<int>{2, 4, 4}));
    EXPECT_TRUE(c.useLinearProjection);
    auto c15 = UNet2DConditionConfig::fromJson(configJson("unet_sd15_tiny_config.json"), "sd15");
    // diffusers quirk: attention_head_dim = 8 means 8 heads, not heads of size 8.
    EXPECT_EQ(c15.numAttentionHeads, (std::vector<int>{8, 8, 8}));
}

TEST_F(Parity, ClipTextEncoderMatchesReferenceForBothPaddings) {
    ClipTextModel clip(ClipTextConfig::fromJson(configJson("clip_text_tiny_config.json"), "clip"));
    loadWeights(*clip, {test::fixture("clip_text_tiny.safetensors").string()}, "text_encoder");
    clip->eval();
    Golden io("clip_text_tiny_io.safetensors");

    DebugTensors debug;
    auto out = clip->forward(io["input_ids"], &debug);
    EXPECT_TRUE(close(out.lastHiddenState, io["last_hidden_state"], "last_hidden_state", kTight));
    EXPECT_TRUE(close(out.pooled, io["pooler_output"], "pooler_output", kTight));
    EXPECT_GE(io.compareDebug(debug), 3);

    auto pad0 = clip->forward(io["input_ids_pad0"]);
    EXPECT_TRUE(close(pad0.lastHiddenState, io["last_hidden_state_pad0"], "last_hidden_state_pad0", kTight));
    EXPECT_TRUE(close(pad0.pooled, io["pooler_output_pad0"], "pooler_output_pad0", kTight));
}

TEST_F(Parity, NormalisationEpsilonsAreTheReferenceOnes) {
    // The tight tier catches most eps mistakes; this names them explicitly (README, "Tolerances").
    UNet2DConditionModel unet(UNet2DConditionConfig::fromJson(configJson("unet_sd15_tiny_config.json"), "sd15"));
    AutoencoderKL vae(AutoencoderKLConfig::fromJson(configJson("vae_tiny_config.json"), "vae"));
    int checked = 0;
    for (const auto& m : unet->named_modules()) {
        if (auto* gn = m.value()->as<torch::nn::GroupNorm>()) {
            const bool transformerNorm = m.key().find("attentions") != std::string::npos;
            EXPECT_DOUBLE_EQ(gn->options.eps(), transformerNorm ? 1e-6 : 1e-5) << m.key();
            ++checked;
        }
        if (auto* ln = m.value()->as<torch::nn::LayerNorm>()) {
            EXPECT_DOUBLE_EQ(ln->options.eps(), 1e-5) << m.key();
            ++checked;
        }
    }
    for (const auto& m : vae->named_modules())
        if (auto* gn = m.value()->as<torch::nn::GroupNorm>()) {
            EXPECT_DOUBLE_EQ(gn->options.eps(), 1e-6) << m.key();
            ++checked;
        }
    EXPECT_GT(checked, 40);
}
