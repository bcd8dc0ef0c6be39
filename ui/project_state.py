"""The candidate being served: the photo, the materials and their manual edits, as one
photocheck.api.Project that the steps share, autosaved so a reopened window continues."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from photocheck.api import (
    PROJECT_VERSION,
    PhotoEdits,
    Profile,
    Project,
    ProjectItem,
    load_profile,
    load_project,
    save_project,
)


class CandidateProject(QObject):
    """Sources are stored relative to `base`, the folder they were added from (or absolute when
    added from elsewhere: api.ProjectItem.locate and Project.photo_path accept both)."""

    changed = Signal()

    def __init__(self, profile: Profile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.base = Path("/")  # sources are absolute until the window stores them relative to a folder
        self.project = Project(version=PROJECT_VERSION, name="", profile=profile.id)

    # --- the photo ---------------------------------------------------------------------------

    def photo(self) -> Path | None:
        return self.project.photo_path(self.base)

    def set_photo(self, path: Path | None) -> None:
        self.project = dataclasses.replace(self.project, photo=str(path.resolve()) if path else None,
                                           photo_edits=None)
        self.changed.emit()

    def edits(self) -> PhotoEdits:
        return self.project.photo_edits or PhotoEdits()

    def set_edits(self, edits: PhotoEdits) -> None:
        self.project = dataclasses.replace(self.project, photo_edits=edits)
        self.changed.emit()

    # --- the materials -----------------------------------------------------------------------

    def items(self) -> list[ProjectItem]:
        return list(self.project.items)

    def set_items(self, items: list[ProjectItem]) -> None:
        self.project = dataclasses.replace(self.project, items=list(items))
        self.changed.emit()

    def source_path(self, item: ProjectItem) -> Path:
        return item.locate(self.base)

    # --- the candidate -----------------------------------------------------------------------

    def set_name(self, name: str) -> None:
        self.project = dataclasses.replace(self.project, name=name)
        self.changed.emit()

    def set_profile(self, profile: Profile) -> None:
        self.profile = profile
        self.project = dataclasses.replace(self.project, profile=profile.id)
        self.changed.emit()

    def clear(self) -> None:
        """A new, empty candidate (help desks: the next walk-in)."""
        self.project = Project(version=PROJECT_VERSION, name="", profile=self.profile.id)
        self.changed.emit()

    def save(self, path: Path) -> None:
        save_project(self.project, path)

    def load(self, path: Path) -> None:
        project = load_project(path)
        self.profile = load_profile(project.profile)
        self.project = project
        self.changed.emit()
