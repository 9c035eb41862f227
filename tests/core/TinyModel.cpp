#include "TinyModel.h"

#include "TestSupport.h"

#include <fstream>

namespace fs = std::filesystem;

namespace rlfseg::test {

namespace {
void place(const fs::path& from, const fs::path& to, bool copy) {
    fs::create_directories(to.parent_path());
    if (copy)
        fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    else
        fs::create_symlink(from, to);
}

void writeText(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}
} // namespace

fs::path makeTinyModelFolder(const std::string& tag, const TinyModelOptions& options) {
    const fs::path root = makeTempDir(tag) / "tiny-model";
    fs::create_directories(root);
    writeText(root / "model_index.json", R"({
  "_class_name": "StableDiffusionPipeline",
  "_diffusers_version": "0.38.0",
  "scheduler": ["diffusers", "PNDMScheduler"],
  "text_encoder": ["transformers", "CLIPTextModel"],
  "tokenizer": ["transformers", "CLIPTokenizer"],
  "unet": ["diffusers", "UNet2DConditionModel"],
  "vae": ["diffusers", "AutoencoderKL"]
})");
    const std::string unet = "unet_" + options.unet + "_tiny";
    place(fixture(unet + "_config.json"), root / "unet" / "config.json", true);
    place(fixture(unet + ".safetensors"), root / "unet" / "diffusion_pytorch_model.safetensors", options.copyWeights);
    place(fixture("vae_tiny_config.json"), root / "vae" / "config.json", true);
    place(fixture("vae_tiny.safetensors"), root / "vae" / "diffusion_pytorch_model.safetensors", options.copyWeights);
    place(fixture("clip_text_tiny_config.json"), root / "text_encoder" / "config.json", true);
    place(fixture("clip_text_tiny.safetensors"), root / "text_encoder" / "model.safetensors", options.copyWeights);
    place(fixture("vocab.json"), root / "tokenizer" / "vocab.json", false);
    place(fixture("merges.txt"), root / "tokenizer" / "merges.txt", false);
    writeText(root / "tokenizer" / "tokenizer_config.json",
              R"({"pad_token": "<|endoftext|>", "model_max_length": 77})");
    return root;
}

} // namespace rlfseg::test
