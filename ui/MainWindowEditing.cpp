// MainWindow: the masks list, the editing tools (select, brush, eraser, fill, polygon), merge and
// subtract, clean-up, and the shortcuts dialog.

#include "ui/MainWindow.h"
#include "ui/MainWindowPrivate.h"

#include "rlfseg/BuildInfo.h"
#include "core/annotation/BatchAnnotation.h"
#include "core/annotation/Project.h"
#include "core/refine/Refinement.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/canvas/PolygonEditing.h"
#include "ui/common/LongTask.h"
#include "ui/explore/PromptHistoryPanel.h"
#include "ui/explore/PromptPlots.h"
#include "ui/inference/InferenceService.h"
#include "ui/prompt/PromptBar.h"
#include "ui/session/AnnotationSession.h"
#include "ui/settings/SettingsDialog.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QCollator>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QProgressDialog>
#include <QDialog>
#include <QDialogButtonBox>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QVBoxLayout>
#include <QActionGroup>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineF>
#include <QTableWidget>

#include <opencv2/imgproc.hpp>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QUrl>

#include <algorithm>
#include <optional>
#include <utility>

namespace rlfseg::ui {

using namespace mainwindow;

namespace {
// The image on the canvas as an OpenCV RGB matrix sharing `holder`'s pixels.
cv::Mat rgbOf(const QImage& image, QImage& holder)
{
    holder = image.convertToFormat(QImage::Format_RGB888);
    return cv::Mat(holder.height(), holder.width(), CV_8UC3, const_cast<uchar*>(holder.constBits()),
                   static_cast<size_t>(holder.bytesPerLine()));
}
} // namespace

void MainWindow::createAnnotationDock()
{
    mUndoAction = mSession->undoStack()->createUndoAction(this, tr("&Undo"));
    mUndoAction->setShortcut(QKeySequence::Undo);
    mRedoAction = mSession->undoStack()->createRedoAction(this, tr("&Redo"));
    mRedoAction->setShortcuts({QKeySequence(QKeySequence::Redo), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    QMenu* editMenu = new QMenu(tr("&Edit"), this);
    editMenu->setObjectName(QStringLiteral("editMenu"));
    editMenu->addAction(mUndoAction);
    editMenu->addAction(mRedoAction);
    editMenu->addSeparator();
    editMenu->addAction(mCleanUpAction);
    mChooseCleanUpAction = new QAction(tr("Clean Up, C&hoosing…"), this);
    mChooseCleanUpAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    mChooseCleanUpAction->setToolTip(tr("Every clean-up candidate with its scores; pick one"));
    connect(mChooseCleanUpAction, &QAction::triggered, this, [this] { chooseCleanUpCandidate(mSelectedAnnotation); });
    editMenu->addAction(mChooseCleanUpAction);
    mAutoCleanUpAction = new QAction(tr("Clean Up New Masks &Automatically"), this);
    mAutoCleanUpAction->setCheckable(true);
    mAutoCleanUpAction->setChecked(QSettings().value(QStringLiteral("Editing/autoCleanUp"), false).toBool());
    connect(mAutoCleanUpAction, &QAction::toggled, this, &MainWindow::setAutoCleanUp);
    editMenu->addAction(mAutoCleanUpAction);
    editMenu->addAction(mSetCategoryAction);
    editMenu->addAction(mDeleteMaskAction);
    mMergeAction = new QAction(tr("&Merge Selected Masks"), this);
    mMergeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    mMergeAction->setToolTip(tr("Select masks in the list (Ctrl+click): all become the current one"));
    connect(mMergeAction, &QAction::triggered, this, [this] { combineSelectedMasks(false); });
    mSubtractAction = new QAction(tr("Su&btract Selected Masks"), this);
    mSubtractAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    mSubtractAction->setToolTip(tr("The current mask minus the other selected ones"));
    connect(mSubtractAction, &QAction::triggered, this, [this] { combineSelectedMasks(true); });
    editMenu->addAction(mMergeAction);
    editMenu->addAction(mSubtractAction);
    editMenu->addSeparator();
    auto* settingsAction = new QAction(tr("Se&ttings…"), this);
    settingsAction->setShortcut(QKeySequence::Preferences);
    settingsAction->setMenuRole(QAction::PreferencesRole);
    connect(settingsAction, &QAction::triggered, this, [this] {
        const StudioSettings before = StudioSettings::load();
        // The loaded model's own threshold, when it is the model the settings name (Load Model
        // Folder… loads others without changing the settings).
        std::optional<double> loadedThreshold;
        if (mInference->modelReady() && mInference->modelInfo().requestedDirectory == before.inference.modelDirectory)
            loadedThreshold = mInference->modelInfo().modelThreshold;
        SettingsDialog dialog(before, loadedThreshold, this);
        if (dialog.exec() != QDialog::Accepted) return;
        const StudioSettings after = dialog.settings();
        after.save();
        const auto& a = after.inference;
        const auto& b = before.inference;
        if (a.modelDirectory != b.modelDirectory || a.device != b.device || a.threads != b.threads ||
            a.sampler != b.sampler || a.threshold != b.threshold || a.edgeSnap != b.edgeSnap ||
            !mInference->modelReady())
            loadModel(a);
        if (after.language != before.language)
            statusBar()->showMessage(tr("The language changes at the next start."), kInfoMessageTimeoutMs);
    });
    editMenu->addAction(settingsAction);
    menuBar()->insertMenu(mViewMenu->menuAction(), editMenu);

    mAnnotationList = new QListWidget(this);
    mAnnotationList->setObjectName(QStringLiteral("annotationList"));
    mAnnotationList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    connect(mAnnotationList, &QListWidget::currentRowChanged, this, [this](int row) {
        QListWidgetItem* item = mAnnotationList->item(row);
        selectAnnotation(item ? item->data(kAnnotationIdRole).toLongLong() : 0);
    });
    mAnnotationDock = new QDockWidget(tr("Masks"), this);
    mAnnotationDock->setObjectName(QStringLiteral("annotationDock"));
    mAnnotationDock->setWidget(mAnnotationList);
    addDockWidget(Qt::RightDockWidgetArea, mAnnotationDock);
    mViewMenu->addAction(mAnnotationDock->toggleViewAction());
}

void MainWindow::refreshAnnotationList()
{
    const QSignalBlocker blocker(mAnnotationList);
    mAnnotationList->clear();
    const QList<qint64> ids = mSession->annotationsOf(mCurrentImagePath);
    if (!ids.contains(mSelectedAnnotation)) mSelectedAnnotation = 0;
    for (qint64 id : ids) {
        QPixmap swatch(12, 12);
        const auto* project = mSession->project();
        const auto* a = project ? project->annotation(id) : nullptr;
        swatch.fill(a ? categoryColor(a->categoryId) : QColor(Qt::gray));
        const double score = mSession->scoreOf(id);
        QString text = mSession->categoryOf(id);
        if (!mSession->promptOf(id).isEmpty()) text += QStringLiteral(" — “%1”").arg(mSession->promptOf(id));
        if (score >= 0) text += tr(" (score %1)").arg(score, 0, 'f', 2);
        auto* item = new QListWidgetItem(QIcon(swatch), text);
        item->setData(kAnnotationIdRole, id);
        mAnnotationList->addItem(item);
        if (id == mSelectedAnnotation) mAnnotationList->setCurrentItem(item);
    }
    const bool selected = mSelectedAnnotation != 0;
    mDeleteMaskAction->setEnabled(selected);
    mCleanUpAction->setEnabled(selected);
    mChooseCleanUpAction->setEnabled(selected);
    mSetCategoryAction->setEnabled(selected);
}

void MainWindow::selectAnnotation(qint64 id)
{
    mSelectedAnnotation = id;
    refreshOverlays();
}

bool MainWindow::combineSelectedMasks(bool subtract)
{
    QList<qint64> others;
    for (const QListWidgetItem* item : mAnnotationList->selectedItems()) {
        const qint64 id = item->data(kAnnotationIdRole).toLongLong();
        if (id != mSelectedAnnotation) others.append(id);
    }
    QString error;
    if (!mSession->mergeMasks(mSelectedAnnotation, others, subtract, &error)) return fail(error);
    return true;
}

bool MainWindow::deleteMask(qint64 id)
{
    if (id == 0) return fail(tr("Select a mask first."));
    QString error;
    if (!mSession->removeAnnotation(id, &error)) return fail(error);
    return true;
}

std::optional<refine::RefinementResult> MainWindow::refineForCleanUp(qint64 id)
{
    if (id == 0) return fail(tr("Select a mask first.")), std::nullopt;
    const cv::Mat mask = mSession->maskOf(id);
    if (mask.empty()) return fail(tr("There is no mask %1.").arg(id)), std::nullopt;
    QImage holder;
    const cv::Mat rgb = rgbOf(mCanvas->image(), holder);
    if (rgb.cols != mask.cols || rgb.rows != mask.rows)
        return fail(tr("The image on screen does not have the mask's size; reopen it.")), std::nullopt;
    try {
        refine::RefinementResult result;
        const auto work = [&] { result = refine::refineMask(rgb, mask); };
        // About 25 ms per megapixel: a large image's clean-up would freeze the window, so it runs
        // off the UI thread; small ones run at once (no nested event loop after every prompt).
        if (mask.total() > kCleanUpInlinePixels) runLongTask(this, tr("Cleaning up…"), work);
        else work();
        if (!result.best()) return fail(tr("Clean up found no object in the mask.")), std::nullopt;
        return result;
    } catch (const std::exception& e) {
        return fail(tr("Clean up failed: %1").arg(QString::fromStdString(e.what()))), std::nullopt;
    }
}

bool MainWindow::applyCleanUp(qint64 id, const refine::RefinementResult& result, int candidate)
{
    const int chosen = candidate >= 0 ? candidate : result.selected;
    if (chosen >= int(result.candidates.size())) return fail(tr("There is no candidate %1.").arg(chosen));
    QVector<CandidatePoint> candidates;
    for (const auto& c : result.candidates) candidates.append({QString::fromStdString(c.name), c.score});
    mPlots->setCandidates(candidates, chosen);
    QString error;
    if (!mSession->replaceMask(id, result.mask(size_t(chosen)), tr("Clean up"), &error)) return fail(error);
    statusBar()->showMessage(candidate >= 0 ? tr("Cleaned up: %1 (chosen)").arg(candidates[chosen].name)
                                            : tr("Cleaned up: %1").arg(QString::fromStdString(result.reason)),
                             kInfoMessageTimeoutMs);
    return true;
}

// Clean-ups run one at a time; those asked for meanwhile run afterwards, from the event loop.
std::optional<refine::RefinementResult> MainWindow::refineOneAtATime(qint64 id)
{
    mCleaningUp = true;
    auto result = refineForCleanUp(id);
    mCleaningUp = false;
    if (!mPendingCleanUps.isEmpty())
        QTimer::singleShot(0, this, [this] {
            if (mPendingCleanUps.isEmpty()) return;
            const auto [next, candidate] = mPendingCleanUps.takeFirst();
            cleanUpMask(next, candidate);
        });
    return result;
}

bool MainWindow::cleanUpMask(qint64 id, int candidate)
{
    if (mCleaningUp) {
        mPendingCleanUps.append({id, candidate});
        return true;
    }
    const auto result = refineOneAtATime(id);
    return result && applyCleanUp(id, *result, candidate);
}

void MainWindow::chooseCleanUpCandidate(qint64 id)
{
    if (mCleaningUp) return void(fail(tr("A clean-up is running; choose again when it is done.")));
    const auto refined = refineOneAtATime(id);
    if (!refined) return;
    const refine::RefinementResult& result = *refined;
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Clean-up candidates"));
    auto* layout = new QHBoxLayout(&dialog);
    auto* list = new QListWidget(&dialog);
    auto* preview = new QLabel(&dialog);
    preview->setMinimumSize(320, 320);
    preview->setAlignment(Qt::AlignCenter);
    for (size_t i = 0; i < result.candidates.size(); ++i) {
        const auto& c = result.candidates[i];
        auto* item = new QListWidgetItem(tr("%1: score %2 (stability %3, edges %4)")
                                             .arg(QString::fromStdString(c.name))
                                             .arg(c.score, 0, 'f', 3)
                                             .arg(c.stability, 0, 'f', 2)
                                             .arg(c.edges, 0, 'f', 2),
                                         list);
        if (int(i) == result.selected) {
            QFont bold = item->font();
            bold.setBold(true);
            item->setFont(bold);
            item->setText(item->text() + tr("  ← selected"));
        }
    }
    // The region the component worked on, with the candidate's outline.
    const QRect region(result.region.x, result.region.y, result.region.width, result.region.height);
    connect(list, &QListWidget::currentRowChanged, &dialog, [&](int row) {
        if (row < 0) return;
        QImage view = mCanvas->image().copy(region).convertToFormat(QImage::Format_RGB32);
        QPainter painter(&view);
        MaskLayer layer = makeMaskLayer(result.mask(size_t(row))(result.region), QColor(40, 200, 90));
        painter.drawImage(layer.offset, layer.tint);
        painter.setPen(QPen(QColor(0, 90, 30), 1));
        painter.drawPath(layer.outline);
        painter.end();
        preview->setPixmap(QPixmap::fromImage(view.scaled(320, 320, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    });
    list->setCurrentRow(result.selected);
    auto* side = new QVBoxLayout;
    side->addWidget(preview);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    side->addWidget(buttons);
    layout->addWidget(list, 1);
    layout->addLayout(side);
    dialog.resize(820, 420);
    // The candidates shown are the ones applied: no second run of the component.
    if (dialog.exec() == QDialog::Accepted && list->currentRow() >= 0) applyCleanUp(id, result, list->currentRow());
}

void MainWindow::setAutoCleanUp(bool on)
{
    QSettings().setValue(QStringLiteral("Editing/autoCleanUp"), on);
    if (mAutoCleanUpAction->isChecked() != on) mAutoCleanUpAction->setChecked(on);
}

void MainWindow::createToolActions()
{
    auto* group = new QActionGroup(this);
    const struct {
        Tool tool;
        QString text, tip;
        Qt::Key key;
    } tools[] = {
        {Tool::Select, tr("&Select"), tr("Click a mask to select it"), Qt::Key_S},
        {Tool::Brush, tr("&Brush"), tr("Paint onto the selected mask (or a new one); one stroke is one undo step"), Qt::Key_B},
        {Tool::Eraser, tr("&Eraser"), tr("Erase from the selected mask; one stroke is one undo step"), Qt::Key_E},
        {Tool::FillHole, tr("&Fill Hole"), tr("Click inside a hole of the selected mask to fill it"), Qt::Key_F},
        {Tool::Polygon, tr("&Polygon"),
         tr("Edit the selected mask's outline: drag a vertex, click an edge to insert one, Delete removes the last one clicked"),
         Qt::Key_P},
    };
    auto* toolBar = new QToolBar(tr("Tools"), this);
    toolBar->setObjectName(QStringLiteral("toolsToolBar"));
    QMenu* toolMenu = menuBar()->addMenu(tr("&Tools"));
    toolMenu->setObjectName(QStringLiteral("toolsMenu"));
    menuBar()->insertMenu(mViewMenu->menuAction(), toolMenu);
    for (const auto& t : tools) {
        auto* action = new QAction(t.text, group);
        action->setCheckable(true);
        action->setShortcut(QKeySequence(t.key));
        action->setToolTip(t.tip);
        action->setChecked(t.tool == mTool);
        const Tool tool = t.tool;
        connect(action, &QAction::triggered, this, [this, tool] { setTool(tool); });
        mToolActions[static_cast<int>(tool)] = action;
        toolBar->addAction(action);
        toolMenu->addAction(action);
    }
    toolMenu->addSeparator();
    auto* larger = new QAction(tr("Larger Brush"), this);
    larger->setShortcut(QKeySequence(Qt::Key_BracketRight));
    connect(larger, &QAction::triggered, this, [this] { setBrushRadius(std::max(mBrushRadius + 1, mBrushRadius * 5 / 4)); });
    auto* smaller = new QAction(tr("Smaller Brush"), this);
    smaller->setShortcut(QKeySequence(Qt::Key_BracketLeft));
    connect(smaller, &QAction::triggered, this, [this] { setBrushRadius(std::min(mBrushRadius - 1, mBrushRadius * 4 / 5)); });
    toolMenu->addAction(larger);
    toolMenu->addAction(smaller);
    addToolBar(Qt::LeftToolBarArea, toolBar);

    connect(mCanvas, &ImageCanvas::pointerPressed, this, &MainWindow::onPointerPressed);
    connect(mCanvas, &ImageCanvas::pointerDragged, this, &MainWindow::onPointerDragged);
    connect(mCanvas, &ImageCanvas::pointerReleased, this, &MainWindow::onPointerReleased);

    mShortcutsAction = new QAction(tr("&Keyboard Shortcuts…"), this);
    mShortcutsAction->setShortcut(QKeySequence(Qt::Key_F1));
    connect(mShortcutsAction, &QAction::triggered, this, &MainWindow::showShortcuts);
    if (QMenu* help = findChild<QMenu*>(QStringLiteral("helpMenu"))) help->insertAction(mAboutAction, mShortcutsAction);
}

void MainWindow::setTool(Tool tool)
{
    mTool = tool;
    if (QAction* action = mToolActions[static_cast<int>(tool)]) action->setChecked(true);
    const bool painting = tool == Tool::Brush || tool == Tool::Eraser;
    mCanvas->setBrushCursor(painting ? mBrushRadius : 0);
    mCanvas->setCursor(tool == Tool::Select || tool == Tool::Polygon ? Qt::ArrowCursor : Qt::CrossCursor);
    refreshEditPolygons();
}

void MainWindow::refreshEditPolygons()
{
    if (mTool != Tool::Polygon || mSelectedAnnotation == 0) {
        mPolygons.clear();
        mActivePolygon = mActiveVertex = -1;
    } else if (mKeepPolygonsOnce) {
        mKeepPolygonsOnce = false;
    } else if (!mDraggingVertex) {
        mPolygons = maskToEditablePolygons(mSession->maskOf(mSelectedAnnotation));
        if (mActivePolygon >= mPolygons.size() || (mActivePolygon >= 0 && mActiveVertex >= mPolygons[mActivePolygon].size()))
            mActivePolygon = mActiveVertex = -1;
    }
    mCanvas->setEditPolygons(mPolygons, mActivePolygon, mActiveVertex);
}

void MainWindow::commitPolygonEdit(const QVector<QPolygonF>& before, const QString& what)
{
    const cv::Mat mask = applyPolygonEdit(mSession->maskOf(mSelectedAnnotation), before, mPolygons);
    QString error;
    if (cv::countNonZero(mask) == 0) {
        if (!mSession->removeAnnotation(mSelectedAnnotation, &error)) fail(error);
        return;
    }
    // The refresh that the change triggers (synchronously) keeps the edited polygons.
    mKeepPolygonsOnce = true;
    const bool ok = mSession->replaceMask(mSelectedAnnotation, mask, what, &error);
    mKeepPolygonsOnce = false;
    if (!ok) fail(error);
    mCanvas->setEditPolygons(mPolygons, mActivePolygon, mActiveVertex);
}

bool MainWindow::deleteActiveVertex()
{
    if (mTool != Tool::Polygon || mActivePolygon < 0 || mActivePolygon >= mPolygons.size()) return false;
    const QVector<QPolygonF> before = mPolygons;
    QPolygonF& polygon = mPolygons[mActivePolygon];
    if (mActiveVertex < 0 || mActiveVertex >= polygon.size()) return false;
    polygon.remove(mActiveVertex);
    if (polygon.size() < 3) mPolygons.remove(mActivePolygon); // a part (or hole) with too few points goes
    mActivePolygon = mActiveVertex = -1;
    commitPolygonEdit(before, tr("Delete vertex"));
    return true;
}

void MainWindow::setBrushRadius(int radius)
{
    mBrushRadius = std::clamp(radius, 1, 500);
    if (mTool == Tool::Brush || mTool == Tool::Eraser) mCanvas->setBrushCursor(mBrushRadius);
    statusBar()->showMessage(tr("Brush radius: %1 px").arg(mBrushRadius), kInfoMessageTimeoutMs);
}

void MainWindow::onPointerPressed(const QPointF& imagePos)
{
    switch (mTool) {
    case Tool::Polygon: {
        const double tolerance = 6.0 / mCanvas->screenPixelsPerImagePixel();
        PolygonHit hit = findVertex(mPolygons, imagePos, tolerance);
        mInsertedVertex = false;
        mPolygonsBefore = mPolygons;
        if (!hit.valid()) {
            hit = findEdge(mPolygons, imagePos, tolerance);
            if (hit.valid()) {
                mPolygons[hit.polygon].insert(hit.vertex, hit.point);
                mInsertedVertex = true;
                mInsertedAt = hit.point;
            }
        }
        if (!hit.valid()) { // elsewhere: select the mask there
            selectAnnotation(mCanvas->layerAt(imagePos));
            return;
        }
        mActivePolygon = hit.polygon;
        mActiveVertex = hit.vertex;
        mDraggingVertex = true;
        mCanvas->setEditPolygons(mPolygons, mActivePolygon, mActiveVertex);
        return;
    }
    case Tool::Select:
        selectAnnotation(mCanvas->layerAt(imagePos));
        return;
    case Tool::FillHole: {
        if (mSelectedAnnotation == 0) {
            fail(tr("Select a mask first."));
            return;
        }
        cv::Mat mask = mSession->maskOf(mSelectedAnnotation);
        const cv::Point seed(int(std::floor(imagePos.x())), int(std::floor(imagePos.y())));
        if (!cv::Rect(0, 0, mask.cols, mask.rows).contains(seed) || mask.at<uchar>(seed) != 0) return;
        // The background component under the click, if it is enclosed (a hole, not the outside).
        cv::Mat filled = mask.clone();
        cv::Rect box;
        cv::floodFill(filled, seed, 255, &box, 0, 0, 4);
        if (box.x == 0 || box.y == 0 || box.br().x == mask.cols || box.br().y == mask.rows) {
            fail(tr("That is outside the mask, not a hole in it."));
            return;
        }
        QString error;
        if (!mSession->replaceMask(mSelectedAnnotation, filled, tr("Fill hole"), &error)) fail(error);
        return;
    }
    case Tool::Brush:
    case Tool::Eraser: {
        if (mTool == Tool::Eraser && mSelectedAnnotation == 0) {
            fail(tr("Select a mask to erase from."));
            return;
        }
        const QSize size = mCanvas->image().size();
        mStroke.active = true;
        mStroke.id = mSelectedAnnotation;
        mStroke.mask = mStroke.id ? mSession->maskOf(mStroke.id) : cv::Mat::zeros(size.height(), size.width(), CV_8UC1);
        mStroke.last = imagePos;
        paintStroke(imagePos);
        return;
    }
    }
}

void MainWindow::onPointerDragged(const QPointF& imagePos)
{
    if (mStroke.active) paintStroke(imagePos);
    if (mDraggingVertex) {
        mPolygons[mActivePolygon][mActiveVertex] = imagePos;
        mCanvas->setEditPolygons(mPolygons, mActivePolygon, mActiveVertex);
    }
}

void MainWindow::paintStroke(const QPointF& to)
{
    const int value = mTool == Tool::Eraser ? 0 : 255;
    const cv::Point a(int(std::lround(mStroke.last.x() - 0.5)), int(std::lround(mStroke.last.y() - 0.5)));
    const cv::Point b(int(std::lround(to.x() - 0.5)), int(std::lround(to.y() - 0.5)));
    cv::line(mStroke.mask, a, b, value, 2 * mBrushRadius + 1, cv::LINE_8);
    cv::circle(mStroke.mask, b, mBrushRadius, value, cv::FILLED, cv::LINE_8);
    mStroke.last = to;
    // The stroke shows live: the mask being painted replaces its layer (or is added on top).
    auto layers = mCanvas->maskLayers();
    const QColor color = mStroke.id ? categoryColor(mSession->project()->annotation(mStroke.id)->categoryId)
                                    : QColor(255, 255, 255);
    MaskLayer live = makeMaskLayer(mStroke.mask, color, mStroke.id);
    live.selected = true;
    auto it = std::find_if(layers.begin(), layers.end(), [&](const MaskLayer& l) { return mStroke.id && l.id == mStroke.id; });
    if (it != layers.end()) *it = live;
    else layers.append(live);
    mCanvas->setMaskLayers(layers);
}

void MainWindow::onPointerReleased(const QPointF& imagePos)
{
    if (mDraggingVertex) {
        mPolygons[mActivePolygon][mActiveVertex] = imagePos;
        mDraggingVertex = false;
        // A vertex inserted and not moved changes no pixel: it only joins the outline.
        if (mInsertedVertex && QLineF(imagePos, mInsertedAt).length() * mCanvas->screenPixelsPerImagePixel() < 2) {
            mPolygons[mActivePolygon][mActiveVertex] = mInsertedAt;
            mCanvas->setEditPolygons(mPolygons, mActivePolygon, mActiveVertex);
            return;
        }
        if (mPolygons != mPolygonsBefore)
            commitPolygonEdit(mPolygonsBefore, mInsertedVertex ? tr("Insert vertex") : tr("Move vertex"));
        return;
    }
    if (!mStroke.active) return;
    paintStroke(imagePos);
    mStroke.active = false;
    QString error;
    if (mStroke.id) {
        const bool empty = cv::countNonZero(mStroke.mask) == 0;
        const bool ok = empty ? mSession->removeAnnotation(mStroke.id, &error)
                              : mSession->replaceMask(mStroke.id, mStroke.mask,
                                                      mTool == Tool::Eraser ? tr("Eraser stroke") : tr("Brush stroke"), &error);
        if (!ok) fail(error);
    } else {
        const qint64 id = mSession->addManualMask(mCurrentImagePath, mPromptBar->category(), mStroke.mask, &error);
        if (id == 0) fail(error);
        else selectAnnotation(id);
    }
    mStroke.mask.release();
    refreshOverlays();
}

void MainWindow::showShortcuts()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Keyboard Shortcuts"));
    auto* layout = new QVBoxLayout(&dialog);
    auto* table = new QTableWidget(0, 2, &dialog);
    table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    QList<QPair<QString, QString>> rows;
    for (const QAction* action : findChildren<QAction*>()) {
        if (action->shortcuts().isEmpty() || action->text().isEmpty()) continue;
        QStringList keys;
        for (const auto& key : action->shortcuts()) keys.append(key.toString(QKeySequence::NativeText));
        rows.append({QString(action->text()).remove(QLatin1Char('&')), keys.join(QStringLiteral(", "))});
    }
    rows.append({tr("Pan"), tr("Space + drag, or the middle button")});
    rows.append({tr("Zoom about the pointer"), tr("Wheel")});
    rows.append({tr("Run the prompt"), tr("Enter in the prompt box")});
    rows.append({tr("Cancel the running prompt"), tr("Esc in the prompt box")});
    std::sort(rows.begin(), rows.end());
    for (const auto& [name, keys] : rows) {
        const int row = table->rowCount();
        table->insertRow(row);
        table->setItem(row, 0, new QTableWidgetItem(name));
        table->setItem(row, 1, new QTableWidgetItem(keys));
    }
    layout->addWidget(table);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(520, 560);
    dialog.exec();
}

} // namespace rlfseg::ui
