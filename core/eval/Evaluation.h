#pragma once
// `rlfseg eval`: a model on one split of a referring data set, METHOD.md section 7. Every sample
// (one expression) goes through the same SegmentationPipeline the app uses; masks are compared at
// the original image size. Interface free of LibTorch.

#include "core/eval/Metrics.h"
#include "core/refine/EdgeSnap.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rlfseg::eval {

struct EvaluationOptions {
    std::string model;          // a model folder
    std::string data;           // a data set folder or COCO file (ReferringDataset::open)
    std::string images;         // where its images are ("" = <data>/images)
    std::string split = "test";
    std::string sampler = "one-step";
    // The binary mask's for mIoU, oIoU and prec@X. Unset: what the app uses, the model card's
    // calibrated threshold, else 0.5 (METHOD.md). Pass 0.5 to compare with the literature.
    std::optional<double> threshold;
    // The pipeline's edge snap. Unset: what the app uses, the model card's.
    std::optional<refine::EdgeSnap> edgeSnap;
    // Also score each of these edge snaps of every soft mask (calibrate's choice); the evaluation
    // itself then runs with the edge snap off, so that each is applied to the decoded mask.
    std::vector<refine::EdgeSnap> snapTrials;
    std::string device = "auto", precision = "auto";
    int threads = 0;
    size_t limit = 0;           // > 0: this many samples, evenly spaced over the split
    std::string csvPath;        // per-expression rows; empty: none
    bool cleanup = false;       // also score the app's clean-up (refine::refineMask) of every binary mask
    std::function<void(size_t done, size_t total)> onProgress;
    std::function<void(const std::string&)> onWarning; // told before the run, e.g. samplerCaveat's
};

struct EvaluationResult {
    MetricsReport metrics;
    double msPerSample = 0;     // wall time of the segment calls (image latents cached per image)
    double msPerSampleNetworks = 0; // UNet + decoding only
    double meanStepScale = 1, meanScore = 0;
    std::string sampler, device, model, split;
    std::string warning; // "" or why the sampler does not suit the model (SegmentationPipeline::samplerWarning)
    int resolution = 0;
    double boundaryF = 0;       // mean boundary F-score (2 px) of the binary masks
    refine::EdgeSnap edgeSnap;  // the one the pipeline used
    double msPerSampleSnap = 0; // of msPerSample: the edge snap
    struct SnapTrial {          // with EvaluationOptions::snapTrials
        refine::EdgeSnap snap;
        MetricsReport metrics;
    };
    std::vector<SnapTrial> snapTrials;
    struct Cleanup {            // with EvaluationOptions::cleanup: the same metrics after clean-up
        MetricsReport metrics;
        double boundaryF = 0, msPerSample = 0;
    };
    std::optional<Cleanup> cleanup;
    // The same metrics for each kind of expression, where the data set names kinds (the shapes
    // data's attribute, position, relation, ...): which kinds the model has not learned.
    std::map<std::string, MetricsReport> byKind;

    // METHOD.md keys (mIoU, oIoU, prec@0.5 .. prec@0.9, AP, samples, ...) plus ms_per_sample,
    // boundary_F, edge_snap, context, "snap_trials" [{radius, epsilon, the same metrics}] and
    // "cleanup" {the same metrics, boundary_F, ms_per_sample} when scored, and "by_kind" {kind: the
    // same metrics} where the data set names kinds.
    nlohmann::json toJson() const;
};

// Throws rlfseg::Error for a missing model, data, split or image.
EvaluationResult evaluate(const EvaluationOptions& options);

// `rlfseg calibrate`: the edge snap and the binary mask threshold (of the 49 that AP uses) with
// the best mIoU on a split, stored in the model's card (rlfseg.json) so that the app, `segment`
// and `eval` use them. The snaps tried are `snapTrials`, or, when it is empty, defaultSnapTrials
// of the model's resolution; an off snap among them (radius 0) keeps the decoded mask as it is.
// Ties go to the earlier trial.
struct Calibration {
    EvaluationResult evaluation; // with the edge snap off, at the threshold the model had before
    double threshold = 0.5, mIoU = 0;
    refine::EdgeSnap edgeSnap;
    std::string source;          // what the card records: split, samples, mIoU before and after
    std::string edgeSnapSource;
};
// Off, then radii of 1/64, 1/32, 1/16, 3/32 and 1/8 of the resolution, each with epsilon 1e-4 and 1e-3.
std::vector<refine::EdgeSnap> defaultSnapTrials(int modelResolution);
// Throws rlfseg::Error as evaluate() does, and for a folder without rlfseg.json (a plain Stable
// Diffusion folder is not a segmentation model).
Calibration calibrate(const EvaluationOptions& options, bool writeToModel = true);
// What calibrate(options, true) stores in the model's card (ModelWriter's setCalibration).
void storeCalibration(const std::string& model, const Calibration& calibration);

} // namespace rlfseg::eval
