"""A stand-in camera for the tests and the benchmark: it plays frames (arrays, or image files) through
photocheck's Camera class, so reads, errors and release behave as a webcam's do, and `webcam_frame`
makes 1280x720 webcam-like frames of a real portrait, moved, zoomed or tilted."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from photocheck.io.camera import Camera, CameraInfo

SIZE = (1280, 720)
WALL = (226, 230, 228)  # an office wall behind the candidate


def webcam_frame(portrait: np.ndarray, *, height: float = 1.0, dx: float = 0.0, dy: float = 0.0,
                 angle: float = 0.0, size: tuple[int, int] = SIZE) -> np.ndarray:
    """`portrait` scaled to `height` x the frame height, centred then moved by (dx, dy) x the frame
    size, turned `angle` degrees (counter-clockwise, cv2's sense) about its centre, on a wall."""
    import cv2

    w, h = size
    ph, pw = portrait.shape[:2]
    s = height * h / ph
    m = cv2.getRotationMatrix2D((pw / 2, ph / 2), angle, s)
    m[:, 2] += np.array([w / 2 + dx * w - pw / 2, h / 2 + dy * h - ph / 2])
    frame: np.ndarray = cv2.warpAffine(portrait, m, (w, h), flags=cv2.INTER_LINEAR,
                                       borderMode=cv2.BORDER_CONSTANT, borderValue=WALL)
    return frame


class StandinCamera(Camera):
    """Plays `frames` (arrays or image paths) in order, looping unless `loop` is False; after the last
    one it delivers nothing, as an unplugged webcam. `fps` paces reads as a device does (0: at once).
    `fail_at_open` makes it a camera that opens but never delivers (one another program holds)."""

    def __init__(self, frames: Sequence[np.ndarray | Path], *, loop: bool = True, fps: float = 30.0,
                 index: int = 0, fail_at_open: bool = False) -> None:
        super().__init__(f"测试摄像头 {index + 1}", f"Test camera {index + 1}")
        self._frames = [_load(f) for f in frames]
        self._loop = loop
        self._period = 1.0 / fps if fps else 0.0
        self._next = 0
        self._due = time.monotonic()
        self._dead = fail_at_open
        self.released = False

    def unplug(self) -> None:
        """From now on no frame arrives (any thread)."""
        self._dead = True

    def grab_frame(self) -> np.ndarray | None:
        if self._period:
            self._due = max(self._due + self._period, time.monotonic())
            time.sleep(max(0.0, self._due - time.monotonic()))
        if self._dead or (not self._loop and self._next >= len(self._frames)):
            return None
        frame = self._frames[self._next % len(self._frames)]
        self._next += 1
        return frame.copy()  # a device hands out a fresh buffer per frame

    def close_device(self) -> None:
        self.released = True


class StandinCameras:
    """What the camera dialog asks for (list_cameras, open_camera), over stand-in cameras; `opened`
    lists every camera handed out. An empty list behaves as a machine without a camera."""

    def __init__(self, *cameras: StandinCamera) -> None:
        self.cameras = list(cameras)
        self.opened: list[StandinCamera] = []

    def list_cameras(self) -> list[CameraInfo]:
        return [CameraInfo(i, c.name, c.name_en) for i, c in enumerate(self.cameras)]

    def open_camera(self, index: int) -> Camera:
        from photocheck.io.camera import no_camera

        if not self.cameras:
            raise no_camera()
        camera = self.cameras[index]
        self.opened.append(camera)
        return camera


def _load(frame: np.ndarray | Path) -> np.ndarray:
    if isinstance(frame, np.ndarray):
        return frame
    from PIL import Image

    with Image.open(frame) as im:
        return np.asarray(im.convert("RGB"))
