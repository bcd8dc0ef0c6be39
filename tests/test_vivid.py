"""The colour steps of the matte (photocheck.vision.vivid): a saturated background beside the jaw, a
foreign hue beside the head below the forehead, and what such a cut leaves beside it."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
from PIL import Image

from photocheck.api import fix_photo
from photocheck.reports import Status
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


def _blue_left_of_the_ear(path) -> int:
    """Dark flag-blue pixels left of grace_hopper's ear, below her cap (the flag's field between
    the pole and her hair); her grey hair, skin and navy cap there are none."""
    with Image.open(path) as im:
        lab = cv2.cvtColor(np.asarray(im.convert("RGB")).astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    lab = lab[195:280, 45:75]
    hue = np.degrees(np.arctan2(lab[..., 2], lab[..., 1]))
    return int(((hue < -15) & (hue > -90) & (np.hypot(lab[..., 1], lab[..., 2]) > 10) & (lab[..., 0] < 45)).sum())


def test_flag_blue_below_the_cap_goes_or_is_caught(grace_hopper_path, tmp_path):
    """Below the forehead, beside the head, the crown's hue step takes a saturated piece of a hue
    none of the candidate's, grown through the rest of the flag's field (172 such pixels with the
    step reaching only to the forehead). Without the reach, background.clean refuses the output and
    outlines the strip; without its growth too, the strip is a few pieces under min_area."""
    prof = load_profile()
    out = tmp_path / "on.jpg"
    report = fix_photo(grace_hopper_path, out, profile=prof)
    assert report.ok, [(c.id, c.message) for c in report.failures]
    assert _blue_left_of_the_ear(out) < 60

    short = dataclasses.replace(prof, matte=dataclasses.replace(prof.matte, crown_below=0.0))
    kept = tmp_path / "kept.jpg"
    clean = next(c for c in fix_photo(grace_hopper_path, kept, profile=short).checks if c.id == "background.clean")
    assert clean.status is Status.FAIL and not kept.exists()
    assert any(x0 < 65 and x1 > 55 and y0 < 250 and y1 > 220 for x0, y0, x1, y1 in clean.value["regions"])
    rules = dataclasses.replace(prof.checks.background_clean, hue_grow=180.0)
    blind = dataclasses.replace(short, checks=dataclasses.replace(short.checks, background_clean=rules))
    assert fix_photo(grace_hopper_path, kept, profile=blind).ok


def _line_left_of_the_cap(path) -> float:
    """How much lighter the white turns again, left of grace_hopper's cap (rows 128-156), after
    something darker: the flag pole's dark edge as a grey line beside the cap. On a clean outline
    the lightness only falls, from the white into the cap."""
    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"))
    light = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)[128:157, 30:90, 0]
    worst = 0.0
    for row in light:
        row = row[: int(np.argmax(row < 30))]  # up to the cap's outline
        if row.size:
            worst = max(worst, float((row - np.minimum.accumulate(row)).max()))
    return worst


def test_a_cut_takes_the_thin_edge_it_leaves_beside_the_cap(grace_hopper_path, tmp_path):
    """Cut along the flag's blue beside the cap, the flag pole's dark edge (x 59-63, y 128-160 of
    390x567) was left under the cut's feather as a grey line on the white: a cut takes along what it
    leaves beside it thinner than sliver_width."""
    prof = load_profile()
    on = tmp_path / "on.jpg"
    assert fix_photo(grace_hopper_path, on, profile=prof).ok
    assert _line_left_of_the_cap(on) < 8
    off = tmp_path / "off.jpg"
    assert fix_photo(grace_hopper_path, off,
                     profile=dataclasses.replace(prof, matte=dataclasses.replace(prof.matte, sliver_width=0.0))).ok
    assert _line_left_of_the_cap(off) > 15


def test_a_cut_of_specks_between_strands_leaves_the_strands():
    """Only a cut of some size takes the thin pieces beside it: a few specks of background cut
    between loose strands leave the strands; a band cut along the outline takes the line beyond it."""
    from photocheck.photo.fix import _slivers

    mp = dataclasses.replace(load_profile().matte, sliver_width=0.006, sliver_cut=0.0001)
    h, w = 567, 390
    alpha = np.zeros((h, w), np.float32)
    cv2.circle(alpha, (195, 300), 120, 1.0, -1)
    for x in range(150, 240, 15):  # loose strands 2 px wide above the head
        alpha[120:185, x : x + 2] = 1.0
    specks = np.zeros((h, w), bool)
    specks[150, 157:159] = specks[160, 172:174] = True
    assert not _slivers(alpha, specks, 11, mp, None).any()

    band = np.zeros((h, w), bool)
    band[250:320, 70:76] = True  # a cut along the head's left outline...
    alpha[250:320, 66:70] = 1.0  # ...and a line 4 px wide beyond it, joined to the head below
    alpha[318:322, 66:80] = 1.0
    found = _slivers(alpha, band, 11, mp, None)
    assert found[255:315, 66:70].all()
    assert not found[:, 100:].any()  # the head itself and the strands stay
    keep = np.zeros((h, w), bool)
    keep[250:320, 60:70] = True
    assert not _slivers(alpha, band, 11, mp, keep)[keep].any()  # what the user's keep stroke covers stays


def test_what_the_matte_keeps_apart_from_the_candidate_goes():
    """A piece kept (alpha at least 0.5) that joins neither the face nor the frame's bottom edge is
    cut; the body below, and a shoulder the hair separates at the bottom edge, stay."""
    from photocheck.photo.fix import _detached

    h, w = 567, 390
    alpha = np.zeros((h, w), np.float32)
    cv2.circle(alpha, (195, 250), 110, 1.0, -1)  # the head...
    alpha[330:, 120:270] = 1.0  # ...its neck and body, to the bottom edge
    alpha[500:, 330:] = 0.9  # a shoulder apart from the body at the bottom edge
    alpha[300:330, 0:6] = 0.8  # a piece of street at the left edge
    alpha[330:340, 0:40] = 0.3  # joined to the hair only through a faint rim
    alpha[330:340, 40:90] = 0.3
    face = np.zeros((h, w), bool)
    face[200:300, 150:240] = True
    found = _detached(alpha, face)
    assert found[300:330, 0:6].all()
    assert int(found.sum()) == 30 * 6
    assert not _detached(alpha[:, 10:], face[:, 10:]).any()  # nothing apart: nothing cut
