#include "core/io/RemoveTree.h"
#include "core/train/Trainer.h"

#include "core/distributed/GradientReducer.h"
#include "core/distributed/ProcessGroup.h"

#include "core/data/ReferringDataset.h"
#include "core/io/AtomicFile.h"
#include "core/io/ImageFile.h"
#include "core/io/JsonFields.h"
#include "core/model/ModelWriter.h"
#include "core/model/ReferenceArchitectures.h"
#include "core/model/StableDiffusionNetworks.h"
#include "core/io/SafeTensors.h"
#include "core/nn/Weights.h"
#include "core/pipeline/LatentConventions.h"
#include "core/pipeline/Samplers.h"
#include "core/refine/Refinement.h"
#include "core/train/EpochSamples.h"
#include "core/train/Optimizer.h"
#include "core/util/BlasKernels.h"
#include "core/util/Error.h"
#include "core/util/MaskBox.h"
#include "core/util/ParallelFor.h"
#include "core/util/Paths.h"
#include "core/util/Runtime.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>
#include <torch/version.h>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

namespace rlfseg {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kStateFile = "training_state/state.json";

// Every random number of a step comes from (seed, stage, step, stream): resumed runs and reruns
// draw exactly the same data and noise.
uint64_t mix(uint64_t seed, uint64_t a, uint64_t b, uint64_t c = 0) {
    uint64_t x = seed ^ (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) ^ (c * 0x165667B19E3779F9ull);
    x ^= x >> 30, x *= 0xBF58476D1CE4E5B9ull, x ^= x >> 27, x *= 0x94D049BB133111EBull, x ^= x >> 31;
    return x;
}

// Square model input: the longer side scaled to `size`, the rest padded (images black, masks empty),
// so that every sample of a batch has the same latent shape. Square images are only resized.
cv::Mat letterbox(const cv::Mat& m, int size, int interpolation) {
    const double scale = static_cast<double>(size) / std::max(m.cols, m.rows);
    const int w = std::max(1, static_cast<int>(std::lround(m.cols * scale)));
    const int h = std::max(1, static_cast<int>(std::lround(m.rows * scale)));
    cv::Mat resized;
    if (w == m.cols && h == m.rows) resized = m;
    else cv::resize(m, resized, cv::Size(w, h), 0, 0, interpolation);
    if (w == size && h == size) return resized;
    cv::Mat out(size, size, m.type(), cv::Scalar::all(0));
    resized.copyTo(out(cv::Rect(0, 0, w, h)));
    return out;
}

// [B, H, W, C] uint8 (C = 3: RGB, C = 1: a mask) -> the VAE's [B, 3, H, W] input in [-1, 1]; the
// view is channels-last already. One formula for single crops and for the latent cache's batches.
torch::Tensor modelInput(const torch::Tensor& nhwc) {
    auto x = nhwc.permute({0, 3, 1, 2});
    return nhwc.size(3) == 3 ? x.to(torch::kFloat).div(127.5).sub(1.0)
                             : (x > 127).to(torch::kFloat).mul(2.0).sub(1.0).expand({-1, 3, -1, -1});
}
// [h, w, 3] uint8 -> [3, h, w] float in [-1, 1]; masks (uint8 0/255, one channel) -> {-1, 1} on 3 channels.
torch::Tensor imageTensor(const cv::Mat& rgb) {
    auto* data = const_cast<uint8_t*>(rgb.ptr<uint8_t>());
    return modelInput(torch::from_blob(data, {1, rgb.rows, rgb.cols, 3}, torch::kUInt8))[0];
}
torch::Tensor maskTensor(const cv::Mat& mask) {
    auto* data = const_cast<uint8_t*>(mask.ptr<uint8_t>());
    return modelInput(torch::from_blob(data, {1, mask.rows, mask.cols, 1}, torch::kUInt8))[0];
}

// The VAE's parameters that only decoding uses. A decoder stage trains these alone, so the encoder,
// and with it every image and mask latent the flow learned from, stays as it was.
bool isDecodingHalf(const std::string& vaeParameter) {
    return vaeParameter.rfind("decoder.", 0) == 0 || vaeParameter.rfind("post_quant_conv.", 0) == 0;
}

std::string vaeFingerprint(AutoencoderKL& vae); // below, with the latent cache
std::string weightsFingerprint(torch::nn::Module& network, const std::function<bool(const std::string&)>& include = {});

std::string stepName(int64_t globalStep) {
    std::ostringstream s;
    s << "step-" << std::setw(8) << std::setfill('0') << globalStep;
    return s.str();
}

// RAII: autocast to bfloat16 on the training device while alive (mixed precision).
struct AutocastScope {
    bool on, cuda;
    AutocastScope(bool enable, bool onCuda) : on(enable), cuda(onCuda) {
        if (on) setAutocast(true);
    }
    ~AutocastScope() {
        if (on) {
            setAutocast(false);
            at::autocast::clear_cache();
        }
    }
    // LibTorch 2.4 made autocast per device type; the older global calls are gone from later ones.
    void setAutocast(bool enabled) const {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
        const auto type = cuda ? at::kCUDA : at::kCPU;
        at::autocast::set_autocast_dtype(type, at::kBFloat16);
        at::autocast::set_autocast_enabled(type, enabled);
#else
        if (cuda) {
            at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
            at::autocast::set_enabled(enabled);
        } else {
            at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
            at::autocast::set_cpu_enabled(enabled);
        }
#endif
    }
};

// One line per step (and per validation) in OUT/log.jsonl or OUT/log.csv. On resume, lines after
// the checkpoint's step are dropped so that the log reads as one uninterrupted run.
class TrainLog {
public:
    TrainLog(const fs::path& out, const std::string& format, int64_t keepUpTo) : mCsv(format == "csv") {
        mPath = out / (mCsv ? "log.csv" : "log.jsonl");
        std::vector<std::string> kept;
        if (fs::exists(mPath)) {
            std::ifstream in(mPath);
            std::string line;
            while (std::getline(in, line)) {
                if (line.empty()) continue;
                if (mCsv) {
                    if (line.rfind("kind,", 0) == 0) continue;
                    std::stringstream ss(line);
                    std::string kind, stage, step, global;
                    std::getline(ss, kind, ','), std::getline(ss, stage, ','), std::getline(ss, step, ',');
                    std::getline(ss, global, ',');
                    try {
                        if (std::stoll(global) <= keepUpTo) kept.push_back(line);
                    } catch (const std::exception&) {
                    }
                } else {
                    try {
                        if (json::parse(line).value("global_step", int64_t{0}) <= keepUpTo) kept.push_back(line);
                    } catch (const std::exception&) { // a line cut by a kill
                    }
                }
            }
        }
        std::string text = mCsv ? "kind,stage,step,global_step,loss,lr,grad_norm,samples_per_s,elapsed_s,metric\n" : "";
        for (const auto& l : kept) text += l + "\n";
        writeFileAtomically(mPath.string(), text);
        mOut.open(mPath, std::ios::app);
    }
    void step(const TrainStepReport& r) {
        if (mCsv)
            mOut << "step," << r.stage << ',' << r.step << ',' << r.globalStep << ',' << r.loss << ',' << r.learningRate
                 << ',' << r.gradientNorm << ',' << r.samplesPerSecond << ',' << r.elapsedSeconds << ",\n";
        else
            mOut << json{{"kind", "step"},       {"stage", r.stage},         {"step", r.step},
                         {"global_step", r.globalStep}, {"loss", r.loss},   {"lr", r.learningRate},
                         {"grad_norm", r.gradientNorm}, {"samples_per_s", r.samplesPerSecond},
                         {"elapsed_s", r.elapsedSeconds}}
                        .dump()
                 << "\n";
        mOut.flush();
    }
    void validation(const json& v) {
        if (mCsv)
            mOut << "validation," << v.value("stage", "") << ',' << v.value("step", 0) << ','
                 << v.value("global_step", 0) << ",,,,," << v.value("elapsed_s", 0.0) << ','
                 << v.value("metric", 0.0) << "\n";
        else
            mOut << v.dump() << "\n";
        mOut.flush();
    }

private:
    bool mCsv;
    fs::path mPath;
    std::ofstream mOut;
};

// 64-bit FNV-1a over bytes, with a separator so that "ab" + "c" differs from "a" + "bc".
class Fingerprint {
public:
    void add(const char* bytes, size_t n) {
        for (size_t i = 0; i < n; ++i) mHash = (mHash ^ static_cast<unsigned char>(bytes[i])) * 1099511628211ull;
        mHash = (mHash ^ 0xffu) * 1099511628211ull;
    }
    void add(const std::string& text) { add(text.data(), text.size()); }
    // A file's bytes (an unreadable file adds its name only: it fails later, where it is read).
    void addFile(const fs::path& path) {
        std::ifstream in(path, std::ios::binary);
        std::vector<char> buffer(1 << 16);
        while (in) {
            in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            add(buffer.data(), static_cast<size_t>(in.gcount()));
        }
        add(path.filename().string());
    }
    std::string hex() const {
        std::ostringstream s;
        s << std::hex << std::setw(16) << std::setfill('0') << mHash;
        return s.str();
    }

private:
    uint64_t mHash = 1469598103934665603ull;
};

// The deepest folder that holds every image (their paths are hashed relative to it).
fs::path commonFolder(const std::vector<data::ReferringSample>& samples) {
    if (samples.empty()) return {};
    fs::path common = fs::path(samples.front().imagePath).parent_path();
    for (const auto& s : samples) {
        const fs::path folder = fs::path(s.imagePath).parent_path();
        while (!common.empty()) {
            const auto [end, at] = std::mismatch(common.begin(), common.end(), folder.begin(), folder.end());
            if (end == common.end()) break;
            const fs::path up = common.parent_path();
            common = up == common ? fs::path() : up; // a root that is not the other's: none in common
        }
    }
    return common;
}

// What a latent cache was made from: the samples (image, sentence, target annotations), the bytes
// of their images and of the data set's annotation files (the files directly in its folder, or the
// file it is). So a cache is never read for other data of the same size: a data set generated or
// edited in place, or another stage's. Contents and relative paths, not file times or where the data
// is: every rank of a data-parallel run may hold its own copy, and a data set moved to another disk
// keeps its latents.
std::string dataFingerprint(const std::vector<data::ReferringSample>& samples, const std::string& dataPath) {
    Fingerprint f;
    std::set<std::string> images;
    const fs::path imageRoot = commonFolder(samples);
    for (const auto& s : samples) {
        f.add(fs::path(s.imagePath).lexically_relative(imageRoot).generic_string()), f.add(s.sentence);
        for (const int id : s.annIds) f.add(std::to_string(id));
        images.insert(s.imagePath);
    }
    for (const auto& path : images) f.addFile(path);
    if (fs::is_directory(dataPath)) {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(dataPath))
            if (e.is_regular_file()) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto& file : files) f.addFile(file);
    } else {
        f.addFile(dataPath);
    }
    return std::to_string(samples.size()) + "-" + f.hex();
}

// A cache file name for a stage's own data set: its folder's name and a hash of where it is
// ("train-shapes-varied-3f2a9c01"), so two folders of the same name keep apart.
std::string ownDataCacheName(const std::string& data, const std::string& images) {
    Fingerprint where;
    where.add(data), where.add(images);
    return "train-" + fs::path(data).filename().string() + "-" + where.hex().substr(0, 8);
}

// Ctrl-C while the latents are encoded (tens of minutes for a large data set): the run stops there.
struct EncodingStopped {};

struct LatentSet {
    torch::Tensor imageLatents; // [images, C, h, w] float16, CPU
    torch::Tensor imageOfSample; // [samples] int64
    torch::Tensor maskLatents;  // [samples, C, h, w] float16, CPU
    torch::Tensor tokenIds;     // [samples, 77] int64
};

class Run {
public:
    Run(const TrainConfig& config, const TrainOptions& options) : c(config), o(options), out(options.outDirectory) {}

    TrainSummary execute();

private:
    // --- set-up
    void openData(const StageConfig& stage);
    std::vector<int64_t> epochSamplesOf(const StageConfig& stage) const; // core/train/EpochSamples.h
    void buildNetworks(const std::string& checkpoint);
    std::vector<NamedParameter> trainableParameters(const StageConfig& stage);
    // --- stages
    void runStage(size_t index, int64_t startStep, const std::string& checkpoint);
    double vaeStep(const StageConfig& stage, size_t stageIndex, int64_t step, int micro);
    std::vector<int64_t> globalBatch(const StageConfig& stage, size_t stageIndex, int64_t step, int micro);
    double latentStep(const StageConfig& stage, size_t stageIndex, int64_t step, int micro, const LatentSet& latents);
    torch::Tensor predictMaskLatents(size_t stageIndex, const LatentSet& latents);
    // Batches from the latent cache, on the training device: the image latents (float) and text
    // contexts of samples `idx`, and the flow's one step from them, z_img + v(z_img, 0, c) (METHOD.md section 4).
    torch::Tensor imageLatentsOf(const LatentSet& latents, const torch::Tensor& idx) const {
        return latents.imageLatents.index_select(0, latents.imageOfSample.index_select(0, idx)).to(mDevice, torch::kFloat);
    }
    torch::Tensor contextOf(const LatentSet& latents, const torch::Tensor& idx) {
        return mNet.textEncoder->forward(latents.tokenIds.index_select(0, idx).to(mDevice)).lastHiddenState;
    }
    torch::Tensor oneStep(const torch::Tensor& zImage, const torch::Tensor& context) {
        auto t = torch::zeros({zImage.size(0)}, torch::TensorOptions().device(mDevice));
        return zImage + mNet.unet->forward(zImage.contiguous(at::MemoryFormat::ChannelsLast), t, context).to(torch::kFloat);
    }
    double decoderStep(const StageConfig& stage, size_t stageIndex, int64_t step, int micro, const LatentSet& latents,
                       const torch::Tensor& predicted);
    LatentSet encodeLatents(const std::vector<data::ReferringSample>& samples, bool clean, const std::string& cacheName);
    json validate(const StageConfig& stage, size_t stageIndex, int64_t step);
    // Validates the stage's current (EMA) weights, logs it, and for keep_best remembers them if
    // they are the best so far. Every rank calls it (main validates; the others learn the verdict).
    void validateAndKeepBest(const StageConfig& stage, size_t stageIndex, int64_t step,
                             const std::vector<NamedParameter>& params, EmaWeights* ema);
    void refineLabels(size_t stageIndex, int64_t epoch, LatentSet& latents, const torch::Tensor& original,
                      const std::vector<NamedParameter>& params, EmaWeights* ema);
    void calibrateScalingFactor();
    void keepTokenizerInRun();
    // --- files
    std::string saveCheckpoint(size_t stageIndex, int64_t stageStep, AdamW* optimizer, EmaWeights* ema);
    // keep_best on resume: the best so far from the checkpoint (`record`: its state's "best").
    void loadBest(const fs::path& checkpoint, const json& record, const std::vector<NamedParameter>& params);
    void pruneCheckpoints();
    void message(const std::string& m) {
        if (o.onMessage && isMain()) o.onMessage(m); // one voice for all ranks
    }
    bool isMain() const { return !mGroup || mGroup->isMain(); }
    int rank() const { return mGroup ? mGroup->rank() : 0; }
    int worldSize() const { return mGroup ? mGroup->size() : 1; }
    // Data parallel: of `n` samples in batches of `batch` (the batches one process forms), this rank
    // handles the batches rank, rank + N, ...; f(first, size) for each.
    void forEachBatchOfThisRank(int64_t n, int64_t batch, const std::function<void(int64_t, int64_t)>& f) const {
        for (int64_t first = batch * rank(); first < n; first += batch * worldSize())
            f(first, std::min(batch, n - first));
    }
    // Rows filled by this rank (zero elsewhere), summed over the ranks: every row from the rank that
    // filled it, exactly (x + 0 = x).
    torch::Tensor sumOfShares(const torch::Tensor& mine) const { return mGroup ? mGroup->allReduceSum(mine) : mine; }
    // This rank's share of a global batch of `global` samples: [first, first + count).
    std::pair<int, int> shareOf(int global) const {
        const int count = global / worldSize();
        return {rank() * count, count};
    }
    cv::Mat loadSquareImage(const data::ReferringSample& s) const {
        return letterbox(loadImageRgb(s.imagePath), mResolution, cv::INTER_AREA);
    }
    cv::Mat loadSquareMask(const data::ReferringSample& s, bool clean) const {
        cv::Mat m = letterbox(mDataset.maskFor(s, clean), mResolution, cv::INTER_LINEAR);
        return m > 127;
    }
    double elapsed() const {
        return mElapsedBefore + std::chrono::duration<double>(std::chrono::steady_clock::now() - mStarted).count();
    }

    const TrainConfig& c;
    const TrainOptions& o;
    fs::path out;
    data::ReferringDataset mDataset;  // the current stage's (StageConfig::data, else the recipe's)
    std::string mDataPath, mImagesPath; // what mDataset was opened from ("" before the first)
    std::vector<data::ReferringSample> mTrain, mVal;
    StableDiffusionNetworks mNet;
    torch::Device mDevice = torch::kCPU;
    bool mAutocast = false;
    int mResolution = 256;
    std::string mObjective = "flow";
    std::unique_ptr<TrainLog> mLog;
    // keep_best: the current stage's best-validated weights (on the CPU, named as its parameters),
    // their metric and stage step; step -1: none yet.
    struct BestWeights {
        std::vector<std::pair<std::string, torch::Tensor>> weights;
        double metric = 0;
        int64_t step = -1;
        double lastMetric = 0; // the latest validation's, for the closing message
        fs::path file;          // the checkpoint file that already holds them ("": none yet)
    };
    BestWeights mBest;
    json mResumedBest; // the resumed checkpoint's "best" record (keep_best), null when none
    int64_t mGlobalStep = 0;
    int64_t mStepsThisRun = 0;
    double mElapsedBefore = 0;
    std::chrono::steady_clock::time_point mStarted = std::chrono::steady_clock::now();
    bool mStopped = false;
    std::string mLastCheckpoint;
    json mStartedFrom; // {"model", "training"} of an `init` model's card that records its training
    json mKeptBest = json::array(); // keep_best stages done: which step each ended with (the card records it)
    std::vector<int64_t> mEpochSamples; // what one epoch of the current latent stage visits (EpochSamples.h)
    std::vector<int64_t> mOrder;        // the current epoch's sample order (latent stages)
    int64_t mOrderStage = -1, mOrderEpoch = -1;
    int64_t mRefinedEpoch = -1;  // the epoch whose label refinement the mask latents hold
    std::string mLatentData;     // dataFingerprint of the latents the current stage trains on
    // Data parallelism (several processes, RANK / WORLD_SIZE): each rank computes its share of every
    // batch, gradients are averaged, so all ranks take the same steps; rank 0 writes the files.
    std::unique_ptr<distributed::ProcessGroup> mGroup;
    int64_t mFaultStep = -1; // RLFSEG_DIST_FAULT: the global step at which this rank exits (tests)
    std::string mRankDevice; // data parallel on CUDA: this rank's GPU
    int64_t mBucketBytes = 0; // data parallel: gradient bucket size
};

std::vector<int64_t> Run::epochSamplesOf(const StageConfig& stage) const {
    std::vector<std::string> kinds;
    kinds.reserve(mTrain.size());
    for (const auto& sample : mTrain) kinds.push_back(sample.kind);
    return epochSamples(kinds, stage.repeatKinds);
}

void Run::openData(const StageConfig& stage) {
    const std::string& data = stage.data.empty() ? c.data : stage.data;
    const std::string& images = stage.data.empty() ? c.images : stage.images;
    if (!mDataPath.empty() && data == mDataPath && images == mImagesPath) return;
    mDataset = data::ReferringDataset::open(data, images);
    mDataPath = data, mImagesPath = images;
    mTrain = mDataset.samples(c.trainSplit);
    if (mTrain.empty())
        throw Error(data + ": the split \"" + c.trainSplit + "\" has no samples (splits here: " + [&] {
                        std::string s;
                        for (const auto& n : mDataset.splits()) s += (s.empty() ? "" : ", ") + n;
                        return s;
                    }() + ")");
    mVal = mDataset.samples(c.valSplit);
}

void Run::buildNetworks(const std::string& checkpoint) {
    const bool wantDiffusion = std::any_of(c.stages.begin(), c.stages.end(), [](auto& s) { return s.kind == "diffusion"; });
    const bool wantFlow = std::any_of(c.stages.begin(), c.stages.end(), [](auto& s) { return s.kind == "flow"; });
    if (wantDiffusion && wantFlow)
        throw Error(c.path + ": one run trains either the flow or the diffusion baseline, not both");
    mObjective = wantDiffusion ? "diffusion" : "flow";
    for (const auto& s : c.stages) {
        if (s.labelRefinement && s.kind != "flow")
            throw Error(c.path + ": label refinement needs the flow's one-step predictions; it is for flow stages");
        if (s.kind == "decoder" && wantDiffusion)
            throw Error(c.path + ": a decoder stage learns from the flow's one-step predictions; a diffusion run has none");
    }
    if (!checkpoint.empty()) {
        // Configs (with the calibrated VAE scaling factor) from the checkpoint, raw weights from its state.
        auto folder = ModelFolder::open(checkpoint);
        mNet = StableDiffusionNetworks::random(folder, mDevice, torch::kFloat, c.seed);
        const fs::path state = fs::path(checkpoint) / "training_state";
        loadWeights(*mNet.unet, {(state / "unet.safetensors").string()}, "unet");
        loadWeights(*mNet.vae, {(state / "vae.safetensors").string()}, "vae");
        loadWeights(*mNet.textEncoder, {(state / "text_encoder.safetensors").string()}, "text_encoder");
    } else if (!c.architecture.empty()) {
        const auto resources = resourcesDirectory();
        if (resources.empty()) throw Error("cannot find the resources folder (with tokenizer/) next to the program");
        auto folder = referenceArchitecture(c.architecture, (fs::path(resources) / "tokenizer").string());
        if (wantDiffusion) folder.unetConfig.inChannels = 2 * folder.vaeConfig.latentChannels;
        mNet = StableDiffusionNetworks::random(folder, mDevice, torch::kFloat, c.seed);
    } else {
        auto folder = ModelFolder::open(c.init);
        mNet = StableDiffusionNetworks::load(folder, mDevice, torch::kFloat);
        auto resets = [&](const std::string& n) { return std::count(c.reset.begin(), c.reset.end(), n) > 0; };
        torch::manual_seed(c.seed);
        if (resets("vae")) mNet.vae = AutoencoderKL(folder.vaeConfig);
        if (resets("text_encoder")) mNet.textEncoder = ClipTextModel(folder.textConfig);
        const int latent = folder.vaeConfig.latentChannels;
        const int wantIn = wantDiffusion ? 2 * latent : latent;
        if (resets("unet")) {
            mNet.folder.unetConfig.inChannels = wantIn;
            mNet.unet = UNet2DConditionModel(mNet.folder.unetConfig);
        } else if (folder.unetConfig.inChannels != wantIn) {
            if (!(wantDiffusion && folder.unetConfig.inChannels == latent))
                throw Error(c.init + ": the UNet takes " + std::to_string(folder.unetConfig.inChannels) +
                            " channels; this training needs " + std::to_string(wantIn));
            // Marigold's widening: conv_in sees [image latent, noisy latent]; both halves start as the
            // pretrained kernel, halved, so the first output equals the pretrained one for equal inputs.
            auto widened = mNet.folder.unetConfig;
            widened.inChannels = wantIn;
            UNet2DConditionModel wide(widened);
            torch::NoGradGuard noGrad;
            auto params = mNet.unet->named_parameters(true);
            for (auto& p : wide->named_parameters(true)) {
                auto src = params[p.key()].to(torch::kCPU);
                if (p.key() == "conv_in.weight") src = torch::cat({src, src}, 1) / 2.0;
                p.value().copy_(src);
            }
            mNet.folder.unetConfig = widened;
            mNet.unet = wide;
        }
        mNet.textEncoder->to(mDevice);
        mNet.unet->to(mDevice);
        mNet.vae->to(mDevice);
        convertToChannelsLast(*mNet.unet);
        convertToChannelsLast(*mNet.vae);
    }
    auto& card = mNet.folder.card;
    card.isRlfsegModel = true;
    card.objective = mObjective;
    card.name = c.modelCard.value("name", card.name);
    card.trainedOn = c.modelCard.value("trained_on", card.trainedOn);
    card.description = c.modelCard.value("description", card.description);
    // Calibrated for other weights: `rlfseg calibrate` chooses this model's.
    card.maskThreshold.reset();
    card.maskThresholdSource.clear();
    card.edgeSnap = {};
    card.edgeSnapSource.clear();
    mResolution = mNet.folder.modelResolution();
}

// Checkpoints copy the tokenizer from mNet.folder.tokenizerDirectory. After a resume that is the
// checkpoint's own tokenizer/, which pruning deletes later: keep one copy in OUT/tokenizer instead.
void Run::keepTokenizerInRun() {
    const fs::path own = out / "tokenizer";
    if (fs::absolute(mNet.folder.tokenizerDirectory) == fs::absolute(own)) return;
    fs::create_directories(own);
    for (const auto& e : fs::directory_iterator(mNet.folder.tokenizerDirectory))
        if (e.is_regular_file()) fs::copy_file(e.path(), own / e.path().filename(), fs::copy_options::overwrite_existing);
    mNet.folder.tokenizerDirectory = own.string();
}

std::vector<NamedParameter> Run::trainableParameters(const StageConfig& stage) {
    std::vector<NamedParameter> params;
    auto take = [&](torch::nn::Module& m, const std::string& prefix, const std::function<bool(const std::string&)>& train) {
        bool any = false;
        for (auto& p : m.named_parameters(true)) {
            const bool trained = train(p.key());
            p.value().set_requires_grad(trained);
            if (trained) params.push_back({prefix + p.key(), p.value()});
            any = any || trained;
        }
        if (any) m.train();
        else m.eval();
    };
    const bool vae = stage.kind == "vae", decoder = stage.kind == "decoder", latent = !vae && !decoder;
    take(*mNet.vae, "vae.", [&](const std::string& name) { return vae || (decoder && isDecodingHalf(name)); });
    take(*mNet.unet, "unet.", [&](const std::string&) { return latent || (decoder && stage.trainUnet); });
    take(*mNet.textEncoder, "text_encoder.", [&](const std::string&) { return latent && stage.trainTextEncoder; });
    return params;
}

TrainSummary Run::execute() {
    const auto environment = distributed::Environment::fromVariables();
    if (environment.distributed()) {
        for (const auto& s : c.stages) {
            if (s.batchSize % environment.worldSize != 0)
                throw Error(c.path + ": batch_size " + std::to_string(s.batchSize) + " of the " + s.kind +
                            " stage does not divide over " + std::to_string(environment.worldSize) +
                            " ranks; choose a multiple of WORLD_SIZE");
        }
        // On CUDA each rank takes its own GPU (cuda:LOCAL_RANK) and the collectives use NCCL.
        const bool cuda = chooseDevice(c.device).cuda;
        mGroup = distributed::ProcessGroup::join(environment, cuda);
        mBucketBytes = environment.bucketBytes;
        if (cuda) mRankDevice = "cuda:" + std::to_string(environment.localRank);
        if (const char* fault = std::getenv("RLFSEG_DIST_FAULT")) {
            int faultRank = -1;
            long long faultStep = -1;
            if (std::sscanf(fault, "%d:%lld", &faultRank, &faultStep) == 2 && faultRank == mGroup->rank())
                mFaultStep = faultStep;
        }
    }
    configureRuntime(c.threads, LargeAllocations::KeepInHeap); // batched encodes (Runtime.h)
    const DeviceChoice device = chooseDevice(mRankDevice.empty() ? c.device : mRankDevice);
    mDevice = torch::Device(device.device);
    mAutocast = c.precision == "bfloat16";
    std::string checkpoint = latestCheckpoint(out.string());
    if (!checkpoint.empty() && !o.resume)
        throw Error(out.string() + " already holds checkpoints; resume (the default) or choose an empty folder");
    size_t stageIndex = 0;
    int64_t stageStep = 0;
    TrainSummary summary;
    if (!checkpoint.empty()) {
        const auto state = JsonFields::parseFile((fs::path(checkpoint) / kStateFile).string());
        stageIndex = state.at("stage").get<size_t>();
        stageStep = state.at("stage_step").get<int64_t>();
        mGlobalStep = state.at("global_step").get<int64_t>();
        mElapsedBefore = state.value("elapsed_s", 0.0);
        mKeptBest = state.value("kept_best", json::array());
        mResumedBest = state.value("best", json());
        if (state.contains("config") && state.at("config").value("stages", json::array()) != c.raw.value("stages", json::array()))
            message("note: the stages in " + c.path + " differ from those the checkpoint was made with");
        if (stageIndex >= c.stages.size() || stageStep > c.stages[stageIndex].steps)
            throw Error(checkpoint + ": this checkpoint is past the end of " + c.path + "'s stages");
        summary.resumed = true;
        mLastCheckpoint = checkpoint;
        message("resuming from " + checkpoint + " (step " + std::to_string(mGlobalStep) + ")");
    }
    // The data of every stage still to run: a missing data set fails now, not hours later.
    for (size_t i = stageIndex; i < c.stages.size(); ++i) openData(c.stages[i]);
    fs::create_directories(out);
    if (checkpoint.empty() && isMain()) {
        writeFileAtomically((out / "config.json").string(), c.raw.dump(2));
    }
    // Lineage: a model continued from one of ours keeps that model's training record in its card,
    // read here and not with the init weights, which a resumed run takes from its checkpoint instead.
    if (!c.init.empty()) {
        std::ifstream card(fs::path(c.init) / "rlfseg.json");
        const json parsed = json::parse(card, nullptr, /*allow_exceptions=*/false); // discarded when unreadable
        if (parsed.is_object() && parsed.contains("training"))
            // As the recipe wrote it (like the card's training.config): a resolved path would name
            // this machine's folders.
            mStartedFrom = {{"model", c.raw.value("init", c.init)}, {"training", parsed.at("training")}};
    }
    buildNetworks(checkpoint);
    // Before any stage runs: a bad size or kind in the last stage must not wait for hours of the first.
    for (const auto& stage : c.stages) {
        if (const int factor = mNet.folder.totalDownsamplingFactor(); stage.resolution % factor != 0)
            throw Error(c.path + ": resolution " + std::to_string(stage.resolution) + " of the " + stage.kind +
                        " stage is not a multiple of the networks' total down-sampling factor " + std::to_string(factor));
        if (const int factor = mNet.folder.vaeConfig.downsamplingFactor(); stage.kind == "decoder" && stage.crop % factor != 0)
            throw Error(c.path + ": crop " + std::to_string(stage.crop) +
                        " of the decoder stage is not a multiple of the VAE's down-sampling factor " + std::to_string(factor));
        if (!stage.repeatKinds.empty()) {
            openData(stage);
            epochSamplesOf(stage);
        }
    }
    if (isMain()) {
        keepTokenizerInRun();
        mLog = std::make_unique<TrainLog>(out, c.logFormat, mGlobalStep);
    }
    if (mGroup) {
        message("data parallel: " + std::to_string(worldSize()) + " ranks (" + (mRankDevice.empty() ? "Gloo" : "NCCL") + ")");
        mGroup->barrier(); // every rank has read the checkpoint before rank 0 writes any new one
    }
    message("networks: UNet " + std::to_string(mNet.parameterCount(*mNet.unet)) + ", VAE " +
            std::to_string(mNet.parameterCount(*mNet.vae)) + ", text encoder " +
            std::to_string(mNet.parameterCount(*mNet.textEncoder)) + " parameters; " + device.description +
            (mAutocast ? ", bfloat16 mixed precision" : ""));
    // Without native bfloat16 products, oneDNN emulates them (or LibTorch falls back to its slow kernels).
    if (mAutocast && !device.cuda && !cpuVectorUnits().bf16)
        message("note: this CPU has no bfloat16 instructions (AVX512-BF16): \"precision\": \"bfloat16\" will "
                "likely train slower than float32 here");

    for (; stageIndex < c.stages.size() && !mStopped; ++stageIndex) {
        if (stageStep < c.stages[stageIndex].steps) runStage(stageIndex, stageStep, checkpoint);
        checkpoint.clear(); // only the first stage resumes mid-way
        stageStep = 0;
    }
    summary.globalStep = mGlobalStep;
    summary.elapsedSeconds = elapsed();
    summary.lastCheckpoint = mLastCheckpoint;
    if (!mStopped) {
        const fs::path model = out / "model";
        json training{{"config", c.raw}, {"steps", mGlobalStep}, {"elapsed_s", elapsed()}};
        if (!mStartedFrom.is_null()) training["started_from"] = mStartedFrom;
        if (!mKeptBest.empty()) training["kept_best"] = mKeptBest;
        if (isMain()) writeModelFolder(mNet, model.string(), json{{"training", training}});
        if (mGroup) mGroup->barrier();
        summary.finished = true;
        summary.modelDirectory = model.string();
        message("model written to " + model.string());
    }
    return summary;
}

void Run::runStage(size_t index, int64_t startStep, const std::string& checkpoint) {
    const StageConfig& stage = c.stages[index];
    openData(stage);
    mResolution = stage.resolution > 0 ? stage.resolution : mNet.folder.modelResolution();
    auto params = trainableParameters(stage);
    AdamW optimizer(params, stage);
    std::unique_ptr<EmaWeights> ema;
    if (stage.emaDecay > 0) ema = std::make_unique<EmaWeights>(params, stage.emaDecay);
    if (!checkpoint.empty() && startStep > 0) {
        const fs::path state = fs::path(checkpoint) / "training_state";
        optimizer.loadState(loadTensors((state / "optimizer.safetensors").string()), checkpoint);
        if (ema) ema->loadState(loadTensors((state / "ema.safetensors").string()), checkpoint);
    }
    message("stage " + std::to_string(index + 1) + "/" + std::to_string(c.stages.size()) + ": " + stage.kind + ", " +
            std::to_string(stage.steps) + " steps of " + std::to_string(stage.batchSize * stage.gradientAccumulation) +
            " samples" + (startStep > 0 ? ", from step " + std::to_string(startStep) : ""));

    LatentSet latents;
    torch::Tensor originalMaskLatents; // the labels as given, kept while refinement replaces some
    torch::Tensor predictedMaskLatents; // decoder stages: what the decoder learns to decode
    if (stage.kind != "vae") {
        // Rank 0 encodes and caches the latents; the others read its cache.
        if (mGroup && !isMain()) mGroup->barrier();
        // A stage on its own data set keeps its own cache (stages on different data would otherwise
        // replace each other's on every resume).
        const bool ownData = mDataPath != c.data || mImagesPath != c.images;
        try {
            latents = encodeLatents(mTrain, c.cleanLabels, ownData ? ownDataCacheName(mDataPath, mImagesPath) : "train");
            if (mGroup && isMain()) mGroup->barrier();
            // After the barrier: the ranks predict together, each its share.
            if (stage.kind == "decoder" && !stage.trainUnet) predictedMaskLatents = predictMaskLatents(index, latents);
            trainableParameters(stage); // encoding and predicting set the networks to evaluation
        } catch (const EncodingStopped&) { // one process only: ranks stop together, at a step
            mStopped = true;
            message("stopped while encoding the latents; run again to go on from where it stopped");
            return;
        }
        mEpochSamples = epochSamplesOf(stage);
        if (!stage.repeatKinds.empty())
            message("repeat_kinds: an epoch visits " + std::to_string(mEpochSamples.size()) + " samples of " +
                    std::to_string(mTrain.size()) + " expressions");
    }
    if (mGroup) {
        torch::NoGradGuard noGrad;
        std::vector<at::Tensor> tensors;
        for (const auto& p : params) tensors.push_back(p.tensor);
        mGroup->broadcast(tensors); // the same start on every rank, whatever happened before
    }
    std::unique_ptr<distributed::GradientReducer> reducer;
    if (mGroup) {
        // In forward order (the text encoder runs before the UNet); the reducer sends the buckets
        // in reverse, as backward produces them.
        std::vector<at::Tensor> tensors;
        for (bool text : {true, false})
            for (const auto& p : params)
                if ((p.name.rfind("text_encoder.", 0) == 0) == text) tensors.push_back(p.tensor);
        reducer = std::make_unique<distributed::GradientReducer>(*mGroup, tensors, mBucketBytes);
    }
    if (stage.labelRefinement) originalMaskLatents = latents.maskLatents.clone();
    mRefinedEpoch = -1;
    mBest = {};
    if (stage.keepBest) {
        // The weights the stage starts from are the first candidate (a resumed stage's best so far
        // comes from its checkpoint).
        if (!checkpoint.empty() && startStep > 0) loadBest(checkpoint, mResumedBest, params);
        if (mBest.step < 0) validateAndKeepBest(stage, index, startStep, params, ema.get());
    }

    const int64_t total = c.totalSteps();
    for (int64_t step = startStep; step < stage.steps; ++step) {
        if (stage.labelRefinement) {
            // The refinement due at this step's epoch: from_epoch, then every every_epochs.
            const int64_t epoch = step * stage.gradientAccumulation * stage.batchSize / static_cast<int64_t>(mEpochSamples.size());
            if (epoch >= stage.refineFromEpoch) {
                const int64_t due = stage.refineFromEpoch +
                                    (epoch - stage.refineFromEpoch) / stage.refineEveryEpochs * stage.refineEveryEpochs;
                if (due != mRefinedEpoch) {
                    refineLabels(index, due, latents, originalMaskLatents, params, ema.get());
                    mRefinedEpoch = due;
                }
            }
        }
        const auto t0 = std::chrono::steady_clock::now();
        const double lr = learningRateAt(stage, step);
        optimizer.zeroGrad();
        double loss = 0;
        for (int micro = 0; micro < stage.gradientAccumulation; ++micro) {
            if (reducer && micro + 1 == stage.gradientAccumulation) reducer->prepare(); // the step's last backward
            loss += (stage.kind == "vae"       ? vaeStep(stage, index, step, micro)
                     : stage.kind == "decoder" ? decoderStep(stage, index, step, micro, latents, predictedMaskLatents)
                                               : latentStep(stage, index, step, micro, latents)) /
                    stage.gradientAccumulation;
        }
        if (mGroup && mFaultStep == mGlobalStep + 1) {
            // RLFSEG_DIST_FAULT=RANK:STEP (tests): this rank dies here, as a crashed machine would.
            std::fprintf(stderr, "RLFSEG_DIST_FAULT: rank %d exits at step %lld\n", rank(), static_cast<long long>(mFaultStep));
            std::_Exit(3);
        }
        if (reducer) {
            // The gradient of the global batch: every rank's share, averaged. Most buckets were
            // already sent during the backward pass.
            reducer->finish();
            loss = mGroup->allReduceMean(loss);
            if (step == startStep)
                message("gradients: " + std::to_string(reducer->bucketCount()) + " buckets, " +
                        std::to_string(reducer->bucketsStartedDuringBackward()) + " sent during the backward pass");
        }
        if (!std::isfinite(loss))
            throw Error("training diverged at step " + std::to_string(step + 1) + " of stage " + stage.kind +
                        " (loss " + std::to_string(loss) + "); lower learning_rate or resume from an earlier checkpoint");
        const double norm = optimizer.clipGradients(stage.gradientClip);
        optimizer.step(lr);
        if (ema) ema->update(params);
        ++mGlobalStep, ++mStepsThisRun;

        TrainStepReport r;
        r.stage = stage.kind, r.stageIndex = static_cast<int>(index);
        r.step = step + 1, r.steps = stage.steps, r.globalStep = mGlobalStep, r.totalSteps = total;
        r.loss = loss, r.learningRate = lr, r.gradientNorm = norm;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        r.samplesPerSecond = stage.batchSize * stage.gradientAccumulation / std::max(seconds, 1e-9);
        r.elapsedSeconds = elapsed();
        if (mLog) mLog->step(r);
        if (o.onStep && isMain()) o.onStep(r);

        const bool last = step + 1 == stage.steps;
        bool stopNow = (o.stopAfterSteps > 0 && mStepsThisRun >= o.stopAfterSteps) ||
                       (o.stopRequested && o.stopRequested->load());
        if (mGroup) stopNow = mGroup->anyTrue(stopNow); // Ctrl-C on one rank stops them all, at the same step
        if ((stage.evalEvery > 0 && (step + 1) % stage.evalEvery == 0) || last)
            validateAndKeepBest(stage, index, step + 1, params, ema.get());
        if (last) {
            // The stage's result is its EMA weights (or, for keep_best, its best); later stages start from them.
            if (ema) ema->swapInto(params);
            ema.reset();
            if (stage.keepBest) {
                if (mBest.step != stage.steps) {
                    torch::NoGradGuard noGrad;
                    for (size_t i = 0; i < params.size(); ++i) params[i].tensor.copy_(mBest.weights[i].second);
                    message("keep_best: the " + stage.kind + " stage ends with its weights of step " +
                            std::to_string(mBest.step) + " (validation " + std::to_string(mBest.metric) +
                            "; its last step's " + std::to_string(mBest.lastMetric) + ")");
                }
                mKeptBest.push_back({{"stage", index}, {"kind", stage.kind}, {"step", mBest.step},
                                     {"steps", stage.steps}, {"metric", mBest.metric}});
            }
            if (stage.kind == "vae") {
                mResolution = mNet.folder.modelResolution(); // the scale of the latents the model will see
                calibrateScalingFactor();
            }
            if (isMain()) saveCheckpoint(index, step + 1, &optimizer, nullptr);
        } else if ((mGlobalStep % c.checkpointEvery == 0 || stopNow) && isMain()) {
            saveCheckpoint(index, step + 1, &optimizer, ema.get());
        }
        if (stopNow) {
            mStopped = !last || index + 1 < c.stages.size();
            if (mStopped) message("stopped after step " + std::to_string(mGlobalStep) + "; run again to resume");
            return;
        }
    }
}

double Run::vaeStep(const StageConfig& stage, size_t stageIndex, int64_t step, int micro) {
    std::mt19937_64 rng(mix(c.seed, stageIndex + 1, static_cast<uint64_t>(step), micro));
    const int crop = std::min(stage.crop, mResolution);
    std::vector<torch::Tensor> items;
    std::vector<float> weights;
    // Every rank draws the whole global batch's random numbers (so the batch is the same whatever
    // the number of ranks) and loads only its share.
    const auto [shareFirst, shareCount] = shareOf(stage.batchSize);
    double globalWeight = 0;
    for (int i = 0; i < stage.batchSize; ++i) {
        const auto& sample = mTrain[rng() % mTrain.size()];
        const bool isMask = std::uniform_real_distribution<double>(0, 1)(rng) < stage.maskFraction;
        globalWeight += isMask ? stage.maskWeight : 1.0;
        const bool mine = i >= shareFirst && i < shareFirst + shareCount;
        cv::Mat source = !mine ? cv::Mat() : isMask ? loadSquareMask(sample, c.cleanLabels) : loadSquareImage(sample);
        // Mask crops are centred near the object (most of a mask is background).
        int x = 0, y = 0;
        const int range = mResolution - crop;
        if (!mine) { // the same random numbers as loading it would take
            const cv::Mat extent = isMask ? loadSquareMask(sample, c.cleanLabels) : cv::Mat();
            const cv::Rect b = isMask ? maskBox(extent) : cv::Rect();
            if (isMask && b.area() > 0) rng(), rng(), rng(), rng();
            else if (mResolution - crop > 0) rng(), rng();
            continue;
        }
        cv::Rect box = isMask ? maskBox(source) : cv::Rect();
        if (isMask && box.area() > 0) {
            const int cx = box.x + static_cast<int>(rng() % std::max(1, box.width));
            const int cy = box.y + static_cast<int>(rng() % std::max(1, box.height));
            const int jitter = crop / 4;
            x = std::clamp(cx - crop / 2 + static_cast<int>(rng() % (2 * jitter + 1)) - jitter, 0, range);
            y = std::clamp(cy - crop / 2 + static_cast<int>(rng() % (2 * jitter + 1)) - jitter, 0, range);
        } else if (range > 0) {
            x = static_cast<int>(rng() % (range + 1)), y = static_cast<int>(rng() % (range + 1));
        }
        cv::Mat patch = source(cv::Rect(x, y, crop, crop)).clone();
        items.push_back(isMask ? maskTensor(patch).clone() : imageTensor(patch));
        weights.push_back(isMask ? static_cast<float>(stage.maskWeight) : 1.0f);
    }
    auto gen = at::detail::createCPUGenerator(mix(c.seed, stageIndex + 1, static_cast<uint64_t>(step), 1000 + micro));
    auto x = torch::stack(items).to(mDevice).contiguous(at::MemoryFormat::ChannelsLast);
    auto w = torch::tensor(weights).to(mDevice);
    AutocastScope autocast(mAutocast, mDevice.is_cuda());
    auto dist = mNet.vae->encode(x);
    auto globalShape = dist.mean.sizes().vec();
    globalShape[0] = stage.batchSize;
    auto noise = torch::randn(globalShape, gen, torch::kFloat).narrow(0, shareFirst, shareCount).to(mDevice);
    auto z = dist.mean + (0.5 * dist.logvar).exp() * noise;
    auto y = mNet.vae->decode(z).to(torch::kFloat);
    auto diff = y - x;
    auto reconstruction = (diff.abs().mean({1, 2, 3}) + diff.pow(2).mean({1, 2, 3}));
    auto kl = 0.5 * (dist.mean.pow(2) + dist.logvar.exp() - 1.0 - dist.logvar).to(torch::kFloat).sum({1, 2, 3});
    // This rank's part of the global batch's weighted mean, scaled so that the mean over ranks (the
    // gradient all-reduce) is the global batch's loss.
    auto loss = ((reconstruction * w).sum() / globalWeight) * worldSize() + stage.klWeight * kl.mean();
    (loss / stage.gradientAccumulation).backward();
    return loss.item<double>();
}

std::vector<int64_t> Run::globalBatch(const StageConfig& stage, size_t stageIndex, int64_t step, int micro) {
    const int64_t count = static_cast<int64_t>(mEpochSamples.size());
    // Epoch-wise permutations, so that every sample is seen once per epoch (repeated kinds more
    // often) in an order seeded by (seed, stage, epoch).
    const int64_t first = (step * stage.gradientAccumulation + micro) * stage.batchSize;
    std::vector<int64_t> index;
    for (int i = 0; i < stage.batchSize; ++i) {
        const int64_t position = first + i;
        const int64_t epoch = position / count;
        if (mOrderStage != static_cast<int64_t>(stageIndex) || mOrderEpoch != epoch) {
            mOrder = mEpochSamples;
            std::shuffle(mOrder.begin(), mOrder.end(), std::mt19937_64(mix(c.seed, stageIndex + 1, 1u << 20, epoch)));
            mOrderStage = static_cast<int64_t>(stageIndex);
            mOrderEpoch = epoch;
        }
        index.push_back(mOrder[static_cast<size_t>(position % count)]);
    }
    return index;
}

double Run::latentStep(const StageConfig& stage, size_t stageIndex, int64_t step, int micro, const LatentSet& latents) {
    const auto [shareFirst, shareCount] = shareOf(stage.batchSize);
    auto index = globalBatch(stage, stageIndex, step, micro);
    // This rank's share of the global batch; random numbers are drawn for the whole batch and sliced.
    index = std::vector<int64_t>(index.begin() + shareFirst, index.begin() + shareFirst + shareCount);
    const auto share = [&](const torch::Tensor& global) { return global.narrow(0, shareFirst, shareCount); };
    auto idx = torch::tensor(index, torch::kLong);
    auto gen = at::detail::createCPUGenerator(mix(c.seed, stageIndex + 1, static_cast<uint64_t>(step), 2000 + micro));
    auto zImage = imageLatentsOf(latents, idx);
    auto zMask = latents.maskLatents.index_select(0, idx).to(mDevice, torch::kFloat);
    auto ids = latents.tokenIds.index_select(0, idx).to(mDevice);
    const int64_t b = zImage.size(0);

    AutocastScope autocast(mAutocast, mDevice.is_cuda());
    torch::Tensor context;
    if (stage.trainTextEncoder) {
        context = mNet.textEncoder->forward(ids).lastHiddenState;
    } else {
        torch::NoGradGuard noGrad;
        context = mNet.textEncoder->forward(ids).lastHiddenState;
    }
    torch::Tensor input, target, timesteps;
    if (stage.kind == "flow") {
        // METHOD.md section 3: t = 0 with probability p (where inference starts), else U(0, 1).
        auto u = share(torch::rand({stage.batchSize}, gen, torch::kFloat));
        auto t = share(torch::rand({stage.batchSize}, gen, torch::kFloat));
        t = torch::where(u < stage.tZeroProbability, torch::zeros_like(t), t).to(mDevice);
        auto tt = t.view({b, 1, 1, 1});
        input = (1 - tt) * zImage + tt * zMask;
        target = zMask - zImage;
        timesteps = 1000.0 * t;
    } else {
        // Section 6: v-prediction on the DDPM schedule, the image latent concatenated.
        const auto& card = mNet.folder.card;
        auto alphas = diffusionAlphasCumprod(card.numTrainTimesteps, card.betaStart, card.betaEnd);
        auto t = share(torch::randint(0, card.numTrainTimesteps, {stage.batchSize}, gen, torch::kLong));
        auto ab = alphas.index_select(0, t).to(mDevice).view({b, 1, 1, 1});
        auto noiseShape = zMask.sizes().vec();
        noiseShape[0] = stage.batchSize;
        auto noise = share(torch::randn(noiseShape, gen, torch::kFloat)).to(mDevice);
        auto noisy = ab.sqrt() * zMask + (1 - ab).sqrt() * noise;
        input = torch::cat({zImage, noisy}, 1);
        target = ab.sqrt() * noise - (1 - ab).sqrt() * zMask;
        timesteps = t.to(mDevice, torch::kFloat);
    }
    input = input.contiguous(at::MemoryFormat::ChannelsLast);
    auto prediction = mNet.unet->forward(input, timesteps, context).to(torch::kFloat);
    auto loss = torch::mse_loss(prediction, target);
    (loss / stage.gradientAccumulation).backward();
    return loss.item<double>();
}

// The flow's one-step mask latents (z_img + v(z_img, 0, c)) of every training sample, made once per
// decoder stage with the weights it starts from (which it does not train) and cached, so a resumed
// stage reads them back. Data parallel: each rank predicts its share, and the shares are summed.
torch::Tensor Run::predictMaskLatents(size_t stageIndex, const LatentSet& latents) {
    const fs::path cache = out / "cache" / ("predicted-stage-" + std::to_string(stageIndex) + ".safetensors");
    // Valid for the networks that predicted them, on these latents.
    const std::string tag = weightsFingerprint(*mNet.unet) + "/" + weightsFingerprint(*mNet.textEncoder) + "/" +
                            vaeFingerprint(mNet.vae) + "/" + mLatentData + "/" + std::to_string(mResolution);
    torch::Tensor cached;
    if (fs::exists(cache)) {
        try {
            const auto file = SafeTensorsFile::open(cache.string());
            const auto it = file.metadata().find("predicted");
            if (it != file.metadata().end() && it->second == tag) cached = readTensor(file, "mask_latents");
            else message("not using " + cache.string() + ": it was predicted by other networks or for other data");
        } catch (const Error& e) {
            message("ignoring " + cache.string() + ": " + e.what());
        }
    }
    // Ranks decide together: all read the cache, or all take part in the prediction below.
    if (mGroup && mGroup->anyTrue(!cached.defined())) cached = torch::Tensor();
    if (cached.defined()) {
        message("one-step predictions read from " + cache.string());
        return cached;
    }
    const int64_t n = latents.tokenIds.size(0), batch = 32;
    message("decoder stage: predicting the one-step mask latents of " + std::to_string(n) + " training samples" +
            (mGroup ? " over " + std::to_string(worldSize()) + " ranks" : ""));
    const auto t0 = std::chrono::steady_clock::now();
    torch::NoGradGuard noGrad;
    mNet.setEval();
    auto predicted = torch::zeros(latents.maskLatents.sizes(), torch::kHalf);
    int64_t batches = 0;
    forEachBatchOfThisRank(n, batch, [&](int64_t first, int64_t b) {
        if (!mGroup && o.stopRequested && o.stopRequested->load()) throw EncodingStopped{};
        auto idx = torch::arange(first, first + b, torch::kLong);
        auto z = oneStep(imageLatentsOf(latents, idx), contextOf(latents, idx));
        predicted.narrow(0, first, b).copy_(z.to(torch::kCPU, torch::kHalf));
        if (++batches % 50 == 0) {
            const int64_t soFar = std::min(n, batches * batch * worldSize());
            message("predicting " + std::to_string(soFar) + "/" + std::to_string(n));
        }
    });
    predicted = sumOfShares(predicted);
    if (isMain()) saveTensors({{"mask_latents", predicted}}, cache.string(), torch::kHalf, {{"predicted", tag}});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    message("decoder stage: " + std::to_string(n) + " predictions in " + std::to_string(static_cast<int>(seconds)) + " s");
    return predicted;
}

// The decoder learns to turn the flow's one-step mask latents into the masks they stand for. Those
// latents are smoother than encoded masks (the flow regresses to the mean of what it cannot tell
// apart), so a decoder trained only on encoded masks rounds their outlines off. A share of image
// crops (1 - mask_fraction) keeps it decoding images too. Crops are aligned to the latent grid.
// With train_unet the UNet learns too: its one-step prediction is made here, with gradients, and
// the decoded masks' loss reaches it through the decoder; the flow's own loss keeps v a velocity.
double Run::decoderStep(const StageConfig& stage, size_t stageIndex, int64_t step, int micro, const LatentSet& latents,
                        const torch::Tensor& predicted) {
    const auto [shareFirst, shareCount] = shareOf(stage.batchSize);
    const auto index = globalBatch(stage, stageIndex, step, micro);
    std::mt19937_64 rng(mix(c.seed, stageIndex + 1, static_cast<uint64_t>(step), micro));
    std::uniform_real_distribution<double> uniform(0, 1);
    const int factor = mNet.folder.vaeConfig.downsamplingFactor();
    const int crop = std::min(stage.crop, mResolution), range = mResolution - crop;
    struct Item {
        bool isMask;
        int64_t sample;
        int x, y;
    };
    std::vector<Item> items;
    std::vector<torch::Tensor> targets;
    std::vector<float> weights;
    double globalWeight = 0;
    for (int i = 0; i < stage.batchSize; ++i) {
        // The same draws on every rank, whichever samples it loads.
        const bool isMask = uniform(rng) < stage.maskFraction;
        const double u[4] = {uniform(rng), uniform(rng), uniform(rng), uniform(rng)};
        globalWeight += isMask ? stage.maskWeight : 1.0;
        if (i < shareFirst || i >= shareFirst + shareCount) continue;
        const int64_t sample = index[static_cast<size_t>(i)];
        const auto& s = mTrain[static_cast<size_t>(sample)];
        const cv::Mat source = isMask ? loadSquareMask(s, c.cleanLabels) : loadSquareImage(s);
        // Mask crops are centred near the object (most of a mask is background).
        const cv::Rect box = isMask ? maskBox(source) : cv::Rect(0, 0, mResolution, mResolution);
        const int jitter = crop / 4;
        const int cx = box.x + static_cast<int>(u[0] * box.width) + static_cast<int>((2 * u[2] - 1) * jitter);
        const int cy = box.y + static_cast<int>(u[1] * box.height) + static_cast<int>((2 * u[3] - 1) * jitter);
        const int x = std::clamp(cx - crop / 2, 0, range) / factor * factor;
        const int y = std::clamp(cy - crop / 2, 0, range) / factor * factor;
        const cv::Mat patch = source(cv::Rect(x, y, crop, crop)).clone();
        targets.push_back(isMask ? maskTensor(patch).clone() : imageTensor(patch));
        items.push_back({isMask, sample, x, y});
        weights.push_back(static_cast<float>(isMask ? stage.maskWeight : 1.0));
    }
    AutocastScope autocast(mAutocast, mDevice.is_cuda());
    // The mask latents to decode: cached predictions, or (train_unet) made now with gradients.
    std::vector<int64_t> maskSamples;
    for (const auto& item : items)
        if (item.isMask) maskSamples.push_back(item.sample);
    torch::Tensor maskLatents, flowLoss;
    if (!maskSamples.empty()) {
        auto idx = torch::tensor(maskSamples, torch::kLong);
        if (stage.trainUnet) {
            auto zImage = imageLatentsOf(latents, idx);
            torch::Tensor context;
            {
                torch::NoGradGuard noGrad; // the text encoder stays as it is
                context = contextOf(latents, idx);
            }
            maskLatents = oneStep(zImage, context);
            // The flow's loss on v = z_mask_hat - z_img.
            flowLoss = torch::mse_loss(maskLatents, latents.maskLatents.index_select(0, idx).to(mDevice, torch::kFloat));
        } else {
            maskLatents = predicted.index_select(0, idx).to(mDevice, torch::kFloat);
        }
    }
    std::vector<int64_t> imageSamples;
    for (const auto& item : items)
        if (!item.isMask) imageSamples.push_back(item.sample);
    const auto imageLatents = imageSamples.empty() ? torch::Tensor() : imageLatentsOf(latents, torch::tensor(imageSamples, torch::kLong));
    std::vector<torch::Tensor> latentCrops;
    int64_t maskIndex = 0, imageIndex = 0;
    for (const auto& item : items) {
        const auto z = item.isMask ? maskLatents[maskIndex++] : imageLatents[imageIndex++];
        latentCrops.push_back(z.narrow(1, item.y / factor, crop / factor).narrow(2, item.x / factor, crop / factor));
    }
    auto z = torch::stack(latentCrops).contiguous(at::MemoryFormat::ChannelsLast);
    auto target = torch::stack(targets).to(mDevice);
    auto w = torch::tensor(weights).to(mDevice);
    auto diff = mNet.decodeLatent(z).to(torch::kFloat) - target;
    auto reconstruction = diff.abs().mean({1, 2, 3}) + diff.pow(2).mean({1, 2, 3});
    // As in vaeStep: this rank's part of the global batch's weighted mean.
    auto loss = (reconstruction * w).sum() / globalWeight * worldSize();
    if (flowLoss.defined()) loss = loss + flowLoss;
    (loss / stage.gradientAccumulation).backward();
    return loss.item<double>();
}

// Label refinement (METHOD.md section 5): the model's one-step prediction (EMA weights where EMA is
// on) for every training sample; where it agrees with the label, the label refined within a band
// around its boundary replaces it. Every pass starts from the labels as given. The refined latents
// are stored with their epoch, so a run resumed within that epoch trains on the same labels.
void Run::refineLabels(size_t stageIndex, int64_t epoch, LatentSet& latents, const torch::Tensor& original,
                       const std::vector<NamedParameter>& params, EmaWeights* ema) {
    const StageConfig& stage = c.stages[stageIndex];
    const fs::path cache = out / "cache" / "latents-train-refined.safetensors";
    // Valid for this stage (a later one refines with another model), epoch, data and resolution.
    const std::string tag = "stage " + std::to_string(stageIndex) + ", epoch " + std::to_string(epoch) + "/" +
                            mLatentData + "/" + std::to_string(mResolution);
    torch::Tensor cached;
    if (fs::exists(cache)) {
        try {
            const auto file = SafeTensorsFile::open(cache.string());
            const auto it = file.metadata().find("refined");
            if (it != file.metadata().end() && it->second == tag) cached = readTensor(file, "mask_latents");
        } catch (const Error& e) {
            message("ignoring " + cache.string() + ": " + e.what());
        }
    }
    // Ranks decide together: all read the cache, or all take part in the refinement below.
    if (mGroup && mGroup->anyTrue(!cached.defined())) cached = torch::Tensor();
    if (cached.defined()) {
        latents.maskLatents = cached;
        message("refined labels of epoch " + std::to_string(epoch) + " read from " + cache.string());
        return;
    }
    message("label refinement, epoch " + std::to_string(epoch) + ": predicting " + std::to_string(original.size(0)) +
            " training samples");
    const auto t0 = std::chrono::steady_clock::now();
    torch::NoGradGuard noGrad;
    if (ema) ema->swapInto(params);
    mNet.setEval();
    auto maskLatents = original.clone();
    int64_t refined = 0;
    double agreementSum = 0;
    const int64_t n = original.size(0), batch = 16;
    refine::RefineOptions refineOptions;
    refineOptions.referenceWeight = stage.refineReferenceWeight;
    forEachBatchOfThisRank(n, batch, [&](int64_t first, int64_t b) {
        auto idx = torch::arange(first, first + b, torch::kLong);
        auto soft = conventions::softMaskFromDecoded(mNet.decodeLatent(oneStep(imageLatentsOf(latents, idx), contextOf(latents, idx))))
                        .to(torch::kCPU, torch::kFloat)
                        .contiguous();
        std::vector<torch::Tensor> newMasks;
        std::vector<int64_t> newIndex;
        for (int64_t k = 0; k < b; ++k) {
            const auto& sample = mTrain[static_cast<size_t>(first + k)];
            const cv::Mat p(static_cast<int>(soft.size(1)), static_cast<int>(soft.size(2)), CV_32FC1, soft[k].data_ptr<float>());
            const auto r = refine::refineLabel(loadSquareImage(sample), p, loadSquareMask(sample, c.cleanLabels),
                                               stage.refineAgreement, stage.refineBand, refineOptions);
            agreementSum += r.agreement;
            if (!r.refined) continue;
            newMasks.push_back(maskTensor(r.label).clone());
            newIndex.push_back(first + k);
        }
        if (!newMasks.empty()) {
            auto z = mNet.encodeToLatent(torch::stack(newMasks).contiguous(at::MemoryFormat::ChannelsLast));
            maskLatents.index_copy_(0, torch::tensor(newIndex, torch::kLong), z.to(torch::kCPU, torch::kHalf));
            refined += static_cast<int64_t>(newIndex.size());
        }
    });
    if (ema) ema->swapInto(params);
    trainableParameters(stage);
    if (mGroup) {
        // Each sample was predicted by one rank: its latent, zero on the others.
        auto mine = torch::zeros_like(maskLatents);
        forEachBatchOfThisRank(n, batch, [&](int64_t first, int64_t b) {
            mine.narrow(0, first, b).copy_(maskLatents.narrow(0, first, b));
        });
        maskLatents = sumOfShares(mine);
        refined = std::llround(mGroup->allReduceMean(static_cast<double>(refined)) * worldSize());
        agreementSum = mGroup->allReduceMean(agreementSum) * worldSize();
    }
    latents.maskLatents = maskLatents;
    if (!isMain()) return; // rank 0 writes the cache and the log
    saveTensors({{"mask_latents", maskLatents}}, cache.string(), torch::kHalf, {{"refined", tag}});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const json line = {{"kind", "label_refinement"}, {"stage", stage.kind},     {"epoch", epoch},
                       {"global_step", mGlobalStep},  {"samples", n},           {"refined", refined},
                       {"mean_agreement", agreementSum / static_cast<double>(std::max<int64_t>(1, n))},
                       {"seconds", seconds},          {"elapsed_s", elapsed()}};
    mLog->validation(line);
    message("label refinement, epoch " + std::to_string(epoch) + ": " + std::to_string(refined) + " of " +
            std::to_string(n) + " labels refined (" + std::to_string(static_cast<int>(seconds)) + " s)");
}

// A fingerprint of a network's weights (those `include` names, default all): what a cache made with them is valid for.
std::string weightsFingerprint(torch::nn::Module& network, const std::function<bool(const std::string&)>& include) {
    torch::NoGradGuard noGrad;
    double acc = 0;
    int i = 1;
    for (const auto& p : network.named_parameters(true))
        if (!include || include(p.key())) acc += p.value().to(torch::kDouble).sum().item<double>() * (i++);
    std::ostringstream s;
    s << std::setprecision(17) << acc;
    return s.str();
}

// A fingerprint of the VAE's encoding half: a cache of latents is valid only for the encoder that
// made it (a decoder stage leaves it, and so the caches, as they were).
std::string vaeFingerprint(AutoencoderKL& vae) {
    return weightsFingerprint(*vae, [](const std::string& name) { return !isDecodingHalf(name); });
}

// Which part of a latent cache's fingerprint (VAE / data / resolution / latent scale) differs.
std::string cacheMismatch(const std::string& was, const std::string& now) {
    auto parts = [](const std::string& f) {
        std::vector<std::string> p;
        std::istringstream in(f);
        for (std::string item; std::getline(in, item, '/');) p.push_back(item);
        return p;
    };
    const auto a = parts(was), b = parts(now);
    if (a.size() != 4 || b.size() != 4) return "by another version of the trainer";
    static const char* what[] = {"with another VAE", "from other data", "at another resolution", "with another latent scale"};
    std::string out;
    for (size_t i = 0; i < 4; ++i)
        if (a[i] != b[i]) out += std::string(out.empty() ? "" : ", ") + what[i] + " (" + a[i] + ", now " + b[i] + ")";
    return out.empty() ? "for the same data (unreadable fingerprint)" : out;
}

LatentSet Run::encodeLatents(const std::vector<data::ReferringSample>& samples, bool clean, const std::string& name) {
    // Stages at another resolution than the model's keep their own cache (a curriculum's stages
    // would otherwise replace each other's on every resume).
    const std::string size = mResolution == mNet.folder.modelResolution() ? "" : "-" + std::to_string(mResolution) + "px";
    const fs::path cache = out / "cache" / ("latents-" + name + (clean ? "-clean" : "") + size + ".safetensors");
    mLatentData = dataFingerprint(samples, mDataPath);
    const std::string fingerprint = vaeFingerprint(mNet.vae) + "/" + mLatentData + "/" +
                                    std::to_string(mResolution) + "/" +
                                    std::to_string(mNet.folder.vaeConfig.scalingFactor);
    if (fs::exists(cache)) {
        try {
            const auto file = SafeTensorsFile::open(cache.string());
            const auto& meta = file.metadata();
            const auto it = meta.find("fingerprint");
            if (it != meta.end() && it->second == fingerprint) {
                LatentSet set;
                set.imageLatents = readTensor(file, "image_latents");
                set.imageOfSample = readTensor(file, "image_of_sample");
                set.maskLatents = readTensor(file, "mask_latents");
                set.tokenIds = readTensor(file, "token_ids");
                message("latents of " + std::to_string(samples.size()) + " samples read from " + cache.string());
                std::error_code ignored;
                fs::remove(cache.string() + ".partial", ignored); // left by a run killed after the cache was written
                return set;
            }
            // Say why: a cache silently encoded again costs tens of minutes on a large data set.
            const std::string was = it == meta.end() ? std::string("none") : it->second;
            message("not using " + cache.string() + ": it was made " + cacheMismatch(was, fingerprint) +
                    "; encoding again");
        } catch (const Error& e) {
            message("ignoring the latent cache: " + std::string(e.what()));
        }
    }
    torch::NoGradGuard noGrad;
    mNet.vae->eval();
    // Each image is encoded once, and so is each mask: expressions that name the same objects of the
    // same image (a quarter of the shapes data's) share one.
    std::map<int, int64_t> imageSlot;
    std::map<std::pair<int, std::vector<int>>, int64_t> maskSlot;
    std::vector<const data::ReferringSample*> imageSamples, maskSamples;
    std::vector<int64_t> imageOf, maskOf;
    for (const auto& s : samples) {
        auto [image, newImage] = imageSlot.emplace(s.imageId, static_cast<int64_t>(imageSamples.size()));
        if (newImage) imageSamples.push_back(&s);
        imageOf.push_back(image->second);
        auto objects = s.annIds;
        std::sort(objects.begin(), objects.end());
        objects.erase(std::unique(objects.begin(), objects.end()), objects.end());
        auto [mask, newMask] = maskSlot.emplace(std::pair{s.imageId, objects}, static_cast<int64_t>(maskSamples.size()));
        if (newMask) maskSamples.push_back(&s);
        maskOf.push_back(mask->second);
    }
    // Encoding a large set takes hours on a CPU, and a session's end kills the run: what is done is
    // saved every few minutes, when the run is stopped and when a file fails, and the same command
    // goes on from there.
    const fs::path partial = cache.string() + ".partial";
    static const std::string kPartialMasks = "distinct"; // the partial holds one latent per distinct mask
    std::vector<torch::Tensor> imageParts, maskParts;
    const auto bothParts = {std::pair{"image_latents", &imageParts}, std::pair{"mask_latents", &maskParts}};
    if (fs::exists(partial)) {
        try {
            const auto file = SafeTensorsFile::open(partial.string());
            const auto it = file.metadata().find("fingerprint");
            if (it == file.metadata().end() || it->second != fingerprint)
                throw Error("it was made " + cacheMismatch(it == file.metadata().end() ? "none" : it->second, fingerprint));
            const auto layout = file.metadata().find("masks");
            if (layout == file.metadata().end() || layout->second != kPartialMasks)
                throw Error("it was written by another version of the trainer");
            for (auto [name, parts] : bothParts)
                if (file.contains(name)) parts->push_back(readTensor(file, name));
            const size_t images = imageParts.empty() ? 0 : static_cast<size_t>(imageParts[0].size(0));
            const size_t masks = maskParts.empty() ? 0 : static_cast<size_t>(maskParts[0].size(0));
            if (images > imageSamples.size() || masks > maskSamples.size() || (masks > 0 && images < imageSamples.size()))
                throw Error("it holds other latents than this data set's");
        } catch (const Error& e) {
            imageParts.clear(), maskParts.clear();
            message("not resuming from " + partial.string() + ": " + e.what());
        }
    }
    auto count = [](const std::vector<torch::Tensor>& parts) {
        size_t n = 0;
        for (const auto& p : parts) n += static_cast<size_t>(p.size(0));
        return n;
    };
    auto lastSave = std::chrono::steady_clock::now();
    auto savePartial = [&] {
        lastSave = std::chrono::steady_clock::now();
        if (!isMain()) return;
        std::vector<std::pair<std::string, torch::Tensor>> done;
        for (auto [name, parts] : bothParts) {
            if (parts->empty()) continue;
            *parts = {torch::cat(*parts)}; // one tensor: the next save does not copy every part again
            done.emplace_back(name, parts->front());
        }
        if (done.empty()) return;
        try { // a failed save (a full disk) costs the resume, not the run
            fs::create_directories(partial.parent_path());
            saveTensors(done, partial.string(), torch::kHalf, {{"fingerprint", fingerprint}, {"masks", kPartialMasks}});
        } catch (const std::exception& e) {
            message("could not save the latents encoded so far: " + std::string(e.what()));
        }
    };
    // A GPU encodes a large batch faster than one core decodes it: every core reads and decodes the
    // batch's files (PNG and RLE decoding) into one uint8 tensor, which the device converts. The
    // workers run OpenCV and memcpy only, no LibTorch operations, so no thread pool multiplies
    // another. (With at::parallel_for, 16 cores of an H100 machine read 390 images/s: one core's rate.)
    const size_t batch = mDevice.is_cuda() ? 256 : 16;
    auto readBatch = [&](size_t i, size_t b, int channels, const std::function<cv::Mat(size_t)>& load,
                           const std::string& what) {
        const int64_t side = mResolution, itemBytes = side * side * channels;
        auto raw = torch::empty({static_cast<int64_t>(b), side, side, channels}, torch::kUInt8);
        uint8_t* rawData = raw.data_ptr<uint8_t>();
        parallelFor(b, [&](size_t k) {
            const cv::Mat m = load(i + k);
            if (m.rows != side || m.cols != side || m.channels() != channels || m.depth() != CV_8U)
                throw Error("encoding " + what + ": item " + std::to_string(i + k) + " has the wrong size");
            const cv::Mat packed = m.isContinuous() ? m : m.clone();
            std::memcpy(rawData + static_cast<int64_t>(k) * itemBytes, packed.data, static_cast<size_t>(itemBytes));
        }, static_cast<size_t>(at::get_num_threads())); // the run's "threads", as LibTorch's own work
        return raw;
    };
    auto encodeAll = [&](size_t n, int channels, const std::function<cv::Mat(size_t)>& load, const std::string& what,
                         std::vector<torch::Tensor>& parts) {
        const auto start = std::chrono::steady_clock::now();
        auto lastReport = start;
        double reading = 0;
        const size_t first = count(parts);
        for (size_t i = first; i < n; i += batch) {
            const size_t b = std::min(n, i + batch) - i;
            try {
                const auto readStart = std::chrono::steady_clock::now();
                const auto raw = readBatch(i, b, channels, load, what);
                reading += std::chrono::duration<double>(std::chrono::steady_clock::now() - readStart).count();
                const auto x = modelInput(raw.to(mDevice)).contiguous(at::MemoryFormat::ChannelsLast);
                const auto z = mNet.encodeToLatent(x);
                parts.push_back(z.to(torch::kCPU, torch::kHalf).contiguous());
            } catch (...) { // an unreadable file, a device out of memory: what was done waits for the next run
                savePartial();
                throw;
            }
            // One process only: data-parallel ranks wait for rank 0's cache, so they stop after it.
            if (!mGroup && o.stopRequested && o.stopRequested->load()) {
                savePartial();
                throw EncodingStopped{};
            }
            const auto now = std::chrono::steady_clock::now();
            if (now - lastSave > std::chrono::minutes(5)) savePartial();
            if (now - lastReport > std::chrono::seconds(20)) {
                message("encoding " + what + " " + std::to_string(i + b) + "/" + std::to_string(n));
                lastReport = now;
            }
        }
        if (n > first) {
            const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::ostringstream done;
            done << std::fixed << std::setprecision(1) << "encoded " << n - first << " " << what << " in " << total
                 << " s (reading the files " << reading << " s)";
            message(done.str());
        }
        if (parts.size() > 1) parts = {torch::cat(parts)}; // held once, not as parts and as a whole
        return parts.empty() ? torch::Tensor() : parts.front();
    };
    LatentSet set;
    const size_t imagesDone = count(imageParts), masksDone = count(maskParts);
    if (imagesDone + masksDone > 0)
        message("resuming the latent encoding: " + std::to_string(imagesDone) + " of " +
                std::to_string(imageSamples.size()) + " images and " + std::to_string(masksDone) + " of " +
                std::to_string(maskSamples.size()) + " masks were done (" + partial.string() + ")");
    message("encoding the latents of " + std::to_string(imageSamples.size()) + " images and " +
            std::to_string(maskSamples.size()) + " masks of " + std::to_string(samples.size()) +
            " expressions (once; cached in " + cache.string() + ")");
    set.imageLatents = encodeAll(imageSamples.size(), 3, [&](size_t k) { return loadSquareImage(*imageSamples[k]); },
                                 "images", imageParts);
    set.maskLatents = encodeAll(maskSamples.size(), 1, [&](size_t k) { return loadSquareMask(*maskSamples[k], clean); },
                                "masks", maskParts)
                          .index_select(0, torch::tensor(maskOf, torch::kLong));
    maskParts.clear(); // one mask latent per expression from here
    set.imageOfSample = torch::tensor(imageOf, torch::kLong);
    std::vector<int64_t> ids;
    for (const auto& s : samples) {
        const auto row = mNet.tokenizer->encodePadded(s.sentence);
        ids.insert(ids.end(), row.begin(), row.end());
    }
    set.tokenIds = torch::tensor(ids, torch::kLong).view({static_cast<int64_t>(samples.size()), -1});
    if (!isMain()) return set; // rank 0 writes the cache
    fs::create_directories(cache.parent_path());
    saveTensors({{"image_latents", set.imageLatents},
                 {"image_of_sample", set.imageOfSample},
                 {"mask_latents", set.maskLatents},
                 {"token_ids", set.tokenIds}},
                cache.string(), torch::kHalf, {{"fingerprint", fingerprint}});
    std::error_code ignored;
    fs::remove(partial, ignored); // the cache holds it all now
    return set;
}

// Sets the VAE's scaling_factor to 1 / std of the image latents (as Stable Diffusion's 0.18215 was
// found), so that the flow starts from unit-variance latents.
void Run::calibrateScalingFactor() {
    torch::NoGradGuard noGrad;
    mNet.vae->eval();
    std::vector<torch::Tensor> xs;
    for (size_t i = 0; i < std::min<size_t>(64, mTrain.size()); ++i)
        xs.push_back(imageTensor(loadSquareImage(mTrain[(i * 7919) % mTrain.size()])));
    auto mean = mNet.vae->encode(torch::stack(xs).to(mDevice).contiguous(at::MemoryFormat::ChannelsLast)).mean;
    const double std = (mean - mNet.folder.vaeConfig.shiftFactor).std().item<double>();
    mNet.folder.vaeConfig.scalingFactor = 1.0 / std::max(std, 1e-6);
    message("VAE scaling_factor set to " + std::to_string(mNet.folder.vaeConfig.scalingFactor) +
            " (1 / std of the image latents)");
}

void Run::validateAndKeepBest(const StageConfig& stage, size_t stageIndex, int64_t step,
                              const std::vector<NamedParameter>& params, EmaWeights* ema) {
    if (!isMain() && !stage.keepBest) return;
    if (ema) ema->swapInto(params); // what the stage would end with
    bool better = false;
    if (isMain()) {
        auto v = validate(stage, stageIndex, step);
        mBest.lastMetric = v.at("metric").get<double>();
        better = mBest.step < 0 || mBest.lastMetric > mBest.metric; // a tie keeps the earlier weights
        if (stage.keepBest) { // the best so far, this one included
            v["best_step"] = better ? step : mBest.step;
            v["best_metric"] = better ? mBest.lastMetric : mBest.metric;
        }
        mLog->validation(v);
        if (o.onValidation) o.onValidation(v);
    }
    if (stage.keepBest && mGroup) better = mGroup->anyTrue(better); // the ranks' weights are the same
    if (stage.keepBest && better) {
        mBest.weights.clear();
        for (const auto& p : params) mBest.weights.emplace_back(p.name, p.tensor.detach().to(torch::kCPU).clone());
        mBest.metric = mBest.lastMetric, mBest.step = step;
        mBest.file.clear();
    }
    if (ema) ema->swapInto(params);
}

void Run::loadBest(const fs::path& checkpoint, const json& record, const std::vector<NamedParameter>& params) {
    const fs::path file = checkpoint / "training_state" / "best.safetensors";
    if (!fs::exists(file) || !record.is_object()) return; // made without keep_best: start over from here
    auto tensors = loadTensors(file.string());
    for (const auto& p : params) {
        auto it = tensors.find(p.name);
        if (it == tensors.end()) throw Error(file.string() + " lacks " + p.name + "; resume from another checkpoint");
        mBest.weights.emplace_back(p.name, it->second);
    }
    mBest.metric = record.at("metric").get<double>();
    mBest.step = record.at("step").get<int64_t>();
    mBest.file = file;
}

json Run::validate(const StageConfig& stage, size_t stageIndex, int64_t step) {
    torch::NoGradGuard noGrad;
    mNet.setEval();
    const auto t0 = std::chrono::steady_clock::now();
    const size_t n = std::min<size_t>(static_cast<size_t>(stage.evalSamples), mVal.size());
    double iouSum = 0;
    for (size_t i = 0; i < n; ++i) {
        const auto& s = mVal[(i * mVal.size()) / std::max<size_t>(n, 1)];
        const cv::Mat truth = letterbox(mDataset.maskFor(s, true), mResolution, cv::INTER_LINEAR) > 127;
        torch::Tensor decoded;
        if (stage.kind == "vae") {
            auto z = mNet.encodeToLatent(maskTensor(truth).unsqueeze(0).to(mDevice));
            decoded = mNet.decodeLatent(z);
        } else {
            auto zImage = mNet.encodeToLatent(imageTensor(loadSquareImage(s)).unsqueeze(0).to(mDevice));
            auto context = mNet.encodePrompts({s.sentence});
            decoded = sampleMask(mNet, zImage, context, parseSampler(stage.kind == "diffusion" ? "ddim:10" : "one-step")).decoded;
        }
        auto predicted = (conventions::softMaskFromDecoded(decoded)[0] > 0.5).to(torch::kCPU);
        auto target = torch::from_blob(const_cast<uint8_t*>(truth.ptr<uint8_t>()), {truth.rows, truth.cols}, torch::kUInt8) > 0;
        const double inter = (predicted & target).sum().item<double>();
        const double uni = (predicted | target).sum().item<double>();
        iouSum += uni > 0 ? inter / uni : 0.0;
    }
    // Back to training mode for the trainable networks of this stage.
    trainableParameters(stage);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::string metric = stage.kind == "vae" ? "mask_reconstruction_mIoU" : "val_mIoU";
    // Which data: stages on their own data sets validate on their own val split.
    std::error_code ignored;
    fs::path where = fs::weakly_canonical(mDataPath, ignored); // "data/" and "." name their folder
    if (where.empty()) where = mDataPath;
    if (where.filename().empty()) where = where.parent_path();
    const std::string data = where.filename().string() + " " + c.valSplit;
    return json{{"kind", "validation"}, {"stage", stage.kind},   {"stage_index", stageIndex}, {"step", step},
                {"global_step", mGlobalStep}, {"samples", n},      {"metric_name", metric}, {"resolution", mResolution},
                {"metric", n ? iouSum / n : 0.0}, {"seconds", seconds}, {"elapsed_s", elapsed()}, {"data", data}};
}

std::string Run::saveCheckpoint(size_t stageIndex, int64_t stageStep, AdamW* optimizer, EmaWeights* ema) {
    const fs::path dir = out / "checkpoints" / stepName(mGlobalStep);
    std::vector<NamedParameter> params = optimizer ? optimizer->parameters() : std::vector<NamedParameter>{};
    // The run's config too, as the final model's card has it: what a checkpoint was trained with
    // (e.g. t = 0 only, for ModelCard::flowTrainedOnlyAtTZero) is known wherever it is used.
    const json extra = {
        {"training", {{"config", c.raw}, {"global_step", mGlobalStep}, {"stage", c.stages[stageIndex].kind}}}};
    if (ema) ema->swapInto(params);
    try {
        writeModelFolder(mNet, dir.string(), extra);
    } catch (...) {
        if (ema) ema->swapInto(params);
        throw;
    }
    if (ema) ema->swapInto(params);
    const fs::path state = dir / "training_state";
    fs::create_directories(state);
    saveWeights(*mNet.unet, (state / "unet.safetensors").string());
    saveWeights(*mNet.vae, (state / "vae.safetensors").string());
    saveWeights(*mNet.textEncoder, (state / "text_encoder.safetensors").string());
    auto asList = [](const std::map<std::string, torch::Tensor>& m) {
        return std::vector<std::pair<std::string, torch::Tensor>>(m.begin(), m.end());
    };
    if (optimizer) saveTensors(asList(optimizer->state()), (state / "optimizer.safetensors").string());
    if (ema) saveTensors(asList(ema->state()), (state / "ema.safetensors").string());
    json record{{"global_step", mGlobalStep}, {"stage", stageIndex},        {"stage_step", stageStep},
                {"stage_kind", c.stages[stageIndex].kind}, {"elapsed_s", elapsed()}, {"config", c.raw},
                {"kept_best", mKeptBest}};
    // keep_best: what a stage resumed mid-way needs (a stage's last checkpoint already holds its choice).
    if (c.stages[stageIndex].keepBest && mBest.step >= 0 && stageStep < c.stages[stageIndex].steps) {
        // Unchanged since the last checkpoint: a hard link to that file, not the weights again.
        const fs::path file = state / "best.safetensors";
        bool linked = false;
        if (!mBest.file.empty() && fs::exists(mBest.file)) {
            std::error_code failed; // e.g. a file system without hard links: then the weights are written
            fs::create_hard_link(mBest.file, file, failed);
            linked = !failed;
        }
        if (!linked) saveTensors(mBest.weights, file.string());
        mBest.file = file;
        record["best"] = {{"step", mBest.step}, {"metric", mBest.metric}};
    }
    writeFileAtomically((dir / kStateFile).string(), record.dump(2)); // last: it marks the checkpoint complete
    mLastCheckpoint = dir.string();
    pruneCheckpoints();
    return dir.string();
}

void Run::pruneCheckpoints() {
    std::vector<fs::path> complete;
    const fs::path root = out / "checkpoints";
    for (const auto& e : fs::directory_iterator(root))
        if (e.is_directory() && e.path().filename().string().rfind("step-", 0) == 0 && fs::exists(e.path() / kStateFile))
            complete.push_back(e.path());
    std::sort(complete.begin(), complete.end());
    for (size_t i = 0; i + c.keepCheckpoints < complete.size(); ++i)
        if (!removeTree(complete[i])) // e.g. a read-only or busy folder: training goes on, the disk fills
            message("warning: could not remove the old checkpoint " + complete[i].string());
}

} // namespace

std::string latestCheckpoint(const std::string& outDirectory) {
    const fs::path root = fs::path(outDirectory) / "checkpoints";
    if (!fs::is_directory(root)) return "";
    std::string best;
    for (const auto& e : fs::directory_iterator(root)) {
        const auto name = e.path().filename().string();
        if (!e.is_directory() || name.rfind("step-", 0) != 0 || name.find('.') != std::string::npos) continue;
        if (!fs::exists(e.path() / kStateFile)) continue; // interrupted while being written
        if (best.empty() || e.path().string() > best) best = e.path().string();
    }
    return best;
}

TrainSummary train(const TrainConfig& config, const TrainOptions& options) {
    if (options.outDirectory.empty()) throw Error("train: no output folder given");
    Run run(config, options);
    return run.execute();
}

} // namespace rlfseg
