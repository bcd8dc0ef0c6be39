"""The translations: the compiled catalogue is what `make i18n` builds from the .ts source, and
every string the window asks for has its English."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from ui.i18n import I18N_DIR, qt_translations_dir

TS = I18N_DIR / "photocheck_en.ts"
UI = Path(__file__).resolve().parents[2] / "ui"


def _qt_tool(name: str) -> str:
    tool = shutil.which(name, path=str(Path(sys.executable).parent))
    assert tool is not None, f"{name} comes with PySide6 beside this Python"
    return tool


def test_every_source_string_has_its_english():
    messages = list(ET.parse(TS).getroot().iter("message"))
    assert len(messages) > 80
    unfinished = [m.findtext("source") for m in messages
                  if not m.findtext("translation") or m.find("translation").get("type") == "unfinished"]
    assert unfinished == []


def test_every_string_the_window_asks_for_is_in_the_catalogue(tmp_path):
    # Collect the source's strings (tr, self.tr, QCoreApplication.translate) into a copy of the .ts
    # as `make i18n-update` does: a string the committed .ts lacks shows in Chinese to English users.
    ts = tmp_path / "en.ts"
    shutil.copy(TS, ts)
    sources = sorted(str(p) for p in UI.rglob("*.py"))
    subprocess.run([_qt_tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", *sources, "-ts", str(ts)],
                   check=True, capture_output=True)
    fresh = ET.parse(ts).getroot().iter("message")
    untranslated = [m.findtext("source") for m in fresh if m.find("translation").get("type") == "unfinished"]
    assert untranslated == []


def test_the_committed_catalogue_matches_a_fresh_build(tmp_path):
    subprocess.run([_qt_tool("pyside6-lrelease"), "-silent", str(TS), "-qm", str(tmp_path / "en.qm")], check=True)
    assert (tmp_path / "en.qm").read_bytes() == (I18N_DIR / "photocheck_en.qm").read_bytes()


def test_qt_ships_its_chinese_catalogue():
    assert (qt_translations_dir() / "qtbase_zh_CN.qm").is_file()
