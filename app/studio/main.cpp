// rlfseg-studio: the annotation desktop application. Everything but the start-up lives in ui/.

#include "core/util/BlasKernels.h"
#include "rlfseg/BuildInfo.h"
#include "ui/MainWindow.h"
#include "ui/inference/InferenceService.h"
#include "ui/settings/SettingsDialog.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QStringList>
#include <QTimer>
#include <QTranslator>

#include <cstdio>
#include <cstring>
#include <memory>

namespace {

// --version and --help must work on a machine without a display (CI, packaging scripts), so they
// are answered by a QCoreApplication; only a real start creates the QApplication.
bool isConsoleOnly(int argc, char* argv[])
{
    for (int i = 1; i < argc; ++i) {
        for (const char* option : {"--version", "-v", "--help", "-h", "--help-all", "-?"}) {
            if (std::strcmp(argv[i], option) == 0)
                return true;
        }
    }
    return false;
}

// Installs Qt's own translation (standard dialogs, QCommandLineParser) and the studio's
// (:/i18n/rlfseg_<lang>.qm) for `locale`. Returns whether the studio has one for `locale`.
bool installTranslators(QCoreApplication& app, const QLocale& locale)
{
    auto* qtTranslator = new QTranslator(&app);
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);

    // Without a translation for the locale, the English one still gives proper plural forms
    // ("1 image", "2 images").
    auto* appTranslator = new QTranslator(&app);
    const bool found = appTranslator->load(locale, QStringLiteral("rlfseg"), QStringLiteral("_"),
                                           QStringLiteral(":/i18n"));
    if (found || appTranslator->load(QStringLiteral("rlfseg_en"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(appTranslator);
    return found;
}

} // namespace

int main(int argc, char* argv[])
{
    rlfseg::restartWithBetterBlasKernels(argv); // before anything loads a model: core/util/BlasKernels.h
    const bool consoleOnly = isConsoleOnly(argc, argv);
    std::unique_ptr<QCoreApplication> app;
    if (consoleOnly)
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("RLFSeg Studio"));
    QCoreApplication::setOrganizationName(QStringLiteral("RLFSeg"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(rlfseg::buildinfo::kVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("RLFSeg Studio: text-prompted segmentation for annotating image data sets."));
    parser.addHelpOption();
    const QCommandLineOption versionOption({QStringLiteral("v"), QStringLiteral("version")},
                                           QStringLiteral("Print the version and exit."));
    parser.addOption(versionOption);
    const QCommandLineOption langOption(
        QStringLiteral("lang"),
        QStringLiteral("Language of the user interface (en, de, es, zh_CN). Default: the "
                       "system's."),
        QStringLiteral("code"));
    parser.addOption(langOption);
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Save a screenshot of the window to <file> once the paths are open, then quit "
                       "(documentation, and proof that the app starts on a machine without a display)."),
        QStringLiteral("file"));
    parser.addOption(screenshotOption);
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("Model folder to load (default: the bundled default model)."),
                                         QStringLiteral("dir"));
    parser.addOption(modelOption);
    const QCommandLineOption deviceOption(QStringLiteral("device"),
                                          QStringLiteral("auto, cpu, cuda or cuda:N (default: auto)."),
                                          QStringLiteral("device"), QStringLiteral("auto"));
    parser.addOption(deviceOption);
    const QCommandLineOption promptOption(
        QStringLiteral("prompt"),
        QStringLiteral("Run this prompt on the first image once the model is loaded (with --screenshot: "
                       "the screenshot shows its mask)."),
        QStringLiteral("text"));
    parser.addOption(promptOption);
    parser.addPositionalArgument(QStringLiteral("paths"),
                                 QStringLiteral("Image files, or one folder, to open."),
                                 QStringLiteral("[paths...]"));

    // --version before anything that could complain about other arguments.
    parser.parse(QCoreApplication::arguments());
    if (parser.isSet(versionOption)) {
        std::printf("rlfseg-studio %s\n", rlfseg::buildinfo::kVersion);
        return 0;
    }

    // Translators before process(), so that --help and errors come out in the chosen language
    // where Qt has one.
    // The language: --lang, else the one chosen in Settings, else the system's.
    const rlfseg::ui::StudioSettings saved = rlfseg::ui::StudioSettings::load();
    QLocale locale = QLocale::system();
    if (parser.isSet(langOption)) {
        locale = QLocale(parser.value(langOption));
        QLocale::setDefault(locale);
    } else if (!saved.language.isEmpty()) {
        locale = QLocale(saved.language);
        QLocale::setDefault(locale);
    }
    const bool translated = installTranslators(*app, locale);
    parser.process(*app); // answers --help, reports unknown options; both exit

    if (!translated && parser.isSet(langOption) && locale.language() != QLocale::English) {
        std::fprintf(stderr, "rlfseg-studio: no translation for '%s'; using English.\n",
                     qPrintable(parser.value(langOption)));
    }

    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/rlfseg-studio.svg")));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.rlfseg.Studio"));
    rlfseg::ui::MainWindow window;
    window.setAskBeforeRecovery(!parser.isSet(screenshotOption)); // a screenshot run must not wait on a dialog
    window.show();
    const QStringList paths = parser.positionalArguments();
    if (!paths.isEmpty() && !window.openPaths(paths))
        std::fprintf(stderr, "rlfseg-studio: %s\n", qPrintable(window.lastError()));

    // The model: the saved settings, with --model and --device on top.
    rlfseg::ui::InferenceSettings settings = saved.inference;
    if (parser.isSet(modelOption)) settings.modelDirectory = parser.value(modelOption);
    if (parser.isSet(deviceOption)) settings.device = parser.value(deviceOption);
    const QString prompt = parser.value(promptOption);
    if (!prompt.isEmpty()) {
        QObject::connect(window.inference(), &rlfseg::ui::InferenceService::modelLoaded, &window,
                         [&window, prompt] { window.runPrompt(prompt); }, Qt::SingleShotConnection);
    }
    window.loadModel(settings);

    if (parser.isSet(screenshotOption)) {
        // Once the paths are open, the model loaded and (with --prompt) the mask shown; let the
        // frames settle, grab, quit. A model that fails to load still gives a screenshot.
        const QString file = parser.value(screenshotOption);
        auto grabAndQuit = [&window, file] {
            QTimer::singleShot(500, &window, [&window, file] {
                const bool saved = window.grab().save(file);
                if (!saved) std::fprintf(stderr, "rlfseg-studio: could not write %s\n", qPrintable(file));
                QCoreApplication::exit(saved ? 0 : 1);
            });
        };
        auto* inference = window.inference();
        if (!prompt.isEmpty())
            QObject::connect(&window, &rlfseg::ui::MainWindow::maskShown, &window, grabAndQuit);
        else
            QObject::connect(inference, &rlfseg::ui::InferenceService::modelLoaded, &window, grabAndQuit);
        QObject::connect(inference, &rlfseg::ui::InferenceService::modelLoadFailed, &window, grabAndQuit);
        QObject::connect(inference, &rlfseg::ui::InferenceService::requestFailed, &window, grabAndQuit);
        QTimer::singleShot(120'000, &window, grabAndQuit); // whatever happens
    }
    return app->exec();
}
