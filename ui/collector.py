"""Python's cyclic garbage collector, run on the GUI thread only.

CPython collects on whichever thread happens to allocate. When that is a worker thread (the
pipeline allocates a lot) and the garbage holds Qt objects that belong to the GUI thread, they
are deleted on the wrong thread and the process can crash. So automatic collection is switched
off and a timer on the GUI thread collects instead, by the same generation thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(INTERVAL_MS)

    def check(self) -> None:
        """Collect the oldest generation over its threshold (which includes the younger ones)."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Hand collection back to CPython (collecting what is pending here first)."""
        self._timer.stop()
        gc.collect()
        gc.enable()
