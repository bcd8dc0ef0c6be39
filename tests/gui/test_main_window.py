"""The photo tab: one real check and fix end to end, the rest over the stand-in pipeline
(tests/gui/fake_backend.py) so they test the window, not the pipeline. Dialogs are stubs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent
from PySide6.QtWidgets import QMessageBox

from photocheck.api import check_photo
from tests.gui.helpers import JOB_TIMEOUT_MS, save_shot
from ui import main_window
from ui.main_window import MainWindow


def open_and_wait(qtbot, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.open_photo(path)
        assert window.busy  # the job runs off the GUI thread: the controls must say so meanwhile
        assert not window.open_button.isEnabled() and not window.fix_button.isEnabled()
        assert window.progress.isVisibleTo(window)


def row_colour(window: MainWindow, check_id: str) -> QColor:
    """The rendered background of a row, sampled in its top padding (no text there)."""
    row = window.check_list.row(check_id)
    return row.grab().toImage().pixelColor(row.width() // 2, 2)


def test_check_then_fix_grace_hopper(real_window, qtbot, grace_hopper_path, tmp_path, monkeypatch):
    window = real_window
    open_and_wait(qtbot, window, grace_hopper_path)
    rows = window.check_list.rows()
    assert len(rows) == 17 and len({r.check.id for r in rows}) == 17
    white = window.check_list.row("background.white")
    assert white.status.text() == "不合格" and white.fix_tag.isVisibleTo(white)
    red = row_colour(window, "background.white")
    assert red.red() > red.green() + 8 and red.red() > red.blue() + 8
    assert window.preview.has_image() and window.fix_button.isEnabled()
    assert window.preview.image.pixmap().height() > 0  # the pipeline's decode, shown
    save_shot(window, "main.png")

    out = tmp_path / "报名照片.jpg"
    asked: list[Path] = []
    monkeypatch.setattr(main_window, "ask_save_path", lambda _parent, suggested: asked.append(suggested) or out)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        qtbot.mouseClick(window.fix_button, Qt.MouseButton.LeftButton)
    assert asked[0].name == "报名照片.jpg" and asked[0].parent != grace_hopper_path.parent
    assert out.is_file() and (tmp_path / "高分辨率原图.jpg").is_file()
    assert check_photo(out).ok

    assert not [r for r in window.check_list.rows() if r.status.text() == "不合格"]
    assert window.check_list.row("background.white").status.text() == "通过"
    green = row_colour(window, "background.white")
    assert green.green() > green.red() + 8
    assert "通过" in window.fix_banner.text()
    assert str(out) in window.output_label.text() and "字节" in window.output_label.text()
    assert window.report.profile.next_step in window.next_step_label.text()
    assert window.fixed_preview.has_image()
    save_shot(window, "fixed.png")


def test_bad_file_shows_message_and_window_stays_usable(window, qtbot, grace_hopper_path, tmp_path, monkeypatch):
    bad = tmp_path / "证件照.jpg"
    bad.write_text("这不是一张照片", encoding="utf-8")
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, title, text, *_a: shown.append((title, text)) or QMessageBox.Ok
    )
    open_and_wait(qtbot, window, bad)
    assert len(shown) == 1 and "证件照.jpg" in shown[0][1]
    assert not window.busy and window.open_button.isEnabled() and not window.fix_button.isEnabled()
    assert window.check_list.rows() == []

    open_and_wait(qtbot, window, grace_hopper_path)
    assert len(window.check_list.rows()) == 17 and len(shown) == 1


def test_check_only_profile_disables_fix(window, qtbot, grace_hopper_path, monkeypatch):
    ids = [window.profile_box.itemData(i) for i in range(window.profile_box.count())]
    window.profile_box.setCurrentIndex(ids.index("weisheng-original"))
    profile = window.profile()
    assert not profile.can_fix
    assert not window.fix_button.isEnabled() and window.fix_button.toolTip() == profile.fix_refusal
    assert window.refusal_label.isVisibleTo(window) and not window.keep_original.isVisibleTo(window)

    open_and_wait(qtbot, window, grace_hopper_path)
    assert len(window.check_list.rows()) == 16 and not window.fix_button.isEnabled()
    monkeypatch.setattr(main_window, "ask_save_path", lambda *_a: pytest.fail("a check-only profile asked to save"))
    window.fix_photo()
    assert not window.busy


def test_dropped_file_is_checked_and_cancelled_save_writes_nothing(window, qtbot, grace_hopper_path, monkeypatch):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(grace_hopper_path))])
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.dropEvent(drop)
    assert window.report is not None and window.report.input == grace_hopper_path
    assert len(window.check_list.rows()) == 17

    monkeypatch.setattr(main_window, "ask_save_path", lambda *_a: None)
    window.fix_photo()
    assert not window.busy and not window.fix_box.isVisibleTo(window)


def test_photo_that_needs_a_retake_cannot_be_fixed(window, qtbot, fake, grace_hopper_path):
    fake.retake = True
    open_and_wait(qtbot, window, grace_hopper_path)
    assert window.check_list.row("face.count").status.text() == "不合格"
    assert not window.fix_button.isEnabled()
    assert "检测到2张人脸" in window.fix_button.toolTip()
    assert window.refusal_label.isVisibleTo(window) and "重新拍摄" in window.refusal_label.text()


def test_fix_shows_the_written_files_and_the_next_step(window, qtbot, fake, grace_hopper_path, tmp_path,
                                                     monkeypatch):
    open_and_wait(qtbot, window, grace_hopper_path)
    assert window.preview.has_image()
    (tmp_path / "高分辨率原图.jpg").write_bytes(b"old")
    asked: list[Path] = []
    monkeypatch.setattr(main_window, "ask_save_path", lambda *_a: tmp_path / "报名照片.jpg")
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.Yes)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.fix_photo()
        assert window.busy and not window.fix_button.isEnabled()
    assert len(asked) == 1 and "高分辨率原图.jpg" in asked[0]  # asked before replacing the old original
    assert [name for name, _ in fake.calls] == ["check_photo", "fix_photo", "check_photo"]
    report = window.report
    assert report.output is not None and report.original is not None
    assert window.fix_banner.text() == "修复完成，全部检查通过（1 项提示）"
    assert "报名照片：" in window.output_label.text() and "390×567" in window.output_label.text()
    assert "高分辨率原图：" in window.output_label.text()
    assert "已把背景换成纯白" in window.notes_label.text() and window.notes_label.isVisibleTo(window)
    assert window.fixed_preview.has_image() and window.fixed_preview.isVisibleTo(window)
    assert window.status_label.text() == f"已保存到 {tmp_path}"
    assert window.results_title.text().startswith("检查结果（修复后的照片")


def test_unexpected_error_is_reported_as_a_bug_not_as_the_photo(window, qtbot, fake, grace_hopper_path,
                                                              tmp_path, monkeypatch):
    open_and_wait(qtbot, window, grace_hopper_path)

    def broken(*_a, **_k):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(fake, "fix_photo", broken)
    monkeypatch.setattr(main_window, "ask_save_path", lambda *_a: tmp_path / "报名照片.jpg")
    window.keep_original.setChecked(False)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *_a: shown.append((title, text)))
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.fix_photo()
    assert shown[0][0] == "处理时出错" and "ZeroDivisionError: division by zero" in shown[0][1]
    assert not window.busy and window.fix_button.isEnabled()  # the photo can be tried again
    assert not (tmp_path / "报名照片.jpg").exists()


def test_changing_the_profile_checks_the_photo_again(window, qtbot, fake, grace_hopper_path):
    open_and_wait(qtbot, window, grace_hopper_path)
    ids = [window.profile_box.itemData(i) for i in range(window.profile_box.count())]
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.profile_box.setCurrentIndex(ids.index("yicun-25x35"))
    assert [name for name, _ in fake.calls] == ["check_photo", "check_photo"]
    assert window.report.profile.id == "yicun-25x35"
