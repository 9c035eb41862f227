// The main window and its canvas, headless (QT_QPA_PLATFORM=offscreen, set by ctest).

#include "ui/MainWindow.h"
#include "ui/canvas/ImageCanvas.h"

#include <QDir>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMimeData>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTranslator>
#include <QUrl>
#include <QWheelEvent>

#include <memory>

using rlfseg::ui::ImageCanvas;
using rlfseg::ui::MainWindow;

namespace {

// A test image with something in it, so that a decoder that returns garbage would show.
QImage makeImage(int width, int height, QColor colour)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(colour);
    image.setPixelColor(0, 0, Qt::white);
    return image;
}

QString writeImage(const QTemporaryDir& dir, const QString& name, const QSize& size)
{
    const QString path = dir.filePath(name);
    if (!makeImage(size.width(), size.height(), Qt::darkCyan).save(path))
        return {};
    return path;
}

quint32 crc32(const QByteArray& data)
{
    quint32 crc = 0xffffffffu;
    for (const char byte : data) {
        crc ^= quint8(byte);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray bigEndian32(quint32 value)
{
    QByteArray bytes(4, '\0');
    for (int i = 0; i < 4; ++i)
        bytes[i] = char(value >> (24 - 8 * i));
    return bytes;
}

QByteArray pngChunk(const char* type, const QByteArray& data)
{
    const QByteArray typed = QByteArray(type) + data;
    return bigEndian32(quint32(data.size())) + typed + bigEndian32(crc32(typed));
}

QByteArray pngHeader(int width, int height)
{
    QByteArray header = bigEndian32(quint32(width)) + bigEndian32(quint32(height));
    header += QByteArray("\x10\x06\x00\x00\x00", 5); // 16 bits, RGBA, deflate, no interlace
    return QByteArray("\x89PNG\r\n\x1a\n") + pngChunk("IHDR", header);
}

// A flat 16-bit RGBA PNG, written by hand: QImage::save takes seconds for one this size, while
// the deflate stream of a constant image is quick and tiny.
bool writeFlatRgba64Png(const QString& path, int width, int height)
{
    const qsizetype rowBytes = 1 + qsizetype(width) * 8; // filter byte, then RGBA x 16 bits
    QByteArray pixels(rowBytes * height, '\x40');
    for (int y = 0; y < height; ++y)
        pixels[y * rowBytes] = 0; // filter: none
    const QByteArray zlib = qCompress(pixels, 1).mid(4); // qCompress prefixes the length

    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(pngHeader(width, height));
    file.write(pngChunk("IDAT", zlib));
    file.write(pngChunk("IEND", {}));
    return file.error() == QFile::NoError;
}

// Everything the status bar shows: the permanent labels and the current message.
QString statusBarText(const MainWindow& window)
{
    QStringList parts{window.statusBar()->currentMessage()};
    const QList<QLabel*> labels = window.statusBar()->findChildren<QLabel*>();
    for (const QLabel* label : labels)
        parts.append(label->text());
    return parts.join(QLatin1Char(' '));
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void opensImage();
    void rejectsCorruptFile();
    void rejectsMissingFile();
    void opensLargeImage();
    void rejectsHugeImage();
    void opensFolder();
    void rejectsEmptyFolder();
    void thumbnailsFollowTheListShown();
    void opensDroppedImage();

    void zoomSteps();
    void fitMapsCentreToCentre();
    void actualSize();
    void wheelZoomKeepsPointUnderCursor();

    void translationLoads_data();
    void translationLoads();

private:
    QTemporaryDir mDir;
    MainWindow* newWindow();
    std::unique_ptr<MainWindow> mWindow;
};

void MainWindowTest::initTestCase()
{
    QVERIFY(mDir.isValid());
    // Settings written by the dialogs' "last folder" must not land in the user's own.
    QCoreApplication::setOrganizationName(QStringLiteral("RLFSegTest"));
}

MainWindow* MainWindowTest::newWindow()
{
    mWindow = std::make_unique<MainWindow>();
    mWindow->resize(900, 700);
    mWindow->show();
    if (!QTest::qWaitForWindowExposed(mWindow.get()))
        return nullptr;
    return mWindow.get();
}

void MainWindowTest::opensImage()
{
    MainWindow* window = newWindow();
    QVERIFY(window);
    const QString path = writeImage(mDir, QStringLiteral("photo.png"), QSize(320, 200));
    QVERIFY(!path.isEmpty());

    QVERIFY2(window->openImage(path), qPrintable(window->lastError()));
    QVERIFY(window->lastError().isEmpty());
    QCOMPARE(window->canvas()->image().size(), QSize(320, 200));
    QCOMPARE(window->canvas()->image().pixelColor(0, 0), QColor(Qt::white));
    QVERIFY2(statusBarText(*window).contains(QStringLiteral("photo.png")),
             qPrintable(statusBarText(*window)));
    QVERIFY(statusBarText(*window).contains(QStringLiteral("320")));
    QVERIFY(window->windowTitle().contains(QStringLiteral("photo.png")));
}

void MainWindowTest::rejectsCorruptFile()
{
    MainWindow* window = newWindow();
    QVERIFY(window);
    const QString good = writeImage(mDir, QStringLiteral("good.png"), QSize(64, 48));
    QVERIFY(window->openImage(good));

    const QString path = mDir.filePath(QStringLiteral("corrupt.png"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QByteArray noise(4096, '\0');
    QRandomGenerator generator(1234);
    for (char& byte : noise)
        byte = char(generator.bounded(256));
    file.write(noise);
    file.close();

    QVERIFY(!window->openImage(path));
    QVERIFY(!window->lastError().isEmpty());
    QVERIFY2(window->lastError().contains(QStringLiteral("corrupt.png")),
             qPrintable(window->lastError()));
    QVERIFY(window->statusBar()->currentMessage().contains(QStringLiteral("corrupt.png")));
    // What was shown stays shown.
    QCOMPARE(window->canvas()->image().size(), QSize(64, 48));
    QCOMPARE(window->currentImagePath(), QFileInfo(good).absoluteFilePath());

    // A truncated PNG: valid signature and header, no pixel data.
    QFile goodFile(good);
    QVERIFY(goodFile.open(QIODevice::ReadOnly));
    const QByteArray head = goodFile.read(40);
    const QString truncated = mDir.filePath(QStringLiteral("truncated.png"));
    QFile truncatedFile(truncated);
    QVERIFY(truncatedFile.open(QIODevice::WriteOnly));
    truncatedFile.write(head);
    truncatedFile.close();
    QVERIFY(!window->openImage(truncated));
    QVERIFY(window->lastError().contains(QStringLiteral("truncated.png")));
}

void MainWindowTest::rejectsMissingFile()
{
    MainWindow* window = newWindow();
    QVERIFY(window);
    QVERIFY(!window->openImage(mDir.filePath(QStringLiteral("nothing-here.png"))));
    QVERIFY(window->lastError().contains(QStringLiteral("nothing-here.png")));
    QVERIFY(!window->canvas()->hasImage());
}

void MainWindowTest::opensLargeImage()
{
    // 8000 x 6000 at 16 bits per channel decodes to 384 MiB, beyond QImageReader's default
    // allocation limit of 256 MiB.
    const QString path = mDir.filePath(QStringLiteral("large.png"));
    QVERIFY(writeFlatRgba64Png(path, 8000, 6000));

    MainWindow* window = newWindow();
    QVERIFY(window);
    // Its decode (half a second or more) runs off the UI thread: the event loop keeps turning.
    int turns = 0;
    QTimer turning;
    turning.setInterval(0);
    connect(&turning, &QTimer::timeout, this, [&turns] { ++turns; });
    turning.start();
    QVERIFY2(window->openImage(path), qPrintable(window->lastError()));
    turning.stop();
    QVERIFY(turns > 0);
    QCOMPARE(window->canvas()->image().size(), QSize(8000, 6000));
    QVERIFY(window->canvas()->zoom() < 0.2); // fitted
    window->canvas()->grab(); // paints from the pyramid without complaint
    QVERIFY(statusBarText(*window).contains(QStringLiteral("8000")));
}

void MainWindowTest::rejectsHugeImage()
{
    // A PNG header promising 20 000 x 12 000 pixels (240 megapixels, over the limit of 200) and a
    // few bytes of data: refused from the header alone, with the size in the message.
    const QString path = mDir.filePath(QStringLiteral("huge.png"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(pngHeader(20000, 12000));
    file.write(pngChunk("IDAT", qCompress(QByteArray(64, '\0')).mid(4)));
    file.write(pngChunk("IEND", {}));
    file.close();

    MainWindow* window = newWindow();
    QVERIFY(window);
    QVERIFY(!window->openImage(path));
    QVERIFY2(window->lastError().contains(QStringLiteral("20000")), qPrintable(window->lastError()));
    QVERIFY(!window->canvas()->hasImage());

    // A header of 3000 x 2000 (read on a long task's thread, being large) over broken data: the
    // thread's failure comes back as a message.
    const QString broken = mDir.filePath(QStringLiteral("broken-large.png"));
    QFile brokenFile(broken);
    QVERIFY(brokenFile.open(QIODevice::WriteOnly));
    brokenFile.write(pngHeader(3000, 2000));
    brokenFile.write(pngChunk("IDAT", QByteArray(64, 'x')));
    brokenFile.write(pngChunk("IEND", {}));
    brokenFile.close();
    QVERIFY(!window->openImage(broken));
    QVERIFY2(window->lastError().contains(QStringLiteral("broken-large.png")), qPrintable(window->lastError()));
    QVERIFY(!window->canvas()->hasImage());
}

void MainWindowTest::opensFolder()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    // Natural order puts img2 before img10; the sizes tell the images apart.
    QVERIFY(!writeImage(folder, QStringLiteral("img10.png"), QSize(30, 30)).isEmpty());
    QVERIFY(!writeImage(folder, QStringLiteral("img1.png"), QSize(10, 10)).isEmpty());
    QVERIFY(!writeImage(folder, QStringLiteral("img2.jpg"), QSize(20, 20)).isEmpty());
    QFile notes(folder.filePath(QStringLiteral("notes.txt")));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("not an image");
    notes.close();

    MainWindow* window = newWindow();
    QVERIFY(window);
    QVERIFY2(window->openFolder(folder.path()), qPrintable(window->lastError()));

    QListWidget* list = window->imageList();
    QCOMPARE(list->count(), 3);
    QCOMPARE(list->item(0)->text(), QStringLiteral("img1.png"));
    QCOMPARE(list->item(1)->text(), QStringLiteral("img2.jpg"));
    QCOMPARE(list->item(2)->text(), QStringLiteral("img10.png"));
    QVERIFY(list->isVisible());
    QCOMPARE(list->currentRow(), 0);
    QCOMPARE(window->canvas()->image().size(), QSize(10, 10));

    list->setCurrentRow(1);
    QCOMPARE(window->canvas()->image().size(), QSize(20, 20));
    QCOMPARE(window->currentImagePath(), QDir(folder.path()).absoluteFilePath(QStringLiteral("img2.jpg")));
    QVERIFY(statusBarText(*window).contains(QStringLiteral("img2.jpg")));

    // Thumbnails load lazily, after the list is on screen.
    QTRY_VERIFY(list->item(0)->icon().pixmap(QSize(48, 48)).toImage().pixelColor(24, 24).alpha() ==
                255);

    // An image from elsewhere empties the list.
    const QString elsewhere = writeImage(mDir, QStringLiteral("elsewhere.png"), QSize(5, 5));
    QVERIFY(window->openImage(elsewhere));
    QCOMPARE(list->count(), 0);
}

void MainWindowTest::thumbnailsFollowTheListShown()
{
    // Thumbnails are read on a thread of their own: a list replaced while they are read shows only
    // its own, and a window closed meanwhile waits for the one being read.
    QTemporaryDir many, few;
    for (int i = 0; i < 40; ++i)
        QVERIFY(!writeImage(many, QStringLiteral("m%1.png").arg(i), QSize(600, 400)).isEmpty());
    QVERIFY(!writeImage(few, QStringLiteral("a.png"), QSize(30, 20)).isEmpty());
    const QString broken = few.filePath(QStringLiteral("b.png"));
    QFile brokenFile(broken);
    QVERIFY(brokenFile.open(QIODevice::WriteOnly));
    brokenFile.write("not a PNG at all");
    brokenFile.close();

    MainWindow* window = newWindow();
    QVERIFY(window);
    QVERIFY(window->openFolder(many.path()));
    QTest::qWait(20); // the first list's thumbnails are being read
    QVERIFY(window->openFolder(few.path()));
    QListWidget* list = window->imageList();
    QCOMPARE(list->count(), 2);
    const auto shown = [list] {
        return list->item(0)->icon().pixmap(QSize(48, 48)).toImage().pixelColor(24, 24).alpha() == 255;
    };
    QTRY_VERIFY(shown());
    QTRY_VERIFY(list->item(1)->toolTip().startsWith(QStringLiteral("Cannot"))); // the reason, in words
    QVERIFY2(list->item(1)->toolTip().contains(QStringLiteral("b.png")), qPrintable(list->item(1)->toolTip()));
    QTest::qWait(100); // the first list's late results are dropped
    QCOMPARE(list->count(), 2);
    QVERIFY(shown());

    QVERIFY(window->openFolder(many.path()));
    QTest::qWait(5);
    mWindow.reset(); // while thumbnails are read
}

void MainWindowTest::rejectsEmptyFolder()
{
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    MainWindow* window = newWindow();
    QVERIFY(window);
    QVERIFY(!window->openFolder(folder.path()));
    QVERIFY(!window->lastError().isEmpty());
    QVERIFY(!window->openFolder(mDir.filePath(QStringLiteral("no-such-folder"))));
    QVERIFY(window->lastError().contains(QStringLiteral("no-such-folder")));
}

void MainWindowTest::opensDroppedImage()
{
    MainWindow* window = newWindow();
    QVERIFY(window);
    const QString path = writeImage(mDir, QStringLiteral("dropped.png"), QSize(40, 30));

    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPoint pos(window->width() / 2, window->height() / 2);
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window, &drop);
    QCOMPARE(window->canvas()->image().size(), QSize(40, 30));
}

void MainWindowTest::zoomSteps()
{
    MainWindow* window = newWindow();
    QVERIFY(window);
    QVERIFY(window->openImage(writeImage(mDir, QStringLiteral("zoom.png"), QSize(1600, 1200))));
    ImageCanvas* canvas = window->canvas();
    QSignalSpy spy(canvas, &ImageCanvas::zoomChanged);

    canvas->fitToWindow();
    const double fitted = canvas->zoom();
    QVERIFY(fitted < 1.0); // 1600 x 1200 does not fit into a 900 x 700 window

    canvas->zoomIn();
    QVERIFY(canvas->zoom() > fitted);
    QVERIFY(!canvas->isFitToWindow());
    QVERIFY(spy.count() >= 1);
    const double zoomedIn = canvas->zoom();
    canvas->zoomOut();
    QVERIFY(canvas->zoom() < zoomedIn);
    canvas->zoomOut();
    canvas->zoomOut();
    QVERIFY(canvas->zoom() < fitted);

    canvas->setZoom(1000.0);
    QCOMPARE(canvas->zoom(), ImageCanvas::maximumZoom());
    canvas->setZoom(0.0);
    QCOMPARE(canvas->zoom(), ImageCanvas::minimumZoom());

    canvas->fitToWindow();
    QCOMPARE(canvas->zoom(), fitted);
    QVERIFY(canvas->isFitToWindow());
    QCOMPARE(spy.last().at(0).toDouble(), fitted);
    QVERIFY(statusBarText(*window).contains(QString::number(qRound(fitted * 100))));
}

void MainWindowTest::fitMapsCentreToCentre()
{
    MainWindow* window = newWindow();
    QVERIFY(window);
    QVERIFY(window->openImage(writeImage(mDir, QStringLiteral("fit.png"), QSize(1000, 300))));
    ImageCanvas* canvas = window->canvas();
    canvas->zoomIn();
    canvas->fitToWindow();

    const QPointF widgetCentre(canvas->width() / 2.0, canvas->height() / 2.0);
    const QPointF imageCentre = canvas->mapToImage(widgetCentre);
    QVERIFY2(qAbs(imageCentre.x() - 500.0) < 1e-6 && qAbs(imageCentre.y() - 150.0) < 1e-6,
             qPrintable(QStringLiteral("%1, %2").arg(imageCentre.x()).arg(imageCentre.y())));
    // The wide image fills the canvas's width exactly.
    const double scale = canvas->zoom() / canvas->devicePixelRatioF();
    QVERIFY(qAbs(1000.0 * scale - canvas->width()) < 1e-6);
    QVERIFY(canvas->mapToImage(QPointF(0, widgetCentre.y())).x() == 0.0);
    QCOMPARE(canvas->mapFromImage(imageCentre), widgetCentre);

    // Fit follows the window while it is in force.
    window->resize(700, 500);
    QTRY_VERIFY(canvas->mapToImage(QPointF(canvas->width() / 2.0, canvas->height() / 2.0)) ==
                QPointF(500.0, 150.0));
}

void MainWindowTest::actualSize()
{
    MainWindow* window = newWindow();
    QVERIFY(window);
    QVERIFY(window->openImage(writeImage(mDir, QStringLiteral("actual.png"), QSize(4000, 3000))));
    ImageCanvas* canvas = window->canvas();
    canvas->setActualSize();
    QCOMPARE(canvas->zoom(), 1.0);
    QVERIFY(statusBarText(*window).contains(QStringLiteral("100")));
    // Zoomed about the centre: the centre still shows the image centre.
    const QPointF centre = canvas->mapToImage(QPointF(canvas->width() / 2.0, canvas->height() / 2.0));
    QVERIFY(qAbs(centre.x() - 2000.0) < 1.0 && qAbs(centre.y() - 1500.0) < 1.0);
}

void MainWindowTest::wheelZoomKeepsPointUnderCursor()
{
    MainWindow* window = newWindow();
    QVERIFY(window);
    QVERIFY(window->openImage(writeImage(mDir, QStringLiteral("wheel.png"), QSize(2000, 1500))));
    ImageCanvas* canvas = window->canvas();
    // Larger than the view both ways: a view on a smaller image recentres it, by design.
    canvas->setActualSize();
    QVERIFY(canvas->width() < 2000 && canvas->height() < 1500);
    const QPointF cursor(canvas->width() * 0.3, canvas->height() * 0.4);
    const QPointF before = canvas->mapToImage(cursor);
    const double zoom = canvas->zoom();

    QWheelEvent wheel(cursor, canvas->mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(canvas, &wheel);
    QVERIFY(canvas->zoom() > zoom);
    const QPointF after = canvas->mapToImage(cursor);
    QVERIFY2(qAbs(after.x() - before.x()) < 1e-6 && qAbs(after.y() - before.y()) < 1e-6,
             qPrintable(QStringLiteral("%1,%2 -> %3,%4")
                            .arg(before.x()).arg(before.y()).arg(after.x()).arg(after.y())));
}

void MainWindowTest::translationLoads_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("openImage");
    QTest::addRow("en") << "en" << "&File" << "&Open Image…";
    QTest::addRow("de") << "de" << "&Datei" << "Bild &öffnen…";
    QTest::addRow("zh_CN") << "zh_CN" << "文件(&F)" << "打开图像(&O)…";
    QTest::addRow("es") << "es" << "&Archivo" << "&Abrir imagen…";
}

void MainWindowTest::translationLoads()
{
    QFETCH(QString, language);
    QFETCH(QString, file);
    QFETCH(QString, openImage);

    QTranslator translator;
    QVERIFY(translator.load(QStringLiteral("rlfseg_") + language, QStringLiteral(":/i18n/")));
    QCOMPARE(translator.translate("rlfseg::ui::MainWindow", "&File"), file);
    QCOMPARE(translator.translate("rlfseg::ui::MainWindow", "&Open Image…"), openImage);

    // Installed, it reaches the window's menus.
    QVERIFY(QCoreApplication::installTranslator(&translator));
    MainWindow window;
    QCoreApplication::removeTranslator(&translator);
    const QList<QAction*> menus = window.menuBar()->actions();
    QVERIFY(!menus.isEmpty());
    QCOMPARE(menus.first()->text(), file);

    // The locale-based lookup main() uses finds the file too.
    QTranslator byLocale;
    QVERIFY(byLocale.load(QLocale(language), QStringLiteral("rlfseg"), QStringLiteral("_"),
                          QStringLiteral(":/i18n")));
}

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
