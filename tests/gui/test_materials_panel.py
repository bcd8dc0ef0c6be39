"""The materials step (the folder-based panel mounted in the window): a real prepare run on
generated documents end to end (the export it shows,
replacing it) and a real refusal of bad input; the rest over the stand-in pipeline
(tests/gui/fake_backend.py). Dialogs are stubs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from tests import docgen
from tests.gui.helpers import JOB_TIMEOUT_MS, save_shot
from ui import main_window, materials_panel
from ui.main_window import MainWindow

PHOTO_SIZE = 1400  # long side of the generated phone photos: legible, and quick to process


@pytest.fixture
def candidate(tmp_path) -> Path:
    """An ID card's two sides in 身份证明/ (the back photographed sideways) and a loose diploma."""
    folder = tmp_path / "李四的材料"
    (folder / "身份证明").mkdir(parents=True)
    for kind, seed, rotation, name in (("id_front", 1, 0, "身份证明/正面.jpg"), ("id_back", 2, 90, "身份证明/反面.jpg"),
                                       ("diploma", 3, 0, "IMG_0001.jpg")):
        shot = docgen.phone_photo(kind, seed, rotation, size=PHOTO_SIZE)
        Image.fromarray(shot.image).save(folder / name, quality=90)
    return folder


def run_and_wait(qtbot, window: MainWindow) -> None:
    panel = window.materials
    with qtbot.waitSignal(panel.idle, timeout=3 * JOB_TIMEOUT_MS):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        assert panel.busy and not panel.start_button.isEnabled() and panel.progress.isVisibleTo(panel)


def test_prepare_from_the_materials_tab(real_window, qtbot, candidate, tmp_path, monkeypatch):
    window = real_window
    panel = window.materials
    assert window.stack.count() == 3 and window.sidebar.item(1).text().startswith("2  材料")
    window.show_step(1)
    assert not panel.start_button.isEnabled()  # nothing chosen yet
    out = tmp_path / "导出"
    out.mkdir()
    panel.set_input_folder(candidate)
    panel.set_output_folder(out)
    panel.name_edit.setText("李四")
    assert panel.start_button.isEnabled() and not panel.report_button.isEnabled()
    run_and_wait(qtbot, window)

    export = panel.export
    assert export is not None and export.root == out / "李四"
    manifest = json.loads(export.manifest_path.read_text(encoding="utf-8"))
    states = {c["id"]: c["state"] for c in manifest["categories"]}
    rows = {name: (state, detail) for name, state, detail in panel.items()}
    id_folder = next(c["folder"] for c in manifest["categories"] if c["id"] == "identity")
    assert states["identity"] == "ready" and rows[id_folder][0] == "已就绪"
    assert rows["正面.jpg"][0] == "通过" and rows["反面.jpg"][0] == "通过"
    assert "文字一致率" in rows["正面.jpg"][1]
    # Categories the handbook requires but the folder lacks are shown as missing, in red words.
    missing = [c for c in manifest["categories"] if c["state"] == "missing"]
    assert missing and all(rows[c["folder"]][0] == "缺少材料" for c in missing)
    assert not export.ok and "尚有材料" in panel.summary_label.text()
    assert (export.root / "01_身份证明" / "正面.jpg").is_file()
    assert panel.report_button.isEnabled() and panel.next_step_label.isVisibleTo(panel)
    save_shot(window, "materials.png")

    opened: list[Path] = []
    monkeypatch.setattr(materials_panel, "open_path", opened.append)
    qtbot.mouseClick(panel.report_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.folder_button, Qt.MouseButton.LeftButton)
    assert opened == [export.report_path, export.root]

    # Running again asks before replacing the export: no keeps it untouched, yes replaces it.
    before = export.manifest_path.stat().st_mtime_ns
    monkeypatch.setattr(materials_panel, "confirm_replace", lambda _parent, _target: False)
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert not panel.busy and "已取消" in panel.status_label.text()
    assert export.manifest_path.stat().st_mtime_ns == before
    monkeypatch.setattr(materials_panel, "confirm_replace", lambda _parent, _target: True)
    run_and_wait(qtbot, window)
    assert panel.export is not None and panel.export.manifest_path.stat().st_mtime_ns != before
    assert sorted(p.name for p in out.iterdir()) == ["李四"]  # replaced, no leftovers beside it


def test_a_vanished_folder_gives_a_message_and_writes_nothing(real_window, qtbot, tmp_path, monkeypatch):
    window = real_window
    panel = window.materials
    gone = tmp_path / "材料"
    gone.mkdir()
    panel.set_input_folder(gone)
    panel.set_output_folder(tmp_path)
    gone.rmdir()  # deleted after it was chosen
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text: warnings.append(f"{title}\n{text}"))
    run_and_wait(qtbot, window)
    assert warnings and "找不到输入文件夹" in warnings[0] and str(gone) in warnings[0]
    assert panel.export is None and not panel.report_button.isEnabled() and panel.start_button.isEnabled()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_dropped_folder_goes_to_the_materials_tab(window, candidate):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(candidate))])
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert window.stack.currentWidget() is window.materials_step
    assert window.materials.input_edit.text() == str(candidate)
    assert window.materials.start_button.isEnabled() and not window.busy  # no photo check started


def test_progress_then_the_export_over_the_stand_in(window, qtbot, fake, candidate, tmp_path):
    panel = window.materials
    panel.set_input_folder(candidate)
    out = tmp_path / "导出"
    out.mkdir()
    panel.set_output_folder(out)
    fake.hold()
    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.status_label.text().startswith("处理中：材料 1/3"), timeout=JOB_TIMEOUT_MS)
    assert panel.busy and not panel.start_button.isEnabled() and not panel.input_button.isEnabled()
    with qtbot.waitSignal(panel.idle, timeout=JOB_TIMEOUT_MS):
        fake.release()
    assert panel.export is not None and panel.export.root == out / "李四的材料"
    rows = {name: state for name, state, _ in panel.items()}
    assert rows["01_身份证明"] == "已就绪" and rows["正面.jpg"] == "通过" and rows["02_毕业证书"] == "缺少材料"
    assert rows["按条件需要"] == "未提供（按条件需要时上传）"
    assert panel.status_label.text() == f"已导出到 {out / '李四的材料'}"
    assert panel.report_button.isEnabled() and panel.start_button.isEnabled()


def test_closing_during_prepare_stops_it_at_the_next_file(window, qtbot, fake, candidate, tmp_path, monkeypatch):
    monkeypatch.setattr(main_window, "CLOSE_GRACE_S", 0.3)
    panel = window.materials
    panel.set_input_folder(candidate)
    out = tmp_path / "导出"
    out.mkdir()
    panel.set_output_folder(out)
    fake.hold()
    panel.start()
    assert fake.waiting.wait(10)  # prepare is inside its first file
    started = time.monotonic()
    window.close()  # gives up on the held job after CLOSE_GRACE_S
    assert time.monotonic() - started < 2
    assert not window.isVisible() and not panel.busy
    fake.release()
    assert fake.cancelled.wait(10)  # the next progress call raised Cancelled inside prepare
    qtbot.wait(50)  # a report from the abandoned job would be delivered now: there is none
    assert panel.export is None and list(out.iterdir()) == []
