<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name></name>
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
        <translation>Clear this candidate&apos;s photo and edits and start the next one (your files stay as they are)</translation>
    </message>
    <message>
        <source>咨询点模式</source>
        <translation>Help-desk mode</translation>
    </message>
    <message>
        <source>一台电脑依次为多位考生服务：不自动保存进度，“下一位考生”清除上一位考生的全部痕迹</source>
        <translation>One computer serving candidate after candidate: no autosave, and “Next candidate” clears every trace of the one before</translation>
    </message>
    <message>
        <source>下一位考生</source>
        <translation>Next candidate</translation>
    </message>
    <message>
        <source>清除当前考生的照片、材料、临时文件和记录的文件夹，接待下一位（已保存和导出的文件保留在原处）</source>
        <translation>Clear the current candidate&apos;s photo, materials, temporary files and remembered folders, and serve the next one (saved and exported files stay where they are)</translation>
    </message>
    <message>
        <source>Ctrl+1 照片，Ctrl+2 材料，Ctrl+3 导出</source>
        <translation>Ctrl+1 photo, Ctrl+2 documents, Ctrl+3 export</translation>
    </message>
    <message>
        <source>本次已服务 {n} 位考生</source>
        <translation>{n} candidates served this session</translation>
    </message>
    <message>
        <source>接待下一位考生？</source>
        <translation>Serve the next candidate?</translation>
    </message>
    <message>
        <source>当前考生的照片或材料还没有保存或导出，清除后无法找回。确定要接待下一位考生吗？</source>
        <translation>The current candidate&apos;s photo or materials have not been saved or exported; once cleared they cannot be recovered. Serve the next candidate anyway?</translation>
    </message>
    <message>
        <source>上次的进度无法读取，已重新开始。</source>
        <translation>The last progress could not be read; starting afresh.</translation>
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
        <source>拍照…</source>
        <translation>Take a photo…</translation>
    </message>
    <message>
        <source>用摄像头现场拍摄，画面上有取景辅助线和提示</source>
        <translation>Take the photo with a webcam, with framing guides and hints over the picture</translation>
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
        <translation>Show the face box, crown, eye and chin lines and the profile&apos;s bands (Ctrl+G)</translation>
    </message>
    <message>
        <source>换白色背景</source>
        <translation>White background</translation>
    </message>
    <message>
        <source>关闭后保留原背景（Ctrl+B）</source>
        <translation>Off: keep the photo&apos;s own background (Ctrl+B)</translation>
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
        <source>正在检查修复结果…</source>
        <translation>Checking the fixed result…</translation>
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
        <source>以上是预计大小；保存时从磁盘读回复查</source>
        <translation>This is the expected size; saving reads the file back from disk and checks it again</translation>
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
    <message>
        <source>（第 {n} 页）</source>
        <translation> (page {n})</translation>
    </message>
    <message>
        <source>缺少{name}</source>
        <translation>Missing: {name}</translation>
    </message>
    <message>
        <source>缺少{slot}</source>
        <translation>Missing: {slot}</translation>
    </message>
    <message>
        <source>{slot}有多个文件，请只留一个</source>
        <translation>{slot} has more than one file; keep only one</translation>
    </message>
    <message>
        <source>还需 {n} 个文件</source>
        <translation>{n} more file(s) needed</translation>
    </message>
    <message>
        <source>最多 {max} 个文件，多了 {n} 个</source>
        <translation>At most {max} files; {n} too many</translation>
    </message>
    <message>
        <source>{name} 未通过：{why}</source>
        <translation>{name} failed: {why}</translation>
    </message>
    <message>
        <source>正在检查…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>由你放入“{c}”</source>
        <translation>Placed in “{c}” by you</translation>
    </message>
    <message>
        <source>尚未归类：拖到对应的类别卡片上</source>
        <translation>Not sorted yet: drag it onto its category card</translation>
    </message>
    <message>
        <source>自动识别为“{c}”，把握 {p:.0%}：{why}</source>
        <translation>Recognised as “{c}” ({p:.0%} confidence): {why}</translation>
    </message>
    <message>
        <source>未能自动识别类别：请拖到对应的类别卡片上，或在上方选择类别</source>
        <translation>The category could not be recognised: drag it onto its category card, or choose the category above</translation>
    </message>
    <message>
        <source>拍照</source>
        <translation>Take a photo</translation>
    </message>
    <message>
        <source>重新连接</source>
        <translation>Reconnect</translation>
    </message>
    <message>
        <source>绿框：照片范围&#x3000;虚线椭圆：头部应在的位置&#x3000;绿色带：头顶应在的高度&#x3000;蓝色带：眼睛应在的高度</source>
        <translation>Green frame: the photo   Dashed oval: where the head belongs   Green band: where the crown belongs   Blue band: where the eyes belong</translation>
    </message>
    <message>
        <source>拍照（空格键）</source>
        <translation>Take the photo (Space)</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>摄像头：</source>
        <translation>Camera:</translation>
    </message>
    <message>
        <source>正在查找摄像头…</source>
        <translation>Looking for cameras…</translation>
    </message>
    <message>
        <source>正在打开摄像头…</source>
        <translation>Opening the camera…</translation>
    </message>
    <message>
        <source>摄像头出现意外错误：{error}</source>
        <translation>The camera failed unexpectedly: {error}</translation>
    </message>
    <message>
        <source>输出文件夹里已有文件</source>
        <translation>The output folder already has files</translation>
    </message>
    <message>
        <source>{folder} 里已有文件。

全部重新处理：每张照片都重新处理，替换原有结果（这次未通过的照片，其旧输出会删除）。
只处理未完成的：跳过已通过且输出比原照片新的照片。</source>
        <translation>{folder} already has files.

Redo all: every photo is processed again and replaces its earlier result (the old output of a photo that fails this time is deleted).
Only unfinished: skip the photos that passed and whose output is newer than the photo.</translation>
    </message>
    <message>
        <source>全部重新处理</source>
        <translation>Redo all</translation>
    </message>
    <message>
        <source>只处理未完成的</source>
        <translation>Only unfinished</translation>
    </message>
    <message>
        <source>{n} 字节</source>
        <translation>{n} bytes</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>不合格项</source>
        <translation>Failed checks</translation>
    </message>
    <message>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>输出</source>
        <translation>Output</translation>
    </message>
    <message>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>用系统的看图程序打开 {name}</source>
        <translation>Open {name} in the system&apos;s image viewer</translation>
    </message>
    <message>
        <source>批量处理</source>
        <translation>Batch</translation>
    </message>
    <message>
        <source>正在重新处理…</source>
        <translation>Processing again…</translation>
    </message>
    <message>
        <source>正在处理 {done}/{total}</source>
        <translation>Processing {done}/{total}</translation>
    </message>
    <message>
        <source>尚未处理</source>
        <translation>Not processed yet</translation>
    </message>
    <message>
        <source>已取消，{n}/{total} 张已完成</source>
        <translation>Cancelled; {n}/{total} photos done</translation>
    </message>
    <message>
        <source>{n} 张全部通过</source>
        <translation>All {n} photos passed</translation>
    </message>
    <message>
        <source>{p}/{n} 张通过</source>
        <translation>{p}/{n} photos passed</translation>
    </message>
    <message>
        <source>{name}-已处理</source>
        <translation>{name}-processed</translation>
    </message>
    <message>
        <source>已取消：输出文件夹保持不变。</source>
        <translation>Cancelled: the output folder is unchanged.</translation>
    </message>
    <message>
        <source>正在启动处理进程…</source>
        <translation>Starting the worker processes…</translation>
    </message>
    <message>
        <source>正在取消：已开始的照片会放弃，未开始的不再处理…</source>
        <translation>Cancelling: photos in work are abandoned, the rest are not started…</translation>
    </message>
    <message>
        <source>正在重新处理 {file}…</source>
        <translation>Processing {file} again…</translation>
    </message>
    <message>
        <source>找不到输出文件：{path}</source>
        <translation>The output file is missing: {path}</translation>
    </message>
    <message>
        <source>把一个文件夹里的报名照片一次处理完：每张照片检查、修复、压缩后存入输出文件夹，summary.csv 列出每张的结果。原照片不会被修改。也可以把照片文件夹拖到这里。</source>
        <translation>Process a folder of registration photos in one go: each photo is checked, fixed and compressed into the output folder, and summary.csv lists each one&apos;s result. The original photos are never modified. You can also drop a folder of photos here.</translation>
    </message>
    <message>
        <source>照片文件夹：</source>
        <translation>Photo folder:</translation>
    </message>
    <message>
        <source>输出到：</source>
        <translation>Output to:</translation>
    </message>
    <message>
        <source>选择或拖入一个照片文件夹</source>
        <translation>Choose or drop a folder of photos</translation>
    </message>
    <message>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>开始处理</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>重新处理所选</source>
        <translation>Redo the selected photo</translation>
    </message>
    <message>
        <source>照片换过或重拍后：只重新处理这一张，只替换它自己的结果</source>
        <translation>After a photo was replaced or retaken: process only this one again, replacing only its own result</translation>
    </message>
    <message>
        <source>打开输出文件夹</source>
        <translation>Open the output folder</translation>
    </message>
    <message>
        <source>打开 summary.csv</source>
        <translation>Open summary.csv</translation>
    </message>
    <message>
        <source>无法处理：{path}
{why}</source>
        <translation>Cannot process: {path}
{why}</translation>
    </message>
    <message>
        <source>已取消：{n}/{total} 张已完成，其余照片没有处理。已完成的列在下面和 summary.csv 里。</source>
        <translation>Cancelled: {n}/{total} photos done, the rest were not processed. Those done are listed below and in summary.csv.</translation>
    </message>
    <message>
        <source>共 {n} 张：{p} 张通过，{r} 张需复核，{f} 张不通过。</source>
        <translation>{n} photos: {p} passed, {r} to review, {f} failed.</translation>
    </message>
    <message>
        <source>（其中 {s} 张的结果仍有效，没有重新处理）</source>
        <translation>({s} of them were still current and not processed again)</translation>
    </message>
    <message>
        <source>选择照片文件夹</source>
        <translation>Choose the photo folder</translation>
    </message>
    <message>
        <source>选择输出文件夹</source>
        <translation>Choose the output folder</translation>
    </message>
    <message>
        <source>已完成 {done}/{total} 张：{file}</source>
        <translation>Done {done}/{total}: {file}</translation>
    </message>
    <message>
        <source>正在处理 {total} 张照片…</source>
        <translation>Processing {total} photos…</translation>
    </message>
    <message>
        <source>已重新处理 {file}：{result}</source>
        <translation>Processed {file} again: {result}</translation>
    </message>
    <message>
        <source>已取消。</source>
        <translation>Cancelled.</translation>
    </message>
    <message>
        <source>处理时出现意外错误：{e}</source>
        <translation>An unexpected error occurred: {e}</translation>
    </message>
</context>
<context>
    <name>CornerCanvas</name>
    <message>
        <source>正在载入原图…</source>
        <translation>Loading the original…</translation>
    </message>
</context>
<context>
    <name>CornerEditor</name>
    <message>
        <source>调整四角：{name}</source>
        <translation>Adjust corners: {name}</translation>
    </message>
    <message>
        <source>校正结果</source>
        <translation>Corrected result</translation>
    </message>
    <message>
        <source>拖动左图中的四个角，这里显示校正后的样子</source>
        <translation>Drag the four corners on the left; the corrected result shows here</translation>
    </message>
    <message>
        <source>恢复打开时的四角</source>
        <translation>Restore the corners as opened</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>把四个圆点拖到证件或纸张的四个角上；松开鼠标后重新校正并检查。</source>
        <translation>Drag the four dots onto the corners of the card or page; releasing the mouse corrects and checks it again.</translation>
    </message>
    <message>
        <source>原图</source>
        <translation>Original</translation>
    </message>
    <message>
        <source>正在重新校正并检查…</source>
        <translation>Correcting and checking again…</translation>
    </message>
    <message>
        <source>拖动四个角后松开鼠标，即重新校正。</source>
        <translation>Drag the corners and release the mouse to correct again.</translation>
    </message>
    <message>
        <source>写出的文件</source>
        <translation>Written file</translation>
    </message>
    <message>
        <source>校正后全部检查通过。</source>
        <translation>After correction every check passes.</translation>
    </message>
    <message>
        <source>校正后仍未通过：{why}</source>
        <translation>Still fails after correction: {why}</translation>
    </message>
    <message>
        <source>无法处理：{why}</source>
        <translation>Cannot be processed: {why}</translation>
    </message>
    <message>
        <source>预览（松开后重新计算）</source>
        <translation>Preview (recomputed on release)</translation>
    </message>
</context>
<context>
    <name>ExportStep</name>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>尚未导出</source>
        <translation>Not exported yet</translation>
    </message>
    <message>
        <source>材料已更改，需重新导出</source>
        <translation>Materials changed: export again</translation>
    </message>
    <message>
        <source>已导出</source>
        <translation>Exported</translation>
    </message>
    <message>
        <source>已导出，{n} 类未就绪</source>
        <translation>Exported; {n} categories not ready</translation>
    </message>
    <message>
        <source>已取消：原有导出保持不变。</source>
        <translation>Cancelled: the previous export is unchanged.</translation>
    </message>
    <message>
        <source>正在导出：每份材料需要几秒钟…</source>
        <translation>Exporting: each material takes a few seconds…</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>导出会在所选位置建一个以考生姓名命名的文件夹：每类材料一个子文件夹，另有检查报告。导出前会重新检查每个文件；原文件不会被修改。</source>
        <translation>Export creates a folder named after the candidate in the chosen place: one subfolder per category of materials, plus a check report. Every file is checked again before export; your originals are never modified.</translation>
    </message>
    <message>
        <source>考生姓名，用作导出文件夹名</source>
        <translation>The candidate&apos;s name, used as the export folder&apos;s name</translation>
    </message>
    <message>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>考生姓名：</source>
        <translation>Candidate name:</translation>
    </message>
    <message>
        <source>导出到：</source>
        <translation>Export to:</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>打开导出文件夹</source>
        <translation>Open the export folder</translation>
    </message>
    <message>
        <source>打开检查报告</source>
        <translation>Open the check report</translation>
    </message>
    <message>
        <source>报名照片</source>
        <translation>Registration photo</translation>
    </message>
    <message>
        <source>已选择</source>
        <translation>Chosen</translation>
    </message>
    <message>
        <source>未选择</source>
        <translation>Not chosen</translation>
    </message>
    <message>
        <source>可在“报名照片”一步添加</source>
        <translation>Add it in the “Registration photo” step</translation>
    </message>
    <message>
        <source>{n} 个文件</source>
        <translation>{n} file(s)</translation>
    </message>
    <message>
        <source>{n} 个文件未归类：在“报名材料”一步把它们放进类别</source>
        <translation>{n} file(s) not sorted: put them into categories in the “Materials” step</translation>
    </message>
    <message>
        <source>未分类</source>
        <translation>Unsorted</translation>
    </message>
    <message>
        <source>不会导出</source>
        <translation>Not exported</translation>
    </message>
    <message>
        <source>材料在上次导出后有改动，请重新导出。</source>
        <translation>The materials changed since the last export: export again.</translation>
    </message>
    <message>
        <source>按已添加的材料，还有 {n} 类未就绪（仍可导出，报告会列出缺什么）。</source>
        <translation>With the materials added so far, {n} categories are not ready (you can still export; the report lists what is missing).</translation>
    </message>
    <message>
        <source>已添加的材料齐全；导出时会逐个重新检查。</source>
        <translation>All materials are added; each is checked again on export.</translation>
    </message>
    <message>
        <source>已就绪</source>
        <translation>Ready</translation>
    </message>
    <message>
        <source>未通过</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>已检查、修复并重新校验</source>
        <translation>Checked, fixed and verified again</translation>
    </message>
    <message>
        <source>未导出</source>
        <translation>Not exported</translation>
    </message>
    <message>
        <source>可在“报名照片”一步添加后再导出</source>
        <translation>Add it in the “Registration photo” step, then export</translation>
    </message>
    <message>
        <source>（第 {n} 页）</source>
        <translation> (page {n})</translation>
    </message>
    <message>
        <source>已跳过</source>
        <translation>Skipped</translation>
    </message>
    <message>
        <source>全部必需材料已就绪：{root}</source>
        <translation>Every required material is ready: {root}</translation>
    </message>
    <message>
        <source>已导出，但尚有材料缺少或未通过（见红色项目）：补齐后再导出一次。</source>
        <translation>Exported, but some materials are missing or failed (see the red items): complete them and export again.</translation>
    </message>
    <message>
        <source>将写入：{t}</source>
        <translation>Will write: {t}</translation>
    </message>
    <message>
        <source>填写考生姓名后即可导出</source>
        <translation>Enter the candidate&apos;s name to export</translation>
    </message>
    <message>
        <source>报名照片：{next}</source>
        <translation>Registration photo: {next}</translation>
    </message>
    <message>
        <source>正在导出：{m}</source>
        <translation>Exporting: {m}</translation>
    </message>
    <message>
        <source>已导出到 {root}</source>
        <translation>Exported to {root}</translation>
    </message>
    <message>
        <source>已取消：没有写入任何文件。</source>
        <translation>Cancelled: no file was written.</translation>
    </message>
    <message>
        <source>无法导出：{path}
{why}</source>
        <translation>Cannot export: {path}
{why}</translation>
    </message>
    <message>
        <source>导出时出现意外错误，没有写入任何文件：{e}</source>
        <translation>An unexpected error stopped the export; no file was written: {e}</translation>
    </message>
</context>
<context>
    <name>MaterialDetail</name>
    <message>
        <source>处理结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>选中左侧的文件查看详情</source>
        <translation>Select a file on the left to see its details</translation>
    </message>
    <message>
        <source>向左转</source>
        <translation>Rotate left</translation>
    </message>
    <message>
        <source>向右转</source>
        <translation>Rotate right</translation>
    </message>
    <message>
        <source>调整四角…</source>
        <translation>Adjust corners…</translation>
    </message>
    <message>
        <source>替换…</source>
        <translation>Replace…</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>未选中文件</source>
        <translation>No file selected</translation>
    </message>
    <message>
        <source>未分类</source>
        <translation>Unsorted</translation>
    </message>
    <message>
        <source>（未指定）</source>
        <translation>(not set)</translation>
    </message>
    <message>
        <source>未找到证件或纸张的边缘，保留了整幅画面：请用“调整四角”标出。</source>
        <translation>The edges of the card or page were not found, so the whole picture was kept: mark them with “Adjust corners”.</translation>
    </message>
</context>
<context>
    <name>MaterialsStep</name>
    <message>
        <source>报名材料</source>
        <translation>Materials</translation>
    </message>
    <message>
        <source>尚未添加材料</source>
        <translation>No materials added yet</translation>
    </message>
    <message>
        <source>正在检查 {n} 个文件</source>
        <translation>Checking {n} file(s)</translation>
    </message>
    <message>
        <source>{ready}/{total} 类已就绪</source>
        <translation>{ready}/{total} categories ready</translation>
    </message>
    <message>
        <source>把身份证、毕业证书、学信网报告等的照片、扫描件或 PDF 拖到这里（文件或整个文件夹都可以）：每个文件会自动放进对应的类别；放错了就拖到正确的卡片上，或右键选择。原文件不会被修改，所有处理都在本机完成。</source>
        <translation>Drop photos, scans or PDFs of your ID card, diplomas, CHSI reports and so on here (files or whole folders): each file goes into its category automatically; if one lands in the wrong place, drag it onto the right card or right-click it. Your originals are never modified, and everything is processed on this computer.</translation>
    </message>
    <message>
        <source>添加文件…</source>
        <translation>Add files…</translation>
    </message>
    <message>
        <source>添加文件夹…</source>
        <translation>Add a folder…</translation>
    </message>
    <message>
        <source>仍作为材料</source>
        <translation>Keep as a material</translation>
    </message>
    <message>
        <source>未分类</source>
        <translation>Unsorted</translation>
    </message>
    <message>
        <source>拖到对应的类别</source>
        <translation>Drag it to its category</translation>
    </message>
    <message>
        <source>必需</source>
        <translation>Required</translation>
    </message>
    <message>
        <source>按条件需要</source>
        <translation>Required if it applies</translation>
    </message>
    <message>
        <source>检查中…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>未通过</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>无法处理</source>
        <translation>Cannot be processed</translation>
    </message>
    <message>
        <source>通过</source>
        <translation>Passed</translation>
    </message>
    <message>
        <source> · 识别 {p:.0%}</source>
        <translation> · recognised {p:.0%}</translation>
    </message>
    <message>
        <source> · 手动</source>
        <translation> · by hand</translation>
    </message>
    <message>
        <source>{n} 个</source>
        <translation>{n}</translation>
    </message>
    <message>
        <source>这些文件未能识别类别：拖到对应的卡片上，或右键“移到”</source>
        <translation>These files could not be sorted: drag them onto their card, or right-click “Move to”</translation>
    </message>
    <message>
        <source>拖入文件</source>
        <translation>Drop files</translation>
    </message>
    <message>
        <source>适用于：{c}。</source>
        <translation>Applies to: {c}.</translation>
    </message>
    <message>
        <source>未提供</source>
        <translation>Not provided</translation>
    </message>
    <message>
        <source>正在检查第 {i}/{n} 个文件：{name}（每份材料需要几秒钟）</source>
        <translation>Checking file {i}/{n}: {name} (each material takes a few seconds)</translation>
    </message>
    <message>
        <source>共 {n} 个文件</source>
        <translation>{n} file(s) in all</translation>
    </message>
    <message>
        <source>处理时出现意外错误：{e}</source>
        <translation>An unexpected error occurred: {e}</translation>
    </message>
    <message>
        <source>{name} 与 {other} 内容相同，未重复添加</source>
        <translation>{name} has the same content as {other}; it was not added twice</translation>
    </message>
    <message>
        <source>“{name}”是一张人像照片，不是证件或证书：已交给“报名照片”一步。</source>
        <translation>“{name}” is a portrait, not a card or certificate: it was handed to the “Registration photo” step.</translation>
    </message>
    <message>
        <source>移到</source>
        <translation>Move to</translation>
    </message>
    <message>
        <source>放到</source>
        <translation>Put in</translation>
    </message>
    <message>
        <source>前移</source>
        <translation>Move up</translation>
    </message>
    <message>
        <source>后移</source>
        <translation>Move down</translation>
    </message>
    <message>
        <source>向左转</source>
        <translation>Rotate left</translation>
    </message>
    <message>
        <source>向右转</source>
        <translation>Rotate right</translation>
    </message>
    <message>
        <source>调整四角…</source>
        <translation>Adjust corners…</translation>
    </message>
    <message>
        <source>替换…</source>
        <translation>Replace…</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
</context>
<context>
    <name>SlotBox</name>
    <message>
        <source>拖入文件</source>
        <translation>Drop files</translation>
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
<context>
    <name>Thumbnail</name>
    <message>
        <source>检查中…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>无预览</source>
        <translation>No preview</translation>
    </message>
</context>
<context>
    <name>parent</name>
    <message>
        <source>选择导出位置</source>
        <translation>Choose where to export</translation>
    </message>
    <message>
        <source>替换已有的导出？</source>
        <translation>Replace the existing export?</translation>
    </message>
    <message>
        <source>{target} 已存在。要用这次的结果替换它吗？（原始材料不受影响）</source>
        <translation>{target} already exists. Replace it with this result? (Your original materials are not affected.)</translation>
    </message>
    <message>
        <source>添加材料文件</source>
        <translation>Add material files</translation>
    </message>
    <message>
        <source>添加材料文件夹</source>
        <translation>Add a folder of materials</translation>
    </message>
    <message>
        <source>选择替换的文件</source>
        <translation>Choose the replacement file</translation>
    </message>
</context>
</TS>
