// The annotation document (core/annotation) and COCO: lossless masks with holes, atomic saves,
// strict loading, polygons that rasterise back exactly, export -> import -> export identity.

#include "TestSupport.h"

#include "core/annotation/CocoFormat.h"
#include "core/annotation/CocoValidator.h"
#include "core/annotation/Document.h"
#include "core/annotation/OtherFormats.h"
#include "core/annotation/Project.h"
#include "core/coco/Polygons.h"
#include "core/io/JsonFields.h"
#include "core/io/JsonPath.h"
#include "core/util/Error.h"
#include "core/util/MaskBox.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <sstream>
#include <thread>

using namespace rlfseg;
using namespace rlfseg::annotation;
using nlohmann::json;
namespace fs = std::filesystem;

using rlfseg::test::errorOf;

namespace {

cv::Mat ringMask(int w, int h) {
    cv::Mat m = cv::Mat::zeros(h, w, CV_8UC1);
    cv::circle(m, {w / 2, h / 2}, std::min(w, h) / 3, 255, cv::FILLED);
    cv::circle(m, {w / 2, h / 2}, std::min(w, h) / 8, 0, cv::FILLED);
    return m;
}

cv::Mat starMask(int w, int h, int dx) {
    cv::Mat m = cv::Mat::zeros(h, w, CV_8UC1);
    std::vector<cv::Point> star;
    for (int k = 0; k < 10; ++k) {
        const double a = k * CV_PI / 5, r = k % 2 ? h / 8.0 : h / 3.5;
        star.emplace_back(w / 3 + dx + static_cast<int>(r * std::cos(a)), h / 2 + static_cast<int>(r * std::sin(a)));
    }
    cv::fillPoly(m, std::vector<std::vector<cv::Point>>{star}, 255);
    return m;
}

// Two images, two categories, a ring (a hole), a star, a crowd region and a model annotation.
Project sampleProject() {
    Project p;
    const int64_t a = p.addImage("images/a.png", 64, 48, "hash-a");
    const int64_t b = p.addImage("images/b.png", 40, 30);
    const int dog = p.addCategory("dog", "animal");
    const int person = p.addCategory("person");
    Annotation ring;
    ring.imageId = a, ring.categoryId = dog, ring.mask = coco::encode(ringMask(64, 48));
    p.addAnnotation(ring);
    Annotation star;
    star.imageId = a, star.categoryId = person, star.mask = coco::encode(starMask(64, 48, 5));
    star.source = Source::Model, star.score = 0.875, star.prompt = "the person";
    p.addAnnotation(star);
    Annotation crowd;
    cv::Mat c = cv::Mat::zeros(30, 40, CV_8UC1);
    cv::rectangle(c, {2, 3}, {20, 12}, 255, cv::FILLED);
    crowd.imageId = b, crowd.categoryId = person, crowd.mask = coco::encode(c), crowd.iscrowd = true;
    p.addAnnotation(crowd);
    p.setState(a, ReviewState::Reviewed);
    p.addPrompt(a, {"the person", "2026-11-25T10:00:00Z", 80.5, 0.875, 700, "default"});
    p.modified = "2026-11-25T10:00:00.000Z"; // the export's date_created
    return p;
}

// A project of one image holding one filled disc (its mask also returned), for outline tests.
Project oneDiscProject(const std::string& path, cv::Size size, int radius, const std::string& category, cv::Mat& disc) {
    Project p;
    const int64_t image = p.addImage(path, size.width, size.height);
    const int id = p.addCategory(category);
    disc = cv::Mat::zeros(size, CV_8UC1);
    cv::circle(disc, {size.width / 2, size.height / 2}, radius, 255, cv::FILLED);
    Annotation a;
    a.imageId = image, a.categoryId = id, a.mask = coco::encode(disc);
    p.addAnnotation(a);
    return p;
}

} // namespace

TEST(Polygons, OutlinesRasteriseBackExactly) {
    for (int dx = 0; dx < 6; ++dx) {
        const cv::Mat star = starMask(70, 50, dx);
        const auto outline = coco::maskToPolygons(star);
        EXPECT_FALSE(outline.hasHoles);
        ASSERT_EQ(outline.polygons.size(), 1u);
        EXPECT_EQ(cv::countNonZero(coco::rasterizePolygons(outline.polygons, 70, 50) != star), 0) << dx;
    }
    // Single pixels, a diagonal chain, a one-pixel line, the image border.
    cv::Mat odd = cv::Mat::zeros(12, 12, CV_8UC1);
    odd.at<uint8_t>(0, 0) = 255;
    for (int i = 3; i < 8; ++i) odd.at<uint8_t>(i, i) = 255;
    cv::line(odd, {0, 11}, {11, 11}, 255);
    const auto outline = coco::maskToPolygons(odd);
    EXPECT_EQ(cv::countNonZero(coco::rasterizePolygons(outline.polygons, 12, 12) != odd), 0);
    EXPECT_TRUE(coco::maskToPolygons(ringMask(40, 40)).hasHoles);
    // The square 0..9 covers 9 x 9 pixels, as pycocotools' frPoly does.
    EXPECT_EQ(cv::countNonZero(coco::rasterizePolygons({{0, 0, 9, 0, 9, 9, 0, 9}}, 12, 12)), 81);
}

TEST(Polygons, SimplifiedOutlinesFollowThePixelEdges) {
    // Axis-aligned and 45-degree edges come out exact, the image border included.
    cv::Mat shapes = cv::Mat::zeros(40, 60, CV_8UC1);
    shapes(cv::Rect(0, 0, 15, 40)).setTo(255); // touches three borders
    std::vector<cv::Point> diamond{{40, 5}, {52, 17}, {40, 29}, {28, 17}};
    cv::fillConvexPoly(shapes, diamond, 255);
    const auto simple = coco::maskToPolygons(shapes, 1.0);
    EXPECT_FALSE(simple.hasHoles);
    ASSERT_EQ(simple.polygons.size(), 2u);
    for (const auto& p : simple.polygons) EXPECT_LE(p.size(), 2u * 8) << "corners only";
    EXPECT_EQ(cv::countNonZero(coco::rasterizePolygons(simple.polygons, 60, 40) != shapes), 0);
    // A curved outline: within the tolerance, and only boundary pixels differ.
    cv::Mat disc = cv::Mat::zeros(100, 100, CV_8UC1);
    cv::circle(disc, {50, 50}, 40, 255, cv::FILLED);
    const auto round = coco::maskToPolygons(disc, 1.0);
    const cv::Mat back = coco::rasterizePolygons(round.polygons, 100, 100);
    EXPECT_GE(coco::maskIoU(back, disc), 0.98);
    cv::Mat inner, outer;
    cv::erode(disc, inner, cv::Mat());
    cv::dilate(disc, outer, cv::Mat());
    EXPECT_EQ(cv::countNonZero((back != disc) & ~(outer & ~inner)), 0);
    EXPECT_TRUE(coco::maskToPolygons(ringMask(40, 40), 1.0).hasHoles);
    // What exports write: the simplified outline while it is within the IoU asked for, else exact.
    const auto chosen = coco::outlineForExport(disc);
    EXPECT_TRUE(chosen.simplified);
    EXPECT_EQ(chosen.outline.polygons, round.polygons);
    EXPECT_EQ(cv::countNonZero(chosen.rasterized != back), 0);
    const auto strict = coco::outlineForExport(disc, {1.0, 1.0});
    EXPECT_FALSE(strict.simplified);
    EXPECT_EQ(strict.outline.polygons, coco::maskToPolygons(disc).polygons);
    EXPECT_EQ(cv::countNonZero(strict.rasterized != disc), 0);
    EXPECT_FALSE(coco::outlineForExport(disc, {0, 0.5}).simplified);
    EXPECT_DOUBLE_EQ(coco::maskIoU(disc, disc), 1.0);
    EXPECT_DOUBLE_EQ(coco::maskIoU(cv::Mat::zeros(5, 5, CV_8UC1), cv::Mat::zeros(5, 5, CV_8UC1)), 1.0);
    cv::Mat half = cv::Mat::zeros(40, 30, CV_8UC1);
    half.colRange(0, 15).setTo(1); // any non-zero value is "in"
    EXPECT_NEAR(coco::maskIoU(half, cv::Mat(40, 30, CV_8UC1, cv::Scalar(255))), 0.5, 1e-9);
}

TEST(Project, SaveLoadIsLosslessAndAtomic) {
    const Project p = sampleProject();
    const fs::path dir = test::makeTempDir("project");
    const fs::path file = dir / "labels.rlfseg.json";
    p.save(file.string());
    const Project q = Project::load(file.string());
    EXPECT_EQ(q.images().size(), 2u);
    EXPECT_EQ(q.annotations().size(), 3u);
    for (const auto& [id, a] : p.annotations()) {
        const Annotation* b = q.annotation(id);
        ASSERT_NE(b, nullptr);
        EXPECT_EQ(b->mask.counts, a.mask.counts) << "masks are stored losslessly";
        EXPECT_EQ(b->categoryId, a.categoryId);
        EXPECT_EQ(b->source, a.source);
        EXPECT_EQ(b->iscrowd, a.iscrowd);
        EXPECT_DOUBLE_EQ(b->score, a.score);
    }
    EXPECT_EQ(q.image(1)->state, ReviewState::Reviewed);
    ASSERT_EQ(q.image(1)->prompts.size(), 1u);
    EXPECT_EQ(q.image(1)->prompts[0].prompt, "the person");
    EXPECT_EQ(q.annotationsOf(1).size(), 2u);
    // New ids continue after the loaded ones.
    Project r = q;
    Annotation more = *q.annotation(1);
    EXPECT_EQ(r.addAnnotation(more), 4);
    EXPECT_EQ(r.addCategory("cat"), 3);
    // Saving over the file never leaves a partial file: the old or the new one.
    EXPECT_TRUE(fs::exists(file));
    for (const auto& e : fs::directory_iterator(dir)) EXPECT_EQ(e.path().filename(), "labels.rlfseg.json");
}

TEST(Project, BadFilesAreClearErrorsWithTheJsonPath) {
    const json good = sampleProject().toJson();
    const fs::path dir = test::makeTempDir("project-bad");
    auto errorFor = [&](const std::function<void(json&)>& edit) {
        json j = good;
        edit(j);
        return errorOf([&] { Project::fromJson(j, "p.json"); });
    };
    EXPECT_NE(errorFor([](json& j) { j["format"] = "other"; }).find("not an RLFSeg project"), std::string::npos);
    EXPECT_NE(errorFor([](json& j) { j["format"] = 5; }).find("not an RLFSeg project"), std::string::npos);
    EXPECT_NE(errorFor([](json& j) { j["version"] = 99; }).find("newer RLFSeg"), std::string::npos);
    EXPECT_NE(errorFor([](json& j) { j["annotations"][0]["image_id"] = 42; }).find("annotations[0].image_id: unknown image id 42"),
              std::string::npos);
    EXPECT_NE(errorFor([](json& j) { j["annotations"][1]["category_id"] = 9; }).find("annotations[1].category_id"),
              std::string::npos);
    EXPECT_NE(errorFor([](json& j) { j["annotations"][1]["id"] = 1; }).find("duplicate annotation id"), std::string::npos);
    EXPECT_NE(errorFor([](json& j) { j["images"][1]["path"] = "images/a.png"; }).find("duplicate image path"),
              std::string::npos);
    EXPECT_NE(errorFor([](json& j) { j["annotations"][0]["rle"]["counts"] = "0"; }).find("annotations[0].rle"),
              std::string::npos);
    EXPECT_NE(errorFor([](json& j) { j["annotations"][0]["rle"]["size"] = {48, 65}; }).find("annotations[0]"),
              std::string::npos);
    EXPECT_NE(errorFor([](json& j) { j["images"][0]["width"] = -3; }).find("images[0]"), std::string::npos);
    EXPECT_NE(errorFor([](json& j) { j["images"][0]["state"] = "done"; }).find("images[0].state"), std::string::npos);
    EXPECT_NE(errorFor([](json& j) { j["categories"][0]["color"] = {1, 2}; }).find("categories[0].color"),
              std::string::npos);
    // A truncated file: the parser's message names the file.
    const fs::path cut = dir / "cut.json";
    test::writeBytes(cut, good.dump().substr(0, 200));
    test::expectError([&] { Project::load(cut.string()); }, cut);
    // Masks of the wrong size are refused when added.
    Project p = sampleProject();
    Annotation wrong;
    wrong.imageId = 1, wrong.categoryId = 1, wrong.mask = coco::encode(cv::Mat::zeros(10, 10, CV_8UC1));
    EXPECT_NE(errorOf([&] { p.addAnnotation(wrong); }).find("the mask is 10x10"), std::string::npos);
}

TEST(Coco, ExportIsWhatPycocotoolsExpects) {
    const Project p = sampleProject();
    const json coco = exportCoco(p);
    ASSERT_EQ(coco["categories"].size(), 2u);
    EXPECT_EQ(coco["categories"][0]["id"], 1); // ids start at 1
    EXPECT_EQ(coco["categories"][0]["name"], "dog");
    ASSERT_EQ(coco["annotations"].size(), 3u);
    const json& ring = coco["annotations"][0];
    // The ring has a hole: RLE (compressed string counts), decoding to exactly the mask.
    ASSERT_TRUE(ring["segmentation"].is_object());
    EXPECT_TRUE(ring["segmentation"]["counts"].is_string());
    const auto back = coco::fromCocoJson(ring["segmentation"]);
    EXPECT_EQ(cv::countNonZero(coco::decode(back) * 255 != ringMask(64, 48)), 0);
    EXPECT_EQ(ring["area"].get<double>(), static_cast<double>(cv::countNonZero(ringMask(64, 48))));
    EXPECT_EQ(ring["iscrowd"], 0);
    EXPECT_FALSE(ring.contains("score")); // manual
    // The star has no hole: polygons, which rasterise back exactly; a score (a model made it).
    const json& star = coco["annotations"][1];
    ASSERT_TRUE(star["segmentation"].is_array());
    std::vector<coco::Polygon> polygons;
    for (const auto& poly : star["segmentation"]) polygons.push_back(poly.get<coco::Polygon>());
    EXPECT_EQ(cv::countNonZero(coco::rasterizePolygons(polygons, 64, 48) != starMask(64, 48, 5)), 0);
    EXPECT_DOUBLE_EQ(star["score"].get<double>(), 0.875);
    const cv::Rect box = maskBox(starMask(64, 48, 5));
    EXPECT_EQ(star["bbox"], json({box.x, box.y, box.width, box.height}));
    // The crowd region: RLE and iscrowd 1.
    EXPECT_EQ(coco["annotations"][2]["iscrowd"], 1);
    EXPECT_TRUE(coco["annotations"][2]["segmentation"].is_object());
    // Forced formats.
    CocoExportOptions rle;
    rle.format = SegmentationFormat::Rle;
    EXPECT_TRUE(exportCoco(p, rle)["annotations"][1]["segmentation"].is_object());
    CocoExportOptions polygon;
    polygon.format = SegmentationFormat::Polygon;
    EXPECT_TRUE(exportCoco(p, polygon)["annotations"][0]["segmentation"].is_array());
    EXPECT_EQ(parseSegmentationFormat("rle"), SegmentationFormat::Rle);
    EXPECT_NE(errorOf([] { parseSegmentationFormat("mask"); }).find("auto, rle or polygon"), std::string::npos);
}

TEST(Coco, ExportImportExportIsTheSameFile) {
    const Project p = sampleProject();
    const json first = exportCoco(p);
    Project q;
    const auto report = importCoco(q, first, "first.json");
    EXPECT_EQ(report.imagesAdded, 2);
    EXPECT_EQ(report.annotationsAdded, 3);
    EXPECT_EQ(report.categoriesAdded, 2);
    q.modified = p.modified;
    json second = exportCoco(q);
    EXPECT_EQ(second, first);
    // Masks survive the trip exactly (RLE and polygons alike).
    for (const auto& [id, a] : p.annotations()) EXPECT_EQ(q.annotation(id)->mask.counts, a.mask.counts) << id;
}

TEST(Coco, LargeOutlinesAreSimplifiedWithinTheTolerance) {
    // A disc of radius 150: its exact staircase outline has hundreds of corners.
    cv::Mat disc;
    Project p = oneDiscProject("images/big.png", {400, 360}, 150, "object", disc);
    p.modified = "2026-11-25T10:00:00.000Z";

    const json exported = exportCoco(p);
    const json& written = exported["annotations"][0];
    ASSERT_TRUE(written["segmentation"].is_array());
    const auto polygons = written["segmentation"].get<std::vector<coco::Polygon>>();
    ASSERT_EQ(polygons.size(), 1u);
    const size_t exactPoints = coco::maskToPolygons(disc).polygons[0].size();
    EXPECT_LT(polygons[0].size() * 4, exactPoints) << "simplified " << polygons[0].size() << ", exact " << exactPoints;
    const cv::Mat back = coco::rasterizePolygons(polygons, 400, 360);
    EXPECT_GE(coco::maskIoU(back, disc), 0.98) << cv::countNonZero(back != disc) << " pixels differ";
    // Only boundary pixels may differ: nothing farther than a pixel from the disc's edge.
    cv::Mat inner, outer;
    cv::erode(disc, inner, cv::Mat());
    cv::dilate(disc, outer, cv::Mat());
    EXPECT_EQ(cv::countNonZero((back != disc) & ~(outer & ~inner)), 0);
    // area and bbox describe what the polygons decode to.
    EXPECT_EQ(written["area"].get<double>(), static_cast<double>(cv::countNonZero(back)));
    const cv::Rect box = maskBox(back);
    EXPECT_EQ(written["bbox"], json({box.x, box.y, box.width, box.height}));

    // The round trip still gives the same file: the imported polygons go out again unchanged.
    Project q;
    importCoco(q, exported, "big.json");
    q.modified = p.modified;
    EXPECT_EQ(exportCoco(q), exported);
    // Exact outlines on request (simplification off): they reproduce the disc pixel for pixel.
    CocoExportOptions exact;
    exact.outline.simplifyPx = 0;
    const auto exactPolygons = exportCoco(p, exact)["annotations"][0]["segmentation"].get<std::vector<coco::Polygon>>();
    EXPECT_EQ(exactPolygons[0].size(), exactPoints);
    EXPECT_EQ(cv::countNonZero(coco::rasterizePolygons(exactPolygons, 400, 360) != disc), 0);
}

TEST(Coco, ImportedPolygonsStayAsTheyCameUntilTheMaskChanges) {
    Project p;
    const json file = json::parse(R"({
        "images": [{"id": 1, "file_name": "images/t.png", "width": 50, "height": 40}],
        "categories": [{"id": 1, "name": "roof"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 0,
                         "segmentation": [[5.25, 30.5, 25.75, 3.125, 44.5, 30.5]]}]})");
    importCoco(p, file, "t.json");
    const auto polygonOf = [](const Project& project) {
        return exportCoco(project)["annotations"][0]["segmentation"][0].get<coco::Polygon>();
    };
    const coco::Polygon triangle{5.25, 30.5, 25.75, 3.125, 44.5, 30.5};
    EXPECT_EQ(polygonOf(p), triangle); // not re-traced from the mask
    // Saved and loaded with the project, they stay.
    const Project loaded = Project::fromJson(p.toJson(), "t.rlfseg");
    EXPECT_EQ(polygonOf(loaded), triangle);
    // An edit replaces the mask: the outline is traced from the new mask.
    const int64_t id = p.annotations().begin()->first;
    cv::Mat square = cv::Mat::zeros(40, 50, CV_8UC1);
    square(cv::Rect(10, 10, 20, 20)).setTo(255);
    p.replaceMask(id, coco::encode(square));
    EXPECT_TRUE(p.annotation(id)->polygons.empty());
    EXPECT_EQ(cv::countNonZero(coco::rasterizePolygons({polygonOf(p)}, 50, 40) != square), 0);
    // Stored polygons that no longer make the mask (a hand-edited project file) are not trusted.
    json edited = loaded.toJson();
    edited["annotations"][0]["polygons"] = json::array({json::array({0, 0, 10, 0, 10, 10})});
    const auto retraced = polygonOf(Project::fromJson(edited, "edited.rlfseg"));
    EXPECT_NE(retraced, coco::Polygon({0, 0, 10, 0, 10, 10}));
    EXPECT_GE(coco::maskIoU(coco::rasterizePolygons({retraced}, 50, 40), coco::decode(loaded.annotations().begin()->second.mask)),
              0.98);
}

TEST(Coco, ImportMergesIntoAProjectAndRefusesBadFiles) {
    Project p = sampleProject();
    json other = json::parse(R"({
        "images": [{"id": 7, "file_name": "images/a.png", "width": 64, "height": 48},
                   {"id": 8, "file_name": "images/c.png", "width": 10, "height": 10}],
        "categories": [{"id": 3, "name": "person"}, {"id": 4, "name": "cat"}],
        "annotations": [
            {"id": 1, "image_id": 7, "category_id": 3, "iscrowd": 0, "segmentation": [[10, 10, 20, 10, 20, 20, 10, 20]]},
            {"id": 2, "image_id": 8, "category_id": 4, "iscrowd": 1,
             "segmentation": {"size": [10, 10], "counts": [0, 50, 50]}}]})");
    const auto report = importCoco(p, other, "other.json");
    EXPECT_EQ(report.imagesMatched, 1);
    EXPECT_EQ(report.imagesAdded, 1);
    EXPECT_EQ(report.categoriesAdded, 1); // "person" merged by name, "cat" added
    EXPECT_EQ(p.categories().size(), 3u);
    EXPECT_EQ(p.annotationsOf(1).size(), 3u);
    const auto added = p.annotationsOf(3);
    ASSERT_EQ(added.size(), 1u);
    EXPECT_EQ(coco::area(added[0]->mask), 50u); // the uncompressed RLE
    EXPECT_TRUE(added[0]->iscrowd);
    EXPECT_EQ(coco::area(p.annotationsOf(1).back()->mask), 100u); // the 10 x 10 polygon square

    // Bad files: nothing changes, and the message has the JSON path.
    const size_t before = p.annotations().size();
    auto bad = [&](const std::function<void(json&)>& edit) {
        json j = other;
        edit(j);
        const auto message = errorOf([&] { importCoco(p, j, "bad.json"); });
        EXPECT_EQ(p.annotations().size(), before);
        return message;
    };
    EXPECT_NE(bad([](json& j) { j["annotations"][0]["image_id"] = 99; }).find("annotations[0].image_id"), std::string::npos);
    EXPECT_NE(bad([](json& j) { j["annotations"][1]["segmentation"]["counts"] = {0, 50, 49}; }).find("annotations[1]"),
              std::string::npos);
    EXPECT_NE(bad([](json& j) { j["annotations"][0]["segmentation"][0] = {1, 2, 3}; }).find("even number"), std::string::npos);
    EXPECT_NE(bad([](json& j) { j["annotations"][0]["segmentation"][0][2] = "x"; }).find("annotations[0].segmentation[0][2]"),
              std::string::npos);
    EXPECT_NE(bad([](json& j) { j["annotations"][1]["id"] = 1; }).find("duplicate annotation id"), std::string::npos);
    EXPECT_NE(bad([](json& j) { j["images"][0]["width"] = 65; }).find("in the project"), std::string::npos);
    EXPECT_NE(bad([](json& j) { j.erase("categories"); }).find("categories"), std::string::npos);
    // Absurd sizes are refused before anything is decoded (2^28 pixels at most).
    EXPECT_NE(bad([](json& j) { j["images"][1]["width"] = 30000, j["images"][1]["height"] = 30000; }).find("not plausible"),
              std::string::npos);
    EXPECT_TRUE(plausibleImageSize(16384, 16384));
    EXPECT_FALSE(plausibleImageSize(16385, 16384));
    EXPECT_FALSE(plausibleImageSize(int64_t{1} << 40, 1)); // no overflow in the product
}

TEST(Coco, DeeplyNestedJsonIsAClearErrorNotACrash) {
    const fs::path dir = test::makeTempDir("nested");
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const auto nested = (dir / "nested.json").string();
    std::ofstream(nested) << R"({"images": [], "categories": [], "annotations": )" << deep << "}";
    Project p;
    const std::string message = errorOf([&] { importCocoFile(p, nested); });
    EXPECT_NE(message.find("nested more than"), std::string::npos) << message;
    EXPECT_NE(message.find("nested.json"), std::string::npos) << message;
    // Long values are cut short in messages.
    const std::string longValue = errorOf([] { JsonFields::parseText("[1, 2", "short.json"); });
    EXPECT_NE(longValue.find("short.json: malformed JSON"), std::string::npos) << longValue;
    EXPECT_LE(JsonPath::preview(json(std::string(1000, 'x'))).size(), 60u);
}

TEST(CocoValidate, AnExportIsCleanAndEveryProblemHasItsPath) {
    const json good = exportCoco(sampleProject());
    auto v = validateCoco(good);
    EXPECT_EQ(v.errors(), 0u);
    EXPECT_EQ(v.warnings(), 0u);
    EXPECT_EQ(v.annotations, 3u);

    json bad = good;
    bad["images"][1]["id"] = 1;                                             // duplicate image id
    bad["annotations"][0]["category_id"] = 77;                              // unknown category
    bad["annotations"][1]["segmentation"][0].push_back(3.0);                // odd coordinate count
    bad["annotations"][2]["segmentation"]["counts"] = "garbage!";           // corrupt RLE
    bad["annotations"][0]["bbox"] = {1, 2, -3, 4};                          // negative width
    bad["annotations"][0]["iscrowd"] = 2;
    bad["categories"].push_back({{"id", 0}, {"name", "dog"}});              // id 0, duplicate name
    v = validateCoco(bad);
    auto has = [&](const std::string& path, bool error) {
        return std::any_of(v.problems.begin(), v.problems.end(),
                           [&](const CocoProblem& p) { return p.path == path && p.error == error; });
    };
    EXPECT_TRUE(has("images[1].id", true));
    EXPECT_TRUE(has("annotations[0].category_id", true));
    EXPECT_TRUE(has("annotations[1].segmentation[0]", true));
    EXPECT_TRUE(has("annotations[2].segmentation", true));
    EXPECT_TRUE(has("annotations[0].bbox", true));
    EXPECT_TRUE(has("annotations[0].iscrowd", true));
    EXPECT_TRUE(has("categories[2].id", false));
    EXPECT_TRUE(has("categories[2].name", false));
    EXPECT_GE(v.errors(), 6u);

    // Disagreeing area and bbox are warnings; not JSON at all is one error.
    json off = good;
    off["annotations"][0]["area"] = 5.0;
    off["annotations"][0]["bbox"] = {0, 0, 64, 48};
    v = validateCoco(off);
    EXPECT_EQ(v.errors(), 0u);
    EXPECT_TRUE(has("annotations[0].area", false));
    EXPECT_TRUE(has("annotations[0].bbox", false));
    const auto dir = test::makeTempDir("validate");
    test::writeBytes(dir / "broken.json", "{\"images\": [");
    v = validateCocoFile((dir / "broken.json").string());
    ASSERT_EQ(v.errors(), 1u);
    EXPECT_NE(v.problems[0].message.find("broken.json"), std::string::npos);
    // With an images folder: missing files are errors.
    v = validateCoco(good, dir.string());
    EXPECT_TRUE(has("images[0].file_name", true));
}

TEST(Document, EveryEditSurvivesACrashAndRecoveryReplaysIt) {
    const fs::path dir = test::makeTempDir("document");
    const std::string file = (dir / "p.rlfseg.json").string();
    int64_t annotationId = 0;
    {
        auto d = Document::create(file);
        const int64_t image = d.addImage("a.png", 64, 48);
        const int dog = d.addCategory("dog");
        Annotation a;
        a.imageId = image, a.categoryId = dog, a.mask = coco::encode(ringMask(64, 48));
        annotationId = d.addAnnotation(a);
        d.save();
        // More edits, then "a crash": the document is destroyed without saving.
        const int cat = d.addCategory("cat");
        d.setCategory(annotationId, cat);
        d.replaceMask(annotationId, coco::encode(starMask(64, 48, 2)));
        Annotation b = a;
        b.categoryId = dog;
        d.addAnnotation(b);
        d.setState(image, ReviewState::Reviewed);
        d.addPrompt(image, {"the dog", "t", 90, 0.5, 100, "default"});
        EXPECT_TRUE(d.modified());
    }
    auto d = Document::open(file);
    EXPECT_EQ(d.project().annotations().size(), 1u); // the file holds the saved state
    ASSERT_TRUE(d.hasRecoverableWork());
    EXPECT_EQ(d.recoverableEdits(), 6u);
    EXPECT_NE(errorOf([&] { d.save(); }).find("recover or discard"), std::string::npos);
    d.recover();
    const Project& p = d.project();
    ASSERT_EQ(p.annotations().size(), 2u);
    EXPECT_EQ(p.categoryByName("cat")->id, p.annotation(annotationId)->categoryId);
    EXPECT_EQ(p.annotation(annotationId)->mask.counts, coco::encode(starMask(64, 48, 2)).counts);
    EXPECT_EQ(p.image(1)->state, ReviewState::Reviewed);
    EXPECT_EQ(p.image(1)->prompts.size(), 1u);
    // A second crash right after recovering and one more edit: nothing is lost either.
    d.removeAnnotation(annotationId);
    {
        auto again = Document::open(file);
        ASSERT_TRUE(again.hasRecoverableWork());
        again.recover();
        EXPECT_EQ(again.project().annotations().size(), 1u);
        EXPECT_EQ(again.project().annotation(annotationId), nullptr);
        again.save();
        EXPECT_FALSE(fs::exists(again.journalPath()));
    }
    auto saved = Document::open(file);
    EXPECT_FALSE(saved.hasRecoverableWork());
    EXPECT_EQ(saved.project().annotations().size(), 1u);
}

TEST(Document, ALargeProjectFoldsItsJournalOnlyOnceTheJournalHasGrown) {
    const fs::path dir = test::makeTempDir("document-fold");
    const std::string file = (dir / "p.json").string();
    auto d = Document::create(file);
    EXPECT_FALSE(d.foldIsDue()); // nothing to fold
    const int64_t image = d.addImage("a.png", 640, 480);
    const int blob = d.addCategory("blob");
    EXPECT_TRUE(d.foldIsDue()); // a small project: always worth saving
    // Imported outlines of 60,000 points (about 1.3 MB of JSON each) make the file large.
    Annotation big;
    big.imageId = image, big.categoryId = blob, big.mask = coco::encode(ringMask(640, 480));
    coco::Polygon outline;
    for (int k = 0; k < 60'000; ++k) outline.push_back(100 + k * 1e-3), outline.push_back(200.123456 + k % 7);
    big.polygons = {outline};
    for (int i = 0; i < 4; ++i) d.addAnnotation(big);
    d.save();
    EXPECT_EQ(d.projectFileBytes(), fs::file_size(file));
    ASSERT_GT(d.projectFileBytes(), Document::kSmallProjectBytes);
    EXPECT_EQ(d.journalBytes(), 0u);
    // Small edits: journaled (on disk, recoverable), but not worth rewriting the whole file for.
    d.setState(image, ReviewState::Reviewed);
    d.addPrompt(image, {"the blob", "t", 90, 0.5, 100, "default"});
    EXPECT_TRUE(d.modified());
    EXPECT_GT(d.journalBytes(), 0u);
    EXPECT_EQ(d.journalBytes(), fs::file_size(d.journalPath()));
    EXPECT_FALSE(d.foldIsDue());
    // Once the journal reaches a quarter of the file, folding is due (the file is indented; the
    // journal's lines are not).
    d.addAnnotation(big);
    d.addAnnotation(big);
    EXPECT_EQ(d.journalBytes(), fs::file_size(d.journalPath()));
    EXPECT_GE(d.journalBytes() * 4, d.projectFileBytes());
    EXPECT_TRUE(d.foldIsDue());
    // A session that ends without folding (the document closed unsaved, as after a crash): the
    // reopened project, moved into a document that counted other sizes, counts the journal it recovers.
    const uint64_t journal = d.journalBytes(), project = d.projectFileBytes();
    d = Document::create((dir / "other.json").string());
    d.addCategory("other");
    ASSERT_NE(d.projectFileBytes(), project);
    d = Document::open(file);
    EXPECT_EQ(d.projectFileBytes(), project);
    EXPECT_EQ(d.projectFileBytes(), fs::file_size(file));
    ASSERT_TRUE(d.hasRecoverableWork());
    EXPECT_FALSE(d.foldIsDue()); // nothing applied yet
    d.recover();
    EXPECT_EQ(d.journalBytes(), journal);
    EXPECT_TRUE(d.foldIsDue());
    d.save();
    EXPECT_FALSE(d.foldIsDue());
    EXPECT_EQ(d.project().annotations().size(), 6u);
    EXPECT_EQ(d.journalBytes(), 0u);
    // Discarding recovered work empties the count; a journal of another save starts afresh.
    d.setState(image, ReviewState::New);
    d = Document::open(file);
    ASSERT_TRUE(d.hasRecoverableWork());
    EXPECT_GT(d.journalBytes(), 0u);
    d.discardRecovery();
    EXPECT_EQ(d.journalBytes(), 0u);
    test::writeBytes(d.journalPath(), "{\"journal\": \"rlfseg-project\", \"base\": \"2001-01-01T00:00:00.000Z\"}\n");
    d = Document::open(file);
    EXPECT_FALSE(d.hasRecoverableWork());
    EXPECT_EQ(d.journalBytes(), 0u);
    d.setState(image, ReviewState::AutoAnnotated);
    EXPECT_EQ(d.journalBytes(), fs::file_size(d.journalPath()));
}

TEST(Document, PreparedAnnotationsReplayAsStoredAndOlderJournalLinesStillDo) {
    const fs::path dir = test::makeTempDir("document-prepared");
    const std::string file = (dir / "p.json").string();
    Annotation stored;
    {
        auto d = Document::create(file);
        Annotation a;
        a.imageId = d.addImage("a.png", 64, 48), a.categoryId = d.addCategory("dog");
        a.mask = coco::encode(ringMask(64, 48));
        a.source = Source::Imported, a.score = 0.75, a.prompt = "the ring";
        a.polygons = {{2, 2, 40, 2, 40, 30, 2, 30}};
        Document::PreparedAnnotation prepared;
        std::thread([&] { prepared = Document::prepare(a); }).join(); // made away from the document
        EXPECT_FALSE(prepared.annotation.created.empty());
        const int64_t first = d.addAnnotation(prepared);
        EXPECT_EQ(d.addAnnotation(prepared), first + 1); // added again, as a redo does: a new id
        stored = *d.project().annotation(first + 1);
        EXPECT_EQ(stored.created, prepared.annotation.created);
    } // "a crash"
    {
        auto d = Document::open(file);
        ASSERT_EQ(d.recoverableEdits(), 4u);
        d.recover();
        ASSERT_EQ(d.project().annotations().size(), 2u);
        ASSERT_NE(d.project().annotation(stored.id), nullptr);
        EXPECT_EQ(annotationToJson(*d.project().annotation(stored.id)), annotationToJson(stored));
    }
    // A journal written before annotations were prepared (the id inside the annotation) replays too.
    const std::string older = (dir / "older.json").string();
    std::string base;
    {
        auto d = Document::create(older);
        d.addImage("a.png", 64, 48), d.addCategory("dog");
        d.save();
        base = d.project().modified;
    }
    Annotation a = stored;
    a.id = 1, a.imageId = 1, a.categoryId = 1;
    const json header = {{"journal", "rlfseg-project"}, {"base", base}};
    const json olderLine = {{"op", "add_annotation"}, {"annotation", annotationToJson(a)}};
    test::writeBytes(older + ".journal", header.dump() + "\n" + olderLine.dump() + "\n");
    auto d = Document::open(older);
    ASSERT_EQ(d.recoverableEdits(), 1u);
    d.recover();
    ASSERT_NE(d.project().annotation(1), nullptr);
    EXPECT_EQ(annotationToJson(*d.project().annotation(1)), annotationToJson(a));
}

// A save in three steps (the file written on another thread while editing goes on), stopped by a
// "crash" (the document destroyed) after each step: reopening loses no edit and repeats none.
TEST(Document, ASaveInThreeStepsLosesNothingWhereverItStops) {
    int run = 0;
    // A saved project with one annotation, then one more edit (journaled): a fresh one per case.
    const auto start = [&run](std::string& file) {
        file = (test::makeTempDir("document-three-steps-" + std::to_string(run++)) / "p.json").string();
        auto d = Document::create(file);
        Annotation a;
        a.imageId = d.addImage("a.png", 64, 48), a.categoryId = d.addCategory("dog");
        a.mask = coco::encode(ringMask(64, 48));
        d.addAnnotation(a);
        d.save();
        d.addAnnotation(a);
        return d;
    };
    const auto another = [] {
        Annotation a;
        a.imageId = 1, a.categoryId = 1, a.mask = coco::encode(starMask(64, 48, 1));
        return a;
    };
    const auto writeOnAThread = [](Document::PendingSave& pending) {
        std::thread([&pending] { Document::writeFile(pending); }).join();
    };
    const auto reopened = [](const std::string& file, size_t inFile, size_t edits) {
        auto d = Document::open(file);
        EXPECT_EQ(d.project().annotations().size(), inFile);
        EXPECT_EQ(d.recoverableEdits(), edits);
        d.recover();
        return d;
    };
    std::string file;
    {
        SCOPED_TRACE("a crash before the file is written");
        {
            auto d = start(file);
            auto pending = d.beginSave();
            d.addAnnotation(another());
        }
        EXPECT_EQ(reopened(file, 1, 2).project().annotations().size(), 3u); // the mark is not an edit
    }
    {
        SCOPED_TRACE("a crash after the file is written, before the journal is trimmed");
        {
            auto d = start(file);
            auto pending = d.beginSave();
            d.addAnnotation(another()); // while the file is written
            writeOnAThread(pending);
            d.setState(1, ReviewState::Reviewed);
        }
        auto d = reopened(file, 2, 2); // the file holds the snapshot; the journal the two edits after it
        EXPECT_EQ(d.project().annotations().size(), 3u);
        EXPECT_EQ(d.project().image(1)->state, ReviewState::Reviewed);
        // Recovered and edited again, then another crash: the journal still replays from its mark.
        d.removeAnnotation(1);
        auto again = reopened(file, 2, 3);
        EXPECT_EQ(again.project().annotations().size(), 2u);
    }
    {
        SCOPED_TRACE("a complete save with edits made while it wrote");
        {
            auto d = start(file);
            auto pending = d.beginSave();
            EXPECT_THROW(d.beginSave(), Error); // one at a time
            d.addAnnotation(another());
            writeOnAThread(pending);
            d.finishSave(pending);
            EXPECT_TRUE(d.modified());
            EXPECT_EQ(d.projectFileBytes(), fs::file_size(file));
            EXPECT_EQ(d.journalBytes(), fs::file_size(d.journalPath()));
            d.addAnnotation(another()); // appended to the trimmed journal
        }
        auto d = reopened(file, 2, 2);
        EXPECT_EQ(d.project().annotations().size(), 4u);
    }
    {
        SCOPED_TRACE("a complete save with no edit meanwhile");
        auto d = start(file);
        auto pending = d.beginSave();
        writeOnAThread(pending);
        d.finishSave(pending);
        EXPECT_FALSE(d.modified());
        EXPECT_FALSE(fs::exists(d.journalPath()));
        EXPECT_EQ(Document::open(file).project().annotations().size(), 2u);
    }
    {
        SCOPED_TRACE("a write that fails, abandoned");
        {
            auto d = start(file);
            auto pending = d.beginSave();
            pending.path = (fs::path(file).parent_path() / "no-such-folder" / "p.json").string();
            EXPECT_THROW(Document::writeFile(pending), Error);
            d.abandonSave();
            d.addAnnotation(another());
            d.save(); // the next save works
            d.addAnnotation(another());
        }
        EXPECT_EQ(reopened(file, 3, 1).project().annotations().size(), 4u);
    }
}

TEST(Document, EditsOfABatchAreJournaledLikeSingleOnes) {
    const fs::path dir = test::makeTempDir("document-batch");
    const std::string file = (dir / "p.json").string();
    {
        auto d = Document::create(file);
        const int64_t image = d.addImage("a.png", 64, 48);
        {
            Document::Batch outer(d);
            const int dog = d.addCategory("dog");
            {
                Document::Batch inner(d); // nested: only the outermost end syncs
                for (int i = 0; i < 3; ++i) {
                    Annotation a;
                    a.imageId = image, a.categoryId = dog, a.mask = coco::encode(starMask(64, 48, i));
                    d.addAnnotation(a);
                }
            }
            d.setState(image, ReviewState::Reviewed);
        }
        d.addPrompt(image, {"the dog", "t", 90, 0.5, 100, "default"}); // after the batch, as before
    } // "a crash"
    {
        // A save inside a batch folds its edits into the file; the batch's later edits start a
        // new journal, which the end of the batch syncs.
        auto d = Document::create((dir / "q.json").string());
        const int64_t image = d.addImage("a.png", 64, 48);
        {
            Document::Batch batch(d);
            d.addCategory("dog");
            d.save();
            d.addCategory("cat");
        }
        auto again = Document::open((dir / "q.json").string());
        EXPECT_EQ(again.project().categories().size(), 1u);
        ASSERT_EQ(again.recoverableEdits(), 1u);
        again.recover();
        EXPECT_NE(again.project().categoryByName("cat"), nullptr);
        EXPECT_NE(again.project().image(image), nullptr);
    }
    auto d = Document::open(file);
    ASSERT_TRUE(d.hasRecoverableWork());
    EXPECT_EQ(d.recoverableEdits(), 7u);
    d.recover();
    ASSERT_EQ(d.project().annotations().size(), 3u);
    EXPECT_EQ(d.project().annotations().rbegin()->second.mask.counts, coco::encode(starMask(64, 48, 2)).counts);
    EXPECT_EQ(d.project().image(1)->state, ReviewState::Reviewed);
    EXPECT_EQ(d.project().image(1)->prompts.size(), 1u);
}

TEST(Document, TornJournalsAndStaleJournals) {
    const fs::path dir = test::makeTempDir("document-torn");
    const std::string file = (dir / "p.json").string();
    {
        auto d = Document::create(file);
        d.addImage("a.png", 10, 10);
        d.addCategory("x");
    }
    // A crash in the middle of writing the last line: the complete lines are recovered.
    {
        std::ofstream(file + ".journal", std::ios::app) << R"({"op": "add_category", "na)";
    }
    const uint64_t tornBytes = fs::file_size(file + ".journal");
    auto d = Document::open(file);
    EXPECT_EQ(d.recoverableEdits(), 2u);
    EXPECT_LT(d.journalBytes(), tornBytes); // the complete lines only
    d.recover();
    EXPECT_EQ(d.project().categories().size(), 1u);
    // An edit after recovering follows the complete lines, not the torn tail: a second crash
    // loses nothing either.
    d.addCategory("z");
    EXPECT_EQ(d.journalBytes(), fs::file_size(file + ".journal"));
    d = Document::open(file);
    EXPECT_EQ(d.recoverableEdits(), 3u);
    d.recover();
    EXPECT_NE(d.project().categoryByName("z"), nullptr);
    d.save();
    // A journal whose base is another save of the project is not replayed.
    test::writeBytes(file + ".journal", "{\"journal\": \"rlfseg-project\", \"base\": \"2001-01-01T00:00:00.000Z\"}\n"
                                        "{\"op\": \"add_category\", \"name\": \"y\"}\n");
    auto stale = Document::open(file);
    EXPECT_FALSE(stale.hasRecoverableWork());
    // Lines no version writes (not objects, or fields of the wrong type) end the journal, as torn
    // lines do; opening never fails on them.
    const std::string base = stale.project().modified;
    for (const std::string bad : {"[1, 2]", "{\"op\": 5, \"base\": 7}", "\"save_begun\"", "{\"base\": null}"}) {
        test::writeBytes(file + ".journal", json({{"journal", "rlfseg-project"}, {"base", base}}).dump() + "\n" +
                                                "{\"op\": \"add_category\", \"name\": \"w\"}\n" + bad + "\n");
        auto odd = Document::open(file);
        EXPECT_GE(odd.recoverableEdits(), 1u) << bad;
        EXPECT_NO_THROW(test::writeBytes(file + ".journal", bad + "\n"); Document::open(file)) << bad;
    }
    // Bad edits in a journal: a clear error naming it.
    auto replay = [](const json& edit) {
        Project p;
        return errorOf([&] { Document::apply(p, edit); });
    };
    EXPECT_NE(replay({{"op", "fly"}}).find("unknown edit"), std::string::npos);
    // Optional fields of the wrong type (found by fuzz/FuzzJournal.cpp): an error naming the field.
    EXPECT_NE(replay({{"op", "add_image"}, {"path", "a.png"}, {"width", 4}, {"height", 4}, {"hash", 2}}).find("hash"),
              std::string::npos);
    EXPECT_NE(replay({{"op", "add_prompt"}, {"image_id", 1}, {"record", {{"prompt", "p"}, {"score", "high"}}}})
                  .find("record.score"),
              std::string::npos);
    EXPECT_NE(replay({{"op", "set_category"}, {"id", 5}, {"category_id", 1}}).find("unknown annotation"), std::string::npos);
    EXPECT_NE(errorOf([&] { Document::create(file); }).find("exists already"), std::string::npos);
}

TEST(OtherFormats, LargeOutlinesAreSimplifiedAsCocosAre) {
    cv::Mat disc;
    const Project p = oneDiscProject("disc.png", {200, 160}, 60, "disc", disc);
    const fs::path dir = test::makeTempDir("exports-simplified");
    const size_t exactCoordinates = coco::maskToPolygons(disc).polygons[0].size();

    exportLabelme(p, (dir / "labelme").string());
    std::ifstream in(dir / "labelme" / "disc.json");
    const json doc = json::parse(in);
    std::vector<coco::Polygon> outline(1);
    for (const auto& pt : doc["shapes"][0]["points"]) outline[0].push_back(pt[0]), outline[0].push_back(pt[1]);
    EXPECT_LT(outline[0].size() * 3, exactCoordinates) << "not a staircase";
    EXPECT_GE(coco::maskIoU(coco::rasterizePolygons(outline, 200, 160), disc), 0.98);

    exportYolo(p, (dir / "yolo").string());
    std::ifstream labels(dir / "yolo" / "labels" / "disc.txt");
    std::string line;
    ASSERT_TRUE(std::getline(labels, line));
    std::istringstream values(line);
    int cls = -1;
    values >> cls;
    coco::Polygon yolo;
    for (double v; values >> v;) yolo.push_back(v * (yolo.size() % 2 == 0 ? 200 : 160));
    EXPECT_EQ(cls, 0);
    EXPECT_EQ(yolo.size(), outline[0].size());
    EXPECT_GE(coco::maskIoU(coco::rasterizePolygons({yolo}, 200, 160), disc), 0.98);
}

TEST(OtherFormats, LabelmeYoloAndPngMasks) {
    const Project p = sampleProject();
    const fs::path dir = test::makeTempDir("exports");
    EXPECT_EQ(exportStem("images/a.png"), "images__a");
    EXPECT_EQ(exportStem("../x/b.jpg"), "up__x__b");

    // labelme: the ring (a hole) as a "mask" shape that decodes back exactly, the star as a polygon.
    const auto lm = exportLabelme(p, (dir / "labelme").string());
    EXPECT_EQ(lm.files, 2);
    std::ifstream in(dir / "labelme" / "images__a.json");
    const json doc = json::parse(in);
    EXPECT_EQ(doc["imageWidth"], 64);
    EXPECT_TRUE(doc["imageData"].is_null());
    ASSERT_EQ(doc["shapes"].size(), 2u);
    EXPECT_EQ(doc["shapes"][0]["shape_type"], "mask");
    EXPECT_EQ(doc["shapes"][0]["label"], "dog");
    EXPECT_EQ(doc["shapes"][1]["shape_type"], "polygon");
    EXPECT_EQ(doc["shapes"][1]["label"], "person");
    // Its outline is the one COCO's export chooses (this small star's simplification is not within
    // the tolerance, so the exact outline), which reproduces it.
    std::vector<coco::Polygon> star(1);
    for (const auto& pt : doc["shapes"][1]["points"]) star[0].push_back(pt[0]), star[0].push_back(pt[1]);
    EXPECT_EQ(star, coco::outlineForExport(starMask(64, 48, 5)).outline.polygons);
    EXPECT_EQ(cv::countNonZero(coco::rasterizePolygons(star, 64, 48) != starMask(64, 48, 5)), 0);

    // YOLO: one line per component, class indices in id order, coordinates in [0, 1].
    const auto yolo = exportYolo(p, (dir / "yolo").string());
    EXPECT_EQ(yolo.shapes, 3);
    EXPECT_EQ(test::readBytes(dir / "yolo" / "classes.txt"), "dog\nperson\n");
    std::ifstream labels(dir / "yolo" / "labels" / "images__a.txt");
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(labels, line)) lines.push_back(line);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].substr(0, 2), "0 ");
    EXPECT_EQ(lines[1].substr(0, 2), "1 ");
    std::istringstream values(lines[1].substr(2));
    double v;
    int count = 0;
    while (values >> v) {
        EXPECT_GE(v, 0.0);
        EXPECT_LE(v, 1.0);
        ++count;
    }
    EXPECT_EQ(count % 2, 0);

    // PNG: 16-bit instances, 8-bit semantic; later annotations on top.
    exportPngMasks(p, (dir / "png").string());
    const cv::Mat instances = cv::imread((dir / "png" / "instances" / "images__a.png").string(), cv::IMREAD_UNCHANGED);
    const cv::Mat semantic = cv::imread((dir / "png" / "semantic" / "images__a.png").string(), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(instances.type(), CV_16UC1);
    ASSERT_EQ(semantic.type(), CV_8UC1);
    const cv::Mat ring = ringMask(64, 48), starOnly = starMask(64, 48, 5) & ~ring;
    cv::Point inRing, inStar;
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 64; ++x) {
            if (ring.at<uint8_t>(y, x) && !starMask(64, 48, 5).at<uint8_t>(y, x)) inRing = {x, y};
            if (starOnly.at<uint8_t>(y, x)) inStar = {x, y};
        }
    EXPECT_EQ(instances.at<uint16_t>(inRing), 1);
    EXPECT_EQ(semantic.at<uint8_t>(inRing), 1);
    EXPECT_EQ(instances.at<uint16_t>(inStar), 2);
    EXPECT_EQ(semantic.at<uint8_t>(inStar), 2);
    EXPECT_EQ(instances.at<uint16_t>(24, 32), starMask(64, 48, 5).at<uint8_t>(24, 32) ? 2 : 0); // the ring's hole
}

TEST(Polygons, DecodeRegionIsTheCropOfTheFullDecode) {
    const cv::Mat star = starMask(70, 50, 3) | ringMask(70, 50);
    const auto rle = coco::encode(star);
    const cv::Mat full = coco::decode(rle);
    cv::RNG rng(9);
    for (int i = 0; i < 50; ++i) {
        const cv::Rect r(rng.uniform(-5, 70), rng.uniform(-5, 50), rng.uniform(0, 40), rng.uniform(0, 40));
        const cv::Rect clipped = r & cv::Rect(0, 0, 70, 50);
        const cv::Mat part = coco::decodeRegion(rle, r);
        ASSERT_EQ(part.size(), clipped.size());
        if (clipped.area() > 0) EXPECT_EQ(cv::countNonZero(part != full(clipped)), 0) << i;
        // encodeRegion of the crop is encode() of the mask that is zero outside it.
        cv::Mat only = cv::Mat::zeros(50, 70, CV_8UC1);
        if (clipped.area() > 0) star(clipped).copyTo(only(clipped));
        EXPECT_EQ(coco::encodeRegion(clipped.area() > 0 ? cv::Mat(star(clipped)) : cv::Mat(clipped.size(), CV_8UC1), clipped, 50, 70).counts,
                  coco::encode(only).counts)
            << i;
    }
    const std::vector<coco::Polygon> polygons{{3.2, 4.1, 30.5, 8.9, 12.0, 40.2}, {50, 5, 69, 5, 69, 49, 50, 49}};
    EXPECT_EQ(coco::polygonsToRle(polygons, 70, 50).counts, coco::encode(coco::rasterizePolygons(polygons, 70, 50)).counts);
}
