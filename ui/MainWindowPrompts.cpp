// MainWindow: the prompt bar and the inference service, results, prompt exploration (history,
// compare, plots), auto-annotation and review, and the model menu.

#include "ui/MainWindow.h"
#include "ui/MainWindowPrivate.h"

#include "rlfseg/BuildInfo.h"
#include "core/annotation/BatchAnnotation.h"
#include "core/annotation/Project.h"
#include "core/refine/Refinement.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/canvas/PolygonEditing.h"
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
#include <utility>

namespace rlfseg::ui {

using namespace mainwindow;

void MainWindow::createExploreDock()
{
    mHistory = new PromptHistoryPanel(this);
    mPlots = new PromptPlots(this);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(mHistory);
    splitter->addWidget(mPlots);
    mExploreDock = new QDockWidget(tr("Prompts"), this);
    mExploreDock->setObjectName(QStringLiteral("exploreDock"));
    mExploreDock->setWidget(splitter);
    addDockWidget(Qt::RightDockWidgetArea, mExploreDock);
    mViewMenu->addAction(mExploreDock->toggleViewAction());
    connect(mHistory, &PromptHistoryPanel::runAgain, this, [this](const QString& prompt) {
        mPromptBar->setPrompt(prompt);
        runPrompt(prompt, mPromptBar->category());
    });
    connect(mHistory, &PromptHistoryPanel::compare, this, &MainWindow::showCompare);
    connect(mHistory, &PromptHistoryPanel::exportPlot, this, &MainWindow::chooseExportPlot);
}

void MainWindow::refreshExplore()
{
    const auto rows = mSession->promptRecords(mCurrentImagePath);
    mHistory->setRows(rows);
    const QSize size = mCanvas->image().size();
    const double pixels = std::max(1.0, double(size.width()) * size.height());
    QVector<PromptPoint> points;
    for (const auto& r : rows) points.append({r.prompt, r.score, double(r.area) / pixels});
    mPlots->setPrompts(points);
}

QImage MainWindow::compareImage(const QStringList& prompts) const
{
    const QImage& image = mCanvas->image();
    if (image.isNull() || prompts.isEmpty()) return {};
    constexpr int kTileHeight = 320, kCaption = 28;
    const QImage base = image.scaledToHeight(kTileHeight, Qt::SmoothTransformation).convertToFormat(QImage::Format_RGB32);
    const double scale = double(base.height()) / image.height();
    const int n = static_cast<int>(std::min<qsizetype>(prompts.size(), 4));
    QImage out(base.width() * n + 8 * (n - 1), kTileHeight + kCaption, QImage::Format_RGB32);
    out.fill(palette().color(QPalette::Window));
    QPainter painter(&out);
    painter.setRenderHint(QPainter::Antialiasing);
    for (int i = 0; i < n; ++i) {
        const int x = i * (base.width() + 8);
        painter.drawImage(x, 0, base);
        const qint64 id = mSession->latestAnnotationFor(mCurrentImagePath, prompts[i]);
        QString caption = prompts[i];
        if (id != 0) {
            const MaskLayer layer = makeMaskLayer(mSession->maskOf(id), QColor(30, 200, 90), id);
            painter.save();
            painter.translate(x, 0);
            painter.scale(scale, scale);
            painter.drawImage(layer.offset, layer.tint);
            QPen pen(QColor(10, 120, 50), 2.0);
            pen.setCosmetic(true);
            painter.setPen(pen);
            painter.drawPath(layer.outline);
            painter.restore();
            caption += tr(" (score %1)").arg(mSession->scoreOf(id), 0, 'f', 2);
        } else {
            caption += tr(" (no mask left)");
        }
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(x, kTileHeight, base.width(), kCaption), Qt::AlignCenter | Qt::TextSingleLine,
                         painter.fontMetrics().elidedText(caption, Qt::ElideRight, base.width()));
    }
    return out;
}

void MainWindow::showCompare(const QStringList& prompts)
{
    const QImage image = compareImage(prompts);
    if (image.isNull()) return;
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Compare prompts"));
    auto* layout = new QVBoxLayout(dialog);
    auto* label = new QLabel(dialog);
    label->setPixmap(QPixmap::fromImage(image));
    auto* scroll = new QScrollArea(dialog);
    scroll->setWidget(label);
    layout->addWidget(scroll);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    layout->addWidget(buttons);
    dialog->resize(std::min(image.width() + 40, 1400), image.height() + 90);
    dialog->show();
}

void MainWindow::chooseExportPlot()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Plot"), lastDirectory(),
                                                      tr("PNG image (*.png);;PDF document (*.pdf)"));
    if (path.isEmpty()) return;
    const int tab = mPlots->findChild<QTabWidget*>()->currentIndex();
    if (!mPlots->exportPlot(static_cast<PromptPlots::Plot>(tab), path))
        fail(tr("Cannot write “%1”.").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::createPromptBar()
{
    mPromptBar = new PromptBar(this);
    auto* toolBar = new QToolBar(tr("Prompt"), this);
    toolBar->setObjectName(QStringLiteral("promptToolBar"));
    toolBar->setMovable(false);
    toolBar->addWidget(mPromptBar);
    addToolBar(Qt::TopToolBarArea, toolBar);
    connect(mPromptBar, &PromptBar::submitted, this, &MainWindow::onPromptSubmitted);
    connect(mPromptBar, &PromptBar::cancelRequested, this, [this] {
        if (!mCurrentImagePath.isEmpty()) mInference->cancelImage(mCurrentImagePath);
    });
}

void MainWindow::connectInference()
{
    connect(mInference, &InferenceService::modelLoading, this, [this](int step, int steps, const QString& what) {
        mModelProgress->setRange(0, steps);
        mModelProgress->setValue(step);
        mModelProgress->setVisible(step < steps);
        mModelLabel->setText(tr("Model: %1…").arg(what));
    });
    connect(mInference, &InferenceService::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(mInference, &InferenceService::modelLoadFailed, this, [this](const QString& message) {
        mModelProgress->hide();
        mPromptBar->setReady(mInference->modelReady());
        mModelLabel->setText(mInference->modelReady() ? tr("Model: %1").arg(mInference->modelInfo().name)
                                                      : tr("No model"));
        fail(tr("The model could not be loaded: %1").arg(message));
    });
    connect(mInference, &InferenceService::resultReady, this, &MainWindow::onSegmentResult);
    connect(mInference, &InferenceService::requestFailed, this, [this](quint64 id, const QString& message) {
        if (mBatch.categories.contains(id)) {
            onBatchResult(id, nullptr, message);
            return;
        }
        mRequestCategories.remove(id);
        fail(tr("Segmentation failed: %1").arg(message));
    });
    connect(mInference, &InferenceService::requestDropped, this, [this](quint64 id) {
        mRequestCategories.remove(id);
        if (mBatch.categories.remove(id) && mBatch.categories.isEmpty()) finishBatch();
    });
    connect(mInference, &InferenceService::busyChanged, mPromptBar, &PromptBar::setBusy);
}

void MainWindow::loadModel(const InferenceSettings& settings)
{
    mInferenceSettings = settings;
    mPromptBar->setReady(false);
    mModelProgress->setRange(0, 0);
    mModelProgress->show();
    mModelLabel->setText(tr("Model: loading…"));
    mInference->loadModel(settings);
}

void MainWindow::onModelLoaded(const ModelInfo& info)
{
    mModelProgress->hide();
    mPromptBar->setReady(true);
    mModelLabel->setText(tr("Model: %1").arg(info.name));
    QString tip = tr("%1\nFolder: %2").arg(info.name, QDir::toNativeSeparators(info.directory));
    if (!info.trainedOn.isEmpty()) tip += tr("\nTrained on: %1").arg(info.trainedOn);
    if (!info.isRlfsegModel) tip += tr("\nA plain Stable Diffusion folder: not trained for segmentation.");
    mModelLabel->setToolTip(tip);
    mDeviceLabel->setText(info.warning.isEmpty() ? info.device : tr("⚠ %1").arg(info.device));
    mDeviceLabel->setToolTip(info.warning);
    mDeviceLabel->setStyleSheet(info.warning.isEmpty() ? QString() : QStringLiteral("color: #b00020;"));
    statusBar()->showMessage(info.warning.isEmpty()
                                 ? tr("Model “%1” loaded in %2 s on %3.")
                                       .arg(info.name)
                                       .arg(info.loadMs / 1000.0, 0, 'f', 1)
                                       .arg(info.device)
                                 : info.warning,
                             kInfoMessageTimeoutMs);
}

bool MainWindow::runPrompt(const QString& prompt, const QString& category)
{
    if (mCurrentImagePath.isEmpty()) return fail(tr("Open an image first."));
    if (!mInference->modelReady())
        return fail(mInference->isModelLoading() ? tr("The model is still loading.") : tr("No model is loaded."));
    const QString text = prompt.simplified();
    if (text.isEmpty()) return fail(tr("Type what to segment first."));
    const quint64 id = mInference->segment(mCurrentImagePath, text);
    if (id == 0) return false;
    mRequestCategories.insert(id, category.simplified());
    mPromptBar->rememberPrompt(text);
    return true;
}

void MainWindow::onPromptSubmitted(const QString& category, const QString& prompt) { runPrompt(prompt, category); }

void MainWindow::onSegmentResult(const SegmentOutcome& outcome)
{
    if (mBatch.categories.contains(outcome.id)) {
        onBatchResult(outcome.id, &outcome, {});
        return;
    }
    const QString category = mRequestCategories.take(outcome.id);
    QString error;
    // An empty mask is no annotation; the prompt still goes into the image's history.
    const bool found = cv::countNonZero(outcome.mask) > 0;
    const qint64 id = found ? mSession->addModelMask(outcome.imagePath, category, outcome, mInference->modelInfo().name, &error)
                            : 0;
    if (found ? id == 0 : !mSession->recordPrompt(outcome.imagePath, outcome, mInference->modelInfo().name, &error)) {
        fail(error);
        return;
    }
    if (id && mAutoCleanUpAction->isChecked() && outcome.imagePath == mCurrentImagePath) cleanUpMask(id);
    if (outcome.imagePath == mCurrentImagePath) {
        if (id) selectAnnotation(id);
        mPromptBar->setImageHistory(mSession->promptHistory(outcome.imagePath));
        mPromptBar->setCategories(mSession->categoryNames());
    }
    mLatencyLabel->setText(tr("%1 ms").arg(outcome.latencyMs, 0, 'f', 0));
    mLatencyLabel->setToolTip(tr("Prompt to mask: %1 ms (the model: %2 ms; image latent %3)")
                                  .arg(outcome.latencyMs, 0, 'f', 0)
                                  .arg(outcome.computeMs, 0, 'f', 0)
                                  .arg(outcome.imageLatentCached ? tr("cached") : tr("computed")));
    mPlots->addLatency(outcome.latencyMs);
    if (outcome.imagePath == mCurrentImagePath) {
        mPlots->setSoftMask(outcome.soft, outcome.threshold, outcome.prompt);
        refreshExplore();
    }
    if (!found)
        statusBar()->showMessage(tr("“%1”: the model found nothing.").arg(outcome.prompt), kInfoMessageTimeoutMs);
    emit maskShown(id, outcome.latencyMs);
}

bool MainWindow::autoAnnotate(const QStringList& imagePaths, const QList<QPair<QString, QString>>& prompts)
{
    if (autoAnnotating()) return fail(tr("An auto-annotation run is still going."));
    if (!mInference->modelReady()) return fail(tr("No model is loaded."));
    if (imagePaths.isEmpty() || prompts.isEmpty()) return fail(tr("Nothing to auto-annotate."));
    // The project of the first image's folder collects the results (the image list is one folder).
    openSessionFor(imagePaths.constFirst());
    mBatch = Batch{};
    for (const QString& image : imagePaths)
        for (const auto& [category, prompt] : prompts) {
            const quint64 id = mInference->segmentInBatch(image, prompt);
            if (id) mBatch.categories.insert(id, category);
        }
    mBatch.total = static_cast<int>(mBatch.categories.size());
    mBatch.clock.start();
    mBatch.dialog = new QProgressDialog(tr("Auto-annotating…"), tr("Cancel"), 0, mBatch.total, this);
    mBatch.dialog->setObjectName(QStringLiteral("autoAnnotateProgress"));
    mBatch.dialog->setWindowTitle(tr("Auto-Annotate"));
    mBatch.dialog->setMinimumDuration(0);
    mBatch.dialog->setAutoClose(false);
    mBatch.dialog->setAutoReset(false);
    mBatch.dialog->setValue(0);
    connect(mBatch.dialog, &QProgressDialog::canceled, this, &MainWindow::cancelAutoAnnotate);
    mBatch.dialog->show();
    return true;
}

void MainWindow::cancelAutoAnnotate()
{
    if (!autoAnnotating()) return;
    mBatch.cancelled = true;
    mInference->cancelBatch(); // requestDropped for each; the last one finishes the batch
}

void MainWindow::onBatchResult(quint64 id, const SegmentOutcome* outcome, const QString& error)
{
    const QString category = mBatch.categories.take(id);
    ++mBatch.done;
    if (outcome) {
        QString why;
        const int added = mSession->addBatchResult(outcome->imagePath, category, *outcome, mInference->modelInfo().name, &why);
        if (added < 0) ++mBatch.failures, mLastError = why;
        else mBatch.masks += added;
    } else {
        ++mBatch.failures;
        mLastError = error;
    }
    if (mBatch.dialog) {
        mBatch.dialog->setValue(mBatch.done);
        const double perRequest = double(mBatch.clock.elapsed()) / mBatch.done;
        const int secondsLeft = int(perRequest * (mBatch.total - mBatch.done) / 1000.0 + 0.5);
        mBatch.dialog->setLabelText(tr("Auto-annotating: %1 of %2 done, %3 masks; about %4:%5 left")
                                        .arg(mBatch.done)
                                        .arg(mBatch.total)
                                        .arg(mBatch.masks)
                                        .arg(secondsLeft / 60)
                                        .arg(secondsLeft % 60, 2, 10, QLatin1Char('0')));
    }
    if (mBatch.categories.isEmpty()) finishBatch();
}

void MainWindow::finishBatch()
{
    if (mBatch.dialog) {
        mBatch.dialog->disconnect(this);
        mBatch.dialog->close();
        mBatch.dialog->deleteLater();
        mBatch.dialog = nullptr;
    }
    const QString summary =
        mBatch.cancelled
            ? tr("Auto-annotation cancelled after %1 of %2 requests: %3 masks.").arg(mBatch.done).arg(mBatch.total).arg(mBatch.masks)
            : tr("Auto-annotation done: %1 masks from %2 requests.").arg(mBatch.masks).arg(mBatch.total);
    statusBar()->showMessage(mBatch.failures > 0 ? summary + QLatin1Char(' ') + tr("%n failed (last: %1)", nullptr, mBatch.failures).arg(mLastError)
                                                 : summary,
                             kInfoMessageTimeoutMs);
    refreshOverlays();
    emit autoAnnotateFinished(mBatch.done, mBatch.masks, mBatch.cancelled);
}

void MainWindow::chooseAutoAnnotate()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Auto-Annotate"));
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(new QLabel(tr("One “category: prompt” per line, for example\n"
                                    "circle: the circles\nstar: every star"),
                                 &dialog));
    auto* text = new QPlainTextEdit(&dialog);
    QSettings settings;
    text->setPlainText(settings.value(QStringLiteral("AutoAnnotate/prompts")).toString());
    layout->addWidget(text);
    auto* all = new QRadioButton(tr("All %n image(s) in the list", nullptr, std::max(1, mImageList->count())), &dialog);
    const int selectedCount = static_cast<int>(mImageList->selectedItems().size());
    auto* selected = new QRadioButton(tr("The %n selected image(s)", nullptr, std::max(1, selectedCount)), &dialog);
    selected->setEnabled(selectedCount > 1);
    auto* current = new QRadioButton(tr("This image only"), &dialog);
    (selectedCount > 1 ? selected : mImageList->count() > 1 ? all : current)->setChecked(true);
    layout->addWidget(all);
    layout->addWidget(selected);
    layout->addWidget(current);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted) return;
    settings.setValue(QStringLiteral("AutoAnnotate/prompts"), text->toPlainText());

    QList<QPair<QString, QString>> prompts;
    try {
        for (const auto& entry : annotation::parsePrompts(text->toPlainText().toStdString(), tr("the prompt list").toStdString()))
            prompts.append({QString::fromStdString(entry.category), QString::fromStdString(entry.prompt)});
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return;
    }
    QStringList images;
    if (all->isChecked() && mImageList->count() > 0)
        for (int row = 0; row < mImageList->count(); ++row) images.append(mImageList->item(row)->data(kPathRole).toString());
    else if (selected->isChecked())
        for (const QListWidgetItem* item : mImageList->selectedItems()) images.append(item->data(kPathRole).toString());
    else if (!mCurrentImagePath.isEmpty())
        images.append(mCurrentImagePath);
    autoAnnotate(images, prompts);
}

bool MainWindow::openNextToReview()
{
    const QStringList queue = mSession->reviewQueue();
    for (const QString& path : queue)
        if (path != mCurrentImagePath) return openImage(path);
    if (!queue.isEmpty()) return true; // only the current one is left
    statusBar()->showMessage(tr("Nothing left to review."), kInfoMessageTimeoutMs);
    return false;
}

bool MainWindow::markCurrentReviewed()
{
    if (mCurrentImagePath.isEmpty()) return fail(tr("Open an image first."));
    QString error;
    if (!mSession->markReviewed(mCurrentImagePath, &error)) return fail(error);
    return true;
}

void MainWindow::chooseModelFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Load Model Folder"), lastDirectory());
    if (dir.isEmpty()) return;
    InferenceSettings settings = mInferenceSettings;
    settings.modelDirectory = dir;
    loadModel(settings);
}

void MainWindow::showModelInfo()
{
    if (!mInference->modelReady()) {
        QMessageBox::information(this, tr("About This Model"), tr("No model is loaded yet."));
        return;
    }
    const ModelInfo& info = mInference->modelInfo();
    QString text = tr("<h3>%1</h3><p>Folder: %2</p><p>Runs on: %3 (input %4 px)</p>")
                       .arg(info.name.toHtmlEscaped(), QDir::toNativeSeparators(info.directory).toHtmlEscaped(),
                            info.device.toHtmlEscaped())
                       .arg(info.resolution);
    if (!info.trainedOn.isEmpty()) text += tr("<p>Trained on: %1</p>").arg(info.trainedOn.toHtmlEscaped());
    const QString modelThreshold = info.thresholdSource.isEmpty()
                                       ? QString::number(info.modelThreshold, 'f', 2)
                                       : tr("%1, calibrated (%2)")
                                             .arg(info.modelThreshold, 0, 'f', 2)
                                             .arg(info.thresholdSource.toHtmlEscaped());
    text += !info.thresholdOverridden
                ? tr("<p>Mask threshold: %1</p>").arg(modelThreshold)
                : tr("<p>Mask threshold: %1, set in Settings (the model's: %2)</p>")
                      .arg(info.threshold, 0, 'f', 2)
                      .arg(modelThreshold);
    if (!info.modelEdgeSnap.isEmpty())
        text += info.edgeSnapOff
                    ? tr("<p>Edge snap: off in Settings (the model's: %1)</p>").arg(info.modelEdgeSnap)
                    : tr("<p>Edge snap: %1 (%2)</p>").arg(info.modelEdgeSnap, info.edgeSnapSource.toHtmlEscaped());
    if (!info.description.isEmpty()) text += QStringLiteral("<p>%1</p>").arg(info.description.toHtmlEscaped());
    if (!info.warning.isEmpty()) text += QStringLiteral("<p><b>%1</b></p>").arg(info.warning.toHtmlEscaped());
    text += tr("<p>To use another model, choose Model › Load Model Folder… and pick a diffusers-layout folder "
               "(for example a Stable Diffusion 1.5 or 2.1 folder fine-tuned with <code>rlfseg train --init</code>).</p>");
    QMessageBox::information(this, tr("About This Model"), text);
}

} // namespace rlfseg::ui
