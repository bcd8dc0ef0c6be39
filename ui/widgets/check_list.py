"""The check results: one coloured row per check (status, message, measured value against the
limit, hint, 可自动修复). A row can be clicked or chosen with the keyboard: the list then emits
checkClicked with the check's id, for the picture to show where the problem is."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLayout, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from photocheck.labels import status_label
from photocheck.reports import CheckResult, Status
from ui.i18n import english, tr


@dataclass(frozen=True)
class StatusStyle:
    text: str
    colour: str  # icon, left border and status text
    background: str


STYLES = {
    Status.PASS: StatusStyle("通过", "#2e7d32", "#edf7ee"),
    Status.WARN: StatusStyle("提示", "#b45309", "#fff6e5"),
    Status.FAIL: StatusStyle("不合格", "#c62828", "#fdecec"),
}
ICON_SIZE = 22


def status_icon(status: Status, size: int = ICON_SIZE, ratio: float = 1.0) -> QPixmap:
    """A filled circle with a tick, '!' or cross drawn as lines, so no symbol font is needed."""
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(STYLES[status].colour))
    p.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    pen = QPen(QColor("white"), size / 9)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    s = size / 22  # the glyph coordinates below are laid out on a 22 px circle
    if status is Status.PASS:
        path = QPainterPath(QPointF(6.5 * s, 11.5 * s))
        path.lineTo(9.5 * s, 14.5 * s)
        path.lineTo(15.5 * s, 7.5 * s)
        p.drawPath(path)
    elif status is Status.WARN:
        p.drawLine(QPointF(11 * s, 6 * s), QPointF(11 * s, 12.5 * s))
        p.drawPoint(QPointF(11 * s, 16 * s))
    else:
        p.drawLine(QPointF(7.5 * s, 7.5 * s), QPointF(14.5 * s, 14.5 * s))
        p.drawLine(QPointF(14.5 * s, 7.5 * s), QPointF(7.5 * s, 14.5 * s))
    p.end()
    return pixmap


def _number(x: object) -> str:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    return f"{x:g}" if isinstance(x, int) or abs(x) >= 100 else f"{x:.3g}"


def _value_text(x: object) -> str:
    if isinstance(x, dict):
        return ", ".join(f"{k} {_value_text(v)}" for k, v in x.items() if k != "regions")
    if isinstance(x, list | tuple):
        if len(x) == 2 and all(isinstance(v, int | float) for v in x):
            return f"{_number(x[0])}–{_number(x[1])}"
        return "/".join(_value_text(v) for v in x)
    return _number(x)


def _plain(x: object) -> bool:
    """A number, a range of two, or a few of those by name: what reads well on one line."""
    def number(v: object) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    def simple(v: object) -> bool:
        return number(v) or (isinstance(v, list | tuple) and len(v) == 2 and all(number(i) for i in v))

    if isinstance(x, dict):
        items = {k: v for k, v in x.items() if k != "regions"}
        return 0 < len(items) <= 3 and all(simple(v) for v in items.values())
    return simple(x)


def value_line(check: CheckResult) -> str:
    """'测得 0.601 · 要求 0.56–0.74': what was measured against the limit, when both read as numbers
    (a file's format and size are in the message already)."""
    if not (_plain(check.value) and _plain(check.limit)):
        return ""
    value, limit = _value_text(check.value), _value_text(check.limit)
    if not value or not limit:
        return ""
    return tr("测得 {value} · 要求 {limit}").format(value=value, limit=limit)


def has_regions(check: CheckResult) -> bool:
    return isinstance(check.value, dict) and bool(check.value.get("regions"))


class CheckRow(QFrame):
    """One check: icon | message (+ 可自动修复 tag) over the value line and the hint | status word.
    A row is reused for the next list's check (`show_check`): building rows costs more than a
    frame move's whole render."""

    def __init__(self, check: CheckResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkRow")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._sheet = ""
        self._shown_status: Status | None = None
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.value = QLabel()
        self.value.setWordWrap(True)
        self.value.setStyleSheet("color: #374151; font-size: 9pt;")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #4b5563;")
        self.fix_tag = QLabel()
        self.fix_tag.setStyleSheet("color: #1d4ed8; border: 1px solid #93c5fd; border-radius: 3px; padding: 1px 5px;")
        self.fix_tag.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.status = QLabel()
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        self._lay_out()
        self.show_check(check)

    def show_check(self, check: CheckResult) -> None:
        en = english()
        style = STYLES[check.status]
        if check.status is not self._shown_status:  # restyling is the slow part of a row
            self._shown_status = check.status
            self.icon.setPixmap(status_icon(check.status, ratio=self.devicePixelRatioF()))
            self.status.setStyleSheet(f"color: {style.colour}; font-weight: bold;")
        self.check = check
        self._style = style
        self.set_selected(False)
        self.message.setText(check.message_en if en and check.message_en else check.message)
        self.value.setText(value_line(check))
        # The numbers matter where something is wrong; a passing row keeps them in its tooltip.
        self.value.setVisible(bool(self.value.text()) and check.status is not Status.PASS)
        self.hint.setText(check.hint)  # the pipeline's hints are Chinese only
        self.hint.setVisible(bool(check.hint) and check.status is not Status.PASS)
        self.fix_tag.setText(tr("可自动修复"))
        self.fix_tag.setVisible(check.fixable and check.status is not Status.PASS)
        self.status.setText(status_label(check.status, en))
        self.setToolTip(self._tooltip())
        for layout in self.findChildren(QLayout):  # the nested layouts cache the last check's heights
            layout.invalidate()

    def set_selected(self, selected: bool) -> None:
        style = self._style
        frame = f"border: 2px solid {style.colour};" if selected else ""
        sheet = (f"#checkRow {{ background: {style.background}; {frame} border-left: 4px solid {style.colour};"
                 " border-radius: 3px; }"
                 f" #checkRow:focus {{ border: 1px dashed #2563eb; border-left: 4px solid {style.colour}; }}")
        if sheet != self._sheet:
            self._sheet = sheet
            self.setStyleSheet(sheet)

    def _lay_out(self) -> None:
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.message, 1)
        head.addWidget(self.fix_tag, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addLayout(head)
        text.addWidget(self.value)
        text.addWidget(self.hint)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 10, 6)
        row.setSpacing(8)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        row.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)

    def _tooltip(self) -> str:
        lines = [self.check.message, value_line(self.check), self.check.hint, self.check.message_en]
        if self.check.status is not Status.PASS:
            lines.append(tr("点击在照片上标出位置"))
        return "\n".join(line for line in lines if line)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._activate()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._activate()
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, CheckList):
            parent = parent.parentWidget()
        if parent is not None:
            parent.ensureWidgetVisible(self)

    def _activate(self) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, CheckList):
            parent = parent.parentWidget()
        if parent is not None:
            parent.select(self.check.id)


class CheckList(QScrollArea):
    """A summary line over the rows; a scroll area (not a QListWidget) so wrapped text gets its height."""

    checkClicked = Signal(str)  # a row was clicked or chosen with Enter / Space: its check id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the rows take the focus, one Tab each
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(0, 0, 4, 0)
        self._layout.setSpacing(4)
        self._layout.addStretch(1)
        self.setWidget(body)
        self._pool: list[CheckRow] = []  # every row made, in layout order
        self._rows: list[CheckRow] = []  # the shown ones
        self._checks: list[CheckResult] = []
        self.selected: str | None = None

    def set_checks(self, checks: list[CheckResult]) -> None:
        """Failures first, then hints, then passes: what needs attention is at the top."""
        keep = self.selected if any(c.id == self.selected for c in checks) else None
        order = {Status.FAIL: 0, Status.WARN: 1, Status.PASS: 2}
        ordered = sorted(checks, key=lambda c: order[c.status])  # stable: keeps the check order within a status
        self._checks = list(checks)
        for i, check in enumerate(ordered):
            if i < len(self._pool):
                row = self._pool[i]
                row.show_check(check)
            else:
                row = CheckRow(check)
                self._layout.insertWidget(len(self._pool), row)
                self._pool.append(row)
            row.set_selected(check.id == keep)
        self._show_rows(len(ordered))
        self.selected = keep
        self._fit_height()
        self.verticalScrollBar().setValue(0)

    def retranslate(self) -> None:
        """Rebuild the rows in the current language (the pipeline's messages come in both)."""
        self.set_checks(self._checks)

    def select(self, check_id: str | None) -> None:
        self.selected = check_id
        for r in self._rows:
            r.set_selected(r.check.id == check_id)
        if check_id is not None:
            self.checkClicked.emit(check_id)

    def clear(self) -> None:
        self._show_rows(0)
        self._checks = []
        self.selected = None
        self._fit_height()

    def _show_rows(self, n: int) -> None:
        """The first `n` rows of the pool are the list; the others wait hidden for a longer one."""
        self._rows = self._pool[:n]
        for i, row in enumerate(self._pool):
            row.setVisible(i < n)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """QScrollArea ignores height-for-width: without this, wrapped rows get squeezed instead of scrolled.

        Summed from the rows because the body layout's own answer is stale right after rows are replaced.
        """
        margins = self._layout.contentsMargins()
        width = self.viewport().width() - margins.left() - margins.right()
        rows = sum(max(r.heightForWidth(width), r.minimumSizeHint().height()) for r in self._rows)
        spacing = self._layout.spacing() * max(0, len(self._rows) - 1)
        body = self.widget()
        assert body is not None  # set in __init__, never taken
        body.setMinimumHeight(rows + spacing + margins.top() + margins.bottom())

    def rows(self) -> list[CheckRow]:
        return list(self._rows)

    def row(self, check_id: str) -> CheckRow:
        return next(r for r in self._rows if r.check.id == check_id)


def summary_text(checks: list[CheckResult]) -> str:
    """'16 项检查：11 项通过，1 项提示，4 项不合格（其中 4 项可自动修复）'."""
    counts = {s: sum(c.status is s for c in checks) for s in Status}
    fixable = sum(c.failed and c.fixable for c in checks)
    text = tr("{n} 项检查：{ok} 项通过，{warn} 项提示，{bad} 项不合格").format(
        n=len(checks), ok=counts[Status.PASS], warn=counts[Status.WARN], bad=counts[Status.FAIL])
    if fixable:
        text += tr("（其中 {n} 项可自动修复）").format(n=fixable)
    return text
