#pragma once
// Writes networks as a diffusers-layout model folder (what ModelFolder::open reads back, and what
// diffusers' from_pretrained reads): model_index.json, unet/, vae/, text_encoder/ with config.json
// and safetensors weights, tokenizer/ copied, and the RLFSeg model card rlfseg.json.

#include "core/model/StableDiffusionNetworks.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace rlfseg {

// The folder appears complete or not at all: it is written beside `directory` and renamed into
// place (an existing folder of that name is replaced). `extraCard` keys are merged into rlfseg.json
// (training summary, metrics). Weights are written in float32, in the reference (contiguous) layout.
void writeModelFolder(const StableDiffusionNetworks& networks, const std::string& directory,
                      const nlohmann::json& extraCard = nlohmann::json::object());

// Throws rlfseg::Error unless `directory` has a model card (rlfseg.json) that setCalibration can
// update: a plain Stable Diffusion folder has none.
void requireModelCard(const std::string& directory);

// Stores what `rlfseg calibrate` chose in an existing folder's rlfseg.json: the binary mask threshold
// (ModelCard::maskThreshold) and, when given, the edge snap (ModelCard::edgeSnap; one that is off
// removes the card's). Other keys are kept; the file is replaced atomically, both at once. Throws
// rlfseg::Error when the folder has no rlfseg.json or it cannot be read or written.
void setCalibration(const std::string& directory, double threshold, const std::string& thresholdSource,
                    const std::optional<refine::EdgeSnap>& edgeSnap = std::nullopt,
                    const std::string& edgeSnapSource = "");

} // namespace rlfseg
