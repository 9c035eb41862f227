#pragma once
// The inference worker: a QObject that lives on its own QThread and owns the segmentation
// pipeline, so the UI thread never waits for a network. InferenceService creates it, moves it to
// the thread and talks to it only through queued signals and the shared InferenceQueue.

#include "ui/inference/InferenceQueue.h"
#include "ui/inference/InferenceTypes.h"

#include <QDateTime>
#include <QObject>

#include <memory>

namespace rlfseg {
class SegmentationPipeline;
}

namespace rlfseg::ui {

class InferenceWorker : public QObject {
    Q_OBJECT

public:
    explicit InferenceWorker(InferenceQueue& queue);
    ~InferenceWorker() override;

public slots:
    // Loads (or replaces) the model: loadProgress per stage, then modelLoaded or modelLoadFailed.
    // The old model stays in use when the new one fails.
    void loadModel(const rlfseg::ui::InferenceSettings& settings);
    // Runs the waiting requests, oldest first, until none is left.
    void drain();

signals:
    void loadProgress(int step, int steps, const QString& what);
    void modelLoaded(const rlfseg::ui::ModelInfo& info);
    void modelLoadFailed(const QString& message);
    void segmented(const rlfseg::ui::SegmentOutcome& outcome);
    void segmentFailed(quint64 id, const QString& message);
    void stopped(quint64 id); // cancelled while running
    void busyChanged(bool busy);

private:
    const cv::Mat& imageFor(const QString& path);

    InferenceQueue& mQueue;
    std::unique_ptr<SegmentationPipeline> mPipeline;
    // The last image read: prompts come in runs on one image.
    QString mImagePath;
    QDateTime mImageModified;
    cv::Mat mImage;
};

} // namespace rlfseg::ui
