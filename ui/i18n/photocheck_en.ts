<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name />
    <message>
        <source>已继续上次的考生。要换一位考生，请点“新考生”。</source>
        <translation>Continued with the last candidate. To start another, click “New candidate”.</translation>
    </message>
    <message>
        <source>无法保存进度：{reason}</source>
        <translation>Cannot save progress: {reason}</translation>
    </message>
    <message>
        <source>医考报名照片与材料检查</source>
        <translation>Medical exam registration: photo and documents</translation>
    </message>
    <message>
        <source>医考报名助手</source>
        <translation>Exam registration helper</translation>
    </message>
    <message>
        <source>考试规格(&amp;P)：</source>
        <translation>Exam &amp;profile:</translation>
    </message>
    <message>
        <source>语言(&amp;L) / Language：</source>
        <translation>&amp;Language / 语言:</translation>
    </message>
    <message>
        <source>新考生</source>
        <translation>New candidate</translation>
    </message>
    <message>
        <source>清空当前考生的照片和调整，开始下一位（原文件不受影响）</source>
        <translation>Clear this candidate's photo and edits and start the next one (your files stay as they are)</translation>
    </message>
    <message>
        <source>Ctrl+1 照片，Ctrl+2 材料，Ctrl+3 导出</source>
        <translation>Ctrl+1 photo, Ctrl+2 documents, Ctrl+3 export</translation>
    </message>
    <message>
        <source>上次的进度无法读取，已重新开始。</source>
        <translation>The last progress could not be read; starting afresh.</translation>
    </message>
    <message>
        <source>材料</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>整理中…</source>
        <translation>Working…</translation>
    </message>
    <message>
        <source>已选文件夹</source>
        <translation>Folder chosen</translation>
    </message>
    <message>
        <source>未添加材料</source>
        <translation>No documents yet</translation>
    </message>
    <message>
        <source>{ready}/{n} 类已就绪</source>
        <translation>{ready}/{n} categories ready</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>导出在“材料”步骤中进行：选好材料文件夹和导出位置后点“开始整理”。</source>
        <translation>For now the export is made in the Documents step: choose the folders there and click “开始整理”.</translation>
    </message>
    <message>
        <source>已导出到 {path}</source>
        <translation>Exported to {path}</translation>
    </message>
    <message>
        <source>尚未导出</source>
        <translation>Not exported yet</translation>
    </message>
    <message>
        <source>已导出</source>
        <translation>Exported</translation>
    </message>
    <message>
        <source>已导出，尚有缺项</source>
        <translation>Exported, items missing</translation>
    </message>
    <message>
        <source>图片 (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff);;所有文件 (*)</source>
        <translation>Pictures (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff);;All files (*)</translation>
    </message>
    <message>
        <source>选择照片</source>
        <translation>Choose a photo</translation>
    </message>
    <message>
        <source>保存报名照片</source>
        <translation>Save the registration photo</translation>
    </message>
    <message>
        <source>JPEG 图片 (*.jpg *.jpeg)</source>
        <translation>JPEG pictures (*.jpg *.jpeg)</translation>
    </message>
    <message>
        <source>替换文件？</source>
        <translation>Replace the file?</translation>
    </message>
    <message>
        <source>{folder} 里已有 {name}，要替换它吗？</source>
        <translation>{folder} already has {name}. Replace it?</translation>
    </message>
    <message>
        <source>无法使用这个文件</source>
        <translation>This file cannot be used</translation>
    </message>
    <message>
        <source>处理时出错</source>
        <translation>Something went wrong</translation>
    </message>
    <message>
        <source>处理 {name} 时出现意外错误：{error}</source>
        <translation>An unexpected error while processing {name}: {error}</translation>
    </message>
    <message>
        <source>照片</source>
        <translation>Photo</translation>
    </message>
    <message>
        <source>未选择照片</source>
        <translation>No photo yet</translation>
    </message>
    <message>
        <source>检查中…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>未检查</source>
        <translation>Not checked</translation>
    </message>
    <message>
        <source>{ok}/{n} 项通过</source>
        <translation>{ok}/{n} checks pass</translation>
    </message>
    <message>
        <source>剪贴板里没有照片。</source>
        <translation>There is no photo on the clipboard.</translation>
    </message>
    <message>
        <source>打开照片…</source>
        <translation>Open photo…</translation>
    </message>
    <message>
        <source>打开照片（Ctrl+O）。也可以把照片拖进窗口，或按 Ctrl+V 粘贴。</source>
        <translation>Open a photo (Ctrl+O). You can also drop a photo on the window or paste one with Ctrl+V.</translation>
    </message>
    <message>
        <source>粘贴</source>
        <translation>Paste</translation>
    </message>
    <message>
        <source>粘贴剪贴板里的照片（Ctrl+V）</source>
        <translation>Paste the photo on the clipboard (Ctrl+V)</translation>
    </message>
    <message>
        <source>原照片（拖动绿框调整构图，滚轮缩放）</source>
        <translation>Original (drag the frame; the wheel zooms)</translation>
    </message>
    <message>
        <source>修复结果（尚未保存）</source>
        <translation>Result (not saved yet)</translation>
    </message>
    <message>
        <source>把照片拖到这里，或点“打开照片…”，或按 Ctrl+V 粘贴。

照片只在本机处理，不会上传。
支持 JPEG、PNG、HEIC、WebP、BMP、TIFF</source>
        <translation>Drop a photo here, click “Open photo…” or paste one with Ctrl+V.

The photo is processed on this computer only; nothing is uploaded.
JPEG, PNG, HEIC, WebP, BMP and TIFF are supported</translation>
    </message>
    <message>
        <source>选择照片后，这里立刻显示修复后的效果。</source>
        <translation>Once you choose a photo, the fixed result shows here straight away.</translation>
    </message>
    <message>
        <source>向左转</source>
        <translation>Turn left</translation>
    </message>
    <message>
        <source>逆时针旋转 90°（Ctrl+L）</source>
        <translation>Turn 90° anticlockwise (Ctrl+L)</translation>
    </message>
    <message>
        <source>向右转</source>
        <translation>Turn right</translation>
    </message>
    <message>
        <source>顺时针旋转 90°（Ctrl+R）</source>
        <translation>Turn 90° clockwise (Ctrl+R)</translation>
    </message>
    <message>
        <source>辅助线</source>
        <translation>Guides</translation>
    </message>
    <message>
        <source>显示人脸框、头顶线、眼睛线、下巴线和规格要求的范围（Ctrl+G）</source>
        <translation>Show the face box, crown, eye and chin lines and the profile's bands (Ctrl+G)</translation>
    </message>
    <message>
        <source>换白色背景</source>
        <translation>White background</translation>
    </message>
    <message>
        <source>关闭后保留原背景（Ctrl+B）</source>
        <translation>Off: keep the photo's own background (Ctrl+B)</translation>
    </message>
    <message>
        <source>鼠标：</source>
        <translation>Mouse:</translation>
    </message>
    <message>
        <source>构图</source>
        <translation>Crop</translation>
    </message>
    <message>
        <source>拖动绿框移动构图，滚轮或 +/- 缩放，方向键微调</source>
        <translation>Drag the green frame to move the crop; wheel or +/- to zoom; arrow keys to nudge</translation>
    </message>
    <message>
        <source>保留</source>
        <translation>Keep</translation>
    </message>
    <message>
        <source>涂抹误被去掉的部分（头发、衣服），让它保留</source>
        <translation>Paint over parts wrongly removed (hair, clothes) to keep them</translation>
    </message>
    <message>
        <source>去除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>涂抹背景上残留的杂物，让它换成白色</source>
        <translation>Paint over leftovers in the background to turn them white</translation>
    </message>
    <message>
        <source>笔刷大小</source>
        <translation>Brush size</translation>
    </message>
    <message>
        <source>恢复自动</source>
        <translation>Automatic</translation>
    </message>
    <message>
        <source>撤销所有手动调整，回到自动裁剪</source>
        <translation>Undo every manual change and go back to the automatic crop</translation>
    </message>
    <message>
        <source>同时保存高分辨率原图</source>
        <translation>Also save the high-resolution original</translation>
    </message>
    <message>
        <source>在同一文件夹另存 {name}（构图相同），供官方照片检测工具使用</source>
        <translation>Also save {name} (same framing) in the same folder, for the official photo tool</translation>
    </message>
    <message>
        <source>保存照片…</source>
        <translation>Save photo…</translation>
    </message>
    <message>
        <source>把修复后的报名照片保存到你选择的位置（Ctrl+S）</source>
        <translation>Save the fixed registration photo where you choose (Ctrl+S)</translation>
    </message>
    <message>
        <source>检查结果</source>
        <translation>Checks</translation>
    </message>
    <message>
        <source>正在保存粘贴的照片…</source>
        <translation>Storing the pasted picture…</translation>
    </message>
    <message>
        <source>正在检查照片…</source>
        <translation>Checking the photo…</translation>
    </message>
    <message>
        <source>正在保存照片…</source>
        <translation>Saving the photo…</translation>
    </message>
    <message>
        <source>正在生成修复结果…</source>
        <translation>Making the result…</translation>
    </message>
    <message>
        <source>正在加载识别模型…</source>
        <translation>Loading the face models…</translation>
    </message>
    <message>
        <source>{w}×{h} 像素，{size:,} 字节（上限 {cap:,}）</source>
        <translation>{w}×{h} px, {size:,} bytes (limit {cap:,})</translation>
    </message>
    <message>
        <source>按现在的调整无法得到合格的照片：{reasons}</source>
        <translation>With these adjustments the photo does not pass: {reasons}</translation>
    </message>
    <message>
        <source>这张照片无法自动修复，所以没有修复结果。请按右边的提示重新拍摄或换一张照片。</source>
        <translation>This photo cannot be fixed automatically, so there is no result. Follow the hints on the right: take a new photo or choose another.</translation>
    </message>
    <message>
        <source>照片：{name}</source>
        <translation>Photo: {name}</translation>
    </message>
    <message>
        <source>选择一张照片后，这里逐项列出检查结果。</source>
        <translation>Once you choose a photo, every check is listed here.</translation>
    </message>
    <message>
        <source>检查结果（修复后的照片）</source>
        <translation>Checks (of the fixed photo)</translation>
    </message>
    <message>
        <source>检查结果（原照片）</source>
        <translation>Checks (of the original)</translation>
    </message>
    <message>
        <source>该规格只检查、不修复。</source>
        <translation>This profile only checks; it does not fix. </translation>
    </message>
    <message>
        <source>无法自动修复，请重新拍摄：</source>
        <translation>Cannot be fixed automatically; please take a new photo: </translation>
    </message>
    <message>
        <source>下一步：</source>
        <translation>Next: </translation>
    </message>
    <message>
        <source>已保存报名照片：{path}</source>
        <translation>Saved the registration photo: {path}</translation>
    </message>
    <message>
        <source>已保存高分辨率原图：{path}</source>
        <translation>Saved the high-resolution original: {path}</translation>
    </message>
    <message>
        <source>未能保存：</source>
        <translation>Not saved: </translation>
    </message>
    <message>
        <source>测得 {value} · 要求 {limit}</source>
        <translation>measured {value} · required {limit}</translation>
    </message>
    <message>
        <source>可自动修复</source>
        <translation>fixable</translation>
    </message>
    <message>
        <source>点击在照片上标出位置</source>
        <translation>Click to show it on the photo</translation>
    </message>
    <message>
        <source>{n} 项检查：{ok} 项通过，{warn} 项提示，{bad} 项不合格</source>
        <translation>{n} checks: {ok} pass, {warn} warning(s), {bad} fail</translation>
    </message>
    <message>
        <source>（其中 {n} 项可自动修复）</source>
        <translation> ({n} fixable)</translation>
    </message>
</context>
<context>
    <name>Step</name>
    <message>
        <source>未开始</source>
        <translation>Not started</translation>
    </message>
    <message>
        <source>需处理</source>
        <translation>Needs work</translation>
    </message>
    <message>
        <source>已就绪</source>
        <translation>Ready</translation>
    </message>
</context>
</TS>
