"""Where an export goes: folder and file names every file system accepts, and a staging folder
that is swapped into place only when complete, so an export is all there or not there at all.

Layout: `<out>/<candidate>/<the profile's export.photo_folder>/`, one `NN_类别名/` folder per category that has files,
`manifest.json`, `检查报告.html` and `project.json`.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import unicodedata
from pathlib import Path

from photocheck.errors import UserError

PROJECT = "project.json"
DEFAULT_NAME = "考生"
MAX_NAME_CHARS = 64
MAX_NAME_BYTES = 200

_FORBIDDEN = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


def safe_name(name: str) -> str:
    """A folder name every file system accepts: no separators, reserved characters or control
    characters, no `..`, no leading/trailing dots or spaces, no Windows device name (even with an
    extension), at most 64 characters and 200 UTF-8 bytes; nothing left -> 考生."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    text = _fit(_FORBIDDEN.sub("", text).replace("..", ""))
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = _fit(f"_{text}")
    return text or DEFAULT_NAME


def _fit(text: str) -> str:
    text = text[:MAX_NAME_CHARS]
    while len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1]
    return text.strip(" .")


class Staging:
    """Build the export in a hidden sibling folder, then swap it into `<out>/<candidate>`.

    An existing export is refused unless `overwrite`; with it, the old folder is renamed aside,
    the new one renamed in, and only then the old one deleted (restored if the swap fails). Any
    failure before `commit` removes the staging folder, so nothing half-written is left behind.
    """

    def __init__(self, out_dir: Path, candidate: str, *, overwrite: bool) -> None:
        self.target = Path(out_dir) / candidate
        self.overwrite = overwrite
        self.path = self.target.with_name(f".{candidate}.photocheck-{secrets.token_hex(4)}")
        self.committed = False

    def refuse_existing(self) -> None:
        if self.target.exists() and not self.overwrite:
            raise UserError(self.target, "导出文件夹已存在；如要替换，请加 --overwrite",
                             "the export folder exists; add --overwrite to replace it")

    def __enter__(self) -> Staging:
        self.refuse_existing()
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self.path.mkdir()
        except OSError as exc:
            raise UserError(self.target.parent, f"输出文件夹无法写入（{exc.strerror or exc}），请换一个可写的文件夹",
                             f"cannot write to the output folder: {exc.strerror or exc}") from exc
        return self

    def __exit__(self, *_exc: object) -> None:
        if not self.committed:
            shutil.rmtree(self.path, ignore_errors=True)

    def commit(self) -> Path:
        self.refuse_existing()
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.photocheck-old-{secrets.token_hex(4)}")
            os.replace(self.target, old)
        try:
            os.replace(self.path, self.target)
        except OSError:
            if old is not None:
                os.replace(old, self.target)
            raise
        self.committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target
