<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>rlfseg::ui::MainWindow</name>
    <message>
        <source>&amp;Open Image…</source>
        <translation>打开图像(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Folder…</source>
        <translation>打开文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Actual Size</source>
        <translation>实际大小(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;About RLFSeg Studio…</source>
        <translation>关于 RLFSeg Studio(&amp;A)…</translation>
    </message>
    <message>
        <source>About &amp;Qt…</source>
        <translation>关于 Qt(&amp;Q)…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>“%1” does not exist.</source>
        <translation>“%1”不存在。</translation>
    </message>
    <message>
        <source>“%1” is not a file.</source>
        <translation>“%1”不是文件。</translation>
    </message>
    <message>
        <source>Cannot open “%1”: not a supported image format, or the file is damaged (%2).</source>
        <translation>无法打开“%1”：不是受支持的图像格式，或文件已损坏（%2）。</translation>
    </message>
    <message>
        <source>Cannot open “%1”: the image is too large (%2 × %3 pixels); at most %4 megapixels are supported.</source>
        <translation>无法打开“%1”：图像过大（%2 × %3 像素）；最多支持 %4 百万像素。</translation>
    </message>
    <message>
        <source>Cannot read “%1”: %2</source>
        <translation>无法读取“%1”：%2</translation>
    </message>
    <message>
        <source>“%1” is not a folder.</source>
        <translation>“%1”不是文件夹。</translation>
    </message>
    <message>
        <source>Cannot read the folder “%1”.</source>
        <translation>无法读取文件夹“%1”。</translation>
    </message>
    <message>
        <source>There are no images in “%1”.</source>
        <translation>“%1”中没有图像。</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) in “%1”.</source>
        <translation>
            <numerusform>“%1”中有 %n 张图像。</numerusform>
        </translation>
    </message>
    <message>
        <source>None of the given files is an image this program can open.</source>
        <translation>所给文件中没有本程序能打开的图像。</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>无图像</translation>
    </message>
    <message>
        <source>%1 × %2 px</source>
        <translation>%1 × %2 像素</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>Images (%1)</source>
        <translation>图像 (%1)</translation>
    </message>
    <message>
        <source>All Files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>打开图像</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>About RLFSeg Studio</source>
        <translation>关于 RLFSeg Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;RLFSeg Studio %1&lt;/h3&gt;&lt;p&gt;Text-prompted segmentation for annotating image data sets.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;RLFSeg Studio %1&lt;/h3&gt;&lt;p&gt;基于文本提示的分割，用于标注图像数据集。&lt;/p&gt;&lt;p&gt;使用 Qt %2 构建。&lt;/p&gt;</translation>
    </message>
</context>
</TS>
