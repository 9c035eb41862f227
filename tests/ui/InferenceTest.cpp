// The inference worker and the studio's prompt-to-mask path, headless, with the bundled default
// model on a generated shapes data set (the generator's masks are the truth).

#include "core/data/ReferringDataset.h"
#include "core/data/ShapesGenerator.h"
#include "ui/MainWindow.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/explore/PromptHistoryPanel.h"
#include "ui/explore/PromptPlots.h"
#include "ui/inference/InferenceQueue.h"
#include "ui/inference/InferenceService.h"
#include "ui/prompt/PromptBar.h"
#include "ui/session/AnnotationSession.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUndoStack>
#include <QLineEdit>
#include <QTableWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTranslator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <memory>

using namespace rlfseg::ui;

namespace {

double iou(const cv::Mat& a, const cv::Mat& b)
{
    const int inter = cv::countNonZero((a != 0) & (b != 0));
    const int uni = cv::countNonZero((a != 0) | (b != 0));
    return uni > 0 ? double(inter) / uni : 0.0;
}

QString qs(const std::string& s) { return QString::fromStdString(s); }

// The mask threshold a model folder's card carries (rlfseg.json), read here apart from the app's code; -1 if none.
double cardThreshold(const QString& modelDirectory)
{
    QFile card(modelDirectory + QStringLiteral("/rlfseg.json"));
    if (!card.open(QIODevice::ReadOnly)) return -1;
    return QJsonDocument::fromJson(card.readAll()).object().value(QStringLiteral("mask_threshold")).toDouble(-1);
}

} // namespace

class InferenceTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    // InferenceQueue: the rules, without a model.
    void newerRequestSupersedesWaitingOnesOfTheSameImage();
    void cancellingAnImageDropsWaitingAndFlagsRunning();
    void cancelOneRequest();

    // InferenceService with the default model.
    void resultCoversTheNamedObject();
    void newerPromptSupersedesQueuedOnes();
    void switchingImagesDropsStaleWork();
    void eventLoopKeepsAnsweringDuringInference();
    void unreadableImageFailsWithAMessage();
    void missingModelFolderIsReportedAndTheOldModelStays();
    void thresholdFromSettingsOverridesTheModels();
    void eulerOnAOneStepModelIsWarnedAboutInTheUsersLanguage();

    // The studio: type a prompt, get an annotation.
    void typedPromptBecomesAnAnnotationOnTheCanvas();
    void autoAnnotateMarksImagesForReviewLowestScoreFirst();
    void autoAnnotateCanBeCancelled();
    void autoCleanUpCleansEachNewMaskAsOneMoreUndoStep();

private:
    QString imagePathOf(const rlfseg::data::ReferringSample& s) const { return qs(s.imagePath); }
    rlfseg::data::ReferringSample sampleSaying(const std::string& sentence, int imageId) const;
    std::unique_ptr<InferenceService> loadedService();

    QTemporaryDir mDir;
    std::unique_ptr<rlfseg::data::ReferringDataset> mData;
    std::vector<rlfseg::data::ReferringSample> mSamples;
};

void InferenceTest::initTestCase()
{
    QVERIFY(mDir.isValid());
    QStandardPaths::setTestModeEnabled(true); // the windows' settings (auto clean-up) are not the user's
    // Ten images, all train: the default model segments "the red shape" on image 1 at IoU 0.99
    // (rlfseg eval on this set: mIoU 0.59; this expression is one it gets right).
    rlfseg::data::ShapesOptions options;
    options.images = 10;
    options.seed = 7;
    options.valFraction = 0;
    options.testFraction = 0;
    options.unseenPairs.clear();
    rlfseg::data::generateShapesDataset(mDir.path().toStdString(), options);
    mData = std::make_unique<rlfseg::data::ReferringDataset>(
        rlfseg::data::ReferringDataset::open(mDir.path().toStdString()));
    mSamples = mData->samples("train");
    QVERIFY(mSamples.size() >= 10);
}

rlfseg::data::ReferringSample InferenceTest::sampleSaying(const std::string& sentence, int imageId) const
{
    for (const auto& s : mSamples)
        if (s.sentence == sentence && s.imageId == imageId) return s;
    return {};
}

std::unique_ptr<InferenceService> InferenceTest::loadedService()
{
    auto service = std::make_unique<InferenceService>();
    QSignalSpy loaded(service.get(), &InferenceService::modelLoaded);
    QSignalSpy failed(service.get(), &InferenceService::modelLoadFailed);
    service->loadModel({});
    if (!loaded.wait(60'000)) {
        qWarning("model did not load: %s", failed.isEmpty() ? "timeout" : qPrintable(failed.first().first().toString()));
        return nullptr;
    }
    return service;
}

void InferenceTest::newerRequestSupersedesWaitingOnesOfTheSameImage()
{
    InferenceQueue queue;
    QList<quint64> superseded;
    const quint64 a = queue.push(QStringLiteral("a.png"), QStringLiteral("one"), &superseded);
    const quint64 b = queue.push(QStringLiteral("b.png"), QStringLiteral("two"), &superseded);
    QVERIFY(superseded.isEmpty());
    const quint64 a2 = queue.push(QStringLiteral("a.png"), QStringLiteral("three"), &superseded);
    QCOMPARE(superseded, QList<quint64>{a});
    QVERIFY(a < b && b < a2);
    QCOMPARE(queue.waiting(), 2);
    // Oldest first: b, then the newer prompt for a.
    auto first = queue.takeNext();
    QVERIFY(first && first->id == b);
    QCOMPARE(queue.running().value_or(0), b);
    QVERIFY(!queue.stopRequested(b));
    // A running request is not superseded: it finishes (and its result is judged by the service).
    superseded.clear();
    queue.push(QStringLiteral("b.png"), QStringLiteral("four"), &superseded);
    QVERIFY(superseded.isEmpty());
    QVERIFY(!queue.stopRequested(b));
    queue.finish(b);
    QVERIFY(!queue.running());
    QCOMPARE(queue.takeNext()->prompt, QStringLiteral("three"));
}

void InferenceTest::cancellingAnImageDropsWaitingAndFlagsRunning()
{
    InferenceQueue queue;
    const quint64 a = queue.push(QStringLiteral("a.png"), QStringLiteral("one"));
    const quint64 b = queue.push(QStringLiteral("b.png"), QStringLiteral("two"));
    QCOMPARE(queue.takeNext()->id, a);
    const quint64 a2 = queue.push(QStringLiteral("a.png"), QStringLiteral("three"));
    const QList<quint64> dropped = queue.cancelImage(QStringLiteral("a.png"));
    QCOMPARE(dropped.size(), 2);
    QVERIFY(dropped.contains(a) && dropped.contains(a2));
    QVERIFY(queue.stopRequested(a)); // the worker gives up at its next stage
    QCOMPARE(queue.waiting(), 1);
    queue.finish(a);
    QCOMPARE(queue.takeNext()->id, b);
    QCOMPARE(queue.cancelAll(), QList<quint64>{b});
    QVERIFY(queue.cancelAll().isEmpty());
}

void InferenceTest::cancelOneRequest()
{
    InferenceQueue queue;
    const quint64 a = queue.push(QStringLiteral("a.png"), QStringLiteral("one"));
    const quint64 b = queue.push(QStringLiteral("b.png"), QStringLiteral("two"));
    QVERIFY(queue.cancel(b));
    QVERIFY(!queue.cancel(b));
    QVERIFY(!queue.cancel(12345));
    QCOMPARE(queue.takeNext()->id, a);
    QVERIFY(queue.cancel(a));
    QVERIFY(queue.stopRequested(a));
    QVERIFY(!queue.takeNext());
}

void InferenceTest::resultCoversTheNamedObject()
{
    auto service = loadedService();
    QVERIFY(service);
    QVERIFY(service->modelInfo().isRlfsegModel);
    QVERIFY(service->modelInfo().device.startsWith(QStringLiteral("CPU")) ||
            service->modelInfo().device.startsWith(QStringLiteral("CUDA")));
    const auto sample = sampleSaying("the red shape", 1);
    QVERIFY(!sample.imagePath.empty());
    QSignalSpy results(service.get(), &InferenceService::resultReady);
    const quint64 id = service->segment(imagePathOf(sample), qs(sample.sentence));
    QVERIFY(id > 0);
    QVERIFY(service->busy());
    QVERIFY(results.wait(60'000));
    const auto outcome = results.first().first().value<SegmentOutcome>();
    QCOMPARE(outcome.id, id);
    QVERIFY(!service->busy());
    const cv::Mat truth = mData->maskFor(sample, true);
    QCOMPARE(outcome.mask.rows, truth.rows);
    QCOMPARE(outcome.mask.cols, truth.cols);
    QCOMPARE(outcome.soft.cols, service->modelInfo().resolution);
    QVERIFY2(iou(outcome.mask, truth) >= 0.8, qPrintable(QString::number(iou(outcome.mask, truth))));
    QVERIFY(outcome.latencyMs >= outcome.computeMs);
    // The default model carries a threshold calibrated on val (rlfseg calibrate), and masks use it.
    QVERIFY(!service->modelInfo().thresholdSource.isEmpty());
    QCOMPARE(outcome.threshold, service->modelInfo().threshold);
    QCOMPARE(service->modelInfo().modelThreshold, service->modelInfo().threshold); // no override in Settings
    QVERIFY(!service->modelInfo().thresholdOverridden);
    QCOMPARE(service->modelInfo().requestedDirectory, QString()); // the default model, as the settings name it
    QVERIFY(outcome.threshold > 0 && outcome.threshold < 1);
    QCOMPARE(outcome.threshold, cardThreshold(service->modelInfo().directory));
    // And an edge snap calibrated with it, on unless Settings turn it off.
    QVERIFY(!service->modelInfo().modelEdgeSnap.isEmpty());
    QVERIFY(!service->modelInfo().edgeSnapSource.isEmpty());
    QVERIFY(!service->modelInfo().edgeSnapOff);
}

void InferenceTest::newerPromptSupersedesQueuedOnes()
{
    auto service = loadedService();
    QVERIFY(service);
    const QString image = imagePathOf(mSamples[0]);
    // Queued in one go, the worker can take at most the first before the others arrive, so the
    // middle one waits and is superseded. A loaded machine can pause this thread between two calls
    // long enough for the worker to take the middle one too (then it is shown, which is right):
    // the invariants hold on every try, and supersession must show within a few tries.
    bool superseded = false;
    for (int attempt = 0; attempt < 5 && !superseded; ++attempt) {
        QSignalSpy results(service.get(), &InferenceService::resultReady);
        QSignalSpy dropped(service.get(), &InferenceService::requestDropped);
        const quint64 first = service->segment(image, QStringLiteral("the circle"));
        const quint64 middle = service->segment(image, QStringLiteral("the red shape"));
        const quint64 last = service->segment(image, QStringLiteral("the shape at the bottom"));
        QTRY_VERIFY_WITH_TIMEOUT(!service->busy(), 60'000);
        QList<quint64> shown, gone;
        for (const auto& r : results) shown.append(r.first().value<SegmentOutcome>().id);
        for (const auto& d : dropped) gone.append(d.first().toULongLong());
        QCOMPARE(shown.last(), last); // the newest prompt always comes through
        QCOMPARE(shown.size() + gone.size(), 3);
        QVERIFY(shown.contains(first) != gone.contains(first));
        QVERIFY(shown.contains(middle) != gone.contains(middle));
        superseded = gone.contains(middle); // superseded while it waited
    }
    QVERIFY(superseded);
}

void InferenceTest::switchingImagesDropsStaleWork()
{
    auto service = loadedService();
    QVERIFY(service);
    QSignalSpy results(service.get(), &InferenceService::resultReady);
    const QString left = imagePathOf(mSamples[3]), right = imagePathOf(mSamples[6]);
    QVERIFY(left != right);
    service->segment(left, QStringLiteral("the circle"));
    service->segment(left, QStringLiteral("the red shape"));
    service->cancelImage(left); // the user moved on
    const quint64 wanted = service->segment(right, QStringLiteral("the red shape"));
    QTRY_VERIFY_WITH_TIMEOUT(!service->busy(), 60'000);
    QTest::qWait(200); // a late result for `left` would arrive now
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.first().first().value<SegmentOutcome>().id, wanted);
    QCOMPARE(results.first().first().value<SegmentOutcome>().imagePath, right);
}

void InferenceTest::eventLoopKeepsAnsweringDuringInference()
{
    auto service = loadedService();
    QVERIFY(service);
    QSignalSpy results(service.get(), &InferenceService::resultReady);
    // Six images, new to the pipeline: every request encodes an image and runs the flow.
    for (int i = 0; i < 6; ++i) service->segment(imagePathOf(mSamples[size_t(i) * 3 % mSamples.size()]), QStringLiteral("the circle"));
    QElapsedTimer clock, sinceTick;
    clock.start();
    sinceTick.start();
    qint64 worstGapMs = 0;
    int ticks = 0;
    QTimer timer;
    timer.setInterval(5);
    connect(&timer, &QTimer::timeout, this, [&] {
        worstGapMs = std::max(worstGapMs, sinceTick.restart());
        ++ticks;
    });
    timer.start();
    QTRY_VERIFY_WITH_TIMEOUT(!service->busy(), 120'000);
    timer.stop();
    QVERIFY(results.size() >= 1);
    qInfo("event loop during %lld ms of inference: %d ticks, longest gap %lld ms", clock.elapsed(), ticks, worstGapMs);
    QVERIFY2(worstGapMs < 50, qPrintable(QStringLiteral("the event loop stalled for %1 ms").arg(worstGapMs)));
}

void InferenceTest::unreadableImageFailsWithAMessage()
{
    auto service = loadedService();
    QVERIFY(service);
    const QString broken = mDir.filePath(QStringLiteral("broken.png"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("\x89PNG\r\n\x1a\n not really");
    file.close();
    QSignalSpy failures(service.get(), &InferenceService::requestFailed);
    const quint64 id = service->segment(broken, QStringLiteral("the circle"));
    QVERIFY(failures.wait(30'000));
    QCOMPARE(failures.first().at(0).toULongLong(), id);
    QVERIFY(failures.first().at(1).toString().contains(QStringLiteral("broken.png")));
    // The worker is still there.
    QSignalSpy results(service.get(), &InferenceService::resultReady);
    service->segment(imagePathOf(mSamples[0]), QStringLiteral("the circle"));
    QVERIFY(results.wait(60'000));
}

void InferenceTest::missingModelFolderIsReportedAndTheOldModelStays()
{
    auto service = loadedService();
    QVERIFY(service);
    const QString before = service->modelInfo().directory;
    QSignalSpy failed(service.get(), &InferenceService::modelLoadFailed);
    InferenceSettings settings;
    settings.modelDirectory = mDir.filePath(QStringLiteral("no-such-model"));
    service->loadModel(settings);
    QVERIFY(failed.wait(30'000));
    QVERIFY(failed.first().first().toString().contains(QStringLiteral("no-such-model")));
    QVERIFY(service->modelReady());
    QCOMPARE(service->modelInfo().directory, before);
    QSignalSpy results(service.get(), &InferenceService::resultReady);
    service->segment(imagePathOf(mSamples[0]), QStringLiteral("the circle"));
    QVERIFY(results.wait(60'000));
}

void InferenceTest::thresholdFromSettingsOverridesTheModels()
{
    InferenceService service;
    QSignalSpy loaded(&service, &InferenceService::modelLoaded);
    InferenceSettings settings;
    settings.threshold = 0.3f;
    service.loadModel(settings);
    QVERIFY(loaded.wait(60'000));
    QCOMPARE(service.modelInfo().threshold, double(0.3f));
    QVERIFY(service.modelInfo().thresholdOverridden);
    // The card's own threshold is still known (About This Model and Settings show both).
    QCOMPARE(service.modelInfo().modelThreshold, cardThreshold(service.modelInfo().directory));
    QVERIFY(service.modelInfo().modelThreshold != double(0.3f));
    QSignalSpy results(&service, &InferenceService::resultReady);
    service.segment(imagePathOf(mSamples[0]), QStringLiteral("the circle"));
    QVERIFY(results.wait(60'000));
    const auto outcome = results.first().first().value<SegmentOutcome>();
    QCOMPARE(outcome.threshold, double(0.3f));

    // Settings can turn the model's edge snap off: the soft mask is then the decoded one.
    settings.edgeSnap = false;
    QSignalSpy reloaded(&service, &InferenceService::modelLoaded);
    service.loadModel(settings);
    QVERIFY(reloaded.wait(60'000));
    QVERIFY(service.modelInfo().edgeSnapOff);
    QVERIFY(!service.modelInfo().modelEdgeSnap.isEmpty()); // still known, for About This Model
    QSignalSpy unsnapped(&service, &InferenceService::resultReady);
    service.segment(imagePathOf(mSamples[0]), QStringLiteral("the circle"));
    QVERIFY(unsnapped.wait(60'000));
    const auto plain = unsnapped.first().first().value<SegmentOutcome>();
    QCOMPARE(plain.soft.size(), outcome.soft.size());
    QVERIFY(cv::norm(plain.soft, outcome.soft, cv::NORM_INF) > 0.01);
}

void InferenceTest::eulerOnAOneStepModelIsWarnedAboutInTheUsersLanguage()
{
    // The default model's card records flow training at t = 0 only: Euler with several steps runs,
    // with a warning, which the app gives in its own language (German here).
    QTranslator german;
    QVERIFY(german.load(QStringLiteral("rlfseg_de"), QStringLiteral(":/i18n/")));
    QVERIFY(QCoreApplication::installTranslator(&german));
    auto load = [](const QString& sampler) {
        InferenceService service;
        QSignalSpy loaded(&service, &InferenceService::modelLoaded);
        InferenceSettings settings;
        settings.sampler = sampler;
        service.loadModel(settings);
        return loaded.wait(60'000) ? service.modelInfo().warning : QStringLiteral("(not loaded)");
    };
    const QString euler = load(QStringLiteral("euler:4")), oneStep = load(QStringLiteral("one-step"));
    QCoreApplication::removeTranslator(&german);
    QVERIFY2(euler.contains(QStringLiteral("wurde nur bei t = 0 trainiert")) && euler.contains(QStringLiteral("euler:4")),
             qPrintable(euler));
    QVERIFY2(!oneStep.contains(QStringLiteral("t = 0")) && oneStep != QStringLiteral("(not loaded)"), qPrintable(oneStep));
}

void InferenceTest::typedPromptBecomesAnAnnotationOnTheCanvas()
{
    MainWindow window;
    window.show();
    const auto sample = sampleSaying("the red shape", 1);
    QVERIFY(window.openFolder(mDir.filePath(QStringLiteral("images"))));
    QVERIFY(window.openImage(imagePathOf(sample)));
    QSignalSpy loaded(window.inference(), &InferenceService::modelLoaded);
    window.loadModel();
    QVERIFY(loaded.wait(60'000));

    QSignalSpy shown(&window, &MainWindow::maskShown);
    QLineEdit* edit = window.promptBar()->promptEdit();
    edit->setFocus();
    QTest::keyClicks(edit, QStringLiteral("the red shape"));
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(shown.wait(60'000));
    const qint64 id = shown.first().first().toLongLong();
    const cv::Mat mask = window.session()->maskOf(id);
    const cv::Mat truth = mData->maskFor(sample, true);
    QVERIFY2(iou(mask, truth) >= 0.8, qPrintable(QString::number(iou(mask, truth))));

    // On the canvas, and in the project with its prompt, journaled before anything was saved.
    QCOMPARE(window.canvas()->maskLayers().size(), 1);
    QCOMPARE(window.canvas()->maskLayers().first().id, id);
    QCOMPARE(window.session()->promptHistory(imagePathOf(sample)), QStringList{QStringLiteral("the red shape")});
    QVERIFY(QFile::exists(window.session()->projectPath() + QStringLiteral(".journal")));
    QVERIFY(window.saveProject());
    QVERIFY(QFile::exists(window.session()->projectPath()));

    // Prompt exploration: history, plots, compare, export.
    QSignalSpy second(&window, &MainWindow::maskShown);
    QVERIFY(window.runPrompt(QStringLiteral("the circle")));
    QVERIFY(second.wait(60'000));
    QCOMPARE(window.promptHistory()->table()->rowCount(), 2);
    QCOMPARE(window.promptHistory()->table()->item(0, 1)->text(), QStringLiteral("the circle")); // newest first
    QCOMPARE(window.plots()->points(PromptPlots::ScoreAndArea), 4);   // score and area of two prompts
    QCOMPARE(window.plots()->points(PromptPlots::AreaByThreshold), 101);
    QCOMPARE(window.plots()->points(PromptPlots::Latency), 2);
    const QImage compared = window.compareImage({QStringLiteral("the red shape"), QStringLiteral("the circle")});
    QVERIFY(compared.width() > 2 * 300 && compared.height() > 320);
    for (const QString name : {QStringLiteral("plot.png"), QStringLiteral("plot.pdf")}) {
        const QString path = mDir.filePath(name);
        QVERIFY(window.plots()->exportPlot(PromptPlots::ScoreAndArea, path));
        QVERIFY(QFileInfo(path).size() > 1000);
    }
    QVERIFY(window.cleanUpMask(id));
    QVERIFY(window.plots()->points(PromptPlots::Candidates) >= 2);
    window.session()->undoStack()->undo(); // the clean-up
    QVERIFY(window.saveProject());

    // A second window on the same folder sees the saved annotation.
    AnnotationSession reopened;
    QString error;
    QVERIFY(reopened.openFolder(mDir.filePath(QStringLiteral("images")), &error));
    QCOMPARE(reopened.annotationsOf(imagePathOf(sample)).size(), 2);
    QCOMPARE(iou(reopened.maskOf(reopened.latestAnnotationFor(imagePathOf(sample), QStringLiteral("the red shape"))), mask), 1.0);
}

void InferenceTest::autoAnnotateMarksImagesForReviewLowestScoreFirst()
{
    QTemporaryDir copy; // a folder of its own: a fresh project
    QStringList images;
    for (int i = 0; i < 4; ++i) {
        const QString from = imagePathOf(mSamples[size_t(i) * 3]);
        const QString to = copy.filePath(QFileInfo(from).fileName());
        QVERIFY(QFile::copy(from, to));
        images.append(to);
    }
    MainWindow window;
    QVERIFY(window.openFolder(copy.path()));
    QSignalSpy loaded(window.inference(), &InferenceService::modelLoaded);
    window.loadModel();
    QVERIFY(loaded.wait(60'000));
    QSignalSpy finished(&window, &MainWindow::autoAnnotateFinished);
    QVERIFY(window.autoAnnotate(images, {{QStringLiteral("circle"), QStringLiteral("the circle")},
                                         {QStringLiteral("shape"), QStringLiteral("the red shape")}}));
    QVERIFY(window.autoAnnotating());
    // Looking at another image meanwhile does not cancel the batch.
    QVERIFY(window.openImage(images[2]));
    QVERIFY(finished.wait(120'000));
    QCOMPARE(finished.first().at(0).toInt(), 8);
    QVERIFY(!finished.first().at(2).toBool());
    QVERIFY(!window.autoAnnotating());

    const AnnotationSession& session = *window.session();
    for (const QString& image : images) QCOMPARE(session.reviewState(image), QStringLiteral("auto"));
    const QStringList queue = session.reviewQueue();
    QCOMPARE(queue.size(), 4);
    // Lowest-scoring mask first.
    double previous = -1;
    for (const QString& image : queue) {
        double lowest = 1;
        for (qint64 id : session.annotationsOf(image)) lowest = std::min(lowest, session.scoreOf(id));
        QVERIFY(lowest >= previous);
        previous = lowest;
    }
    QVERIFY(window.openNextToReview());
    const QString first = window.currentImagePath();
    QCOMPARE(first, queue.first() == images[2] ? queue[1] : queue.first());
    QVERIFY(window.markCurrentReviewed());
    QCOMPARE(session.reviewState(first), QStringLiteral("reviewed"));
    QCOMPARE(session.reviewQueue().size(), 3);
    // Auto-annotated masks are one undo step per prompt and image.
    QVERIFY(window.session()->undoStack()->count() >= 1);
}

void InferenceTest::autoAnnotateCanBeCancelled()
{
    MainWindow window;
    QVERIFY(window.openFolder(mDir.filePath(QStringLiteral("images"))));
    QSignalSpy loaded(window.inference(), &InferenceService::modelLoaded);
    window.loadModel();
    QVERIFY(loaded.wait(60'000));
    QStringList images;
    for (const auto& s : mSamples) images.append(imagePathOf(s));
    images.removeDuplicates();
    QSignalSpy finished(&window, &MainWindow::autoAnnotateFinished);
    QSignalSpy results(window.inference(), &InferenceService::resultReady);
    QVERIFY(window.autoAnnotate(images, {{QStringLiteral("circle"), QStringLiteral("the circle")},
                                         {QStringLiteral("star"), QStringLiteral("the star")},
                                         {QStringLiteral("square"), QStringLiteral("the square")}}));
    QVERIFY(results.wait(60'000)); // one result in, then the user cancels
    window.cancelAutoAnnotate();
    QVERIFY(finished.count() == 1 || finished.wait(30'000));
    QVERIFY(finished.first().at(2).toBool());
    const int done = finished.first().at(0).toInt();
    QVERIFY(done >= 1 && done < images.size() * 3);
    const int resultsAtCancel = int(results.size());
    QTest::qWait(500);
    QVERIFY(results.size() <= resultsAtCancel + 1); // at most the one that was running when cancelled
    QVERIFY(!window.autoAnnotating());
}

void InferenceTest::autoCleanUpCleansEachNewMaskAsOneMoreUndoStep()
{
    MainWindow window;
    window.show();
    window.setAutoCleanUp(true);
    // A folder of its own (the other tests' annotations live in the shared one's project).
    const auto sample = sampleSaying("the red shape", 1);
    QTemporaryDir folder;
    const QString image = folder.filePath(QFileInfo(imagePathOf(sample)).fileName());
    QVERIFY(QFile::copy(imagePathOf(sample), image));
    QVERIFY(window.openFolder(folder.path()));
    QVERIFY(window.openImage(image));
    QSignalSpy loaded(window.inference(), &InferenceService::modelLoaded);
    window.loadModel();
    QVERIFY(loaded.wait(60'000));
    QUndoStack* undo = window.session()->undoStack();

    QSignalSpy shown(&window, &MainWindow::maskShown);
    QVERIFY(window.runPrompt(QStringLiteral("the red shape")));
    QVERIFY(shown.wait(60'000));
    const qint64 id = shown.first().first().toLongLong();
    QCOMPARE(undo->undoText(), QStringLiteral("Clean up")); // the model's mask, then its clean-up
    const cv::Mat cleaned = window.session()->maskOf(id).clone();
    QVERIFY(iou(cleaned, mData->maskFor(sample, true)) >= 0.8);
    // One undo gives the model's own mask back; cleaning that up again gives the same mask.
    undo->undo();
    QVERIFY2(undo->undoText().startsWith(QStringLiteral("Mask for")), qPrintable(undo->undoText()));
    QVERIFY(!window.session()->maskOf(id).empty());
    QVERIFY(window.cleanUpMask(id));
    QCOMPARE(cv::countNonZero(window.session()->maskOf(id) != cleaned), 0);

    // Off again (and so for the next window, as a setting): the next mask stays as the model gave it.
    window.setAutoCleanUp(false);
    QSignalSpy next(&window, &MainWindow::maskShown);
    QVERIFY(window.runPrompt(QStringLiteral("the circle")));
    QVERIFY(next.wait(60'000));
    QVERIFY2(undo->undoText().startsWith(QStringLiteral("Mask for")), qPrintable(undo->undoText()));
}

QTEST_MAIN(InferenceTest)
#include "InferenceTest.moc"
