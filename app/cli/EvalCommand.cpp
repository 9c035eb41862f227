// rlfseg eval: METHOD.md section 7 metrics of a model on a split, as JSON, plus a per-expression CSV.

#include "Commands.h"

#include "core/eval/Evaluation.h"
#include "core/io/AtomicFile.h"
#include "core/util/Paths.h"

#include <unistd.h>

#include <filesystem>
#include <iomanip>
#include <iostream>

namespace rlfseg::cli {

void addEvalCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("eval", "Evaluate a model on a referring data set split (mIoU, oIoU, prec@X, AP)");
    struct Args {
        eval::EvaluationOptions options;
        std::string report, csv;
        bool quiet = false;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("--model", a->options.model, "Model folder (default: the bundled default model)");
    cmd->add_option("--data", a->options.data, "Data set: this project's format, RefCOCO, PhraseCut or COCO (docs/TRAINING.md)")->required();
    cmd->add_option("--images", a->options.images, "Where the data set's images are (default: DATA/images)");
    cmd->add_option("--split", a->options.split, "Split to evaluate")->capture_default_str();
    cmd->add_option("--report", a->report, "JSON report to write")->required();
    cmd->add_option("--csv", a->csv, "Per-expression CSV (default: the report's name with .csv)");
    cmd->add_option("--sampler", a->options.sampler, "one-step | adaptive | euler:N | ddim:N (diffusion baseline)")
        ->capture_default_str();
    cmd->add_option("--limit", a->options.limit, "Evaluate this many samples, evenly spaced over the split (0: all)");
    cmd->add_option("--device", a->options.device, "auto | cpu | cuda | cuda:N")->capture_default_str();
    cmd->add_option("--precision", a->options.precision, "auto | float32 | float16 | bfloat16")->capture_default_str();
    cmd->add_option("--threads", a->options.threads, "CPU threads (0: all cores)");
    cmd->add_flag("--cleanup", a->options.cleanup,
                  "Also score the app's clean-up (refinement and dynamic selection) of every prediction");
    cmd->add_flag("-q,--quiet", a->quiet, "Print nothing but errors");
    cmd->callback([a] {
        auto options = a->options;
        if (options.model.empty()) options.model = defaultModelDirectory();
        options.csvPath = a->csv.empty() ? std::filesystem::path(a->report).replace_extension(".csv").string() : a->csv;
        const bool tty = isatty(STDERR_FILENO);
        size_t lastShown = 0;
        if (!a->quiet)
            options.onProgress = [&](size_t done, size_t total) {
                if (tty) std::cerr << "\r\033[Keval " << done << "/" << total << std::flush;
                else if (done == total || done - lastShown >= 500) std::cerr << "eval " << done << "/" << total << "\n";
                lastShown = done;
            };
        const auto result = eval::evaluate(options);
        writeFileAtomically(a->report, result.toJson().dump(2) + "\n");
        if (!a->quiet) {
            const auto& m = result.metrics;
            std::cerr << (tty ? "\r\033[K" : "") << std::fixed << std::setprecision(4) << result.split << " ("
                      << m.samples << " expressions, " << result.sampler << "): mIoU " << m.mIoU << ", oIoU " << m.oIoU
                      << ", prec@0.5 " << m.precAt[0] << ", prec@0.9 " << m.precAt[4] << ", AP " << m.ap << ", "
                      << std::setprecision(1) << result.msPerSample << " ms per expression\n";
            if (result.cleanup) {
                const auto& c = result.cleanup->metrics;
                std::cerr << std::setprecision(4) << "boundary F (2 px) " << result.boundaryF << "; after clean-up: mIoU "
                          << c.mIoU << ", oIoU " << c.oIoU << ", boundary F " << result.cleanup->boundaryF << ", "
                          << std::setprecision(1) << result.cleanup->msPerSample << " ms per clean-up\n";
            }
            std::cerr
                      << "report: " << a->report << ", per expression: " << options.csvPath << "\n";
        }
    });
}

} // namespace rlfseg::cli
