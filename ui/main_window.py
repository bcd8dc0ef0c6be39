"""The main window: the candidate's steps (照片 → 材料 → 导出) in a side bar with their state,
the exam profile, the language; the chosen step fills the rest. Help-desk mode adds a fourth
entry, 批量处理, for a folder of walk-ins' photos.

The window owns the CandidateProject the steps share, autosaves it into the app's data folder
and reopens it at start, so closing and reopening continues where the candidate stopped. It
remembers its geometry, language, profile, step and help-desk mode in QSettings.

Help-desk mode (one computer, a queue of walk-ins): nothing is autosaved, a counter shows how many
candidates the session has served, and "下一位考生" forgets every trace of the current one
(ui.help_desk lists what outside the steps that is).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QSettings, QSize, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from photocheck.api import Profile, ProjectError, Status, forget_candidate, list_profiles
from ui import backend as real_backend
from ui import help_desk
from ui.i18n import LANGUAGE_NAMES, LANGUAGES, current_language, set_language, tr
from ui.project_state import CandidateProject
from ui.steps.base import Step, StepState, state_text
from ui.steps.batch_step import BatchStep
from ui.steps.export_step import ExportStep
from ui.steps.materials_step import MaterialsStep
from ui.steps.photo_step import IMAGE_SUFFIXES, PhotoStep, dropped_image
from ui.widgets.check_list import status_icon
from ui.widgets.layouts import Space, fill

# Closing waits at most this long in all for running jobs; a job still running then is abandoned:
# the window closes and ui.app gives it a little longer after the event loop ends.
CLOSE_GRACE_S = 0.8
AUTOSAVE_MS = 400
PROJECT_FILE = "current-project.json"
PASTED_FOLDER = "pasted"  # the photo step keeps pasted pictures here (outside help-desk mode)
HELP_DESK_KEY = "help_desk"
DEFAULT_SIZE = QSize(1280, 760)
MIN_SIZE = QSize(1000, 600)
SIDEBAR_WIDTH = 216
STATE_STATUS = {StepState.READY: Status.PASS, StepState.NEEDS_WORK: Status.WARN}



def app_data_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def _not_started_icon(size: int, ratio: float) -> QPixmap:
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor("#9ca3af"))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(2, 2, size - 4, size - 4)
    p.end()
    return pixmap


class MainWindow(QMainWindow):
    """`backend` is what the steps' jobs call (ui.backend, the real pipeline, unless a test passes a
    stand-in); `settings` and `data_dir` default to the app's own (tests pass temporary ones)."""

    idle = Signal()  # the photo step has nothing left to run

    def __init__(self, profiles: list[Profile] | None = None, parent: QWidget | None = None, *,
                 backend: ModuleType | Any = real_backend, settings: QSettings | None = None,
                 data_dir: Path | None = None, restore: bool = True) -> None:
        super().__init__(parent)
        self._backend = backend
        self._settings = settings if settings is not None else QSettings()
        self._data_dir = data_dir if data_dir is not None else app_data_dir()
        self._profiles = profiles if profiles is not None else list_profiles()
        self.launched_after: float | None = None
        self.served = 0  # candidates served in this session (help-desk mode)
        self.project = CandidateProject(self._initial_profile())
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_project)
        self.setAcceptDrops(True)
        self._build()
        self._show_help_desk(str(self._settings.value(HELP_DESK_KEY, "false")).lower() == "true")
        if self._help_desk:
            self._forget_outside()  # what an interrupted session may have left
        self.retranslate()
        restored = self._restore_project() if restore and not self._help_desk else False
        self.project.changed.connect(self._autosave.start)
        self._restore_window()
        self._refresh_sidebar()
        if restored:
            self.photo.restore()
            self.statusBar().showMessage(tr("已继续上次的考生。要换一位考生，请点“新考生”。"), 8000)

    # --- public --------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """The photo step has a job running (what `idle` ends)."""
        return self.photo.busy

    def steps(self) -> list[Step]:
        return [self.photo, self.materials_step, self.export_step, self.batch_step]

    def profile(self) -> Profile:
        return self.project.profile

    def open_photo(self, path: Path) -> None:
        self.show_step(0)
        self.photo.open_photo(Path(path))

    def warm_up(self) -> None:
        self.photo.warm_up()

    def show_step(self, index: int) -> None:
        """A hidden step (批量处理 outside help-desk mode, by Ctrl+4 or remembered from last time) is
        not shown: the current step stays, or at start the first one is shown."""
        item = self.sidebar.item(index)
        if item is None or item.isHidden():
            if self.sidebar.currentRow() >= 0:
                return
            index = 0
        self.sidebar.setCurrentRow(index)

    def set_language(self, language: str) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        set_language(app, language)
        self._settings.setValue("language", language)
        self.language_box.blockSignals(True)
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(language)))
        self.language_box.blockSignals(False)

    def project_path(self) -> Path:
        return self._data_dir / PROJECT_FILE

    def save_project(self) -> None:
        self._autosave.stop()
        if self._help_desk:
            return  # a walk-in's project must never reappear: see ui.help_desk
        try:
            self._data_dir.mkdir(parents=True, exist_ok=True)
            self.project.save(self.project_path())
        except OSError as exc:
            self.statusBar().showMessage(tr("无法保存进度：{reason}").format(reason=exc.strerror or exc), 8000)

    def new_candidate(self) -> None:
        """A new, empty candidate: the photo, its edits, the materials and the export are forgotten (the
        files stay where they are). Every step follows the project's change notice."""
        self.project.clear()
        self.photo.restore()
        self._refresh_sidebar()

    @property
    def help_desk(self) -> bool:
        return self._help_desk

    def set_help_desk(self, on: bool) -> None:
        """Help-desk mode on or off (remembered). On: the autosaved project is deleted at once and no
        other is written; Qt's own file dialogs are used, whose history "下一位考生" clears."""
        self._settings.setValue(HELP_DESK_KEY, on)
        self._show_help_desk(on)
        if on:
            self._autosave.stop()
            self.project_path().unlink(missing_ok=True)
        else:
            self.save_project()  # one person's candidate continues after a restart again

    def _show_help_desk(self, on: bool) -> None:
        self._help_desk = on
        help_desk.use_native_dialogs(not on)
        self.photo.transient = on
        self.help_desk_box.blockSignals(True)
        self.help_desk_box.setChecked(on)
        self.help_desk_box.blockSignals(False)
        self.new_button.setVisible(not on)
        self.served_label.setVisible(on)
        self.next_button.setVisible(on)
        self._show_batch(on)

    def next_candidate(self) -> None:
        """Help desks: forget every trace of this candidate and be ready for the next. Asks first only
        when there is work not yet saved or exported; a running job is dropped, never waited for.
        What the worker saved or exported stays where it was written."""
        if self._unfinished() and not self._confirm_next():
            return
        if not self._blank():
            self.served += 1
        self.clear_traces()
        self._show_served()
        self.show_step(0)
        self.photo.open_button.setFocus()

    def clear_traces(self) -> None:
        """Every trace of the candidate, in the window and outside it, without asking."""
        traces = help_desk.traces(self.project.project, self.project.base)
        self.project.clear()
        self._forget_outside(*traces)  # first: the steps start again from what is still remembered
        for step in self.steps():
            step.forget()
        self.statusBar().clearMessage()
        self._refresh_sidebar()

    def _forget_outside(self, name: str = "", folders: frozenset[Path] = frozenset()) -> None:
        """The candidate's traces outside the steps: the autosave, pastes, remembered folders, Qt's
        file-dialog history, the clipboard."""
        self._autosave.stop()
        self.project_path().unlink(missing_ok=True)
        shutil.rmtree(self._data_dir / PASTED_FOLDER, ignore_errors=True)
        help_desk.forget_folders(self._settings, name, folders)
        help_desk.forget_dialog_history()
        help_desk.forget_clipboard()
        forget_candidate()  # the pipeline's memory of paths, and the freed heap
        self._settings.sync()

    # --- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.photo = PhotoStep(self.project, self._settings, self._data_dir, backend=self._backend)
        self.photo.idle.connect(self.idle.emit)
        self.materials_step = MaterialsStep(self._backend, self.project)
        self.materials_step.photoOffered.connect(self.open_photo)
        self.export_step = ExportStep(self._backend, self.project, settings=self._settings)
        self.batch_step = BatchStep(self._backend, self.project)
        self.stack = QStackedWidget()
        for step in self.steps():
            self.stack.addWidget(step)
            step.statusChanged.connect(self._refresh_sidebar)

        self.app_title = QLabel()
        self.app_title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.app_title.setWordWrap(True)
        self.sidebar = QListWidget()
        self.sidebar.setIconSize(QSize(18, 18))
        self.sidebar.setSpacing(2)
        self.sidebar.setStyleSheet(
            "QListWidget { border: none; background: transparent; }"
            " QListWidget::item { padding: 8px 6px; border-radius: 4px; }"
            " QListWidget::item:selected { background: #dbeafe; color: #1e3a8a; }")
        self.sidebar.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sidebar.setWordWrap(True)
        self.sidebar.setTextElideMode(Qt.TextElideMode.ElideRight)
        for _ in self.steps():
            self.sidebar.addItem(QListWidgetItem())
        self._show_batch(False)
        self.sidebar.currentRowChanged.connect(self._step_chosen)
        self.profile_label = QLabel()
        self.profile_box = QComboBox()
        self.profile_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.profile_box.setMinimumContentsLength(8)
        for p in self._profiles:
            self.profile_box.addItem(p.name, p.id)
        self.profile_box.setCurrentIndex(self._profile_index(self.project.profile.id))
        self.profile_box.currentIndexChanged.connect(self._profile_chosen)
        self.profile_label.setBuddy(self.profile_box)
        self.language_label = QLabel()
        self.language_box = QComboBox()
        for code in LANGUAGES:
            self.language_box.addItem(LANGUAGE_NAMES[code], code)
        self.language_box.setCurrentIndex(LANGUAGES.index(current_language()))
        self.language_box.currentIndexChanged.connect(
            lambda i: self.set_language(self.language_box.itemData(i)))
        self.language_label.setBuddy(self.language_box)
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.new_candidate)
        self.help_desk_box = QCheckBox()
        self.help_desk_box.toggled.connect(self.set_help_desk)
        self.served_label = QLabel()
        self.served_label.setWordWrap(True)
        self.served_label.setStyleSheet("color: #1e3a8a;")
        self.next_button = QPushButton()
        self.next_button.setMinimumHeight(48)
        self.next_button.setStyleSheet("QPushButton { font-size: 14pt; font-weight: bold; }")
        self.next_button.clicked.connect(self.next_candidate)

        side = fill(QVBoxLayout(), self.app_title, Space(6), (self.sidebar, 1), self.profile_label, self.profile_box,
                    Space(4), self.language_label, self.language_box, Space(4), self.help_desk_box, self.served_label,
                    self.next_button, self.new_button)
        side.setContentsMargins(10, 10, 10, 10)
        panel = QFrame()
        panel.setObjectName("sidePanel")
        panel.setStyleSheet("#sidePanel { background: #f8fafc; border-right: 1px solid #e5e7eb; }")
        panel.setLayout(side)
        panel.setFixedWidth(SIDEBAR_WIDTH)

        root = QWidget()
        row = QHBoxLayout(root)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(panel)
        page = QVBoxLayout()
        page.setContentsMargins(12, 10, 12, 6)
        page.addWidget(self.stack)
        row.addLayout(page, 1)
        self.setCentralWidget(root)
        self.setMinimumSize(MIN_SIZE)

        for i in range(len(self.steps())):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self)
            shortcut.activated.connect(lambda i=i: self.show_step(i))
        QWidget.setTabOrder(self.sidebar, self.profile_box)
        QWidget.setTabOrder(self.profile_box, self.language_box)
        QWidget.setTabOrder(self.language_box, self.help_desk_box)
        QWidget.setTabOrder(self.help_desk_box, self.next_button)
        QWidget.setTabOrder(self.next_button, self.new_button)
        QWidget.setTabOrder(self.new_button, self.photo.open_button)

    def _show_batch(self, on: bool) -> None:
        """Help-desk mode shows the batch step in the side bar; leaving it goes back to the photo
        if the batch step was showing (a batch still running goes on)."""
        index = self.steps().index(self.batch_step)
        self.sidebar.item(index).setHidden(not on)
        if not on and self.sidebar.currentRow() == index:
            self.show_step(0)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("医考报名照片与材料检查"))
        self.app_title.setText(tr("医考报名助手"))
        self.profile_label.setText(tr("考试规格(&P)："))
        self.language_label.setText(tr("语言(&L) / Language："))
        self.new_button.setText(tr("新考生"))
        self.new_button.setToolTip(tr("清空当前考生的照片和调整，开始下一位（原文件不受影响）"))
        self.help_desk_box.setText(tr("咨询点模式"))
        self.help_desk_box.setToolTip(tr("一台电脑依次为多位考生服务：不自动保存进度，"
                                         "“下一位考生”清除上一位考生的全部痕迹"))
        self.next_button.setText(tr("下一位考生"))
        self.next_button.setToolTip(tr("清除当前考生的照片、材料、临时文件和记录的文件夹，"
                                       "接待下一位（已保存和导出的文件保留在原处）"))
        self._show_served()
        self.sidebar.setToolTip(tr("Ctrl+1 照片，Ctrl+2 材料，Ctrl+3 导出"))
        for i, p in enumerate(self._profiles):
            self.profile_box.setItemText(i, p.name_en if current_language() == "en" else p.name)
            self.profile_box.setItemData(i, p.name_en if current_language() != "en" else p.name,
                                         Qt.ItemDataRole.ToolTipRole)
        self._refresh_sidebar()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "sidebar"):
            self.retranslate()
        super().changeEvent(event)

    def _refresh_sidebar(self) -> None:
        if not hasattr(self, "sidebar"):
            return
        ratio = self.devicePixelRatioF()
        for i, step in enumerate(self.steps()):
            status = step.status()
            item = self.sidebar.item(i)
            item.setText(f"{i + 1}  {step.title()}\n{state_text(status.state)}\n{status.summary}")
            icon = status_icon(STATE_STATUS[status.state], 18, ratio) if status.state in STATE_STATUS \
                else _not_started_icon(18, ratio)
            item.setIcon(QIcon(icon))
            item.setToolTip(f"{step.title()}：{state_text(status.state)}（{status.summary}）")

    def _show_served(self) -> None:
        self.served_label.setText(tr("本次已服务 {n} 位考生").format(n=self.served))

    # --- help-desk mode ---------------------------------------------------------------------------

    def _blank(self) -> bool:
        p = self.project
        return not p.project.name and p.photo() is None and not p.items() and not self.materials_step.entries()

    def _unfinished(self) -> bool:
        """Work the worker would lose: anything of the candidate, unless the export is up to date or,
        with no materials, the photo is saved."""
        if self._blank() or self.export_step.up_to_date:
            return False
        return not (self.photo.saved and not self.materials_step.entries())

    def _confirm_next(self) -> bool:
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        answer = QMessageBox.question(self, tr("接待下一位考生？"),
                                      tr("当前考生的照片或材料还没有保存或导出，清除后无法找回。确定要接待下一位考生吗？"),
                                      yes | no, no)
        return answer == QMessageBox.StandardButton.Yes

    # --- settings and the project ------------------------------------------------------------------

    def _profile_index(self, profile_id: str) -> int:
        ids = [p.id for p in self._profiles]
        if profile_id in ids:
            return ids.index(profile_id)
        return next((i for i, p in enumerate(self._profiles) if p.default), 0)

    def _initial_profile(self) -> Profile:
        return self._profiles[self._profile_index(str(self._settings.value("profile", "")))]

    def _profile_chosen(self, index: int) -> None:
        profile = self._profiles[index]
        self._settings.setValue("profile", profile.id)
        if profile.id != self.project.profile.id:
            self.project.set_profile(profile)
            self.photo.profile_changed()

    def _restore_project(self) -> bool:
        path = self.project_path()
        if not path.is_file():
            return False
        try:
            self.project.load(path)
        except (ProjectError, OSError, ValueError):
            self.statusBar().showMessage(tr("上次的进度无法读取，已重新开始。"), 8000)
            return False
        self.profile_box.blockSignals(True)
        self.profile_box.setCurrentIndex(self._profile_index(self.project.profile.id))
        self.profile_box.blockSignals(False)
        return self.project.photo() is not None or bool(self.project.items())

    def _restore_window(self) -> None:
        geometry = self._settings.value("window/geometry")
        if isinstance(geometry, QByteArray | bytes) and self.restoreGeometry(QByteArray(geometry)):
            pass
        else:
            screen = QApplication.primaryScreen()
            size = QSize(DEFAULT_SIZE)
            if screen is not None:
                room = screen.availableGeometry().size()
                size = size.boundedTo(QSize(round(room.width() * 0.95), round(room.height() * 0.92)))
            self.resize(size.expandedTo(MIN_SIZE.boundedTo(size)))
        step = str(self._settings.value("window/step", 0))
        self.show_step(int(step) if step.isdigit() and int(step) < len(self.steps()) else 0)

    def _step_chosen(self, index: int) -> None:
        if index >= 0:
            self.stack.setCurrentIndex(index)
            self._settings.setValue("window/step", index)

    # --- drag and drop, closing -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_image(event) is not None or _dropped_materials(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Outside the materials step (which takes its own drops): a folder or a document (a PDF) is the
        candidate's materials and goes to that step; a picture alone is the photo."""
        materials = _dropped_materials(event)
        if materials:
            event.acceptProposedAction()
            self.show_step(1)
            self.materials_step.add_paths(materials)
            return
        path = dropped_image(event)
        if path is not None:
            event.acceptProposedAction()
            self.open_photo(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Never blocks for long: the steps' jobs get CLOSE_GRACE_S in all to finish or stop, then the
        window closes whether or not they have. Outputs are renamed into place whole, so a job cut off
        later leaves at worst a hidden staging file, never a half-written upload or export."""
        self._settings.setValue("window/geometry", self.saveGeometry())
        self.save_project()
        deadline = time.monotonic() + CLOSE_GRACE_S
        for step in self.steps():
            step.shut_down(max(0.0, deadline - time.monotonic()))
        if self._help_desk:  # the day's last candidate leaves no trace either (the steps removed their files)
            self._forget_outside(*help_desk.traces(self.project.project, self.project.base))
        self._settings.sync()
        super().closeEvent(event)


def _dropped_materials(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    """All the dropped paths when any is a folder or a file that is not a picture; else none."""
    paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
    if any(p.is_dir() or (p.is_file() and p.suffix.lower() not in IMAGE_SUFFIXES) for p in paths):
        return paths
    return []
