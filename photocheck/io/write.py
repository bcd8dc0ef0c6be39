"""Writes that never leave half a file behind."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from photocheck.errors import UserError

STAGED_PREFIX = ".photocheck-"  # every temporary name starts so: short, and easy to sweep


def write_staged(final: str | Path, data: bytes) -> Path:
    """Write `data` durably beside `final` under a short hidden name and return that path: the
    caller checks the file from disk and renames it into place (os.replace) only once it passes.
    The name does not grow with `final`'s, so a name near the file system's limit still works."""
    final = Path(final)
    try:
        tmp, fd = _create_temp(final, final.suffix)
    except OSError as exc:
        raise _unwritable(final, exc) from exc
    _fill(tmp, fd, data, final)
    return tmp


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write beside the target, fsync, then os.replace: readers see the old file or the new one,
    never a partial one. The folder must exist. A failure (a full disk, no permission) is a
    UserError naming `path`, never the temporary file."""
    path = Path(path)
    try:
        tmp, fd = _create_temp(path, ".tmp")
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    _fill(tmp, fd, data, path)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _unwritable(path, exc) from exc
    _sync_folder(path.parent)


def _fill(tmp: Path, fd: int, data: bytes, target: Path) -> None:
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _unwritable(target, exc) from exc
        raise


def _unwritable(path: Path, exc: OSError) -> UserError:
    reason = exc.strerror or str(exc)
    return UserError(path, f"无法写入文件：{reason}（请检查磁盘空间和写入权限）",
                     f"cannot write the file: {reason} (check free space and permissions)")


def _create_temp(path: Path, suffix: str) -> tuple[Path, int]:
    # os.open with 0o666 lets the umask decide permissions, as for any normal file (mkstemp: 0o600).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = path.with_name(f"{STAGED_PREFIX}{secrets.token_hex(6)}{suffix}")
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX only; Windows cannot open a folder this way)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
