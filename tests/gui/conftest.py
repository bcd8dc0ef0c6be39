"""The windows the GUI tests drive (the real MainWindow, shown offscreen): `window` over the
stand-in pipeline (tests/gui/fake_backend.py), `real_window` over the real one (ui.backend).
Each test gets its own settings file and data folder, Chinese, and the Noto Sans SC font that
ships with the test dependencies (the offscreen platform has no system CJK font)."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from tests.gui.fake_backend import FakeBackend
from ui import backend as real_backend
from ui.i18n import set_language
from ui.main_window import MainWindow


@pytest.fixture(scope="session", autouse=True)
def cjk_font(qapp):
    import pylopdf_fonts_zh_cn
    from PySide6.QtGui import QFontDatabase

    from ui.app import cjk_font as with_cjk

    QStandardPaths.setTestModeEnabled(True)  # nothing a test does lands in the real app folders
    QFontDatabase.addApplicationFont(str(Path(pylopdf_fonts_zh_cn.__file__).parent / "NotoSansSC-Regular.otf"))
    qapp.setFont(with_cjk(qapp.font()))


@pytest.fixture(scope="session", autouse=True)
def qt_settings_apart(tmp_path_factory):
    """Qt's own settings (the file dialogs' history in QtProject.conf) in this session's folder:
    test mode alone puts them in ~/.qttest, which parallel workers and other runs share."""
    folder = str(tmp_path_factory.mktemp("qt-settings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)


@pytest.fixture(autouse=True)
def chinese(qapp):
    set_language(qapp, "zh_CN")
    yield
    set_language(qapp, "zh_CN")


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch):
    """A modal box nobody answers would hang the run: a test that expects one replaces it."""
    def unexpected(_parent, title, text, *_a, **_k):
        raise AssertionError(f"unexpected dialog: {title}: {text}")

    for name in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, unexpected)


@pytest.fixture
def fake() -> FakeBackend:
    f = FakeBackend()
    yield f
    f.release()  # a test that held a call must not leave its thread waiting


@pytest.fixture
def app_home(tmp_path_factory) -> Path:
    """The window's own files, apart from tmp_path (tests list what they wrote there)."""
    return tmp_path_factory.mktemp("app-home")


@pytest.fixture
def settings(app_home) -> QSettings:
    return QSettings(str(app_home / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def data_dir(app_home) -> Path:
    return app_home / "appdata"


W = TypeVar("W", bound=QWidget)


def shown(qtbot, widget: W, size: tuple[int, int] | None = None) -> W:
    """`widget` shown offscreen (at `size` when given), closed by qtbot after the test."""
    qtbot.addWidget(widget)
    if size:
        widget.resize(*size)
    widget.show()
    return widget


def make_window(qtbot, backend, settings: QSettings, data_dir: Path, size=(1180, 760)) -> MainWindow:
    return shown(qtbot, MainWindow(backend=backend, settings=settings, data_dir=data_dir), size)


@pytest.fixture
def window(qtbot, fake, settings, data_dir) -> MainWindow:
    return make_window(qtbot, fake, settings, data_dir)


@pytest.fixture
def real_window(qtbot, settings, data_dir) -> MainWindow:
    return make_window(qtbot, real_backend, settings, data_dir)


def english_app() -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    set_language(app, "en")
