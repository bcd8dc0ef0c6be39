"""Ctrl-C and SIGTERM end a run through the normal cleanup path.

Python turns SIGINT into KeyboardInterrupt, so every `finally` that removes a staged file or a
staging folder runs; SIGTERM (a closed terminal, `kill`, a service stop) would end the process on
the spot and leave them behind. `install()` makes SIGTERM (and SIGHUP) raise `Terminated`, a
KeyboardInterrupt, so both take the same path. `deferred()` holds a signal back over the few
steps that must not be cut in two (renaming a finished export into place) and raises it after.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_pending: list[int] = []
_depth = 0


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM, SIGHUP): cleanup runs as for Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def exit_code(exc: BaseException) -> int:
    """The shell's convention: 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM)."""
    return 128 + (exc.signum if isinstance(exc, Terminated) else signal.SIGINT)


def _raise(signum: int) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


def _handler(signum: int, _frame: object) -> None:
    if _depth:
        _pending.append(signum)
        return
    _raise(signum)


def stop_signals() -> list[int]:
    """The signals that mean "stop" on this platform."""
    names = ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK")
    return [getattr(signal, n) for n in names if hasattr(signal, n)]


def install() -> None:
    """Route the stop signals through `_handler` (only the main thread may set handlers)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in stop_signals():
        if signal.getsignal(signum) is signal.SIG_IGN:  # e.g. SIGHUP under nohup: keep ignoring
            continue
        signal.signal(signum, _handler)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold stop signals back until the block ends, then raise the first one that came."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _pending:
            signum = _pending[0]
            _pending.clear()
            _raise(signum)
