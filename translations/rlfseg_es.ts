<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>rlfseg::ui::MainWindow</name>
    <message>
        <source>&amp;Open Image…</source>
        <translation>&amp;Abrir imagen…</translation>
    </message>
    <message>
        <source>Open &amp;Folder…</source>
        <translation>Abrir &amp;carpeta…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>&amp;Ampliar</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>&amp;Reducir</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>Ajustar a la &amp;ventana</translation>
    </message>
    <message>
        <source>&amp;Actual Size</source>
        <translation>&amp;Tamaño real</translation>
    </message>
    <message>
        <source>&amp;About RLFSeg Studio…</source>
        <translation>Acerca &amp;de RLFSeg Studio…</translation>
    </message>
    <message>
        <source>About &amp;Qt…</source>
        <translation>Acerca de &amp;Qt…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Imágenes</translation>
    </message>
    <message>
        <source>“%1” does not exist.</source>
        <translation>«%1» no existe.</translation>
    </message>
    <message>
        <source>“%1” is not a file.</source>
        <translation>«%1» no es un archivo.</translation>
    </message>
    <message>
        <source>Cannot open “%1”: not a supported image format, or the file is damaged (%2).</source>
        <translation>No se puede abrir «%1»: no es un formato de imagen compatible o el archivo está dañado (%2).</translation>
    </message>
    <message>
        <source>Cannot open “%1”: the image is too large (%2 × %3 pixels); at most %4 megapixels are supported.</source>
        <translation>No se puede abrir «%1»: la imagen es demasiado grande (%2 × %3 píxeles); se admiten como máximo %4 megapíxeles.</translation>
    </message>
    <message>
        <source>Cannot read “%1”: %2</source>
        <translation>No se puede leer «%1»: %2</translation>
    </message>
    <message>
        <source>“%1” is not a folder.</source>
        <translation>«%1» no es una carpeta.</translation>
    </message>
    <message>
        <source>Cannot read the folder “%1”.</source>
        <translation>No se puede leer la carpeta «%1».</translation>
    </message>
    <message>
        <source>There are no images in “%1”.</source>
        <translation>No hay imágenes en «%1».</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) in “%1”.</source>
        <translation>
            <numerusform>%n imagen en «%1».</numerusform>
            <numerusform>%n imágenes en «%1».</numerusform>
        </translation>
    </message>
    <message>
        <source>None of the given files is an image this program can open.</source>
        <translation>Ninguno de los archivos indicados es una imagen que este programa pueda abrir.</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>Sin imagen</translation>
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
        <translation>Imágenes (%1)</translation>
    </message>
    <message>
        <source>All Files (*)</source>
        <translation>Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>Abrir imagen</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>Abrir carpeta</translation>
    </message>
    <message>
        <source>About RLFSeg Studio</source>
        <translation>Acerca de RLFSeg Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;RLFSeg Studio %1&lt;/h3&gt;&lt;p&gt;Text-prompted segmentation for annotating image data sets.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;RLFSeg Studio %1&lt;/h3&gt;&lt;p&gt;Segmentación guiada por texto para anotar conjuntos de datos de imágenes.&lt;/p&gt;&lt;p&gt;Compilado con Qt %2.&lt;/p&gt;</translation>
    </message>
</context>
</TS>
