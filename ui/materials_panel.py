"""The supporting-materials tab: a folder of phone photos, scans and PDFs in, one validated export
folder out (photocheck.export.prepare, the code behind `photocheck prepare`), and per category what is
ready, what is missing and why."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photocheck.api import CategoryState, Export, Profile, UserError, export_folder, prepare
from photocheck.labels import state_label
from ui.workers import Job, Runner

PHOTO_FILTER = "图片 (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff);;所有文件 (*)"
GREEN, AMBER, RED, GREY = "#2e7d32", "#b45309", "#c62828", "#6b7280"
STATE_COLOUR = {"ready": GREEN, "not_ready": RED, "missing": RED, "not_provided": GREY}
HELP = (
    "把所有材料放进一个文件夹：手机照片、扫描件、PDF 都可以。放在以类别命名的子文件夹里的文件"
    "（如“身份证明/正面.jpg”“毕业证书/”）按该类别处理，直接放在文件夹里的文件按识别出的文字自动分类。"
    "原文件不会被修改，所有处理都在本机完成。"
)


def ask_folder(parent: QWidget, title: str, start: Path) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, title, str(start))
    return Path(name) if name else None


def ask_photo(parent: QWidget, start: Path) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "选择报名照片", str(start), PHOTO_FILTER)
    return Path(name) if name else None


def confirm_replace(parent: QWidget, target: Path) -> bool:
    answer = QMessageBox.question(parent, "替换已有的导出？",
                                  f"{target} 已存在。要用这次的结果替换它吗？（原始材料不受影响）")
    return answer == QMessageBox.StandardButton.Yes


def open_path(path: Path) -> None:
    """Show a file or folder with the system's viewer (the report opens in the browser)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class _Progress(QObject):
    """prepare's progress callback runs on the worker thread; a signal carries it to the window."""

    message = Signal(str)


class MaterialsPanel(QWidget):
    """Thin layer over photocheck.export.prepare: pick the folders, run it off the GUI thread, show the
    export. One run at a time; the controls say so."""

    idle = Signal()  # a run has finished (result or error) and the controls are enabled again

    def __init__(self, profiles: list[Profile], default_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Only a profile with a [materials] table describes what to upload.
        self._profile = next((p for p in profiles if p.materials is not None), None)
        self._input: Path | None = None
        self._photo: Path | None = None
        self._output = default_dir
        self._export: Export | None = None
        self._runner = Runner(self)
        self._progress = _Progress(self)
        self._progress.message.connect(self._say)
        self._build()
        self._update_controls()

    # --- public: what the buttons, the drop and the tests call ----------------------------------

    @property
    def busy(self) -> bool:
        return self._runner.busy

    @property
    def export(self) -> Export | None:
        return self._export

    def set_input_folder(self, path: Path) -> None:
        self._input = Path(path)
        self.input_edit.setText(str(self._input))
        if not self.name_edit.text().strip():
            self.name_edit.setPlaceholderText(f"默认用文件夹名：{self._input.name}")
        self._update_controls()

    def set_photo(self, path: Path | None) -> None:
        self._photo = Path(path) if path else None
        self.photo_edit.setText(str(self._photo) if self._photo else "")
        self._update_controls()

    def set_output_folder(self, path: Path) -> None:
        self._output = Path(path)
        self.output_edit.setText(str(self._output))

    def target(self) -> Path | None:
        """The candidate folder the export will be (or was) written to."""
        if self._input is None:
            return None
        return export_folder(self._output, self.name_edit.text().strip() or self._input.resolve().name)

    def start(self) -> None:
        """Run prepare on the chosen folders; an existing export is replaced only if the user agrees."""
        if self.busy or self._input is None or self._profile is None:
            return
        target = self.target()
        overwrite = target is not None and target.exists()
        if overwrite and not confirm_replace(self, target):
            self.status_label.setText("已取消：原有导出保持不变。")
            return
        name = self.name_edit.text().strip() or None
        args = (self._input, self._output)
        profile, photo, emit = self._profile, self._photo, self._progress.message.emit

        def say(_done: int, _total: int, message: str) -> None:
            emit(message)


        def work() -> Export:
            return prepare(*args, name=name, photo=photo, profile=profile, overwrite=overwrite, progress=say)

        self._runner.start(Job(work), self._done, self._failed)
        self._show_state("正在处理：每份材料需要几秒钟（文字识别在本机进行）…")

    def wait(self) -> None:
        """Block until a running export has been swapped into place (for closing the window)."""
        self._runner.wait()

    # --- layout -----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.help_label = QLabel(HELP)
        self.help_label.setWordWrap(True)
        self.help_label.setStyleSheet(f"color: {GREY};")
        self.profile_label = QLabel(
            f"考试规格：{self._profile.name}" if self._profile else "没有包含报名材料要求的考试规格，无法整理材料。")
        self.input_edit = self._path_edit("尚未选择（也可以把文件夹拖到窗口里）")
        self.input_button = QPushButton("选择材料文件夹…")
        self.input_button.clicked.connect(self._choose_input)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("考生姓名，用作导出文件夹名")
        self.name_edit.textChanged.connect(self._update_controls)
        self.photo_edit = self._path_edit("可选：一并检查、修复并导出报名照片")
        self.photo_button = QPushButton("选择照片…")
        self.photo_button.clicked.connect(self._choose_photo)
        self.photo_clear = QPushButton("不导出照片")
        self.photo_clear.clicked.connect(lambda: self.set_photo(None))
        self.output_edit = self._path_edit("")
        self.output_edit.setText(str(self._output))
        self.output_button = QPushButton("选择导出位置…")
        self.output_button.clicked.connect(self._choose_output)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        rows = (("材料文件夹：", self.input_edit, (self.input_button,)),
                ("考生姓名：", self.name_edit, ()),
                ("报名照片：", self.photo_edit, (self.photo_button, self.photo_clear)),
                ("导出到：", self.output_edit, (self.output_button,)))
        for r, (label, edit, buttons) in enumerate(rows):
            grid.addWidget(QLabel(label), r, 0)
            grid.addWidget(edit, r, 1)
            for c, button in enumerate(buttons, start=2):
                grid.addWidget(button, r, c)
        grid.setColumnStretch(1, 1)

        self.start_button = QPushButton("开始整理")
        self.start_button.setMinimumWidth(120)
        self.start_button.setStyleSheet("QPushButton { font-weight: bold; padding: 6px 16px; }")
        self.start_button.clicked.connect(self.start)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: one step per file, each of unknown length
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        run_row = QHBoxLayout()
        run_row.addWidget(self.start_button)
        run_row.addWidget(self.progress)
        run_row.addWidget(self.status_label, 1)

        self.summary_label = QLabel("整理完成后，这里按类别列出哪些材料已就绪、缺少什么、为什么。")
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet(f"color: {GREY};")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["类别 / 文件", "状态", "说明"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.report_button = QPushButton("打开检查报告")
        self.report_button.clicked.connect(self._open_report)
        self.folder_button = QPushButton("打开导出文件夹")
        self.folder_button.clicked.connect(self._open_folder)
        self.next_step_label = QLabel()
        self.next_step_label.setWordWrap(True)
        self.next_step_label.setStyleSheet(
            "background: #eff6ff; border: 1px solid #bfdbfe; border-radius: 4px; padding: 6px; color: #1e3a8a;")
        self.next_step_label.hide()
        result_row = QHBoxLayout()
        result_row.addWidget(self.report_button)
        result_row.addWidget(self.folder_button)
        result_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addWidget(self.help_label)
        layout.addWidget(self.profile_label)
        layout.addLayout(grid)
        layout.addLayout(run_row)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.next_step_label)
        layout.addLayout(result_row)

    @staticmethod
    def _path_edit(placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setReadOnly(True)
        edit.setPlaceholderText(placeholder)
        return edit

    def _choose_input(self) -> None:
        path = ask_folder(self, "选择材料文件夹", self._input or self._output)
        if path is not None:
            self.set_input_folder(path)

    def _choose_photo(self) -> None:
        path = ask_photo(self, self._photo.parent if self._photo else (self._input or self._output))
        if path is not None:
            self.set_photo(path)

    def _choose_output(self) -> None:
        path = ask_folder(self, "选择导出位置", self._output)
        if path is not None:
            self.set_output_folder(path)

    def _open_report(self) -> None:
        if self._export is not None:
            open_path(self._export.report_path)

    def _open_folder(self) -> None:
        if self._export is not None:
            open_path(self._export.root)

    # --- running ------------------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        if self.busy:
            self.status_label.setText(f"处理中：{message}")

    def _show_state(self, text: str) -> None:
        self.progress.setVisible(self.busy)
        self.status_label.setText(text)
        self._update_controls()

    def _finish(self, text: str) -> None:
        self._runner.release()
        self._show_state(text)
        self.idle.emit()

    def _done(self, export: Export) -> None:
        self._export = export
        self._show(export)
        self._finish(f"已导出到 {export.root}")

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, UserError):
            title = "无法整理这些材料"
            text = f"{exc.path}\n{exc.message}" + (f"\n{exc.message_en}" if exc.message_en else "")
        else:  # a bug, not the user's files: say so plainly
            title = "处理时出错"
            text = f"整理材料时出现意外错误：\n{type(exc).__name__}: {exc}"
        self._finish(f"{title}：没有写入任何导出文件。")
        QMessageBox.warning(self, title, text)

    def _update_controls(self) -> None:
        idle = not self.busy
        for w in (self.input_button, self.photo_button, self.output_button, self.name_edit):
            w.setEnabled(idle)
        self.photo_clear.setEnabled(idle and self._photo is not None)
        self.start_button.setEnabled(idle and self._input is not None and self._profile is not None)
        done = idle and self._export is not None
        self.report_button.setEnabled(done)
        self.folder_button.setEnabled(done)

    # --- showing the export ---------------------------------------------------------------------------

    def _show(self, export: Export) -> None:
        self.tree.clear()
        if export.ok:
            self.summary_label.setText(f"全部必需材料已就绪：{export.root}")
            self.summary_label.setStyleSheet(f"color: {GREEN}; font-weight: bold;")
        else:
            self.summary_label.setText("尚有材料缺少或未通过，见下表红色项目；补齐或重新拍摄后再整理一次。")
            self.summary_label.setStyleSheet(f"color: {RED}; font-weight: bold;")
        if export.photo is not None:
            ok = export.photo.ok and export.photo.output is not None
            why = "；".join(c.message for c in export.photo.failures)
            self._item(None, "00_报名照片", "已就绪" if ok else "未通过", why or "已检查、修复并从磁盘重新校验",
                       GREEN if ok else RED)
        files = {f.path: f for f in export.files}
        for status in export.categories:
            if not status.needed:
                continue
            count = f"{len(status.files)} 个文件" if status.files else "没有文件"
            why = "；".join(status.reasons)
            item = self._item(None, status.category.folder, state_label(status.state),
                              f"{count}：{why}" if why else count, STATE_COLOUR[status.state])
            for rel in status.files:
                f = files[rel]
                legible = f"，文字一致率 {f.legibility:.0%}" if f.legibility is not None else ""
                failed = "；".join(c.message for c in f.checks if c.failed)
                detail = failed or f"{f.width}×{f.height}，{f.bytes:,} 字节{legible}（来源：{Path(f.source).name}）"
                self._item(item, Path(rel).name, "通过" if f.ok else "不合格", detail, GREEN if f.ok else RED)
            item.setExpanded(True)
        optional = [s.category.folder for s in export.categories if not s.needed]
        if optional:
            self._item(None, "按条件需要", state_label(CategoryState.NOT_PROVIDED), "、".join(optional), GREY)
        if export.skipped:
            group = self._item(None, "未导出的文件", f"{len(export.skipped)} 个", "", AMBER)
            for sk in export.skipped:
                page = f"（第 {sk.page + 1} 页）" if sk.page is not None else ""
                self._item(group, Path(sk.source).name + page, "未导出" if sk.blocking else "已跳过", sk.reason,
                           RED if sk.blocking else AMBER)
            group.setExpanded(True)
        steps = ["打开检查报告核对每个文件",
                 "在报名系统中按类别逐个上传：每个文件夹对应一个类别，文件名说明了正反面或顺序"]
        if export.photo is not None and export.next_step:
            steps.append(f"报名照片：{export.next_step}")
        self.next_step_label.setText("下一步：" + "；".join(steps) + "。")
        self.next_step_label.show()

    def _item(self, parent: QTreeWidgetItem | None, name: str, state: str, detail: str,
              colour: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name, state, detail])
        item.setForeground(1, QBrush(QColor(colour)))
        item.setToolTip(2, detail)
        if parent is None:
            self.tree.addTopLevelItem(item)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            item.setFont(1, font)
        else:
            parent.addChild(item)
        return item

    def items(self) -> list[tuple[str, str, str]]:
        """Every row as (name, state, detail), depth first: what the user reads, for tests."""
        out: list[tuple[str, str, str]] = []

        def walk(item: QTreeWidgetItem) -> None:
            out.append((item.text(0), item.text(1), item.text(2)))
            for i in range(item.childCount()):
                walk(item.child(i))

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i))
        return out

