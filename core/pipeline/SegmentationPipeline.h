#pragma once
// Image + prompt -> soft and binary mask at the image's own size: RLFSeg's rectified latent flow
// (METHOD.md sections 2 and 4), one step by default, adaptive one-step or Euler N as options. Free of LibTorch in its interface, so the UI can hold
// one; the networks live behind a pointer.
//
// Caches: image latents per image (keyed by pixel content) and text embeddings per prompt, so a
// second prompt on the same image costs text encoding, one UNet step and one decode.
// Not thread-safe: one thread (e.g. the app's inference worker) owns a pipeline.

#include "core/model/ModelFolder.h"

#include <opencv2/core.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace rlfseg {

struct StableDiffusionNetworks;

struct PipelineOptions {
    std::string device = "auto";    // auto | cpu | cuda | cuda:N
    std::string precision = "auto"; // auto | float32 | float16 | bfloat16 (half precision on CUDA only)
    int threads = 0;                 // LibTorch CPU threads, set by load(); 0 = number of cores
    size_t imageCacheEntries = 8;
    size_t promptCacheEntries = 256;
    // Binary mask: p > threshold. Unset: the model card's calibrated threshold, else 0.5.
    std::optional<double> threshold;
    // The edge snap of the soft mask to the image (refine/EdgeSnap.h). Unset: the model card's
    // (off for a card without one); radius 0: off.
    std::optional<refine::EdgeSnap> edgeSnap;
    std::string sampler = "one-step"; // one-step | adaptive | euler:N (METHOD.md section 4)
};

struct SegmentationTimings {
    double textMs = 0, encodeMs = 0, unetMs = 0, decodeMs = 0, snapMs = 0, totalMs = 0;
};

// Where the result's soft mask is wanted. The binary mask is always at the image's size.
enum class SoftMaskSize {
    Image, // the image's size
    Model, // the size the networks saw: for callers that need only the binary mask at full size
           // (a 48-megapixel image's float soft mask would take 192 MB)
};

struct SegmentationResult {
    cv::Mat soft;      // CV_32FC1 in [0, 1], the image's size (the model's with SoftMaskSize::Model)
    cv::Mat mask;      // CV_8UC1, 0 or 255, the image's size
    cv::Size modelSize; // the size the networks saw
    double stepScale = 1.0; // the velocity's scale (adaptive sampling picks it per image)
    double score = 0.0;     // decisiveness of the mask in [0, 1]: binariness x channel agreement
    double threshold = 0.5; // the one that made `mask` from `soft` (compared as float32)
    refine::EdgeSnap edgeSnap; // the one that made `soft` from the decoded mask
    bool imageLatentCached = false;
    bool promptCached = false;
    SegmentationTimings timings;
};

class SegmentationPipeline {
public:
    // Loads a diffusers folder (throws rlfseg::Error with a clear message).
    static std::unique_ptr<SegmentationPipeline> load(const std::string& modelDirectory,
                                                      const PipelineOptions& options = {});
    // Wraps networks built elsewhere (training, benchmarks with random weights).
    SegmentationPipeline(std::shared_ptr<StableDiffusionNetworks> networks, const PipelineOptions& options);
    ~SegmentationPipeline();
    SegmentationPipeline(const SegmentationPipeline&) = delete;
    SegmentationPipeline& operator=(const SegmentationPipeline&) = delete;

    // `rgb`: CV_8UC3, R first. Throws rlfseg::Error for an empty or wrongly typed image.
    // `stopRequested`, when given, is asked between the stages (text, image latent, flow, decode);
    // when it answers true, segment throws rlfseg::Cancelled (the caches stay valid). The binary
    // mask is the same whichever `softSize` is asked for.
    SegmentationResult segment(const cv::Mat& rgb, const std::string& prompt,
                               const std::function<bool()>& stopRequested = {},
                               SoftMaskSize softSize = SoftMaskSize::Image);

    const ModelFolder& model() const;
    const PipelineOptions& options() const;
    std::string deviceDescription() const; // "CPU, 2 threads" / "CUDA 0: NVIDIA H100 ..."
    bool onCuda() const;
    std::string precisionName() const;
    double threshold() const; // the binary mask's: the option's, else the model card's, else 0.5
    refine::EdgeSnap edgeSnap() const; // the option's, else the model card's
    // The networks' input for an image: resized (bilinear) to the model's size (METHOD.md
    // section 2); `rgb` itself when it has that size. What the edge snap uses as its guide.
    cv::Mat modelInput(const cv::Mat& rgb) const;
    // "" or why the chosen sampler does not suit this model (it still runs): samplerCaveat.
    std::string samplerWarning() const;
    int modelResolution() const;
    void clearCaches();
    StableDiffusionNetworks& networks();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace rlfseg
