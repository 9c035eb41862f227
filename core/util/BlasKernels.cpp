#include "core/util/BlasKernels.h"

#include <cstdlib>
#include <dlfcn.h>
#include <unistd.h>

namespace rlfseg {

namespace {
constexpr const char* kDetectedVariable = "RLFSEG_OPENBLAS_DETECTED";
} // namespace

CpuVectorUnits cpuVectorUnits() {
    CpuVectorUnits cpu;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    cpu.avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    cpu.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
                 __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                 __builtin_cpu_supports("avx512vl");
    cpu.bf16 = cpu.avx512 && __builtin_cpu_supports("avx512bf16");
#endif
    return cpu;
}

std::string blasCoreName() {
    // Looked up at run time: LibTorch reaches the BLAS through libblas.so.3, whichever one the
    // system's alternatives (or our rpath) name; only OpenBLAS has this function.
    using CoreName = char* (*)();
    const auto coreName = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    const char* name = coreName ? coreName() : nullptr;
    return name ? std::string(name) : std::string();
}

std::string betterBlasCoreType(const std::string& detectedCore, const CpuVectorUnits& cpu) {
    // Prescott is where OpenBLAS's run-time dispatch lands for a CPU it does not know; a CPU that
    // really is that old has neither AVX2 nor AVX-512, so the rule never overrides a right choice.
    if (detectedCore != "Prescott") return {};
    if (cpu.avx512) return "SkylakeX";
    if (cpu.avx2) return "Haswell";
    return {};
}

void restartWithBetterBlasKernels(char** argv) {
    if (std::getenv("OPENBLAS_CORETYPE") || argv == nullptr || argv[0] == nullptr) return;
    const std::string core = betterBlasCoreType(blasCoreName(), cpuVectorUnits());
    if (core.empty()) return;
    // The executable's own path rather than /proc/self/exe, so that the process keeps its name
    // (ps, top and system monitors show the file name the process was started from).
    char self[4096];
    const ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0) return;
    self[length] = '\0';
    if (setenv("OPENBLAS_CORETYPE", core.c_str(), 1) != 0) return;
    setenv(kDetectedVariable, "Prescott", 1); // for blasDescription: our choice, not the user's
    execv(self, argv);
    // Only reached when the new start failed: go on with the generic kernels. The variable stays set
    // (a child process gets the better kernels).
}

std::string blasDescription() {
    const std::string core = blasCoreName();
    if (core.empty()) return "not OpenBLAS";
    const char* forced = std::getenv("OPENBLAS_CORETYPE");
    const char* detected = std::getenv(kDetectedVariable);
    if (forced && detected && core == forced)
        return "OpenBLAS, " + core + " kernels (chosen by RLFSeg: OpenBLAS took this CPU for " + detected + ")";
    return "OpenBLAS, " + core + " kernels" + (forced ? " (set by OPENBLAS_CORETYPE)" : "");
}

} // namespace rlfseg
