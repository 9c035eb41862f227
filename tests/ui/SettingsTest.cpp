// Settings: saved and loaded through QSettings (test mode: a scratch location), and the dialog
// hands back what it was given, changed where the user changed it.

#include "ui/settings/SettingsDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using namespace rlfseg::ui;

class SettingsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("RLFSegTest"));
        QCoreApplication::setApplicationName(QStringLiteral("SettingsTest"));
    }

    void savedSettingsComeBack()
    {
        StudioSettings s;
        s.inference.modelDirectory = QStringLiteral("/models/sd15-refcoco");
        s.inference.device = QStringLiteral("cuda");
        s.inference.threads = 6;
        s.inference.sampler = QStringLiteral("adaptive");
        s.inference.threshold = 0.35f;
        s.inference.edgeSnap = false;
        s.language = QStringLiteral("de");
        s.save();
        const StudioSettings back = StudioSettings::load();
        QCOMPARE(back.inference.modelDirectory, s.inference.modelDirectory);
        QCOMPARE(back.inference.device, s.inference.device);
        QCOMPARE(back.inference.threads, 6);
        QCOMPARE(back.inference.sampler, QStringLiteral("adaptive"));
        QCOMPARE(back.inference.threshold, 0.35f);
        QCOMPARE(back.inference.edgeSnap, false);
        QCOMPARE(back.language, QStringLiteral("de"));
    }

    void dialogReturnsWhatTheUserChose()
    {
        StudioSettings s;
        s.inference.sampler = QStringLiteral("euler:4");
        s.language = QStringLiteral("zh_CN");
        SettingsDialog dialog(s);
        QCOMPARE(dialog.settings().inference.sampler, QStringLiteral("euler:4"));
        QCOMPARE(dialog.settings().language, QStringLiteral("zh_CN"));
        QCOMPARE(dialog.settings().inference.modelDirectory, QString()); // the default model
        auto* threshold = dialog.findChild<QDoubleSpinBox*>();
        threshold->setValue(0.7);
        auto* threads = dialog.findChild<QSpinBox*>();
        threads->setValue(3);
        QCOMPARE(dialog.settings().inference.threshold, 0.7f);
        QCOMPARE(dialog.settings().inference.threads, 3);
        auto* snap = dialog.findChild<QCheckBox*>();
        QVERIFY(snap);
        QVERIFY(snap->isChecked()); // the model's edge snap, unless turned off
        snap->setChecked(false);
        QCOMPARE(dialog.settings().inference.edgeSnap, false);
        // The lowest value stands for the model's calibrated threshold, and says so.
        threshold->setValue(0.0);
        QCOMPARE(threshold->text(), QStringLiteral("The model's"));
        QCOMPARE(dialog.settings().inference.threshold, 0.0f);
    }

    void theModelsThresholdShowsItsValueWhileThatModelIsNamed()
    {
        StudioSettings s;
        s.inference.modelDirectory = QStringLiteral("/models/calibrated");
        SettingsDialog dialog(s, 0.04);
        auto* threshold = dialog.findChild<QDoubleSpinBox*>();
        QCOMPARE(threshold->text(), QStringLiteral("The model's (0.04)"));
        // Another folder's threshold is not known until it loads; naming the first again shows it again.
        auto* folder = dialog.findChild<QLineEdit*>();
        folder->setText(QStringLiteral("/models/other"));
        QCOMPARE(threshold->text(), QStringLiteral("The model's"));
        folder->setText(QStringLiteral("/models/calibrated"));
        QCOMPARE(threshold->text(), QStringLiteral("The model's (0.04)"));
        threshold->setValue(0.3);
        QCOMPARE(dialog.settings().inference.threshold, 0.3f);
    }

    void freshSettingsUseTheModelsThreshold()
    {
        QSettings().clear();
        QCOMPARE(StudioSettings::load().inference.threshold, 0.0f);
        QCOMPARE(StudioSettings::load().inference.edgeSnap, true);
    }
};

QTEST_MAIN(SettingsTest)
#include "SettingsTest.moc"
