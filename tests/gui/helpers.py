"""What the GUI tests share besides the window fixture."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

JOB_TIMEOUT_MS = 120_000  # generous: the machine is shared and a fix runs the pipeline twice
SHOTS = Path(tempfile.gettempdir()) / "photocheck-gui-shots"  # to look at by eye after a run


def save_shot(widget: QWidget, name: str) -> None:
    QApplication.processEvents()  # let replaced rows be laid out, as they are before a user sees them
    SHOTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))
