// rlfseg-studio-bench: the studio's own figures, through the real UI code path, offscreen
// (QT_QPA_PLATFORM=offscreen is set here unless the caller set a platform).
//
//  - latency: prompt typed to mask on screen (MainWindow::runPrompt -> worker -> annotation ->
//    canvas repainted), default model, 256 px input, the image latent cached (every prompt after
//    the first on an image); and the first prompt on an image (latent computed).
//  - memory: resident set with the default model loaded, a folder of 1,000 images listed and an
//    8000 x 6000 image open; then after 100 and after 1,000 prompts in a row.
//  - COCO through the window: importing and exporting 20,000 annotations on those 1,000 images,
//    the wall time and the longest the event loop went unanswered meanwhile; then saving the project.
// Figures go to a JSON file and a Markdown table (docs/STUDIO-BENCHMARKS.md from `make bench`).

#include "core/annotation/CocoFormat.h"
#include "core/annotation/Project.h"
#include "core/coco/Rle.h"
#include "core/data/ReferringDataset.h"
#include "core/data/ShapesGenerator.h"
#include "core/util/BlasKernels.h"
#include "core/util/Runtime.h"
#include "rlfseg/BuildInfo.h"
#include "ui/MainWindow.h"
#include "ui/canvas/ImageCanvas.h"
#include "ui/inference/InferenceService.h"
#include "ui/session/AnnotationSession.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QEventLoop>
#include <QImage>
#include <QTemporaryDir>
#include <QTimer>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

using namespace rlfseg;
using json = nlohmann::json;

namespace {

double residentMiB()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

// Waits for `signal` of `sender` (or the timeout); returns false on timeout.
template <typename Sender, typename Signal> bool waitFor(Sender* sender, Signal signal, int timeoutMs)
{
    QEventLoop loop;
    bool fired = false;
    auto connection = QObject::connect(sender, signal, &loop, [&] {
        fired = true;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    QObject::disconnect(connection);
    return fired;
}

// One prompt through the window: from the call to the repainted canvas, in ms; < 0 on failure.
double promptToScreenMs(ui::MainWindow& window, const QString& prompt)
{
    QElapsedTimer clock;
    clock.start();
    if (!window.runPrompt(prompt)) return -1;
    if (!waitFor(&window, &ui::MainWindow::maskShown, 60'000)) return -1;
    window.canvas()->repaint(); // synchronous: the mask is on screen when this returns
    return static_cast<double>(clock.nsecsElapsed()) / 1e6;
}

// Runs `action`, and reports its wall time and the longest the event loop went without answering a
// 5 ms timer meanwhile (the UI thread's longest freeze), both in ms.
template <typename Action> std::pair<double, double> timeWithEventLoopGaps(Action action)
{
    QElapsedTimer clock, sinceTick;
    qint64 worstGap = 0;
    QTimer timer;
    timer.setInterval(5);
    QObject::connect(&timer, &QTimer::timeout, [&] { worstGap = std::max(worstGap, sinceTick.restart()); });
    clock.start();
    sinceTick.start();
    timer.start();
    if (!action()) return {-1, -1};
    worstGap = std::max(worstGap, sinceTick.elapsed());
    return {static_cast<double>(clock.nsecsElapsed()) / 1e6, static_cast<double>(worstGap)};
}

void runEventLoopFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

json stats(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
    return {{"n", v.size()}, {"median", v[v.size() / 2]}, {"mean", mean}, {"p90", v[v.size() * 9 / 10]}, {"max", v.back()}};
}

} // namespace

int main(int argc, char* argv[])
{
    restartWithBetterBlasKernels(argv);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    CLI::App cli{"RLFSeg Studio benchmarks: prompt-to-screen latency and memory through the real UI"};
    std::string out = "build/studio-benchmarks.json", markdown;
    int prompts = 1000;
    cli.add_option("--out", out, "JSON report")->capture_default_str();
    cli.add_option("--markdown", markdown, "Markdown report");
    cli.add_option("--prompts", prompts, "Prompts in a row for the memory figure")->capture_default_str();
    CLI11_PARSE(cli, argc, argv);

    QApplication app(argc, argv);
    QTemporaryDir scratch;
    const QString dataDir = scratch.filePath(QStringLiteral("shapes"));
    data::ShapesOptions options;
    options.images = 10;
    options.seed = 7;
    options.valFraction = options.testFraction = 0;
    options.unseenPairs.clear();
    data::generateShapesDataset(dataDir.toStdString(), options);
    const auto samples = data::ReferringDataset::open(dataDir.toStdString()).samples("train");

    json report = {{"version", buildinfo::kVersion}};
    ui::MainWindow window;
    window.resize(1280, 800);
    window.show();
    const double rssStart = residentMiB();
    window.loadModel();
    if (!waitFor(window.inference(), &ui::InferenceService::modelLoaded, 120'000)) {
        std::cerr << "the model did not load\n";
        return 1;
    }
    report["device"] = window.inference()->modelInfo().device.toStdString();
    report["model"] = window.inference()->modelInfo().name.toStdString();

    // Latency: per image, the first prompt computes the latent; the others reuse it.
    std::vector<double> first, cached;
    for (int image = 0; image < 5; ++image) {
        const auto& s = samples[size_t(image) * 3];
        if (!window.openImage(QString::fromStdString(s.imagePath))) return 1;
        first.push_back(promptToScreenMs(window, QString::fromStdString(s.sentence)));
        for (const char* p : {"the circle", "the red shape", "the shape at the bottom", "the largest shape",
                              "the green ellipse", "the object on the left"})
            cached.push_back(promptToScreenMs(window, QString::fromLatin1(p)));
    }
    if (std::min(*std::min_element(first.begin(), first.end()), *std::min_element(cached.begin(), cached.end())) < 0) {
        std::cerr << "a prompt failed: " << window.lastError().toStdString() << "\n";
        return 1;
    }
    report["latency_ms_cached_latent"] = stats(cached);
    report["latency_ms_first_prompt"] = stats(first);
    std::cerr << "prompt to screen, latent cached: median " << report["latency_ms_cached_latent"]["median"] << " ms\n";

    // Memory: 1,000 images listed, an 8000 x 6000 image open.
    const QString bigFolder = scratch.filePath(QStringLiteral("folder"));
    QDir().mkpath(bigFolder);
    {
        QImage small(320, 240, QImage::Format_RGB888);
        for (int i = 0; i < 1000; ++i) {
            small.fill(QColor::fromHsv(i % 360, 120, 200));
            small.save(QDir(bigFolder).filePath(QStringLiteral("img%1.png").arg(i, 4, 10, QLatin1Char('0'))));
        }
        QImage big(8000, 6000, QImage::Format_RGB888);
        big.fill(QColor(90, 140, 200));
        for (int y = 2000; y < 4000; ++y)
            for (int x = 3000; x < 5000; ++x) big.setPixelColor(x, y, QColor(220, 40, 40));
        big.save(QDir(bigFolder).filePath(QStringLiteral("big.png")));
    }
    // The folder opens on its first image, big.png (natural order), and its thumbnails come in
    // meanwhile: the longest the event loop goes unanswered over both.
    double openFolderMs = -1;
    const auto [openAndThumbnailsMs, openFolderGap] = timeWithEventLoopGaps([&] {
        QElapsedTimer opening;
        opening.start();
        if (!window.openFolder(bigFolder) || !window.currentImagePath().endsWith(QStringLiteral("big.png")))
            return false;
        openFolderMs = double(opening.nsecsElapsed()) / 1e6;
        runEventLoopFor(1000);
        return true;
    });
    if (openAndThumbnailsMs < 0) {
        std::cerr << "cannot open the big folder on big.png: " << window.lastError().toStdString() << "\n";
        return 1;
    }
    report["open_folder_1000_images_8000x6000_first_ms"] = openFolderMs;
    report["open_folder_and_thumbnails_longest_event_loop_gap_ms"] = openFolderGap;
    const double bigLatency = promptToScreenMs(window, QStringLiteral("the red square"));
    report["latency_ms_8000x6000_first_prompt"] = bigLatency;
    const double rssBig = residentMiB();
    report["rss_mib_at_start"] = rssStart;
    report["rss_mib_model_1000_images_8000x6000_open"] = rssBig;
    std::cerr << "resident with the model, 1,000 images listed and 8000 x 6000 open: " << rssBig << " MiB\n";

    // Prompts in a row on a shapes image: memory after 100 and after all. Every result becomes an
    // annotation, which is then deleted (the annotator rejects it), as exploring prompts goes: the
    // history, the journal and the undo stack grow as in real use, the canvas does not.
    if (!window.openImage(QString::fromStdString(samples[0].imagePath))) return 1;
    const char* words[] = {"the circle", "the red shape", "the square", "the star", "the blue object", "the shape on the left"};
    // Resident memory as it is, and after freed pages are given back (releaseFreedMemory): the
    // studio gives them back after background work, so the first figure also moves with where the
    // heap stood at that moment; the second is the memory in use, where a leak would show.
    double rss100 = 0, rss100Trimmed = 0;
    std::vector<double> all;
    for (int i = 0; i < prompts; ++i) {
        const double ms = promptToScreenMs(window, QString::fromLatin1(words[i % 6]) + QStringLiteral(" %1").arg(i));
        if (ms < 0) return 1;
        all.push_back(ms);
        window.deleteMask(window.selectedAnnotation());
        if (i + 1 == std::min(100, prompts)) {
            rss100 = residentMiB();
            releaseFreedMemory();
            rss100Trimmed = residentMiB();
        }
    }
    const double rssEnd = residentMiB();
    releaseFreedMemory();
    const double rssEndTrimmed = residentMiB();
    report["prompts_in_a_row"] = prompts;
    report["rss_mib_after_100_prompts"] = rss100;
    report["rss_mib_after_all_prompts"] = rssEnd;
    report["rss_mib_after_100_prompts_freed_pages_returned"] = rss100Trimmed;
    report["rss_mib_after_all_prompts_freed_pages_returned"] = rssEndTrimmed;
    report["latency_ms_prompts_in_a_row"] = stats(all);

    // COCO import and export through the window: 20 masks on each of the 1,000 listed images.
    const int cocoAnnotations = 20'000;
    {
        annotation::Project project;
        const int category = project.addCategory("blob");
        for (int i = 0; i < 1000; ++i) {
            const int64_t image = project.addImage(QStringLiteral("img%1.png").arg(i, 4, 10, QLatin1Char('0')).toStdString(), 320, 240);
            for (int k = 0; k < cocoAnnotations / 1000; ++k) {
                cv::Mat mask = cv::Mat::zeros(240, 320, CV_8UC1);
                cv::ellipse(mask, {20 + 14 * k, 60 + (i + k) % 120}, {6 + k % 7, 9 + i % 11}, double(k * 17), 0, 360, 255, cv::FILLED);
                annotation::Annotation a;
                a.imageId = image, a.categoryId = category, a.mask = coco::encode(mask);
                project.addAnnotation(a);
            }
        }
        annotation::writeCoco(project, scratch.filePath(QStringLiteral("import.json")).toStdString());
    }
    if (!window.openFolder(bigFolder) || !window.openImage(QDir(bigFolder).filePath(QStringLiteral("img0000.png")))) return 1;
    runEventLoopFor(1000); // the listed thumbnails read again, off the UI thread: not during the import
    const auto [importMs, importGap] =
        timeWithEventLoopGaps([&] { return window.importCoco(scratch.filePath(QStringLiteral("import.json"))); });
    const auto [exportMs, exportGap] =
        timeWithEventLoopGaps([&] { return window.exportCoco(scratch.filePath(QStringLiteral("export.json"))); });
    // Saving folds the journal (the import's 20,000 lines) into the project file. The periodic save
    // (once a large project's journal has grown, Document::foldIsDue) writes it on a thread of its
    // own, as Ctrl+S does; closing the window or changing folders waits for the file (written on a
    // long task's thread: the window paints meanwhile; keys and clicks are dropped).
    const auto [backgroundSaveMs, backgroundSaveGap] = timeWithEventLoopGaps([&] {
        window.session()->saveInBackground();
        while (window.session()->backgroundSaveUnderWay()) runEventLoopFor(5);
        return !window.session()->modified();
    });
    QString drawError;
    cv::Mat dot = cv::Mat::zeros(240, 320, CV_8UC1);
    cv::circle(dot, {160, 120}, 9, 255, cv::FILLED);
    if (window.session()->addManualMask(window.currentImagePath(), QStringLiteral("blob"), dot, &drawError) <= 0) {
        std::cerr << "cannot draw a mask: " << drawError.toStdString() << "\n";
        return 1;
    }
    const auto [saveMs, saveGap] = timeWithEventLoopGaps([&] { return window.saveProject(); });
    if (importMs < 0 || exportMs < 0 || backgroundSaveMs < 0 || saveMs < 0) {
        std::cerr << "COCO import, export or the save failed: " << window.lastError().toStdString() << "\n";
        return 1;
    }
    if (window.session()->project()->annotations().size() < size_t(cocoAnnotations)) {
        std::cerr << "the import added too little: " << window.lastReport().toStdString() << "\n";
        return 1;
    }
    // Reopening the folder reads that project back (and decodes big.png, its first image).
    const QString shapesFolder = QFileInfo(QString::fromStdString(samples[0].imagePath)).absolutePath();
    if (!window.openFolder(shapesFolder)) return 1;
    const auto [reopenMs, reopenGap] = timeWithEventLoopGaps([&] {
        return window.openFolder(bigFolder) && window.session()->project() &&
               window.session()->project()->annotations().size() >= size_t(cocoAnnotations);
    });
    if (reopenMs < 0) {
        std::cerr << "reopening the folder of " << cocoAnnotations << " annotations failed: "
                  << window.lastError().toStdString() << "\n";
        return 1;
    }
    report["coco_annotations"] = cocoAnnotations;
    report["coco_import_ms"] = importMs;
    report["coco_import_longest_event_loop_gap_ms"] = importGap;
    report["coco_export_ms"] = exportMs;
    report["coco_export_longest_event_loop_gap_ms"] = exportGap;
    report["project_save_in_background_ms"] = backgroundSaveMs;
    report["project_save_in_background_longest_event_loop_gap_ms"] = backgroundSaveGap;
    report["project_save_ms"] = saveMs;
    report["project_save_longest_event_loop_gap_ms"] = saveGap;
    report["project_reopen_ms"] = reopenMs;
    report["project_reopen_longest_event_loop_gap_ms"] = reopenGap;

    std::ofstream(out) << report.dump(2) << "\n";
    std::cerr << report.dump(2) << "\n";
    if (!markdown.empty()) {
        std::ofstream md(markdown);
        const auto f = [](double v) { char b[32]; std::snprintf(b, sizeof b, "%.0f", v); return std::string(b); };
        md << "# RLFSeg Studio benchmarks\n\nWritten by `rlfseg-studio-bench` (`make bench`), through the real UI "
              "code path, offscreen. Device: "
           << report["device"].get<std::string>() << "; model: " << report["model"].get<std::string>() << ".\n\n"
           << "| what | measured | goal |\n|---|---|---|\n"
           << "| prompt to mask on screen, 256 px, image latent cached (median of " << cached.size() << ") | "
           << f(report["latency_ms_cached_latent"]["median"]) << " ms (p90 " << f(report["latency_ms_cached_latent"]["p90"])
           << ") | under 150 ms |\n"
           << "| first prompt on an image (latent computed), median | " << f(report["latency_ms_first_prompt"]["median"])
           << " ms | |\n"
           << "| opening a folder of 1,000 images on its 8000 x 6000 PNG | " << f(openFolderMs)
           << " ms (event loop unanswered at most " << f(openFolderGap)
           << " ms, the thumbnails' first second included) | |\n"
           << "| first prompt on an 8000 x 6000 image | " << f(bigLatency) << " ms | |\n"
           << "| resident memory: model, 1,000 images listed, 8000 x 6000 open | " << f(rssBig) << " MiB | under 1.5 GB |\n"
           << "| resident memory after 100 prompts / after " << prompts << " (freed pages given back first) | "
           << f(rss100) << " / " << f(rssEnd) << " MiB (" << f(rss100Trimmed) << " / " << f(rssEndTrimmed)
           << " MiB) | no larger after " << prompts << " than after 100 |\n"
           << "| COCO import of " << cocoAnnotations << " annotations on 1,000 images, through the window | " << f(importMs)
           << " ms (event loop unanswered at most " << f(importGap) << " ms) | |\n"
           << "| COCO export of the same, validated | " << f(exportMs) << " ms (event loop unanswered at most "
           << f(exportGap) << " ms) | |\n"
           << "| the periodic save of the project with those annotations (the journal folded into the file on a "
              "thread of its own; the two-minute timer waits until a large project's journal is a quarter of its "
              "file) | "
           << f(backgroundSaveMs) << " ms (event loop unanswered at most " << f(backgroundSaveGap) << " ms) | |\n"
           << "| saving it on closing the window or changing folders: waits for the file, written on a long task's "
              "thread (Ctrl+S writes in the background, as the periodic save) | "
           << f(saveMs)
           << " ms (event loop unanswered at most " << f(saveGap) << " ms) | |\n"
           << "| reopening that folder: its project read, its first image (8000 x 6000) decoded | " << f(reopenMs)
           << " ms (event loop unanswered at most " << f(reopenGap) << " ms) | |\n";
    }
    return 0;
}
