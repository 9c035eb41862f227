#include "core/eval/Evaluation.h"

#include "core/data/ReferringDataset.h"
#include "core/io/AtomicFile.h"
#include "core/io/ImageFile.h"
#include "core/model/ModelWriter.h"
#include "core/pipeline/SegmentationPipeline.h"
#include "core/refine/Refinement.h"
#include "core/util/Error.h"

#include <opencv2/imgproc.hpp>

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
    std::ostringstream csv;
    csv << "ref_id,sent_id,image_id,kind,sentence,iou,score,step_scale,ms,boundary_f"
        << (o.cleanup ? ",iou_cleanup,boundary_f_cleanup,cleanup_selected" : "") << "\n";
    SegmentationMetrics cleanupMetrics;
    std::map<std::string, SegmentationMetrics> kindMetrics;
    double totalMs = 0, networkMs = 0, scaleSum = 0, scoreSum = 0, boundarySum = 0, cleanupBoundarySum = 0,
           cleanupMs = 0;
    int currentImage = -1;
    cv::Mat rgb;
    for (size_t i = 0; i < samples.size(); ++i) {
        const auto& s = samples[i];
        if (s.imageId != currentImage) {
            rgb = loadImageRgb(s.imagePath);
            currentImage = s.imageId;
        }
        const auto r = pipeline->segment(rgb, s.sentence);
        const cv::Mat truth = dataset.maskFor(s, true);
        metrics.add(r.soft, truth);
        if (!s.kind.empty()) kindMetrics.try_emplace(s.kind, pipeline->threshold()).first->second.add(r.soft, truth);
        totalMs += r.timings.totalMs;
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
    result.meanStepScale = scaleSum / n;
    result.meanScore = scoreSum / n;
    result.boundaryF = boundarySum / n;
    if (o.cleanup) result.cleanup = EvaluationResult::Cleanup{cleanupMetrics.report(), cleanupBoundarySum / n, cleanupMs / n};
    if (!o.csvPath.empty()) writeFileAtomically(o.csvPath, csv.str());
    return result;
}

Calibration calibrateThreshold(const EvaluationOptions& options, bool writeToModel) {
    // Before the long evaluation: a folder whose card cannot take the threshold fails at once.
    if (writeToModel) requireModelCard(options.model);
    Calibration c;
    c.evaluation = evaluate(options);
    const auto& m = c.evaluation.metrics;
    c.threshold = m.bestThreshold;
    c.mIoU = m.bestThresholdMIoU;
    std::ostringstream source;
    source << "rlfseg calibrate on " << options.split << " (" << m.samples << " expressions, " << c.evaluation.sampler
           << "): mIoU " << std::fixed << std::setprecision(3) << c.mIoU << " against " << m.mIoU << " at "
           << std::setprecision(2) << m.threshold;
    c.source = source.str();
    if (writeToModel) setMaskThreshold(options.model, c.threshold, c.source);
    return c;
}

} // namespace rlfseg::eval
