#include "core/distributed/GradientReducer.h"

#include <torch/torch.h>

namespace rlfseg::distributed {

GradientReducer::GradientReducer(ProcessGroup& group, std::vector<at::Tensor> parameters, int64_t bucketBytes)
    : mGroup(group)
{
    // Reverse order: the last layers' gradients come first in the backward pass.
    int64_t bytes = 0, elements = 0;
    for (auto it = parameters.rbegin(); it != parameters.rend(); ++it) {
        const auto& p = *it;
        if (!p.requires_grad()) continue;
        const bool fits = !mBuckets.empty() && bytes < bucketBytes &&
                          mSlots[mBuckets.back().slots.front()].parameter.scalar_type() == p.scalar_type() &&
                          mSlots[mBuckets.back().slots.front()].parameter.device() == p.device();
        if (!fits) {
            if (!mBuckets.empty()) mBuckets.back().flat = torch::zeros({elements}, mSlots[mBuckets.back().slots.front()].parameter.options());
            mBuckets.emplace_back();
            bytes = elements = 0;
        }
        Slot slot;
        slot.parameter = p;
        slot.bucket = mBuckets.size() - 1;
        slot.offset = elements;
        mBuckets.back().slots.push_back(mSlots.size());
        mSlots.push_back(slot);
        elements += p.numel();
        bytes += p.numel() * p.element_size();
    }
    if (!mBuckets.empty()) mBuckets.back().flat = torch::zeros({elements}, mSlots[mBuckets.back().slots.front()].parameter.options());
    for (size_t i = 0; i < mSlots.size(); ++i)
        mSlots[i].hook = mSlots[i].parameter.register_hook([this, i](const at::Tensor& gradient) { arrived(i, gradient); });
}

GradientReducer::~GradientReducer()
{
    for (auto& slot : mSlots) slot.parameter.remove_hook(slot.hook);
}

void GradientReducer::prepare()
{
    std::lock_guard lock(mMutex);
    for (auto& slot : mSlots) slot.ready = false;
    for (auto& bucket : mBuckets) bucket.ready = 0, bucket.pending.reset();
    mNextBucket = 0;
    mStartedDuringBackward = 0;
    mArmed = true;
}

void GradientReducer::store(Slot& slot, const at::Tensor& incoming)
{
    torch::NoGradGuard noGrad;
    auto target = mBuckets[slot.bucket].flat.narrow(0, slot.offset, slot.parameter.numel());
    const auto& accumulated = slot.parameter.grad();
    if (incoming.defined() && accumulated.defined())
        target.copy_(accumulated.reshape({-1}) + incoming.reshape({-1}));
    else if (incoming.defined())
        target.copy_(incoming.reshape({-1}));
    else if (accumulated.defined())
        target.copy_(accumulated.reshape({-1}));
    else
        target.zero_();
    slot.ready = true;
    ++mBuckets[slot.bucket].ready;
}

void GradientReducer::arrived(size_t index, const at::Tensor& gradient)
{
    std::lock_guard lock(mMutex);
    if (!mArmed || mSlots[index].ready) return;
    store(mSlots[index], gradient);
    const size_t before = mNextBucket;
    startReadyBuckets();
    mStartedDuringBackward += static_cast<int>(mNextBucket - before);
}

void GradientReducer::startReadyBuckets()
{
    while (mNextBucket < mBuckets.size() && mBuckets[mNextBucket].ready == mBuckets[mNextBucket].slots.size()) {
        mBuckets[mNextBucket].pending = mGroup.startAllReduceSum(mBuckets[mNextBucket].flat);
        ++mNextBucket;
    }
}

void GradientReducer::finish()
{
    std::lock_guard lock(mMutex);
    mArmed = false;
    // Parameters this rank's batch did not reach: their .grad (or zero) joins the sum.
    for (auto& slot : mSlots)
        if (!slot.ready) store(slot, at::Tensor());
    startReadyBuckets();
    torch::NoGradGuard noGrad;
    const double ranks = mGroup.size();
    for (auto& bucket : mBuckets) {
        bucket.pending->wait();
        bucket.pending.reset();
        bucket.flat.div_(ranks);
        for (size_t i : bucket.slots) {
            auto& p = mSlots[i].parameter;
            const auto average = bucket.flat.narrow(0, mSlots[i].offset, p.numel()).view_as(p);
            if (p.grad().defined())
                p.mutable_grad().copy_(average);
            else if (average.any().item<bool>()) // another rank's batch reached it
                p.mutable_grad() = average.clone();
            // else: no rank had a gradient for it, and it keeps none (as in one process)
        }
    }
}

} // namespace rlfseg::distributed
