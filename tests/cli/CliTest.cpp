// `rlfseg` end to end: what a user types, what comes out, and the exit status.

#include "TestSupport.h"
#include "TinyModel.h"

#include "core/io/ImageFile.h"
#include "core/nn/Weights.h"
#include "core/util/BlasKernels.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <sstream>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

struct Run {
    int status = -1;
    std::string output; // stdout and stderr
};

Run run(const std::string& arguments, const std::string& environment = "") {
    const std::string command = environment + " " + RLFSEG_CLI + " " + arguments + " 2>&1";
    Run r;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buffer{};
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.output.append(buffer.data(), n);
    const int raw = pclose(pipe);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    return r;
}

std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

// A small shapes data set (64 px, one or two objects, no unseen split) for the tests that train,
// refine or annotate.
Run makeShapes(const fs::path& out, int images, int seed, const std::string& val, const std::string& test) {
    return run("generate-shapes --out " + quote(out) + " --images " + std::to_string(images) + " --seed " +
               std::to_string(seed) + " --size 64 --max-objects 2 --unseen none --val " + val + " --test " + test +
               " --quiet");
}

class Cli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        sModel = rlfseg::test::makeTinyModelFolder("cli");
        sDir = rlfseg::test::makeTempDir("cli-files");
        cv::Mat bgr(30, 50, CV_8UC3, cv::Scalar(200, 180, 20));
        cv::circle(bgr, {25, 15}, 9, cv::Scalar(10, 10, 240), cv::FILLED);
        cv::imwrite((sDir / "image.png").string(), bgr);
        std::ofstream(sDir / "corrupt.png") << "\x89PNG\r\n\x1a\n this is not an image";
    }
    static fs::path sModel, sDir;
};
fs::path Cli::sModel, Cli::sDir;

} // namespace

TEST_F(Cli, VersionAndHelp) {
    auto r = run("--version");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.output.find("rlfseg 0."), std::string::npos) << r.output;
    r = run("--help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.output.find("segment"), std::string::npos);
    EXPECT_NE(r.output.find("info"), std::string::npos);
    r = run("segment --help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.output.find("--prompt"), std::string::npos);
}

TEST_F(Cli, VersionNamesTheBlasKernels) {
    // Debian 12's OpenBLAS runs its generic kernels on CPUs newer than itself; rlfseg starts again
    // with better ones (core/util/BlasKernels.h), and never overrides the user's choice.
    const auto r = run("--version", "env -u OPENBLAS_CORETYPE -u RLFSEG_OPENBLAS_DETECTED");
    ASSERT_EQ(r.status, 0) << r.output;
    ASSERT_NE(r.output.find("\nBLAS: "), std::string::npos) << r.output;
    if (r.output.find("OpenBLAS") == std::string::npos) GTEST_SKIP() << "the BLAS here is not OpenBLAS: " << r.output;
    const auto cpu = rlfseg::cpuVectorUnits();
    if (cpu.avx2) EXPECT_EQ(r.output.find("Prescott kernels"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("set by OPENBLAS_CORETYPE"), std::string::npos) << "the user set nothing: " << r.output;
    if (cpu.avx2) {
        const auto chosen = run("--version", "env -u RLFSEG_OPENBLAS_DETECTED OPENBLAS_CORETYPE=Haswell");
        EXPECT_NE(chosen.output.find("OpenBLAS, Haswell kernels (set by OPENBLAS_CORETYPE)"), std::string::npos)
            << chosen.output;
    }
}

TEST_F(Cli, NoOrUnknownSubcommandFails) {
    // CLI11's usage errors: status 105-109, never a crash (>= 128) or an internal error (2).
    for (const char* arguments : {"", "frobnicate", "segment --image x.png", "segment --threshold 3"}) {
        const auto r = run(arguments);
        EXPECT_GE(r.status, 100) << arguments << "\n" << r.output;
        EXPECT_LT(r.status, 128) << arguments << "\n" << r.output;
    }
}

TEST_F(Cli, SegmentWritesBinaryAndSoftMasksAtTheImageSize) {
    const auto mask = sDir / "mask.png", soft = sDir / "soft.png";
    auto r = run("segment --model " + quote(sModel) + " --image " + quote(sDir / "image.png") +
                 " --prompt 'the red circle' --output " + quote(mask) + " --soft " + quote(soft) + " --device cpu");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("CPU"), std::string::npos) << r.output;

    cv::Mat m = cv::imread(mask.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(m.type(), CV_8UC1);
    EXPECT_EQ(m.size(), cv::Size(50, 30));
    for (auto it = m.begin<uint8_t>(); it != m.end<uint8_t>(); ++it) ASSERT_TRUE(*it == 0 || *it == 255);

    cv::Mat s = cv::imread(soft.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(s.type(), CV_16UC1);
    EXPECT_EQ(s.size(), cv::Size(50, 30));
    // The binary mask is the soft mask above one half.
    for (int y = 0; y < 30; ++y)
        for (int x = 0; x < 50; ++x) {
            const int p = s.at<uint16_t>(y, x);
            if (std::abs(p - 32767) > 2) ASSERT_EQ(m.at<uint8_t>(y, x) == 255, p > 32767) << x << "," << y;
        }
}

// A model whose card says its flow was trained at t = 0 only: Euler with several steps still
// runs, with a warning on stderr; the one-step samplers get none.
TEST_F(Cli, WarnsWhenTheSamplerDoesNotSuitTheModel) {
    const auto model = rlfseg::test::makeTinyModelFolder("cli-t-zero");
    std::ofstream(model / "rlfseg.json")
        << R"({"name": "t0 model", "training": {"config": {"stages": [{"kind": "flow", "t_zero_probability": 1.0}]}}})";
    const auto segment = [&](const std::string& sampler) {
        return run("segment --model " + quote(model) + " --image " + quote(sDir / "image.png") +
                   " --prompt circle --output " + quote(sDir / "t0.png") + " --device cpu --sampler " + sampler);
    };
    auto r = segment("euler:3");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("warning: t0 model was trained only at t = 0"), std::string::npos) << r.output;
    for (const char* sampler : {"one-step", "adaptive"}) {
        r = segment(sampler);
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_EQ(r.output.find("warning:"), std::string::npos) << sampler << ": " << r.output;
    }
}

TEST_F(Cli, DefaultModelComesFromTheEnvironmentOrAClearMessage) {
    const auto out = sDir / "default.png";
    auto r = run("segment --image " + quote(sDir / "image.png") + " --prompt circle --output " + quote(out),
                 "RLFSEG_DEFAULT_MODEL=" + quote(sModel));
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(fs::exists(out));
    r = run("segment --image " + quote(sDir / "image.png") + " --prompt circle --output " + quote(out),
            "RLFSEG_DEFAULT_MODEL=/nonexistent/default-model");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("RLFSEG_DEFAULT_MODEL"), std::string::npos) << r.output;
}

TEST_F(Cli, BadInputEndsInAMessageAndNonZeroStatus) {
    const std::string model = " --model " + quote(sModel);
    const std::string out = " --output " + quote(sDir / "never.png");
    struct Case {
        std::string arguments, expected;
    };
    const std::vector<Case> cases = {
        {"segment" + model + " --image /nonexistent.png --prompt x" + out, "nonexistent.png"},
        {"segment" + model + " --image " + quote(sDir / "corrupt.png") + " --prompt x" + out, "corrupt.png"},
        {"segment --model /nonexistent/model --image " + quote(sDir / "image.png") + " --prompt x" + out, "/nonexistent/model"},
        {"segment" + model + " --image " + quote(sDir / "image.png") + " --prompt x --max-pixels 100" + out, "image.png"},
        {"segment" + model + " --image " + quote(sDir / "image.png") + " --prompt x --device cuda" + out, "CUDA"},
        {"segment" + model + " --image " + quote(sDir / "image.png") + " --prompt x --device tpu" + out, "tpu"},
        {"segment" + model + " --image " + quote(sDir / "image.png") + " --prompt x --output /nonexistent/dir/m.png",
         "/nonexistent/dir/m.png"},
        {"segment" + model + " --image " + quote(sDir / "image.png") + " --prompt x --sampler ddim:9" + out, "ddim:9"},
        {"info --model /nonexistent/model", "/nonexistent/model"},
    };
    for (const auto& c : cases) {
        if (c.expected == "CUDA" && system("nvidia-smi >/dev/null 2>&1") == 0) continue;
        const auto r = run(c.arguments);
        EXPECT_EQ(r.status, 1) << c.arguments << "\n" << r.output;
        EXPECT_NE(r.output.find("rlfseg: error: "), std::string::npos) << c.arguments << "\n" << r.output;
        EXPECT_EQ(r.output.find("internal error"), std::string::npos) << c.arguments << "\n" << r.output;
        EXPECT_NE(r.output.find(c.expected), std::string::npos) << c.arguments << "\n" << r.output;
    }
    EXPECT_FALSE(fs::exists(sDir / "never.png"));
}

TEST_F(Cli, InfoPrintsConfigsAndParameterCounts) {
    auto r = run("info --model " + quote(sModel));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("Model resolution: 32 px"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("[unet]"), std::string::npos);
    r = run("info --json --model " + quote(sModel));
    ASSERT_EQ(r.status, 0) << r.output;
    auto j = nlohmann::json::parse(r.output);
    EXPECT_GT(j["unet"]["parameters"].get<int64_t>(), 1000000);
    EXPECT_EQ(j["text_encoder"]["config"]["hidden_size"], 32);
}

// train -> eval end to end on a tiny data set: a stopped run resumes with the same command, the
// model it writes is evaluated with the literature's keys, and bad recipes are clear errors.
TEST_F(Cli, TrainStopsResumesAndEvalReports) {
    const fs::path data = sDir / "shapes";
    auto r = makeShapes(data, 8, 2, "0.25", "0.25");
    ASSERT_EQ(r.status, 0) << r.output;
    const fs::path recipe = sDir / "recipe.json";
    std::ofstream(recipe) << nlohmann::json{
        {"architecture", "tiny"}, {"data", "shapes"}, {"seed", 3}, {"device", "cpu"}, {"threads", 1},
        {"checkpoint_every", 1}, {"keep_checkpoints", 1}, {"log", "csv"},
        {"stages", {{{"kind", "flow"}, {"steps", 3}, {"batch_size", 2}, {"eval_samples", 1}}}}}.dump();
    const fs::path out = sDir / "run";
    // --init replaces the recipe's architecture (the tiny fixture model stands in for an SD folder).
    const std::string init = " --init " + quote(sModel);
    r = run("train --config " + quote(recipe) + init + " --out " + quote(out) + " --stop-after 2");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("paused at step 2"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(out / "model"));
    r = run("train --config " + quote(recipe) + init + " --out " + quote(out));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("resuming from"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("done: 3 steps"), std::string::npos) << r.output;
    ASSERT_TRUE(fs::exists(out / "model" / "rlfseg.json"));
    std::ifstream log(out / "log.csv");
    std::string line;
    int steps = 0;
    while (std::getline(log, line)) steps += line.rfind("step,", 0) == 0;
    EXPECT_EQ(steps, 3); // one line per step, none repeated by the resume

    const fs::path report = sDir / "eval.json";
    r = run("eval --model " + quote(out / "model") + " --data " + quote(data) + " --split test --report " + quote(report) +
            " --sampler adaptive --device cpu");
    ASSERT_EQ(r.status, 0) << r.output;
    std::ifstream in(report);
    const auto j = nlohmann::json::parse(in);
    for (const char* key : {"mIoU", "oIoU", "prec@0.5", "prec@0.9", "AP", "samples", "ms_per_sample"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["sampler"], "adaptive");
    EXPECT_DOUBLE_EQ(j["threshold"].get<double>(), 0.5); // no calibration yet
    // Where the loss goes, in the report and on stderr: the three bands' losses make up 1 - mIoU.
    const auto& bands = j["loss_breakdown"];
    EXPECT_NEAR(bands["missed"]["mIoU_lost"].get<double>() + bands["partial"]["mIoU_lost"].get<double>() +
                    bands["found"]["mIoU_lost"].get<double>(),
                1.0 - j["mIoU"].get<double>(), 1e-9);
    EXPECT_NE(r.output.find("where the loss goes: missed"), std::string::npos) << r.output;
    EXPECT_TRUE(fs::exists(sDir / "eval.csv"));

    // calibrate stores val's best threshold in the card; eval then uses it (and reaches val's best
    // mIoU), while --threshold 0.5 still gives METHOD.md's figure.
    const auto evalVal = [&](const std::string& extra) {
        const fs::path valReport = sDir / "eval-val.json";
        const auto rv = run("eval --model " + quote(out / "model") + " --data " + quote(data) +
                            " --split val --device cpu --quiet --report " + quote(valReport) + extra);
        EXPECT_EQ(rv.status, 0) << rv.output;
        std::ifstream vin(valReport);
        return nlohmann::json::parse(vin);
    };
    // calibrate tries each edge snap (here: off, and radius 4 with epsilon 1e-4 and 1e-3) with every
    // threshold and keeps the best pair: the card then gives val's best mIoU of the three.
    const auto before = evalVal("");
    EXPECT_EQ(before["edge_snap"]["radius"], 0); // no card entry: off
    const std::vector<std::pair<std::string, nlohmann::json>> trials{
        {"", before}, {"4,0.0001", evalVal(" --edge-snap 4,0.0001")}, {"4,0.001", evalVal(" --edge-snap 4,0.001")}};
    const auto bestMIoU = [&](size_t k) { return trials[k].second["best_threshold_mIoU"].get<double>(); };
    size_t best = 0;
    for (size_t k = 1; k < trials.size(); ++k) // ties go to the earlier
        if (bestMIoU(k) > bestMIoU(best)) best = k;
    EXPECT_EQ(trials[1].second["edge_snap"]["radius"], 4);
    EXPECT_NE(trials[1].second["AP"], before["AP"]); // the snap changed the soft masks
    const fs::path trialsReport = sDir / "calibrate.json";
    r = run("calibrate --model " + quote(out / "model") + " --data " + quote(data) +
            " --device cpu --edge-snap-radii 4 --report " + quote(trialsReport)); // off is always tried
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("stored in"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("the best of 3 tried"), std::string::npos) << r.output;
    std::ifstream cardIn(out / "model" / "rlfseg.json");
    const auto card = nlohmann::json::parse(cardIn);
    ASSERT_TRUE(card.contains("mask_threshold")) << card.dump();
    const auto& chosen = trials[best].second;
    EXPECT_DOUBLE_EQ(card["mask_threshold"].get<double>(), chosen["best_threshold"].get<double>());
    EXPECT_NE(card["mask_threshold_source"].get<std::string>().find("val"), std::string::npos);
    EXPECT_EQ(card.contains("edge_snap"), best > 0) << card.dump();
    // Its report holds every trial, each with the metrics eval gives for that snap.
    std::ifstream trialsIn(trialsReport);
    const auto trialsJson = nlohmann::json::parse(trialsIn)["snap_trials"];
    ASSERT_EQ(trialsJson.size(), trials.size()) << trialsJson.dump();
    for (size_t k = 0; k < trials.size(); ++k)
        EXPECT_NEAR(trialsJson[k]["best_threshold_mIoU"].get<double>(),
                    trials[k].second["best_threshold_mIoU"].get<double>(), 1e-12) << k;
    EXPECT_EQ(trialsJson[2]["epsilon"], 0.001);
    const auto after = evalVal("");
    EXPECT_DOUBLE_EQ(after["threshold"].get<double>(), card["mask_threshold"].get<double>());
    EXPECT_EQ(after["edge_snap"], chosen["edge_snap"]);
    EXPECT_NEAR(after["mIoU"].get<double>(), chosen["best_threshold_mIoU"].get<double>(), 1e-12);
    // The same pass gives METHOD.md's figure at 0.5 (the curve's point), as before calibration.
    EXPECT_NEAR(after["mIoU_by_threshold"]["0.50"].get<double>(), chosen["mIoU"].get<double>(), 1e-12);
    // --cleanup also scores the app's clean-up of every binary mask, with its own metrics and a CSV column.
    const auto cleaned = evalVal(" --cleanup");
    ASSERT_TRUE(cleaned.contains("cleanup")) << cleaned.dump();
    EXPECT_EQ(cleaned["cleanup"]["samples"], cleaned["samples"]);
    for (const char* key : {"mIoU", "oIoU", "prec@0.5", "boundary_F", "ms_per_sample"})
        EXPECT_TRUE(cleaned["cleanup"].contains(key)) << key;
    EXPECT_NEAR(cleaned["mIoU"].get<double>(), after["mIoU"].get<double>(), 1e-12); // the predictions are the same
    std::ifstream cleanedCsv(sDir / "eval-val.csv");
    std::string header;
    std::getline(cleanedCsv, header);
    EXPECT_NE(header.find("iou_cleanup"), std::string::npos) << header;
    const auto method = evalVal(" --threshold 0.5 --edge-snap off");
    EXPECT_NEAR(method["mIoU"].get<double>(), before["mIoU"].get<double>(), 1e-12);
    r = run("eval --model " + quote(out / "model") + " --data " + quote(data) + " --report " + quote(report) +
            " --edge-snap 4,2");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("--edge-snap 4,2: expected off, RADIUS"), std::string::npos) << r.output;
    for (const char* bad : {"24,", "0,0.001", "x", "5,1e-9", "5000"}) {
        r = run("segment --model " + quote(out / "model") + " --image " + quote(data / "images" / "000001.png") +
                " --prompt x --output " + quote(sDir / "m.png") +
                " --edge-snap " + bad);
        EXPECT_EQ(r.status, 1) << bad;
        EXPECT_NE(r.output.find(std::string("--edge-snap ") + bad + ": expected"), std::string::npos) << r.output;
    }
    r = run("info --model " + quote(out / "model"));
    EXPECT_NE(r.output.find("Mask threshold:"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Edge snap:"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("rlfseg calibrate on val"), std::string::npos) << r.output;
    // A plain Stable Diffusion folder (no rlfseg.json) is not calibrated, and stays as it was.
    r = run("calibrate --model " + quote(sModel) + " --data " + quote(data) + " --device cpu");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("not an RLFSeg model"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(sModel / "rlfseg.json"));
    // A diffusion sampler on a flow model, and a bad recipe, are errors with the reason.
    r = run("eval --model " + quote(out / "model") + " --data " + quote(data) + " --report " + quote(report) +
            " --sampler ddim:5");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("rectified-flow model"), std::string::npos) << r.output;
    std::ofstream(sDir / "bad.json") << R"({"architecture": "tiny", "data": "x", "stages": [{"kind": "flow", "stepz": 1}]})";
    r = run("train --config " + quote(sDir / "bad.json") + " --out " + quote(sDir / "bad-run"));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("stages[0]: unknown key \"stepz\""), std::string::npos) << r.output;
}

TEST_F(Cli, RefineWritesTheSelectedMaskAndEveryCandidate) {
    // The image holds a red disc; the mask is the disc blurred (a soft 16-bit PNG) plus a speck.
    cv::Mat bgr(60, 80, CV_8UC3, cv::Scalar(120, 120, 120));
    cv::circle(bgr, {40, 30}, 15, cv::Scalar(20, 20, 230), cv::FILLED);
    cv::imwrite((sDir / "disc.png").string(), bgr);
    cv::Mat soft(60, 80, CV_16UC1, cv::Scalar(0));
    cv::circle(soft, {40, 30}, 17, 65535, cv::FILLED);
    cv::GaussianBlur(soft, soft, {0, 0}, 2.0);
    cv::circle(soft, {5, 5}, 1, 60000, cv::FILLED);
    cv::imwrite((sDir / "disc-soft.png").string(), soft);
    const fs::path out = sDir / "disc-refined.png", report = sDir / "disc-refine.json";
    auto r = run("refine --image " + quote(sDir / "disc.png") + " --mask " + quote(sDir / "disc-soft.png") +
                 " --output " + quote(out) + " --report " + quote(report));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("refine: "), std::string::npos);
    const cv::Mat refined = cv::imread(out.string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(refined.type(), CV_8UC1);
    EXPECT_EQ(refined.at<uint8_t>(5, 5), 0);      // the speck is gone
    EXPECT_EQ(refined.at<uint8_t>(30, 40), 255);  // the disc stays
    std::ifstream in(report);
    const auto j = nlohmann::json::parse(in);
    EXPECT_GT(j["candidates"].size(), 1u);
    EXPECT_GE(j["selected"].get<int>(), 0);
    // A mask of another size is refused with both sizes named.
    r = run("refine --image " + quote(sDir / "image.png") + " --mask " + quote(sDir / "disc-soft.png") + " --output " +
            quote(out));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("must match"), std::string::npos) << r.output;
    r = run("refine --image " + quote(sDir / "disc.png") + " --mask " + quote(sDir / "corrupt.png") + " --output " + quote(out));
    EXPECT_EQ(r.status, 1);
}

TEST_F(Cli, CocoValidateListsProblemsAndFailsOnErrors) {
    const fs::path good = sDir / "good-coco.json", bad = sDir / "bad-coco.json";
    std::ofstream(good) << R"({"images": [{"id": 1, "file_name": "image.png", "width": 50, "height": 30}],
        "categories": [{"id": 1, "name": "disc"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0, "area": 100, "bbox": [10, 10, 10, 10],
                         "segmentation": [[10, 10, 20, 10, 20, 20, 10, 20]]}]})";
    auto r = run("coco validate " + quote(good) + " --images " + quote(sDir));
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("0 errors, 0 warnings"), std::string::npos) << r.output;
    std::ofstream(bad) << R"({"images": [{"id": 1, "file_name": "missing.png", "width": 50, "height": 30}],
        "categories": [{"id": 1, "name": "disc"}],
        "annotations": [{"id": 1, "image_id": 2, "category_id": 1, "segmentation": [[1, 2, 3]]}]})";
    r = run("coco validate " + quote(bad) + " --images " + quote(sDir));
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("error: annotations[0].image_id: unknown image id 2"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("error: annotations[0].segmentation[0]"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("error: images[0].file_name"), std::string::npos) << r.output;
    r = run("coco validate " + quote(bad) + " --json");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("\"severity\": \"error\""), std::string::npos) << r.output;
}

// annotate: a folder and a prompts file to COCO; a stopped run resumed gives the same file as one
// that never stopped; the output passes `coco validate`; bad prompts files name the line.
TEST_F(Cli, AnnotateWritesCocoAndResumes) {
    const fs::path images = sDir / "annotate-images";
    fs::create_directories(images / "sub");
    for (int i = 0; i < 4; ++i) {
        cv::Mat bgr(40 + 8 * i, 48, CV_8UC3, cv::Scalar(30 * i, 90, 200));
        cv::circle(bgr, {20, 18}, 8 + i, cv::Scalar(10, 220, 10), cv::FILLED);
        cv::imwrite((images / (i == 3 ? "sub/d.png" : std::string(1, char('a' + i)) + ".png")).string(), bgr);
    }
    std::ofstream(images / "notes.txt") << "not an image";
    const fs::path prompts = sDir / "prompts.txt";
    std::ofstream(prompts) << "# what to find\ncircle: the green circle\n\nbackground: everything: else\n";
    const std::string common = " --images " + quote(images) + " --prompts " + quote(prompts) + " --model " + quote(sModel) +
                               " --device cpu --min-area 1 -q";
    const fs::path straight = sDir / "straight.json", resumed = sDir / "resumed.json", masks = sDir / "annotate-masks";
    auto r = run("annotate" + common + " --out " + quote(straight) + " --masks " + quote(masks));
    ASSERT_EQ(r.status, 0) << r.output;
    r = run("annotate" + common + " --out " + quote(resumed) + " --stop-after 2");
    ASSERT_EQ(r.status, 0) << r.output;
    std::ifstream stateIn(resumed.string() + ".progress.json");
    const auto state = nlohmann::json::parse(stateIn);
    EXPECT_EQ(state["processed"].size(), 2u);
    EXPECT_FALSE(state["complete"].get<bool>());
    r = run("annotate" + common + " --out " + quote(resumed));
    EXPECT_EQ(r.status, 1) << "an existing run is not overwritten without --resume";
    EXPECT_NE(r.output.find("--resume"), std::string::npos) << r.output;
    r = run("annotate" + common + " --out " + quote(resumed) + " --resume");
    ASSERT_EQ(r.status, 0) << r.output;

    std::ifstream a(straight), b(resumed);
    auto ja = nlohmann::json::parse(a), jb = nlohmann::json::parse(b);
    ja["info"].erase("date_created"), jb["info"].erase("date_created");
    EXPECT_EQ(ja, jb);
    EXPECT_EQ(ja["images"].size(), 4u);
    EXPECT_EQ(ja["images"][3]["file_name"], "sub/d.png");
    ASSERT_EQ(ja["categories"].size(), 2u);
    EXPECT_EQ(ja["categories"][1]["name"], "background"); // the first colon splits: "everything: else" is the prompt
    size_t maskFiles = 0;
    for (const auto& e : fs::directory_iterator(masks)) maskFiles += e.path().extension() == ".png";
    EXPECT_EQ(maskFiles, ja["annotations"].size());
    for (const auto& ann : ja["annotations"]) EXPECT_TRUE(ann.contains("score"));
    r = run("coco validate " + quote(straight) + " --images " + quote(images));
    EXPECT_EQ(r.status, 0) << r.output;

    std::ofstream(sDir / "bad-prompts.txt") << "circle: round\nno colon here\n";
    r = run("annotate --images " + quote(images) + " --prompts " + quote(sDir / "bad-prompts.txt") + " --out " +
            quote(sDir / "never.json"));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("line 2"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(sDir / "never.json"));
}

namespace {
// A two-stage training small enough for a test: the VAE, then the flow, on 8 shapes images.
// keepBest: the flow stage validates after every step and keeps its best weights, a choice rank 0
// makes and every rank must follow.
fs::path writeParallelRecipe(const fs::path& dir, bool keepBest = false) {
    const auto r = makeShapes(dir / "shapes", 8, 2, "0.25", "0.25");
    EXPECT_EQ(r.status, 0) << r.output;
    const fs::path recipe = dir / "recipe.json";
    std::ofstream(recipe) << nlohmann::json{
        {"architecture", "tiny"}, {"data", "shapes"}, {"seed", 3}, {"device", "cpu"}, {"threads", 1},
        {"checkpoint_every", 100}, {"keep_checkpoints", 1}, {"log", "csv"},
        {"stages",
         {{{"kind", "vae"}, {"steps", 2}, {"batch_size", 4}, {"crop", 32}, {"eval_samples", 1}},
          // Two micro-batches per step: the all-reduce must include the accumulated gradient.
          {{"kind", "flow"}, {"steps", 3}, {"batch_size", 4}, {"gradient_accumulation", 2}, {"eval_samples", 1},
           {"eval_every", keepBest ? 1 : 0}, {"keep_best", keepBest}}}}}.dump();
    return recipe;
}

std::vector<std::vector<std::string>> logRows(const fs::path& csv) {
    std::vector<std::vector<std::string>> rows;
    std::ifstream in(csv);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("step,", 0) != 0) continue;
        std::vector<std::string> cells;
        std::stringstream fields(line);
        for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}
} // namespace

TEST_F(Cli, TwoRanksTrainLikeOneProcessOnTheSameGlobalBatch) {
    const fs::path dir = sDir / "parallel";
    fs::create_directories(dir);
    const fs::path recipe = writeParallelRecipe(dir, /*keepBest=*/true);
    auto r = run("train --config " + quote(recipe) + " --out " + quote(dir / "one") + " --quiet");
    ASSERT_EQ(r.status, 0) << r.output;
    // 1 MB buckets: many all-reduces in flight while the backward pass runs.
    r = run("launch --nproc 2 -- train --config " + quote(recipe) + " --out " + quote(dir / "two"), "RLFSEG_DIST_BUCKET_MB=1");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("[rank 0] data parallel: 2 ranks"), std::string::npos) << r.output;
    // One line per stage (VAE, then flow): most buckets left while backward was still running.
    const std::regex line(R"(gradients: (\d+) buckets, (\d+) sent during the backward pass)");
    int stages = 0;
    for (std::sregex_iterator it(r.output.begin(), r.output.end(), line), end; it != end; ++it, ++stages) {
        const int buckets = std::stoi((*it)[1]), early = std::stoi((*it)[2]);
        EXPECT_GT(buckets, 2) << it->str();
        EXPECT_GE(early, buckets - 1) << it->str(); // the bucket of the first layers closes as backward ends
    }
    EXPECT_EQ(stages, 2) << r.output;
    EXPECT_NE(r.output.find("[rank 1] done"), std::string::npos) << r.output;

    // The same steps: each step's loss and gradient norm (the global batch's, all-reduced) agree.
    const auto one = logRows(dir / "one" / "log.csv"), two = logRows(dir / "two" / "log.csv");
    ASSERT_EQ(one.size(), 5u);
    ASSERT_EQ(two.size(), one.size()); // rank 0 alone writes the log
    for (size_t i = 0; i < one.size(); ++i)
        for (size_t column : {4u, 6u}) { // loss, grad_norm
            const double a = std::stod(one[i][column]), b = std::stod(two[i][column]);
            EXPECT_NEAR(a, b, 1e-4 * std::max(1.0, std::abs(a))) << "step " << i + 1 << ", column " << column;
        }
    // And the same weights, within float tolerance (the sums are ordered differently).
    for (const char* file : {"unet/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors",
                             "text_encoder/model.safetensors"}) {
        const auto a = rlfseg::loadTensors((dir / "one" / "model" / file).string());
        const auto b = rlfseg::loadTensors((dir / "two" / "model" / file).string());
        ASSERT_EQ(a.size(), b.size()) << file;
        double difference = 0, norm = 0;
        for (const auto& [name, tensor] : a) {
            difference += (tensor - b.at(name)).pow(2).sum().item<double>();
            norm += tensor.pow(2).sum().item<double>();
        }
        EXPECT_LT(std::sqrt(difference / norm), 1e-4) << file;
    }
}

// A one-stage recipe on the data set `shapes` beside it, for the multi-rank tests: one thread per rank.
namespace {
void writeOneStageRecipe(const fs::path& path, const nlohmann::json& stage) {
    std::ofstream(path) << nlohmann::json{
        {"architecture", "tiny"}, {"data", "shapes"}, {"seed", 3}, {"device", "cpu"}, {"threads", 1},
        {"checkpoint_every", 100}, {"keep_checkpoints", 1}, {"log", "jsonl"}, {"stages", {stage}}}.dump();
}
} // namespace

// Label refinement over 2 ranks: each predicts half of the training samples, and every rank ends
// with the labels one process refines (refinement at epoch 0, before any step: the same weights).
TEST_F(Cli, TwoRanksRefineLabelsLikeOneProcess) {
    const fs::path dir = sDir / "parallel-refine";
    fs::create_directories(dir);
    auto r = makeShapes(dir / "shapes", 16, 6, "0.125", "0.125");
    ASSERT_EQ(r.status, 0) << r.output;
    writeOneStageRecipe(dir / "recipe.json", {{"kind", "flow"}, {"steps", 2}, {"batch_size", 4}, {"eval_samples", 1},
                                              {"label_refinement", {{"from_epoch", 0}, {"agreement", 0.0}, {"band", 3}}}});
    const std::string train = "train --config " + quote(dir / "recipe.json") + " --init " + quote(sModel) + " --out ";
    r = run(train + quote(dir / "one") + " --quiet");
    ASSERT_EQ(r.status, 0) << r.output;
    r = run("launch --nproc 2 -- " + train + quote(dir / "two") + " --quiet");
    ASSERT_EQ(r.status, 0) << r.output;

    auto refinedCount = [](const fs::path& log) {
        std::ifstream in(log);
        for (std::string line; std::getline(in, line);) {
            const auto entry = nlohmann::json::parse(line);
            if (entry.value("kind", "") == "label_refinement") return entry["refined"].get<int>();
        }
        return -1;
    };
    const int refined = refinedCount(dir / "one" / "log.jsonl");
    EXPECT_GT(refined, 16); // more than one batch of 16: both ranks had work
    EXPECT_EQ(refinedCount(dir / "two" / "log.jsonl"), refined);
    const auto a = rlfseg::loadTensors((dir / "one" / "cache" / "latents-train-refined.safetensors").string());
    const auto b = rlfseg::loadTensors((dir / "two" / "cache" / "latents-train-refined.safetensors").string());
    const auto& x = a.at("mask_latents");
    const auto& y = b.at("mask_latents");
    ASSERT_EQ(x.sizes(), y.sizes());
    const double relative = std::sqrt((x.to(torch::kFloat) - y.to(torch::kFloat)).pow(2).sum().item<double>() /
                                      x.to(torch::kFloat).pow(2).sum().item<double>());
    EXPECT_LT(relative, 1e-2);
    // Rank 1's share (samples 16 to 31) really was refined and gathered: far from the unrefined labels.
    const auto unrefined = rlfseg::loadTensors((dir / "two" / "cache" / "latents-train.safetensors").string()).at("mask_latents");
    const auto share = y.narrow(0, 16, 16).to(torch::kFloat), before = unrefined.narrow(0, 16, 16).to(torch::kFloat);
    const double change = std::sqrt((share - before).pow(2).sum().item<double>() / before.pow(2).sum().item<double>());
    EXPECT_GT(change, 10 * relative) << "refined " << change << ", between the runs " << relative;
}

// A decoder stage over 2 ranks: each predicts its share of the flow's one-step mask latents (batches
// of 32, dealt round-robin), and the cache they make together is the one a single process makes.
TEST_F(Cli, TwoRanksPredictADecoderStagesLatentsLikeOneProcess) {
    const fs::path dir = sDir / "parallel-decoder";
    fs::create_directories(dir);
    auto r = makeShapes(dir / "shapes", 24, 6, "0.125", "0.125");
    ASSERT_EQ(r.status, 0) << r.output;
    writeOneStageRecipe(dir / "recipe.json",
                        {{"kind", "decoder"}, {"steps", 1}, {"batch_size", 2}, {"crop", 16}, {"eval_samples", 1}});
    const std::string train = "train --config " + quote(dir / "recipe.json") + " --init " + quote(sModel) + " --out ";
    r = run(train + quote(dir / "one") + " --quiet");
    ASSERT_EQ(r.status, 0) << r.output;
    r = run("launch --nproc 2 -- " + train + quote(dir / "two"));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("training samples over 2 ranks"), std::string::npos) << r.output;

    const auto a = rlfseg::loadTensors((dir / "one" / "cache" / "predicted-stage-0.safetensors").string());
    const auto b = rlfseg::loadTensors((dir / "two" / "cache" / "predicted-stage-0.safetensors").string());
    const auto x = a.at("mask_latents").to(torch::kFloat), y = b.at("mask_latents").to(torch::kFloat);
    ASSERT_EQ(x.sizes(), y.sizes());
    ASSERT_GT(x.size(0), 32); // more than one batch of 32: rank 1 predicted samples 32 on
    // Rank 1's share is there (not the zeros it starts from) and both shares match one process's.
    EXPECT_GT(y.narrow(0, 32, x.size(0) - 32).abs().sum().item<double>(), 0);
    const double relative = std::sqrt((x - y).pow(2).sum().item<double>() / x.pow(2).sum().item<double>());
    EXPECT_LT(relative, 1e-3);

    // A new run that finds those predictions cached: every rank reads them, none predicts.
    fs::create_directories(dir / "three");
    fs::copy(dir / "one" / "cache", dir / "three" / "cache", fs::copy_options::recursive);
    r = run("launch --nproc 2 -- " + train + quote(dir / "three"));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("one-step predictions read from"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("predicting the one-step mask latents"), std::string::npos) << r.output;
}

TEST_F(Cli, ADeadRankStopsTheOthersWithAMessageNotAHang) {
    const fs::path dir = sDir / "parallel-fault";
    fs::create_directories(dir);
    const fs::path recipe = writeParallelRecipe(dir);
    const auto start = std::chrono::steady_clock::now();
    // Rank 1 dies at global step 3 (the flow's first), as a crashed machine would.
    const auto r = run("launch --nproc 2 -- train --config " + quote(recipe) + " --out " + quote(dir / "run"),
                       "RLFSEG_DIST_FAULT=1:3 RLFSEG_DIST_TIMEOUT_S=60");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_NE(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("rank 1 exited with status 3"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("another rank stopped or cannot be reached"), std::string::npos) << r.output;
    EXPECT_LT(seconds, 90) << r.output;
    // A batch that does not divide over the ranks is refused up front.
    std::ofstream(dir / "odd.json") << nlohmann::json{
        {"architecture", "tiny"}, {"data", "shapes"}, {"device", "cpu"},
        {"stages", {{{"kind", "flow"}, {"steps", 1}, {"batch_size", 3}}}}}.dump();
    const auto odd = run("launch --nproc 2 -- train --config " + quote(dir / "odd.json") + " --out " + quote(dir / "odd"));
    EXPECT_NE(odd.status, 0);
    EXPECT_NE(odd.output.find("does not divide over 2 ranks"), std::string::npos) << odd.output;
}

TEST_F(Cli, TwoRankAnnotationWritesTheSameCocoAsOneRank) {
    const fs::path dir = sDir / "parallel-annotate";
    fs::create_directories(dir);
    auto r = makeShapes(dir / "shapes", 5, 4, "0", "0");
    ASSERT_EQ(r.status, 0) << r.output;
    std::ofstream(dir / "prompts.txt") << "circle: the circle\nshape: the red shape\n";
    const std::string common = " --images " + quote(dir / "shapes" / "images") + " --prompts " + quote(dir / "prompts.txt") +
                               " --device cpu --threads 1 --quiet --out "; // the default (shapes) model
    r = run("annotate" + common + quote(dir / "one.json"));
    ASSERT_EQ(r.status, 0) << r.output;
    r = run("launch --nproc 2 -- annotate" + common + quote(dir / "two.json"));
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(fs::exists(dir / "two.json.rank-1-of-2.json"));
    auto read = [](const fs::path& p) {
        std::ifstream in(p);
        auto j = nlohmann::json::parse(in);
        j.erase("info"); // the date it was written
        return j;
    };
    const auto one = read(dir / "one.json"), two = read(dir / "two.json");
    EXPECT_EQ(one["images"].size(), 5u);
    EXPECT_GT(one["annotations"].size(), 3u);
    EXPECT_EQ(one, two); // the same images, annotations, ids and categories
    // A rank stopped early leaves the shards to resume; the gathered file is not written yet.
    r = run("launch --nproc 2 -- annotate" + common + quote(dir / "three.json") + " --stop-after 1");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_FALSE(fs::exists(dir / "three.json"));
    r = run("launch --nproc 2 -- annotate" + common + quote(dir / "three.json") + " --resume");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(read(dir / "three.json"), one);
}
