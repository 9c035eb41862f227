// rlfseg annotate: batch annotation of a folder of images with "category: prompt" pairs, written as
// COCO. The file (and a <out>.progress.json beside it) is rewritten atomically every 30 s and at
// the end; Ctrl-C stops after the current image with everything so far written; --resume continues.
//
// Started as several ranks (RANK / WORLD_SIZE, e.g. by `rlfseg launch`), each rank annotates every
// WORLD_SIZE-th image into its own shard (<out>.rank-R-of-N.json, resumable like a whole run);
// when every rank is done, rank 0 gathers the shards into <out>, with ids assigned in the same order
// as a single process would, so the file is the same.

#include "Commands.h"
#include "StopAndProgress.h"

#include "core/annotation/BatchAnnotation.h"
#include "core/annotation/CocoFormat.h"
#include "core/distributed/ProcessGroup.h"
#include "core/io/AtomicFile.h"
#include "core/io/ImageFile.h"
#include "core/io/JsonFields.h"
#include "core/pipeline/SegmentationPipeline.h"
#include "core/util/Error.h"
#include "core/util/Paths.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>

namespace rlfseg::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;


bool isImageFile(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".tif" || ext == ".tiff" ||
           ext == ".webp";
}

// Image files of the folder and its subfolders, as paths relative to it, sorted.
std::vector<std::string> listImages(const std::string& dir) {
    if (!fs::is_directory(dir)) throw Error(dir + ": no such folder");
    std::vector<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied))
        if (e.is_regular_file() && isImageFile(e.path())) files.push_back(fs::relative(e.path(), dir).generic_string());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw Error(dir + ": no images (PNG, JPEG, BMP, TIFF, WebP) found");
    return files;
}


struct Args {
    std::string images, prompts, out, model, masks, format = "auto", instances = "components";
    std::string device = "auto", precision = "auto";
    int minArea = 16, threads = 0;
    int64_t stopAfter = 0;
    bool resume = false, quiet = false;
};

std::string shardPath(const std::string& out, int rank, int ranks) {
    return out + ".rank-" + std::to_string(rank) + "-of-" + std::to_string(ranks) + ".json";
}

// Rank 0, once every shard is complete: one COCO file, images in sorted order, each with its
// annotations in shard order, ids from 1, categories in prompt order; as one process writes it.
void gatherShards(const Args& a, const std::vector<std::string>& images, const std::vector<annotation::PromptEntry>& prompts,
                  int ranks, const annotation::CocoExportOptions& exportOptions) {
    std::vector<annotation::Project> shards(static_cast<size_t>(ranks));
    for (int r = 0; r < ranks; ++r) annotation::importCocoFile(shards[size_t(r)], shardPath(a.out, r, ranks));
    annotation::Project merged;
    for (const auto& p : prompts) merged.ensureCategory(p.category);
    for (const auto& relative : images) {
        for (const auto& shard : shards) {
            const auto* image = shard.imageByPath(relative);
            if (!image) continue;
            const int64_t id = merged.addImage(relative, image->width, image->height, image->hash);
            merged.setState(id, image->state);
            for (const auto* source : shard.annotationsOf(image->id)) {
                annotation::Annotation copy = *source;
                copy.id = 0;
                copy.imageId = id;
                copy.categoryId = merged.ensureCategory(shard.category(source->categoryId)->name);
                merged.addAnnotation(std::move(copy));
            }
        }
    }
    annotation::writeCoco(merged, a.out, exportOptions);
}

void runAnnotate(const Args& given) {
    Args a = given;
    const auto prompts = annotation::readPromptsFile(a.prompts);
    auto images = listImages(a.images);
    const auto allImages = images;
    const auto environment = distributed::Environment::fromVariables();
    std::unique_ptr<distributed::ProcessGroup> group;
    if (environment.distributed()) {
        if (!a.masks.empty()) throw Error("--masks is for single-process runs (ids are assigned when the shards are gathered)");
        group = distributed::ProcessGroup::join(environment);
        std::vector<std::string> mine;
        for (size_t i = static_cast<size_t>(group->rank()); i < images.size(); i += static_cast<size_t>(group->size()))
            mine.push_back(images[i]);
        images = std::move(mine);
        a.out = shardPath(given.out, group->rank(), group->size());
        if (images.empty()) throw Error("more ranks than images: rank " + std::to_string(group->rank()) + " has nothing to do");
    }
    annotation::CocoExportOptions exportOptions;
    exportOptions.format = annotation::parseSegmentationFormat(a.format);
    exportOptions.description = "rlfseg annotate";
    annotation::BatchOptions batch;
    if (a.instances == "components") batch.instances = annotation::InstanceMode::Components;
    else if (a.instances == "single") batch.instances = annotation::InstanceMode::Single;
    else throw Error("--instances must be components or single, not " + a.instances);
    batch.minArea = a.minArea;

    const std::string statePath = a.out + ".progress.json";
    json promptList = json::array();
    for (const auto& p : prompts) promptList.push_back({{"category", p.category}, {"prompt", p.prompt}});
    annotation::Project project;
    std::set<std::string> done;
    json skipped = json::array();
    if (fs::exists(a.out) || fs::exists(statePath)) {
        if (!a.resume)
            throw Error(a.out + " exists: run with --resume to continue it, or choose another --out (nothing was changed)");
        const auto state = JsonFields::parseFile(statePath);
        if (state.value("prompts", json()) != promptList)
            throw Error(statePath + ": the run used other prompts; --resume needs the same prompts file");
        for (const auto& p : state.value("processed", json::array())) done.insert(p.get<std::string>());
        skipped = state.value("skipped", json::array());
        if (fs::exists(a.out)) annotation::importCocoFile(project, a.out);
    }
    std::vector<int> categoryIds;
    for (const auto& p : prompts) categoryIds.push_back(project.ensureCategory(p.category));
    if (!a.masks.empty()) fs::create_directories(a.masks);

    auto write = [&](bool complete) {
        annotation::writeCoco(project, a.out, exportOptions);
        json processed = json::array();
        for (const auto& p : images)
            if (done.count(p)) processed.push_back(p);
        writeFileAtomically(statePath, json{{"images_dir", a.images}, {"prompts", promptList}, {"processed", processed},
                                            {"skipped", skipped}, {"complete", complete}}
                                           .dump(1) + "\n");
    };

    PipelineOptions options;
    options.device = a.device, options.precision = a.precision, options.threads = a.threads;
    auto pipeline = SegmentationPipeline::load(a.model.empty() ? defaultModelDirectory() : a.model, options);
    const bool tty = isatty(STDERR_FILENO);
    if (!a.quiet)
        std::cerr << "annotate: " << images.size() << " images (" << done.size() << " done before), " << prompts.size()
                  << " prompts, " << pipeline->deviceDescription() << "\n";

    StopOnSignal stop;
    const auto start = Clock::now();
    auto lastWrite = start, lastLine = start;
    size_t processedNow = 0;
    const size_t todo = images.size() - std::min(images.size(), done.size());
    bool stopped = false;
    for (const auto& relative : images) {
        if (done.count(relative)) continue;
        if (stop.requested() || (a.stopAfter > 0 && static_cast<int64_t>(processedNow) >= a.stopAfter)) {
            stopped = true;
            break;
        }
        const std::string path = (fs::path(a.images) / relative).string();
        cv::Mat rgb;
        try {
            rgb = loadImageRgb(path);
        } catch (const Error& e) {
            std::cerr << "annotate: skipping " << relative << ": " << e.what() << "\n";
            skipped.push_back({{"image", relative}, {"error", e.what()}});
            done.insert(relative);
            continue;
        }
        const int64_t imageId = project.addImage(relative, rgb.cols, rgb.rows);
        auto annotations = annotation::annotateImage(*pipeline, rgb, imageId, prompts, categoryIds, batch, &project);
        for (auto& ann : annotations) {
            const int64_t id = project.addAnnotation(std::move(ann));
            if (!a.masks.empty())
                saveMaskPng((fs::path(a.masks) / (std::to_string(id) + ".png")).string(),
                            coco::decode(project.annotation(id)->mask) * 255);
        }
        project.setState(imageId, annotation::ReviewState::AutoAnnotated);
        done.insert(relative);
        ++processedNow;
        const auto now = Clock::now();
        if (now - lastWrite > std::chrono::seconds(30)) write(false), lastWrite = now;
        const double seconds = std::chrono::duration<double>(now - start).count();
        const double rate = processedNow / std::max(seconds, 1e-9);
        if (!a.quiet && (tty || now - lastLine > std::chrono::seconds(30) || processedNow == todo)) {
            lastLine = now;
            std::cerr << (tty ? "\r\033[K" : "") << "annotate: " << done.size() << "/" << images.size() << " images | "
                      << static_cast<int>(rate * 100) / 100.0 << " images/s | ETA "
                      << formatDuration((todo - processedNow) / std::max(rate, 1e-9)) << (tty ? "" : "\n") << std::flush;
        }
    }
    write(!stopped);
    if (group) {
        // The shards become one file once all of them are complete (a stopped rank resumes later).
        const bool anyStopped = group->anyTrue(stopped);
        if (!anyStopped && group->isMain()) {
            gatherShards(given, allImages, prompts, group->size(), exportOptions);
            if (!a.quiet) std::cerr << "annotate: " << group->size() << " shards gathered into " << given.out << "\n";
        }
        group->barrier();
        stopped = anyStopped;
    }
    if (!a.quiet) {
        if (tty) std::cerr << "\n";
        if (stopped)
            std::cerr << "annotate: stopped after " << done.size() << " of " << images.size()
                      << " images; everything so far is in " << a.out << "; run again with --resume to continue\n";
        else
            std::cerr << "annotate: " << project.annotations().size() << " annotations on " << project.images().size()
                      << " images written to " << a.out << (skipped.empty() ? "" : " (" + std::to_string(skipped.size()) +
                                                                                         " images skipped)")
                      << "\n";
    }
}

} // namespace

void addAnnotateCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("annotate", "Annotate a folder of images with category: prompt pairs (COCO out)");
    auto a = std::make_shared<Args>();
    cmd->add_option("--images", a->images, "Folder of images (subfolders included)")->required();
    cmd->add_option("--prompts", a->prompts, "Text file: one 'category: prompt' per line")->required();
    cmd->add_option("--out", a->out, "COCO JSON to write")->required();
    cmd->add_option("--model", a->model, "Model folder (default: the bundled default model)");
    cmd->add_option("--masks", a->masks, "Also write each annotation's mask as <annotation id>.png here");
    cmd->add_option("--format", a->format, "Segmentation: auto | rle | polygon")->capture_default_str();
    cmd->add_option("--instances", a->instances, "components (one annotation per connected part) | single")
        ->capture_default_str();
    cmd->add_option("--min-area", a->minArea, "Drop masks and parts smaller than this (pixels)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--resume", a->resume, "Continue a stopped run (same --out and prompts)");
    cmd->add_option("--stop-after", a->stopAfter, "Stop after this many images (resume later)")->check(CLI::NonNegativeNumber);
    cmd->add_option("--device", a->device, "auto | cpu | cuda | cuda:N")->capture_default_str();
    cmd->add_option("--precision", a->precision, "auto | float32 | float16 | bfloat16")->capture_default_str();
    cmd->add_option("--threads", a->threads, "CPU threads (0: all cores)");
    cmd->add_flag("-q,--quiet", a->quiet, "Print nothing but errors");
    cmd->callback([a] { runAnnotate(*a); });
}

} // namespace rlfseg::cli
