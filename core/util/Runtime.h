#pragma once
// Process-wide LibTorch settings and device selection. Free of LibTorch in its interface.

#include <string>

namespace rlfseg {

// Where malloc puts blocks of tens to hundreds of MB. glibc's default mmaps them and unmaps them on
// free, so every such block is zeroed by the kernel again: batched training encodes spent all their
// time there, and keeping them in the heap fixed it. But in the heap, big blocks of many sizes
// fragment it: one SD 1.5 segment call at 512 px peaked at 8.0 GB instead of 5.4 GB. So only
// training keeps them (and, malloc being per process, a later Default call does not undo that).
enum class LargeAllocations { Default, KeepInHeap };

// Process-wide settings, once at start: LibTorch's intra-op thread count (Debian's LibTorch starts
// with one thread; `threads` <= 0 means the number of cores), at most one malloc arena per thread
// (fewer arenas keep less freed memory; a single one serialised the parallel COCO export on
// malloc's lock) and `large` above. Returns the thread count in effect.
int configureRuntime(int threads = 0, LargeAllocations large = LargeAllocations::Default);

// Gives the heap's free pages back to the system (glibc's malloc_trim, every arena). Work done on
// other threads (a save in the background, a long task) leaves what it freed in their arenas,
// where the resident size kept it (studio bench: 378 MiB after 100 prompts without it, 350 with it).
void releaseFreedMemory();
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
