"""Help-desk mode: one computer, a queue of walk-ins. What a candidate leaves behind outside the
steps' own widgets (the settings that name their folders, Qt's file-dialog history, the clipboard)
and how it is forgotten before the next one sits down; each step forgets its own state (forget()).

No project is autosaved in this mode: a walk-in's ID card must never reappear for the next one,
and a crash costs at most the few minutes of the candidate being served.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QGuiApplication

from photocheck.api import Project

# The app's settings that hold a folder the candidate chose (photocheck writes no other paths).
FOLDER_KEYS = ("folders/photo_open", "folders/photo_save", "export/folder")
# What Qt's own (non-native) file dialog remembers between runs, in the QtProject settings.
QT_DIALOG_KEYS = ("FileDialog/history", "FileDialog/lastVisited")


def traces(project: Project, base: Path) -> tuple[str, frozenset[Path]]:
    """The candidate's name and the folders their files came from: a setting holding either
    names the candidate."""
    sources = [project.photo_path(base), *(it.locate(base) for it in project.items)]
    return project.name.strip(), frozenset(p.parent for p in sources if p is not None)


def names_candidate(value: str, name: str, folders: frozenset[Path]) -> bool:
    return bool(value) and ((bool(name) and name in value) or Path(value) in folders)


def forget_folders(settings: QSettings, name: str, folders: frozenset[Path]) -> None:
    """Remembered folders that name the candidate are dropped (the dialogs then start in the
    default places); a folder the worker chose for everyone (the export folder) stays."""
    for key in FOLDER_KEYS:
        if names_candidate(str(settings.value(key, "")), name, folders):
            settings.remove(key)


def use_native_dialogs(on: bool) -> None:
    """The systems' own file dialogs keep recent files and folders where the app cannot clear them
    (Windows' ComDlg32 lists, GTK's recently-used.xbel): help-desk mode uses Qt's, whose history
    forget_dialog_history clears."""
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, not on)


def forget_dialog_history() -> None:
    qt = QSettings(QSettings.Scope.UserScope, "QtProject")
    for key in QT_DIALOG_KEYS:
        qt.remove(key)
    qt.sync()


def forget_clipboard() -> None:
    """What the app put on the clipboard, and any picture there: at a help desk that is the
    candidate's photo being pasted in, and the next candidate's Ctrl+V would show it."""
    clipboard = QGuiApplication.clipboard()
    mime = clipboard.mimeData()
    if clipboard.ownsClipboard() or (mime is not None and mime.hasImage()):
        clipboard.clear()
