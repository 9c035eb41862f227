#pragma once
// The training recipe, read from a JSON file (`rlfseg train --config FILE`). Free of LibTorch.
//
//   {
//     "architecture": "tiny",            // a reference architecture to start from scratch, or
//     "init": "path/to/sd-folder",       // a diffusers folder to fine-tune (relative to this file)
//     "reset": ["unet", "text_encoder"], // with "init": networks to re-initialise randomly
//     "data": "path/to/data",            // a data set (ReferringDataset::open; relative to this file)
//     "images": "path/to/images",        // optional: where its images are (default <data>/images)
//     "train_split": "train", "val_split": "val",
//     "labels": "train",                 // "train" (the possibly noisy labels) or "clean"
//     "seed": 1, "device": "auto", "precision": "float32", "threads": 0,
//     "checkpoint_every": 250, "keep_checkpoints": 2, "log": "jsonl",
//     "model_card": {"name": "...", "trained_on": "...", "description": "..."},
//     "stages": [ {"kind": "vae", ...}, {"kind": "flow", ...} ]
//   }
//
// A stage: "kind" ("vae", "flow", "diffusion" or "decoder"), "data" and "images" (this stage's data set, in
// place of the recipe's: a later stage can continue on other data), "steps" (optimizer steps), "batch_size",
// "gradient_accumulation", "learning_rate", "warmup_steps", "decay" ("cosine", "linear",
// "constant"), "min_learning_rate" (as a fraction of learning_rate), "weight_decay", "betas",
// "gradient_clip", "ema_decay" (0: off), "eval_every", "eval_samples", "resolution" (the image size
// the stage trains and validates at; 0 or absent: the model's own), "keep_best" (the stage ends with
// the weights of its best validation, the weights it started from included);
// vae and decoder: "crop", "mask_fraction", "mask_weight"; vae: "kl_weight"; decoder: "train_unet";
// flow / diffusion: "train_text_encoder", "t_zero_probability" (flow), "repeat_kinds" (and decoder),
// "label_refinement" (flow): {"from_epoch", "every_epochs", "agreement", "band", "reference_weight"}.
// Every key is checked: an unknown key or an out-of-range value is an error naming the file and key.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rlfseg {

struct StageConfig {
    std::string kind;                 // "vae" | "flow" | "diffusion" | "decoder"
    // This stage's data set and images, resolved like the recipe's; "" = the recipe's. The splits
    // and label choice (train_split, val_split, labels) stay the recipe's.
    std::string data, images;
    int64_t steps = 1000;
    int batchSize = 8;
    int gradientAccumulation = 1;
    double learningRate = 1e-4;
    int64_t warmupSteps = 0;
    std::string decay = "cosine";
    double minLearningRate = 0.1;     // fraction of learningRate reached at the last step
    double weightDecay = 0.01;
    double beta1 = 0.9, beta2 = 0.999;
    double epsilon = 1e-8;
    double gradientClip = 1.0;        // 0: off
    double emaDecay = 0.0;            // 0: off
    int64_t evalEvery = 0;            // 0: only at the end of the stage
    int evalSamples = 200;
    // The stage's result is its best-validated weights (its start, every eval_every and its end),
    // not its last: a stage that makes the model worse leaves it as it was.
    bool keepBest = false;
    // The image size this stage works at, a multiple of the networks' total down-sampling factor;
    // 0: the model's resolution. The networks are convolutional (and attention takes any number of
    // tokens), so a curriculum can train small and cheap first, then at the model's size.
    int resolution = 0;
    // vae and decoder (crop: a multiple of the VAE's down-sampling factor for decoder stages)
    int crop = 64;
    double maskFraction = 0.5;
    double maskWeight = 1.0;
    double klWeight = 1e-6;
    // decoder: the UNet learns too, from the decoded masks' loss (through the decoder) plus the flow's.
    bool trainUnet = false;
    // flow / diffusion
    bool trainTextEncoder = true;
    double tZeroProbability = 0.5;
    // Expression kind -> times each such sample appears per epoch (others once): core/train/EpochSamples.h.
    std::map<std::string, int> repeatKinds;
    // Label refinement (METHOD.md section 5), flow / diffusion stages: from epoch `fromEpoch` on,
    // every `everyEpochs` epochs, each training label is refined where the model's one-step
    // prediction agrees with it (IoU >= agreement), within `band` pixels of its boundary. The
    // selection weighs agreement with the label by `referenceWeight` (refine::RefineOptions).
    // Default 0: stability and image edges alone choose, because agreement with a noisy label
    // pulls the selection toward the noise it should correct (docs/RESULTS.md: at the two
    // stronger noise levels 0 recovered more mIoU than 1).
    bool labelRefinement = false;
    int refineFromEpoch = 1;
    int refineEveryEpochs = 1;
    double refineAgreement = 0.5;
    int refineBand = 6;
    double refineReferenceWeight = 0.0;
};

struct TrainConfig {
    std::string path;                 // the file it was read from
    std::string architecture;
    std::string init;
    std::vector<std::string> reset;
    std::string data;
    std::string images;               // where the data set's images are ("" = <data>/images)
    std::string trainSplit = "train", valSplit = "val";
    bool cleanLabels = false;
    uint64_t seed = 0;
    std::string device = "auto", precision = "float32";
    int threads = 0;
    int64_t checkpointEvery = 250;
    int keepCheckpoints = 2;
    std::string logFormat = "jsonl";  // "jsonl" | "csv"
    nlohmann::json modelCard = nlohmann::json::object();
    std::vector<StageConfig> stages;
    nlohmann::json raw;               // as read, for the run folder

    // Throws rlfseg::Error naming the file and key. Relative paths become relative to the file.
    static TrainConfig fromFile(const std::string& path);
    static TrainConfig fromJson(const nlohmann::json& json, const std::string& source, const std::string& baseDirectory);

    int64_t totalSteps() const;
};

} // namespace rlfseg
