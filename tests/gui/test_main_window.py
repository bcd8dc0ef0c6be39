"""The window's shell: the side bar of steps, the 1366x768 laptop screen, the language switch,
what is remembered between runs (settings and the autosaved candidate), closing during work."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, QRect, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QSlider, QWidget

from tests.gui.conftest import english_app, make_window, shown
from tests.gui.helpers import JOB_TIMEOUT_MS, save_shot
from tests.gui.test_materials_step import jpeg
from ui import main_window
from ui.main_window import MainWindow


def open_and_wait(qtbot, window: MainWindow, path) -> None:
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.open_photo(path)
        assert window.busy  # the job runs off the GUI thread


def sidebar(window: MainWindow) -> list[str]:
    """The entries the user sees (批量处理 is hidden outside help-desk mode)."""
    items = (window.sidebar.item(i) for i in range(window.sidebar.count()))
    return [it.text() for it in items if not it.isHidden()]


def test_the_side_bar_shows_each_step_with_its_state(window, qtbot, grace_hopper_path):
    assert [t.split("\n")[0] for t in sidebar(window)] == ["1  照片", "2  报名材料", "3  导出"]
    assert all("未开始" in t for t in sidebar(window))
    open_and_wait(qtbot, window, grace_hopper_path)
    photo = sidebar(window)[0]
    assert "已就绪" in photo and "17/17 项通过" in photo
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.photo.open_button, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.materials_step


def _controls(widget: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QComboBox, QSlider)
    return [w for w in widget.findChildren(QWidget) if isinstance(w, kinds) and w.isVisibleTo(widget)]


def test_the_window_at_1366x768_shows_every_control(qtbot, fake, settings, data_dir, grace_hopper_path):
    # 768 px screen minus a task bar and the title bar: the window gets about 700 px; English is longer.
    for height, language in ((768, "zh_CN"), (700, "zh_CN"), (700, "en")):
        if language == "en":
            english_app()
        window = make_window(qtbot, fake, settings, data_dir, size=(1366, height))
        open_and_wait(qtbot, window, grace_hopper_path)
        assert window.minimumSizeHint().height() <= 700 and window.minimumSizeHint().width() <= 1366
        for index in range(window.stack.count()):
            window.show_step(index)
            qtbot.wait(20)
            page = window.centralWidget()
            area = QRect(0, 0, page.width(), page.height())
            for control in _controls(page):
                top_left = control.mapTo(page, control.rect().topLeft())
                rect = QRect(top_left, control.size())
                assert area.contains(rect), f"{control.objectName() or type(control).__name__} " \
                    f"'{getattr(control, 'text', lambda: '')()}' at {rect} outside {area} (step {index}, h {height})"
                hint = control.minimumSizeHint()
                assert control.height() >= min(hint.height(), 18), f"{control} squashed"
                assert control.width() >= min(hint.width(), 60), f"{control} '{_text(control)}' squashed"
            placed = [(c, QRect(c.mapTo(page, c.rect().topLeft()), c.size())) for c in _controls(page)]
            for i, (a, ra) in enumerate(placed):
                for b, rb in placed[i + 1:]:
                    if not (a.isAncestorOf(b) or b.isAncestorOf(a)):
                        assert not ra.intersects(rb), f"'{_text(a)}' overlaps '{_text(b)}' (step {index}, {language})"
        for label in window.photo.findChildren(QLabel):
            if label.isVisibleTo(window.photo) and label.text() and not label.wordWrap():
                assert label.width() >= 10
        window.show_step(0)
        save_shot(window, f"window-1366x{height}-{language}.png")
        window.close()


def _text(w: QWidget) -> str:
    return w.text() if hasattr(w, "text") else type(w).__name__


def test_language_switch_changes_visible_text(window, qtbot, grace_hopper_path):
    open_and_wait(qtbot, window, grace_hopper_path)
    assert window.photo.open_button.text() == "打开照片…"
    window.language_box.setCurrentIndex(window.language_box.findData("en"))
    qtbot.waitUntil(lambda: window.photo.open_button.text() == "Open photo…")  # LanguageChange is posted
    assert sidebar(window)[0].startswith("1  Photo\nReady\n")
    assert window.windowTitle() == "Medical exam registration: photo and documents"
    assert window.photo.check_list.row("face.count").status.text() == "pass"
    assert window.profile_box.currentText() == window.profile().name_en
    save_shot(window, "window-en.png")
    window.language_box.setCurrentIndex(window.language_box.findData("zh_CN"))
    qtbot.waitUntil(lambda: window.photo.open_button.text() == "打开照片…")
    assert window.photo.check_list.row("face.count").status.text() == "通过"


def test_qt_standard_buttons_are_chinese(qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes | QDialogButtonBox.StandardButton.No)
    texts = sorted(b.text() for b in box.buttons())
    assert any("是" in t for t in texts) and any("否" in t for t in texts), texts
    english_app()
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Yes | QDialogButtonBox.StandardButton.No)
    assert {b.text().replace("&", "") for b in box.buttons()} == {"Yes", "No"}


def test_settings_and_the_candidate_are_remembered(qtbot, fake, settings, data_dir, grace_hopper_path):
    window = make_window(qtbot, fake, settings, data_dir)
    open_and_wait(qtbot, window, grace_hopper_path)
    ids = [window.profile_box.itemData(i) for i in range(window.profile_box.count())]
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.profile_box.setCurrentIndex(ids.index("xiao2cun-35x45"))
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.photo.set_background(False)
    window.language_box.setCurrentIndex(window.language_box.findData("en"))
    window.resize(1000, 650)  # the offscreen screen is 800x800: restoreGeometry keeps the minimum width
    window.close()
    assert window.project_path().is_file()

    again = shown(qtbot, MainWindow(backend=fake, settings=settings, data_dir=data_dir))
    qtbot.waitUntil(lambda: again.photo.report is not None and not again.busy, timeout=JOB_TIMEOUT_MS)
    assert settings.value("language") == "en"
    assert again.profile().id == "xiao2cun-35x45" and again.profile_box.currentData() == "xiao2cun-35x45"
    assert (again.width(), again.height()) == (1000, 650)
    assert again.project.photo() == grace_hopper_path.resolve()
    assert again.project.edits().background is False and not again.photo.background_box.isChecked()
    assert "上次" in again.statusBar().currentMessage() or "last" in again.statusBar().currentMessage()
    assert fake.renders[-1]["background"] is False  # the result is rendered again with the edits
    assert settings.value("folders/photo_open") == str(grace_hopper_path.parent)
    again.new_candidate()
    assert again.project.photo() is None and "Not started" in sidebar(again)[0]


def test_closing_during_work_returns_within_a_second(window, qtbot, fake, grace_hopper_path, monkeypatch):
    fake.hold()
    window.open_photo(grace_hopper_path)
    assert fake.waiting.wait(10)
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 1.0
    assert not window.isVisible()
    fake.release()
    qtbot.wait(50)  # a report from the abandoned job would be delivered now: there is none
    assert window.photo.report is None
    assert main_window.CLOSE_GRACE_S < 1.0


def test_every_control_is_reached_with_the_tab_key(window, qtbot, grace_hopper_path):
    open_and_wait(qtbot, window, grace_hopper_path)
    step = window.photo
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.sidebar.setFocus()
    reached = []
    for _ in range(80):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    wanted = [window.profile_box, window.language_box, window.new_button, step.open_button, step.paste_button,
              step.original, step.rotate_left, step.rotate_right, step.guides_box, step.background_box,
              step.reset_button, step.mode_frame, step.brush_size, step.keep_original, step.save_button,
              step.check_list.row("face.size")]
    missing = [w for w in wanted if w not in reached]
    assert missing == []
    order = [reached.index(w) for w in wanted[:6]]
    assert order == sorted(order)  # side bar first, then the step from the top


def drop_on_window(window: MainWindow, paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    window.dropEvent(QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))


def settle_materials(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.materials_step.busy, timeout=JOB_TIMEOUT_MS)


def test_a_dropped_folder_goes_to_the_materials_step(window, qtbot, fake, tmp_path):
    folder = tmp_path / "李四的材料"
    (folder / "身份证明").mkdir(parents=True)
    jpeg(folder / "身份证明" / "正面.jpg", 1)
    jpeg(folder / "毕业证.jpg", 2)
    drop_on_window(window, [folder])
    assert window.stack.currentWidget() is window.materials_step
    assert not window.photo.busy and window.project.photo() is None  # no photo check started
    settle_materials(qtbot, window)
    assert {e.path.name: e.category for e in window.materials_step.entries()} == {"正面.jpg": "identity",
                                                                               "毕业证.jpg": "diploma"}
    assert {it.category for it in window.project.items()} == {"identity", "diploma"}
    assert sidebar(window)[1].split("\n")[1:] == ["需处理", "1/3 类已就绪"]
    # A PDF dropped on the window is a document too.
    pdf = tmp_path / "学信网报告.pdf"
    pdf.write_bytes(b"%PDF-1\n")
    window.show_step(0)
    drop_on_window(window, [pdf])
    assert window.stack.currentWidget() is window.materials_step
    settle_materials(qtbot, window)
    assert len(window.materials_step.entries()) == 3


def test_a_dropped_picture_goes_to_the_photo_step(window, qtbot, grace_hopper_path):
    window.show_step(2)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        drop_on_window(window, [grace_hopper_path])
    assert window.stack.currentWidget() is window.photo
    assert window.project.photo() == grace_hopper_path.resolve() and window.materials_step.entries() == []


def test_a_portrait_among_the_materials_opens_in_the_photo_step(window, qtbot, tmp_path):
    window.show_step(1)
    portrait = jpeg(tmp_path / "人像.jpg", 1)
    with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
        window.materials_step.add_paths([jpeg(tmp_path / "毕业证.jpg", 2), portrait])
    assert window.stack.currentWidget() is window.photo
    assert window.project.photo() == portrait.resolve()
    settle_materials(qtbot, window)
    assert [Path(it.source).name for it in window.project.items()] == ["毕业证.jpg"]


def test_export_from_the_window_then_a_new_candidate(window, qtbot, fake, tmp_path, grace_hopper_path):
    open_and_wait(qtbot, window, grace_hopper_path)
    window.materials_step.add_paths([jpeg(tmp_path / "正面.jpg", 1), jpeg(tmp_path / "反面.jpg", 2)])
    settle_materials(qtbot, window)
    out = tmp_path / "导出"
    out.mkdir()
    step = window.export_step
    step.set_folder(out)
    assert window._settings.value("export/folder") == str(out)  # remembered with the window's settings
    step.name_edit.setText("李四")
    step.name_edit.textEdited.emit("李四")
    window.show_step(2)
    with qtbot.waitSignal(step.exported, timeout=JOB_TIMEOUT_MS) as exported:
        qtbot.mouseClick(step.export_button, Qt.MouseButton.LeftButton)
    assert exported.args[0].root == out / "李四"
    assert sidebar(window)[2].split("\n")[1:] == ["需处理", "已导出，2 类未就绪"]
    save_shot(window, "window-export.png")
    window.new_candidate()
    assert window.project.photo() is None and window.project.items() == [] and window.project.project.name == ""
    assert window.materials_step.entries() == [] and step.export is None and step.name_edit.text() == ""
    assert all("未开始" in t for t in sidebar(window))
    assert (out / "李四").is_dir()  # what was written stays


def test_closing_during_a_materials_check_returns_within_a_second(window, qtbot, fake, tmp_path):
    fake.hold()
    window.materials_step.add_paths([jpeg(tmp_path / "毕业证.jpg", 1)])
    assert fake.waiting.wait(10)
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 1.0 and not window.isVisible()
    fake.release()
    qtbot.wait(50)  # a report from the abandoned check would be delivered now: there is none
    assert [e.pending for e in window.materials_step.entries()] in ([], [True])
