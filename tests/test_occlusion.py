"""face.occlusion on the real pipeline: clean photos pass, generated occlusions fail.

The phone, microphone, a hand of the candidate's own skin and a lock of their own hair over an eye
are drawn over the face where its mesh says (tests/occluders.py); the other hand is a real hand's
pixels, cut from a shared photo at run time. What each proves is said beside it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photocheck.api import check_photo, fix_photo
from photocheck.io.decode import Source
from photocheck.photo.analysis import analyse
from photocheck.reports import CheckResult, Status
from photocheck.rules.profile import load_profile
from tests import occluders

PROFILE = load_profile()
LOCK_SEEDS = (9, 0, 1)  # shapes of the lock over an eye: where it falls, how wide, slanted and long
HAIR_OVER_EYE = "头发遮住眼睛"  # found as the hair's colour
EYE_HIDDEN = "眼睛被遮住（头发或其他物体），看不到眼珠"  # found as an eye with no dark iris or lashes


def _occlusion(path: Path) -> CheckResult:
    return next(c for c in check_photo(path).checks if c.id == "face.occlusion")


def _variants(rgb: np.ndarray, folder: Path, name: str, hand: np.ndarray | None = None) -> dict[str, Path]:
    """The clean photo and its occluded copies, saved as PNG."""
    clean = folder / f"{name}.png"
    Image.fromarray(rgb).save(clean)
    a = analyse(Source.open(clean, max_pixels=10**8).decode(PROFILE.input.analysis_side), PROFILE)
    assert a.landmarks is not None
    made = {"clean": rgb, "phone": occluders.phone(rgb, a.landmarks, a.picture.scale),
            "microphone": occluders.microphone(rgb, a.landmarks, a.picture.scale),
            "own_hand": occluders.own_hand(rgb, a.landmarks, a.picture.scale),
            "chin_hand": occluders.chin_hand(rgb, a.landmarks, a.picture.scale),
            "fringe": occluders.fringe(rgb, a.landmarks, a.picture.scale)}
    for seed in LOCK_SEEDS:
        made[f"hair_over_eye_{seed}"] = occluders.hair_over_eye(rgb, a.landmarks, a.picture.scale, seed)
    if hand is not None:
        made["hand"] = occluders.hand(rgb, a.landmarks, hand, a.picture.scale)
    out = {}
    for kind, pixels in made.items():
        out[kind] = folder / f"{name}-{kind}.png"
        Image.fromarray(pixels).save(out[kind])
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory, astronaut_rgb, grace_hopper_rgb) -> dict[str, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("occlusion")
    return {"astronaut": _variants(astronaut_rgb, folder, "astronaut"),
            "grace_hopper": _variants(grace_hopper_rgb, folder, "grace_hopper")}


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_clean_face_passes(generated, name):
    c = _occlusion(generated[name]["clean"])
    assert c.status is Status.PASS and c.message == "面部无遮挡", c.value


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_phone_over_the_mouth_fails_and_is_not_fixable(generated, name, tmp_path):
    # A dark handset over mouth and chin: the colour cue (neither skin nor hair) finds it.
    c = _occlusion(generated[name]["phone"])
    assert c.status is Status.FAIL and not c.fixable, c.value
    assert c.message == "有物体遮挡面部（手、话筒或手机）" and c.hint == "请移开遮挡物后重拍"
    assert c.value["foreign_share"] > c.limit["foreign_share"]
    out = tmp_path / "photo.jpg"
    report = fix_photo(generated[name]["phone"], out)
    assert not report.ok and not out.exists() and "face.occlusion" in {f.id for f in report.failures}


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_microphone_before_the_chin_fails(generated, name):
    # A grey mesh ball before mouth and chin. On grace_hopper its textured grey, between her pale
    # skin and grey hair, reads partly as a beard (foreign_share only warns), but the lips the mesh
    # puts under it are far less red than her cheeks.
    c = _occlusion(generated[name]["microphone"])
    assert c.status is Status.FAIL, c.value
    assert c.value["lip_redness"] < c.limit["lip_redness"]


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_own_skin_hand_over_the_mouth_fails(generated, name):
    # Fingers of the candidate's own cheek colour and grain: no colour is foreign (foreign_share
    # stays low), but the lips vanish into the skin around them.
    c = _occlusion(generated[name]["own_hand"])
    assert c.status is Status.FAIL, c.value
    assert c.message == "嘴部被遮挡（手或其他物体）" and c.hint == "请把手或遮挡物从脸前移开，露出嘴巴和下巴后重拍"
    assert c.value["foreign_share"] <= c.limit["foreign_share"]
    assert c.value["lip_contrast"] < c.limit["lip_contrast"]


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_own_skin_hand_over_the_chin_only_fails(generated, name):
    # The same fingers below the lower lip, the mouth left visible: the lips pass, but the creases
    # between the fingers cross the chin, and the hand, of the skin's colour and reaching past the
    # jaw, hides the jaw line. The clean chins read far below the limit.
    c = _occlusion(generated[name]["chin_hand"])
    assert c.status is Status.FAIL, c.value
    assert c.message == "下巴被遮挡（手或其他物体）" and c.hint == "请把手从下巴前移开，露出完整的下巴后重拍"
    assert c.value["lip_contrast"] >= c.limit["lip_contrast"]
    assert _occlusion(generated[name]["clean"]).value["chin_cover"] <= c.limit["chin_cover"] / 2


@pytest.mark.parametrize("seed", LOCK_SEEDS)
@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_hair_over_an_eye_fails_with_its_own_message(generated, name, seed):
    # A lock of the person's own hair colours over their right eye, of three shapes; the clean eyes
    # (lashes and iris of the hair's darkness on the astronaut) stay far below the warning.
    c = _occlusion(generated[name][f"hair_over_eye_{seed}"])
    assert c.status is Status.FAIL, c.value
    assert c.message == HAIR_OVER_EYE and c.hint == "请把头发拨到耳后，露出双眼后重拍"
    assert _occlusion(generated[name]["clean"]).value["eye_hair"] <= PROFILE.checks.occlusion.warn_eye_hair / 2


BLEACHED = np.array([[214, 190, 150], [196, 170, 128], [228, 210, 176]], np.uint8)  # a dyed lock's colours


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_a_lock_lighter_than_the_hair_over_an_eye_fails(generated, name, tmp_path):
    # Strands of a colour the hair does not have (a bleached lock; grace_hopper's hair is under her cap)
    # are not found as hair, but they hide the iris and lashes: the eye shows nothing much darker
    # than the skin, where both clean eyes do.
    clean = generated[name]["clean"]
    rgb = np.asarray(Image.open(clean).convert("RGB"))
    a = analyse(Source.open(clean, max_pixels=10**8).decode(PROFILE.input.analysis_side), PROFILE)
    assert a.landmarks is not None
    path = tmp_path / "bleached.png"
    Image.fromarray(occluders.hair_over_eye(rgb, a.landmarks, a.picture.scale, 9, BLEACHED)).save(path)
    c = _occlusion(path)
    assert c.status is Status.FAIL and c.message == EYE_HIDDEN, c.value
    assert c.value["eye_contrast"] < PROFILE.checks.occlusion.min_eye_contrast
    assert _occlusion(clean).value["eye_contrast"] > PROFILE.checks.occlusion.warn_eye_contrast + 0.1


@pytest.mark.parametrize("name", ["astronaut", "grace_hopper"])
def test_a_fringe_above_the_eyebrows_passes(generated, name):
    # The same strands, thick over the whole forehead, ending above the brows: both eyes show.
    c = _occlusion(generated[name]["fringe"])
    assert c.status is Status.PASS, c.value


def test_an_unusual_face_colour_alone_does_not_fail(generated):
    # The cue compares the lower face with the candidate's own skin: a whole photo tinted blue
    # (a white-balance error) shifts skin and lower face together and still passes.
    rgb = np.asarray(Image.open(generated["grace_hopper"]["clean"])).astype(np.float32)
    rgb[..., 2] = np.clip(rgb[..., 2] * 1.25 + 10, 0, 255)
    path = generated["grace_hopper"]["clean"].with_name("tinted.png")
    Image.fromarray(rgb.astype(np.uint8)).save(path)
    assert _occlusion(path).status is Status.PASS


# ---------------------------------------------------------------------------------------------
# Shared photos (real, never committed)


def _single_face_photos(shared_photos: Path) -> list[Path]:
    paths = sorted(shared_photos.glob("*.*")) + sorted((shared_photos.parent / "photos-busy").glob("*.jpg"))
    return [p for p in paths if p.suffix.lower() in (".jpg", ".png") and p.name != "fr-two_people.jpg"]


@pytest.mark.shared
def test_no_shared_photo_is_taken_for_occluded(shared_photos):
    # None of the real photos has anything over the face: a beard (busy-img25, busy-img40's grey one),
    # glasses, smiles, hair over the forehead, hands on the chest (fr-obama) or holding a
    # statuette (busy-img37), a photographer's fist at the edge (busy-img40) all pass.
    found = {p.name: _occlusion(p) for p in _single_face_photos(shared_photos)}
    assert len(found) == 21
    assert {n: c.value for n, c in found.items() if c.status is not Status.PASS} == {}


@pytest.mark.shared
def test_black_phone_before_black_hair_fails(shared_photos, tmp_path):
    # hivision-test0 has dark hair: the dark phone is near the hair's colour, and only its smooth
    # surface (no strands) tells it from a beard.
    with Image.open(shared_photos / "hivision-test0.jpg") as im:
        rgb = np.asarray(im.convert("RGB"))
    paths = _variants(rgb, tmp_path, "hivision-test0")
    assert _occlusion(paths["clean"]).status is Status.PASS
    assert _occlusion(paths["phone"]).status is Status.FAIL


@pytest.mark.shared
def test_own_hand_and_hair_over_an_eye_fail_on_a_real_dark_haired_photo(shared_photos, tmp_path):
    # hivision-test3: pale skin, red lips, long black hair. Her own-skin hand hides the lips; a lock
    # of her black hair over her eye fills its columns, where her clean eyes, iris and lashes, do not,
    # and nor does a fringe that ends above her brows.
    with Image.open(shared_photos / "hivision-test3.jpg") as im:
        rgb = np.asarray(im.convert("RGB"))
    paths = _variants(rgb, tmp_path, "hivision-test3")
    assert _occlusion(paths["clean"]).status is Status.PASS
    assert _occlusion(paths["own_hand"]).message == "嘴部被遮挡（手或其他物体）"
    assert _occlusion(paths["hair_over_eye_9"]).message == HAIR_OVER_EYE
    assert _occlusion(paths["fringe"]).status is Status.PASS


@pytest.mark.shared
@pytest.mark.parametrize(("name", "found_as"), [
    # A receding hairline (busy-img19) and short grey-brown hair (busy-img29): just above the forehead
    # there is forehead, not hair, so the hair's colour is read beside the temples and at the crown.
    ("busy-img19.jpg", HAIR_OVER_EYE), ("busy-img29.jpg", HAIR_OVER_EYE),
    # Blonde hair of many tones: a lock of its lighter crown is not the colour read beside the temples,
    # but the eye behind it shows no dark iris or lashes (busy-img23's clean eyes are narrowed by a smile).
    ("busy-img23.jpg", EYE_HIDDEN), ("busy-img54.jpg", EYE_HIDDEN),
])
def test_a_lock_of_own_hair_over_an_eye_fails_whatever_the_hair(shared_photos, tmp_path, name, found_as):
    # A lock of the crown's hair over an eye, of every shape, is found; the clean photo passes.
    with Image.open(shared_photos.parent / "photos-busy" / name) as im:
        rgb = np.asarray(im.convert("RGB"))
    paths = _variants(rgb, tmp_path, name.removesuffix(".jpg"))
    assert _occlusion(paths["clean"]).status is Status.PASS
    assert {seed: _occlusion(paths[f"hair_over_eye_{seed}"]).message for seed in LOCK_SEEDS} == dict.fromkeys(
        LOCK_SEEDS, found_as)


@pytest.mark.shared
def test_real_hand_of_another_skin_tone_over_the_mouth_fails(shared_photos, tmp_path, grace_hopper_rgb):
    # fr-obama's hand (real skin and fingers, cut from the dark suit it lies on) over grace_hopper's
    # mouth and chin. It fails because its skin is darker than hers: this proves the colour cue on
    # real skin pixels, not that a candidate's own hand is found (it is not, see occlusion.py).
    with Image.open(shared_photos / "fr-obama.jpg") as im:
        obama = np.asarray(im.convert("RGB"))
    hand = occluders.cut_hand(obama, (540, 780, 700, 960))
    paths = _variants(grace_hopper_rgb, tmp_path, "grace_hopper", hand)
    c = _occlusion(paths["hand"])
    assert c.status is Status.FAIL, c.value
