#include "core/util/Runtime.h"

#include "core/util/Error.h"

#include <torch/torch.h>

#include <thread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#ifdef RLFSEG_HAVE_CUDA // set by CMake when the LibTorch in use was built with CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

namespace rlfseg {

int configureRuntime(int threads, LargeAllocations large) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
#ifdef __GLIBC__
    // One heap per thread that works at once: fewer would serialise parallel work (COCO export
    // traces outlines on every core) on the heap's lock, glibc's default (8 per core) holds on to
    // more freed memory.
    mallopt(M_ARENA_MAX, threads);
    if (large == LargeAllocations::KeepInHeap) {
        mallopt(M_MMAP_THRESHOLD, 512 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
    }
#else
    (void)large;
#endif
    torch::set_num_threads(threads);
    return torch::get_num_threads();
}

void releaseFreedMemory() {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

int torchThreads() { return torch::get_num_threads(); }

bool cudaAvailable() { return torch::cuda::is_available() && torch::cuda::device_count() > 0; }

namespace {
std::string cudaName(int index) {
#ifdef RLFSEG_HAVE_CUDA
    return at::cuda::getDeviceProperties(index)->name;
#else
    return "GPU " + std::to_string(index);
#endif
}
} // namespace

DeviceChoice chooseDevice(const std::string& request) {
    DeviceChoice choice;
    if (request == "cpu") {
        choice.device = "cpu";
    } else if (request == "auto" || request.empty()) {
        choice.device = cudaAvailable() ? "cuda:0" : "cpu";
    } else if (request == "cuda" || request.rfind("cuda:", 0) == 0) {
        if (!cudaAvailable())
            throw Error("CUDA was requested (--device " + request + "), but " +
                        (torch::cuda::is_available() ? std::string("no GPU was found")
                                                     : std::string("this build of LibTorch has no CUDA support or no "
                                                                   "GPU is present")) +
                        ". Use --device cpu or --device auto.");
        int index = 0;
        if (request.size() > 5) {
            try {
                index = std::stoi(request.substr(5));
            } catch (...) {
                throw Error("bad device '" + request + "': expected cuda:N");
            }
        }
        if (index < 0 || index >= static_cast<int>(torch::cuda::device_count()))
            throw Error("bad device '" + request + "': " + std::to_string(torch::cuda::device_count()) +
                        " CUDA device(s) present");
        choice.device = "cuda:" + std::to_string(index);
    } else {
        throw Error("unknown device '" + request + "': expected auto, cpu, cuda or cuda:N");
    }
    choice.cuda = choice.device != "cpu";
    choice.description = choice.cuda ? "CUDA " + choice.device.substr(5) + ": " + cudaName(std::stoi(choice.device.substr(5)))
                                     : "CPU, " + std::to_string(torchThreads()) + " threads";
    return choice;
}

} // namespace rlfseg
