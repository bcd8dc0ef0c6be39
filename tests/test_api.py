"""The API the window needs, through photocheck.api alone: guides, a user-moved frame, a user
rotation, the background kept, brush strokes, classification and the project file."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PIL import Image

from photocheck import api
from tests import docgen


@pytest.fixture(scope="module")
def guides(grace_hopper_path) -> api.PhotoGuides:
    return api.analyse_photo(grace_hopper_path)


def _pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.int16)


def test_guides_place_the_head_and_the_planned_crop(guides):
    w, h = guides.size
    x0, y0, x1, y1 = guides.face_box
    assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
    assert guides.crown_y < guides.eye_y < guides.chin_y
    assert guides.rotation == 0 and guides.frame is not None
    f = guides.frame
    assert x0 < f.centre_x < x1 and f.height > guides.chin_y - guides.crown_y  # the frame holds the head


def test_a_user_moved_frame_is_used_and_rechecked(tmp_path, grace_hopper_path, guides, grace_hopper_fixed):
    planned_path, planned = grace_hopper_fixed
    shifted = dataclasses.replace(guides.frame, centre_x=guides.frame.centre_x + 6)
    moved = api.fix_photo(grace_hopper_path, tmp_path / "moved.jpg", frame=shifted)
    assert planned.passed and moved.passed
    assert np.abs(_pixels(tmp_path / "moved.jpg") - _pixels(planned_path)).mean() > 1.0
    # Zoomed out far beyond the profile's head-size band: the re-check refuses it, nothing written.
    wide = dataclasses.replace(guides.frame, height=guides.frame.height * 1.8)
    refused = api.fix_photo(grace_hopper_path, tmp_path / "wide.jpg", frame=wide)
    assert not refused.passed and "face.size" in {c.id for c in refused.failures}
    assert not (tmp_path / "wide.jpg").exists()


def test_a_user_rotation_wins_over_detection(tmp_path, grace_hopper_rgb):
    sideways = tmp_path / "sideways.png"
    Image.fromarray(np.ascontiguousarray(np.rot90(grace_hopper_rgb, 1))).save(sideways)  # turned left
    assert api.analyse_photo(sideways).rotation == 90
    report = api.fix_photo(sideways, tmp_path / "upright.jpg", rotation=90)
    assert report.passed and "照片已顺时针旋转90°" in report.notes
    wrong = api.analyse_photo(sideways, rotation=270)  # the user's choice is taken as it is
    assert wrong.rotation == 270 and wrong.face_box is None


def test_keeping_the_background_is_caught_by_the_check(tmp_path, astronaut_rgb):
    src = tmp_path / "astronaut.png"
    Image.fromarray(astronaut_rgb).save(src)
    report = api.fix_photo(src, tmp_path / "kept.jpg", background=False)
    # The fixer did as asked; the check on the written file does not trust it.
    assert not report.passed and "background.white" in {c.id for c in report.failures}
    assert not (tmp_path / "kept.jpg").exists()


def test_a_remove_stroke_whitens_what_it_covers(tmp_path, grace_hopper_path, guides, grace_hopper_fixed):
    auto, _ = grace_hopper_fixed
    w, h = guides.size
    f = guides.frame
    fw = f.height * 390 / 567
    remove = np.zeros((h, w), bool)  # the lower left of the frame: the shoulder of the uniform
    remove[round(f.centre_y + 0.3 * f.height):round(f.centre_y + 0.5 * f.height),
           round(f.centre_x - fw / 2):round(f.centre_x - 0.2 * fw)] = True
    report = api.fix_photo(grace_hopper_path, tmp_path / "stroke.jpg", remove=remove)
    assert report.output is not None, [(c.id, c.message) for c in report.failures]
    before, after = _pixels(auto), _pixels(tmp_path / "stroke.jpg")
    whitened = (after.min(axis=2) >= 245) & (before.min(axis=2) < 200)
    assert whitened.sum() > 1000
    with pytest.raises(api.UserError):  # a mask of the wrong size is the caller's mistake, said plainly
        api.fix_photo(grace_hopper_path, tmp_path / "bad.jpg", remove=np.zeros((5, 5), bool))


@pytest.mark.slow
def test_classify_reads_the_category_without_writing(tmp_path):
    shot = docgen.phone_photo("id_front", seed=2, size=1000)
    src = tmp_path / "card.jpg"
    Image.fromarray(shot.image).save(src, quality=92)
    suggestion = api.classify(src)
    assert suggestion.category_id == "identity" and suggestion.slot == "front"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.jpg"]


def test_project_round_trip(tmp_path):
    project = api.Project(version=1, name="张三", profile="nmec-2026-hubei", photo="照片.jpg",
                          items=[api.ProjectItem(source="身份证.jpg", sha256="0" * 64, category="identity",
                                                 slot="front", rotation=90,
                                                 corners=[[0, 0], [10, 0], [10, 5], [0, 5]])])
    api.save_project(project, tmp_path / "project.json")
    assert api.load_project(tmp_path / "project.json") == project


def test_the_export_replays_the_photo_edits_as_fix_photo_writes_them(tmp_path, grace_hopper_path, guides):
    # The window's project keeps a moved frame and a remove stroke; its export must write the very
    # file fix_photo writes for the same edits.
    f = guides.frame
    frame = [f.centre_x + 6, f.centre_y, f.height, f.angle]
    stroke = [[f.centre_x - 40, f.centre_y + 0.4 * f.height, f.centre_x - 10, f.centre_y + 0.4 * f.height, 12.0]]
    edits = api.PhotoEdits(frame=frame, remove=stroke)
    direct = api.fix_photo(grace_hopper_path, tmp_path / "direct.jpg", frame=api.CropFrame(*frame),
                           remove=api.stroke_mask(stroke, guides.size))
    project = api.Project(version=api.PROJECT_VERSION, name="张三", profile="nmec-2026-hubei",
                          photo=grace_hopper_path.name, photo_edits=edits)
    export = api.export_project(project, grace_hopper_path.parent, tmp_path / "out")
    assert export.photo is not None and export.photo.output is not None and direct.output is not None
    assert export.photo.output.path.read_bytes() == (tmp_path / "direct.jpg").read_bytes()
