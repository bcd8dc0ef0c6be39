"""Writes that never leave half a file behind."""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from photocheck.errors import UserError

STAGED_PREFIX = ".photocheck-"  # every temporary name starts so: short, and easy to sweep
# .photocheck-<pid>-<12 hex><suffix>: the writer's process id tells a later run whether the file is
# still being written or was left by a process that died (SIGKILL, a power cut).
# Earlier versions wrote .photocheck-<12 hex><suffix> and .<name>.photocheck-staged<suffix>.
_STAGED = re.compile(r"^(?:\.photocheck-(?:(?P<pid>\d+)-)?[0-9a-f]{12}|\..+\.photocheck-staged)"
                     r"(?:\.[A-Za-z0-9]{1,5})?$")
# Older than this, a staged file is stale whoever wrote it (a reused process id, another machine
# writing to a shared folder): a staged file lives for seconds, a staging folder for minutes.
STALE_SECONDS = 24 * 3600
_swept: set[Path] = set()


def write_staged(final: str | Path, data: bytes, *, sync: bool = True) -> Path:
    """Write `data` durably beside `final` under a short hidden name and return that path: the
    caller checks the file from disk and renames it into place (os.replace) only once it passes.
    The name does not grow with `final`'s, so a name near the file system's limit still works.
    `sync=False` leaves the fsync to the caller (`sync_staged`, before the rename), which can then
    wait for the disk while it checks the file."""
    final = Path(final)
    _sweep_once(final.parent)
    try:
        tmp, fd = _create_temp(final, final.suffix)
    except OSError as exc:
        raise _unwritable(final, exc) from exc
    _fill(tmp, fd, data, final, sync)
    return tmp


def sync_staged(staged: Path, final: str | Path) -> None:
    """Flush a file `write_staged(sync=False)` wrote to the disk; a failure names `final`."""
    try:
        fd = os.open(staged, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows commits only writable handles
    except OSError as exc:
        raise _unwritable(Path(final), exc) from exc
    try:
        os.fsync(fd)
    except OSError as exc:
        raise _unwritable(Path(final), exc) from exc
    finally:
        os.close(fd)


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write beside the target, fsync, then os.replace: readers see the old file or the new one,
    never a partial one. The folder must exist. A failure (a full disk, no permission) is a
    UserError naming `path`, never the temporary file."""
    path = Path(path)
    _sweep_once(path.parent)
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


def _fill(tmp: Path, fd: int, data: bytes, target: Path, sync: bool = True) -> None:
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if sync:
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
        tmp = path.with_name(f"{STAGED_PREFIX}{os.getpid()}-{secrets.token_hex(6)}{suffix}")
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (True when it cannot be told)."""
    if pid == os.getpid():
        return True
    if os.name == "posix":
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:  # EPERM: it exists, as another user's process
            return True
        return True
    return _windows_alive(pid)


def _windows_alive(pid: int) -> bool:
    # os.kill(pid, 0) would end the process on Windows; ask the kernel instead.
    try:
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(kernel32.GetLastError() == 5)  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    except Exception:  # no ctypes or an odd platform: keep the file, the age rule still applies
        return True


def stale(pid: int | None, mtime: float) -> bool:
    """A leftover of ours is stale when its writer is gone, or when it is older than a day."""
    if time.time() - mtime > STALE_SECONDS:
        return True
    if pid is None:  # written before names carried a process id: any such run is long over
        return True
    return not process_alive(pid)


def sweep(folder: str | Path) -> list[Path]:
    """Remove the staged files that processes which died left in `folder` (not those of running
    ones) and return them. Errors are ignored: a sweep never stops the run that does it."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _STAGED.match(entry.name)
        if not m:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if stale(int(m["pid"]) if m["pid"] else None, entry.stat(follow_symlinks=False).st_mtime):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _sweep_once(folder: Path) -> None:
    key = folder.absolute()
    if key not in _swept:
        _swept.add(key)
        sweep(folder)


def forget_swept() -> None:
    """Forget which folders were swept: their paths name candidates (an export's staging folder)."""
    _swept.clear()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX only; Windows cannot open a folder this way)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
