"""QApplication setup and the `photocheck-gui` entry point."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from photocheck.api import icon_path
from ui.collector import GuiThreadCollector

# Windows, macOS, then the Linux families; the first one installed wins, the rest stay as fallbacks.
CJK_FONTS = ("Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC")
MIN_POINT_SIZE = 10


def cjk_font(base: QFont) -> QFont:
    """`base` with the installed CJK families in front, so Chinese never falls back to boxes or a serif."""
    installed = set(QFontDatabase.families())
    font = QFont(base)
    font.setFamilies([f for f in CJK_FONTS if f in installed] + [base.family()])
    if font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
    return font


def create_app(argv: list[str] | None = None) -> QApplication:
    """The running QApplication (created once) with name and Chinese font set."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    if app.findChild(GuiThreadCollector) is None:
        GuiThreadCollector(app)  # owned by the app: lives as long as it does
    app.setApplicationName("photocheck")
    app.setApplicationDisplayName("医考照片检查")
    app.setWindowIcon(QIcon(str(icon_path())))
    app.setFont(cjk_font(app.font()))
    return app


def main(argv: list[str] | None = None) -> int:
    """Open the window; an optional first argument is a photo to check straight away."""
    from photocheck.api import ProfileError

    argv = sys.argv if argv is None else argv
    app = create_app(argv)
    from ui.main_window import MainWindow

    try:
        window = MainWindow()
    except ProfileError as exc:  # an edited profile that no longer loads: say which, do not trace back
        QMessageBox.critical(None, "考试规格文件有误", str(exc))
        return 2
    window.show()
    if len(argv) > 1:
        window.open_photo(Path(argv[1]))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
