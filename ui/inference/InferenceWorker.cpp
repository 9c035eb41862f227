#include "ui/inference/InferenceWorker.h"

#include "core/io/ImageFile.h"
#include "core/pipeline/SegmentationPipeline.h"
#include "core/util/Error.h"
#include "core/util/Paths.h"
#include "core/util/Runtime.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <opencv2/core.hpp>

namespace rlfseg::ui {

InferenceWorker::InferenceWorker(InferenceQueue& queue) : mQueue(queue) {}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::loadModel(const InferenceSettings& settings)
{
    QElapsedTimer clock;
    clock.start();
    constexpr int kSteps = 3;
    try {
        emit loadProgress(0, kSteps, tr("Finding the model"));
        const std::string directory = settings.modelDirectory.isEmpty() ? defaultModelDirectory()
                                                                        : settings.modelDirectory.toStdString();
        PipelineOptions options;
        options.device = settings.device.toStdString();
        options.precision = settings.precision.toStdString();
        options.threads = settings.threads;
        options.sampler = settings.sampler.toStdString();
        if (settings.threshold > 0) options.threshold = settings.threshold;
        if (!settings.edgeSnap) options.edgeSnap = refine::EdgeSnap{};
        QString warning;
        // CUDA asked for but absent: run on the CPU and say so loudly (never silently).
        if (options.device.rfind("cuda", 0) == 0 && !cudaAvailable()) {
            warning = tr("CUDA was requested but is not available here; running on the CPU.");
            options.device = "cpu";
            if (options.precision != "float32") options.precision = "auto";
        }
        emit loadProgress(1, kSteps, tr("Loading the networks"));
        auto pipeline = SegmentationPipeline::load(directory, options);
        // One call on a small blank image, so the user's first prompt does not pay for warm-up.
        emit loadProgress(2, kSteps, tr("Warming up"));
        pipeline->segment(cv::Mat(64, 64, CV_8UC3, cv::Scalar(127, 127, 127)), "warm up");
        pipeline->clearCaches();

        ModelInfo info;
        const auto& card = pipeline->model().card;
        info.directory = QString::fromStdString(directory);
        info.requestedDirectory = settings.modelDirectory;
        info.name = QString::fromStdString(card.name);
        if (info.name.isEmpty()) info.name = QFileInfo(info.directory).fileName();
        info.trainedOn = QString::fromStdString(card.trainedOn);
        info.description = QString::fromStdString(card.description);
        info.isRlfsegModel = card.isRlfsegModel;
        info.device = QString::fromStdString(pipeline->deviceDescription());
        info.onCuda = pipeline->onCuda();
        // A sampler that runs but does not suit the model (Euler on a flow trained at t = 0 only).
        // The core's caveat is English (for the CLI's stderr and eval reports); the app says it in
        // the user's language.
        const QString samplerWarning =
            pipeline->samplerWarning().empty()
                ? QString()
                : tr("%1 was trained only at t = 0 (the one-step path, its card says): %2 asks its flow for "
                     "times it never learned and gives poor masks; use one-step or adaptive.")
                      .arg(info.name, settings.sampler);
        info.warning = warning.isEmpty() || samplerWarning.isEmpty() ? warning + samplerWarning
                                                                     : warning + QLatin1Char(' ') + samplerWarning;
        info.resolution = pipeline->modelResolution();
        info.threshold = pipeline->threshold();
        info.thresholdOverridden = settings.threshold > 0;
        if (card.maskThreshold) {
            info.modelThreshold = *card.maskThreshold;
            info.thresholdSource = QString::fromStdString(card.maskThresholdSource);
        }
        if (card.edgeSnap.enabled()) {
            info.modelEdgeSnap = tr("radius %1 px").arg(card.edgeSnap.radius);
            info.edgeSnapSource = QString::fromStdString(card.edgeSnapSource);
        }
        info.edgeSnapOff = !settings.edgeSnap;
        info.loadMs = static_cast<double>(clock.elapsed());
        mPipeline = std::move(pipeline);
        emit loadProgress(kSteps, kSteps, tr("Ready"));
        emit modelLoaded(info);
    } catch (const std::exception& e) {
        emit modelLoadFailed(QString::fromStdString(e.what()));
    }
}

const cv::Mat& InferenceWorker::imageFor(const QString& path)
{
    const QDateTime modified = QFileInfo(path).lastModified();
    if (path != mImagePath || modified != mImageModified || mImage.empty()) {
        mImage.release(); // the old image's memory goes before the new one is read
        mImagePath.clear();
        mImage = loadImageRgb(path.toStdString());
        mImagePath = path;
        mImageModified = modified;
    }
    return mImage;
}

void InferenceWorker::drain()
{
    bool announced = false;
    while (auto request = mQueue.takeNext()) {
        if (!announced) emit busyChanged(true), announced = true;
        const quint64 id = request->id;
        try {
            if (!mPipeline) throw Error(tr("No model is loaded.").toStdString());
            const cv::Mat& rgb = imageFor(request->imagePath);
            // The soft mask at the model's size: what plots and thresholds need, without a float
            // copy of a 48-megapixel image (the binary mask is made at full size without one).
            auto result = mPipeline->segment(rgb, request->prompt.toStdString(),
                                             [this, id] { return mQueue.stopRequested(id); }, SoftMaskSize::Model);
            SegmentOutcome outcome;
            outcome.id = id;
            outcome.imagePath = request->imagePath;
            outcome.prompt = request->prompt;
            outcome.mask = result.mask;
            outcome.soft = result.soft;
            outcome.score = result.score;
            outcome.stepScale = result.stepScale;
            outcome.threshold = result.threshold;
            outcome.computeMs = result.timings.totalMs;
            outcome.imageLatentCached = result.imageLatentCached;
            outcome.latencyMs = static_cast<double>(request->queued.nsecsElapsed()) / 1e6;
            mQueue.finish(id);
            emit segmented(outcome);
        } catch (const Cancelled&) {
            mQueue.finish(id);
            emit stopped(id);
        } catch (const std::exception& e) {
            mQueue.finish(id);
            emit segmentFailed(id, QString::fromStdString(e.what()));
        }
    }
    if (announced) emit busyChanged(false);
}

} // namespace rlfseg::ui
