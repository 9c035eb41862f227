#include "core/annotation/BatchAnnotation.h"

#include "core/io/AtomicFile.h"
#include "core/pipeline/SegmentationPipeline.h"
#include "core/util/Error.h"

#include <opencv2/imgproc.hpp>

#include <sstream>

namespace rlfseg::annotation {

namespace {
std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}
} // namespace

std::vector<PromptEntry> parsePrompts(const std::string& text, const std::string& source) {
    std::vector<PromptEntry> entries;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        const auto colon = t.find(':');
        const std::string where = source + ": line " + std::to_string(number) + ": ";
        if (colon == std::string::npos) throw Error(where + "expected \"category: prompt\", found \"" + t + "\"");
        PromptEntry e{trim(t.substr(0, colon)), trim(t.substr(colon + 1))};
        if (e.category.empty()) throw Error(where + "the category (before the colon) is empty");
        if (e.prompt.empty()) throw Error(where + "the prompt (after the colon) is empty");
        entries.push_back(std::move(e));
    }
    if (entries.empty()) throw Error(source + ": no \"category: prompt\" lines");
    return entries;
}

std::vector<PromptEntry> readPromptsFile(const std::string& path) { return parsePrompts(readFileToString(path), path); }

std::vector<cv::Mat> splitInstances(const cv::Mat& mask, const BatchOptions& options) {
    std::vector<cv::Mat> out;
    const cv::Mat binary = mask != 0;
    if (options.instances == InstanceMode::Single) {
        if (cv::countNonZero(binary) >= std::max(1, options.minArea)) out.push_back(binary);
        return out;
    }
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(binary, labels, stats, centroids, 8, CV_32S);
    for (int i = 1; i < n; ++i) {
        if (stats.at<int>(i, cv::CC_STAT_AREA) < std::max(1, options.minArea)) continue;
        out.push_back(labels == i);
    }
    return out;
}

std::vector<Annotation> annotateImage(SegmentationPipeline& pipeline, const cv::Mat& rgb, int64_t imageId,
                                      const std::vector<PromptEntry>& prompts, const std::vector<int>& categoryIds,
                                      const BatchOptions& options, Project* project) {
    if (categoryIds.size() != prompts.size()) throw Error("annotateImage: one category per prompt is needed");
    std::vector<Annotation> out;
    for (size_t i = 0; i < prompts.size(); ++i) {
        const auto result = pipeline.segment(rgb, prompts[i].prompt, {}, SoftMaskSize::Model); // the mask is enough
        const auto parts = splitInstances(result.mask, options);
        for (const auto& part : parts) {
            Annotation a;
            a.imageId = imageId;
            a.categoryId = categoryIds[i];
            a.mask = coco::encode(part);
            a.source = Source::Model;
            a.score = result.score;
            a.prompt = prompts[i].prompt;
            out.push_back(std::move(a));
        }
        if (project) {
            PromptRecord r;
            r.prompt = prompts[i].prompt;
            r.time = nowIso8601();
            r.latencyMs = result.timings.totalMs;
            r.score = result.score;
            r.area = cv::countNonZero(result.mask);
            r.model = pipeline.model().card.name;
            project->addPrompt(imageId, r);
        }
    }
    return out;
}

} // namespace rlfseg::annotation
