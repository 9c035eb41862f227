// rlfseg eval: METHOD.md section 7 metrics of a model on a split, as JSON, plus a per-expression CSV.
// rlfseg calibrate: the same evaluation, to choose the model's edge snap and binary mask threshold.

#include "Commands.h"

#include "core/eval/Evaluation.h"
#include "core/io/AtomicFile.h"
#include "core/model/ModelWriter.h"
#include "core/util/Paths.h"

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <iomanip>
#include <memory>
#include <iostream>

namespace rlfseg::cli {

namespace {

// What eval and calibrate share: the model, the data and how to run the networks.
void addEvaluationOptions(CLI::App* cmd, eval::EvaluationOptions& o) {
    cmd->add_option("--model", o.model, "Model folder (default: the bundled default model)");
    cmd->add_option("--data", o.data, "Data set: this project's format, RefCOCO, PhraseCut or COCO (docs/TRAINING.md)")->required();
    cmd->add_option("--images", o.images, "Where the data set's images are (default: DATA/images)");
    cmd->add_option("--sampler", o.sampler, "one-step | adaptive | euler:N | ddim:N (diffusion baseline)")
        ->capture_default_str();
    cmd->add_option("--limit", o.limit, "Evaluate this many samples, evenly spaced over the split (0: all)");
    cmd->add_option("--device", o.device, "auto | cpu | cuda | cuda:N")->capture_default_str();
    cmd->add_option("--precision", o.precision, "auto | float32 | float16 | bfloat16")->capture_default_str();
    cmd->add_option("--threads", o.threads, "CPU threads (0: all cores)");
}

std::function<void(size_t, size_t)> progressPrinter(const char* what) {
    const bool tty = isatty(STDERR_FILENO);
    auto lastShown = std::make_shared<size_t>(0);
    return [=](size_t done, size_t total) {
        if (tty) {
            std::cerr << "\r\033[K" << what << " " << done << "/" << total << std::flush;
        } else if (done == total || done - *lastShown >= 500) { // a line every 500 in logs
            std::cerr << what << " " << done << "/" << total << "\n";
            *lastShown = done;
        }
    };
}

} // namespace

void addCalibrateCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "calibrate",
        "Choose a model's edge snap and mask threshold on a validation split and store them in its rlfseg.json");
    struct Args {
        eval::EvaluationOptions options;
        std::vector<int> radii;
        std::string report;
        bool dryRun = false, quiet = false;
    };
    auto a = std::make_shared<Args>();
    a->options.split = "val";
    addEvaluationOptions(cmd, a->options);
    cmd->add_option("--split", a->options.split, "Split to choose them on (never a test split)")
        ->capture_default_str();
    cmd->add_option("--edge-snap-radii", a->radii,
                    "Edge snap radii to try besides off, in pixels of the model's input (default: 1/64 to 1/8 of "
                    "the model's resolution); each with epsilon 1e-4 and 1e-3")
        ->delimiter(',')
        ->check(CLI::Range(0, refine::kMaxEdgeSnapRadius));
    cmd->add_option("--report", a->report,
                    "JSON report to write: the evaluation with the edge snap off, and every snap tried (snap_trials)");
    cmd->add_flag("--dry-run", a->dryRun, "Print the choice, leave the model as it is");
    cmd->add_flag("-q,--quiet", a->quiet, "Print nothing but errors");
    cmd->callback([a] {
        auto options = a->options;
        if (options.model.empty()) options.model = defaultModelDirectory();
        if (!a->radii.empty()) options.snapTrials.push_back({}); // off is always a candidate
        for (const int radius : a->radii)
            for (const double epsilon : {1e-4, 1e-3})
                if (radius > 0) options.snapTrials.push_back({radius, epsilon});
        if (!a->dryRun) requireModelCard(options.model); // before the long evaluation
        if (!a->quiet) options.onProgress = progressPrinter("calibrate");
        const auto c = eval::calibrate(options, false);
        // The report first: a report that cannot be written leaves the model as it was.
        if (!a->report.empty()) writeFileAtomically(a->report, c.evaluation.toJson().dump(2) + "\n");
        if (!a->dryRun) eval::storeCalibration(options.model, c);
        if (!a->quiet)
            std::cerr << (isatty(STDERR_FILENO) ? "\r\033[K" : "") << "edge snap " << refine::describe(c.edgeSnap)
                      << ": " << c.edgeSnapSource << "\nmask threshold " << std::fixed << std::setprecision(2)
                      << c.threshold << ": " << c.source << "\n"
                      << (a->dryRun ? "not stored (--dry-run)" : "stored in " + options.model + "/rlfseg.json") << "\n";
    });
}

void addEvalCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("eval", "Evaluate a model on a referring data set split (mIoU, oIoU, prec@X, AP)");
    struct Args {
        eval::EvaluationOptions options;
        std::string report, csv, edgeSnap;
        bool quiet = false;
    };
    auto a = std::make_shared<Args>();
    addEvaluationOptions(cmd, a->options);
    cmd->add_option("--split", a->options.split, "Split to evaluate")->capture_default_str();
    cmd->add_option("--report", a->report, "JSON report to write")->required();
    cmd->add_option("--csv", a->csv, "Per-expression CSV (default: the report's name with .csv)");
    cmd->add_option("--threshold", a->options.threshold,
                    "Binary mask threshold for mIoU, oIoU, prec@X (default: the model's calibrated one, else 0.5)")
        ->check(CLI::Range(0.0, 0.999));
    cmd->add_option("--edge-snap", a->edgeSnap, kEdgeSnapHelp);
    cmd->add_flag("--cleanup", a->options.cleanup,
                  "Also score the app's clean-up (refinement and dynamic selection) of every prediction");
    cmd->add_flag("-q,--quiet", a->quiet, "Print nothing but errors");
    cmd->callback([a] {
        auto options = a->options;
        if (options.model.empty()) options.model = defaultModelDirectory();
        options.edgeSnap = parseEdgeSnap(a->edgeSnap);
        options.csvPath = a->csv.empty() ? std::filesystem::path(a->report).replace_extension(".csv").string() : a->csv;
        const bool tty = isatty(STDERR_FILENO);
        if (!a->quiet) options.onProgress = progressPrinter("eval");
        options.onWarning = [](const std::string& w) { std::cerr << "warning: " << w << "\n"; };
        const auto result = eval::evaluate(options);
        writeFileAtomically(a->report, result.toJson().dump(2) + "\n");
        if (!a->quiet) {
            const auto& m = result.metrics;
            std::cerr << (tty ? "\r\033[K" : "") << std::fixed << std::setprecision(4) << result.split << " ("
                      << m.samples << " expressions, " << result.sampler << "): mIoU " << m.mIoU << ", oIoU " << m.oIoU
                      << ", prec@0.5 " << m.precAt[0] << ", prec@0.9 " << m.precAt[4] << " (threshold " << std::setprecision(2)
                      << m.threshold << ", edge snap " << refine::describe(result.edgeSnap) << "), AP "
                      << std::setprecision(4) << m.ap << ", "
                      << std::setprecision(1) << result.msPerSample << " ms per expression\n";
            // METHOD.md's convention beside a calibrated threshold, from the same pass.
            if (m.threshold != 0.5)
                std::cerr << std::setprecision(4) << "mIoU at 0.5: " << m.mIoUAtHalf() << "; best: "
                          << m.bestThresholdMIoU << " at " << std::setprecision(2) << m.bestThreshold << "\n";
            // What 1 - mIoU is made of: grounding (missed, partial) against outlines (found).
            std::cerr << std::setprecision(1) << "where the loss goes: missed " << 100 * m.missed.share << " % (-"
                      << std::setprecision(3) << m.missed.mIoULost << "), partial " << std::setprecision(1)
                      << 100 * m.partial.share << " % (-" << std::setprecision(3) << m.partial.mIoULost
                      << "), outlines of the found " << std::setprecision(1) << 100 * m.found.share << " % (mean IoU "
                      << std::setprecision(3) << m.found.meanIoU << ", -" << m.found.mIoULost << ")\n";
            if (result.cleanup) {
                const auto& c = result.cleanup->metrics;
                std::cerr << std::setprecision(4) << "boundary F (2 px) " << result.boundaryF << "; after clean-up: mIoU "
                          << c.mIoU << ", oIoU " << c.oIoU << ", boundary F " << result.cleanup->boundaryF << ", "
                          << std::setprecision(1) << result.cleanup->msPerSample << " ms per clean-up\n";
            }
            if (!result.byKind.empty()) {
                std::cerr << "mIoU by kind:";
                for (const auto& [kind, k] : result.byKind)
                    std::cerr << ' ' << kind << ' ' << std::setprecision(3) << k.mIoU << " (" << k.samples << ")";
                std::cerr << "\n";
            }
            std::cerr << "report: " << a->report << ", per expression: " << options.csvPath << "\n";
        }
    });
}

} // namespace rlfseg::cli
