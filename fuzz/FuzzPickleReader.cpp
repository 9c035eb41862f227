// Any bytes as a RefCOCO refs(unc).p pickle: the data-only unpickler returns JSON or throws
// rlfseg::Error, and never crashes, hangs or runs code.

#include "core/io/Pickle.h"
#include "core/util/Error.h"

#include <cstdint>
#include <string>

using namespace rlfseg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        (void)parsePickle(std::string(reinterpret_cast<const char*>(data), size), "fuzz.p");
    } catch (const Error&) {
    }
    return 0;
}
