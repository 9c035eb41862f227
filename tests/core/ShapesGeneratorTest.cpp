// Tests for core/data/ShapesGenerator: the synthetic referring data set of SHAPES.md.

#include "core/coco/Rle.h"
#include "core/data/ShapesGenerator.h"
#include "core/io/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/MaskBox.h"

#include "TestSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace rlfseg::data;
using nlohmann::json;

namespace {

// ---- Helpers ----

json readJson(const fs::path& p) { return json::parse(rlfseg::readFileToString(p.string())); }

std::vector<std::string> words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// SHAPES.md, word for word (written out here, independently of the generator's tables).
const std::set<std::string>& shapesMdWords() {
    static const std::set<std::string> w = {
        // shapes
        "circle", "square", "rectangle", "triangle", "star", "hexagon", "ellipse", "cross", "heart", "diamond",
        // colours
        "red", "green", "blue", "yellow", "orange", "purple", "pink", "white", "black", "gray", "brown", "cyan",
        // sizes, positions
        "small", "medium", "large", "left", "right", "top", "bottom", "center", "leftmost", "rightmost", "topmost",
        "bottommost",
        // relations: above, below, left of, right of, next to
        "above", "below", "of", "next", "to",
        // the plural examples: "all red shapes", "all circles", "every blue object", "the two squares"
        "all", "shapes", "circles", "every", "object", "the", "two", "squares"};
    return w;
}
// Template glue: articles and prepositions of the position phrases, generic nouns, numbers, plurals.
const std::set<std::string>& glueWords() {
    static const std::set<std::string> w = {"the",    "on",       "at",      "in",         "shape",     "shapes",
                                            "object", "objects",  "two",     "three",      "four",      "five",
                                            "six",    "circles",  "squares", "rectangles", "triangles", "stars",
                                            "hexagons", "ellipses", "crosses", "hearts",   "diamonds"};
    return w;
}

rlfseg::coco::Rle rleOf(const json& segmentation) { return rlfseg::coco::fromCocoJson(segmentation); }

struct Loaded {
    json instances, refs, dataset;
    std::map<int, json> images;                  // by id
    std::map<int, json> annotations;             // by id
    std::map<int, std::vector<int>> annsOfImage; // ascending ann ids
};

Loaded load(const fs::path& dir) {
    Loaded d;
    d.instances = readJson(dir / "instances.json");
    d.refs = readJson(dir / "refs.json");
    d.dataset = readJson(dir / "dataset.json");
    for (const auto& im : d.instances["images"]) d.images[im["id"].get<int>()] = im;
    for (const auto& a : d.instances["annotations"]) {
        d.annotations[a["id"].get<int>()] = a;
        d.annsOfImage[a["image_id"].get<int>()].push_back(a["id"].get<int>());
    }
    return d;
}

std::string shapeOf(const json& ann) { return shapeNames().at(size_t(ann["category_id"].get<int>() - 1)); }

const json& cleanSegmentation(const json& ann) {
    return ann.contains("segmentation_clean") ? ann["segmentation_clean"] : ann["segmentation"];
}

// The checker's view of an image, rebuilt from the files alone.
Scene sceneOf(const Loaded& d, int imageId) {
    Scene s;
    s.width = d.images.at(imageId)["width"].get<int>();
    s.height = d.images.at(imageId)["height"].get<int>();
    for (int annId : d.annsOfImage.at(imageId)) {
        const json& a = d.annotations.at(annId);
        const cv::Mat mask = rlfseg::coco::decode(rleOf(cleanSegmentation(a)));
        const cv::Moments m = cv::moments(mask, true);
        SceneObject o;
        o.shape = shapeOf(a);
        o.color = a["color"].get<std::string>();
        o.scale = a["scale"].get<double>();
        o.cx = m.m10 / m.m00;
        o.cy = m.m01 / m.m00;
        o.box = cv::Rect2d(rlfseg::maskBox(mask));
        s.objects.push_back(o);
    }
    return s;
}

ShapesOptions smallOptions(uint64_t seed) {
    ShapesOptions o;
    o.images = 30;
    o.styleImages = 5;
    o.seed = seed;
    return o;
}

// Generated once for the whole suite (a few seconds in a debug build).
class ShapesDataset : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        root() = rlfseg::test::makeTempDir("shapes");
        int calls = 0, last = 0, total = 0;
        bool inOrder = true;
        generateShapesDataset(
            (root() / "a").string(), smallOptions(11),
            [&](int done, int t) {
                ++calls;
                inOrder = inOrder && done == last + 1;
                last = done;
                total = t;
            },
            3);
        progressInOrder() = inOrder;
        progressCalls() = calls;
        progressLast() = last;
        progressTotal() = total;
        // One worker, and two in blocks of 32 images: the files must not depend on either.
        generateShapesDataset((root() / "a2").string(), smallOptions(11), {}, 1);
        generateShapesDataset((root() / "b").string(), smallOptions(12), {}, 2);
        ShapesOptions noisy = smallOptions(11);
        noisy.noise.vertexJitterPx = 1.5;
        noisy.noise.simplifyEpsilonPx = 1.0;
        noisy.noise.shiftPx = 1.5;
        noisy.noise.dilateErodePx = 1;
        generateShapesDataset((root() / "noisy").string(), noisy);
        ShapesOptions varied = smallOptions(11);
        varied.variedTrainFraction = 1;
        generateShapesDataset((root() / "varied").string(), varied);
        varied.variedTrainFraction = 0.5;
        generateShapesDataset((root() / "half-varied").string(), varied);
        varied.variedTrainFraction = 1;
        varied.variedDarkFraction = 1;
        generateShapesDataset((root() / "varied-dark").string(), varied);
        varied.variedDarkFraction = 0.5;
        generateShapesDataset((root() / "varied-half-dark").string(), varied);
    }
    static fs::path& root() {
        static fs::path p;
        return p;
    }
    static bool& progressInOrder() {
        static bool v = false;
        return v;
    }
    static int& progressCalls() {
        static int v = 0;
        return v;
    }
    static int& progressLast() {
        static int v = 0;
        return v;
    }
    static int& progressTotal() {
        static int v = 0;
        return v;
    }
    static fs::path dir(const std::string& name) { return root() / name; }
};

std::vector<std::string> listImages(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir / "images")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// ---- Hand-built scenes ----

SceneObject object(const std::string& color, const std::string& shape, double cx, double cy, double scale = 20) {
    SceneObject o;
    o.color = color;
    o.shape = shape;
    o.cx = cx;
    o.cy = cy;
    o.scale = scale;
    o.box = cv::Rect2d(cx - scale, cy - scale, 2 * scale, 2 * scale);
    return o;
}

Scene scene(std::vector<SceneObject> objects) {
    Scene s;
    s.width = s.height = 256;
    s.objects = std::move(objects);
    return s;
}

::testing::AssertionResult accepts(const Scene& s, const std::string& sentence, std::vector<int> intended) {
    const auto e = parseExpression(sentence);
    if (!e) return ::testing::AssertionFailure() << "'" << sentence << "' does not parse";
    const auto check = checkExpression(s, *e);
    if (!check.valid) return ::testing::AssertionFailure() << "'" << sentence << "' rejected: " << check.reason;
    if (!picksOutExactly(s, *e, intended)) {
        std::ostringstream got;
        for (int r : check.referents) got << r << " ";
        return ::testing::AssertionFailure() << "'" << sentence << "' picks out { " << got.str() << "}";
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult rejects(const Scene& s, const std::string& sentence, const std::string& reasonPart = "") {
    const auto e = parseExpression(sentence);
    if (!e) return ::testing::AssertionFailure() << "'" << sentence << "' does not parse";
    const auto check = checkExpression(s, *e);
    if (check.valid) return ::testing::AssertionFailure() << "'" << sentence << "' accepted";
    if (check.reason.find(reasonPart) == std::string::npos)
        return ::testing::AssertionFailure() << "'" << sentence << "' rejected for another reason: " << check.reason;
    return ::testing::AssertionSuccess();
}

} // namespace

// ============================================================================================
// Generated data set
// ============================================================================================

TEST_F(ShapesDataset, SameSeedIsByteIdenticalForAnyNumberOfThreadsOtherSeedDiffers) {
    for (const char* file : {"instances.json", "refs.json", "dataset.json"})
        EXPECT_EQ(rlfseg::readFileToString((dir("a") / file).string()), rlfseg::readFileToString((dir("a2") / file).string()))
            << file;
    const auto names = listImages(dir("a"));
    ASSERT_EQ(names.size(), 35u);
    EXPECT_EQ(names, listImages(dir("a2")));
    for (const auto& n : names)
        EXPECT_EQ(rlfseg::readFileToString((dir("a") / "images" / n).string()),
                  rlfseg::readFileToString((dir("a2") / "images" / n).string()))
            << n;

    EXPECT_NE(rlfseg::readFileToString((dir("a") / "instances.json").string()),
              rlfseg::readFileToString((dir("b") / "instances.json").string()));
    EXPECT_NE(rlfseg::readFileToString((dir("a") / "refs.json").string()),
              rlfseg::readFileToString((dir("b") / "refs.json").string()));
    int differing = 0;
    for (const auto& n : names)
        differing += rlfseg::readFileToString((dir("a") / "images" / n).string()) !=
                     rlfseg::readFileToString((dir("b") / "images" / n).string());
    EXPECT_EQ(differing, int(names.size()));
}

TEST_F(ShapesDataset, ProgressReportsEveryImage) {
    EXPECT_EQ(progressCalls(), 35);
    EXPECT_EQ(progressLast(), 35);
    EXPECT_EQ(progressTotal(), 35);
    EXPECT_TRUE(progressInOrder()); // 1, 2, ..., 35 although three workers drew the images
}

TEST(ShapesGenerator, AWorkersFailureIsReportedAsAnError) {
    const fs::path dir = rlfseg::test::makeTempDir("shapes-fail");
    fs::create_directories(dir / "images" / "000007.png"); // a folder where image 7 must go
    try {
        generateShapesDataset(dir.string(), smallOptions(3), {}, 4);
        FAIL() << "expected an error";
    } catch (const rlfseg::Error& e) {
        EXPECT_NE(std::string(e.what()).find("000007.png"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir / "refs.json"));
}

TEST_F(ShapesDataset, FormatAndCategories) {
    const Loaded d = load(dir("a"));
    const auto& cats = d.instances["categories"];
    ASSERT_EQ(cats.size(), 10u);
    const std::vector<std::string> expected = {"circle",  "square",  "rectangle", "triangle", "star",
                                               "hexagon", "ellipse", "cross",     "heart",    "diamond"};
    for (size_t i = 0; i < 10; ++i) {
        EXPECT_EQ(cats[i]["id"].get<int>(), int(i) + 1);
        EXPECT_EQ(cats[i]["name"].get<std::string>(), expected[i]);
    }
    for (const auto& [id, im] : d.images) {
        EXPECT_EQ(im["file_name"].get<std::string>().find('/'), std::string::npos);
        EXPECT_TRUE(fs::is_regular_file(dir("a") / "images" / im["file_name"].get<std::string>()));
        EXPECT_EQ(im["width"].get<int>(), 256);
        EXPECT_EQ(im["height"].get<int>(), 256);
        const cv::Mat img = cv::imread((dir("a") / "images" / im["file_name"].get<std::string>()).string());
        EXPECT_EQ(img.cols, 256);
        EXPECT_EQ(img.rows, 256);
    }
    for (const auto& [id, a] : d.annotations) {
        EXPECT_EQ(a["iscrowd"].get<int>(), 0);
        EXPECT_TRUE(a["segmentation"]["counts"].is_string());
        EXPECT_EQ(a["segmentation"]["size"], json::array({256, 256}));
        EXPECT_TRUE(a.contains("color") && a.contains("size"));
        EXPECT_FALSE(a.contains("segmentation_clean")); // no noise requested
    }
    for (const auto& r : d.refs) {
        for (const char* key : {"ref_id", "image_id", "ann_ids", "split", "sentences"}) EXPECT_TRUE(r.contains(key)) << key;
        ASSERT_EQ(r["sentences"].size(), 1u);
        EXPECT_TRUE(r["sentences"][0]["sent"].is_string());
    }
    EXPECT_EQ(d.dataset["options"]["images"].get<int>(), 30);
}

TEST_F(ShapesDataset, SplitsArePresentAndDisjoint) {
    const Loaded d = load(dir("a"));
    std::map<std::string, std::set<int>> imagesBySplit;
    for (const auto& [id, im] : d.images) imagesBySplit[im["split"].get<std::string>()].insert(id);
    for (const char* split : {"train", "val", "test", "test_unseen", "test_style"}) {
        EXPECT_FALSE(imagesBySplit[split].empty()) << split;
        EXPECT_EQ(d.dataset["splits"][split]["images"].get<int>(), int(imagesBySplit[split].size())) << split;
    }
    EXPECT_EQ(imagesBySplit.size(), 5u);
    size_t total = 0;
    for (const auto& [split, ids] : imagesBySplit) total += ids.size();
    EXPECT_EQ(total, d.images.size()); // each image in exactly one split
    EXPECT_EQ(imagesBySplit["train"].size(), 21u);
    EXPECT_EQ(imagesBySplit["test_style"].size(), 5u);
    std::set<int> refIds;
    for (const auto& r : d.refs) {
        EXPECT_TRUE(refIds.insert(r["ref_id"].get<int>()).second);
        const int imageId = r["image_id"].get<int>();
        EXPECT_EQ(r["split"], d.images.at(imageId)["split"]);
    }
    for (const auto& [id, im] : d.images) {
        EXPECT_EQ(im["style"].get<std::string>(), im["split"] == "test_style" ? "second" : "main");
    }
}

TEST_F(ShapesDataset, UnseenPairsOnlyInTestUnseen) {
    const Loaded d = load(dir("a"));
    std::set<std::pair<std::string, std::string>> unseen;
    for (const auto& p : ShapesOptions{}.unseenPairs) unseen.insert(p);
    std::set<int> unseenImagesWithPair;
    for (const auto& [id, a] : d.annotations) {
        const int imageId = a["image_id"].get<int>();
        const bool isUnseen = unseen.count({a["color"].get<std::string>(), shapeOf(a)}) > 0;
        if (d.images.at(imageId)["split"] != "test_unseen") EXPECT_FALSE(isUnseen) << "annotation " << id;
        else if (isUnseen) unseenImagesWithPair.insert(imageId);
    }
    int unseenImages = 0;
    for (const auto& [id, im] : d.images)
        if (im["split"] == "test_unseen") {
            ++unseenImages;
            EXPECT_TRUE(unseenImagesWithPair.count(id)) << "test_unseen image " << id << " lacks an unseen pair";
        }
    EXPECT_GT(unseenImages, 0);
    int unseenRefs = 0;
    for (const auto& r : d.refs) {
        if (r["split"] != "test_unseen") continue;
        ++unseenRefs;
        const auto e = parseExpression(r["sentences"][0]["sent"].get<std::string>());
        ASSERT_TRUE(e);
        EXPECT_TRUE(unseen.count({e->target.color, e->target.shape})) << r.dump();
        bool refersToPair = false;
        for (const auto& annId : r["ann_ids"]) {
            const auto& a = d.annotations.at(annId.get<int>());
            refersToPair = refersToPair || unseen.count({a["color"].get<std::string>(), shapeOf(a)});
        }
        EXPECT_TRUE(refersToPair) << r.dump();
    }
    EXPECT_GT(unseenRefs, 0);
}

TEST_F(ShapesDataset, SentencesUseOnlyTheVocabularyAndParse) {
    for (const auto& g : templateGlueWords())
        EXPECT_TRUE(shapesMdWords().count(g) || glueWords().count(g)) << "library glue word '" << g << "'";
    const Loaded d = load(dir("a"));
    std::map<int, std::set<std::string>> sentencesOfImage;
    std::map<int, int> refsOfImage;
    std::set<std::string> kinds;
    for (const auto& r : d.refs) {
        const std::string sent = r["sentences"][0]["sent"].get<std::string>();
        for (const auto& w : words(sent))
            EXPECT_TRUE(shapesMdWords().count(w) || glueWords().count(w)) << "'" << w << "' in '" << sent << "'";
        const auto e = parseExpression(sent);
        ASSERT_TRUE(e) << sent;
        EXPECT_EQ(toSentence(*e), sent);
        EXPECT_EQ(r["kind"].get<std::string>(), kindName(e->kind));
        kinds.insert(kindName(e->kind));
        const int imageId = r["image_id"].get<int>();
        EXPECT_TRUE(sentencesOfImage[imageId].insert(sent).second) << "duplicate sentence '" << sent << "'";
        ++refsOfImage[imageId];
    }
    EXPECT_EQ(refsOfImage.size(), d.images.size()); // every image has at least one expression
    for (const auto& [id, n] : refsOfImage) EXPECT_LE(n, 3);
    EXPECT_GE(kinds.size(), 5u) << "too little variety in the templates";
}

TEST_F(ShapesDataset, EveryExpressionPicksOutExactlyItsObjects) {
    for (const char* name : {"a", "noisy"}) {
        const Loaded d = load(dir(name));
        std::map<int, Scene> scenes;
        for (const auto& [id, im] : d.images) scenes[id] = sceneOf(d, id);
        for (const auto& r : d.refs) {
            const int imageId = r["image_id"].get<int>();
            const auto e = parseExpression(r["sentences"][0]["sent"].get<std::string>());
            ASSERT_TRUE(e);
            const auto& anns = d.annsOfImage.at(imageId);
            std::vector<int> intended;
            for (const auto& annId : r["ann_ids"]) {
                const auto it = std::find(anns.begin(), anns.end(), annId.get<int>());
                ASSERT_NE(it, anns.end()) << "ref " << r["ref_id"] << " points outside its image";
                intended.push_back(int(it - anns.begin()));
            }
            const auto check = checkExpression(scenes.at(imageId), *e);
            EXPECT_TRUE(check.valid) << r.dump() << ": " << check.reason;
            EXPECT_TRUE(picksOutExactly(scenes.at(imageId), *e, intended)) << r.dump();
            if (e->kind == ExpressionKind::All || e->kind == ExpressionKind::Count) EXPECT_GE(intended.size(), 2u);
            else EXPECT_EQ(intended.size(), 1u);
        }
    }
}

TEST_F(ShapesDataset, MasksAreNonEmptyInsideAndConsistent) {
    const Loaded d = load(dir("a"));
    for (const auto& [id, a] : d.annotations) {
        const auto rle = rleOf(a["segmentation"]);
        const cv::Mat mask = rlfseg::coco::decode(rle);
        ASSERT_EQ(mask.rows, 256);
        ASSERT_EQ(mask.cols, 256);
        const int n = cv::countNonZero(mask);
        EXPECT_GT(n, 0) << "annotation " << id;
        EXPECT_EQ(a["area"].get<int>(), n);
        const cv::Rect box = rlfseg::maskBox(mask);
        EXPECT_EQ(a["bbox"], json::array({double(box.x), double(box.y), double(box.width), double(box.height)}));
        EXPECT_GE(box.x, 0);
        EXPECT_GE(box.y, 0);
        EXPECT_LE(box.x + box.width, 256);
        EXPECT_LE(box.y + box.height, 256);
    }
    // Visible parts never overlap within an image.
    for (const auto& [imageId, annIds] : d.annsOfImage) {
        cv::Mat sum = cv::Mat::zeros(256, 256, CV_8UC1);
        for (int annId : annIds) sum += rlfseg::coco::decode(rleOf(d.annotations.at(annId)["segmentation"]));
        double maxValue = 0;
        cv::minMaxLoc(sum, nullptr, &maxValue);
        EXPECT_LE(maxValue, 1.0) << "image " << imageId;
    }
}

void expectMaskPixelsHaveTheObjectsColour(const fs::path& dir) {
    std::vector<std::pair<std::string, cv::Vec3d>> anchors;
    for (const auto& c : colorNames()) {
        const cv::Vec3b a = namedColorRgb(c);
        anchors.push_back({c, cv::Vec3d(a[0], a[1], a[2])});
    }
    const Loaded d = load(dir);
    int checked = 0;
    for (const auto& [imageId, annIds] : d.annsOfImage) {
        cv::Mat bgr = cv::imread((dir / "images" / d.images.at(imageId)["file_name"].get<std::string>()).string());
        ASSERT_FALSE(bgr.empty());
        cv::Mat rgb;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        for (int annId : annIds) {
            const json& a = d.annotations.at(annId);
            const cv::Mat mask = rlfseg::coco::decode(rleOf(a["segmentation"]));
            cv::Mat core;
            cv::erode(mask, core, cv::Mat()); // away from anti-aliased edges
            if (cv::countNonZero(core) < 10) core = mask;
            std::vector<std::vector<int>> channel(3);
            for (int y = 0; y < 256; ++y)
                for (int x = 0; x < 256; ++x)
                    if (core.at<uchar>(y, x))
                        for (int c = 0; c < 3; ++c) channel[size_t(c)].push_back(rgb.at<cv::Vec3b>(y, x)[c]);
            cv::Vec3d median;
            for (int c = 0; c < 3; ++c) {
                auto& v = channel[size_t(c)];
                std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
                median[c] = v[v.size() / 2];
            }
            std::string nearest;
            double best = 1e9;
            for (const auto& [name, anchor] : anchors)
                if (cv::norm(median - anchor) < best) best = cv::norm(median - anchor), nearest = name;
            EXPECT_EQ(nearest, a["color"].get<std::string>())
                << "annotation " << annId << " in image " << imageId << ": median colour " << median;
            ++checked;
        }
    }
    EXPECT_GT(checked, 50);
}

TEST_F(ShapesDataset, MaskPixelsHaveTheObjectsColour) { expectMaskPixelsHaveTheObjectsColour(dir("a")); }

TEST_F(ShapesDataset, MaskPixelsHaveTheObjectsColourInTheVariedStyle) {
    expectMaskPixelsHaveTheObjectsColour(dir("varied"));
}

TEST_F(ShapesDataset, TheVariedStyleChangesTrainImagesOnly) {
    const Loaded plain = load(dir("a")), varied = load(dir("varied"));
    const std::set<std::string> variedBackgrounds = {"blotches", "waves", "cells", "spots"};
    const std::set<std::string> heldOutTextures = {"checker", "grid", "rings"};
    int trainImages = 0;
    for (const auto& [id, im] : plain.images) {
        const json& v = varied.images.at(id);
        const std::string file = im["file_name"].get<std::string>();
        const bool same = rlfseg::readFileToString((dir("a") / "images" / file).string()) ==
                          rlfseg::readFileToString((dir("varied") / "images" / file).string());
        if (im["split"] != "train") {
            EXPECT_TRUE(same) << "image " << id << " of " << im["split"] << " changed";
            EXPECT_EQ(v, im);
            continue;
        }
        ++trainImages;
        EXPECT_FALSE(same) << "train image " << id;
        EXPECT_EQ(v["style"], "varied");
        EXPECT_TRUE(variedBackgrounds.count(v["background"].get<std::string>())) << v["background"];
    }
    EXPECT_EQ(trainImages, 21);
    std::set<std::string> textures;
    for (const auto& [id, a] : varied.annotations) {
        const std::string t = a["texture"].get<std::string>();
        const bool train = varied.images.at(a["image_id"].get<int>())["split"] == "train";
        if (train) textures.insert(t);
        if (train) EXPECT_FALSE(heldOutTextures.count(t)) << "train annotation " << id << " has the held-out texture " << t;
    }
    EXPECT_TRUE(textures.count("waves") && textures.count("speckle")) << "the varied style's own textures are drawn";
    // Ids of later refs and annotations shift with the train images' counts; what they say does not.
    auto heldOutSentences = [](const Loaded& d) {
        std::vector<std::pair<int, std::string>> s;
        for (const auto& r : d.refs)
            if (r["split"] != "train") s.emplace_back(r["image_id"].get<int>(), r["sentences"][0]["sent"].get<std::string>());
        return s;
    };
    EXPECT_FALSE(heldOutSentences(plain).empty());
    EXPECT_EQ(heldOutSentences(varied), heldOutSentences(plain));
    EXPECT_EQ(varied.dataset["options"]["varied_train_fraction"].get<double>(), 1.0);
}

TEST_F(ShapesDataset, DarkVariedImagesHaveDarkBackgroundsAndChangeNothingElse) {
    // The median luminance of an image is its background's (objects cover a small part of it).
    auto medianLuminance = [](const fs::path& file) {
        cv::Mat gray = cv::imread(file.string(), cv::IMREAD_GRAYSCALE);
        std::vector<uchar> v(gray.begin<uchar>(), gray.end<uchar>());
        std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
        return int(v[v.size() / 2]);
    };
    const Loaded light = load(dir("varied")), dark = load(dir("varied-dark")), half = load(dir("varied-half-dark"));
    double lightSum = 0, darkSum = 0;
    int train = 0, halfDark = 0;
    for (const auto& [id, im] : dark.images) {
        const std::string file = im["file_name"].get<std::string>();
        if (im["split"] != "train") {
            EXPECT_EQ(im, light.images.at(id));
            EXPECT_EQ(rlfseg::readFileToString((dir("varied") / "images" / file).string()),
                      rlfseg::readFileToString((dir("varied-dark") / "images" / file).string()))
                << "image " << id << " of " << im["split"] << " changed";
            continue;
        }
        ++train;
        EXPECT_EQ(im.value("tone", ""), "dark") << "image " << id;
        EXPECT_FALSE(light.images.at(id).contains("tone"));
        const int l = medianLuminance(dir("varied-dark") / "images" / file);
        EXPECT_LE(l, 115) << "image " << id << ": HSV value at most 0.40, with lighting and grain";
        darkSum += l;
        lightSum += medianLuminance(dir("varied") / "images" / file);
        halfDark += half.images.at(id).value("tone", "") == "dark";
    }
    ASSERT_EQ(train, 21);
    EXPECT_LT(darkSum / train, lightSum / train - 60);
    EXPECT_GE(halfDark, 5);
    EXPECT_LE(halfDark, 16);
    EXPECT_EQ(dark.dataset["options"]["varied_dark_fraction"].get<double>(), 1.0);
    EXPECT_FALSE(light.dataset["options"].contains("varied_dark_fraction")) << "unused: not written";
}

TEST_F(ShapesDataset, MaskPixelsHaveTheObjectsColourOnDarkVariedImages) {
    expectMaskPixelsHaveTheObjectsColour(dir("varied-dark"));
}

TEST_F(ShapesDataset, APartlyVariedTrainSplitKeepsItsOtherImages) {
    const Loaded plain = load(dir("a")), half = load(dir("half-varied"));
    int variedImages = 0, mainTrainImages = 0;
    for (const auto& [id, im] : half.images) {
        if (im["style"] == "varied") {
            ++variedImages;
            continue;
        }
        EXPECT_EQ(im, plain.images.at(id));
        const std::string file = im["file_name"].get<std::string>();
        EXPECT_EQ(rlfseg::readFileToString((dir("a") / "images" / file).string()),
                  rlfseg::readFileToString((dir("half-varied") / "images" / file).string()))
            << "image " << id << " is not varied and yet changed";
        mainTrainImages += im["split"] == "train";
    }
    // 21 train images at 0.5: anything but (almost) all or none.
    EXPECT_GE(variedImages, 5);
    EXPECT_GE(mainTrainImages, 5);
    EXPECT_EQ(variedImages + mainTrainImages, 21);
}

TEST_F(ShapesDataset, NoiseChangesTrainMasksOnly) {
    const Loaded clean = load(dir("a")), noisy = load(dir("noisy"));
    for (const auto& n : listImages(dir("a")))
        EXPECT_EQ(rlfseg::readFileToString((dir("a") / "images" / n).string()),
                  rlfseg::readFileToString((dir("noisy") / "images" / n).string()))
            << "noise must not change images: " << n;
    EXPECT_EQ(clean.refs, noisy.refs);
    ASSERT_EQ(clean.annotations.size(), noisy.annotations.size());
    int trainAnns = 0, changed = 0;
    for (const auto& [id, c] : clean.annotations) {
        const json& n = noisy.annotations.at(id);
        const bool train = clean.images.at(c["image_id"].get<int>())["split"] == "train";
        if (!train) {
            EXPECT_EQ(n, c) << "non-train annotation " << id << " changed";
            continue;
        }
        ++trainAnns;
        ASSERT_TRUE(n.contains("segmentation_clean"));
        EXPECT_EQ(n["segmentation_clean"], c["segmentation"]);
        const cv::Mat noisyMask = rlfseg::coco::decode(rleOf(n["segmentation"]));
        EXPECT_GT(cv::countNonZero(noisyMask), 0);
        if (n["segmentation"] != c["segmentation"]) ++changed;
    }
    EXPECT_GT(trainAnns, 0);
    EXPECT_EQ(changed, trainAnns);
}

TEST(ShapesGenerator, OptionsAreValidated) {
    const auto dir = rlfseg::test::makeTempDir("shapes-options");
    auto expectError = [&](ShapesOptions o, const std::string& needle) {
        try {
            generateShapesDataset(dir.string(), o);
            ADD_FAILURE() << "no error for " << needle;
        } catch (const rlfseg::Error& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
    };
    ShapesOptions o;
    o.unseenPairs = {{"magenta", "circle"}};
    expectError(o, "magenta");
    o = ShapesOptions{};
    o.unseenPairs = {{"red", "blob"}};
    expectError(o, "blob");
    o = ShapesOptions{};
    o.valFraction = 0.7;
    o.testFraction = 0.5;
    expectError(o, "fractions");
    o = ShapesOptions{};
    o.width = 8;
    expectError(o, "width");
    o = ShapesOptions{};
    o.minObjects = 4;
    o.maxObjects = 2;
    expectError(o, "objects");
    o = ShapesOptions{};
    o.noise.shiftPx = -1;
    expectError(o, "noise");
    o = ShapesOptions{};
    o.variedTrainFraction = 1.5;
    expectError(o, "varied");
    o = ShapesOptions{};
    o.variedDarkFraction = -0.1;
    expectError(o, "dark share");
    o = ShapesOptions{};
    o.variedDarkFraction = 0.4; // no varied images to darken
    expectError(o, "needs varied images");
    o.variedTrainFraction = 0.5;
    EXPECT_NO_THROW(validateShapesOptions(o));
    EXPECT_FALSE(fs::exists(dir / "instances.json"));
}

TEST(ShapesGenerator, NonSquareImagesAndNoUnseenPairs) {
    const auto dir = rlfseg::test::makeTempDir("shapes-wide");
    ShapesOptions o;
    o.images = 6;
    o.width = 320;
    o.height = 192;
    o.unseenPairs.clear();
    o.valFraction = o.testFraction = 0;
    o.expressionsPerImage = 5;
    generateShapesDataset(dir.string(), o);
    const Loaded d = load(dir);
    EXPECT_EQ(d.images.size(), 6u);
    for (const auto& [id, im] : d.images) {
        EXPECT_EQ(im["split"], "train");
        const cv::Mat img = cv::imread((dir / "images" / im["file_name"].get<std::string>()).string());
        EXPECT_EQ(img.cols, 320);
        EXPECT_EQ(img.rows, 192);
    }
    for (const auto& [id, a] : d.annotations) EXPECT_EQ(a["segmentation"]["size"], json::array({192, 320}));
    EXPECT_EQ(d.dataset["splits"]["test_unseen"]["images"].get<int>(), 0);
}

// ============================================================================================
// The checker on hand-built scenes
// ============================================================================================

TEST(ExpressionChecker, DuplicatesNeedPlurals) {
    const Scene s = scene({object("red", "circle", 50, 50), object("red", "circle", 200, 200),
                           object("blue", "square", 128, 128)});
    EXPECT_TRUE(rejects(s, "the red circle", "names 2 objects"));
    EXPECT_TRUE(rejects(s, "the circle"));
    EXPECT_TRUE(accepts(s, "the two red circles", {0, 1}));
    EXPECT_TRUE(accepts(s, "the two circles", {0, 1}));
    EXPECT_TRUE(accepts(s, "all red circles", {0, 1}));
    EXPECT_TRUE(accepts(s, "all red shapes", {0, 1}));
    EXPECT_TRUE(accepts(s, "every red circle", {1, 0}));
    EXPECT_TRUE(accepts(s, "every red object", {0, 1}));
    EXPECT_TRUE(rejects(s, "the three red circles", "count says 3"));
    EXPECT_TRUE(rejects(s, "all blue squares", "plural names 1"));
    EXPECT_TRUE(rejects(s, "all shapes", "too vague"));
    EXPECT_TRUE(rejects(s, "the shape", "too vague"));
    EXPECT_TRUE(accepts(s, "the blue square", {2}));
    EXPECT_TRUE(accepts(s, "the square", {2}));
    EXPECT_TRUE(accepts(s, "the blue object", {2}));
    // A modifier can single one out.
    EXPECT_TRUE(accepts(s, "the red circle on the left", {0}));
    EXPECT_TRUE(accepts(s, "the red circle at the bottom", {1}));
    EXPECT_TRUE(accepts(s, "the leftmost red circle", {0}));
    EXPECT_TRUE(accepts(s, "the red circle above the blue square", {0}));
    EXPECT_TRUE(accepts(s, "the circle below the square", {1}));
}

TEST(ExpressionChecker, LeftmostSemantics) {
    // Clear winner among the squares; a circle further left does not count (not a candidate).
    Scene s = scene({object("green", "square", 100, 128), object("red", "circle", 10, 40), object("red", "square", 40, 200),
                     object("blue", "square", 200, 60)});
    EXPECT_TRUE(accepts(s, "the leftmost square", {2}));
    EXPECT_TRUE(accepts(s, "the rightmost square", {3}));
    EXPECT_TRUE(accepts(s, "the leftmost shape", {1}));
    EXPECT_TRUE(accepts(s, "the leftmost red shape", {1}));
    EXPECT_TRUE(accepts(s, "the topmost square", {3}));
    EXPECT_TRUE(accepts(s, "the bottommost object", {2}));
    // A single candidate: a superlative needs at least two.
    EXPECT_TRUE(rejects(s, "the leftmost circle", "at least two"));
    // Nearly tied (4 px apart, under 2 % of the width): nobody is clearly leftmost.
    s = scene({object("red", "square", 40, 60), object("red", "square", 44, 200), object("red", "square", 200, 128)});
    EXPECT_TRUE(rejects(s, "the leftmost square", "names 0"));
    // 10 px apart (4 % of the width): in the unclear band, rejected as borderline.
    s = scene({object("red", "square", 40, 60), object("red", "square", 50, 200)});
    EXPECT_TRUE(rejects(s, "the leftmost square", "borderline"));
    // 20 px apart (8 %): clear.
    s = scene({object("red", "square", 40, 60), object("red", "square", 60, 200)});
    EXPECT_TRUE(accepts(s, "the leftmost square", {0}));
    EXPECT_TRUE(accepts(s, "the rightmost red square", {1}));
}

TEST(ExpressionChecker, SizesAreRelativeToTheWholeImage) {
    Scene s = scene({object("red", "circle", 40, 128, 10), object("red", "circle", 128, 128, 20),
                     object("red", "circle", 210, 128, 40)});
    EXPECT_TRUE(accepts(s, "the small circle", {0}));
    EXPECT_TRUE(accepts(s, "the medium circle", {1}));
    EXPECT_TRUE(accepts(s, "the large circle", {2}));
    EXPECT_TRUE(accepts(s, "the large shape", {2}));
    EXPECT_EQ(sizeTruth(s, 1, "medium"), Truth::True);
    EXPECT_EQ(sizeTruth(s, 1, "large"), Truth::False);
    // Ratio 1.1: neither clearly larger nor clearly the same.
    s = scene({object("red", "circle", 40, 128, 20), object("red", "circle", 200, 128, 22)});
    EXPECT_EQ(sizeTruth(s, 1, "large"), Truth::Unclear);
    EXPECT_TRUE(rejects(s, "the large circle", "borderline"));
    // Image-relative: a smaller star makes the smaller circle "medium", not "small".
    s = scene({object("red", "circle", 40, 60, 20), object("red", "circle", 200, 60, 30), object("blue", "star", 128, 200, 10)});
    EXPECT_TRUE(rejects(s, "the small circle", "names 0"));
    EXPECT_TRUE(accepts(s, "the medium circle", {0}));
    EXPECT_TRUE(accepts(s, "the large circle", {1}));
    EXPECT_TRUE(accepts(s, "the small shape", {2}));
    // One object: no size word applies.
    s = scene({object("red", "circle", 40, 60, 20)});
    EXPECT_TRUE(rejects(s, "the large circle"));
}

TEST(ExpressionChecker, PositionsAreImageRegions) {
    Scene s = scene({object("red", "triangle", 0.2 * 256, 128), object("blue", "triangle", 0.8 * 256, 128)});
    EXPECT_TRUE(accepts(s, "the triangle on the left", {0}));
    EXPECT_TRUE(accepts(s, "the triangle on the right", {1}));
    EXPECT_TRUE(rejects(s, "the triangle at the top", "names 0"));
    EXPECT_EQ(positionTruth(s, 0, "left"), Truth::True);
    EXPECT_EQ(positionTruth(s, 0, "center"), Truth::False);
    s.objects.push_back(object("green", "triangle", 0.44 * 256, 40));
    EXPECT_EQ(positionTruth(s, 2, "left"), Truth::Unclear);
    EXPECT_TRUE(rejects(s, "the triangle on the left", "borderline"));
    EXPECT_TRUE(accepts(s, "the triangle at the top", {2}));
    s = scene({object("red", "star", 128, 130), object("red", "heart", 30, 30)});
    EXPECT_TRUE(accepts(s, "the red shape in the center", {0}));
    EXPECT_TRUE(accepts(s, "the red shape at the top", {1}));
}

TEST(ExpressionChecker, Relations) {
    Scene s = scene({object("red", "circle", 128, 60), object("blue", "square", 128, 150), object("green", "star", 200, 150)});
    EXPECT_TRUE(accepts(s, "the red circle above the blue square", {0}));
    EXPECT_TRUE(accepts(s, "the shape above the blue square", {0}));
    EXPECT_TRUE(accepts(s, "the star right of the blue square", {2}));
    EXPECT_TRUE(accepts(s, "the square left of the star", {1}));
    EXPECT_TRUE(accepts(s, "the square below the circle", {1}));
    EXPECT_TRUE(rejects(s, "the circle below the blue square", "names 0"));
    // Star box 180..220 vs square box 108..148: a 32 px gap is not "next to".
    EXPECT_TRUE(rejects(s, "the star next to the square", "names 0"));
    s.objects[2] = object("green", "star", 170, 150); // box 150..190: 2 px gap
    EXPECT_TRUE(accepts(s, "the star next to the square", {2}));
    EXPECT_TRUE(accepts(s, "the shape next to the blue square", {2})); // the circle's gap is 50 px
    // 50 degrees off the vertical: in the unclear band between 45 and 60 degrees.
    s = scene({object("red", "circle", 128 + 60, 150 - 50), object("blue", "square", 128, 150)});
    EXPECT_TRUE(rejects(s, "the circle above the square", "borderline"));
    // 70 degrees off: clearly not above, but right of.
    s = scene({object("red", "circle", 128 + 80, 150 - 29), object("blue", "square", 128, 150)});
    EXPECT_TRUE(rejects(s, "the circle above the square", "names 0"));
    EXPECT_TRUE(accepts(s, "the circle right of the square", {0}));
    // The landmark must be unique and specific.
    s = scene({object("red", "circle", 128, 40), object("blue", "square", 60, 150), object("blue", "square", 200, 150)});
    EXPECT_TRUE(rejects(s, "the red circle above the blue square", "landmark names 2"));
    EXPECT_TRUE(rejects(s, "the red circle above the shape", "landmark"));
}

TEST(ExpressionChecker, SentencesRoundTripAndJunkIsRefused) {
    for (const std::string sent :
         {"the red circle", "the circle", "the red shape", "the green object", "the large star", "the small red shape",
          "the medium blue object", "the triangle on the left", "the red square on the right", "the shape at the top",
          "the hexagon at the bottom", "the star in the center", "the leftmost square", "the topmost red shape",
          "the rightmost object", "the bottommost blue cross", "the hexagon above the blue ellipse",
          "the red shape below the star", "the circle left of the green object", "the cross right of the heart",
          "the object next to the yellow diamond", "all green shapes", "all circles", "all red crosses",
          "every blue object", "every ellipse", "the two squares", "the three red shapes", "the six objects"}) {
        const auto e = parseExpression(sent);
        ASSERT_TRUE(e) << sent;
        EXPECT_EQ(toSentence(*e), sent);
    }
    EXPECT_EQ(parseExpression("the hexagon above the blue ellipse")->kind, ExpressionKind::Relation);
    EXPECT_EQ(parseExpression("the hexagon above the blue ellipse")->landmark.color, "blue");
    EXPECT_EQ(parseExpression("every blue object")->modifier, "every");
    EXPECT_EQ(parseExpression("the two squares")->count, 2);
    for (const std::string junk :
         {"", "the", "red circle", "the red", "the large circle on the left", "the circle above red circle",
          "the circle above the", "all circle", "every circles", "the two square", "the one square", "the  circle",
          "the circle on the middle", "the leftmost large circle", "the magenta circle", "The red circle"})
        EXPECT_FALSE(parseExpression(junk)) << "'" << junk << "'";
    EXPECT_EQ(pluralOf("cross"), "crosses");
    EXPECT_EQ(pluralOf("ellipse"), "ellipses");
    EXPECT_EQ(categoryId("circle"), 1);
    EXPECT_EQ(categoryId("diamond"), 10);
    EXPECT_THROW(categoryId("blob"), rlfseg::Error);
}
