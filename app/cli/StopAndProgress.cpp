#include "StopAndProgress.h"

#include <csignal>
#include <cstdio>

namespace rlfseg::cli {

namespace {
std::atomic<bool> gStop{false};
extern "C" void onStopSignal(int) { gStop.store(true); }
} // namespace

StopOnSignal::StopOnSignal() {
    gStop.store(false);
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
}

StopOnSignal::~StopOnSignal() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

bool StopOnSignal::requested() const { return gStop.load(); }
const std::atomic<bool>* StopOnSignal::flag() const { return &gStop; }

std::string formatDuration(double seconds) {
    if (!(seconds >= 0) || seconds > 1e7) return "--:--";
    const long s = static_cast<long>(seconds);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    return buf;
}

} // namespace rlfseg::cli
