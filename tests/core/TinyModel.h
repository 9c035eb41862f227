#pragma once
// A tiny but complete diffusers-layout model folder assembled from the sd-parity fixtures
// (reference weights of a tiny VAE, UNet and CLIP text encoder, and the real CLIP tokenizer).

#include <filesystem>
#include <string>

namespace rlfseg::test {

struct TinyModelOptions {
    std::string unet = "sd15";     // "sd15" or "sd21"
    bool copyWeights = false;       // copy instead of symlink (for tests that damage the files)
};

std::filesystem::path makeTinyModelFolder(const std::string& tag, const TinyModelOptions& options = {});

} // namespace rlfseg::test
