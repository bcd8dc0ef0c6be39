"""The check results: one coloured row per check (status, Chinese message, hint, 可自动修复)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from photocheck.reports import CheckResult, Status


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


class CheckRow(QFrame):
    """One check: icon | message (+ 可自动修复 tag) over the hint | status word."""

    def __init__(self, check: CheckResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = check
        style = STYLES[check.status]
        self.setObjectName("checkRow")
        self.setStyleSheet(
            f"#checkRow {{ background: {style.background}; border-left: 4px solid {style.colour};"
            " border-radius: 3px; }"
        )
        self.icon = QLabel()
        self.icon.setPixmap(status_icon(check.status, ratio=self.devicePixelRatioF()))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message = QLabel(check.message)
        self.message.setWordWrap(True)
        self.hint = QLabel(check.hint)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #4b5563;")
        self.hint.setVisible(bool(check.hint) and check.status is not Status.PASS)
        self.fix_tag = QLabel("可自动修复")
        self.fix_tag.setStyleSheet("color: #1d4ed8; border: 1px solid #93c5fd; border-radius: 3px; padding: 1px 5px;")
        self.fix_tag.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.fix_tag.setVisible(check.fixable and check.status is not Status.PASS)
        self.status = QLabel(style.text)
        self.status.setStyleSheet(f"color: {style.colour}; font-weight: bold;")
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        self.setToolTip(self._tooltip())
        self._lay_out()

    def _lay_out(self) -> None:
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.message, 1)
        head.addWidget(self.fix_tag, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addLayout(head)
        text.addWidget(self.hint)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 10, 6)
        row.setSpacing(8)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        row.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)

    def _tooltip(self) -> str:
        lines = [self.check.message, self.check.hint, self.check.message_en, f"检查项 / check: {self.check.id}"]
        return "\n".join(line for line in lines if line)


class CheckList(QScrollArea):
    """A summary line over the rows; a scroll area (not a QListWidget) so wrapped text gets its height."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(0, 0, 4, 0)
        self._layout.setSpacing(4)
        self._layout.addStretch(1)
        self.setWidget(body)
        self._rows: list[CheckRow] = []

    def set_checks(self, checks: list[CheckResult]) -> None:
        """Failures first, then hints, then passes: what needs attention is at the top."""
        self.clear()
        order = {Status.FAIL: 0, Status.WARN: 1, Status.PASS: 2}
        for check in sorted(checks, key=lambda c: order[c.status]):  # stable: keeps the check order within a status
            row = CheckRow(check)
            self._layout.insertWidget(len(self._rows), row)
            self._rows.append(row)
        self._fit_height()
        self.verticalScrollBar().setValue(0)

    def clear(self) -> None:
        for row in self._rows:
            self._layout.removeWidget(row)
            row.hide()  # deleteLater waits for the event loop; until then the old row would still paint
            row.deleteLater()
        self._rows = []
        self._fit_height()

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
        self.widget().setMinimumHeight(rows + spacing + margins.top() + margins.bottom())

    def rows(self) -> list[CheckRow]:
        return list(self._rows)

    def row(self, check_id: str) -> CheckRow:
        return next(r for r in self._rows if r.check.id == check_id)


def summary_text(checks: list[CheckResult]) -> str:
    """'16 项检查：11 项通过，1 项提示，4 项不合格（4 项可自动修复）'."""
    counts = {s: sum(c.status is s for c in checks) for s in Status}
    fixable = sum(c.failed and c.fixable for c in checks)
    text = (
        f"{len(checks)} 项检查：{counts[Status.PASS]} 项通过，{counts[Status.WARN]} 项提示，"
        f"{counts[Status.FAIL]} 项不合格"
    )
    if fixable:
        text += f"（其中 {fixable} 项可自动修复）"
    return text
