#include "Commands.h"

#include "core/io/ImageFile.h"
#include "core/model/ModelFolder.h"
#include "core/pipeline/SegmentationPipeline.h"
#include "core/util/Error.h"
#include "core/util/Paths.h"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

namespace rlfseg::cli {

namespace {

struct SegmentArgs {
    std::string model, image, prompt, output, soft, device = "auto", precision = "auto", sampler = "one-step";
    int threads = 0;
    std::optional<double> threshold; // unset: the model's calibrated threshold, else 0.5
    std::string edgeSnap;            // parseEdgeSnap
    int64_t maxPixels = ImageLimits{}.maxPixels;
    bool quiet = false;
};

void runSegment(const SegmentArgs& a) {
    const std::string modelDir = a.model.empty() ? defaultModelDirectory() : a.model;
    ImageLimits limits;
    limits.maxPixels = a.maxPixels;
    const cv::Mat rgb = loadImageRgb(a.image, limits); // before the model: a bad image fails fast
    PipelineOptions options;
    options.device = a.device;
    options.precision = a.precision;
    options.threads = a.threads;
    options.threshold = a.threshold;
    options.edgeSnap = parseEdgeSnap(a.edgeSnap);
    options.sampler = a.sampler;
    auto pipeline = SegmentationPipeline::load(modelDir, options);
    if (const auto warning = pipeline->samplerWarning(); !warning.empty()) std::cerr << "warning: " << warning << "\n";
    const auto result = pipeline->segment(rgb, a.prompt);
    saveMaskPng(a.output, result.mask);
    if (!a.soft.empty()) {
        cv::Mat soft16;
        result.soft.convertTo(soft16, CV_16UC1, 65535.0); // p * 65535, saturated
        saveMaskPng(a.soft, soft16);
    }
    if (!a.quiet) {
        const double area = cv::countNonZero(result.mask) / static_cast<double>(result.mask.total());
        std::cerr << "segmented '" << a.prompt << "' on " << pipeline->deviceDescription() << " ("
                  << pipeline->precisionName() << ") at " << result.modelSize.width << "x" << result.modelSize.height
                  << ": " << std::fixed << std::setprecision(1) << result.timings.totalMs << " ms, mask covers "
                  << area * 100.0 << "% of the image, " << a.sampler << " (step scale " << std::setprecision(3)
                  << result.stepScale << ", score " << result.score << ", threshold " << std::setprecision(2)
                  << result.threshold << ", edge snap " << refine::describe(result.edgeSnap) << ")\n";
    }
}

nlohmann::json componentSummary(const ComponentFiles& c, const nlohmann::json& config) {
    return {{"directory", c.directory}, {"weights", c.weightFiles}, {"parameters", countStoredParameters(c)},
            {"config", config}};
}

void runInfo(const std::string& model, bool json) {
    const std::string dir = model.empty() ? defaultModelDirectory() : model;
    const auto folder = ModelFolder::open(dir);
    nlohmann::json info = {
        {"model", folder.root},
        {"name", folder.card.name},
        {"rlfseg_model", folder.card.isRlfsegModel},
        {"trained_on", folder.card.trainedOn},
        {"description", folder.card.description},
        {"model_resolution", folder.modelResolution()},
        {"mask_threshold", folder.card.maskThreshold.value_or(0.5)},
        {"mask_threshold_source", folder.card.maskThreshold ? folder.card.maskThresholdSource : "default (METHOD.md)"},
        {"edge_snap", {{"radius", folder.card.edgeSnap.radius}, {"epsilon", folder.card.edgeSnap.epsilon}}},
        {"edge_snap_source", folder.card.edgeSnapSource},
        {"unet", componentSummary(folder.unet, folder.unetConfig.toJson())},
        {"vae", componentSummary(folder.vae, folder.vaeConfig.toJson())},
        {"text_encoder", componentSummary(folder.textEncoder, folder.textConfig.toJson())},
        {"tokenizer", folder.tokenizerDirectory}};
    if (json) {
        std::cout << info.dump(2) << "\n";
        return;
    }
    std::cout << "Model:            " << folder.root << "\n"
              << "Name:             " << folder.card.name << "\n"
              << "Kind:             "
              << (folder.card.isRlfsegModel ? "RLFSeg segmentation model" : "Stable Diffusion folder (not an RLFSeg model)")
              << "\n";
    if (!folder.card.trainedOn.empty()) std::cout << "Trained on:       " << folder.card.trainedOn << "\n";
    if (!folder.card.description.empty()) std::cout << "Description:      " << folder.card.description << "\n";
    std::cout << "Model resolution: " << folder.modelResolution() << " px\n";
    std::cout << "Mask threshold:   " << folder.card.maskThreshold.value_or(0.5)
              << (folder.card.maskThreshold ? " (" + folder.card.maskThresholdSource + ")" : std::string(" (default)"))
              << "\n";
    std::cout << "Edge snap:        " << refine::describe(folder.card.edgeSnap)
              << (folder.card.edgeSnapSource.empty() ? "" : " (" + folder.card.edgeSnapSource + ")") << "\n";
    int64_t total = 0;
    for (const char* part : {"unet", "vae", "text_encoder"}) {
        const int64_t n = info[part]["parameters"].get<int64_t>();
        total += n;
        std::cout << "\n[" << part << "] " << n << " parameters (" << std::fixed << std::setprecision(2) << n / 1e6
                  << " M)\n"
                  << info[part]["config"].dump(2) << "\n";
    }
    std::cout << "\nTotal parameters: " << total << " (" << std::fixed << std::setprecision(2) << total / 1e6 << " M)\n";
}

} // namespace

std::optional<refine::EdgeSnap> parseEdgeSnap(const std::string& text) {
    if (text.empty()) return std::nullopt;
    if (text == "off" || text == "0") return refine::EdgeSnap{};
    refine::EdgeSnap snap;
    std::istringstream in(text);
    char comma = 0;
    const bool ok = (in >> snap.radius) && snap.radius > 0 &&
                    (in.eof() || ((in >> comma) && comma == ',' && (in >> snap.epsilon) && in.eof())) &&
                    refine::isValid(snap);
    if (!ok)
        throw Error("--edge-snap " + text +
                    ": expected off, RADIUS or RADIUS,EPSILON, with " + refine::validRanges());
    return snap;
}

void addSegmentCommand(CLI::App& app) {
    auto args = std::make_shared<SegmentArgs>();
    auto* cmd = app.add_subcommand("segment", "Segment what a text prompt names in one image");
    cmd->add_option("--model", args->model, "Model folder (diffusers layout); default: the bundled default model");
    cmd->add_option("--image", args->image, "Input image (PNG, JPEG, BMP, TIFF, WebP)")->required();
    cmd->add_option("--prompt", args->prompt, "What to segment, e.g. \"the red circle\"")->required();
    cmd->add_option("--output", args->output, "Binary mask PNG to write (8-bit, 0/255, image size)")->required();
    cmd->add_option("--soft", args->soft, "Soft mask PNG to write (16-bit, p * 65535, image size)");
    cmd->add_option("--device", args->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
    cmd->add_option("--precision", args->precision, "auto, float32, float16 or bfloat16 (half: CUDA only)")
        ->capture_default_str();
    cmd->add_option("--threads", args->threads, "CPU threads (0: all cores)")->check(CLI::Range(0, 1024))->capture_default_str();
    cmd->add_option("--threshold", args->threshold,
                    "Binary mask threshold on the soft mask (default: the model's calibrated one, else 0.5)")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--edge-snap", args->edgeSnap, kEdgeSnapHelp);
    cmd->add_option("--sampler", args->sampler, "one-step, adaptive (picks the step scale per image) or euler:N")
        ->capture_default_str();
    cmd->add_option("--max-pixels", args->maxPixels, "Refuse images with more pixels than this")->capture_default_str();
    cmd->add_flag("--quiet,-q", args->quiet, "Print nothing on success");
    cmd->callback([args] { runSegment(*args); });
}

void addInfoCommand(CLI::App& app) {
    auto model = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("info", "Print a model folder's configs and parameter counts");
    cmd->add_option("--model", *model, "Model folder (diffusers layout); default: the bundled default model");
    cmd->add_flag("--json", *json, "Print JSON");
    cmd->callback([model, json] { runInfo(*model, *json); });
}

} // namespace rlfseg::cli
