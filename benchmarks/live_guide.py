"""The camera's live guide against its target of 15 frames per second from a 1280x720 source:

- guide: the stand-in camera (tests/camera_standin.py) playing 1280x720 webcam-like frames of
  grace_hopper (well framed, too small, off to one side, tilted) as fast as it is read; each frame
  read and its guide computed (api.live_guide), one after another;
- dialog: the camera dialog itself (ui/camera), offscreen: frames read and guided on its capture
  thread, painted with the overlay on the GUI thread, counted when painted.

    .venv/bin/python benchmarks/live_guide.py [seconds]

Prints the load average beside the numbers, and the CPU time per frame (all threads): on a shared
machine the frame rates read low, the CPU time much less so.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

from benchmarks._common import ROOT, print_command

TARGET_FPS = 15.0


def frames() -> list[np.ndarray]:
    from PIL import Image

    from tests.camera_standin import webcam_frame

    src = np.asarray(Image.open(ROOT / "resources" / "samples" / "grace_hopper.jpg").convert("RGB"))
    return [webcam_frame(src, height=1.5, dy=0.1, angle=-3.2), webcam_frame(src, height=0.8),
            webcam_frame(src, height=1.5, dx=0.2), webcam_frame(src, height=1.5, angle=8)]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def guide_fps(seconds: float) -> tuple[float, float, int]:
    from photocheck.api import live_guide, load_profile
    from tests.camera_standin import StandinCamera

    profile = load_profile(None)
    camera = StandinCamera(frames(), fps=0)
    for _ in range(5):  # models loaded, caches warm
        live_guide(camera.read(), profile)
    n, cpu0, t0 = 0, time.process_time(), time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        live_guide(camera.read(), profile)
        n += 1
    wall = time.perf_counter() - t0
    return n / wall, (time.process_time() - cpu0) / n * 1000, n


def dialog_fps(seconds: float) -> tuple[float, float, int]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from photocheck.api import live_guide, load_profile
    from tests.camera_standin import StandinCamera, StandinCameras
    from ui.camera.dialog import CameraDialog

    _app = QApplication.instance() or QApplication([sys.argv[0]])
    cameras = StandinCameras(StandinCamera(frames(), fps=0))
    backend = SimpleNamespace(list_cameras=cameras.list_cameras, open_camera=cameras.open_camera,
                              live_guide=live_guide)
    dialog = CameraDialog(None, backend, load_profile(None))
    dialog.show()

    def run_for(seconds: float) -> None:  # the dialog's own event loop, as in the app
        loop = QEventLoop()
        QTimer.singleShot(round(seconds * 1000), loop.quit)
        loop.exec()

    while dialog.frames_shown < 5:  # models loaded, the thread streaming
        run_for(0.2)
    first, cpu0, t0 = dialog.frames_shown, time.process_time(), time.perf_counter()
    run_for(seconds)
    shown = dialog.frames_shown - first
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    dialog.reject()
    return shown / wall, cpu / max(shown, 1) * 1000, shown


def main() -> None:
    print_command()
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    print(load())
    fps, cpu_ms, n = guide_fps(seconds)
    verdict = "meets" if fps >= TARGET_FPS else "MISSES"
    print(f"guide alone: {fps:.1f} frames/s over {n} frames of 1280x720 ({cpu_ms:.1f} ms CPU per frame); "
          f"{verdict} the {TARGET_FPS:g} fps target")
    fps, cpu_ms, n = dialog_fps(seconds)
    verdict = "meets" if fps >= TARGET_FPS else "MISSES"
    platform = os.environ["QT_QPA_PLATFORM"]
    print(f"dialog loop: {fps:.1f} frames/s shown with the overlay over {n} frames ({platform}; "
          f"{cpu_ms:.1f} ms CPU per frame, both threads); {verdict} the {TARGET_FPS:g} fps target")
    print(load())


if __name__ == "__main__":
    main()
