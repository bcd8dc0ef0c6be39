"""Help-desk mode: one computer serving a queue of walk-ins. The switch is remembered, nothing is
autosaved, "下一位考生" asks only when work would be lost, never waits for a running job, and
forgets what names the candidate outside the window (settings, Qt's file-dialog history, the
clipboard). The privacy test at the end runs five candidates through the real pipeline and then
searches the disk and the process for any trace of the earlier ones."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QMessageBox

from tests.gui.conftest import make_window
from tests.gui.helpers import JOB_TIMEOUT_MS, save_shot
from tests.gui.test_main_window import open_and_wait, settle_materials, sidebar
from tests.gui.test_materials_step import jpeg
from ui.main_window import MainWindow


def help_desk_window(qtbot, backend, settings, data_dir) -> MainWindow:
    window = make_window(qtbot, backend, settings, data_dir)
    window.set_help_desk(True)
    return window


def answer(monkeypatch, button: QMessageBox.StandardButton) -> list[str]:
    """Answer the next questions with `button`; the list collects what was asked."""
    asked: list[str] = []

    def question(_parent, title, text, *_a, **_k):
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def export(qtbot, window: MainWindow, folder, name: str) -> None:
    step = window.export_step
    step.set_folder(folder)
    step.name_edit.setText(name)
    step.name_edit.textEdited.emit(name)
    with qtbot.waitSignal(step.exported, timeout=JOB_TIMEOUT_MS):
        step.start()


def test_the_mode_is_remembered_and_nothing_is_autosaved(qtbot, fake, settings, data_dir, grace_hopper_path):
    window = make_window(qtbot, fake, settings, data_dir)
    open_and_wait(qtbot, window, grace_hopper_path)
    window.save_project()
    assert window.project_path().is_file() and window.new_button.isVisible()
    window.help_desk_box.click()  # the switch in the side bar
    assert window.help_desk and not window.project_path().exists()  # the autosave is deleted at once
    assert window.next_button.isVisible() and window.served_label.text() == "本次已服务 0 位考生"
    assert not window.new_button.isVisible()
    assert QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    window.photo.set_background(False)  # a change the autosave would have written
    qtbot.wait(600)
    window.close()
    assert not window.project_path().exists() and not data_dir.joinpath("pasted").exists()

    again = make_window(qtbot, fake, settings, data_dir)
    assert again.help_desk and again.help_desk_box.isChecked() and again.project.photo() is None
    save_shot(again, "help-desk-window.png")
    again.set_help_desk(False)
    assert not QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    assert again.new_button.isVisible() and not again.next_button.isVisible()
    assert settings.value("help_desk") in (False, "false")


def test_next_asks_only_when_work_would_be_lost(qtbot, fake, settings, data_dir, tmp_path, monkeypatch,
                                                grace_hopper_path):
    window = help_desk_window(qtbot, fake, settings, data_dir)
    window.next_candidate()  # nobody yet: no question (an unexpected dialog fails the test), nobody counted
    assert window.served == 0
    open_and_wait(qtbot, window, grace_hopper_path)
    asked = answer(monkeypatch, QMessageBox.StandardButton.No)
    window.next_candidate()
    assert len(asked) == 1 and "还没有保存或导出" in asked[0]
    assert window.project.photo() is not None and window.served == 0  # kept

    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    window.next_candidate()
    assert window.project.photo() is None and window.served == 1
    assert window.served_label.text() == "本次已服务 1 位考生"
    assert all("未开始" in t for t in sidebar(window))

    open_and_wait(qtbot, window, grace_hopper_path)
    window.materials_step.add_paths([jpeg(tmp_path / "正面.jpg", 1)])
    settle_materials(qtbot, window)
    out = tmp_path / "导出"
    out.mkdir()
    export(qtbot, window, out, "王五")
    asked = answer(monkeypatch, QMessageBox.StandardButton.No)
    window.next_candidate()  # exported: nothing to lose, no question
    assert asked == [] and window.served == 2 and window.project.project.name == ""
    assert (out / "王五").is_dir()  # what was exported stays
    assert not window.export_step.name_edit.isUndoAvailable()  # Ctrl+Z cannot bring the name back
    assert window.stack.currentWidget() is window.photo


def test_next_drops_a_running_job_without_waiting(qtbot, fake, settings, data_dir, tmp_path, monkeypatch,
                                                 grace_hopper_path):
    window = help_desk_window(qtbot, fake, settings, data_dir)
    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    fake.hold()
    window.materials_step.add_paths([jpeg(tmp_path / "毕业证.jpg", 2)])
    assert fake.waiting.wait(10)
    window.next_candidate()  # returns while the check is still held
    assert fake.waiting.is_set() and not window.materials_step.busy and window.materials_step.entries() == []
    assert window.served == 1
    fake.release()
    qtbot.wait(100)  # the dropped check's result would be delivered now: it is not
    assert window.materials_step.entries() == [] and window.project.items() == []
    open_and_wait(qtbot, window, grace_hopper_path)  # the next candidate's jobs run as usual
    assert window.photo.report is not None


def test_next_forgets_folders_dialog_history_and_clipboard(qtbot, fake, settings, data_dir, tmp_path, monkeypatch,
                                                           grace_hopper_path):
    window = help_desk_window(qtbot, fake, settings, data_dir)
    folder = tmp_path / "赵六的U盘"
    folder.mkdir()
    photo = folder / "zhao.jpg"
    photo.write_bytes(grace_hopper_path.read_bytes())
    open_and_wait(qtbot, window, photo)
    workers = tmp_path / "导出"
    workers.mkdir()
    window.export_step.set_folder(workers)  # the worker's choice for everyone
    window.export_step.name_edit.setText("赵六")
    window.export_step.name_edit.textEdited.emit("赵六")
    settings.setValue("folders/photo_save", str(tmp_path / "赵六"))
    qt = QSettings(QSettings.Scope.UserScope, "QtProject")
    qt.setValue("FileDialog/history", [str(folder)])
    qt.setValue("FileDialog/lastVisited", str(folder))
    qt.sync()
    picture = QImage(40, 30, QImage.Format.Format_RGB888)
    picture.fill(Qt.GlobalColor.red)
    QGuiApplication.clipboard().setImage(picture)
    assert settings.value("folders/photo_open") == str(folder)

    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    window.next_candidate()
    assert settings.value("folders/photo_open") is None and settings.value("folders/photo_save") is None
    assert settings.value("export/folder") == str(workers)
    qt = QSettings(QSettings.Scope.UserScope, "QtProject")
    assert qt.value("FileDialog/history") is None and qt.value("FileDialog/lastVisited") is None
    assert QGuiApplication.clipboard().image().isNull()
