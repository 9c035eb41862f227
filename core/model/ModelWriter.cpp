#include "core/model/ModelWriter.h"

#include "core/io/AtomicFile.h"
#include "core/io/JsonFields.h"
#include "core/io/RemoveTree.h"
#include "core/nn/Weights.h"
#include "core/util/Error.h"

#include <unistd.h>

#include <filesystem>

namespace rlfseg {

namespace fs = std::filesystem;
using nlohmann::json;

void writeModelFolder(const StableDiffusionNetworks& networks, const std::string& directory, const json& extraCard) {
    const fs::path target(directory);
    const fs::path staging = target.string() + ".writing-" + std::to_string(getpid());
    std::error_code ec;
    removeTree(staging);
    try {
        for (const char* part : {"unet", "vae", "text_encoder", "tokenizer"}) fs::create_directories(staging / part);
        const auto& folder = networks.folder;
        writeFileAtomically((staging / "model_index.json").string(),
                            json{{"_class_name", "StableDiffusionPipeline"},
                                 {"_diffusers_version", "0.27.0"},
                                 {"unet", {"diffusers", "UNet2DConditionModel"}},
                                 {"vae", {"diffusers", "AutoencoderKL"}},
                                 {"text_encoder", {"transformers", "CLIPTextModel"}},
                                 {"tokenizer", {"transformers", "CLIPTokenizer"}}}
                                .dump(2));
        writeFileAtomically((staging / "unet" / "config.json").string(), folder.unetConfig.toJson().dump(2));
        writeFileAtomically((staging / "vae" / "config.json").string(), folder.vaeConfig.toJson().dump(2));
        writeFileAtomically((staging / "text_encoder" / "config.json").string(), folder.textConfig.toJson().dump(2));
        saveWeights(*networks.unet, (staging / "unet" / "diffusion_pytorch_model.safetensors").string());
        saveWeights(*networks.vae, (staging / "vae" / "diffusion_pytorch_model.safetensors").string());
        saveWeights(*networks.textEncoder, (staging / "text_encoder" / "model.safetensors").string());
        for (const auto& entry : fs::directory_iterator(folder.tokenizerDirectory))
            if (entry.is_regular_file())
                fs::copy_file(entry.path(), staging / "tokenizer" / entry.path().filename(),
                              fs::copy_options::overwrite_existing);
        json card = folder.card.toJson();
        for (const auto& [key, value] : extraCard.items()) card[key] = value;
        writeFileAtomically((staging / "rlfseg.json").string(), card.dump(2));
        // Swap into place: the old folder (if any) is removed only once the new one is complete.
        const fs::path old = target.string() + ".old-" + std::to_string(getpid());
        if (fs::exists(target)) fs::rename(target, old);
        fs::rename(staging, target);
        removeTree(old);
    } catch (const fs::filesystem_error& e) {
        removeTree(staging);
        throw Error("cannot write the model folder " + directory + ": " + e.what());
    } catch (...) {
        removeTree(staging);
        throw;
    }
}

void requireModelCard(const std::string& directory) {
    if (!fs::is_directory(directory)) throw Error(directory + ": no such model folder");
    if (!fs::is_regular_file(fs::path(directory) / "rlfseg.json"))
        throw Error(directory + ": no rlfseg.json, so not an RLFSeg model; calibrate a model trained for segmentation");
}

void setCalibration(const std::string& directory, double threshold, const std::string& thresholdSource,
                    const std::optional<refine::EdgeSnap>& edgeSnap, const std::string& edgeSnapSource) {
    if (!(threshold > 0 && threshold < 1)) throw Error("the mask threshold must be between 0 and 1 (exclusive)");
    requireModelCard(directory);
    const fs::path path = fs::path(directory) / "rlfseg.json";
    json card = JsonFields::parseFile(path.string());
    if (!card.is_object()) throw Error(path.string() + ": expected a JSON object");
    card["mask_threshold"] = threshold;
    card["mask_threshold_source"] = thresholdSource;
    if (edgeSnap && edgeSnap->enabled()) {
        if (!refine::isValid(*edgeSnap))
            throw Error("the edge snap needs " + refine::validRanges());
        card["edge_snap"] = {{"radius", edgeSnap->radius}, {"epsilon", edgeSnap->epsilon}};
        card["edge_snap_source"] = edgeSnapSource;
    } else if (edgeSnap) {
        card.erase("edge_snap");
        card.erase("edge_snap_source");
    }
    writeFileAtomically(path.string(), card.dump(2) + "\n");
}

} // namespace rlfseg
