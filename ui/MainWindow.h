#pragma once
// The studio's main window: opens images and folders of images and shows them on the canvas.
//
// Errors a user can cause (an unreadable, corrupt or huge file) never raise a modal dialog here:
// the open functions return false, lastError() says why, and the status bar shows it. Dialogs
// only appear for actions the user started from a menu (file choosers, About).

#include "ui/inference/InferenceTypes.h"

#include <QElapsedTimer>

#include <optional>
#include <QHash>
#include <QPair>
#include <QPolygonF>
#include <QVector>
#include <QImage>
#include <QMainWindow>
#include <QSize>
#include <QString>
#include <QStringList>

class QAction;
class QDockWidget;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QMenu;
class QProgressBar;
class QProgressDialog;
class QTimer;

namespace rlfseg::refine {
struct RefinementResult;
}

namespace rlfseg::ui {

class AnnotationSession;
class ImageCanvas;
class InferenceService;
class PromptHistoryPanel;
class PromptPlots;
class PromptBar;
class ThumbnailLoader;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    // What the left button does on the canvas.
    enum class Tool { Select, Brush, Eraser, FillHole, Polygon };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Shows one image. On failure keeps what was shown and returns false; see lastError(). An
    // image that is not in the image list empties and hides the list.
    bool openImage(const QString& path);
    // Lists the images of `dir` (not recursive, natural order) in the image list and opens the
    // first one. False when the folder cannot be read, holds no image, or the first image fails.
    bool openFolder(const QString& dir);
    // Lists the given files in the image list and opens the first one. Files that isImageFile()
    // rejects are left out. False when none remains or the first image fails.
    bool openImages(const QStringList& paths);
    // What the command line and drag-and-drop hand over: one folder, one image, or several images.
    bool openPaths(const QStringList& paths);

    // Loads a model in the background (the default one when settings name none). The prompt box
    // works once it is loaded; a failure is shown in the status bar and the window stays usable.
    void loadModel(const InferenceSettings& settings = {});
    // Runs `prompt` on the current image, as Enter in the prompt box does. False (see lastError())
    // when there is no image or no model yet.
    bool runPrompt(const QString& prompt, const QString& category = {});
    // Saves the project of the open folder (atomically). False with lastError() on failure.
    bool saveProject();
    // Save Project (Ctrl+S): every edit is journaled already, so the file is written in the
    // background while work goes on, and the status bar says when it is done.
    void requestSave();
    // Exports the folder's project as COCO JSON and validates it; the report goes to lastReport().
    bool exportCoco(const QString& path);
    QString lastReport() const { return mLastReport; }
    bool importCoco(const QString& path);
    // Whether opening a folder whose last session ended without saving asks before replaying its
    // edits (the app: yes; tests: no, they are replayed).
    void setAskBeforeRecovery(bool ask) { mAskBeforeRecovery = ask; }
    // The selected mask (0: none); selecting highlights it on the canvas and in the list.
    qint64 selectedAnnotation() const { return mSelectedAnnotation; }
    void selectAnnotation(qint64 id);
    // Refinement and dynamic selection (core/refine) on a mask, as one undoable step. False with
    // lastError() when it cannot run.
    // `candidate` < 0: the one dynamic selection picks; else that candidate of the list the
    // component returns (the chooser dialog shows them with their scores).
    bool cleanUpMask(qint64 id, int candidate = -1);
    void chooseCleanUpCandidate(qint64 id);
    // Every new mask from the model is cleaned up as it arrives (a setting).
    void setAutoCleanUp(bool on);
    bool deleteMask(qint64 id);
    // With several masks selected in the list: the union into the current one, or the current one
    // minus the others. One undo step.
    bool combineSelectedMasks(bool subtract);
    void setTool(Tool tool);
    Tool tool() const { return mTool; }
    // Brush and eraser radius in image pixels (1..500).
    void setBrushRadius(int radius);
    int brushRadius() const { return mBrushRadius; }
    // The selected mask's outline as editable polygons while the polygon tool is on.
    const QVector<QPolygonF>& editPolygons() const { return mPolygons; }
    // Deletes the active vertex (the last one clicked) with the polygon tool; one undo step.
    bool deleteActiveVertex();

    // Auto-annotates images in the background with "category: prompt" pairs (one request per
    // image and prompt; each mask split into its instances); a progress dialog shows the ETA and
    // cancels. Results are marked auto-annotated, for review. False when it cannot start.
    bool autoAnnotate(const QStringList& imagePaths, const QList<QPair<QString, QString>>& prompts);
    bool autoAnnotating() const { return !mBatch.categories.isEmpty(); }
    void cancelAutoAnnotate();
    // Two to four prompts' masks on the current image, side by side, captioned (the compare view).
    QImage compareImage(const QStringList& prompts) const;
    PromptHistoryPanel* promptHistory() const { return mHistory; }
    PromptPlots* plots() const { return mPlots; }

    // The auto-annotated image with the lowest-scoring mask that is not reviewed yet; false when none.
    bool openNextToReview();
    bool markCurrentReviewed();

    QString lastError() const { return mLastError; }
    QString currentImagePath() const { return mCurrentImagePath; }
    ImageCanvas* canvas() const { return mCanvas; }
    QListWidget* imageList() const { return mImageList; }
    InferenceService* inference() const { return mInference; }
    QListWidget* annotationList() const { return mAnnotationList; }
    PromptBar* promptBar() const { return mPromptBar; }
    AnnotationSession* session() const { return mSession; }

    // The image files that folders, file dialogs and drops list: the formats the segmentation core
    // reads, as far as Qt reads them too. As name filters ("*.png", "*.jpg", ...) and by suffix.
    // openImage() itself shows anything Qt can read.
    static QStringList imageNameFilters();
    static bool isImageFile(const QString& path);

    // Reads an image the way the studio does everywhere: EXIF orientation applied, absurd sizes
    // refused before decoding. `boundingSize`, when valid, asks for a scaled-down read (thumbnails).
    // A null image means failure, and `error` then says why in words meant for the user.
    static QImage readImage(const QString& path, QString* error, const QSize& boundingSize = {});

signals:
    // A model result became an annotation and is on the canvas (tests and benchmarks wait for it);
    // annotationId 0: the model found nothing (only the prompt was recorded).
    void maskShown(qint64 annotationId, double latencyMs);
    void autoAnnotateFinished(int requests, int masks, bool cancelled);

protected:
    void closeEvent(QCloseEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createMenus();
    void createStatusBar();
    void createImageListDock();
    void createPromptBar();
    void createAnnotationDock();
    void refreshAnnotationList();
    void createExploreDock();
    void refreshExplore();
    void showCompare(const QStringList& prompts);
    void chooseExportPlot();
    void connectInference();

    void onPromptSubmitted(const QString& category, const QString& prompt);
    void onSegmentResult(const SegmentOutcome& outcome);
    void onModelLoaded(const ModelInfo& info);
    void chooseModelFolder();
    void showModelInfo();
    void refreshOverlays();
    void openSessionFor(const QString& imagePath);
    void autosave();
    void periodicSave();
    void onSavedInBackground();
    void showProjectSaved();
    void chooseAutoAnnotate();
    void onBatchResult(quint64 id, const SegmentOutcome* outcome, const QString& error);
    void finishBatch();
    void updateImageStates();
    void createToolActions();
    void onPointerPressed(const QPointF& imagePos);
    void onPointerDragged(const QPointF& imagePos);
    void onPointerReleased(const QPointF& imagePos);
    void paintStroke(const QPointF& to);
    void showShortcuts();

    void chooseImage();
    void chooseFolder();
    void showAbout();

    bool fail(const QString& message);
    void setImageList(const QStringList& paths);
    void selectListedImage(const QString& path);
    void onImageListRowChanged(int row);
    void scheduleThumbnails();
    void requestVisibleThumbnails();
    void showThumbnail(const QString& path, const QImage& thumbnail, const QString& error);
    void updateStatusBar();
    void updateWindowTitle();
    void updateActions();
    QString lastDirectory() const;
    void setLastDirectory(const QString& dir);

    ImageCanvas* mCanvas = nullptr;
    QDockWidget* mImageListDock = nullptr;
    QListWidget* mImageList = nullptr;
    QTimer* mThumbnailTimer = nullptr;
    ThumbnailLoader* mThumbnails = nullptr;        // reads them off the UI thread
    QHash<QString, QListWidgetItem*> mListedItems; // the image list's items by path
    QMenu* mViewMenu = nullptr;

    QLabel* mFileNameLabel = nullptr;
    QLabel* mImageSizeLabel = nullptr;
    QLabel* mZoomLabel = nullptr;
    QLabel* mModelLabel = nullptr;
    QLabel* mDeviceLabel = nullptr;
    QLabel* mLatencyLabel = nullptr;
    QProgressBar* mModelProgress = nullptr;

    InferenceService* mInference = nullptr;
    AnnotationSession* mSession = nullptr;
    PromptBar* mPromptBar = nullptr;
    QTimer* mAutosaveTimer = nullptr;
    // The category each request's mask will get, by request id.
    QHash<quint64, QString> mRequestCategories;
    InferenceSettings mInferenceSettings;
    struct Batch {
        QHash<quint64, QString> categories; // pending request -> category
        int total = 0, done = 0, masks = 0, failures = 0;
        bool cancelled = false;
        QElapsedTimer clock;
        QProgressDialog* dialog = nullptr;
    } mBatch;
    PromptHistoryPanel* mHistory = nullptr;
    PromptPlots* mPlots = nullptr;
    QDockWidget* mExploreDock = nullptr;
    Tool mTool = Tool::Select;
    int mBrushRadius = 8;
    struct Stroke {
        bool active = false;
        qint64 id = 0;   // the mask painted on; 0: a new mask
        cv::Mat mask;    // the mask being painted (CV_8UC1 0/255, image size)
        QPointF last;
    } mStroke;
    QAction* mToolActions[5] = {};
    QVector<QPolygonF> mPolygons;       // the polygon tool's view of the selected mask
    QVector<QPolygonF> mPolygonsBefore; // at the start of a vertex drag
    int mActivePolygon = -1, mActiveVertex = -1;
    bool mDraggingVertex = false, mInsertedVertex = false;
    // After a polygon edit the edited polygons stay as they are (not re-traced from the mask), so
    // an inserted vertex survives; any other change of the mask re-traces them.
    bool mKeepPolygonsOnce = false;
    bool mAskBeforeRecovery = false;
    QPointF mInsertedAt;
    void refreshEditPolygons();
    // Clean-up in two halves: the component's candidates for a mask (nothing, with the reason shown,
    // when it cannot run), then one of them applied as an undo step (candidate < 0: the selected one).
    std::optional<refine::RefinementResult> refineForCleanUp(qint64 id);
    std::optional<refine::RefinementResult> refineOneAtATime(qint64 id);
    bool applyCleanUp(qint64 id, const refine::RefinementResult& result, int candidate);
    void commitPolygonEdit(const QVector<QPolygonF>& before, const QString& what);
    QAction* mShortcutsAction = nullptr;
    QAction* mMergeAction = nullptr;
    QAction* mChooseCleanUpAction = nullptr;
    QAction* mAutoCleanUpAction = nullptr;
    // A clean-up of a large mask runs off the UI thread; results that arrive meanwhile queue their
    // automatic clean-ups here (annotation, candidate) instead of nesting a second one inside it.
    bool mCleaningUp = false;
    QVector<QPair<qint64, int>> mPendingCleanUps;
    QAction* mSubtractAction = nullptr;
    QAction* mAutoAnnotateAction = nullptr;
    QAction* mNextToReviewAction = nullptr;
    QAction* mMarkReviewedAction = nullptr;

    QAction* mOpenImageAction = nullptr;
    QAction* mOpenFolderAction = nullptr;
    QAction* mQuitAction = nullptr;
    QAction* mZoomInAction = nullptr;
    QAction* mZoomOutAction = nullptr;
    QAction* mFitToWindowAction = nullptr;
    QAction* mActualSizeAction = nullptr;
    QAction* mAboutAction = nullptr;
    QAction* mAboutQtAction = nullptr;
    QAction* mSaveAction = nullptr;
    // Ctrl+S, until the file holds what was there when it was pressed: the save it started is under
    // way, or one that was under way already must end first and another follow.
    enum class SaveRequest { None, UnderWay, AfterTheOneUnderWay };
    SaveRequest mSaveRequest = SaveRequest::None;
    bool mClosing = false;
    QAction* mExportCocoAction = nullptr;
    QAction* mLoadModelAction = nullptr;
    QAction* mDefaultModelAction = nullptr;
    QAction* mModelInfoAction = nullptr;
    QAction* mUndoAction = nullptr;
    QAction* mRedoAction = nullptr;
    QAction* mDeleteMaskAction = nullptr;
    QAction* mCleanUpAction = nullptr;
    QAction* mSetCategoryAction = nullptr;
    QDockWidget* mAnnotationDock = nullptr;
    QListWidget* mAnnotationList = nullptr;
    qint64 mSelectedAnnotation = 0;

    QString mCurrentImagePath;
    QString mLastError;
    QString mLastReport;
};

} // namespace rlfseg::ui
