#pragma once
// OpenBLAS chooses its kernels once, when it is loaded, for the CPU it recognises. Debian 12's
// OpenBLAS (0.3.21) does not know CPUs newer than itself (Sapphire Rapids, Emerald Rapids, ...) and
// falls back to its generic "Prescott" (SSE3) kernels: on a 2-core Emerald Rapids Xeon a 2048^3
// matrix product ran at 36 GFLOP/s instead of 203, and a flow training step took twice as long.
// It reads OPENBLAS_CORETYPE only while loading, so the fix is to set it and start again.

#include <string>

namespace rlfseg {

struct CpuVectorUnits {
    bool avx2 = false;   // with FMA: OpenBLAS's Haswell kernels
    bool avx512 = false; // F, CD, BW, DQ and VL: its SkylakeX kernels
    bool bf16 = false;   // AVX512-BF16: native bfloat16 products (oneDNN's, for bfloat16 training)
};
CpuVectorUnits cpuVectorUnits();

// The kernels of the OpenBLAS in this process ("SkylakeX"), or "" when the BLAS is not OpenBLAS.
std::string blasCoreName();

// The OpenBLAS core type to ask for, or "" to keep OpenBLAS's choice: only when it fell back to its
// generic kernels on a CPU that has better ones.
std::string betterBlasCoreType(const std::string& detectedCore, const CpuVectorUnits& cpu);

// First thing in main(): where betterBlasCoreType names kernels and the user has not set
// OPENBLAS_CORETYPE, sets it and executes the program again with the same arguments. Returns (and
// the program runs on as it is) when nothing needs changing or the new start fails.
void restartWithBetterBlasKernels(char** argv);

// "OpenBLAS, SkylakeX kernels", for reports, saying who chose them where not OpenBLAS: the user
// ("set by OPENBLAS_CORETYPE") or restartWithBetterBlasKernels ("chosen by RLFSeg: ...").
std::string blasDescription();

} // namespace rlfseg
