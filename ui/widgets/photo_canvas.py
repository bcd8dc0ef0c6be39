"""The photo with what the pipeline measured drawn over it, and the hands-on edits: drag and zoom
the crop frame, paint keep / remove strokes for the matte.

Everything here is in upright source pixels (the coordinates of photocheck.api.PhotoGuides and
PhotoEdits); the picture shown is a reduced copy, `scale` preview px per source px. The canvas
only reports edits (frameEdited on release, strokePainted at the end of a stroke); the step
decides what to run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from photocheck.api import CropFrame
from ui.widgets.image_preview import to_qimage

ZOOM_STEP = 1.06  # per wheel notch or +/- key
NUDGE = 0.01  # arrow keys move the frame by this share of its height
SETTLE_MS = 120  # a wheel or key burst counts as one edit once it has been quiet this long
FACE = QColor("#0ea5e9")
LINES = {"crown": QColor("#f97316"), "eye": QColor("#a855f7"), "chin": QColor("#f97316")}
FRAME = QColor("#16a34a")
BAND = QColor(22, 163, 74, 40)
HIGHLIGHT = QColor("#dc2626")
KEEP = QColor(34, 197, 94, 110)
REMOVE = QColor(239, 68, 68, 110)

Segment = list[float]  # x0, y0, x1, y1, radius in upright source px


@dataclass
class Overlay:
    face_box: tuple[float, float, float, float] | None = None
    crown_y: float | None = None
    eye_y: float | None = None
    chin_y: float | None = None
    # The profile's bands inside the frame, as shares of its height from the top.
    crown_band: tuple[float, float] | None = None
    eye_band: tuple[float, float] | None = None
    keep: list[Segment] = field(default_factory=list)
    remove: list[Segment] = field(default_factory=list)


def frame_corners(frame: CropFrame, aspect: float) -> list[tuple[float, float]]:
    """The crop's corners in source px (top-left, top-right, bottom-right, bottom-left): the output
    rectangle mapped back through the fixer's affine map (cv2.getRotationMatrix2D's convention:
    a positive angle turns the picture counter-clockwise)."""
    h = frame.height
    w = h * aspect
    a = math.radians(frame.angle)
    cos, sin = math.cos(a), math.sin(a)
    corners = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        # output offset = R @ source offset with R = [[cos, sin], [-sin, cos]]; invert it
        corners.append((frame.centre_x + cos * dx - sin * dy, frame.centre_y + sin * dx + cos * dy))
    return corners


class PhotoCanvas(QWidget):
    frameEdited = Signal(object)  # CropFrame, once a drag, zoom or nudge is over
    strokePainted = Signal(str, object)  # "keep" / "remove", list of segments

    def __init__(self, placeholder: str = "", parent: QWidget | None = None, *, interactive: bool = False) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._scale = 1.0  # preview px per source px
        self._placeholder = placeholder
        self.interactive = interactive
        self.overlay = Overlay()
        self.guides_visible = True
        self.frame: CropFrame | None = None
        self.aspect = 390 / 567  # output width / height
        self.height_limits: tuple[float, float] | None = None  # the frame heights the head-size band allows
        self.highlights: list[tuple[float, float, float, float]] = []  # boxes in source px
        self.keep_inside: tuple[float, float, float, float] | None = None  # the face: never cropped off
        self.mode = "frame"  # or "keep" / "remove"
        self.brush_radius = 20.0  # source px
        self._drag: tuple[QPointF, CropFrame] | None = None
        self._stroke: list[Segment] = []
        self._last: QPointF | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._emit_frame)
        self.setMinimumSize(200, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if interactive else Qt.FocusPolicy.NoFocus)
        self.setMouseTracking(False)

    # --- content --------------------------------------------------------------------------------

    def set_image(self, rgb: np.ndarray | None, source_width: float | None = None) -> None:
        """The picture (HxWx3 uint8) and the width in source px it stands for (default: its own)."""
        self._image = to_qimage(rgb) if rgb is not None and rgb.size else None
        if self._image is not None:
            self._scale = self._image.width() / (source_width or self._image.width())
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def has_image(self) -> bool:
        return self._image is not None

    def set_frame(self, frame: CropFrame | None) -> None:
        self.frame = frame
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 520)

    # --- geometry -------------------------------------------------------------------------------

    def _view(self) -> tuple[float, QPointF]:
        """(widget px per source px, widget position of source (0, 0))."""
        if self._image is None:
            return 1.0, QPointF(0, 0)
        iw, ih = self._image.width(), self._image.height()
        fit = min((self.width() - 8) / iw, (self.height() - 8) / ih)
        origin = QPointF((self.width() - iw * fit) / 2, (self.height() - ih * fit) / 2)
        return fit * self._scale, origin

    def to_widget(self, x: float, y: float) -> QPointF:
        f, o = self._view()
        return QPointF(o.x() + x * f, o.y() + y * f)

    def to_source(self, p: QPointF) -> tuple[float, float]:
        f, o = self._view()
        return (p.x() - o.x()) / f, (p.y() - o.y()) / f

    def source_size(self) -> tuple[float, float]:
        if self._image is None:
            return 0.0, 0.0
        return self._image.width() / self._scale, self._image.height() / self._scale

    def clamp(self, frame: CropFrame) -> CropFrame:
        """The frame's height within the head-size band; its centre on the photo and where the whole
        face stays inside the frame (the planner may let the frame overhang the photo: so may the user)."""
        h = frame.height
        if self.height_limits is not None:
            lo, hi = self.height_limits
            h = min(max(h, lo), hi)
        sw, sh = self.source_size()
        cx, cy = frame.centre_x, frame.centre_y
        half_w, half_h = h * self.aspect / 2, h / 2
        if self.keep_inside is not None:
            x0, y0, x1, y1 = self.keep_inside
            if x1 - x0 <= 2 * half_w:
                cx = min(max(cx, x1 - half_w), x0 + half_w)
            if y1 - y0 <= 2 * half_h:
                cy = min(max(cy, y1 - half_h), y0 + half_h)
        if sw and sh:
            cx, cy = min(max(cx, 0.0), sw), min(max(cy, 0.0), sh)
        return CropFrame(float(cx), float(cy), float(h), float(frame.angle))

    # --- painting -------------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.fillRect(self.rect(), QColor("#f3f4f6"))
        if self._image is None:
            p.setPen(QColor("#6b7280"))
            p.drawText(self.rect().adjusted(12, 12, -12, -12), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       self._placeholder)
            p.end()
            return
        f, o = self._view()
        iw, ih = self._image.width(), self._image.height()
        p.drawImage(QRectF(o.x(), o.y(), iw * f / self._scale, ih * f / self._scale), self._image)
        self._paint_strokes(p)
        if self.guides_visible:
            self._paint_guides(p)
        if self.frame is not None:
            self._paint_frame(p)
        for x0, y0, x1, y1 in self.highlights:
            pen = QPen(HIGHLIGHT, 3)
            p.setPen(pen)
            p.setBrush(QColor(220, 38, 38, 40))
            p.drawRect(QRectF(self.to_widget(x0, y0), self.to_widget(x1, y1)))
        if self.hasFocus():
            p.setPen(QPen(QColor("#2563eb"), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(self.rect().adjusted(1, 1, -1, -1))
        p.end()

    def _paint_strokes(self, p: QPainter) -> None:
        f, _ = self._view()
        for colour, segments in ((KEEP, self.overlay.keep), (REMOVE, self.overlay.remove),
                                 (KEEP if self.mode == "keep" else REMOVE, self._stroke)):
            for x0, y0, x1, y1, r in segments:
                pen = QPen(colour, max(1.0, 2 * r * f))
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                p.setPen(pen)
                p.drawLine(self.to_widget(x0, y0), self.to_widget(x1, y1))

    def _paint_guides(self, p: QPainter) -> None:
        o = self.overlay
        sw, _ = self.source_size()
        if o.face_box is not None:
            x0, y0, x1, y1 = o.face_box
            p.setPen(QPen(FACE, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(self.to_widget(x0, y0), self.to_widget(x1, y1)))
        for name, y in (("crown", o.crown_y), ("eye", o.eye_y), ("chin", o.chin_y)):
            if y is None:
                continue
            pen = QPen(LINES[name], 1.5, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(self.to_widget(0, y), self.to_widget(sw, y))

    def _paint_frame(self, p: QPainter) -> None:
        assert self.frame is not None
        corners = [self.to_widget(x, y) for x, y in frame_corners(self.frame, self.aspect)]
        outside = QPainterPath()
        outside.addRect(QRectF(self.rect()))
        inside = QPainterPath()
        inside.addPolygon(QPolygonF([*corners, corners[0]]))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 70))
        p.drawPath(outside.subtracted(inside))
        if self.guides_visible:
            top_left, top_right, _, bottom_left = corners

            def at(share: float, side: QPointF) -> QPointF:
                return side + (bottom_left - top_left) * share

            for band in (self.overlay.crown_band, self.overlay.eye_band):
                if band is None:
                    continue
                poly = QPolygonF([at(band[0], top_left), at(band[0], top_right), at(band[1], top_right),
                                  at(band[1], top_left)])
                p.setBrush(BAND)
                p.setPen(QPen(QColor(22, 163, 74, 120), 1, Qt.PenStyle.DotLine))
                p.drawPolygon(poly)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(FRAME, 2.5))
        p.drawPolygon(QPolygonF(corners))

    # --- editing ----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self.interactive or self._image is None or event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if self.mode == "frame" and self.frame is not None:
            self._drag = (event.position(), self.frame)
        elif self.mode in ("keep", "remove"):
            self._stroke = []
            self._last = event.position()
            self._add_segment(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            start, frame = self._drag
            f, _ = self._view()
            d = (event.position() - start) / f
            self.frame = self.clamp(CropFrame(frame.centre_x + d.x(), frame.centre_y + d.y(), frame.height,
                                              frame.angle))
            self.update()
        elif self._last is not None:
            self._add_segment(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            moved = self.frame != self._drag[1]
            self._drag = None
            if moved:
                self._emit_frame()
        elif self._last is not None:
            self._last = None
            stroke, self._stroke = self._stroke, []
            if stroke:
                getattr(self.overlay, self.mode).extend(stroke)
                self.strokePainted.emit(self.mode, stroke)
            self.update()
        super().mouseReleaseEvent(event)

    def _add_segment(self, pos: QPointF) -> None:
        assert self._last is not None
        x0, y0 = self.to_source(self._last)
        x1, y1 = self.to_source(pos)
        self._stroke.append([x0, y0, x1, y1, self.brush_radius])
        self._last = pos
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not self.interactive or self.frame is None:
            return super().wheelEvent(event)
        notches = event.angleDelta().y() / 120
        self.zoom(ZOOM_STEP ** -notches)
        event.accept()

    def zoom(self, factor: float) -> None:
        """Scale the frame (a factor > 1 shows more of the photo: the head gets smaller)."""
        if self.frame is None:
            return
        f = self.frame
        self.frame = self.clamp(CropFrame(f.centre_x, f.centre_y, f.height * factor, f.angle))
        self.update()
        self._settle.start()

    def nudge(self, dx: float, dy: float) -> None:
        if self.frame is None:
            return
        f = self.frame
        step = f.height * NUDGE
        self.frame = self.clamp(CropFrame(f.centre_x + dx * step, f.centre_y + dy * step, f.height, f.angle))
        self.update()
        self._settle.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        if self.interactive and event.key() in keys:
            self.nudge(*keys[Qt.Key(event.key())])
        elif self.interactive and event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1 / ZOOM_STEP)
        elif self.interactive and event.key() == Qt.Key.Key_Minus:
            self.zoom(ZOOM_STEP)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    def _emit_frame(self) -> None:
        self._settle.stop()
        if self.frame is not None:
            self.frameEdited.emit(self.frame)
