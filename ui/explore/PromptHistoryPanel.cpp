#include "ui/explore/PromptHistoryPanel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rlfseg::ui {

namespace {
// Numbers sort as numbers.
QTableWidgetItem* numberItem(double value, const QString& text)
{
    auto* item = new QTableWidgetItem;
    item->setData(Qt::DisplayRole, text);
    item->setData(Qt::UserRole, value);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}
} // namespace

PromptHistoryPanel::PromptHistoryPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("PromptHistoryPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    mTable = new QTableWidget(0, 5, this);
    mTable->setObjectName(QStringLiteral("promptHistoryTable"));
    mTable->setHorizontalHeaderLabels({tr("Time"), tr("Prompt"), tr("ms"), tr("Score"), tr("Area")});
    mTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    mTable->verticalHeader()->hide();
    mTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    mTable->setSelectionMode(QAbstractItemView::ExtendedSelection);
    mTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(mTable);

    auto* buttons = new QHBoxLayout;
    mRunButton = new QPushButton(tr("Run Again"), this);
    mCompareButton = new QPushButton(tr("Compare…"), this);
    mCompareButton->setToolTip(tr("Select two to four prompts to see their masks side by side"));
    auto* exportButton = new QPushButton(tr("Export Plot…"), this);
    exportButton->setToolTip(tr("Save the plot shown below as PNG or PDF"));
    buttons->addWidget(mRunButton);
    buttons->addWidget(mCompareButton);
    buttons->addStretch(1);
    buttons->addWidget(exportButton);
    layout->addLayout(buttons);

    connect(mTable, &QTableWidget::itemSelectionChanged, this, &PromptHistoryPanel::updateButtons);
    connect(mTable, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (auto* item = mTable->item(row, 1)) emit runAgain(item->text());
    });
    connect(mRunButton, &QPushButton::clicked, this, [this] {
        const QStringList prompts = selectedPrompts();
        if (!prompts.isEmpty()) emit runAgain(prompts.first());
    });
    connect(mCompareButton, &QPushButton::clicked, this, [this] { emit compare(selectedPrompts()); });
    connect(exportButton, &QPushButton::clicked, this, &PromptHistoryPanel::exportPlot);
    updateButtons();
}

void PromptHistoryPanel::setRows(const QVector<PromptHistoryRow>& rows)
{
    mTable->setSortingEnabled(false);
    mTable->setRowCount(static_cast<int>(rows.size()));
    const QLocale locale;
    for (int i = 0; i < rows.size(); ++i) {
        const auto& r = rows[rows.size() - 1 - i]; // newest first
        mTable->setItem(i, 0, new QTableWidgetItem(locale.toString(r.time.toLocalTime().time(), QLocale::ShortFormat)));
        mTable->setItem(i, 1, new QTableWidgetItem(r.prompt));
        mTable->setItem(i, 2, numberItem(r.latencyMs, QString::number(r.latencyMs, 'f', 0)));
        mTable->setItem(i, 3, numberItem(r.score, QString::number(r.score, 'f', 2)));
        mTable->setItem(i, 4, numberItem(double(r.area), locale.toString(r.area)));
    }
    updateButtons();
}

QStringList PromptHistoryPanel::selectedPrompts() const
{
    QStringList prompts;
    for (const auto& index : mTable->selectionModel()->selectedRows(1)) {
        const QString prompt = index.data().toString();
        if (!prompts.contains(prompt)) prompts.append(prompt);
    }
    return prompts;
}

void PromptHistoryPanel::updateButtons()
{
    const int n = static_cast<int>(selectedPrompts().size());
    mRunButton->setEnabled(n >= 1);
    mCompareButton->setEnabled(n >= 2 && n <= 4);
}

} // namespace rlfseg::ui
