// `rlfseg` end to end: what a user types, what comes out, and the exit status.

#include "TestSupport.h"
#include "TinyModel.h"

#include "core/io/ImageFile.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <cstdio>
#include <fstream>
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
