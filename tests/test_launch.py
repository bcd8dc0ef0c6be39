"""`photocheck-gui` without Qt installed says in one line what to install (no traceback)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_gui_entry_without_qt_names_the_extra():
    # -S: no site-packages, so PySide6 cannot be found, as after a plain `pip install photocheck`.
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from ui.launch import main; sys.exit(main())"
    run = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert 'pip install "photocheck[gui]"' in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
