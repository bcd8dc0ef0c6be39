"""The `photocheck-gui` entry point: say in one line what to install when Qt is missing, instead
of a traceback (`pip install photocheck` brings the command line only)."""

from __future__ import annotations

import importlib.util
import sys


def main() -> int:
    import multiprocessing

    # The batch's worker processes start this program again: frozen, this runs them as workers.
    multiprocessing.freeze_support()
    if importlib.util.find_spec("PySide6") is None:
        print('图形界面需要 PySide6：请运行 pip install "photocheck[gui]" 后重试 '
              '(the window needs PySide6: pip install "photocheck[gui]")', file=sys.stderr)
        return 2
    from ui.app import main as run

    return run()


if __name__ == "__main__":
    sys.exit(main())
