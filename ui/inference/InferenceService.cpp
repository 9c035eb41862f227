#include "ui/inference/InferenceService.h"

#include "ui/inference/InferenceWorker.h"

#include <QMetaObject>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace rlfseg::ui {

InferenceService::InferenceService(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<InferenceSettings>();
    qRegisterMetaType<ModelInfo>();
    qRegisterMetaType<SegmentOutcome>();
    mThread.setObjectName(QStringLiteral("inference"));
    // The worker and the compute threads it starts (they inherit it) yield to the UI thread, so the
    // window keeps answering while every core computes. Linux nice values are per thread.
    connect(&mThread, &QThread::started, [] {
#ifdef __linux__
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
#endif
    });
    mWorker = new InferenceWorker(mQueue);
    mWorker->moveToThread(&mThread);
    connect(&mThread, &QThread::finished, mWorker, &QObject::deleteLater);
    connect(mWorker, &InferenceWorker::loadProgress, this, &InferenceService::modelLoading);
    connect(mWorker, &InferenceWorker::modelLoaded, this, [this](const ModelInfo& info) {
        mLoading = false;
        mModelReady = true;
        mModelInfo = info;
        emit modelLoaded(info);
    });
    connect(mWorker, &InferenceWorker::modelLoadFailed, this, [this](const QString& message) {
        mLoading = false;
        emit modelLoadFailed(message);
    });
    connect(mWorker, &InferenceWorker::segmented, this, &InferenceService::onSegmented);
    connect(mWorker, &InferenceWorker::segmentFailed, this, &InferenceService::onSegmentFailed);
    connect(mWorker, &InferenceWorker::stopped, this, &InferenceService::onStopped);
    mThread.start();
}

InferenceService::~InferenceService()
{
    mQueue.cancelAll();
    mThread.quit();
    mThread.wait();
}

void InferenceService::loadModel(const InferenceSettings& settings)
{
    mLoading = true;
    QMetaObject::invokeMethod(mWorker, "loadModel", Qt::QueuedConnection,
                              Q_ARG(rlfseg::ui::InferenceSettings, settings));
}

quint64 InferenceService::segment(const QString& imagePath, const QString& prompt)
{
    return enqueue(imagePath, prompt, true);
}

quint64 InferenceService::segmentInBatch(const QString& imagePath, const QString& prompt)
{
    return enqueue(imagePath, prompt, false);
}

quint64 InferenceService::enqueue(const QString& imagePath, const QString& prompt, bool supersede)
{
    if (!mModelReady) {
        emit requestFailed(0, mLoading ? tr("The model is still loading.") : tr("No model is loaded."));
        return 0;
    }
    QList<quint64> superseded;
    const quint64 id = mQueue.push(imagePath, prompt, &superseded, supersede);
    unwant(superseded);
    const bool wasBusy = busy();
    mWanted.insert(id);
    if (!wasBusy) emit busyChanged(true);
    QMetaObject::invokeMethod(mWorker, "drain", Qt::QueuedConnection);
    return id;
}

void InferenceService::cancelImage(const QString& imagePath) { unwant(mQueue.cancelImage(imagePath)); }

void InferenceService::cancelAll() { unwant(mQueue.cancelAll()); }

void InferenceService::cancelBatch() { unwant(mQueue.cancelBatch()); }

bool InferenceService::cancel(quint64 id)
{
    const bool found = mQueue.cancel(id);
    if (found) unwant({id});
    return found;
}

void InferenceService::unwant(const QList<quint64>& ids)
{
    const bool wasBusy = busy();
    for (quint64 id : ids) {
        if (mWanted.remove(id)) emit requestDropped(id);
    }
    if (wasBusy && !busy()) emit busyChanged(false);
}

void InferenceService::finished(quint64 id)
{
    const bool wasBusy = busy();
    mWanted.remove(id);
    if (wasBusy && !busy()) emit busyChanged(false);
}

void InferenceService::onSegmented(const SegmentOutcome& outcome)
{
    if (!mWanted.contains(outcome.id)) {
        ++mDroppedResults; // superseded or cancelled while it ran: stale
        return;
    }
    finished(outcome.id);
    emit resultReady(outcome);
}

void InferenceService::onSegmentFailed(quint64 id, const QString& message)
{
    if (!mWanted.contains(id)) return;
    finished(id);
    emit requestFailed(id, message);
}

void InferenceService::onStopped(quint64 id) { finished(id); }

} // namespace rlfseg::ui
