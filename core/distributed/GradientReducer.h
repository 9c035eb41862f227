#pragma once
// Averages parameter gradients over the ranks while the backward pass is still running, as
// PyTorch's DistributedDataParallel does: the parameters go into buckets of about 16 MB in reverse
// order (the order in which backward produces their gradients), and a bucket's all-reduce starts as
// soon as its last gradient has arrived, so communication overlaps the rest of the backward pass.
// Buckets start in the same order on every rank, as c10d requires.
//
//   reducer.prepare();   // before the backward pass whose gradients are the step's last
//   loss.backward();
//   reducer.finish();    // waits; every parameter's .grad is now the average over the ranks
//
// Gradients from earlier backward passes (accumulation) are included: a bucket takes .grad plus the
// incoming gradient. Parameters that got no gradient on this rank count as zero.

#include "core/distributed/ProcessGroup.h"

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace rlfseg::distributed {

class GradientReducer {
public:
    GradientReducer(ProcessGroup& group, std::vector<at::Tensor> parameters, int64_t bucketBytes = int64_t(16) << 20);
    ~GradientReducer(); // removes its gradient hooks
    GradientReducer(const GradientReducer&) = delete;
    GradientReducer& operator=(const GradientReducer&) = delete;

    void prepare();
    void finish();

    // How many buckets had started before finish() (tests and benchmarks: was there overlap?).
    int bucketsStartedDuringBackward() const { return mStartedDuringBackward; }
    size_t bucketCount() const { return mBuckets.size(); }

private:
    struct Slot {
        at::Tensor parameter;
        size_t bucket = 0;
        int64_t offset = 0;
        unsigned hook = 0;
        bool ready = false;
    };
    struct Bucket {
        at::Tensor flat;
        std::vector<size_t> slots;
        size_t ready = 0;
        std::unique_ptr<ProcessGroup::Pending> pending;
    };

    void arrived(size_t slot, const at::Tensor& gradient);
    void store(Slot& slot, const at::Tensor& incoming);
    void startReadyBuckets();

    ProcessGroup& mGroup;
    std::vector<Slot> mSlots;
    std::vector<Bucket> mBuckets;
    std::mutex mMutex; // hooks may run on autograd's device threads
    bool mArmed = false;
    size_t mNextBucket = 0;
    int mStartedDuringBackward = 0;
};

} // namespace rlfseg::distributed
