<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>rlfseg::ui::MainWindow</name>
    <message>
        <source>&amp;Open Image…</source>
        <translation>Bild &amp;öffnen…</translation>
    </message>
    <message>
        <source>Open &amp;Folder…</source>
        <translation>&amp;Ordner öffnen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Ver&amp;größern</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>An &amp;Fenster anpassen</translation>
    </message>
    <message>
        <source>&amp;Actual Size</source>
        <translation>&amp;Originalgröße</translation>
    </message>
    <message>
        <source>&amp;About RLFSeg Studio…</source>
        <translation>&amp;Über RLFSeg Studio…</translation>
    </message>
    <message>
        <source>About &amp;Qt…</source>
        <translation>Über &amp;Qt…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>“%1” does not exist.</source>
        <translation>„%1“ existiert nicht.</translation>
    </message>
    <message>
        <source>“%1” is not a file.</source>
        <translation>„%1“ ist keine Datei.</translation>
    </message>
    <message>
        <source>Cannot open “%1”: not a supported image format, or the file is damaged (%2).</source>
        <translation>„%1“ kann nicht geöffnet werden: kein unterstütztes Bildformat, oder die Datei ist beschädigt (%2).</translation>
    </message>
    <message>
        <source>Cannot open “%1”: the image is too large (%2 × %3 pixels); at most %4 megapixels are supported.</source>
        <translation>„%1“ kann nicht geöffnet werden: Das Bild ist zu groß (%2 × %3 Pixel); unterstützt werden höchstens %4 Megapixel.</translation>
    </message>
    <message>
        <source>Cannot read “%1”: %2</source>
        <translation>„%1“ kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>“%1” is not a folder.</source>
        <translation>„%1“ ist kein Ordner.</translation>
    </message>
    <message>
        <source>Cannot read the folder “%1”.</source>
        <translation>Der Ordner „%1“ kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>There are no images in “%1”.</source>
        <translation>In „%1“ gibt es keine Bilder.</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) in “%1”.</source>
        <translation>
            <numerusform>%n Bild in „%1“.</numerusform>
            <numerusform>%n Bilder in „%1“.</numerusform>
        </translation>
    </message>
    <message>
        <source>None of the given files is an image this program can open.</source>
        <translation>Keine der angegebenen Dateien ist ein Bild, das dieses Programm öffnen kann.</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>Kein Bild</translation>
    </message>
    <message>
        <source>%1 × %2 px</source>
        <translation>%1 × %2 px</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Images (%1)</source>
        <translation>Bilder (%1)</translation>
    </message>
    <message>
        <source>All Files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>Bild öffnen</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>Ordner öffnen</translation>
    </message>
    <message>
        <source>About RLFSeg Studio</source>
        <translation>Über RLFSeg Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;RLFSeg Studio %1&lt;/h3&gt;&lt;p&gt;Text-prompted segmentation for annotating image data sets.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;RLFSeg Studio %1&lt;/h3&gt;&lt;p&gt;Textgesteuerte Segmentierung zum Annotieren von Bilddatensätzen.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2.&lt;/p&gt;</translation>
    </message>
</context>
</TS>
