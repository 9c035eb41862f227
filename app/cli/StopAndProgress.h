#pragma once
// What the long-running commands (train, annotate) share: Ctrl-C / SIGTERM as a polite request to
// stop after the current unit of work, and durations for progress lines.

#include <atomic>
#include <string>

namespace rlfseg::cli {

// While alive, SIGINT and SIGTERM set the flag instead of killing the process; the default
// handlers come back afterwards. One at a time.
class StopOnSignal {
public:
    StopOnSignal();
    ~StopOnSignal();
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;
    bool requested() const;
    const std::atomic<bool>* flag() const;
};

// "mm:ss" or "h:mm:ss"; "--:--" when unknown.
std::string formatDuration(double seconds);

} // namespace rlfseg::cli
