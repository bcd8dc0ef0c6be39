"""Other people out of focus at the frame's sides, found by focus alone (photocheck.vision.bystanders)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from photocheck.photo.fix import matte_params
from photocheck.rules.profile import load_profile
from photocheck.vision.bystanders import bystanders

EYES_Y = 170.0


@pytest.fixture(scope="module")
def scene(grace_hopper_rgb, astronaut_rgb):
    """grace_hopper at output width, everything kept by the matte; her face oval; and another
    person's face and shoulder (the astronaut's) to paste in."""
    rgb = cv2.resize(grace_hopper_rgb, (390, 457), interpolation=cv2.INTER_AREA)
    face = np.zeros(rgb.shape[:2], np.uint8)
    cv2.ellipse(face, (195, 190), (75, 100), 0, 0, 360, 1, -1)
    other = cv2.resize(astronaut_rgb[60:300, 150:330], (90, 150), interpolation=cv2.INTER_AREA)
    return rgb, face > 0, other


def _find(rgb: np.ndarray, face: np.ndarray) -> np.ndarray:
    mp, _ = matte_params(load_profile())
    return bystanders(rgb, np.ones(face.shape, np.float32), face, EYES_Y, mp)


def test_blurred_person_at_the_side_is_found_up_to_its_edge(scene):
    rgb, face, other = scene
    pasted = rgb.copy()
    pasted[280:430, :90] = cv2.GaussianBlur(other, (0, 0), 5)
    gone = _find(pasted, face)
    assert gone[280:430, :90].mean() > 0.95  # the whole piece
    assert not gone[:, 120:].any() and not gone[:270].any()  # nothing of the candidate beside it


def test_sharp_photo_loses_nothing(scene):
    rgb, face, other = scene
    assert not _find(rgb, face).any()
    pasted = rgb.copy()
    pasted[280:430, :90] = other  # in focus: this step cannot tell it from the candidate
    assert not _find(pasted, face).any()


def test_blur_above_the_eyes_is_left_alone(scene):
    """Long hair beside the head can be out of focus; only what reaches below the eyes is judged."""
    rgb, face, other = scene
    pasted = rgb.copy()
    pasted[0:150, :90] = cv2.GaussianBlur(other, (0, 0), 5)
    assert not _find(pasted, face).any()
