"""The materials step: one card per category of the profile. Files and folders dropped anywhere (or
added with the buttons) are checked one at a time off the GUI thread (fix_material into a work
folder: the suggested category and slot, the checks, the corners) and land in their card; the user
moves them by drag or menu, rotates, reorders, replaces, deletes them and corrects their corners.
Every decision is written to the shared CandidateProject's items. A portrait dropped here is not a
document: it is offered to the photo step (photoOffered)."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QPoint, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from photocheck.api import Cancelled, CategoryState, MaterialCategory, MaterialReport, Status, UserError
from photocheck.labels import state_label
from ui.material_state import UNSORTED, Entry, Readiness, free_slot, members_of, readiness, variant_for
from ui.project_state import CandidateProject
from ui.steps.base import Step, StepState, StepStatus
from ui.widgets.category_card import CategoryCard
from ui.widgets.check_list import CheckList
from ui.widgets.colours import AMBER, GREY
from ui.widgets.corner_editor import CornerEditor
from ui.widgets.image_preview import ImagePreview
from ui.widgets.layouts import fill, heading, help_text, step_page
from ui.widgets.thumbnail import Thumbnail

THUMB_SIDE = 360  # the tile and the detail pane share one decoded preview
MATERIAL_FILTER = "图片或 PDF (*.jpg *.jpeg *.png *.heic *.heif *.webp *.bmp *.tif *.tiff *.pdf);;所有文件 (*)"


def ask_files(parent: QWidget) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, parent.tr("添加材料文件"), "", MATERIAL_FILTER)
    return [Path(n) for n in names]


def ask_folder(parent: QWidget) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, parent.tr("添加材料文件夹"), "")
    return Path(name) if name else None


def ask_replacement(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, parent.tr("选择替换的文件"), "", MATERIAL_FILTER)
    return Path(name) if name else None


def expand(paths: list[Path]) -> list[Path]:
    """Folders become their files (sorted, hidden ones left out); files stay in the given order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file()
                          and not any(part.startswith(".") for part in f.relative_to(p).parts))
        else:
            out.append(p)
    return out


# --- the job -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    key: int
    version: int
    sha256: str | None
    report: MaterialReport | None
    thumb: np.ndarray | None
    portrait: bool
    error: str  # a readable reason when the file could not be processed


def check_job(backend: Any, e: Entry, out: Path, profile: Any) -> Any:
    """fix_material on one entry; for a picture the user has not placed, also what the pipeline
    makes of its face and text: a portrait (for the photo step) or a hand-held ID photo (its slot,
    offered as the suggestion), as prepare tells them."""
    key, version, path, page = e.key, e.version, e.path, e.page
    category, slot, rotation, corners, keep = e.category, e.slot, e.rotation, e.corners, e.keep

    def work(say: Any) -> Checked:
        try:
            digest = backend.file_digest(path)
        except OSError as exc:
            return Checked(key, version, None, None, None, False, f"无法读取该文件：{exc.strerror or exc}")
        say("")
        kind = None
        if not keep and category is None and page is None:
            try:
                kind = backend.picture_kind(path, profile=profile)
            except UserError:
                kind = None
        held = kind.suggestion if kind is not None else None  # checked as the hand-held photo it is
        try:
            report = backend.fix_material(path, out, page=page, category=held.category_id if held else category,
                                          slot=held.slot if held else slot, rotation=rotation or None,
                                          corners=corners, profile=profile)
        except UserError as exc:
            if isinstance(exc, Cancelled):
                raise
            return Checked(key, version, digest, None, None, False, exc.message)
        say("")
        if held is not None:
            report = replace(report, suggestion=held)
        portrait = kind is not None and kind.portrait
        shown = report.output.path if report.output is not None else None
        try:
            thumb = (backend.load_preview(shown, THUMB_SIDE) if shown is not None
                     else backend.material_preview(path, THUMB_SIDE, page=page, profile=profile)[0])
        except UserError:
            thumb = None
        return Checked(key, version, digest, report, thumb, portrait, "")

    return work


# --- the step ----------------------------------------------------------------------------------------


class MaterialDetail(QFrame):
    """The selected file: its picture, where it was placed and why, its checks with their values,
    and the buttons that change it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(300)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold;")
        self.title.setWordWrap(True)
        self.preview = ImagePreview(self.tr("处理结果"), self.tr("选中左侧的文件查看详情"))
        self.preview.image.setMinimumSize(200, 160)
        self.placement = QLabel()
        self.placement.setWordWrap(True)
        self.placement.setStyleSheet(f"color: {GREY};")
        self.category = QComboBox()
        self.slot = QComboBox()
        self.rotate_left = QPushButton(self.tr("向左转"))
        self.rotate_right = QPushButton(self.tr("向右转"))
        self.corners = QPushButton(self.tr("调整四角…"))
        self.replace = QPushButton(self.tr("替换…"))
        self.delete = QPushButton(self.tr("删除"))
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {AMBER};")
        self.checks = CheckList()
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(f"color: {GREY}; font-size: 11px;")
        where = QHBoxLayout()
        where.addWidget(QLabel(self.tr("类别")))
        where.addWidget(self.category, 2)
        where.addWidget(self.slot, 1)
        actions = QHBoxLayout()
        for b in (self.rotate_left, self.rotate_right, self.corners):
            actions.addWidget(b)
        more = QHBoxLayout()
        more.addWidget(self.replace)
        more.addWidget(self.delete)
        more.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.preview, 2)
        layout.addWidget(self.placement)
        layout.addLayout(where)
        layout.addLayout(actions)
        layout.addLayout(more)
        layout.addWidget(self.warning)
        layout.addWidget(self.checks, 3)
        layout.addWidget(self.notes)
        self.show_entry(None, [])

    def show_entry(self, e: Entry | None, categories: list[tuple[str, str]], slots: Sequence[tuple[str, str]] = (),
                   category_name: str = "") -> None:
        for w in (self.category, self.slot, self.rotate_left, self.rotate_right, self.corners, self.replace,
                  self.delete):
            w.setEnabled(e is not None and not e.pending)
        self.category.blockSignals(True)
        self.slot.blockSignals(True)
        self.category.clear()
        self.slot.clear()
        if e is None:
            self.title.setText(self.tr("未选中文件"))
            self.preview.set_image(None)
            self.placement.setText("")
            self.warning.hide()
            self.checks.clear()
            self.notes.setText("")
            self.category.blockSignals(False)
            self.slot.blockSignals(False)
            return
        self.title.setText(e.name)
        self.title.setToolTip(str(e.path))
        self.category.addItem(self.tr("未分类"), UNSORTED)
        for cid, name in categories:
            self.category.addItem(name, cid)
        self.category.setCurrentIndex(max(0, self.category.findData(e.category or UNSORTED)))
        self.slot.setVisible(bool(slots))
        self.slot.addItem(self.tr("（未指定）"), None)
        for sid, name in slots:
            self.slot.addItem(name, sid)
        self.slot.setCurrentIndex(max(0, self.slot.findData(e.slot)))
        self.category.blockSignals(False)
        self.slot.blockSignals(False)
        self.preview.set_image(e.thumb, e.report.output.path.suffix.upper().lstrip(".")
                               if e.report is not None and e.report.output else "")
        self.placement.setText(placement_text(e, category_name))
        warning = ""
        if e.error:
            warning = e.error
        elif e.report is not None and not e.report.document_found and e.page is None:
            warning = self.tr("未找到证件或纸张的边缘，保留了整幅画面：请用“调整四角”标出。")
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.checks.set_checks(e.report.checks if e.report is not None else [])
        self.notes.setText("\n".join(f"· {n}" for n in e.report.notes) if e.report is not None else "")


def placement_text(e: Entry, category_name: str) -> str:
    def tr(text: str) -> str:
        return QCoreApplication.translate("MaterialDetail", text)

    if e.pending:
        return tr("正在检查…")
    s = e.report.suggestion if e.report is not None else None
    if e.placed_by_user:
        return tr("由你放入“{c}”").format(c=category_name) if category_name else tr("尚未归类：拖到对应的类别卡片上")
    if s is not None and s.category_id:
        return tr("自动识别为“{c}”，把握 {p:.0%}：{why}").format(c=category_name, p=s.confidence, why=s.reason)
    return tr("未能自动识别类别：请拖到对应的类别卡片上，或在上方选择类别")


class MaterialsStep(Step):
    photoOffered = Signal(Path)  # a portrait was dropped here: the photo step should take it
    idle = Signal()  # every queued file has been checked

    def __init__(self, backend: Any, project: CandidateProject, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._project = project
        self._entries: list[Entry] = []
        self._keys = itertools.count(1)
        self._queue: list[int] = []
        self._done = 0
        self._total = 0
        self._selected: int | None = None
        self._tiles: dict[int, Thumbnail] = {}
        self._cards: dict[str, CategoryCard] = {}
        self._published: list[Any] = []
        self._profile_id = ""  # the profile the cards were built for
        self._publishing = False
        self._work = tempfile.TemporaryDirectory(prefix="photocheck-materials-")
        self._runs = itertools.count()
        self.offered: list[Path] = []  # portraits handed to the photo step
        self.notes: list[str] = []  # what was left out and why (duplicates)
        self.setAcceptDrops(True)
        self._build()
        self._build_cards()
        project.changed.connect(self._project_changed)
        self._project_changed()

    # --- Step ----------------------------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("报名材料")

    def status(self) -> StepStatus:
        if not self._entries:
            return StepStatus(StepState.NOT_STARTED, self.tr("尚未添加材料"))
        if self.busy:
            return StepStatus(StepState.NEEDS_WORK, self.tr("正在检查 {n} 个文件").format(n=len(self._queue)))
        states = self.readiness()
        needed = [r for r in states.values() if r.needed]
        ready = sum(r.state is CategoryState.READY for r in needed)
        unsorted = any(e.category is None for e in self._entries)
        state = StepState.READY if ready == len(needed) and not unsorted else StepState.NEEDS_WORK
        return StepStatus(state, self.tr("{ready}/{total} 类已就绪").format(ready=ready, total=len(needed)))

    def shut_down(self, grace: float) -> bool:
        self._queue.clear()
        done = self._runner.shut_down(grace)
        self._work.cleanup()
        return done

    def forget(self) -> None:
        """Nothing of the candidate stays (the next one at a help desk): the running check is dropped,
        the work folder with its outputs is deleted, every file, tile, note and preview goes."""
        self._runner.cancel()
        self._current = None
        self._work.cleanup()
        self._work = tempfile.TemporaryDirectory(prefix="photocheck-materials-", ignore_cleanup_errors=True)
        self._drop_entries()
        self.notes, self.offered = [], []
        self.portrait_label.clear()
        self.portrait_banner.hide()
        self._refresh()

    # --- public: what the buttons, drops, menus and tests call ---------------------------------------------

    @property
    def busy(self) -> bool:
        return self._runner.busy or bool(self._queue)

    def entries(self) -> list[Entry]:
        return list(self._entries)

    def entry(self, key: int) -> Entry | None:
        return next((e for e in self._entries if e.key == key), None)

    def card(self, category_id: str) -> CategoryCard:
        return self._cards[category_id]

    def tile(self, key: int) -> Thumbnail:
        return self._tiles[key]

    def readiness(self) -> dict[str, Readiness]:
        spec = self._project.profile.materials
        cats = spec.categories if spec is not None else ()
        return {c.id: readiness(c, members_of(self._entries, c.id)) for c in cats}

    def add_paths(self, paths: list[Path], category: str | None = None) -> None:
        """Files and folders; a PDF becomes one entry per page. `category`: the card they were dropped on."""
        for path in expand([Path(p) for p in paths]):
            try:
                inputs = self._backend.material_inputs(path)
            except UserError as exc:
                inputs, error = [(path, None)], exc.message
            else:
                error = ""
            for source, page in inputs:
                e = Entry(next(self._keys), source.resolve(), page, category=category, placed_by_user=bool(category))
                cat = self._category(category)
                if cat is not None:
                    e.slot = free_slot(cat, None, self._taken(category, e))
                self._entries.append(e)
                if error:
                    e.error, e.pending = error, False
                else:
                    self._enqueue(e)
        self._refresh()

    def move_to(self, key: int, category: str | None, slot: str | None = None) -> None:
        """Into `category` (None: 未分类), into `slot` if given (a file already there swaps places)."""
        e = self.entry(key)
        if e is None:
            return
        category = category or None
        old_category, old_slot = e.category, e.slot
        recheck = self._caps(old_category) != self._caps(category)
        e.category, e.placed_by_user = category, True
        cat = self._category(category) if category else None
        if cat is None or not cat.variants:
            e.slot = None
        elif slot is not None:
            other = next((o for o in self._entries if o is not e and o.category == category and o.slot == slot), None)
            if other is not None:
                taken = [*self._taken(category, other), slot]
                other.slot = old_slot if old_category == category else free_slot(cat, None, taken)
            e.slot = slot
        elif old_category != category:
            wanted = e.report.suggestion.slot if e.report and e.report.suggestion and \
                e.report.suggestion.category_id == category else None
            e.slot = free_slot(cat, wanted, self._taken(category, e))
        if recheck and not e.pending:
            self._enqueue(e)
        self._refresh()

    def rotate(self, key: int, degrees: int) -> None:
        """A quarter turn (90 clockwise, -90 counter-clockwise) from how it is shown now."""
        e = self.entry(key)
        if e is None:
            return
        current = e.report.rotation if e.report is not None else e.rotation
        e.rotation = (current + degrees) % 360
        e.corners = None  # they were measured in the old orientation
        self._enqueue(e)
        self._refresh()

    def remove(self, key: int) -> None:
        e = self.entry(key)
        if e is None:
            return
        self._entries.remove(e)
        if key in self._queue:
            self._queue.remove(key)
            self._total = max(0, self._total - 1)
        tile = self._tiles.pop(key, None)
        if tile is not None:
            tile.hide()
            tile.deleteLater()
        if self._selected == key:
            self._selected = None
        self._refresh()

    def replace(self, key: int, path: Path) -> None:
        """Another file in the same category and slot (a retaken photo)."""
        e = self.entry(key)
        if e is None:
            return
        try:
            page = self._backend.material_inputs(path)[0][1]
        except UserError as exc:
            e.error = exc.message
            self._refresh()
            return
        e.path, e.page, e.sha256, e.report, e.thumb = Path(path).resolve(), page, None, None, None
        e.rotation, e.corners, e.error, e.placed_by_user = 0, None, "", e.category is not None
        self._enqueue(e)
        self._refresh()

    def reorder(self, key: int, delta: int) -> None:
        """Earlier (-1) or later (+1) among the files of its category: the export numbers them in this order."""
        e = self.entry(key)
        if e is None:
            return
        same = [i for i, o in enumerate(self._entries) if o.category == e.category]
        at = same.index(self._entries.index(e))
        to = at + delta
        if 0 <= to < len(same):
            i, j = same[at], same[to]
            self._entries[i], self._entries[j] = self._entries[j], self._entries[i]
            self._refresh()

    def apply_corners(self, key: int, corners: list[list[float]], report: MaterialReport | None = None,
                      picture: np.ndarray | None = None) -> None:
        """The corner editor's answer: the user's corners (in the picture after the shown rotation), and
        fix_material's report and written picture for them when the editor had them; else a new check."""
        e = self.entry(key)
        if e is None:
            return
        if e.report is not None:
            e.rotation = e.report.rotation  # the corners belong to this orientation
        e.corners = corners
        if report is not None and not e.pending:
            e.version += 1
            e.report, e.error = report, ""
            if picture is not None:
                e.thumb = picture
            self._refresh()
        else:
            self._enqueue(e)
            self._refresh()

    def edit_corners(self, key: int) -> None:
        e = self.entry(key)
        if e is None or e.pending:
            return
        rotation = e.report.rotation if e.report is not None else e.rotation
        corners = e.corners or (e.report.corners if e.report is not None else None)
        dialog = CornerEditor(self._backend, e.path, e.page, e.category, rotation, corners, self._project.profile,
                              Path(self._work.name), self)
        if dialog.exec():
            last = dialog.rectified if not dialog.busy else None
            current = last if last is not None and last.corners == dialog.corners else None
            self.apply_corners(key, dialog.corners, current.report if current else None,
                               current.output if current else None)

    def select(self, key: int | None) -> None:
        self._selected = key
        for k, tile in self._tiles.items():
            tile.set_selected(k == key)
        self._show_detail()

    def _keep_offered(self) -> None:
        if self.offered:
            self.keep_as_material(self.offered[-1])

    def keep_as_material(self, path: Path) -> None:
        """A portrait the user wants among the materials after all."""
        if path in self.offered:
            self.offered.remove(path)
        e = Entry(next(self._keys), path, None, keep=True)
        self._entries.append(e)
        self._enqueue(e)
        self._refresh()

    # --- layout --------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = heading(self.tr("报名材料"))
        self.help = help_text(self.tr("把身份证、毕业证书、学信网报告等的照片、扫描件或 PDF 拖到这里"
                                      "（文件或整个文件夹都可以）：每个文件会自动放进对应的类别；放错了就拖到正确的卡片上，或右键选择。"
                                      "原文件不会被修改，所有处理都在本机完成。"))
        self.add_files_button = QPushButton(self.tr("添加文件…"))
        self.add_files_button.clicked.connect(lambda: self.add_paths(ask_files(self)))
        self.add_folder_button = QPushButton(self.tr("添加文件夹…"))
        self.add_folder_button.clicked.connect(self._add_folder)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.setFormat("%v/%m")
        self.progress.hide()
        self.progress_label = QLabel()
        self.progress_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar = fill(QHBoxLayout(), self.add_files_button, self.add_folder_button, self.progress,
                   (self.progress_label, 1))
        self.portrait_banner = QFrame()
        self.portrait_banner.setStyleSheet("QFrame { background: #eff6ff; border: 1px solid #bfdbfe;"
                                           " border-radius: 4px; } QLabel { border: none; color: #1e3a8a; }")
        self.portrait_label = QLabel()
        self.portrait_label.setWordWrap(True)
        self.portrait_keep = QPushButton(self.tr("仍作为材料"))
        self.portrait_keep.clicked.connect(self._keep_offered)
        banner = fill(QHBoxLayout(self.portrait_banner), (self.portrait_label, 1), self.portrait_keep)
        banner.setContentsMargins(8, 4, 8, 4)
        self.portrait_banner.hide()
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet(f"color: {AMBER};")
        self.notes_label.hide()

        self.cards_body = QWidget()
        self.cards_layout = QVBoxLayout(self.cards_body)
        self.cards_layout.setContentsMargins(0, 0, 6, 0)
        self.cards_layout.setSpacing(8)
        self.cards_scroll = QScrollArea()
        self.cards_scroll.setWidgetResizable(True)
        self.cards_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.cards_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards_scroll.setWidget(self.cards_body)
        self.detail = MaterialDetail()
        self.detail.category.currentIndexChanged.connect(self._detail_category)
        self.detail.slot.currentIndexChanged.connect(self._detail_slot)
        self.detail.rotate_left.clicked.connect(lambda: self._on_selected(lambda k: self.rotate(k, -90)))
        self.detail.rotate_right.clicked.connect(lambda: self._on_selected(lambda k: self.rotate(k, 90)))
        self.detail.corners.clicked.connect(lambda: self._on_selected(self.edit_corners))
        self.detail.replace.clicked.connect(lambda: self._on_selected(self._ask_replace))
        self.detail.delete.clicked.connect(lambda: self._on_selected(self.remove))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.cards_scroll)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        split.setChildrenCollapsible(False)
        self.cards_scroll.setMinimumWidth(480)  # three slot boxes side by side
        self.detail.setMaximumWidth(420)
        split.setSizes([760, 380])
        self.split = split

        step_page(self, QVBoxLayout(), self.heading, self.help, bar, self.portrait_banner, self.notes_label, (split, 1))

    def _build_cards(self) -> None:
        for card in self._cards.values():
            card.hide()
            card.deleteLater()
        self._cards = {}
        spec = self._project.profile.materials
        unsorted = CategoryCard(UNSORTED, self.tr("未分类"), self.tr("拖到对应的类别"))
        self._cards[UNSORTED] = unsorted
        for cat in spec.categories if spec is not None else ():
            tag = self.tr("必需") if cat.required else self.tr("按条件需要")
            card = CategoryCard(cat.id, cat.name, tag)
            card.setToolTip(cat.hint or "")
            self._cards[cat.id] = card
        for cid, card in self._cards.items():
            card.itemDropped.connect(self._dropped_item)
            card.filesDropped.connect(lambda paths, c, cid=cid: self.add_paths(paths, c or None))
            self.cards_layout.addWidget(card)
        self.cards_layout.addStretch(1)

    # --- showing ---------------------------------------------------------------------------------------

    def _category(self, category_id: str | None) -> MaterialCategory | None:
        spec = self._project.profile.materials
        try:
            return spec.category(category_id) if spec is not None and category_id else None
        except KeyError:
            return None

    def _caps(self, category_id: str | None) -> tuple[int, tuple[str, ...]] | None:
        cat = self._category(category_id)
        spec = self._project.profile.materials
        if cat is not None:
            return cat.max_bytes, cat.formats
        return (spec.max_bytes, spec.formats) if spec is not None else None

    def _taken(self, category_id: str | None, but: Entry) -> list[str | None]:
        return [o.slot for o in self._entries if o is not but and o.category == category_id]

    def _tile(self, e: Entry) -> Thumbnail:
        tile = self._tiles.get(e.key)
        if tile is None:
            tile = Thumbnail(e.key)
            tile.clicked.connect(self.select)
            tile.menuRequested.connect(self._menu)
            self._tiles[e.key] = tile
        if e.pending:
            status, detail = None, self.tr("检查中…")
        elif e.failures:
            status, detail = Status.FAIL, self.tr("未通过") if not e.error else self.tr("无法处理")
        else:
            warn = e.report is not None and any(c.status is Status.WARN for c in e.report.checks)
            status, detail = (Status.WARN if warn else Status.PASS), self.tr("通过")
        if not e.pending and e.confidence is not None and not e.placed_by_user:
            detail += self.tr(" · 识别 {p:.0%}").format(p=e.confidence)
        elif not e.pending and e.placed_by_user:
            detail += self.tr(" · 手动")
        tip = "\n".join([str(e.path), *e.failures])
        tile.show_entry(e.name, e.thumb, status, detail, tip)
        tile.set_selected(e.key == self._selected)
        return tile

    def _refresh(self) -> None:
        spec = self._project.profile.materials
        states = self.readiness()
        for cid, card in self._cards.items():
            mine = [e for e in self._entries if (e.category or UNSORTED) == cid]
            placed = [(e.slot, self._tile(e)) for e in mine]
            if cid == UNSORTED:
                card.setVisible(bool(mine))
                card.set_tiles([], placed)
                card.show_state("not_ready", "", self.tr("{n} 个").format(n=len(mine)),
                                [self.tr("这些文件未能识别类别：拖到对应的卡片上，或右键“移到”")] if mine else [])
                continue
            assert spec is not None  # only the unsorted card exists without one
            cat = spec.category(cid)
            variant = variant_for(cat, [e.slot for e in mine])
            slots = [(s.id, s.name) for s in variant.slots] if variant is not None else []
            card.set_tiles(slots, placed, self.tr("拖入文件"))
            r = states[cid]
            many = self.tr("{n} 个").format(n=len(mine))
            count = f"{len(mine)}/{cat.max_count}" if cat.max_count is not None else many
            hint = cat.hint or ""
            if not cat.required:
                hint = self.tr("适用于：{c}。").format(c=cat.condition) + hint
            label = self.tr("未提供") if r.state is CategoryState.NOT_PROVIDED else state_label(r.state)
            card.show_state(r.state.value, label, count, list(r.reasons), hint)
        self._show_progress()
        self._show_detail()
        self._publish()

    def _show_detail(self) -> None:
        e = self.entry(self._selected) if self._selected is not None else None
        spec = self._project.profile.materials
        cats = [(c.id, c.name) for c in spec.categories] if spec is not None else []
        cat = self._category(e.category) if e is not None else None
        slots = [(s.id, s.name) for v in cat.variants for s in v.slots] if cat is not None else []
        slots = list(dict.fromkeys(slots))
        self.detail.show_entry(e, cats, slots, cat.name if cat is not None else "")

    def _show_progress(self) -> None:
        working = self.busy
        self.progress.setVisible(working)
        if working:
            self.progress.setRange(0, max(1, self._total))
            self.progress.setValue(self._done)
            current = self.entry(self._queue[0]) if self._queue and not self._runner.busy else None
            name = self._current.name if self._runner.busy and self._current else (current.name if current else "")
            self.progress_label.setText(self.tr("正在检查第 {i}/{n} 个文件：{name}（每份材料需要几秒钟）").format(
                i=min(self._done + 1, self._total), n=self._total, name=name))
        else:
            self.progress_label.setText(self.tr("共 {n} 个文件").format(n=len(self._entries)) if self._entries else "")
        self.notes_label.setText("\n".join(self.notes))
        self.notes_label.setVisible(bool(self.notes))

    # --- the queue -------------------------------------------------------------------------------------

    _current: Entry | None = None

    def _enqueue(self, e: Entry) -> None:
        e.version += 1
        e.pending, e.error = True, ""
        if e.key not in self._queue:
            self._queue.append(e.key)
            self._total += 1
        self._pump()

    def _pump(self) -> None:
        if self._runner.busy:
            return
        while self._queue:
            e = self.entry(self._queue.pop(0))
            if e is None:
                continue
            self._current = e
            out = Path(self._work.name) / f"{e.key:04d}-{next(self._runs)}"
            self._runner.start(check_job(self._backend, e, out, self._project.profile), self._checked, self._failed)
            return
        self._current = None
        if self._total:
            self._done = self._total = 0
            self._show_progress()
            self.statusChanged.emit()
            self.idle.emit()

    def _checked(self, result: Checked) -> None:
        self._done += 1
        e = self.entry(result.key)
        if e is not None and e.version == result.version:
            self._apply(e, result)
        self._refresh()
        self._pump()

    def _failed(self, exc: Exception) -> None:
        self._done += 1
        e = self._current
        if e is not None and e in self._entries and not isinstance(exc, Cancelled):
            e.pending = False
            e.error = exc.message if isinstance(exc, UserError) else self.tr("处理时出现意外错误：{e}").format(
                e=f"{type(exc).__name__}: {exc}")
        self._refresh()
        self._pump()

    def _apply(self, e: Entry, r: Checked) -> None:
        e.pending, e.sha256, e.report, e.thumb, e.error = False, r.sha256, r.report, r.thumb, r.error
        twin = next((o for o in self._entries if o is not e and o.sha256 == e.sha256 and o.page == e.page
                     and e.sha256), None)
        if twin is not None:
            self.notes.append(self.tr("{name} 与 {other} 内容相同，未重复添加").format(name=e.name, other=twin.name))
            self.remove(e.key)
            return
        if r.portrait:
            self.remove(e.key)
            self.offered.append(e.path)
            self.portrait_label.setText(self.tr("“{name}”是一张人像照片，不是证件或证书：已交给“报名照片”一步。").format(
                name=e.path.name))
            self.portrait_banner.show()
            self.photoOffered.emit(e.path)
            return
        if e.category is None and r.report is not None and r.report.category:
            e.category = r.report.category
            cat = self._category(e.category)
            e.slot = free_slot(cat, r.report.slot, self._taken(e.category, e)) if cat is not None else None

    # --- events ----------------------------------------------------------------------------------------

    def _project_changed(self) -> None:
        if self._publishing:
            return
        items = self._project.items()
        profile = self._project.profile.id
        if not items and not self._project.project.name and self._project.photo() is None:
            self.notes, self.offered = [], []  # a new candidate: nothing of the last one's is shown
            self.portrait_banner.hide()
            self._show_progress()
        if items == self._published and profile == self._profile_id:
            return
        self._profile_id = profile
        self._drop_entries()
        for it in items:
            e = Entry(next(self._keys), self._project.source_path(it), it.page, category=it.category, slot=it.slot,
                      rotation=it.rotation, corners=it.corners, sha256=it.sha256, placed_by_user=True, keep=True)
            self._entries.append(e)
            self._enqueue(e)
        self._refresh()

    def _drop_entries(self) -> None:
        self._queue.clear()
        for tile in self._tiles.values():
            tile.hide()
            tile.deleteLater()
        self._tiles = {}
        self._entries = []
        self._selected = None
        self._done = self._total = 0
        self._build_cards()

    def _publish(self) -> None:
        items = [it for it in (e.item() for e in self._entries) if it is not None]
        changed = items != self._published
        self._published = items
        if changed:
            self._publishing = True
            try:
                self._project.set_items(items)
            finally:
                self._publishing = False
        self.statusChanged.emit()

    def _on_selected(self, action: Any) -> None:
        if self._selected is not None:
            action(self._selected)

    def _ask_replace(self, key: int) -> None:
        path = ask_replacement(self)
        if path is not None:
            self.replace(key, path)

    def _add_folder(self) -> None:
        path = ask_folder(self)
        if path is not None:
            self.add_paths([path])

    def _detail_category(self, _index: int) -> None:
        if self._selected is not None:
            self.move_to(self._selected, self.detail.category.currentData() or None)

    def _detail_slot(self, _index: int) -> None:
        e = self.entry(self._selected) if self._selected is not None else None
        slot = self.detail.slot.currentData()
        if e is not None and slot is not None:
            self.move_to(e.key, e.category, slot)

    def _dropped_item(self, key: int, category: str, slot: str | None) -> None:
        e = self.entry(key)
        if e is None or ((e.category or UNSORTED) == category and (slot is None or slot == e.slot)):
            return
        self.move_to(key, category or None, slot)

    def _menu(self, key: int, where: QPoint) -> None:
        menu = self.context_menu(key)
        if menu is not None:
            menu.exec(where)

    def context_menu(self, key: int) -> QMenu | None:
        e = self.entry(key)
        if e is None:
            return None
        menu = QMenu(self)
        spec = self._project.profile.materials

        def mover(category: str | None, slot: str | None = None) -> Callable[[], None]:
            return lambda: self.move_to(key, category, slot)

        move = menu.addMenu(self.tr("移到"))
        for c in spec.categories if spec is not None else ():
            move.addAction(c.name, mover(c.id)).setEnabled(c.id != e.category)
        move.addAction(self.tr("未分类"), mover(None)).setEnabled(e.category is not None)
        cat = self._category(e.category)
        if cat is not None and cat.variants:
            place = menu.addMenu(self.tr("放到"))
            for s in dict.fromkeys((s.id, s.name) for v in cat.variants for s in v.slots):
                place.addAction(s[1], mover(e.category, s[0])).setEnabled(s[0] != e.slot)
        menu.addSeparator()
        menu.addAction(self.tr("前移"), lambda: self.reorder(key, -1))
        menu.addAction(self.tr("后移"), lambda: self.reorder(key, 1))
        menu.addAction(self.tr("向左转"), lambda: self.rotate(key, -90)).setEnabled(not e.pending)
        menu.addAction(self.tr("向右转"), lambda: self.rotate(key, 90)).setEnabled(not e.pending)
        menu.addAction(self.tr("调整四角…"), lambda: self.edit_corners(key)).setEnabled(not e.pending)
        menu.addSeparator()
        menu.addAction(self.tr("替换…"), lambda: self._ask_replace(key))
        menu.addAction(self.tr("删除"), lambda: self.remove(key))
        return menu

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete removes the selected file; Ctrl+Left / Ctrl+Right turn it."""
        key, ctrl = event.key(), event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if self._selected is not None and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove(self._selected)
        elif self._selected is not None and ctrl and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.rotate(self._selected, -90 if key == Qt.Key.Key_Left else 90)
        else:
            super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

