// Training (core/train): the recipe's validation, AdamW / schedule / EMA against hand-computed
// values, and whole runs on the tiny fixture model and a tiny shapes data set: the same seed gives
// the same loss curve, a stopped run resumes to the same weights, checkpoints are model folders,
// and the diffusion baseline trains and samples with DDIM.

#include "TestSupport.h"
#include "TinyModel.h"

#include "core/io/RemoveTree.h"
#include "core/data/ReferringDataset.h"
#include "core/data/ShapesGenerator.h"
#include "core/eval/Evaluation.h"
#include "core/io/SafeTensors.h"
#include "core/model/ModelFolder.h"
#include "core/model/ModelWriter.h"
#include "core/model/StableDiffusionNetworks.h"
#include "core/nn/Weights.h"
#include "core/pipeline/SegmentationPipeline.h"
#include "core/train/EpochSamples.h"
#include "core/train/Optimizer.h"
#include "core/train/TrainConfig.h"
#include "core/train/Trainer.h"
#include "core/util/Error.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <set>

using namespace rlfseg;
namespace fs = std::filesystem;
using nlohmann::json;

using rlfseg::test::errorOf;

namespace {

// A small shapes data set at 64 px with no test splits, for tests that need data of their own.
fs::path smallShapes(const std::string& tag, int images, uint64_t seed, int maxObjects, double valFraction,
                     int expressionsPerImage) {
    const auto dir = test::makeTempDir(tag);
    data::ShapesOptions so;
    so.images = images, so.seed = seed, so.width = so.height = 64, so.maxObjects = maxObjects;
    so.valFraction = valFraction, so.testFraction = 0.0, so.unseenFraction = 0.0;
    so.unseenPairs.clear();
    so.expressionsPerImage = expressionsPerImage;
    data::generateShapesDataset(dir.string(), so);
    return dir;
}

// What a mask is made of: its image and the set of objects (the latent cache encodes each once).
std::pair<int, std::vector<int>> maskKey(const data::ReferringSample& s) {
    auto objects = s.annIds;
    std::sort(objects.begin(), objects.end());
    return {s.imageId, objects};
}

json baseConfig(const fs::path& model, const fs::path& data) {
    return {{"init", model.string()},
            {"data", data.string()},
            {"seed", 5},
            {"threads", 1},
            {"device", "cpu"},
            {"checkpoint_every", 2},
            {"keep_checkpoints", 10},
            {"stages",
             {{{"kind", "vae"}, {"steps", 2}, {"batch_size", 2}, {"crop", 16}, {"learning_rate", 1e-3}, {"eval_samples", 2}},
              {{"kind", "flow"},
               {"steps", 3},
               {"batch_size", 3},
               {"learning_rate", 1e-3},
               {"warmup_steps", 1},
               {"ema_decay", 0.9},
               {"eval_samples", 2}}}}};
}

TrainConfig configFrom(const json& j) { return TrainConfig::fromJson(j, "test.json", "/"); }

std::vector<double> losses(const fs::path& out) {
    std::vector<double> l;
    std::ifstream in(out / "log.jsonl");
    std::string line;
    while (std::getline(in, line)) {
        const auto j = json::parse(line);
        if (j.at("kind") == "step") l.push_back(j.at("loss").get<double>());
    }
    return l;
}

std::map<std::string, torch::Tensor> weightsOf(const fs::path& file) { return loadTensors(file.string()); }

void expectSameWeights(const fs::path& a, const fs::path& b) {
    const auto wa = weightsOf(a), wb = weightsOf(b);
    ASSERT_EQ(wa.size(), wb.size());
    for (const auto& [name, t] : wa) {
        ASSERT_TRUE(wb.count(name)) << name;
        EXPECT_TRUE(torch::allclose(t, wb.at(name), 1e-6, 1e-7)) << name;
    }
}

} // namespace

class TrainerTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        sModel = test::makeTinyModelFolder("trainer");
        sData = test::makeTempDir("trainer-data");
        data::ShapesOptions o;
        o.images = 12;
        o.seed = 4;
        o.width = o.height = 64;
        o.maxObjects = 3;
        o.valFraction = 0.2;
        o.testFraction = 0.0;
        o.unseenFraction = 0.0;
        o.unseenPairs.clear();
        o.expressionsPerImage = 2;
        data::generateShapesDataset(sData.string(), o);
    }
    static fs::path sModel, sData;
};
fs::path TrainerTest::sModel, TrainerTest::sData;

TEST(TrainConfigTest, RejectsBadRecipesNamingTheKey) {
    const json ok = baseConfig("/m", "/d");
    EXPECT_NO_THROW(configFrom(ok));
    auto with = [&](const std::function<void(json&)>& edit) {
        json j = ok;
        edit(j);
        return errorOf([&] { configFrom(j); });
    };
    EXPECT_NE(with([](json& j) { j["lerning_rate"] = 1; }).find("unknown key \"lerning_rate\""), std::string::npos);
    EXPECT_NE(with([](json& j) { j["stages"][1]["kind"] = "gan"; }).find("stages[1]"), std::string::npos);
    EXPECT_NE(with([](json& j) { j["stages"][0]["learning_rate"] = -1; }).find("learning_rate"), std::string::npos);
    EXPECT_NE(with([](json& j) { j["stages"][0]["steps"] = 2.5; }).find("steps"), std::string::npos);
    EXPECT_NE(with([](json& j) { j["stages"] = json::array(); }).find("stages"), std::string::npos);
    EXPECT_NE(with([](json& j) { j["architecture"] = "tiny"; }).find("exactly one"), std::string::npos);
    EXPECT_NE(with([](json& j) { j.erase("init"); j["architecture"] = "huge"; }).find("huge"), std::string::npos);
    EXPECT_NE(with([](json& j) { j.erase("data"); }).find("data"), std::string::npos);
    EXPECT_NE(with([](json& j) { j["precision"] = "float8"; }).find("precision"), std::string::npos);
    EXPECT_NE(with([](json& j) { j["reset"] = {"clip"}; }).find("reset"), std::string::npos);
    EXPECT_NE(with([](json& j) { j["stages"][1]["resolution"] = -64; }).find("resolution"), std::string::npos);
    EXPECT_NE(with([](json& j) { j["stages"][1]["repeat_kinds"] = {{"relation", 0}}; }).find("repeat_kinds"), std::string::npos);
    EXPECT_NE(with([](json& j) { j["stages"][1]["repeat_kinds"] = {{"relation", 1.5}}; }).find("\"relation\""), std::string::npos);
    EXPECT_NE(with([](json& j) { j["stages"][1]["repeat_kinds"] = json::array({2}); }).find("repeat_kinds"), std::string::npos);
    EXPECT_NE(with([](json& j) { j["stages"][0]["repeat_kinds"] = {{"relation", 2}}; }).find("only flow"), std::string::npos);
    // A decoder stage trains neither the text encoder nor on refined labels.
    const json decoder = {{"kind", "decoder"}, {"steps", 1}};
    EXPECT_FALSE(configFrom([&] { json j = ok; j["stages"][0] = decoder; return j; }()).stages[0].trainTextEncoder);
    EXPECT_NE(with([&](json& j) { j["stages"][0] = decoder; j["stages"][0]["train_text_encoder"] = true; }).find("train_text_encoder"),
              std::string::npos);
    EXPECT_NE(with([](json& j) { j["stages"][1]["train_unet"] = true; }).find("is for decoder stages"), std::string::npos);
    EXPECT_NE(with([&](json& j) { j["stages"][0] = decoder; j["stages"][0]["label_refinement"] = json::object(); })
                  .find("only flow stages refine labels"),
              std::string::npos);
    EXPECT_EQ(configFrom([&] { json j = ok; j["stages"][1]["repeat_kinds"] = {{"relation", 3}}; return j; }()).stages[1].repeatKinds,
              (std::map<std::string, int>{{"relation", 3}}));
    // Relative paths are relative to the config file.
    json rel = ok;
    rel["data"] = "data/shapes";
    EXPECT_EQ(TrainConfig::fromJson(rel, "x.json", "/recipes").data, "/recipes/data/shapes");
    // So are a stage's own; its images go only with its own data.
    rel["stages"][1]["data"] = "data/varied/";
    EXPECT_EQ(TrainConfig::fromJson(rel, "x.json", "/recipes").stages[1].data, "/recipes/data/varied");
    EXPECT_EQ(TrainConfig::fromJson(rel, "x.json", "/recipes").stages[0].data, "");
    EXPECT_NE(with([](json& j) { j["stages"][1]["images"] = "pictures"; }).find("stages[1]: 'images' needs the stage's own \"data\""),
              std::string::npos);
    EXPECT_EQ(configFrom(ok).totalSteps(), 5);
}

TEST(TrainConfigTest, ShippedRecipesAreValid) {
    // The recipes the docs tell users to run (and `make default-model`'s) must parse: a typo there
    // would surface only hours into someone's run. Their data need not exist to be read.
    const fs::path root = RLFSEG_SOURCE_DIR;
    std::vector<fs::path> recipes{root / "resources/models/default-recipe.json"};
    for (const auto& entry : fs::recursive_directory_iterator(root / "docs/recipes"))
        if (entry.path().extension() == ".json") recipes.push_back(entry.path());
    ASSERT_GT(recipes.size(), 5u);
    for (const auto& recipe : recipes) {
        SCOPED_TRACE(recipe.string());
        EXPECT_NO_THROW(TrainConfig::fromFile(recipe.string()));
    }
    // The default model's: VAE, flow, then two continued flows, each favouring the kinds the model
    // before it failed most, then one on the data with varied-style train images, then one on a
    // larger data set in batches of 256 (made on a GPU), one on another data set (on the CPU),
    // two on a still larger one in batches of 256 (on a GPU), one on a set with dark scenes (CPU),
    // and last a decoder stage in which the UNet learns through the decoder, on data of its own.
    const auto defaultRecipe = TrainConfig::fromFile(recipes.front().string());
    ASSERT_EQ(defaultRecipe.stages.size(), 11u);
    EXPECT_EQ(defaultRecipe.stages[2].kind, "flow");
    EXPECT_EQ(defaultRecipe.stages[2].repeatKinds, (std::map<std::string, int>{{"relation", 2}, {"superlative", 2}}));
    EXPECT_EQ(defaultRecipe.stages[3].kind, "flow");
    EXPECT_EQ(defaultRecipe.stages[3].repeatKinds, (std::map<std::string, int>{{"size", 2}, {"attribute", 2}}));
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(defaultRecipe.stages[i].data, "") << "stage " << i << ": the recipe's data";
    EXPECT_EQ(fs::path(defaultRecipe.stages[4].data).filename(), "shapes-varied");
    EXPECT_EQ(fs::path(defaultRecipe.stages[5].data).filename(), "shapes-gpu");
    EXPECT_EQ(defaultRecipe.stages[5].batchSize, 256);
    EXPECT_EQ(fs::path(defaultRecipe.stages[6].data).filename(), "shapes-more");
    for (size_t i = 7; i < 9; ++i) {
        EXPECT_EQ(fs::path(defaultRecipe.stages[i].data).filename(), "shapes-gpu2") << "stage " << i;
        EXPECT_EQ(defaultRecipe.stages[i].batchSize, 256) << "stage " << i;
    }
    EXPECT_EQ(fs::path(defaultRecipe.stages[9].data).filename(), "shapes-dark2");
    EXPECT_EQ(defaultRecipe.stages[9].batchSize, 32);
    EXPECT_EQ(defaultRecipe.stages[10].kind, "decoder");
    EXPECT_TRUE(defaultRecipe.stages[10].trainUnet);
    EXPECT_EQ(fs::path(defaultRecipe.stages[10].data).filename(), "shapes-decoder");
    EXPECT_EQ(fs::path(defaultRecipe.data).filename(), "shapes-default");
}

TEST(EpochSamples, EverySampleOnceWithoutRepeats) {
    const std::vector<std::string> kinds = {"attribute", "relation", "", "count"};
    EXPECT_EQ(epochSamples(kinds, {}), (std::vector<int64_t>{0, 1, 2, 3}));
}

TEST(EpochSamples, ListedKindsAppearThatManyTimes) {
    const std::vector<std::string> kinds = {"attribute", "relation", "superlative", "relation", "count"};
    const auto samples = epochSamples(kinds, {{"relation", 3}, {"superlative", 2}, {"attribute", 1}});
    EXPECT_EQ(samples.size(), 1u + 3 + 2 + 3 + 1);
    for (int64_t i = 0; i < 5; ++i) {
        const auto times = std::count(samples.begin(), samples.end(), i);
        EXPECT_EQ(times, kinds[static_cast<size_t>(i)] == "relation" ? 3 : kinds[static_cast<size_t>(i)] == "superlative" ? 2 : 1)
            << "sample " << i;
    }
}

TEST(EpochSamples, AKindNoSampleHasIsAClearError) {
    const std::vector<std::string> kinds = {"attribute", "relation"};
    const auto message = errorOf([&] { epochSamples(kinds, {{"relations", 2}}); });
    EXPECT_NE(message.find("\"relations\""), std::string::npos) << message;
    EXPECT_NE(message.find("attribute, relation"), std::string::npos) << message;
    const auto none = errorOf([&] { epochSamples({"", ""}, {{"relation", 2}}); });
    EXPECT_NE(none.find("names no kinds"), std::string::npos) << none;
}

TEST(OptimizerTest, LearningRateWarmsUpThenDecaysToTheFloor) {
    StageConfig s;
    s.steps = 101, s.learningRate = 1.0, s.warmupSteps = 10, s.minLearningRate = 0.1;
    EXPECT_DOUBLE_EQ(learningRateAt(s, 0), 0.1);
    EXPECT_DOUBLE_EQ(learningRateAt(s, 9), 1.0);
    EXPECT_DOUBLE_EQ(learningRateAt(s, 10), 1.0);
    EXPECT_NEAR(learningRateAt(s, 100), 0.1, 1e-12);
    EXPECT_NEAR(learningRateAt(s, 55), 0.55, 1e-12); // the cosine's midpoint
    s.decay = "linear";
    EXPECT_NEAR(learningRateAt(s, 55), 0.55, 1e-12);
    EXPECT_NEAR(learningRateAt(s, 32), 1.0 - 0.9 * 22.0 / 90.0, 1e-12);
    s.decay = "constant";
    EXPECT_DOUBLE_EQ(learningRateAt(s, 80), 1.0);
}

TEST(OptimizerTest, AdamWMatchesTheHandComputedUpdate) {
    StageConfig s;
    s.beta1 = 0.9, s.beta2 = 0.999, s.epsilon = 1e-8, s.weightDecay = 0.1;
    auto w = torch::tensor({{1.0f, -2.0f}}).requires_grad_(true); // a matrix: decayed
    auto b = torch::tensor({0.5f}).requires_grad_(true);          // a bias: not decayed
    auto frozen = torch::tensor({{3.0f}}).requires_grad_(true);   // no gradient: left alone
    AdamW opt({{"w", w}, {"frozen", frozen}, {"b", b}}, s);
    w.mutable_grad() = torch::tensor({{0.5f, -1.0f}});
    b.mutable_grad() = torch::tensor({2.0f});
    opt.step(0.01);
    EXPECT_EQ(frozen.item<float>(), 3.0f);
    EXPECT_FALSE(frozen.grad().defined());
    // Step 1: m_hat = g, v_hat = g^2, update = lr * g / (|g| + eps) = lr * sign(g); decay first.
    EXPECT_NEAR(w[0][0].item<double>(), 1.0 * (1 - 0.001) - 0.01, 1e-6);
    EXPECT_NEAR(w[0][1].item<double>(), -2.0 * (1 - 0.001) + 0.01, 1e-6);
    EXPECT_NEAR(b[0].item<double>(), 0.5 - 0.01, 1e-6);
    // Step 2 with gradient 0: m = 0.09 g, v = 0.000999 g^2 -> m_hat = 0.09/0.19 g, v_hat = 0.000999/0.001999 g^2.
    opt.zeroGrad();
    EXPECT_EQ(w.grad().abs().sum().item<float>(), 0.0f);
    EXPECT_EQ(b.grad().item<float>(), 0.0f);
    const double before = b[0].item<double>();
    opt.step(0.01);
    const double mHat = 0.09 * 2.0 / (1 - 0.81), vHat = 0.000999 * 4.0 / (1 - 0.998001);
    EXPECT_NEAR(b[0].item<double>(), before - 0.01 * mHat / (std::sqrt(vHat) + 1e-8), 1e-6);
    // Its state round-trips.
    AdamW copy({{"w", w}, {"frozen", frozen}, {"b", b}}, s);
    copy.loadState(opt.state(), "state");
    EXPECT_EQ(copy.steps(), 2);
    EXPECT_NE(errorOf([&] { copy.loadState({}, "state.safetensors"); }).find("state.safetensors"), std::string::npos);
}

TEST(OptimizerTest, GradientClippingScalesToTheNorm) {
    StageConfig s;
    auto w = torch::zeros({2}).requires_grad_(true);
    AdamW opt({{"w", w}}, s);
    w.mutable_grad() = torch::tensor({3.0f, 4.0f});
    EXPECT_NEAR(opt.clipGradients(1.0), 5.0, 1e-6);
    EXPECT_NEAR(w.grad().norm().item<double>(), 1.0, 1e-5);
    w.mutable_grad() = torch::tensor({0.3f, 0.4f});
    opt.clipGradients(1.0);
    EXPECT_NEAR(w.grad().norm().item<double>(), 0.5, 1e-6); // below the bound: untouched
    // The norm is over all gradients together.
    auto v = torch::zeros({1}).requires_grad_(true);
    AdamW two({{"w", w}, {"v", v}}, s);
    w.mutable_grad() = torch::tensor({0.0f, 3.0f});
    v.mutable_grad() = torch::tensor({4.0f});
    EXPECT_NEAR(two.clipGradients(2.5), 5.0, 1e-6);
    EXPECT_NEAR(w.grad()[1].item<double>(), 1.5, 1e-5);
    EXPECT_NEAR(v.grad()[0].item<double>(), 2.0, 1e-5);
}

TEST(OptimizerTest, EmaAveragesWithWarmUp) {
    auto p = torch::zeros({1});
    std::vector<NamedParameter> params{{"p", p}};
    EmaWeights ema(params, 0.99);
    p.fill_(1.0);
    ema.update(params); // decay = min(0.99, 2 / 11)
    ema.swapInto(params);
    EXPECT_NEAR(p.item<double>(), 1.0 - 2.0 / 11.0, 1e-6);
    ema.swapInto(params);
    EXPECT_NEAR(p.item<double>(), 1.0, 1e-7);
}

TEST_F(TrainerTest, SameSeedGivesTheSameLossCurve) {
    const auto a = test::makeTempDir("train-a"), b = test::makeTempDir("train-b");
    TrainOptions oa, ob;
    oa.outDirectory = a.string(), ob.outDirectory = b.string();
    const auto config = configFrom(baseConfig(sModel, sData));
    const auto sa = train(config, oa);
    const auto sb = train(config, ob);
    EXPECT_TRUE(sa.finished);
    EXPECT_EQ(sa.globalStep, 5);
    const auto la = losses(a), lb = losses(b);
    ASSERT_EQ(la.size(), 5u);
    EXPECT_EQ(la, lb);
    for (double l : la) EXPECT_GT(l, 0.0);
    expectSameWeights(a / "model" / "unet" / "diffusion_pytorch_model.safetensors",
                      b / "model" / "unet" / "diffusion_pytorch_model.safetensors");
    // The result is a model folder the pipeline uses, with its card.
    const auto folder = ModelFolder::open((a / "model").string());
    EXPECT_TRUE(folder.card.isRlfsegModel);
    EXPECT_EQ(folder.card.objective, "flow");
    PipelineOptions po;
    po.device = "cpu";
    auto pipeline = SegmentationPipeline::load((a / "model").string(), po);
    cv::Mat rgb(40, 48, CV_8UC3, cv::Scalar(10, 200, 30));
    EXPECT_EQ(pipeline->segment(rgb, "the green square").mask.size(), rgb.size());
    // The VAE stage calibrated the latent scale (1 / std), the fixture's 0.18215 replaced.
    EXPECT_NE(folder.vaeConfig.scalingFactor, 0.18215);
    // Checkpoints every 2 steps (kept: all 10), each a complete model folder.
    EXPECT_EQ(latestCheckpoint(a.string()), (a / "checkpoints" / "step-00000005").string());
    EXPECT_NO_THROW(ModelFolder::open((a / "checkpoints" / "step-00000002").string()));
    // A checkpoint's card records the run's config, as the final model's does.
    nlohmann::json modelCard, checkpointCard;
    std::ifstream(a / "model" / "rlfseg.json") >> modelCard;
    std::ifstream(a / "checkpoints" / "step-00000002" / "rlfseg.json") >> checkpointCard;
    EXPECT_EQ(checkpointCard["training"]["config"], modelCard["training"]["config"]);
    EXPECT_EQ(checkpointCard["training"]["global_step"], 2);
    EXPECT_FALSE(folder.card.flowTrainedOnlyAtTZero); // the config leaves t = 0 at its default, half
}

TEST_F(TrainerTest, StoppedRunResumesToTheSameWeights) {
    const auto straight = test::makeTempDir("train-straight"), resumed = test::makeTempDir("train-resumed");
    const auto config = configFrom(baseConfig(sModel, sData));
    TrainOptions o;
    o.outDirectory = straight.string();
    train(config, o);

    TrainOptions part;
    part.outDirectory = resumed.string();
    part.stopAfterSteps = 3; // stops inside the flow stage, after its first step (EMA and AdamW state saved)
    const auto first = train(config, part);
    EXPECT_FALSE(first.finished);
    EXPECT_EQ(first.globalStep, 3);
    EXPECT_FALSE(fs::exists(resumed / "model"));
    // An interrupted checkpoint (no state.json) is ignored.
    fs::create_directories(resumed / "checkpoints" / "step-00000004" / "unet");
    EXPECT_EQ(latestCheckpoint(resumed.string()), (resumed / "checkpoints" / "step-00000003").string());
    ASSERT_TRUE(removeTree(resumed / "checkpoints" / "step-00000004"));

    TrainOptions rest;
    rest.outDirectory = resumed.string();
    const auto second = train(config, rest);
    EXPECT_TRUE(second.resumed);
    EXPECT_TRUE(second.finished);
    EXPECT_EQ(second.globalStep, 5);
    EXPECT_EQ(losses(resumed), losses(straight));
    for (const char* file : {"unet/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors",
                             "vae/diffusion_pytorch_model.safetensors"})
        expectSameWeights(straight / "model" / file, resumed / "model" / file);

    // Resuming, then pruning the checkpoint resumed from (keep_checkpoints 1), still writes
    // checkpoints and the model: the tokenizer lives in the run folder, not in that checkpoint.
    json keepOne = baseConfig(sModel, sData);
    keepOne["keep_checkpoints"] = 1;
    keepOne["checkpoint_every"] = 1;
    const auto pruned = test::makeTempDir("train-pruned");
    TrainOptions firstPart;
    firstPart.outDirectory = pruned.string();
    firstPart.stopAfterSteps = 2;
    train(configFrom(keepOne), firstPart);
    TrainOptions secondPart;
    secondPart.outDirectory = pruned.string();
    EXPECT_TRUE(train(configFrom(keepOne), secondPart).finished);
    EXPECT_FALSE(fs::exists(pruned / "checkpoints" / "step-00000002"));
    EXPECT_NO_THROW(ModelFolder::open((pruned / "model").string()));

    // --no-resume refuses a folder with checkpoints.
    TrainOptions fresh;
    fresh.outDirectory = resumed.string();
    fresh.resume = false;
    EXPECT_NE(errorOf([&] { train(config, fresh); }).find("already holds checkpoints"), std::string::npos);
}

TEST_F(TrainerTest, FlowLossFallsOnATinyDataSet) {
    json j = baseConfig(sModel, sData);
    j["checkpoint_every"] = 40; // only the loss curve matters here
    j["stages"] = {{{"kind", "flow"}, {"steps", 40}, {"batch_size", 4}, {"learning_rate", 3e-3}, {"warmup_steps", 2},
                    {"eval_samples", 2}}};
    const auto out = test::makeTempDir("train-falls");
    TrainOptions o;
    o.outDirectory = out.string();
    train(configFrom(j), o);
    const auto l = losses(out);
    ASSERT_EQ(l.size(), 40u);
    const double early = (l[0] + l[1] + l[2] + l[3]) / 4, late = (l[36] + l[37] + l[38] + l[39]) / 4;
    EXPECT_LT(late, 0.7 * early) << "early " << early << " late " << late;
}

// "precision": "bfloat16" is autocast on the CPU too: the networks compute in bfloat16 (so the
// losses differ from float32's, by bfloat16's rounding only) and the weights stay float32.
TEST_F(TrainerTest, BFloat16MixedPrecisionTrainsOnTheCpu) {
    json j = baseConfig(sModel, sData);
    j["checkpoint_every"] = 100;
    const auto f32 = test::makeTempDir("train-f32"), bf16 = test::makeTempDir("train-bf16");
    TrainOptions o;
    o.outDirectory = f32.string();
    train(configFrom(j), o);
    j["precision"] = "bfloat16";
    std::vector<std::string> messages;
    o.outDirectory = bf16.string();
    o.onMessage = [&](const std::string& m) { messages.push_back(m); };
    EXPECT_TRUE(train(configFrom(j), o).finished);
    const auto a = losses(f32), b = losses(bf16);
    ASSERT_EQ(a.size(), 5u); // 2 VAE steps, 3 flow steps
    ASSERT_EQ(b.size(), a.size());
    EXPECT_NE(a, b) << "autocast did not change the arithmetic";
    for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(b[i], a[i], 0.03 * a[i] + 1e-5) << "step " << i + 1;
    EXPECT_TRUE(std::any_of(messages.begin(), messages.end(), [](const std::string& m) {
        return m.find("bfloat16 mixed precision") != std::string::npos;
    }));
    for (const char* file : {"unet/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors",
                             "text_encoder/model.safetensors"})
        for (const auto& [name, t] : weightsOf(bf16 / "model" / file))
            EXPECT_EQ(t.scalar_type(), torch::kFloat) << file << ": " << name;
}

TEST_F(TrainerTest, ADecoderStageTrainsOnlyTheDecoderOnTheFlowsOneStepPredictions) {
    json j = baseConfig(sModel, sData);
    j["checkpoint_every"] = 3;
    j["stages"] = {{{"kind", "decoder"}, {"steps", 6}, {"batch_size", 3}, {"crop", 16}, {"mask_fraction", 0.7},
                    {"learning_rate", 3e-3}, {"ema_decay", 0.9}, {"eval_samples", 2}}};
    const auto straight = test::makeTempDir("train-decoder"), resumed = test::makeTempDir("train-decoder-resumed");
    TrainOptions o;
    o.outDirectory = straight.string();
    ASSERT_TRUE(train(configFrom(j), o).finished);

    // The UNet, the text encoder and the VAE's encoding half are the model's as it was; the decoder learned.
    const std::string vaeFile = "vae/diffusion_pytorch_model.safetensors";
    expectSameWeights(sModel / "unet/diffusion_pytorch_model.safetensors", straight / "model/unet/diffusion_pytorch_model.safetensors");
    expectSameWeights(sModel / "text_encoder/model.safetensors", straight / "model/text_encoder/model.safetensors");
    const auto before = weightsOf(sModel / vaeFile), after = weightsOf(straight / "model" / vaeFile);
    int decodingChanged = 0;
    for (const auto& [name, t] : before) {
        const bool decoding = name.rfind("decoder.", 0) == 0 || name.rfind("post_quant_conv.", 0) == 0;
        if (decoding) decodingChanged += !torch::allclose(t, after.at(name));
        else EXPECT_TRUE(torch::equal(t, after.at(name))) << name;
    }
    EXPECT_GT(decodingChanged, 10);

    // What it decodes: the flow's one-step latents z_img + v(z_img, 0, c) of every training sample.
    const auto latents = loadTensors((straight / "cache" / "latents-train.safetensors").string());
    const auto predicted = loadTensors((straight / "cache" / "predicted-stage-0.safetensors").string()).at("mask_latents");
    ASSERT_EQ(predicted.size(0), latents.at("token_ids").size(0));
    {
        torch::NoGradGuard noGrad;
        auto net = StableDiffusionNetworks::load(ModelFolder::open(sModel.string()), torch::kCPU, torch::kFloat);
        net.setEval();
        const auto zImage = latents.at("image_latents").index_select(0, latents.at("image_of_sample")).to(torch::kFloat);
        const auto context = net.textEncoder->forward(latents.at("token_ids")).lastHiddenState;
        const auto expected = zImage + net.unet->forward(zImage, torch::zeros({zImage.size(0)}), context);
        EXPECT_TRUE(torch::allclose(predicted.to(torch::kFloat), expected, 1e-2, 1e-2))
            << (predicted.to(torch::kFloat) - expected).abs().max().item<double>();
        EXPECT_FALSE(torch::allclose(predicted.to(torch::kFloat), latents.at("mask_latents").to(torch::kFloat), 1e-2, 1e-2));
    }
    // Validated as the flow is, with one step.
    bool validated = false;
    std::ifstream log(straight / "log.jsonl");
    for (std::string line; std::getline(log, line);)
        if (const auto v = json::parse(line); v.at("kind") == "validation") validated = v.at("metric_name") == "val_mIoU";
    EXPECT_TRUE(validated);

    // Stopped and resumed: the predictions come from the cache, and the weights are the same.
    std::vector<std::string> messages;
    TrainOptions part;
    part.outDirectory = resumed.string();
    part.stopAfterSteps = 3;
    EXPECT_FALSE(train(configFrom(j), part).finished);
    part.stopAfterSteps = 0;
    part.onMessage = [&](const std::string& m) { messages.push_back(m); };
    ASSERT_TRUE(train(configFrom(j), part).finished);
    EXPECT_TRUE(std::any_of(messages.begin(), messages.end(),
                            [](const std::string& m) { return m.rfind("one-step predictions read from", 0) == 0; }));
    EXPECT_EQ(losses(resumed), losses(straight));
    expectSameWeights(straight / "model" / vaeFile, resumed / "model" / vaeFile);

    // train_unet: the UNet learns from the decoded masks too (no cached predictions then); the text encoder stays.
    json both = j;
    both["stages"][0]["steps"] = 2;
    both["stages"][0]["train_unet"] = true;
    const auto withUnet = test::makeTempDir("train-decoder-unet");
    o.outDirectory = withUnet.string();
    ASSERT_TRUE(train(configFrom(both), o).finished);
    EXPECT_FALSE(fs::exists(withUnet / "cache" / "predicted-stage-0.safetensors"));
    expectSameWeights(sModel / "text_encoder/model.safetensors", withUnet / "model/text_encoder/model.safetensors");
    const auto unetBefore = weightsOf(sModel / "unet/diffusion_pytorch_model.safetensors");
    const auto unetAfter = weightsOf(withUnet / "model/unet/diffusion_pytorch_model.safetensors");
    EXPECT_GT(std::count_if(unetBefore.begin(), unetBefore.end(),
                            [&](const auto& p) { return !torch::allclose(p.second, unetAfter.at(p.first)); }),
              10);

    // Crops on the latent grid only, and no decoder stage in a diffusion run.
    j["stages"][0]["crop"] = 15;
    o.outDirectory = test::makeTempDir("train-decoder-bad").string();
    EXPECT_NE(errorOf([&] { train(configFrom(j), o); }).find("crop 15 of the decoder stage"), std::string::npos);
    j["stages"][0]["crop"] = 16;
    j["stages"].push_back({{"kind", "diffusion"}, {"steps", 1}});
    EXPECT_NE(errorOf([&] { train(configFrom(j), o); }).find("a diffusion run has none"), std::string::npos);
}

TEST_F(TrainerTest, KeepBestEndsTheStageWithItsBestValidatedWeightsAndResumesSo) {
    json j = baseConfig(sModel, sData);
    j["checkpoint_every"] = 1; // every step's weights on disk, to compare with
    j["stages"] = {{{"kind", "flow"}, {"steps", 4}, {"batch_size", 3}, {"learning_rate", 3e-3}, {"eval_every", 1},
                    {"eval_samples", 4}, {"keep_best", true}}};
    const auto straight = test::makeTempDir("train-best"), resumed = test::makeTempDir("train-best-resumed");
    std::vector<std::string> messages;
    TrainOptions o;
    o.outDirectory = straight.string();
    o.onMessage = [&](const std::string& m) { messages.push_back(m); };
    ASSERT_TRUE(train(configFrom(j), o).finished);

    // Validated at the start (step 0) and after every step; the result is the first best of those.
    // Each validation's log line carries the best so far, itself included.
    std::vector<std::pair<int64_t, double>> validations;
    std::ifstream log(straight / "log.jsonl");
    for (std::string line; std::getline(log, line);) {
        const auto v = json::parse(line);
        if (v.at("kind") != "validation") continue;
        validations.emplace_back(v.at("step").get<int64_t>(), v.at("metric").get<double>());
        const auto bestSoFar = *std::max_element(validations.begin(), validations.end(),
                                                 [](const auto& a, const auto& b) { return a.second < b.second; });
        EXPECT_EQ(v.at("best_step").get<int64_t>(), bestSoFar.first) << line;
        EXPECT_EQ(v.at("best_metric").get<double>(), bestSoFar.second) << line;
    }
    ASSERT_EQ(validations.size(), 5u);
    for (int64_t i = 0; i < 5; ++i) EXPECT_EQ(validations[i].first, i);
    const auto best = *std::max_element(validations.begin(), validations.end(),
                                        [](const auto& a, const auto& b) { return a.second < b.second; });
    RecordProperty("best_step", static_cast<int>(best.first)); // which case this run exercised (--gtest_output=xml)
    const fs::path bestFolder =
        best.first == 0 ? sModel : straight / "checkpoints" / ("step-0000000" + std::to_string(best.first));
    const fs::path lastFolder = straight / "checkpoints" / "step-00000004";
    for (const char* file : {"unet/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors"}) {
        SCOPED_TRACE(std::string(file) + ", best step " + std::to_string(best.first));
        expectSameWeights(bestFolder / file, straight / "model" / file);
        expectSameWeights(lastFolder / file, straight / "model" / file); // the stage's last checkpoint holds the result
    }
    const bool announced = std::any_of(messages.begin(), messages.end(), [](const std::string& m) {
        return m.rfind("keep_best: the flow stage ends with its weights of step", 0) == 0;
    });
    EXPECT_EQ(announced, best.first != 4);
    // The steps did move the weights (so ending at step 0's is keep_best's doing, not a stage that learned nothing).
    const auto start = weightsOf(sModel / "unet/diffusion_pytorch_model.safetensors");
    const auto afterOne = weightsOf(straight / "checkpoints/step-00000001/unet/diffusion_pytorch_model.safetensors");
    int changed = 0;
    for (const auto& [name, t] : start) changed += !torch::allclose(t, afterOne.at(name));
    EXPECT_GT(changed, 10);

    // A best unchanged since the previous checkpoint is that checkpoint's file (a hard link), not a copy.
    const auto checkpointDir = [&](int k) { return straight / "checkpoints" / ("step-0000000" + std::to_string(k)); };
    const auto bestStepAt = [&](int k) {
        json state;
        std::ifstream(checkpointDir(k) / "training_state" / "state.json") >> state;
        return state.at("best").at("step").get<int64_t>();
    };
    for (int k = 2; k <= 3; ++k) {
        const auto file = [&](int at) { return checkpointDir(at) / "training_state" / "best.safetensors"; };
        EXPECT_EQ(fs::equivalent(file(k - 1), file(k)), bestStepAt(k - 1) == bestStepAt(k)) << "step " << k;
    }

    // Stopped mid-stage and resumed: the best so far comes back from the checkpoint, and so the same result.
    TrainOptions part;
    part.outDirectory = resumed.string();
    part.stopAfterSteps = 2;
    EXPECT_FALSE(train(configFrom(j), part).finished);
    EXPECT_TRUE(fs::exists(resumed / "checkpoints/step-00000002/training_state/best.safetensors"));
    EXPECT_FALSE(fs::exists(straight / "checkpoints/step-00000004/training_state/best.safetensors")); // the stage's end
    part.stopAfterSteps = 0;
    ASSERT_TRUE(train(configFrom(j), part).finished);
    for (const char* file : {"unet/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors"})
        expectSameWeights(straight / "model" / file, resumed / "model" / file);
    // The model's card says which step each keep_best stage kept.
    for (const auto& run : {straight, resumed}) {
        json card;
        std::ifstream(run / "model" / "rlfseg.json") >> card;
        const auto& kept = card.at("training").at("kept_best");
        ASSERT_EQ(kept.size(), 1u) << run;
        EXPECT_EQ(kept[0].at("stage"), 0);
        EXPECT_EQ(kept[0].at("step"), best.first);
        EXPECT_EQ(kept[0].at("steps"), 4);
        EXPECT_DOUBLE_EQ(kept[0].at("metric").get<double>(), best.second);
    }

    // It chooses by validation, so it needs validation samples.
    j["stages"][0]["eval_samples"] = 0;
    EXPECT_NE(errorOf([&] { configFrom(j); }).find("keep_best"), std::string::npos);
}

TEST_F(TrainerTest, AContinuedModelKeepsItsPredecessorsTrainingRecord) {
    json j = baseConfig(sModel, sData);
    j["stages"] = {{{"kind", "flow"}, {"steps", 1}, {"batch_size", 2}, {"eval_samples", 1}}};
    const auto first = test::makeTempDir("train-lineage-1"), second = test::makeTempDir("train-lineage-2");
    TrainOptions o;
    o.outDirectory = first.string();
    train(configFrom(j), o);
    // Its calibration belongs to its weights: the continued model starts without one.
    setCalibration((first / "model").string(), 0.3, "test", refine::EdgeSnap{4, 1e-3}, "test");
    const std::string init = (first / "model").relative_path().string(); // relative to the config's folder, "/"
    j["init"] = init;
    j["seed"] = 6;
    j["stages"][0]["steps"] = 2;
    o.outDirectory = second.string();
    o.stopAfterSteps = 1; // stopped and resumed: the resumed run takes its weights from the checkpoint
    train(configFrom(j), o);
    o.stopAfterSteps = 0;
    train(configFrom(j), o);
    std::ifstream in(second / "model" / "rlfseg.json");
    const auto card = json::parse(in);
    EXPECT_FALSE(card.contains("mask_threshold")) << card.dump();
    EXPECT_FALSE(card.contains("edge_snap")) << card.dump();
    const auto training = card.at("training");
    EXPECT_EQ(training.at("config").at("seed"), 6);
    ASSERT_TRUE(training.contains("started_from")) << training.dump();
    EXPECT_EQ(training.at("started_from").at("model"), init); // as the recipe wrote it, not resolved
    EXPECT_EQ(training.at("started_from").at("training").at("config").at("seed"), 5);
}

TEST_F(TrainerTest, StagesTrainAtTheirOwnResolution) {
    const auto model = ModelFolder::open(sModel.string());
    const int full = model.modelResolution(), factor = model.totalDownsamplingFactor();
    const int small = full / 2;
    ASSERT_EQ(small % factor, 0) << "the fixture's resolution " << full << " does not halve into a multiple of " << factor;
    json j = baseConfig(sModel, sData);
    json first = {{"kind", "flow"}, {"steps", 2}, {"batch_size", 2}, {"learning_rate", 1e-3}, {"eval_samples", 2},
                  {"resolution", small}};
    json second = first;
    second.erase("resolution");
    j["stages"] = {first, second};
    const auto out = test::makeTempDir("train-curriculum");
    TrainOptions o;
    o.outDirectory = out.string();
    EXPECT_TRUE(train(configFrom(j), o).finished);
    // Each stage encoded the data at its own size into a cache of its own.
    const int vaeFactor = model.vaeConfig.downsamplingFactor();
    const auto smallLatents = loadTensors((out / "cache" / ("latents-train-" + std::to_string(small) + "px.safetensors")).string());
    const auto fullLatents = loadTensors((out / "cache" / "latents-train.safetensors").string());
    EXPECT_EQ(smallLatents.at("image_latents").size(-1), small / vaeFactor);
    EXPECT_EQ(fullLatents.at("image_latents").size(-1), full / vaeFactor);
    EXPECT_EQ(smallLatents.at("mask_latents").size(-2), small / vaeFactor);
    // Each validation says the size it was measured at; the model keeps its own resolution.
    std::vector<int> validated;
    std::ifstream log(out / "log.jsonl");
    for (std::string line; std::getline(log, line);)
        if (const auto v = json::parse(line); v.at("kind") == "validation") validated.push_back(v.at("resolution").get<int>());
    EXPECT_EQ(validated, (std::vector<int>{small, full}));
    EXPECT_EQ(ModelFolder::open((out / "model").string()).modelResolution(), full);

    // Stopped inside the small stage and resumed: its own cache is read back, and the run ends
    // where the straight one did.
    const auto resumed = test::makeTempDir("train-curriculum-resumed");
    TrainOptions part;
    part.outDirectory = resumed.string();
    part.stopAfterSteps = 1;
    EXPECT_FALSE(train(configFrom(j), part).finished);
    TrainOptions rest;
    rest.outDirectory = resumed.string();
    std::vector<std::string> messages;
    rest.onMessage = [&](const std::string& m) { messages.push_back(m); };
    EXPECT_TRUE(train(configFrom(j), rest).finished);
    const std::string smallCache = "latents-train-" + std::to_string(small) + "px.safetensors";
    EXPECT_TRUE(std::any_of(messages.begin(), messages.end(), [&](const std::string& m) {
        return m.find("read from") != std::string::npos && m.find(smallCache) != std::string::npos;
    }));
    EXPECT_EQ(losses(resumed), losses(out));
    expectSameWeights(out / "model" / "unet" / "diffusion_pytorch_model.safetensors",
                      resumed / "model" / "unet" / "diffusion_pytorch_model.safetensors");

    // A resolution the networks cannot take is an error naming it, before any stage trains.
    second["resolution"] = factor + factor / 2;
    j["stages"] = {first, second};
    const auto bad = test::makeTempDir("train-bad-resolution");
    o.outDirectory = bad.string();
    const std::string error = errorOf([&] { train(configFrom(j), o); });
    EXPECT_NE(error.find("resolution " + std::to_string(factor + factor / 2)), std::string::npos) << error;
    EXPECT_NE(error.find("multiple"), std::string::npos) << error;
    EXPECT_FALSE(fs::exists(bad / "checkpoints"));
}

TEST_F(TrainerTest, DiffusionBaselineWidensTheUNetAndSamplesWithDdim) {
    json j = baseConfig(sModel, sData);
    j["stages"] = {{{"kind", "diffusion"}, {"steps", 2}, {"batch_size", 2}, {"eval_samples", 1}}};
    const auto out = test::makeTempDir("train-diffusion");
    TrainOptions o;
    o.outDirectory = out.string();
    o.stopAfterSteps = 0;
    train(configFrom(j), o);
    const auto folder = ModelFolder::open((out / "model").string());
    EXPECT_EQ(folder.card.objective, "diffusion");
    EXPECT_EQ(folder.unetConfig.inChannels, 2 * folder.vaeConfig.latentChannels);
    PipelineOptions po;
    po.device = "cpu";
    po.sampler = "ddim:3";
    auto pipeline = SegmentationPipeline::load((out / "model").string(), po);
    cv::Mat rgb(32, 32, CV_8UC3, cv::Scalar(200, 30, 30));
    const auto a = pipeline->segment(rgb, "the red circle");
    pipeline->clearCaches();
    const auto b = pipeline->segment(rgb, "the red circle");
    EXPECT_EQ(cv::countNonZero(a.mask != b.mask), 0) << "DDIM with eta = 0 and fixed noise is deterministic";
    po.sampler = "one-step";
    EXPECT_NE(errorOf([&] { SegmentationPipeline::load((out / "model").string(), po); }).find("ddim"),
              std::string::npos);
    // Flow and diffusion stages in one run are refused.
    j["stages"] = {{{"kind", "flow"}, {"steps", 1}}, {{"kind", "diffusion"}, {"steps", 1}}};
    TrainOptions o2;
    o2.outDirectory = test::makeTempDir("train-mixed").string();
    EXPECT_NE(errorOf([&] { train(configFrom(j), o2); }).find("not both"), std::string::npos);
}

TEST_F(TrainerTest, BadDataIsAClearError) {
    json j = baseConfig(sModel, sData);
    j["train_split"] = "nope";
    TrainOptions o;
    o.outDirectory = test::makeTempDir("train-bad").string();
    EXPECT_NE(errorOf([&] { train(configFrom(j), o); }).find("\"nope\" has no samples"), std::string::npos);
    j = baseConfig(sModel, sData);
    j["data"] = "/does/not/exist";
    EXPECT_NE(errorOf([&] { train(configFrom(j), o); }).find("/does/not/exist"), std::string::npos);
    // A kind the data set does not have (a typo) stops the stage that samples expressions.
    j = baseConfig(sModel, sData);
    j["stages"][1]["repeat_kinds"] = {{"relations", 2}};
    o.outDirectory = test::makeTempDir("train-bad-kind").string();
    const auto kindError = errorOf([&] { train(configFrom(j), o); });
    EXPECT_NE(kindError.find("\"relations\""), std::string::npos) << kindError;
    EXPECT_NE(kindError.find("its kinds: "), std::string::npos) << kindError;
    EXPECT_TRUE(losses(o.outDirectory).empty()) << "checked before the first stage, not after it";
}

TEST_F(TrainerTest, AStageTrainsOnItsOwnDataSet) {
    // A second data set of another size: each flow stage's cache holds its own data's expressions.
    const auto other = smallShapes("trainer-other-data", 7, 11, 2, 0.3, 1);
    const auto trainCount = [](const fs::path& d) { return data::ReferringDataset::open(d.string()).samples("train").size(); };
    ASSERT_NE(trainCount(sData), trainCount(other));

    json j = baseConfig(sModel, sData);
    json first = {{"kind", "flow"}, {"steps", 2}, {"batch_size", 2}, {"learning_rate", 1e-3}, {"eval_samples", 2}};
    json second = first;
    second["data"] = other.string() + "/";
    j["stages"] = {first, second};
    const auto out = test::makeTempDir("train-own-data");
    TrainOptions o;
    o.outDirectory = out.string();
    ASSERT_TRUE(train(configFrom(j), o).finished);
    // Its cache is named after its folder (and a hash of where it is: two folders of one name keep apart).
    std::vector<fs::path> ownCaches;
    for (const auto& e : fs::directory_iterator(out / "cache"))
        if (e.path().filename().string().rfind("latents-train-" + other.filename().string() + "-", 0) == 0) ownCaches.push_back(e.path());
    ASSERT_EQ(ownCaches.size(), 1u);
    const auto own = loadTensors(ownCaches.front().string());
    const auto recipes = loadTensors((out / "cache" / "latents-train.safetensors").string());
    EXPECT_EQ(static_cast<size_t>(own.at("token_ids").size(0)), trainCount(other));
    EXPECT_EQ(static_cast<size_t>(recipes.at("token_ids").size(0)), trainCount(sData));
    // Each stage validates on its own data set's val split and says which.
    std::vector<std::string> validatedOn;
    std::ifstream log(out / "log.jsonl");
    for (std::string line; std::getline(log, line);)
        if (const auto v = json::parse(line); v.at("kind") == "validation") validatedOn.push_back(v.value("data", ""));
    EXPECT_EQ(validatedOn, (std::vector<std::string>{sData.filename().string() + " val", other.filename().string() + " val"}));

    // A stage's missing data set stops the run before the first stage trains.
    second["data"] = "/does/not/exist";
    j["stages"] = {first, second};
    const auto bad = test::makeTempDir("train-own-data-missing");
    o.outDirectory = bad.string();
    const auto error = errorOf([&] { train(configFrom(j), o); });
    EXPECT_NE(error.find("/does/not/exist"), std::string::npos) << error;
    EXPECT_TRUE(losses(bad).empty());
}

TEST_F(TrainerTest, CtrlCWhileEncodingStopsTheRunAndTheSameCommandResumes) {
    // Its own data: more distinct masks than one batch (16 on the CPU), every image in one batch,
    // and expressions that share a mask (four per image, up to three objects).
    const auto dataDir = smallShapes("trainer-encoding-data", 16, 5, 3, 0.2, 4);
    const auto trainSamples = data::ReferringDataset::open(dataDir.string()).samples("train");
    std::set<std::pair<int, std::vector<int>>> distinct;
    for (const auto& s : trainSamples) distinct.insert(maskKey(s));
    ASSERT_GT(distinct.size(), 16u);
    ASSERT_LT(distinct.size(), trainSamples.size()) << "some expressions share a mask";

    json j = baseConfig(sModel, dataDir);
    j["stages"] = {{{"kind", "flow"}, {"steps", 2}, {"batch_size", 2}, {"learning_rate", 1e-3}, {"eval_samples", 2}}};
    const auto out = test::makeTempDir("train-stop-encoding");
    const fs::path cache = out / "cache" / "latents-train.safetensors";
    const fs::path partial = cache.string() + ".partial";
    std::atomic<bool> stop{true}; // pressed before the first batch of latents is done
    TrainOptions o;
    o.outDirectory = out.string();
    o.stopRequested = &stop;
    std::vector<std::string> messages;
    o.onMessage = [&](const std::string& m) { messages.push_back(m); };
    auto said = [&](const std::string& text) {
        return std::any_of(messages.begin(), messages.end(), [&](const std::string& m) { return m.find(text) != std::string::npos; });
    };
    // Each run encodes one batch (16 on the CPU) before it sees the stop: the images (all in one
    // batch), then the first masks. What was done is kept, and the next run goes on from there.
    const auto stopped = train(configFrom(j), o);
    EXPECT_FALSE(stopped.finished);
    EXPECT_TRUE(losses(out).empty()) << "no step trained";
    EXPECT_FALSE(fs::exists(cache));
    EXPECT_TRUE(said("stopped while encoding"));
    EXPECT_TRUE(said(std::to_string(distinct.size()) + " masks of " + std::to_string(trainSamples.size()) + " expressions"))
        << "each distinct mask encoded once";
    ASSERT_TRUE(fs::exists(partial));
    const auto afterImages = loadTensors(partial.string());
    EXPECT_TRUE(afterImages.count("image_latents"));
    EXPECT_FALSE(afterImages.count("mask_latents"));

    messages.clear();
    EXPECT_FALSE(train(configFrom(j), o).finished);
    EXPECT_TRUE(said("masks were done")) << "the second run resumed";
    const auto afterMasks = loadTensors(partial.string());
    ASSERT_TRUE(afterMasks.count("mask_latents"));
    EXPECT_EQ(afterMasks.at("mask_latents").size(0), 16) << "one batch of the distinct masks";

    messages.clear();
    stop = false;
    EXPECT_TRUE(train(configFrom(j), o).finished);
    EXPECT_TRUE(said("16 of " + std::to_string(distinct.size()) + " masks were done"));
    EXPECT_EQ(losses(out).size(), 2u);
    EXPECT_FALSE(fs::exists(partial)) << "the finished cache replaces the partial one";

    // The same latents as a run that was never stopped.
    const auto whole = test::makeTempDir("train-no-stop-encoding");
    TrainOptions plain;
    plain.outDirectory = whole.string();
    ASSERT_TRUE(train(configFrom(j), plain).finished);
    const auto resumed = loadTensors(cache.string());
    const auto once = loadTensors((whole / "cache" / "latents-train.safetensors").string());
    ASSERT_LE(once.at("image_latents").size(0), 16) << "the images fit in one batch";
    for (const char* name : {"image_latents", "mask_latents", "token_ids", "image_of_sample"}) {
        ASSERT_TRUE(resumed.count(name) && once.count(name)) << name;
        EXPECT_TRUE(torch::equal(resumed.at(name), once.at(name))) << name;
    }
    // A partial file that is not a safetensors file (a crash while writing it, by hand) is set aside
    // with a message, and the run encodes from the start.
    const auto broken = test::makeTempDir("train-broken-partial");
    fs::create_directories(broken / "cache");
    std::ofstream(broken / "cache" / "latents-train.safetensors.partial") << "not a safetensors file";
    messages.clear();
    o.outDirectory = broken.string();
    ASSERT_TRUE(train(configFrom(j), o).finished);
    EXPECT_TRUE(said("not resuming from"));
    EXPECT_FALSE(fs::exists(broken / "cache" / "latents-train.safetensors.partial"));
    EXPECT_TRUE(torch::equal(loadTensors((broken / "cache" / "latents-train.safetensors").string()).at("mask_latents"),
                             once.at("mask_latents")));

    // One mask latent per expression; expressions naming the same objects share it, others don't.
    const auto& masks = once.at("mask_latents");
    ASSERT_EQ(static_cast<size_t>(masks.size(0)), trainSamples.size());
    for (size_t a = 0; a < trainSamples.size(); ++a)
        for (size_t b = a + 1; b < trainSamples.size(); ++b) {
            const bool same = maskKey(trainSamples[a]) == maskKey(trainSamples[b]);
            EXPECT_EQ(torch::equal(masks[int64_t(a)], masks[int64_t(b)]), same) << a << " " << b;
        }
    // ... and it is that expression's own mask, encoded on its own here.
    auto net = StableDiffusionNetworks::load(ModelFolder::open(sModel.string()), torch::kCPU, torch::kFloat);
    net.setEval();
    const auto dataset = data::ReferringDataset::open(dataDir.string());
    const int side = net.folder.modelResolution();
    torch::NoGradGuard noGrad;
    for (const size_t k : {size_t{0}, trainSamples.size() / 2, trainSamples.size() - 1}) {
        cv::Mat m = dataset.maskFor(trainSamples[k], false);
        if (m.cols != side || m.rows != side) cv::resize(m, m, cv::Size(side, side), 0, 0, cv::INTER_LINEAR);
        auto x = torch::from_blob(m.data, {1, 1, side, side}, torch::kUInt8);
        x = (x > 127).to(torch::kFloat).mul(2.0).sub(1.0).expand({-1, 3, -1, -1}).contiguous();
        const auto own = net.encodeToLatent(x)[0].to(torch::kHalf).to(torch::kFloat);
        EXPECT_TRUE(torch::allclose(masks[int64_t(k)].to(torch::kFloat), own, 1e-2, 1e-2)) << "expression " << k;
    }
}

TEST_F(TrainerTest, ALatentCacheIsNotReadForChangedImages) {
    // Same samples, one image drawn anew (a data set generated again in place): the resumed run
    // encodes again rather than train on the old image's latents.
    const auto copy = test::makeTempDir("trainer-data-copy");
    fs::copy(sData, copy, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    json j = baseConfig(sModel, copy);
    j["stages"] = {{{"kind", "flow"}, {"steps", 4}, {"batch_size", 2}, {"learning_rate", 1e-3}, {"eval_samples", 2}}};
    const auto out = test::makeTempDir("train-changed-images");
    TrainOptions part;
    part.outDirectory = out.string();
    part.stopAfterSteps = 1;
    ASSERT_FALSE(train(configFrom(j), part).finished);

    auto resumeOneStep = [&] {
        std::vector<std::string> messages;
        TrainOptions rest = part;
        rest.onMessage = [&](const std::string& m) { messages.push_back(m); };
        train(configFrom(j), rest);
        std::string all;
        for (const auto& m : messages) all += m + "\n";
        return all;
    };
    const auto unchanged = resumeOneStep();
    EXPECT_NE(unchanged.find("read from"), std::string::npos) << unchanged;
    // Moved to another folder, the same data keeps its latents (what they were made of is unchanged).
    const auto moved = test::makeTempDir("trainer-data-moved") / "elsewhere";
    fs::rename(copy, moved);
    const json stages = j["stages"];
    j = baseConfig(sModel, moved);
    j["stages"] = stages;
    const auto afterMove = resumeOneStep();
    EXPECT_NE(afterMove.find("read from"), std::string::npos) << afterMove;
    const auto image = data::ReferringDataset::open(moved.string()).samples("train").front().imagePath;
    cv::Mat pixels = cv::imread(image);
    ASSERT_FALSE(pixels.empty()) << image;
    cv::imwrite(image, 255 - pixels);
    const auto changed = resumeOneStep();
    EXPECT_NE(changed.find("encoding the latents"), std::string::npos) << changed;
    EXPECT_EQ(changed.find("read from"), std::string::npos) << changed;
    // And it says why: the data, not the VAE.
    EXPECT_NE(changed.find("it was made from other data"), std::string::npos) << changed;
    EXPECT_EQ(changed.find("another VAE"), std::string::npos) << changed;
    // The same for an edited annotation file (the masks come from its polygons).
    j["stages"][0]["steps"] = 5;
    std::ofstream(moved / "instances.json", std::ios::app) << "\n";
    const auto edited = resumeOneStep();
    EXPECT_NE(edited.find("encoding the latents"), std::string::npos) << edited;
}

TEST_F(TrainerTest, EvaluationReportsTheLiteratureKeysAndOneCsvRowPerExpression) {
    eval::EvaluationOptions o;
    o.model = sModel.string();
    o.data = sData.string();
    o.split = "val";
    o.device = "cpu";
    o.threads = 1;
    const auto dir = test::makeTempDir("eval");
    o.csvPath = (dir / "rows.csv").string();
    size_t progressCalls = 0;
    o.onProgress = [&](size_t, size_t) { ++progressCalls; };
    const auto result = eval::evaluate(o);
    const auto expected = data::ReferringDataset::open(sData.string()).samples("val").size();
    EXPECT_EQ(result.metrics.samples, expected);
    EXPECT_EQ(progressCalls, expected);
    const auto j = result.toJson();
    for (const char* key : {"mIoU", "oIoU", "prec@0.5", "prec@0.6", "prec@0.7", "prec@0.8", "prec@0.9", "AP", "samples",
                            "ms_per_sample"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_GT(j["ms_per_sample"].get<double>(), 0.0);
    // The shapes data names each expression's kind: the same metrics per kind, adding up.
    std::map<std::string, size_t> kinds;
    for (const auto& s : data::ReferringDataset::open(sData.string()).samples("val")) ++kinds[s.kind];
    ASSERT_FALSE(kinds.count(""));
    ASSERT_EQ(result.byKind.size(), kinds.size());
    double iouSum = 0;
    for (const auto& [kind, report] : result.byKind) {
        EXPECT_EQ(report.samples, kinds.at(kind)) << kind;
        EXPECT_EQ(j["by_kind"][kind]["samples"].get<size_t>(), kinds.at(kind)) << kind;
        iouSum += report.mIoU * static_cast<double>(report.samples);
    }
    EXPECT_NEAR(iouSum / static_cast<double>(expected), result.metrics.mIoU, 1e-9);
    std::ifstream csv(o.csvPath);
    std::string line;
    size_t rows = 0;
    while (std::getline(csv, line)) ++rows;
    EXPECT_EQ(rows, expected + 1); // + header
    // --limit takes an evenly spaced subset.
    o.limit = 2;
    EXPECT_EQ(eval::evaluate(o).metrics.samples, 2u);
    o.split = "nope";
    EXPECT_NE(errorOf([&] { eval::evaluate(o); }).find("\"nope\" has no samples"), std::string::npos);
}

TEST_F(TrainerTest, LabelRefinementReplacesLabelsFromItsEpochAndResumesExactly) {
    json j = baseConfig(sModel, sData);
    const auto count = data::ReferringDataset::open(sData.string()).samples("train").size();
    ASSERT_GE(count, 4u);
    // Batches of 2: epoch 1 starts at step ceil(count / 2); agreement 0 refines every label.
    const int64_t epochStart = static_cast<int64_t>((count + 1) / 2);
    j["stages"] = {{{"kind", "flow"},
                    {"steps", epochStart + 2},
                    {"batch_size", 2},
                    {"eval_samples", 1},
                    {"label_refinement", {{"from_epoch", 1}, {"agreement", 0.0}, {"band", 3}}}}};
    const auto config = configFrom(j);
    const auto straight = test::makeTempDir("refine-straight"), resumed = test::makeTempDir("refine-resumed");
    TrainOptions a;
    a.outDirectory = straight.string();
    std::vector<std::string> messages;
    a.onMessage = [&](const std::string& m) { messages.push_back(m); };
    train(config, a);
    std::ifstream log(straight / "log.jsonl");
    std::string line;
    int passes = 0;
    while (std::getline(log, line)) {
        const auto entry = json::parse(line);
        if (entry["kind"] != "label_refinement") continue;
        ++passes;
        EXPECT_EQ(entry["epoch"], 1);
        EXPECT_EQ(entry["samples"].get<size_t>(), count);
        EXPECT_EQ(entry["refined"].get<size_t>(), count);
    }
    EXPECT_EQ(passes, 1);

    TrainOptions part;
    part.outDirectory = resumed.string();
    part.stopAfterSteps = epochStart + 1; // one step into epoch 1, after its refinement
    train(config, part);
    TrainOptions rest;
    rest.outDirectory = resumed.string();
    std::vector<std::string> restMessages;
    rest.onMessage = [&](const std::string& m) { restMessages.push_back(m); };
    train(config, rest);
    EXPECT_TRUE(std::any_of(restMessages.begin(), restMessages.end(),
                            [](const std::string& m) { return m.find("refined labels of epoch 1 read") != std::string::npos; }));
    EXPECT_EQ(losses(resumed), losses(straight));
    // Refinement is for flow stages, and its keys are checked.
    j["stages"][0]["label_refinement"] = {{"from_epoch", 1}, {"agreemnt", 0.5}};
    EXPECT_NE(errorOf([&] { configFrom(j); }).find("agreemnt"), std::string::npos);
    // By default the noisy label does not vote in the selection (docs/RESULTS.md); METHOD.md's
    // third term is one key away.
    EXPECT_DOUBLE_EQ(config.stages[0].refineReferenceWeight, 0.0);
    j["stages"][0]["label_refinement"] = {{"reference_weight", 0.25}};
    EXPECT_DOUBLE_EQ(configFrom(j).stages[0].refineReferenceWeight, 0.25);
    j["stages"][0]["label_refinement"] = {{"reference_weight", -1}};
    EXPECT_NE(errorOf([&] { configFrom(j); }).find("reference_weight"), std::string::npos);
}
