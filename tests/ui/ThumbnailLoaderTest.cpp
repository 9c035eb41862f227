// ThumbnailLoader: images read on its own thread, delivered on the caller's, and a new wish
// replacing the images still waiting (scrolling past a folder must not queue all of it).

#include "ui/common/ThumbnailLoader.h"

#include <QMutex>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <memory>

using namespace rlfseg::ui;

namespace {

// A reader that records what it read and where, and can hold the first read until released.
struct RecordingReader {
    QMutex mutex;
    QStringList reads;
    QList<QThread*> threads;
    QSemaphore entered, release;
    bool holdFirst = false;

    ThumbnailLoader::Reader reader()
    {
        return [this](const QString& path, QString* error, const QSize& bounds) {
            bool first = false;
            {
                const QMutexLocker lock(&mutex);
                first = reads.isEmpty();
                reads.append(path);
                threads.append(QThread::currentThread());
            }
            if (first && holdFirst) {
                entered.release();
                release.acquire();
            }
            if (path.startsWith(QStringLiteral("bad"))) {
                *error = QStringLiteral("cannot read ") + path;
                return QImage();
            }
            QImage image(bounds, QImage::Format_RGB32);
            image.fill(Qt::red);
            return image;
        };
    }
};

QStringList pathsOf(const QSignalSpy& spy)
{
    QStringList paths;
    for (const auto& arguments : spy)
        paths.append(arguments.at(0).toString());
    return paths;
}

} // namespace

class ThumbnailLoaderTest : public QObject {
    Q_OBJECT

private slots:
    void readsOffTheCallersThreadAndDeliversOnIt()
    {
        RecordingReader recorder;
        ThumbnailLoader loader(recorder.reader());
        QSignalSpy spy(&loader, &ThumbnailLoader::loaded);
        QThread* receivedOn = nullptr;
        connect(&loader, &ThumbnailLoader::loaded, this, [&] { receivedOn = QThread::currentThread(); });
        loader.want({QStringLiteral("a.png"), QStringLiteral("bad.png")}, QSize(48, 32));
        QTRY_COMPARE(spy.size(), 2);
        QCOMPARE(pathsOf(spy), (QStringList{QStringLiteral("a.png"), QStringLiteral("bad.png")}));
        QCOMPARE(spy.at(0).at(1).value<QImage>().size(), QSize(48, 32));
        QVERIFY(spy.at(0).at(2).toString().isEmpty());
        QVERIFY(spy.at(1).at(1).value<QImage>().isNull());
        QCOMPARE(spy.at(1).at(2).toString(), QStringLiteral("cannot read bad.png"));
        QCOMPARE(receivedOn, QThread::currentThread());
        for (QThread* thread : recorder.threads)
            QVERIFY(thread != QThread::currentThread());
    }

    void aNewWishReplacesTheImagesStillWaiting()
    {
        RecordingReader recorder;
        recorder.holdFirst = true;
        ThumbnailLoader loader(recorder.reader());
        QSignalSpy spy(&loader, &ThumbnailLoader::loaded);
        loader.want({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}, QSize(8, 8));
        QVERIFY(recorder.entered.tryAcquire(1, 5000)); // "a" is being read; "b" and "c" wait
        // Scrolled on: "d" is on screen now, and "a" still (it is being read: not read twice).
        loader.want({QStringLiteral("d"), QStringLiteral("a")}, QSize(8, 8));
        recorder.release.release();
        QTRY_COMPARE(spy.size(), 2);
        QTest::qWait(50); // nothing else arrives
        QCOMPARE(pathsOf(spy), (QStringList{QStringLiteral("a"), QStringLiteral("d")}));
        const QMutexLocker lock(&recorder.mutex);
        QCOMPARE(recorder.reads, (QStringList{QStringLiteral("a"), QStringLiteral("d")}));
    }

    void anEmptyWishStopsItAndDestructionWaitsForTheReadInProgress()
    {
        RecordingReader recorder;
        recorder.holdFirst = true;
        auto loader = std::make_unique<ThumbnailLoader>(recorder.reader());
        QSignalSpy spy(loader.get(), &ThumbnailLoader::loaded);
        loader->want({QStringLiteral("a"), QStringLiteral("b")}, QSize(8, 8));
        QVERIFY(recorder.entered.tryAcquire(1, 5000));
        loader->want({}, {});
        recorder.release.release();
        loader.reset(); // returns once "a" is read; its result, still queued, goes with the loader
        QTest::qWait(50);
        QCOMPARE(spy.size(), 0);
        QCOMPARE(recorder.reads, QStringList{QStringLiteral("a")});
    }
};

QTEST_MAIN(ThumbnailLoaderTest)
#include "ThumbnailLoaderTest.moc"
