#include "core/train/EpochSamples.h"

#include "core/util/Error.h"

#include <set>

namespace rlfseg {

std::vector<int64_t> epochSamples(const std::vector<std::string>& kinds, const std::map<std::string, int>& repeatKinds) {
    const std::set<std::string> present(kinds.begin(), kinds.end());
    for (const auto& [kind, times] : repeatKinds) {
        if (present.count(kind)) continue;
        std::string known;
        for (const auto& k : present)
            if (!k.empty()) known += (known.empty() ? "" : ", ") + k;
        throw Error("repeat_kinds: no training expression is of kind \"" + kind + "\" (" +
                    (known.empty() ? std::string("this data set names no kinds") : "its kinds: " + known) + ")");
    }
    std::vector<int64_t> samples;
    samples.reserve(kinds.size());
    for (size_t i = 0; i < kinds.size(); ++i) {
        const auto repeat = repeatKinds.find(kinds[i]);
        const int times = repeat == repeatKinds.end() ? 1 : repeat->second;
        samples.insert(samples.end(), static_cast<size_t>(times), static_cast<int64_t>(i));
    }
    return samples;
}

} // namespace rlfseg
