// rlfseg train --config FILE --out DIR: runs core/train's stages with a progress bar on stderr.
// Ctrl-C (or SIGTERM) finishes the current step, writes a checkpoint and exits; running the same
// command again resumes from it.

#include "Commands.h"
#include "StopAndProgress.h"

#include "core/train/TrainConfig.h"
#include "core/train/Trainer.h"

#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace rlfseg::cli {
namespace {

// On a terminal, one line redrawn in place; in a log file, a line every 30 s (and at stage ends).
class ProgressBar {
public:
    explicit ProgressBar(bool quiet) : mQuiet(quiet), mTty(isatty(STDERR_FILENO)) {}
    void step(const TrainStepReport& r) {
        if (mQuiet) return;
        const auto now = std::chrono::steady_clock::now();
        if (r.stageIndex != mStage) {
            mStage = r.stageIndex;
            mRecent.assign(1, {now, r.step - 1});
        }
        // The ETA comes from the last two minutes' pace, not the stage's average: a machine that
        // was busy with something else for a while would otherwise promise hours for minutes.
        if (now - mRecent.back().first >= std::chrono::seconds(1)) mRecent.push_back({now, r.step});
        while (mRecent.size() > 2 && now - mRecent[1].first > std::chrono::seconds(120)) mRecent.pop_front();
        const bool end = r.step == r.steps;
        if (!mTty && !end && now - mLastLine < std::chrono::seconds(30)) return;
        if (mTty && !end && now - mLastLine < std::chrono::milliseconds(200)) return;
        mLastLine = now;
        const double spent = std::chrono::duration<double>(now - mRecent.front().first).count();
        const double perStep = spent / static_cast<double>(std::max<int64_t>(1, r.step - mRecent.front().second));
        const double eta = perStep * static_cast<double>(r.steps - r.step);
        const int width = 24;
        const int filled = static_cast<int>(width * r.step / std::max<int64_t>(1, r.steps));
        std::ostringstream line;
        line << "[" << r.stage << "] " << r.step << "/" << r.steps << " [" << std::string(filled, '#')
             << std::string(width - filled, '.') << "] loss " << r.loss << " lr " << r.learningRate << " | "
             << static_cast<int>(r.samplesPerSecond * 10) / 10.0 << " samples/s | ETA " << formatDuration(eta);
        if (mTty) std::cerr << "\r\033[K" << line.str() << (end ? "\n" : "") << std::flush;
        else std::cerr << line.str() << "\n";
    }
    void message(const std::string& m) {
        if (mQuiet) return;
        if (mTty) std::cerr << "\r\033[K";
        std::cerr << m << "\n";
    }

private:
    bool mQuiet, mTty;
    int mStage = -1;
    std::deque<std::pair<std::chrono::steady_clock::time_point, int64_t>> mRecent; // (when, step)
    std::chrono::steady_clock::time_point mLastLine;
};

} // namespace

void addTrainCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("train", "Train a model: VAE, rectified flow or the diffusion baseline (resumable)");
    struct Args {
        std::string config, out, init;
        bool fresh = false, quiet = false;
        int64_t stopAfter = 0;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("--config", args->config, "Training recipe (JSON; see docs/TRAINING.md)")->required();
    cmd->add_option("--out", args->out, "Run folder: log, checkpoints, and the model at the end")->required();
    cmd->add_option("--init", args->init,
                    "Start from this model folder (e.g. Stable Diffusion 1.5/2.1), replacing the recipe's init/architecture");
    cmd->add_flag("--no-resume", args->fresh, "Refuse to continue a run that OUT already holds");
    cmd->add_option("--stop-after", args->stopAfter, "Stop with a checkpoint after this many steps (resume later)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("-q,--quiet", args->quiet, "No progress output");
    cmd->callback([args] {
        auto config = TrainConfig::fromFile(args->config);
        if (!args->init.empty()) {
            config.init = std::filesystem::absolute(args->init).string();
            config.architecture.clear();
            config.raw["init"] = config.init;
            config.raw.erase("architecture");
        }
        ProgressBar bar(args->quiet);
        TrainOptions options;
        options.outDirectory = args->out;
        options.resume = !args->fresh;
        options.stopAfterSteps = args->stopAfter;
        StopOnSignal stop;
        options.stopRequested = stop.flag();
        options.onStep = [&](const TrainStepReport& r) { bar.step(r); };
        options.onMessage = [&](const std::string& m) { bar.message(m); };
        options.onValidation = [&](const nlohmann::json& v) {
            std::ostringstream s;
            s << "validation after " << v.value("stage", "") << " step " << v.value("step", 0) << ": "
              << v.value("metric_name", "") << " " << v.value("metric", 0.0) << " (" << v.value("samples", 0)
              << " samples of " << v.value("data", std::string("val")) << ")";
            if (v.contains("best_step")) // keep_best
                s << "; best so far: step " << v.value("best_step", 0) << " (" << v.value("best_metric", 0.0) << ")";
            bar.message(s.str());
        };
        const auto summary = train(config, options);
        if (!args->quiet) {
            if (summary.finished)
                std::cerr << "done: " << summary.globalStep << " steps in " << formatDuration(summary.elapsedSeconds)
                          << "; model in " << summary.modelDirectory << "\n";
            else
                std::cerr << "paused at step " << summary.globalStep
                          << (summary.lastCheckpoint.empty() ? std::string() : " (" + summary.lastCheckpoint + ")")
                          << "; run the same command again to continue\n";
        }
    });
}

} // namespace rlfseg::cli
