#include "ui/session/AnnotationSession.h"

#include "core/annotation/Document.h"
#include "core/coco/Rle.h"

#include <QDateTime>
#include <QFileInfo>

namespace rlfseg::ui {

namespace {
constexpr auto kProjectFileName = "rlfseg-project.json";

std::string nowIso()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
}
} // namespace

AnnotationSession::AnnotationSession(QObject* parent) : QObject(parent) {}

AnnotationSession::~AnnotationSession() = default;

QString AnnotationSession::projectFileFor(const QString& folder)
{
    return QDir(folder).absoluteFilePath(QString::fromLatin1(kProjectFileName));
}

bool AnnotationSession::openFolder(const QString& folder, QString* error)
{
    const QString path = projectFileFor(folder);
    std::unique_ptr<annotation::Document> document;
    int recovered = 0;
    if (QFileInfo::exists(path)) {
        try {
            document = std::make_unique<annotation::Document>(annotation::Document::open(path.toStdString()));
            if (document->hasRecoverableWork()) {
                recovered = static_cast<int>(document->recoverableEdits());
                document->recover();
            }
        } catch (const std::exception& e) {
            if (error) *error = tr("Cannot open the project “%1”: %2").arg(path, QString::fromStdString(e.what()));
            return false;
        }
    }
    close();
    mProjectPath = path;
    mRoot = QDir(QFileInfo(path).absolutePath());
    mDocument = std::move(document);
    mRecoveredEdits = recovered;
    return true;
}

void AnnotationSession::close()
{
    mDocument.reset(); // its journal keeps every edit that was not saved
    mProjectPath.clear();
    mLayers.clear();
    mRecoveredEdits = 0;
}

bool AnnotationSession::modified() const { return mDocument && mDocument->modified(); }

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

qint64 AnnotationSession::addModelMask(const QString& imagePath, const QString& category, const SegmentOutcome& outcome,
                                       const QString& modelName, QString* error)
{
    if (!ensureDocument(error)) return 0;
    try {
        auto& document = *mDocument;
        const std::string relative = relativePath(imagePath).toStdString();
        const auto* image = document.project().imageByPath(relative);
        const int64_t imageId =
            image ? image->id : document.addImage(relative, outcome.mask.cols, outcome.mask.rows);
        const std::string name = category.isEmpty() ? std::string("object") : category.toStdString();
        const auto* existing = document.project().categoryByName(name);
        const int categoryId = existing ? existing->id : document.addCategory(name);

        annotation::Annotation a;
        a.imageId = imageId;
        a.categoryId = categoryId;
        a.mask = coco::encode(outcome.mask);
        a.source = annotation::Source::Model;
        a.score = outcome.score;
        a.prompt = outcome.prompt.toStdString();
        a.created = nowIso();
        const int64_t id = document.addAnnotation(a);

        annotation::PromptRecord record;
        record.prompt = a.prompt;
        record.time = a.created;
        record.latencyMs = outcome.latencyMs;
        record.score = outcome.score;
        record.area = static_cast<int64_t>(coco::area(a.mask));
        record.model = modelName.toStdString();
        document.addPrompt(imageId, record);
        emit annotationsChanged(imagePath);
        return id;
    } catch (const std::exception& e) {
        if (error) *error = tr("Cannot add the mask: %1").arg(QString::fromStdString(e.what()));
        return 0;
    }
}

bool AnnotationSession::removeAnnotation(qint64 id, QString* error)
{
    if (!mDocument) return false;
    try {
        const auto* a = mDocument->project().annotation(id);
        if (!a) return false;
        const auto* image = mDocument->project().image(a->imageId);
        const QString imagePath = image ? mRoot.absoluteFilePath(QString::fromStdString(image->path)) : QString();
        mDocument->removeAnnotation(id);
        mLayers.remove(id);
        emit annotationsChanged(imagePath);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
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
    return a ? coco::decode(a->mask) : cv::Mat();
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

QStringList AnnotationSession::categoryNames() const
{
    QStringList names;
    if (!mDocument) return names;
    for (const auto& [id, category] : mDocument->project().categories()) names.append(QString::fromStdString(category.name));
    return names;
}

bool AnnotationSession::save(QString* error)
{
    if (!mDocument) return true; // nothing was edited
    try {
        mDocument->save();
        return true;
    } catch (const std::exception& e) {
        if (error) *error = tr("Cannot save the project: %1").arg(QString::fromStdString(e.what()));
        return false;
    }
}

} // namespace rlfseg::ui
