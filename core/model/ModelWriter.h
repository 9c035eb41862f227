#pragma once
// Writes networks as a diffusers-layout model folder (what ModelFolder::open reads back, and what
// diffusers' from_pretrained reads): model_index.json, unet/, vae/, text_encoder/ with config.json
// and safetensors weights, tokenizer/ copied, and the RLFSeg model card rlfseg.json.

#include "core/model/StableDiffusionNetworks.h"

#include <nlohmann/json.hpp>

#include <string>

namespace rlfseg {

// The folder appears complete or not at all: it is written beside `directory` and renamed into
// place (an existing folder of that name is replaced). `extraCard` keys are merged into rlfseg.json
// (training summary, metrics). Weights are written in float32, in the reference (contiguous) layout.
void writeModelFolder(const StableDiffusionNetworks& networks, const std::string& directory,
                      const nlohmann::json& extraCard = nlohmann::json::object());

} // namespace rlfseg
