"""Jobs that call `photocheck.api` on a QThreadPool thread so the window keeps painting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage

from photocheck.api import PhotoReport, Profile, check_photo, fix_photo
from ui.widgets.image_preview import decode_preview


@dataclass(frozen=True)
class CheckOutcome:
    report: PhotoReport
    preview: QImage | None  # the input as the user sees it (EXIF-upright), None if Pillow cannot show it


@dataclass(frozen=True)
class FixOutcome:
    report: PhotoReport
    preview: QImage | None  # the written upload file; None when nothing was written


class JobSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)  # the exception, so the window can tell UserError from a bug


class Job(QRunnable):
    """Runs `fn` once off the GUI thread and reports through `signals` (queued to the GUI thread)."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._fn = fn
        self.signals = JobSignals()

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # any failure must reach the window as a message, never kill the thread
            self.signals.failed.emit(exc)
            return
        self.signals.succeeded.emit(result)


class Runner(QObject):
    """One job at a time on a private one-thread pool, for a window that does one thing at a time.
    The job is held until it reports: its signals object must outlive the thread."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._job: Job | None = None

    @property
    def busy(self) -> bool:
        return self._job is not None

    def start(self, job: Job, on_success: Callable[[Any], None], on_failure: Callable[[Exception], None]) -> None:
        self._job = job
        job.signals.succeeded.connect(on_success)  # queued: the handlers run on the GUI thread
        job.signals.failed.connect(on_failure)
        self._pool.start(job)

    def release(self) -> None:
        """The job has reported (its handler is running): the next one may start."""
        self._job = None

    def wait(self) -> None:
        """Block until a running job has finished (its atomic writes included)."""
        self._pool.waitForDone()


def check_job(path: Path, profile: Profile, preview_side: int) -> Job:
    def work() -> CheckOutcome:
        report = check_photo(path, profile)  # first: it raises a readable UserError for bad files
        return CheckOutcome(report, decode_preview(path, preview_side))

    return Job(work)


def fix_job(path: Path, out: Path, original: Path | None, profile: Profile, preview_side: int) -> Job:
    def work() -> FixOutcome:
        report = fix_photo(path, out, original=original, profile=profile)
        preview = decode_preview(report.output.path, preview_side) if report.output else None
        return FixOutcome(report, preview)

    return Job(work)
