#pragma once
// `rlfseg train`: the stages of a training config (TrainConfig) run in order on one device:
//   vae        the VAE learns to reconstruct images and masks (random crops), METHOD.md section 3;
//   flow       VAE frozen; UNet (+ text encoder) learn the rectified latent flow, section 3;
//   diffusion  the baseline of section 6 (8-channel UNet, v-prediction, DDIM at inference);
//   decoder    everything frozen but the VAE's decoder, which learns to decode the flow's one-step
//              mask latents into the true masks (and, a share of the time, image latents into images).
// Latents of the training images and masks are computed once per stage and cached in OUT/cache.
//
// OUT/ holds log.jsonl (or log.csv: one line per optimizer step, plus validation lines),
// checkpoints/step-NNNNNNNN/ and, at the end, model/. Every checkpoint is itself a diffusers model
// folder (EMA weights where EMA is on) that `rlfseg segment --model` accepts, plus training_state/
// (raw weights, AdamW and EMA state as safetensors, state.json written last: a checkpoint without it
// is incomplete and ignored). A run resumes from the newest complete checkpoint and continues with
// the same data order and random numbers: every step's randomness derives from (seed, stage, step).
// Interface free of LibTorch.

#include "core/train/TrainConfig.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <string>

namespace rlfseg {

struct TrainStepReport {
    std::string stage;
    int stageIndex = 0;
    int64_t step = 0, steps = 0;            // within the stage, 1-based once done
    int64_t globalStep = 0, totalSteps = 0; // over all stages
    double loss = 0, learningRate = 0, gradientNorm = 0;
    double samplesPerSecond = 0;
    double elapsedSeconds = 0;              // of the whole training, across resumed runs
};

struct TrainOptions {
    std::string outDirectory;
    bool resume = true;             // continue from OUT's newest checkpoint; false: OUT must hold none
    int64_t stopAfterSteps = 0;     // > 0: stop (with a checkpoint) after this many steps in this run
    const std::atomic<bool>* stopRequested = nullptr; // checked between steps (Ctrl-C)
    std::function<void(const TrainStepReport&)> onStep;
    std::function<void(const std::string&)> onMessage;
    std::function<void(const nlohmann::json&)> onValidation;
};

struct TrainSummary {
    int64_t globalStep = 0;
    bool finished = false;          // every stage done and OUT/model written
    bool resumed = false;
    std::string lastCheckpoint;
    std::string modelDirectory;     // OUT/model once finished
    double elapsedSeconds = 0;
};

// Throws rlfseg::Error for bad configs, data or model files (before any step runs where possible).
TrainSummary train(const TrainConfig& config, const TrainOptions& options);

// The newest complete checkpoint folder in OUT/checkpoints, or "" if there is none.
std::string latestCheckpoint(const std::string& outDirectory);

} // namespace rlfseg
