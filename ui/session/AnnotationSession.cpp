#include "ui/session/AnnotationSession.h"

#include "core/annotation/BatchAnnotation.h"
#include "core/annotation/CocoFormat.h"
#include "core/annotation/CocoValidator.h"
#include "core/annotation/Document.h"
#include "core/annotation/OtherFormats.h"
#include "core/coco/Rle.h"
#include "core/util/Runtime.h"

#include <QDateTime>
#include <QFileInfo>
#include <QImageReader>
#include <QMetaObject>
#include <QScopeGuard>
#include <QScopedValueRollback>
#include <QUndoCommand>

#include <opencv2/core.hpp>

#include <algorithm>
#include <future>

namespace rlfseg::ui {

namespace {
constexpr auto kProjectFileName = "rlfseg-project.json";
// Steps kept for undo: each holds at most two RLE masks, except an import, which holds the
// annotations it added (as much again as they take in the project) and their journal text (for
// imported polygons several times that) while it is in the history.
constexpr int kUndoLimit = 500;

std::string nowIso()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
}
} // namespace

// An edit on the undo stack. The session applies it once before pushing (so an edit the project
// refuses never enters the history); QUndoStack's first redo() is then skipped.
class AnnotationSession::Command : public QUndoCommand {
public:
    Command(AnnotationSession& session, const QString& text) : QUndoCommand(text), mSession(session) {}
    void apply() { forward(); }
    void redo() final
    {
        if (mApplied) {
            mApplied = false;
            return;
        }
        guarded([this] { forward(); });
    }
    void undo() final { guarded([this] { backward(); }); }
    void markApplied() { mApplied = true; }

protected:
    virtual void forward() = 0;
    virtual void backward() = 0;
    AnnotationSession& mSession;

private:
    template <typename F> void guarded(F f)
    {
        try {
            f();
        } catch (const std::exception& e) {
            emit mSession.editFailed(QString::fromStdString(e.what()));
        }
    }
    bool mApplied = false;
};

class AnnotationSession::AddCommand : public Command {
public:
    AddCommand(AnnotationSession& s, annotation::Annotation a, const QString& text) : Command(s, text), mAnnotation(std::move(a)) {}
    qint64 annotationId() const { return mHandle ? *mHandle : 0; }

protected:
    void forward() override
    {
        const qint64 id = mSession.insertAnnotation(mAnnotation);
        if (mHandle) mSession.follow(*mHandle, id);
        else mHandle = mSession.handleOf(id);
    }
    void backward() override { mSession.eraseAnnotation(*mHandle); }

private:
    annotation::Annotation mAnnotation;
    std::shared_ptr<qint64> mHandle;
};

// Many new annotations as one edit (an import): journaled as one batch (one disk sync, not one
// per annotation), and the views told once. Their journal text is made beforehand, off the UI
// thread (Document::prepare), and kept for a redo. The first application is all or nothing: when the
// project or the journal refuses one, those added before it are taken out again and the error
// goes to the caller.
class AnnotationSession::AddManyCommand : public Command {
public:
    AddManyCommand(AnnotationSession& s, std::vector<annotation::Document::PreparedAnnotation> list,
                   const QString& text)
        : Command(s, text), mAnnotations(std::move(list)) {}
    size_t size() const { return mAnnotations.size(); }

protected:
    void forward() override
    {
        const annotation::Document::Batch oneSync(*mSession.mDocument);
        if (mHandles.empty()) {
            try {
                for (const auto& a : mAnnotations) mHandles.push_back(mSession.handleOf(mSession.mDocument->addAnnotation(a)));
            } catch (...) {
                rollBack();
                throw;
            }
        } else {
            for (size_t i = 0; i < mAnnotations.size(); ++i)
                mSession.follow(*mHandles[i], mSession.mDocument->addAnnotation(mAnnotations[i]));
        }
        emit mSession.annotationsChanged(QString());
    }
    void backward() override
    {
        const annotation::Document::Batch oneSync(*mSession.mDocument);
        for (const auto& handle : mHandles) {
            mSession.mDocument->removeAnnotation(*handle);
            mSession.mLayers.remove(*handle);
        }
        emit mSession.annotationsChanged(QString());
    }

private:
    void rollBack() noexcept
    {
        for (const auto& handle : mHandles) {
            try {
                mSession.mDocument->removeAnnotation(*handle);
            } catch (...) { // the journal failing again: the project file on disk is still as saved
            }
            mSession.mHandles.remove(*handle);
        }
        mHandles.clear();
    }

    std::vector<annotation::Document::PreparedAnnotation> mAnnotations;
    std::vector<std::shared_ptr<qint64>> mHandles;
};

class AnnotationSession::RemoveCommand : public Command {
public:
    RemoveCommand(AnnotationSession& s, qint64 id, const QString& text) : Command(s, text), mHandle(s.handleOf(id)) {}

protected:
    void forward() override
    {
        mAnnotation = *mSession.mDocument->project().annotation(*mHandle);
        mSession.eraseAnnotation(*mHandle);
    }
    void backward() override { mSession.follow(*mHandle, mSession.insertAnnotation(mAnnotation)); }

private:
    std::shared_ptr<qint64> mHandle;
    annotation::Annotation mAnnotation;
};

class AnnotationSession::CategoryCommand : public Command {
public:
    CategoryCommand(AnnotationSession& s, qint64 id, int from, int to, const QString& text)
        : Command(s, text), mHandle(s.handleOf(id)), mFrom(from), mTo(to) {}

protected:
    void forward() override { set(mTo); }
    void backward() override { set(mFrom); }

private:
    void set(int category)
    {
        mSession.mDocument->setCategory(*mHandle, category);
        mSession.mLayers.remove(*mHandle); // the colour follows the category
        emit mSession.annotationsChanged(mSession.imagePathOfAnnotation(*mHandle));
    }
    std::shared_ptr<qint64> mHandle;
    int mFrom, mTo;
};

class AnnotationSession::MaskCommand : public Command {
public:
    MaskCommand(AnnotationSession& s, qint64 id, coco::Rle from, coco::Rle to, const QString& text)
        : Command(s, text), mHandle(s.handleOf(id)), mFrom(std::move(from)), mTo(std::move(to)) {}

protected:
    void forward() override { set(mTo); }
    void backward() override { set(mFrom); }

private:
    void set(const coco::Rle& mask)
    {
        mSession.mDocument->replaceMask(*mHandle, mask);
        mSession.mLayers.remove(*mHandle);
        emit mSession.annotationsChanged(mSession.imagePathOfAnnotation(*mHandle));
    }
    std::shared_ptr<qint64> mHandle;
    coco::Rle mFrom, mTo;
};

AnnotationSession::AnnotationSession(QObject* parent) : QObject(parent), mUndo(new QUndoStack(this))
{
    mUndo->setUndoLimit(kUndoLimit);
}

// The file being written on its own thread; `written` holds what the thread threw.
struct AnnotationSession::BackgroundSave {
    quint64 id = 0; // so that a late "written" call cannot end a later save
    annotation::Document::PendingSave pending;
    std::future<void> written;
};

AnnotationSession::~AnnotationSession() { finishBackgroundSave(nullptr); }

QString AnnotationSession::projectFileFor(const QString& folder)
{
    return QDir(folder).absoluteFilePath(QString::fromLatin1(kProjectFileName));
}

bool AnnotationSession::openFolder(const QString& folder, QString* error, const std::function<bool(int edits)>& recover)
{
    const QString path = projectFileFor(folder);
    // The project file and journal must have one writer: a save under way ends first, none starts
    // while the new project is read (the event loop runs meanwhile), and the same folder reopened
    // is closed before it is read again.
    const QScopedValueRollback switching(mSwitchingFolders, true);
    finishBackgroundSave(nullptr);
    if (path == mProjectPath) {
        foldBeforeClosing();
        close();
    }
    std::unique_ptr<annotation::Document> document;
    int recovered = 0;
    if (QFileInfo::exists(path)) {
        try {
            // A project of 20,000 annotations takes most of a second to read, and its journal as
            // long to replay: on the long task's thread, into a document no one else sees yet.
            const std::string file = path.toStdString();
            mRunLong(tr("Opening the project…"), [&] {
                document = std::make_unique<annotation::Document>(annotation::Document::open(file));
            });
            if (document->hasRecoverableWork()) {
                const int edits = static_cast<int>(document->recoverableEdits());
                if (!recover || recover(edits)) {
                    mRunLong(tr("Recovering unsaved work…"), [&] { document->recover(); });
                    recovered = edits;
                } else {
                    document->discardRecovery();
                }
            }
        } catch (const std::exception& e) {
            if (error) *error = tr("Cannot open the project “%1”: %2").arg(path, QString::fromStdString(e.what()));
            return false;
        }
    }
    // Edits that reached the old project while the new one was read (results in flight) are folded
    // into its file, as the window folded the rest before: its journal would otherwise hold them
    // for a recovery prompt the next time that folder is opened.
    foldBeforeClosing();
    close();
    mProjectPath = path;
    mRoot = QDir(QFileInfo(path).absolutePath());
    mDocument = std::move(document);
    mRecoveredEdits = recovered;
    return true;
}

void AnnotationSession::close()
{
    finishBackgroundSave(nullptr); // a failure is reported; its edits are in the journal
    mUndo->clear(); // its commands refer to this project
    mHandles.clear();
    mDocument.reset(); // its journal keeps every edit that was not saved
    mProjectPath.clear();
    mLayers.clear();
    mRecoveredEdits = 0;
}

bool AnnotationSession::modified() const { return mDocument && mDocument->modified(); }

bool AnnotationSession::periodicSaveIsDue() const { return mDocument && mDocument->foldIsDue(); }

const annotation::Project* AnnotationSession::project() const { return mDocument ? &mDocument->project() : nullptr; }

QString AnnotationSession::relativePath(const QString& imagePath) const
{
    return QDir::fromNativeSeparators(mRoot.relativeFilePath(imagePath));
}

bool AnnotationSession::ensureDocument(QString* error)
{
    if (mDocument) return true;
    if (mProjectPath.isEmpty()) {
        if (error) *error = tr("No folder is open, so there is no project to add annotations to.");
        return false;
    }
    try {
        mDocument = std::make_unique<annotation::Document>(annotation::Document::create(mProjectPath.toStdString()));
        return true;
    } catch (const std::exception& e) {
        if (error) *error = tr("Cannot create the project “%1”: %2").arg(mProjectPath, QString::fromStdString(e.what()));
        return false;
    }
}

int64_t AnnotationSession::imageIdFor(const QString& imagePath, cv::Size size)
{
    const std::string relative = relativePath(imagePath).toStdString();
    const auto* image = mDocument->project().imageByPath(relative);
    return image ? image->id : mDocument->addImage(relative, size.width, size.height);
}

int AnnotationSession::categoryIdFor(const QString& category)
{
    const std::string name = category.simplified().isEmpty() ? std::string("object") : category.simplified().toStdString();
    const auto* existing = mDocument->project().categoryByName(name);
    return existing ? existing->id : mDocument->addCategory(name);
}

void AnnotationSession::recordPromptOf(int64_t imageId, const SegmentOutcome& outcome, const QString& modelName,
                                       const std::string& time)
{
    annotation::PromptRecord record;
    record.prompt = outcome.prompt.toStdString();
    record.time = time;
    record.latencyMs = outcome.latencyMs;
    record.score = outcome.score;
    record.area = cv::countNonZero(outcome.mask);
    record.model = modelName.toStdString();
    mDocument->addPrompt(imageId, record);
}

namespace {
annotation::Annotation modelAnnotation(int64_t imageId, int categoryId, const cv::Mat& mask, const SegmentOutcome& outcome,
                                       const std::string& created)
{
    annotation::Annotation a;
    a.imageId = imageId;
    a.categoryId = categoryId;
    a.mask = coco::encode(mask);
    a.source = annotation::Source::Model;
    a.score = outcome.score;
    a.prompt = outcome.prompt.toStdString();
    a.created = created;
    return a;
}
} // namespace

qint64 AnnotationSession::addModelMask(const QString& imagePath, const QString& category, const SegmentOutcome& outcome,
                                       const QString& modelName, QString* error)
{
    if (!ensureDocument(error)) return 0;
    try {
        const int64_t imageId = imageIdFor(imagePath, outcome.mask.size());
        const std::string created = nowIso();
        auto* command = new AddCommand(*this, modelAnnotation(imageId, categoryIdFor(category), outcome.mask, outcome, created),
                                       tr("Mask for “%1”").arg(outcome.prompt));
        if (!push(command, error)) return 0;
        recordPromptOf(imageId, outcome, modelName, created);
        return command->annotationId();
    } catch (const std::exception& e) {
        if (error) *error = tr("Cannot add the mask: %1").arg(QString::fromStdString(e.what()));
        return 0;
    }
}

bool AnnotationSession::recordPrompt(const QString& imagePath, const SegmentOutcome& outcome, const QString& modelName,
                                     QString* error)
{
    if (!ensureDocument(error)) return false;
    try {
        recordPromptOf(imageIdFor(imagePath, outcome.mask.size()), outcome, modelName, nowIso());
        emit annotationsChanged(imagePath);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

qint64 AnnotationSession::addManualMask(const QString& imagePath, const QString& category, const cv::Mat& mask,
                                        QString* error)
{
    if (!ensureDocument(error)) return 0;
    if (mask.type() != CV_8UC1 || cv::countNonZero(mask) == 0) {
        if (error) *error = tr("The mask is empty.");
        return 0;
    }
    try {
        annotation::Annotation a;
        a.imageId = imageIdFor(imagePath, mask.size());
        a.categoryId = categoryIdFor(category);
        a.mask = coco::encode(mask);
        a.source = annotation::Source::Manual;
        a.created = nowIso();
        auto* command = new AddCommand(*this, a, tr("Draw mask"));
        if (!push(command, error)) return 0;
        return command->annotationId();
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return 0;
    }
}

int AnnotationSession::addBatchResult(const QString& imagePath, const QString& category, const SegmentOutcome& outcome,
                                      const QString& modelName, QString* error)
{
    if (!ensureDocument(error)) return -1;
    try {
        const int64_t imageId = imageIdFor(imagePath, outcome.mask.size());
        const int categoryId = categoryIdFor(category);
        const auto instances = annotation::splitInstances(outcome.mask, annotation::BatchOptions{});
        const std::string created = nowIso();
        int added = 0;
        if (!instances.empty()) {
            mUndo->beginMacro(tr("Auto-annotate “%1”").arg(outcome.prompt));
            for (const auto& instance : instances)
                if (push(new AddCommand(*this, modelAnnotation(imageId, categoryId, instance, outcome, created),
                                        tr("Mask for “%1”").arg(outcome.prompt)),
                         error))
                    ++added;
            mUndo->endMacro();
        }
        recordPromptOf(imageId, outcome, modelName, created);
        if (mDocument->project().image(imageId)->state != annotation::ReviewState::Reviewed)
            mDocument->setState(imageId, annotation::ReviewState::AutoAnnotated);
        return added;
    } catch (const std::exception& e) {
        if (error) *error = tr("Cannot add the masks: %1").arg(QString::fromStdString(e.what()));
        return -1;
    }
}

QString AnnotationSession::reviewState(const QString& imagePath) const
{
    const auto* image = mDocument ? mDocument->project().imageByPath(relativePath(imagePath).toStdString()) : nullptr;
    if (!image) return QStringLiteral("new");
    switch (image->state) {
    case annotation::ReviewState::AutoAnnotated: return QStringLiteral("auto");
    case annotation::ReviewState::Reviewed: return QStringLiteral("reviewed");
    default: return QStringLiteral("new");
    }
}

bool AnnotationSession::markReviewed(const QString& imagePath, QString* error)
{
    if (!ensureDocument(error)) return false;
    try {
        const std::string relative = relativePath(imagePath).toStdString();
        const auto* image = mDocument->project().imageByPath(relative);
        if (!image) {
            const QSize size = QImageReader(imagePath).size(); // from the header, without decoding
            const int64_t id = mDocument->addImage(relative, std::max(1, size.width()), std::max(1, size.height()));
            mDocument->setState(id, annotation::ReviewState::Reviewed);
        } else if (image->state != annotation::ReviewState::Reviewed) {
            mDocument->setState(image->id, annotation::ReviewState::Reviewed);
        }
        emit annotationsChanged(imagePath);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

QStringList AnnotationSession::reviewQueue() const
{
    std::vector<std::pair<double, QString>> queue;
    if (!mDocument) return {};
    for (const auto& [id, image] : mDocument->project().images()) {
        if (image.state != annotation::ReviewState::AutoAnnotated) continue;
        double lowest = 1.0;
        for (const auto* a : mDocument->project().annotationsOf(id))
            if (a->score >= 0) lowest = std::min(lowest, a->score);
        queue.emplace_back(lowest, mRoot.absoluteFilePath(QString::fromStdString(image.path)));
    }
    std::stable_sort(queue.begin(), queue.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    QStringList paths;
    for (const auto& entry : queue) paths.append(entry.second);
    return paths;
}

bool AnnotationSession::push(Command* command, QString* error)
{
    try {
        command->apply();
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        delete command;
        return false;
    }
    command->markApplied();
    mUndo->push(command);
    return true;
}

std::shared_ptr<qint64> AnnotationSession::handleOf(qint64 id)
{
    auto& handle = mHandles[id];
    if (!handle) handle = std::make_shared<qint64>(id);
    return handle;
}

void AnnotationSession::follow(qint64 oldId, qint64 newId)
{
    if (auto handle = mHandles.take(oldId)) {
        *handle = newId;
        mHandles.insert(newId, handle);
    }
    emit idChanged(oldId, newId);
}

QString AnnotationSession::imagePathOfAnnotation(qint64 id) const
{
    const auto* a = mDocument ? mDocument->project().annotation(id) : nullptr;
    const auto* image = a ? mDocument->project().image(a->imageId) : nullptr;
    return image ? mRoot.absoluteFilePath(QString::fromStdString(image->path)) : QString();
}

qint64 AnnotationSession::insertAnnotation(const annotation::Annotation& a)
{
    const qint64 id = mDocument->addAnnotation(a);
    emit annotationsChanged(imagePathOfAnnotation(id));
    return id;
}

void AnnotationSession::eraseAnnotation(qint64 id)
{
    const QString imagePath = imagePathOfAnnotation(id);
    mDocument->removeAnnotation(id);
    mLayers.remove(id);
    emit annotationsChanged(imagePath);
}

bool AnnotationSession::removeAnnotation(qint64 id, QString* error)
{
    if (!mDocument || !mDocument->project().annotation(id)) {
        if (error) *error = tr("There is no annotation %1.").arg(id);
        return false;
    }
    return push(new RemoveCommand(*this, id, tr("Delete mask")), error);
}

bool AnnotationSession::setCategory(qint64 id, const QString& category, QString* error)
{
    const auto* a = mDocument ? mDocument->project().annotation(id) : nullptr;
    const QString name = category.simplified();
    if (!a || name.isEmpty()) {
        if (error) *error = a ? tr("A category needs a name.") : tr("There is no annotation %1.").arg(id);
        return false;
    }
    try {
        const int to = categoryIdFor(name);
        if (to == a->categoryId) return true;
        return push(new CategoryCommand(*this, id, a->categoryId, to, tr("Category “%1”").arg(name)), error);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

bool AnnotationSession::replaceMask(qint64 id, const cv::Mat& mask, const QString& what, QString* error)
{
    const auto* a = mDocument ? mDocument->project().annotation(id) : nullptr;
    if (!a) {
        if (error) *error = tr("There is no annotation %1.").arg(id);
        return false;
    }
    if (mask.type() != CV_8UC1 || mask.cols != a->mask.width || mask.rows != a->mask.height) {
        if (error) *error = tr("The new mask does not have the image's size.");
        return false;
    }
    return push(new MaskCommand(*this, id, a->mask, coco::encode(mask), what), error);
}

bool AnnotationSession::mergeMasks(qint64 into, const QList<qint64>& others, bool subtract, QString* error)
{
    const auto* target = mDocument ? mDocument->project().annotation(into) : nullptr;
    if (!target || others.isEmpty()) {
        if (error) *error = tr("Select the mask to keep and at least one other.");
        return false;
    }
    cv::Mat result = maskOf(into);
    for (qint64 id : others) {
        const auto* a = mDocument->project().annotation(id);
        if (!a || a->imageId != target->imageId || id == into) {
            if (error) *error = tr("Only masks of the same image can be combined.");
            return false;
        }
        const cv::Mat other = maskOf(id);
        if (subtract) result.setTo(0, other);
        else result |= other;
    }
    mUndo->beginMacro(subtract ? tr("Subtract masks") : tr("Merge masks"));
    bool ok = replaceMask(into, result, subtract ? tr("Subtract masks") : tr("Merge masks"), error);
    if (!subtract)
        for (qint64 id : others) ok = ok && removeAnnotation(id, error);
    mUndo->endMacro();
    return ok;
}

QString AnnotationSession::categoryOf(qint64 id) const
{
    const auto* a = mDocument ? mDocument->project().annotation(id) : nullptr;
    const auto* c = a ? mDocument->project().category(a->categoryId) : nullptr;
    return c ? QString::fromStdString(c->name) : QString();
}

QString AnnotationSession::promptOf(qint64 id) const
{
    const auto* a = mDocument ? mDocument->project().annotation(id) : nullptr;
    return a ? QString::fromStdString(a->prompt) : QString();
}

double AnnotationSession::scoreOf(qint64 id) const
{
    const auto* a = mDocument ? mDocument->project().annotation(id) : nullptr;
    return a ? a->score : -1.0;
}

QList<qint64> AnnotationSession::annotationsOf(const QString& imagePath) const
{
    QList<qint64> ids;
    if (!mDocument) return ids;
    const auto* image = mDocument->project().imageByPath(relativePath(imagePath).toStdString());
    if (!image) return ids;
    for (const auto* a : mDocument->project().annotationsOf(image->id)) ids.append(a->id);
    return ids;
}

cv::Mat AnnotationSession::maskOf(qint64 annotationId) const
{
    if (!mDocument) return {};
    const auto* a = mDocument->project().annotation(annotationId);
    return a ? cv::Mat(coco::decode(a->mask) * 255) : cv::Mat();
}

QVector<MaskLayer> AnnotationSession::layersFor(const QString& imagePath) const
{
    QVector<MaskLayer> layers;
    for (qint64 id : annotationsOf(imagePath)) {
        auto it = mLayers.find(id);
        if (it == mLayers.end()) {
            const auto* a = mDocument->project().annotation(id);
            it = mLayers.insert(id, makeMaskLayer(coco::decode(a->mask), categoryColor(a->categoryId), id));
        }
        layers.append(*it);
    }
    return layers;
}

QStringList AnnotationSession::promptHistory(const QString& imagePath) const
{
    QStringList prompts;
    if (!mDocument) return prompts;
    const auto* image = mDocument->project().imageByPath(relativePath(imagePath).toStdString());
    if (!image) return prompts;
    for (const auto& record : image->prompts) prompts.append(QString::fromStdString(record.prompt));
    return prompts;
}

QVector<PromptHistoryRow> AnnotationSession::promptRecords(const QString& imagePath) const
{
    QVector<PromptHistoryRow> rows;
    const auto* image = mDocument ? mDocument->project().imageByPath(relativePath(imagePath).toStdString()) : nullptr;
    if (!image) return rows;
    for (const auto& r : image->prompts) {
        PromptHistoryRow row;
        row.prompt = QString::fromStdString(r.prompt);
        row.time = QDateTime::fromString(QString::fromStdString(r.time), Qt::ISODate);
        row.latencyMs = r.latencyMs;
        row.score = r.score;
        row.area = r.area;
        rows.append(row);
    }
    return rows;
}

qint64 AnnotationSession::latestAnnotationFor(const QString& imagePath, const QString& prompt) const
{
    qint64 latest = 0;
    for (qint64 id : annotationsOf(imagePath))
        if (promptOf(id) == prompt) latest = std::max(latest, id);
    return latest;
}

QStringList AnnotationSession::categoryNames() const
{
    QStringList names;
    if (!mDocument) return names;
    for (const auto& [id, category] : mDocument->project().categories()) names.append(QString::fromStdString(category.name));
    return names;
}

bool AnnotationSession::exportCoco(const QString& path, QString* report, QString* error) const
{
    if (!mDocument || mDocument->project().annotations().empty()) {
        if (error) *error = tr("There are no annotations to export yet.");
        return false;
    }
    try {
        // A copy to write from, so that edits arriving meanwhile (inference results) do not race
        // with the writer; the images are where the project's relative paths point: its folder.
        const annotation::Project snapshot = mDocument->project();
        const std::string file = path.toStdString(), images = mRoot.absolutePath().toStdString();
        annotation::CocoValidation validation;
        mRunLong(tr("Exporting COCO…"), [&] {
            annotation::writeCoco(snapshot, file);
            validation = annotation::validateCocoFile(file, images);
        });
        if (report) {
            *report = tr("%1 images, %2 annotations, %3 categories written to “%4”.")
                          .arg(validation.images)
                          .arg(validation.annotations)
                          .arg(validation.categories)
                          .arg(QDir::toNativeSeparators(path));
            *report += QLatin1Char('\n') + (validation.problems.empty()
                                                ? tr("Validation: no problems.")
                                                : tr("Validation: %1 errors, %2 warnings.")
                                                      .arg(validation.errors())
                                                      .arg(validation.warnings()));
            for (const auto& p : validation.problems)
                *report += QStringLiteral("\n%1 %2: %3")
                               .arg(p.error ? tr("error") : tr("warning"), QString::fromStdString(p.path),
                                    QString::fromStdString(p.message));
        }
        if (validation.errors() > 0) {
            if (error) *error = tr("The exported file did not validate; see the report.");
            return false;
        }
        return true;
    } catch (const std::exception& e) {
        if (error) *error = tr("Cannot export COCO: %1").arg(QString::fromStdString(e.what()));
        return false;
    }
}

bool AnnotationSession::importCoco(const QString& path, QString* report, QString* error)
{
    if (!ensureDocument(error)) return false;
    try {
        // Import into a copy first: the reader checks the whole file and changes nothing on error.
        annotation::Project incoming;
        annotation::CocoImportReport summary;
        const std::string file = path.toStdString();
        mRunLong(tr("Reading COCO…"), [&] { summary = annotation::importCocoFile(incoming, file); });
        auto& document = *mDocument;
        int images = 0, refused = 0;
        QString firstRefusal;
        struct Placed {
            const annotation::Annotation* source;
            int64_t imageId;
            int categoryId;
        };
        std::vector<Placed> placed; // the file's annotations as they will be in the project
        placed.reserve(incoming.annotations().size());
        {
            const annotation::Document::Batch oneSync(document); // the new images and categories
            for (const auto& [id, a] : incoming.annotations()) {
                const auto* image = incoming.image(a.imageId);
                const auto* category = incoming.category(a.categoryId);
                const auto* existing = document.project().imageByPath(image->path);
                if (existing && (existing->width != image->width || existing->height != image->height)) {
                    if (refused++ == 0)
                        firstRefusal = tr("“%1” is %2 x %3 pixels in the file but %4 x %5 in the project.")
                                           .arg(QString::fromStdString(image->path))
                                           .arg(image->width)
                                           .arg(image->height)
                                           .arg(existing->width)
                                           .arg(existing->height);
                    continue;
                }
                int64_t imageId = existing ? existing->id : 0;
                if (!existing) imageId = document.addImage(image->path, image->width, image->height), ++images;
                const auto* known = document.project().categoryByName(category->name);
                const int categoryId =
                    known ? known->id : document.addCategory(category->name, category->supercategory);
                placed.push_back({&a, imageId, categoryId});
            }
        }
        // Copying the masks and polygons, their journal JSON and freeing the file's copy took the UI
        // thread about 0.4 s at 20,000 annotations: done on the long task's thread, on locals only.
        std::vector<annotation::Document::PreparedAnnotation> prepared(placed.size());
        mRunLong(tr("Importing…"), [&] {
            for (size_t i = 0; i < placed.size(); ++i) {
                annotation::Annotation copy = *placed[i].source;
                copy.imageId = placed[i].imageId;
                copy.categoryId = placed[i].categoryId;
                prepared[i] = annotation::Document::prepare(std::move(copy));
            }
            placed.clear();
            incoming = annotation::Project();
        });
        const size_t added = prepared.size();
        if (added > 0) {
            QString why;
            if (!push(new AddManyCommand(*this, std::move(prepared), tr("Import COCO")), &why)) {
                if (error)
                    *error = tr("Cannot import “%1”: %2").arg(QDir::toNativeSeparators(path), why);
                return false;
            }
        }
        if (report) {
            *report = tr("%1 annotations imported from “%2” (%3 new images; %4 images in the file).")
                          .arg(added)
                          .arg(QDir::toNativeSeparators(path))
                          .arg(images)
                          .arg(summary.imagesAdded + summary.imagesMatched);
            if (refused > 0)
                *report += QLatin1Char(' ') + tr("%1 annotations were left out: %2").arg(refused).arg(firstRefusal);
        }
        return true;
    } catch (const std::exception& e) {
        if (error) *error = tr("Cannot import “%1”: %2").arg(QDir::toNativeSeparators(path), QString::fromStdString(e.what()));
        return false;
    }
}

bool AnnotationSession::exportOther(ExportFormat format, const QString& directory, QString* report, QString* error) const
{
    if (!mDocument || mDocument->project().annotations().empty()) {
        if (error) *error = tr("There are no annotations to export yet.");
        return false;
    }
    try {
        const std::string out = directory.toStdString(), images = mRoot.absolutePath().toStdString();
        const annotation::Project snapshot = mDocument->project(); // as in exportCoco
        annotation::ExportSummary summary;
        mRunLong(tr("Exporting…"), [&] {
            switch (format) {
            case ExportFormat::Labelme: summary = annotation::exportLabelme(snapshot, out, images); break;
            case ExportFormat::Yolo: summary = annotation::exportYolo(snapshot, out); break;
            case ExportFormat::PngMasks: summary = annotation::exportPngMasks(snapshot, out); break;
            }
        });
        if (report) *report = tr("%1 files, %2 shapes written to “%3”.").arg(summary.files).arg(summary.shapes).arg(QDir::toNativeSeparators(directory));
        return true;
    } catch (const std::exception& e) {
        if (error) *error = tr("Cannot export: %1").arg(QString::fromStdString(e.what()));
        return false;
    }
}

bool AnnotationSession::save(QString* error)
{
    if (!mDocument) return true; // nothing was edited
    QString backgroundError;
    finishBackgroundSave(&backgroundError); // failed or not, what it left is folded now
    // A save further up the stack (whose long task runs the event loop) writes it all already.
    if (!mDocument->modified() || mDocument->savePending()) return true;
    annotation::Document& document = *mDocument; // folders change only by input, which the long task drops
    try {
        // The file on the long task's thread: the window keeps painting; edits that arrive
        // meanwhile are journaled, and written next.
        document.save([this](const std::function<void()>& write) { mRunLong(tr("Saving the project…"), write); });
        Q_ASSERT(mDocument.get() == &document);
        // This save promises a file that holds every edit: those that came in while it was written
        // (results, a queued clean-up) go in now, on this thread (few, and rare).
        if (document.modified()) document.save();
        return true;
    } catch (const std::exception& e) {
        if (error) *error = saveFailure(e);
        return false;
    }
}

void AnnotationSession::foldBeforeClosing()
{
    QString error;
    if (mDocument && mDocument->modified() && !save(&error)) emit saveFailed(error);
}

QString AnnotationSession::saveFailure(const std::exception& e)
{
    return tr("Cannot save the project: %1").arg(QString::fromStdString(e.what()));
}

void AnnotationSession::saveInBackground()
{
    if (!mDocument || mBackgroundSave || mSwitchingFolders || !mDocument->modified() || mDocument->savePending())
        return;
    auto job = std::make_unique<BackgroundSave>();
    job->id = ++mBackgroundSaves;
    try {
        job->pending = mDocument->beginSave();
        annotation::Document::PendingSave* pending = &job->pending; // lives until the thread is joined
        job->written = std::async(std::launch::async, [this, pending, id = job->id] {
            const auto whenWritten = qScopeGuard([this, id] {
                const auto finishThisOne = [this, id] { // a save()/close() that waited for it ended it already
                    if (mBackgroundSave && mBackgroundSave->id == id && finishBackgroundSave(nullptr))
                        emit savedInBackground();
                };
                QMetaObject::invokeMethod(this, finishThisOne, Qt::QueuedConnection);
            });
            annotation::Document::writeFile(*pending);
        });
    } catch (const std::exception& e) { // no thread to be had: the journal still holds every edit
        if (mDocument->savePending()) mDocument->abandonSave();
        emit saveFailed(saveFailure(e));
        return;
    }
    mBackgroundSave = std::move(job);
}

bool AnnotationSession::finishBackgroundSave(QString* error)
{
    if (!mBackgroundSave) return true;
    std::unique_ptr<BackgroundSave> job = std::move(mBackgroundSave);
    // The file's text was made and freed on the save's thread, whose arena keeps it otherwise.
    const auto release = qScopeGuard([&job] {
        job.reset();
        releaseFreedMemory();
    });
    try {
        job->written.get(); // waits; rethrows the thread's failure
        mDocument->finishSave(job->pending);
        return true;
    } catch (const std::exception& e) {
        if (mDocument->savePending()) mDocument->abandonSave();
        if (error) *error = saveFailure(e);
        else emit saveFailed(saveFailure(e));
        return false;
    }
}

} // namespace rlfseg::ui
