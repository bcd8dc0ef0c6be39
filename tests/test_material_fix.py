"""The material pipeline end to end on generated documents: fix_material and the category checks."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photocheck.api import MaterialReport, UserError, fix_material, material_inputs
from photocheck.documents.checks import NO_TEXT, category_count, category_required
from photocheck.rules.profile import load_profile
from tests import docgen

pytestmark = pytest.mark.slow  # OCR on every test

CAP = 200_000
PDF_DPI = 150  # docgen draws A4 at 794 x 1123 px: a smaller page, rendered at ~1.3x, keeps OCR quick


def _jpeg(rgb: np.ndarray, path: Path) -> Path:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=92)
    path.write_bytes(buf.getvalue())
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _upright_corners(corners: np.ndarray, clockwise: int, shape: tuple[int, ...]) -> np.ndarray:
    """Photo-frame points turned `clockwise` by quarter turns: (x, y) -> (H - 1 - y, x) each."""
    pts, h, w = corners.astype(np.float64), shape[0], shape[1]
    for _ in range(clockwise // 90):
        pts = np.stack([h - 1 - pts[:, 1], pts[:, 0]], axis=1)
        h, w = w, h
    return pts


def write_report_pdf(path: Path, seeds: tuple[int, ...], dpi: float = PDF_DPI) -> tuple[Path, list[str]]:
    """A 学信网-style report PDF, one page per seed, the page drawn at `dpi`; returns the
    verification-code lines too."""
    docs = [docgen.flat_document("xuexin_report", seed=s) for s in seeds]
    ims = [Image.fromarray(d.image) for d in docs]
    ims[0].save(path, "PDF", save_all=True, append_images=ims[1:], resolution=dpi)
    return path, [d.number for d in docs]


@pytest.fixture(scope="module")
def diploma_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("diploma")
    shot = docgen.phone_photo("diploma", seed=3, rotation=90, size=1200)
    src = _jpeg(shot.image, folder / "毕业证 侧拍.jpg")
    before = _sha(src)
    out = folder / "out"
    out.mkdir()
    report = fix_material(src, out / "02_毕业证书")
    return shot, src, before, out, report


@pytest.mark.xdist_group("diploma_run")
def test_sideways_diploma_photo_becomes_an_upright_legible_upload(diploma_run):
    shot, _, _, out, report = diploma_run
    assert report.ok, [c.message for c in report.failures]
    assert report.rotation == shot.upright == 270
    assert report.document_found
    assert report.suggestion is not None and report.suggestion.category_id == "diploma"
    assert report.category == "diploma"
    assert report.legibility is not None and report.legibility >= 0.95
    o = report.output
    assert o is not None and o.path.parent == out and o.path.name.startswith("02_毕业证书.")
    assert o.path.stat().st_size == o.bytes <= CAP
    with Image.open(o.path) as im:
        assert im.size == (o.width, o.height) and im.width > im.height  # landscape, upright
    # The certificate number survives the whole pipeline.
    digits = "".join(ch for ch in shot.number if ch.isdigit())
    assert digits in "".join(report.text.split())
    # Corners, reported in the upright photo, within 2 % of the diagonal of the truth.
    truth = _upright_corners(shot.corners, report.rotation, shot.image.shape)
    h, w = shot.image.shape[:2]
    found = np.asarray(report.corners)
    # A quarter turn keeps the clockwise order but moves the start: compare every cyclic shift.
    err = min(np.linalg.norm(found - np.roll(truth, k, axis=0), axis=1).max() for k in range(4))
    assert err <= 0.02 * np.hypot(w, h), err


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_turned_id_card_comes_out_upright_from_its_own_page_read(tmp_path, rotation):
    """The page is cut out as it lies and its one OCR run turns it: the note, the corners in the
    upright photo (top-left first) and the key fields read from the upload file."""
    shot = docgen.phone_photo("id_front", seed=4, rotation=rotation, size=2000)
    report = fix_material(_jpeg(shot.image, tmp_path / "正面.jpg"), tmp_path / "front", category="identity")
    assert report.ok, [c.message for c in report.failures]
    assert report.rotation == shot.upright == 360 - rotation
    assert report.notes[0] == f"已按文字方向顺时针旋转{shot.upright}°"
    orientation = next(c for c in report.checks if c.id == "material.orientation")
    assert orientation.status.value == "pass"
    assert next(c for c in report.checks if c.id == "material.key_fields").value == {"id_number": "ok", "name": "ok"}
    truth = _upright_corners(shot.corners, report.rotation, shot.image.shape)
    h, w = shot.image.shape[:2]
    found = np.asarray(report.corners)
    err = min(np.linalg.norm(found - np.roll(truth, k, axis=0), axis=1).max() for k in range(4))
    assert err <= 0.02 * np.hypot(w, h), err
    assert int(np.argmin(found.sum(axis=1))) == 0
    with Image.open(report.output.path) as im:
        assert im.width > im.height  # a card is landscape when upright


@pytest.mark.xdist_group("diploma_run")
def test_input_unchanged_and_only_the_output_written(diploma_run):
    _, src, before, out, report = diploma_run
    assert _sha(src) == before
    assert sorted(p.name for p in out.iterdir()) == [report.output.path.name]


def test_report_pdf_page_passes_with_its_verification_code(tmp_path):
    pdf, codes = write_report_pdf(tmp_path / "学信网 报告.pdf", seeds=(1, 2))
    assert material_inputs(pdf) == [(pdf, 0), (pdf, 1)]
    report = fix_material(pdf, tmp_path / "report", page=1, category="education_report")
    assert report.ok, [c.message for c in report.failures]
    assert report.page == 1 and report.rotation == 0
    assert report.output is not None and report.output.bytes <= CAP
    code = codes[1].split("：")[1].replace(" ", "")
    assert code in "".join(report.text.split())
    assert report.suggestion is not None and report.suggestion.category_id == "education_report"
    with pytest.raises(UserError, match="页码超出范围"):
        fix_material(pdf, tmp_path / "report", page=2)


def test_blurred_document_fails_blur_and_writes_nothing(tmp_path):
    import cv2

    shot = docgen.phone_photo("id_back", seed=1, size=1000)
    blurred = cv2.GaussianBlur(shot.image, (0, 0), 4.0)
    src = _jpeg(blurred, tmp_path / "blurred.jpg")
    out = tmp_path / "out"
    out.mkdir()
    report = fix_material(src, out / "back", category="identity")
    blur = next(c for c in report.checks if c.id == "material.blur")
    assert blur.failed and "模糊" in blur.message
    assert not report.ok and report.output is None
    assert list(out.iterdir()) == []


def test_photo_without_a_document_reports_no_text(tmp_path, astronaut_rgb):
    src = _jpeg(astronaut_rgb, tmp_path / "astronaut.jpg")
    report = fix_material(src, tmp_path / "astronaut_out")
    assert not report.ok and report.output is None
    failed = {c.id: c.message for c in report.failures}
    assert failed.get("material.legibility") == NO_TEXT or "material.resolution" in failed, failed
    assert report.corners is not None and len(report.corners) == 4
    assert not list(tmp_path.glob("astronaut_out*"))


def test_unknown_category_and_missing_file_are_input_errors(tmp_path):
    with pytest.raises(UserError, match="未知的材料类别"):
        fix_material(tmp_path / "x.jpg", tmp_path / "o", category="no_such")
    with pytest.raises(UserError, match="找不到"):
        material_inputs(tmp_path / "missing.pdf")


def _report(slot: str | None) -> MaterialReport:
    return MaterialReport(input=Path("x.jpg"), page=None, category="identity", slot=slot,
                          suggestion=None, checks=[], output=None, corners=None, rotation=0,
                          legibility=None, text="", notes=[])


def test_category_checks_count_slots_and_requirement():
    spec = load_profile(None).materials
    identity = spec.category("identity")
    assert category_count(identity, [_report("front"), _report("back")]).status.value == "pass"
    missing = category_count(identity, [_report("front"), _report("handheld")])
    assert missing.failed and "反面" in missing.message
    twice = category_count(identity, [_report("front"), _report("front")])
    assert twice.failed and "重复" in twice.message
    assert category_count(identity, [_report("front")] * 4).failed
    assert category_required(identity, []).failed
    assert category_required(identity, [_report("front")]).status.value == "pass"
    conditional = next(c for c in spec.categories if not c.required)
    assert category_required(conditional, []).status.value == "warn"
