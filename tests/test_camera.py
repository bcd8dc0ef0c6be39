"""Cameras: the real OpenCV path (this machine has none: the "no camera" error), and the stand-in
playing files through the same Camera class: frames, the busy and unplugged errors, release."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from photocheck.api import UserError, list_cameras, open_camera
from photocheck.io.camera import PROBED
from tests.camera_standin import StandinCamera


def test_opening_a_camera_that_is_not_there_says_so_in_chinese():
    cameras = list_cameras()  # the real probe through cv2.VideoCapture
    with pytest.raises(UserError) as caught:
        open_camera(PROBED)  # never listed: no machine has it
    # Without any camera the error says there is none; with one, that this one cannot be read.
    assert caught.value.code == ("camera.none" if not cameras else "camera.busy")
    assert caught.value.path is None
    if not cameras:
        assert "没有找到摄像头" in caught.value.text() and "No camera found" in caught.value.text(en=True)


def test_the_stand_in_plays_files_as_rgb_frames_then_stops_like_an_unplugged_camera(tmp_path, grace_hopper_rgb):
    paths = []
    for i, shade in enumerate((0, 80)):
        frame = np.clip(grace_hopper_rgb.astype(int) - shade, 0, 255).astype(np.uint8)
        paths.append(tmp_path / f"frame{i}.png")
        Image.fromarray(frame).save(paths[-1])
    camera = StandinCamera(paths, loop=False, fps=0)
    first, second = camera.read(), camera.read()
    assert first.shape == grace_hopper_rgb.shape and first.dtype == np.uint8
    assert np.array_equal(first, grace_hopper_rgb) and second.mean() < first.mean()
    with pytest.raises(UserError) as caught:
        camera.read()
    assert caught.value.code == "camera.lost" and "停止传输画面" in caught.value.message
    assert camera.frames == 2


def test_a_camera_that_never_delivers_is_busy_and_a_released_one_is_not_read(grace_hopper_rgb):
    with pytest.raises(UserError) as caught:
        StandinCamera([grace_hopper_rgb], fail_at_open=True, fps=0).read()
    assert caught.value.code == "camera.busy" and "占用" in caught.value.message
    camera = StandinCamera([grace_hopper_rgb], fps=0)
    assert camera.read().shape == grace_hopper_rgb.shape
    camera.release()
    camera.release()  # twice: harmless
    assert camera.released
    with pytest.raises(UserError) as lost:
        camera.read()
    assert lost.value.code == "camera.lost"


def test_unplugging_mid_preview_ends_the_frames(grace_hopper_rgb):
    camera = StandinCamera([grace_hopper_rgb], fps=0)  # looping: frames until unplugged
    for _ in range(5):
        camera.read()
    camera.unplug()
    with pytest.raises(UserError) as caught:
        camera.read()
    assert caught.value.code == "camera.lost" and camera.frames == 5
