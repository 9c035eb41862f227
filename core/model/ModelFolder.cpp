#include "core/model/ModelFolder.h"

#include "core/io/JsonFields.h"
#include "core/io/SafeTensors.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace rlfseg {
namespace {

std::vector<std::string> shardsFromIndex(const fs::path& indexPath) {
    const auto index = JsonFields::parseFile(indexPath.string());
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
        throw Error(indexPath.string() + ": 'weight_map' must be an object of tensor name to shard file");
    std::set<std::string> shards;
    for (const auto& [tensor, file] : index["weight_map"].items()) {
        if (!file.is_string()) throw Error(indexPath.string() + ": weight_map['" + tensor + "'] must be a file name");
        const std::string name = file.get<std::string>();
        if (name.find('/') != std::string::npos || name.find("..") != std::string::npos)
            throw Error(indexPath.string() + ": shard name '" + name + "' must be a plain file name in the same folder");
        shards.insert(name);
    }
    if (shards.empty()) throw Error(indexPath.string() + ": weight_map is empty");
    std::vector<std::string> files;
    for (const auto& s : shards) {
        const auto path = indexPath.parent_path() / s;
        if (!fs::is_regular_file(path)) throw Error(indexPath.string() + ": shard '" + s + "' is missing");
        files.push_back(path.string());
    }
    return files;
}

ComponentFiles component(const fs::path& root, const std::string& name, const std::string& stem) {
    ComponentFiles c;
    const fs::path dir = root / name;
    if (!fs::is_directory(dir)) throw Error(root.string() + ": the '" + name + "/' folder is missing");
    c.directory = dir.string();
    c.configPath = (dir / "config.json").string();
    if (!fs::is_regular_file(c.configPath)) throw Error(c.configPath + ": missing");
    c.weightFiles = findWeightFiles(dir.string(), stem);
    return c;
}

void checkModelIndex(const fs::path& root) {
    const auto path = root / "model_index.json";
    if (!fs::is_regular_file(path))
        throw Error(root.string() + " is not a diffusers model folder: model_index.json is missing");
    const auto index = JsonFields::parseFile(path.string());
    JsonFields fields(index, path.string());
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"unet", "UNet2DConditionModel"}, {"vae", "AutoencoderKL"}, {"text_encoder", "CLIPTextModel"}};
    for (const auto& [key, cls] : expected) {
        if (!fields.has(key)) fields.fail(key, "is missing: RLFSeg needs a UNet, a VAE and a CLIP text encoder");
        const auto& entry = index.at(key);
        if (!entry.is_array() || entry.size() != 2 || !entry[1].is_string())
            fields.fail(key, "must be [library, class]");
        if (entry[1].get<std::string>() != cls)
            fields.fail(key, "is a " + entry[1].get<std::string>() + "; supported: " + cls);
    }
}

// From the card's record of its training ("training": {"config": {"stages": [...]}}, written by
// `rlfseg train`, with "started_from": the card of the model it continued); a card without one, or
// with no flow stage in its whole lineage, says nothing about t.
bool trainedOnlyAtTZero(const nlohmann::json& card) {
    const auto training = card.find("training");
    if (training == card.end() || !training->is_object()) return false;
    const auto config = training->find("config");
    if (config == training->end() || !config->is_object()) return false;
    const auto stages = config->find("stages");
    if (stages == config->end() || !stages->is_array()) return false;
    int flowStages = 0;
    for (const auto& stage : *stages) {
        if (!stage.is_object()) continue;
        const auto kind = stage.find("kind");
        if (kind == stage.end() || !kind->is_string() || kind->get<std::string>() != "flow") continue;
        ++flowStages;
        const auto p = stage.find("t_zero_probability");
        if (p == stage.end() || !p->is_number() || p->get<double>() < 1.0) return false;
    }
    if (flowStages > 0) return true;
    // A continuation without flow stages (decoder stages, which train the UNet at t = 0 if at all) keeps
    // what the model it started from says.
    const auto before = training->find("started_from");
    return before != training->end() && before->is_object() && trainedOnlyAtTZero(*before);
}

ModelCard readCard(const fs::path& root) {
    ModelCard card;
    card.name = root.filename().string();
    const auto path = root / "rlfseg.json";
    if (!fs::is_regular_file(path)) return card;
    const auto json = JsonFields::parseFile(path.string());
    JsonFields f(json, path.string());
    card.isRlfsegModel = true;
    card.name = f.optionalString("name", card.name);
    card.trainedOn = f.optionalString("trained_on", "");
    card.description = f.optionalString("description", "");
    card.objective = f.optionalString("objective", "flow");
    if (card.objective != "flow" && card.objective != "diffusion")
        f.fail("objective", "must be \"flow\" or \"diffusion\"");
    card.numTrainTimesteps = f.optionalInt("num_train_timesteps", 1000);
    card.betaStart = f.optionalNumber("beta_start", 0.00085);
    card.betaEnd = f.optionalNumber("beta_end", 0.012);
    if (card.numTrainTimesteps < 2 || card.numTrainTimesteps > 100000)
        f.fail("num_train_timesteps", "must be between 2 and 100000");
    if (!(card.betaStart > 0 && card.betaStart < card.betaEnd && card.betaEnd < 1))
        f.fail("beta_start", "needs 0 < beta_start < beta_end < 1");
    if (f.has("mask_threshold")) {
        const double t = f.optionalNumber("mask_threshold", 0.5);
        if (!(t > 0 && t < 1)) f.fail("mask_threshold", "must be between 0 and 1 (exclusive)");
        card.maskThreshold = t;
        card.maskThresholdSource = f.optionalString("mask_threshold_source", "");
    }
    if (f.has("edge_snap")) {
        const auto& snap = json.at("edge_snap");
        if (!snap.is_object()) f.fail("edge_snap", "must be an object: {\"radius\": pixels, \"epsilon\": number}");
        JsonFields s(snap, path.string() + ": edge_snap");
        card.edgeSnap.radius = s.optionalInt("radius", 0);
        card.edgeSnap.epsilon = s.optionalNumber("epsilon", card.edgeSnap.epsilon);
        if (card.edgeSnap.radius < 0 || card.edgeSnap.radius > refine::kMaxEdgeSnapRadius)
            s.fail("radius", "must be between 0 and " + std::to_string(refine::kMaxEdgeSnapRadius));
        if (!refine::isValid(card.edgeSnap))
            s.fail("epsilon", "out of range: the edge snap needs " + refine::validRanges());
        card.edgeSnapSource = f.optionalString("edge_snap_source", "");
    }
    card.flowTrainedOnlyAtTZero = trainedOnlyAtTZero(json);
    return card;
}

} // namespace

std::vector<std::string> findWeightFiles(const std::string& directory, const std::string& stem) {
    const fs::path dir(directory);
    for (const std::string variant : {"", ".fp16"}) {
        const auto single = dir / (stem + variant + ".safetensors");
        if (fs::is_regular_file(single)) return {single.string()};
        // diffusers and transformers name a variant's index "<stem>.safetensors.index.fp16.json".
        for (const auto& index : {dir / (stem + ".safetensors.index" + variant + ".json"),
                                  dir / (stem + variant + ".safetensors.index.json")})
            if (fs::is_regular_file(index)) return shardsFromIndex(index);
    }
    for (const std::string legacy : {".bin", ".ckpt", ".pt"})
        if (fs::exists(dir / (stem + legacy)))
            throw Error(directory + ": only " + stem + legacy +
                        " (a Python pickle) is present; RLFSeg reads safetensors only. Convert it with diffusers "
                        "(save_pretrained(..., safe_serialization=True)).");
    throw Error(directory + ": no weights found (expected " + stem + ".safetensors or " + stem +
                ".safetensors.index.json)");
}

nlohmann::json ModelCard::toJson() const {
    nlohmann::json j = {{"name", name}, {"trained_on", trainedOn}, {"description", description}, {"objective", objective}};
    if (objective == "diffusion") {
        j["num_train_timesteps"] = numTrainTimesteps;
        j["beta_start"] = betaStart;
        j["beta_end"] = betaEnd;
        j["beta_schedule"] = "scaled_linear";
        j["prediction_type"] = "v_prediction";
    }
    if (maskThreshold) {
        j["mask_threshold"] = *maskThreshold;
        j["mask_threshold_source"] = maskThresholdSource;
    }
    if (edgeSnap.enabled()) {
        j["edge_snap"] = {{"radius", edgeSnap.radius}, {"epsilon", edgeSnap.epsilon}};
        j["edge_snap_source"] = edgeSnapSource;
    }
    return j;
}

int64_t countStoredParameters(const ComponentFiles& component) {
    int64_t count = 0;
    for (const auto& path : component.weightFiles) {
        const auto file = SafeTensorsFile::open(path);
        for (const auto& name : file.names()) count += file.info(name).numel();
    }
    return count;
}

ModelFolder ModelFolder::open(const std::string& directory) {
    const fs::path root(directory);
    if (!fs::is_directory(root)) throw Error(directory + ": model folder not found");
    checkModelIndex(root);
    ModelFolder m;
    m.root = root.string();
    m.unet = component(root, "unet", "diffusion_pytorch_model");
    m.vae = component(root, "vae", "diffusion_pytorch_model");
    m.textEncoder = component(root, "text_encoder", "model");
    m.tokenizerDirectory = (root / "tokenizer").string();
    if (!fs::is_regular_file(root / "tokenizer" / "vocab.json") || !fs::is_regular_file(root / "tokenizer" / "merges.txt"))
        throw Error(m.tokenizerDirectory + ": vocab.json and merges.txt are required");
    m.unetConfig = UNet2DConditionConfig::fromJson(JsonFields::parseFile(m.unet.configPath), m.unet.configPath);
    m.vaeConfig = AutoencoderKLConfig::fromJson(JsonFields::parseFile(m.vae.configPath), m.vae.configPath);
    m.textConfig = ClipTextConfig::fromJson(JsonFields::parseFile(m.textEncoder.configPath), m.textEncoder.configPath);
    if (m.unetConfig.crossAttentionDim != m.textConfig.hiddenSize)
        throw Error(m.unet.configPath + ": cross_attention_dim " + std::to_string(m.unetConfig.crossAttentionDim) +
                    " does not match the text encoder's hidden_size " + std::to_string(m.textConfig.hiddenSize));
    // in_channels is the latent's (the flow) or twice it (the diffusion baseline: image latent concatenated).
    const int latent = m.vaeConfig.latentChannels;
    if ((m.unetConfig.inChannels != latent && m.unetConfig.inChannels != 2 * latent) || m.unetConfig.outChannels != latent)
        throw Error(m.unet.configPath + ": in_channels must be " + std::to_string(latent) + " or " +
                    std::to_string(2 * latent) + " and out_channels " + std::to_string(latent) +
                    " (the VAE's latent_channels)");
    m.card = readCard(root);
    return m;
}

} // namespace rlfseg
