// Opening diffusers folders: the layouts real Stable Diffusion folders use (single files, shards,
// fp16 variants), and every way a folder can be broken, each with a message naming the file.

#include "TestSupport.h"
#include "TinyModel.h"

#include "core/io/RemoveTree.h"
#include "core/io/SafeTensors.h"
#include "core/model/ModelFolder.h"
#include "core/model/ModelWriter.h"
#include "core/model/StableDiffusionNetworks.h"
#include "core/nn/Weights.h"
#include "core/pipeline/SegmentationPipeline.h"
#include "core/util/Error.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <tuple>

namespace fs = std::filesystem;
using namespace rlfseg;

using rlfseg::test::errorOf;

namespace {

void editJson(const fs::path& path, const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json j;
    std::ifstream(path) >> j;
    edit(j);
    fs::remove(path);
    std::ofstream(path) << j.dump(2);
}

cv::Mat sampleImage() {
    cv::Mat rgb(32, 32, CV_8UC3, cv::Scalar(20, 120, 200));
    cv::rectangle(rgb, {8, 8}, {20, 24}, cv::Scalar(250, 10, 10), cv::FILLED);
    return rgb;
}

// One CPU thread: the same masks on every machine.
PipelineOptions cpuOptions() {
    PipelineOptions o;
    o.device = "cpu";
    o.threads = 1;
    return o;
}

cv::Mat softMask(const fs::path& model) {
    const PipelineOptions o = cpuOptions();
    return SegmentationPipeline::load(model.string(), o)->segment(sampleImage(), "the red square").soft;
}

// Rewrites a safetensors file as `shards` files plus a diffusers index, removing the original.
void shard(const fs::path& file, int shards) {
    auto source = SafeTensorsFile::open(file.string());
    const auto names = source.names();
    nlohmann::json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", nlohmann::json::object()}};
    const std::string stem = file.filename().string().substr(0, file.filename().string().find(".safetensors"));
    for (int s = 0; s < shards; ++s) {
        std::vector<TensorToWrite> part;
        const std::string name = stem + "-0000" + std::to_string(s + 1) + "-of-0000" + std::to_string(shards) + ".safetensors";
        for (size_t i = s; i < names.size(); i += shards) {
            const auto& info = source.info(names[i]);
            part.push_back({names[i], info.dtype, info.shape, source.data(names[i]), size_t(info.end - info.begin)});
            index["weight_map"][names[i]] = name;
        }
        writeSafeTensors((file.parent_path() / name).string(), part);
    }
    std::ofstream(file.parent_path() / (stem + ".safetensors.index.json")) << index.dump(2);
    fs::remove(file);
}

} // namespace

TEST(ModelFolder, OpensATinyFolderAndReadsItsConfigs) {
    const auto root = test::makeTinyModelFolder("folder-ok");
    const auto m = ModelFolder::open(root.string());
    EXPECT_EQ(m.modelResolution(), 32);
    EXPECT_EQ(m.totalDownsamplingFactor(), 8);
    EXPECT_EQ(m.textConfig.hiddenSize, 32);
    EXPECT_EQ(m.unetConfig.crossAttentionDim, 32);
    EXPECT_FALSE(m.card.isRlfsegModel);
    ASSERT_EQ(m.unet.weightFiles.size(), 1u);

    // Parameter counts from the headers alone equal the built modules'.
    auto net = StableDiffusionNetworks::random(m, torch::kCPU, torch::kFloat, 0);
    EXPECT_EQ(countStoredParameters(m.unet), net.parameterCount(*net.unet));
    EXPECT_EQ(countStoredParameters(m.vae), net.parameterCount(*net.vae));
    EXPECT_EQ(countStoredParameters(m.textEncoder), net.parameterCount(*net.textEncoder));
}

TEST(ModelFolder, ReadsAnRlfsegModelCard) {
    const auto root = test::makeTinyModelFolder("folder-card");
    std::ofstream(root / "rlfseg.json") << R"({"name": "tiny", "trained_on": "synthetic shapes", "extra": 1})";
    const auto m = ModelFolder::open(root.string());
    EXPECT_TRUE(m.card.isRlfsegModel);
    EXPECT_EQ(m.card.name, "tiny");
    EXPECT_EQ(m.card.trainedOn, "synthetic shapes");
}

TEST(ModelFolder, TheCardSaysWhetherTheFlowWasTrainedOnlyAtTZero) {
    const auto root = test::makeTinyModelFolder("folder-t-zero");
    const auto cardWith = [&](const std::string& stages) {
        std::ofstream(root / "rlfseg.json") << R"({"name": "tiny", "training": {"config": {"stages": )" + stages + "}}}";
        return ModelFolder::open(root.string()).card.flowTrainedOnlyAtTZero;
    };
    EXPECT_TRUE(cardWith(R"([{"kind": "vae"}, {"kind": "flow", "t_zero_probability": 1.0}])"));
    EXPECT_TRUE(cardWith(R"([{"kind": "flow", "t_zero_probability": 1}, {"kind": "flow", "t_zero_probability": 1}])"));
    EXPECT_FALSE(cardWith(R"([{"kind": "flow", "t_zero_probability": 1}, {"kind": "flow", "t_zero_probability": 0.5}])"));
    EXPECT_FALSE(cardWith(R"([{"kind": "flow"}])")); // the trainer's default, 0.5
    EXPECT_FALSE(cardWith(R"([{"kind": "vae"}])"));  // no flow stage: nothing known about t
    EXPECT_FALSE(cardWith(R"("not a list")"));
    EXPECT_TRUE(cardWith(R"([{"kind": 3}, "odd", {"kind": "flow", "t_zero_probability": 1}])")); // odd entries skipped
    // A continuation with only a decoder stage: its flow is the one it started from.
    const auto continued = [&](const std::string& before) {
        std::ofstream(root / "rlfseg.json") << R"({"name": "tiny", "training": {"config": {"stages": [{"kind": "decoder"}]},
            "started_from": {"model": "m", "training": {"config": {"stages": )" + before + "}}}}}";
        return ModelFolder::open(root.string()).card.flowTrainedOnlyAtTZero;
    };
    EXPECT_TRUE(continued(R"([{"kind": "flow", "t_zero_probability": 1}])"));
    EXPECT_FALSE(continued(R"([{"kind": "flow", "t_zero_probability": 0.5}])"));
    EXPECT_FALSE(continued(R"([{"kind": "decoder"}])"));
    std::ofstream(root / "rlfseg.json") << R"({"name": "tiny"})";
    EXPECT_FALSE(ModelFolder::open(root.string()).card.flowTrainedOnlyAtTZero);
}

TEST(ModelFolder, ACalibratedThresholdMakesThePipelinesMask) {
    const auto root = test::makeTinyModelFolder("folder-threshold");
    std::ofstream(root / "rlfseg.json") << R"({"name": "tiny", "extra": 1})";
    PipelineOptions o = cpuOptions();
    const auto before = SegmentationPipeline::load(root.string(), o)->segment(sampleImage(), "the red square");
    EXPECT_DOUBLE_EQ(before.threshold, 0.5); // no calibration: METHOD.md's 0.5

    // The median of the soft mask as threshold: the mask must then be about half the image.
    cv::Mat sorted = before.soft.reshape(1, 1).clone();
    cv::sort(sorted, sorted, cv::SORT_ASCENDING);
    const double median = sorted.at<float>(0, int(sorted.total() / 2));
    ASSERT_GT(median, 0.0);
    ASSERT_LT(median, 1.0);
    setCalibration(root.string(), median, "test: the median");
    nlohmann::json card;
    std::ifstream(root / "rlfseg.json") >> card;
    EXPECT_EQ(card["extra"], 1); // other keys survive
    const auto m = ModelFolder::open(root.string());
    ASSERT_TRUE(m.card.maskThreshold.has_value());
    EXPECT_DOUBLE_EQ(*m.card.maskThreshold, median);
    EXPECT_EQ(m.card.maskThresholdSource, "test: the median");

    const auto after = SegmentationPipeline::load(root.string(), o)->segment(sampleImage(), "the red square");
    EXPECT_DOUBLE_EQ(after.threshold, median);
    EXPECT_EQ(cv::countNonZero(after.mask != (after.soft > float(median))), 0);
    const double share = cv::countNonZero(after.mask) / double(after.mask.total());
    EXPECT_NEAR(share, 0.5, 0.1);
    // An explicit option wins over the card.
    o.threshold = 0.999;
    EXPECT_EQ(cv::countNonZero(SegmentationPipeline::load(root.string(), o)->segment(sampleImage(), "the red square").mask), 0);

    // A threshold outside (0, 1) in a card is refused, naming the key; a plain SD folder has no card to write to.
    editJson(root / "rlfseg.json", [](nlohmann::json& j) { j["mask_threshold"] = 1.5; });
    EXPECT_NE(errorOf([&] { ModelFolder::open(root.string()); }).find("mask_threshold"), std::string::npos);
    const auto plain = test::makeTinyModelFolder("folder-threshold-plain");
    EXPECT_NE(errorOf([&] { setCalibration(plain.string(), 0.3, "x"); }).find("no rlfseg.json"), std::string::npos);
    EXPECT_FALSE(fs::exists(plain / "rlfseg.json"));
}

TEST(ModelFolder, TheCardsEdgeSnapShapesThePipelinesSoftMask) {
    const auto root = test::makeTinyModelFolder("folder-edge-snap");
    std::ofstream(root / "rlfseg.json") << R"({"name": "tiny", "extra": 1})";
    PipelineOptions o = cpuOptions();
    const cv::Mat image = sampleImage();
    const auto modelSized = [&](const PipelineOptions& options) {
        return SegmentationPipeline::load(root.string(), options)->segment(image, "the red square", {}, SoftMaskSize::Model);
    };
    const auto raw = modelSized(o);
    EXPECT_FALSE(raw.edgeSnap.enabled()); // no card entry: off

    const refine::EdgeSnap snap{3, 1e-3};
    setCalibration(root.string(), 0.5, "test: 0.5", snap, "test: radius 3");
    const auto card = ModelFolder::open(root.string()).card;
    EXPECT_EQ(card.edgeSnap, snap);
    EXPECT_EQ(card.edgeSnapSource, "test: radius 3");
    EXPECT_EQ(card.toJson()["edge_snap"]["radius"], 3);

    // The pipeline snaps the decoded mask at the model's size, its own input as the guide.
    const auto pipeline = SegmentationPipeline::load(root.string(), o);
    const auto snapped = pipeline->segment(image, "the red square", {}, SoftMaskSize::Model);
    EXPECT_EQ(snapped.edgeSnap, snap);
    const cv::Mat expected = refine::snapToImageEdges(pipeline->modelInput(image), raw.soft, snap);
    EXPECT_LT(cv::norm(snapped.soft, expected, cv::NORM_INF), 1e-6);
    EXPECT_GT(cv::norm(snapped.soft, raw.soft, cv::NORM_INF), 1e-3); // it changed the mask
    const auto full = pipeline->segment(image, "the red square");
    EXPECT_EQ(full.soft.size(), image.size());
    EXPECT_EQ(cv::countNonZero(full.mask != (full.soft > float(full.threshold))), 0);
    EXPECT_EQ(cv::countNonZero(full.mask != snapped.mask), 0); // the same mask at either soft size

    // An explicit option wins over the card; calibrating with the snap off removes the card's.
    o.edgeSnap = refine::EdgeSnap{};
    const auto off = modelSized(o);
    EXPECT_EQ(cv::norm(off.soft, raw.soft, cv::NORM_INF), 0.0);
    setCalibration(root.string(), 0.5, "test: 0.5", refine::EdgeSnap{});
    nlohmann::json j;
    std::ifstream(root / "rlfseg.json") >> j;
    EXPECT_FALSE(j.contains("edge_snap"));
    EXPECT_EQ(j["extra"], 1);
    EXPECT_FALSE(ModelFolder::open(root.string()).card.edgeSnap.enabled());

    // A broken entry is refused, naming the key.
    for (const auto& [value, key] : {std::pair{nlohmann::json(3), "edge_snap"},
                                     std::pair{nlohmann::json{{"radius", -1}}, "radius"},
                                     std::pair{nlohmann::json{{"radius", 4}, {"epsilon", 0}}, "epsilon"}}) {
        editJson(root / "rlfseg.json", [&, v = value](nlohmann::json& card) { card["edge_snap"] = v; });
        const std::string message = errorOf([&] { ModelFolder::open(root.string()); });
        EXPECT_NE(message.find(key), std::string::npos) << message;
        EXPECT_NE(message.find("rlfseg.json"), std::string::npos) << message;
    }
}

TEST(ModelFolder, ShardedAndHalfPrecisionWeightsGiveTheSameMasks) {
    const auto plain = test::makeTinyModelFolder("folder-plain");
    const cv::Mat reference = softMask(plain);

    const auto sharded = test::makeTinyModelFolder("folder-sharded", {"sd15", true});
    shard(sharded / "unet" / "diffusion_pytorch_model.safetensors", 3);
    shard(sharded / "text_encoder" / "model.safetensors", 2);
    ASSERT_EQ(ModelFolder::open(sharded.string()).unet.weightFiles.size(), 3u);
    EXPECT_EQ(cv::norm(softMask(sharded), reference, cv::NORM_INF), 0.0);

    // An fp16 variant only (as `variant="fp16"` folders ship): loads, converted to float32.
    const auto half = test::makeTinyModelFolder("folder-fp16", {"sd15", true});
    {
        const auto path = half / "unet" / "diffusion_pytorch_model.safetensors";
        UNet2DConditionModel unet(ModelFolder::open(half.string()).unetConfig);
        loadWeights(*unet, {path.string()}, "unet");
        saveWeights(*unet, (half / "unet" / "diffusion_pytorch_model.fp16.safetensors").string(), torch::kHalf);
        fs::remove(path);
    }
    const auto m = ModelFolder::open(half.string());
    EXPECT_NE(m.unet.weightFiles.front().find(".fp16."), std::string::npos);
    EXPECT_LT(cv::norm(softMask(half), reference, cv::NORM_INF), 0.05);
}

TEST(ModelFolder, EveryBrokenFolderGetsAMessageNamingTheFile) {
    auto fresh = [](const std::string& tag) { return test::makeTinyModelFolder(tag, {"sd15", true}); };

    EXPECT_NE(errorOf([] { ModelFolder::open("/nonexistent/model"); }).find("not found"), std::string::npos);

    auto root = fresh("broken-index");
    fs::remove(root / "model_index.json");
    EXPECT_NE(errorOf([&] { ModelFolder::open(root.string()); }).find("model_index.json is missing"), std::string::npos);

    root = fresh("broken-unet-dir");
    ASSERT_TRUE(removeTree(root / "unet"));
    EXPECT_NE(errorOf([&] { ModelFolder::open(root.string()); }).find("'unet/' folder is missing"), std::string::npos);

    root = fresh("broken-json");
    std::ofstream(root / "vae" / "config.json", std::ios::trunc) << "{\"block_out_channels\": [32, 64";
    auto message = errorOf([&] { ModelFolder::open(root.string()); });
    EXPECT_NE(message.find("vae/config.json: malformed JSON"), std::string::npos) << message;

    root = fresh("broken-key");
    editJson(root / "unet" / "config.json", [](nlohmann::json& j) { j.erase("block_out_channels"); });
    message = errorOf([&] { ModelFolder::open(root.string()); });
    EXPECT_NE(message.find("unet/config.json: 'block_out_channels' is required"), std::string::npos) << message;

    root = fresh("broken-type");
    editJson(root / "unet" / "config.json", [](nlohmann::json& j) { j["layers_per_block"] = "two"; });
    message = errorOf([&] { ModelFolder::open(root.string()); });
    EXPECT_NE(message.find("'layers_per_block'"), std::string::npos) << message;

    root = fresh("broken-sdxl");
    editJson(root / "unet" / "config.json", [](nlohmann::json& j) { j["addition_embed_type"] = "text_time"; });
    message = errorOf([&] { ModelFolder::open(root.string()); });
    EXPECT_NE(message.find("addition_embed_type"), std::string::npos) << message;

    // Numbers that would divide by zero, overflow or exhaust memory are refused, naming the key.
    const std::vector<std::tuple<std::string, std::string, nlohmann::json>> badNumbers = {
        {"unet", "norm_num_groups", 0},
        {"unet", "sample_size", -4},
        {"unet", "layers_per_block", 1000000},
        {"unet", "cross_attention_dim", 4294967328ll}, // would wrap to 32 if read as int
        {"unet", "downsample_padding", 3},
        {"unet", "block_out_channels", nlohmann::json::array({32, 64, 64, 64, 64, 64, 64, 64, 64})},
        {"vae", "scaling_factor", 0.0},
        {"vae", "norm_num_groups", 0},
        {"text_encoder", "num_attention_heads", 0},
        {"text_encoder", "hidden_size", 100000000},
    };
    for (const auto& [component, key, value] : badNumbers) {
        root = fresh("broken-number");
        editJson(root / component / "config.json", [&](nlohmann::json& j) { j[key] = value; });
        message = errorOf([&] { ModelFolder::open(root.string()); });
        EXPECT_NE(message.find(component + "/config.json: '" + key), std::string::npos) << key << ": " << message;
    }

    root = fresh("broken-harmless"); // unknown keys are ignored
    editJson(root / "unet" / "config.json", [](nlohmann::json& j) { j["some_future_option"] = 42; });
    EXPECT_NO_THROW(ModelFolder::open(root.string()));

    root = fresh("broken-pickle");
    fs::rename(root / "vae" / "diffusion_pytorch_model.safetensors", root / "vae" / "diffusion_pytorch_model.bin");
    message = errorOf([&] { ModelFolder::open(root.string()); });
    EXPECT_NE(message.find("safetensors"), std::string::npos) << message;

    root = fresh("broken-tokenizer");
    fs::remove(root / "tokenizer" / "merges.txt");
    message = errorOf([&] { ModelFolder::open(root.string()); });
    EXPECT_NE(message.find("merges.txt"), std::string::npos) << message;
}

TEST(ModelFolder, DamagedWeightsAreRefusedWhenLoading) {
    PipelineOptions o;
    o.device = "cpu";
    auto root = test::makeTinyModelFolder("weights-truncated", {"sd15", true});
    const auto unetFile = root / "unet" / "diffusion_pytorch_model.safetensors";
    fs::resize_file(unetFile, fs::file_size(unetFile) / 2);
    auto message = errorOf([&] { SegmentationPipeline::load(root.string(), o); });
    EXPECT_NE(message.find("diffusion_pytorch_model.safetensors"), std::string::npos) << message;

    // SD 2.x weights (Linear proj_in) under an SD 1.x config (1x1 conv proj_in): shape mismatch.
    root = test::makeTinyModelFolder("weights-shape", {"sd15", true});
    fs::remove(root / "unet" / "diffusion_pytorch_model.safetensors");
    fs::copy_file(test::fixture("unet_sd21_tiny.safetensors"), root / "unet" / "diffusion_pytorch_model.safetensors");
    message = errorOf([&] { SegmentationPipeline::load(root.string(), o); });
    EXPECT_NE(message.find("proj_in.weight"), std::string::npos) << message;
    EXPECT_NE(message.find("shape"), std::string::npos) << message;

    // A diffusion-baseline UNet (image latent concatenated: 8 input channels) is a valid folder,
    // but not a flow model the segmentation pipeline can run.
    root = test::makeTinyModelFolder("weights-baseline", {"sd15", true});
    editJson(root / "unet" / "config.json", [](nlohmann::json& j) { j["in_channels"] = 8; });
    EXPECT_NO_THROW(ModelFolder::open(root.string()));
    message = errorOf([&] { SegmentationPipeline::load(root.string(), o); });
    EXPECT_NE(message.find("unet/config.json: in_channels is 8"), std::string::npos) << message;

    // A VAE file missing tensors.
    root = test::makeTinyModelFolder("weights-missing", {"sd15", true});
    {
        const auto vaeFile = root / "vae" / "diffusion_pytorch_model.safetensors";
        auto source = SafeTensorsFile::open(test::fixture("vae_tiny.safetensors").string());
        std::vector<TensorToWrite> kept;
        for (const auto& n : source.names())
            if (n.rfind("decoder.conv_out", 0) != 0) {
                const auto& info = source.info(n);
                kept.push_back({n, info.dtype, info.shape, source.data(n), size_t(info.end - info.begin)});
            }
        writeSafeTensors(vaeFile.string(), kept);
    }
    message = errorOf([&] { SegmentationPipeline::load(root.string(), o); });
    EXPECT_NE(message.find("Missing: decoder.conv_out"), std::string::npos) << message;
}
