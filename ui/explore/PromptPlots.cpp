#include "ui/explore/PromptPlots.h"

#include <QFileInfo>
#include <QTabWidget>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>

namespace rlfseg::ui {

namespace {

QCustomPlot* makePlot(QWidget* parent)
{
    auto* plot = new QCustomPlot(parent);
    plot->setMinimumHeight(160);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    return plot;
}

// Category ticks from labels (prompts, candidate names), positions 1..n.
void setLabelTicks(QCPAxis* axis, const QVector<QString>& labels)
{
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < labels.size(); ++i) ticker->addTick(i + 1, labels[i]);
    axis->setTicker(ticker);
    axis->setTickLabelRotation(labels.size() > 4 ? 40 : 0);
    axis->setRange(0.3, labels.size() + 0.7);
}

QString shortened(const QString& text, int length = 24)
{
    return text.size() <= length ? text : text.left(length - 1) + QChar(0x2026);
}

} // namespace

PromptPlots::PromptPlots(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("PromptPlots"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    mTabs = new QTabWidget(this);
    layout->addWidget(mTabs);
    const QString titles[PlotCount] = {tr("Score and area"), tr("Area by threshold"), tr("Clean-up candidates"),
                                       tr("Latency")};
    for (int i = 0; i < PlotCount; ++i) {
        mPlots[i] = makePlot(this);
        mTabs->addTab(mPlots[i], titles[i]);
    }

    auto* p = mPlots[ScoreAndArea];
    p->addGraph(p->xAxis, p->yAxis);
    p->graph(0)->setName(tr("score"));
    p->graph(0)->setLineStyle(QCPGraph::lsNone);
    p->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));
    p->addGraph(p->xAxis, p->yAxis2);
    p->graph(1)->setName(tr("area (share of the image)"));
    p->graph(1)->setPen(QPen(QColor(200, 90, 20)));
    p->graph(1)->setLineStyle(QCPGraph::lsNone);
    p->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, 7));
    p->yAxis->setLabel(tr("score"));
    p->yAxis->setRange(0, 1.05);
    p->yAxis2->setVisible(true);
    p->yAxis2->setLabel(tr("area"));
    p->legend->setVisible(true);
    QFont small = p->legend->font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    p->legend->setFont(small);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);

    p = mPlots[AreaByThreshold];
    p->addGraph();
    p->graph(0)->setName(tr("area"));
    p->xAxis->setLabel(tr("threshold"));
    p->yAxis->setLabel(tr("area (share of the image)"));
    p->xAxis->setRange(0, 1);

    p = mPlots[Candidates];
    p->yAxis->setLabel(tr("score"));
    p->yAxis->setRange(0, 1.05);

    p = mPlots[Latency];
    p->addGraph();
    p->graph(0)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
    p->xAxis->setLabel(tr("result"));
    p->yAxis->setLabel(tr("ms, prompt to mask"));
}

void PromptPlots::setPrompts(const QVector<PromptPoint>& prompts)
{
    auto* p = mPlots[ScoreAndArea];
    QVector<double> x, score, area;
    QVector<QString> labels;
    double maxArea = 0;
    for (int i = 0; i < prompts.size(); ++i) {
        x.append(i + 1);
        score.append(prompts[i].score);
        area.append(prompts[i].areaFraction);
        labels.append(shortened(prompts[i].prompt));
        maxArea = std::max(maxArea, prompts[i].areaFraction);
    }
    p->graph(0)->setData(x, score, true);
    p->graph(1)->setData(x, area, true);
    setLabelTicks(p->xAxis, labels);
    p->yAxis2->setRange(0, std::max(0.05, maxArea * 1.1));
    p->replot();
}

void PromptPlots::setSoftMask(const cv::Mat& soft, double threshold, const QString& prompt)
{
    auto* p = mPlots[AreaByThreshold];
    p->clearItems();
    QVector<double> x, y;
    if (!soft.empty() && soft.type() == CV_32FC1) {
        // A histogram once, then the area above each of 100 thresholds from its tail.
        constexpr int kBins = 100;
        std::vector<double> counts(kBins + 1, 0.0);
        for (int r = 0; r < soft.rows; ++r) {
            const float* v = soft.ptr<float>(r);
            for (int c = 0; c < soft.cols; ++c) counts[size_t(std::clamp(int(v[c] * kBins), 0, kBins))] += 1;
        }
        const double total = double(soft.total());
        double above = 0;
        QVector<double> reversed;
        for (int b = kBins; b >= 0; --b) {
            reversed.append(above / total); // area with value >= (b + 1) / kBins
            above += counts[size_t(b)];
        }
        for (int b = 0; b <= kBins; ++b) {
            x.append(double(b) / kBins);
            y.append(reversed[kBins - b]);
        }
    }
    p->graph(0)->setData(x, y, true);
    p->yAxis->setRange(0, std::max(0.05, y.isEmpty() ? 0.0 : *std::max_element(y.begin(), y.end()) * 1.1));
    auto* line = new QCPItemStraightLine(p);
    line->point1->setCoords(threshold, 0);
    line->point2->setCoords(threshold, 1);
    line->setPen(QPen(Qt::red, 1.5, Qt::DashLine));
    auto* label = new QCPItemText(p);
    label->position->setType(QCPItemPosition::ptAxisRectRatio);
    label->position->setCoords(0.98, 0.05);
    label->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
    label->setText(tr("“%1”, threshold %2").arg(shortened(prompt, 40)).arg(threshold, 0, 'f', 2));
    p->replot();
}

void PromptPlots::setCandidates(const QVector<CandidatePoint>& candidates, int selected)
{
    auto* p = mPlots[Candidates];
    p->clearPlottables();
    auto* bars = new QCPBars(p->xAxis, p->yAxis);
    auto* chosen = new QCPBars(p->xAxis, p->yAxis);
    chosen->setBrush(QColor(40, 160, 60));
    QVector<double> x, y, cx, cy;
    QVector<QString> labels;
    for (int i = 0; i < candidates.size(); ++i) {
        (i == selected ? cx : x).append(i + 1);
        (i == selected ? cy : y).append(candidates[i].score);
        labels.append(candidates[i].name);
    }
    bars->setData(x, y, true);
    chosen->setData(cx, cy, true);
    setLabelTicks(p->xAxis, labels);
    p->replot();
}

void PromptPlots::addLatency(double milliseconds)
{
    mLatencies.append(milliseconds);
    auto* p = mPlots[Latency];
    p->graph(0)->addData(mLatencies.size(), milliseconds);
    p->xAxis->setRange(0, mLatencies.size() + 1);
    p->yAxis->setRange(0, *std::max_element(mLatencies.begin(), mLatencies.end()) * 1.15);
    p->replot();
}

int PromptPlots::points(Plot which) const
{
    int n = 0;
    auto* p = mPlots[which];
    for (int i = 0; i < p->plottableCount(); ++i) n += p->plottable(i)->interface1D() ? p->plottable(i)->interface1D()->dataCount() : 0;
    return n;
}

bool PromptPlots::exportPlot(Plot which, const QString& path) const
{
    auto* p = mPlots[which];
    const int w = std::max(640, p->width()), h = std::max(400, p->height());
    if (QFileInfo(path).suffix().compare(QStringLiteral("pdf"), Qt::CaseInsensitive) == 0) return p->savePdf(path, w, h);
    return p->savePng(path, w, h);
}

} // namespace rlfseg::ui
