"""A titled picture box that scales its image to fit. The pixels come from the pipeline's own decoder
(photocheck.api.load_preview, on the job thread); here they only become a QImage, on the GUI thread."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget


def to_qimage(rgb: np.ndarray) -> QImage:
    """An HxWx3 uint8 RGB array (as photocheck.api.load_preview returns it) as a QImage that owns its pixels."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class ImagePreview(QWidget):
    """Title and caption (format, size) on one line, the image scaled to the free space below."""

    def __init__(self, title: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap: QPixmap | None = None
        self._caption = ""
        self._placeholder = placeholder
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: bold;")
        self.image = QLabel(placeholder)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setWordWrap(True)
        self.image.setMinimumSize(180, 200)
        # Ignored: the pixmap must not dictate the layout, or every resize would grow the window
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.image.setStyleSheet("background: #f3f4f6; border: 1px solid #d1d5db; color: #6b7280;")
        self.caption = QLabel()
        self.caption.setStyleSheet("color: #4b5563;")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # elided, never widens
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.caption, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.image, 1)

    def set_image(self, rgb: np.ndarray | None, caption: str = "") -> None:
        """Show `rgb` (HxWx3 uint8); None shows the placeholder, or 无法显示预览 when there is a caption."""
        self._pixmap = QPixmap.fromImage(to_qimage(rgb)) if rgb is not None and rgb.size else None
        self._caption = caption
        self.caption.setToolTip(caption)
        if self._pixmap is None:
            self.image.setPixmap(QPixmap())
            self.image.setText(self._placeholder if not caption else "无法显示预览")
        self._rescale()

    def has_image(self) -> bool:
        return self._pixmap is not None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        elide = Qt.TextElideMode.ElideMiddle
        self.caption.setText(self.caption.fontMetrics().elidedText(self._caption, elide, self.caption.width()))
        if self._pixmap is None:
            return
        ratio = self.devicePixelRatioF()
        target = self.image.contentsRect().size() * ratio
        mode = Qt.TransformationMode.SmoothTransformation
        scaled = self._pixmap.scaled(target, Qt.AspectRatioMode.KeepAspectRatio, mode)
        scaled.setDevicePixelRatio(ratio)
        self.image.setPixmap(scaled)
