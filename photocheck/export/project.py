"""The candidate's project file (versioned JSON): inputs, categories, slots, manual rotations and
corners, so that the GUI can reopen where the candidate stopped; and file digests for duplicates."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photocheck.errors import ProjectError
from photocheck.io.write import write_atomic
from photocheck.rules.materials import ROTATIONS

PROJECT_VERSION = 1


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the file's bytes, read in chunks: the same file added twice has one digest."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class ProjectItem:
    source: str  # the added file, relative to the material folder ("/"-separated), or a file name
    sha256: str
    page: int | None = None  # 0-based page of a PDF source
    category: str | None = None
    slot: str | None = None
    rotation: int = 0  # manual clockwise rotation
    corners: list[list[float]] | None = None  # manual quad, 4 x (x, y), source px

    def __post_init__(self) -> None:
        if self.rotation not in ROTATIONS:
            raise ValueError(f"rotation must be one of {ROTATIONS}, got {self.rotation}")
        if self.corners is not None and (
            len(self.corners) != 4 or any(len(p) != 2 for p in self.corners)
        ):
            raise ValueError(f"corners must be 4 (x, y) points, got {self.corners}")

    def locate(self, input_dir: str | os.PathLike[str]) -> Path:
        """The file in `input_dir`, the material folder the project was made from (a source that
        an older version stored as an absolute path stays absolute)."""
        return Path(input_dir) / self.source


Segment = list[float]  # one brush stroke piece: x0, y0, x1, y1, radius (upright source px)


@dataclass
class PhotoEdits:
    """The candidate's manual changes to the photo step, replayed on export."""

    rotation: int | None = None  # clockwise degrees; None: as detected
    frame: list[float] | None = None  # centre_x, centre_y, height, angle of a user-moved crop
    background: bool = True  # False: keep the source's background
    keep: list[Segment] = field(default_factory=list)
    remove: list[Segment] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.rotation is not None and self.rotation not in ROTATIONS:
            raise ValueError(f"rotation must be one of {ROTATIONS}, got {self.rotation}")
        if self.frame is not None and (len(self.frame) != 4 or not self.frame[2] > 0):
            raise ValueError(f"frame must be [centre_x, centre_y, height > 0, angle], got {self.frame}")
        if any(len(seg) != 5 for seg in [*self.keep, *self.remove]):
            raise ValueError("a stroke segment is [x0, y0, x1, y1, radius]")


@dataclass
class Project:
    version: int
    name: str
    profile: str
    photo: str | None = None
    items: list[ProjectItem] = field(default_factory=list)
    photo_edits: PhotoEdits | None = None

    def photo_path(self, input_dir: str | os.PathLike[str]) -> Path | None:
        """The registration photo in `input_dir` (only its name is kept when it was elsewhere)."""
        return Path(input_dir) / self.photo if self.photo else None


def save_project(project: Project, path: str | os.PathLike[str]) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact."""
    text = json.dumps(dataclasses.asdict(project), ensure_ascii=False, indent=2)
    write_atomic(Path(path), text.encode("utf-8"))


def _project_error(path: Path, zh: str, en: str) -> ProjectError:
    return ProjectError(path, f"项目文件{zh}", f"project file: {en}")


def _item(raw: Any, index: int, path: Path) -> ProjectItem:
    names = {f.name for f in dataclasses.fields(ProjectItem)}
    if not isinstance(raw, dict) or not {"source", "sha256"} <= raw.keys() <= names:
        raise _project_error(path, f"第 {index + 1} 项格式不正确", f"item {index} is malformed")
    try:
        return ProjectItem(**raw)
    except (TypeError, ValueError) as err:
        raise _project_error(path, f"第 {index + 1} 项无效：{err}", f"item {index}: {err}") from err


def load_project(path: str | os.PathLike[str]) -> Project:
    p = Path(path)
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _project_error(p, f"不是有效的 JSON：{err}", f"not valid JSON: {err}") from err
    if not isinstance(raw, dict):
        raise _project_error(p, "格式不正确", "the top level must be an object")
    version = raw.get("version")
    if version != PROJECT_VERSION:
        raise _project_error(
            p,
            f"版本为 {version}，本程序只能读取版本 {PROJECT_VERSION}",
            f"version {version} is not supported (expected {PROJECT_VERSION})",
        )
    if not isinstance(raw.get("name"), str) or not isinstance(raw.get("profile"), str):
        raise _project_error(p, "缺少 name 或 profile", "name and profile must be strings")
    items = raw.get("items", [])
    if not isinstance(items, list):
        raise _project_error(p, "items 必须是列表", "items must be a list")
    return Project(
        version=version,
        name=raw["name"],
        profile=raw["profile"],
        photo=raw.get("photo"),
        items=[_item(it, i, p) for i, it in enumerate(items)],
        photo_edits=_edits(raw.get("photo_edits"), p),
    )


def _edits(raw: Any, path: Path) -> PhotoEdits | None:
    if raw is None:
        return None
    names = {f.name for f in dataclasses.fields(PhotoEdits)}
    if not isinstance(raw, dict) or not raw.keys() <= names:
        raise _project_error(path, "照片的手动调整格式不正确", "photo_edits is malformed")
    try:
        return PhotoEdits(**raw)
    except (TypeError, ValueError) as err:
        raise _project_error(path, f"照片的手动调整无效：{err}", f"photo_edits: {err}") from err


def duplicates(items: list[ProjectItem]) -> list[tuple[int, int]]:
    """(first index, later index) for every item whose bytes and page repeat an earlier item's."""
    first: dict[tuple[str, int | None], int] = {}
    pairs: list[tuple[int, int]] = []
    for i, item in enumerate(items):
        key = (item.sha256, item.page)
        if key in first:
            pairs.append((first[key], i))
        else:
            first[key] = i
    return pairs
