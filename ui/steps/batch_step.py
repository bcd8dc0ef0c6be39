"""The batch step (help-desk mode only): a folder of walk-ins' photos fixed in one go into an
output folder (photocheck.api.run_batch: worker processes, driven from a job thread) with a
determinate progress bar and cancel; then a sortable table of the results (file, result, the
failed checks, size, 打开), a re-run of one row, and the output folder and summary.csv to open.
Originals are never touched; an output folder with files in it is reused only when asked."""

from __future__ import annotations

from pathlib import Path
from queue import SimpleQueue
from typing import Any, Literal

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QFont, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from photocheck.api import BatchRow, BatchSummary, Cancelled, CancelToken, Status, UserError
from photocheck.labels import batch_label, batch_status, check_names
from ui.i18n import english, tr
from ui.project_state import CandidateProject
from ui.steps.base import Step, StepState, StepStatus
from ui.steps.export_step import open_path
from ui.widgets.check_list import STYLES, status_icon
from ui.widgets.colours import AMBER, BLUE, GREEN, GREY, RED
from ui.widgets.layouts import RunRow, StateLabel, Stretch, fill, heading, help_text, path_field, step_page
from ui.workers import JobProgress, Say

FILE, RESULT, FAILED, SIZE, OPEN = range(5)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
_SEVERITY = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}
Reuse = Literal["overwrite", "resume"]
AnyIndex = QModelIndex | QPersistentModelIndex


def ask_reuse(parent: QWidget, folder: Path) -> Reuse | None:
    """The output folder holds files: process every photo again, only the unfinished ones, or stop
    (the command line's --overwrite / --resume)."""
    box = QMessageBox(QMessageBox.Icon.Question, tr("输出文件夹里已有文件"),
                      tr("{folder} 里已有文件。\n\n全部重新处理：每张照片都重新处理，替换原有结果"
                         "（这次未通过的照片，其旧输出会删除）。\n只处理未完成的：跳过已通过且输出比原照片新的照片。"
                         ).format(folder=folder), parent=parent)
    redo = box.addButton(tr("全部重新处理"), QMessageBox.ButtonRole.AcceptRole)
    resume = box.addButton(tr("只处理未完成的"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(resume)
    box.exec()
    clicked = box.clickedButton()
    return "overwrite" if clicked is redo else "resume" if clicked is resume else None


def _ask_folder(parent: QWidget, title: str, start: Path | None) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, title, str(start or Path.home()))
    return Path(name) if name else None


def _size(n: int | None) -> str:
    return tr("{n} 字节").format(n=f"{n:,}") if n is not None else ""


class BatchModel(QAbstractTableModel):
    """The rows of summary.csv, one per photo, as the table shows them; SORT_ROLE orders a column
    by what it means (the result by severity, the size by bytes)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._rows: list[BatchRow] = []
        # Drawn at twice the size: crisp on a 200 % screen, scaled down elsewhere.
        self._icons = {s: QIcon(status_icon(s, 16, 2.0)) for s in Status}
        self._link_font = QFont()
        self._link_font.setUnderline(True)

    def set_rows(self, rows: tuple[BatchRow, ...] | list[BatchRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def replace_row(self, row: BatchRow) -> None:
        """The photo's row by its file name, or a new row if the table did not have it."""
        i = next((i for i, r in enumerate(self._rows) if r.file == row.file), None)
        if i is None:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append(row)
            self.endInsertRows()
            return
        self._rows[i] = row
        self.dataChanged.emit(self.index(i, 0), self.index(i, OPEN))

    def rows(self) -> list[BatchRow]:
        return list(self._rows)

    def row_at(self, i: int) -> BatchRow:
        return self._rows[i]

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, OPEN)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, OPEN))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's own default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else OPEN + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (tr("文件"), tr("结果"), tr("不合格项"), tr("大小"), tr("输出"))[section]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self._rows[index.row()], index.column()
        status = batch_status(row.status)
        failed = check_names(list(row.checks), english()) if row.checks else row.failed
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.file, batch_label(row.status, english()), failed, _size(row.bytes),
                    tr("打开") if row.output else "")[col]
        if role == SORT_ROLE:
            return (row.file.casefold(), _SEVERITY[status], failed, row.bytes or -1, bool(row.output))[col]
        if role == Qt.ItemDataRole.DecorationRole and col == RESULT:
            return self._icons[status]
        if role == Qt.ItemDataRole.ForegroundRole and col in (RESULT, OPEN):
            return QColor(STYLES[status].colour if col == RESULT else BLUE)
        if role == Qt.ItemDataRole.FontRole and col == OPEN:
            return self._link_font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == OPEN:
                return tr("用系统的看图程序打开 {name}").format(name=row.output) if row.output else None
            return row.message or None
        return None


class BatchStep(Step):
    def __init__(self, backend: Any, project: CandidateProject, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._project = project
        self._input: Path | None = None
        self._output: Path | None = None
        self._output_proposed = False  # the output folder was derived from the input: follow it
        self._summary: BatchSummary | None = None
        self._dirs: tuple[Path, Path] | None = None  # the folders of the rows shown (a re-run goes there)
        self._token: CancelToken | None = None
        self._progress = JobProgress()
        self._arrived: SimpleQueue[BatchRow] = SimpleQueue()  # rows finished on the job thread, not shown yet
        self._runner.progress.connect(self._say)
        self.setAcceptDrops(True)
        self._build()
        self.retranslate()
        self._update_controls()

    # --- Step ----------------------------------------------------------------------------------------

    def title(self) -> str:
        return tr("批量处理")

    def status(self) -> StepStatus:
        if self.busy and self._token is None:
            return StepStatus(StepState.NEEDS_WORK, tr("正在重新处理…"))
        if self.busy:
            done, total = self._progress.get()
            return StepStatus(StepState.NEEDS_WORK, tr("正在处理 {done}/{total}").format(done=done, total=total))
        rows = self.model.rows()
        if self._summary is None:
            return StepStatus(StepState.NOT_STARTED, tr("尚未处理"))
        passed = sum(r.status == "通过" for r in rows)
        if self._summary.cancelled:
            return StepStatus(StepState.NEEDS_WORK, tr("已取消，{n}/{total} 张已完成").format(
                n=len(rows), total=self._summary.inputs))
        if passed == len(rows):
            return StepStatus(StepState.READY, tr("{n} 张全部通过").format(n=passed))
        return StepStatus(StepState.NEEDS_WORK, tr("{p}/{n} 张通过").format(p=passed, n=len(rows)))

    def shut_down(self, grace: float) -> bool:
        if self._token is not None:
            self._token.cancel()
        return self._runner.shut_down(grace)

    # --- public -------------------------------------------------------------------------------------

    @property
    def summary(self) -> BatchSummary | None:
        return self._summary

    def set_input(self, path: Path) -> None:
        self._input = Path(path)
        if self._output is None or self._output_proposed:
            self._output = self._input.parent / tr("{name}-已处理").format(name=self._input.name)
            self._output_proposed = True
        self._update_controls()

    def set_output(self, path: Path) -> None:
        self._output, self._output_proposed = Path(path), False
        self._update_controls()

    def start(self) -> None:
        inp, out = self._input, self._output
        if self.busy or inp is None or out is None:
            return
        try:
            occupied = self._backend.batch_output_occupied(out)
        except UserError as exc:
            self._say_error(exc)
            return
        choice = ask_reuse(self, out) if occupied else None
        if occupied and choice is None:
            self._say_state(tr("已取消：输出文件夹保持不变。"), GREY)
            return
        token = self._token = CancelToken()
        progress = self._progress
        progress.set(0, 1)
        arrived = self._arrived = SimpleQueue()
        profile, run = self._project.profile, self._backend.run_batch

        def work(say: Say) -> BatchSummary:
            def report(done: int, total: int, file: str) -> None:
                progress.set(done, total)
                say(file)  # raises Cancelled once the window closes: run_batch stops as on cancel

            summary: BatchSummary = run(inp, out, profile=profile, overwrite=choice == "overwrite",
                                        resume=choice == "resume", progress=report, cancel=token,
                                        on_row=arrived.put)
            return summary

        self._summary, self._dirs = None, (inp, out)
        self.model.set_rows([])
        self._runner.start(work, self._done, self._failed)
        self.run.begin()
        self._say_state(tr("正在启动处理进程…"), GREY)
        self.statusChanged.emit()

    def cancel(self) -> None:
        if self.busy and self._token is not None:
            self._token.cancel()
            self._say_state(tr("正在取消：已开始的照片会放弃，未开始的不再处理…"), GREY)

    def selected_row(self) -> BatchRow | None:
        chosen = self.table.selectionModel().selectedRows()
        if len(chosen) != 1:
            return None
        return self.model.row_at(self.proxy.mapToSource(chosen[0]).row())

    def rerun_selected(self) -> None:
        row = self.selected_row()
        if row is None or self.busy or self._dirs is None:
            return
        (inp, out), file = self._dirs, row.file
        profile, rerun = self._project.profile, self._backend.rerun_batch_row
        self._runner.start(lambda _say: rerun(inp, out, file, profile=profile), self._rerun_done, self._failed)
        self.progress.setRange(0, 0)  # one photo: no steps to count
        self._say_state(tr("正在重新处理 {file}…").format(file=file), GREY)
        self.statusChanged.emit()

    def open_row(self, row: BatchRow) -> None:
        if self._dirs is None or not row.output:
            return
        path = self._dirs[1] / row.output
        if path.is_file():
            open_path(path)
        else:
            self._say_state(tr("找不到输出文件：{path}").format(path=path), RED)

    def open_folder(self) -> None:
        if self._dirs is not None:
            open_path(self._dirs[1])

    def open_summary(self) -> None:
        if self._summary is not None:
            open_path(self._summary.csv_path)

    # --- layout --------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading, self.help_label = heading(), help_text()
        self.input_label, self.output_label = QLabel(), QLabel()
        self.input_edit, self.output_edit = path_field(), path_field()
        self.input_button, self.output_button = QPushButton(), QPushButton()
        self.input_button.clicked.connect(self._choose_input)
        self.output_button.clicked.connect(self._choose_output)
        grid = QGridLayout()
        grid.addWidget(self.input_label, 0, 0)
        grid.addWidget(self.input_edit, 0, 1)
        grid.addWidget(self.input_button, 0, 2)
        grid.addWidget(self.output_label, 1, 0)
        grid.addWidget(self.output_edit, 1, 1)
        grid.addWidget(self.output_button, 1, 2)
        grid.setColumnStretch(1, 1)

        self.run = RunRow(progress_format="%v/%m")
        self.start_button, self.cancel_button, self.progress = self.run.start, self.run.cancel, self.run.progress
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.state_label = StateLabel()

        self.model = BatchModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(FILE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        # A light selection, as in the side bar: the coloured result and 打开 stay readable on it.
        self.table.setStyleSheet("QTableView::item:selected { background: #dbeafe; color: #1e3a8a; }")
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col in (FILE, RESULT, SIZE, OPEN):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FAILED, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_controls())

        self.rerun_button = QPushButton()
        self.rerun_button.clicked.connect(self.rerun_selected)
        self.folder_open = QPushButton()
        self.folder_open.clicked.connect(self.open_folder)
        self.csv_open = QPushButton()
        self.csv_open.clicked.connect(self.open_summary)
        done = fill(QHBoxLayout(), self.rerun_button, Stretch(), self.folder_open, self.csv_open)
        step_page(self, QVBoxLayout(), self.heading, self.help_label, grid, self.run, self.state_label, (self.table, 1),
             done)

    def retranslate(self) -> None:
        self.heading.setText(tr("批量处理"))
        self.help_label.setText(tr("把一个文件夹里的报名照片一次处理完：每张照片检查、修复、压缩后存入输出文件夹，"
                                   "summary.csv 列出每张的结果。原照片不会被修改。也可以把照片文件夹拖到这里。"))
        self.input_label.setText(tr("照片文件夹："))
        self.output_label.setText(tr("输出到："))
        self.input_edit.setPlaceholderText(tr("选择或拖入一个照片文件夹"))
        self.input_button.setText(tr("选择…"))
        self.output_button.setText(tr("选择…"))
        self.start_button.setText(tr("开始处理"))
        self.cancel_button.setText(tr("取消"))
        self.rerun_button.setText(tr("重新处理所选"))
        self.rerun_button.setToolTip(tr("照片换过或重拍后：只重新处理这一张，只替换它自己的结果"))
        self.folder_open.setText(tr("打开输出文件夹"))
        self.csv_open.setText(tr("打开 summary.csv"))
        self.model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "model"):
            self.retranslate()
        super().changeEvent(event)

    # --- showing -------------------------------------------------------------------------------------

    def _say_state(self, text: str, colour: str) -> None:
        self.state_label.say(text, colour)
        self._update_controls()

    def _say_error(self, exc: UserError) -> None:
        text = exc.message_en if english() else exc.message
        self._say_state(tr("无法处理：{path}\n{why}").format(path=exc.path or "", why=text), RED)

    def _update_controls(self) -> None:
        busy = self.busy
        self.input_edit.setText(str(self._input) if self._input else "")
        self.output_edit.setText(str(self._output) if self._output else "")
        self.start_button.setEnabled(not busy and self._input is not None and self._output is not None)
        self.run.show_running(busy, busy and self._token is not None, bool(self._token and self._token.cancelled))
        for w in (self.input_button, self.output_button):
            w.setEnabled(not busy)
        self.rerun_button.setEnabled(not busy and self._dirs is not None and self.selected_row() is not None)
        self.folder_open.setEnabled(not busy and self._dirs is not None and self._dirs[1].is_dir())
        self.csv_open.setEnabled(not busy and self._summary is not None)

    def _show_summary(self, summary: BatchSummary) -> None:
        counts = {s: sum(r.status == s for r in summary.rows) for s in ("通过", "未通过", "无法读取")}
        if summary.cancelled:
            text = tr("已取消：{n}/{total} 张已完成，其余照片没有处理。已完成的列在下面和 summary.csv 里。").format(
                n=summary.total, total=summary.inputs)
            self._say_state(text, GREY)
            return
        text = tr("共 {n} 张：{p} 张通过，{r} 张需复核，{f} 张不通过。").format(
            n=summary.total, p=counts["通过"], r=counts["未通过"], f=counts["无法读取"])
        if summary.skipped:
            text += tr("（其中 {s} 张的结果仍有效，没有重新处理）").format(s=summary.skipped)
        self._say_state(text, GREEN if counts["通过"] == summary.total else AMBER)

    # --- events --------------------------------------------------------------------------------------

    def _choose_input(self) -> None:
        path = _ask_folder(self, tr("选择照片文件夹"), self._input)
        if path is not None:
            self.set_input(path)

    def _choose_output(self) -> None:
        path = _ask_folder(self, tr("选择输出文件夹"), self._output.parent if self._output else self._input)
        if path is not None:
            self.set_output(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.busy and _dropped_folder(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        folder = _dropped_folder(event)
        if folder is not None and not self.busy:
            event.acceptProposedAction()
            self.set_input(folder)

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == OPEN:
            self.open_row(self.model.row_at(self.proxy.mapToSource(index).row()))

    def _activated(self, index: QModelIndex) -> None:
        """Enter or a double click opens the row's output too (on 打开 the click did already)."""
        if index.column() != OPEN:
            self.open_row(self.model.row_at(self.proxy.mapToSource(index).row()))

    def _say(self, file: str) -> None:
        if not self.busy or self._token is None:
            return
        while not self._arrived.empty():  # the table fills as the photos finish
            self.model.replace_row(self._arrived.get())
        done, total = self._progress.get()
        if not self._token.cancelled:
            self.state_label.setText(tr("已完成 {done}/{total} 张：{file}").format(done=done, total=total, file=file)
                                     if file else tr("正在处理 {total} 张照片…").format(total=total))
        self.run.advance(done, total)
        self.statusChanged.emit()

    def _done(self, summary: BatchSummary) -> None:
        self._token = None
        self._summary = summary
        self.model.set_rows(summary.rows)
        self._show_summary(summary)
        self.statusChanged.emit()

    def _rerun_done(self, row: BatchRow) -> None:
        self.model.replace_row(row)
        colour = {Status.PASS: GREEN, Status.WARN: AMBER, Status.FAIL: RED}[batch_status(row.status)]
        self._say_state(tr("已重新处理 {file}：{result}").format(file=row.file,
                                                               result=batch_label(row.status, english())), colour)
        self.statusChanged.emit()

    def _failed(self, exc: Exception) -> None:
        self._token = None
        if isinstance(exc, Cancelled):
            self._say_state(tr("已取消。"), GREY)
        elif isinstance(exc, UserError):
            self._say_error(exc)
        else:
            self._say_state(tr("处理时出现意外错误：{e}").format(e=f"{type(exc).__name__}: {exc}"), RED)
        self.statusChanged.emit()


def _dropped_folder(event: QDropEvent | QDragEnterEvent) -> Path | None:
    paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
    return next((p for p in paths if p.is_dir()), None)
