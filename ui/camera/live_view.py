"""The camera preview with the framing guide painted over it: the photo's frame (outside it dimmed),
the oval the head should fill, the crown and eye bands, and the face as found."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen, QPolygonF, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.camera.feed import LiveFrame
from ui.widgets.image_preview import to_qimage

FRAME = QColor("#22c55e")
BAND = QColor(34, 197, 94, 60)
EYES = QColor(59, 130, 246, 60)
FACE_OK = QColor("#22c55e")
FACE_BAD = QColor("#f97316")


class LiveView(QWidget):
    painted = Signal()  # a new camera frame and its guide are on screen (once per frame)
    resized = Signal(int, int)  # the size frames should come at

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._live: LiveFrame | None = None
        self._image: QImage | None = None
        self._message = ""
        self._fresh = False  # a frame not painted yet
        self.setMinimumSize(480, 270)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    @property
    def live(self) -> LiveFrame | None:
        return self._live

    def show_frame(self, live: LiveFrame) -> None:
        self._live, self._image, self._message = live, to_qimage(live.picture), ""
        self._fresh = True
        self.update()

    def show_message(self, text: str) -> None:
        """A message instead of the picture (no camera, unplugged...)."""
        self._live, self._image, self._message = None, None, text
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.resized.emit(self.width(), self.height())
        super().resizeEvent(event)

    def picture_rect(self) -> QRectF:
        """Where the camera picture is drawn (fitted, centred)."""
        if self._live is None:
            return QRectF()
        w, h = self._live.size
        k = min(self.width() / w, self.height() / h)
        return QRectF((self.width() - w * k) / 2, (self.height() - h * k) / 2, w * k, h * k)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#111827"))
        if self._live is None or self._image is None:
            p.setPen(QColor("#f9fafb"))
            font = QFont(self.font())
            font.setPixelSize(18)
            p.setFont(font)
            p.drawText(self.rect().adjusted(24, 24, -24, -24),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
            p.end()
            return
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        target = self.picture_rect()
        if abs(target.width() - self._image.width()) <= 1 and abs(target.height() - self._image.height()) <= 1:
            p.drawImage(target.topLeft(), self._image)  # the frame came at this size: no scaling
        else:
            p.drawImage(target, self._image)
        k = target.width() / self._live.size[0]  # widget px per camera px
        g = self._live.guide

        def x(v: float) -> float:
            return target.left() + v * k

        def y(v: float) -> float:
            return target.top() + v * k

        fx0, fy0, fx1, fy1 = (x(g.frame[0]), y(g.frame[1]), x(g.frame[2]), y(g.frame[3]))
        shade = QColor(0, 0, 0, 110)  # what falls outside the photo
        p.fillRect(QRectF(target.left(), target.top(), fx0 - target.left(), target.height()), shade)
        p.fillRect(QRectF(fx1, target.top(), target.right() - fx1, target.height()), shade)
        p.fillRect(QRectF(fx0, y(g.crown_band[0]), fx1 - fx0, (g.crown_band[1] - g.crown_band[0]) * k), BAND)
        p.fillRect(QRectF(fx0, y(g.eye_band[0]), fx1 - fx0, (g.eye_band[1] - g.eye_band[0]) * k), EYES)
        p.setPen(QPen(FRAME, 2))
        p.drawRect(QRectF(QPointF(fx0, fy0), QPointF(fx1, fy1)))
        p.setPen(QPen(QColor(255, 255, 255, 200), 2, Qt.PenStyle.DashLine))
        p.drawEllipse(QRectF(QPointF(x(g.target[0]), y(g.target[1])), QPointF(x(g.target[2]), y(g.target[3]))))
        if g.face_oval is not None:
            colour = FACE_OK if g.ready else FACE_BAD
            p.setPen(QPen(colour, 2))
            p.drawPolygon(QPolygonF([QPointF(x(float(a)), y(float(b))) for a, b in g.face_oval]))
            for line in (g.crown_y, g.eye_y):
                if line is not None:
                    p.drawLine(QPointF(fx0, y(line)), QPointF(fx1, y(line)))
        p.end()
        if self._fresh:
            self._fresh = False
            self.painted.emit()
