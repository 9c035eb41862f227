#pragma once
// Process-wide LibTorch settings and device selection. Free of LibTorch in its interface.

#include <string>

namespace rlfseg {

// Process-wide settings for inference, once at start: LibTorch's intra-op thread count (Debian's
// LibTorch starts with one thread; `threads` <= 0 means the number of cores) and at most one malloc
// arena per thread (fewer arenas keep less freed memory; a single one serialised the parallel COCO
// export on malloc's lock), with large blocks kept in the heap rather than mmap-ed and unmapped per
// allocation. Returns the thread count in effect.
int configureRuntime(int threads = 0);
int torchThreads();

struct DeviceChoice {
    std::string device;      // "cpu" or "cuda:N"
    std::string description; // "CPU, 2 threads" or "CUDA 0: NVIDIA H100 80GB HBM3"
    bool cuda = false;
};

// "auto" picks CUDA where LibTorch has it and a GPU is present, else the CPU. "cuda" / "cuda:N"
// without a usable GPU is an rlfseg::Error (never a silent CPU fallback); "cpu" is always allowed.
DeviceChoice chooseDevice(const std::string& request);
bool cudaAvailable();

} // namespace rlfseg
