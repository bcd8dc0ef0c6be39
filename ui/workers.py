"""Jobs that call the pipeline off the GUI thread so the window keeps painting.

How the threads meet: a job is a plain Python function run on its own daemon `threading.Thread`
and owns no Qt object. The Runner is a QObject created on the GUI thread and owned by its panel;
it owns the one signal the job thread touches. When the work returns or raises, the job thread
emits that signal (a queued connection: the handlers run on the GUI thread) and holds nothing
else of Qt's, so no Qt object is ever created, kept alive or deleted on a job thread, whichever
thread Python's garbage collector happens to run on.

Emitting and detaching take the same lock, so once `shut_down` has returned (or the Runner is
being destroyed) the job thread never touches the Runner again: the Runner may be deleted while a
thread still runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from photocheck.api import Cancelled

Say = Callable[[str], None]  # a progress message; it raises Cancelled once the job is asked to stop
Work = Callable[[Say], Any]

# Threads still running when their window closed: the app lets them reach a stopping point before it
# exits (finish_abandoned), so a fix's rename or prepare's clean-up is not cut off mid-way.
_abandoned: list[threading.Thread] = []




class JobProgress:
    """A job's latest (done, total), set on its thread and read on the GUI thread when the Runner's
    progress signal arrives (the signal carries only the message)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done, self.total = 0, 1

    def set(self, done: int, total: int) -> None:
        with self.lock:
            self.done, self.total = done, max(1, total)

    def get(self) -> tuple[int, int]:
        with self.lock:
            return self.done, self.total


class Link:
    """Whether the job threads may still emit on their Runner: plain Python, so it outlives it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.attached = True

    def detach(self, *_args: object) -> None:
        with self.lock:
            self.attached = False


class Runner(QObject):
    """One job at a time, for a panel that does one thing at a time. Create it with a parent on the GUI
    thread: the job thread refers to it, so it must never be the last owner of one."""

    _reported = Signal(int, bool, object)  # job number, succeeded, result or exception
    progress = Signal(str)  # the job's `say` messages, on the GUI thread

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._link = Link()
        self.destroyed.connect(self._link.detach)  # deleted without shut_down: detach all the same
        self._serial = 0
        self._current: tuple[int, Callable[[Any], None], Callable[[Exception], None]] | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._reported.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        """A job has started and its handler has not run yet."""
        return self._current is not None

    def start(self, work: Work, on_success: Callable[[Any], None], on_failure: Callable[[Exception], None]) -> None:
        """Run `work(say)` on a new thread; then `on_success(result)` or `on_failure(exc)` on the GUI thread,
        with `busy` already False."""
        if self.busy or not self._link.attached:
            raise RuntimeError("a job is running or the runner has shut down")
        self._serial += 1
        self._stop = threading.Event()
        self._current = (self._serial, on_success, on_failure)
        self._thread = threading.Thread(target=self._run, args=(self._serial, work, self._stop), daemon=True,
                                        name=f"photocheck-job-{self._serial}")
        self._thread.start()

    def shut_down(self, grace: float) -> bool:
        """For closing the window: ask the job to stop at its next `say`, wait at most `grace` seconds,
        then detach. A job still running after that is abandoned (its result is dropped; the app waits for
        it a little longer before exiting). True when no job was left running."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(max(0.0, grace))
        self._link.detach()
        self._current = None
        if thread is not None and thread.is_alive():
            _abandoned.append(thread)
            return False
        return True

    def cancel(self) -> None:
        """Drop the running job without waiting (the next candidate at a help desk): it stops at its
        next `say`, its result is never delivered, and the Runner takes a new job at once."""
        self._stop.set()
        thread, self._thread, self._current = self._thread, None, None
        if thread is not None and thread.is_alive():
            _abandoned.append(thread)

    # --- the job thread -------------------------------------------------------------------------

    def _run(self, serial: int, work: Work, stop: threading.Event) -> None:
        link = self._link

        def say(message: str) -> None:
            if stop.is_set():
                raise Cancelled()
            with link.lock:
                if link.attached:
                    self.progress.emit(message)

        try:
            result, ok = work(say), True
        except Exception as exc:  # any failure must reach the window as a message, never kill the thread
            result, ok = exc, False
        with link.lock:
            if link.attached:
                self._reported.emit(serial, ok, result)

    # --- the GUI thread -------------------------------------------------------------------------

    def _deliver(self, serial: int, ok: bool, result: Any) -> None:
        if self._current is None or self._current[0] != serial:
            return  # a job abandoned by shut_down
        _, on_success, on_failure = self._current
        self._current = None
        self._thread = None
        (on_success if ok else on_failure)(result)


def finish_abandoned(timeout: float) -> None:
    """Give jobs abandoned by a closed window up to `timeout` seconds in all to stop (the app calls this
    after its event loop has ended, with no window left); daemon threads still running then die with
    the process."""
    deadline = time.monotonic() + timeout
    while _abandoned:
        _abandoned.pop().join(max(0.0, deadline - time.monotonic()))
