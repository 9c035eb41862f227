#include "core/eval/Evaluation.h"

#include "core/data/ReferringDataset.h"
#include "core/io/AtomicFile.h"
#include "core/io/ImageFile.h"
#include "core/model/ModelWriter.h"
#include "core/pipeline/MaskResize.h"
#include "core/pipeline/SegmentationPipeline.h"
#include "core/refine/Refinement.h"
#include "core/util/Error.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <sstream>

namespace rlfseg::eval {

namespace {
std::string csvField(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}
} // namespace

nlohmann::json EvaluationResult::toJson() const {
    auto j = metrics.toJson();
    j["ms_per_sample"] = msPerSample;
    j["ms_per_sample_networks"] = msPerSampleNetworks;
    j["sampler"] = sampler;
    if (!warning.empty()) j["warning"] = warning;
    j["mean_step_scale"] = meanStepScale;
    j["mean_score"] = meanScore;
    j["model"] = model;
    j["split"] = split;
    j["device"] = device;
    j["model_resolution"] = resolution;
    j["compared_at"] = "original image size";
    j["boundary_F"] = boundaryF;
    j["boundary_F_tolerance_px"] = 2;
    j["edge_snap"] = {{"radius", edgeSnap.radius}, {"epsilon", edgeSnap.epsilon}};
    j["ms_per_sample_snap"] = msPerSampleSnap;
    if (!snapTrials.empty()) {
        auto trials = nlohmann::json::array();
        for (const auto& t : snapTrials) {
            auto m = t.metrics.toJson();
            m["radius"] = t.snap.radius;
            m["epsilon"] = t.snap.epsilon;
            trials.push_back(m);
        }
        j["snap_trials"] = trials;
    }
    if (cleanup) {
        auto c = cleanup->metrics.toJson();
        c["boundary_F"] = cleanup->boundaryF;
        c["ms_per_sample"] = cleanup->msPerSample;
        j["cleanup"] = c;
    }
    if (!byKind.empty()) {
        auto kinds = nlohmann::json::object();
        for (const auto& [kind, report] : byKind) kinds[kind] = report.toJson();
        j["by_kind"] = kinds;
    }
    return j;
}

EvaluationResult evaluate(const EvaluationOptions& o) {
    const auto dataset = data::ReferringDataset::open(o.data, o.images);
    auto all = dataset.samples(o.split);
    if (all.empty()) {
        std::string names;
        for (const auto& s : dataset.splits()) names += (names.empty() ? "" : ", ") + s;
        throw Error(o.data + ": the split \"" + o.split + "\" has no samples (splits here: " + names + ")");
    }
    std::vector<data::ReferringSample> samples;
    if (o.limit > 0 && o.limit < all.size()) {
        for (size_t i = 0; i < o.limit; ++i) samples.push_back(all[(i * all.size()) / o.limit]);
    } else {
        samples = std::move(all);
    }

    PipelineOptions options;
    options.device = o.device;
    options.precision = o.precision;
    options.threads = o.threads;
    options.sampler = o.sampler;
    options.threshold = o.threshold;
    options.edgeSnap = o.snapTrials.empty() ? o.edgeSnap : refine::EdgeSnap{};
    auto pipeline = SegmentationPipeline::load(o.model, options);

    SegmentationMetrics metrics(pipeline->threshold());
    EvaluationResult result;
    result.sampler = o.sampler;
    result.warning = pipeline->samplerWarning();
    if (!result.warning.empty() && o.onWarning) o.onWarning(result.warning);
    result.device = pipeline->deviceDescription();
    result.model = o.model;
    result.split = o.split;
    result.resolution = pipeline->modelResolution();
    result.edgeSnap = pipeline->edgeSnap();
    std::ostringstream csv;
    csv << "ref_id,sent_id,image_id,kind,sentence,iou,score,step_scale,ms,boundary_f"
        << (o.cleanup ? ",iou_cleanup,boundary_f_cleanup,cleanup_selected" : "") << "\n";
    SegmentationMetrics cleanupMetrics;
    std::vector<SegmentationMetrics> trialMetrics(o.snapTrials.size(), SegmentationMetrics(pipeline->threshold()));
    std::map<std::string, SegmentationMetrics> kindMetrics;
    double totalMs = 0, networkMs = 0, scaleSum = 0, scoreSum = 0, boundarySum = 0, cleanupBoundarySum = 0,
           cleanupMs = 0, snapMs = 0;
    int currentImage = -1;
    cv::Mat rgb, guide; // guide: the snap trials' (the networks' input), once per image
    for (size_t i = 0; i < samples.size(); ++i) {
        const auto& s = samples[i];
        if (s.imageId != currentImage) {
            rgb = loadImageRgb(s.imagePath);
            currentImage = s.imageId;
            if (!o.snapTrials.empty()) guide = pipeline->modelInput(rgb);
        }
        // The soft mask at the model's size, as the snap trials need it; the same upsampling as the app's.
        const auto r = pipeline->segment(rgb, s.sentence, {}, SoftMaskSize::Model);
        const cv::Mat soft = conventions::upsampleSoftMask(r.soft, rgb.size());
        const cv::Mat truth = dataset.maskFor(s, true);
        metrics.add(soft, truth);
        if (!s.kind.empty()) kindMetrics.try_emplace(s.kind, pipeline->threshold()).first->second.add(soft, truth);
        for (size_t k = 0; k < o.snapTrials.size(); ++k) {
            const cv::Mat snapped = refine::snapToImageEdges(guide, r.soft, o.snapTrials[k]);
            trialMetrics[k].add(conventions::upsampleSoftMask(snapped, rgb.size()), truth);
        }
        totalMs += r.timings.totalMs;
        snapMs += r.timings.snapMs;
        networkMs += r.timings.unetMs + r.timings.decodeMs;
        scaleSum += r.stepScale;
        scoreSum += r.score;
        const double boundaryF = boundaryFScore(r.mask, truth);
        boundarySum += boundaryF;
        csv << s.refId << ',' << s.sentId << ',' << s.imageId << ',' << csvField(s.kind) << ',' << csvField(s.sentence) << ','
            << metrics.iouOfSample(i) << ',' << r.score << ',' << r.stepScale << ',' << r.timings.totalMs << ','
            << boundaryF;
        if (o.cleanup) {
            const auto start = std::chrono::steady_clock::now();
            const auto refined = refine::refineMask(rgb, r.mask); // as the app: its masks are binary
            cleanupMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
            const cv::Mat cleaned = refined.selectedMask();
            cleanupMetrics.add(cleaned, truth);
            const double cleanedF = boundaryFScore(cleaned, truth);
            cleanupBoundarySum += cleanedF;
            csv << ',' << cleanupMetrics.iouOfSample(i) << ',' << cleanedF << ','
                << csvField(refined.best() ? refined.best()->name : "");
        }
        csv << "\n";
        if (o.onProgress) o.onProgress(i + 1, samples.size());
    }
    const double n = static_cast<double>(samples.size());
    result.metrics = metrics.report();
    for (const auto& [kind, m] : kindMetrics) result.byKind.emplace(kind, m.report());
    result.msPerSample = totalMs / n;
    result.msPerSampleNetworks = networkMs / n;
    result.msPerSampleSnap = snapMs / n;
    for (size_t k = 0; k < o.snapTrials.size(); ++k)
        result.snapTrials.push_back({o.snapTrials[k], trialMetrics[k].report()});
    result.meanStepScale = scaleSum / n;
    result.meanScore = scoreSum / n;
    result.boundaryF = boundarySum / n;
    if (o.cleanup) result.cleanup = EvaluationResult::Cleanup{cleanupMetrics.report(), cleanupBoundarySum / n, cleanupMs / n};
    if (!o.csvPath.empty()) writeFileAtomically(o.csvPath, csv.str());
    return result;
}

std::vector<refine::EdgeSnap> defaultSnapTrials(int modelResolution) {
    std::vector<refine::EdgeSnap> trials{refine::EdgeSnap{}};
    for (const int sixtyFourths : {1, 2, 4, 6, 8})
        for (const double epsilon : {1e-4, 1e-3}) {
            const refine::EdgeSnap snap{std::max(1, modelResolution * sixtyFourths / 64), epsilon};
            if (std::find(trials.begin(), trials.end(), snap) == trials.end()) trials.push_back(snap); // tiny models
        }
    return trials;
}

Calibration calibrate(const EvaluationOptions& options, bool writeToModel) {
    // Before the long evaluation: a folder whose card cannot take the threshold fails at once.
    if (writeToModel) requireModelCard(options.model);
    auto o = options;
    if (o.snapTrials.empty()) o.snapTrials = defaultSnapTrials(ModelFolder::open(o.model).modelResolution());
    Calibration c;
    c.evaluation = evaluate(o);
    const auto& before = c.evaluation.metrics; // the decoded mask, at the threshold the model had
    c.mIoU = -1;
    const EvaluationResult::SnapTrial* off = nullptr;
    for (const auto& trial : c.evaluation.snapTrials) {
        if (!trial.snap.enabled() && !off) off = &trial;
        if (trial.metrics.bestThresholdMIoU > c.mIoU) {
            c.mIoU = trial.metrics.bestThresholdMIoU;
            c.threshold = trial.metrics.bestThreshold;
            c.edgeSnap = trial.snap;
        }
    }
    std::ostringstream source;
    source << "rlfseg calibrate on " << o.split << " (" << before.samples << " expressions, " << c.evaluation.sampler
           << "): mIoU " << std::fixed << std::setprecision(3) << c.mIoU << " against " << before.mIoU << " at "
           << std::setprecision(2) << before.threshold << " without the edge snap";
    c.source = source.str();
    std::ostringstream snapSource;
    snapSource << "rlfseg calibrate on " << o.split << " (" << before.samples << " expressions), the best of "
               << o.snapTrials.size() << " tried: mIoU "
               << std::fixed << std::setprecision(3) << c.mIoU;
    if (off) snapSource << " against " << off->metrics.bestThresholdMIoU << " with it off (each at its best threshold)";
    c.edgeSnapSource = snapSource.str();
    if (writeToModel) storeCalibration(o.model, c);
    return c;
}

void storeCalibration(const std::string& model, const Calibration& c) {
    setCalibration(model, c.threshold, c.source, c.edgeSnap, c.edgeSnapSource);
}

} // namespace rlfseg::eval
