#include "ui/prompt/PromptBar.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QCompleter>
#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStringListModel>
#include <QToolButton>

namespace rlfseg::ui {

PromptBar::PromptBar(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("PromptBar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);

    auto* categoryLabel = new QLabel(tr("Category:"), this);
    mCategory = new QComboBox(this);
    mCategory->setObjectName(QStringLiteral("CategoryBox"));
    mCategory->setEditable(true); // a new name makes a new category
    mCategory->setInsertPolicy(QComboBox::NoInsert);
    mCategory->setMinimumContentsLength(12);
    mCategory->setToolTip(tr("The category the next mask gets. Type a new name to add one."));
    categoryLabel->setBuddy(mCategory);

    mPrompt = new QLineEdit(this);
    mPrompt->setObjectName(QStringLiteral("PromptEdit"));
    mPrompt->setPlaceholderText(tr("Type what to segment, e.g. \"the red circle on the left\", and press Enter"));
    mPrompt->setClearButtonEnabled(true);
    mPrompt->installEventFilter(this);
    mCompletions = new QStringListModel(this);
    mCompleter = new QCompleter(mCompletions, this);
    mCompleter->setCaseSensitivity(Qt::CaseInsensitive);
    mCompleter->setFilterMode(Qt::MatchContains);
    mCompleter->setCompletionMode(QCompleter::PopupCompletion);
    mPrompt->setCompleter(mCompleter);

    mRunButton = new QToolButton(this);
    mRunButton->setText(tr("Segment"));
    mRunButton->setToolTip(tr("Segment what the prompt says (Enter)"));
    mCancelButton = new QToolButton(this);
    mCancelButton->setText(tr("Cancel"));
    mCancelButton->setToolTip(tr("Cancel the running request (Esc)"));
    mCancelButton->setEnabled(false);

    layout->addWidget(categoryLabel);
    layout->addWidget(mCategory);
    layout->addWidget(mPrompt, 1);
    layout->addWidget(mRunButton);
    layout->addWidget(mCancelButton);

    connect(mPrompt, &QLineEdit::returnPressed, this, &PromptBar::submit);
    connect(mRunButton, &QToolButton::clicked, this, &PromptBar::submit);
    connect(mCancelButton, &QToolButton::clicked, this, &PromptBar::cancelRequested);
    setReady(false);
}

QString PromptBar::prompt() const { return mPrompt->text().simplified(); }

void PromptBar::setPrompt(const QString& prompt) { mPrompt->setText(prompt); }

QString PromptBar::category() const { return mCategory->currentText().simplified(); }

void PromptBar::setCategories(const QStringList& names)
{
    const QString current = mCategory->currentText();
    mCategory->clear();
    mCategory->addItems(names);
    if (!current.isEmpty()) setCategory(current);
}

void PromptBar::setCategory(const QString& name)
{
    const int index = mCategory->findText(name, Qt::MatchFixedString);
    if (index >= 0) mCategory->setCurrentIndex(index);
    else mCategory->setEditText(name);
}

void PromptBar::setImageHistory(const QStringList& prompts)
{
    mImageHistory = prompts;
    updateCompletions();
}

void PromptBar::rememberPrompt(const QString& prompt)
{
    mSessionHistory.removeAll(prompt);
    mSessionHistory.append(prompt);
    updateCompletions();
}

void PromptBar::updateCompletions()
{
    // Newest first; this image's prompts before the rest of the session's.
    QStringList list;
    for (auto it = mImageHistory.crbegin(); it != mImageHistory.crend(); ++it)
        if (!list.contains(*it)) list.append(*it);
    for (auto it = mSessionHistory.crbegin(); it != mSessionHistory.crend(); ++it)
        if (!list.contains(*it)) list.append(*it);
    mCompletions->setStringList(list);
}

void PromptBar::setBusy(bool busy) { mCancelButton->setEnabled(busy); }

void PromptBar::setReady(bool ready)
{
    mReady = ready;
    mRunButton->setEnabled(ready);
}

void PromptBar::submit()
{
    const QString text = prompt();
    if (text.isEmpty() || !mReady) return;
    emit submitted(category(), text);
}

bool PromptBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == mPrompt && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape && !mCompleter->popup()->isVisible()) {
        emit cancelRequested();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace rlfseg::ui
