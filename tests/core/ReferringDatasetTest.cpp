// ReferringDataset (core/data/ReferringDataset.h): a generated shapes data set read back, a
// hand-written one with every segmentation form, and malformed files with their messages.

#include "core/coco/Rle.h"
#include "core/data/ReferringDataset.h"
#include "core/data/ShapesGenerator.h"
#include "core/util/Error.h"

#include "TestSupport.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>

using namespace rlfseg::data;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

TEST(ReferringDataset, ReadsGeneratedShapesDataset) {
    const fs::path dir = rlfseg::test::makeTempDir("referring-shapes");
    ShapesOptions options;
    options.images = 24;
    options.styleImages = 2;
    options.width = options.height = 96;
    options.seed = 5;
    options.noise.dilateErodePx = 2; // train annotations get "segmentation_clean"
    generateShapesDataset(dir.string(), options);

    const ReferringDataset ds = ReferringDataset::open(dir.string());
    const json info = json::parse(rlfseg::test::readBytes(dir / "dataset.json"));
    const json instances = json::parse(rlfseg::test::readBytes(dir / "instances.json"));
    EXPECT_EQ(ds.imageCount(), instances["images"].size());
    EXPECT_EQ(ds.annotationCount(), instances["annotations"].size());

    const std::set<std::string> splits(ds.splits().begin(), ds.splits().end());
    size_t plural = 0, trainDiffer = 0, checked = 0;
    for (const auto& [split, counts] : info["splits"].items()) {
        const auto samples = ds.samples(split);
        EXPECT_EQ(samples.size(), counts["sentences"].get<size_t>()) << split;
        std::set<int> refs;
        for (const auto& s : samples) refs.insert(s.refId);
        EXPECT_EQ(refs.size(), counts["refs"].get<size_t>()) << split;
        EXPECT_EQ(splits.count(split), counts["refs"].get<int>() > 0 ? 1u : 0u) << split;

        for (const auto& s : samples) {
            EXPECT_EQ(s.split, split);
            EXPECT_FALSE(s.sentence.empty());
            EXPECT_FALSE(s.kind.empty()) << s.sentence; // refs.json names each expression's kind
            EXPECT_TRUE(fs::exists(s.imagePath)) << s.imagePath;
            const cv::Mat mask = ds.maskFor(s);
            ASSERT_EQ(mask.type(), CV_8UC1);
            EXPECT_EQ(mask.size(), ds.imageSize(s.imageId));
            EXPECT_EQ(mask.size(), cv::Size(96, 96));
            EXPECT_GT(cv::countNonZero(mask), 0) << "ref " << s.refId;
            EXPECT_EQ(cv::countNonZero(mask), cv::countNonZero(mask == 255)) << "values other than 0 and 255";

            // The union is the OR of the single annotations.
            cv::Mat expected = cv::Mat::zeros(mask.size(), CV_8UC1);
            for (int annId : s.annIds) {
                ReferringSample one = s;
                one.annIds = {annId};
                expected |= ds.maskFor(one);
            }
            EXPECT_EQ(cv::countNonZero(expected != mask), 0) << "ref " << s.refId;
            if (s.annIds.size() > 1) ++plural;

            const cv::Mat clean = ds.maskFor(s, true);
            const int differing = cv::countNonZero(clean != mask);
            if (split == "train") trainDiffer += differing > 0;
            else EXPECT_EQ(differing, 0) << split << " annotations have no noise";
            ++checked;
        }
    }
    EXPECT_GT(checked, 0u);
    EXPECT_GT(plural, 0u) << "no plural ref in the generated set";
    EXPECT_GT(trainDiffer, 0u) << "the clean flag changed no train mask";

    // One annotation decoded directly from instances.json matches.
    const json& a0 = instances["annotations"][0];
    ReferringSample direct;
    direct.imageId = a0["image_id"].get<int>();
    direct.annIds = {a0["id"].get<int>()};
    const cv::Mat decoded = rlfseg::coco::decode(rlfseg::coco::fromCocoJson(a0["segmentation"])) * 255;
    EXPECT_EQ(cv::countNonZero(decoded != ds.maskFor(direct)), 0);

    EXPECT_TRUE(ds.samples("no-such-split").empty());
    EXPECT_THROW(ds.imageSize(-5), rlfseg::Error);
}

// ---- A hand-written data set: one 4 x 6 image (h 4, w 6), one annotation of each form ----

cv::Mat knownMask() {
    cv::Mat m = cv::Mat::zeros(4, 6, CV_8UC1);
    m(cv::Rect(0, 0, 2, 2)).setTo(1); // x 0..1, y 0..1
    return m;
}

json baseInstances() {
    json instances;
    instances["images"] = json::array({{{"id", 1}, {"file_name", "a.png"}, {"width", 6}, {"height", 4}},
                                       {{"id", 2}, {"file_name", "b.png"}, {"width", 6}, {"height", 4}}});
    instances["categories"] = json::array({{{"id", 1}, {"name", "thing"}}});
    // Uncompressed RLE, column-major: background 20, foreground 4 = the last column (x 5).
    json uncompressed = {{"size", {4, 6}}, {"counts", {20, 4}}};
    instances["annotations"] = json::array(
        {{{"id", 10}, {"image_id", 1}, {"category_id", 1}, {"segmentation", rlfseg::coco::toCocoJson(rlfseg::coco::encode(knownMask()))}},
         {{"id", 11}, {"image_id", 1}, {"category_id", 1}, {"segmentation", uncompressed}},
         // Square with corners (2, 1) and (4, 3): pixels x 2..3, y 1..2.
         {{"id", 12}, {"image_id", 1}, {"category_id", 1}, {"segmentation", {{2, 1, 4, 1, 4, 3, 2, 3}}}},
         {{"id", 13}, {"image_id", 2}, {"category_id", 1}, {"segmentation", {{0, 0, 6, 0, 6, 4, 0, 4}}}}});
    return instances;
}

json baseRefs() {
    return json::array({{{"ref_id", 1}, {"image_id", 1}, {"ann_ids", {10, 11, 12}}, {"split", "val"},
                         {"sentences", {{{"sent_id", 7}, {"sent", "all the things"}}, {{"sent", "every thing"}}}}},
                        {{"ref_id", 2}, {"image_id", 2}, {"ann_ids", {13}}, {"split", "train"}, {"sentences", {{{"sent", "it"}}}}}});
}

fs::path writeDataset(const std::string& tag, const std::string& instances, const std::string& refs) {
    const fs::path dir = rlfseg::test::makeTempDir(tag);
    rlfseg::test::writeBytes(dir / "instances.json", instances);
    rlfseg::test::writeBytes(dir / "refs.json", refs);
    return dir;
}

TEST(ReferringDataset, ReadsEverySegmentationForm) {
    const fs::path dir = writeDataset("referring-hand", baseInstances().dump(), baseRefs().dump());
    const ReferringDataset ds = ReferringDataset::open(dir.string());
    EXPECT_EQ(ds.splits(), (std::vector<std::string>{"val", "train"}));
    EXPECT_EQ(ds.imageSize(1), cv::Size(6, 4));

    const auto val = ds.samples("val");
    ASSERT_EQ(val.size(), 2u); // one sample per sentence
    EXPECT_EQ(val[0].sentence, "all the things");
    EXPECT_EQ(val[0].sentId, 7);
    EXPECT_EQ(val[1].sentence, "every thing");
    EXPECT_EQ(val[1].sentId, -1);
    EXPECT_EQ(val[0].annIds, (std::vector<int>{10, 11, 12}));
    EXPECT_EQ(fs::path(val[0].imagePath), dir / "images" / "a.png");

    auto single = [&](int annId) {
        ReferringSample s = val[0];
        s.annIds = {annId};
        return ds.maskFor(s);
    };
    cv::Mat compressed = single(10), uncompressed = single(11), polygon = single(12);
    EXPECT_EQ(cv::countNonZero(compressed != knownMask() * 255), 0);
    cv::Mat lastColumn = cv::Mat::zeros(4, 6, CV_8UC1);
    lastColumn.col(5).setTo(255);
    EXPECT_EQ(cv::countNonZero(uncompressed != lastColumn), 0);
    cv::Mat square = cv::Mat::zeros(4, 6, CV_8UC1);
    square(cv::Rect(2, 1, 2, 2)).setTo(255);
    EXPECT_EQ(cv::countNonZero(polygon != square), 0) << polygon;

    const cv::Mat all = ds.maskFor(val[0]);
    EXPECT_EQ(cv::countNonZero(all != (compressed | uncompressed | polygon)), 0);
    EXPECT_EQ(cv::countNonZero(all), 4 + 4 + 4);

    const auto train = ds.samples("train");
    ASSERT_EQ(train.size(), 1u);
    EXPECT_EQ(cv::countNonZero(ds.maskFor(train[0])), 24); // the polygon around the whole image
}

TEST(ReferringDataset, PolygonsSamplePixelCentresLikePycocotools) {
    // cocoapi issue 659: pycocotools turns the square [0,0, 0,9, 9,9, 9,0] into 9 x 9 pixels.
    json instances = baseInstances();
    instances["images"][1]["width"] = 12;
    instances["images"][1]["height"] = 12;
    instances["annotations"][3]["segmentation"] = {{0, 0, 0, 9, 9, 9, 9, 0}};
    const fs::path dir = writeDataset("referring-poly", instances.dump(), baseRefs().dump());
    const ReferringDataset ds = ReferringDataset::open(dir.string());
    const cv::Mat mask = ds.maskFor(ds.samples("train").at(0));
    EXPECT_EQ(cv::countNonZero(mask), 81);
    EXPECT_EQ(cv::countNonZero(mask(cv::Rect(0, 0, 9, 9))), 81);
}

// ---- Malformed files ----

struct Broken {
    std::string name;
    std::function<void(json& instances, json& refs)> edit;
    std::string file;   // "instances.json" or "refs.json"
    std::string needle; // expected in the message
};

TEST(ReferringDataset, MalformedFilesNameFileAndPath) {
    const std::vector<Broken> cases = {
        {"missing images", [](json& i, json&) { i.erase("images"); }, "instances.json", "missing key \"images\""},
        {"instances not an object", [](json& i, json&) { i = json::array(); }, "instances.json", "expected a JSON object"},
        {"width a string", [](json& i, json&) { i["images"][1]["width"] = "6"; }, "instances.json",
         "images[1].width: must be an integer"},
        {"missing file_name", [](json& i, json&) { i["images"][0].erase("file_name"); }, "instances.json",
         "images[0]: missing key \"file_name\""},
        {"duplicate image id", [](json& i, json&) { i["images"][1]["id"] = 1; }, "instances.json",
         "images[1].id: duplicate image id 1"},
        {"annotation of unknown image", [](json& i, json&) { i["annotations"][0]["image_id"] = 7; }, "instances.json",
         "annotations[0].image_id: unknown image id 7"},
        {"duplicate annotation id", [](json& i, json&) { i["annotations"][2]["id"] = 10; }, "instances.json",
         "annotations[2].id: duplicate annotation id 10"},
        {"RLE counts do not sum", [](json& i, json&) { i["annotations"][1]["segmentation"]["counts"] = {20, 3}; },
         "instances.json", "annotations[1].segmentation"},
        {"compressed RLE counts do not sum", [](json& i, json&) { i["annotations"][0]["segmentation"]["size"] = {4, 7}; },
         "instances.json", "annotations[0].segmentation"},
        {"RLE size differs from the image", [](json& i, json&) { i["annotations"][1]["segmentation"] = {{"size", {6, 4}}, {"counts", {20, 4}}}; },
         "instances.json", "annotations[1].segmentation.size: RLE size [6, 4] differs"},
        {"odd polygon", [](json& i, json&) { i["annotations"][2]["segmentation"][0].push_back(1); }, "instances.json",
         "annotations[2].segmentation[0]: a polygon needs an even number of coordinates (9)"},
        {"polygon coordinate a string", [](json& i, json&) { i["annotations"][2]["segmentation"][0][3] = "x"; },
         "instances.json", "annotations[2].segmentation[0][3]: must be a number"},
        {"segmentation a number", [](json& i, json&) { i["annotations"][3]["segmentation"] = 5; }, "instances.json",
         "annotations[3].segmentation: must be an RLE object or a list of polygons"},
        {"refs not a list", [](json&, json& r) { r = json::object(); }, "refs.json", "expected a JSON list"},
        {"unknown annotation id", [](json&, json& r) { r[0]["ann_ids"][1] = 99; }, "refs.json",
         "[0].ann_ids[1]: unknown annotation id 99"},
        {"annotation of another image", [](json&, json& r) { r[1]["ann_ids"][0] = 10; }, "refs.json",
         "[1].ann_ids[0]: annotation 10 belongs to image 1, not 2"},
        {"unknown image id", [](json&, json& r) { r[1]["image_id"] = 3; }, "refs.json", "[1].image_id: unknown image id 3"},
        {"duplicate ref id", [](json&, json& r) { r[1]["ref_id"] = 1; }, "refs.json", "[1].ref_id: duplicate ref id 1"},
        {"ann_ids not a list", [](json&, json& r) { r[0]["ann_ids"] = 10; }, "refs.json", "[0].ann_ids: must be a list"},
        {"empty ann_ids", [](json&, json& r) { r[0]["ann_ids"] = json::array(); }, "refs.json",
         "[0].ann_ids: must list at least one annotation id"},
        {"ann id a string", [](json&, json& r) { r[0]["ann_ids"][2] = "12"; }, "refs.json", "[0].ann_ids[2]: must be an integer"},
        {"missing split", [](json&, json& r) { r[0].erase("split"); }, "refs.json", "[0]: missing key \"split\""},
        {"split a number", [](json&, json& r) { r[1]["split"] = 3; }, "refs.json", "[1].split: must be a string"},
        {"missing sent", [](json&, json& r) { r[0]["sentences"][1] = {{"raw", "x"}}; }, "refs.json",
         "[0].sentences[1]: missing key \"sent\""},
        {"no sentences", [](json&, json& r) { r[1]["sentences"] = json::array(); }, "refs.json",
         "[1].sentences: must hold at least one sentence"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        json instances = baseInstances(), refs = baseRefs();
        c.edit(instances, refs);
        const fs::path dir = writeDataset("referring-bad", instances.dump(), refs.dump());
        rlfseg::test::expectError([&] { ReferringDataset::open(dir.string()); }, dir / c.file, c.needle);
    }

    // Malformed JSON and missing files.
    const fs::path badInstances = writeDataset("referring-bad", "{\"images\": [", baseRefs().dump());
    rlfseg::test::expectError([&] { ReferringDataset::open(badInstances.string()); }, badInstances / "instances.json",
                              "malformed JSON");
    const fs::path badRefs = writeDataset("referring-bad", baseInstances().dump(), "[{]");
    rlfseg::test::expectError([&] { ReferringDataset::open(badRefs.string()); }, badRefs / "refs.json", "malformed JSON");
    const fs::path noRefs = rlfseg::test::makeTempDir("referring-bad");
    rlfseg::test::writeBytes(noRefs / "instances.json", baseInstances().dump());
    rlfseg::test::expectError([&] { ReferringDataset::openProject(noRefs.string()); }, noRefs / "refs.json");
}

// ---- The distributed formats (small files under tests/data/) ----

TEST(ReferringDatasetFormats, RefCocoPickleWithInstances) {
    const auto dir = rlfseg::test::testDataDir() / "refcoco";
    const ReferringDataset ds = ReferringDataset::open(dir.string());
    EXPECT_EQ(ds.format(), "refcoco");
    EXPECT_EQ(ds.splits(), (std::vector<std::string>{"train", "testA", "val"}));
    const auto train = ds.samples("train");
    ASSERT_EQ(train.size(), 2u); // one sample per sentence
    EXPECT_EQ(train[0].sentence, "dog in the middle");
    EXPECT_EQ(train[1].sentence, "brown dog");
    EXPECT_EQ(train[1].sentId, 2);
    EXPECT_EQ(train[0].annIds, std::vector<int>{101});
    EXPECT_EQ(train[0].imagePath, (dir / "images" / "COCO_train2014_000000000007.jpg").string());
    EXPECT_EQ(cv::countNonZero(ds.maskFor(train[0])), 16); // the 4 x 4 polygon
    EXPECT_EQ(ds.samples("val")[0].sentence, "caf\u00e9 dog");
    // The crowd region's uncompressed RLE: the first two columns.
    const cv::Mat crowd = ds.maskFor(ds.samples("testA")[0]);
    EXPECT_EQ(cv::countNonZero(crowd), 20);
    EXPECT_EQ(cv::countNonZero(crowd.colRange(0, 2)), 20);
    // Images elsewhere (COCO's train2014 folder).
    EXPECT_EQ(ReferringDataset::open(dir.string(), "/data/train2014").samples("val")[0].imagePath,
              "/data/train2014/COCO_train2014_000000000009.jpg");
}

TEST(ReferringDatasetFormats, PhraseCutTasks) {
    const auto dir = rlfseg::test::testDataDir() / "phrasecut";
    const ReferringDataset ds = ReferringDataset::open(dir.string());
    EXPECT_EQ(ds.format(), "phrasecut");
    EXPECT_EQ(ds.splits(), (std::vector<std::string>{"train", "val"}));
    const auto train = ds.samples("train");
    ASSERT_EQ(train.size(), 2u);
    EXPECT_EQ(train[0].sentence, "black cat");
    EXPECT_EQ(cv::countNonZero(ds.maskFor(train[0])), 16);
    EXPECT_EQ(train[1].annIds.size(), 2u); // "two windows": the union of two instances
    EXPECT_EQ(cv::countNonZero(ds.maskFor(train[1])), 8);
    EXPECT_EQ(train[1].imagePath, (dir / "images" / "5.jpg").string());
    const auto val = ds.samples("val");
    ASSERT_EQ(val.size(), 1u);
    EXPECT_EQ(cv::countNonZero(ds.maskFor(val[0])), 9 + 4); // one instance, two polygons
    EXPECT_EQ(ds.imageSize(6), cv::Size(12, 10));
}

TEST(ReferringDatasetFormats, CocoInstancesBecomeCategoryPrompts) {
    const auto file = rlfseg::test::testDataDir() / "coco" / "instances.json";
    const ReferringDataset ds = ReferringDataset::open(file.string());
    EXPECT_EQ(ds.format(), "coco");
    const auto all = ds.samples("all");
    ASSERT_EQ(all.size(), 3u); // image 7: dog, person; image 9: dog
    std::map<std::pair<int, std::string>, int> area;
    for (const auto& s : all) area[{s.imageId, s.sentence}] = cv::countNonZero(ds.maskFor(s));
    EXPECT_EQ((area[{7, "dog"}]), 16 + 4); // two dog instances, united
    EXPECT_EQ((area[{7, "person"}]), 20);  // the crowd RLE
    EXPECT_EQ((area[{9, "dog"}]), 9);
    // The folder form finds instances.json too.
    EXPECT_EQ(ReferringDataset::open(file.parent_path().string()).format(), "coco");
}

TEST(ReferringDatasetFormats, UnknownOrBrokenSourcesAreClearErrors) {
    const auto empty = rlfseg::test::makeTempDir("formats-empty");
    rlfseg::test::expectError([&] { ReferringDataset::open(empty.string()); }, empty, "no data set found");
    rlfseg::test::expectError([&] { ReferringDataset::open((empty / "missing").string()); }, empty / "missing");
    // A refs pickle that is not a pickle.
    const auto broken = rlfseg::test::makeTempDir("formats-broken");
    fs::copy_file(rlfseg::test::testDataDir() / "refcoco" / "instances.json", broken / "instances.json");
    rlfseg::test::writeBytes(broken / "refs(unc).p", "\x80\x02]q\x00(");
    rlfseg::test::expectError([&] { ReferringDataset::open(broken.string()); }, broken / "refs(unc).p");
    // A ref naming an annotation that instances.json lacks.
    const auto unknown = rlfseg::test::makeTempDir("formats-unknown");
    rlfseg::test::writeBytes(unknown / "instances.json", R"({"images": [{"id": 1, "file_name": "a.jpg", "width": 4,
        "height": 4}], "annotations": [], "categories": []})");
    fs::copy_file(rlfseg::test::testDataDir() / "refcoco" / "refs(unc).p", unknown / "refs(unc).p");
    rlfseg::test::expectError([&] { ReferringDataset::open(unknown.string()); }, unknown / "refs(unc).p", "image id");
    // PhraseCut: a point that is not [x, y].
    const auto phrase = rlfseg::test::makeTempDir("formats-phrase");
    rlfseg::test::writeBytes(phrase / "image_data_split.json", R"([{"image_id": 1, "width": 4, "height": 4}])");
    rlfseg::test::writeBytes(phrase / "refer_train.json",
                             R"([{"image_id": 1, "phrase": "x", "Polygons": [[[[0, 0], [1], [2, 2]]]]}])");
    rlfseg::test::expectError([&] { ReferringDataset::open(phrase.string()); }, phrase / "refer_train.json",
                              "[0].Polygons[0][0][1]");
}

} // namespace
