#pragma once
// A project being edited: the Project, the file it lives in, and a journal that makes every edit
// durable before it returns, so a crash or a kill loses nothing. No Qt, no LibTorch.
//
// Every edit goes through Document, which applies it and appends it to `<project>.journal` (one
// JSON line, flushed and fdatasync-ed). save() writes the project atomically and then empties the
// journal of what it wrote (a save in three steps lets edits go on while the file is written).
// Opening a project that has a non-empty journal whose base matches the project file means the
// last session ended without saving: hasRecoverableWork() says so, recover() replays the edits
// (the same ids come back), discardRecovery() drops them. A journal cut off mid-line by a crash is
// read up to its last complete line. A save marks the journal before it writes the file
// (beginSave()), so a journal that outlived the file it continued is replayed from that mark.

#include "core/annotation/Project.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace rlfseg::annotation {

class Document {
public:
    // Opens an existing project file. Throws rlfseg::Error for a broken project file (the journal
    // is left alone, so nothing is lost).
    static Document open(const std::string& projectPath);
    // A new, empty project to be saved at projectPath (an existing file there is an error).
    static Document create(const std::string& projectPath);

    Document(Document&&) noexcept;
    Document& operator=(Document&&) noexcept;
    ~Document();

    const Project& project() const { return mProject; }
    const std::string& path() const { return mPath; }
    std::string journalPath() const { return mPath + ".journal"; }
    bool modified() const { return mModified; }

    bool hasRecoverableWork() const { return !mRecoverable.empty(); }
    size_t recoverableEdits() const { return mRecoverable.size(); }
    void recover();
    void discardRecovery();

    // Edits: applied, then journaled. They throw rlfseg::Error (and change nothing) when invalid.
    int64_t addImage(const std::string& path, int width, int height, const std::string& hash = "");
    int addCategory(const std::string& name, const std::string& supercategory = "");
    int64_t addAnnotation(const Annotation& annotation);
    // An annotation with its journal text made beforehand, on any thread: adding a large import
    // then costs the caller's thread the insert and the file write, not the JSON (about 330 ms for
    // 20,000 imported polygons). prepare() reads nothing of a document; it fills `created` if empty.
    struct PreparedAnnotation {
        Annotation annotation;
        std::string journalText; // the annotation as JSON, its id left to the journal line
    };
    static PreparedAnnotation prepare(Annotation annotation);
    int64_t addAnnotation(const PreparedAnnotation& prepared);
    void replaceMask(int64_t annotationId, const coco::Rle& mask);
    void setCategory(int64_t annotationId, int categoryId);
    void removeAnnotation(int64_t annotationId);
    void setState(int64_t imageId, ReviewState state);
    void addPrompt(int64_t imageId, const PromptRecord& record);

    // Atomic save to path(); then the journal is emptied of what was written. beginSave(),
    // writeFile() and finishSave() in a row; `runWrite`, when given, runs the write (on a thread of
    // its choosing, edits going on meanwhile) and returns when it is done, rethrowing its failure.
    using WriteRunner = std::function<void(const std::function<void()>& write)>;
    void save(const WriteRunner& runWrite = {});

    // A save in three steps, so that its slow middle (serialising and writing the file, about 0.7 s
    // for 20,000 annotations) can run on another thread while editing goes on:
    //   beginSave()        this thread: a copy of the project as it is now, and a mark in the journal;
    //   writeFile(pending) any thread: the copy written atomically to the project file;
    //   finishSave(pending)  this thread: the journal keeps only the edits made after the mark.
    // A crash between any two steps loses nothing: open() replays a journal whose base is not the
    // project file's from the mark that names the file's base. After a failed writeFile(), call
    // abandonSave(): the journal goes on as before (its mark is skipped when replayed).
    struct PendingSave {
        Project snapshot; // its `modified` is the new base
        std::string path;
        uint64_t bytes = 0; // written by writeFile()
    };
    PendingSave beginSave();
    static void writeFile(PendingSave& pending);
    void finishSave(const PendingSave& pending);
    void abandonSave();
    bool savePending() const { return mSavePending; }

    // Whether an autosave should fold the journal into the project file now. Saving rewrites the
    // whole file (about 0.7 s for 20,000 imported annotations here), while the journal already keeps
    // every edit; so a periodic save of a large project waits until its journal has grown to a
    // quarter of the file. Small projects (under kSmallProjectBytes) are always worth folding.
    bool foldIsDue() const;
    static constexpr uint64_t kSmallProjectBytes = 4u << 20;
    uint64_t projectFileBytes() const { return mProjectFileBytes; } // as last saved or opened
    uint64_t journalBytes() const { return mJournalBytes; }         // since then

    // Edits made while a Batch lives are journaled one by one as usual, but synced to disk once,
    // when the outermost Batch ends: an import of 100,000 annotations costs one fdatasync instead
    // of 100,000 (over two minutes on an ordinary disk). A crash before the end may lose the tail
    // of the batch, never an edit made before it.
    class Batch {
    public:
        explicit Batch(Document& document) : mDocument(document) { ++mDocument.mBatchDepth; }
        ~Batch() { mDocument.endBatch(); }
        Batch(const Batch&) = delete;
        Batch& operator=(const Batch&) = delete;

    private:
        Document& mDocument;
    };

    // One journaled edit applied to a project (what recover() replays). Throws rlfseg::Error.
    static void apply(Project& project, const nlohmann::json& edit);

private:
    Document() = default;
    void record(const nlohmann::json& edit);
    void recordLine(std::string line); // one journal line, without its newline
    void startJournal();
    void endBatch();

    std::string mPath;
    Project mProject;
    bool mModified = false;
    std::vector<nlohmann::json> mRecoverable;
    int mJournalFd = -1;
    int mBatchDepth = 0;
    bool mUnsynced = false; // journal lines written in a batch and not yet synced
    bool mSavePending = false;
    std::string mSinceMark; // journal lines written since beginSave()'s mark
    uint64_t mProjectFileBytes = 0, mJournalBytes = 0;
};

} // namespace rlfseg::annotation
