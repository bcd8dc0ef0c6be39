"""The export step (ui.steps.export_step): name and destination, readiness per category before and
after, a determinate progress bar and a cancel button. The real export_project writes the tree and
the report, and a cancelled re-export leaves that export intact with no partial folder beside it;
the rest runs over the stand-in pipeline (tests/gui/fake_backend.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from photocheck.api import ProjectItem, file_digest, load_profile
from tests import docgen
from tests.gui.conftest import shown
from tests.gui.helpers import JOB_TIMEOUT_MS
from tests.gui.test_materials_step import jpeg
from ui import backend as real_backend
from ui.project_state import CandidateProject
from ui.steps import export_step
from ui.steps.base import StepState
from ui.steps.export_step import FOLDER_KEY, ExportStep

PROFILE = "nmec-2026-hubei"


@pytest.fixture(autouse=True)
def settings(tmp_path_factory):
    """QSettings in a scratch folder, never the user's."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("settings")))
    QSettings().clear()
    yield
    QSettings().clear()


@pytest.fixture
def project() -> CandidateProject:
    return CandidateProject(load_profile(PROFILE))


def item(path: Path, category: str | None, slot: str | None = None) -> ProjectItem:
    return ProjectItem(source=str(path), sha256=file_digest(path), category=category, slot=slot)


def type_chinese(edit, text: str) -> None:
    """As an input method commits it (QTest's key clicks are ASCII only)."""
    edit.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


def make_step(qtbot, backend, project) -> ExportStep:
    return shown(qtbot, ExportStep(backend, project), (1000, 700))


def finish(qtbot, step: ExportStep, timeout: int = JOB_TIMEOUT_MS) -> None:
    qtbot.waitUntil(lambda: not step.busy, timeout=timeout)


def test_readiness_name_and_remembered_folder(qtbot, fake, project, tmp_path):
    out = tmp_path / "导出"
    out.mkdir()
    project.set_items([item(jpeg(tmp_path / "a.jpg", 1), "identity", "front"), item(jpeg(tmp_path / "b.jpg", 2), None)])
    step = make_step(qtbot, fake, project)
    assert step.status().state is StepState.NOT_STARTED and not step.export_button.isEnabled()  # no name yet
    rows = {name: (state, why) for name, state, why in step.rows()}
    assert rows["身份证明"] == ("未就绪", "缺少反面（国徽面）")
    assert rows["毕业证书"][0] == "缺少材料" and rows["未分类"][0] == "不会导出"
    assert rows["报名照片"][0] == "未选择"
    type_chinese(step.name_edit, "张三")
    assert project.project.name == "张三" and step.export_button.isEnabled()
    step.set_folder(out)
    assert QSettings().value(FOLDER_KEY) == str(out)
    again = make_step(qtbot, fake, project)  # the window reopened: the folder and the name are back
    assert again.folder == out and again.name_edit.text() == "张三"
    assert "医考报名照片检测工具" in again.reminder.text()


def test_export_shows_the_result_and_opens_folder_and_report(qtbot, fake, project, tmp_path, monkeypatch):
    project.set_items([item(jpeg(tmp_path / "a.jpg", 1), "identity", "front"),
                       item(jpeg(tmp_path / "b.jpg", 2), "identity", "back")])
    project.set_name("张三")
    step = make_step(qtbot, fake, project)
    step.set_folder(tmp_path)
    seen: list[tuple[int, int]] = []
    step._runner.progress.connect(lambda _m: seen.append((step.progress.value(), step.progress.maximum())))
    qtbot.mouseClick(step.export_button, Qt.MouseButton.LeftButton)
    assert step.busy and step.cancel_button.isVisibleTo(step) and step.progress.isVisibleTo(step)
    finish(qtbot, step)
    assert seen and all(total == 3 for _v, total in seen)  # determinate: two items and the verification
    assert step.export.root == tmp_path / "张三" and "已导出到" in step.state_label.text()
    rows = {name: state for name, state, _why in step.rows()}
    assert rows["身份证明"] == "已就绪" and rows["毕业证书"] == "缺少材料"
    assert step.status().state is StepState.NEEDS_WORK
    opened: list[Path] = []
    monkeypatch.setattr(export_step, "open_path", opened.append)
    qtbot.mouseClick(step.folder_open, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(step.report_open, Qt.MouseButton.LeftButton)
    assert opened == [step.export.root, step.export.report_path]
    # Exporting again asks before replacing; "no" leaves everything as it was.
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.No)
    qtbot.mouseClick(step.export_button, Qt.MouseButton.LeftButton)
    assert not step.busy and "原有导出保持不变" in step.state_label.text()


def test_cancel_button_stops_the_export(qtbot, fake, project, tmp_path):
    project.set_items([item(jpeg(tmp_path / f"{i}.jpg", i), "diploma") for i in range(3)])
    project.set_name("张三")
    step = make_step(qtbot, fake, project)
    step.set_folder(tmp_path)
    fake.hold()
    qtbot.mouseClick(step.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(fake.waiting.is_set, timeout=JOB_TIMEOUT_MS)
    qtbot.mouseClick(step.cancel_button, Qt.MouseButton.LeftButton)
    assert "正在取消" in step.state_label.text() and not step.cancel_button.isEnabled()
    fake.release()
    finish(qtbot, step)
    assert fake.cancelled.is_set() and "没有写入任何文件" in step.state_label.text()
    assert not (tmp_path / "张三").exists() and step.export is None


@pytest.mark.slow  # the real pipeline with OCR behind the window
def test_export_writes_the_tree_and_report_and_a_cancel_keeps_it(qtbot, project, tmp_path, monkeypatch):
    """The real export_project on an ID card's two sides; then a re-export cancelled mid-way."""
    sources = tmp_path / "材料"
    sources.mkdir()
    items = []
    for i, (kind, slot) in enumerate((("id_front", "front"), ("id_back", "back"))):
        path = sources / f"IMG_{i}.jpg"
        Image.fromarray(docgen.phone_photo(kind, i + 1, 0, size=1400).image).save(path, quality=90)
        items.append(item(path, "identity", slot))
    project.set_items(items)
    project.set_name("李四")
    out = tmp_path / "导出"
    out.mkdir()
    step = make_step(qtbot, real_backend, project)
    step.set_folder(out)
    qtbot.mouseClick(step.export_button, Qt.MouseButton.LeftButton)
    finish(qtbot, step, 4 * JOB_TIMEOUT_MS)
    export = step.export
    assert export is not None, step.state_label.text()
    root = out / "李四"
    assert export.root == root
    assert (root / "01_身份证明" / "正面.jpg").is_file() and (root / "01_身份证明" / "反面.jpg").is_file()
    manifest = json.loads(export.manifest_path.read_text(encoding="utf-8"))
    assert {c["id"]: c["state"] for c in manifest["categories"]}["identity"] == "ready"
    report = export.report_path.read_text(encoding="utf-8")
    assert "--" not in report.split("<body>")[1] and "material." not in report  # window words, no flags or ids
    assert "“报名照片”一步" in report
    rows = {name: state for name, state, _why in step.rows()}
    assert rows["身份证明"] == "已就绪"
    before = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(step.export_button, Qt.MouseButton.LeftButton)
    # Items are submitted two at a time, so "材料 1/2" may already have given way to "材料 2/2".
    qtbot.waitUntil(lambda: "材料 " in step.state_label.text(), timeout=JOB_TIMEOUT_MS)
    qtbot.mouseClick(step.cancel_button, Qt.MouseButton.LeftButton)
    finish(qtbot, step, 4 * JOB_TIMEOUT_MS)
    assert "已取消：原有导出保持不变" in step.state_label.text()
    assert {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == ["李四"]  # no staging or renamed-aside folder left


def test_a_new_candidate_forgets_the_last_export(qtbot, fake, project, tmp_path):
    project.set_items([item(jpeg(tmp_path / "a.jpg", 1), "identity", "front")])
    project.set_name("张三")
    own = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    step = shown(qtbot, ExportStep(fake, project, settings=own))
    step.set_folder(tmp_path)
    assert own.value(FOLDER_KEY) == str(tmp_path) and QSettings().value(FOLDER_KEY) is None  # the settings given
    qtbot.mouseClick(step.export_button, Qt.MouseButton.LeftButton)
    finish(qtbot, step)
    project.set_items([])
    assert step.export is not None and step.status().summary == "材料已更改，需重新导出"  # still this candidate's
    project.clear()
    assert step.export is None and step.status().state is StepState.NOT_STARTED
    assert step.name_edit.text() == "" and step.state_label.text() == "" and not step.folder_open.isEnabled()
    assert (tmp_path / "张三").is_dir()  # what was written stays
