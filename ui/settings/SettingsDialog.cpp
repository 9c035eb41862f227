#include "ui/settings/SettingsDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

namespace rlfseg::ui {

StudioSettings StudioSettings::load()
{
    const QSettings s;
    StudioSettings out;
    out.inference.modelDirectory = s.value(QStringLiteral("Model/directory")).toString();
    out.inference.device = s.value(QStringLiteral("Model/device"), QStringLiteral("auto")).toString();
    out.inference.precision = s.value(QStringLiteral("Model/precision"), QStringLiteral("auto")).toString();
    out.inference.sampler = s.value(QStringLiteral("Model/sampler"), QStringLiteral("one-step")).toString();
    out.inference.threads = s.value(QStringLiteral("Model/threads"), 0).toInt();
    out.inference.threshold = s.value(QStringLiteral("Model/threshold"), 0.0).toFloat();
    out.inference.edgeSnap = s.value(QStringLiteral("Model/edgeSnap"), true).toBool();
    out.language = s.value(QStringLiteral("Interface/language")).toString();
    return out;
}

void StudioSettings::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("Model/directory"), inference.modelDirectory);
    s.setValue(QStringLiteral("Model/device"), inference.device);
    s.setValue(QStringLiteral("Model/precision"), inference.precision);
    s.setValue(QStringLiteral("Model/sampler"), inference.sampler);
    s.setValue(QStringLiteral("Model/threads"), inference.threads);
    s.setValue(QStringLiteral("Model/threshold"), inference.threshold);
    s.setValue(QStringLiteral("Model/edgeSnap"), inference.edgeSnap);
    s.setValue(QStringLiteral("Interface/language"), language);
}

SettingsDialog::SettingsDialog(const StudioSettings& settings, std::optional<double> loadedModelThreshold,
                               QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("SettingsDialog"));
    mPrecision = settings.inference.precision;
    auto* form = new QFormLayout;

    mModel = new QLineEdit(settings.inference.modelDirectory, this);
    mModel->setPlaceholderText(tr("the bundled default model"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Model Folder"), mModel->text());
        if (!dir.isEmpty()) mModel->setText(dir);
    });
    auto* useDefault = new QPushButton(tr("Default"), this);
    connect(useDefault, &QPushButton::clicked, mModel, &QLineEdit::clear);
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(mModel, 1);
    modelRow->addWidget(browse);
    modelRow->addWidget(useDefault);
    form->addRow(tr("Model folder:"), modelRow);

    mDevice = new QComboBox(this);
    mDevice->addItem(tr("Automatic (CUDA when available)"), QStringLiteral("auto"));
    mDevice->addItem(tr("CPU"), QStringLiteral("cpu"));
    mDevice->addItem(tr("CUDA (warns when not available)"), QStringLiteral("cuda"));
    mDevice->setCurrentIndex(std::max(0, mDevice->findData(settings.inference.device)));
    form->addRow(tr("Device:"), mDevice);

    mThreads = new QSpinBox(this);
    mThreads->setRange(0, 256);
    mThreads->setSpecialValueText(tr("All cores (%1)").arg(QThread::idealThreadCount()));
    mThreads->setValue(settings.inference.threads);
    form->addRow(tr("CPU threads:"), mThreads);

    mSampler = new QComboBox(this);
    mSampler->addItem(tr("One step (fastest)"), QStringLiteral("one-step"));
    mSampler->addItem(tr("Adaptive one step"), QStringLiteral("adaptive"));
    mSampler->addItem(tr("Euler, 4 steps"), QStringLiteral("euler:4"));
    mSampler->setCurrentIndex(std::max(0, mSampler->findData(settings.inference.sampler)));
    form->addRow(tr("Sampler:"), mSampler);

    mThreshold = new QDoubleSpinBox(this);
    mThreshold->setRange(0.0, 0.95); // the minimum stands for "the model's"
    mThreshold->setSingleStep(0.01);
    mThreshold->setDecimals(2);
    // "The model's (0.04)" while the folder field names the loaded model; another folder's
    // threshold is unknown until it loads.
    const auto showModelsOwn = [this, loaded = settings.inference.modelDirectory,
                                value = loadedModelThreshold](const QString& folder) {
        mThreshold->setSpecialValueText(folder.trimmed() == loaded && value
                                            ? tr("The model's (%1)").arg(*value, 0, 'f', 2)
                                            : tr("The model's"));
    };
    showModelsOwn(settings.inference.modelDirectory);
    connect(mModel, &QLineEdit::textChanged, this, showModelsOwn);
    mThreshold->setValue(settings.inference.threshold);
    mThreshold->setToolTip(tr("A pixel belongs to the mask where the soft mask is above this value. \"The model's\" "
                              "uses the threshold chosen on validation data for the loaded model (rlfseg calibrate), "
                              "else 0.5."));
    form->addRow(tr("Mask threshold:"), mThreshold);

    mEdgeSnap = new QCheckBox(tr("Snap masks to the image's edges"), this);
    mEdgeSnap->setChecked(settings.inference.edgeSnap);
    mEdgeSnap->setToolTip(tr("Moves the mask's boundary onto the object's edges in the image, as the model's "
                             "calibration chose (rlfseg calibrate). Models without one are not changed."));
    form->addRow(QString(), mEdgeSnap);

    mLanguage = new QComboBox(this);
    mLanguage->addItem(tr("System language"), QString());
    mLanguage->addItem(QStringLiteral("English"), QStringLiteral("en"));
    mLanguage->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    mLanguage->addItem(QStringLiteral("Español"), QStringLiteral("es"));
    mLanguage->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    mLanguage->setCurrentIndex(std::max(0, mLanguage->findData(settings.language)));
    form->addRow(tr("Language:"), mLanguage);

    auto* note = new QLabel(tr("Model settings apply at once (the model reloads in the background); the language "
                               "applies at the next start."),
                            this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

StudioSettings SettingsDialog::settings() const
{
    StudioSettings s;
    s.inference.modelDirectory = mModel->text().trimmed();
    s.inference.device = mDevice->currentData().toString();
    s.inference.precision = mPrecision;
    s.inference.threads = mThreads->value();
    s.inference.sampler = mSampler->currentData().toString();
    s.inference.threshold = static_cast<float>(mThreshold->value());
    s.inference.edgeSnap = mEdgeSnap->isChecked();
    s.language = mLanguage->currentData().toString();
    return s;
}

} // namespace rlfseg::ui
