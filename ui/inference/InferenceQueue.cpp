#include "ui/inference/InferenceQueue.h"

#include <QMutexLocker>

#include <algorithm>

namespace rlfseg::ui {

quint64 InferenceQueue::push(const QString& imagePath, const QString& prompt, QList<quint64>* superseded,
                             bool supersede)
{
    QMutexLocker lock(&mMutex);
    const auto stale = std::stable_partition(mWaiting.begin(), mWaiting.end(), [&](const InferenceRequest& r) {
        return !supersede || !r.supersede || r.imagePath != imagePath;
    });
    for (auto it = stale; it != mWaiting.end(); ++it) {
        if (superseded) superseded->append(it->id);
    }
    mWaiting.erase(stale, mWaiting.end());
    InferenceRequest request;
    request.id = mNextId++;
    request.imagePath = imagePath;
    request.prompt = prompt;
    request.supersede = supersede;
    request.queued.start();
    mWaiting.push_back(request);
    return request.id;
}

std::optional<InferenceRequest> InferenceQueue::takeNext()
{
    QMutexLocker lock(&mMutex);
    if (mWaiting.empty()) return std::nullopt;
    mRunning = mWaiting.front();
    mRunningCancelled = false;
    mWaiting.pop_front();
    return mRunning;
}

void InferenceQueue::finish(quint64 id)
{
    QMutexLocker lock(&mMutex);
    if (mRunning && mRunning->id == id) {
        mRunning.reset();
        mRunningCancelled = false;
    }
}

QList<quint64> InferenceQueue::cancelImage(const QString& imagePath)
{
    return cancelWhere([&](const InferenceRequest& r) { return r.supersede && r.imagePath == imagePath; });
}

QList<quint64> InferenceQueue::cancelBatch()
{
    return cancelWhere([](const InferenceRequest& r) { return !r.supersede; });
}

QList<quint64> InferenceQueue::cancelWhere(const std::function<bool(const InferenceRequest&)>& doomed)
{
    QMutexLocker lock(&mMutex);
    QList<quint64> dropped;
    const auto stale = std::stable_partition(mWaiting.begin(), mWaiting.end(),
                                             [&](const InferenceRequest& r) { return !doomed(r); });
    for (auto it = stale; it != mWaiting.end(); ++it) dropped.append(it->id);
    mWaiting.erase(stale, mWaiting.end());
    if (mRunning && doomed(*mRunning) && !mRunningCancelled) {
        mRunningCancelled = true;
        dropped.append(mRunning->id);
    }
    return dropped;
}

QList<quint64> InferenceQueue::cancelAll()
{
    QMutexLocker lock(&mMutex);
    QList<quint64> dropped;
    for (const auto& r : mWaiting) dropped.append(r.id);
    mWaiting.clear();
    if (mRunning && !mRunningCancelled) {
        mRunningCancelled = true;
        dropped.append(mRunning->id);
    }
    return dropped;
}

bool InferenceQueue::cancel(quint64 id)
{
    QMutexLocker lock(&mMutex);
    const auto it = std::find_if(mWaiting.begin(), mWaiting.end(), [&](const InferenceRequest& r) { return r.id == id; });
    if (it != mWaiting.end()) {
        mWaiting.erase(it);
        return true;
    }
    if (mRunning && mRunning->id == id && !mRunningCancelled) {
        mRunningCancelled = true;
        return true;
    }
    return false;
}

bool InferenceQueue::stopRequested(quint64 id) const
{
    QMutexLocker lock(&mMutex);
    return !mRunning || mRunning->id != id || mRunningCancelled;
}

int InferenceQueue::waiting() const
{
    QMutexLocker lock(&mMutex);
    return static_cast<int>(mWaiting.size());
}

std::optional<quint64> InferenceQueue::running() const
{
    QMutexLocker lock(&mMutex);
    if (!mRunning) return std::nullopt;
    return mRunning->id;
}

} // namespace rlfseg::ui
