"""The camera's capture loop off the GUI thread: read a frame, compute its live guide, hand both
to the window; drop frames rather than queue them.

The loop runs on a plain daemon thread that owns no Qt object (the rule of ui/workers.py). The
LiveFeed is a QObject made on the GUI thread; the thread only emits its signals (queued: the slots
run on the GUI thread), under the Link's lock, so once `stop` has detached it the thread never
touches the feed again. One frame is in flight at a time: the next one is read and guided while
the window paints it, and sent once the window has (`shown`); frames the window is too slow for
are dropped (the newest is still kept for the shutter).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

from photocheck.api import LiveGuide, Profile
from ui.workers import Link

DISPLAY_SIZE = (960, 540)  # px: the preview's size until the window says how large it shows it
WAIT_FOR_PAINT = 0.1  # s: how long the loop waits for the window before reading past a frame


@dataclass(frozen=True)
class LiveFrame:
    picture: np.ndarray  # the frame reduced for display, RGB
    scale: float  # display px per camera px
    guide: LiveGuide  # in camera px
    size: tuple[int, int]  # the camera's width, height


class _Stream:
    """One run of the loop, plain Python so it outlives the feed: its link, its stop, and whether
    the window has painted the last frame sent."""

    def __init__(self) -> None:
        self.link = Link()
        self.stop = threading.Event()
        self.shown = threading.Event()
        self.shown.set()

    def end(self, *_args: object) -> None:
        self.link.detach()
        self.stop.set()


class LiveFeed(QObject):
    frameReady = Signal(object)  # LiveFrame
    failed = Signal(object)  # the exception that ended the loop (a UserError for a camera problem)
    _frame = Signal(object)
    _failure = Signal(object)

    def __init__(self, parent: QObject, backend: Any, profile: Profile) -> None:
        super().__init__(parent)
        self._backend = backend
        self._profile = profile
        self._stream = _Stream()
        self._stream.end()
        self._fit = DISPLAY_SIZE  # read by the loop: a tuple is replaced whole, never half-written
        self._latest: np.ndarray | None = None
        self._latest_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._frame.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._failure.connect(self.failed, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, index: int) -> None:
        """Open camera `index` and stream (a running stream is stopped first)."""
        self.stop(1.0)
        self._stream = _Stream()
        self.destroyed.connect(self._stream.end)  # the dialog went away without stop(): end all the same
        with self._latest_lock:
            self._latest = None
        self._thread = threading.Thread(target=self._run, args=(index, self._stream), daemon=True,
                                        name=f"photocheck-camera-{index}")
        self._thread.start()

    def stop(self, grace: float) -> bool:
        """Detach, ask the loop to end and wait up to `grace` s for it to release the camera. A read
        blocked in the device ends within its timeout; the thread then releases it and exits."""
        self._stream.end()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(max(0.0, grace))
            return not thread.is_alive()
        return True

    def snapshot(self) -> np.ndarray | None:
        """The newest full-resolution frame (a copy: the shutter's picture)."""
        with self._latest_lock:
            return None if self._latest is None else self._latest.copy()

    def fit(self, width: int, height: int) -> None:
        """The preview is shown within width x height: frames come at that size, drawn unscaled."""
        self._fit = (max(1, width), max(1, height))

    def shown(self) -> None:
        """The window has painted the last frame: the next one may come."""
        self._stream.shown.set()

    # --- the capture thread ---------------------------------------------------------------------

    def _run(self, index: int, stream: _Stream) -> None:
        link, stop, shown = stream.link, stream.stop, stream.shown
        camera = None
        try:
            camera = self._backend.open_camera(index)
            while not stop.is_set():
                frame = camera.read()
                with self._latest_lock:
                    self._latest = frame
                live = self._prepare(frame)  # while the window paints the previous one
                if not shown.wait(WAIT_FOR_PAINT):
                    continue  # the window is behind: drop this frame
                shown.clear()
                with link.lock:
                    if not link.attached:
                        return
                    self._frame.emit(live)
        except Exception as exc:  # a camera error (or a bug) must reach the dialog as a message
            with link.lock:
                if link.attached and not stop.is_set():
                    self._failure.emit(exc)
        finally:
            if camera is not None:
                camera.release()

    def _prepare(self, frame: np.ndarray) -> LiveFrame:
        import cv2

        h, w = frame.shape[:2]
        guide = self._backend.live_guide(frame, self._profile)
        fw, fh = self._fit
        k = min(fw / w, fh / h)
        # Linear, not area: at 3/4 area averaging costs 6x as much, and a preview shows no difference.
        size = (max(1, round(w * k)), max(1, round(h * k)))
        picture = cv2.resize(frame, size, interpolation=cv2.INTER_LINEAR) if size != (w, h) else frame
        return LiveFrame(np.ascontiguousarray(picture), k, guide, (w, h))

    # --- the GUI thread -------------------------------------------------------------------------

    def _deliver(self, live: LiveFrame) -> None:
        if self._stream.link.attached:
            self.frameReady.emit(live)
