"""What every step shows in the side bar, and how it tells the window that it changed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QWidget

from ui.workers import Runner


class StepState(StrEnum):
    NOT_STARTED = "not_started"  # 未开始
    NEEDS_WORK = "needs_work"  # 需处理
    READY = "ready"  # 已就绪


def state_text(state: StepState) -> str:
    # Spelled out (not through an alias) so that pyside6-lupdate finds the strings.
    return {StepState.NOT_STARTED: QCoreApplication.translate("Step", "未开始"),
            StepState.NEEDS_WORK: QCoreApplication.translate("Step", "需处理"),
            StepState.READY: QCoreApplication.translate("Step", "已就绪")}[state]


@dataclass(frozen=True)
class StepStatus:
    state: StepState
    summary: str  # a short count for the side bar, e.g. "3/5 类已就绪"


class Step(QWidget):
    """A step of the window. It reads and writes the shared CandidateProject and emits
    statusChanged whenever status() would answer differently; the window never reaches inside."""

    statusChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = Runner(self)  # the step's jobs, off the GUI thread

    @property
    def busy(self) -> bool:
        """One of the step's jobs is running."""
        return self._runner.busy

    def title(self) -> str:
        raise NotImplementedError

    def status(self) -> StepStatus:
        raise NotImplementedError

    def shut_down(self, grace: float) -> bool:
        """Stop running jobs for closing: True when nothing is left running after `grace` seconds."""
        return True

    def forget(self) -> None:
        """Drop everything of the current candidate at once, running jobs included (help desks: the
        next candidate); the window has cleared the shared project just before."""
