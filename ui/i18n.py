"""The window's languages through Qt's translation system. The source strings are Chinese (the
default); ui/i18n/photocheck_en.ts holds their English, compiled by `make i18n` into the .qm that
ships beside it. Qt's own qtbase_zh_CN (from PySide6) makes the standard dialogs and buttons
Chinese too; in English no Qt catalogue is needed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

I18N_DIR = Path(__file__).resolve().parent / "i18n"
LANGUAGES = ("zh_CN", "en")  # the first is the default
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}  # each in its own language: never translated

_installed: list[QTranslator] = []


def tr(text: str) -> str:
    """The text in the current language. Call it with a literal: pyside6-lupdate collects
    `tr("...")` calls (context "") into the .ts file."""
    return QCoreApplication.translate("", text)


def qt_translations_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def set_language(app: QApplication, language: str) -> bool:
    """Swap the installed catalogues; every widget gets a LanguageChange event and retranslates.
    False when a catalogue could not be loaded (the strings then stay in Chinese)."""
    if language not in LANGUAGES:
        language = LANGUAGES[0]
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    ok = True
    if language == "zh_CN":
        catalogues = [(qt_translations_dir(), "qtbase_zh_CN")]
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    else:
        catalogues = [(I18N_DIR, "photocheck_en")]
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    for folder, name in catalogues:
        translator = QTranslator(app)
        if translator.load(name, str(folder)):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            ok = False
    app.setProperty("photocheck_language", language)
    return ok


def current_language() -> str:
    app = QApplication.instance()
    value = app.property("photocheck_language") if app is not None else None
    return value if value in LANGUAGES else LANGUAGES[0]


def english() -> bool:
    """For texts that come from the pipeline in both languages (check messages, labels)."""
    return current_language() == "en"
