"""Take the photo with a webcam: pick the camera, see the live preview with the framing guide and
the hints in large type, press the shutter (or the space bar) for a full-resolution frame.

The cameras are listed on a Runner job and streamed by a LiveFeed (ui/camera/feed.py); the dialog
only paints what they deliver. A camera problem (none, busy, unplugged mid-preview) shows as the
core's Chinese message in the preview; "重新连接" looks for cameras again.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from photocheck.api import CameraInfo, Profile, UserError
from ui.camera.feed import LiveFeed, LiveFrame
from ui.camera.live_view import LiveView
from ui.i18n import english, tr
from ui.workers import Runner

STOP_GRACE = 0.5  # s: closing waits this long for the capture thread to let go of the camera
READY_STYLE = "color: #15803d; font-size: 26px; font-weight: bold;"
HINT_STYLE = "color: #c2410c; font-size: 26px; font-weight: bold;"


class CameraDialog(QDialog):
    def __init__(self, parent: QWidget | None, backend: Any, profile: Profile) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("拍照"))
        self.resize(1000, 700)
        self.captured: np.ndarray | None = None  # the shutter's full-resolution frame, RGB
        self.frames_shown = 0  # frames painted with their guide
        self._backend = backend
        self._runner = Runner(self)
        self._feed = LiveFeed(self, backend, profile)
        self._feed.frameReady.connect(self._show)
        self._feed.failed.connect(self._failed)

        self.camera_box = QComboBox()
        self.camera_box.activated.connect(self._pick)
        self.reconnect_button = QPushButton(tr("重新连接"))
        self.reconnect_button.clicked.connect(self.find_cameras)
        self.view = LiveView()
        self.view.painted.connect(self._painted)
        self.view.resized.connect(self._feed.fit)
        self.hints = QLabel()
        self.hints.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hints.setWordWrap(True)
        self.legend = QLabel(tr("绿框：照片范围　虚线椭圆：头部应在的位置　"
                                "绿色带：头顶应在的高度　蓝色带：眼睛应在的高度"))
        self.legend.setStyleSheet("color: #4b5563;")
        self.shutter = QPushButton(tr("拍照（空格键）"))
        self.shutter.setStyleSheet("QPushButton { font-size: 18px; font-weight: bold; padding: 8px 28px; }")
        self.shutter.clicked.connect(self.take)
        self.cancel_button = QPushButton(tr("取消"))
        self.cancel_button.clicked.connect(self.reject)
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        space.activated.connect(self.take)

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("摄像头：")))
        top.addWidget(self.camera_box, 1)
        top.addWidget(self.reconnect_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.shutter)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hints)
        layout.addLayout(bottom)
        self.find_cameras()

    @property
    def streaming(self) -> bool:
        return self._feed.running

    def find_cameras(self) -> None:
        """List the cameras (probing takes a moment: on the Runner) and open the first."""
        if self._runner.busy:
            return
        self._feed.stop(STOP_GRACE)
        self._set_idle(tr("正在查找摄像头…"))
        self._runner.start(lambda _say: self._backend.list_cameras(), self._listed, self._failed)

    def take(self) -> None:
        """The shutter: the newest full-resolution frame; the dialog closes with it."""
        frame = self._feed.snapshot() if self.shutter.isEnabled() else None
        if frame is None:
            return
        self.captured = frame
        self.accept()

    def done(self, result: int) -> None:
        self._feed.stop(STOP_GRACE)
        self._runner.shut_down(STOP_GRACE)
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._feed.stop(STOP_GRACE)
        super().closeEvent(event)

    # --- what the jobs deliver ------------------------------------------------------------------

    def _listed(self, cameras: list[CameraInfo]) -> None:
        self.camera_box.clear()
        for c in cameras:
            self.camera_box.addItem(c.name_en if english() else c.name, c.index)
        # Without a listed camera, index 0 is opened all the same: the core says why none works.
        self._open(cameras[0].index if cameras else 0)

    def _pick(self, row: int) -> None:
        self._open(int(self.camera_box.itemData(row)))

    def _open(self, index: int) -> None:
        self._set_idle(tr("正在打开摄像头…"))
        self._feed.start(index)

    def _show(self, live: LiveFrame) -> None:
        self.view.show_frame(live)
        en = english()
        self.hints.setText((" · " if en else "　").join(live.guide.texts(en=en)))
        self.hints.setStyleSheet(READY_STYLE if live.guide.ready else HINT_STYLE)
        self.shutter.setEnabled(True)

    def _painted(self) -> None:
        # Only a frame on screen lets the next one come: while painting lags, frames are dropped.
        self.frames_shown += 1
        self._feed.shown()

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, UserError):
            text = exc.text(en=english())
        else:
            text = tr("摄像头出现意外错误：{error}").format(error=f"{type(exc).__name__}: {exc}")
        self._set_idle(text)

    def _set_idle(self, message: str) -> None:
        self.view.show_message(message)
        self.hints.setText("")
        self.shutter.setEnabled(False)
