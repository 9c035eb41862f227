// METHOD.md section 4 on the tiny fixture model: the samplers, and the decisiveness score that
// adaptive one-step sampling maximises.

#include "TinyModel.h"

#include "core/model/StableDiffusionNetworks.h"
#include "core/pipeline/LatentConventions.h"
#include "core/pipeline/Samplers.h"
#include "core/pipeline/SegmentationPipeline.h"
#include "core/util/Error.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

using namespace rlfseg;

TEST(Samplers, ParsesTheNamesTheCommandLineTakes) {
    EXPECT_EQ(parseSampler("one-step").kind, SamplerSpec::Kind::OneStep);
    const auto adaptive = parseSampler("adaptive");
    EXPECT_EQ(adaptive.kind, SamplerSpec::Kind::Adaptive);
    EXPECT_EQ(adaptive.scales.size(), 5u);
    EXPECT_EQ(parseSampler("euler:4").steps, 4);
    EXPECT_EQ(parseSampler("euler:4").name(), "euler:4");
    for (const char* bad : {"euler:", "euler:0", "euler:4x", "euler:-2", "ddpm", "Adaptive"})
        EXPECT_THROW(parseSampler(bad), Error) << bad;
}

TEST(Samplers, WarnOnlyAboutMultiStepEulerOnAFlowTrainedAtTZeroOnly) {
    ModelCard card;
    card.name = "shapes";
    card.flowTrainedOnlyAtTZero = true;
    const std::string warning = samplerCaveat(parseSampler("euler:4"), card);
    EXPECT_NE(warning.find("shapes was trained only at t = 0"), std::string::npos) << warning;
    EXPECT_NE(warning.find("euler:4"), std::string::npos) << warning;
    for (const char* fine : {"one-step", "adaptive", "euler:1"})
        EXPECT_EQ(samplerCaveat(parseSampler(fine), card), "") << fine; // euler:1 is the one step
    card.flowTrainedOnlyAtTZero = false;
    EXPECT_EQ(samplerCaveat(parseSampler("euler:4"), card), "");
    card.flowTrainedOnlyAtTZero = true;
    card.objective = "diffusion";
    EXPECT_EQ(samplerCaveat(parseSampler("ddim:10"), card), "");
}

TEST(Samplers, DecisivenessRewardsBinaryAgreeingChannels) {
    auto score = [](std::vector<float> rgb) {
        return maskDecisiveness(torch::tensor(rgb).reshape({1, 3, 1, 1})).item<double>();
    };
    EXPECT_NEAR(score({1, 1, 1}), 1.0, 1e-6);    // certain, channels agree
    EXPECT_NEAR(score({-1, -1, -1}), 1.0, 1e-6); // certain background
    EXPECT_NEAR(score({0, 0, 0}), 0.0, 1e-6);    // p = 0.5: undecided
    // Channels (1, 0, 1) in [0, 1]: p = 2/3, binariness 1/3, agreement 1 - 2 * 4/9 = 1/9.
    EXPECT_NEAR(score({1, -1, 1}), 1.0 / 27.0, 1e-6);
}

class SamplersOnTinyModel : public ::testing::Test {
protected:
    static void SetUpTestSuite() { sModel = test::makeTinyModelFolder("samplers"); }
    static std::filesystem::path sModel;

    static cv::Mat image() {
        cv::Mat rgb(32, 32, CV_8UC3, cv::Scalar(30, 90, 160));
        cv::circle(rgb, {16, 16}, 8, cv::Scalar(240, 20, 20), cv::FILLED);
        return rgb;
    }
    static SegmentationResult run(const std::string& sampler) {
        PipelineOptions o;
        o.device = "cpu";
        o.threads = 1;
        o.sampler = sampler;
        return SegmentationPipeline::load(sModel.string(), o)->segment(image(), "the red circle");
    }
};
std::filesystem::path SamplersOnTinyModel::sModel;

TEST_F(SamplersOnTinyModel, EulerWithOneStepIsTheOneStepFlow) {
    const auto one = run("one-step"), euler1 = run("euler:1");
    EXPECT_EQ(cv::norm(one.soft, euler1.soft, cv::NORM_INF), 0.0);
    EXPECT_DOUBLE_EQ(one.stepScale, 1.0);
    EXPECT_GT(cv::norm(run("euler:3").soft, one.soft, cv::NORM_INF), 1e-5); // more steps: another path
}

TEST_F(SamplersOnTinyModel, AdaptivePicksTheMostDecisiveScale) {
    const auto adaptive = run("adaptive");
    const auto candidates = parseSampler("adaptive").scales;
    ASSERT_NE(std::find(candidates.begin(), candidates.end(), adaptive.stepScale), candidates.end());

    // Recompute every candidate by hand: the chosen one has the highest score, and its mask is
    // z_img + a * v decoded.
    PipelineOptions o;
    o.device = "cpu";
    auto pipeline = SegmentationPipeline::load(sModel.string(), o);
    auto& net = pipeline->networks();
    c10::InferenceMode guard;
    auto zImg = net.encodeToLatent(conventions::imageToTensor(image(), {32, 32}));
    auto c = net.encodePrompts({"the red circle"});
    auto v = net.unet->forward(zImg, torch::zeros({1}), c);
    double best = -1;
    for (double a : candidates) best = std::max(best, maskDecisiveness(net.decodeLatent(zImg + a * v)).item<double>());
    EXPECT_NEAR(adaptive.score, best, 1e-5);
    auto chosen = conventions::softMaskFromDecoded(net.decodeLatent(zImg + adaptive.stepScale * v))[0];
    cv::Mat expected = conventions::softMaskToMat(chosen); // the model size is the image size here
    EXPECT_LT(cv::norm(adaptive.soft, expected, cv::NORM_INF), 1e-4);
    EXPECT_GE(adaptive.score, run("one-step").score - 1e-6); // 1.0 is among the candidates
}
