"""The materials tab end to end: a real prepare run on generated documents through the worker
thread, the export it shows, replacing it, and bad input; dialogs replaced by stubs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from tests import docgen
from tests.gui.helpers import JOB_TIMEOUT_MS, save_shot
from ui import materials_panel
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


def test_prepare_from_the_materials_tab(window, qtbot, candidate, tmp_path, monkeypatch):
    panel = window.materials
    assert window.tabs.count() == 2 and window.tabs.tabText(1) == "报名材料"
    window.tabs.setCurrentWidget(panel)
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


def test_a_vanished_folder_gives_a_message_and_writes_nothing(window, qtbot, tmp_path, monkeypatch):
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
    assert window.tabs.currentWidget() is window.materials
    assert window.materials.input_edit.text() == str(candidate)
    assert window.materials.start_button.isEnabled() and not window.busy  # no photo check started
