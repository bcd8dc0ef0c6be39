"""One material file as a small tile: its picture, name (and PDF page), how sure the category is and
whether its checks passed. Click selects it, drag moves it to another card, right-click opens its menu."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QByteArray, QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QDrag, QMouseEvent, QPixmap
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from photocheck.api import Status
from ui.widgets.check_list import status_icon
from ui.widgets.image_preview import to_qimage

ITEM_MIME = "application/x-photocheck-material"  # the payload is the entry's key
TILE_W, PICTURE_H = 128, 80


def item_mime(key: int) -> QMimeData:
    data = QMimeData()
    data.setData(ITEM_MIME, QByteArray(str(key).encode("ascii")))
    return data


def mime_key(data: QMimeData) -> int | None:
    if not data.hasFormat(ITEM_MIME):
        return None
    try:
        return int(bytes(data.data(ITEM_MIME).data()).decode("ascii"))
    except ValueError:
        return None


def scaled_pixmap(rgb: np.ndarray | None, width: int, height: int, ratio: float) -> QPixmap:
    if rgb is None or not rgb.size:
        return QPixmap()
    pixmap = QPixmap.fromImage(to_qimage(rgb))
    scaled = pixmap.scaled(round(width * ratio), round(height * ratio), Qt.AspectRatioMode.KeepAspectRatio,
                           Qt.TransformationMode.SmoothTransformation)
    scaled.setDevicePixelRatio(ratio)
    return scaled


class Thumbnail(QFrame):
    clicked = Signal(int)
    menuRequested = Signal(int, QPoint)  # key, global position

    def __init__(self, key: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self._press: QPoint | None = None
        self.setObjectName("thumb")
        self.setFixedWidth(TILE_W)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.picture = QLabel()
        self.picture.setFixedSize(TILE_W - 10, PICTURE_H)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: #f3f4f6; color: #6b7280;")
        self.icon = QLabel()
        self.icon.setFixedSize(16, 16)
        self.caption = QLabel()
        self.caption.setStyleSheet("font-size: 11px;")
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.detail = QLabel()
        self.detail.setStyleSheet("font-size: 11px; color: #4b5563;")
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        head = QHBoxLayout()
        head.setSpacing(4)
        head.addWidget(self.icon)
        head.addWidget(self.caption, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.picture)
        layout.addLayout(head)
        layout.addWidget(self.detail)
        self.set_selected(False)

    def show_entry(self, name: str, rgb: np.ndarray | None, status: Status | None, detail: str, tooltip: str) -> None:
        """`status` None: still being checked."""
        pixmap = scaled_pixmap(rgb, TILE_W - 10, PICTURE_H, self.devicePixelRatioF())
        if pixmap.isNull():
            self.picture.setPixmap(QPixmap())
            self.picture.setText(self.tr("检查中…") if status is None else self.tr("无预览"))
        else:
            self.picture.setPixmap(pixmap)
        self.icon.setPixmap(status_icon(status, 16, self.devicePixelRatioF()) if status is not None else QPixmap())
        metrics = self.caption.fontMetrics()
        self.caption.setText(metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, TILE_W - 32))
        self.detail.setText(detail)
        self.setToolTip(tooltip)

    def set_selected(self, selected: bool) -> None:
        border = "2px solid #2563eb" if selected else "1px solid #d1d5db"
        self.setStyleSheet(f"#thumb {{ background: white; border: {border}; border-radius: 4px; }}")

    # --- mouse -----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self.clicked.emit(self.key)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        if (event.position().toPoint() - self._press).manhattanLength() < QApplication.startDragDistance():
            return
        self._press = None
        drag = QDrag(self)
        drag.setMimeData(item_mime(self.key))
        if self.picture.pixmap() is not None and not self.picture.pixmap().isNull():
            drag.setPixmap(self.picture.pixmap())
        drag.exec(Qt.DropAction.MoveAction)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.clicked.emit(self.key)
        self.menuRequested.emit(self.key, event.globalPos())
