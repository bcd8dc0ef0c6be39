"""The main window: the registration photo (open, check against a profile, fix into a file the
user chose) on one tab, the supporting materials (ui.materials_panel) on the other."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from photocheck.api import OutputFile, PhotoReport, Profile, Status, UserError, list_profiles
from ui.materials_panel import MaterialsPanel
from ui.widgets.check_list import CheckList, summary_text
from ui.widgets.image_preview import ImagePreview
from ui.workers import CheckOutcome, FixOutcome, Job, Runner, check_job, fix_job

UPLOAD_NAME = "报名照片.jpg"
ORIGINAL_NAME = "高分辨率原图.jpg"
PREVIEW_SIDE = 900  # px; enough for a sharp preview on a 2x screen, cheap to decode
OPEN_FILTER = "图片 (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff);;所有文件 (*)"
OK_STYLE = "color: #2e7d32; font-weight: bold;"
BAD_STYLE = "color: #c62828; font-weight: bold;"


def default_save_dir() -> Path:
    """Pictures, else Documents, else home: never the input's folder unless the user goes there."""
    where = QStandardPaths.StandardLocation
    for location in (where.PicturesLocation, where.DocumentsLocation):
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir():
            return Path(folder)
    return Path.home()


def ask_open_path(parent: QWidget, start: Path) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "选择照片", str(start), OPEN_FILTER)
    return Path(name) if name else None


def ask_save_path(parent: QWidget, suggested: Path) -> Path | None:
    """The save dialog (it confirms overwriting); a missing .jpg suffix is added."""
    name, _ = QFileDialog.getSaveFileName(parent, "保存报名照片", str(suggested), "JPEG 图片 (*.jpg *.jpeg)")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() in (".jpg", ".jpeg") else path.with_name(path.name + ".jpg")


def original_path_for(upload: Path) -> Path:
    """高分辨率原图.jpg beside the upload file (a different name if the user picked that very name)."""
    path = upload.with_name(ORIGINAL_NAME)
    return path if path != upload else upload.with_name(f"{upload.stem}_原图.jpg")


def describe_output(label: str, out: OutputFile, max_bytes: int | None) -> str:
    size = f"{out.bytes:,} 字节" + (f"（上限 {max_bytes:,}）" if max_bytes else "")
    quality = f"，JPEG 质量 {out.quality}" if out.quality else ""
    return f"{label}：{out.path}\n{out.width}×{out.height} 像素，{size}{quality}"


class MainWindow(QMainWindow):
    """Thin layer over photocheck.api; at most one job runs at a time and the controls say so."""

    idle = Signal()  # a job has finished (result or error) and the controls are enabled again

    def __init__(self, profiles: list[Profile] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._profiles = profiles if profiles is not None else list_profiles()
        self._photo: Path | None = None
        self._report: PhotoReport | None = None
        self._runner = Runner(self)
        self._save_dir: Path | None = None
        self.setWindowTitle("医考报名照片与材料检查")
        self.setAcceptDrops(True)
        self.resize(1180, 800)
        self._build()
        self._update_controls()

    # --- public: what the buttons, the drop and the tests call ----------------------------------

    @property
    def busy(self) -> bool:
        return self._runner.busy

    @property
    def report(self) -> PhotoReport | None:
        return self._report

    def profile(self) -> Profile:
        return self._profiles[self.profile_box.currentIndex()]

    def choose_photo(self) -> None:
        start = self._photo.parent if self._photo else default_save_dir()
        path = ask_open_path(self, start)
        if path is not None:
            self.open_photo(path)

    def open_photo(self, path: Path) -> None:
        """Check `path` against the current profile in the background."""
        if self.busy:
            return
        self._photo = Path(path)
        self._report = None
        self.file_label.setText(f"照片：{self._photo}")
        self.file_label.setToolTip(str(self._photo))
        self._clear_results()
        self._start(check_job(self._photo, self.profile(), PREVIEW_SIDE), "正在检查照片…", self._checked)

    def fix_photo(self) -> None:
        """Ask where to save, then fix; nothing is written beside the input unless the user picks that."""
        if self.busy or self._photo is None or not self.profile().can_fix:
            return
        out = ask_save_path(self, (self._save_dir or default_save_dir()) / UPLOAD_NAME)
        if out is None:
            return
        original = original_path_for(out) if self.keep_original.isChecked() else None
        if original is not None and original.exists() and not self._confirm_replace(original):
            return
        self._save_dir = out.parent
        job = fix_job(self._photo, out, original, self.profile(), PREVIEW_SIDE)
        self._start(job, "正在修复并复查照片…", self._fixed)

    # --- layout -----------------------------------------------------------------------------------

    def _build(self) -> None:
        root = QWidget()
        layout = QVBoxLayout(root)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(10)
        layout.addLayout(self._build_top())
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addLayout(self._build_previews(), 2)
        body.addLayout(self._build_results(), 3)
        layout.addLayout(body, 1)
        layout.addLayout(self._build_bottom())
        self.materials = MaterialsPanel(self._profiles, default_save_dir())
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(root, "报名照片")
        self.tabs.addTab(self.materials, "报名材料")
        self.setCentralWidget(self.tabs)

    def _build_top(self) -> QVBoxLayout:
        self.open_button = QPushButton("选择照片…")
        self.open_button.setShortcut(QKeySequence.StandardKey.Open)
        self.open_button.clicked.connect(self.choose_photo)
        self.profile_box = QComboBox()
        self.profile_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.profile_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for p in self._profiles:
            self.profile_box.addItem(p.name, p.id)
            self.profile_box.setItemData(self.profile_box.count() - 1, p.name_en, Qt.ItemDataRole.ToolTipRole)
        self.profile_box.currentIndexChanged.connect(self._profile_changed)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addSpacing(12)
        row.addWidget(QLabel("考试规格："))
        row.addWidget(self.profile_box, 1)
        self.file_label = QLabel("把照片拖到窗口里，或点“选择照片…”。照片只在本机处理，不会上传。")
        self.file_label.setStyleSheet("color: #4b5563;")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column = QVBoxLayout()
        column.addLayout(row)
        column.addWidget(self.file_label)
        return column

    def _build_previews(self) -> QHBoxLayout:
        self.preview = ImagePreview("原照片", "尚未选择照片\n\n支持 JPEG、PNG、HEIC、WebP、BMP、TIFF")
        self.fixed_preview = ImagePreview("修复后", "")
        self.fixed_preview.hide()
        row = QHBoxLayout()
        row.setSpacing(10)
        row.addWidget(self.preview, 1)
        row.addWidget(self.fixed_preview, 1)
        return row

    def _build_results(self) -> QVBoxLayout:
        self.results_title = QLabel("检查结果")
        self.results_title.setStyleSheet("font-weight: bold;")
        self.summary_label = QLabel("选择一张照片后，这里逐项列出检查结果：通过、提示、不合格，以及能否自动修复。")
        self.summary_label.setStyleSheet("color: #6b7280;")
        self.summary_label.setWordWrap(True)
        self.check_list = CheckList()
        self.fix_box = self._build_fix_box()
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addWidget(self.results_title)
        column.addWidget(self.summary_label)
        column.addWidget(self.check_list, 1)
        column.addWidget(self.fix_box)
        return column

    def _build_fix_box(self) -> QGroupBox:
        box = QGroupBox("修复结果")
        self.fix_banner = QLabel()
        self.fix_banner.setWordWrap(True)
        self.output_label = QLabel()
        self.notes_label = QLabel()
        self.next_step_label = QLabel()
        self.next_step_label.setStyleSheet(
            "background: #eff6ff; border: 1px solid #bfdbfe; border-radius: 4px; padding: 6px; color: #1e3a8a;"
        )
        layout = QVBoxLayout(box)
        layout.setSpacing(6)
        for label in (self.fix_banner, self.output_label, self.notes_label, self.next_step_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        box.hide()
        return box

    def _build_bottom(self) -> QHBoxLayout:
        self.keep_original = QCheckBox("同时保存高分辨率原图")
        self.keep_original.setChecked(True)
        self.keep_original.setToolTip(f"在同一文件夹另存 {ORIGINAL_NAME}（构图相同），供官方照片检测工具使用")
        self.fix_button = QPushButton("一键修复")
        self.fix_button.setMinimumWidth(120)
        self.fix_button.setStyleSheet("QPushButton { font-weight: bold; padding: 6px 16px; }")
        self.fix_button.clicked.connect(self.fix_photo)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # indeterminate: the api reports no progress steps
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.refusal_label = QLabel()
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setStyleSheet("color: #b45309;")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.fix_button)
        row.addWidget(self.keep_original)
        row.addWidget(self.refusal_label, 2)
        row.addSpacing(12)
        row.addWidget(self.progress)
        row.addWidget(self.status_label, 1)
        return row

    # --- jobs ---------------------------------------------------------------------------------------

    def _start(self, job: Job, text: str, on_success) -> None:
        self._runner.start(job, on_success, self._failed)
        self._show_state(text)

    def _finish(self, text: str) -> None:
        self._runner.release()
        self._show_state(text)
        self.idle.emit()

    def _show_state(self, text: str) -> None:
        self.progress.setVisible(self.busy)
        self.status_label.setText(text)
        self._update_controls()

    def _checked(self, outcome: CheckOutcome) -> None:
        self._report = outcome.report
        self.preview.set_image(outcome.preview, self._photo.name if self._photo else "")
        self._show_checks(outcome.report, "检查结果（原照片）")
        self._finish("")

    def _fixed(self, outcome: FixOutcome) -> None:
        report = outcome.report
        self._report = report
        self._show_checks(report, "检查结果（修复后的照片，从磁盘重新读取）" if report.output else "检查结果")
        if report.output:
            out = report.output
            self.fixed_preview.set_image(outcome.preview, f"{out.width}×{out.height}，{out.bytes:,} 字节")
            self.fixed_preview.show()
        self._show_fix(report)
        self._finish(f"已保存到 {report.output.path.parent}" if report.output else "未能修复，没有写入任何文件。")

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, UserError):
            title = "无法使用这个文件"
            text = f"{exc.path.name}\n{exc.message}" + (f"\n{exc.message_en}" if exc.message_en else "")
            detail = str(exc.path)
        else:  # a bug, not the user's file: say so plainly rather than pretend the photo is at fault
            title = "处理时出错"
            text = f"处理 {self._photo.name if self._photo else ''} 时出现意外错误：\n{type(exc).__name__}: {exc}"
            detail = str(self._photo or "")
        self._finish(f"{title}：{detail}")
        QMessageBox.warning(self, title, f"{text}\n\n{detail}")

    # --- showing results ----------------------------------------------------------------------------

    def _show_checks(self, report: PhotoReport, title: str) -> None:
        self.results_title.setText(title)
        self.summary_label.setText(summary_text(report.checks))
        self.summary_label.setStyleSheet(OK_STYLE if report.ok else BAD_STYLE)
        self.check_list.set_checks(report.checks)

    def _show_fix(self, report: PhotoReport) -> None:
        max_bytes = report.profile.output.max_bytes
        if report.output:
            warns = sum(c.status is Status.WARN for c in report.checks)
            self.fix_banner.setText("修复完成，全部检查通过" + (f"（{warns} 项提示）" if warns else ""))
            self.fix_banner.setStyleSheet(OK_STYLE)
            outputs = [describe_output("报名照片", report.output, max_bytes)]
            if report.original:
                outputs.append(describe_output("高分辨率原图", report.original, None))
            self.output_label.setText("\n".join(outputs))
            self.next_step_label.setText(f"下一步：{report.profile.next_step}")
        else:
            reasons = "；".join(c.message for c in report.failures)
            self.fix_banner.setText(f"未能修复：{reasons}")
            self.fix_banner.setStyleSheet(BAD_STYLE)
            self.output_label.setText("没有写入任何文件。请按上面的提示重新拍摄或换一张照片。")
            self.next_step_label.setText("")
        self.notes_label.setText("\n".join(f"• {n}" for n in report.notes))
        self.notes_label.setVisible(bool(report.notes))
        self.next_step_label.setVisible(bool(self.next_step_label.text()))
        self.fix_box.show()

    def _clear_results(self) -> None:
        self.check_list.clear()
        self.summary_label.setText("")
        self.results_title.setText("检查结果")
        self.preview.set_image(None)
        self.fixed_preview.set_image(None)
        self.fixed_preview.hide()
        self.fix_box.hide()

    def _update_controls(self) -> None:
        profile = self.profile()
        idle = not self.busy
        self.open_button.setEnabled(idle)
        self.profile_box.setEnabled(idle)
        # A failure no fix can mend (two faces, blur, closed eyes...) needs a new photo first.
        blockers = [c for c in self._report.failures if not c.fixable] if self._report is not None else []
        ready = self._photo is not None and self._report is not None and not blockers
        self.fix_button.setEnabled(idle and profile.can_fix and ready)
        self.keep_original.setVisible(profile.can_fix)
        if not profile.can_fix:
            note = f"该规格只检查、不修复。{profile.fix_refusal}"
        elif blockers:
            note = "无法自动修复，请先重新拍摄：" + "；".join(c.message for c in blockers)
        else:
            note = ""
        self.refusal_label.setVisible(bool(note))
        self.refusal_label.setText(note)
        tip = "按所选规格裁剪、摆正、换纯白背景、压缩，保存到你选择的位置" if profile.can_fix else profile.fix_refusal
        self.fix_button.setToolTip(note if profile.can_fix and blockers else tip)

    def _profile_changed(self) -> None:
        if self._photo is not None:
            self.open_photo(self._photo)
        else:
            self._update_controls()

    def _confirm_replace(self, path: Path) -> bool:
        answer = QMessageBox.question(self, "替换文件？", f"{path.parent} 里已有 {path.name}，要替换它吗？")
        return answer == QMessageBox.StandardButton.Yes

    # --- drag and drop, closing -----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        path = _dropped_file(event)
        if path is not None and not (self.materials.busy if path.is_dir() else self.busy):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """A folder is a candidate's materials, a file a photo: each goes to its tab."""
        path = _dropped_file(event)
        if path is None:
            return
        if path.is_dir() and not self.materials.busy:
            event.acceptProposedAction()
            self.tabs.setCurrentWidget(self.materials)
            self.materials.set_input_folder(path)
        elif path.is_file() and not self.busy:
            event.acceptProposedAction()
            self.tabs.setCurrentIndex(0)
            self.open_photo(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        # A running fix or export finishes its atomic write instead of dying mid-way.
        self._runner.wait()
        self.materials.wait()
        super().closeEvent(event)


def _dropped_file(event: QDropEvent | QDragEnterEvent) -> Path | None:
    urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
    return Path(urls[0].toLocalFile()) if urls else None
