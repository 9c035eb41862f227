#pragma once
// The studio's main window: opens images and folders of images and shows them on the canvas.
//
// Errors a user can cause (an unreadable, corrupt or huge file) never raise a modal dialog here:
// the open functions return false, lastError() says why, and the status bar shows it. Dialogs
// only appear for actions the user started from a menu (file choosers, About).

#include <QImage>
#include <QMainWindow>
#include <QSize>
#include <QString>
#include <QStringList>

class QAction;
class QDockWidget;
class QLabel;
class QListWidget;
class QMenu;
class QTimer;

namespace rlfseg::ui {

class ImageCanvas;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
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

    QString lastError() const { return mLastError; }
    QString currentImagePath() const { return mCurrentImagePath; }
    ImageCanvas* canvas() const { return mCanvas; }
    QListWidget* imageList() const { return mImageList; }

    // The image files that folders, file dialogs and drops list: the formats the segmentation core
    // reads, as far as Qt reads them too. As name filters ("*.png", "*.jpg", ...) and by suffix.
    // openImage() itself shows anything Qt can read.
    static QStringList imageNameFilters();
    static bool isImageFile(const QString& path);

    // Reads an image the way the studio does everywhere: EXIF orientation applied, absurd sizes
    // refused before decoding. `boundingSize`, when valid, asks for a scaled-down read (thumbnails).
    // A null image means failure, and `error` then says why in words meant for the user.
    static QImage readImage(const QString& path, QString* error, const QSize& boundingSize = {});

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createMenus();
    void createStatusBar();
    void createImageListDock();

    void chooseImage();
    void chooseFolder();
    void showAbout();

    bool fail(const QString& message);
    void setImageList(const QStringList& paths);
    void selectListedImage(const QString& path);
    void onImageListRowChanged(int row);
    void scheduleThumbnails();
    void loadVisibleThumbnails();
    void updateStatusBar();
    void updateWindowTitle();
    void updateActions();
    QString lastDirectory() const;
    void setLastDirectory(const QString& dir);

    ImageCanvas* mCanvas = nullptr;
    QDockWidget* mImageListDock = nullptr;
    QListWidget* mImageList = nullptr;
    QTimer* mThumbnailTimer = nullptr;
    QMenu* mViewMenu = nullptr;

    QLabel* mFileNameLabel = nullptr;
    QLabel* mImageSizeLabel = nullptr;
    QLabel* mZoomLabel = nullptr;

    QAction* mOpenImageAction = nullptr;
    QAction* mOpenFolderAction = nullptr;
    QAction* mQuitAction = nullptr;
    QAction* mZoomInAction = nullptr;
    QAction* mZoomOutAction = nullptr;
    QAction* mFitToWindowAction = nullptr;
    QAction* mActualSizeAction = nullptr;
    QAction* mAboutAction = nullptr;
    QAction* mAboutQtAction = nullptr;

    QString mCurrentImagePath;
    QString mLastError;
};

} // namespace rlfseg::ui
