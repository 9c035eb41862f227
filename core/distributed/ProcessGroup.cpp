#include "core/distributed/ProcessGroup.h"

#include "core/util/Error.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>
#include <torch/version.h>

#include <cstdlib>
#include <string>

namespace rlfseg::distributed {

namespace {

int integerVariable(const char* name, int fallback, int lowest, int highest)
{
    const char* text = std::getenv(name);
    if (!text || !*text) return fallback;
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (*end != '\0' || value < lowest || value > highest)
        throw Error(std::string(name) + "=" + text + " is not a whole number from " + std::to_string(lowest) + " to " +
                    std::to_string(highest));
    return static_cast<int>(value);
}

} // namespace

Environment Environment::fromVariables()
{
    Environment e;
    e.worldSize = integerVariable("WORLD_SIZE", 1, 1, 65536);
    e.rank = integerVariable("RANK", 0, 0, 65535);
    e.localRank = integerVariable("LOCAL_RANK", e.rank, 0, 65535);
    e.masterPort = integerVariable("MASTER_PORT", 29500, 1, 65535);
    e.timeout = std::chrono::seconds(integerVariable("RLFSEG_DIST_TIMEOUT_S", 600, 1, 86400));
    e.bucketBytes = int64_t(integerVariable("RLFSEG_DIST_BUCKET_MB", 16, 1, 1024)) << 20;
    if (const char* address = std::getenv("MASTER_ADDR"); address && *address) e.masterAddress = address;
    if (e.rank >= e.worldSize)
        throw Error("RANK=" + std::to_string(e.rank) + " is not below WORLD_SIZE=" + std::to_string(e.worldSize));
    return e;
}

// LibTorch 2 split c10d's ProcessGroup into a front end and per-device Backends; Gloo and NCCL
// are Backends there, and the collectives we call have the same signatures in both.
#if TORCH_VERSION_MAJOR >= 2
using CollectiveGroup = c10d::Backend;
#else
using CollectiveGroup = c10d::ProcessGroup;
#endif

[[noreturn]] static void failed(int rank, int size, const char* what, const std::exception& e)
{
    throw Error("rank " + std::to_string(rank) + " of " + std::to_string(size) + ": " + what +
                " failed, so another rank stopped or cannot be reached (" + std::string(e.what()).substr(0, 300) +
                "); stopping");
}

struct ProcessGroup::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<CollectiveGroup> group;
    torch::Device device = torch::kCPU; // where scalars for the collectives are made
    int rank = 0, size = 1;

    // Runs a collective; any failure (a rank gone, a timeout) becomes one clear error.
    template <typename F> void run(const char* what, F f)
    {
        try {
            f()->wait();
        } catch (const std::exception& e) {
            failed(rank, size, what, e);
        }
    }
};

namespace {

class PendingWork final : public ProcessGroup::Pending {
public:
    PendingWork(int rank, int size, std::vector<at::Tensor> tensors, c10::intrusive_ptr<c10d::Work> work)
        : mRank(rank), mSize(size), mTensors(std::move(tensors)), mWork(std::move(work)) {}
    void wait() override
    {
        try {
            mWork->wait();
        } catch (const std::exception& e) {
            failed(mRank, mSize, "all-reduce", e);
        }
    }

private:
    int mRank, mSize;
    std::vector<at::Tensor> mTensors; // kept alive until the work is done
    c10::intrusive_ptr<c10d::Work> mWork;
};

} // namespace

ProcessGroup::ProcessGroup(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
ProcessGroup::~ProcessGroup() = default;

std::unique_ptr<ProcessGroup> ProcessGroup::join(const Environment& e, bool cuda)
{
    auto impl = std::make_unique<Impl>();
    impl->rank = e.rank;
    impl->size = e.worldSize;
#ifndef USE_C10D_NCCL
    if (cuda)
        throw Error("data-parallel training on CUDA needs NCCL, which this LibTorch lacks: build with the official "
                    "LibTorch with CUDA (README, Building with CUDA), or train on the CPU (device \"cpu\", Gloo)");
#endif
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<uint16_t>(e.masterPort);
        options.isServer = e.rank == 0;
        options.numWorkers = e.worldSize;
        options.waitWorkers = true;
        options.timeout = e.timeout;
        impl->store = c10::make_intrusive<c10d::TCPStore>(e.masterAddress, options);
        if (cuda) {
#ifdef USE_C10D_NCCL
            impl->device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(e.localRank));
            auto nccl = c10d::ProcessGroupNCCL::Options::create();
            nccl->timeout = std::chrono::duration_cast<std::chrono::milliseconds>(e.timeout);
            impl->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl->store, e.rank, e.worldSize, nccl);
#endif
        } else {
            auto gloo = c10d::ProcessGroupGloo::Options::create(std::chrono::duration_cast<std::chrono::milliseconds>(e.timeout));
            gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
            impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, e.rank, e.worldSize, gloo);
        }
    } catch (const std::exception& ex) {
        throw Error("rank " + std::to_string(e.rank) + " of " + std::to_string(e.worldSize) + ": cannot meet the other ranks at " +
                    e.masterAddress + ":" + std::to_string(e.masterPort) + " (" + std::string(ex.what()).substr(0, 300) + ")");
    }
    return std::unique_ptr<ProcessGroup>(new ProcessGroup(std::move(impl)));
}

int ProcessGroup::rank() const { return d->rank; }
int ProcessGroup::size() const { return d->size; }

double ProcessGroup::allReduceMean(double value)
{
    std::vector<at::Tensor> t{torch::tensor({value}, torch::kDouble).to(d->device)};
    d->run("all-reduce", [&] { return d->group->allreduce(t); });
    return t[0].item<double>() / d->size;
}

std::unique_ptr<ProcessGroup::Pending> ProcessGroup::startAllReduceSum(const at::Tensor& flat)
{
    std::vector<at::Tensor> tensors{flat};
    c10::intrusive_ptr<c10d::Work> work;
    try {
        work = d->group->allreduce(tensors);
    } catch (const std::exception& e) {
        failed(d->rank, d->size, "all-reduce", e);
    }
    return std::make_unique<PendingWork>(d->rank, d->size, std::move(tensors), std::move(work));
}

at::Tensor ProcessGroup::allReduceSum(const at::Tensor& tensor)
{
    const bool copy = true; // a tensor already on the group's device is summed in a copy, not in place
    std::vector<at::Tensor> t{tensor.to(d->device, tensor.scalar_type(), /*non_blocking=*/false, copy).contiguous()};
    d->run("all-reduce", [&] { return d->group->allreduce(t); });
    return t[0].to(tensor.device());
}

bool ProcessGroup::anyTrue(bool value) { return allReduceMean(value ? 1.0 : 0.0) > 0; }

void ProcessGroup::broadcast(const std::vector<at::Tensor>& tensors)
{
    for (const auto& tensor : tensors) {
        std::vector<at::Tensor> t{tensor.is_contiguous() ? tensor : tensor.contiguous()};
        d->run("broadcast", [&] { return d->group->broadcast(t); });
        if (!tensor.is_contiguous()) tensor.copy_(t[0]);
    }
}

void ProcessGroup::barrier()
{
    d->run("barrier", [&] { return d->group->barrier(); });
}

} // namespace rlfseg::distributed
