<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>rlfseg::ui::AnnotationSession</name>
    <message>
        <source>Cannot open the project “%1”: %2</source>
        <translation>No se puede abrir el proyecto «%1»: %2</translation>
    </message>
    <message>
        <source>No folder is open, so there is no project to add annotations to.</source>
        <translation>No hay ninguna carpeta abierta, así que no hay ningún proyecto al que añadir anotaciones.</translation>
    </message>
    <message>
        <source>Cannot create the project “%1”: %2</source>
        <translation>No se puede crear el proyecto «%1»: %2</translation>
    </message>
    <message>
        <source>Mask for “%1”</source>
        <translation>Máscara para «%1»</translation>
    </message>
    <message>
        <source>Cannot add the mask: %1</source>
        <translation>No se puede añadir la máscara: %1</translation>
    </message>
    <message>
        <source>Auto-annotate “%1”</source>
        <translation>Anotar automáticamente «%1»</translation>
    </message>
    <message>
        <source>Cannot add the masks: %1</source>
        <translation>No se pueden añadir las máscaras: %1</translation>
    </message>
    <message>
        <source>There is no annotation %1.</source>
        <translation>No existe la anotación %1.</translation>
    </message>
    <message>
        <source>Delete mask</source>
        <translation>Eliminar máscara</translation>
    </message>
    <message>
        <source>A category needs a name.</source>
        <translation>Una categoría necesita un nombre.</translation>
    </message>
    <message>
        <source>Category “%1”</source>
        <translation>Categoría «%1»</translation>
    </message>
    <message>
        <source>The new mask does not have the image&apos;s size.</source>
        <translation>La máscara nueva no tiene el tamaño de la imagen.</translation>
    </message>
    <message>
        <source>There are no annotations to export yet.</source>
        <translation>Todavía no hay anotaciones que exportar.</translation>
    </message>
    <message>
        <source>%1 images, %2 annotations, %3 categories written to “%4”.</source>
        <translation>%1 imágenes, %2 anotaciones y %3 categorías escritas en «%4».</translation>
    </message>
    <message>
        <source>Validation: no problems.</source>
        <translation>Validación: sin problemas.</translation>
    </message>
    <message>
        <source>Validation: %1 errors, %2 warnings.</source>
        <translation>Validación: %1 errores, %2 advertencias.</translation>
    </message>
    <message>
        <source>error</source>
        <translation>error</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>advertencia</translation>
    </message>
    <message>
        <source>The exported file did not validate; see the report.</source>
        <translation>El archivo exportado no superó la validación; consulte el informe.</translation>
    </message>
    <message>
        <source>Cannot export COCO: %1</source>
        <translation>No se puede exportar a COCO: %1</translation>
    </message>
    <message>
        <source>Cannot save the project: %1</source>
        <translation>No se puede guardar el proyecto: %1</translation>
    </message>
    <message>
        <source>The mask is empty.</source>
        <translation>La máscara está vacía.</translation>
    </message>
    <message>
        <source>Draw mask</source>
        <translation>Dibujar máscara</translation>
    </message>
    <message>
        <source>Select the mask to keep and at least one other.</source>
        <translation>Seleccione la máscara que desea conservar y al menos otra.</translation>
    </message>
    <message>
        <source>Only masks of the same image can be combined.</source>
        <translation>Solo se pueden combinar máscaras de la misma imagen.</translation>
    </message>
    <message>
        <source>Subtract masks</source>
        <translation>Restar máscaras</translation>
    </message>
    <message>
        <source>Merge masks</source>
        <translation>Fusionar máscaras</translation>
    </message>
    <message>
        <source>Import COCO</source>
        <translation>Importar COCO</translation>
    </message>
    <message>
        <source>Import mask</source>
        <translation type="vanished">Importar máscara</translation>
    </message>
    <message>
        <source>%1 annotations imported from “%2” (%3 new images; %4 images in the file).</source>
        <translation>%1 anotaciones importadas de «%2» (%3 imágenes nuevas; %4 imágenes en el archivo).</translation>
    </message>
    <message>
        <source>Cannot import “%1”: %2</source>
        <translation>No se puede importar «%1»: %2</translation>
    </message>
    <message>
        <source>%1 files, %2 shapes written to “%3”.</source>
        <translation>%1 archivos y %2 formas escritos en «%3».</translation>
    </message>
    <message>
        <source>Cannot export: %1</source>
        <translation>No se puede exportar: %1</translation>
    </message>
    <message>
        <source>Exporting COCO…</source>
        <translation>Exportando COCO…</translation>
    </message>
    <message>
        <source>Reading COCO…</source>
        <translation>Leyendo COCO…</translation>
    </message>
    <message>
        <source>%1 annotations were refused by the project.</source>
        <translation type="vanished">El proyecto rechazó %1 anotaciones.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Exportando…</translation>
    </message>
    <message>
        <source>“%1” is %2 x %3 pixels in the file but %4 x %5 in the project.</source>
        <translation>«%1» mide %2 x %3 píxeles en el archivo pero %4 x %5 en el proyecto.</translation>
    </message>
    <message>
        <source>%1 annotations were left out: %2</source>
        <translation>Se omitieron %1 anotaciones: %2</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Importando…</translation>
    </message>
    <message>
        <source>Opening the project…</source>
        <translation>Abriendo el proyecto…</translation>
    </message>
    <message>
        <source>Recovering unsaved work…</source>
        <translation>Recuperando el trabajo sin guardar…</translation>
    </message>
    <message>
        <source>Saving the project…</source>
        <translation>Guardando el proyecto…</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::InferenceService</name>
    <message>
        <source>The model is still loading.</source>
        <translation>El modelo todavía se está cargando.</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>No hay ningún modelo cargado.</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::InferenceWorker</name>
    <message>
        <source>Finding the model</source>
        <translation>Buscando el modelo</translation>
    </message>
    <message>
        <source>CUDA was requested but is not available here; running on the CPU.</source>
        <translation>Se solicitó CUDA, pero no está disponible aquí; se ejecuta en la CPU.</translation>
    </message>
    <message>
        <source>Loading the networks</source>
        <translation>Cargando las redes</translation>
    </message>
    <message>
        <source>Warming up</source>
        <translation>Preparando</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Listo</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>No hay ningún modelo cargado.</translation>
    </message>
    <message>
        <source>%1 was trained only at t = 0 (the one-step path, its card says): %2 asks its flow for times it never learned and gives poor masks; use one-step or adaptive.</source>
        <translation>%1 se entrenó solo en t = 0 (el camino de un paso, según su ficha): %2 pide a su flujo tiempos que nunca aprendió y da máscaras pobres; use one-step o adaptive.</translation>
    </message>
    <message>
        <source>radius %1 px</source>
        <translation>radio %1 px</translation>
    </message>
</context>
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
    <message>
        <source>&amp;Save Project</source>
        <translation>&amp;Guardar proyecto</translation>
    </message>
    <message>
        <source>Write the project file now (every edit is already kept in its journal)</source>
        <translation>Escribir ahora el archivo del proyecto (cada cambio ya se conserva en su registro)</translation>
    </message>
    <message>
        <source>&amp;Export COCO…</source>
        <translation>&amp;Exportar COCO…</translation>
    </message>
    <message>
        <source>Open a folder of images first.</source>
        <translation>Abra primero una carpeta de imágenes.</translation>
    </message>
    <message>
        <source>Export COCO</source>
        <translation>Exportar COCO</translation>
    </message>
    <message>
        <source>COCO JSON (*.json)</source>
        <translation>JSON de COCO (*.json)</translation>
    </message>
    <message>
        <source>Exported.</source>
        <translation>Exportado.</translation>
    </message>
    <message>
        <source>&amp;Load Model Folder…</source>
        <translation>&amp;Cargar carpeta de modelo…</translation>
    </message>
    <message>
        <source>A diffusers-layout Stable Diffusion 1.5/2.1 folder fine-tuned by rlfseg train, or any RLFSeg model folder</source>
        <translation>Una carpeta de Stable Diffusion 1.5/2.1 con estructura de diffusers ajustada con rlfseg train, o cualquier carpeta de modelo de RLFSeg</translation>
    </message>
    <message>
        <source>Use the &amp;Default Model</source>
        <translation>Usar el modelo &amp;predeterminado</translation>
    </message>
    <message>
        <source>&amp;Delete Mask</source>
        <translation>&amp;Eliminar máscara</translation>
    </message>
    <message>
        <source>&amp;Clean Up Mask</source>
        <translation>&amp;Limpiar máscara</translation>
    </message>
    <message>
        <source>Refinement and dynamic selection: snap the boundary to image edges, remove specks and fill small holes (real holes stay)</source>
        <translation>Refinamiento y selección dinámica: ajusta el contorno a los bordes de la imagen, elimina motas y rellena agujeros pequeños (los agujeros reales se mantienen)</translation>
    </message>
    <message>
        <source>Set &amp;Category</source>
        <translation type="vanished">Asignar &amp;categoría</translation>
    </message>
    <message>
        <source>Give the selected mask the category chosen in the prompt bar</source>
        <translation>Asignar a la máscara seleccionada la categoría elegida en la barra de prompts</translation>
    </message>
    <message>
        <source>&amp;Auto-Annotate…</source>
        <translation>&amp;Anotar automáticamente…</translation>
    </message>
    <message>
        <source>Run a list of “category: prompt” pairs on this image or on all images</source>
        <translation>Ejecutar una lista de pares «categoría: prompt» en esta imagen o en todas las imágenes</translation>
    </message>
    <message>
        <source>&amp;Next to Review</source>
        <translation>Siguiente por &amp;revisar</translation>
    </message>
    <message>
        <source>The auto-annotated image with the lowest-scoring mask</source>
        <translation>La imagen anotada automáticamente con la máscara de menor puntuación</translation>
    </message>
    <message>
        <source>&amp;Mark Reviewed</source>
        <translation>&amp;Marcar como revisada</translation>
    </message>
    <message>
        <source>&amp;About This Model…</source>
        <translation type="vanished">Acerca &amp;de este modelo…</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modelo</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>Sin modelo</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Deshacer</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Rehacer</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Editar</translation>
    </message>
    <message>
        <source>Masks</source>
        <translation>Máscaras</translation>
    </message>
    <message>
        <source> (score %1)</source>
        <translation> (puntuación %1)</translation>
    </message>
    <message>
        <source>Select a mask first.</source>
        <translation>Seleccione primero una máscara.</translation>
    </message>
    <message>
        <source>There is no mask %1.</source>
        <translation>No existe la máscara %1.</translation>
    </message>
    <message>
        <source>The image on screen does not have the mask&apos;s size; reopen it.</source>
        <translation>La imagen en pantalla no tiene el tamaño de la máscara; vuelva a abrirla.</translation>
    </message>
    <message>
        <source>Clean up found no object in the mask.</source>
        <translation>La limpieza no encontró ningún objeto en la máscara.</translation>
    </message>
    <message>
        <source>Clean up</source>
        <translation>Limpiar</translation>
    </message>
    <message>
        <source>Cleaned up: %1</source>
        <translation>Limpieza realizada: %1</translation>
    </message>
    <message>
        <source>Clean up failed: %1</source>
        <translation>Error en la limpieza: %1</translation>
    </message>
    <message>
        <source>Prompts</source>
        <translation>Prompts</translation>
    </message>
    <message>
        <source> (no mask left)</source>
        <translation> (no queda ninguna máscara)</translation>
    </message>
    <message>
        <source>Compare prompts</source>
        <translation>Comparar prompts</translation>
    </message>
    <message>
        <source>Export Plot</source>
        <translation>Exportar gráfico</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf)</source>
        <translation>Imagen PNG (*.png);;Documento PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Cannot write “%1”.</source>
        <translation>No se puede escribir «%1».</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Model: %1…</source>
        <translation>Modelo: %1…</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Modelo: %1</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>No se pudo cargar el modelo: %1</translation>
    </message>
    <message>
        <source>Segmentation failed: %1</source>
        <translation>Error en la segmentación: %1</translation>
    </message>
    <message>
        <source>Model: loading…</source>
        <translation>Modelo: cargando…</translation>
    </message>
    <message>
        <source>%1
Folder: %2</source>
        <translation>%1
Carpeta: %2</translation>
    </message>
    <message>
        <source>
Trained on: %1</source>
        <translation>
Entrenado con: %1</translation>
    </message>
    <message>
        <source>
A plain Stable Diffusion folder: not trained for segmentation.</source>
        <translation>
Una carpeta simple de Stable Diffusion: no está entrenada para segmentación.</translation>
    </message>
    <message>
        <source>⚠ %1</source>
        <translation>⚠ %1</translation>
    </message>
    <message>
        <source>Model “%1” loaded in %2 s on %3.</source>
        <translation>Modelo «%1» cargado en %2 s; se ejecuta en %3.</translation>
    </message>
    <message>
        <source>Open an image first.</source>
        <translation>Abra primero una imagen.</translation>
    </message>
    <message>
        <source>The model is still loading.</source>
        <translation>El modelo todavía se está cargando.</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>No hay ningún modelo cargado.</translation>
    </message>
    <message>
        <source>Type what to segment first.</source>
        <translation>Escriba primero qué desea segmentar.</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Prompt to mask: %1 ms (the model: %2 ms; image latent %3)</source>
        <translation>De prompt a máscara: %1 ms (el modelo: %2 ms; latente de la imagen %3)</translation>
    </message>
    <message>
        <source>cached</source>
        <translation>en caché</translation>
    </message>
    <message>
        <source>computed</source>
        <translation>calculado</translation>
    </message>
    <message>
        <source>“%1”: the model found nothing.</source>
        <translation>«%1»: el modelo no encontró nada.</translation>
    </message>
    <message numerus="yes">
        <source>Recovered %n unsaved edit(s) from the last session.</source>
        <translation>
            <numerusform>Se recuperó %n cambio sin guardar de la última sesión.</numerusform>
            <numerusform>Se recuperaron %n cambios sin guardar de la última sesión.</numerusform>
        </translation>
    </message>
    <message>
        <source>Project saved.</source>
        <translation>Proyecto guardado.</translation>
    </message>
    <message>
        <source>An auto-annotation run is still going.</source>
        <translation>Todavía hay una anotación automática en curso.</translation>
    </message>
    <message>
        <source>Nothing to auto-annotate.</source>
        <translation>No hay nada que anotar automáticamente.</translation>
    </message>
    <message>
        <source>Auto-annotating…</source>
        <translation>Anotando automáticamente…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Auto-Annotate</source>
        <translation>Anotación automática</translation>
    </message>
    <message>
        <source>Auto-annotating: %1 of %2 done, %3 masks; about %4:%5 left</source>
        <translation>Anotación automática: %1 de %2 completadas, %3 máscaras; quedan unos %4:%5</translation>
    </message>
    <message>
        <source>Auto-annotation cancelled after %1 of %2 requests: %3 masks.</source>
        <translation>Anotación automática cancelada tras %1 de %2 solicitudes: %3 máscaras.</translation>
    </message>
    <message>
        <source>Auto-annotation done: %1 masks from %2 requests.</source>
        <translation>Anotación automática finalizada: %1 máscaras de %2 solicitudes.</translation>
    </message>
    <message numerus="yes">
        <source>%n failed (last: %1)</source>
        <translation>
            <numerusform>%n fallida (último error: %1)</numerusform>
            <numerusform>%n fallidas (último error: %1)</numerusform>
        </translation>
    </message>
    <message>
        <source>One “category: prompt” per line, for example
circle: the circles
star: every star</source>
        <translation>Un par «categoría: prompt» por línea, por ejemplo
circle: the circles
star: every star</translation>
    </message>
    <message numerus="yes">
        <source>All %n image(s) in the list</source>
        <translation>
            <numerusform>La %n imagen de la lista</numerusform>
            <numerusform>Las %n imágenes de la lista</numerusform>
        </translation>
    </message>
    <message>
        <source>This image only</source>
        <translation>Solo esta imagen</translation>
    </message>
    <message>
        <source>the prompt list</source>
        <translation>la lista de prompts</translation>
    </message>
    <message>
        <source>Nothing left to review.</source>
        <translation>No queda nada por revisar.</translation>
    </message>
    <message>
        <source>%1 (auto)</source>
        <translation>%1 (automática)</translation>
    </message>
    <message>
        <source>%1 ✓</source>
        <translation>%1 ✓</translation>
    </message>
    <message>
        <source>Load Model Folder</source>
        <translation>Cargar carpeta de modelo</translation>
    </message>
    <message>
        <source>About This Model</source>
        <translation>Acerca de este modelo</translation>
    </message>
    <message>
        <source>No model is loaded yet.</source>
        <translation>Todavía no hay ningún modelo cargado.</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Folder: %2&lt;/p&gt;&lt;p&gt;Runs on: %3 (input %4 px)&lt;/p&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Carpeta: %2&lt;/p&gt;&lt;p&gt;Se ejecuta en: %3 (entrada de %4 px)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Trained on: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;Entrenado con: %1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;To use another model, choose Model › Load Model Folder… and pick a diffusers-layout folder (for example a Stable Diffusion 1.5 or 2.1 folder fine-tuned with &lt;code&gt;rlfseg train --init&lt;/code&gt;).&lt;/p&gt;</source>
        <translation>&lt;p&gt;Para usar otro modelo, elija Modelo › Cargar carpeta de modelo… y seleccione una carpeta con estructura de diffusers (por ejemplo, una carpeta de Stable Diffusion 1.5 o 2.1 ajustada con &lt;code&gt;rlfseg train --init&lt;/code&gt;).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Set Cate&amp;gory</source>
        <translation>Asignar cate&amp;goría</translation>
    </message>
    <message>
        <source>About &amp;This Model…</source>
        <translation>Acerca de &amp;este modelo…</translation>
    </message>
    <message>
        <source>&amp;Merge Selected Masks</source>
        <translation>&amp;Fusionar máscaras seleccionadas</translation>
    </message>
    <message>
        <source>Select masks in the list (Ctrl+click): all become the current one</source>
        <translation>Seleccione máscaras en la lista (Ctrl+clic): todas se fusionan en la actual</translation>
    </message>
    <message>
        <source>The current mask minus the other selected ones</source>
        <translation>La máscara actual menos las demás seleccionadas</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>&amp;Configuración…</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>El idioma cambiará en el próximo inicio.</translation>
    </message>
    <message>
        <source>&amp;Select</source>
        <translation>&amp;Seleccionar</translation>
    </message>
    <message>
        <source>Click a mask to select it</source>
        <translation>Haga clic en una máscara para seleccionarla</translation>
    </message>
    <message>
        <source>&amp;Brush</source>
        <translation>&amp;Pincel</translation>
    </message>
    <message>
        <source>Paint onto the selected mask (or a new one); one stroke is one undo step</source>
        <translation>Pintar sobre la máscara seleccionada (o una nueva); cada trazo es un paso de deshacer</translation>
    </message>
    <message>
        <source>&amp;Eraser</source>
        <translation>&amp;Borrador</translation>
    </message>
    <message>
        <source>Erase from the selected mask; one stroke is one undo step</source>
        <translation>Borrar de la máscara seleccionada; cada trazo es un paso de deshacer</translation>
    </message>
    <message>
        <source>&amp;Fill Hole</source>
        <translation>&amp;Rellenar agujero</translation>
    </message>
    <message>
        <source>Click inside a hole of the selected mask to fill it</source>
        <translation>Haga clic dentro de un agujero de la máscara seleccionada para rellenarlo</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Herramientas</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Herramientas</translation>
    </message>
    <message>
        <source>Larger Brush</source>
        <translation>Pincel más grande</translation>
    </message>
    <message>
        <source>Smaller Brush</source>
        <translation>Pincel más pequeño</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts…</source>
        <translation>&amp;Atajos de teclado…</translation>
    </message>
    <message>
        <source>Brush radius: %1 px</source>
        <translation>Radio del pincel: %1 px</translation>
    </message>
    <message>
        <source>That is outside the mask, not a hole in it.</source>
        <translation>Ese punto está fuera de la máscara, no en un agujero de ella.</translation>
    </message>
    <message>
        <source>Fill hole</source>
        <translation>Rellenar agujero</translation>
    </message>
    <message>
        <source>Select a mask to erase from.</source>
        <translation>Seleccione una máscara de la que borrar.</translation>
    </message>
    <message>
        <source>Eraser stroke</source>
        <translation>Trazo de borrador</translation>
    </message>
    <message>
        <source>Brush stroke</source>
        <translation>Trazo de pincel</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Atajos de teclado</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Atajo</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>Desplazar la vista</translation>
    </message>
    <message>
        <source>Space + drag, or the middle button</source>
        <translation>Espacio + arrastrar, o el botón central</translation>
    </message>
    <message>
        <source>Zoom about the pointer</source>
        <translation>Zoom centrado en el puntero</translation>
    </message>
    <message>
        <source>Wheel</source>
        <translation>Rueda del ratón</translation>
    </message>
    <message>
        <source>Run the prompt</source>
        <translation>Ejecutar el prompt</translation>
    </message>
    <message>
        <source>Enter in the prompt box</source>
        <translation>Intro en el cuadro del prompt</translation>
    </message>
    <message>
        <source>Cancel the running prompt</source>
        <translation>Cancelar el prompt en curso</translation>
    </message>
    <message>
        <source>Esc in the prompt box</source>
        <translation>Esc en el cuadro del prompt</translation>
    </message>
    <message>
        <source>Export &amp;As</source>
        <translation>Exportar c&amp;omo</translation>
    </message>
    <message>
        <source>labelme JSON…</source>
        <translation>JSON de labelme…</translation>
    </message>
    <message>
        <source>YOLO Segmentation…</source>
        <translation>Segmentación YOLO…</translation>
    </message>
    <message>
        <source>PNG Masks…</source>
        <translation>Máscaras PNG…</translation>
    </message>
    <message>
        <source>Export Into Folder</source>
        <translation>Exportar a una carpeta</translation>
    </message>
    <message>
        <source>&amp;Import COCO…</source>
        <translation>&amp;Importar COCO…</translation>
    </message>
    <message>
        <source>Open the folder of the images first.</source>
        <translation>Abra primero la carpeta de las imágenes.</translation>
    </message>
    <message>
        <source>Import COCO</source>
        <translation>Importar COCO</translation>
    </message>
    <message>
        <source>Every clean-up candidate with its scores; pick one</source>
        <translation>Todos los candidatos de limpieza con sus puntuaciones; elija uno</translation>
    </message>
    <message>
        <source>Clean Up New Masks &amp;Automatically</source>
        <translation>Limpiar &amp;automáticamente las máscaras nuevas</translation>
    </message>
    <message>
        <source>There is no candidate %1.</source>
        <translation>No existe el candidato %1.</translation>
    </message>
    <message>
        <source>Cleaned up: %1 (chosen)</source>
        <translation>Limpieza realizada: %1 (elegido)</translation>
    </message>
    <message>
        <source>Clean-up candidates</source>
        <translation>Candidatos de limpieza</translation>
    </message>
    <message>
        <source>%1: score %2 (stability %3, edges %4)</source>
        <translation>%1: puntuación %2 (estabilidad %3, bordes %4)</translation>
    </message>
    <message>
        <source>  ← selected</source>
        <translation>  ← seleccionado</translation>
    </message>
    <message>
        <source>&amp;Polygon</source>
        <translation>P&amp;olígono</translation>
    </message>
    <message>
        <source>Edit the selected mask&apos;s outline: drag a vertex, click an edge to insert one, Delete removes the last one clicked</source>
        <translation>Editar el contorno de la máscara seleccionada: arrastre un vértice, haga clic en un borde para insertar uno; Supr elimina el último en el que se hizo clic</translation>
    </message>
    <message>
        <source>Delete vertex</source>
        <translation>Eliminar vértice</translation>
    </message>
    <message>
        <source>Insert vertex</source>
        <translation>Insertar vértice</translation>
    </message>
    <message>
        <source>Move vertex</source>
        <translation>Mover vértice</translation>
    </message>
    <message>
        <source>Clean Up, C&amp;hoosing…</source>
        <translation>Limpiar y eleg&amp;ir…</translation>
    </message>
    <message>
        <source>Su&amp;btract Selected Masks</source>
        <translation>Re&amp;star máscaras seleccionadas</translation>
    </message>
    <message>
        <source>Recover unsaved work</source>
        <translation>Recuperar el trabajo sin guardar</translation>
    </message>
    <message numerus="yes">
        <source>The last session in “%1” ended without saving. Its %n edit(s) are in the journal.</source>
        <translation>
            <numerusform>La última sesión en «%1» terminó sin guardar. Su %n cambio está en el diario.</numerusform>
            <numerusform>La última sesión en «%1» terminó sin guardar. Sus %n cambios están en el diario.</numerusform>
        </translation>
    </message>
    <message>
        <source>Recover them? Discarding deletes them for good.</source>
        <translation>¿Recuperarlas? Si las descarta, se borran para siempre.</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>Recuperar</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Descartar</translation>
    </message>
    <message numerus="yes">
        <source>The %n selected image(s)</source>
        <translation>
            <numerusform>La %n imagen seleccionada</numerusform>
            <numerusform>Las %n imágenes seleccionadas</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;Umbral de máscara: %1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1, calibrated (%2)&lt;/p&gt;</source>
        <translation type="vanished">&lt;p&gt;Umbral de máscara: %1, calibrado (%2)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1, calibrated (%2)</source>
        <translation>%1, calibrado (%2)</translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1, set in Settings (the model&apos;s: %2)&lt;/p&gt;</source>
        <translation>&lt;p&gt;Umbral de máscara: %1, fijado en Configuración (el del modelo: %2)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Cleaning up…</source>
        <translation>Limpiando…</translation>
    </message>
    <message>
        <source>A clean-up is running; choose again when it is done.</source>
        <translation>Hay una limpieza en curso; vuelva a elegir cuando termine.</translation>
    </message>
    <message>
        <source>&lt;p&gt;Edge snap: off in Settings (the model&apos;s: %1)&lt;/p&gt;</source>
        <translation>&lt;p&gt;Ajuste a bordes: desactivado en Ajustes (el del modelo: %1)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Edge snap: %1 (%2)&lt;/p&gt;</source>
        <translation>&lt;p&gt;Ajuste a bordes: %1 (%2)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Opening “%1”…</source>
        <translation>Abriendo «%1»…</translation>
    </message>
    <message>
        <source>Saving the project…</source>
        <translation>Guardando el proyecto…</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptBar</name>
    <message>
        <source>Category:</source>
        <translation>Categoría:</translation>
    </message>
    <message>
        <source>The category the next mask gets. Type a new name to add one.</source>
        <translation>La categoría que recibirá la siguiente máscara. Escriba un nombre nuevo para añadir una.</translation>
    </message>
    <message>
        <source>Type what to segment, e.g. &quot;the red circle on the left&quot;, and press Enter</source>
        <translation>Escriba qué desea segmentar, p. ej., «the red circle on the left», y pulse Intro</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>Segmentar</translation>
    </message>
    <message>
        <source>Segment what the prompt says (Enter)</source>
        <translation>Segmentar lo que indica el prompt (Intro)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Cancel the running request (Esc)</source>
        <translation>Cancelar la solicitud en curso (Esc)</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptHistoryPanel</name>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Puntuación</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Área</translation>
    </message>
    <message>
        <source>Run Again</source>
        <translation>Ejecutar de nuevo</translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation>Comparar…</translation>
    </message>
    <message>
        <source>Select two to four prompts to see their masks side by side</source>
        <translation>Seleccione entre dos y cuatro prompts para ver sus máscaras una al lado de otra</translation>
    </message>
    <message>
        <source>Export Plot…</source>
        <translation>Exportar gráfico…</translation>
    </message>
    <message>
        <source>Save the plot shown below as PNG or PDF</source>
        <translation>Guardar el gráfico mostrado abajo como PNG o PDF</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptPlots</name>
    <message>
        <source>Score and area</source>
        <translation>Puntuación y área</translation>
    </message>
    <message>
        <source>Area by threshold</source>
        <translation>Área según el umbral</translation>
    </message>
    <message>
        <source>Clean-up candidates</source>
        <translation>Candidatos de limpieza</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latencia</translation>
    </message>
    <message>
        <source>score</source>
        <translation>puntuación</translation>
    </message>
    <message>
        <source>area (share of the image)</source>
        <translation>área (fracción de la imagen)</translation>
    </message>
    <message>
        <source>area</source>
        <translation>área</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>umbral</translation>
    </message>
    <message>
        <source>result</source>
        <translation>resultado</translation>
    </message>
    <message>
        <source>ms, prompt to mask</source>
        <translation>ms, de prompt a máscara</translation>
    </message>
    <message>
        <source>“%1”, threshold %2</source>
        <translation>«%1», umbral %2</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Configuración</translation>
    </message>
    <message>
        <source>the bundled default model</source>
        <translation>el modelo predeterminado incluido</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>Model Folder</source>
        <translation>Carpeta de modelo</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Predeterminado</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>Carpeta de modelo:</translation>
    </message>
    <message>
        <source>Automatic (CUDA when available)</source>
        <translation>Automático (CUDA si está disponible)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA (warns when not available)</source>
        <translation>CUDA (avisa si no está disponible)</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Dispositivo:</translation>
    </message>
    <message>
        <source>All cores (%1)</source>
        <translation>Todos los núcleos (%1)</translation>
    </message>
    <message>
        <source>CPU threads:</source>
        <translation>Hilos de CPU:</translation>
    </message>
    <message>
        <source>One step (fastest)</source>
        <translation>Un paso (el más rápido)</translation>
    </message>
    <message>
        <source>Adaptive one step</source>
        <translation>Un paso adaptativo</translation>
    </message>
    <message>
        <source>Euler, 4 steps</source>
        <translation>Euler, 4 pasos</translation>
    </message>
    <message>
        <source>Sampler:</source>
        <translation>Muestreador:</translation>
    </message>
    <message>
        <source>A pixel belongs to the mask where the soft mask is above this value</source>
        <translation type="vanished">Un píxel pertenece a la máscara donde la máscara suave supera este valor</translation>
    </message>
    <message>
        <source>Mask threshold:</source>
        <translation>Umbral de máscara:</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Idioma del sistema</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Idioma:</translation>
    </message>
    <message>
        <source>Model settings apply at once (the model reloads in the background); the language applies at the next start.</source>
        <translation>La configuración del modelo se aplica de inmediato (el modelo se vuelve a cargar en segundo plano); el idioma se aplica en el próximo inicio.</translation>
    </message>
    <message>
        <source>The model&apos;s</source>
        <translation>El del modelo</translation>
    </message>
    <message>
        <source>A pixel belongs to the mask where the soft mask is above this value. &quot;The model&apos;s&quot; uses the threshold chosen on validation data for the loaded model (rlfseg calibrate), else 0.5.</source>
        <translation>Un píxel pertenece a la máscara donde la máscara suave supera este valor. «El del modelo» usa el umbral elegido con datos de validación para el modelo cargado (rlfseg calibrate); si no hay, 0,5.</translation>
    </message>
    <message>
        <source>The model&apos;s (%1)</source>
        <translation>El del modelo (%1)</translation>
    </message>
    <message>
        <source>Snap masks to the image&apos;s edges</source>
        <translation>Ajustar las máscaras a los bordes de la imagen</translation>
    </message>
    <message>
        <source>Moves the mask&apos;s boundary onto the object&apos;s edges in the image, as the model&apos;s calibration chose (rlfseg calibrate). Models without one are not changed.</source>
        <translation>Mueve el borde de la máscara a los bordes del objeto en la imagen, como eligió la calibración del modelo (rlfseg calibrate). Los modelos sin ella no cambian.</translation>
    </message>
</context>
</TS>
