#include "core/train/TrainConfig.h"

#include "core/io/JsonFields.h"
#include "core/model/ReferenceArchitectures.h"
#include "core/util/Error.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace rlfseg {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void rejectUnknownKeys(const json& object, const std::set<std::string>& known, const std::string& source) {
    for (const auto& [key, value] : object.items())
        if (!known.count(key)) {
            std::string list;
            for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
            throw Error(source + ": unknown key \"" + key + "\" (known: " + list + ")");
        }
}

double numberIn(const JsonFields& f, const std::string& key, double fallback, double lo, double hi) {
    const double v = f.optionalNumber(key, fallback);
    if (!(v >= lo && v <= hi))
        f.fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return v;
}

int64_t countIn(const JsonFields& f, const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
    const double v = f.optionalNumber(key, static_cast<double>(fallback));
    if (v != static_cast<double>(static_cast<int64_t>(v)) || v < static_cast<double>(lo) || v > static_cast<double>(hi))
        f.fail(key, "must be a whole number between " + std::to_string(lo) + " and " + std::to_string(hi));
    return static_cast<int64_t>(v);
}

std::string oneOf(const JsonFields& f, const std::string& key, const std::string& fallback,
                  const std::vector<std::string>& allowed) {
    const auto v = f.optionalString(key, fallback);
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        f.fail(key, "must be one of " + list + " (got \"" + v + "\")");
    }
    return v;
}

// Relative to `base`, normalised without a trailing separator, so that one folder has one spelling
// (stages compare their data with the recipe's).
std::string resolvePath(const std::string& p, const std::string& base) {
    if (p.empty()) return p;
    fs::path path = fs::path(p).is_absolute() ? fs::path(p) : fs::path(base) / p;
    path = path.lexically_normal();
    if (path.filename().empty() && path.has_parent_path() && path != path.root_path()) path = path.parent_path();
    return path.string();
}

StageConfig readStage(const json& j, const std::string& source, const std::string& base) {
    if (!j.is_object()) throw Error(source + ": must be an object");
    rejectUnknownKeys(j,
                      {"kind", "data", "images", "steps", "batch_size", "gradient_accumulation", "learning_rate", "warmup_steps", "decay",
                       "min_learning_rate", "weight_decay", "betas", "epsilon", "gradient_clip", "ema_decay",
                       "eval_every", "eval_samples", "resolution", "crop", "mask_fraction", "mask_weight", "kl_weight",
                       "train_text_encoder", "t_zero_probability", "repeat_kinds", "label_refinement", "train_unet",
                       "keep_best", "comment"},
                      source);
    JsonFields f(j, source);
    StageConfig s;
    if (!f.has("kind")) f.fail("kind", "is missing (\"vae\", \"flow\", \"diffusion\" or \"decoder\")");
    s.kind = oneOf(f, "kind", "", {"vae", "flow", "diffusion", "decoder"});
    s.data = resolvePath(f.optionalString("data", ""), base);
    s.images = resolvePath(f.optionalString("images", ""), base);
    if (!s.images.empty() && s.data.empty()) f.fail("images", "needs the stage's own \"data\" (the recipe's images go with the recipe's data)");
    s.steps = countIn(f, "steps", s.steps, 1, 100000000);
    s.batchSize = static_cast<int>(countIn(f, "batch_size", s.batchSize, 1, 4096));
    s.gradientAccumulation = static_cast<int>(countIn(f, "gradient_accumulation", 1, 1, 1024));
    s.learningRate = numberIn(f, "learning_rate", s.learningRate, 0, 1);
    s.warmupSteps = countIn(f, "warmup_steps", 0, 0, s.steps);
    s.decay = oneOf(f, "decay", "cosine", {"cosine", "linear", "constant"});
    s.minLearningRate = numberIn(f, "min_learning_rate", s.minLearningRate, 0, 1);
    s.weightDecay = numberIn(f, "weight_decay", s.weightDecay, 0, 10);
    if (f.has("betas")) {
        const auto& b = j.at("betas");
        if (!b.is_array() || b.size() != 2 || !b[0].is_number() || !b[1].is_number())
            f.fail("betas", "must be [beta1, beta2]");
        s.beta1 = b[0].get<double>(), s.beta2 = b[1].get<double>();
        if (!(s.beta1 >= 0 && s.beta1 < 1 && s.beta2 >= 0 && s.beta2 < 1)) f.fail("betas", "must lie in [0, 1)");
    }
    s.epsilon = numberIn(f, "epsilon", s.epsilon, 1e-20, 1);
    s.gradientClip = numberIn(f, "gradient_clip", s.gradientClip, 0, 1e9);
    s.emaDecay = numberIn(f, "ema_decay", 0.0, 0, 0.999999);
    s.evalEvery = countIn(f, "eval_every", 0, 0, 100000000);
    s.evalSamples = static_cast<int>(countIn(f, "eval_samples", s.evalSamples, 0, 1000000));
    s.keepBest = f.optionalBool("keep_best", false);
    if (s.keepBest && s.evalSamples == 0) f.fail("keep_best", "chooses by validation; it needs eval_samples above 0");
    s.resolution = static_cast<int>(countIn(f, "resolution", 0, 0, 4096));
    s.crop = static_cast<int>(countIn(f, "crop", s.crop, 8, 4096));
    s.maskFraction = numberIn(f, "mask_fraction", s.maskFraction, 0, 1);
    s.maskWeight = numberIn(f, "mask_weight", s.maskWeight, 0, 1000);
    s.klWeight = numberIn(f, "kl_weight", s.klWeight, 0, 10);
    const bool latentStage = s.kind == "flow" || s.kind == "diffusion"; // trains the UNet
    s.trainTextEncoder = f.optionalBool("train_text_encoder", latentStage);
    if (s.trainTextEncoder && !latentStage) f.fail("train_text_encoder", "is for flow and diffusion stages");
    s.tZeroProbability = numberIn(f, "t_zero_probability", s.tZeroProbability, 0, 1);
    s.trainUnet = f.optionalBool("train_unet", false);
    if (s.trainUnet && s.kind != "decoder") f.fail("train_unet", "is for decoder stages (flow and diffusion stages always train the UNet)");
    if (f.has("repeat_kinds")) {
        const auto& r = j.at("repeat_kinds");
        const std::string where = source + ": repeat_kinds";
        if (s.kind == "vae") throw Error(where + ": only flow, diffusion and decoder stages sample expressions");
        if (!r.is_object()) throw Error(where + ": must be an object of kind: times, e.g. {\"relation\": 2}");
        for (const auto& [kind, times] : r.items()) {
            if (!times.is_number_integer() || times.get<int64_t>() < 1 || times.get<int64_t>() > 100)
                throw Error(where + ": \"" + kind + "\" must be a whole number of times from 1 to 100");
            s.repeatKinds[kind] = times.get<int>();
        }
    }
    if (f.has("label_refinement")) {
        const auto& r = j.at("label_refinement");
        const std::string where = source + ": label_refinement";
        if (!r.is_object()) throw Error(where + ": must be an object");
        if (s.kind != "flow") throw Error(where + ": only flow stages refine labels");
        rejectUnknownKeys(r, {"from_epoch", "every_epochs", "agreement", "band", "reference_weight"}, where);
        JsonFields rf(r, where);
        s.labelRefinement = true;
        s.refineFromEpoch = static_cast<int>(countIn(rf, "from_epoch", s.refineFromEpoch, 0, 100000));
        s.refineEveryEpochs = static_cast<int>(countIn(rf, "every_epochs", s.refineEveryEpochs, 1, 100000));
        s.refineAgreement = numberIn(rf, "agreement", s.refineAgreement, 0, 1);
        s.refineBand = static_cast<int>(countIn(rf, "band", s.refineBand, 1, 256));
        s.refineReferenceWeight = numberIn(rf, "reference_weight", s.refineReferenceWeight, 0, 100);
    }
    return s;
}

} // namespace

TrainConfig TrainConfig::fromFile(const std::string& path) {
    const auto j = JsonFields::parseFile(path);
    const auto base = fs::absolute(path).parent_path().string();
    auto config = fromJson(j, path, base);
    config.path = path;
    return config;
}

TrainConfig TrainConfig::fromJson(const json& j, const std::string& source, const std::string& base) {
    if (!j.is_object()) throw Error(source + ": a training config must be a JSON object");
    rejectUnknownKeys(j,
                      {"architecture", "init", "reset", "data", "images", "train_split", "val_split", "labels", "seed", "device",
                       "precision", "threads", "checkpoint_every", "keep_checkpoints", "log", "model_card", "stages",
                       "comment"},
                      source);
    JsonFields f(j, source);
    TrainConfig c;
    c.raw = j;
    c.architecture = f.optionalString("architecture", "");
    c.init = resolvePath(f.optionalString("init", ""), base);
    if (c.architecture.empty() == c.init.empty())
        f.fail("architecture", "give exactly one of \"architecture\" (train from scratch) and \"init\" (a model folder)");
    if (!c.architecture.empty()) {
        const auto names = referenceArchitectureNames();
        if (std::find(names.begin(), names.end(), c.architecture) == names.end()) referenceArchitecture(c.architecture, "");
    }
    if (f.has("reset")) {
        for (const auto& r : f.requireStringList("reset")) {
            if (r != "unet" && r != "vae" && r != "text_encoder")
                f.fail("reset", "lists \"" + r + "\"; allowed: unet, vae, text_encoder");
            c.reset.push_back(r);
        }
    }
    if (!f.has("data")) f.fail("data", "is missing: the folder of a referring data set (METHOD.md section 8)");
    c.data = resolvePath(f.optionalString("data", ""), base);
    c.images = resolvePath(f.optionalString("images", ""), base);
    c.trainSplit = f.optionalString("train_split", c.trainSplit);
    c.valSplit = f.optionalString("val_split", c.valSplit);
    c.cleanLabels = oneOf(f, "labels", "train", {"train", "clean"}) == "clean";
    c.seed = static_cast<uint64_t>(countIn(f, "seed", 0, 0, (int64_t{1} << 53)));
    c.device = f.optionalString("device", c.device);
    c.precision = oneOf(f, "precision", "float32", {"float32", "bfloat16"});
    c.threads = static_cast<int>(countIn(f, "threads", 0, 0, 1024));
    c.checkpointEvery = countIn(f, "checkpoint_every", c.checkpointEvery, 1, 100000000);
    c.keepCheckpoints = static_cast<int>(countIn(f, "keep_checkpoints", c.keepCheckpoints, 1, 1000));
    c.logFormat = oneOf(f, "log", "jsonl", {"jsonl", "csv"});
    if (f.has("model_card")) {
        if (!j.at("model_card").is_object()) f.fail("model_card", "must be an object");
        c.modelCard = j.at("model_card");
    }
    if (!f.has("stages") || !j.at("stages").is_array() || j.at("stages").empty())
        f.fail("stages", "must be a non-empty list of stages");
    for (size_t i = 0; i < j.at("stages").size(); ++i)
        c.stages.push_back(readStage(j.at("stages")[i], source + ": stages[" + std::to_string(i) + "]", base));
    return c;
}

int64_t TrainConfig::totalSteps() const {
    int64_t total = 0;
    for (const auto& s : stages) total += s.steps;
    return total;
}

} // namespace rlfseg
