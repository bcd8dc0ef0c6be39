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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from photocheck.errors import UserError
from photocheck.io.interrupt import deferred
from photocheck.io.write import stale

PROJECT = "project.json"
DEFAULT_NAME = "考生"
MAX_NAME_CHARS = 64
MAX_NAME_BYTES = 200

# .<candidate>.photocheck-<pid>-<8 hex> while building; .<candidate>.photocheck-old-<pid>-<8 hex> for the
# previous export while the new one is renamed in (earlier versions wrote no process id).
_STAGING = re.compile(r"^\.(?P<name>.+)\.photocheck-(?P<old>old-)?(?:(?P<pid>\d+)-)?[0-9a-f]{8}$")
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


def sweep_staging(out_dir: Path) -> None:
    """Remove the staging folders that runs which died (SIGKILL, a power cut) left in `out_dir`:
    they hold a candidate's processed ID cards and certificates. A previous export that was
    renamed aside when the run died goes back into place if no export took its name."""
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return
    for entry in entries:
        m = _STAGING.match(entry.name)
        try:
            if not m or not entry.is_dir(follow_symlinks=False):
                continue
            if not stale(int(m["pid"]) if m["pid"] else None, entry.stat(follow_symlinks=False).st_mtime):
                continue
            target = Path(out_dir) / m["name"]
            if m["old"] and not target.exists():
                os.replace(entry.path, target)
            else:
                shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            continue


class Staging:
    """Build the export in a hidden sibling folder, then swap it into `<out>/<candidate>`.

    An existing export is refused unless `overwrite`; with it, the old folder is renamed aside,
    the new one renamed in, and only then the old one deleted (restored if the swap fails). Any
    failure before `commit` removes the staging folder, so nothing half-written is left behind;
    Ctrl-C and SIGTERM take that path too, and a folder a killed run left is swept by the next run.
    """

    def __init__(self, out_dir: Path, candidate: str, *, overwrite: bool) -> None:
        self.target = Path(out_dir) / candidate
        self.overwrite = overwrite
        self.path = self.target.with_name(f".{candidate}.photocheck-{os.getpid()}-{secrets.token_hex(4)}")
        self.committed = False

    def refuse_existing(self) -> None:
        if self.target.exists() and not self.overwrite:
            raise UserError(self.target, "导出文件夹已存在；如要替换，请确认覆盖（命令行加 --overwrite）",
                             "the export folder exists: confirm replacing it (--overwrite on the command line)")

    def __enter__(self) -> Staging:
        self.refuse_existing()
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            sweep_staging(self.target.parent)
            self.path.mkdir()
        except OSError as exc:
            raise UserError(self.target.parent, f"输出文件夹无法写入（{exc.strerror or exc}），请换一个可写的文件夹",
                             f"cannot write to the output folder: {exc.strerror or exc}") from exc
        return self

    def __exit__(self, *_exc: object) -> None:
        if not self.committed:
            shutil.rmtree(self.path, ignore_errors=True)

    def user_path(self, path: Path | None) -> Path | None:
        """A path inside the staging folder as the user will see it: inside the export folder."""
        if path is None:
            return None
        try:
            return self.target / Path(path).relative_to(self.path)
        except ValueError:
            return path

    @contextmanager
    def user_errors(self) -> Iterator[None]:
        """Failures name the user's files: a path in the staging folder becomes the same path in
        the export folder, and an OSError (a full disk) a UserError naming that file."""
        try:
            yield
        except UserError as exc:
            mapped = self.user_path(exc.path)
            if mapped != exc.path:
                exc.path = mapped
                exc.args = (f"{mapped}: {exc.message}",)
            raise
        except OSError as exc:
            where = self.user_path(Path(exc.filename)) if exc.filename else self.target
            reason = exc.strerror or str(exc)
            raise UserError(where, f"无法读写该文件：{reason}（请检查磁盘空间和写入权限）",
                            f"cannot read or write the file: {reason} (check free space and permissions)") from exc

    def commit(self) -> Path:
        self.refuse_existing()
        with deferred():  # Ctrl-C here waits until the export is in place, old or new
            old = None
            try:
                if self.target.exists():
                    old = self.target.with_name(
                        f".{self.target.name}.photocheck-old-{os.getpid()}-{secrets.token_hex(4)}")
                    os.replace(self.target, old)
                try:
                    os.replace(self.path, self.target)
                except OSError:
                    if old is not None:
                        os.replace(old, self.target)
                    raise
            except OSError as exc:
                raise UserError(self.target, f"无法把导出文件夹放到位（{exc.strerror or exc}）",
                                f"cannot move the export into place: {exc.strerror or exc}") from exc
            self.committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target
