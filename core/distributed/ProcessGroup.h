#pragma once
// Data parallelism across processes and machines on LibTorch's own c10d engine: a TCPStore for the
// rendezvous, ProcessGroupGloo for CPU tensors and ProcessGroupNCCL for CUDA tensors (where the
// LibTorch has NCCL, as the official CUDA builds do; Debian's has Gloo only). The usual variables say who is who, as torchrun sets them:
// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT. Interface free of LibTorch.
//
// Every collective has a timeout (RLFSEG_DIST_TIMEOUT_S, default 600 s), and a rank that dies
// breaks its connections at once: either way the others get rlfseg::Error naming what failed,
// never a hang.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace rlfseg::distributed {

struct Environment {
    int rank = 0, worldSize = 1, localRank = 0;
    std::string masterAddress = "127.0.0.1";
    int masterPort = 29500;
    std::chrono::seconds timeout{600};
    int64_t bucketBytes = int64_t(16) << 20; // gradient buckets (RLFSEG_DIST_BUCKET_MB)

    bool distributed() const { return worldSize > 1; }
    // From the variables; a single process (WORLD_SIZE unset or 1) without them. Throws
    // rlfseg::Error for malformed or inconsistent values, naming the variable.
    static Environment fromVariables();
};

class ProcessGroup {
public:
    // Meets the other ranks (rank 0 serves the store). `cuda`: the tensors live on this rank's GPU
    // (cuda:LOCAL_RANK), so NCCL; an error where the LibTorch has none. Throws rlfseg::Error when
    // the ranks do not all arrive within the timeout.
    static std::unique_ptr<ProcessGroup> join(const Environment& environment, bool cuda = false);
    ~ProcessGroup();

    int rank() const;
    int size() const;
    bool isMain() const { return rank() == 0; }

    // The mean of a number over the ranks (losses, counts); gradients go through GradientReducer.
    double allReduceMean(double value);
    bool anyTrue(bool value); // e.g. "stop requested" on any rank
    // Starts summing `flat` (one contiguous tensor) over the ranks, in place, and returns at once;
    // wait() ends it. Every rank must start its collectives in the same order.
    class Pending {
    public:
        virtual ~Pending() = default;
        virtual void wait() = 0;
    };
    std::unique_ptr<Pending> startAllReduceSum(const at::Tensor& flat);
    // The element-wise sum of `tensor` over the ranks, returned on the tensor's device (the input is
    // left as it is). It travels through the group's device, as NCCL takes GPU tensors only.
    at::Tensor allReduceSum(const at::Tensor& tensor);
    // Rank 0's values to every rank, in place.
    void broadcast(const std::vector<at::Tensor>& tensors);
    void barrier();

private:
    struct Impl;
    explicit ProcessGroup(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace rlfseg::distributed
