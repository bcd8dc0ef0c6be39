"""A saturated background between the jaw and the shoulder goes (photocheck.vision.vivid)."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
from PIL import Image

from photocheck.api import fix_photo
from photocheck.rules.profile import load_profile


def _red_beside_jaw(path) -> int:
    """Vivid red pixels beside grace_hopper's jaw on her left (the flag's stripe behind her neck)."""
    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"))
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)[340:400, 85:125]
    return int((np.hypot(lab[..., 1], lab[..., 2]) > 50).sum())  # her skin there stays under 50


def test_flag_stripe_beside_the_jaw_goes(grace_hopper_path, tmp_path):
    prof = load_profile()
    off = dataclasses.replace(prof, matte=dataclasses.replace(prof.matte, jaw_distance=0.0))
    before, after = tmp_path / "off.jpg", tmp_path / "on.jpg"
    assert fix_photo(grace_hopper_path, before, profile=off).ok
    report = fix_photo(grace_hopper_path, after, profile=prof)
    assert report.ok, [(c.id, c.message) for c in report.failures]
    assert _red_beside_jaw(before) > 30  # without the step the stripe is kept
    assert _red_beside_jaw(after) == 0
