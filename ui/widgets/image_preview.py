"""A titled picture box that scales its image to fit, and the off-thread decode that feeds it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget


def decode_preview(path: Path, max_side: int) -> QImage | None:
    """The photo upright (EXIF), at most `max_side` px, as a QImage; None if Pillow cannot show it.

    Pillow rather than QImageReader: Qt has no HEIC decoder. Safe off the GUI thread (QImage, not QPixmap).
    """
    import pillow_heif
    from PIL import Image, ImageOps

    pillow_heif.register_heif_opener()
    try:
        with Image.open(path) as im:
            im.draft("RGB", (max_side, max_side))  # JPEG decodes at 1/2..1/8 scale: fast on 12 MP phones
            im = ImageOps.exif_transpose(im).convert("RGB")
            im.thumbnail((max_side, max_side))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    data = im.tobytes()
    return QImage(data, im.width, im.height, 3 * im.width, QImage.Format.Format_RGB888).copy()


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

    def set_image(self, image: QImage | None, caption: str = "") -> None:
        self._pixmap = QPixmap.fromImage(image) if image is not None and not image.isNull() else None
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
