#include "ui/MainWindow.h"

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

namespace {

// Refuses the absurd sizes of a corrupt or hostile header before any memory is spent on them;
// 8000 x 6000 (48 MP) opens easily. The same number as rlfseg::ImageLimits::maxPixels in
// core/io/ImageFile.h, so the studio shows exactly the images the core will segment; take it from
// there once this library links rlfseg_core.
constexpr qint64 kMaxPixels = 200'000'000;
// QImageReader's own guard (Qt's default, 256 MiB, refuses 8000 x 6000 at 16 bits per channel):
// room for kMaxPixels at 8 bytes per pixel (16-bit RGBA).
constexpr int kAllocationLimitMiB = int(kMaxPixels * 8 / (1024 * 1024)) + 1;

constexpr int kErrorMessageTimeoutMs = 15'000;
constexpr int kInfoMessageTimeoutMs = 5'000;
constexpr int kThumbnailSide = 48;
// Thumbnails load in slices of this many milliseconds, so the list stays responsive.
constexpr int kThumbnailSliceMs = 30;

// Every edit is journaled at once; the autosave only folds the journal into the project file.
constexpr int kAutosaveIntervalMs = 120'000;

constexpr int kPathRole = Qt::UserRole;
constexpr int kThumbnailLoadedRole = Qt::UserRole + 1;
constexpr int kAnnotationIdRole = Qt::UserRole + 2;

QString displayName(const QString& path) { return QFileInfo(path).fileName(); }

// File suffixes listed in folders and file dialogs: the formats the core reads
// (core/io/ImageFile.h), so that every listed image can be segmented, as far as Qt reads them too
// (TIFF and WebP need Qt's image format plugins, Debian's qt6-image-formats-plugins).
const QStringList& imageSuffixes()
{
    static const QStringList suffixes = [] {
        const QList<QByteArray> readable = QImageReader::supportedImageFormats();
        QStringList result;
        for (const char* suffix : {"png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp"}) {
            if (readable.contains(QByteArray(suffix)))
                result.append(QString::fromLatin1(suffix));
        }
        return result;
    }();
    return suffixes;
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);

    mCanvas = new ImageCanvas(this);
    mCanvas->setObjectName(QStringLiteral("imageCanvas"));
    setCentralWidget(mCanvas);

    createActions();
    createMenus();
    createStatusBar();
    createImageListDock();
    createPromptBar();

    mSession = new AnnotationSession(this);
    connect(mSession, &AnnotationSession::annotationsChanged, this, [this](const QString& path) {
        if (path == mCurrentImagePath) refreshOverlays();
        updateImageStates();
    });
    connect(mSession, &AnnotationSession::idChanged, this, [this](qint64 from, qint64 to) {
        if (mSelectedAnnotation == from) mSelectedAnnotation = to;
    });
    connect(mSession, &AnnotationSession::editFailed, this, [this](const QString& message) { fail(message); });
    createAnnotationDock();
    createExploreDock();
    createToolActions();
    mAutosaveTimer = new QTimer(this);
    mAutosaveTimer->setInterval(kAutosaveIntervalMs);
    connect(mAutosaveTimer, &QTimer::timeout, this, &MainWindow::autosave);
    mAutosaveTimer->start();

    mInference = new InferenceService(this);
    connectInference();

    connect(mCanvas, &ImageCanvas::zoomChanged, this, &MainWindow::updateStatusBar);

    updateStatusBar();
    updateWindowTitle();
    updateActions();
    resize(1100, 750);
}

MainWindow::~MainWindow()
{
    // The children outlive this class's part of the object while QWidget's destructor hides and
    // deletes them; their signals must not reach the slots of a half-destroyed window.
    mImageList->viewport()->removeEventFilter(this);
    mImageList->verticalScrollBar()->disconnect(this);
    mImageList->disconnect(this);
    mImageListDock->disconnect(this);
    mCanvas->disconnect(this);
    mThumbnailTimer->stop();
    mInference->disconnect(this);
    mSession->disconnect(this);
}

void MainWindow::createActions()
{
    mOpenImageAction = new QAction(tr("&Open Image…"), this);
    mOpenImageAction->setShortcut(QKeySequence::Open);
    connect(mOpenImageAction, &QAction::triggered, this, &MainWindow::chooseImage);

    mOpenFolderAction = new QAction(tr("Open &Folder…"), this);
    connect(mOpenFolderAction, &QAction::triggered, this, &MainWindow::chooseFolder);

    mQuitAction = new QAction(tr("&Quit"), this);
    mQuitAction->setShortcut(QKeySequence::Quit);
    mQuitAction->setMenuRole(QAction::QuitRole);
    connect(mQuitAction, &QAction::triggered, this, &QWidget::close);

    mZoomInAction = new QAction(tr("Zoom &In"), this);
    // Ctrl+= too: on US and similar layouts "+" needs Shift.
    mZoomInAction->setShortcuts({QKeySequence(QKeySequence::ZoomIn),
                                 QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    connect(mZoomInAction, &QAction::triggered, mCanvas, &ImageCanvas::zoomIn);

    mZoomOutAction = new QAction(tr("Zoom &Out"), this);
    mZoomOutAction->setShortcut(QKeySequence::ZoomOut);
    connect(mZoomOutAction, &QAction::triggered, mCanvas, &ImageCanvas::zoomOut);

    mFitToWindowAction = new QAction(tr("&Fit to Window"), this);
    mFitToWindowAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(mFitToWindowAction, &QAction::triggered, mCanvas, &ImageCanvas::fitToWindow);

    mActualSizeAction = new QAction(tr("&Actual Size"), this);
    mActualSizeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(mActualSizeAction, &QAction::triggered, mCanvas, &ImageCanvas::setActualSize);

    mSaveAction = new QAction(tr("&Save Project"), this);
    mSaveAction->setShortcut(QKeySequence::Save);
    mSaveAction->setToolTip(tr("Write the project file now (every edit is already kept in its journal)"));
    connect(mSaveAction, &QAction::triggered, this, &MainWindow::saveProject);

    mExportCocoAction = new QAction(tr("&Export COCO…"), this);
    mExportCocoAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(mExportCocoAction, &QAction::triggered, this, [this] {
        if (!mSession->isOpen()) {
            fail(tr("Open a folder of images first."));
            return;
        }
        const QString suggested = QFileInfo(mSession->projectPath()).absoluteDir().filePath(QStringLiteral("instances.json"));
        const QString path = QFileDialog::getSaveFileName(this, tr("Export COCO"), suggested, tr("COCO JSON (*.json)"));
        if (path.isEmpty()) return;
        const bool ok = exportCoco(path);
        QMessageBox box(ok ? QMessageBox::Information : QMessageBox::Warning, tr("Export COCO"),
                        ok ? tr("Exported.") : mLastError, QMessageBox::Ok, this);
        box.setDetailedText(mLastReport);
        box.exec();
    });

    mLoadModelAction = new QAction(tr("&Load Model Folder…"), this);
    mLoadModelAction->setToolTip(tr("A diffusers-layout Stable Diffusion 1.5/2.1 folder fine-tuned by rlfseg train, "
                                    "or any RLFSeg model folder"));
    connect(mLoadModelAction, &QAction::triggered, this, &MainWindow::chooseModelFolder);
    mDefaultModelAction = new QAction(tr("Use the &Default Model"), this);
    connect(mDefaultModelAction, &QAction::triggered, this, [this] {
        InferenceSettings settings = mInferenceSettings;
        settings.modelDirectory.clear();
        loadModel(settings);
    });
    // Undo and redo are created with the session (createAnnotationDock), which owns the stack.
    mDeleteMaskAction = new QAction(tr("&Delete Mask"), this);
    mDeleteMaskAction->setShortcuts({QKeySequence(QKeySequence::Delete), QKeySequence(Qt::Key_Backspace)});
    connect(mDeleteMaskAction, &QAction::triggered, this, [this] {
        if (!deleteActiveVertex()) deleteMask(mSelectedAnnotation);
    });
    mCleanUpAction = new QAction(tr("&Clean Up Mask"), this);
    mCleanUpAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    mCleanUpAction->setToolTip(tr("Refinement and dynamic selection: snap the boundary to image edges, remove "
                                  "specks and fill small holes (real holes stay)"));
    connect(mCleanUpAction, &QAction::triggered, this, [this] { cleanUpMask(mSelectedAnnotation); });
    mSetCategoryAction = new QAction(tr("Set Cate&gory"), this);
    mSetCategoryAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    mSetCategoryAction->setToolTip(tr("Give the selected mask the category chosen in the prompt bar"));
    connect(mSetCategoryAction, &QAction::triggered, this, [this] {
        QString error;
        if (mSelectedAnnotation && !mSession->setCategory(mSelectedAnnotation, mPromptBar->category(), &error)) fail(error);
    });

    mAutoAnnotateAction = new QAction(tr("&Auto-Annotate…"), this);
    mAutoAnnotateAction->setToolTip(tr("Run a list of “category: prompt” pairs on this image or on all images"));
    connect(mAutoAnnotateAction, &QAction::triggered, this, &MainWindow::chooseAutoAnnotate);
    mNextToReviewAction = new QAction(tr("&Next to Review"), this);
    mNextToReviewAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    mNextToReviewAction->setToolTip(tr("The auto-annotated image with the lowest-scoring mask"));
    connect(mNextToReviewAction, &QAction::triggered, this, &MainWindow::openNextToReview);
    mMarkReviewedAction = new QAction(tr("&Mark Reviewed"), this);
    mMarkReviewedAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(mMarkReviewedAction, &QAction::triggered, this, &MainWindow::markCurrentReviewed);

    mModelInfoAction = new QAction(tr("About &This Model…"), this);
    connect(mModelInfoAction, &QAction::triggered, this, &MainWindow::showModelInfo);

    mAboutAction = new QAction(tr("&About RLFSeg Studio…"), this);
    mAboutAction->setMenuRole(QAction::AboutRole);
    connect(mAboutAction, &QAction::triggered, this, &MainWindow::showAbout);

    mAboutQtAction = new QAction(tr("About &Qt…"), this);
    mAboutQtAction->setMenuRole(QAction::AboutQtRole);
    connect(mAboutQtAction, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createMenus()
{
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->setObjectName(QStringLiteral("fileMenu"));
    fileMenu->addAction(mOpenImageAction);
    fileMenu->addAction(mOpenFolderAction);
    fileMenu->addAction(mSaveAction);
    fileMenu->addAction(mExportCocoAction);
    QMenu* exportMenu = fileMenu->addMenu(tr("Export &As"));
    const struct {
        QString text;
        AnnotationSession::ExportFormat format;
    } formats[] = {{tr("labelme JSON…"), AnnotationSession::ExportFormat::Labelme},
                   {tr("YOLO Segmentation…"), AnnotationSession::ExportFormat::Yolo},
                   {tr("PNG Masks…"), AnnotationSession::ExportFormat::PngMasks}};
    for (const auto& f : formats) {
        const auto format = f.format;
        connect(exportMenu->addAction(f.text), &QAction::triggered, this, [this, format] {
            const QString dir = QFileDialog::getExistingDirectory(this, tr("Export Into Folder"), lastDirectory());
            if (dir.isEmpty()) return;
            QString report, error;
            if (mSession->exportOther(format, dir, &report, &error)) statusBar()->showMessage(report, kInfoMessageTimeoutMs);
            else fail(error);
        });
    }
    auto* importAction = fileMenu->addAction(tr("&Import COCO…"));
    connect(importAction, &QAction::triggered, this, [this] {
        if (!mSession->isOpen()) {
            fail(tr("Open the folder of the images first."));
            return;
        }
        const QString path = QFileDialog::getOpenFileName(this, tr("Import COCO"), lastDirectory(), tr("COCO JSON (*.json)"));
        if (!path.isEmpty()) importCoco(path);
    });
    fileMenu->addSeparator();
    fileMenu->addAction(mQuitAction);

    mViewMenu = menuBar()->addMenu(tr("&View"));
    mViewMenu->setObjectName(QStringLiteral("viewMenu"));
    mViewMenu->addAction(mZoomInAction);
    mViewMenu->addAction(mZoomOutAction);
    mViewMenu->addAction(mFitToWindowAction);
    mViewMenu->addAction(mActualSizeAction);
    // The image list's show/hide entry is added by createImageListDock().

    QMenu* modelMenu = menuBar()->addMenu(tr("&Model"));
    modelMenu->setObjectName(QStringLiteral("modelMenu"));
    modelMenu->addAction(mLoadModelAction);
    modelMenu->addAction(mDefaultModelAction);
    modelMenu->addSeparator();
    modelMenu->addAction(mAutoAnnotateAction);
    modelMenu->addAction(mNextToReviewAction);
    modelMenu->addAction(mMarkReviewedAction);
    modelMenu->addSeparator();
    modelMenu->addAction(mModelInfoAction);

    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->setObjectName(QStringLiteral("helpMenu"));
    helpMenu->addAction(mAboutAction);
    helpMenu->addAction(mAboutQtAction);
}

void MainWindow::createStatusBar()
{
    // Permanent widgets: messages (errors included) appear on the left without hiding them.
    mFileNameLabel = new QLabel(this);
    mFileNameLabel->setObjectName(QStringLiteral("fileNameLabel"));
    mImageSizeLabel = new QLabel(this);
    mImageSizeLabel->setObjectName(QStringLiteral("imageSizeLabel"));
    mZoomLabel = new QLabel(this);
    mZoomLabel->setObjectName(QStringLiteral("zoomLabel"));
    mZoomLabel->setMinimumWidth(mZoomLabel->fontMetrics().horizontalAdvance(QStringLiteral("00000 %")));
    mZoomLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    mModelProgress = new QProgressBar(this);
    mModelProgress->setObjectName(QStringLiteral("modelProgress"));
    mModelProgress->setMaximumWidth(160);
    mModelProgress->setTextVisible(false);
    mModelProgress->hide();
    mModelLabel = new QLabel(tr("No model"), this);
    mModelLabel->setObjectName(QStringLiteral("modelLabel"));
    mDeviceLabel = new QLabel(this);
    mDeviceLabel->setObjectName(QStringLiteral("deviceLabel"));
    mLatencyLabel = new QLabel(this);
    mLatencyLabel->setObjectName(QStringLiteral("latencyLabel"));
    statusBar()->addPermanentWidget(mModelProgress);
    statusBar()->addPermanentWidget(mModelLabel);
    statusBar()->addPermanentWidget(mDeviceLabel);
    statusBar()->addPermanentWidget(mLatencyLabel);
    statusBar()->addPermanentWidget(mFileNameLabel);
    statusBar()->addPermanentWidget(mImageSizeLabel);
    statusBar()->addPermanentWidget(mZoomLabel);
}

void MainWindow::createImageListDock()
{
    mImageList = new QListWidget(this);
    mImageList->setObjectName(QStringLiteral("imageList"));
    mImageList->setIconSize(QSize(kThumbnailSide, kThumbnailSide));
    mImageList->setUniformItemSizes(true);
    mImageList->setSelectionMode(QAbstractItemView::ExtendedSelection); // several, for auto-annotate
    mImageList->viewport()->installEventFilter(this);
    connect(mImageList, &QListWidget::currentRowChanged, this, &MainWindow::onImageListRowChanged);
    connect(mImageList->verticalScrollBar(), &QScrollBar::valueChanged, this,
            &MainWindow::scheduleThumbnails);

    mImageListDock = new QDockWidget(tr("Images"), this);
    mImageListDock->setObjectName(QStringLiteral("imageListDock"));
    mImageListDock->setWidget(mImageList);
    addDockWidget(Qt::LeftDockWidgetArea, mImageListDock);
    mImageListDock->hide();
    connect(mImageListDock, &QDockWidget::visibilityChanged, this, &MainWindow::scheduleThumbnails);

    mViewMenu->addSeparator();
    mViewMenu->addAction(mImageListDock->toggleViewAction());

    mThumbnailTimer = new QTimer(this);
    mThumbnailTimer->setSingleShot(true);
    mThumbnailTimer->setInterval(0);
    connect(mThumbnailTimer, &QTimer::timeout, this, &MainWindow::loadVisibleThumbnails);
}

QStringList MainWindow::imageNameFilters()
{
    QStringList filters;
    for (const QString& suffix : imageSuffixes())
        filters.append(QStringLiteral("*.") + suffix);
    return filters;
}

bool MainWindow::isImageFile(const QString& path)
{
    return imageSuffixes().contains(QFileInfo(path).suffix().toLower());
}

QImage MainWindow::readImage(const QString& path, QString* error, const QSize& boundingSize)
{
    const QFileInfo info(path);
    const QString name = info.fileName();
    const auto failWith = [error](const QString& message) {
        if (error)
            *error = message;
        return QImage();
    };
    if (!info.exists())
        return failWith(tr("“%1” does not exist.").arg(path));
    if (!info.isFile())
        return failWith(tr("“%1” is not a file.").arg(path));

    QImageReader reader(path);
    reader.setAllocationLimit(kAllocationLimitMiB);
    // Same orientation as the core's OpenCV reader, so masks line up with what the user sees.
    reader.setAutoTransform(true);
    if (!reader.canRead()) {
        return failWith(tr("Cannot open “%1”: not a supported image format, or the file is "
                           "damaged (%2).")
                            .arg(name, reader.errorString()));
    }
    const QSize size = reader.size();
    if (size.isValid() && qint64(size.width()) * size.height() > kMaxPixels) {
        return failWith(tr("Cannot open “%1”: the image is too large (%2 × %3 pixels); at most "
                           "%4 megapixels are supported.")
                            .arg(name)
                            .arg(size.width())
                            .arg(size.height())
                            .arg(kMaxPixels / 1'000'000));
    }
    if (boundingSize.isValid() && size.isValid())
        reader.setScaledSize(size.scaled(boundingSize, Qt::KeepAspectRatio).expandedTo(QSize(1, 1)));

    QImage image = reader.read();
    if (image.isNull())
        return failWith(tr("Cannot read “%1”: %2").arg(name, reader.errorString()));
    return image;
}

bool MainWindow::fail(const QString& message)
{
    mLastError = message;
    statusBar()->showMessage(message, kErrorMessageTimeoutMs);
    return false;
}

bool MainWindow::openImage(const QString& path)
{
    QString error;
    const QImage image = readImage(path, &error);
    if (image.isNull())
        return fail(error);

    mLastError.clear();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    // Work for the image being left is stale: drop it rather than make the user wait for it.
    if (!mCurrentImagePath.isEmpty() && mCurrentImagePath != absolute) mInference->cancelImage(mCurrentImagePath);
    if (mCurrentImagePath != absolute) mSelectedAnnotation = 0;
    mCurrentImagePath = absolute;
    openSessionFor(absolute);
    mCanvas->setImage(image);
    refreshOverlays();
    mPromptBar->setImageHistory(mSession->promptHistory(absolute));
    refreshExplore();
    selectListedImage(mCurrentImagePath);
    statusBar()->clearMessage();
    updateStatusBar();
    updateWindowTitle();
    updateActions();
    return true;
}

bool MainWindow::openFolder(const QString& dir)
{
    const QFileInfo info(dir);
    if (!info.isDir())
        return fail(tr("“%1” is not a folder.").arg(dir));
    if (!info.isReadable())
        return fail(tr("Cannot read the folder “%1”.").arg(dir));

    const QDir folder(info.absoluteFilePath());
    QStringList names = folder.entryList(imageNameFilters(), QDir::Files | QDir::Readable);
    if (names.isEmpty())
        return fail(tr("There are no images in “%1”.").arg(info.absoluteFilePath()));

    // Natural order: img2 before img10, as a file manager shows them. Qt's collator ignores the
    // numeric mode in the C locale (plain code-point order), so that one sorts as English.
    QCollator collator(locale().language() == QLocale::C ? QLocale(QLocale::English) : locale());
    collator.setNumericMode(true);
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    std::sort(names.begin(), names.end(), [&collator](const QString& a, const QString& b) {
        return collator.compare(a, b) < 0;
    });

    QStringList paths;
    paths.reserve(names.size());
    for (const QString& name : std::as_const(names))
        paths.append(folder.absoluteFilePath(name));

    setImageList(paths);
    setLastDirectory(folder.absolutePath());
    if (!openImage(paths.constFirst()))
        return false;
    statusBar()->showMessage(
        tr("%n image(s) in “%1”.", nullptr, int(paths.size())).arg(folder.dirName()),
        kInfoMessageTimeoutMs);
    return true;
}

bool MainWindow::openImages(const QStringList& paths)
{
    QStringList images;
    for (const QString& path : paths) {
        if (isImageFile(path))
            images.append(QFileInfo(path).absoluteFilePath());
    }
    images.removeDuplicates();
    if (images.isEmpty())
        return fail(tr("None of the given files is an image this program can open."));

    setImageList(images);
    return openImage(images.constFirst());
}

bool MainWindow::openPaths(const QStringList& paths)
{
    if (paths.isEmpty())
        return false;
    if (paths.size() == 1) {
        if (QFileInfo(paths.constFirst()).isDir())
            return openFolder(paths.constFirst());
        return openImage(paths.constFirst());
    }
    return openImages(paths);
}

void MainWindow::setImageList(const QStringList& paths)
{
    const QSignalBlocker blocker(mImageList);
    mImageList->clear();

    // A transparent placeholder keeps the names aligned until the thumbnails arrive.
    QPixmap placeholder(kThumbnailSide, kThumbnailSide);
    placeholder.fill(Qt::transparent);
    const QIcon placeholderIcon(placeholder);

    for (const QString& path : paths) {
        auto* item = new QListWidgetItem(placeholderIcon, displayName(path));
        item->setData(kPathRole, path);
        item->setData(kThumbnailLoadedRole, false);
        item->setToolTip(QDir::toNativeSeparators(path));
        mImageList->addItem(item);
    }
    mImageListDock->setVisible(!paths.isEmpty());
    scheduleThumbnails();
}

void MainWindow::selectListedImage(const QString& path)
{
    for (int row = 0; row < mImageList->count(); ++row) {
        if (mImageList->item(row)->data(kPathRole).toString() == path) {
            const QSignalBlocker blocker(mImageList);
            mImageList->setCurrentRow(row);
            mImageList->scrollToItem(mImageList->item(row));
            return;
        }
    }
    // An image from elsewhere: the list no longer describes what is shown.
    setImageList({});
}

void MainWindow::onImageListRowChanged(int row)
{
    QListWidgetItem* item = mImageList->item(row);
    if (!item)
        return;
    openImage(item->data(kPathRole).toString());
}

void MainWindow::scheduleThumbnails()
{
    if (mThumbnailTimer && mImageList->count() > 0)
        mThumbnailTimer->start();
}

void MainWindow::loadVisibleThumbnails()
{
    if (!mImageList->isVisible())
        return;

    QElapsedTimer slice;
    slice.start();
    const QRect viewport = mImageList->viewport()->rect();
    const QModelIndex first = mImageList->indexAt(viewport.topLeft());
    const qreal ratio = mImageList->devicePixelRatioF();
    const QSize bounds = QSize(kThumbnailSide, kThumbnailSide) * ratio;

    for (int row = first.isValid() ? first.row() : 0; row < mImageList->count(); ++row) {
        QListWidgetItem* item = mImageList->item(row);
        const QRect itemRect = mImageList->visualItemRect(item);
        if (itemRect.top() > viewport.bottom())
            break;
        if (!itemRect.intersects(viewport) || item->data(kThumbnailLoadedRole).toBool())
            continue;

        QString error;
        const QImage thumbnail = readImage(item->data(kPathRole).toString(), &error, bounds);
        if (thumbnail.isNull()) {
            item->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
            item->setToolTip(error);
        } else {
            // Centred on a square, so every row has the same height whatever the aspect ratio
            // (the list sizes all rows like one, and names stay aligned).
            QPixmap pixmap(bounds);
            pixmap.fill(Qt::transparent);
            QPainter painter(&pixmap);
            painter.drawImage((bounds.width() - thumbnail.width()) / 2,
                              (bounds.height() - thumbnail.height()) / 2, thumbnail);
            painter.end();
            pixmap.setDevicePixelRatio(ratio);
            item->setIcon(QIcon(pixmap));
        }
        item->setData(kThumbnailLoadedRole, true);

        if (slice.elapsed() > kThumbnailSliceMs) {
            mThumbnailTimer->start(); // the rest after pending events
            return;
        }
    }
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == mImageList->viewport() && event->type() == QEvent::Resize)
        scheduleThumbnails();
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::updateStatusBar()
{
    const QImage& image = mCanvas->image();
    if (image.isNull()) {
        mFileNameLabel->setText(tr("No image"));
        mImageSizeLabel->clear();
        mZoomLabel->clear();
        return;
    }
    mFileNameLabel->setText(displayName(mCurrentImagePath));
    mFileNameLabel->setToolTip(QDir::toNativeSeparators(mCurrentImagePath));
    mImageSizeLabel->setText(tr("%1 × %2 px").arg(image.width()).arg(image.height()));
    const double percent = mCanvas->zoom() * 100.0;
    QLocale numbers = locale();
    numbers.setNumberOptions(QLocale::OmitGroupSeparator);
    mZoomLabel->setText(tr("%1%").arg(numbers.toString(percent, 'f', percent < 10.0 ? 1 : 0)));
}

void MainWindow::updateWindowTitle()
{
    const QString application = QApplication::applicationDisplayName();
    if (mCurrentImagePath.isEmpty())
        setWindowTitle(application);
    else
        setWindowTitle(QStringLiteral("%1 — %2").arg(displayName(mCurrentImagePath), application));
}

void MainWindow::updateActions()
{
    const bool hasImage = mCanvas->hasImage();
    mZoomInAction->setEnabled(hasImage);
    mZoomOutAction->setEnabled(hasImage);
    mFitToWindowAction->setEnabled(hasImage);
    mActualSizeAction->setEnabled(hasImage);
}

QString MainWindow::lastDirectory() const
{
    const QSettings settings;
    return settings.value(QStringLiteral("MainWindow/lastDirectory"), QDir::homePath()).toString();
}

void MainWindow::setLastDirectory(const QString& dir)
{
    QSettings settings;
    settings.setValue(QStringLiteral("MainWindow/lastDirectory"), dir);
}

void MainWindow::chooseImage()
{
    const QString filter = tr("Images (%1)").arg(imageNameFilters().join(QLatin1Char(' '))) +
                           QStringLiteral(";;") + tr("All Files (*)");
    const QStringList paths =
        QFileDialog::getOpenFileNames(this, tr("Open Image"), lastDirectory(), filter);
    if (paths.isEmpty())
        return;
    setLastDirectory(QFileInfo(paths.constFirst()).absolutePath());
    openPaths(paths);
}

void MainWindow::chooseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Folder"), lastDirectory());
    if (!dir.isEmpty())
        openFolder(dir);
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About RLFSeg Studio"),
        tr("<h3>RLFSeg Studio %1</h3>"
           "<p>Text-prompted segmentation for annotating image data sets.</p>"
           "<p>Built with Qt %2.</p>")
            .arg(QString::fromLatin1(rlfseg::buildinfo::kVersion), QString::fromLatin1(qVersion())));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    const bool acceptable = std::any_of(urls.begin(), urls.end(), [](const QUrl& url) {
        if (!url.isLocalFile())
            return false;
        const QString path = url.toLocalFile();
        return QFileInfo(path).isDir() || isImageFile(path);
    });
    if (acceptable)
        event->acceptProposedAction();
    else
        event->ignore();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    const QList<QUrl> urls = event->mimeData()->urls();
    for (const QUrl& url : urls) {
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    }
    if (paths.isEmpty()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    openPaths(paths);
}

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
        SettingsDialog dialog(before, this);
        if (dialog.exec() != QDialog::Accepted) return;
        const StudioSettings after = dialog.settings();
        after.save();
        const auto& a = after.inference;
        const auto& b = before.inference;
        if (a.modelDirectory != b.modelDirectory || a.device != b.device || a.threads != b.threads ||
            a.sampler != b.sampler || a.threshold != b.threshold || !mInference->modelReady())
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

namespace {
// The image on the canvas as an OpenCV RGB matrix sharing `holder`'s pixels.
cv::Mat rgbOf(const QImage& image, QImage& holder)
{
    holder = image.convertToFormat(QImage::Format_RGB888);
    return cv::Mat(holder.height(), holder.width(), CV_8UC3, const_cast<uchar*>(holder.constBits()),
                   static_cast<size_t>(holder.bytesPerLine()));
}
} // namespace

bool MainWindow::cleanUpMask(qint64 id, int candidate)
{
    if (id == 0) return fail(tr("Select a mask first."));
    const cv::Mat mask = mSession->maskOf(id);
    if (mask.empty()) return fail(tr("There is no mask %1.").arg(id));
    QImage holder;
    const cv::Mat rgb = rgbOf(mCanvas->image(), holder);
    if (rgb.cols != mask.cols || rgb.rows != mask.rows)
        return fail(tr("The image on screen does not have the mask's size; reopen it."));
    try {
        const auto result = refine::refineMask(rgb, mask);
        if (!result.best()) return fail(tr("Clean up found no object in the mask."));
        QVector<CandidatePoint> candidates;
        for (const auto& c : result.candidates) candidates.append({QString::fromStdString(c.name), c.score});
        const int chosen = candidate >= 0 ? candidate : result.selected;
        if (chosen >= int(result.candidates.size())) return fail(tr("There is no candidate %1.").arg(chosen));
        mPlots->setCandidates(candidates, chosen);
        QString error;
        if (!mSession->replaceMask(id, result.mask(size_t(chosen)), tr("Clean up"), &error)) return fail(error);
        statusBar()->showMessage(candidate >= 0 ? tr("Cleaned up: %1 (chosen)").arg(candidates[chosen].name)
                                                : tr("Cleaned up: %1").arg(QString::fromStdString(result.reason)),
                                 kInfoMessageTimeoutMs);
        return true;
    } catch (const std::exception& e) {
        return fail(tr("Clean up failed: %1").arg(QString::fromStdString(e.what())));
    }
}

void MainWindow::chooseCleanUpCandidate(qint64 id)
{
    if (id == 0) {
        fail(tr("Select a mask first."));
        return;
    }
    const cv::Mat mask = mSession->maskOf(id);
    QImage holder;
    const cv::Mat rgb = rgbOf(mCanvas->image(), holder);
    if (mask.empty() || rgb.cols != mask.cols || rgb.rows != mask.rows) return;
    refine::RefinementResult result;
    try {
        result = refine::refineMask(rgb, mask);
    } catch (const std::exception& e) {
        fail(QString::fromStdString(e.what()));
        return;
    }
    if (!result.best()) {
        fail(tr("Clean up found no object in the mask."));
        return;
    }
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
    if (dialog.exec() == QDialog::Accepted && list->currentRow() >= 0) cleanUpMask(id, list->currentRow());
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
        mPlots->setSoftMask(outcome.soft, mInferenceSettings.threshold, outcome.prompt);
        refreshExplore();
    }
    if (!found)
        statusBar()->showMessage(tr("“%1”: the model found nothing.").arg(outcome.prompt), kInfoMessageTimeoutMs);
    emit maskShown(id, outcome.latencyMs);
}

void MainWindow::refreshOverlays()
{
    auto layers = mSession->layersFor(mCurrentImagePath);
    for (auto& layer : layers) layer.selected = layer.id == mSelectedAnnotation;
    mCanvas->setMaskLayers(layers);
    refreshAnnotationList();
    refreshEditPolygons();
}

void MainWindow::openSessionFor(const QString& imagePath)
{
    const QString folder = QFileInfo(imagePath).absolutePath();
    if (mSession->isOpen() && mSession->projectPath() == AnnotationSession::projectFileFor(folder)) return;
    autosave();
    QString error;
    const auto recover = [this, folder](int edits) {
        if (!mAskBeforeRecovery) return true;
        QMessageBox box(QMessageBox::Question, tr("Recover unsaved work"),
                        tr("The last session in “%1” ended without saving. Its %n edit(s) are in the journal.", nullptr, edits)
                            .arg(QDir::toNativeSeparators(folder)),
                        QMessageBox::NoButton, this);
        box.setInformativeText(tr("Recover them? Discarding deletes them for good."));
        QPushButton* recoverButton = box.addButton(tr("Recover"), QMessageBox::AcceptRole);
        box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
        box.setDefaultButton(recoverButton);
        box.exec();
        return box.clickedButton() == recoverButton;
    };
    if (!mSession->openFolder(folder, &error, recover)) {
        mSession->close();
        fail(error);
        return;
    }
    mPromptBar->setCategories(mSession->categoryNames());
    updateImageStates();
    if (mSession->recoveredEdits() > 0)
        statusBar()->showMessage(tr("Recovered %n unsaved edit(s) from the last session.", nullptr,
                                    mSession->recoveredEdits()),
                                 kInfoMessageTimeoutMs);
}

bool MainWindow::saveProject()
{
    QString error;
    if (!mSession->save(&error)) return fail(error);
    if (mSession->project()) statusBar()->showMessage(tr("Project saved."), kInfoMessageTimeoutMs);
    return true;
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

void MainWindow::updateImageStates()
{
    for (int row = 0; row < mImageList->count(); ++row) {
        QListWidgetItem* item = mImageList->item(row);
        const QString path = item->data(kPathRole).toString();
        const QString state = mSession->isOpen() ? mSession->reviewState(path) : QStringLiteral("new");
        const QString name = displayName(path);
        if (state == QLatin1String("auto")) {
            item->setText(tr("%1 (auto)").arg(name));
            item->setForeground(QColor(0x1f, 0x5f, 0xbf));
        } else if (state == QLatin1String("reviewed")) {
            item->setText(tr("%1 ✓").arg(name));
            item->setForeground(QColor(0x2e, 0x7d, 0x32));
        } else {
            item->setText(name);
            item->setForeground(palette().color(QPalette::Text));
        }
    }
}

bool MainWindow::importCoco(const QString& path)
{
    QString error;
    mLastReport.clear();
    if (!mSession->importCoco(path, &mLastReport, &error)) return fail(error);
    statusBar()->showMessage(mLastReport, kInfoMessageTimeoutMs);
    refreshOverlays();
    updateImageStates();
    return true;
}

bool MainWindow::exportCoco(const QString& path)
{
    mLastReport.clear();
    QString error;
    if (!mSession->exportCoco(path, &mLastReport, &error)) return fail(error);
    statusBar()->showMessage(mLastReport.section(QLatin1Char('\n'), 0, 0), kInfoMessageTimeoutMs);
    return true;
}

void MainWindow::autosave()
{
    if (!mSession->modified()) return;
    QString error;
    if (!mSession->save(&error)) fail(error); // the journal still holds every edit
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    mInference->cancelAll();
    autosave();
    event->accept();
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
    if (!info.description.isEmpty()) text += QStringLiteral("<p>%1</p>").arg(info.description.toHtmlEscaped());
    if (!info.warning.isEmpty()) text += QStringLiteral("<p><b>%1</b></p>").arg(info.warning.toHtmlEscaped());
    text += tr("<p>To use another model, choose Model › Load Model Folder… and pick a diffusers-layout folder "
               "(for example a Stable Diffusion 1.5 or 2.1 folder fine-tuned with <code>rlfseg train --init</code>).</p>");
    QMessageBox::information(this, tr("About This Model"), text);
}

} // namespace rlfseg::ui
