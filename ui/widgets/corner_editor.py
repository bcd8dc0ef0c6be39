"""The corner editor: the original picture with the document's four corners as handles to drag,
and beside it the rectified result. While a corner is dragged the result is a quick warp of the
preview; on release the pipeline itself (fix_material with these corners, off the GUI thread)
re-computes it and its checks, and its written file replaces the quick warp."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from photocheck.api import MaterialReport, UserError
from ui.widgets.image_preview import ImagePreview, to_qimage
from ui.workers import Runner, Say

PREVIEW_SIDE = 1200
HANDLE_R = 8  # px on screen
Corners = list[list[float]]


def turn(rgb: np.ndarray, rotation: int) -> np.ndarray:
    """`rgb` turned `rotation` degrees clockwise."""
    return np.ascontiguousarray(np.rot90(rgb, -(rotation // 90) % 4))


def quick_warp(rgb: np.ndarray, quad: np.ndarray, max_side: int = 700) -> np.ndarray:
    """The quad (in `rgb` px, TL TR BR BL) cut out and made rectangular: a preview, not the output."""
    tl, tr, br, bl = quad
    w = max(float(np.linalg.norm(tr - tl)), float(np.linalg.norm(br - bl)))
    h = max(float(np.linalg.norm(bl - tl)), float(np.linalg.norm(br - tr)))
    scale = min(1.0, max_side / max(w, h, 1))
    w, h = max(2, round(w * scale)), max(2, round(h * scale))
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    return cv2.warpPerspective(rgb, m, (w, h), flags=cv2.INTER_AREA, borderValue=(255, 255, 255))


class CornerCanvas(QWidget):
    """The picture scaled to fit, the quad drawn over it; a handle follows the mouse while held."""

    moved = Signal()  # a corner is being dragged
    released = Signal()  # a drag ended: the corners are the user's

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(360, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self._pixmap: QPixmap | None = None
        self._size = (1, 1)  # the full picture's (w, h): the frame of the corners
        self.corners = np.zeros((4, 2), np.float64)
        self._held: int | None = None

    def set_picture(self, rgb: np.ndarray, full_size: tuple[int, int], corners: Corners) -> None:
        self._pixmap = QPixmap.fromImage(to_qimage(rgb))
        self._size = full_size
        self.corners = np.asarray(corners, np.float64).reshape(4, 2)
        self.update()

    def _frame(self) -> tuple[float, QPointF]:
        """Screen px per picture px, and where the picture's top left is."""
        w, h = self._size
        s = min((self.width() - 2 * HANDLE_R) / w, (self.height() - 2 * HANDLE_R) / h)
        return s, QPointF((self.width() - w * s) / 2, (self.height() - h * s) / 2)

    def to_screen(self, x: float, y: float) -> QPointF:
        s, o = self._frame()
        return QPointF(o.x() + x * s, o.y() + y * s)

    def to_picture(self, p: QPointF) -> tuple[float, float]:
        s, o = self._frame()
        w, h = self._size
        return (min(max((p.x() - o.x()) / s, 0.0), w - 1.0), min(max((p.y() - o.y()) / s, 0.0), h - 1.0))

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#e5e7eb"))
        if self._pixmap is None:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("正在载入原图…"))
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        s, o = self._frame()
        w, h = self._size
        p.drawPixmap(QRectF(o.x(), o.y(), w * s, h * s), self._pixmap, QRectF(self._pixmap.rect()))
        points = [self.to_screen(*c) for c in self.corners]
        p.setPen(QPen(QColor("#2563eb"), 2))
        p.setBrush(QColor(37, 99, 235, 40))
        p.drawPolygon(QPolygonF(points))
        for i, pt in enumerate(points):
            p.setBrush(QColor("#f59e0b") if i == self._held else QColor("white"))
            p.drawEllipse(pt, HANDLE_R, HANDLE_R)
        p.end()

    def _nearest(self, pos: QPointF) -> int | None:
        best = min(range(4), key=lambda i: (self.to_screen(*self.corners[i]) - pos).manhattanLength())
        return best if (self.to_screen(*self.corners[best]) - pos).manhattanLength() <= 3 * HANDLE_R else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._pixmap is not None and event.button() == Qt.MouseButton.LeftButton:
            self._held = self._nearest(event.position())
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._held is not None:
            self.corners[self._held] = self.to_picture(event.position())
            self.update()
            self.moved.emit()
        else:
            near = self._pixmap is not None and self._nearest(event.position()) is not None
            self.setCursor(Qt.CursorShape.SizeAllCursor if near else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._held is not None and event.button() == Qt.MouseButton.LeftButton:
            self._held = None
            self.update()
            self.released.emit()


@dataclass(frozen=True)
class Loaded:
    picture: np.ndarray  # upright (after the rotation), at most PREVIEW_SIDE
    size: tuple[int, int]  # full upright (w, h): the corners' frame


@dataclass(frozen=True)
class Rectified:
    corners: Corners
    report: MaterialReport
    output: np.ndarray | None  # the written file, None when it did not pass


class CornerEditor(QDialog):
    """Modal; on 确定, `corners` are the user's (upright px after `rotation`) and `rectified` is
    fix_material's last answer (for these corners unless `busy` or they moved since)."""

    def __init__(self, backend: Any, path: Path, page: int | None, category: str | None, rotation: int,
                 corners: Corners | None, profile: Any, work_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("调整四角：{name}").format(name=path.name))
        self._backend, self._path, self._page, self._category = backend, path, page, category
        self._rotation, self._profile, self._work = rotation, profile, work_dir
        self._initial = corners
        self._serial = itertools.count()
        self._dirty = False
        self.loaded: Loaded | None = None
        self.rectified: Rectified | None = None  # fix_material's last answer (QDialog.result is the exit code)
        self.canvas = CornerCanvas()
        self.canvas.moved.connect(self._quick)
        self.canvas.released.connect(self.recompute)
        self.result_view = ImagePreview(self.tr("校正结果"), self.tr("拖动左图中的四个角，这里显示校正后的样子"))
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.reset_button = QPushButton(self.tr("恢复打开时的四角"))
        self.reset_button.clicked.connect(self._reset)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        help_label = QLabel(self.tr("把四个圆点拖到证件或纸张的四个角上；松开鼠标后重新校正并检查。"))
        help_label.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("原图")))
        left.addWidget(self.canvas, 1)
        right = QVBoxLayout()
        right.addWidget(self.result_view, 1)
        right.addWidget(self.verdict)
        panes = QHBoxLayout()
        panes.addLayout(left, 3)
        panes.addLayout(right, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reset_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(help_label)
        layout.addLayout(panes, 1)
        layout.addLayout(bottom)
        self.resize(1000, 620)
        self._runner = Runner(self)
        self.finished.connect(lambda _r: self._runner.shut_down(0.0))
        self._load()

    # --- public --------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._runner.busy

    @property
    def corners(self) -> Corners:
        return [[round(float(x), 1), round(float(y), 1)] for x, y in self.canvas.corners]

    def set_corners(self, corners: Corners) -> None:
        """Move the handles (as a drag would) and re-compute the result."""
        self.canvas.corners = np.asarray(corners, np.float64).reshape(4, 2)
        self.canvas.update()
        self._quick()
        self.recompute()

    def recompute(self) -> None:
        if self.loaded is None:
            return
        if self._runner.busy:
            self._dirty = True
            return
        self._dirty = False
        corners = self.corners
        backend, path, page, category, rotation, profile = (self._backend, self._path, self._page, self._category,
                                                            self._rotation, self._profile)
        out = self._work / f"corners-{next(self._serial)}"

        def work(_say: Say) -> Rectified:
            report = backend.fix_material(path, out, page=page, category=category, rotation=rotation,
                                          corners=corners, profile=profile)
            picture = backend.load_preview(report.output.path, 800) if report.output else None
            return Rectified(corners, report, picture)

        self.verdict.setText(self.tr("正在重新校正并检查…"))
        self._runner.start(work, self._rectified, self._failed)

    # --- jobs ----------------------------------------------------------------------------------------

    def _load(self) -> None:
        backend, path, page, profile, rotation = self._backend, self._path, self._page, self._profile, self._rotation

        def work(_say: Say) -> Loaded:
            rgb, (w, h) = backend.material_preview(path, PREVIEW_SIDE, page=page, profile=profile)
            size = (h, w) if rotation in (90, 270) else (w, h)
            return Loaded(turn(rgb, rotation), size)

        self._runner.start(work, self._loaded, self._failed)

    def _loaded(self, loaded: Loaded) -> None:
        self.loaded = loaded
        w, h = loaded.size
        corners = self._initial or [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]
        self.canvas.set_picture(loaded.picture, loaded.size, corners)
        self._quick()
        self.verdict.setText(self.tr("拖动四个角后松开鼠标，即重新校正。"))

    def _rectified(self, result: Rectified) -> None:
        self.rectified = result
        if result.output is not None:
            self.result_view.set_image(result.output, self.tr("写出的文件"))
        failed = [c.message for c in result.report.checks if c.failed]
        self.verdict.setText(self.tr("校正后全部检查通过。") if not failed
                             else self.tr("校正后仍未通过：{why}").format(why="；".join(failed)))
        self.verdict.setStyleSheet(f"color: {'#2e7d32' if not failed else '#c62828'};")
        if self._dirty or result.corners != self.corners:
            self.recompute()

    def _failed(self, exc: Exception) -> None:
        message = exc.message if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        self.verdict.setText(self.tr("无法处理：{why}").format(why=message))
        self.verdict.setStyleSheet("color: #c62828;")
        if self._dirty:
            self.recompute()

    def _quick(self) -> None:
        if self.loaded is None:
            return
        w, _h = self.loaded.size
        scale = self.loaded.picture.shape[1] / w
        self.result_view.set_image(quick_warp(self.loaded.picture, self.canvas.corners * scale),
                                   self.tr("预览（松开后重新计算）"))

    def _reset(self) -> None:
        if self.loaded is not None:
            w, h = self.loaded.size
            self.set_corners(self._initial or [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
