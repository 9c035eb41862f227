#pragma once
// Annotating images from a list of "category: prompt" pairs with the segmentation pipeline: what
// `rlfseg annotate` and the app's auto-annotate do. No Qt; no LibTorch in this header.

#include "core/annotation/Project.h"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace rlfseg {
class SegmentationPipeline;
}

namespace rlfseg::annotation {

struct PromptEntry {
    std::string category;
    std::string prompt;
};

// One "category: prompt" per line; the first colon splits; spaces around both parts are trimmed;
// blank lines and lines starting with '#' are skipped. A line without a colon, or with an empty
// category or prompt, is an rlfseg::Error naming the file and line. An empty list is an error too.
std::vector<PromptEntry> parsePrompts(const std::string& text, const std::string& source);
std::vector<PromptEntry> readPromptsFile(const std::string& path);

enum class InstanceMode { Components, Single };

struct BatchOptions {
    InstanceMode instances = InstanceMode::Components; // one annotation per 8-connected component
    int minArea = 16;                                   // smaller masks / components are dropped
};

// Splits a binary mask (CV_8UC1) into the masks to annotate: its 8-connected components (holes
// kept), or the mask as a whole; empty ones and those below minArea dropped.
std::vector<cv::Mat> splitInstances(const cv::Mat& mask, const BatchOptions& options);

// For every prompt: the pipeline's mask on `rgb`, split into annotations of image `imageId` and
// category `categoryIds[i]` (source model, score = the mask's score, the prompt recorded). The
// image's prompt history gets one record per prompt when `project` is given.
std::vector<Annotation> annotateImage(SegmentationPipeline& pipeline, const cv::Mat& rgb, int64_t imageId,
                                      const std::vector<PromptEntry>& prompts, const std::vector<int>& categoryIds,
                                      const BatchOptions& options, Project* project = nullptr);

} // namespace rlfseg::annotation
