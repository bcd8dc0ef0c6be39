"""The one door into the pipeline: the CLI and the GUI call these functions and use the types
re-exported here, and nothing else of `photocheck`. Dataclasses in and out; nothing prints.

Long jobs take `progress(done, total, message)` and a `CancelToken`; every failure the user can
act on is a `UserError` naming the user's file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from photocheck.batch import BatchSummary
from photocheck.batch import Row as BatchRow
from photocheck.concurrency import Cancelled, CancelToken, Progress
from photocheck.errors import ProfileError, ProjectError, UserError
from photocheck.export.project import PROJECT_VERSION, PhotoEdits, Project, ProjectItem
from photocheck.io.camera import Camera, CameraInfo
from photocheck.io.interrupt import Terminated, exit_code, install
from photocheck.photo.framing import CropFrame
from photocheck.photo.live import LiveGuide
from photocheck.photo.pipeline import PhotoGuides
from photocheck.photo.preview import PhotoPreview, PhotoPreviewResult
from photocheck.reports import (
    CategoryState,
    CategoryStatus,
    CheckResult,
    Export,
    ExportedFile,
    MaterialReport,
    OutputFile,
    PageSelection,
    PhotoReport,
    PictureKind,
    Skipped,
    Status,
    Suggestion,
)
from photocheck.rules.materials import Category as MaterialCategory
from photocheck.rules.materials import MaterialsSpec
from photocheck.rules.materials import Variant as MaterialVariant
from photocheck.rules.profile import Profile, list_profiles, load_profile, resolve_profile

__all__ = [
    "PROJECT_VERSION",
    "BatchRow",
    "BatchSummary",
    "Camera",
    "CameraInfo",
    "CancelToken",
    "Cancelled",
    "CategoryState",
    "CategoryStatus",
    "CheckResult",
    "CropFrame",
    "Export",
    "ExportedFile",
    "LiveGuide",
    "MaterialCategory",
    "MaterialReport",
    "MaterialVariant",
    "MaterialsSpec",
    "OutputFile",
    "PageSelection",
    "PhotoEdits",
    "PhotoGuides",
    "PhotoPreview",
    "PhotoPreviewResult",
    "PhotoReport",
    "PictureKind",
    "Profile",
    "ProfileError",
    "Progress",
    "Project",
    "ProjectError",
    "ProjectItem",
    "Skipped",
    "Status",
    "Suggestion",
    "Terminated",
    "UserError",
    "analyse_photo",
    "batch_output_occupied",
    "check_photo",
    "classify",
    "export_folder",
    "export_project",
    "file_digest",
    "fix_material",
    "fix_photo",
    "forget_candidate",
    "icon_path",
    "list_cameras",
    "list_profiles",
    "live_guide",
    "load_preview",
    "load_profile",
    "load_project",
    "material_inputs",
    "material_preview",
    "open_camera",
    "picture_kind",
    "prepare",
    "preview_photo",
    "rerun_batch_row",
    "run_batch",
    "sample_path",
    "save_project",
    "select_pages",
    "stop_exit_code",
    "stop_signals_unwind",
    "stroke_mask",
]

# The command line's handling of Ctrl-C and SIGTERM: both raise KeyboardInterrupt (Terminated for
# SIGTERM), so the cleanup of staged files runs; the exit code is 128 + the signal's number.
stop_signals_unwind = install
stop_exit_code = exit_code

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
    from photocheck.photo.pipeline import RenderEdits, fix

    return fix(Path(path), Path(out), resolve_profile(profile), original=Path(original) if original else None,
               rotation=rotation, edits=RenderEdits(frame, background, keep, remove), overwrite=overwrite)


def preview_photo(path: PathLike, profile: Profile | str | None = None, *,
                  rotation: int | None = None) -> PhotoPreview:
    """The photo read and analysed once for the window's edits: `.guides` as analyse_photo gives
    them, `.picture` the upright analysis-size picture they are drawn on, `.render(frame=,
    background=, keep=, remove=)` the upload file fix_photo would write (in memory, nothing
    written), `.check(result)` its checks run on those bytes, `.turned(rotation)` the photo
    analysed in another orientation. Saving stays fix_photo, which re-checks from disk."""
    return PhotoPreview.open(Path(path), resolve_profile(profile), rotation)


def stroke_mask(segments: list[list[float]], size: tuple[int, int]) -> np.ndarray | None:
    """Brush segments [x0, y0, x1, y1, radius] (upright source px) as the bool mask fix_photo's
    keep/remove take, `size` = (width, height); drawn as the export replays a project's strokes."""
    from photocheck.photo.strokes import rasterize

    return rasterize(segments, size)


def list_cameras() -> list[CameraInfo]:
    """The cameras that can be opened (probes the first few device numbers: takes a moment)."""
    from photocheck.io.camera import list_cameras as cameras

    return cameras()


def open_camera(index: int) -> Camera:
    """Open camera `index` for a preview: `read()` gives RGB frames, `release()` lets it go; a
    missing, busy or unplugged camera is a UserError (code camera.none / camera.busy / camera.lost)."""
    from photocheck.io.camera import open_camera as open_

    return open_(index)


def live_guide(frame: np.ndarray, profile: Profile | str | None = None) -> LiveGuide:
    """The framing guide for one camera frame (RGB): the photo's frame, target head oval, crown and
    eye bands, the face found and hints ("靠近一点", "抬头"...) from the profile's photo rules, at
    video rate (a reduced frame, no segmentation)."""
    from photocheck.photo.live import live_guide as guide

    return guide(frame, resolve_profile(profile))


def load_preview(path: PathLike, max_side: int, profile: Profile | str | None = None) -> np.ndarray:
    """The picture as the pipeline sees it (sniffed, EXIF-oriented, sRGB, alpha on white), its
    long side at most `max_side`: what the window shows."""
    from photocheck.io.decode import Source

    i = resolve_profile(profile).input
    return Source.open(Path(path), max_pixels=i.max_pixels, max_bytes=i.max_bytes,
                       max_aspect=i.max_aspect_ratio).decode(max_side).rgb


def material_inputs(path: PathLike, *, pages: str | list[int] | None = None,
                    profile: Profile | str | None = None) -> list[tuple[Path, int | None]]:
    """One item per image, one per chosen PDF page (0-based; `pages` as "1-3,5", 1-based, or
    0-based indices), at most the profile's page limit. Unreadable or encrypted PDF, a folder or
    a FIFO: UserError."""
    from photocheck.documents.fix import material_inputs as inputs

    return inputs(path, pages=pages, profile=profile)


def select_pages(path: PathLike, pages: str | list[int] | None = None,
                 profile: Profile | str | None = None) -> PageSelection:
    """material_inputs plus the page count and, when not every page was taken, a note saying
    which were (for the candidate)."""
    from photocheck.documents.fix import select_pages as select

    return select(path, pages, profile)


def material_preview(path: PathLike, max_side: int, *, page: int | None = None,
                     profile: Profile | str | None = None) -> tuple[np.ndarray, tuple[int, int]]:
    """A document as fix_material reads it (an image EXIF-upright, a PDF page rendered), its long
    side at most `max_side`, and the (width, height) of the full picture, the frame in which
    fix_material measures corners (before its quarter turn)."""
    import cv2

    from photocheck.documents.fix import load_input

    rgb = load_input(Path(path), page, resolve_profile(profile)).rgb
    h, w = rgb.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale < 1.0:
        rgb = cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(rgb), (w, h)


def file_digest(path: PathLike) -> str:
    """SHA-256 of a file's bytes: what a project item records, so a changed file is noticed."""
    from photocheck.export.project import file_digest as digest

    return digest(path)


def fix_material(
    path: PathLike,
    out: PathLike,
    *,
    page: int | None = None,
    category: str | None = None,
    rotation: int | None = None,
    corners: list[list[float]] | None = None,
    profile: Profile | str | None = None,
    name: str | None = None,
    slot: str | None = None,
) -> MaterialReport:
    """Turn one image or PDF page into an upright, flattened, legible upload file under the cap.

    `out` is a stem (a .jpg/.jpeg/.png suffix is dropped); the compressor picks .jpg or .png and
    the written path is report.output.path. The file is written atomically and only if no check
    fails; the input is never touched. Manual `rotation` (clockwise) and `corners` (in the image
    after that rotation; without one, in the image as loaded) win over detection; a user
    `category` (and `slot`, e.g. "front") wins over the suggestion. The key fields (ID number,
    certificate number, verification code, validity) are read from the written file itself;
    `name`, the candidate's, is looked for on the ID card, diplomas, degree certificates and 学信网
    reports (material.name).
    """
    from photocheck.documents.fix import Choices, process

    return process(path, out, Choices(page, category, slot, rotation, corners), profile=profile, name=name)[0]


def classify(path: PathLike, *, page: int | None = None, profile: Profile | str | None = None) -> Suggestion:
    """The category and slot a document's text suggests, without writing anything."""
    from photocheck.documents.fix import suggest

    return suggest(Path(path), page, resolve_profile(profile))


def picture_kind(path: PathLike, *, profile: Profile | str | None = None) -> PictureKind | None:
    """What an image among the materials is when it is not a flat document, told from its face and
    text as `prepare` tells it: a portrait (for the photo step) or a hand-held ID photo (its slot).
    None for a document, a PDF or a file that does not decode."""
    from photocheck.documents.portrait import picture_kind as kind

    prof = resolve_profile(profile)
    spec = prof.materials
    if spec is None:
        raise UserError(Path(path), f"考试规格 {prof.id} 没有材料要求", f"profile {prof.id} has no materials section")
    found = kind(Path(path), spec, max_pixels=prof.input.max_pixels)
    return None if found is None else PictureKind(found.portrait, found.placement(spec))


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


def export_project(
    project: Project,
    base: PathLike,
    out_dir: PathLike,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Export:
    """The window's export: the project's items with the candidate's categories, slots,
    rotations and corners, and the photo with its edits; sources are relative to `base`."""
    from photocheck.export.prepare import export_project as run

    return run(project, base, out_dir, overwrite=overwrite, progress=progress, cancel=cancel)


def run_batch(input_dir: PathLike, output_dir: PathLike, *, workers: int | None = None,
              profile: Profile | str | None = None, overwrite: bool = False, resume: bool = False,
              progress: Progress | None = None, cancel: CancelToken | None = None,
              on_row: Callable[[BatchRow], None] | None = None) -> BatchSummary:
    """Fix every photo of a folder on worker processes; `summary.csv` beside the outputs, its rows
    in `summary.rows`. An output folder with files in it (batch_output_occupied) needs `overwrite`
    (redo all) or `resume` (skip the photos whose output is current). `on_row(row)` and then
    `progress(done, total, file)` follow the photos as they finish; a stop signal or `cancel` ends
    it early (no new photo starts, the ones in work are dropped) with `summary.stopped` or
    `summary.cancelled` set."""
    from photocheck.batch import run_batch as run

    return run(Path(input_dir), Path(output_dir), workers=workers, profile=profile, overwrite=overwrite,
               resume=resume, progress=progress, cancel=cancel, on_row=on_row)


def rerun_batch_row(input_dir: PathLike, output_dir: PathLike, file: str, *,
                    profile: Profile | str | None = None) -> BatchRow:
    """Fix the photo `file` of an earlier run_batch again, on this process: only its own output
    in `output_dir` is replaced (removed if it fails now) and its summary.csv row updated."""
    from photocheck.batch import rerun

    return rerun(Path(input_dir), Path(output_dir), file, profile=profile)


def batch_output_occupied(output_dir: PathLike) -> bool:
    """run_batch into this folder needs `overwrite` or `resume` (it holds files already)."""
    from photocheck.batch import occupied

    return occupied(Path(output_dir))


def forget_candidate() -> None:
    """Drop what the pipeline keeps between calls that could name a candidate (the folders it has
    swept for leftovers), and hand the freed heap, the last candidate's pixels in it, back to the
    system (which keeps it otherwise: a help desk's RSS grew by half over 50 candidates)."""
    from photocheck.concurrency import release_memory
    from photocheck.io.write import forget_swept

    forget_swept()
    release_memory()


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
