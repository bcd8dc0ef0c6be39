"""One category of the profile as a card: its Chinese name, whether it is required, how many files
it has against its maximum, its named slots (正面 / 反面 ...) and, in words, what is missing.
Material tiles are dropped on it to move them here (on a slot: into that slot); files dropped on it
are added to this category."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLayout, QLayoutItem, QVBoxLayout, QWidget

from ui.widgets.colours import BLUE, GREY, RED, STATE_COLOUR
from ui.widgets.layouts import Stretch, fill
from ui.widgets.thumbnail import PICTURE_H, TILE_W, Thumbnail, mime_key


class FlowLayout(QLayout):
    """Children left to right, wrapping to the next line (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line > 0:
                x, y, line = rect.x(), y + line + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


class SlotBox(QFrame):
    """A named place for one file (正面, 反面 ...), empty or holding its tile."""

    def __init__(self, slot_id: str | None, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slot_id = slot_id
        self.setObjectName("slotBox")
        self.title = QLabel(name)
        self.title.setStyleSheet(f"color: {BLUE}; font-size: 11px;")
        self.empty = QLabel(self.tr("拖入文件"))
        self.empty.setFixedSize(TILE_W, PICTURE_H + 38)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(f"border: 1px dashed #9ca3af; border-radius: 4px; color: {GREY};")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.empty)

    def hold(self, tile: Thumbnail | None) -> None:
        self.empty.setVisible(tile is None)
        if tile is not None:
            self._layout.addWidget(tile)
            tile.show()


class CategoryCard(QFrame):
    itemDropped = Signal(int, str, object)  # key, category id, slot id or None
    filesDropped = Signal(list, str)  # [Path], category id

    def __init__(self, category_id: str, name: str, tag: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category_id = category_id
        self.setObjectName("card")
        self.setAcceptDrops(True)
        self._highlight(False)
        self.name = QLabel(name)
        self.name.setMinimumWidth(0)
        self.name.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.tag = QLabel(tag)
        self.tag.setStyleSheet(f"color: {RED if tag.startswith('必需') else GREY}; font-size: 11px;")
        self.count = QLabel()
        self.count.setStyleSheet(f"color: {GREY};")
        self.state = QLabel()
        self.state.setStyleSheet("font-weight: bold;")
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setStyleSheet("font-size: 12px;")
        self.reasons.setStyleSheet(f"color: {RED};")
        head = fill(QHBoxLayout(), self.name, self.tag, Stretch(), self.count, self.state)
        head.setSpacing(8)
        self.body = QWidget()
        self.flow = FlowLayout(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.reasons)
        layout.addWidget(self.body)
        self.slot_boxes: list[SlotBox] = []

    def show_state(self, state: str, state_text: str, count: str, reasons: list[str], hint: str = "") -> None:
        colour = STATE_COLOUR.get(state, GREY)
        self.state.setText(state_text)
        self.state.setStyleSheet(f"font-weight: bold; color: {colour};")
        self.count.setText(count)
        self.reasons.setText("；".join(reasons) if reasons else hint)
        self.reasons.setStyleSheet(f"font-size: 12px; color: {RED if reasons and state != 'not_provided' else GREY};")
        self.reasons.setVisible(bool(reasons or hint))

    def set_tiles(self, slots: list[tuple[str, str]], placed: list[tuple[str | None, Thumbnail]],
                  empty_text: str = "") -> None:
        """`slots` (id, name) get a box each, filled by the tile placed in them; the other tiles
        follow. A category without slots shows one empty drop box at the end (`empty_text`)."""
        while self.flow.count():
            item = self.flow.takeAt(0)
            w = item.widget() if item is not None else None
            if isinstance(w, SlotBox):
                w.hide()
                w.deleteLater()
            elif w is not None:
                w.hide()
        self.slot_boxes = []
        used: set[int] = set()
        for slot_id, name in slots:
            box = SlotBox(slot_id, name, self.body)
            tile = next((t for s, t in placed if s == slot_id and id(t) not in used), None)
            if tile is not None:
                used.add(id(tile))
            box.hold(tile)
            self.flow.addWidget(box)
            box.show()
            self.slot_boxes.append(box)
        for _slot, tile in placed:
            if id(tile) in used:
                continue
            tile.setParent(self.body)
            self.flow.addWidget(tile)
            tile.show()
        if not slots and empty_text:
            box = SlotBox(None, "", self.body)
            box.title.hide()
            box.empty.setText(empty_text)
            if not placed:  # an empty category: a low drop strip, so the cards stay short
                box.empty.setFixedSize(2 * TILE_W, 36)
            box.hold(None)
            self.flow.addWidget(box)
            box.show()
            self.slot_boxes.append(box)
        self.body.updateGeometry()
        self.updateGeometry()

    # --- drops -------------------------------------------------------------------------------------

    def _highlight(self, on: bool) -> None:
        border = "2px solid #2563eb" if on else "1px solid #d1d5db"
        self.setStyleSheet(f"#card {{ background: #fafafa; border: {border}; border-radius: 6px; }}")

    def _accepts(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        data = event.mimeData()
        return mime_key(data) is not None or data.hasUrls()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._accepts(event):
            self._highlight(True)
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._accepts(event):
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._highlight(False)

    def slot_at(self, pos: QPoint) -> str | None:
        widget = self.childAt(pos)
        while widget is not None and widget is not self:
            if isinstance(widget, SlotBox):
                return widget.slot_id
            widget = widget.parentWidget()
        return None

    def dropEvent(self, event: QDropEvent) -> None:
        self._highlight(False)
        data = event.mimeData()
        key = mime_key(data)
        if key is not None:
            self.itemDropped.emit(key, self.category_id, self.slot_at(event.position().toPoint()))
        elif data.hasUrls():
            paths = [Path(u.toLocalFile()) for u in data.urls() if u.isLocalFile()]
            if paths:
                self.filesDropped.emit(paths, self.category_id)
        else:
            return
        event.acceptProposedAction()
