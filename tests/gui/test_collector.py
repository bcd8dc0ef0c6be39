"""Garbage is collected by a timer on the GUI thread, never by CPython on a worker thread."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path


def test_collection_runs_on_the_gui_thread_only(collector, qtbot):
    assert not gc.isenabled()
    for _ in range(3 * gc.get_threshold()[0]):
        a: list[object] = []
        a.append(a)  # a cycle only the collector can free
    assert gc.get_count()[0] > gc.get_threshold()[0]
    qtbot.waitUntil(lambda: gc.get_count()[0] < gc.get_threshold()[0], timeout=3000)



def test_the_app_installs_exactly_one_collector():
    # A fresh process: the test session's QApplication already has the fixture's collector.
    code = ("import gc; from ui.app import create_app; from ui.collector import GuiThreadCollector; "
            "app = create_app([]); create_app([]); "
            "print(gc.isenabled(), len(app.findChildren(GuiThreadCollector)))")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.split() == ["False", "1"]
