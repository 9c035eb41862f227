// Edits on the folder's project through AnnotationSession and the main window: every edit is one
// undo step, undo brings deleted masks back (under a new id the commands follow), and clean-up
// runs core's refinement. No model needed: the masks are drawn here.

#include "core/annotation/CocoFormat.h"
#include "core/annotation/Project.h"
#include "core/coco/Rle.h"
#include "ui/MainWindow.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/canvas/MaskLayer.h"
#include "ui/session/AnnotationSession.h"

#include "ui/common/LongTask.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QLineEdit>
#include <QRandomGenerator>
#include <QListWidget>
#include <QListWidgetItem>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QStatusBar>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QUndoStack>

#include <opencv2/imgproc.hpp>

#include <atomic>
#include <stdexcept>

using namespace rlfseg::ui;

namespace {

// A 200 x 160 image: a dark disc on a light, slightly grainy background (as photographs are).
QString writeDiscImage(const QTemporaryDir& dir)
{
    QImage image(200, 160, QImage::Format_RGB888);
    QRandomGenerator grain(5);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const int g = grain.bounded(-12, 13);
            const bool disc = (x - 100) * (x - 100) + (y - 80) * (y - 80) <= 40 * 40;
            image.setPixelColor(x, y, disc ? QColor(30 + 12 + g, 40 + 12 + g, 160 + g) : QColor(220 + g, 220 + g, 210 + g));
        }
    const QString path = dir.filePath(QStringLiteral("disc.png"));
    image.save(path);
    return path;
}

cv::Mat discMask(int radius)
{
    cv::Mat mask = cv::Mat::zeros(160, 200, CV_8UC1);
    cv::circle(mask, {100, 80}, radius, 255, cv::FILLED);
    return mask;
}

SegmentOutcome outcomeOf(const QString& imagePath, const cv::Mat& mask, const QString& prompt)
{
    SegmentOutcome o;
    o.imagePath = imagePath;
    o.prompt = prompt;
    o.mask = mask;
    o.score = 0.9;
    return o;
}

bool same(const cv::Mat& a, const cv::Mat& b) { return !a.empty() && !b.empty() && cv::countNonZero(a != b) == 0; }

} // namespace

class EditingTest : public QObject {
    Q_OBJECT

private slots:
    void everyEditIsOneUndoStep();
    void lookingAtAFolderWritesNothing();
    void aSaveInTheBackgroundKeepsEditsMadeWhileItWrites();
    void editsArrivingWhileAnotherFolderOpensAreSavedWithTheirOwn();
    void saveProjectWritesInTheBackground();
    void cleanUpRemovesSpecksKeepsTheObjectAndUndoes();
    void brushEraserAndFillAreOneUndoStepEach();
    void polygonVerticesMoveInsertAndDeleteWithUndoAndRedo();
    void longTasksLetTheEventLoopRunAndPassOnErrors();
    void largeMasksAreCleanedUpOffTheUiThreadOneAtATime();
    void bulkImportIsOneEditThatUndoesRedoesAndSurvivesACrash();
    void theCanvasTintsEveryPixelOfAMask();
};

void EditingTest::everyEditIsOneUndoStep()
{
    QTemporaryDir dir;
    const QString image = writeDiscImage(dir);
    AnnotationSession session;
    QString error;
    QVERIFY(session.openFolder(dir.path(), &error));
    const qint64 id = session.addModelMask(image, QStringLiteral("disc"), outcomeOf(image, discMask(40), QStringLiteral("the disc")),
                                           QStringLiteral("test"), &error);
    QVERIFY2(id > 0, qPrintable(error));
    QUndoStack* undo = session.undoStack();
    QCOMPARE(undo->count(), 1);

    QVERIFY(session.setCategory(id, QStringLiteral("ball"), &error));
    QVERIFY(session.replaceMask(id, discMask(30), QStringLiteral("Brush"), &error));
    QVERIFY(session.removeAnnotation(id, &error));
    QCOMPARE(undo->count(), 4);
    QVERIFY(session.annotationsOf(image).isEmpty());

    QSignalSpy followed(&session, &AnnotationSession::idChanged);
    undo->undo(); // the delete: back, under a new id
    QCOMPARE(session.annotationsOf(image).size(), 1);
    const qint64 back = session.annotationsOf(image).first();
    QCOMPARE(followed.size(), 1);
    QCOMPARE(followed.first().at(1).toLongLong(), back);
    QVERIFY(same(session.maskOf(back), discMask(30)));
    QCOMPARE(session.categoryOf(back), QStringLiteral("ball"));

    undo->undo(); // the brush
    QVERIFY(same(session.maskOf(back), discMask(40)));
    undo->undo(); // the category
    QCOMPARE(session.categoryOf(back), QStringLiteral("disc"));
    undo->undo(); // the mask itself
    QVERIFY(session.annotationsOf(image).isEmpty());

    for (int i = 0; i < 4; ++i) undo->redo();
    QVERIFY(session.annotationsOf(image).isEmpty()); // deleted again
    undo->undo();
    const qint64 again = session.annotationsOf(image).first();
    QVERIFY(same(session.maskOf(again), discMask(30)));
    QCOMPARE(session.categoryOf(again), QStringLiteral("ball"));
    QCOMPARE(session.promptHistory(image), QStringList{QStringLiteral("the disc")});

    // Everything is in the journal: a new session on the folder recovers it without a save.
    AnnotationSession other;
    QVERIFY(other.openFolder(dir.path(), &error));
    QCOMPARE(other.recoveredEdits() > 0, true);
    QCOMPARE(other.annotationsOf(image).size(), 1);
    QVERIFY(same(other.maskOf(other.annotationsOf(image).first()), discMask(30)));

    // Asked, the user may decline: the journal is then discarded, and the project is what was saved.
    AnnotationSession declined;
    int asked = 0;
    QVERIFY(declined.openFolder(dir.path(), &error, [&](int edits) {
        asked = edits;
        return false;
    }));
    QVERIFY(asked > 0);
    QCOMPARE(declined.recoveredEdits(), 0);
    QVERIFY(declined.annotationsOf(image).isEmpty());
    AnnotationSession after;
    bool askedAgain = false;
    QVERIFY(after.openFolder(dir.path(), &error, [&](int) { return askedAgain = true; }));
    QVERIFY(!askedAgain); // nothing left to recover
    QVERIFY(after.annotationsOf(image).isEmpty());
}

void EditingTest::lookingAtAFolderWritesNothing()
{
    QTemporaryDir dir;
    writeDiscImage(dir);
    MainWindow window;
    QVERIFY(window.openFolder(dir.path()));
    QVERIFY(!QFile::exists(AnnotationSession::projectFileFor(dir.path())));
    QVERIFY(window.saveProject()); // nothing to save is not an error
    QVERIFY(!QFile::exists(AnnotationSession::projectFileFor(dir.path())));
}

void EditingTest::aSaveInTheBackgroundKeepsEditsMadeWhileItWrites()
{
    QTemporaryDir dir;
    const QString image = writeDiscImage(dir);
    const QString projectFile = AnnotationSession::projectFileFor(dir.path());
    const auto annotationsOnDisk = [&] {
        return rlfseg::annotation::Project::load(projectFile.toStdString()).annotations().size();
    };
    AnnotationSession session;
    QString error;
    QVERIFY(session.openFolder(dir.path(), &error));
    const auto addDisc = [&](int radius) {
        return session.addManualMask(image, QStringLiteral("disc"), discMask(radius), &error) > 0;
    };
    QVERIFY(addDisc(10) && addDisc(20));
    QSignalSpy failures(&session, &AnnotationSession::saveFailed);

    session.saveInBackground();
    QVERIFY(session.backgroundSaveUnderWay());
    session.saveInBackground(); // one at a time: nothing happens
    QVERIFY(addDisc(30)); // while the file is written
    QTRY_VERIFY(!session.backgroundSaveUnderWay()); // ended on this thread, by the event loop
    QCOMPARE(annotationsOnDisk(), size_t(2));
    QVERIFY(session.modified()); // the third disc is in the journal only
    {
        AnnotationSession afterACrash; // what the next session would find
        QVERIFY(afterACrash.openFolder(dir.path(), &error));
        QCOMPARE(afterACrash.recoveredEdits(), 1);
        QCOMPARE(afterACrash.project()->annotations().size(), size_t(3));
        afterACrash.close(); // folds nothing: it did not save, so the journal stays for the next one
    }

    // A save asked for while one runs waits for it, then folds the rest.
    QVERIFY(addDisc(35));
    session.saveInBackground();
    QVERIFY(addDisc(38));
    QVERIFY2(session.save(&error), qPrintable(error));
    QVERIFY(!session.backgroundSaveUnderWay());
    QVERIFY(!session.modified());
    QCOMPARE(annotationsOnDisk(), size_t(5));
    QVERIFY(!QFile::exists(projectFile + QStringLiteral(".journal")));
    QCOMPARE(failures.size(), 0);

    // A save in the background that fails (the project file's place taken by a folder): reported
    // once, every edit still journaled, and the next save tries again.
    QVERIFY(addDisc(12));
    QVERIFY(QFile::remove(projectFile));
    QVERIFY(QDir().mkpath(projectFile + QStringLiteral("/blocker")));
    session.saveInBackground();
    QTRY_VERIFY(!session.backgroundSaveUnderWay());
    QCOMPARE(failures.size(), 1);
    QVERIFY2(failures.first().first().toString().contains(QStringLiteral("Cannot save the project")),
             qPrintable(failures.first().first().toString()));
    QVERIFY(session.modified());
    QVERIFY(addDisc(14)); // edits go on, into the journal
    QVERIFY(QDir(projectFile).removeRecursively());
    QVERIFY2(session.save(&error), qPrintable(error));
    QCOMPARE(annotationsOnDisk(), size_t(7));
    QCOMPARE(failures.size(), 1);
}

void EditingTest::editsArrivingWhileAnotherFolderOpensAreSavedWithTheirOwn()
{
    QTemporaryDir first, second;
    const QString firstImage = writeDiscImage(first), secondImage = writeDiscImage(second);
    QString error;
    {
        AnnotationSession other; // the second folder has a project, so opening it reads one
        QVERIFY(other.openFolder(second.path(), &error));
        QVERIFY(other.addManualMask(secondImage, QStringLiteral("disc"), discMask(15), &error) > 0);
        QVERIFY(other.save(&error));
    }
    AnnotationSession session;
    QVERIFY(session.openFolder(first.path(), &error));
    QVERIFY(session.addManualMask(firstImage, QStringLiteral("disc"), discMask(10), &error) > 0);
    QVERIFY(session.save(&error));
    // The new project is read, and the old one's last edits written, while the event loop runs: a
    // result still in flight for the first folder lands during each, and the periodic save's timer
    // fires.
    int arrived = 0;
    session.setLongTaskRunner([&](const QString&, const std::function<void()>& work) {
        if (session.addManualMask(firstImage, QStringLiteral("disc"), discMask(20 + arrived), &error) > 0) ++arrived;
        session.saveInBackground();
        QVERIFY(!session.backgroundSaveUnderWay()); // not while folders change
        work();
    });
    QVERIFY2(session.openFolder(second.path(), &error), qPrintable(error));
    QCOMPARE(arrived, 2); // reading the new project, then writing the old one
    QCOMPARE(session.project()->annotations().size(), size_t(1));
    const QString firstProject = AnnotationSession::projectFileFor(first.path());
    QCOMPARE(rlfseg::annotation::Project::load(firstProject.toStdString()).annotations().size(), size_t(3));
    QVERIFY(!QFile::exists(firstProject + QStringLiteral(".journal"))); // nothing left to recover
}

void EditingTest::saveProjectWritesInTheBackground()
{
    QTemporaryDir dir;
    const QString image = writeDiscImage(dir);
    MainWindow window;
    QVERIFY(window.openFolder(dir.path()));
    QString error;
    QVERIFY(window.session()->addManualMask(image, QStringLiteral("disc"), discMask(10), &error) > 0);
    const QString projectFile = AnnotationSession::projectFileFor(dir.path());
    const auto onDisk = [&] {
        return rlfseg::annotation::Project::load(projectFile.toStdString()).annotations().size();
    };
    window.requestSave(); // Ctrl+S
    QVERIFY(window.session()->backgroundSaveUnderWay()); // returned at once; the file is being written
    QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Saving the project…"));
    QVERIFY(window.session()->addManualMask(image, QStringLiteral("disc"), discMask(20), &error) > 0);
    QTRY_COMPARE(window.statusBar()->currentMessage(), QStringLiteral("Project saved."));
    QCOMPARE(onDisk(), size_t(1)); // what there was when Ctrl+S was pressed; the rest is journaled
    QVERIFY(window.session()->modified());
    // Pressed while a save (here the periodic one) is under way: its copy may be older than the
    // press, so one more save follows it, and only then the message.
    window.statusBar()->clearMessage();
    window.session()->saveInBackground();
    QVERIFY(window.session()->addManualMask(image, QStringLiteral("disc"), discMask(25), &error) > 0);
    window.requestSave();
    QTRY_COMPARE(window.statusBar()->currentMessage(), QStringLiteral("Project saved."));
    QCOMPARE(onDisk(), size_t(3));
    QVERIFY(!window.session()->modified());
    QVERIFY(!QFile::exists(projectFile + QStringLiteral(".journal")));

    // The save that waits (closing, changing folders) writes through the long-task runner too.
    QVERIFY(window.session()->addManualMask(image, QStringLiteral("disc"), discMask(30), &error) > 0);
    QStringList longTasks;
    window.session()->setLongTaskRunner([&](const QString& what, const std::function<void()>& work) {
        longTasks.append(what);
        runLongTask(&window, what, work);
    });
    QVERIFY2(window.saveProject(), qPrintable(window.lastError()));
    QCOMPARE(longTasks, QStringList{QStringLiteral("Saving the project…")});
    QCOMPARE(onDisk(), size_t(4));
}

void EditingTest::cleanUpRemovesSpecksKeepsTheObjectAndUndoes()
{
    QTemporaryDir dir;
    const QString image = writeDiscImage(dir);
    MainWindow window;
    QVERIFY(window.openFolder(dir.path()));
    // The disc, 3 px too large, with two specks far off.
    cv::Mat rough = discMask(43);
    cv::circle(rough, {15, 15}, 2, 255, cv::FILLED);
    cv::circle(rough, {185, 140}, 2, 255, cv::FILLED);
    QString error;
    const qint64 id = window.session()->addModelMask(image, QStringLiteral("disc"), outcomeOf(image, rough, QStringLiteral("the disc")),
                                                     QStringLiteral("test"), &error);
    QVERIFY(id > 0);
    window.selectAnnotation(id);
    QCOMPARE(window.annotationList()->count(), 1);
    QCOMPARE(window.canvas()->maskLayers().size(), 1);
    QVERIFY(window.canvas()->maskLayers().first().selected);

    QVERIFY2(window.cleanUpMask(id), qPrintable(window.lastError()));
    const cv::Mat cleaned = window.session()->maskOf(id);
    const cv::Mat truth = discMask(40);
    QCOMPARE(cleaned.at<uchar>(15, 15), uchar(0));   // specks gone
    QCOMPARE(cleaned.at<uchar>(140, 185), uchar(0));
    const double iouBefore = double(cv::countNonZero(rough & truth)) / cv::countNonZero(rough | truth);
    const double iouAfter = double(cv::countNonZero(cleaned & truth)) / cv::countNonZero(cleaned | truth);
    QVERIFY2(iouAfter > iouBefore, qPrintable(QStringLiteral("%1 -> %2").arg(iouBefore).arg(iouAfter)));

    window.session()->undoStack()->undo();
    QVERIFY(same(window.session()->maskOf(id), rough));

    // Another candidate than the selected one can be chosen: candidate 0 is the input at 0.40, raw.
    QVERIFY2(window.cleanUpMask(id, 0), qPrintable(window.lastError()));
    QVERIFY(same(window.session()->maskOf(id), rough));
    QVERIFY(!window.cleanUpMask(id, 1000));
    window.session()->undoStack()->undo();

    // Export: a valid COCO file that holds the mask (read back through core's importer).
    const QString coco = dir.filePath(QStringLiteral("instances.json"));
    QVERIFY2(window.exportCoco(coco), qPrintable(window.lastError()));
    QVERIFY(window.lastReport().contains(QStringLiteral("no problems")));
    rlfseg::annotation::Project imported;
    rlfseg::annotation::importCocoFile(imported, coco.toStdString());
    QCOMPARE(imported.annotations().size(), size_t(1));
    const cv::Mat exported = rlfseg::coco::decode(imported.annotations().begin()->second.mask) * 255;
    QVERIFY(double(cv::countNonZero(exported & rough)) / cv::countNonZero(exported | rough) >= 0.98);
    // ...and into another folder's project through the menu's path: one undo step.
    QTemporaryDir second;
    QVERIFY(QFile::copy(image, second.filePath(QStringLiteral("disc.png"))));
    MainWindow other;
    QVERIFY(other.openFolder(second.path()));
    QVERIFY2(other.importCoco(coco), qPrintable(other.lastError()));
    const QString secondImage = second.filePath(QStringLiteral("disc.png"));
    QCOMPARE(other.session()->annotationsOf(secondImage).size(), 1);
    QCOMPARE(other.canvas()->maskLayers().size(), 1);
    other.session()->undoStack()->undo();
    QCOMPARE(other.session()->annotationsOf(secondImage).size(), 0);
    // A broken file changes nothing and says why.
    QFile broken(second.filePath(QStringLiteral("broken.json")));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"images\": [}");
    broken.close();
    QVERIFY(!other.importCoco(broken.fileName()));
    QVERIFY(other.lastError().contains(QStringLiteral("broken.json")));
    // labelme, YOLO and PNG masks.
    for (auto format : {AnnotationSession::ExportFormat::Labelme, AnnotationSession::ExportFormat::Yolo,
                        AnnotationSession::ExportFormat::PngMasks}) {
        QTemporaryDir out;
        QString report;
        QVERIFY2(window.session()->exportOther(format, out.path(), &report, &error), qPrintable(error));
        QVERIFY(!QDir(out.path()).entryList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name).isEmpty() ||
                !QDir(out.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
    }

    QVERIFY(window.deleteMask(id));
    QCOMPARE(window.annotationList()->count(), 0);
    QCOMPARE(window.canvas()->maskLayers().size(), 0);
}

void EditingTest::brushEraserAndFillAreOneUndoStepEach()
{
    QTemporaryDir dir;
    const QString image = writeDiscImage(dir);
    MainWindow window;
    window.resize(900, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openFolder(dir.path()));
    ImageCanvas* canvas = window.canvas();
    QString error;
    const qint64 id = window.session()->addModelMask(image, QStringLiteral("disc"), outcomeOf(image, discMask(30), QStringLiteral("the disc")),
                                                     QStringLiteral("test"), &error);
    QVERIFY(id > 0);
    QUndoStack* undo = window.session()->undoStack();
    const auto at = [&](double x, double y) { return canvas->mapFromImage(QPointF(x, y)).toPoint(); };
    const auto stroke = [&](QPointF from, QPointF to) {
        QTest::mousePress(canvas, Qt::LeftButton, {}, at(from.x(), from.y()));
        for (int i = 1; i <= 8; ++i) {
            const QPointF p = from + (to - from) * (i / 8.0);
            QTest::mouseMove(canvas, at(p.x(), p.y()));
        }
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, at(to.x(), to.y()));
    };

    // Select by clicking on the mask.
    window.setTool(MainWindow::Tool::Select);
    QTest::mouseClick(canvas, Qt::LeftButton, {}, at(100.5, 80.5));
    QCOMPARE(window.selectedAnnotation(), id);

    // A brush stroke out to the right: one undo step, however many moves it had.
    window.setTool(MainWindow::Tool::Brush);
    window.setBrushRadius(5);
    int steps = undo->index();
    stroke({100.5, 80.5}, {145.5, 80.5});
    QCOMPARE(undo->index(), steps + 1);
    QCOMPARE(window.session()->maskOf(id).at<uchar>(80, 143), uchar(255));
    QCOMPARE(window.session()->maskOf(id).at<uchar>(95, 143), uchar(0));
    undo->undo();
    QVERIFY(same(window.session()->maskOf(id), discMask(30)));

    // The eraser cuts through the middle.
    window.setTool(MainWindow::Tool::Eraser);
    steps = undo->index();
    stroke({100.5, 55.5}, {100.5, 105.5});
    QCOMPARE(undo->index(), steps + 1);
    QCOMPARE(window.session()->maskOf(id).at<uchar>(80, 100), uchar(0));
    QCOMPARE(window.session()->maskOf(id).at<uchar>(80, 80), uchar(255));
    undo->undo();

    // Fill a hole; a click outside the mask changes nothing.
    cv::Mat ring = discMask(30);
    cv::circle(ring, {100, 80}, 8, 0, cv::FILLED);
    QVERIFY(window.session()->replaceMask(id, ring, QStringLiteral("test"), &error));
    window.setTool(MainWindow::Tool::FillHole);
    steps = undo->index();
    QTest::mouseClick(canvas, Qt::LeftButton, {}, at(10.5, 10.5));
    QCOMPARE(undo->index(), steps);
    QTest::mouseClick(canvas, Qt::LeftButton, {}, at(100.5, 80.5));
    QCOMPARE(undo->index(), steps + 1);
    QVERIFY(same(window.session()->maskOf(id), discMask(30)));

    // Merge and subtract: the list's selection, the current mask keeps the result; one step each.
    cv::Mat right = cv::Mat::zeros(160, 200, CV_8UC1);
    cv::rectangle(right, cv::Rect(110, 60, 60, 40), 255, cv::FILLED);
    const qint64 other = window.session()->addModelMask(image, QStringLiteral("box"), outcomeOf(image, right, QStringLiteral("the box")),
                                                        QStringLiteral("test"), &error);
    window.selectAnnotation(id);
    QListWidget* list = window.annotationList();
    for (int row = 0; row < list->count(); ++row) list->item(row)->setSelected(true);
    steps = undo->index();
    QVERIFY2(window.combineSelectedMasks(true), qPrintable(window.lastError()));
    QCOMPARE(undo->index(), steps + 1);
    QCOMPARE(window.session()->maskOf(id).at<uchar>(80, 120), uchar(0));   // cut away
    QCOMPARE(window.session()->maskOf(id).at<uchar>(80, 85), uchar(255));
    undo->undo();
    window.selectAnnotation(id);
    for (int row = 0; row < list->count(); ++row) list->item(row)->setSelected(true);
    QVERIFY2(window.combineSelectedMasks(false), qPrintable(window.lastError()));
    QCOMPARE(undo->index(), steps + 1);
    QCOMPARE(window.session()->annotationsOf(image), QList<qint64>{id});
    QCOMPARE(window.session()->maskOf(id).at<uchar>(80, 160), uchar(255)); // the box joined
    undo->undo();
    QCOMPARE(window.session()->annotationsOf(image).size(), 2);
    QVERIFY(window.session()->removeAnnotation(window.session()->annotationsOf(image).last(), &error));
    (void)other;

    // The brush with nothing selected draws a new mask.
    window.selectAnnotation(0);
    window.setTool(MainWindow::Tool::Brush);
    stroke({20.5, 20.5}, {40.5, 20.5});
    QCOMPARE(window.session()->annotationsOf(image).size(), 2);
    QVERIFY(window.selectedAnnotation() != id && window.selectedAnnotation() != 0);
}

void EditingTest::polygonVerticesMoveInsertAndDeleteWithUndoAndRedo()
{
    QTemporaryDir dir;
    const QString image = writeDiscImage(dir);
    MainWindow window;
    window.resize(900, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.openFolder(dir.path()));
    ImageCanvas* canvas = window.canvas();
    QString error;
    cv::Mat square = cv::Mat::zeros(160, 200, CV_8UC1);
    cv::rectangle(square, cv::Rect(60, 40, 80, 80), 255, cv::FILLED); // pixels 60..139 x 40..119
    const qint64 id = window.session()->addModelMask(image, QStringLiteral("box"), outcomeOf(image, square, QStringLiteral("the box")),
                                                     QStringLiteral("test"), &error);
    window.selectAnnotation(id);
    window.setTool(MainWindow::Tool::Polygon);
    QCOMPARE(window.editPolygons().size(), 1);
    QCOMPARE(window.editPolygons().first().size(), 4); // a square's four corners
    QUndoStack* undo = window.session()->undoStack();
    const auto at = [&](QPointF p) { return canvas->mapFromImage(p).toPoint(); };
    const auto drag = [&](QPointF from, QPointF to) {
        QTest::mousePress(canvas, Qt::LeftButton, {}, at(from));
        for (int i = 1; i <= 5; ++i) QTest::mouseMove(canvas, at(from + (to - from) * (i / 5.0)));
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, at(to));
    };

    // Drag the bottom-right corner (centre of pixel 139, 119) out by 20 px: one step.
    const int steps = undo->index();
    drag({139.5, 119.5}, {159.5, 139.5});
    QCOMPARE(undo->index(), steps + 1);
    cv::Mat moved = window.session()->maskOf(id);
    QCOMPARE(moved.at<uchar>(125, 145), uchar(255)); // inside the grown corner
    QCOMPARE(moved.at<uchar>(45, 65), uchar(255));   // the rest as it was
    QCOMPARE(moved.at<uchar>(30, 65), uchar(0));
    // The corner pulled out only adds pixels (the two edges pivot about their other ends), and
    // nothing above or left of the square changes.
    QCOMPARE(cv::countNonZero(square & ~moved), 0);
    QCOMPARE(cv::countNonZero(moved(cv::Rect(0, 0, 200, 40))), 0);
    QCOMPARE(cv::countNonZero(moved(cv::Rect(0, 0, 60, 160))), 0);
    undo->undo();
    QVERIFY(same(window.session()->maskOf(id), square));
    undo->redo();
    QVERIFY(same(window.session()->maskOf(id), moved));
    undo->undo();

    // Click the top edge: a vertex joins the outline (no pixel changes, no undo step); drag it up.
    QTest::mouseClick(canvas, Qt::LeftButton, {}, at({100.5, 40.5}));
    QCOMPARE(undo->index(), steps);
    QCOMPARE(window.editPolygons().first().size(), 5);
    drag({100.5, 40.5}, {100.5, 20.5});
    QCOMPARE(undo->index(), steps + 1);
    QCOMPARE(window.session()->maskOf(id).at<uchar>(30, 100), uchar(255)); // the new peak
    QCOMPARE(window.session()->maskOf(id).at<uchar>(30, 62), uchar(0));
    QCOMPARE(window.editPolygons().first().size(), 5);

    // Delete the peak again (it is the active vertex): back to the square's pixels.
    QVERIFY(window.deleteActiveVertex());
    QCOMPARE(undo->index(), steps + 2);
    QVERIFY(same(window.session()->maskOf(id), square));
    undo->undo();
    QCOMPARE(window.session()->maskOf(id).at<uchar>(30, 100), uchar(255));
}

void EditingTest::longTasksLetTheEventLoopRunAndPassOnErrors()
{
    QWidget parent;
    // The work waits for a timer of the UI thread: it finishes only if the event loop runs meanwhile.
    std::atomic<bool> ticked{false};
    QTimer::singleShot(20, &parent, [&] { ticked = true; });
    bool sawTick = false;
    runLongTask(&parent, QStringLiteral("waiting"), [&] {
        for (int i = 0; i < 1000 && !ticked; ++i) QThread::msleep(10);
        sawTick = ticked;
    });
    QVERIFY(sawTick);
    // What the work throws reaches the caller.
    bool caught = false;
    try {
        runLongTask(&parent, QStringLiteral("failing"), [] { throw std::runtime_error("disk full"); });
    } catch (const std::runtime_error& e) {
        caught = QString::fromLatin1(e.what()) == QStringLiteral("disk full");
    }
    QVERIFY(caught);
    // Keys pressed while the work runs are dropped, not replayed when it ends (a Ctrl+Z given
    // while waiting must not undo what the work just did).
    QLineEdit edit(&parent);
    std::atomic<bool> typed{false};
    QTimer::singleShot(20, &parent, [&] {
        QCoreApplication::postEvent(&edit, new QKeyEvent(QEvent::KeyPress, Qt::Key_X, Qt::NoModifier, QStringLiteral("x")));
        QTimer::singleShot(0, &parent, [&] { typed = true; }); // after the key event was handled
    });
    runLongTask(&parent, QStringLiteral("typing"), [&] {
        for (int i = 0; i < 1000 && !typed; ++i) QThread::msleep(10);
    });
    QVERIFY(typed);
    QCoreApplication::processEvents();
    QCOMPARE(edit.text(), QString());
    QKeyEvent y(QEvent::KeyPress, Qt::Key_Y, Qt::NoModifier, QStringLiteral("y"));
    QCoreApplication::sendEvent(&edit, &y);
    QCOMPARE(edit.text(), QStringLiteral("y")); // and input works again afterwards

    // A key or button held down before the work began still comes up (a brush stroke or a pan
    // must end); the release of a press that was dropped is dropped with it.
    struct Releases : QWidget {
        int keys = 0, buttons = 0;
        void keyReleaseEvent(QKeyEvent*) override { ++keys; }
        void mouseReleaseEvent(QMouseEvent*) override { ++buttons; }
    } target;
    std::atomic<bool> sent{false};
    QTimer::singleShot(20, &parent, [&] {
        QCoreApplication::postEvent(&target, new QKeyEvent(QEvent::KeyRelease, Qt::Key_Space, Qt::NoModifier));
        QCoreApplication::postEvent(&target, new QMouseEvent(QEvent::MouseButtonRelease, QPointF(5, 5), QPointF(5, 5),
                                                             Qt::LeftButton, Qt::NoButton, Qt::NoModifier));
        QCoreApplication::postEvent(&target, new QKeyEvent(QEvent::KeyPress, Qt::Key_Z, Qt::ControlModifier));
        QCoreApplication::postEvent(&target, new QKeyEvent(QEvent::KeyRelease, Qt::Key_Z, Qt::ControlModifier));
        QTimer::singleShot(0, &parent, [&] { sent = true; });
    });
    runLongTask(&parent, QStringLiteral("held"), [&] {
        for (int i = 0; i < 1000 && !sent; ++i) QThread::msleep(10);
    });
    QVERIFY(sent);
    QCoreApplication::processEvents();
    QCOMPARE(target.keys, 1);    // Space's release passed, Ctrl+Z's went with its press
    QCOMPARE(target.buttons, 1); // the held button's release passed
}

void EditingTest::largeMasksAreCleanedUpOffTheUiThreadOneAtATime()
{
    // 2400 x 1200 (2.9 megapixels, above the inline bound): a disc on a light background.
    QTemporaryDir dir;
    QImage picture(2400, 1200, QImage::Format_RGB888);
    picture.fill(QColor(220, 220, 210));
    cv::Mat truth = cv::Mat::zeros(1200, 2400, CV_8UC1);
    cv::circle(truth, {1200, 600}, 400, 255, cv::FILLED);
    for (int y = 0; y < 1200; ++y)
        for (int x = 800; x < 1600; ++x)
            if (truth.at<uchar>(y, x)) picture.setPixelColor(x, y, QColor(40, 50, 160));
    const QString image = dir.filePath(QStringLiteral("big.png"));
    QVERIFY(picture.save(image));
    MainWindow window;
    QVERIFY(window.openFolder(dir.path()));
    QVERIFY(window.openImage(image));
    cv::Mat rough = cv::Mat::zeros(1200, 2400, CV_8UC1);
    cv::circle(rough, {1200, 600}, 406, 255, cv::FILLED); // 6 px too large
    QString error;
    const qint64 id = window.session()->addModelMask(image, QStringLiteral("disc"), outcomeOf(image, rough, QStringLiteral("the disc")),
                                                     QStringLiteral("test"), &error);
    QVERIFY2(id > 0, qPrintable(error));
    const qint64 second = window.session()->addModelMask(image, QStringLiteral("disc"), outcomeOf(image, rough, QStringLiteral("the disc again")),
                                                         QStringLiteral("test"), &error);
    QVERIFY2(second > 0, qPrintable(error));
    // The event loop runs while it works: a timer set now fires before the clean-up returns. A
    // clean-up asked for meanwhile (as an automatic one after a result) waits for the first.
    bool ticked = false, queued = false, secondUntouchedMeanwhile = false;
    QTimer::singleShot(0, &window, [&] {
        ticked = true;
        queued = window.cleanUpMask(second);
        secondUntouchedMeanwhile = cv::countNonZero(window.session()->maskOf(second) != rough) == 0;
    });
    QVERIFY2(window.cleanUpMask(id), qPrintable(window.lastError()));
    QVERIFY(ticked);
    QVERIFY(queued);
    QVERIFY(secondUntouchedMeanwhile);
    const auto iou = [&](const cv::Mat& m) { return double(cv::countNonZero(m & truth)) / cv::countNonZero(m | truth); };
    const double iouBefore = iou(rough);
    const double iouAfter = iou(window.session()->maskOf(id));
    QVERIFY2(iouAfter > iouBefore, qPrintable(QStringLiteral("%1 -> %2").arg(iouBefore).arg(iouAfter)));
    // The queued one runs once the first is done, from the event loop.
    QTRY_VERIFY_WITH_TIMEOUT(cv::countNonZero(window.session()->maskOf(second) != rough) > 0, 20000);
    QCOMPARE(iou(window.session()->maskOf(second)), iouAfter);
}

void EditingTest::bulkImportIsOneEditThatUndoesRedoesAndSurvivesACrash()
{
    // A COCO file with 600 annotations on 30 images, made with core.
    QTemporaryDir dir;
    rlfseg::annotation::Project source;
    const int cat = source.addCategory("blob");
    QStringList images;
    for (int i = 0; i < 30; ++i) {
        const QString name = QStringLiteral("img%1.png").arg(i, 2, 10, QLatin1Char('0'));
        QImage(64, 48, QImage::Format_RGB888).save(dir.filePath(name));
        images << dir.filePath(name);
        const int64_t imageId = source.addImage(name.toStdString(), 64, 48);
        for (int k = 0; k < 20; ++k) {
            cv::Mat mask = cv::Mat::zeros(48, 64, CV_8UC1);
            cv::circle(mask, {8 + 2 * k, 24}, 4 + k % 5, 255, cv::FILLED);
            rlfseg::annotation::Annotation a;
            a.imageId = imageId, a.categoryId = cat, a.mask = rlfseg::coco::encode(mask);
            source.addAnnotation(a);
        }
    }
    const QString coco = dir.filePath(QStringLiteral("instances.json"));
    rlfseg::annotation::writeCoco(source, coco.toStdString());

    {
        MainWindow window;
        QVERIFY(window.openFolder(dir.path()));
        QVERIFY(window.openImage(images[3]));
        auto* undo = window.session()->undoStack();
        const int before = undo->count();
        QVERIFY2(window.importCoco(coco), qPrintable(window.lastError()));
        QVERIFY(window.lastReport().startsWith(QStringLiteral("600 annotations imported")));
        QCOMPARE(undo->count(), before + 1); // one undo step
        QCOMPARE(window.session()->project()->annotations().size(), size_t(600));
        QCOMPARE(window.canvas()->maskLayers().size(), 20); // the open image shows its masks at once
        undo->undo();
        QCOMPARE(window.session()->project()->annotations().size(), size_t(0));
        QCOMPARE(window.canvas()->maskLayers().size(), 0);
        undo->redo();
        QCOMPARE(window.session()->project()->annotations().size(), size_t(600));
        QCOMPARE(window.session()->annotationsOf(images[29]).size(), 20);
        QCOMPARE(window.canvas()->maskLayers().size(), 20);
        // An image the project knows at another size: its annotations are left out, and the
        // report says why; the others come in.
        rlfseg::annotation::Project mixed;
        const int blob = mixed.addCategory("blob");
        const int64_t resized = mixed.addImage("img00.png", 128, 96), fresh = mixed.addImage("new.png", 64, 48);
        for (int k = 0; k < 5; ++k) {
            cv::Mat mask = cv::Mat::zeros(k < 2 ? 96 : 48, k < 2 ? 128 : 64, CV_8UC1);
            cv::circle(mask, {20 + 5 * k, 20}, 6, 255, cv::FILLED);
            rlfseg::annotation::Annotation a;
            a.imageId = k < 2 ? resized : fresh, a.categoryId = blob, a.mask = rlfseg::coco::encode(mask);
            mixed.addAnnotation(a);
        }
        const QString mixedFile = dir.filePath(QStringLiteral("mixed.json"));
        rlfseg::annotation::writeCoco(mixed, mixedFile.toStdString());
        QVERIFY2(window.importCoco(mixedFile), qPrintable(window.lastError()));
        QVERIFY2(window.lastReport().startsWith(QStringLiteral("3 annotations imported")), qPrintable(window.lastReport()));
        QVERIFY2(window.lastReport().contains(QStringLiteral("2 annotations were left out: “img00.png” is 128 x 96 pixels in "
                                                             "the file but 64 x 48 in the project.")),
                 qPrintable(window.lastReport()));
        QCOMPARE(window.session()->project()->annotations().size(), size_t(603));
        // Nothing saved, yet the journal holds the import: a new session recovers all of it.
        AnnotationSession other;
        QString error;
        QVERIFY2(other.openFolder(dir.path(), &error), qPrintable(error));
        QVERIFY(other.recoveredEdits() > 0);
        QCOMPARE(other.project()->annotations().size(), size_t(603));
        QCOMPARE(other.annotationsOf(images[0]).size(), 20);
    }
}

void EditingTest::theCanvasTintsEveryPixelOfAMask()
{
    // Masks whose last row starts with three set pixels: OpenCV 4.6's cv::boundingRect boxes many
    // of them one pixel wide (opencv#24217), which drew two of the three pixels untinted.
    for (int w = 3; w < 20; ++w)
        for (int h = 1; h < 15; ++h) {
            cv::Mat mask = cv::Mat::zeros(h, w, CV_8UC1);
            mask.row(h - 1).colRange(0, 3).setTo(255);
            const MaskLayer layer = makeMaskLayer(mask, Qt::red);
            const QString where = QStringLiteral("%1 x %2").arg(w).arg(h);
            QVERIFY2(!layer.isEmpty(), qPrintable(where));
            QCOMPARE(layer.offset, QPoint(0, h - 1));
            QVERIFY2(layer.tint.size() == QSize(3, 1), qPrintable(where));
            for (int x = 0; x < 3; ++x) QVERIFY2(qAlpha(layer.tint.pixel(x, 0)) > 0, qPrintable(where));
        }
}

QTEST_MAIN(EditingTest)
#include "EditingTest.moc"
