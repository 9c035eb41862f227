#pragma once
// Thumbnails read on a thread of their own. A 48-megapixel PNG takes about half a second to decode
// (PNG has no scaled read), which on the UI thread froze the window once for each such image that
// scrolled into view.

#include <QImage>
#include <QMutex>
#include <QObject>
#include <QSize>
#include <QStringList>
#include <QThreadPool>

#include <functional>

namespace rlfseg::ui {

class ThumbnailLoader : public QObject {
    Q_OBJECT

public:
    // Reads one image scaled into `bounds`; a null image and `error` on failure. Called on the
    // loader's thread, so it must touch nothing but its arguments.
    using Reader = std::function<QImage(const QString& path, QString* error, const QSize& bounds)>;

    explicit ThumbnailLoader(Reader reader, QObject* parent = nullptr);
    ~ThumbnailLoader() override; // finishes the image being read; drops the ones waiting

    // The images wanted now (those on screen), read in this order. They replace the ones still
    // waiting, so scrolling through a large folder never queues all of it; the image being read
    // is finished and not read again. One thread: the inference shares the CPU.
    void want(const QStringList& paths, const QSize& bounds);

signals:
    // Delivered on the thread this object lives in (the UI thread), one per image read.
    void loaded(const QString& path, const QImage& image, const QString& error);

private:
    void readWhileWanted(); // the pool thread's loop

    const Reader mReader;
    QThreadPool mPool;
    QMutex mMutex; // guards the four below
    QStringList mWaiting;
    QSize mBounds;
    QString mReading;
    bool mRunning = false;
};

} // namespace rlfseg::ui
