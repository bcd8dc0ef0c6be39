"""The window every GUI test drives (the real MainWindow, shown offscreen), with garbage
collected on the GUI thread as the app does (ui.collector)."""

from __future__ import annotations

import pytest

from ui.collector import GuiThreadCollector
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def collector(qapp):
    c = GuiThreadCollector(qapp)
    yield c
    c.stop()
    c.deleteLater()


@pytest.fixture
def window(qtbot) -> MainWindow:
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1180, 800)
    w.show()
    return w

