// Any bytes as the journal beside a saved project (what a crash, a full disk or a hand edit can
// leave): opening the project reads what it can and never fails on the journal; replaying it
// applies every edit or throws rlfseg::Error naming the bad one (the studio then opens nothing and
// keeps the journal). When the first byte is even, the input follows a valid header naming the
// project's base, so that the edits themselves get replayed.

#include "core/annotation/Document.h"
#include "core/util/Error.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace rlfseg;
namespace fs = std::filesystem;

namespace {

struct SavedProject {
    std::string path, base;
};

// One project for the whole run: an image, a category and one annotation, saved.
const SavedProject& savedProject() {
    static const SavedProject saved = [] {
        static const fs::path dir = fs::temp_directory_path() / ("rlfseg-fuzz-journal-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        std::atexit([] {
            std::error_code ignored;
            fs::remove_all(dir, ignored);
        });
        SavedProject s{(dir / "p.json").string(), ""};
        fs::remove(s.path);
        auto d = annotation::Document::create(s.path);
        annotation::Annotation a;
        a.imageId = d.addImage("a.png", 8, 6), a.categoryId = d.addCategory("x");
        a.mask = coco::Rle{6, 8, {10, 5, 33}};
        d.addAnnotation(a);
        d.save();
        s.base = d.project().modified;
        return s;
    }();
    return saved;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const SavedProject& saved = savedProject();
    std::string journal(reinterpret_cast<const char*>(data), size);
    if (size > 0 && data[0] % 2 == 0)
        journal = R"({"journal": "rlfseg-project", "base": ")" + saved.base + "\"}\n" + journal.substr(1);
    std::ofstream(saved.path + ".journal", std::ios::binary | std::ios::trunc) << journal;

    annotation::Document d = annotation::Document::open(saved.path); // must not throw: the file is fine
    try {
        d.recover();
    } catch (const Error&) {
    }
    d.discardRecovery(); // removes the journal; the saved file stays for the next input
    return 0;
}
