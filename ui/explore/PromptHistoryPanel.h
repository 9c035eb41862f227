#pragma once
// The prompts run on the current image, newest first: time, prompt, latency, score and area.
// Double-click (or "Run again") runs a prompt again; "Compare" shows the masks of two to four
// selected prompts side by side.

#include <QDateTime>
#include <QVector>
#include <QWidget>

class QTableWidget;
class QPushButton;

namespace rlfseg::ui {

struct PromptHistoryRow {
    QString prompt;
    QDateTime time;
    double latencyMs = 0, score = 0;
    qint64 area = 0;
};

class PromptHistoryPanel : public QWidget {
    Q_OBJECT

public:
    explicit PromptHistoryPanel(QWidget* parent = nullptr);

    void setRows(const QVector<PromptHistoryRow>& rows); // oldest first, as recorded
    QStringList selectedPrompts() const;
    QTableWidget* table() const { return mTable; }

signals:
    void runAgain(const QString& prompt);
    void compare(const QStringList& prompts);
    void exportPlot();

private:
    void updateButtons();

    QTableWidget* mTable = nullptr;
    QPushButton* mRunButton = nullptr;
    QPushButton* mCompareButton = nullptr;
};

} // namespace rlfseg::ui
