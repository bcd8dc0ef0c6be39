"""How the pipeline overlaps work inside one photo, and how long jobs report progress and stop.

A single photo uses a second core: the segmentation, the full-resolution decode, the render of
the upload (beside the source's own measures and checks), the matte's objects cut and the written
file's search for remnants run on helper threads. Batch worker processes switch this off, because
their parallelism comes from the processes and extra threads would only compete for the same cores.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from photocheck.errors import UserError

_serial = False


def run_serially() -> None:
    """Do everything on the calling thread from now on (for batch worker processes)."""
    global _serial
    _serial = True


class _Deferred(Future[Any]):
    """A job that runs on the caller's thread when its result is first asked for: a job that is
    never needed (the full decode of a photo that fails its checks) never runs."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        super().__init__()
        self._job: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]] | None = (fn, args, kwargs)

    def result(self, timeout: float | None = None) -> Any:
        if self._job is not None and not self.cancelled():
            fn, args, kwargs = self._job
            self._job = None
            try:
                self.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # raised by result(), as a thread's would be
                self.set_exception(exc)
        return super().result(timeout)


class _OnCaller(Executor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return _Deferred(fn, args, kwargs)


@functools.cache
def _threads(name: str) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"photocheck-{name}")


@functools.cache
def _pool(name: str, workers: int, initializer: Callable[[], None] | None) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"photocheck-{name}", initializer=initializer)


def pool(name: str, workers: int, initializer: Callable[[], None] | None = None) -> Executor:
    """A long-lived executor of `workers` threads for the named jobs (each thread loads its
    networks once and keeps them), or, serially, one that runs each job on the caller's thread."""
    return _OnCaller() if _serial or workers < 2 else _pool(name, workers, initializer)


def cores() -> int:
    """The cores this process may run on."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def release_memory() -> None:
    """Give freed heap back to the system (glibc keeps it per thread arena otherwise, so a
    long-lived worker that once held a 12 MP page stays that large); elsewhere nothing."""
    import contextlib
    import ctypes
    import ctypes.util
    import sys

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc (musl has no malloc_trim)
            ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def release_between_stages() -> None:
    """release_memory between a document's stages, but only inside return_large_buffers (prepare,
    several documents in flight, where each stage's scratch would stay in each worker's heap); a
    lone `material fix` keeps its heap for the next stage, whose page faults on fresh memory cost
    more than a trim saves (benchmarks/material_speed.py: image work 268 ms trimmed, 205 ms kept)."""
    from photocheck.io.allocator import returning

    if returning():
        release_memory()


def helper(name: str) -> Executor:
    """A long-lived one-thread executor for the named job (its networks load once), or, in a
    batch worker, one that runs each job on the caller's thread when its result is needed."""
    return _OnCaller() if _serial else _threads(name)


# --- progress and cancellation of long jobs (the GUI runs them on worker threads) ---------------

Progress = Callable[[int, int, str], None]  # (steps done, steps in all, what is being done, Chinese)


class Cancelled(UserError):
    """The user cancelled: whatever was being built was discarded, nothing half-written remains."""

    def __init__(self) -> None:
        super().__init__(None, "已取消", "cancelled", code="cancelled")


class CancelToken:
    """Set from any thread (the GUI's cancel button, closing the window); long jobs call check()
    between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()
