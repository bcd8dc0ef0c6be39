"""QApplication setup and the `photocheck-gui` entry point."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from photocheck.api import icon_path
from ui.i18n import LANGUAGES, set_language

# Jobs a closed window abandoned get this long, with no window left, to stop before the process exits.
EXIT_GRACE_S = 10.0
# Windows, macOS, then the Linux families; the first one installed wins, the rest stay as fallbacks.
CJK_FONTS = ("Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC")
MIN_POINT_SIZE = 10
ORGANISATION = "photocheck"
APPLICATION = "photocheck"


def cjk_font(base: QFont) -> QFont:
    """`base` with the installed CJK families in front, so Chinese never falls back to boxes or a serif."""
    installed = set(QFontDatabase.families())
    font = QFont(base)
    font.setFamilies([f for f in CJK_FONTS if f in installed] + [base.family()])
    if font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
    return font


def create_app(argv: list[str] | None = None) -> QApplication:
    """The running QApplication (created once) with names, Chinese font and the saved language set.
    The names decide where QSettings and QStandardPaths.AppDataLocation keep the window's state."""
    if QApplication.instance() is None:
        # Fractional scale factors (125 %, 150 % laptops) as they are, not rounded to whole pixels.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)  # widgets need a QApplication, not a bare QCoreApplication
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("医考照片检查")
    app.setWindowIcon(QIcon(str(icon_path())))
    app.setFont(cjk_font(app.font()))
    language = QSettings().value("language", LANGUAGES[0])
    set_language(app, str(language))
    return app


def main(argv: list[str] | None = None) -> int:
    """Open the window; an optional first argument is a photo to check straight away."""
    started = time.monotonic()
    argv = sys.argv if argv is None else argv
    app = create_app(argv)
    from photocheck.api import ProfileError
    from ui.main_window import MainWindow

    try:
        window = MainWindow()
    except ProfileError as exc:  # an edited profile that no longer loads: say which, do not trace back
        QMessageBox.critical(None, "考试规格文件有误", str(exc))
        return 2
    window.show()
    window.launched_after = time.monotonic() - started
    QTimer.singleShot(0, window.warm_up)  # the models load once the window is on screen
    if len(argv) > 1:
        window.open_photo(Path(argv[1]))
    code = app.exec()
    from ui.workers import finish_abandoned

    finish_abandoned(EXIT_GRACE_S)  # the window is gone already: a cancelled prepare cleans up its staging folder
    return code


if __name__ == "__main__":
    sys.exit(main())
