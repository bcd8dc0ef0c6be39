"""The live framing guide on webcam-like 1280x720 frames of real portraits: each framing fault gives
its hint, a good framing none, and the hints agree with the photo checks they stand for."""

from __future__ import annotations

import numpy as np
import pytest

from photocheck.api import check_photo, live_guide, load_profile
from tests.camera_standin import SIZE, WALL, webcam_frame

PROFILE = load_profile(None)
GRACE_LEVEL = -3.2  # grace_hopper's head is tilted 3.2 deg: turning her back levels the eyes
GOOD = {"height": 1.5, "dy": 0.1, "angle": GRACE_LEVEL}  # head, crown and eyes inside the profile's bands


def test_a_well_framed_face_gets_no_hint_and_the_guide_sits_in_the_profile_frame(grace_hopper_rgb):
    g = live_guide(webcam_frame(grace_hopper_rgb, **GOOD), PROFILE)
    assert g.hints == () and g.ready and g.texts() == ["很好，可以拍照"]
    assert g.texts(en=True) == ["Good: take the photo"]
    x0, y0, x1, y1 = g.frame
    assert (y0, y1) == (0, 720) and (x1 - x0) / (y1 - y0) == pytest.approx(390 / 567)
    assert x0 == pytest.approx((1280 - (x1 - x0)) / 2)
    lo, hi = PROFILE.geometry.head_height
    assert g.head_ratio is not None and lo <= g.head_ratio <= hi
    assert g.crown_band == pytest.approx((0.03 * 720, 0.13 * 720))
    assert g.eye_band == pytest.approx((0.28 * 720, 0.5 * 720))
    assert g.crown_y is not None and g.crown_band[0] <= g.crown_y <= g.crown_band[1]
    assert g.eye_y is not None and g.eye_band[0] <= g.eye_y <= g.eye_band[1]
    assert g.face_oval is not None and g.face_oval.shape[1] == 2  # in the 1280x720 frame's pixels
    assert x0 < g.face_oval[:, 0].min() and g.face_oval[:, 0].max() < x1
    _, ty0, _, ty1 = g.target
    assert ty0 == pytest.approx(0.08 * 720) and ty1 - ty0 == pytest.approx(0.64 * 720)


@pytest.mark.parametrize(("change", "hint", "text"), [
    ({"height": 0.8}, "closer", "靠近一点"),
    ({"height": 2.0}, "farther", "离远一点"),
    ({"dx": 0.2}, "move_right", "往右一点"),  # the face at the image's right: the candidate's left
    ({"dx": -0.2}, "move_left", "往左一点"),
    ({"dy": 0.22}, "move_up", "往上一点"),
    ({"dy": -0.1}, "move_down", "往下一点"),
    ({"angle": GRACE_LEVEL + 10}, "level", "把头摆正"),
    ({"angle": GRACE_LEVEL - 10}, "level", "把头摆正"),
])
def test_each_framing_fault_gives_its_hint(grace_hopper_rgb, change, hint, text):
    g = live_guide(webcam_frame(grace_hopper_rgb, **{**GOOD, **change}), PROFILE)
    assert hint in g.hints and text in g.texts() and not g.ready


def test_an_empty_picture_asks_the_candidate_to_face_the_camera():
    wall = np.full((SIZE[1], SIZE[0], 3), WALL, np.uint8)
    g = live_guide(wall, PROFILE)
    assert g.hints == ("no_face",) and g.face_oval is None and g.texts() == ["请正对镜头"]


def test_two_candidates_in_the_picture(grace_hopper_rgb):
    left = webcam_frame(grace_hopper_rgb, height=0.9, dx=-0.25)
    right = webcam_frame(grace_hopper_rgb, height=0.9, dx=0.25)
    both = np.where(np.arange(SIZE[0])[None, :, None] < SIZE[0] // 2, left, right).astype(np.uint8)
    assert live_guide(both, PROFILE).hints == ("many_faces",)


def test_the_hints_agree_with_the_photo_checks(astronaut_rgb, grace_hopper_path, tmp_path):
    # The astronaut smiles with her teeth showing: face.mouth_closed fails, and the guide asks her
    # to close her mouth; grace_hopper's mouth passes the check and gets no such hint.
    from PIL import Image

    astronaut = tmp_path / "astronaut.png"
    Image.fromarray(astronaut_rgb).save(astronaut)
    mouth = {c.id: c.status.value for c in check_photo(astronaut, PROFILE).checks}["face.mouth_closed"]
    assert mouth == "fail" and "close_mouth" in live_guide(webcam_frame(astronaut_rgb, height=1.6), PROFILE).hints
    assert {c.id: c.status.value for c in check_photo(grace_hopper_path, PROFILE).checks}["face.mouth_closed"] == "pass"


def test_a_profile_without_a_fixed_size_frames_by_its_minimum_size(grace_hopper_rgb):
    g = live_guide(webcam_frame(grace_hopper_rgb, **GOOD), load_profile("weisheng-original"))
    x0, y0, x1, y1 = g.frame
    assert (x1 - x0) / (y1 - y0) == pytest.approx(420 / 600)


def _upright_rgb(path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as im:
        rgba = im.convert("RGBA")
        return np.asarray(Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB"))


@pytest.mark.shared
@pytest.mark.parametrize(("name", "hint", "mirrored"), [
    ("fr-32bit.png", "turn_left", "turn_right"),  # yaw -16: turned to the candidate's right
    ("../photos-busy/busy-img19.jpg", "chin_down", "chin_down"),  # pitch +16: chin raised
    ("../photos-busy/busy-img25.jpg", "chin_up", "chin_up"),  # pitch -12: chin lowered
])
def test_real_turned_and_raised_heads_get_the_pose_hint_the_check_fails_them_for(shared_photos, name, hint,
                                                                                 mirrored):
    path = shared_photos / name
    assert {c.id: c.status.value for c in check_photo(path, PROFILE).checks}["face.pose"] == "fail"
    rgb = _upright_rgb(path)
    assert hint in live_guide(webcam_frame(rgb), PROFILE).hints
    assert mirrored in live_guide(webcam_frame(np.ascontiguousarray(rgb[:, ::-1])), PROFILE).hints
