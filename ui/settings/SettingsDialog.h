#pragma once
// Settings: the model folder, device, threads, sampler, threshold and edge snap the worker uses, and the
// language of the interface. Stored with QSettings; load() and save() are what the app and this
// dialog share.

#include "ui/inference/InferenceTypes.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace rlfseg::ui {

struct StudioSettings {
    InferenceSettings inference;
    QString language; // "" = the system's; else en, de, es, zh_CN

    static StudioSettings load();
    void save() const;
};

class SettingsDialog : public QDialog {
    Q_OBJECT

public:
    // `loadedModelThreshold`: the own threshold of the loaded model, which must be the one
    // `settings` name; shown beside "The model's" while the model folder field names it.
    explicit SettingsDialog(const StudioSettings& settings, std::optional<double> loadedModelThreshold = std::nullopt,
                            QWidget* parent = nullptr);
    StudioSettings settings() const;

private:
    QLineEdit* mModel = nullptr;
    QComboBox* mDevice = nullptr;
    QSpinBox* mThreads = nullptr;
    QComboBox* mSampler = nullptr;
    QDoubleSpinBox* mThreshold = nullptr;
    QCheckBox* mEdgeSnap = nullptr;
    QComboBox* mLanguage = nullptr;
    QString mPrecision;
};

} // namespace rlfseg::ui
