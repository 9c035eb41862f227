#pragma once
// Deleting a folder and everything under it, without std::filesystem::remove_all.
//
// Why: the official LibTorch 2.11 (PyTorch's wheels) exports its own copy of
// std::filesystem::remove_all(const path&, error_code&) from libtorch.so. Programs linked to it
// bind to that copy, which crashed (a call through a null pointer) on a CUDA machine whenever the
// folder had contents; Debian's LibTorch has no such copy. This uses only the C library.

#include <filesystem>

namespace rlfseg {

// Removes `path` (a file, a link or a folder with all it holds; links are not followed).
// True when nothing is left there, a path that did not exist included.
bool removeTree(const std::filesystem::path& path) noexcept;

} // namespace rlfseg
