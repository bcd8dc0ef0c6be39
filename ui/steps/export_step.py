"""The export step: the candidate's name and where to put the folder, what is ready per category and
why not, then one export (photocheck.api.export_project, off the GUI thread) with a determinate
progress bar and a cancel button. A cancelled or failed export leaves the previous one as it was.
At the end: open the folder and the report, and the reminder about the official photo tool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photocheck.api import Cancelled, CancelToken, CategoryState, Export, UserError
from photocheck.labels import state_label
from ui.material_state import item_members, readiness
from ui.project_state import CandidateProject
from ui.steps.base import Step, StepState, StepStatus
from ui.widgets.colours import GREEN, GREY, RED, STATE_COLOUR
from ui.widgets.layouts import RunRow, StateLabel, Stretch, fill, heading, help_text, path_field, step_page
from ui.workers import JobProgress, Say

FOLDER_KEY = "export/folder"


def open_path(path: Path) -> None:
    """A file or folder in the system's viewer (the report opens in the browser)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def ask_folder(parent: QWidget, start: Path) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, parent.tr("选择导出位置"), str(start))
    return Path(name) if name else None


def confirm_replace(parent: QWidget, target: Path) -> bool:
    answer = QMessageBox.question(parent, parent.tr("替换已有的导出？"),
                                  parent.tr("{target} 已存在。要用这次的结果替换它吗？（原始材料不受影响）").format(
                                      target=target))
    return answer == QMessageBox.StandardButton.Yes


def _blank(project: CandidateProject) -> bool:
    return not project.project.name and project.photo() is None and not project.items()


class ExportStep(Step):
    exported = Signal(object)  # the Export, once written

    def __init__(self, backend: Any, project: CandidateProject, parent: QWidget | None = None, *,
                 settings: QSettings | None = None) -> None:
        """`settings`: where the chosen folder is remembered (the window's; QSettings() when None)."""
        super().__init__(parent)
        self._backend = backend
        self._project = project
        self._export: Export | None = None
        self._stale = False  # the project changed since the export
        self._token: CancelToken | None = None
        self._progress = JobProgress()
        self._replacing = False
        self._settings = settings if settings is not None else QSettings()
        self._folder = self._remembered_folder()
        self._runner.progress.connect(self._say)
        self._build()
        project.changed.connect(self._project_changed)
        self._project_changed()

    # --- Step ----------------------------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("导出")

    def status(self) -> StepStatus:
        if self.busy:
            return StepStatus(StepState.NEEDS_WORK, self.tr("正在导出…"))
        if self._export is None:
            return StepStatus(StepState.NOT_STARTED, self.tr("尚未导出"))
        if self._stale:
            return StepStatus(StepState.NEEDS_WORK, self.tr("材料已更改，需重新导出"))
        if self._export.ok:
            return StepStatus(StepState.READY, self.tr("已导出"))
        bad = sum(1 for s in self._export.categories if s.needed and not s.ready)
        return StepStatus(StepState.NEEDS_WORK, self.tr("已导出，{n} 类未就绪").format(n=bad))

    def shut_down(self, grace: float) -> bool:
        if self._token is not None:
            self._token.cancel()
        return self._runner.shut_down(grace)

    def forget(self) -> None:
        """Nothing of the candidate stays (the next one at a help desk): a running export is cancelled
        (it leaves nothing behind) and its result, rows and messages go. What was exported stays."""
        if self._token is not None:
            self._token.cancel()
        self._runner.cancel()
        self._token, self._export, self._stale, self._replacing = None, None, False, False
        self._folder = self._remembered_folder()  # the window forgets a folder that names the candidate
        self.folder_edit.setText(str(self._folder))
        self._say_state("", GREY)
        self._show_planned()
        self.statusChanged.emit()

    @property
    def up_to_date(self) -> bool:
        """An export of the candidate as they are now has been written."""
        return self._export is not None and not self._stale and not self.busy

    # --- public -------------------------------------------------------------------------------------

    @property
    def export(self) -> Export | None:
        return self._export

    @property
    def folder(self) -> Path:
        return self._folder

    def set_folder(self, path: Path) -> None:
        self._folder = Path(path)
        self.folder_edit.setText(str(self._folder))
        self._settings.setValue(FOLDER_KEY, str(self._folder))
        self._update_controls()

    def _remembered_folder(self) -> Path:
        saved = str(self._settings.value(FOLDER_KEY, "", str))
        return Path(saved) if saved and Path(saved).is_dir() else Path.home()

    def target(self) -> Path | None:
        name = self._project.project.name.strip()
        return self._backend.export_folder(self._folder, name) if name else None

    def start(self) -> None:
        target = self.target()
        if self.busy or target is None:
            return
        overwrite = target.exists()
        if overwrite and not confirm_replace(self, target):
            self._say_state(self.tr("已取消：原有导出保持不变。"), GREY)
            return
        self._replacing = overwrite
        token = self._token = CancelToken()
        progress = self._progress
        progress.set(0, 1)
        project, base, folder, export = (self._project.project, self._project.base, self._folder,
                                         self._backend.export_project)

        def work(say: Say) -> Export:
            def report(done: int, total: int, message: str) -> None:
                progress.set(done, total)
                say(message)  # raises Cancelled once the window closes

            exported: Export = export(project, base, folder, overwrite=overwrite, progress=report, cancel=token)
            return exported

        self._runner.start(work, self._done, self._failed)
        self.run.begin()
        self._say_state(self.tr("正在导出：每份材料需要几秒钟…"), GREY)
        self.statusChanged.emit()

    def cancel(self) -> None:
        if self.busy and self._token is not None:
            self._token.cancel()
            self.cancel_button.setEnabled(False)
            self._say_state(self.tr("正在取消…"), GREY)

    # --- layout --------------------------------------------------------------------------------------

    def _build(self) -> None:
        title = heading(self.tr("导出"))
        help_label = help_text(self.tr("导出会在所选位置建一个以考生姓名命名的文件夹：每类材料一个子文件夹，"
                                       "另有检查报告。导出前会重新检查每个文件；原文件不会被修改。"))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("考生姓名，用作导出文件夹名"))
        self.name_edit.textEdited.connect(self._project.set_name)
        self.folder_edit = path_field(str(self._folder))
        self.folder_button = QPushButton(self.tr("选择…"))
        self.folder_button.clicked.connect(self._choose_folder)
        self.target_label = QLabel()
        self.target_label.setStyleSheet(f"color: {GREY};")
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("考生姓名：")), 0, 0)
        grid.addWidget(self.name_edit, 0, 1, 1, 2)
        grid.addWidget(QLabel(self.tr("导出到：")), 1, 0)
        grid.addWidget(self.folder_edit, 1, 1)
        grid.addWidget(self.folder_button, 1, 2)
        grid.addWidget(self.target_label, 2, 1, 1, 2)
        grid.setColumnStretch(1, 1)

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("类别"), self.tr("状态"), self.tr("说明")])
        self.tree.setRootIsDecorated(False)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.tree.setWordWrap(True)

        self.run = RunRow(self.tr("导出"), self.tr("取消"))
        self.export_button, self.cancel_button, self.progress = self.run.start, self.run.cancel, self.run.progress
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.state_label = StateLabel()
        self.folder_open = QPushButton(self.tr("打开导出文件夹"))
        self.folder_open.clicked.connect(lambda: open_path(self._export.root) if self._export else None)
        self.report_open = QPushButton(self.tr("打开检查报告"))
        self.report_open.clicked.connect(lambda: open_path(self._export.report_path) if self._export else None)
        done = fill(QHBoxLayout(), self.folder_open, self.report_open, Stretch())
        self.reminder = QLabel()
        self.reminder.setWordWrap(True)
        self.reminder.setStyleSheet("background: #eff6ff; border: 1px solid #bfdbfe; border-radius: 4px;"
                                    " padding: 6px; color: #1e3a8a;")

        step_page(self, QVBoxLayout(), title, help_label, grid, self.summary_label, (self.tree, 1), self.run,
             self.state_label, done, self.reminder)

    # --- showing -------------------------------------------------------------------------------------

    def _row(self, name: str, state: str, why: str, colour: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name, state, why])
        item.setForeground(1, QBrush(QColor(colour)))
        item.setToolTip(2, why)
        self.tree.addTopLevelItem(item)
        return item

    def rows(self) -> list[tuple[str, str, str]]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [(it.text(0), it.text(1), it.text(2)) for it in items if it is not None]

    def _show_planned(self) -> None:
        """Before an export: what the placed files cover (their checks run on export)."""
        self.tree.clear()
        photo = self._project.photo()
        self._row(self.tr("报名照片"), self.tr("已选择") if photo else self.tr("未选择"),
                  photo.name if photo else self.tr("可在“报名照片”一步添加"), GREEN if photo else GREY)
        spec = self._project.profile.materials
        items = self._project.items()
        bad = 0
        for cat in spec.categories if spec is not None else ():
            r = readiness(cat, item_members(items, cat.id))
            bad += r.needed and r.state is not CategoryState.READY
            n = sum(it.category == cat.id for it in items)
            why = "；".join(r.reasons) or (self.tr("{n} 个文件").format(n=n) if n else (cat.condition or ""))
            self._row(cat.name, state_label(r.state), why, STATE_COLOUR[r.state])
        unsorted = sum(it.category is None for it in items)
        if unsorted:
            why = self.tr("{n} 个文件未归类：在“报名材料”一步把它们放进类别").format(n=unsorted)
            self._row(self.tr("未分类"), self.tr("不会导出"), why, RED)
        if self._export is not None and self._stale:
            text = self.tr("材料在上次导出后有改动，请重新导出。")
        elif bad or unsorted:
            text = self.tr("按已添加的材料，还有 {n} 类未就绪（仍可导出，报告会列出缺什么）。").format(n=bad)
        else:
            text = self.tr("已添加的材料齐全；导出时会逐个重新检查。")
        self.summary_label.setText(text)
        self.summary_label.setStyleSheet(f"color: {RED if bad or unsorted else GREEN};")

    def _show_export(self, export: Export) -> None:
        self.tree.clear()
        if export.photo is not None:
            ok = export.photo.passed
            self._row(self.tr("报名照片"), self.tr("已就绪") if ok else self.tr("未通过"),
                      "；".join(c.message for c in export.photo.failures) or self.tr("已检查、修复并重新校验"),
                      GREEN if ok else RED)
        else:
            self._row(self.tr("报名照片"), self.tr("未导出"), self.tr("可在“报名照片”一步添加后再导出"), GREY)
        for s in export.categories:
            why = "；".join(s.reasons) or (self.tr("{n} 个文件").format(n=len(s.files)) if s.files
                                          else (s.category.condition or ""))
            self._row(s.category.name, state_label(s.state), why, STATE_COLOUR[s.state])
        for sk in export.skipped:
            page = self.tr("（第 {n} 页）").format(n=sk.page + 1) if sk.page is not None else ""
            self._row(Path(sk.source).name + page, self.tr("未导出") if sk.blocking else self.tr("已跳过"), sk.reason,
                      RED if sk.blocking else GREY)
        if export.ok:
            self.summary_label.setText(self.tr("全部必需材料已就绪：{root}").format(root=export.root))
            self.summary_label.setStyleSheet(f"color: {GREEN}; font-weight: bold;")
        else:
            self.summary_label.setText(self.tr("已导出，但尚有材料缺少或未通过（见红色项目）：补齐后再导出一次。"))
            self.summary_label.setStyleSheet(f"color: {RED}; font-weight: bold;")

    def _say_state(self, text: str, colour: str) -> None:
        self.state_label.say(text, colour)
        self._update_controls()

    def _update_controls(self) -> None:
        busy = self.busy
        target = self.target()
        self.export_button.setEnabled(not busy and target is not None)
        self.run.show_running(busy, busy, bool(self._token and self._token.cancelled))
        for w in (self.name_edit, self.folder_button):
            w.setEnabled(not busy)
        done = not busy and self._export is not None
        self.folder_open.setEnabled(done)
        self.report_open.setEnabled(done)
        self.target_label.setText(self.tr("将写入：{t}").format(t=target) if target is not None
                                  else self.tr("填写考生姓名后即可导出"))
        next_step = self._project.profile.next_step
        self.reminder.setText(self.tr("报名照片：{next}").format(next=next_step))
        self.reminder.setVisible(bool(next_step))

    # --- events --------------------------------------------------------------------------------------

    def _project_changed(self) -> None:
        name = self._project.project.name
        if self.name_edit.text() != name:
            self.name_edit.setText(name)
        if self._export is not None and not self.busy:
            if _blank(self._project):  # a new candidate: the last one's export is not theirs
                self._export, self._stale = None, False
                self._say_state("", GREY)
            else:
                self._stale = True
        if not self.busy:
            self._show_planned()
        self._update_controls()
        self.statusChanged.emit()

    def _choose_folder(self) -> None:
        path = ask_folder(self, self._folder)
        if path is not None:
            self.set_folder(path)

    def _say(self, message: str) -> None:
        if not self.busy:
            return
        self.run.advance(*self._progress.get())
        self.state_label.setText(self.tr("正在导出：{m}").format(m=message))

    def _done(self, export: Export) -> None:
        self._token = None
        self._export, self._stale = export, False
        self._show_export(export)
        self._say_state(self.tr("已导出到 {root}").format(root=export.root), GREEN)
        self.statusChanged.emit()
        self.exported.emit(export)

    def _failed(self, exc: Exception) -> None:
        self._token = None
        if isinstance(exc, Cancelled):
            text = (self.tr("已取消：原有导出保持不变。") if self._replacing
                    else self.tr("已取消：没有写入任何文件。"))
            self._say_state(text, GREY)
        elif isinstance(exc, UserError):
            self._say_state(self.tr("无法导出：{path}\n{why}").format(path=exc.path, why=exc.message), RED)
        else:
            why = f"{type(exc).__name__}: {exc}"
            self._say_state(self.tr("导出时出现意外错误，没有写入任何文件：{e}").format(e=why), RED)
        self.statusChanged.emit()
