#pragma once
// Where the programs find their data (default model, samples, translations) in the source tree,
// in a build tree and once installed. Free of LibTorch and Qt.

#include <string>

namespace rlfseg {

// Directory of the running executable (Linux: /proc/self/exe); empty if unknown.
std::string executableDirectory();

// The first existing of: $RLFSEG_DATA_DIR, <exe>/../share/rlfseg (installed), the install data
// dir baked in at build time, <source>/resources. Empty if none exists.
std::string resourcesDirectory();

// The default model folder: $RLFSEG_DEFAULT_MODEL, else <resources>/models/default. Throws
// rlfseg::Error with advice when there is none.
std::string defaultModelDirectory();

} // namespace rlfseg
