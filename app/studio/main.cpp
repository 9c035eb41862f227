// rlfseg-studio: the annotation desktop application. Everything but the start-up lives in ui/.

#include "rlfseg/BuildInfo.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
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
    QLocale locale = QLocale::system();
    if (parser.isSet(langOption)) {
        locale = QLocale(parser.value(langOption));
        QLocale::setDefault(locale);
    }
    const bool translated = installTranslators(*app, locale);
    parser.process(*app); // answers --help, reports unknown options; both exit

    if (!translated && parser.isSet(langOption) && locale.language() != QLocale::English) {
        std::fprintf(stderr, "rlfseg-studio: no translation for '%s'; using English.\n",
                     qPrintable(parser.value(langOption)));
    }

    rlfseg::ui::MainWindow window;
    window.show();
    const QStringList paths = parser.positionalArguments();
    if (!paths.isEmpty() && !window.openPaths(paths))
        std::fprintf(stderr, "rlfseg-studio: %s\n", qPrintable(window.lastError()));

    if (parser.isSet(screenshotOption)) {
        // Let the first frames (layout, lazily loaded thumbnails) settle before grabbing.
        const QString file = parser.value(screenshotOption);
        QTimer::singleShot(1500, &window, [&window, file] {
            const bool saved = window.grab().save(file);
            if (!saved) std::fprintf(stderr, "rlfseg-studio: could not write %s\n", qPrintable(file));
            QCoreApplication::exit(saved ? 0 : 1);
        });
    }
    return app->exec();
}
