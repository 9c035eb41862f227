#pragma once
// Plots for exploring what the model understands (QCustomPlot), one tab each:
//   - score and area of every prompt on the current image;
//   - the last soft mask's area against the threshold, the threshold in use marked;
//   - the last clean-up's candidates and their scores, the selected one marked;
//   - latency of every result this session.
// Each plot exports as PNG or PDF (exportPlot). qcustomplot.h stays out of this header.

#include <QString>
#include <QVector>
#include <QWidget>

#include <opencv2/core.hpp>

class QCustomPlot;
class QTabWidget;

namespace rlfseg::ui {

struct PromptPoint {
    QString prompt;
    double score = 0;
    double areaFraction = 0; // mask area / image area
};

struct CandidatePoint {
    QString name;
    double score = 0;
};

class PromptPlots : public QWidget {
    Q_OBJECT

public:
    enum Plot { ScoreAndArea, AreaByThreshold, Candidates, Latency, PlotCount };

    explicit PromptPlots(QWidget* parent = nullptr);

    void setPrompts(const QVector<PromptPoint>& prompts);
    // soft: CV_32FC1 in [0, 1] (the model's size is enough).
    void setSoftMask(const cv::Mat& soft, double threshold, const QString& prompt);
    void setCandidates(const QVector<CandidatePoint>& candidates, int selected);
    void addLatency(double milliseconds);

    QCustomPlot* plot(Plot which) const { return mPlots[which]; }
    int points(Plot which) const; // data points on a plot (tests)
    // By the file's suffix: .pdf or .png (anything else is PNG). False when it cannot be written.
    bool exportPlot(Plot which, const QString& path) const;

private:
    QTabWidget* mTabs = nullptr;
    QCustomPlot* mPlots[PlotCount] = {};
    QVector<double> mLatencies;
};

} // namespace rlfseg::ui
