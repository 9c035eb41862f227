#include "ui/MainWindow.h"
#include "ui/MainWindowPrivate.h"

#include "rlfseg/BuildInfo.h"
#include "core/annotation/BatchAnnotation.h"
#include "core/annotation/Project.h"
#include "core/refine/Refinement.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/common/LongTask.h"
#include "ui/common/ThumbnailLoader.h"
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

namespace {

// Refuses the absurd sizes of a corrupt or hostile header before any memory is spent on them;
// 8000 x 6000 (48 MP) opens easily. The same number as rlfseg::ImageLimits::maxPixels in
// core/io/ImageFile.h, so the studio shows exactly the images the core will segment; take it from
// there once this library links rlfseg_core.
constexpr qint64 kMaxPixels = 200'000'000;
// QImageReader's own guard (Qt's default, 256 MiB, refuses 8000 x 6000 at 16 bits per channel):
// room for kMaxPixels at 8 bytes per pixel (16-bit RGBA).
constexpr int kAllocationLimitMiB = int(kMaxPixels * 8 / (1024 * 1024)) + 1;

constexpr int kThumbnailSide = 48;
constexpr qint64 kReadInPlaceMaxPixels = 4'000'000;

// Every edit is journaled at once; the periodic save only folds the journal into the project file.
constexpr int kAutosaveIntervalMs = 120'000;


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
    mSession->setLongTaskRunner(
        [this](const QString& what, const std::function<void()>& work) { runLongTask(this, what, work); });
    connect(mSession, &AnnotationSession::annotationsChanged, this, [this](const QString& path) {
        if (path.isEmpty() || path == mCurrentImagePath) refreshOverlays();
        updateImageStates();
    });
    connect(mSession, &AnnotationSession::idChanged, this, [this](qint64 from, qint64 to) {
        if (mSelectedAnnotation == from) mSelectedAnnotation = to;
    });
    connect(mSession, &AnnotationSession::editFailed, this, [this](const QString& message) { fail(message); });
    connect(mSession, &AnnotationSession::saveFailed, this, [this](const QString& message) {
        mSaveRequest = SaveRequest::None;
        fail(message);
    });
    connect(mSession, &AnnotationSession::savedInBackground, this, &MainWindow::onSavedInBackground);
    createAnnotationDock();
    createExploreDock();
    createToolActions();
    mAutosaveTimer = new QTimer(this);
    mAutosaveTimer->setInterval(kAutosaveIntervalMs);
    connect(mAutosaveTimer, &QTimer::timeout, this, &MainWindow::periodicSave);
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
    mThumbnails->disconnect(this);
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
    connect(mSaveAction, &QAction::triggered, this, &MainWindow::requestSave);

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
            const BusyCursor busy;
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
    connect(mThumbnailTimer, &QTimer::timeout, this, &MainWindow::requestVisibleThumbnails);
    mThumbnails = new ThumbnailLoader(&MainWindow::readImage, this);
    connect(mThumbnails, &ThumbnailLoader::loaded, this, &MainWindow::showThumbnail);
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

    // A process-wide setting in Qt 6: written once, before the first read on any thread.
    static const bool allocationLimitSet = (QImageReader::setAllocationLimit(kAllocationLimitMiB), true);
    Q_UNUSED(allocationLimitSet);
    QImageReader reader(path);
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
    QImage image;
    // An 8000 x 6000 PNG takes about half a second to decode here: on a long task's thread, so the
    // window keeps painting and answering. Small images are read at once (no event loop in between).
    const QSize size = QImageReader(path).size(); // the header only; invalid when unreadable
    if (qint64(size.width()) * size.height() > kReadInPlaceMaxPixels)
        runLongTask(this, tr("Opening “%1”…").arg(displayName(path)), [&] { image = readImage(path, &error); });
    else
        image = readImage(path, &error);
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
    mListedItems.clear();
    mThumbnails->want({}, {}); // the old list's thumbnails are not wanted any more

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
        mListedItems.insert(path, item);
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

void MainWindow::requestVisibleThumbnails()
{
    if (!mImageList->isVisible())
        return;
    const QRect viewport = mImageList->viewport()->rect();
    const QModelIndex first = mImageList->indexAt(viewport.topLeft());
    QStringList wanted;
    for (int row = first.isValid() ? first.row() : 0; row < mImageList->count(); ++row) {
        const QListWidgetItem* item = mImageList->item(row);
        const QRect itemRect = mImageList->visualItemRect(item);
        if (itemRect.top() > viewport.bottom())
            break;
        if (itemRect.intersects(viewport) && !item->data(kThumbnailLoadedRole).toBool())
            wanted.append(item->data(kPathRole).toString());
    }
    mThumbnails->want(wanted, QSize(kThumbnailSide, kThumbnailSide) * mImageList->devicePixelRatioF());
}

void MainWindow::showThumbnail(const QString& path, const QImage& thumbnail, const QString& error)
{
    QListWidgetItem* item = mListedItems.value(path);
    if (!item) // the list changed meanwhile
        return;
    if (thumbnail.isNull()) {
        item->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
        item->setToolTip(error);
    } else {
        // Centred on a square, so every row has the same height whatever the aspect ratio
        // (the list sizes all rows like one, and names stay aligned).
        const qreal ratio = mImageList->devicePixelRatioF();
        const QSize bounds = QSize(kThumbnailSide, kThumbnailSide) * ratio;
        QPixmap pixmap(bounds);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.drawImage((bounds.width() - thumbnail.width()) / 2, (bounds.height() - thumbnail.height()) / 2,
                          thumbnail);
        painter.end();
        pixmap.setDevicePixelRatio(ratio);
        item->setIcon(QIcon(pixmap));
    }
    item->setData(kThumbnailLoadedRole, true);
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
    if (mClosing) return; // closed while the old project was written
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

void MainWindow::requestSave()
{
    if (mSession->backgroundSaveUnderWay()) { // its copy may predate this request: one more after it
        mSaveRequest = SaveRequest::AfterTheOneUnderWay;
        statusBar()->showMessage(tr("Saving the project…"));
        return;
    }
    if (!mSession->modified()) {
        mSaveRequest = SaveRequest::None;
        showProjectSaved();
        return;
    }
    statusBar()->showMessage(tr("Saving the project…"));
    mSession->saveInBackground();
    mSaveRequest = mSession->backgroundSaveUnderWay() ? SaveRequest::UnderWay : SaveRequest::None;
}

void MainWindow::onSavedInBackground()
{
    const SaveRequest request = std::exchange(mSaveRequest, SaveRequest::None);
    if (request == SaveRequest::AfterTheOneUnderWay)
        requestSave(); // at most one more: edits made after the request need not wait for the message
    else if (request == SaveRequest::UnderWay)
        showProjectSaved();
}

void MainWindow::showProjectSaved()
{
    if (mSession->project()) statusBar()->showMessage(tr("Project saved."), kInfoMessageTimeoutMs);
}

bool MainWindow::saveProject()
{
    QString error;
    if (!mSession->save(&error)) return fail(error);
    showProjectSaved();
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
    const BusyCursor busy;
    QString error;
    mLastReport.clear();
    if (!mSession->importCoco(path, &mLastReport, &error)) return fail(error);
    statusBar()->showMessage(mLastReport, kInfoMessageTimeoutMs); // the views follow annotationsChanged
    return true;
}

bool MainWindow::exportCoco(const QString& path)
{
    const BusyCursor busy;
    mLastReport.clear();
    QString error;
    if (!mSession->exportCoco(path, &mLastReport, &error)) return fail(error);
    statusBar()->showMessage(mLastReport.section(QLatin1Char('\n'), 0, 0), kInfoMessageTimeoutMs);
    return true;
}

void MainWindow::autosave()
{
    const SaveRequest request = std::exchange(mSaveRequest, SaveRequest::None); // this save answers it
    if (!mSession->modified()) return;
    QString error;
    if (!mSession->save(&error)) fail(error); // the journal still holds every edit
    else if (request != SaveRequest::None) showProjectSaved();
}

// The timer's save, written on a thread of its own while work goes on. It skips a large project
// until its journal has grown (Document::foldIsDue): the journal already holds every edit, and
// rewriting a file of 20,000 annotations costs most of a second of CPU. Closing the window or
// changing folders still folds (autosave()), after waiting for a save under way.
void MainWindow::periodicSave()
{
    if (mSession->periodicSaveIsDue()) mSession->saveInBackground();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    mClosing = true; // a folder change whose save ran the event loop meanwhile goes no further
    mInference->cancelAll();
    autosave();
    event->accept();
}

} // namespace rlfseg::ui
