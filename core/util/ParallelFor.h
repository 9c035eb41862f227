#pragma once
// Runs fn(i) for every i in [0, n) on every core (or on maxWorkers threads), for independent pieces of work that each take
// tens of microseconds or more (COCO outlines). Items are handed out one at a time, so uneven
// items balance. The first exception thrown stops the handing out and is rethrown in the caller.
// No LibTorch, no Qt.

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rlfseg {

inline void parallelFor(size_t n, const std::function<void(size_t)>& fn, size_t maxWorkers = 0) {
    const size_t cores = maxWorkers > 0 ? maxWorkers : std::max(1u, std::thread::hardware_concurrency());
    const size_t workers = std::min<size_t>(n, cores);
    if (workers <= 1) {
        for (size_t i = 0; i < n; ++i) fn(i);
        return;
    }
    std::atomic<size_t> next{0};
    std::exception_ptr failure;
    std::mutex failureLock;
    auto work = [&] {
        for (size_t i = next++; i < n; i = next++) {
            try {
                fn(i);
            } catch (...) {
                const std::lock_guard<std::mutex> lock(failureLock);
                if (!failure) failure = std::current_exception();
                next = n;
            }
        }
    };
    std::vector<std::thread> helpers;
    for (size_t w = 1; w < workers; ++w) helpers.emplace_back(work);
    work();
    for (auto& t : helpers) t.join();
    if (failure) std::rethrow_exception(failure);
}

} // namespace rlfseg
