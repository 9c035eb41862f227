#include "core/pipeline/SegmentationPipeline.h"

#include "core/model/StableDiffusionNetworks.h"
#include "core/pipeline/LatentConventions.h"
#include "core/pipeline/MaskResize.h"
#include "core/pipeline/LruCache.h"
#include "core/pipeline/Samplers.h"
#include "core/refine/EdgeSnap.h"
#include "core/util/Error.h"
#include "core/util/Runtime.h"

#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstring>
#include <functional>
#include <string_view>

namespace rlfseg {

namespace {
using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Content key of the networks' input (the image already resized to the model's size): two
// independent 64-bit hashes of its pixels (128 bits: a collision, which would silently return
// another image's latent, is out of reach). Hashing the resized input rather than the original
// keeps the cost small for an 8000 x 6000 photo, and equal inputs have equal latents by
// construction. Rows are hashed separately, so a non-continuous Mat works too.
std::string imageKey(const cv::Mat& rgb) {
    uint64_t a = 1469598103934665603ull, b = 0x9e3779b97f4a7c15ull;
    for (int y = 0; y < rgb.rows; ++y) {
        std::string_view row(reinterpret_cast<const char*>(rgb.ptr(y)), rgb.cols * rgb.elemSize());
        a = (a ^ std::hash<std::string_view>()(row)) * 1099511628211ull;
        for (size_t i = 0; i + 8 <= row.size(); i += 8) { // a second, unrelated mix over 8-byte words
            uint64_t w;
            std::memcpy(&w, row.data() + i, 8);
            b = (b ^ w) * 0xff51afd7ed558ccdull;
            b ^= b >> 33;
        }
        for (size_t i = row.size() & ~size_t(7); i < row.size(); ++i) b = (b ^ uint8_t(row[i])) * 0xc4ceb9fe1a85ec53ull;
    }
    return std::to_string(a) + "-" + std::to_string(b) + "@" + std::to_string(rgb.cols) + "x" + std::to_string(rgb.rows);
}

// The pipeline feeds the UNet the image latent alone and the VAE RGB images: refuse other
// shapes up front, naming the config, instead of failing inside a convolution.
void checkSegmentationShapes(const ModelFolder& m) {
    if (m.card.objective == "diffusion") {
        if (m.unetConfig.inChannels != 2 * m.vaeConfig.latentChannels)
            throw Error(m.unet.configPath + ": a diffusion-baseline UNet takes the image latent and the noisy mask "
                        "latent (" + std::to_string(2 * m.vaeConfig.latentChannels) + " channels), not " +
                        std::to_string(m.unetConfig.inChannels));
    } else if (m.unetConfig.inChannels != m.vaeConfig.latentChannels)
        throw Error(m.unet.configPath + ": in_channels is " + std::to_string(m.unetConfig.inChannels) +
                    "; a flow model for segmentation takes the image latent alone (" +
                    std::to_string(m.vaeConfig.latentChannels) + " channels). Is this a diffusion-baseline model?");
    if (m.vaeConfig.inChannels != 3 || m.vaeConfig.outChannels != 3)
        throw Error(m.vae.configPath + ": in_channels and out_channels must be 3 (RGB images and masks)");
}
} // namespace

struct SegmentationPipeline::Impl {
    std::shared_ptr<StableDiffusionNetworks> net;
    PipelineOptions options;
    SamplerSpec sampler;
    std::string deviceDescription;
    LruCache<std::string, torch::Tensor> imageLatents;
    LruCache<std::string, torch::Tensor> promptEmbeddings;

    Impl(std::shared_ptr<StableDiffusionNetworks> n, const PipelineOptions& o, std::string description)
        : net(std::move(n)), options(o), sampler(parseSampler(o.sampler)), deviceDescription(std::move(description)),
          imageLatents(o.imageCacheEntries), promptEmbeddings(o.promptCacheEntries) {}

    void sync() const {
        if (net->device.is_cuda()) torch::cuda::synchronize();
    }
};

std::unique_ptr<SegmentationPipeline> SegmentationPipeline::load(const std::string& modelDirectory,
                                                                 const PipelineOptions& options) {
    configureRuntime(options.threads);
    const DeviceChoice device = chooseDevice(options.device);
    const torch::Dtype dtype = choosePrecision(options.precision, device.cuda);
    auto folder = ModelFolder::open(modelDirectory);
    checkSegmentationShapes(folder);
    // A mistyped or unsuitable sampler fails before the weights are read.
    checkSamplerFitsModel(parseSampler(options.sampler), folder.card.objective, folder.root);
    auto networks = std::make_shared<StableDiffusionNetworks>(
        StableDiffusionNetworks::load(folder, torch::Device(device.device), dtype));
    return std::make_unique<SegmentationPipeline>(std::move(networks), options);
}

SegmentationPipeline::SegmentationPipeline(std::shared_ptr<StableDiffusionNetworks> networks,
                                           const PipelineOptions& options) {
    TORCH_CHECK(networks, "SegmentationPipeline needs networks");
    checkSegmentationShapes(networks->folder);
    checkSamplerFitsModel(parseSampler(options.sampler), networks->folder.card.objective, networks->folder.root);
    std::string description = chooseDevice(networks->device.str()).description;
    d = std::make_unique<Impl>(std::move(networks), options, std::move(description));
}

SegmentationPipeline::~SegmentationPipeline() = default;

SegmentationResult SegmentationPipeline::segment(const cv::Mat& rgb, const std::string& prompt,
                                                 const std::function<bool()>& stopRequested, SoftMaskSize softSize) {
    const auto checkStop = [&] {
        if (stopRequested && stopRequested()) throw Cancelled();
    };
    checkStop();
    if (rgb.empty()) throw Error("segment: the image is empty");
    if (rgb.type() != CV_8UC3) throw Error("segment: expected an 8-bit RGB image");
    c10::InferenceMode inference;
    auto& net = *d->net;
    const auto start = Clock::now();
    SegmentationResult result;
    result.modelSize = conventions::modelInputSize(rgb.cols, rgb.rows, modelResolution(),
                                                   net.folder.totalDownsamplingFactor());

    auto t0 = Clock::now();
    torch::Tensor context;
    if (auto cached = d->promptEmbeddings.find(prompt)) {
        context = *cached;
        result.promptCached = true;
    } else {
        context = net.encodePrompts({prompt}); // [1, 77, D]
        d->promptEmbeddings.insert(prompt, context);
    }
    d->sync();
    result.timings.textMs = msSince(t0);
    checkStop();

    t0 = Clock::now();
    const cv::Mat input = modelInput(rgb);
    const std::string key = imageKey(input);
    torch::Tensor zImage;
    if (auto cached = d->imageLatents.find(key)) {
        zImage = *cached;
        result.imageLatentCached = true;
    } else {
        zImage = net.encodeToLatent(conventions::imageToTensor(input, result.modelSize)); // [1, 4, h, w]
        d->imageLatents.insert(key, zImage);
    }
    d->sync();
    result.timings.encodeMs = msSince(t0);
    checkStop();

    // The flow from the image latent (one step: z_mask = z_img + v(z_img, 0, c)) and the decode.
    const SampledMask sampled = sampleMask(net, zImage, context, d->sampler);
    result.stepScale = sampled.scale;
    result.score = sampled.score;
    result.timings.unetMs = sampled.unetMs;
    checkStop();

    t0 = Clock::now();
    cv::Mat soft = conventions::softMaskToMat(conventions::softMaskFromDecoded(sampled.decoded)[0]);
    const double decodeMs = sampled.decodeMs + msSince(t0);

    // At the model's size, with the networks' input as guide: the cost does not grow with the image.
    t0 = Clock::now();
    result.edgeSnap = edgeSnap();
    soft = refine::snapToImageEdges(input, soft, result.edgeSnap);
    result.timings.snapMs = msSince(t0);

    t0 = Clock::now();
    result.threshold = threshold();
    const auto cut = static_cast<float>(result.threshold);
    if (softSize == SoftMaskSize::Image) {
        result.soft = conventions::upsampleSoftMask(soft, rgb.size());
        result.mask = conventions::binarize(result.soft, cut);
    } else {
        result.soft = soft;
        result.mask = conventions::binaryMaskAtSize(soft, rgb.size(), cut); // no full-size float copy
    }
    result.timings.decodeMs = decodeMs + msSince(t0); // decoding, and the resize to the image
    result.timings.totalMs = msSince(start);
    return result;
}

const ModelFolder& SegmentationPipeline::model() const { return d->net->folder; }
const PipelineOptions& SegmentationPipeline::options() const { return d->options; }
std::string SegmentationPipeline::samplerWarning() const { return samplerCaveat(d->sampler, d->net->folder.card); }

double SegmentationPipeline::threshold() const {
    if (d->options.threshold) return *d->options.threshold;
    return d->net->folder.card.maskThreshold.value_or(0.5);
}
refine::EdgeSnap SegmentationPipeline::edgeSnap() const {
    return d->options.edgeSnap.value_or(d->net->folder.card.edgeSnap);
}

cv::Mat SegmentationPipeline::modelInput(const cv::Mat& rgb) const {
    const cv::Size size = conventions::modelInputSize(rgb.cols, rgb.rows, modelResolution(),
                                                      d->net->folder.totalDownsamplingFactor());
    if (rgb.size() == size) return rgb;
    cv::Mat input;
    cv::resize(rgb, input, size, 0, 0, cv::INTER_LINEAR);
    return input;
}
std::string SegmentationPipeline::deviceDescription() const { return d->deviceDescription; }
bool SegmentationPipeline::onCuda() const { return d->net->device.is_cuda(); }
std::string SegmentationPipeline::precisionName() const {
    switch (d->net->dtype) {
    case torch::kHalf: return "float16";
    case torch::kBFloat16: return "bfloat16";
    default: return "float32";
    }
}
int SegmentationPipeline::modelResolution() const { return d->net->folder.modelResolution(); }
StableDiffusionNetworks& SegmentationPipeline::networks() { return *d->net; }

void SegmentationPipeline::clearCaches() {
    d->imageLatents.clear();
    d->promptEmbeddings.clear();
}

} // namespace rlfseg
