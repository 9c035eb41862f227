#include "core/pipeline/SegmentationPipeline.h"

#include "core/model/StableDiffusionNetworks.h"
#include "core/pipeline/LatentConventions.h"
#include "core/pipeline/LruCache.h"
#include "core/util/Error.h"
#include "core/util/Runtime.h"

#include <chrono>
#include <functional>
#include <string_view>

namespace rlfseg {

namespace {
using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Content key of an image: its size and a hash of its pixels (rows hashed separately, so a
// non-continuous Mat works too).
std::string imageKey(const cv::Mat& rgb, cv::Size modelSize) {
    size_t h = std::hash<int>()(rgb.cols) ^ (std::hash<int>()(rgb.rows) << 1);
    for (int y = 0; y < rgb.rows; ++y) {
        std::string_view row(reinterpret_cast<const char*>(rgb.ptr(y)), rgb.cols * rgb.elemSize());
        h = h * 1099511628211ull ^ std::hash<std::string_view>()(row);
    }
    return std::to_string(h) + "@" + std::to_string(modelSize.width) + "x" + std::to_string(modelSize.height);
}
} // namespace

struct SegmentationPipeline::Impl {
    std::shared_ptr<StableDiffusionNetworks> net;
    PipelineOptions options;
    std::string deviceDescription;
    LruCache<std::string, torch::Tensor> imageLatents;
    LruCache<std::string, torch::Tensor> promptEmbeddings;

    Impl(std::shared_ptr<StableDiffusionNetworks> n, const PipelineOptions& o, std::string description)
        : net(std::move(n)), options(o), deviceDescription(std::move(description)),
          imageLatents(o.imageCacheEntries), promptEmbeddings(o.promptCacheEntries) {}

    void sync() const {
        if (net->device.is_cuda()) torch::cuda::synchronize();
    }
};

std::unique_ptr<SegmentationPipeline> SegmentationPipeline::load(const std::string& modelDirectory,
                                                                 const PipelineOptions& options) {
    configureThreads(options.threads);
    const DeviceChoice device = chooseDevice(options.device);
    const torch::Dtype dtype = choosePrecision(options.precision, device.cuda);
    auto folder = ModelFolder::open(modelDirectory);
    auto networks = std::make_shared<StableDiffusionNetworks>(
        StableDiffusionNetworks::load(folder, torch::Device(device.device), dtype));
    return std::make_unique<SegmentationPipeline>(std::move(networks), options);
}

SegmentationPipeline::SegmentationPipeline(std::shared_ptr<StableDiffusionNetworks> networks,
                                           const PipelineOptions& options) {
    TORCH_CHECK(networks, "SegmentationPipeline needs networks");
    configureThreads(options.threads);
    std::string description = networks->device.is_cuda() ? chooseDevice(networks->device.str()).description
                                                         : chooseDevice("cpu").description;
    d = std::make_unique<Impl>(std::move(networks), options, std::move(description));
}

SegmentationPipeline::~SegmentationPipeline() = default;

SegmentationResult SegmentationPipeline::segment(const cv::Mat& rgb, const std::string& prompt) {
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

    t0 = Clock::now();
    const std::string key = imageKey(rgb, result.modelSize);
    torch::Tensor zImage;
    if (auto cached = d->imageLatents.find(key)) {
        zImage = *cached;
        result.imageLatentCached = true;
    } else {
        zImage = net.encodeToLatent(conventions::imageToTensor(rgb, result.modelSize)); // [1, 4, h, w]
        d->imageLatents.insert(key, zImage);
    }
    d->sync();
    result.timings.encodeMs = msSince(t0);

    // One Euler step of the rectified flow from t = 0: z_mask = z_img + v(z_img, 0, c).
    t0 = Clock::now();
    auto timestep = torch::zeros({1}, torch::TensorOptions().device(net.device).dtype(torch::kFloat));
    auto velocity = net.unet->forward(zImage, timestep, context);
    auto zMask = zImage + velocity;
    d->sync();
    result.timings.unetMs = msSince(t0);

    t0 = Clock::now();
    auto soft = conventions::softMaskFromDecoded(net.decodeLatent(zMask))[0]; // [h, w]
    result.soft = conventions::softMaskToImageSize(soft, rgb.size());
    result.mask = conventions::binarize(result.soft, d->options.threshold);
    result.timings.decodeMs = msSince(t0);
    result.timings.totalMs = msSince(start);
    return result;
}

const ModelFolder& SegmentationPipeline::model() const { return d->net->folder; }
const PipelineOptions& SegmentationPipeline::options() const { return d->options; }
std::string SegmentationPipeline::deviceDescription() const { return d->deviceDescription; }
bool SegmentationPipeline::onCuda() const { return d->net->device.is_cuda(); }
std::string SegmentationPipeline::precisionName() const { return c10::toString(d->net->dtype); }
int SegmentationPipeline::modelResolution() const { return d->net->folder.modelResolution(); }
StableDiffusionNetworks& SegmentationPipeline::networks() { return *d->net; }

void SegmentationPipeline::clearCaches() {
    d->imageLatents.clear();
    d->promptEmbeddings.clear();
}

} // namespace rlfseg
