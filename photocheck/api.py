"""The one door into the pipeline: the CLI and the GUI call these functions and use the types
re-exported here, and nothing else of `photocheck`. Dataclasses in and out; nothing prints.

Long jobs take `progress(done, total, message)` and a `CancelToken`; every failure the user can
act on is a `UserError` naming the user's file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from photocheck.batch import BatchSummary
from photocheck.concurrency import Cancelled, CancelToken, Progress
from photocheck.errors import ProfileError, ProjectError, UserError
from photocheck.export.project import Project, ProjectItem
from photocheck.photo.framing import CropFrame
from photocheck.photo.pipeline import PhotoGuides
from photocheck.reports import (
    CategoryState,
    CategoryStatus,
    CheckResult,
    Export,
    ExportedFile,
    MaterialReport,
    OutputFile,
    PhotoReport,
    Skipped,
    Status,
    Suggestion,
)
from photocheck.rules.profile import Profile, list_profiles, load_profile, resolve_profile

__all__ = [
    "BatchSummary", "CancelToken", "Cancelled", "CategoryState", "CategoryStatus", "CheckResult", "CropFrame",
    "Export", "ExportedFile", "MaterialReport", "OutputFile", "PhotoGuides", "PhotoReport", "Profile",
    "ProfileError", "Progress", "Project", "ProjectError", "ProjectItem", "Skipped", "Status", "Suggestion",
    "UserError", "analyse_photo", "check_photo", "classify", "export_folder", "fix_material", "fix_photo",
    "icon_path", "list_profiles", "load_preview", "load_profile", "load_project", "material_inputs", "prepare",
    "run_batch", "sample_path", "save_project",
]

PathLike = str | Path


def check_photo(path: PathLike, profile: Profile | str | None = None) -> PhotoReport:
    """Every photo check on one file as it is."""
    from photocheck.photo.pipeline import check

    return check(Path(path), resolve_profile(profile))


def analyse_photo(path: PathLike, profile: Profile | str | None = None, *,
                  rotation: int | None = None) -> PhotoGuides:
    """The checks plus the geometry to draw (face box, crown, eye and chin lines, the planned
    crop), in upright source pixels; `rotation` (clockwise degrees) overrides the detected one."""
    from photocheck.photo.pipeline import guides

    return guides(Path(path), resolve_profile(profile), rotation)


def fix_photo(
    path: PathLike,
    out: PathLike,
    *,
    original: PathLike | None = None,
    profile: Profile | str | None = None,
    frame: CropFrame | None = None,
    rotation: int | None = None,
    background: bool = True,
    keep: np.ndarray | None = None,
    remove: np.ndarray | None = None,
    overwrite: bool = False,
) -> PhotoReport:
    """Crop, level, whiten and compress; write `out` (and `original`) only if the file read back
    from disk passes every check. `frame` is a user-moved crop, `rotation` a user's quarter turn,
    `background=False` keeps the source background, `keep` / `remove` are brush strokes (bool
    masks in upright source px). An existing output is replaced only with `overwrite`."""
    from photocheck.photo.pipeline import fix

    return fix(Path(path), Path(out), resolve_profile(profile), original=Path(original) if original else None,
               frame=frame, rotation=rotation, background=background, keep=keep, remove=remove,
               overwrite=overwrite)


def load_preview(path: PathLike, max_side: int, profile: Profile | str | None = None) -> np.ndarray:
    """The picture as the pipeline sees it (sniffed, EXIF-oriented, sRGB, alpha on white), its
    long side at most `max_side`: what the window shows."""
    from photocheck.io.decode import Source

    prof = resolve_profile(profile)
    return Source.open(Path(path), max_pixels=prof.input.max_pixels).decode(max_side).rgb


def material_inputs(path: PathLike) -> list[tuple[Path, int | None]]:
    """One item per image, one per PDF page (0-based). Unreadable or encrypted PDF: UserError."""
    from photocheck.documents.fix import material_inputs as inputs

    return inputs(path)


def fix_material(
    path: PathLike,
    out: PathLike,
    *,
    page: int | None = None,
    category: str | None = None,
    rotation: int | None = None,
    corners: list[list[float]] | None = None,
    profile: Profile | str | None = None,
) -> MaterialReport:
    """Turn one image or PDF page into an upright, flattened, legible upload file under the cap.

    `out` is a stem (a .jpg/.jpeg/.png suffix is dropped); the compressor picks .jpg or .png and
    the written path is report.output.path. The file is written atomically and only if no check
    fails; the input is never touched. Manual `rotation` (clockwise) and `corners` (in the image
    after that rotation) win over detection; a user `category` wins over the suggestion.
    """
    from photocheck.documents.fix import process

    return process(path, out, page=page, category=category, rotation=rotation, corners=corners,
                   profile=profile)[0]


def classify(path: PathLike, *, page: int | None = None, profile: Profile | str | None = None) -> Suggestion:
    """The category and slot a document's text suggests, without writing anything."""
    from photocheck.documents.fix import suggest

    return suggest(Path(path), page, resolve_profile(profile))


def prepare(
    input_dir: PathLike,
    out_dir: PathLike,
    *,
    name: str | None = None,
    photo: PathLike | None = None,
    profile: Profile | str | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Export:
    """Fix every input of a candidate, build `<out_dir>/<candidate>/` (one folder per category,
    manifest, report, project file), validate it from disk and swap it into place."""
    from photocheck.export.prepare import prepare as run

    return run(input_dir, out_dir, name=name, photo=photo, profile=profile, overwrite=overwrite,
               progress=progress, cancel=cancel)


def run_batch(input_dir: PathLike, output_dir: PathLike, *, workers: int | None = None,
              profile: str | None = None, progress: bool = True) -> BatchSummary:
    """Fix every photo of a folder on worker processes; `summary.csv` beside the outputs."""
    from photocheck.batch import run_batch as run

    return run(Path(input_dir), Path(output_dir), workers=workers, profile=profile, progress=progress)


def sample_path(name: str) -> Path:
    """A file shipped in resources/samples/ (the self-test's inputs)."""
    from photocheck.io.resources import resource_path

    return resource_path("samples", name)


def icon_path() -> Path:
    """The application icon (resources/icons/photocheck.png, 512 px) for the window."""
    from photocheck.io.resources import resource_path

    return resource_path("icons", "photocheck.png")


def export_folder(out_dir: PathLike, name: str) -> Path:
    """Where `prepare` puts a candidate's export: the name made safe for every file system."""
    from photocheck.export.layout import safe_name

    return Path(out_dir) / safe_name(name)


def load_project(path: PathLike) -> Project:
    from photocheck.export.project import load_project as load

    return load(path)


def save_project(project: Project, path: PathLike) -> None:
    from photocheck.export.project import save_project as save

    save(project, path)
