"""The hand-held ID photo slot (本人手持身份证内容一面照片): a generated ID card held beside a real
face (astronaut, grace_hopper), mirrored as a selfie camera takes it, without the person, and with
the card blurred past reading. It is judged as a photo of the candidate, not as a flat document."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photocheck import api
from photocheck.api import classify, fix_material
from photocheck.documents.checks import material_face
from photocheck.documents.handheld import Person, find_person
from photocheck.documents.portrait import Picture, picture_kind
from photocheck.export.prepare import collect
from photocheck.reports import MaterialReport, Status
from photocheck.rules.profile import load_profile
from photocheck.vision.face import detect_faces
from tests import docgen

PROFILE = load_profile("nmec-2026-hubei")
SPEC = PROFILE.materials
CHECKS = SPEC.checks


def _card() -> np.ndarray:
    return docgen.flat_document("id_front", 1, name="张三").image


def _jpeg(rgb: np.ndarray, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(path, quality=92)
    return path


def _fix(rgb: np.ndarray, tmp_path: Path, stem: str = "held") -> MaterialReport:
    src = _jpeg(rgb, tmp_path / f"{stem}.jpg")
    return fix_material(src, tmp_path / f"{stem}_out", category="identity", slot="handheld", name="张三")


def _status(report: MaterialReport, check_id: str) -> Status:
    return next(c.status for c in report.checks if c.id == check_id)


@pytest.fixture(params=["astronaut", "grace_hopper"])
def person(request, astronaut_rgb, grace_hopper_rgb) -> np.ndarray:
    return astronaut_rgb if request.param == "astronaut" else grace_hopper_rgb


@pytest.mark.slow  # OCR of a whole material fix
@pytest.mark.parametrize("mirrored", [False, True])
def test_a_held_card_beside_a_face_passes_whole_and_the_right_way_round(tmp_path, person, mirrored):
    held = docgen.handheld_photo(person, _card(), mirrored=mirrored)
    report = _fix(held, tmp_path)
    assert report.ok and report.output is not None, [(c.id, c.message) for c in report.checks if c.failed]
    for check_id in ("material.face", "material.card_text", "material.key_fields", "material.name"):
        assert _status(report, check_id) is Status.PASS, check_id
    assert report.mirrored is mirrored
    assert "material.blur" not in [c.id for c in report.checks]  # not judged as paper
    # The whole picture, no page cut-out: the same size, and the face where it was drawn.
    with Image.open(report.output.path) as im:
        out = np.asarray(im.convert("RGB"))
    assert out.shape == held.shape
    upright = docgen.handheld_photo(person, _card())
    assert np.abs(out.astype(int) - upright.astype(int)).mean() < 6  # un-mirrored: the upright picture
    assert any("镜像" in n for n in report.notes) is mirrored


@pytest.mark.slow  # OCR of a whole material fix
def test_a_held_card_without_a_person_fails_the_face_check(tmp_path, astronaut_rgb):
    report = _fix(docgen.handheld_photo(astronaut_rgb, _card(), face=False), tmp_path)
    face = next(c for c in report.checks if c.id == "material.face")
    assert face.status is Status.FAIL and "没有找到本人的脸" in face.message
    assert _status(report, "material.card_text") is Status.PASS
    assert report.output is None and not report.ok


@pytest.mark.slow  # OCR of a whole material fix
def test_an_unreadably_blurred_card_fails_the_card_check(tmp_path, grace_hopper_rgb):
    report = _fix(docgen.handheld_photo(grace_hopper_rgb, _card(), card_blur=6), tmp_path)
    card = next(c for c in report.checks if c.id == "material.card_text")
    assert card.status is Status.FAIL and "证件上的文字无法辨认" in card.message
    assert card.value < CHECKS.handheld_min_card_chars
    assert _status(report, "material.face") is Status.PASS
    assert report.output is None


def _face_top(rgb: np.ndarray) -> float:
    return max(detect_faces(rgb), key=lambda f: f.area).box[1]


def test_a_face_cut_by_the_edge_fails(astronaut_rgb):
    held = docgen.handheld_photo(astronaut_rgb, _card())
    whole = find_person(held)
    assert whole is not None and whole.faces == 1 and whole.eyes and whole.inside > CHECKS.handheld_face_margin
    ok = material_face(whole, min_face=CHECKS.handheld_min_face, margin=CHECKS.handheld_face_margin)
    assert ok.status is Status.PASS
    # Crop the picture through the forehead: the face box now runs past the top edge.
    face_top = int(_face_top(held))
    cut = find_person(np.ascontiguousarray(held[face_top + 40:]))
    assert cut is not None and cut.inside < 0
    failed = material_face(cut, min_face=CHECKS.handheld_min_face, margin=CHECKS.handheld_face_margin)
    assert failed.status is Status.FAIL and "截断" in failed.message


def test_face_check_messages():
    limits = {"min_face": CHECKS.handheld_min_face, "margin": CHECKS.handheld_face_margin}
    two = material_face(Person(2, 0.05, 0.1, True), **limits)
    small = material_face(Person(1, 0.001, 0.1, True), **limits)
    eyes = material_face(Person(1, 0.05, 0.1, False), **limits)
    assert two.failed and "2 个人" in two.message
    assert small.failed and "人脸太小" in small.message
    assert eyes.failed and "截断" in eyes.message


@pytest.mark.slow  # face detection and OCR
@pytest.mark.parametrize("mirrored", [False, True])
def test_a_loose_held_card_is_recognised_even_mirrored_or_beside_a_name_tag(tmp_path, person, mirrored):
    # grace_hopper's name tag ("HOPPER") is text far from the card: the card's own text decides
    # whether the face is the portrait printed on it. A selfie camera's mirror image reads as a
    # few stray characters, like a portrait, until it is read the right way round.
    held = _jpeg(docgen.handheld_photo(person, _card(), mirrored=mirrored), tmp_path / "IMG_5.jpg")
    assert picture_kind(held, SPEC, max_pixels=PROFILE.input.max_pixels) == Picture(portrait=False, category="identity")


def test_the_card_text_is_the_cluster_of_lines_that_reads_most(astronaut_rgb):
    from photocheck.documents.handheld import card_text
    from photocheck.documents.ocr import TextLine, read_text

    lines = read_text(docgen.handheld_photo(astronaut_rgb, _card()))
    tag = TextLine("HOPPER", 1.0, np.array([[5, 5], [60, 5], [60, 25], [5, 25]], np.float32))
    card = card_text([*lines, tag])
    assert all(ln is not tag for ln in card)
    texts = {ln.text for ln in card}
    assert {"姓名", "张三", "公民身份号码"} <= texts and any(t.startswith("420106") for t in texts)


@pytest.mark.slow  # face detection and OCR of the collect step
def test_collect_places_a_held_card_and_never_sends_it_to_the_photo_step(tmp_path, astronaut_rgb, grace_hopper_rgb,
                                                                        grace_hopper_path):
    root = tmp_path / "材料"
    _jpeg(docgen.handheld_photo(astronaut_rgb, _card()), root / "IMG_1.jpg")  # loose: classified
    # In its slot with the card blurred: it looks like a portrait, but its place says what it is.
    _jpeg(docgen.handheld_photo(grace_hopper_rgb, _card(), card_blur=6), root / "身份证明" / "手持证件照.jpg")
    shutil.copy(grace_hopper_path, tmp_path / "报名照.jpg")

    def look(p: Path) -> Picture | None:
        return picture_kind(p, SPEC, max_pixels=PROFILE.input.max_pixels)

    assert look(root / "IMG_1.jpg") == Picture(portrait=False, category="identity")
    assert look(root / "身份证明" / "手持证件照.jpg") == Picture(portrait=True)  # what it would be taken for
    inputs = collect(root, SPEC, photo=tmp_path / "报名照.jpg", portrait=look)
    assert not inputs.skipped
    placed = {i.path.name: (i.category, i.slot) for i in inputs.items}
    assert placed == {"IMG_1.jpg": ("identity", "handheld"), "手持证件照.jpg": ("identity", "handheld")}
    assert any("手持证件照" in n for n in inputs.notes)


@pytest.mark.slow  # face detection and OCR of the suggestion
def test_classify_suggests_the_hand_held_slot_as_collect_places_it(tmp_path, astronaut_rgb):
    held = _jpeg(docgen.handheld_photo(astronaut_rgb, _card()), tmp_path / "IMG_2.jpg")
    card = _jpeg(_card(), tmp_path / "IMG_3.jpg")
    suggestion = classify(held, profile=PROFILE)
    assert (suggestion.category_id, suggestion.slot) == ("identity", "handheld")
    assert "手持证件照" in suggestion.reason and suggestion.confidence > 0
    inputs = collect(tmp_path, SPEC, portrait=lambda p: picture_kind(p, SPEC, max_pixels=PROFILE.input.max_pixels))
    assert [(i.category, i.slot) for i in inputs.items if i.path == held] == [("identity", "handheld")]
    # The card alone (its printed portrait among its text) is the ID card's front, not held.
    plain = classify(card, profile=PROFILE)
    assert (plain.category_id, plain.slot) == ("identity", "front")
    # The window asks api.picture_kind, which answers as collect does: the slot for the held card,
    # nothing for the flat card.
    kind = api.picture_kind(held, profile=PROFILE)
    assert kind is not None and not kind.portrait and kind.suggestion == suggestion
    assert api.picture_kind(card, profile=PROFILE) is None
