#pragma once
// Configurations of well-known architectures, without weights: Stable Diffusion 1.5 and 2.1
// (for benchmarks of real sizes and for users who fine-tune), and "tiny", a small SD-shaped
// configuration of the kind that trains on a laptop CPU.

#include "core/model/ModelFolder.h"

#include <string>
#include <vector>

namespace rlfseg {

// Names accepted by referenceArchitecture().
std::vector<std::string> referenceArchitectureNames();

// A ModelFolder holding the configs of `name` ("sd15", "sd21", "tiny") and `tokenizerDirectory`;
// its weight file lists are empty. Throws rlfseg::Error for an unknown name.
ModelFolder referenceArchitecture(const std::string& name, const std::string& tokenizerDirectory);

} // namespace rlfseg
