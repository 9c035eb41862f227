#pragma once
// The segmentation requests waiting for the inference worker, shared by the UI thread (which adds
// and cancels them) and the worker thread (which takes them one at a time). Plain logic under one
// mutex, so the rules below are tested without a model or a thread.
//
// - A request for an image supersedes that image's requests still waiting: the user typed a newer
//   prompt, and the old ones would only delay it.
// - Cancelling an image (the user switched images) drops its waiting requests and flags its running
//   one; the worker asks stopRequested() between the pipeline's stages and gives up.
// - Ids grow from 1 and are never reused, so a result can always be matched to its request.

#include <QElapsedTimer>
#include <QList>
#include <QMutex>
#include <QString>

#include <deque>
#include <functional>
#include <optional>

namespace rlfseg::ui {

struct InferenceRequest {
    quint64 id = 0;
    QString imagePath;
    QString prompt;
    bool supersede = true;
    QElapsedTimer queued; // started when the request was made: latency is measured from here
};

class InferenceQueue {
public:
    // Adds a request; the ids of the waiting requests it superseded go to `superseded`. Batch
    // requests (supersede false) neither supersede nor get superseded: each of them is wanted.
    quint64 push(const QString& imagePath, const QString& prompt, QList<quint64>* superseded = nullptr,
                 bool supersede = true);
    // The oldest waiting request, now running; nothing when none waits.
    std::optional<InferenceRequest> takeNext();
    // The running request ended (whatever its outcome).
    void finish(quint64 id);

    // Each returns the ids it dropped or flagged. cancelImage leaves batch requests alone (the
    // user may look at other images while a batch runs); cancelBatch cancels only those.
    QList<quint64> cancelImage(const QString& imagePath);
    QList<quint64> cancelBatch();
    QList<quint64> cancelAll();
    bool cancel(quint64 id);

    // For the worker, between stages: was the running request `id` cancelled?
    bool stopRequested(quint64 id) const;

    int waiting() const;
    std::optional<quint64> running() const;

private:
    QList<quint64> cancelWhere(const std::function<bool(const InferenceRequest&)>& doomed);

    mutable QMutex mMutex;
    quint64 mNextId = 1;
    std::deque<InferenceRequest> mWaiting;
    std::optional<InferenceRequest> mRunning;
    bool mRunningCancelled = false;
};

} // namespace rlfseg::ui
