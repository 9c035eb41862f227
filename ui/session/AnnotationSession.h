#pragma once
// The annotations of the folder being worked on: the studio's side of core's Document (a project
// file whose every edit is journaled before it returns, so a crash loses nothing).
//
// Every change goes through the undo stack (one command per edit), so undo and redo replay
// journaled edits too. An annotation that undo brings back gets a new id from the project; the
// commands follow it, and idChanged() tells the views.
//
// The project of a folder is `<folder>/rlfseg-project.json`. It is opened when the folder is
// (unsaved edits of a session that crashed are replayed at once, and recoveredEdits() says how
// many), and created only by the first edit, so looking at a folder writes nothing into it.

#include "ui/canvas/MaskLayer.h"
#include "ui/explore/PromptHistoryPanel.h"
#include "ui/inference/InferenceTypes.h"

#include <QDir>
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUndoStack>
#include <QVector>

#include <exception>
#include <functional>
#include <memory>

namespace rlfseg::annotation {
class Document;
class Project;
struct Annotation;
} // namespace rlfseg::annotation

namespace rlfseg::ui {

class AnnotationSession : public QObject {
    class Command;
    class AddCommand;
    class AddManyCommand;
    class RemoveCommand;
    class CategoryCommand;
    class MaskCommand;
    struct BackgroundSave;

    Q_OBJECT

public:
    explicit AnnotationSession(QObject* parent = nullptr);
    ~AnnotationSession() override;

    static QString projectFileFor(const QString& folder);

    // How the session waits for work that can take seconds (reading or writing a large COCO file).
    // The work touches nothing of the session's, so the window can run it on another thread and
    // keep repainting; the runner returns when it is done and rethrows what it threw. By default
    // the work runs at once on the calling thread.
    using LongTaskRunner = std::function<void(const QString& what, const std::function<void()>& work)>;
    void setLongTaskRunner(LongTaskRunner runner) { mRunLong = std::move(runner); }

    // Opens the project of `folder` (or prepares a new one). False, with `error` saying why, when
    // an existing project file cannot be read; nothing is changed on disk then. Unsaved edits of a
    // session that ended without saving are replayed, unless `recover` (asked with their number)
    // says no: then they are discarded.
    bool openFolder(const QString& folder, QString* error, const std::function<bool(int edits)>& recover = {});
    void close();
    bool isOpen() const { return !mProjectPath.isEmpty(); }
    QString projectPath() const { return mProjectPath; }
    int recoveredEdits() const { return mRecoveredEdits; }
    bool modified() const;

    // The model's mask for `imagePath` as a new annotation of `category` (created when new), and
    // the prompt in the image's history. Returns the annotation's id, or 0 with `error` set.
    qint64 addModelMask(const QString& imagePath, const QString& category, const SegmentOutcome& outcome,
                        const QString& modelName, QString* error);
    // Only the prompt, in the image's history (a result with an empty mask).
    bool recordPrompt(const QString& imagePath, const SegmentOutcome& outcome, const QString& modelName, QString* error);
    // A mask drawn by hand (the brush with nothing selected): a new annotation of `category`.
    qint64 addManualMask(const QString& imagePath, const QString& category, const cv::Mat& mask, QString* error);
    // A batch (auto-annotate) result: the mask split into its 8-connected components (holes kept),
    // one annotation each, all one undo step; the image becomes "auto-annotated" unless it was
    // reviewed. Returns how many masks were added (0: the model found nothing), -1 with `error`.
    int addBatchResult(const QString& imagePath, const QString& category, const SegmentOutcome& outcome,
                       const QString& modelName, QString* error);
    bool removeAnnotation(qint64 id, QString* error);
    bool setCategory(qint64 id, const QString& category, QString* error);
    // Replaces the mask (clean-up, brush, eraser): `what` names the step in the undo history.
    bool replaceMask(qint64 id, const cv::Mat& mask, const QString& what, QString* error);

    // Union of `others` into `into` (the others are deleted), or `into` minus `others` (the others
    // stay): one undo step.
    bool mergeMasks(qint64 into, const QList<qint64>& others, bool subtract, QString* error);

    QUndoStack* undoStack() const { return mUndo; }
    QString categoryOf(qint64 annotationId) const;
    QString promptOf(qint64 annotationId) const;
    double scoreOf(qint64 annotationId) const;

    QVector<MaskLayer> layersFor(const QString& imagePath) const;
    QList<qint64> annotationsOf(const QString& imagePath) const;
    cv::Mat maskOf(qint64 annotationId) const; // CV_8UC1 0/255; empty when there is none
    QStringList promptHistory(const QString& imagePath) const;
    QVector<PromptHistoryRow> promptRecords(const QString& imagePath) const;
    // The newest annotation of the image made by `prompt` (0: none left).
    qint64 latestAnnotationFor(const QString& imagePath, const QString& prompt) const;
    // Review state of an image: "new", "auto" or "reviewed" (what the image list shows).
    QString reviewState(const QString& imagePath) const;
    bool markReviewed(const QString& imagePath, QString* error);
    // Auto-annotated images not yet reviewed, the lowest-scoring mask first (where to look first).
    QStringList reviewQueue() const;
    QStringList categoryNames() const;
    const annotation::Project* project() const;

    // Writes COCO instances JSON atomically (auto: simplified polygons, RLE where there are holes)
    // and validates what was written; `report` gets the validation in words. False with `error`.
    bool exportCoco(const QString& path, QString* report, QString* error) const;

    // Reads a COCO instances file (polygons or RLE) into the project as journaled edits, one undo
    // step; images are matched by file name relative to the folder. Nothing changes when the file
    // is invalid. `report` says what was added.
    bool importCoco(const QString& path, QString* report, QString* error);
    // labelme JSON per image, YOLO segmentation labels, or PNG masks, into `directory`.
    enum class ExportFormat { Labelme, Yolo, PngMasks };
    bool exportOther(ExportFormat format, const QString& directory, QString* report, QString* error) const;

    // Writes the project file atomically and empties the journal, after waiting for a save in the
    // background to end (when that one failed, this one tries again). The file is written through
    // the long-task runner; edits that arrive meanwhile are written too before it returns.
    bool save(QString* error);
    // The periodic save: the project file written on a thread of its own while editing goes on
    // (core's Document::beginSave ... finishSave), finished on this thread when the file is written;
    // a failure comes as saveFailed(). Nothing happens while one is under way already.
    void saveInBackground();
    bool backgroundSaveUnderWay() const { return mBackgroundSave != nullptr; }
    // Whether a periodic save is worth its cost now (core's Document::foldIsDue): every edit is
    // journaled already, and a large project's file is only rewritten once its journal has grown.
    bool periodicSaveIsDue() const;

signals:
    void annotationsChanged(const QString& imagePath); // empty: annotations of several images changed
    void idChanged(qint64 oldId, qint64 newId);
    void editFailed(const QString& message); // an undo or redo the project refused
    void saveFailed(const QString& message); // a save of its own accord; every edit is still in the journal
    void savedInBackground(); // the project file is written (not said when save() or close() waited for it)

private:
    QString relativePath(const QString& imagePath) const;
    bool ensureDocument(QString* error);
    QString imagePathOfAnnotation(qint64 id) const;
    // The project's image for a file (added, journaled, when new) and the category of a name ("object"
    // when empty; added when new); the prompt of a result in the image's history.
    int64_t imageIdFor(const QString& imagePath, cv::Size size);
    int categoryIdFor(const QString& category);
    void recordPromptOf(int64_t imageId, const SegmentOutcome& outcome, const QString& modelName, const std::string& time);
    // The edits the commands make (they throw rlfseg::Error).
    qint64 insertAnnotation(const annotation::Annotation& a);
    void eraseAnnotation(qint64 id);
    void follow(qint64 oldId, qint64 newId);
    std::shared_ptr<qint64> handleOf(qint64 id);
    bool push(Command* command, QString* error);
    // Waits for the save in the background, if any, and ends it; false when it failed, with
    // `error` set, or saveFailed() emitted when `error` is null.
    bool finishBackgroundSave(QString* error);
    static QString saveFailure(const std::exception& e);
    void foldBeforeClosing(); // a failure is reported by saveFailed(): the journal keeps the edits

    QString mProjectPath;
    QDir mRoot;
    std::unique_ptr<annotation::Document> mDocument;
    int mRecoveredEdits = 0;
    mutable QHash<qint64, MaskLayer> mLayers; // by annotation id; dropped when its mask changes
    QUndoStack* mUndo = nullptr;
    // The id of each annotation the undo history refers to, shared by its commands, so that an
    // annotation re-created by undo (with a new id) is still found by the later commands.
    QHash<qint64, std::shared_ptr<qint64>> mHandles;
    LongTaskRunner mRunLong = [](const QString&, const std::function<void()>& work) { work(); };
    std::unique_ptr<BackgroundSave> mBackgroundSave;
    quint64 mBackgroundSaves = 0;
    bool mSwitchingFolders = false;
};

} // namespace rlfseg::ui
