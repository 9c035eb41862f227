#pragma once
// The studio's side of inference: owns the worker thread and decides which results are still
// wanted. Lives on the UI thread; every call returns at once.
//
// segment() queues a request and returns its id. Only results of requests still wanted arrive as
// resultReady: a newer prompt for the same image supersedes the waiting ones, cancelImage() (the
// user switched images) and cancelAll() drop theirs, and a result that arrives after that is
// counted in droppedResults() and never shown.

#include "ui/inference/InferenceQueue.h"
#include "ui/inference/InferenceTypes.h"

#include <QObject>
#include <QSet>
#include <QThread>

namespace rlfseg::ui {

class InferenceWorker;

class InferenceService : public QObject {
    Q_OBJECT

public:
    explicit InferenceService(QObject* parent = nullptr);
    // Cancels what is running and waits for the worker thread to end.
    ~InferenceService() override;

    // Loads a model in the background (modelLoading, then modelLoaded or modelLoadFailed).
    void loadModel(const InferenceSettings& settings);
    bool modelReady() const { return mModelReady; }
    bool isModelLoading() const { return mLoading; }
    const ModelInfo& modelInfo() const { return mModelInfo; }

    // Queues image + prompt; returns the request's id (0 and requestFailed when no model is ready).
    quint64 segment(const QString& imagePath, const QString& prompt);
    // A request of a batch run: never superseded, run after what waits already.
    quint64 segmentInBatch(const QString& imagePath, const QString& prompt);
    void cancelImage(const QString& imagePath);
    void cancelAll();
    void cancelBatch();
    bool cancel(quint64 id);

    bool busy() const { return !mWanted.isEmpty(); }
    int pendingRequests() const { return static_cast<int>(mWanted.size()); }
    int droppedResults() const { return mDroppedResults; }

signals:
    void modelLoading(int step, int steps, const QString& what);
    void modelLoaded(const rlfseg::ui::ModelInfo& info);
    void modelLoadFailed(const QString& message);
    void resultReady(const rlfseg::ui::SegmentOutcome& outcome);
    void requestFailed(quint64 id, const QString& message);
    void requestDropped(quint64 id); // superseded or cancelled: no result will come
    void busyChanged(bool busy);

private:
    void onSegmented(const SegmentOutcome& outcome);
    void onSegmentFailed(quint64 id, const QString& message);
    void onStopped(quint64 id);
    quint64 enqueue(const QString& imagePath, const QString& prompt, bool supersede);
    void unwant(const QList<quint64>& ids);
    void finished(quint64 id);

    InferenceQueue mQueue;
    QThread mThread;
    InferenceWorker* mWorker = nullptr;
    QSet<quint64> mWanted;
    ModelInfo mModelInfo;
    bool mModelReady = false, mLoading = false;
    int mDroppedResults = 0;
};

} // namespace rlfseg::ui
