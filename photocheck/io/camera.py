"""Webcams through OpenCV's VideoCapture: list them, open one, read RGB frames, release.

`Camera` holds what every source shares (the frame count, the Chinese errors for a camera that
never delivers and one that stops delivering); a subclass only grabs frames. `VideoCamera` is the
real device; the tests and the benchmark play files through the same class (tests/camera_standin.py).
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from photocheck.errors import UserError

PROBED = 4  # device indices tried when listing: built-in, one or two USB cameras, a virtual one
FAILED_READS = 3  # consecutive failed grabs before a camera counts as gone (one can drop a frame)
READ_TIMEOUT_MS = 3000  # where the backend supports it, a read gives up after this (an unplugged device)
WANTED_SIZE = (1280, 720)  # asked of the device; it gives the nearest size it has


@dataclass(frozen=True)
class CameraInfo:
    index: int
    name: str  # Chinese, for the picker
    name_en: str


def no_camera() -> UserError:
    return UserError(None, "没有找到摄像头：请连接摄像头（或在系统设置里允许本程序使用摄像头）后重试",
                     "No camera found: connect a camera (or allow this app to use it in the system settings) "
                     "and try again", code="camera.none")


def camera_unreadable(name: str, name_en: str) -> UserError:
    return UserError(None, f"{name} 无法读取画面：它可能正被其他程序（视频会议、相机应用）占用，关闭那些程序后重试",
                     f"{name_en} delivers no picture: another program (a video call, a camera app) may be using it; "
                     "close it and try again", code="camera.busy")


def camera_lost(name: str, name_en: str) -> UserError:
    return UserError(None, f"{name} 停止传输画面：可能已被拔出或断开，请重新连接后再打开",
                     f"{name_en} stopped sending pictures: it may have been unplugged; reconnect it and open it again",
                     code="camera.lost")


class Camera(ABC):
    """One open camera. `read` returns the next frame (HxWx3 uint8 RGB) or raises a UserError
    (code camera.busy before any frame, camera.lost after some); `release` may be called from
    any thread, more than once."""

    def __init__(self, name: str, name_en: str) -> None:
        self.name = name
        self.name_en = name_en
        self.frames = 0  # delivered so far
        self._lock = threading.Lock()  # one grab or release at a time: a released device is never read
        self._released = False

    @abstractmethod
    def grab_frame(self) -> np.ndarray | None:
        """The next RGB frame from the device, None when it gave none this time."""

    @abstractmethod
    def close_device(self) -> None:
        """Let go of the device (called once, under the lock)."""

    def read(self) -> np.ndarray:
        for _ in range(FAILED_READS):
            with self._lock:
                if self._released:
                    raise camera_lost(self.name, self.name_en)
                frame = self.grab_frame()
            if frame is not None:
                self.frames += 1
                return frame
        raise (camera_lost if self.frames else camera_unreadable)(self.name, self.name_en)

    def release(self) -> None:
        with self._lock:
            if not self._released:
                self._released = True
                self.close_device()


def _quiet_opencv() -> None:
    """OpenCV logs a warning for every index it cannot open: listing probes several on purpose."""
    import cv2.utils.logging as log

    log.setLogLevel(log.LOG_LEVEL_ERROR)


def camera_name(index: int) -> tuple[str, str]:
    return f"摄像头 {index + 1}", f"Camera {index + 1}"


class VideoCamera(Camera):
    def __init__(self, index: int) -> None:
        import cv2

        _quiet_opencv()
        super().__init__(*camera_name(index))
        self._capture = cv2.VideoCapture(index)
        if not self._capture.isOpened():
            self._capture.release()
            raise no_camera() if not list_cameras() else camera_unreadable(self.name, self.name_en)
        self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, WANTED_SIZE[0])
        self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, WANTED_SIZE[1])
        self._capture.set(cv2.CAP_PROP_READ_TIMEOUT_MSEC, READ_TIMEOUT_MS)
        self._capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queue of old ones

    def grab_frame(self) -> np.ndarray | None:
        import cv2

        ok, bgr = self._capture.read()
        if not ok or bgr is None or bgr.ndim != 3:
            return None
        rgb: np.ndarray = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        return rgb

    def close_device(self) -> None:
        self._capture.release()


def list_cameras() -> list[CameraInfo]:
    """The cameras OpenCV can open, by index (OpenCV names none: they are numbered)."""
    import cv2

    _quiet_opencv()
    found = []
    for index in range(PROBED):
        capture = cv2.VideoCapture(index)
        if capture.isOpened():
            found.append(CameraInfo(index, *camera_name(index)))
        capture.release()
    return found


def open_camera(index: int) -> Camera:
    """Camera `index` (from list_cameras), asked for 1280x720; UserError when none can be opened."""
    return VideoCamera(index)
