"""The widget shapes the steps share: a box layout filled in one call, a step page's column with its
heading and help text, a read-only path field, a coloured state line, and the run row of a long
job (start, cancel, a progress bar shown only while it runs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QLayout, QLineEdit, QProgressBar, QPushButton, QWidget

from ui.widgets.colours import GREY

B = TypeVar("B", bound=QBoxLayout)


@dataclass(frozen=True)
class Stretch:
    factor: int = 1


@dataclass(frozen=True)
class Space:
    pixels: int


Item = QWidget | QLayout | tuple[QWidget | QLayout, int] | Stretch | Space


def fill(layout: B, *items: Item) -> B:
    """`layout` with `items` added in order: a widget or layout, (either, its stretch), Stretch(n)
    or Space(px)."""
    for item in items:
        if isinstance(item, Stretch):
            layout.addStretch(item.factor)
        elif isinstance(item, Space):
            layout.addSpacing(item.pixels)
        else:
            part, stretch = item if isinstance(item, tuple) else (item, 0)
            if isinstance(part, QLayout):
                layout.addLayout(part, stretch)
            else:
                layout.addWidget(part, stretch)
    return layout


def step_page(widget: QWidget, layout: B, *items: Item) -> B:
    """A step's page: `layout` on `widget` with the margins and spacing of every step, then `items`."""
    widget.setLayout(layout)
    layout.setContentsMargins(14, 12, 14, 12)
    layout.setSpacing(8)
    return fill(layout, *items)


def heading(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 16px; font-weight: bold;")
    return label


def help_text(text: str = "") -> QLabel:
    """The grey explanation under a step's heading."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {GREY};")
    return label


def path_field(text: str = "") -> QLineEdit:
    """A chosen folder, shown but not typed: the button beside it chooses."""
    edit = QLineEdit(text)
    edit.setReadOnly(True)
    edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    return edit


class StateLabel(QLabel):
    """A wrapped line saying how a job went, in the colour of the outcome."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)

    def say(self, text: str, colour: str) -> None:
        self.setText(text)
        self.setStyleSheet(f"color: {colour};")


class RunRow(QHBoxLayout):
    """A long job's controls: the bold start button, cancel, and a progress bar that takes the
    row's width only while the job runs."""

    def __init__(self, start_text: str = "", cancel_text: str = "", progress_format: str = "%p%") -> None:
        super().__init__()
        self.start = QPushButton(start_text)
        self.start.setStyleSheet("QPushButton { font-weight: bold; padding: 6px 18px; }")
        self.cancel = QPushButton(cancel_text)
        self.progress = QProgressBar()
        self.progress.setFormat(progress_format)
        self.idle_space = QWidget()  # keeps the button its own width while no bar is shown
        fill(self, self.start, self.cancel, (self.progress, 1), (self.idle_space, 1))

    def show_running(self, busy: bool, cancellable: bool, cancelling: bool) -> None:
        self.cancel.setVisible(cancellable)
        self.cancel.setEnabled(cancellable and not cancelling)
        self.progress.setVisible(busy)
        self.idle_space.setVisible(not busy)

    def begin(self) -> None:
        """A job with steps to count has started: none done yet."""
        self.progress.setRange(0, 1)
        self.progress.setValue(0)

    def advance(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
