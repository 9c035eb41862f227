#include "core/io/RemoveTree.h"

#include <cstdio>
#include <ftw.h>
#include <sys/stat.h>

namespace rlfseg {

bool removeTree(const std::filesystem::path& path) noexcept {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) return errno == ENOENT;
    // Depth first (contents before their folder), never crossing a symbolic link.
    const auto removeOne = [](const char* entry, const struct stat*, int, struct FTW*) { return std::remove(entry) == 0 ? 0 : -1; };
    ::nftw(path.c_str(), removeOne, 32, FTW_DEPTH | FTW_PHYS);
    return ::lstat(path.c_str(), &info) != 0 && errno == ENOENT;
}

} // namespace rlfseg
