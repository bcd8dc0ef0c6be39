"""The materials step (ui.steps.materials_step): files dropped land in their category card and slot,
move by drag or menu, and every decision reaches the candidate project. The stand-in pipeline
(tests/gui/fake_backend.py) classifies by file name; one test runs the real one on generated
ID card photos, and the corner editor is exercised on the real fix_material."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from photocheck.api import load_profile
from tests import docgen
from tests.gui.conftest import shown
from tests.gui.fake_backend import _picture
from tests.gui.helpers import JOB_TIMEOUT_MS
from ui import backend as real_backend
from ui.project_state import CandidateProject
from ui.steps import materials_step
from ui.steps.base import StepState, StepStatus
from ui.steps.materials_step import MaterialsStep
from ui.widgets.corner_editor import CornerEditor
from ui.widgets.thumbnail import item_mime

PROFILE = "nmec-2026-hubei"


@pytest.fixture
def project() -> CandidateProject:
    return CandidateProject(load_profile(PROFILE))


def make_step(qtbot, backend, project) -> MaterialsStep:
    return shown(qtbot, MaterialsStep(backend, project), (1180, 720))


@pytest.fixture
def step(qtbot, fake, project) -> MaterialsStep:
    return make_step(qtbot, fake, project)


def jpeg(path: Path, seed: int = 0) -> Path:
    rgb = _picture(300, 400)
    rgb[seed % 300, :, :] = seed % 255  # different bytes for every seed: no two files are duplicates
    Image.fromarray(rgb).save(path, quality=90)
    return path


def drop(qtbot, target, paths: list[Path], mime: QMimeData | None = None, at: QPointF | None = None) -> None:
    """A file drop (or an item drag's drop) as the window system delivers it."""
    if mime is None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = at if at is not None else QPointF(target.width() / 2, target.height() / 2)
    event = QDropEvent(pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    target.dropEvent(event)


def settle(qtbot, step: MaterialsStep, timeout: int = JOB_TIMEOUT_MS) -> None:
    qtbot.waitUntil(lambda: not step.busy, timeout=timeout)


def placed(step: MaterialsStep) -> dict[str, tuple[str | None, str | None]]:
    return {e.path.name: (e.category, e.slot) for e in step.entries()}


def test_files_land_in_their_category_and_reach_the_project(qtbot, step, project, tmp_path):
    names = ("身份证正面.jpg", "身份证反面.jpg", "毕业证.jpg")
    files = [jpeg(tmp_path / name, i) for i, name in enumerate(names, start=1)]
    assert step.status().state is StepState.NOT_STARTED
    drop(qtbot, step, files)
    assert step.busy and step.progress.isVisibleTo(step)
    settle(qtbot, step)
    assert placed(step) == {"身份证正面.jpg": ("identity", "front"), "身份证反面.jpg": ("identity", "back"),
                            "毕业证.jpg": ("diploma", None)}
    items = {Path(it.source).name: (it.category, it.slot) for it in project.items()}
    assert items == placed(step)
    assert all(len(it.sha256) == 64 for it in project.items())
    card = step.card("identity")
    assert card.state.text() == "已就绪" and card.count.text() == "2/3"
    assert [b.slot_id for b in card.slot_boxes] == ["front", "back", "handheld"]
    assert "识别 90%" in step.tile(step.entries()[0].key).detail.text()
    # Required categories still empty say what is missing; the step needs work.
    assert "缺少学历认证报告" in step.card("education_report").reasons.text()
    assert step.status() == StepStatus(StepState.NEEDS_WORK, "2/3 类已就绪")


def test_moving_a_file_between_categories(qtbot, step, project, tmp_path):
    drop(qtbot, step, [jpeg(tmp_path / "毕业证.jpg", 1), jpeg(tmp_path / "scan.jpg", 2)])
    settle(qtbot, step)
    diploma, scan = step.entries()
    assert scan.category is None and step.card("").isVisibleTo(step)  # not recognised: the 未分类 card
    # Drag the unrecognised scan onto the 学历认证报告 card.
    target = step.card("education_report")
    drop(qtbot, target, [], mime=item_mime(scan.key))
    assert scan.category == "education_report" and scan.placed_by_user
    assert not step.card("").isVisibleTo(step)
    # And the diploma, by its context menu, to 学位证书.
    menu = step.context_menu(diploma.key)
    move = next(a.menu() for a in menu.actions() if a.text() == "移到")
    next(a for a in move.actions() if a.text() == "学位证书").trigger()
    assert diploma.category == "degree"
    assert {Path(it.source).name: it.category for it in project.items()} == {"毕业证.jpg": "degree",
                                                                             "scan.jpg": "education_report"}
    assert step.card("diploma").state.text() == "缺少材料"
    # A drop on a slot box puts the file into that slot; the one there swaps places.
    drop(qtbot, step, [jpeg(tmp_path / "正面.jpg", 3), jpeg(tmp_path / "反面.jpg", 4)])
    settle(qtbot, step)
    front, back = step.entries()[2:]
    card = step.card("identity")
    box = card.slot_boxes[1]  # 反面
    drop(qtbot, card, [], mime=item_mime(front.key), at=QPointF(box.mapTo(card, box.rect().center())))
    assert (front.slot, back.slot) == ("back", "front")
    # The context menu's 放到 does the same; 未分类 takes a file off its card.
    place = next(a.menu() for a in step.context_menu(front.key).actions() if a.text() == "放到")
    next(a for a in place.actions() if a.text() == "正面（人像面）").trigger()
    assert (front.slot, back.slot) == ("front", "back")
    move = next(a.menu() for a in step.context_menu(back.key).actions() if a.text() == "移到")
    next(a for a in move.actions() if a.text() == "未分类").trigger()
    assert (back.category, back.slot) == (None, None) and step.card("").isVisibleTo(step)
    # Files dropped on a card go to that card, whatever their text suggests.
    drop(qtbot, step.card("degree_report"), [jpeg(tmp_path / "正面2.jpg", 5)])
    settle(qtbot, step)
    assert step.entries()[-1].category == "degree_report" and step.entries()[-1].placed_by_user
    # Delete on the keyboard removes the selected file.
    step.select(step.entries()[-1].key)
    qtbot.keyClick(step, Qt.Key.Key_Delete)
    assert len(step.entries()) == 4


def test_rotate_reorder_delete_replace(qtbot, step, project, tmp_path, fake):
    drop(qtbot, step, [jpeg(tmp_path / "毕业证1.jpg", 1), jpeg(tmp_path / "毕业证2.jpg", 2)])
    settle(qtbot, step)
    first, second = step.entries()
    step.rotate(first.key, 90)
    settle(qtbot, step)
    assert fake.material_calls[-1][3] == 90 and project.items()[0].rotation == 90
    step.reorder(second.key, -1)
    assert [Path(it.source).name for it in project.items()] == ["毕业证2.jpg", "毕业证1.jpg"]
    step.replace(first.key, jpeg(tmp_path / "毕业证_重拍.jpg", 5))
    settle(qtbot, step)
    assert first.category == "diploma" and first.path.name == "毕业证_重拍.jpg"
    step.remove(second.key)
    assert [Path(it.source).name for it in project.items()] == ["毕业证_重拍.jpg"]


def test_pdf_pages_become_items_with_page_numbers(qtbot, step, project, tmp_path):
    pdf = tmp_path / "学信网报告.pdf"
    pdf.write_bytes(b"%PDF-2\n")
    drop(qtbot, step, [pdf])
    settle(qtbot, step)
    assert [(e.page, e.name) for e in step.entries()] == [(0, "学信网报告.pdf（第 1 页）"),
                                                          (1, "学信网报告.pdf（第 2 页）")]
    assert [it.page for it in project.items()] == [0, 1]


def test_a_portrait_is_offered_to_the_photo_step(qtbot, step, project, tmp_path):
    portrait = jpeg(tmp_path / "人像.jpg", 1)
    with qtbot.waitSignal(step.photoOffered, timeout=JOB_TIMEOUT_MS) as offered:
        drop(qtbot, step, [jpeg(tmp_path / "毕业证.jpg", 2), portrait])
    settle(qtbot, step)
    assert offered.args == [portrait.resolve()]
    assert [e.path.name for e in step.entries()] == ["毕业证.jpg"]  # not judged as a document
    assert step.portrait_banner.isVisibleTo(step) and "人像" in step.portrait_label.text()
    assert [Path(it.source).name for it in project.items()] == ["毕业证.jpg"]
    # 仍作为材料: the user wants it among the materials after all.
    qtbot.mouseClick(step.portrait_keep, Qt.MouseButton.LeftButton)
    settle(qtbot, step)
    assert step.offered == [] and [e.path.name for e in step.entries()] == ["毕业证.jpg", "人像.jpg"]
    project.clear()  # the next candidate does not see this one's portrait
    assert not step.portrait_banner.isVisibleTo(step) and step.offered == [] and step.entries() == []


def test_duplicates_and_reopened_projects(qtbot, fake, project, tmp_path):
    step = make_step(qtbot, fake, project)
    a = jpeg(tmp_path / "毕业证.jpg", 1)
    copy = tmp_path / "毕业证副本.jpg"
    copy.write_bytes(a.read_bytes())
    drop(qtbot, step, [a, copy])
    settle(qtbot, step)
    assert len(step.entries()) == 1 and "未重复添加" in step.notes_label.text()
    step.move_to(step.entries()[0].key, "degree")
    # A second window over the same project (the app reopened) shows the same placement.
    again = make_step(qtbot, fake, project)
    settle(qtbot, again)
    assert placed(again) == {"毕业证.jpg": ("degree", None)}
    # A new candidate (the help desk's next walk-in) empties the cards.
    project.clear()
    assert step.entries() == [] and step.status().state is StepState.NOT_STARTED
    assert not step.notes_label.isVisibleTo(step)


def test_corner_edits_reach_the_project(qtbot, step, project, tmp_path, fake):
    drop(qtbot, step, [jpeg(tmp_path / "毕业证.jpg", 1)])
    settle(qtbot, step)
    e = step.entries()[0]
    quad = [[50.0, 40.0], [850.0, 60.0], [860.0, 560.0], [40.0, 540.0]]
    step.apply_corners(e.key, quad)
    settle(qtbot, step)
    assert fake.material_calls[-1][4] == quad and project.items()[0].corners == quad


def test_the_corner_editors_answer_is_kept_without_a_new_check(qtbot, step, tmp_path, fake, monkeypatch):
    """确定 in the corner editor after its check of these corners: the step takes that report as it is."""
    drop(qtbot, step, [jpeg(tmp_path / "毕业证.jpg", 1)])
    settle(qtbot, step)
    e = step.entries()[0]
    opened: list[CornerEditor] = []

    class Accepting(CornerEditor):
        def exec(self) -> int:
            opened.append(self)
            self.show()
            qtbot.waitUntil(lambda: self.loaded is not None and not self.busy, timeout=JOB_TIMEOUT_MS)
            self.recompute()
            qtbot.waitUntil(lambda: self.rectified is not None and not self.busy, timeout=JOB_TIMEOUT_MS)
            return 1

    monkeypatch.setattr(materials_step, "CornerEditor", Accepting)
    step.edit_corners(e.key)
    calls = len(fake.material_calls)
    settle(qtbot, step)
    editor = opened[0]
    assert editor.rectified is not None and e.report is editor.rectified.report and e.corners == editor.corners
    assert len(fake.material_calls) == calls  # no second check of the same corners


@pytest.mark.slow  # the real pipeline with OCR behind the window
def test_id_front_and_back_dropped_together_land_in_their_slots(qtbot, project, tmp_path):
    """The real pipeline: two phone photos of an ID card (the back sideways) with neutral names."""
    step = make_step(qtbot, real_backend, project)
    files = []
    for i, (kind, rotation) in enumerate((("id_back", 90), ("id_front", 0))):
        shot = docgen.phone_photo(kind, i + 1, rotation, size=1400)
        files.append(tmp_path / f"IMG_000{i + 1}.jpg")
        Image.fromarray(shot.image).save(files[-1], quality=90)
    drop(qtbot, step, files)
    settle(qtbot, step, timeout=4 * JOB_TIMEOUT_MS)
    assert placed(step) == {"IMG_0001.jpg": ("identity", "back"), "IMG_0002.jpg": ("identity", "front")}
    assert all(e.report is not None and e.report.ok for e in step.entries()), [e.failures for e in step.entries()]
    assert step.card("identity").state.text() == "已就绪"
    assert {it.slot for it in project.items()} == {"front", "back"}


@pytest.mark.slow  # the real pipeline with OCR behind the window
def test_editing_corners_changes_the_output(qtbot, tmp_path):
    """The corner editor over the real fix_material: moving the corners inwards re-computes a
    different, smaller document."""
    shot = docgen.phone_photo("diploma", 3, 0, size=1400)
    source = tmp_path / "IMG_0003.jpg"
    Image.fromarray(shot.image).save(source, quality=90)
    work = tmp_path / "work"
    work.mkdir()
    corners = shot.corners.astype(float).tolist()
    editor = shown(qtbot, CornerEditor(real_backend, source, None, "diploma", 0, corners, load_profile(PROFILE), work))
    qtbot.waitUntil(lambda: editor.loaded is not None and not editor.busy, timeout=JOB_TIMEOUT_MS)
    editor.recompute()
    qtbot.waitUntil(lambda: editor.rectified is not None and not editor.busy, timeout=2 * JOB_TIMEOUT_MS)
    before = editor.rectified.report
    assert before.output is not None, [c.message for c in before.failures]
    # Drag the top-left handle with the mouse a quarter of the way to the opposite corner.
    quad = np.asarray(corners)
    inner = quad[0] + 0.25 * (quad[2] - quad[0])
    start, end = editor.canvas.to_screen(*quad[0]), editor.canvas.to_screen(*inner)
    qtbot.mousePress(editor.canvas, Qt.MouseButton.LeftButton, pos=start.toPoint())
    qtbot.mouseMove(editor.canvas, end.toPoint())
    qtbot.mouseRelease(editor.canvas, Qt.MouseButton.LeftButton, pos=end.toPoint())
    assert editor.corners[0] != corners[0]
    qtbot.waitUntil(lambda: not editor.busy and editor.rectified.corners == editor.corners, timeout=2 * JOB_TIMEOUT_MS)
    after = editor.rectified.report
    assert "已按手动标出的四角校正透视并裁切" in after.notes
    assert np.allclose(after.corners[0], editor.corners[0], atol=2)
    assert after.output is None or (after.output.width, after.output.height) != (before.output.width,
                                                                                before.output.height)


def test_a_real_portrait_is_offered_to_the_photo_step(qtbot, project, tmp_path):
    """The real pipeline: a portrait (one face, no document text) is not judged as a blurry document."""
    from photocheck.api import sample_path

    portrait = tmp_path / "DSC_0001.jpg"
    portrait.write_bytes(sample_path("grace_hopper.jpg").read_bytes())
    step = make_step(qtbot, real_backend, project)
    with qtbot.waitSignal(step.photoOffered, timeout=2 * JOB_TIMEOUT_MS) as offered:
        drop(qtbot, step, [portrait])
    settle(qtbot, step)
    assert offered.args == [portrait.resolve()]
    assert step.entries() == [] and project.items() == []
    assert step.status().state is StepState.NOT_STARTED


def test_a_hand_held_id_photo_is_placed_in_its_slot(qtbot, step, project, tmp_path, fake):
    """The pipeline's picture_kind, not the card's text, places a face held beside an ID card."""
    drop(qtbot, step, [jpeg(tmp_path / "正面.jpg", 1), jpeg(tmp_path / "手持身份证.jpg", 2)])
    settle(qtbot, step)
    placed = {e.path.name: (e.category, e.slot) for e in step.entries()}
    assert placed == {"正面.jpg": ("identity", "front"), "手持身份证.jpg": ("identity", "handheld")}
    assert sorted(p.name for p, *_ in fake.material_calls) == ["手持身份证.jpg", "正面.jpg"]
