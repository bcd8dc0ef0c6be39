"""The translations: the compiled catalogue is what `make i18n` builds from the .ts source, and
every string the window asks for has its English."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ui.i18n import I18N_DIR, qt_translations_dir

TS = I18N_DIR / "photocheck_en.ts"


def test_every_source_string_has_its_english():
    messages = list(ET.parse(TS).getroot().iter("message"))
    assert len(messages) > 80
    unfinished = [m.findtext("source") for m in messages
                  if not m.findtext("translation") or m.find("translation").get("type") == "unfinished"]
    assert unfinished == []


def test_the_committed_catalogue_matches_a_fresh_build(tmp_path):
    lrelease = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent))
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not installed beside this Python")
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(tmp_path / "en.qm")], check=True)
    assert (tmp_path / "en.qm").read_bytes() == (I18N_DIR / "photocheck_en.qm").read_bytes()


def test_qt_ships_its_chinese_catalogue():
    assert (qt_translations_dir() / "qtbase_zh_CN.qm").is_file()
