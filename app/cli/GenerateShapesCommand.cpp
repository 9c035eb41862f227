// rlfseg generate-shapes: writes the synthetic referring data set of SHAPES.md.

#include "Commands.h"

#include "core/data/ShapesGenerator.h"
#include "core/io/AtomicFile.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

namespace rlfseg::cli {

namespace {

struct GenerateShapesArgs {
    std::string out;
    data::ShapesOptions options;
    int size = 256;
    std::string unseen = "default";
    int threads = 0;
    bool quiet = false;
};

// "red:circle,blue:star" -> pairs; "none" -> no pairs; "default" -> the generator's list.
std::vector<std::pair<std::string, std::string>> parseUnseenPairs(const std::string& text) {
    if (text == "default") return data::ShapesOptions{}.unseenPairs;
    std::vector<std::pair<std::string, std::string>> pairs;
    if (text == "none" || text.empty()) return pairs;
    std::istringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        const size_t colon = item.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == item.size() || item.find(':', colon + 1) != std::string::npos)
            throw Error("--unseen: expected colour:shape pairs separated by commas (e.g. red:circle,blue:star), got '" +
                        item + "'");
        pairs.emplace_back(item.substr(0, colon), item.substr(colon + 1));
    }
    return pairs;
}

void runGenerateShapes(GenerateShapesArgs a) {
    a.options.width = a.options.height = a.size;
    a.options.unseenPairs = parseUnseenPairs(a.unseen);
    data::validateShapesOptions(a.options); // before anything is written
    const auto start = std::chrono::steady_clock::now();
    // A redrawn counter on a terminal; in a log file, a line per 1000 images.
    const bool tty = isatty(STDERR_FILENO);
    data::generateShapesDataset(a.out, a.options, [&](int done, int total) {
        if (a.quiet) return;
        if (tty && (done == total || done % 10 == 0))
            std::cerr << "\rgenerate-shapes: " << done << "/" << total << " images" << (done == total ? "\n" : "")
                      << std::flush;
        else if (!tty && (done == total || done % 1000 == 0))
            std::cerr << "generate-shapes: " << done << "/" << total << " images\n";
    }, a.threads);
    if (a.quiet) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto dataset = nlohmann::json::parse(readFileToString(a.out + "/dataset.json"));
    for (const auto& [split, counts] : dataset.at("splits").items())
        if (counts.at("images").get<int>() > 0)
            std::cerr << "  " << std::left << std::setw(12) << split << std::right << std::setw(6)
                      << counts.at("images").get<int>() << " images " << std::setw(7) << counts.at("refs").get<int>()
                      << " expressions " << std::setw(7) << counts.at("annotations").get<int>() << " objects\n";
    std::cerr << "wrote " << a.out << " in " << std::fixed << std::setprecision(1) << seconds << " s\n";
}

} // namespace

void addGenerateShapesCommand(CLI::App& app) {
    auto args = std::make_shared<GenerateShapesArgs>();
    auto& o = args->options;
    auto* cmd = app.add_subcommand("generate-shapes", "Generate the synthetic shapes referring data set (SHAPES.md)");
    cmd->add_option("--out", args->out, "Output folder (images/, instances.json, refs.json, dataset.json)")->required();
    cmd->add_option("--images", o.images, "Images of the main style (train + val + test + test_unseen)")
        ->required()
        ->check(CLI::Range(0, 10'000'000));
    cmd->add_option("--seed", o.seed, "Random seed: the same seed gives the same files")->required();
    cmd->add_option("--size", args->size, "Image width and height in pixels")->check(CLI::Range(32, 4096))->capture_default_str();
    cmd->add_option("--val", o.valFraction, "Fraction of --images for validation")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--test", o.testFraction, "Fraction of --images for test")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--unseen", args->unseen,
                    "Colour-shape pairs kept out of training for test_unseen, e.g. red:circle,blue:star; "
                    "'none' for no such split")
        ->capture_default_str();
    cmd->add_option("--unseen-fraction", o.unseenFraction, "Fraction of --images for test_unseen")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--style-images", o.styleImages, "Extra images in the second rendering style (split test_style)")
        ->check(CLI::Range(0, 10'000'000))
        ->capture_default_str();
    cmd->add_option("--varied-train", o.variedTrainFraction,
                    "Share of train images in a varied style (backgrounds and textures of neither the main "
                    "nor the test_style look); val and test images are unchanged")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--varied-dark", o.variedDarkFraction,
                    "Share of the varied images drawn in dark tones (no other look shows a dark scene)")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--min-objects", o.minObjects, "Fewest objects per image")->check(CLI::Range(1, 12))->capture_default_str();
    cmd->add_option("--max-objects", o.maxObjects, "Most objects per image")->check(CLI::Range(1, 12))->capture_default_str();
    cmd->add_option("--expressions", o.expressionsPerImage, "Referring expressions per image (at most)")
        ->check(CLI::Range(1, 50))
        ->capture_default_str();
    cmd->add_option("--noise-jitter", o.noise.vertexJitterPx, "Train labels: polygon vertex jitter, pixels")
        ->check(CLI::Range(0.0, 64.0));
    cmd->add_option("--noise-dilate", o.noise.dilateErodePx, "Train labels: dilate (> 0) or erode (< 0) by pixels")
        ->check(CLI::Range(-64, 64));
    cmd->add_option("--noise-simplify", o.noise.simplifyEpsilonPx, "Train labels: Douglas-Peucker tolerance, pixels")
        ->check(CLI::Range(0.0, 64.0));
    cmd->add_option("--noise-shift", o.noise.shiftPx, "Train labels: shift in a random direction, pixels")
        ->check(CLI::Range(0.0, 64.0));
    cmd->add_option("--threads", args->threads, "Worker threads drawing the images (0: one per core); the files do not depend on it")
        ->check(CLI::Range(0, 1024))
        ->capture_default_str();
    cmd->add_flag("--quiet,-q", args->quiet, "Print nothing on success");
    cmd->callback([args] { runGenerateShapes(*args); });
}

} // namespace rlfseg::cli
