"""The camera dialog driven by stand-in cameras (tests/camera_standin.py) playing webcam-like
1280x720 frames of grace_hopper, with the real live guide: frames and hints show, the shutter hands
the full-resolution frame to the photo step, camera problems read as messages, closing lets the
camera go."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from photocheck.api import live_guide
from tests.camera_standin import StandinCamera, StandinCameras, webcam_frame
from tests.gui.conftest import make_window
from tests.gui.fake_backend import FakeBackend
from tests.gui.helpers import JOB_TIMEOUT_MS, save_shot
from tests.test_live_guide import GOOD

FRAME_TIMEOUT_MS = 30_000


class CameraBackend(FakeBackend):
    """The stand-in pipeline, with stand-in cameras and the real live guide."""

    def __init__(self, cameras: StandinCameras) -> None:
        super().__init__()
        self.cameras = cameras
        self.list_cameras = cameras.list_cameras
        self.open_camera = cameras.open_camera
        self.live_guide = live_guide


@pytest.fixture
def good_frame(grace_hopper_rgb) -> np.ndarray:
    return webcam_frame(grace_hopper_rgb, **GOOD)


def camera_window(qtbot, settings, data_dir, *cameras: StandinCamera):
    backend = CameraBackend(StandinCameras(*cameras))
    return make_window(qtbot, backend, settings, data_dir), backend


def open_dialog(qtbot, window, frames: int = 2):
    dialog = window.photo.take_photo()
    if frames:
        qtbot.waitUntil(lambda: dialog.frames_shown >= frames, timeout=FRAME_TIMEOUT_MS)
    return dialog


def test_frames_and_hints_show_and_each_camera_can_be_picked(qtbot, settings, data_dir, good_frame, grace_hopper_rgb):
    small = webcam_frame(grace_hopper_rgb, height=0.8)
    window, backend = camera_window(qtbot, settings, data_dir, StandinCamera([good_frame]),
                                    StandinCamera([small], index=1))
    dialog = open_dialog(qtbot, window)
    assert dialog.camera_box.count() == 2 and dialog.camera_box.itemText(1) == "测试摄像头 2"
    assert dialog.view.live is not None and dialog.view.live.size == (1280, 720)
    qtbot.waitUntil(lambda: abs(dialog.view.live.picture.shape[1] - dialog.view.picture_rect().width()) <= 1,
                    timeout=FRAME_TIMEOUT_MS)  # frames come at the size they are shown: painted unscaled
    assert dialog.view.live.guide.ready and dialog.hints.text() == "很好，可以拍照" and dialog.shutter.isEnabled()
    save_shot(dialog, "camera-ready.png")

    dialog.camera_box.setCurrentIndex(1)
    dialog.camera_box.activated.emit(1)
    qtbot.waitUntil(lambda: "靠近一点" in dialog.hints.text(), timeout=FRAME_TIMEOUT_MS)
    assert backend.cameras.cameras[0].released and backend.cameras.opened[-1] is backend.cameras.cameras[1]
    save_shot(dialog, "camera-closer.png")
    dialog.reject()


def test_the_shutter_hands_the_full_resolution_frame_to_the_photo_step(qtbot, settings, data_dir, good_frame):
    camera = StandinCamera([good_frame])
    window, backend = camera_window(qtbot, settings, data_dir, camera)
    dialog = open_dialog(qtbot, window)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.keyClick(dialog, Qt.Key.Key_Space)
    assert not isValid(dialog) and camera.released  # closed and deleted
    photo = window.photo._project.photo()
    assert photo is not None and photo.parent == data_dir / "camera" and photo.suffix == ".png"
    with Image.open(photo) as im:
        assert im.size == (1280, 720) and np.array_equal(np.asarray(im), good_frame)
    assert ("preview_photo", photo) in backend.calls  # the normal photo step runs on it
    assert window.photo.original.has_image()


def test_unplugging_mid_preview_shows_a_message_and_stops(qtbot, settings, data_dir, good_frame):
    camera = StandinCamera([good_frame])
    window, _ = camera_window(qtbot, settings, data_dir, camera)
    dialog = open_dialog(qtbot, window)
    camera.unplug()
    qtbot.waitUntil(lambda: "停止传输画面" in dialog.view._message, timeout=FRAME_TIMEOUT_MS)
    assert "测试摄像头 1" in dialog.view._message and not dialog.shutter.isEnabled()
    qtbot.waitUntil(lambda: not dialog.streaming and camera.released, timeout=FRAME_TIMEOUT_MS)
    qtbot.keyClick(dialog, Qt.Key.Key_Space)  # no frame: the shutter does nothing
    assert dialog.isVisible() and dialog.captured is None
    save_shot(dialog, "camera-unplugged.png")
    dialog.reject()


def test_no_camera_and_a_busy_camera_read_as_messages(qtbot, settings, data_dir, good_frame):
    window, _ = camera_window(qtbot, settings, data_dir)
    dialog = open_dialog(qtbot, window, frames=0)
    qtbot.waitUntil(lambda: "没有找到摄像头" in dialog.view._message, timeout=FRAME_TIMEOUT_MS)
    assert dialog.camera_box.count() == 0 and not dialog.shutter.isEnabled()
    save_shot(dialog, "camera-none.png")
    dialog.reject()

    busy = StandinCamera([good_frame], fail_at_open=True)
    window, _ = camera_window(qtbot, settings, data_dir, busy)
    dialog = open_dialog(qtbot, window, frames=0)
    qtbot.waitUntil(lambda: "占用" in dialog.view._message, timeout=FRAME_TIMEOUT_MS)
    assert busy.released and dialog.frames_shown == 0
    dialog.reject()


def test_closing_the_dialog_stops_the_capture_thread(qtbot, settings, data_dir, good_frame):
    camera = StandinCamera([good_frame])
    window, _ = camera_window(qtbot, settings, data_dir, camera)
    dialog = open_dialog(qtbot, window)
    assert dialog.streaming
    dialog.reject()
    assert not dialog.streaming and camera.released and window.photo._project.photo() is None



def test_a_busy_window_drops_frames_instead_of_queueing_them(qtbot, settings, data_dir, good_frame):
    camera = StandinCamera([good_frame], fps=60)
    window, _ = camera_window(qtbot, settings, data_dir, camera)
    dialog = open_dialog(qtbot, window)
    delivered: list[object] = []
    dialog._feed.frameReady.connect(delivered.append)
    shown, read = dialog.frames_shown, camera.frames
    time.sleep(1.0)  # the GUI thread does nothing meanwhile: the camera goes on delivering
    assert camera.frames - read >= 5  # frames read (the newest kept for the shutter)...
    QApplication.processEvents()
    assert len(delivered) <= 1  # ...but at most one was waiting: no backlog is delivered
    qtbot.waitUntil(lambda: dialog.frames_shown >= shown + 3, timeout=FRAME_TIMEOUT_MS)  # and it streams on
    dialog.reject()


def test_closing_the_window_with_the_dialog_open_lets_the_camera_go(qtbot, settings, data_dir, good_frame):
    camera = StandinCamera([good_frame])
    window, _ = camera_window(qtbot, settings, data_dir, camera)
    open_dialog(qtbot, window)
    window.close()
    window.deleteLater()
    qtbot.waitUntil(lambda: camera.released, timeout=FRAME_TIMEOUT_MS)


class RealCameraBackend:
    """The real pipeline (ui.backend) with stand-in cameras."""

    def __init__(self, cameras: StandinCameras) -> None:
        self.list_cameras = cameras.list_cameras
        self.open_camera = cameras.open_camera

    def __getattr__(self, name: str):
        from ui import backend

        return getattr(backend, name)


@pytest.mark.slow
def test_a_shot_runs_the_real_photo_step_on_the_full_resolution_frame(qtbot, settings, data_dir, grace_hopper_rgb):
    # The whole of grace_hopper's picture inside the frame: her hat, cut at its top edge, stays in.
    frame = webcam_frame(grace_hopper_rgb, height=1.3, dy=0.18, angle=-3.2)
    window = make_window(qtbot, RealCameraBackend(StandinCameras(StandinCamera([frame]))), settings, data_dir)
    dialog = open_dialog(qtbot, window)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        dialog.take()
    step = window.photo
    photo = step._project.photo()
    with Image.open(photo) as im:
        assert im.size == (1280, 720)
    # Checked and fixed from the full frame (the composite's flag edge leaves a remnant the real
    # background.clean check reports: honest about the stand-in picture, beside the point here).
    assert step.original.has_image() and step.report.input == photo and "裁剪为390×567" in step.report.notes[0]
    assert "JPEG，390×567" in step.check_list.row("file.readable").message.text()  # the fixed file's checks
    assert step.check_list.row("face.size").status.text() == "通过"
    save_shot(window, "camera-shot-fixed.png")
