// The pipeline on a tiny model assembled from the parity fixtures: METHOD.md's one-step flow,
// sizes, caches and the errors a user can cause.

#include "TestSupport.h"
#include "TinyModel.h"

#include "core/model/StableDiffusionNetworks.h"
#include "core/pipeline/LatentConventions.h"
#include "core/pipeline/MaskResize.h"
#include "core/pipeline/SegmentationPipeline.h"
#include "core/util/Error.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

using namespace rlfseg;

namespace {
cv::Mat testImage(int width, int height, int seed) {
    cv::Mat rgb(height, width, CV_8UC3);
    cv::RNG rng(seed);
    rng.fill(rgb, cv::RNG::UNIFORM, 0, 256);
    cv::circle(rgb, {width / 2, height / 2}, std::min(width, height) / 4, cv::Scalar(230, 20, 20), cv::FILLED);
    return rgb;
}

PipelineOptions cpuOptions() {
    PipelineOptions o;
    o.device = "cpu";
    o.threads = 1;
    return o;
}
} // namespace

class SegmentationPipelineTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { sModel = test::makeTinyModelFolder("pipeline"); }
    static std::filesystem::path sModel;
};
std::filesystem::path SegmentationPipelineTest::sModel;

TEST_F(SegmentationPipelineTest, OneStepFlowIsExactlyMethodSection4) {
    auto pipeline = SegmentationPipeline::load(sModel.string(), cpuOptions());
    ASSERT_EQ(pipeline->modelResolution(), 32); // sample_size 16 x VAE factor 2
    const cv::Mat rgb = testImage(32, 32, 1);
    const auto result = pipeline->segment(rgb, "the red circle");

    // The same computation spelled out with the networks: z_img = s * mean, z = z_img + v(z_img, 0, c).
    c10::InferenceMode guard;
    auto& net = pipeline->networks();
    const double s = net.folder.vaeConfig.scalingFactor;
    auto x = conventions::imageToTensor(rgb, {32, 32});
    auto zImg = net.vae->encode(x).mean * s;
    auto ids = torch::tensor(net.tokenizer->encodePadded("the red circle")).reshape({1, 77});
    auto c = net.textEncoder->forward(ids).lastHiddenState;
    auto z = zImg + net.unet->forward(zImg, torch::zeros({1}), c);
    auto p = ((net.vae->decode(z / s).mean(1) + 1) / 2).clamp(0, 1)[0];

    ASSERT_EQ(result.soft.size(), cv::Size(32, 32));
    double maxDiff = 0;
    for (int y = 0; y < 32; ++y)
        for (int xx = 0; xx < 32; ++xx)
            maxDiff = std::max(maxDiff, std::abs(double(result.soft.at<float>(y, xx)) - p[y][xx].item<double>()));
    EXPECT_LT(maxDiff, 1e-6);
}

TEST_F(SegmentationPipelineTest, MasksHaveTheImageSizeAndAgreeWithTheSoftMask) {
    auto pipeline = SegmentationPipeline::load(sModel.string(), cpuOptions());
    const cv::Mat rgb = testImage(40, 24, 2);
    const auto r = pipeline->segment(rgb, "a circle");
    EXPECT_EQ(r.modelSize, cv::Size(32, 16));
    ASSERT_EQ(r.soft.size(), rgb.size());
    ASSERT_EQ(r.mask.size(), rgb.size());
    ASSERT_EQ(r.mask.type(), CV_8UC1);
    ASSERT_EQ(r.soft.type(), CV_32FC1);
    for (int y = 0; y < rgb.rows; ++y)
        for (int x = 0; x < rgb.cols; ++x) {
            const float p = r.soft.at<float>(y, x);
            ASSERT_GE(p, 0.0f);
            ASSERT_LE(p, 1.0f);
            ASSERT_EQ(r.mask.at<uint8_t>(y, x), p > 0.5f ? 255 : 0);
        }
    // Asked for the soft mask at the model's size (the app's worker, batch annotation), the
    // binary mask is the same, pixel for pixel, and the soft mask is the full one's source.
    const auto small = pipeline->segment(rgb, "a circle", {}, SoftMaskSize::Model);
    ASSERT_EQ(small.soft.size(), r.modelSize);
    EXPECT_EQ(cv::countNonZero(small.mask != r.mask), 0);
    EXPECT_EQ(cv::norm(conventions::upsampleSoftMask(small.soft, rgb.size()), r.soft, cv::NORM_INF), 0.0);
}

TEST_F(SegmentationPipelineTest, CachesImageLatentsAndPromptsWithoutChangingResults) {
    auto pipeline = SegmentationPipeline::load(sModel.string(), cpuOptions());
    const cv::Mat rgb = testImage(32, 32, 3);
    const auto first = pipeline->segment(rgb, "the square");
    EXPECT_FALSE(first.imageLatentCached);
    EXPECT_FALSE(first.promptCached);

    const auto second = pipeline->segment(rgb.clone(), "the star"); // same pixels, new prompt
    EXPECT_TRUE(second.imageLatentCached);
    EXPECT_FALSE(second.promptCached);

    const auto third = pipeline->segment(rgb, "the square");
    EXPECT_TRUE(third.imageLatentCached);
    EXPECT_TRUE(third.promptCached);
    EXPECT_EQ(cv::norm(first.soft, third.soft, cv::NORM_INF), 0.0);

    const auto other = pipeline->segment(testImage(32, 32, 4), "the square");
    EXPECT_FALSE(other.imageLatentCached);
    EXPECT_TRUE(other.promptCached);

    pipeline->clearCaches();
    EXPECT_FALSE(pipeline->segment(rgb, "the square").imageLatentCached);
}

TEST_F(SegmentationPipelineTest, StopsBetweenStagesWhenAskedAndStaysUsable) {
    auto pipeline = SegmentationPipeline::load(sModel.string(), cpuOptions());
    const cv::Mat rgb = testImage(32, 32, 6);
    const auto reference = pipeline->segment(rgb, "the square");
    pipeline->clearCaches();
    // The check is asked before each stage (text, image latent, flow, decode); stopping at the
    // k-th ask cancels there, whatever k.
    for (int stopAt = 1; stopAt <= 4; ++stopAt) {
        int asked = 0;
        EXPECT_THROW(pipeline->segment(rgb, "the square", [&] { return ++asked == stopAt; }), Cancelled) << stopAt;
        EXPECT_EQ(asked, stopAt);
    }
    int asked = 0;
    const auto result = pipeline->segment(rgb, "the square", [&] { return ++asked > 4; });
    EXPECT_EQ(asked, 4);
    EXPECT_EQ(cv::norm(reference.soft, result.soft, cv::NORM_INF), 0.0);
}

TEST_F(SegmentationPipelineTest, DifferentPromptsGiveDifferentMasks) {
    auto pipeline = SegmentationPipeline::load(sModel.string(), cpuOptions());
    const cv::Mat rgb = testImage(32, 32, 5);
    const auto a = pipeline->segment(rgb, "the red circle");
    const auto b = pipeline->segment(rgb, "everything blue on the left");
    EXPECT_GT(cv::norm(a.soft, b.soft, cv::NORM_INF), 1e-4); // the text reaches the UNet
}

TEST_F(SegmentationPipelineTest, RefusesBadImagesWithAClearError) {
    auto pipeline = SegmentationPipeline::load(sModel.string(), cpuOptions());
    EXPECT_THROW(pipeline->segment(cv::Mat(), "x"), Error);
    EXPECT_THROW(pipeline->segment(cv::Mat(8, 8, CV_32FC3), "x"), Error);
}

TEST_F(SegmentationPipelineTest, NeverFallsBackSilentlyFromCudaOrHalfPrecision) {
    if (torch::cuda::is_available()) GTEST_SKIP() << "this machine has CUDA";
    PipelineOptions o = cpuOptions();
    o.device = "cuda";
    try {
        SegmentationPipeline::load(sModel.string(), o);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("CUDA"), std::string::npos) << e.what();
    }
    o.device = "cpu";
    o.precision = "float16";
    EXPECT_THROW(SegmentationPipeline::load(sModel.string(), o), Error);
    o.precision = "auto";
    auto pipeline = SegmentationPipeline::load(sModel.string(), o);
    EXPECT_FALSE(pipeline->onCuda());
    EXPECT_EQ(pipeline->deviceDescription(), "CPU, 1 threads");
    EXPECT_EQ(pipeline->precisionName(), "float32");
}

// Runs only where LibTorch has CUDA and a GPU (never in CI here): the GPU path in half precision
// agrees with the CPU in float32, and says which device it runs on.
TEST_F(SegmentationPipelineTest, CudaHalfPrecisionAgreesWithCpuFloat32) {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
    const cv::Mat rgb = testImage(48, 32, 6);
    const auto reference = SegmentationPipeline::load(sModel.string(), cpuOptions())->segment(rgb, "the red circle");
    for (const char* precision : {"float32", "float16", "bfloat16"}) {
        PipelineOptions o;
        o.device = "cuda";
        o.precision = precision;
        auto pipeline = SegmentationPipeline::load(sModel.string(), o);
        EXPECT_TRUE(pipeline->onCuda());
        EXPECT_NE(pipeline->deviceDescription().find("CUDA"), std::string::npos);
        const auto r = pipeline->segment(rgb, "the red circle");
        ASSERT_EQ(r.soft.size(), rgb.size());
        const double meanDiff = cv::norm(r.soft, reference.soft, cv::NORM_L1) / double(rgb.total());
        EXPECT_LT(meanDiff, std::string(precision) == "float32" ? 2e-3 : 2e-2) << precision; // cuDNN may use TF32
    }
}
