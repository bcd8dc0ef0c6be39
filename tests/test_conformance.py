"""Conformance table (OFIQ style): each measure set just below, exactly at and just above each
profile limit, and the status its check must then give. One real analysis (the astronaut) is the
base; only the measure under test is changed, so a row fails only for its own check."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from PIL import Image

from photocheck.io.decode import Source
from photocheck.photo import checks
from photocheck.photo.analysis import PhotoAnalysis, analyse
from photocheck.reports import Status
from photocheck.rules.profile import Profile, load_profile

P, W, F = Status.PASS, Status.WARN, Status.FAIL
EPS = 1e-6

# check id, measure ("part.field", part an attribute of PhotoAnalysis), profile limit ("a.b.c",
# an index for a band's end), expected status (just below, at, just above the limit)
TABLE: list[tuple[str, str, str, tuple[Status, Status, Status]]] = [
    ("image.sharpness", "face.sharpness", "checks.sharpness.min", (F, W, W)),
    ("image.sharpness", "face.sharpness", "checks.sharpness.warn", (W, P, P)),
    ("image.exposure", "face.dark_share", "checks.exposure.max_dark_share", (P, P, F)),
    ("image.exposure", "face.bright_share", "checks.exposure.max_bright_share", (P, P, F)),
    ("image.exposure", "face.face_luma", "checks.exposure.face_luma.0", (F, P, P)),
    ("image.exposure", "face.face_luma", "checks.exposure.face_luma.1", (P, P, F)),
    ("image.lighting", "face.asymmetry", "checks.lighting.warn_asymmetry", (P, P, W)),
    ("image.lighting", "face.asymmetry", "checks.lighting.max_asymmetry", (W, W, F)),
    ("image.color", "face.chroma", "checks.color.min_chroma", (F, P, P)),
    ("face.eyes_open", "landmarks.eye_openness", "checks.eyes_open.min_openness", (F, W, W)),
    ("face.eyes_open", "landmarks.eye_openness", "checks.eyes_open.warn_openness", (W, P, P)),
    ("face.mouth_closed", "landmarks.mouth_openness", "checks.mouth_closed.warn_openness", (P, P, W)),
    ("face.mouth_closed", "landmarks.mouth_openness", "checks.mouth_closed.max_openness", (W, W, F)),
    ("face.occlusion", "occlusion.foreign_share", "checks.occlusion.warn_foreign_share", (P, P, W)),
    ("face.occlusion", "occlusion.foreign_share", "checks.occlusion.max_foreign_share", (W, W, F)),
    ("face.occlusion", "occlusion.lip_redness", "checks.occlusion.warn_lip_redness", (W, P, P)),
    ("face.occlusion", "occlusion.lip_redness", "checks.occlusion.min_lip_redness", (F, W, W)),
    ("face.occlusion", "occlusion.lip_contrast", "checks.occlusion.warn_lip_contrast", (W, P, P)),
    ("face.occlusion", "occlusion.lip_contrast", "checks.occlusion.min_lip_contrast", (F, W, W)),
    ("face.occlusion", "occlusion.eye_hair", "checks.occlusion.warn_eye_hair", (P, P, W)),
    ("face.occlusion", "occlusion.eye_hair", "checks.occlusion.max_eye_hair", (W, W, F)),
    ("face.occlusion", "occlusion.eye_contrast", "checks.occlusion.warn_eye_contrast", (W, P, P)),
    ("face.occlusion", "occlusion.eye_contrast", "checks.occlusion.min_eye_contrast", (F, W, W)),
    ("face.occlusion", "occlusion.chin_cover", "checks.occlusion.warn_chin_cover", (P, P, W)),
    ("face.occlusion", "occlusion.chin_cover", "checks.occlusion.max_chin_cover", (W, W, F)),
    ("face.pose", "landmarks.yaw", "checks.pose.warn_yaw", (P, P, W)),
    ("face.pose", "landmarks.yaw", "checks.pose.max_yaw", (W, W, F)),
    ("face.pose", "landmarks.pitch", "checks.pose.warn_pitch", (P, P, W)),
    ("face.pose", "landmarks.pitch", "checks.pose.max_pitch", (W, W, F)),
    ("face.pose", "landmarks.roll", "checks.pose.tolerance_roll", (P, P, F)),
    ("face.size", "head.head_ratio", "geometry.head_height.0", (F, P, P)),
    ("face.size", "head.head_ratio", "geometry.head_height.1", (P, P, F)),
    ("background.white", "background.white_share", "checks.background.min_white_share", (F, P, P)),
    ("background.uniform", "background.std", "checks.background.max_std", (P, P, F)),
    ("background.uniform", "background.gradient", "checks.background.max_gradient", (P, P, F)),
]

RUN = {
    "image.sharpness": checks.image_sharpness, "image.exposure": checks.image_exposure,
    "image.lighting": checks.image_lighting, "image.color": checks.image_color,
    "face.eyes_open": checks.face_eyes_open, "face.mouth_closed": checks.face_mouth_closed,
    "face.occlusion": checks.face_occlusion,
    "face.pose": checks.face_pose, "face.size": checks.face_size,
    "background.white": checks.background_white, "background.uniform": checks.background_uniform,
}


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load_profile()


@pytest.fixture(scope="module")
def base(tmp_path_factory, astronaut_rgb, profile) -> PhotoAnalysis:
    path = tmp_path_factory.mktemp("conformance") / "astronaut.png"
    Image.fromarray(astronaut_rgb).save(path)
    a = analyse(Source.open(path, max_pixels=10**8).decode(profile.input.analysis_side), profile)
    assert a.single_face and a.face is not None and a.head is not None and a.background is not None
    # A level head facing the camera, so that only the measure a row changes decides the status.
    # A plain white background too: the astronaut's own is busy.
    lm = dataclasses.replace(a.landmarks, yaw=0.0, pitch=0.0, roll=0.0)
    bg = dataclasses.replace(a.background, white_share=1.0, std=0.0, gradient=0.0)
    assert a.occlusion is not None
    clear = dataclasses.replace(a.occlusion, foreign_share=0.0, lip_redness=20.0, lip_contrast=20.0, eye_hair=0.0,
                                eye_contrast=0.9, chin_cover=0.0)
    return dataclasses.replace(a, landmarks=lm, background=bg, occlusion=clear, quarter_turns=0)


def _limit(profile: Profile, path: str) -> float:
    value: Any = profile
    for part in path.split("."):
        value = value[int(part)] if part.isdigit() else getattr(value, part)
    return float(value)


def _with(a: PhotoAnalysis, measure: str, value: float) -> PhotoAnalysis:
    part, field = measure.split(".")
    if field == "eye_openness":  # the check reads the smaller eye
        new: Any = (value, value + 0.05)
    else:
        new = value
    return dataclasses.replace(a, **{part: dataclasses.replace(getattr(a, part), **{field: new})})


@pytest.mark.parametrize(("check_id", "measure", "limit", "expected"), TABLE,
                         ids=[f"{r[0]}:{r[2].split('.', 1)[1]}" for r in TABLE])
def test_status_just_below_at_and_just_above_the_limit(base, profile, check_id, measure, limit, expected):
    at = _limit(profile, limit)
    got = tuple(RUN[check_id](_with(base, measure, at + d), profile).status for d in (-EPS, 0.0, EPS))
    assert got == expected, f"{measure} at {at} -{EPS}/0/+{EPS}"


def test_every_measured_check_is_in_the_table():
    # A new check on a measure needs its rows here, or nothing pins its limits.
    assert set(RUN) == {r[0] for r in TABLE}
    assert set(RUN) <= set(checks.ORDER)
