"""Argument checks on the user's input files, before anything opens them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from photocheck.errors import UserError


def require_file(path: str | os.PathLike[str]) -> Path:
    """`path` as a Path if it is a regular file (a symlink to one is fine); otherwise a UserError
    that says what it is. A folder or a FIFO is never opened: opening a FIFO waits for a writer
    that never comes."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UserError(path, "找不到该文件，请确认文件仍在原位置", "file not found") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UserError(path, f"无法读取该文件：{reason}", f"cannot read the file: {reason}") from exc
    if stat.S_ISDIR(mode):
        raise UserError(path, "这是一个文件夹，不是文件：请选择其中的图片或 PDF 文件",
                        "this is a folder, not a file: choose an image or PDF in it")
    if not stat.S_ISREG(mode):
        raise UserError(path, "这不是普通文件（管道、设备或套接字无法作为图片读取），请选择图片或 PDF 文件",
                        "not a regular file (a pipe, device or socket): choose an image or PDF file")
    return path
