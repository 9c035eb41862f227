#pragma once
// Crash-safe file replacement and whole-file reading. No Qt, no LibTorch.
//
// writeFileAtomically writes through a temporary file in the same folder as `path`, flushes and
// fsyncs it, renames it over `path` and fsyncs the folder. A crash or kill at any moment leaves
// either the old file or the new one, never a mix (a stray temporary file "<name>.tmp-*" may be
// left behind by a kill -9; it is never the target itself). If the target exists, its permission
// bits are kept; a new file gets the usual 0666 & ~umask. Every failure is an rlfseg::Error naming
// the path. If `write` throws, the temporary file is removed, the old file is untouched and the
// exception propagates unchanged. On Windows the data is written and renamed but not fsynced.

#include <functional>
#include <ostream>
#include <string>

namespace rlfseg {

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);
void writeFileAtomically(const std::string& path, const std::string& bytes);

// The whole file as bytes. Throws rlfseg::Error naming the path (missing, a folder, unreadable).
std::string readFileToString(const std::string& path);

} // namespace rlfseg
