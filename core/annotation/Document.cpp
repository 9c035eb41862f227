#include "core/annotation/Document.h"

#include "core/io/AtomicFile.h"
#include "core/io/JsonFields.h"
#include "core/io/JsonPath.h"
#include "core/util/Error.h"

#include <fcntl.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

namespace rlfseg::annotation {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The journal's first line ties it to the project file it continues: the file's "modified" time
// (empty for a project never saved).
json journalHeader(const Project& project) { return {{"journal", "rlfseg-project"}, {"base", project.modified}}; }

// Complete lines of the journal; a last line cut off by a crash is dropped. `goodBytes`: the length
// of the lines kept, where new edits must follow (not after the torn tail).
std::vector<json> readJournal(const std::string& path, uint64_t& goodBytes) {
    std::vector<json> lines;
    goodBytes = 0;
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        if (in.eof()) break; // no newline after it: an unfinished write
        try {
            lines.push_back(JsonFields::parseText(line, path));
        } catch (const Error&) {
            break; // garbage from a torn write: nothing after it can be trusted
        }
        if (!lines.back().is_object()) { // no line this program writes
            lines.pop_back();
            break;
        }
        goodBytes += line.size() + 1;
    }
    return lines;
}

constexpr const char* kSaveMark = "save_begun";

// A journal line's text field; empty when missing or not text (lines are objects: readJournal).
std::string textOf(const json& line, const char* key) {
    const auto it = line.find(key);
    return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The edits of a journal that continue the project file of base `fileBase`: all of them when the
// journal starts from that file; those after the mark of the save that wrote it when the journal
// is older than the file (a crash before the save's end); none for a stale journal. Marks are not
// edits.
std::vector<json> editsContinuing(const std::vector<json>& lines, const std::string& fileBase) {
    if (lines.empty()) return {};
    auto from = lines.end();
    const auto isMark = [](const json& line) { return textOf(line, "op") == kSaveMark; };
    if (lines.front().contains("base") && textOf(lines.front(), "base") == fileBase) {
        from = lines.begin() + 1;
    } else {
        for (auto it = lines.begin() + 1; it != lines.end(); ++it)
            if (isMark(*it) && textOf(*it, "base") == fileBase) from = it + 1;
    }
    std::vector<json> edits;
    for (auto it = from; it != lines.end(); ++it)
        if (!isMark(*it)) edits.push_back(*it);
    return edits;
}

// An edit's optional fields: empty or 0 when absent; an error naming them when of another type.
std::string optionalText(const JsonPath& where, const json& object, const std::string& path, const char* k) {
    return JsonPath::has(object, k) ? where.requireString(object, path, k) : std::string();
}
double optionalNumber(const JsonPath& where, const json& object, const std::string& path, const char* k) {
    return JsonPath::has(object, k) ? where.toNumber(object.at(k), JsonPath::key(path, k)) : 0.0;
}

} // namespace

Document::Document(Document&& other) noexcept { *this = std::move(other); }

Document& Document::operator=(Document&& other) noexcept {
    if (this != &other) {
        // Moving a document with an open Batch would leave the Batch counting on the wrong one.
        assert(mBatchDepth == 0 && other.mBatchDepth == 0);
        assert(!mSavePending);
        if (mJournalFd >= 0) {
            if (mUnsynced) ::fdatasync(mJournalFd);
            ::close(mJournalFd);
        }
        mPath = std::move(other.mPath);
        mProject = std::move(other.mProject);
        mModified = other.mModified;
        mRecoverable = std::move(other.mRecoverable);
        mJournalFd = other.mJournalFd;
        other.mJournalFd = -1;
        mUnsynced = std::exchange(other.mUnsynced, false);
        mSavePending = std::exchange(other.mSavePending, false);
        mSinceMark = std::move(other.mSinceMark);
        mProjectFileBytes = other.mProjectFileBytes;
        mJournalBytes = other.mJournalBytes;
    }
    return *this;
}

Document::~Document() {
    if (mJournalFd >= 0) ::close(mJournalFd);
}

Document Document::open(const std::string& projectPath) {
    Document d;
    d.mPath = projectPath;
    d.mProject = Project::load(projectPath);
    std::error_code ec;
    const auto bytes = fs::file_size(projectPath, ec);
    d.mProjectFileBytes = ec ? 0 : bytes;
    if (fs::exists(d.journalPath())) {
        uint64_t goodBytes = 0;
        auto lines = readJournal(d.journalPath(), goodBytes);
        d.mRecoverable = editsContinuing(lines, d.mProject.modified);
        if (!d.mRecoverable.empty()) d.mJournalBytes = goodBytes; // kept, and appended to, once recovered
    }
    return d;
}

Document Document::create(const std::string& projectPath) {
    if (fs::exists(projectPath)) throw Error(projectPath + " exists already; open it instead");
    Document d;
    d.mPath = projectPath;
    d.save(); // an (empty) project file from the start, so that the journal always has a base
    return d;
}

void Document::recover() {
    for (size_t i = 0; i < mRecoverable.size(); ++i) {
        try {
            apply(mProject, mRecoverable[i]);
        } catch (const Error& e) {
            throw Error(journalPath() + ": edit " + std::to_string(i + 1) + " cannot be replayed: " + e.what());
        }
    }
    // The replayed edits stay journaled (the journal file is kept) until the next save.
    if (!mRecoverable.empty()) mModified = true;
    mRecoverable.clear();
}

void Document::discardRecovery() {
    mRecoverable.clear();
    mJournalBytes = 0;
    if (mJournalFd >= 0) ::close(mJournalFd), mJournalFd = -1;
    std::error_code ec;
    fs::remove(journalPath(), ec);
}

void Document::startJournal() {
    // Appending to a journal that already holds this project's unsaved (recovered) edits keeps them.
    const bool continuing = fs::exists(journalPath()) && mModified;
    mJournalFd = ::open(journalPath().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (continuing ? 0 : O_TRUNC), 0644);
    if (mJournalFd < 0) throw Error(journalPath() + ": cannot write the journal: " + std::strerror(errno));
    // A tail torn by the crash goes first: an edit appended to it would be unreadable, and with it
    // every edit after it.
    if (continuing && ::ftruncate(mJournalFd, static_cast<off_t>(mJournalBytes)) != 0)
        throw Error(journalPath() + ": cannot write the journal: " + std::strerror(errno));
    if (!continuing) {
        const std::string header = journalHeader(mProject).dump() + "\n";
        if (::write(mJournalFd, header.data(), header.size()) != static_cast<ssize_t>(header.size()))
            throw Error(journalPath() + ": cannot write the journal: " + std::strerror(errno));
        mJournalBytes = header.size();
    }
}

void Document::record(const json& edit) { recordLine(edit.dump()); }

void Document::recordLine(std::string line) {
    if (!mRecoverable.empty())
        throw Error(journalPath() + " holds unsaved work from an earlier session: recover or discard it first");
    if (mJournalFd < 0) startJournal();
    line += '\n';
    size_t written = 0;
    while (written < line.size()) {
        const ssize_t n = ::write(mJournalFd, line.data() + written, line.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(journalPath() + ": cannot write the journal: " + std::strerror(errno));
        written += static_cast<size_t>(n);
    }
    mJournalBytes += line.size();
    if (mSavePending) mSinceMark += line;
    // The edit is on disk before the call returns (in a batch: before the batch ends).
    if (mBatchDepth > 0) mUnsynced = true;
    else ::fdatasync(mJournalFd);
    mModified = true;
}

void Document::endBatch() {
    if (--mBatchDepth > 0 || !mUnsynced) return;
    if (mJournalFd >= 0) ::fdatasync(mJournalFd);
    mUnsynced = false;
}

void Document::apply(Project& project, const json& edit) {
    const JsonPath where{"journal"};
    const std::string op = where.requireString(edit, "", "op");
    if (op == "add_image") {
        project.addImage(where.requireString(edit, "", "path"), where.requireInt(edit, "", "width"),
                         where.requireInt(edit, "", "height"), optionalText(where, edit, "", "hash"));
    } else if (op == "add_category") {
        project.addCategory(where.requireString(edit, "", "name"), optionalText(where, edit, "", "supercategory"));
    } else if (op == "add_annotation") {
        Annotation a = annotationFromJson(where.require(edit, "", "annotation"), "journal", "annotation");
        if (JsonPath::has(edit, "id")) a.id = where.requireInt64(edit, "", "id"); // a prepared annotation's line
        const int64_t id = project.addAnnotation(a);
        if (id != a.id) throw Error("journal: the annotation was " + std::to_string(a.id) + ", replayed as " + std::to_string(id));
    } else if (op == "replace_mask") {
        project.replaceMask(where.requireInt64(edit, "", "id"), coco::fromCocoJson(where.require(edit, "", "rle"), "journal"));
    } else if (op == "set_category") {
        project.setCategory(where.requireInt64(edit, "", "id"), where.requireInt(edit, "", "category_id"));
    } else if (op == "remove_annotation") {
        project.removeAnnotation(where.requireInt64(edit, "", "id"));
    } else if (op == "set_state") {
        const std::string s = where.requireString(edit, "", "state");
        const ReviewState state = s == "reviewed" ? ReviewState::Reviewed : s == "auto" ? ReviewState::AutoAnnotated : ReviewState::New;
        project.setState(where.requireInt64(edit, "", "image_id"), state);
    } else if (op == "add_prompt") {
        const json& r = where.require(edit, "", "record");
        PromptRecord record;
        record.prompt = where.requireString(r, "record", "prompt");
        record.time = optionalText(where, r, "record", "time");
        record.latencyMs = optionalNumber(where, r, "record", "latency_ms");
        record.score = optionalNumber(where, r, "record", "score");
        record.area = JsonPath::has(r, "area") ? where.requireInt64(r, "record", "area") : 0;
        record.model = optionalText(where, r, "record", "model");
        project.addPrompt(where.requireInt64(edit, "", "image_id"), record);
    } else {
        where.fail("op", "unknown edit \"" + op + "\"");
    }
}

// Each edit: applied to the project first (which validates it), then journaled.

int64_t Document::addImage(const std::string& path, int width, int height, const std::string& hash) {
    const int64_t id = mProject.addImage(path, width, height, hash);
    record({{"op", "add_image"}, {"path", path}, {"width", width}, {"height", height}, {"hash", hash}});
    return id;
}

int Document::addCategory(const std::string& name, const std::string& supercategory) {
    const int id = mProject.addCategory(name, supercategory);
    record({{"op", "add_category"}, {"name", name}, {"supercategory", supercategory}});
    return id;
}

int64_t Document::addAnnotation(const Annotation& annotation) { return addAnnotation(prepare(annotation)); }

Document::PreparedAnnotation Document::prepare(Annotation annotation) {
    if (annotation.created.empty()) annotation.created = nowIso8601();
    annotation.id = 0; // the project gives the id; the journal line names it beside this text
    std::string text = annotationToJson(annotation).dump();
    return {std::move(annotation), std::move(text)};
}

int64_t Document::addAnnotation(const PreparedAnnotation& prepared) {
    const int64_t id = mProject.addAnnotation(prepared.annotation);
    recordLine(R"({"op":"add_annotation","id":)" + std::to_string(id) + R"(,"annotation":)" + prepared.journalText +
               "}");
    return id;
}

void Document::replaceMask(int64_t annotationId, const coco::Rle& mask) {
    mProject.replaceMask(annotationId, mask);
    record({{"op", "replace_mask"}, {"id", annotationId}, {"rle", coco::toCocoJson(mask)}});
}

void Document::setCategory(int64_t annotationId, int categoryId) {
    mProject.setCategory(annotationId, categoryId);
    record({{"op", "set_category"}, {"id", annotationId}, {"category_id", categoryId}});
}

void Document::removeAnnotation(int64_t annotationId) {
    mProject.removeAnnotation(annotationId);
    record({{"op", "remove_annotation"}, {"id", annotationId}});
}

void Document::setState(int64_t imageId, ReviewState state) {
    mProject.setState(imageId, state);
    record({{"op", "set_state"}, {"image_id", imageId}, {"state", toString(state)}});
}

void Document::addPrompt(int64_t imageId, const PromptRecord& r) {
    mProject.addPrompt(imageId, r);
    record({{"op", "add_prompt"},
            {"image_id", imageId},
            {"record", {{"prompt", r.prompt}, {"time", r.time}, {"latency_ms", r.latencyMs}, {"score", r.score},
                        {"area", r.area}, {"model", r.model}}}});
}

void Document::save(const WriteRunner& runWrite) {
    PendingSave pending = beginSave();
    try {
        if (runWrite) runWrite([&pending] { writeFile(pending); });
        else writeFile(pending);
    } catch (...) {
        abandonSave();
        throw;
    }
    finishSave(pending);
}

Document::PendingSave Document::beginSave() {
    if (!mRecoverable.empty())
        throw Error(journalPath() + " holds unsaved work from an earlier session: recover or discard it before saving");
    if (mSavePending) throw Error(mPath + ": a save is under way already");
    PendingSave pending{mProject, mPath};
    std::string now = nowIso8601();
    while (now == mProject.modified) now = nowIso8601(); // the new base must name this save alone
    if (pending.snapshot.created.empty()) pending.snapshot.created = now;
    pending.snapshot.modified = now; // millisecond precision: the journal's base names this save
    // The mark: a crash after the new file is in place replays the journal from here.
    const std::string mark = json({{"op", kSaveMark}, {"base", now}}).dump();
    const bool modified = mModified;
    recordLine(mark);
    mModified = modified; // a mark is not an edit
    // On disk before the new file can be: inside a Batch, recordLine() leaves the sync to its end.
    if (mUnsynced) ::fdatasync(mJournalFd), mUnsynced = false;
    mSavePending = true;
    mSinceMark.clear();
    return pending;
}

void Document::writeFile(PendingSave& pending) {
    json j = pending.snapshot.toJson();
    j["created"] = pending.snapshot.created;
    j["modified"] = pending.snapshot.modified;
    const std::string text = j.dump(1) + "\n";
    writeFileAtomically(pending.path, text);
    pending.bytes = text.size();
}

void Document::finishSave(const PendingSave& pending) {
    assert(mSavePending);
    mSavePending = false;
    // The file now holds every edit up to the mark: it is the journal's new base.
    mProject.created = pending.snapshot.created;
    mProject.modified = pending.snapshot.modified;
    mProjectFileBytes = pending.bytes;
    if (mJournalFd >= 0) {
        if (mUnsynced) ::fdatasync(mJournalFd), mUnsynced = false;
        ::close(mJournalFd);
        mJournalFd = -1;
    }
    const std::string since = std::exchange(mSinceMark, {});
    if (since.empty()) {
        std::error_code ec;
        fs::remove(journalPath(), ec);
        mJournalBytes = 0;
        mModified = false;
        return;
    }
    // Edits made while the file was written: a journal of them alone, on the new base, replaces the
    // old one in one rename (until then, the old journal's mark covers them).
    const std::string text = journalHeader(mProject).dump() + "\n" + since;
    try {
        writeFileAtomically(journalPath(), text);
    } catch (const Error& e) { // the old journal, whose mark covers these edits, stays in use
        throw Error(std::string("the project file is saved, but its journal could not be trimmed (no edit is lost): ") +
                    e.what());
    }
    mJournalBytes = text.size();
    mModified = true;
}

void Document::abandonSave() {
    mSavePending = false;
    mSinceMark.clear();
}

bool Document::foldIsDue() const {
    return mModified && (mProjectFileBytes < kSmallProjectBytes || mJournalBytes * 4 >= mProjectFileBytes);
}

} // namespace rlfseg::annotation
