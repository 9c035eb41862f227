<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>rlfseg::ui::AnnotationSession</name>
    <message>
        <source>Cannot open the project “%1”: %2</source>
        <translation>Das Projekt „%1“ kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>No folder is open, so there is no project to add annotations to.</source>
        <translation>Es ist kein Ordner geöffnet, daher gibt es kein Projekt, dem Annotationen hinzugefügt werden können.</translation>
    </message>
    <message>
        <source>Cannot create the project “%1”: %2</source>
        <translation>Das Projekt „%1“ kann nicht erstellt werden: %2</translation>
    </message>
    <message>
        <source>Mask for “%1”</source>
        <translation>Maske für „%1“</translation>
    </message>
    <message>
        <source>Cannot add the mask: %1</source>
        <translation>Die Maske kann nicht hinzugefügt werden: %1</translation>
    </message>
    <message>
        <source>Auto-annotate “%1”</source>
        <translation>„%1“ automatisch annotieren</translation>
    </message>
    <message>
        <source>Cannot add the masks: %1</source>
        <translation>Die Masken können nicht hinzugefügt werden: %1</translation>
    </message>
    <message>
        <source>There is no annotation %1.</source>
        <translation>Es gibt keine Annotation %1.</translation>
    </message>
    <message>
        <source>Delete mask</source>
        <translation>Maske löschen</translation>
    </message>
    <message>
        <source>A category needs a name.</source>
        <translation>Eine Kategorie braucht einen Namen.</translation>
    </message>
    <message>
        <source>Category “%1”</source>
        <translation>Kategorie „%1“</translation>
    </message>
    <message>
        <source>The new mask does not have the image&apos;s size.</source>
        <translation>Die neue Maske hat nicht die Größe des Bildes.</translation>
    </message>
    <message>
        <source>There are no annotations to export yet.</source>
        <translation>Es gibt noch keine Annotationen zum Exportieren.</translation>
    </message>
    <message>
        <source>%1 images, %2 annotations, %3 categories written to “%4”.</source>
        <translation>%1 Bilder, %2 Annotationen, %3 Kategorien nach „%4“ geschrieben.</translation>
    </message>
    <message>
        <source>Validation: no problems.</source>
        <translation>Validierung: keine Probleme.</translation>
    </message>
    <message>
        <source>Validation: %1 errors, %2 warnings.</source>
        <translation>Validierung: %1 Fehler, %2 Warnungen.</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>The exported file did not validate; see the report.</source>
        <translation>Die exportierte Datei hat die Validierung nicht bestanden; siehe Bericht.</translation>
    </message>
    <message>
        <source>Cannot export COCO: %1</source>
        <translation>COCO kann nicht exportiert werden: %1</translation>
    </message>
    <message>
        <source>Cannot save the project: %1</source>
        <translation>Das Projekt kann nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>The mask is empty.</source>
        <translation>Die Maske ist leer.</translation>
    </message>
    <message>
        <source>Draw mask</source>
        <translation>Maske zeichnen</translation>
    </message>
    <message>
        <source>Select the mask to keep and at least one other.</source>
        <translation>Wählen Sie die Maske, die erhalten bleiben soll, und mindestens eine weitere aus.</translation>
    </message>
    <message>
        <source>Only masks of the same image can be combined.</source>
        <translation>Nur Masken desselben Bildes können kombiniert werden.</translation>
    </message>
    <message>
        <source>Subtract masks</source>
        <translation>Masken subtrahieren</translation>
    </message>
    <message>
        <source>Merge masks</source>
        <translation>Masken zusammenführen</translation>
    </message>
    <message>
        <source>Import COCO</source>
        <translation>COCO importieren</translation>
    </message>
    <message>
        <source>Import mask</source>
        <translation type="vanished">Maske importieren</translation>
    </message>
    <message>
        <source>%1 annotations imported from “%2” (%3 new images; %4 images in the file).</source>
        <translation>%1 Annotationen aus „%2“ importiert (%3 neue Bilder; %4 Bilder in der Datei).</translation>
    </message>
    <message>
        <source>Cannot import “%1”: %2</source>
        <translation>„%1“ kann nicht importiert werden: %2</translation>
    </message>
    <message>
        <source>%1 files, %2 shapes written to “%3”.</source>
        <translation>%1 Dateien, %2 Formen nach „%3“ geschrieben.</translation>
    </message>
    <message>
        <source>Cannot export: %1</source>
        <translation>Export nicht möglich: %1</translation>
    </message>
    <message>
        <source>Exporting COCO…</source>
        <translation>COCO wird exportiert…</translation>
    </message>
    <message>
        <source>Reading COCO…</source>
        <translation>COCO wird gelesen…</translation>
    </message>
    <message>
        <source>%1 annotations were refused by the project.</source>
        <translation type="vanished">%1 Annotationen hat das Projekt abgelehnt.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Wird exportiert…</translation>
    </message>
    <message>
        <source>“%1” is %2 x %3 pixels in the file but %4 x %5 in the project.</source>
        <translation>„%1“ ist in der Datei %2 x %3 Pixel groß, im Projekt aber %4 x %5.</translation>
    </message>
    <message>
        <source>%1 annotations were left out: %2</source>
        <translation>%1 Annotationen wurden ausgelassen: %2</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Wird importiert…</translation>
    </message>
    <message>
        <source>Opening the project…</source>
        <translation>Projekt wird geöffnet…</translation>
    </message>
    <message>
        <source>Recovering unsaved work…</source>
        <translation>Ungesicherte Arbeit wird wiederhergestellt…</translation>
    </message>
    <message>
        <source>Saving the project…</source>
        <translation>Projekt wird gespeichert…</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::InferenceService</name>
    <message>
        <source>The model is still loading.</source>
        <translation>Das Modell wird noch geladen.</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>Es ist kein Modell geladen.</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::InferenceWorker</name>
    <message>
        <source>Finding the model</source>
        <translation>Modell wird gesucht</translation>
    </message>
    <message>
        <source>CUDA was requested but is not available here; running on the CPU.</source>
        <translation>CUDA wurde angefordert, ist hier aber nicht verfügbar; die Ausführung erfolgt auf der CPU.</translation>
    </message>
    <message>
        <source>Loading the networks</source>
        <translation>Netze werden geladen</translation>
    </message>
    <message>
        <source>Warming up</source>
        <translation>Aufwärmen</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>Es ist kein Modell geladen.</translation>
    </message>
    <message>
        <source>%1 was trained only at t = 0 (the one-step path, its card says): %2 asks its flow for times it never learned and gives poor masks; use one-step or adaptive.</source>
        <translation>%1 wurde nur bei t = 0 trainiert (der Ein-Schritt-Weg, laut seiner Modellkarte): %2 fragt seinen Fluss nach Zeiten, die er nie gelernt hat, und liefert schlechte Masken; verwenden Sie one-step oder adaptive.</translation>
    </message>
    <message>
        <source>radius %1 px</source>
        <translation>Radius %1 px</translation>
    </message>
</context>
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
    <message>
        <source>&amp;Save Project</source>
        <translation>Projekt &amp;speichern</translation>
    </message>
    <message>
        <source>Write the project file now (every edit is already kept in its journal)</source>
        <translation>Projektdatei jetzt schreiben (jede Änderung ist bereits im Journal festgehalten)</translation>
    </message>
    <message>
        <source>&amp;Export COCO…</source>
        <translation>COCO &amp;exportieren…</translation>
    </message>
    <message>
        <source>Open a folder of images first.</source>
        <translation>Öffnen Sie zuerst einen Ordner mit Bildern.</translation>
    </message>
    <message>
        <source>Export COCO</source>
        <translation>COCO exportieren</translation>
    </message>
    <message>
        <source>COCO JSON (*.json)</source>
        <translation>COCO-JSON (*.json)</translation>
    </message>
    <message>
        <source>Exported.</source>
        <translation>Exportiert.</translation>
    </message>
    <message>
        <source>&amp;Load Model Folder…</source>
        <translation>Modellordner &amp;laden…</translation>
    </message>
    <message>
        <source>A diffusers-layout Stable Diffusion 1.5/2.1 folder fine-tuned by rlfseg train, or any RLFSeg model folder</source>
        <translation>Ein mit rlfseg train feinabgestimmter Stable-Diffusion-1.5/2.1-Ordner im diffusers-Layout oder ein beliebiger RLFSeg-Modellordner</translation>
    </message>
    <message>
        <source>Use the &amp;Default Model</source>
        <translation>&amp;Standardmodell verwenden</translation>
    </message>
    <message>
        <source>&amp;Delete Mask</source>
        <translation>Maske &amp;löschen</translation>
    </message>
    <message>
        <source>&amp;Clean Up Mask</source>
        <translation>Maske &amp;bereinigen</translation>
    </message>
    <message>
        <source>Refinement and dynamic selection: snap the boundary to image edges, remove specks and fill small holes (real holes stay)</source>
        <translation>Verfeinerung und dynamische Auswahl: Rand an Bildkanten ausrichten, Sprenkel entfernen und kleine Löcher füllen (echte Löcher bleiben erhalten)</translation>
    </message>
    <message>
        <source>Set &amp;Category</source>
        <translation type="vanished">&amp;Kategorie festlegen</translation>
    </message>
    <message>
        <source>Give the selected mask the category chosen in the prompt bar</source>
        <translation>Der ausgewählten Maske die in der Prompt-Leiste gewählte Kategorie zuweisen</translation>
    </message>
    <message>
        <source>&amp;Auto-Annotate…</source>
        <translation>&amp;Automatisch annotieren…</translation>
    </message>
    <message>
        <source>Run a list of “category: prompt” pairs on this image or on all images</source>
        <translation>Eine Liste von „Kategorie: Prompt“-Paaren auf dieses Bild oder auf alle Bilder anwenden</translation>
    </message>
    <message>
        <source>&amp;Next to Review</source>
        <translation>&amp;Nächstes zur Prüfung</translation>
    </message>
    <message>
        <source>The auto-annotated image with the lowest-scoring mask</source>
        <translation>Das automatisch annotierte Bild mit der am niedrigsten bewerteten Maske</translation>
    </message>
    <message>
        <source>&amp;Mark Reviewed</source>
        <translation>Als &amp;geprüft markieren</translation>
    </message>
    <message>
        <source>&amp;About This Model…</source>
        <translation type="vanished">&amp;Über dieses Modell…</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modell</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>Kein Modell</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>Masks</source>
        <translation>Masken</translation>
    </message>
    <message>
        <source> (score %1)</source>
        <translation> (Score %1)</translation>
    </message>
    <message>
        <source>Select a mask first.</source>
        <translation>Wählen Sie zuerst eine Maske aus.</translation>
    </message>
    <message>
        <source>There is no mask %1.</source>
        <translation>Es gibt keine Maske %1.</translation>
    </message>
    <message>
        <source>The image on screen does not have the mask&apos;s size; reopen it.</source>
        <translation>Das angezeigte Bild hat nicht die Größe der Maske; öffnen Sie es erneut.</translation>
    </message>
    <message>
        <source>Clean up found no object in the mask.</source>
        <translation>Beim Bereinigen wurde kein Objekt in der Maske gefunden.</translation>
    </message>
    <message>
        <source>Clean up</source>
        <translation>Bereinigen</translation>
    </message>
    <message>
        <source>Cleaned up: %1</source>
        <translation>Bereinigt: %1</translation>
    </message>
    <message>
        <source>Clean up failed: %1</source>
        <translation>Bereinigen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Prompts</source>
        <translation>Prompts</translation>
    </message>
    <message>
        <source> (no mask left)</source>
        <translation> (keine Maske übrig)</translation>
    </message>
    <message>
        <source>Compare prompts</source>
        <translation>Prompts vergleichen</translation>
    </message>
    <message>
        <source>Export Plot</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf)</source>
        <translation>PNG-Bild (*.png);;PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <source>Cannot write “%1”.</source>
        <translation>„%1“ kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Model: %1…</source>
        <translation>Modell: %1…</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>Das Modell konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Segmentation failed: %1</source>
        <translation>Segmentierung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Model: loading…</source>
        <translation>Modell: wird geladen…</translation>
    </message>
    <message>
        <source>%1
Folder: %2</source>
        <translation>%1
Ordner: %2</translation>
    </message>
    <message>
        <source>
Trained on: %1</source>
        <translation>
Trainiert mit: %1</translation>
    </message>
    <message>
        <source>
A plain Stable Diffusion folder: not trained for segmentation.</source>
        <translation>
Ein einfacher Stable-Diffusion-Ordner: nicht für Segmentierung trainiert.</translation>
    </message>
    <message>
        <source>⚠ %1</source>
        <translation>⚠ %1</translation>
    </message>
    <message>
        <source>Model “%1” loaded in %2 s on %3.</source>
        <translation>Modell „%1“ in %2 s auf %3 geladen.</translation>
    </message>
    <message>
        <source>Open an image first.</source>
        <translation>Öffnen Sie zuerst ein Bild.</translation>
    </message>
    <message>
        <source>The model is still loading.</source>
        <translation>Das Modell wird noch geladen.</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>Es ist kein Modell geladen.</translation>
    </message>
    <message>
        <source>Type what to segment first.</source>
        <translation>Geben Sie zuerst ein, was segmentiert werden soll.</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Prompt to mask: %1 ms (the model: %2 ms; image latent %3)</source>
        <translation>Prompt bis Maske: %1 ms (Modell: %2 ms; Bild-Latent %3)</translation>
    </message>
    <message>
        <source>cached</source>
        <translation>zwischengespeichert</translation>
    </message>
    <message>
        <source>computed</source>
        <translation>berechnet</translation>
    </message>
    <message>
        <source>“%1”: the model found nothing.</source>
        <translation>„%1“: Das Modell hat nichts gefunden.</translation>
    </message>
    <message numerus="yes">
        <source>Recovered %n unsaved edit(s) from the last session.</source>
        <translation>
            <numerusform>%n nicht gespeicherte Änderung aus der letzten Sitzung wiederhergestellt.</numerusform>
            <numerusform>%n nicht gespeicherte Änderungen aus der letzten Sitzung wiederhergestellt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Project saved.</source>
        <translation>Projekt gespeichert.</translation>
    </message>
    <message>
        <source>An auto-annotation run is still going.</source>
        <translation>Eine automatische Annotation läuft noch.</translation>
    </message>
    <message>
        <source>Nothing to auto-annotate.</source>
        <translation>Es gibt nichts automatisch zu annotieren.</translation>
    </message>
    <message>
        <source>Auto-annotating…</source>
        <translation>Automatische Annotation läuft…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Auto-Annotate</source>
        <translation>Automatisch annotieren</translation>
    </message>
    <message>
        <source>Auto-annotating: %1 of %2 done, %3 masks; about %4:%5 left</source>
        <translation>Automatische Annotation: %1 von %2 erledigt, %3 Masken; noch etwa %4:%5</translation>
    </message>
    <message>
        <source>Auto-annotation cancelled after %1 of %2 requests: %3 masks.</source>
        <translation>Automatische Annotation nach %1 von %2 Anfragen abgebrochen: %3 Masken.</translation>
    </message>
    <message>
        <source>Auto-annotation done: %1 masks from %2 requests.</source>
        <translation>Automatische Annotation abgeschlossen: %1 Masken aus %2 Anfragen.</translation>
    </message>
    <message numerus="yes">
        <source>%n failed (last: %1)</source>
        <translation>
            <numerusform>%n fehlgeschlagen (zuletzt: %1)</numerusform>
            <numerusform>%n fehlgeschlagen (zuletzt: %1)</numerusform>
        </translation>
    </message>
    <message>
        <source>One “category: prompt” per line, for example
circle: the circles
star: every star</source>
        <translation>Ein „Kategorie: Prompt“ pro Zeile, zum Beispiel
circle: the circles
star: every star</translation>
    </message>
    <message numerus="yes">
        <source>All %n image(s) in the list</source>
        <translation>
            <numerusform>Das %n Bild in der Liste</numerusform>
            <numerusform>Alle %n Bilder in der Liste</numerusform>
        </translation>
    </message>
    <message>
        <source>This image only</source>
        <translation>Nur dieses Bild</translation>
    </message>
    <message>
        <source>the prompt list</source>
        <translation>die Prompt-Liste</translation>
    </message>
    <message>
        <source>Nothing left to review.</source>
        <translation>Nichts mehr zu prüfen.</translation>
    </message>
    <message>
        <source>%1 (auto)</source>
        <translation>%1 (automatisch)</translation>
    </message>
    <message>
        <source>%1 ✓</source>
        <translation>%1 ✓</translation>
    </message>
    <message>
        <source>Load Model Folder</source>
        <translation>Modellordner laden</translation>
    </message>
    <message>
        <source>About This Model</source>
        <translation>Über dieses Modell</translation>
    </message>
    <message>
        <source>No model is loaded yet.</source>
        <translation>Es ist noch kein Modell geladen.</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Folder: %2&lt;/p&gt;&lt;p&gt;Runs on: %3 (input %4 px)&lt;/p&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Ordner: %2&lt;/p&gt;&lt;p&gt;Läuft auf: %3 (Eingabe %4 px)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Trained on: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;Trainiert mit: %1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;To use another model, choose Model › Load Model Folder… and pick a diffusers-layout folder (for example a Stable Diffusion 1.5 or 2.1 folder fine-tuned with &lt;code&gt;rlfseg train --init&lt;/code&gt;).&lt;/p&gt;</source>
        <translation>&lt;p&gt;Um ein anderes Modell zu verwenden, wählen Sie Modell › Modellordner laden… und dann einen Ordner im diffusers-Layout (zum Beispiel einen mit &lt;code&gt;rlfseg train --init&lt;/code&gt; feinabgestimmten Stable-Diffusion-1.5- oder -2.1-Ordner).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Set Cate&amp;gory</source>
        <translation>&amp;Kategorie festlegen</translation>
    </message>
    <message>
        <source>About &amp;This Model…</source>
        <translation>Über &amp;dieses Modell…</translation>
    </message>
    <message>
        <source>&amp;Merge Selected Masks</source>
        <translation>Ausgewählte Masken &amp;zusammenführen</translation>
    </message>
    <message>
        <source>Select masks in the list (Ctrl+click): all become the current one</source>
        <translation>Masken in der Liste auswählen (Strg+Klick): Alle werden zur aktuellen Maske zusammengeführt</translation>
    </message>
    <message>
        <source>The current mask minus the other selected ones</source>
        <translation>Die aktuelle Maske abzüglich der anderen ausgewählten Masken</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>Die Sprache wird beim nächsten Start geändert.</translation>
    </message>
    <message>
        <source>&amp;Select</source>
        <translation>&amp;Auswählen</translation>
    </message>
    <message>
        <source>Click a mask to select it</source>
        <translation>Klicken Sie auf eine Maske, um sie auszuwählen</translation>
    </message>
    <message>
        <source>&amp;Brush</source>
        <translation>&amp;Pinsel</translation>
    </message>
    <message>
        <source>Paint onto the selected mask (or a new one); one stroke is one undo step</source>
        <translation>Auf die ausgewählte Maske (oder eine neue) malen; ein Strich ist ein Rückgängig-Schritt</translation>
    </message>
    <message>
        <source>&amp;Eraser</source>
        <translation>&amp;Radierer</translation>
    </message>
    <message>
        <source>Erase from the selected mask; one stroke is one undo step</source>
        <translation>Aus der ausgewählten Maske radieren; ein Strich ist ein Rückgängig-Schritt</translation>
    </message>
    <message>
        <source>&amp;Fill Hole</source>
        <translation>&amp;Loch füllen</translation>
    </message>
    <message>
        <source>Click inside a hole of the selected mask to fill it</source>
        <translation>Klicken Sie in ein Loch der ausgewählten Maske, um es zu füllen</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>Werkzeuge</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Werkzeuge</translation>
    </message>
    <message>
        <source>Larger Brush</source>
        <translation>Größerer Pinsel</translation>
    </message>
    <message>
        <source>Smaller Brush</source>
        <translation>Kleinerer Pinsel</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts…</source>
        <translation>&amp;Tastenkombinationen…</translation>
    </message>
    <message>
        <source>Brush radius: %1 px</source>
        <translation>Pinselradius: %1 px</translation>
    </message>
    <message>
        <source>That is outside the mask, not a hole in it.</source>
        <translation>Diese Stelle liegt außerhalb der Maske, nicht in einem Loch der Maske.</translation>
    </message>
    <message>
        <source>Fill hole</source>
        <translation>Loch füllen</translation>
    </message>
    <message>
        <source>Select a mask to erase from.</source>
        <translation>Wählen Sie eine Maske aus, aus der radiert werden soll.</translation>
    </message>
    <message>
        <source>Eraser stroke</source>
        <translation>Radierstrich</translation>
    </message>
    <message>
        <source>Brush stroke</source>
        <translation>Pinselstrich</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Tastenkombinationen</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Tastenkombination</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>Ansicht verschieben</translation>
    </message>
    <message>
        <source>Space + drag, or the middle button</source>
        <translation>Leertaste + Ziehen oder mittlere Maustaste</translation>
    </message>
    <message>
        <source>Zoom about the pointer</source>
        <translation>Um den Mauszeiger zoomen</translation>
    </message>
    <message>
        <source>Wheel</source>
        <translation>Mausrad</translation>
    </message>
    <message>
        <source>Run the prompt</source>
        <translation>Prompt ausführen</translation>
    </message>
    <message>
        <source>Enter in the prompt box</source>
        <translation>Eingabetaste im Prompt-Feld</translation>
    </message>
    <message>
        <source>Cancel the running prompt</source>
        <translation>Laufenden Prompt abbrechen</translation>
    </message>
    <message>
        <source>Esc in the prompt box</source>
        <translation>Esc im Prompt-Feld</translation>
    </message>
    <message>
        <source>Export &amp;As</source>
        <translation>Exportieren &amp;als</translation>
    </message>
    <message>
        <source>labelme JSON…</source>
        <translation>labelme-JSON…</translation>
    </message>
    <message>
        <source>YOLO Segmentation…</source>
        <translation>YOLO-Segmentierung…</translation>
    </message>
    <message>
        <source>PNG Masks…</source>
        <translation>PNG-Masken…</translation>
    </message>
    <message>
        <source>Export Into Folder</source>
        <translation>In Ordner exportieren</translation>
    </message>
    <message>
        <source>&amp;Import COCO…</source>
        <translation>COCO &amp;importieren…</translation>
    </message>
    <message>
        <source>Open the folder of the images first.</source>
        <translation>Öffnen Sie zuerst den Ordner mit den Bildern.</translation>
    </message>
    <message>
        <source>Import COCO</source>
        <translation>COCO importieren</translation>
    </message>
    <message>
        <source>Every clean-up candidate with its scores; pick one</source>
        <translation>Alle Bereinigungskandidaten mit ihren Scores; wählen Sie einen aus</translation>
    </message>
    <message>
        <source>Clean Up New Masks &amp;Automatically</source>
        <translation>&amp;Neue Masken automatisch bereinigen</translation>
    </message>
    <message>
        <source>There is no candidate %1.</source>
        <translation>Es gibt keinen Kandidaten %1.</translation>
    </message>
    <message>
        <source>Cleaned up: %1 (chosen)</source>
        <translation>Bereinigt: %1 (ausgewählt)</translation>
    </message>
    <message>
        <source>Clean-up candidates</source>
        <translation>Bereinigungskandidaten</translation>
    </message>
    <message>
        <source>%1: score %2 (stability %3, edges %4)</source>
        <translation>%1: Score %2 (Stabilität %3, Kanten %4)</translation>
    </message>
    <message>
        <source>  ← selected</source>
        <translation>  ← ausgewählt</translation>
    </message>
    <message>
        <source>&amp;Polygon</source>
        <translation>P&amp;olygon</translation>
    </message>
    <message>
        <source>Edit the selected mask&apos;s outline: drag a vertex, click an edge to insert one, Delete removes the last one clicked</source>
        <translation>Umriss der ausgewählten Maske bearbeiten: Eckpunkt ziehen, auf eine Kante klicken, um einen einzufügen; Entf entfernt den zuletzt angeklickten</translation>
    </message>
    <message>
        <source>Delete vertex</source>
        <translation>Eckpunkt löschen</translation>
    </message>
    <message>
        <source>Insert vertex</source>
        <translation>Eckpunkt einfügen</translation>
    </message>
    <message>
        <source>Move vertex</source>
        <translation>Eckpunkt verschieben</translation>
    </message>
    <message>
        <source>Clean Up, C&amp;hoosing…</source>
        <translation>Bereinigen mit &amp;Auswahl…</translation>
    </message>
    <message>
        <source>Su&amp;btract Selected Masks</source>
        <translation>Ausgewählte Masken &amp;subtrahieren</translation>
    </message>
    <message>
        <source>Recover unsaved work</source>
        <translation>Ungespeicherte Arbeit wiederherstellen</translation>
    </message>
    <message numerus="yes">
        <source>The last session in “%1” ended without saving. Its %n edit(s) are in the journal.</source>
        <translation>
            <numerusform>Die letzte Sitzung in „%1“ endete ohne Speichern. Ihre %n Änderung steht im Journal.</numerusform>
            <numerusform>Die letzte Sitzung in „%1“ endete ohne Speichern. Ihre %n Änderungen stehen im Journal.</numerusform>
        </translation>
    </message>
    <message>
        <source>Recover them? Discarding deletes them for good.</source>
        <translation>Wiederherstellen? Beim Verwerfen werden sie endgültig gelöscht.</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message numerus="yes">
        <source>The %n selected image(s)</source>
        <translation>
            <numerusform>Das %n ausgewählte Bild</numerusform>
            <numerusform>Die %n ausgewählten Bilder</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;Maskenschwelle: %1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1, calibrated (%2)&lt;/p&gt;</source>
        <translation type="vanished">&lt;p&gt;Maskenschwelle: %1, kalibriert (%2)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1, calibrated (%2)</source>
        <translation>%1, kalibriert (%2)</translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1, set in Settings (the model&apos;s: %2)&lt;/p&gt;</source>
        <translation>&lt;p&gt;Maskenschwelle: %1, in den Einstellungen festgelegt (die des Modells: %2)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Cleaning up…</source>
        <translation>Wird bereinigt…</translation>
    </message>
    <message>
        <source>A clean-up is running; choose again when it is done.</source>
        <translation>Eine Bereinigung läuft; wählen Sie erneut, wenn sie fertig ist.</translation>
    </message>
    <message>
        <source>&lt;p&gt;Edge snap: off in Settings (the model&apos;s: %1)&lt;/p&gt;</source>
        <translation>&lt;p&gt;Kantenausrichtung: in den Einstellungen ausgeschaltet (die des Modells: %1)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Edge snap: %1 (%2)&lt;/p&gt;</source>
        <translation>&lt;p&gt;Kantenausrichtung: %1 (%2)&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Opening “%1”…</source>
        <translation>„%1“ wird geöffnet…</translation>
    </message>
    <message>
        <source>Saving the project…</source>
        <translation>Projekt wird gespeichert…</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptBar</name>
    <message>
        <source>Category:</source>
        <translation>Kategorie:</translation>
    </message>
    <message>
        <source>The category the next mask gets. Type a new name to add one.</source>
        <translation>Die Kategorie, die die nächste Maske erhält. Geben Sie einen neuen Namen ein, um eine hinzuzufügen.</translation>
    </message>
    <message>
        <source>Type what to segment, e.g. &quot;the red circle on the left&quot;, and press Enter</source>
        <translation>Geben Sie ein, was segmentiert werden soll, z. B. „the red circle on the left“, und drücken Sie die Eingabetaste</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>Segmentieren</translation>
    </message>
    <message>
        <source>Segment what the prompt says (Enter)</source>
        <translation>Segmentieren, was der Prompt beschreibt (Eingabetaste)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the running request (Esc)</source>
        <translation>Laufende Anfrage abbrechen (Esc)</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptHistoryPanel</name>
    <message>
        <source>Time</source>
        <translation>Uhrzeit</translation>
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
        <translation>Fläche</translation>
    </message>
    <message>
        <source>Run Again</source>
        <translation>Erneut ausführen</translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation>Vergleichen…</translation>
    </message>
    <message>
        <source>Select two to four prompts to see their masks side by side</source>
        <translation>Wählen Sie zwei bis vier Prompts aus, um ihre Masken nebeneinander zu sehen</translation>
    </message>
    <message>
        <source>Export Plot…</source>
        <translation>Diagramm exportieren…</translation>
    </message>
    <message>
        <source>Save the plot shown below as PNG or PDF</source>
        <translation>Das unten angezeigte Diagramm als PNG oder PDF speichern</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptPlots</name>
    <message>
        <source>Score and area</source>
        <translation>Score und Fläche</translation>
    </message>
    <message>
        <source>Area by threshold</source>
        <translation>Fläche nach Schwellenwert</translation>
    </message>
    <message>
        <source>Clean-up candidates</source>
        <translation>Bereinigungskandidaten</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <source>score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>area (share of the image)</source>
        <translation>Fläche (Anteil am Bild)</translation>
    </message>
    <message>
        <source>area</source>
        <translation>Fläche</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>Schwellenwert</translation>
    </message>
    <message>
        <source>result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>ms, prompt to mask</source>
        <translation>ms, Prompt bis Maske</translation>
    </message>
    <message>
        <source>“%1”, threshold %2</source>
        <translation>„%1“, Schwellenwert %2</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>the bundled default model</source>
        <translation>das mitgelieferte Standardmodell</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Model Folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>Modellordner:</translation>
    </message>
    <message>
        <source>Automatic (CUDA when available)</source>
        <translation>Automatisch (CUDA, falls verfügbar)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA (warns when not available)</source>
        <translation>CUDA (Warnung, falls nicht verfügbar)</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <source>All cores (%1)</source>
        <translation>Alle Kerne (%1)</translation>
    </message>
    <message>
        <source>CPU threads:</source>
        <translation>CPU-Threads:</translation>
    </message>
    <message>
        <source>One step (fastest)</source>
        <translation>Ein Schritt (am schnellsten)</translation>
    </message>
    <message>
        <source>Adaptive one step</source>
        <translation>Adaptiver Einzelschritt</translation>
    </message>
    <message>
        <source>Euler, 4 steps</source>
        <translation>Euler, 4 Schritte</translation>
    </message>
    <message>
        <source>Sampler:</source>
        <translation>Sampler:</translation>
    </message>
    <message>
        <source>A pixel belongs to the mask where the soft mask is above this value</source>
        <translation type="vanished">Ein Pixel gehört zur Maske, wenn die weiche Maske dort über diesem Wert liegt</translation>
    </message>
    <message>
        <source>Mask threshold:</source>
        <translation>Masken-Schwellenwert:</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <source>Model settings apply at once (the model reloads in the background); the language applies at the next start.</source>
        <translation>Modelleinstellungen gelten sofort (das Modell wird im Hintergrund neu geladen); die Sprache gilt ab dem nächsten Start.</translation>
    </message>
    <message>
        <source>The model&apos;s</source>
        <translation>Die des Modells</translation>
    </message>
    <message>
        <source>A pixel belongs to the mask where the soft mask is above this value. &quot;The model&apos;s&quot; uses the threshold chosen on validation data for the loaded model (rlfseg calibrate), else 0.5.</source>
        <translation>Ein Pixel gehört zur Maske, wo die weiche Maske über diesem Wert liegt. „Die des Modells“ verwendet die für das geladene Modell auf Validierungsdaten gewählte Schwelle (rlfseg calibrate), sonst 0,5.</translation>
    </message>
    <message>
        <source>The model&apos;s (%1)</source>
        <translation>Die des Modells (%1)</translation>
    </message>
    <message>
        <source>Snap masks to the image&apos;s edges</source>
        <translation>Masken an den Kanten des Bildes ausrichten</translation>
    </message>
    <message>
        <source>Moves the mask&apos;s boundary onto the object&apos;s edges in the image, as the model&apos;s calibration chose (rlfseg calibrate). Models without one are not changed.</source>
        <translation>Verschiebt den Rand der Maske auf die Kanten des Objekts im Bild, wie es die Kalibrierung des Modells gewählt hat (rlfseg calibrate). Modelle ohne eine solche bleiben unverändert.</translation>
    </message>
</context>
</TS>
