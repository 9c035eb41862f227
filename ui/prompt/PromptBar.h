#pragma once
// The prompt box: a category picker and a line where the user types what to segment. Enter runs
// it, Escape cancels the running request. Completion offers the current image's earlier prompts
// first, then this session's.

#include <QStringList>
#include <QWidget>

class QComboBox;
class QCompleter;
class QLineEdit;
class QStringListModel;
class QToolButton;

namespace rlfseg::ui {

class PromptBar : public QWidget {
    Q_OBJECT

public:
    explicit PromptBar(QWidget* parent = nullptr);

    QString prompt() const;
    void setPrompt(const QString& prompt);
    QString category() const;
    void setCategories(const QStringList& names);
    void setCategory(const QString& name);
    // The current image's prompts, oldest first (completion shows the newest first).
    void setImageHistory(const QStringList& prompts);
    // Remembers a prompt that was run (for completion on every image).
    void rememberPrompt(const QString& prompt);
    void setBusy(bool busy);
    void setReady(bool ready); // false while no model is loaded

    QLineEdit* promptEdit() const { return mPrompt; }
    QComboBox* categoryBox() const { return mCategory; }

signals:
    void submitted(const QString& category, const QString& prompt);
    void cancelRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void submit();
    void updateCompletions();

    QComboBox* mCategory = nullptr;
    QLineEdit* mPrompt = nullptr;
    QToolButton* mRunButton = nullptr;
    QToolButton* mCancelButton = nullptr;
    QCompleter* mCompleter = nullptr;
    QStringListModel* mCompletions = nullptr;
    QStringList mImageHistory, mSessionHistory;
    bool mReady = false;
};

} // namespace rlfseg::ui
