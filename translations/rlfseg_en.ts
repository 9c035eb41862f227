<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>rlfseg::ui::AnnotationSession</name>
    <message>
        <source>Cannot open the project “%1”: %2</source>
        <translation>Cannot open the project “%1”: %2</translation>
    </message>
    <message>
        <source>No folder is open, so there is no project to add annotations to.</source>
        <translation>No folder is open, so there is no project to add annotations to.</translation>
    </message>
    <message>
        <source>Cannot create the project “%1”: %2</source>
        <translation>Cannot create the project “%1”: %2</translation>
    </message>
    <message>
        <source>Mask for “%1”</source>
        <translation>Mask for “%1”</translation>
    </message>
    <message>
        <source>Cannot add the mask: %1</source>
        <translation>Cannot add the mask: %1</translation>
    </message>
    <message>
        <source>Auto-annotate “%1”</source>
        <translation>Auto-annotate “%1”</translation>
    </message>
    <message>
        <source>Cannot add the masks: %1</source>
        <translation>Cannot add the masks: %1</translation>
    </message>
    <message>
        <source>There is no annotation %1.</source>
        <translation>There is no annotation %1.</translation>
    </message>
    <message>
        <source>Delete mask</source>
        <translation>Delete mask</translation>
    </message>
    <message>
        <source>A category needs a name.</source>
        <translation>A category needs a name.</translation>
    </message>
    <message>
        <source>Category “%1”</source>
        <translation>Category “%1”</translation>
    </message>
    <message>
        <source>The new mask does not have the image&apos;s size.</source>
        <translation>The new mask does not have the image&apos;s size.</translation>
    </message>
    <message>
        <source>There are no annotations to export yet.</source>
        <translation>There are no annotations to export yet.</translation>
    </message>
    <message>
        <source>%1 images, %2 annotations, %3 categories written to “%4”.</source>
        <translation>%1 images, %2 annotations, %3 categories written to “%4”.</translation>
    </message>
    <message>
        <source>Validation: no problems.</source>
        <translation>Validation: no problems.</translation>
    </message>
    <message>
        <source>Validation: %1 errors, %2 warnings.</source>
        <translation>Validation: %1 errors, %2 warnings.</translation>
    </message>
    <message>
        <source>error</source>
        <translation>error</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>warning</translation>
    </message>
    <message>
        <source>The exported file did not validate; see the report.</source>
        <translation>The exported file did not validate; see the report.</translation>
    </message>
    <message>
        <source>Cannot export COCO: %1</source>
        <translation>Cannot export COCO: %1</translation>
    </message>
    <message>
        <source>Cannot save the project: %1</source>
        <translation>Cannot save the project: %1</translation>
    </message>
    <message>
        <source>The mask is empty.</source>
        <translation>The mask is empty.</translation>
    </message>
    <message>
        <source>Draw mask</source>
        <translation>Draw mask</translation>
    </message>
    <message>
        <source>Select the mask to keep and at least one other.</source>
        <translation>Select the mask to keep and at least one other.</translation>
    </message>
    <message>
        <source>Only masks of the same image can be combined.</source>
        <translation>Only masks of the same image can be combined.</translation>
    </message>
    <message>
        <source>Subtract masks</source>
        <translation>Subtract masks</translation>
    </message>
    <message>
        <source>Merge masks</source>
        <translation>Merge masks</translation>
    </message>
    <message>
        <source>Import COCO</source>
        <translation>Import COCO</translation>
    </message>
    <message>
        <source>Import mask</source>
        <translation type="vanished">Import mask</translation>
    </message>
    <message>
        <source>%1 annotations imported from “%2” (%3 new images; %4 images in the file).</source>
        <translation>%1 annotations imported from “%2” (%3 new images; %4 images in the file).</translation>
    </message>
    <message>
        <source>Cannot import “%1”: %2</source>
        <translation>Cannot import “%1”: %2</translation>
    </message>
    <message>
        <source>%1 files, %2 shapes written to “%3”.</source>
        <translation>%1 files, %2 shapes written to “%3”.</translation>
    </message>
    <message>
        <source>Cannot export: %1</source>
        <translation>Cannot export: %1</translation>
    </message>
    <message>
        <source>Exporting COCO…</source>
        <translation>Exporting COCO…</translation>
    </message>
    <message>
        <source>Reading COCO…</source>
        <translation>Reading COCO…</translation>
    </message>
    <message>
        <source>%1 annotations were refused by the project.</source>
        <translation type="vanished">%1 annotations were refused by the project.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>“%1” is %2 x %3 pixels in the file but %4 x %5 in the project.</source>
        <translation>“%1” is %2 x %3 pixels in the file but %4 x %5 in the project.</translation>
    </message>
    <message>
        <source>%1 annotations were left out: %2</source>
        <translation>%1 annotations were left out: %2</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <source>Opening the project…</source>
        <translation>Opening the project…</translation>
    </message>
    <message>
        <source>Recovering unsaved work…</source>
        <translation>Recovering unsaved work…</translation>
    </message>
    <message>
        <source>Saving the project…</source>
        <translation>Saving the project…</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::InferenceService</name>
    <message>
        <source>The model is still loading.</source>
        <translation>The model is still loading.</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>No model is loaded.</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::InferenceWorker</name>
    <message>
        <source>Finding the model</source>
        <translation>Finding the model</translation>
    </message>
    <message>
        <source>CUDA was requested but is not available here; running on the CPU.</source>
        <translation>CUDA was requested but is not available here; running on the CPU.</translation>
    </message>
    <message>
        <source>Loading the networks</source>
        <translation>Loading the networks</translation>
    </message>
    <message>
        <source>Warming up</source>
        <translation>Warming up</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Ready</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>No model is loaded.</translation>
    </message>
    <message>
        <source>%1 was trained only at t = 0 (the one-step path, its card says): %2 asks its flow for times it never learned and gives poor masks; use one-step or adaptive.</source>
        <translation>%1 was trained only at t = 0 (the one-step path, its card says): %2 asks its flow for times it never learned and gives poor masks; use one-step or adaptive.</translation>
    </message>
    <message>
        <source>radius %1 px</source>
        <translation>radius %1 px</translation>
    </message>
</context>
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
    <message>
        <source>&amp;Save Project</source>
        <translation>&amp;Save Project</translation>
    </message>
    <message>
        <source>Write the project file now (every edit is already kept in its journal)</source>
        <translation>Write the project file now (every edit is already kept in its journal)</translation>
    </message>
    <message>
        <source>&amp;Export COCO…</source>
        <translation>&amp;Export COCO…</translation>
    </message>
    <message>
        <source>Open a folder of images first.</source>
        <translation>Open a folder of images first.</translation>
    </message>
    <message>
        <source>Export COCO</source>
        <translation>Export COCO</translation>
    </message>
    <message>
        <source>COCO JSON (*.json)</source>
        <translation>COCO JSON (*.json)</translation>
    </message>
    <message>
        <source>Exported.</source>
        <translation>Exported.</translation>
    </message>
    <message>
        <source>&amp;Load Model Folder…</source>
        <translation>&amp;Load Model Folder…</translation>
    </message>
    <message>
        <source>A diffusers-layout Stable Diffusion 1.5/2.1 folder fine-tuned by rlfseg train, or any RLFSeg model folder</source>
        <translation>A diffusers-layout Stable Diffusion 1.5/2.1 folder fine-tuned by rlfseg train, or any RLFSeg model folder</translation>
    </message>
    <message>
        <source>Use the &amp;Default Model</source>
        <translation>Use the &amp;Default Model</translation>
    </message>
    <message>
        <source>&amp;Delete Mask</source>
        <translation>&amp;Delete Mask</translation>
    </message>
    <message>
        <source>&amp;Clean Up Mask</source>
        <translation>&amp;Clean Up Mask</translation>
    </message>
    <message>
        <source>Refinement and dynamic selection: snap the boundary to image edges, remove specks and fill small holes (real holes stay)</source>
        <translation>Refinement and dynamic selection: snap the boundary to image edges, remove specks and fill small holes (real holes stay)</translation>
    </message>
    <message>
        <source>Set &amp;Category</source>
        <translation type="vanished">Set &amp;Category</translation>
    </message>
    <message>
        <source>Give the selected mask the category chosen in the prompt bar</source>
        <translation>Give the selected mask the category chosen in the prompt bar</translation>
    </message>
    <message>
        <source>&amp;Auto-Annotate…</source>
        <translation>&amp;Auto-Annotate…</translation>
    </message>
    <message>
        <source>Run a list of “category: prompt” pairs on this image or on all images</source>
        <translation>Run a list of “category: prompt” pairs on this image or on all images</translation>
    </message>
    <message>
        <source>&amp;Next to Review</source>
        <translation>&amp;Next to Review</translation>
    </message>
    <message>
        <source>The auto-annotated image with the lowest-scoring mask</source>
        <translation>The auto-annotated image with the lowest-scoring mask</translation>
    </message>
    <message>
        <source>&amp;Mark Reviewed</source>
        <translation>&amp;Mark Reviewed</translation>
    </message>
    <message>
        <source>&amp;About This Model…</source>
        <translation type="vanished">&amp;About This Model…</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Model</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>No model</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Undo</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Redo</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <source>Masks</source>
        <translation>Masks</translation>
    </message>
    <message>
        <source> (score %1)</source>
        <translation> (score %1)</translation>
    </message>
    <message>
        <source>Select a mask first.</source>
        <translation>Select a mask first.</translation>
    </message>
    <message>
        <source>There is no mask %1.</source>
        <translation>There is no mask %1.</translation>
    </message>
    <message>
        <source>The image on screen does not have the mask&apos;s size; reopen it.</source>
        <translation>The image on screen does not have the mask&apos;s size; reopen it.</translation>
    </message>
    <message>
        <source>Clean up found no object in the mask.</source>
        <translation>Clean up found no object in the mask.</translation>
    </message>
    <message>
        <source>Clean up</source>
        <translation>Clean up</translation>
    </message>
    <message>
        <source>Cleaned up: %1</source>
        <translation>Cleaned up: %1</translation>
    </message>
    <message>
        <source>Clean up failed: %1</source>
        <translation>Clean up failed: %1</translation>
    </message>
    <message>
        <source>Prompts</source>
        <translation>Prompts</translation>
    </message>
    <message>
        <source> (no mask left)</source>
        <translation> (no mask left)</translation>
    </message>
    <message>
        <source>Compare prompts</source>
        <translation>Compare prompts</translation>
    </message>
    <message>
        <source>Export Plot</source>
        <translation>Export Plot</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf)</source>
        <translation>PNG image (*.png);;PDF document (*.pdf)</translation>
    </message>
    <message>
        <source>Cannot write “%1”.</source>
        <translation>Cannot write “%1”.</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Model: %1…</source>
        <translation>Model: %1…</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Model: %1</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>The model could not be loaded: %1</translation>
    </message>
    <message>
        <source>Segmentation failed: %1</source>
        <translation>Segmentation failed: %1</translation>
    </message>
    <message>
        <source>Model: loading…</source>
        <translation>Model: loading…</translation>
    </message>
    <message>
        <source>%1
Folder: %2</source>
        <translation>%1
Folder: %2</translation>
    </message>
    <message>
        <source>
Trained on: %1</source>
        <translation>
Trained on: %1</translation>
    </message>
    <message>
        <source>
A plain Stable Diffusion folder: not trained for segmentation.</source>
        <translation>
A plain Stable Diffusion folder: not trained for segmentation.</translation>
    </message>
    <message>
        <source>⚠ %1</source>
        <translation>⚠ %1</translation>
    </message>
    <message>
        <source>Model “%1” loaded in %2 s on %3.</source>
        <translation>Model “%1” loaded in %2 s on %3.</translation>
    </message>
    <message>
        <source>Open an image first.</source>
        <translation>Open an image first.</translation>
    </message>
    <message>
        <source>The model is still loading.</source>
        <translation>The model is still loading.</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>No model is loaded.</translation>
    </message>
    <message>
        <source>Type what to segment first.</source>
        <translation>Type what to segment first.</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Prompt to mask: %1 ms (the model: %2 ms; image latent %3)</source>
        <translation>Prompt to mask: %1 ms (the model: %2 ms; image latent %3)</translation>
    </message>
    <message>
        <source>cached</source>
        <translation>cached</translation>
    </message>
    <message>
        <source>computed</source>
        <translation>computed</translation>
    </message>
    <message>
        <source>“%1”: the model found nothing.</source>
        <translation>“%1”: the model found nothing.</translation>
    </message>
    <message numerus="yes">
        <source>Recovered %n unsaved edit(s) from the last session.</source>
        <translation>
            <numerusform>Recovered %n unsaved edit from the last session.</numerusform>
            <numerusform>Recovered %n unsaved edits from the last session.</numerusform>
        </translation>
    </message>
    <message>
        <source>Project saved.</source>
        <translation>Project saved.</translation>
    </message>
    <message>
        <source>An auto-annotation run is still going.</source>
        <translation>An auto-annotation run is still going.</translation>
    </message>
    <message>
        <source>Nothing to auto-annotate.</source>
        <translation>Nothing to auto-annotate.</translation>
    </message>
    <message>
        <source>Auto-annotating…</source>
        <translation>Auto-annotating…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Auto-Annotate</source>
        <translation>Auto-Annotate</translation>
    </message>
    <message>
        <source>Auto-annotating: %1 of %2 done, %3 masks; about %4:%5 left</source>
        <translation>Auto-annotating: %1 of %2 done, %3 masks; about %4:%5 left</translation>
    </message>
    <message>
        <source>Auto-annotation cancelled after %1 of %2 requests: %3 masks.</source>
        <translation>Auto-annotation cancelled after %1 of %2 requests: %3 masks.</translation>
    </message>
    <message>
        <source>Auto-annotation done: %1 masks from %2 requests.</source>
        <translation>Auto-annotation done: %1 masks from %2 requests.</translation>
    </message>
    <message numerus="yes">
        <source>%n failed (last: %1)</source>
        <translation>
            <numerusform>%n failed (last: %1)</numerusform>
            <numerusform>%n failed (last: %1)</numerusform>
        </translation>
    </message>
    <message>
        <source>One “category: prompt” per line, for example
circle: the circles
star: every star</source>
        <translation>One “category: prompt” per line, for example
circle: the circles
star: every star</translation>
    </message>
    <message numerus="yes">
        <source>All %n image(s) in the list</source>
        <translation>
            <numerusform>The %n image in the list</numerusform>
            <numerusform>All %n images in the list</numerusform>
        </translation>
    </message>
    <message>
        <source>This image only</source>
        <translation>This image only</translation>
    </message>
    <message>
        <source>the prompt list</source>
        <translation>the prompt list</translation>
    </message>
    <message>
        <source>Nothing left to review.</source>
        <translation>Nothing left to review.</translation>
    </message>
    <message>
        <source>%1 (auto)</source>
        <translation>%1 (auto)</translation>
    </message>
    <message>
        <source>%1 ✓</source>
        <translation>%1 ✓</translation>
    </message>
    <message>
        <source>Load Model Folder</source>
        <translation>Load Model Folder</translation>
    </message>
    <message>
        <source>About This Model</source>
        <translation>About This Model</translation>
    </message>
    <message>
        <source>No model is loaded yet.</source>
        <translation>No model is loaded yet.</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Folder: %2&lt;/p&gt;&lt;p&gt;Runs on: %3 (input %4 px)&lt;/p&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Folder: %2&lt;/p&gt;&lt;p&gt;Runs on: %3 (input %4 px)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Trained on: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;Trained on: %1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;To use another model, choose Model › Load Model Folder… and pick a diffusers-layout folder (for example a Stable Diffusion 1.5 or 2.1 folder fine-tuned with &lt;code&gt;rlfseg train --init&lt;/code&gt;).&lt;/p&gt;</source>
        <translation>&lt;p&gt;To use another model, choose Model › Load Model Folder… and pick a diffusers-layout folder (for example a Stable Diffusion 1.5 or 2.1 folder fine-tuned with &lt;code&gt;rlfseg train --init&lt;/code&gt;).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Set Cate&amp;gory</source>
        <translation>Set Cate&amp;gory</translation>
    </message>
    <message>
        <source>About &amp;This Model…</source>
        <translation>About &amp;This Model…</translation>
    </message>
    <message>
        <source>&amp;Merge Selected Masks</source>
        <translation>&amp;Merge Selected Masks</translation>
    </message>
    <message>
        <source>Select masks in the list (Ctrl+click): all become the current one</source>
        <translation>Select masks in the list (Ctrl+click): all become the current one</translation>
    </message>
    <message>
        <source>The current mask minus the other selected ones</source>
        <translation>The current mask minus the other selected ones</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>Se&amp;ttings…</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>The language changes at the next start.</translation>
    </message>
    <message>
        <source>&amp;Select</source>
        <translation>&amp;Select</translation>
    </message>
    <message>
        <source>Click a mask to select it</source>
        <translation>Click a mask to select it</translation>
    </message>
    <message>
        <source>&amp;Brush</source>
        <translation>&amp;Brush</translation>
    </message>
    <message>
        <source>Paint onto the selected mask (or a new one); one stroke is one undo step</source>
        <translation>Paint onto the selected mask (or a new one); one stroke is one undo step</translation>
    </message>
    <message>
        <source>&amp;Eraser</source>
        <translation>&amp;Eraser</translation>
    </message>
    <message>
        <source>Erase from the selected mask; one stroke is one undo step</source>
        <translation>Erase from the selected mask; one stroke is one undo step</translation>
    </message>
    <message>
        <source>&amp;Fill Hole</source>
        <translation>&amp;Fill Hole</translation>
    </message>
    <message>
        <source>Click inside a hole of the selected mask to fill it</source>
        <translation>Click inside a hole of the selected mask to fill it</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Tools</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Tools</translation>
    </message>
    <message>
        <source>Larger Brush</source>
        <translation>Larger Brush</translation>
    </message>
    <message>
        <source>Smaller Brush</source>
        <translation>Smaller Brush</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts…</source>
        <translation>&amp;Keyboard Shortcuts…</translation>
    </message>
    <message>
        <source>Brush radius: %1 px</source>
        <translation>Brush radius: %1 px</translation>
    </message>
    <message>
        <source>That is outside the mask, not a hole in it.</source>
        <translation>That is outside the mask, not a hole in it.</translation>
    </message>
    <message>
        <source>Fill hole</source>
        <translation>Fill hole</translation>
    </message>
    <message>
        <source>Select a mask to erase from.</source>
        <translation>Select a mask to erase from.</translation>
    </message>
    <message>
        <source>Eraser stroke</source>
        <translation>Eraser stroke</translation>
    </message>
    <message>
        <source>Brush stroke</source>
        <translation>Brush stroke</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Keyboard Shortcuts</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Shortcut</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>Pan</translation>
    </message>
    <message>
        <source>Space + drag, or the middle button</source>
        <translation>Space + drag, or the middle button</translation>
    </message>
    <message>
        <source>Zoom about the pointer</source>
        <translation>Zoom about the pointer</translation>
    </message>
    <message>
        <source>Wheel</source>
        <translation>Wheel</translation>
    </message>
    <message>
        <source>Run the prompt</source>
        <translation>Run the prompt</translation>
    </message>
    <message>
        <source>Enter in the prompt box</source>
        <translation>Enter in the prompt box</translation>
    </message>
    <message>
        <source>Cancel the running prompt</source>
        <translation>Cancel the running prompt</translation>
    </message>
    <message>
        <source>Esc in the prompt box</source>
        <translation>Esc in the prompt box</translation>
    </message>
    <message>
        <source>Export &amp;As</source>
        <translation>Export &amp;As</translation>
    </message>
    <message>
        <source>labelme JSON…</source>
        <translation>labelme JSON…</translation>
    </message>
    <message>
        <source>YOLO Segmentation…</source>
        <translation>YOLO Segmentation…</translation>
    </message>
    <message>
        <source>PNG Masks…</source>
        <translation>PNG Masks…</translation>
    </message>
    <message>
        <source>Export Into Folder</source>
        <translation>Export Into Folder</translation>
    </message>
    <message>
        <source>&amp;Import COCO…</source>
        <translation>&amp;Import COCO…</translation>
    </message>
    <message>
        <source>Open the folder of the images first.</source>
        <translation>Open the folder of the images first.</translation>
    </message>
    <message>
        <source>Import COCO</source>
        <translation>Import COCO</translation>
    </message>
    <message>
        <source>Every clean-up candidate with its scores; pick one</source>
        <translation>Every clean-up candidate with its scores; pick one</translation>
    </message>
    <message>
        <source>Clean Up New Masks &amp;Automatically</source>
        <translation>Clean Up New Masks &amp;Automatically</translation>
    </message>
    <message>
        <source>There is no candidate %1.</source>
        <translation>There is no candidate %1.</translation>
    </message>
    <message>
        <source>Cleaned up: %1 (chosen)</source>
        <translation>Cleaned up: %1 (chosen)</translation>
    </message>
    <message>
        <source>Clean-up candidates</source>
        <translation>Clean-up candidates</translation>
    </message>
    <message>
        <source>%1: score %2 (stability %3, edges %4)</source>
        <translation>%1: score %2 (stability %3, edges %4)</translation>
    </message>
    <message>
        <source>  ← selected</source>
        <translation>  ← selected</translation>
    </message>
    <message>
        <source>&amp;Polygon</source>
        <translation>&amp;Polygon</translation>
    </message>
    <message>
        <source>Edit the selected mask&apos;s outline: drag a vertex, click an edge to insert one, Delete removes the last one clicked</source>
        <translation>Edit the selected mask&apos;s outline: drag a vertex, click an edge to insert one, Delete removes the last one clicked</translation>
    </message>
    <message>
        <source>Delete vertex</source>
        <translation>Delete vertex</translation>
    </message>
    <message>
        <source>Insert vertex</source>
        <translation>Insert vertex</translation>
    </message>
    <message>
        <source>Move vertex</source>
        <translation>Move vertex</translation>
    </message>
    <message>
        <source>Clean Up, C&amp;hoosing…</source>
        <translation>Clean Up, C&amp;hoosing…</translation>
    </message>
    <message>
        <source>Su&amp;btract Selected Masks</source>
        <translation>Su&amp;btract Selected Masks</translation>
    </message>
    <message>
        <source>Recover unsaved work</source>
        <translation>Recover unsaved work</translation>
    </message>
    <message numerus="yes">
        <source>The last session in “%1” ended without saving. Its %n edit(s) are in the journal.</source>
        <translation>
            <numerusform>The last session in “%1” ended without saving. Its %n edit is in the journal.</numerusform>
            <numerusform>The last session in “%1” ended without saving. Its %n edits are in the journal.</numerusform>
        </translation>
    </message>
    <message>
        <source>Recover them? Discarding deletes them for good.</source>
        <translation>Recover them? Discarding deletes them for good.</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>Recover</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Discard</translation>
    </message>
    <message numerus="yes">
        <source>The %n selected image(s)</source>
        <translation>
            <numerusform>The %n selected image</numerusform>
            <numerusform>The %n selected images</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;Mask threshold: %1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1, calibrated (%2)&lt;/p&gt;</source>
        <translation type="vanished">&lt;p&gt;Mask threshold: %1, calibrated (%2)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1, calibrated (%2)</source>
        <translation>%1, calibrated (%2)</translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1, set in Settings (the model&apos;s: %2)&lt;/p&gt;</source>
        <translation>&lt;p&gt;Mask threshold: %1, set in Settings (the model&apos;s: %2)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Cleaning up…</source>
        <translation>Cleaning up…</translation>
    </message>
    <message>
        <source>A clean-up is running; choose again when it is done.</source>
        <translation>A clean-up is running; choose again when it is done.</translation>
    </message>
    <message>
        <source>&lt;p&gt;Edge snap: off in Settings (the model&apos;s: %1)&lt;/p&gt;</source>
        <translation>&lt;p&gt;Edge snap: off in Settings (the model&apos;s: %1)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Edge snap: %1 (%2)&lt;/p&gt;</source>
        <translation>&lt;p&gt;Edge snap: %1 (%2)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Opening “%1”…</source>
        <translation>Opening “%1”…</translation>
    </message>
    <message>
        <source>Saving the project…</source>
        <translation>Saving the project…</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptBar</name>
    <message>
        <source>Category:</source>
        <translation>Category:</translation>
    </message>
    <message>
        <source>The category the next mask gets. Type a new name to add one.</source>
        <translation>The category the next mask gets. Type a new name to add one.</translation>
    </message>
    <message>
        <source>Type what to segment, e.g. &quot;the red circle on the left&quot;, and press Enter</source>
        <translation>Type what to segment, e.g. &quot;the red circle on the left&quot;, and press Enter</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>Segment</translation>
    </message>
    <message>
        <source>Segment what the prompt says (Enter)</source>
        <translation>Segment what the prompt says (Enter)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cancel the running request (Esc)</source>
        <translation>Cancel the running request (Esc)</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptHistoryPanel</name>
    <message>
        <source>Time</source>
        <translation>Time</translation>
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
        <translation>Score</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>Run Again</source>
        <translation>Run Again</translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation>Compare…</translation>
    </message>
    <message>
        <source>Select two to four prompts to see their masks side by side</source>
        <translation>Select two to four prompts to see their masks side by side</translation>
    </message>
    <message>
        <source>Export Plot…</source>
        <translation>Export Plot…</translation>
    </message>
    <message>
        <source>Save the plot shown below as PNG or PDF</source>
        <translation>Save the plot shown below as PNG or PDF</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptPlots</name>
    <message>
        <source>Score and area</source>
        <translation>Score and area</translation>
    </message>
    <message>
        <source>Area by threshold</source>
        <translation>Area by threshold</translation>
    </message>
    <message>
        <source>Clean-up candidates</source>
        <translation>Clean-up candidates</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latency</translation>
    </message>
    <message>
        <source>score</source>
        <translation>score</translation>
    </message>
    <message>
        <source>area (share of the image)</source>
        <translation>area (share of the image)</translation>
    </message>
    <message>
        <source>area</source>
        <translation>area</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>threshold</translation>
    </message>
    <message>
        <source>result</source>
        <translation>result</translation>
    </message>
    <message>
        <source>ms, prompt to mask</source>
        <translation>ms, prompt to mask</translation>
    </message>
    <message>
        <source>“%1”, threshold %2</source>
        <translation>“%1”, threshold %2</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>the bundled default model</source>
        <translation>the bundled default model</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Model Folder</source>
        <translation>Model Folder</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Default</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>Model folder:</translation>
    </message>
    <message>
        <source>Automatic (CUDA when available)</source>
        <translation>Automatic (CUDA when available)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA (warns when not available)</source>
        <translation>CUDA (warns when not available)</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Device:</translation>
    </message>
    <message>
        <source>All cores (%1)</source>
        <translation>All cores (%1)</translation>
    </message>
    <message>
        <source>CPU threads:</source>
        <translation>CPU threads:</translation>
    </message>
    <message>
        <source>One step (fastest)</source>
        <translation>One step (fastest)</translation>
    </message>
    <message>
        <source>Adaptive one step</source>
        <translation>Adaptive one step</translation>
    </message>
    <message>
        <source>Euler, 4 steps</source>
        <translation>Euler, 4 steps</translation>
    </message>
    <message>
        <source>Sampler:</source>
        <translation>Sampler:</translation>
    </message>
    <message>
        <source>A pixel belongs to the mask where the soft mask is above this value</source>
        <translation type="vanished">A pixel belongs to the mask where the soft mask is above this value</translation>
    </message>
    <message>
        <source>Mask threshold:</source>
        <translation>Mask threshold:</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>System language</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Language:</translation>
    </message>
    <message>
        <source>Model settings apply at once (the model reloads in the background); the language applies at the next start.</source>
        <translation>Model settings apply at once (the model reloads in the background); the language applies at the next start.</translation>
    </message>
    <message>
        <source>The model&apos;s</source>
        <translation>The model&apos;s</translation>
    </message>
    <message>
        <source>A pixel belongs to the mask where the soft mask is above this value. &quot;The model&apos;s&quot; uses the threshold chosen on validation data for the loaded model (rlfseg calibrate), else 0.5.</source>
        <translation>A pixel belongs to the mask where the soft mask is above this value. &quot;The model&apos;s&quot; uses the threshold chosen on validation data for the loaded model (rlfseg calibrate), else 0.5.</translation>
    </message>
    <message>
        <source>The model&apos;s (%1)</source>
        <translation>The model&apos;s (%1)</translation>
    </message>
    <message>
        <source>Snap masks to the image&apos;s edges</source>
        <translation>Snap masks to the image&apos;s edges</translation>
    </message>
    <message>
        <source>Moves the mask&apos;s boundary onto the object&apos;s edges in the image, as the model&apos;s calibration chose (rlfseg calibrate). Models without one are not changed.</source>
        <translation>Moves the mask&apos;s boundary onto the object&apos;s edges in the image, as the model&apos;s calibration chose (rlfseg calibrate). Models without one are not changed.</translation>
    </message>
</context>
</TS>
