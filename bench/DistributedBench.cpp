// rlfseg-distributed-bench: what data parallelism costs and gives on this machine (issue 8).
//  - all-reduce: the collectives of one step's gradient average as GradientReducer issues them
//    (16 MB flat buckets, all started, then waited for; Gloo over loopback; the copies into the
//    buckets and the overlap with backward are left out) for the default model's trainable parameters (UNet + text encoder) and for
//    a Stable Diffusion 1.5 UNet's (859.5 M parameters), with 2 ranks (forked here);
//  - training throughput: `rlfseg train` with 1 rank and `rlfseg launch --nproc 2 -- train` on the
//    same recipe and global batch, samples per second from the run's log (median over the steps),
//    and 1 rank again in bfloat16 mixed precision (CPU autocast).
// Writes JSON and a Markdown table.

#include "core/io/RemoveTree.h"
#include "core/distributed/ProcessGroup.h"
#include "core/util/BlasKernels.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Rank `rank` of 2: sums `parameters` floats over the ranks in 16 MB buckets (GradientReducer's
// default) `repeats` times; rank 0 writes the median seconds to `result`.
int allReduceRank(int rank, int port, int64_t parameters, int repeats, const std::string& result)
{
    rlfseg::distributed::Environment e;
    e.rank = rank, e.worldSize = 2, e.localRank = rank, e.masterPort = port;
    e.timeout = std::chrono::seconds(600);
    auto group = rlfseg::distributed::ProcessGroup::join(e);
    constexpr int64_t kBucketFloats = (int64_t(16) << 20) / int64_t(sizeof(float));
    std::vector<at::Tensor> buckets;
    for (int64_t left = parameters; left > 0; left -= kBucketFloats)
        buckets.push_back(torch::randn({std::min(left, kBucketFloats)}));
    std::vector<double> seconds;
    for (int i = 0; i < repeats + 1; ++i) {
        group->barrier();
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::unique_ptr<rlfseg::distributed::ProcessGroup::Pending>> pending;
        for (const auto& bucket : buckets) pending.push_back(group->startAllReduceSum(bucket));
        for (auto& p : pending) p->wait();
        if (i > 0) seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(seconds.begin(), seconds.end());
    if (rank == 0) std::ofstream(result) << seconds[seconds.size() / 2];
    return 0;
}

double measureAllReduce(int64_t parameters, int repeats, int port)
{
    const std::string result = (fs::temp_directory_path() / ("rlfseg-allreduce-" + std::to_string(getpid()))).string();
    std::vector<pid_t> children;
    for (int rank = 0; rank < 2; ++rank) {
        const pid_t pid = fork();
        if (pid == 0) {
            torch::set_num_threads(1);
            int status = 1;
            try {
                status = allReduceRank(rank, port, parameters, repeats, result);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "rank %d: %s\n", rank, e.what());
            }
            std::fflush(nullptr);
            _exit(status);
        }
        children.push_back(pid);
    }
    bool ok = true;
    for (pid_t pid : children) {
        int status = 0;
        waitpid(pid, &status, 0);
        ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    double seconds = -1;
    std::ifstream(result) >> seconds;
    fs::remove(result);
    return ok ? seconds : -1;
}

int shell(const std::string& command)
{
    const int raw = std::system(command.c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : 1;
}

// Median samples per second of the flow stage's steps in a run's CSV log.
double medianSamplesPerSecond(const fs::path& csv)
{
    std::ifstream in(csv);
    std::string line;
    std::vector<double> rates;
    while (std::getline(in, line)) {
        if (line.rfind("step,flow,", 0) != 0) continue;
        std::vector<std::string> cells;
        std::stringstream fields(line);
        for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
        if (cells.size() > 7) rates.push_back(std::stod(cells[7]));
    }
    if (rates.size() > 1) rates.erase(rates.begin()); // the first step warms up
    std::sort(rates.begin(), rates.end());
    return rates.empty() ? -1 : rates[rates.size() / 2];
}

} // namespace

int main(int argc, char* argv[])
{
    rlfseg::restartWithBetterBlasKernels(argv);
    CLI::App cli{"Data-parallel costs: all-reduce per step and training throughput with 1 and 2 ranks"};
    std::string out = "build/distributed-benchmarks.json", markdown, rlfseg = RLFSEG_CLI, scratch = "/tmp";
    int repeats = 3, steps = 12;
    bool skipSd15 = false;
    cli.add_option("--out", out)->capture_default_str();
    cli.add_option("--markdown", markdown);
    cli.add_option("--rlfseg", rlfseg, "The rlfseg executable")->capture_default_str();
    cli.add_option("--scratch", scratch)->capture_default_str();
    cli.add_option("--repeats", repeats)->capture_default_str();
    cli.add_option("--steps", steps, "Training steps per throughput run")->capture_default_str();
    cli.add_flag("--no-sd15", skipSd15, "Skip the SD 1.5-size all-reduce (3.4 GB per rank)");
    CLI11_PARSE(cli, argc, argv);

    json report;
    const int64_t defaultModel = 4'222'948 + 7'127'424; // the default model's UNet + text encoder
    const int64_t sd15 = 859'520'964;                    // SD 1.5's UNet
    std::cerr << "[bench] all-reduce of the default model's gradients (2 ranks)\n";
    const double small = measureAllReduce(defaultModel, repeats, 29611);
    report["allreduce_default_model"] = {{"parameters", defaultModel}, {"seconds", small}};
    if (!skipSd15) {
        std::cerr << "[bench] all-reduce of SD 1.5 UNet-size gradients (2 ranks, 3.4 GB each)\n";
        const double large = measureAllReduce(sd15, 1, 29612);
        report["allreduce_sd15_unet"] = {{"parameters", sd15}, {"seconds", large}};
    }

    // Throughput: the same recipe and global batch with 1 and 2 ranks.
    const fs::path dir = fs::path(scratch) / ("rlfseg-dist-bench-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const std::string q = "'" + dir.string() + "'";
    if (shell("'" + rlfseg + "' generate-shapes --out " + q + "/shapes --images 64 --seed 5 --size 128 --unseen none --quiet") != 0)
        return 1;
    // 2 ranks twice: 16 MB buckets sent during the backward pass, and one bucket for everything,
    // which can only leave when backward has ended (no overlap).
    struct Config {
        int ranks;
        const char* key;
        const char* environment;
        const char* precision = "float32";
    };
    for (const Config& config : {Config{1, "train_samples_per_s_1_rank", ""}, Config{2, "train_samples_per_s_2_rank", ""},
                                 Config{2, "train_samples_per_s_2_rank_no_overlap", "RLFSEG_DIST_BUCKET_MB=1024 "},
                                 Config{1, "train_samples_per_s_1_rank_bfloat16", "", "bfloat16"}}) {
        const int ranks = config.ranks;
        const json recipe = {{"architecture", "tiny"}, {"data", "shapes"}, {"seed", 1}, {"device", "cpu"},
                             {"precision", config.precision},
                             {"threads", ranks == 1 ? 0 : 1}, {"checkpoint_every", 1000}, {"log", "csv"},
                             {"stages", {{{"kind", "flow"}, {"steps", steps}, {"batch_size", 8}, {"eval_every", 0}, {"eval_samples", 1}}}}};
        std::ofstream(dir / "recipe.json") << recipe.dump();
        const std::string run = q + "/" + config.key;
        const std::string train = "train --config " + q + "/recipe.json --out " + run + " --quiet";
        std::cerr << "[bench] training throughput, " << config.key << "\n";
        const int status = ranks == 1 ? shell("'" + rlfseg + "' " + train)
                                       : shell(std::string(config.environment) + "'" + rlfseg + "' launch --nproc 2 -- " + train + " > /dev/null");
        report[config.key] = status == 0 ? medianSamplesPerSecond(dir / config.key / "log.csv") : -1;
    }
    rlfseg::removeTree(dir);

    std::ofstream(out) << report.dump(2) << "\n";
    std::cout << report.dump(2) << "\n";
    if (!markdown.empty()) {
        std::ofstream md(markdown);
        md << std::fixed << std::setprecision(1);
        md << "# Data-parallel benchmarks\n\nWritten by `rlfseg-distributed-bench` (`make bench`): Gloo over loopback, "
              "2 ranks on this machine, float32 gradients averaged in 16 MB buckets.\n\n| what | measured |\n|---|---|\n"
           << "| all-reduce of one step's gradients, default model (" << defaultModel / 1e6 << " M parameters) | "
           << small * 1000 << " ms |\n";
        if (report.contains("allreduce_sd15_unet"))
            md << "| all-reduce of one step's gradients, SD 1.5 UNet (859.5 M parameters) | "
               << report["allreduce_sd15_unet"]["seconds"].get<double>() << " s |\n";
        md << "| training throughput, tiny flow at 128 px, global batch 8, 1 rank (all cores) | "
           << report["train_samples_per_s_1_rank"].get<double>() << " samples/s |\n"
           << "| the same, 2 ranks of 1 thread each | " << report["train_samples_per_s_2_rank"].get<double>()
           << " samples/s |\n"
           << "| the same, all gradients in one bucket, sent after the backward pass (no overlap) | "
           << report["train_samples_per_s_2_rank_no_overlap"].get<double>() << " samples/s |\n"
           << "| the same, 1 rank, bfloat16 mixed precision (CPU autocast; this CPU "
           << (rlfseg::cpuVectorUnits().bf16 ? "has" : "lacks") << " AVX512-BF16) | "
           << report["train_samples_per_s_1_rank_bfloat16"].get<double>() << " samples/s |\n";
    }
    return 0;
}
