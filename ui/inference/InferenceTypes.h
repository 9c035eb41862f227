#pragma once
// What travels between the studio and its inference worker. Qt and OpenCV types only (no LibTorch).

#include <QMetaType>
#include <QString>

#include <opencv2/core.hpp>

namespace rlfseg::ui {

struct InferenceSettings {
    QString modelDirectory;          // empty: the default model
    QString device = QStringLiteral("auto"); // auto | cpu | cuda | cuda:N
    QString precision = QStringLiteral("auto");
    QString sampler = QStringLiteral("one-step");
    int threads = 0;                 // 0: every core
    float threshold = 0.0f;          // the binary mask's; 0: the model's calibrated one (else 0.5)
    bool edgeSnap = true;            // the model's calibrated edge snap of the soft mask; false: none
};

struct ModelInfo {
    QString directory;
    QString requestedDirectory; // as the settings named it ("" = the default model)
    QString name, trainedOn, description;
    bool isRlfsegModel = false;
    QString device;      // "CPU, 2 threads" / "CUDA 0: NVIDIA H100 ..."
    bool onCuda = false;
    QString warning;     // e.g. CUDA was asked for but is not available; empty when none
    int resolution = 0;  // the model's input side in pixels
    double threshold = 0.5; // the binary mask's, as the pipeline uses it
    bool thresholdOverridden = false; // set in Settings, not the model's own
    double modelThreshold = 0.5; // the model card's calibrated threshold, 0.5 when it has none
    QString thresholdSource; // how the model card's threshold was chosen; empty: none
    QString modelEdgeSnap;   // the model card's edge snap, "radius 24 px"; empty: none
    QString edgeSnapSource;  // how it was chosen
    bool edgeSnapOff = false; // turned off in Settings
    double loadMs = 0;
};

struct SegmentOutcome {
    quint64 id = 0;
    QString imagePath, prompt;
    cv::Mat mask;        // CV_8UC1 0/255 at the image's size
    cv::Mat soft;        // CV_32FC1 in [0, 1] at the model's size, edge-snapped (plots, thresholds, clean-up)
    double score = 0, stepScale = 1;
    double threshold = 0.5; // the one that made `mask` from `soft`
    double latencyMs = 0; // from the request to the result leaving the worker
    double computeMs = 0; // the pipeline's own time
    bool imageLatentCached = false;
};

} // namespace rlfseg::ui

Q_DECLARE_METATYPE(rlfseg::ui::InferenceSettings)
Q_DECLARE_METATYPE(rlfseg::ui::ModelInfo)
Q_DECLARE_METATYPE(rlfseg::ui::SegmentOutcome)
