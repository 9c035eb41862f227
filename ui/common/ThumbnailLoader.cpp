#include "ui/common/ThumbnailLoader.h"

#include "core/util/Runtime.h"

#include <QMetaObject>
#include <QMutexLocker>

namespace rlfseg::ui {

ThumbnailLoader::ThumbnailLoader(Reader reader, QObject* parent) : QObject(parent), mReader(std::move(reader))
{
    mPool.setMaxThreadCount(1);
}

ThumbnailLoader::~ThumbnailLoader()
{
    {
        const QMutexLocker lock(&mMutex);
        mWaiting.clear();
    }
    mPool.waitForDone(); // results still queued to this object are dropped with it
}

void ThumbnailLoader::want(const QStringList& paths, const QSize& bounds)
{
    const QMutexLocker lock(&mMutex);
    mWaiting = paths;
    mWaiting.removeAll(mReading);
    mBounds = bounds;
    if (mRunning || mWaiting.isEmpty())
        return;
    mRunning = true;
    mPool.start([this] { readWhileWanted(); });
}

void ThumbnailLoader::readWhileWanted()
{
    for (;;) {
        QString path;
        QSize bounds;
        {
            QMutexLocker lock(&mMutex);
            mReading.clear();
            if (mWaiting.isEmpty()) {
                mRunning = false;
                lock.unlock();
                releaseFreedMemory(); // decoding buffers freed here stay in this thread's arena otherwise
                return;
            }
            path = mReading = mWaiting.takeFirst();
            bounds = mBounds;
        }
        QString error;
        const QImage image = mReader(path, &error, bounds);
        QMetaObject::invokeMethod(
            this, [this, path, image, error] { emit loaded(path, image, error); }, Qt::QueuedConnection);
    }
}

} // namespace rlfseg::ui
