#pragma once
// Which training samples one epoch of a latent stage visits (before its seeded shuffle): every
// sample once, and a sample whose expression kind is listed in `repeatKinds` that many times, so a
// stage can see more of the kinds a model fails most (the shapes data's relations and superlatives)
// without another data set. Free of LibTorch.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rlfseg {

// kinds[i]: sample i's expression kind ("" where the data set names none). Throws rlfseg::Error
// when a listed kind names no sample (a typo, or a data set without kinds), listing the kinds there are.
std::vector<int64_t> epochSamples(const std::vector<std::string>& kinds, const std::map<std::string, int>& repeatKinds);

} // namespace rlfseg
