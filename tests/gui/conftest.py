"""The windows the GUI tests drive (the real MainWindow, shown offscreen): `window` over the
stand-in pipeline (tests/gui/fake_backend.py), `real_window` over the real one (ui.backend)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.gui.fake_backend import FakeBackend
from ui import backend as real_backend
from ui.main_window import MainWindow


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


def _show(qtbot, backend) -> MainWindow:
    w = MainWindow(backend=backend)
    qtbot.addWidget(w)
    w.resize(1180, 800)
    w.show()
    return w


@pytest.fixture
def window(qtbot, fake) -> MainWindow:
    return _show(qtbot, fake)


@pytest.fixture
def real_window(qtbot) -> MainWindow:
    return _show(qtbot, real_backend)
