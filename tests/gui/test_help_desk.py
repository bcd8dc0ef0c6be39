"""Help-desk mode: one computer serving a queue of walk-ins. The switch is remembered, nothing is
autosaved, "下一位考生" asks only when work would be lost, never waits for a running job, and
forgets what names the candidate outside the window (settings, Qt's file-dialog history, the
clipboard). The privacy test at the end runs five candidates through the real pipeline and then
searches the disk and the process for any trace of the earlier ones."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from tests import docgen
from tests.camera_standin import StandinCamera, StandinCameras, webcam_frame
from tests.gui import traces
from tests.gui.conftest import make_window
from tests.gui.helpers import JOB_TIMEOUT_MS, save_shot
from tests.gui.test_main_window import open_and_wait, settle_materials, sidebar
from tests.gui.test_materials_step import jpeg
from tests.test_live_guide import GOOD
from ui import backend as real_backend
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


def test_an_export_folder_that_names_the_candidate_is_forgotten(qtbot, fake, settings, data_dir, tmp_path,
                                                                monkeypatch):
    window = help_desk_window(qtbot, fake, settings, data_dir)
    theirs = tmp_path / "孙七的文件"
    theirs.mkdir()
    window.export_step.set_folder(theirs)
    window.export_step.name_edit.setText("孙七")
    window.export_step.name_edit.textEdited.emit("孙七")
    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    window.next_candidate()
    assert settings.value("export/folder") is None
    assert window.export_step.folder == Path.home() and window.export_step.folder_edit.text() == str(Path.home())


# --- privacy: five candidates, then a search for what the earlier ones left -------------------------

# The candidates' names as code points: a literal here would itself be a trace (a code object keeps
# its constants). The first serves to warm the pipeline up and is not searched for.
WARM_UP = "9884 70ed 8003 751f"
NAMES = ("6b27 9633 660e 8fdc", "53f8 9a6c 9759 6021", "8bf8 845b 6587 6f9c", "4e0a 5b98 82e5 6eaa",
         "4e1c 65b9 6620 96ea")
MATERIALS = ("id_front", "diploma")

PhotoSource = Callable[[Any, MainWindow, Path, np.ndarray], np.ndarray]  # -> the pixels the app got


def decode(codes: str) -> str:
    return "".join(chr(int(c, 16)) for c in codes.split())


def unique_photo(base: np.ndarray, seed: int) -> np.ndarray:
    """grace_hopper (fixable) brightened by the seed, with noise of its own: pixels no other has."""
    rng = np.random.default_rng(seed)
    shifted = base.astype(np.int16) + seed * 3 + rng.integers(-3, 4, base.shape)
    return np.clip(shifted, 0, 255).astype(np.uint8)


def photo_from_file(qtbot, window: MainWindow, folder: Path, rgb: np.ndarray) -> np.ndarray:
    """The candidate's photo as a file of theirs, opened in the photo step."""
    path = folder / f"{folder.name}-photo.png"
    Image.fromarray(rgb).save(path)
    window.open_photo(path)
    return rgb


class CameraDesk:
    """The real pipeline (ui.backend) with a stand-in webcam that films the current candidate."""

    def __init__(self) -> None:
        self.cameras = StandinCameras()

    def __getattr__(self, name: str) -> Any:
        return getattr(real_backend, name)

    def list_cameras(self) -> Any:
        return self.cameras.list_cameras()

    def open_camera(self, index: int) -> Any:
        return self.cameras.open_camera(index)

    def photo_from_camera(self, qtbot, window: MainWindow, folder: Path, rgb: np.ndarray) -> np.ndarray:
        """The help desk's own photo: the webcam films the candidate (`rgb` before the office wall),
        the framing guide says ready, the shutter writes the frame into the photo step's temporary
        folder and the photo step opens it."""
        frame = webcam_frame(rgb, **GOOD)
        self.cameras = StandinCameras(StandinCamera([frame]))
        dialog = window.photo.take_photo()
        qtbot.waitUntil(lambda: dialog.frames_shown >= 1 and dialog.shutter.isEnabled(), timeout=JOB_TIMEOUT_MS)
        dialog.take()
        self.cameras = StandinCameras()  # the stand-in's frames are the test's, not the app's
        return frame


def middle(data: bytes) -> bytes:
    return data[len(data) // 2:len(data) // 2 + 64]


def serve(qtbot, window: MainWindow, sources: Path, out: Path, codes: str, seed: int, base: np.ndarray,
          give_photo: PhotoSource) -> traces.Secret:
    """One candidate through the window: a photo, two materials, an export. Returns what only they
    left: their name, a token in all their file names, and signatures of their files and pixels."""
    name = decode(codes)
    token = f"t{seed}{uuid.uuid4().hex[:10]}"
    folder = sources / f"{name}-{token}"
    folder.mkdir(parents=True)
    secret = traces.Secret(f"candidate {seed}")
    secret.add_text(name)
    secret.add_text(token)
    secret.add_pixels("the photo's pixels", give_photo(qtbot, window, folder, unique_photo(base, seed)))
    def settled() -> bool:  # checked, and a fixed result's own checks passed (a retake has none)
        return (not window.busy and window.photo.report is not None
                and (window.photo.result_passed or window.photo.result_picture() is None))

    qtbot.waitUntil(settled, timeout=JOB_TIMEOUT_MS)
    photo = window.project.photo()
    assert photo is not None
    secret.add_bytes("the photo file", middle(photo.read_bytes()))
    report = window.photo.report
    assert report is not None
    # The stand-in webcam films grace_hopper's picture before a wall, hat cut at the picture's top:
    # a shot the photo step asks to retake, so it has no fixed result; the phone photos are fixed.
    # The fixed photo is a preview in memory until the export writes it (found below).
    if (fixed := window.photo.result_picture()) is not None:
        secret.add_pixels("the fixed photo", fixed)
    documents = []
    for i, kind in enumerate(MATERIALS):
        path = folder / f"{token}-{kind}.jpg"
        Image.fromarray(docgen.phone_photo(kind, 10 * seed + i, 0, size=1000, name=name).image).save(path, quality=90)
        secret.add_bytes(f"the {kind} file", middle(path.read_bytes()))
        documents.append(path)
    window.materials_step.add_paths(documents)
    qtbot.waitUntil(lambda: not window.materials_step.busy, timeout=4 * JOB_TIMEOUT_MS)
    entries = window.materials_step.entries()
    assert [e.category for e in entries] == ["identity", "diploma"], [e.failures for e in entries]
    for kind, e in zip(MATERIALS, entries, strict=True):
        assert e.thumb is not None and e.report is not None
        secret.add_pixels(f"the thumbnail of the {kind}", e.thumb)
        if e.report.output is not None:  # written only when its checks pass
            secret.add_bytes(f"the fixed {kind}'s file", middle(e.report.output.path.read_bytes()))
    step = window.export_step
    step.set_folder(out)
    step.name_edit.setText(name)
    step.name_edit.textEdited.emit(name)
    with qtbot.waitSignal(step.exported, timeout=4 * JOB_TIMEOUT_MS) as exported:
        step.start()
    root = exported.args[0].root
    for f in root.rglob("*"):
        if f.suffix in (".jpg", ".png"):
            secret.add_bytes(f"the exported {f.suffix}", middle(f.read_bytes()))
    return secret


def next_candidate(window: MainWindow) -> None:
    window.next_button.click()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what the event loop does next


@pytest.mark.slow
def test_five_candidates_leave_no_trace(qtbot, settings, data_dir, app_home, tmp_path, monkeypatch,
                                        grace_hopper_rgb):
    """The real pipeline throughout (photo, the materials' OCR, the export): the caches that could keep
    a candidate's pixels are the real ones. Photos come from the stand-in webcam through the camera
    dialog and from the candidates' own files, in turn. After each candidate 下一位考生; then the temp folder, the
    settings (the app's and Qt's), the data folder, the window's text and the process's objects are
    searched for every earlier candidate. The current one is found there, so the search can find."""
    temp = tmp_path / "temp"  # the steps' temporary folders, apart from other processes'
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    desk = CameraDesk()
    window = help_desk_window(qtbot, desk, settings, data_dir)
    sources, out = tmp_path / "考生", tmp_path / "导出"
    out.mkdir()
    qt_settings = Path(QSettings(QSettings.Scope.UserScope, "QtProject").fileName())
    places: dict[str, Any] = {"roots": [temp, app_home, qt_settings], "settings": [Path(settings.fileName()),
                                                                              qt_settings]}
    serve(qtbot, window, sources, out, WARM_UP, 0, grace_hopper_rgb, desk.photo_from_camera)
    next_candidate(window)
    before = traces.pictures()  # the pipeline's own, loaded by the first candidate

    secrets = []
    for i, codes in enumerate(NAMES):
        if secrets:
            next_candidate(window)
        # Photos taken at the desk and phone photos the candidates brought, in turn.
        give = photo_from_file if i % 2 == 0 else desk.photo_from_camera
        secrets.append(serve(qtbot, window, sources, out, codes, i + 1, grace_hopper_rgb, give))

    here = "\n".join(traces.find(secrets[-1], **places, holders=False))
    for what in ("QLineEdit in ExportStep", "setting ", "file ", "the fixed photo", "the thumbnail of",
                 "the photo's pixels"):
        assert what in here, f"the search missed the current candidate's {what!r}:\n{here}"
    for secret in secrets[:-1]:
        assert (found := traces.find(secret, **places)) == [], (secret.label, found)

    next_candidate(window)
    for secret in secrets:
        assert (found := traces.find(secret, **places)) == [], (secret.label, found)
    assert traces.new_pictures(before) == []
    assert [p for p in temp.rglob("*") if p.is_file()] == [] and len(list(temp.iterdir())) == 2  # the steps' own
    assert not data_dir.exists() or list(data_dir.rglob("*")) == []
    assert window.served == len(NAMES) + 1 and all("未开始" in t for t in sidebar(window))
    assert len(list(out.iterdir())) == len(NAMES) + 1  # the exports stay where they were written
