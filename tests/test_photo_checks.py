"""Every photo check, failing where it must and passing where it must, on real photos and variants.

The passing base is grace_hopper fixed by the real pipeline; each failing variant changes one thing
(blur, light, colour, a second face, framing...) so the check under test is the one that reacts.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from photocheck.api import check_photo, fix_photo
from photocheck.photo.checks import ORDER
from photocheck.reports import Status
from photocheck.rules.profile import load_profile, load_profile_file, profiles_dir

from . import badfiles


def _save(rgb: np.ndarray, path: Path) -> Path:
    Image.fromarray(rgb).save(path)  # PNG: lossless, so the variant is exactly what the test made
    return path


def _check(path: Path, check_id: str, profile=None):
    report = check_photo(path, profile)
    found = [c for c in report.checks if c.id == check_id]
    assert found, f"{check_id} missing from {[c.id for c in report.checks]}"
    return found[0]


@pytest.fixture(scope="session")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("checks")


@pytest.fixture(scope="session")
def fixed_path(grace_hopper_fixed) -> Path:
    out, report = grace_hopper_fixed
    assert report.ok and out.is_file(), [c.message for c in report.failures]
    return out


@pytest.fixture(scope="session")
def fixed_rgb(fixed_path) -> np.ndarray:
    return np.asarray(Image.open(fixed_path).convert("RGB")).copy()


@pytest.fixture(scope="session")
def fixed_report(fixed_path):
    return check_photo(fixed_path)


def _profile_with(tmp_path: Path, old: str, new: str):
    text = (profiles_dir() / "nmec-2026-hubei.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "nmec-2026-hubei.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_profile_file(path)


def test_fixed_photo_passes_every_check(fixed_report):
    assert [c.id for c in fixed_report.checks] == list(ORDER)
    failures = [(c.id, c.message) for c in fixed_report.checks if c.status is Status.FAIL]
    assert failures == []
    for c in fixed_report.checks:
        assert c.message and any("\u4e00" <= ch <= "\u9fff" for ch in c.message), c.id


def test_result_fields_are_the_contract(fixed_report):
    d = fixed_report.checks[0].to_dict()
    assert {"id", "status", "value", "limit", "message", "hint", "fixable"} <= set(d)
    assert d["status"] in ("pass", "warn", "fail")


def test_blur_fails_sharpness(work, fixed_rgb):
    c = _check(_save(cv2.GaussianBlur(fixed_rgb, (0, 0), 2.5), work / "blur.png"), "image.sharpness")
    assert c.status is Status.FAIL and not c.fixable
    assert "模糊" in c.message


def test_dark_photo_fails_exposure(work, fixed_rgb):
    dark = (fixed_rgb.astype(np.float32) * 0.22).astype(np.uint8)
    c = _check(_save(dark, work / "dark.png"), "image.exposure")
    assert c.status is Status.FAIL and "太暗" in c.message


def test_overexposed_photo_fails_exposure(work, fixed_rgb):
    bright = np.clip(fixed_rgb.astype(np.float32) * 2.0 + 40, 0, 255).astype(np.uint8)
    c = _check(_save(bright, work / "bright.png"), "image.exposure")
    assert c.status is Status.FAIL and "过亮" in c.message


def test_greyscale_fails_color(work, fixed_rgb):
    grey = cv2.cvtColor(cv2.cvtColor(fixed_rgb, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    c = _check(_save(grey, work / "grey.png"), "image.color")
    assert c.status is Status.FAIL and not c.fixable
    assert _check(work / "grey.png", "face.count").status is Status.PASS


def test_side_shadow_fails_lighting(work, fixed_rgb):
    shaded = fixed_rgb.astype(np.float32)
    shaded[:, : shaded.shape[1] // 2] *= 0.4
    c = _check(_save(shaded.astype(np.uint8), work / "shadow.png"), "image.lighting")
    assert c.status is Status.FAIL and "阴影" in c.message


def test_passing_checks_on_the_fixed_photo(fixed_report):
    status = {c.id: c.status for c in fixed_report.checks}
    for check_id in ("image.sharpness", "image.exposure", "image.color", "image.lighting", "face.count",
                     "face.complete", "face.eyes_open", "face.mouth_closed", "face.size", "face.position",
                     "background.white", "background.uniform", "output.file", "file.readable", "face.pose"):
        assert status[check_id] is not Status.FAIL, check_id


def test_second_face_fails_count(work, grace_hopper_rgb, astronaut_rgb):
    h = grace_hopper_rgb.shape[0]
    astro = cv2.resize(astronaut_rgb, (h, h))
    both = np.hstack([grace_hopper_rgb, astro])
    c = _check(_save(both, work / "two.png"), "face.count")
    assert c.status is Status.FAIL and c.value == 2 and not c.fixable
    assert c.message.startswith("检测到2张人脸")
    report = check_photo(work / "two.png")
    assert "face.size" not in {r.id for r in report.checks}  # no single face: face checks are absent


def test_no_face_fails_count(work, grace_hopper_rgb):
    wall = np.full_like(grace_hopper_rgb, 200)
    c = _check(_save(wall, work / "wall.png"), "face.count")
    assert c.status is Status.FAIL and c.value == 0 and "未检测到人脸" in c.message


def _rotate(rgb: np.ndarray, degrees: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(rgb, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def test_tilted_head_fails_pose_and_fix_levels_it(work, grace_hopper_rgb):
    src = _save(_rotate(grace_hopper_rgb, 20), work / "roll20.png")
    c = _check(src, "face.pose")
    assert c.status is Status.FAIL and c.fixable and abs(abs(c.value["roll"]) - 20) < 4
    report = fix_photo(src, work / "roll20-fixed.jpg")
    assert report.ok, [f.message for f in report.failures]
    pose = next(r for r in report.checks if r.id == "face.pose")
    assert abs(pose.value["roll"]) <= 2.5


def test_upright_photo_passes_pose(fixed_report):
    pose = next(c for c in fixed_report.checks if c.id == "face.pose")
    assert pose.status is not Status.FAIL and abs(pose.value["roll"]) <= 2.5


def test_sideways_photo_without_exif_is_turned_by_fix(work, grace_hopper_rgb):
    src = _save(np.ascontiguousarray(np.rot90(grace_hopper_rgb)), work / "sideways.png")  # counter-clockwise
    c = _check(src, "face.pose")
    assert c.status is Status.FAIL and c.fixable and "顺时针旋转90°" in c.message
    out = work / "sideways-fixed.jpg"
    report = fix_photo(src, out)
    assert report.ok and Image.open(out).size == (390, 567)


def test_face_cut_by_edge_fails_complete(work, grace_hopper_rgb):
    w = grace_hopper_rgb.shape[1]
    cut = np.ascontiguousarray(grace_hopper_rgb[:, int(w * 0.45):])
    c = _check(_save(cut, work / "cut.png"), "face.complete")
    assert c.status is Status.FAIL and not c.fixable and "截断" in c.message


def test_tiny_image_fails_resolution(work, grace_hopper_rgb):
    tiny = cv2.resize(grace_hopper_rgb, (128, 150), interpolation=cv2.INTER_AREA)
    c = _check(_save(tiny, work / "tiny.png"), "image.resolution")
    assert c.status is Status.FAIL and not c.fixable and c.value > 1.5


def test_resolution_passes_at_full_size(fixed_report):
    c = next(c for c in fixed_report.checks if c.id == "image.resolution")
    assert c.status is Status.PASS and c.value <= fixed_report.profile.output.quiet_upscale


def test_check_and_fix_name_the_same_enlargement(grace_hopper_path, grace_hopper_fixed):
    # One measure, one number: the check reports the scale the fixer then uses.
    c = next(c for c in check_photo(grace_hopper_path).checks if c.id == "image.resolution")
    _, fixed = grace_hopper_fixed
    assert c.value > 1.0 and fixed.passed
    assert f"原图像素不足，已放大{c.value:.2f}倍" in fixed.notes


def test_eye_and_mouth_thresholds_come_from_the_profile(tmp_path, fixed_path, astronaut_rgb):
    # grace_hopper's eyes measure ~0.07 open and her mouth ~0.005; astronaut smiles showing teeth (~0.1).
    strict_eyes = _profile_with(tmp_path, "min_openness = 0.022", "min_openness = 0.2")
    c = _check(fixed_path, "face.eyes_open", strict_eyes)
    assert c.status is Status.FAIL and "眼睛" in c.message
    assert _check(fixed_path, "face.eyes_open").status is Status.PASS

    astro = _save(astronaut_rgb, tmp_path / "astro.png")
    loose_mouth = _profile_with(tmp_path, "max_openness = 0.06 ", "max_openness = 0.20 ")
    smile = _check(astro, "face.mouth_closed")
    assert smile.status is Status.FAIL and "露齿" in smile.message and not smile.fixable
    assert _check(astro, "face.mouth_closed", loose_mouth).status is not Status.FAIL
    assert _check(fixed_path, "face.mouth_closed").status is Status.PASS


def test_source_background_fails_and_is_fixable(grace_hopper_path):
    report = check_photo(grace_hopper_path)
    status = {c.id: c for c in report.checks}
    assert status["background.white"].status is Status.FAIL and status["background.white"].fixable
    assert status["output.file"].status is Status.FAIL and status["output.file"].fixable


def test_textured_background_fails_uniform(work, fixed_rgb):
    rng = np.random.default_rng(1)
    noisy = fixed_rgb.astype(np.int16)
    noisy[:120, :] += rng.integers(-60, 1, size=(120, noisy.shape[1], 1), dtype=np.int16)
    c = _check(_save(np.clip(noisy, 0, 255).astype(np.uint8), work / "texture.png"), "background.uniform")
    assert c.status is Status.FAIL and c.fixable


def test_small_head_fails_size_and_off_centre_fails_position(work, fixed_rgb):
    h, w = fixed_rgb.shape[:2]
    padded = cv2.copyMakeBorder(fixed_rgb, h // 2, h // 2, w // 2, w // 2, cv2.BORDER_CONSTANT, value=(255,) * 3)
    small = cv2.resize(padded, (w, h), interpolation=cv2.INTER_AREA)
    c = _check(_save(small, work / "small-head.png"), "face.size")
    assert c.status is Status.FAIL and c.fixable and "头部太小" in c.message

    shifted = np.full_like(fixed_rgb, 255)
    shifted[:, 110:] = fixed_rgb[:, : w - 110]
    c = _check(_save(shifted, work / "shifted.png"), "face.position")
    assert c.status is Status.FAIL and c.fixable and "居中" in c.message


def test_output_file_rules(work, fixed_rgb, fixed_path):
    assert _check(fixed_path, "output.file").status is Status.PASS
    c = _check(_save(fixed_rgb, work / "as.png"), "output.file")
    assert c.status is Status.FAIL and "PNG" in c.message
    prog = work / "progressive.jpg"
    Image.fromarray(fixed_rgb).save(prog, "JPEG", quality=80, progressive=True)
    c = _check(prog, "output.file")
    assert c.status is Status.FAIL and "渐进式" in c.message


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_reads_upright(work, grace_hopper_rgb, orientation):
    paths = badfiles.oriented_jpegs(work, grace_hopper_rgb)
    pose = _check(paths[orientation], "face.pose")
    assert "顺时针" not in pose.message  # upright after EXIF: no quarter turn needed
    assert abs(pose.value["roll"]) < 6


def test_large_photo_gives_a_full_resolution_original(work, grace_hopper_rgb):
    big = cv2.resize(grace_hopper_rgb, (2048, 2400), interpolation=cv2.INTER_CUBIC)
    src = work / "big.jpg"
    Image.fromarray(big).save(src, "JPEG", quality=92)
    out, hires = work / "big-fixed.jpg", work / "big-original.jpg"
    report = fix_photo(src, out, original=hires)
    assert report.ok and report.original is not None
    with Image.open(hires) as im:
        # Native resolution (no enlargement, far above the upload size), same frame as the upload.
        assert im.width > 3 * 390 and abs(im.width / im.height - 390 / 567) < 0.01
        assert (im.width, im.height) == (report.original.width, report.original.height)
        corners = np.asarray(im.convert("RGB"))[:20, :20]
    assert corners.min() >= 245


def test_frame_never_invents_clothing_below_the_source(work, grace_hopper_rgb):
    """A photo cut off a third of a head below the chin: the frame would need clothing the photo
    does not have. The fixer frames tighter (a larger head, within the profile's band) so every
    output row is real source, never the last row repeated as streaks or a white band."""
    short = grace_hopper_rgb[:434]  # the chin is at row 333, the head 307 px tall
    src = _save(short, work / "short.png")
    out = work / "short_fixed.jpg"
    report = fix_photo(src, out, overwrite=True)
    assert report.ok, [(c.id, c.message) for c in report.failures]
    size = next(c for c in report.checks if c.id == "face.size")
    assert size.value > load_profile().geometry.head_height_target + 0.02  # framed tighter than usual
    rgb = np.asarray(Image.open(out).convert("RGB")).astype(int)
    bottom = rgb[-12:, 60:330]  # clothing at the bottom centre
    assert np.abs(np.diff(bottom, axis=0)).mean() > 1.0  # varies row to row: not a repeated row

    def white(rows: np.ndarray) -> float:
        return float((rows.min(axis=2) >= 245).mean())

    assert white(rgb[-3:, 60:330]) < white(rgb[-24:-12, 60:330]) + 0.05  # and no white band at the bottom


def test_crop_below_the_source_is_refused_not_streaked(work, grace_hopper_path):
    """A user's crop that reaches below the photo's bottom edge is refused with face.complete."""
    from photocheck.api import CropFrame, analyse_photo

    guides = analyse_photo(grace_hopper_path)
    frame = guides.frame
    assert frame is not None
    # Same top edge, 40 % taller: the head stays whole, the bottom reaches past the photo.
    low = CropFrame(frame.centre_x, frame.centre_y + 0.2 * frame.height, 1.4 * frame.height, frame.angle)
    out = work / "low_crop.jpg"
    report = fix_photo(grace_hopper_path, out, frame=low, overwrite=True)
    assert not report.ok and not out.exists()
    failed = {c.id: c for c in report.failures}
    assert "face.complete" in failed and failed["face.complete"].hint
    assert failed["face.complete"].value["below_source_px"] > 10
