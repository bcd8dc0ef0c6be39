"""The materials and export steps as they exist today, behind the Step contract: the folder-based
materials panel (ui.materials_panel, which also exports) and a page that points to it. The
card-based materials step and the export step replace these two classes."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from photocheck.api import CategoryState, Profile
from ui import backend as real_backend
from ui.i18n import tr
from ui.materials_panel import MaterialsPanel
from ui.steps.base import Step, StepState, StepStatus


class MaterialsPanelStep(Step):
    """The materials panel as the 材料 step: its run's categories are the step's state."""

    def __init__(self, profiles: list[Profile], default_dir: Path, parent: QWidget | None = None, *,
                 backend: ModuleType | Any = real_backend) -> None:
        super().__init__(parent)
        self.panel = MaterialsPanel(profiles, default_dir, backend=backend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)
        self.panel.idle.connect(self.statusChanged.emit)
        self.panel.input_edit.textChanged.connect(lambda _text: self.statusChanged.emit())

    def title(self) -> str:
        return tr("材料")

    @property
    def busy(self) -> bool:
        return self.panel.busy

    def status(self) -> StepStatus:
        export = self.panel.export
        if export is None:
            if self.panel.busy:
                return StepStatus(StepState.NEEDS_WORK, tr("整理中…"))
            chosen = bool(self.panel.input_edit.text())
            return StepStatus(StepState.NEEDS_WORK if chosen else StepState.NOT_STARTED,
                              tr("已选文件夹") if chosen else tr("未添加材料"))
        counted = [c for c in export.categories if c.state is not CategoryState.NOT_PROVIDED]
        ready = sum(c.state is CategoryState.READY for c in counted)
        summary = tr("{ready}/{n} 类已就绪").format(ready=ready, n=len(counted))
        return StepStatus(StepState.READY if export.ok else StepState.NEEDS_WORK, summary)

    def shut_down(self, grace: float) -> bool:
        return self.panel.shut_down(grace)


class ExportPointerStep(Step):
    """Until the export step lands: the export is written from the 材料 step's 开始整理."""

    def __init__(self, materials: MaterialsPanelStep, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._materials = materials
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addStretch(1)
        materials.statusChanged.connect(self._refresh)
        self._refresh()

    def title(self) -> str:
        return tr("导出")

    def _refresh(self) -> None:
        export = self._materials.panel.export
        if export is None:
            self.label.setText(tr("导出在“材料”步骤中进行：选好材料文件夹和导出位置后点“开始整理”。"))
        else:
            self.label.setText(tr("已导出到 {path}").format(path=export.root))
        self.statusChanged.emit()

    def status(self) -> StepStatus:
        export = self._materials.panel.export
        if export is None:
            return StepStatus(StepState.NOT_STARTED, tr("尚未导出"))
        return StepStatus(StepState.READY if export.ok else StepState.NEEDS_WORK,
                          tr("已导出") if export.ok else tr("已导出，尚有缺项"))
