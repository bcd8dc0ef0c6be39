"""The photo step: the result before saving, the manual adjustments, highlighting a check on the
picture, saving. Two paths run the real pipeline end to end; the rest use the stand-in
(tests/gui/fake_backend.py). Dialogs are stubs."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from photocheck.api import CropFrame, check_photo
from tests.gui.fake_backend import CHIN_Y, CROWN_Y, FACE_BOX, PLANNED
from tests.gui.helpers import JOB_TIMEOUT_MS, save_shot
from ui.main_window import MainWindow
from ui.steps import photo_step


def open_and_wait(qtbot, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.open_photo(path)
        assert window.busy


def point(canvas, x: float, y: float) -> QPoint:
    return canvas.to_widget(x, y).toPoint()


def test_a_two_face_photo_shows_face_count_failed_and_cannot_be_fixed(window, qtbot, fake, grace_hopper_path):
    fake.retake = True
    open_and_wait(qtbot, window, grace_hopper_path)
    step = window.photo
    row = step.check_list.row("face.count")
    assert row.status.text() == "不合格" and "2张人脸" in row.message.text()
    assert step.check_list.rows()[0].check.id in {c.id for c in step.report.failures}  # failures on top
    assert not step.save_button.isEnabled() and not step.background_box.isEnabled()
    assert not step.mode_remove.isEnabled() and step.original.frame is None
    assert step.refusal_label.isVisibleTo(step) and "重新拍摄" in step.refusal_label.text()
    assert not step.result.has_image() and [n for n, _ in fake.calls] == ["preview_photo"]  # no fix tried
    assert "需处理" in window.sidebar.item(0).text()


def test_the_result_shows_before_saving_then_save_asks_before_replacing(window, qtbot, fake, grace_hopper_path,
                                                                       tmp_path, monkeypatch):
    open_and_wait(qtbot, window, grace_hopper_path)
    step = window.photo
    assert step.original.has_image() and step.result.has_image()
    # Rendered from the one analysis and checked in memory: nothing is written before saving.
    assert [n for n, _ in fake.calls] == ["preview_photo", "render", "check"] and fake.fixes == []
    assert step.result_passed and step.check_list.row("background.white").status.text() == "通过"
    assert step.report.output is None and "预计" in step.result_caption.text()
    assert step.timings["analysis"] < step.timings["result"] < step.timings["checks"]
    assert step.save_button.isEnabled() and "医考报名照片检测工具" in step.next_step_label.text()

    (tmp_path / "高分辨率原图.jpg").write_bytes(b"old")
    asked: list[str] = []
    monkeypatch.setattr(photo_step, "ask_save_path", lambda _p, suggested: tmp_path / suggested.name)
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.Yes)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.mouseClick(step.save_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "高分辨率原图.jpg" in asked[0]
    saved = fake.fixes[-1]
    assert saved["out"] == tmp_path / "报名照片.jpg" and saved["original"] == tmp_path / "高分辨率原图.jpg"
    assert (tmp_path / "报名照片.jpg").stat().st_size > 1000 and (tmp_path / "高分辨率原图.jpg").stat().st_size > 3
    assert "已保存报名照片" in step.saved_label.text() and step.saved_label.isVisibleTo(step)


def test_dragging_and_zooming_the_frame_updates_the_checks(window, qtbot, fake, grace_hopper_path):
    open_and_wait(qtbot, window, grace_hopper_path)
    step, canvas = window.photo, window.photo.original
    before = canvas.frame
    start = point(canvas, before.centre_x, before.centre_y)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(canvas, start + QPoint(15, 10))
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(15, 10))
    moved = fake.renders[-1]["frame"]
    assert moved.centre_x > before.centre_x and moved.centre_y > before.centre_y and moved.height == before.height
    assert window.project.edits().frame == [moved.centre_x, moved.centre_y, moved.height, moved.angle]

    # Zoomed out as far as it goes: the frame stops where the head still fills 56 % of it.
    lo = step._project.profile.geometry.head_height[0]
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        for _ in range(30):
            canvas.zoom(1.06)
    zoomed = fake.renders[-1]["frame"]
    assert zoomed.height == pytest.approx((CHIN_Y - CROWN_Y) / (lo + photo_step.BAND_MARGIN))
    row = step.check_list.row("face.size")
    assert row.status.text() == "通过" and "测得 0.564" in row.value.text() and "测得 0.564" in row.toolTip()
    assert step.result_passed
    assert [n for n, _ in fake.calls].count("preview_photo") == 1  # every edit re-rendered from one analysis


def test_arrow_keys_move_the_frame(window, qtbot, fake, grace_hopper_path):
    open_and_wait(qtbot, window, grace_hopper_path)
    canvas = window.photo.original
    canvas.setFocus()
    x = canvas.frame.centre_x
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert fake.renders[-1]["frame"].centre_x < x


def test_clicking_a_check_shows_it_on_the_picture(window, qtbot, fake, grace_hopper_path):
    fake.remnants = [[10.0, 20.0, 60.0, 80.0]]  # what background.clean reports in output px
    open_and_wait(qtbot, window, grace_hopper_path)
    step = window.photo
    row = step.check_list.row("background.clean")
    assert row.status.text() == "不合格"
    qtbot.mouseClick(row, Qt.MouseButton.LeftButton)
    assert step.result.highlights == [(10.0, 20.0, 60.0, 80.0)] and step.original.highlights == []
    qtbot.mouseClick(step.check_list.row("face.pose"), Qt.MouseButton.LeftButton)
    assert step.original.highlights == [FACE_BOX] and step.result.highlights == []
    save_shot(window, "highlight.png")


def test_rotation_background_and_brush_reach_the_fix(window, qtbot, fake, grace_hopper_path):
    open_and_wait(qtbot, window, grace_hopper_path)
    step = window.photo
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.mouseClick(step.background_box, Qt.MouseButton.LeftButton)
    assert fake.renders[-1]["background"] is False
    step.mode_remove.setChecked(True)
    canvas = step.original
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=point(canvas, 40, 40))
        qtbot.mouseMove(canvas, point(canvas, 80, 60))
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=point(canvas, 80, 60))
    mask = fake.renders[-1]["remove"]
    assert mask is not None and mask.shape == (600, 512) and mask[40, 40] and mask[60, 80] and not mask[300, 300]
    assert window.project.edits().remove and fake.renders[-1]["keep"] is None
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.mouseClick(step.rotate_right, Qt.MouseButton.LeftButton)
    assert fake.renders[-1]["rotation"] == 90 and fake.renders[-1]["remove"] is None  # strokes start afresh
    assert window.project.edits().rotation == 90 and window.project.edits().background is False
    # The turn re-analyses the photo already read; only the edit before it re-renders.
    assert [n for n, _ in fake.calls].count("preview_photo") == 1 and ("turned", grace_hopper_path) in fake.calls


def test_reset_goes_back_to_the_automatic_result_without_reading_the_photo_again(window, qtbot, fake,
                                                                                grace_hopper_path):
    open_and_wait(qtbot, window, grace_hopper_path)
    step = window.photo
    f = step.original.frame
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        step.set_frame(step.original.clamp(CropFrame(f.centre_x + 10, f.centre_y, f.height, f.angle)))
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        step.add_stroke("remove", [[40.0, 40.0, 80.0, 60.0, 6.0]])
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.mouseClick(step.reset_button, Qt.MouseButton.LeftButton)
    assert fake.renders[-1]["frame"] is None and fake.renders[-1]["remove"] is None
    assert step.original.frame == PLANNED and step.original.overlay.remove == [] and step.result_passed
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.mouseClick(step.rotate_right, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.mouseClick(step.reset_button, Qt.MouseButton.LeftButton)
    assert fake.renders[-1]["rotation"] is None and window.project.edits().rotation is None
    names = [n for n, _ in fake.calls]
    assert names.count("preview_photo") == 1 and names.count("turned") == 2  # the turn and its undoing


def test_a_bad_file_gives_a_readable_message(window, qtbot, tmp_path, monkeypatch):
    bad = tmp_path / "不是照片.jpg"
    bad.write_text("hello")
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *_a: shown.append((title, text)))
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.open_photo(bad)
    assert shown[0][0] == "无法使用这个文件" and "这不是图片文件" in shown[0][1] and "Traceback" not in shown[0][1]
    assert window.photo.open_button.isEnabled() and not window.photo.save_button.isEnabled()


def test_an_unexpected_error_is_reported_as_a_bug(window, qtbot, fake, grace_hopper_path, monkeypatch):
    def broken(*_a, **_k):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(fake, "preview_photo", broken)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *_a: shown.append((title, text)))
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.open_photo(grace_hopper_path)
    assert shown[0][0] == "处理时出错" and "ZeroDivisionError" in shown[0][1]
    assert window.photo.open_button.isEnabled()


def test_a_pasted_picture_and_a_dropped_file_open(window, qtbot, fake, grace_hopper_path, data_dir):
    QApplication.clipboard().setImage(QImage(str(grace_hopper_path)))
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.photo.paste()
    pasted = window.project.photo()
    assert pasted is not None and pasted.parent == data_dir / "pasted" and pasted.suffix == ".png"
    assert window.photo.result.has_image()

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(grace_hopper_path))])
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.dropEvent(drop)
    assert window.project.photo() == grace_hopper_path.resolve()


# --- the real pipeline ------------------------------------------------------------------------


def test_a_fixable_photo_shows_the_result_before_saving_and_the_saved_file_passes(real_window, qtbot,
                                                                                 grace_hopper_path, tmp_path,
                                                                                 monkeypatch):
    window = real_window
    open_and_wait(qtbot, window, grace_hopper_path)
    step = window.photo
    assert step.result.has_image() and step.result_passed and step.report.ok
    assert list(tmp_path.glob("*.jpg")) == []  # nothing saved yet
    picture = step.result_picture()
    assert picture is not None and picture.shape[:2] == (567, 390)
    assert picture[5:40, 5:40].mean() > 245  # the background is already white in the preview
    save_shot(window, "photo-real.png")

    out = tmp_path / "报名照片.jpg"
    monkeypatch.setattr(photo_step, "ask_save_path", lambda _p, _s: out)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.mouseClick(step.save_button, Qt.MouseButton.LeftButton)
    assert out.is_file() and (tmp_path / "高分辨率原图.jpg").is_file()
    assert check_photo(out).ok
    assert f"{out.stat().st_size:,} 字节" in step.result_caption.text()  # the preview was what saving wrote


@pytest.fixture
def remnant_photo(grace_hopper_path, tmp_path) -> tuple[Path, tuple[int, int, int, int]]:
    """grace_hopper with a dark patch against her shoulder: the matte keeps most of it."""
    rgb = np.asarray(Image.open(grace_hopper_path).convert("RGB")).copy()
    box = (20, 300, 120, 380)
    rgb[box[1]:box[3], box[0]:box[2]] = (30, 30, 30)
    path = tmp_path / "remnant.jpg"
    Image.fromarray(rgb).save(path, quality=95)
    return path, box


def test_a_painted_remove_stroke_removes_a_pasted_remnant(real_window, qtbot, remnant_photo):
    window = real_window
    path, (x0, y0, x1, y1) = remnant_photo
    open_and_wait(qtbot, window, path)
    step = window.photo
    frame = step.original.frame
    scale = 567 / frame.height

    def remnant_brightness() -> float:
        picture = step.result_picture()
        assert picture is not None
        ox0 = max(0, round((x0 - frame.centre_x) * scale + 195))
        ox1 = round((x1 - frame.centre_x) * scale + 195)
        oy0 = round((y0 - frame.centre_y) * scale + 283.5)
        oy1 = round((y1 - frame.centre_y) * scale + 283.5)
        assert ox1 - ox0 > 5 and oy1 - oy0 > 20  # the patch is inside the crop
        return float(picture[oy0:oy1, ox0:ox1].mean())

    assert remnant_brightness() < 215  # left in by the automatic matte
    step.mode_remove.setChecked(True)
    step.brush_size.setValue(10)  # a 6 px radius on this 600 px photo
    canvas = step.original
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        for y in range(y0, y1 + 1, 6):
            qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=point(canvas, x0, y))
            qtbot.mouseMove(canvas, point(canvas, x1, y))
            qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=point(canvas, x1, y))
        started = time.monotonic()
    assert remnant_brightness() > 235
    assert step.report.ok and time.monotonic() - started < 60
    save_shot(window, "remnant-removed.png")


def test_the_models_warm_up_in_the_background(window, qtbot, fake):
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.warm_up()
        assert window.busy  # off the GUI thread
    assert [name for name, _ in fake.calls] == ["analyse_photo"] and fake.calls[0][1].name == "grace_hopper.jpg"
    assert window.photo.report is None and window.project.photo() is None  # nothing of the candidate's changed


def test_a_photo_opened_during_the_warm_up_is_checked_after_it(window, qtbot, fake, grace_hopper_path):
    fake.hold()
    window.warm_up()
    assert fake.waiting.wait(10)
    window.open_photo(grace_hopper_path)  # queued behind the warm-up
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        fake.release()
    assert [name for name, _ in fake.calls][:4] == ["analyse_photo", "preview_photo", "render", "check"]
    assert window.photo.result.has_image()


def test_a_check_only_profile_checks_without_fixing(window, qtbot, fake, grace_hopper_path):
    ids = [window.profile_box.itemData(i) for i in range(window.profile_box.count())]
    window.profile_box.setCurrentIndex(ids.index("weisheng-original"))
    open_and_wait(qtbot, window, grace_hopper_path)
    step = window.photo
    assert [n for n, _ in fake.calls] == ["preview_photo"]  # no fix tried
    assert step.original.frame is None and not step.save_button.isEnabled()
    assert "只检查、不修复" in step.refusal_label.text() and not step.keep_original.isVisibleTo(step)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.profile_box.setCurrentIndex(ids.index("nmec-2026-hubei"))  # checked again, and fixed
    assert step.result.has_image() and step.save_button.isEnabled()
