<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>rlfseg::ui::MainWindow</name>
    <message>
        <source>&amp;Open Image…</source>
        <translation>&amp;Open Image…</translation>
    </message>
    <message>
        <source>Open &amp;Folder…</source>
        <translation>Open &amp;Folder…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Zoom &amp;In</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Zoom &amp;Out</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>&amp;Fit to Window</translation>
    </message>
    <message>
        <source>&amp;Actual Size</source>
        <translation>&amp;Actual Size</translation>
    </message>
    <message>
        <source>&amp;About RLFSeg Studio…</source>
        <translation>&amp;About RLFSeg Studio…</translation>
    </message>
    <message>
        <source>About &amp;Qt…</source>
        <translation>About &amp;Qt…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Images</translation>
    </message>
    <message>
        <source>“%1” does not exist.</source>
        <translation>“%1” does not exist.</translation>
    </message>
    <message>
        <source>“%1” is not a file.</source>
        <translation>“%1” is not a file.</translation>
    </message>
    <message>
        <source>Cannot open “%1”: not a supported image format, or the file is damaged (%2).</source>
        <translation>Cannot open “%1”: not a supported image format, or the file is damaged (%2).</translation>
    </message>
    <message>
        <source>Cannot open “%1”: the image is too large (%2 × %3 pixels); at most %4 megapixels are supported.</source>
        <translation>Cannot open “%1”: the image is too large (%2 × %3 pixels); at most %4 megapixels are supported.</translation>
    </message>
    <message>
        <source>Cannot read “%1”: %2</source>
        <translation>Cannot read “%1”: %2</translation>
    </message>
    <message>
        <source>“%1” is not a folder.</source>
        <translation>“%1” is not a folder.</translation>
    </message>
    <message>
        <source>Cannot read the folder “%1”.</source>
        <translation>Cannot read the folder “%1”.</translation>
    </message>
    <message>
        <source>There are no images in “%1”.</source>
        <translation>There are no images in “%1”.</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) in “%1”.</source>
        <translation>
            <numerusform>%n image in “%1”.</numerusform>
            <numerusform>%n images in “%1”.</numerusform>
        </translation>
    </message>
    <message>
        <source>None of the given files is an image this program can open.</source>
        <translation>None of the given files is an image this program can open.</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>No image</translation>
    </message>
    <message>
        <source>%1 × %2 px</source>
        <translation>%1 × %2 px</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>Images (%1)</source>
        <translation>Images (%1)</translation>
    </message>
    <message>
        <source>All Files (*)</source>
        <translation>All Files (*)</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>Open Image</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>Open Folder</translation>
    </message>
    <message>
        <source>About RLFSeg Studio</source>
        <translation>About RLFSeg Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;RLFSeg Studio %1&lt;/h3&gt;&lt;p&gt;Text-prompted segmentation for annotating image data sets.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;RLFSeg Studio %1&lt;/h3&gt;&lt;p&gt;Text-prompted segmentation for annotating image data sets.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</translation>
    </message>
</context>
</TS>
