<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>rlfseg::ui::AnnotationSession</name>
    <message>
        <source>Cannot open the project “%1”: %2</source>
        <translation>无法打开项目“%1”：%2</translation>
    </message>
    <message>
        <source>No folder is open, so there is no project to add annotations to.</source>
        <translation>未打开文件夹，因此没有可添加标注的项目。</translation>
    </message>
    <message>
        <source>Cannot create the project “%1”: %2</source>
        <translation>无法创建项目“%1”：%2</translation>
    </message>
    <message>
        <source>Mask for “%1”</source>
        <translation>“%1”的掩码</translation>
    </message>
    <message>
        <source>Cannot add the mask: %1</source>
        <translation>无法添加掩码：%1</translation>
    </message>
    <message>
        <source>Auto-annotate “%1”</source>
        <translation>自动标注“%1”</translation>
    </message>
    <message>
        <source>Cannot add the masks: %1</source>
        <translation>无法添加这些掩码：%1</translation>
    </message>
    <message>
        <source>There is no annotation %1.</source>
        <translation>不存在标注 %1。</translation>
    </message>
    <message>
        <source>Delete mask</source>
        <translation>删除掩码</translation>
    </message>
    <message>
        <source>A category needs a name.</source>
        <translation>类别必须有名称。</translation>
    </message>
    <message>
        <source>Category “%1”</source>
        <translation>类别“%1”</translation>
    </message>
    <message>
        <source>The new mask does not have the image&apos;s size.</source>
        <translation>新掩码的尺寸与图像不一致。</translation>
    </message>
    <message>
        <source>There are no annotations to export yet.</source>
        <translation>尚无可导出的标注。</translation>
    </message>
    <message>
        <source>%1 images, %2 annotations, %3 categories written to “%4”.</source>
        <translation>已将 %1 张图像、%2 个标注、%3 个类别写入“%4”。</translation>
    </message>
    <message>
        <source>Validation: no problems.</source>
        <translation>验证：没有问题。</translation>
    </message>
    <message>
        <source>Validation: %1 errors, %2 warnings.</source>
        <translation>验证：%1 个错误，%2 个警告。</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>The exported file did not validate; see the report.</source>
        <translation>导出的文件未通过验证；请查看报告。</translation>
    </message>
    <message>
        <source>Cannot export COCO: %1</source>
        <translation>无法导出 COCO：%1</translation>
    </message>
    <message>
        <source>Cannot save the project: %1</source>
        <translation>无法保存项目：%1</translation>
    </message>
    <message>
        <source>The mask is empty.</source>
        <translation>掩码为空。</translation>
    </message>
    <message>
        <source>Draw mask</source>
        <translation>绘制掩码</translation>
    </message>
    <message>
        <source>Select the mask to keep and at least one other.</source>
        <translation>请选择要保留的掩码以及至少一个其他掩码。</translation>
    </message>
    <message>
        <source>Only masks of the same image can be combined.</source>
        <translation>只能合并同一图像的掩码。</translation>
    </message>
    <message>
        <source>Subtract masks</source>
        <translation>减去掩码</translation>
    </message>
    <message>
        <source>Merge masks</source>
        <translation>合并掩码</translation>
    </message>
    <message>
        <source>Import COCO</source>
        <translation>导入 COCO</translation>
    </message>
    <message>
        <source>Import mask</source>
        <translation type="vanished">导入掩码</translation>
    </message>
    <message>
        <source>%1 annotations imported from “%2” (%3 new images; %4 images in the file).</source>
        <translation>已从“%2”导入 %1 个标注（%3 张新图像；文件中共有 %4 张图像）。</translation>
    </message>
    <message>
        <source>Cannot import “%1”: %2</source>
        <translation>无法导入“%1”：%2</translation>
    </message>
    <message>
        <source>%1 files, %2 shapes written to “%3”.</source>
        <translation>已将 %1 个文件、%2 个形状写入“%3”。</translation>
    </message>
    <message>
        <source>Cannot export: %1</source>
        <translation>无法导出：%1</translation>
    </message>
    <message>
        <source>Exporting COCO…</source>
        <translation>正在导出 COCO…</translation>
    </message>
    <message>
        <source>Reading COCO…</source>
        <translation>正在读取 COCO…</translation>
    </message>
    <message>
        <source>%1 annotations were refused by the project.</source>
        <translation type="vanished">项目拒绝了 %1 个标注。</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>“%1” is %2 x %3 pixels in the file but %4 x %5 in the project.</source>
        <translation>“%1”在文件中为 %2 x %3 像素，但在项目中为 %4 x %5。</translation>
    </message>
    <message>
        <source>%1 annotations were left out: %2</source>
        <translation>有 %1 个标注未导入：%2</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Opening the project…</source>
        <translation>正在打开项目…</translation>
    </message>
    <message>
        <source>Recovering unsaved work…</source>
        <translation>正在恢复未保存的工作…</translation>
    </message>
    <message>
        <source>Saving the project…</source>
        <translation>正在保存项目…</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::InferenceService</name>
    <message>
        <source>The model is still loading.</source>
        <translation>模型仍在加载中。</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>未加载模型。</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::InferenceWorker</name>
    <message>
        <source>Finding the model</source>
        <translation>正在查找模型</translation>
    </message>
    <message>
        <source>CUDA was requested but is not available here; running on the CPU.</source>
        <translation>已请求使用 CUDA，但此处不可用；将在 CPU 上运行。</translation>
    </message>
    <message>
        <source>Loading the networks</source>
        <translation>正在加载网络</translation>
    </message>
    <message>
        <source>Warming up</source>
        <translation>正在预热</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <source>%1 was trained only at t = 0 (the one-step path, its card says): %2 asks its flow for times it never learned and gives poor masks; use one-step or adaptive.</source>
        <translation>%1 仅在 t = 0 处训练（单步路径，其模型卡如此说明）：%2 会向其流请求从未学过的时间点，得到的掩码很差；请使用 one-step 或 adaptive。</translation>
    </message>
    <message>
        <source>radius %1 px</source>
        <translation>半径 %1 像素</translation>
    </message>
</context>
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
    <message>
        <source>&amp;Save Project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <source>Write the project file now (every edit is already kept in its journal)</source>
        <translation>立即写入项目文件（每次编辑都已记录在其日志中）</translation>
    </message>
    <message>
        <source>&amp;Export COCO…</source>
        <translation>导出 COCO(&amp;E)…</translation>
    </message>
    <message>
        <source>Open a folder of images first.</source>
        <translation>请先打开一个图像文件夹。</translation>
    </message>
    <message>
        <source>Export COCO</source>
        <translation>导出 COCO</translation>
    </message>
    <message>
        <source>COCO JSON (*.json)</source>
        <translation>COCO JSON (*.json)</translation>
    </message>
    <message>
        <source>Exported.</source>
        <translation>已导出。</translation>
    </message>
    <message>
        <source>&amp;Load Model Folder…</source>
        <translation>加载模型文件夹(&amp;L)…</translation>
    </message>
    <message>
        <source>A diffusers-layout Stable Diffusion 1.5/2.1 folder fine-tuned by rlfseg train, or any RLFSeg model folder</source>
        <translation>经 rlfseg train 微调、采用 diffusers 目录结构的 Stable Diffusion 1.5/2.1 文件夹，或任意 RLFSeg 模型文件夹</translation>
    </message>
    <message>
        <source>Use the &amp;Default Model</source>
        <translation>使用默认模型(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Delete Mask</source>
        <translation>删除掩码(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Clean Up Mask</source>
        <translation>清理掩码(&amp;C)</translation>
    </message>
    <message>
        <source>Refinement and dynamic selection: snap the boundary to image edges, remove specks and fill small holes (real holes stay)</source>
        <translation>细化与动态选择：将边界贴合到图像边缘，去除斑点并填补小孔洞（真实的孔洞会保留）</translation>
    </message>
    <message>
        <source>Set &amp;Category</source>
        <translation type="vanished">设置类别(&amp;C)</translation>
    </message>
    <message>
        <source>Give the selected mask the category chosen in the prompt bar</source>
        <translation>为所选掩码设置提示词栏中选择的类别</translation>
    </message>
    <message>
        <source>&amp;Auto-Annotate…</source>
        <translation>自动标注(&amp;A)…</translation>
    </message>
    <message>
        <source>Run a list of “category: prompt” pairs on this image or on all images</source>
        <translation>在当前图像或所有图像上运行一组“类别: 提示词”对</translation>
    </message>
    <message>
        <source>&amp;Next to Review</source>
        <translation>下一个待审核(&amp;N)</translation>
    </message>
    <message>
        <source>The auto-annotated image with the lowest-scoring mask</source>
        <translation>包含得分最低掩码的自动标注图像</translation>
    </message>
    <message>
        <source>&amp;Mark Reviewed</source>
        <translation>标记为已审核(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;About This Model…</source>
        <translation type="vanished">关于此模型(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>Masks</source>
        <translation>掩码</translation>
    </message>
    <message>
        <source> (score %1)</source>
        <translation>（得分 %1）</translation>
    </message>
    <message>
        <source>Select a mask first.</source>
        <translation>请先选择一个掩码。</translation>
    </message>
    <message>
        <source>There is no mask %1.</source>
        <translation>不存在掩码 %1。</translation>
    </message>
    <message>
        <source>The image on screen does not have the mask&apos;s size; reopen it.</source>
        <translation>屏幕上的图像与掩码尺寸不一致；请重新打开该图像。</translation>
    </message>
    <message>
        <source>Clean up found no object in the mask.</source>
        <translation>清理时未在掩码中找到任何对象。</translation>
    </message>
    <message>
        <source>Clean up</source>
        <translation>清理</translation>
    </message>
    <message>
        <source>Cleaned up: %1</source>
        <translation>已清理：%1</translation>
    </message>
    <message>
        <source>Clean up failed: %1</source>
        <translation>清理失败：%1</translation>
    </message>
    <message>
        <source>Prompts</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source> (no mask left)</source>
        <translation>（未剩余掩码）</translation>
    </message>
    <message>
        <source>Compare prompts</source>
        <translation>比较提示词</translation>
    </message>
    <message>
        <source>Export Plot</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Cannot write “%1”.</source>
        <translation>无法写入“%1”。</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Model: %1…</source>
        <translation>模型：%1…</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <source>Segmentation failed: %1</source>
        <translation>分割失败：%1</translation>
    </message>
    <message>
        <source>Model: loading…</source>
        <translation>模型：正在加载…</translation>
    </message>
    <message>
        <source>%1
Folder: %2</source>
        <translation>%1
文件夹：%2</translation>
    </message>
    <message>
        <source>
Trained on: %1</source>
        <translation>
训练数据：%1</translation>
    </message>
    <message>
        <source>
A plain Stable Diffusion folder: not trained for segmentation.</source>
        <translation>
普通的 Stable Diffusion 文件夹：未针对分割进行训练。</translation>
    </message>
    <message>
        <source>⚠ %1</source>
        <translation>⚠ %1</translation>
    </message>
    <message>
        <source>Model “%1” loaded in %2 s on %3.</source>
        <translation>模型“%1”已在 %3 上加载完成，用时 %2 秒。</translation>
    </message>
    <message>
        <source>Open an image first.</source>
        <translation>请先打开一张图像。</translation>
    </message>
    <message>
        <source>The model is still loading.</source>
        <translation>模型仍在加载中。</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <source>Type what to segment first.</source>
        <translation>请先输入要分割的内容。</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>Prompt to mask: %1 ms (the model: %2 ms; image latent %3)</source>
        <translation>从提示词到掩码：%1 毫秒（模型：%2 毫秒；图像潜变量：%3）</translation>
    </message>
    <message>
        <source>cached</source>
        <translation>已缓存</translation>
    </message>
    <message>
        <source>computed</source>
        <translation>新计算</translation>
    </message>
    <message>
        <source>“%1”: the model found nothing.</source>
        <translation>“%1”：模型未找到任何内容。</translation>
    </message>
    <message numerus="yes">
        <source>Recovered %n unsaved edit(s) from the last session.</source>
        <translation>
            <numerusform>已从上次会话中恢复 %n 项未保存的编辑。</numerusform>
        </translation>
    </message>
    <message>
        <source>Project saved.</source>
        <translation>项目已保存。</translation>
    </message>
    <message>
        <source>An auto-annotation run is still going.</source>
        <translation>自动标注仍在进行中。</translation>
    </message>
    <message>
        <source>Nothing to auto-annotate.</source>
        <translation>没有可自动标注的内容。</translation>
    </message>
    <message>
        <source>Auto-annotating…</source>
        <translation>正在自动标注…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Auto-Annotate</source>
        <translation>自动标注</translation>
    </message>
    <message>
        <source>Auto-annotating: %1 of %2 done, %3 masks; about %4:%5 left</source>
        <translation>正在自动标注：已完成 %1/%2，%3 个掩码；剩余约 %4:%5</translation>
    </message>
    <message>
        <source>Auto-annotation cancelled after %1 of %2 requests: %3 masks.</source>
        <translation>自动标注已在完成 %1/%2 个请求后取消：%3 个掩码。</translation>
    </message>
    <message>
        <source>Auto-annotation done: %1 masks from %2 requests.</source>
        <translation>自动标注完成：%2 个请求共生成 %1 个掩码。</translation>
    </message>
    <message numerus="yes">
        <source>%n failed (last: %1)</source>
        <translation>
            <numerusform>%n 个失败（最后一个错误：%1）</numerusform>
        </translation>
    </message>
    <message>
        <source>One “category: prompt” per line, for example
circle: the circles
star: every star</source>
        <translation>每行一个“类别: 提示词”（使用英文冒号），例如
circle: the circles
star: every star</translation>
    </message>
    <message numerus="yes">
        <source>All %n image(s) in the list</source>
        <translation>
            <numerusform>列表中的全部 %n 张图像</numerusform>
        </translation>
    </message>
    <message>
        <source>This image only</source>
        <translation>仅当前图像</translation>
    </message>
    <message>
        <source>the prompt list</source>
        <translation>提示词列表</translation>
    </message>
    <message>
        <source>Nothing left to review.</source>
        <translation>没有待审核的图像了。</translation>
    </message>
    <message>
        <source>%1 (auto)</source>
        <translation>%1（自动）</translation>
    </message>
    <message>
        <source>%1 ✓</source>
        <translation>%1 ✓</translation>
    </message>
    <message>
        <source>Load Model Folder</source>
        <translation>加载模型文件夹</translation>
    </message>
    <message>
        <source>About This Model</source>
        <translation>关于此模型</translation>
    </message>
    <message>
        <source>No model is loaded yet.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;Folder: %2&lt;/p&gt;&lt;p&gt;Runs on: %3 (input %4 px)&lt;/p&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p&gt;文件夹：%2&lt;/p&gt;&lt;p&gt;运行于：%3（输入 %4 像素）&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Trained on: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;训练数据：%1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;To use another model, choose Model › Load Model Folder… and pick a diffusers-layout folder (for example a Stable Diffusion 1.5 or 2.1 folder fine-tuned with &lt;code&gt;rlfseg train --init&lt;/code&gt;).&lt;/p&gt;</source>
        <translation>&lt;p&gt;要使用其他模型，请选择“模型 › 加载模型文件夹…”，然后选取一个 diffusers 目录结构的文件夹（例如使用 &lt;code&gt;rlfseg train --init&lt;/code&gt; 微调的 Stable Diffusion 1.5 或 2.1 文件夹）。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Set Cate&amp;gory</source>
        <translation>设置类别(&amp;G)</translation>
    </message>
    <message>
        <source>About &amp;This Model…</source>
        <translation>关于此模型(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Merge Selected Masks</source>
        <translation>合并所选掩码(&amp;M)</translation>
    </message>
    <message>
        <source>Select masks in the list (Ctrl+click): all become the current one</source>
        <translation>在列表中选择多个掩码（Ctrl+单击）：全部合并到当前掩码</translation>
    </message>
    <message>
        <source>The current mask minus the other selected ones</source>
        <translation>当前掩码减去其他所选掩码</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>设置(&amp;T)…</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>语言将在下次启动时更改。</translation>
    </message>
    <message>
        <source>&amp;Select</source>
        <translation>选择(&amp;S)</translation>
    </message>
    <message>
        <source>Click a mask to select it</source>
        <translation>单击掩码将其选中</translation>
    </message>
    <message>
        <source>&amp;Brush</source>
        <translation>画笔(&amp;B)</translation>
    </message>
    <message>
        <source>Paint onto the selected mask (or a new one); one stroke is one undo step</source>
        <translation>在所选掩码（或新掩码）上绘制；每一笔为一个撤销步骤</translation>
    </message>
    <message>
        <source>&amp;Eraser</source>
        <translation>橡皮擦(&amp;E)</translation>
    </message>
    <message>
        <source>Erase from the selected mask; one stroke is one undo step</source>
        <translation>从所选掩码中擦除；每一笔为一个撤销步骤</translation>
    </message>
    <message>
        <source>&amp;Fill Hole</source>
        <translation>填充孔洞(&amp;F)</translation>
    </message>
    <message>
        <source>Click inside a hole of the selected mask to fill it</source>
        <translation>在所选掩码的孔洞内单击以将其填充</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>Larger Brush</source>
        <translation>增大画笔</translation>
    </message>
    <message>
        <source>Smaller Brush</source>
        <translation>减小画笔</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts…</source>
        <translation>键盘快捷键(&amp;K)…</translation>
    </message>
    <message>
        <source>Brush radius: %1 px</source>
        <translation>画笔半径：%1 px</translation>
    </message>
    <message>
        <source>That is outside the mask, not a hole in it.</source>
        <translation>该位置在掩码外部，不是掩码中的孔洞。</translation>
    </message>
    <message>
        <source>Fill hole</source>
        <translation>填充孔洞</translation>
    </message>
    <message>
        <source>Select a mask to erase from.</source>
        <translation>请选择要从中擦除的掩码。</translation>
    </message>
    <message>
        <source>Eraser stroke</source>
        <translation>橡皮擦笔画</translation>
    </message>
    <message>
        <source>Brush stroke</source>
        <translation>画笔笔画</translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>平移</translation>
    </message>
    <message>
        <source>Space + drag, or the middle button</source>
        <translation>空格键 + 拖动，或鼠标中键</translation>
    </message>
    <message>
        <source>Zoom about the pointer</source>
        <translation>以指针为中心缩放</translation>
    </message>
    <message>
        <source>Wheel</source>
        <translation>滚轮</translation>
    </message>
    <message>
        <source>Run the prompt</source>
        <translation>运行提示词</translation>
    </message>
    <message>
        <source>Enter in the prompt box</source>
        <translation>提示词框中的 Enter 键</translation>
    </message>
    <message>
        <source>Cancel the running prompt</source>
        <translation>取消正在运行的提示词</translation>
    </message>
    <message>
        <source>Esc in the prompt box</source>
        <translation>提示词框中的 Esc 键</translation>
    </message>
    <message>
        <source>Export &amp;As</source>
        <translation>导出为(&amp;A)</translation>
    </message>
    <message>
        <source>labelme JSON…</source>
        <translation>labelme JSON…</translation>
    </message>
    <message>
        <source>YOLO Segmentation…</source>
        <translation>YOLO 分割…</translation>
    </message>
    <message>
        <source>PNG Masks…</source>
        <translation>PNG 掩码…</translation>
    </message>
    <message>
        <source>Export Into Folder</source>
        <translation>导出到文件夹</translation>
    </message>
    <message>
        <source>&amp;Import COCO…</source>
        <translation>导入 COCO(&amp;I)…</translation>
    </message>
    <message>
        <source>Open the folder of the images first.</source>
        <translation>请先打开图像所在的文件夹。</translation>
    </message>
    <message>
        <source>Import COCO</source>
        <translation>导入 COCO</translation>
    </message>
    <message>
        <source>Every clean-up candidate with its scores; pick one</source>
        <translation>列出所有清理候选项及其得分；从中选择一个</translation>
    </message>
    <message>
        <source>Clean Up New Masks &amp;Automatically</source>
        <translation>自动清理新掩码(&amp;A)</translation>
    </message>
    <message>
        <source>There is no candidate %1.</source>
        <translation>不存在候选项 %1。</translation>
    </message>
    <message>
        <source>Cleaned up: %1 (chosen)</source>
        <translation>已清理：%1（手动选择）</translation>
    </message>
    <message>
        <source>Clean-up candidates</source>
        <translation>清理候选项</translation>
    </message>
    <message>
        <source>%1: score %2 (stability %3, edges %4)</source>
        <translation>%1：得分 %2（稳定性 %3，边缘 %4）</translation>
    </message>
    <message>
        <source>  ← selected</source>
        <translation>  ← 已选</translation>
    </message>
    <message>
        <source>&amp;Polygon</source>
        <translation>多边形(&amp;P)</translation>
    </message>
    <message>
        <source>Edit the selected mask&apos;s outline: drag a vertex, click an edge to insert one, Delete removes the last one clicked</source>
        <translation>编辑所选掩码的轮廓：拖动顶点，单击边以插入顶点，按 Delete 键删除最后单击的顶点</translation>
    </message>
    <message>
        <source>Delete vertex</source>
        <translation>删除顶点</translation>
    </message>
    <message>
        <source>Insert vertex</source>
        <translation>插入顶点</translation>
    </message>
    <message>
        <source>Move vertex</source>
        <translation>移动顶点</translation>
    </message>
    <message>
        <source>Clean Up, C&amp;hoosing…</source>
        <translation>清理并选择(&amp;H)…</translation>
    </message>
    <message>
        <source>Su&amp;btract Selected Masks</source>
        <translation>减去所选掩码(&amp;S)</translation>
    </message>
    <message>
        <source>Recover unsaved work</source>
        <translation>恢复未保存的工作</translation>
    </message>
    <message numerus="yes">
        <source>The last session in “%1” ended without saving. Its %n edit(s) are in the journal.</source>
        <translation>
            <numerusform>“%1”中的上一次会话未保存就结束了。它的 %n 处修改保存在日志中。</numerusform>
        </translation>
    </message>
    <message>
        <source>Recover them? Discarding deletes them for good.</source>
        <translation>要恢复吗？放弃将永久删除这些修改。</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message numerus="yes">
        <source>The %n selected image(s)</source>
        <translation>
            <numerusform>所选的 %n 张图像</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;掩码阈值：%1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1, calibrated (%2)&lt;/p&gt;</source>
        <translation type="vanished">&lt;p&gt;掩码阈值：%1，已校准（%2）&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1, calibrated (%2)</source>
        <translation>%1，已校准（%2）</translation>
    </message>
    <message>
        <source>&lt;p&gt;Mask threshold: %1, set in Settings (the model&apos;s: %2)&lt;/p&gt;</source>
        <translation>&lt;p&gt;掩码阈值：%1，在设置中指定（模型自带：%2）&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Cleaning up…</source>
        <translation>正在清理…</translation>
    </message>
    <message>
        <source>A clean-up is running; choose again when it is done.</source>
        <translation>正在进行清理；完成后请再选择。</translation>
    </message>
    <message>
        <source>&lt;p&gt;Edge snap: off in Settings (the model&apos;s: %1)&lt;/p&gt;</source>
        <translation>&lt;p&gt;边缘吸附：已在设置中关闭（模型的：%1）&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Edge snap: %1 (%2)&lt;/p&gt;</source>
        <translation>&lt;p&gt;边缘吸附：%1（%2）&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Opening “%1”…</source>
        <translation>正在打开“%1”…</translation>
    </message>
    <message>
        <source>Saving the project…</source>
        <translation>正在保存项目…</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptBar</name>
    <message>
        <source>Category:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>The category the next mask gets. Type a new name to add one.</source>
        <translation>下一个掩码将使用的类别。输入新名称即可添加类别。</translation>
    </message>
    <message>
        <source>Type what to segment, e.g. &quot;the red circle on the left&quot;, and press Enter</source>
        <translation>输入要分割的内容，例如“the red circle on the left”，然后按 Enter 键</translation>
    </message>
    <message>
        <source>Segment</source>
        <translation>分割</translation>
    </message>
    <message>
        <source>Segment what the prompt says (Enter)</source>
        <translation>按提示词进行分割（Enter）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the running request (Esc)</source>
        <translation>取消正在运行的请求（Esc）</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptHistoryPanel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>面积</translation>
    </message>
    <message>
        <source>Run Again</source>
        <translation>再次运行</translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation>比较…</translation>
    </message>
    <message>
        <source>Select two to four prompts to see their masks side by side</source>
        <translation>选择两到四个提示词，并排查看它们的掩码</translation>
    </message>
    <message>
        <source>Export Plot…</source>
        <translation>导出图表…</translation>
    </message>
    <message>
        <source>Save the plot shown below as PNG or PDF</source>
        <translation>将下方显示的图表保存为 PNG 或 PDF</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::PromptPlots</name>
    <message>
        <source>Score and area</source>
        <translation>得分与面积</translation>
    </message>
    <message>
        <source>Area by threshold</source>
        <translation>面积随阈值变化</translation>
    </message>
    <message>
        <source>Clean-up candidates</source>
        <translation>清理候选项</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>延迟</translation>
    </message>
    <message>
        <source>score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>area (share of the image)</source>
        <translation>面积（占图像的比例）</translation>
    </message>
    <message>
        <source>area</source>
        <translation>面积</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>ms, prompt to mask</source>
        <translation>毫秒（提示词到掩码）</translation>
    </message>
    <message>
        <source>“%1”, threshold %2</source>
        <translation>“%1”，阈值 %2</translation>
    </message>
</context>
<context>
    <name>rlfseg::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>the bundled default model</source>
        <translation>内置的默认模型</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Model Folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Model folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <source>Automatic (CUDA when available)</source>
        <translation>自动（可用时使用 CUDA）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA (warns when not available)</source>
        <translation>CUDA（不可用时发出警告）</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>All cores (%1)</source>
        <translation>全部核心（%1）</translation>
    </message>
    <message>
        <source>CPU threads:</source>
        <translation>CPU 线程数：</translation>
    </message>
    <message>
        <source>One step (fastest)</source>
        <translation>单步（最快）</translation>
    </message>
    <message>
        <source>Adaptive one step</source>
        <translation>自适应单步</translation>
    </message>
    <message>
        <source>Euler, 4 steps</source>
        <translation>Euler，4 步</translation>
    </message>
    <message>
        <source>Sampler:</source>
        <translation>采样器：</translation>
    </message>
    <message>
        <source>A pixel belongs to the mask where the soft mask is above this value</source>
        <translation type="vanished">软掩码值高于此值的像素属于掩码</translation>
    </message>
    <message>
        <source>Mask threshold:</source>
        <translation>掩码阈值：</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Model settings apply at once (the model reloads in the background); the language applies at the next start.</source>
        <translation>模型设置会立即生效（模型将在后台重新加载）；语言将在下次启动时生效。</translation>
    </message>
    <message>
        <source>The model&apos;s</source>
        <translation>模型自带</translation>
    </message>
    <message>
        <source>A pixel belongs to the mask where the soft mask is above this value. &quot;The model&apos;s&quot; uses the threshold chosen on validation data for the loaded model (rlfseg calibrate), else 0.5.</source>
        <translation>软掩码高于此值的像素属于掩码。“模型自带”使用为已加载模型在验证数据上选定的阈值（rlfseg calibrate），否则为 0.5。</translation>
    </message>
    <message>
        <source>The model&apos;s (%1)</source>
        <translation>模型自带（%1）</translation>
    </message>
    <message>
        <source>Snap masks to the image&apos;s edges</source>
        <translation>将掩码吸附到图像边缘</translation>
    </message>
    <message>
        <source>Moves the mask&apos;s boundary onto the object&apos;s edges in the image, as the model&apos;s calibration chose (rlfseg calibrate). Models without one are not changed.</source>
        <translation>按模型校准的选择（rlfseg calibrate）将掩码边界移到图像中物体的边缘上。没有此项的模型保持不变。</translation>
    </message>
</context>
</TS>
