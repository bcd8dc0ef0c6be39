"""The photo step: open, drop or paste a photo; see the checks and the fixed result at once,
before anything is saved; adjust the crop, rotation, background and matte by hand; save the
upload file and the high-resolution original.

Every pipeline call runs on the step's Runner, one at a time. The photo is read and analysed
once (api.preview_photo); each edit re-renders from that analysis in memory, the picture first and
its checks after it. What the candidate asked for last wins: an edit made while a render runs is
rendered next, and a result of superseded edits is dropped. Saving is the full fix, re-checked
from disk. The edits live in the shared CandidateProject (api.PhotoEdits), so export replays them
and a reopened window continues.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QSettings, QStandardPaths, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from photocheck.api import (
    CheckResult,
    CropFrame,
    PhotoEdits,
    PhotoPreviewResult,
    PhotoReport,
    Status,
    UserError,
    sample_path,
)
from photocheck.labels import check_name
from ui import backend as real_backend
from ui.i18n import english, tr
from ui.photo_jobs import Analysis, Rendered, analyse_job, check_job, render_job, save_job, store_job, warm_up_job
from ui.project_state import CandidateProject
from ui.steps.base import Step, StepState, StepStatus
from ui.widgets.check_list import CheckList, has_regions, summary_text
from ui.widgets.photo_canvas import Overlay, PhotoCanvas

UPLOAD_NAME = "报名照片.jpg"
ORIGINAL_NAME = "高分辨率原图.jpg"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".bmp", ".tif", ".tiff"}
OK_STYLE = "color: #2e7d32; font-weight: bold;"
BAD_STYLE = "color: #c62828; font-weight: bold;"
NOTE_STYLE = "background: #eff6ff; border: 1px solid #bfdbfe; border-radius: 4px; padding: 5px; color: #1e3a8a;"
BAND_MARGIN = 0.004  # the frame stops this far inside the head-size band, so rounding never fails the check



def default_save_dir() -> Path:
    """Pictures, else Documents, else home: never the input's folder unless the user goes there."""
    where = QStandardPaths.StandardLocation
    for location in (where.PicturesLocation, where.DocumentsLocation):
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir():
            return Path(folder)
    return Path.home()


def ask_open_path(parent: QWidget, start: Path) -> Path | None:
    filt = tr("图片 (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff);;所有文件 (*)")
    name, _ = QFileDialog.getOpenFileName(parent, tr("选择照片"), str(start), filt)
    return Path(name) if name else None


def ask_save_path(parent: QWidget, suggested: Path) -> Path | None:
    """The save dialog (it confirms replacing the file); a missing .jpg suffix is added."""
    name, _ = QFileDialog.getSaveFileName(parent, tr("保存报名照片"), str(suggested), tr("JPEG 图片 (*.jpg *.jpeg)"))
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() in (".jpg", ".jpeg") else path.with_name(path.name + ".jpg")


def original_path_for(upload: Path) -> Path:
    """高分辨率原图.jpg beside the upload file (a different name if the user picked that very name)."""
    path = upload.with_name(ORIGINAL_NAME)
    return path if path != upload else upload.with_name(f"{upload.stem}_原图.jpg")


def confirm_replace(parent: QWidget, path: Path) -> bool:
    answer = QMessageBox.question(parent, tr("替换文件？"),
                                  tr("{folder} 里已有 {name}，要替换它吗？").format(folder=path.parent, name=path.name))
    return answer == QMessageBox.StandardButton.Yes


def error_text(exc: Exception, photo: Path | None) -> tuple[str, str]:
    """(title, text) a person can act on; never a traceback."""
    if isinstance(exc, UserError):
        message = exc.message_en if english() and exc.message_en else exc.message
        # No path: the problem is a setting (a broken profile), not one of the user's files.
        text = f"{exc.path.name}\n{message}\n\n{exc.path}" if exc.path is not None else message
        return tr("无法使用这个文件"), text
    name = photo.name if photo else ""
    error = f"{type(exc).__name__}: {exc}"
    return tr("处理时出错"), tr("处理 {name} 时出现意外错误：{error}").format(name=name, error=error)


def _regions(check: CheckResult) -> list[tuple[float, float, float, float]]:
    if not has_regions(check):
        return []
    assert isinstance(check.value, dict)
    return [(float(box[0]), float(box[1]), float(box[2]), float(box[3])) for box in check.value["regions"]]


class PhotoStep(Step):
    idle = Signal()  # every job the step wanted has run; the controls are enabled again
    resultShown = Signal()  # a fixed result is on screen
    checksShown = Signal()  # a checklist (of the input or of the result) is on screen

    def __init__(self, project: CandidateProject, settings: QSettings, data_dir: Path,
                 parent: QWidget | None = None, *, backend: ModuleType | Any = real_backend) -> None:
        super().__init__(parent)
        self._data_dir = data_dir  # pasted pictures are kept here: the project refers to them
        self.transient = False  # help-desk mode: no project outlives the candidate, so pastes stay temporary
        self._tmp = tempfile.TemporaryDirectory(prefix="photocheck-pasted-", ignore_cleanup_errors=True)
        self._project = project
        self._settings = settings
        self._backend = backend
        self._analysis: Analysis | None = None
        self._rendered: Rendered | None = None  # the result on screen, checked or not yet
        self._checked: Rendered | None = None  # the latest checked result: the checklist shows its checks
        self._saved: PhotoReport | None = None
        self._error = ""
        self._want_warm = False
        self._want_analysis = False
        self._want_render = False
        self._turn_from: Any = None  # the preview (api.PhotoPreview) the next analysis turns, for a rotation
        self._save_request: tuple[Path, Path | None] | None = None
        self._paste_request: tuple[np.ndarray, Path] | None = None
        self.timings: dict[str, float] = {}  # seconds from the request to the screen, for benchmarks
        self._asked: dict[str, float] = {}
        self.setAcceptDrops(True)
        self._build()
        self.retranslate()
        self._update_controls()

    # --- public --------------------------------------------------------------------------------

    def title(self) -> str:
        return tr("照片")

    def result_picture(self) -> np.ndarray | None:
        """The fixed result on screen (the upload file as saving would write it, decoded), RGB."""
        return self._rendered.result.picture if self._rendered is not None else None

    @property
    def report(self) -> PhotoReport | None:
        """What the checklist shows: the result's checks once they are run, else the input's."""
        if self._checked is not None:
            return self._checked.report
        return self._analysis.guides.report if self._analysis else None

    @property
    def result_passed(self) -> bool:
        """The current edits' result is checked and passes: saving is expected to write it."""
        c = self._checked
        return c is not None and c.result.ok and c.edits == self._project.edits()

    def status(self) -> StepStatus:
        photo = self._project.photo()
        if photo is None:
            return StepStatus(StepState.NOT_STARTED, tr("未选择照片"))
        report = self.report
        if report is None:
            return StepStatus(StepState.NEEDS_WORK, tr("检查中…") if self.busy else self._error or tr("未检查"))
        passed = sum(c.status is not Status.FAIL for c in report.checks)
        count = tr("{ok}/{n} 项通过").format(ok=passed, n=len(report.checks))
        return StepStatus(StepState.READY if self.result_passed else StepState.NEEDS_WORK, count)

    def warm_up(self) -> None:
        """Load the models in the background now, so the first photo is quick."""
        self._want_warm = True
        self._pump()

    def choose_photo(self) -> None:
        start = Path(str(self._settings.value("folders/photo_open", ""))) or default_save_dir()
        if not start.is_dir():
            start = default_save_dir()
        path = ask_open_path(self, start)
        if path is not None:
            self.open_photo(path)

    def open_photo(self, path: Path) -> None:
        """A new photo: check it and, when it can be fixed, show the result at once."""
        path = Path(path)
        self._settings.setValue("folders/photo_open", str(path.parent))
        self._project.set_photo(path)  # the edits of the previous photo are dropped with it
        self._start_analysis()

    def restore(self) -> None:
        """Show the project's photo with its edits (a reopened window continues)."""
        if self._project.photo() is not None:
            self._start_analysis()
        else:
            self._reset_view()

    def paste(self) -> None:
        """A copied file opens as it is; a copied picture is kept as a PNG in the app's data folder
        (the project refers to it, so it must outlive the session)."""
        mime = QApplication.clipboard().mimeData()
        files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []
        if files:
            self.open_photo(files[0])
            return
        image = QApplication.clipboard().image()
        if image.isNull():
            self.status_label.setText(tr("剪贴板里没有照片。"))
            return
        path = self._kept_picture("pasted", "粘贴的照片")
        image = image.convertToFormat(QImage.Format.Format_RGB888)
        w, h = image.width(), image.height()
        rows = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())
        # Copied here, on the GUI thread: the job thread gets plain pixels and writes them (a phone
        # photo's PNG takes a second or two: not on the GUI thread).
        self._paste_request = (np.ascontiguousarray(rows[:, : 3 * w].reshape(h, w, 3)), path)
        self._pump()

    def take_photo(self) -> QDialog:
        """The camera dialog; its full-resolution shot is kept like a pasted picture (a PNG in the
        app's data folder) and opens as the photo."""
        from ui.camera.dialog import CameraDialog

        dialog = CameraDialog(self, self._backend, self._project.profile)

        def taken() -> None:
            if dialog.captured is not None:
                self._paste_request = (dialog.captured, self._kept_picture("camera", "拍摄的照片"))
                self._pump()

        dialog.accepted.connect(taken)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _kept_picture(self, folder: str, stem: str) -> Path:
        """Where a pasted or camera picture is written: the data folder, which the autosaved project
        refers to, or in help-desk mode the step's temporary folder, which 下一位考生 deletes."""
        where = Path(self._tmp.name) if self.transient else self._data_dir / folder
        return where / time.strftime(f"{stem}-%Y%m%d-%H%M%S.png")

    def _pasted(self, path: Path) -> None:
        self.open_photo(path)

    def rotate(self, degrees: int) -> None:
        """A quarter turn: the photo is analysed again upright; crop and strokes start afresh."""
        if self._analysis is None:
            return
        rotation = (self._analysis.guides.rotation + degrees) % 360
        self._project.set_edits(PhotoEdits(rotation=rotation, background=self._project.edits().background))
        self._start_analysis(again=True)

    def set_background(self, replace: bool) -> None:
        self._edit(background=replace)

    def set_frame(self, frame: CropFrame) -> None:
        self.original.set_frame(frame)
        self._edit(frame=[frame.centre_x, frame.centre_y, frame.height, frame.angle])

    def add_stroke(self, kind: str, segments: list[list[float]]) -> None:
        edits = self._project.edits()
        self._edit(**{kind: [*getattr(edits, kind), *segments]})

    def reset_edits(self) -> None:
        """Back to the automatic crop, rotation, background and matte."""
        turned = self._project.edits().rotation is not None
        self._project.set_edits(PhotoEdits())
        if turned or self._analysis is None:
            self._start_analysis(again=True)  # the detected orientation again, from the kept decodes
            return
        o = self.original
        o.overlay.keep, o.overlay.remove = [], []
        o.set_frame(self._analysis.guides.frame if self._fixable() else None)
        self._show_file()
        self._edit()

    def save(self) -> None:
        """Ask where, then write the upload file and the original with the current edits."""
        if not self._can_save():
            return
        start = Path(str(self._settings.value("folders/photo_save", ""))) or default_save_dir()
        out = ask_save_path(self, (start if start.is_dir() else default_save_dir()) / UPLOAD_NAME)
        if out is None:
            return
        original = original_path_for(out) if self.keep_original.isChecked() else None
        if original is not None and original.exists() and not confirm_replace(self, original):
            return
        self._settings.setValue("folders/photo_save", str(out.parent))
        self._save_request = (out, original)
        self._pump()

    def profile_changed(self) -> None:
        """The exam profile changed: the bands, sizes and checks are the new profile's."""
        if self._project.photo() is not None:
            self._start_analysis()
        else:
            self._show_saved()
            self._update_controls()

    def shut_down(self, grace: float) -> bool:
        return self._runner.shut_down(grace)

    @property
    def saved(self) -> bool:
        """The upload file of the current edits has been written."""
        return self._saved is not None and self._saved.output is not None

    def forget(self) -> None:
        """Nothing of the candidate stays (the next one at a help desk): a running job is dropped, the
        temporary results and pastes are deleted, the pictures, strokes and checks leave the screen."""
        self._runner.cancel()
        self._tmp.cleanup()
        self._tmp = tempfile.TemporaryDirectory(prefix="photocheck-pasted-", ignore_cleanup_errors=True)
        self._analysis = self._rendered = self._checked = self._saved = self._turn_from = None
        self._save_request = self._paste_request = None
        self._want_analysis = self._want_render = False
        self._error = ""
        self._asked.clear()
        self.timings.clear()
        self.original.overlay = Overlay()
        self.original.keep_inside = None
        self._reset_view()
        self._say("")

    # --- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.choose_photo)
        self.paste_button = QPushButton()
        self.paste_button.clicked.connect(self.paste)
        self.camera_button = QPushButton()
        self.camera_button.clicked.connect(self.take_photo)
        self.file_label = QLabel()
        self.file_label.setStyleSheet("color: #4b5563;")
        self.file_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(120)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #4b5563;")
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.paste_button)
        top.addWidget(self.camera_button)
        top.addSpacing(8)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.progress)
        top.addWidget(self.status_label)

        self.original = PhotoCanvas(interactive=True)
        self.original.frameEdited.connect(self.set_frame)
        self.original.strokePainted.connect(self.add_stroke)
        self.result = PhotoCanvas()
        self.original_title, self.result_title = QLabel(), QLabel()
        for t in (self.original_title, self.result_title):
            t.setStyleSheet("font-weight: bold;")
        self.result_caption = QLabel()
        self.result_caption.setStyleSheet("color: #4b5563;")
        self.result_caption.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(self.original_title)
        left.addWidget(self.original, 1)
        middle = QVBoxLayout()
        middle.addWidget(self.result_title)
        middle.addWidget(self.result, 1)
        middle.addWidget(self.result_caption)
        pictures = QHBoxLayout()
        pictures.addLayout(left, 5)
        pictures.addLayout(middle, 4)

        self.tools = self._build_tools()
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(pictures, 1)
        column.addWidget(self.tools)

        self.results_title = QLabel()
        self.results_title.setStyleSheet("font-weight: bold;")
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.check_list = CheckList()
        self.check_list.checkClicked.connect(self._highlight)
        self.refusal_label = QLabel()
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setStyleSheet("color: #b45309;")
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.saved_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_step_label = QLabel()
        self.next_step_label.setWordWrap(True)
        self.next_step_label.setStyleSheet(NOTE_STYLE)
        self.keep_original = QCheckBox()
        self.keep_original.setChecked(True)
        self.save_button = QPushButton()
        self.save_button.setStyleSheet("QPushButton { font-weight: bold; padding: 5px 14px; }")
        self.save_button.clicked.connect(self.save)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        side = QVBoxLayout()
        side.setSpacing(6)
        side.addWidget(self.results_title)
        side.addWidget(self.summary_label)
        side.addWidget(self.check_list, 1)
        side.addWidget(self.refusal_label)
        side.addWidget(self.saved_label)
        side.addWidget(self.next_step_label)
        side.addWidget(self.keep_original)
        side.addLayout(save_row)
        side_box = QWidget()
        side_box.setLayout(side)
        side_box.setMinimumWidth(300)
        side.setContentsMargins(0, 0, 0, 0)

        body = QHBoxLayout()
        body.setSpacing(12)
        body.addLayout(column, 3)
        body.addWidget(side_box, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        self.open_button.setShortcut(QKeySequence.StandardKey.Open)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        paste = QShortcut(QKeySequence.StandardKey.Paste, self)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste.activated.connect(self.paste)
        for key, slot in (("Ctrl+L", lambda: self.rotate(-90)), ("Ctrl+R", lambda: self.rotate(90)),
                          ("Ctrl+G", self.guides_box.toggle), ("Ctrl+B", self.background_box.toggle)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        QWidget.setTabOrder(self.open_button, self.paste_button)
        QWidget.setTabOrder(self.paste_button, self.original)
        QWidget.setTabOrder(self.original, self.rotate_left)

    def _build_tools(self) -> QFrame:
        self.rotate_left, self.rotate_right = QPushButton(), QPushButton()
        self.rotate_left.clicked.connect(lambda: self.rotate(-90))
        self.rotate_right.clicked.connect(lambda: self.rotate(90))
        self.guides_box = QCheckBox()
        self.guides_box.setChecked(True)
        self.guides_box.toggled.connect(self._toggle_guides)
        self.background_box = QCheckBox()
        self.background_box.setChecked(True)
        self.background_box.toggled.connect(self.set_background)
        self.mode_frame, self.mode_keep, self.mode_remove = QRadioButton(), QRadioButton(), QRadioButton()
        self.mode_frame.setChecked(True)
        self.modes = QButtonGroup(self)
        for i, b in enumerate((self.mode_frame, self.mode_keep, self.mode_remove)):
            self.modes.addButton(b, i)
        self.modes.idToggled.connect(self._mode_changed)
        self.brush_size = QSlider(Qt.Orientation.Horizontal)
        self.brush_size.setRange(2, 60)
        self.brush_size.setValue(15)
        self.brush_size.setFixedWidth(110)
        self.brush_size.valueChanged.connect(self._mode_changed)
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset_edits)
        frame = QFrame()
        rows = QVBoxLayout(frame)
        rows.setContentsMargins(0, 2, 0, 0)
        rows.setSpacing(4)
        first, second = QHBoxLayout(), QHBoxLayout()
        for row in (first, second):
            row.setSpacing(6)
            rows.addLayout(row)
        for w in (self.rotate_left, self.rotate_right, self.guides_box, self.background_box):
            first.addWidget(w)
        first.addStretch(1)
        first.addWidget(self.reset_button)
        self.mode_label = QLabel()
        second.addWidget(self.mode_label)
        for mode in (self.mode_frame, self.mode_keep, self.mode_remove):
            second.addWidget(mode)
        self.brush_label = QLabel()
        second.addSpacing(8)
        second.addWidget(self.brush_label)
        second.addWidget(self.brush_size)
        second.addStretch(1)
        return frame

    def retranslate(self) -> None:
        self.open_button.setText(tr("打开照片…"))
        self.open_button.setToolTip(tr("打开照片（Ctrl+O）。也可以把照片拖进窗口，或按 Ctrl+V 粘贴。"))
        self.paste_button.setText(tr("粘贴"))
        self.paste_button.setToolTip(tr("粘贴剪贴板里的照片（Ctrl+V）"))
        self.camera_button.setText(tr("拍照…"))
        self.camera_button.setToolTip(tr("用摄像头现场拍摄，画面上有取景辅助线和提示"))
        self.original_title.setText(tr("原照片（拖动绿框调整构图，滚轮缩放）"))
        self.result_title.setText(tr("修复结果（尚未保存）"))
        self.original.set_placeholder(tr("把照片拖到这里，或点“打开照片…”，或按 Ctrl+V 粘贴。\n\n"
                                         "照片只在本机处理，不会上传。\n支持 JPEG、PNG、HEIC、WebP、BMP、TIFF"))
        self._show_result_text()
        self.rotate_left.setText(tr("向左转"))
        self.rotate_left.setToolTip(tr("逆时针旋转 90°（Ctrl+L）"))
        self.rotate_right.setText(tr("向右转"))
        self.rotate_right.setToolTip(tr("顺时针旋转 90°（Ctrl+R）"))
        self.guides_box.setText(tr("辅助线"))
        self.guides_box.setToolTip(tr("显示人脸框、头顶线、眼睛线、下巴线和规格要求的范围（Ctrl+G）"))
        self.background_box.setText(tr("换白色背景"))
        self.background_box.setToolTip(tr("关闭后保留原背景（Ctrl+B）"))
        self.mode_label.setText(tr("鼠标："))
        self.mode_frame.setText(tr("构图"))
        self.mode_frame.setToolTip(tr("拖动绿框移动构图，滚轮或 +/- 缩放，方向键微调"))
        self.mode_keep.setText(tr("保留"))
        self.mode_keep.setToolTip(tr("涂抹误被去掉的部分（头发、衣服），让它保留"))
        self.mode_remove.setText(tr("去除"))
        self.mode_remove.setToolTip(tr("涂抹背景上残留的杂物，让它换成白色"))
        self.brush_label.setText(tr("笔刷大小"))
        self.brush_size.setToolTip(tr("笔刷大小"))
        self.reset_button.setText(tr("恢复自动"))
        self.reset_button.setToolTip(tr("撤销所有手动调整，回到自动裁剪"))
        self.keep_original.setText(tr("同时保存高分辨率原图"))
        self.keep_original.setToolTip(
            tr("在同一文件夹另存 {name}（构图相同），供官方照片检测工具使用").format(name=ORIGINAL_NAME))
        self.save_button.setText(tr("保存照片…"))
        self.save_button.setToolTip(tr("把修复后的报名照片保存到你选择的位置（Ctrl+S）"))
        self.results_title.setText(tr("检查结果"))
        self._show_report()
        self._show_file()
        self._show_saved()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()  # rebuilds the check rows too, in the new language
        super().changeEvent(event)

    # --- jobs ------------------------------------------------------------------------------------

    def _start_analysis(self, *, again: bool = False) -> None:
        """Check the project's photo afresh; `again`: the same photo in a new orientation, from the
        decodes its preview already made."""
        same = again and self._analysis is not None and self._analysis.path == self._project.photo()
        self._turn_from = self._analysis.preview if same and self._analysis is not None else None
        self._analysis = None
        self._rendered = None
        self._checked = None
        self._saved = None
        self._error = ""
        self._want_analysis = True
        self._want_render = False
        self._asked["analysis"] = self._asked["result"] = time.perf_counter()
        self._reset_view()
        self._pump()

    def _edit(self, **changes: Any) -> None:
        if self._analysis is None:
            return
        self._project.set_edits(dataclasses.replace(self._project.edits(), **changes))
        self._saved = None
        self._show_saved()
        self._want_render = True
        self._asked["result"] = time.perf_counter()
        self._pump()

    def _pump(self) -> None:
        """Start the next job the step wants, most urgent first; idle when there is none."""
        if self.busy:
            self._update_controls()
            return
        photo = self._project.photo()
        profile = self._project.profile
        rendered = self._rendered
        if self._paste_request is not None:
            rgb, path = self._paste_request
            self._paste_request = None
            self._runner.start(store_job(rgb, path), self._pasted, self._failed)
            self._say(tr("正在保存粘贴的照片…"))
        elif self._want_analysis and photo is not None:
            self._want_analysis = False
            job = analyse_job(self._backend, photo, profile, self._project.edits().rotation, self._turn_from)
            self._turn_from = None
            self._runner.start(job, self._analysed, self._failed)
            self._say(tr("正在检查照片…"))
        elif self._save_request is not None and self._analysis is not None:
            out, original = self._save_request
            self._save_request = None
            job = save_job(self._backend, self._analysis.path, profile, self._project.edits(),
                           self._analysis.guides.size, out, original)
            self._runner.start(job, self._saved_done, self._failed)
            self._say(tr("正在保存照片…"))
        elif self._want_render and self._analysis is not None and self._fixable():
            self._want_render = False
            self._runner.start(render_job(self._analysis, self._project.edits()), self._render_done, self._failed)
            self._say(tr("正在生成修复结果…"))
        elif (rendered is not None and not rendered.result.checked and self._analysis is not None
              and rendered.edits == self._project.edits()):
            self._runner.start(check_job(self._analysis, rendered), self._check_done, self._failed)
            self._say(tr("正在检查修复结果…"))
        elif self._want_warm:
            self._want_warm = False
            job = warm_up_job(self._backend, sample_path("grace_hopper.jpg"), profile)
            self._runner.start(job, lambda _r: self._after_job(), lambda _e: self._after_job())
            self._say(tr("正在加载识别模型…"))
        else:
            self._say("")
            self.idle.emit()
            self.statusChanged.emit()

    def _after_job(self) -> None:
        self._pump()

    def _say(self, text: str) -> None:
        self.status_label.setText(text)
        self.progress.setVisible(self.busy)
        self._update_controls()

    def _analysed(self, analysis: Analysis) -> None:
        if analysis.path != self._project.photo():
            return self._pump()  # a photo replaced while it was being checked
        self._analysis = analysis
        # The result is rendered on the job thread while the checklist and guides are drawn here.
        self._want_render = self._fixable()
        self._pump()
        guides = analysis.guides
        profile = self._project.profile
        size = profile.output.exact_size
        o = self.original
        o.set_image(analysis.picture, guides.size[0])
        g = profile.geometry
        o.overlay.face_box, o.overlay.crown_y = guides.face_box, guides.crown_y
        o.overlay.eye_y, o.overlay.chin_y = guides.eye_y, guides.chin_y
        o.keep_inside = guides.face_box
        o.overlay.crown_band, o.overlay.eye_band = g.crown_margin, g.eye_line
        edits = self._project.edits()
        o.overlay.keep, o.overlay.remove = list(edits.keep), list(edits.remove)
        if size is not None:
            o.aspect = size[0] / size[1]
        if guides.crown_y is not None and guides.chin_y is not None:
            head = guides.chin_y - guides.crown_y
            lo, hi = g.head_height
            o.height_limits = (head / (hi - BAND_MARGIN), head / (lo + BAND_MARGIN))
        else:
            o.height_limits = None
        frame = CropFrame(*edits.frame) if edits.frame else guides.frame
        o.set_frame(frame if self._fixable() else None)
        self._mode_changed()  # the brush size is a share of this photo's size
        self.timings["analysis"] = time.perf_counter() - self._asked.get("analysis", time.perf_counter())
        self._show_report()
        self._show_result_text()
        self.checksShown.emit()
        self._pump()

    def _render_done(self, rendered: Rendered) -> None:
        if self._analysis is None or rendered.edits != self._project.edits():
            return self._pump()  # superseded: the newer edits are rendered next
        self._rendered = rendered
        result = rendered.result
        self.result.set_image(result.picture, result.width or None)
        self.result.highlights = []
        if result.checked:  # a crop that cannot be made: the reason is in its checks
            self._checked = rendered
            self._show_report()
        self._show_result_text()
        if result.picture is not None:
            self.timings["result"] = time.perf_counter() - self._asked.get("result", time.perf_counter())
            self.resultShown.emit()
        self._pump()  # its checks next

    def _check_done(self, rendered: Rendered) -> None:
        if self._analysis is None or rendered.edits != self._project.edits():
            return self._pump()
        self._rendered = self._checked = rendered
        self.timings["checks"] = time.perf_counter() - self._asked.get("result", time.perf_counter())
        self._show_result_text()
        self._show_report()
        self.checksShown.emit()
        self._pump()

    def _saved_done(self, report: PhotoReport) -> None:
        self._saved = report
        self._show_saved()
        if report.output is None:  # the file saving wrote did not pass: its checks say why
            self._rendered = self._checked = Rendered(PhotoPreviewResult(report, None, checked=True),
                                                      self._project.edits())
            self.result.set_image(None)
            self._show_report()
            self._show_result_text()
        self._pump()

    def _failed(self, exc: Exception) -> None:
        title, text = error_text(exc, self._project.photo())
        self._error = title
        if self._rendered is not None and not self._rendered.result.checked:
            self._rendered = None  # its checks failed to run: not tried again until the next edit
        self._pump()
        QMessageBox.warning(self, title, text)

    # --- showing --------------------------------------------------------------------------------

    def _message(self, check: CheckResult) -> str:
        return check.message_en if english() and check.message_en else check.message

    def _fixable(self) -> bool:
        if self._analysis is None or not self._project.profile.can_fix:
            return False
        return not [c for c in self._analysis.guides.report.failures if not c.fixable]

    def _can_save(self) -> bool:
        return not self.busy and self.result_passed

    def _reset_view(self) -> None:
        self.original.set_image(None)
        self.original.set_frame(None)
        self.original.overlay.face_box = None
        self.original.highlights = []
        self.result.set_image(None)
        self.result.highlights = []
        self._show_result_text()
        self.check_list.clear()
        self._show_report()
        self._show_file()
        self._show_saved()

    def _show_result_text(self) -> None:
        rendered = self._rendered
        if rendered is not None and rendered.result.picture is not None:
            r = rendered.result
            cap = r.report.profile.output.max_bytes
            # Nothing is written yet: the size is what saving is expected to write, and saving
            # checks the file again as read back from disk.
            size = tr("{w}×{h} 像素，{size:,} 字节（上限 {cap:,}）").format(w=r.width, h=r.height, size=r.file_bytes,
                                                                       cap=cap)
            self.result_caption.setText(size + "\n" + tr("以上是预计大小；保存时从磁盘读回复查"))
        elif rendered is not None:
            self.result.set_placeholder(tr("按现在的调整无法得到合格的照片：{reasons}").format(
                reasons="；".join(self._message(c) for c in rendered.report.failures)))
            self.result_caption.setText("")
        elif self._analysis is not None and not self._fixable():
            self.result.set_placeholder(tr("这张照片无法自动修复，所以没有修复结果。请按右边的提示重新拍摄或换一张照片。"))
            self.result_caption.setText("")
        else:
            self.result.set_placeholder(tr("选择照片后，这里立刻显示修复后的效果。"))
            self.result_caption.setText("")

    def _show_file(self) -> None:
        photo = self._project.photo()
        self.file_label.setText(tr("照片：{name}").format(name=photo.name) if photo else "")
        self.file_label.setToolTip(str(photo) if photo else "")
        edits = self._project.edits()
        self.background_box.blockSignals(True)
        self.background_box.setChecked(edits.background)
        self.background_box.blockSignals(False)

    def _show_report(self) -> None:
        report = self.report
        if report is None:
            self.summary_label.setText(tr("选择一张照片后，这里逐项列出检查结果。"))
            self.summary_label.setStyleSheet("color: #6b7280;")
            self.refusal_label.hide()
            self._update_controls()
            return
        self.results_title.setText(tr("检查结果（修复后的照片）") if self._checked else tr("检查结果（原照片）"))
        self.summary_label.setText(summary_text(report.checks))
        self.summary_label.setStyleSheet(OK_STYLE if report.ok else BAD_STYLE)
        self.check_list.set_checks(report.checks)
        blockers = [c for c in self._analysis.guides.report.failures if not c.fixable] if self._analysis else []
        profile = self._project.profile
        if not profile.can_fix:
            note = tr("该规格只检查、不修复。") + (profile.fix_refusal_en if english() else profile.fix_refusal)
        elif blockers:
            note = tr("无法自动修复，请重新拍摄：") + "；".join(self._message(c) for c in blockers)
        else:
            note = ""
        self.refusal_label.setText(note)
        self.refusal_label.setVisible(bool(note))
        self._update_controls()

    def _show_saved(self) -> None:
        report = self._saved
        profile = self._project.profile
        reminder = profile.next_step_en if english() else profile.next_step
        self.next_step_label.setText(tr("下一步：") + reminder if reminder else "")
        self.next_step_label.setVisible(bool(reminder) and profile.can_fix)
        if report is None:
            self.saved_label.hide()
            return
        if report.output is not None:
            lines = [tr("已保存报名照片：{path}").format(path=report.output.path)]
            if report.original is not None:
                lines.append(tr("已保存高分辨率原图：{path}").format(path=report.original.path))
            self.saved_label.setStyleSheet(OK_STYLE)
        else:
            lines = [tr("未能保存：") + "；".join(self._message(c) for c in report.failures)]
            self.saved_label.setStyleSheet(BAD_STYLE)
        self.saved_label.setText("\n".join(lines))
        self.saved_label.show()

    def _update_controls(self) -> None:
        idle = not self.busy
        has = self._analysis is not None
        fixable = self._fixable()
        self.save_button.setEnabled(self._can_save())
        for turn in (self.rotate_left, self.rotate_right):
            turn.setEnabled(has and idle)
        for w in (self.background_box, self.mode_frame, self.mode_keep, self.mode_remove, self.brush_size,
                  self.reset_button):
            w.setEnabled(fixable)
        self.keep_original.setVisible(self._project.profile.can_fix)

    def _toggle_guides(self, on: bool) -> None:
        self.original.guides_visible = on
        self.original.update()

    def _mode_changed(self, *_args: object) -> None:
        self.original.mode = ("frame", "keep", "remove")[max(0, self.modes.checkedId())]
        if self._analysis is not None:
            # the slider is in screen terms: a share of the photo's long side
            self.original.brush_radius = max(self._analysis.guides.size) * self.brush_size.value() / 1000
        self.original.setCursor(Qt.CursorShape.CrossCursor if self.original.mode != "frame"
                                else Qt.CursorShape.OpenHandCursor)

    def _highlight(self, check_id: str) -> None:
        """Show on the picture where a check looked: remnant regions on the result, the face on the original."""
        report = self.report
        check = next((c for c in report.checks if c.id == check_id), None) if report else None
        self.result.highlights = _regions(check) if check is not None else []
        face = self.original.overlay.face_box
        on_face = check is not None and check.id.startswith("face.") and face is not None
        self.original.highlights = [face] if on_face and face is not None else []
        self.result.update()
        self.original.update()
        if check is not None:
            self.status_label.setText(check_name(check.id, english()))

    # --- drops ------------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_image(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_image(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_photo(path)


def dropped_image(event: QDropEvent | QDragEnterEvent) -> Path | None:
    urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
    paths = [Path(u.toLocalFile()) for u in urls]
    return next((p for p in paths if p.suffix.lower() in IMAGE_SUFFIXES and not p.is_dir()), None)

