"""The photo step's jobs (plain functions for ui.workers.Runner: no Qt objects on the job thread).

analyse: the checks and the geometry to draw, plus the upright picture to draw it on.
render: the fixed result with the candidate's edits, written into a temporary folder and read
back, so the result shows before anything is saved. save: the same fix into the files the
candidate keeps, with the high-resolution original.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from photocheck.api import CropFrame, PhotoEdits, PhotoGuides, PhotoReport, Profile, UserError, stroke_mask
from ui.workers import Say, Work

PREVIEW_SIDE = 1100  # px: sharp on a 2x screen at the size the step shows it, quick to decode
RESULT_SIDE = 1200  # the upload file is small: read it whole


@dataclass(frozen=True)
class Analysis:
    path: Path
    guides: PhotoGuides
    picture: np.ndarray | None  # upright (after guides.rotation), at most PREVIEW_SIDE on its long side


@dataclass(frozen=True)
class Rendered:
    report: PhotoReport
    picture: np.ndarray | None  # the output as written and read back; None when nothing was written
    edits: PhotoEdits  # what it was rendered with (the step drops results of superseded edits)


def upright(rgb: np.ndarray, rotation: int) -> np.ndarray:
    """Turn the decoded picture clockwise by `rotation` degrees, as the pipeline does before measuring."""
    return np.ascontiguousarray(np.rot90(rgb, k=-(rotation // 90) % 4))


def analyse_job(backend: Any, path: Path, profile: Profile, rotation: int | None) -> Work:
    def work(say: Say) -> Analysis:
        # The two overlap on the two cores a laptop has: the decode for the screen is not on the
        # critical path of the checks.
        with ThreadPoolExecutor(1) as pool:
            picture = pool.submit(_preview, backend, path, PREVIEW_SIDE)
            guides = backend.analyse_photo(path, profile, rotation=rotation)
            say("")
            rgb = picture.result()
        return Analysis(path, guides, upright(rgb, guides.rotation) if rgb is not None else None)

    return work


def fix_options(edits: PhotoEdits, size: tuple[int, int]) -> dict[str, Any]:
    return {"frame": CropFrame(*edits.frame) if edits.frame else None, "rotation": edits.rotation,
            "background": edits.background, "keep": stroke_mask(edits.keep, size),
            "remove": stroke_mask(edits.remove, size)}


def render_job(backend: Any, path: Path, profile: Profile, edits: PhotoEdits, size: tuple[int, int],
               out: Path) -> Work:
    def work(say: Say) -> Rendered:
        report = backend.fix_photo(path, out, profile=profile, overwrite=True, **fix_options(edits, size))
        say("")
        picture = _preview(backend, report.output.path, RESULT_SIDE) if report.output else None
        return Rendered(report, picture, edits)

    return work


def save_job(backend: Any, path: Path, profile: Profile, edits: PhotoEdits, size: tuple[int, int], out: Path,
             original: Path | None) -> Work:
    def work(_say: Say) -> PhotoReport:
        # No stopping point inside: the files are written and renamed into place by one call.
        return backend.fix_photo(path, out, original=original, profile=profile, overwrite=True,
                                 **fix_options(edits, size))

    return work


def store_job(rgb: np.ndarray, path: Path) -> Work:
    """A pasted picture as a PNG file (the project refers to its photo by path)."""
    def work(_say: Say) -> Path:
        from PIL import Image

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(rgb).save(path, "PNG", compress_level=1)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise UserError(path, f"无法保存粘贴的照片：{reason}",
                            f"cannot store the pasted picture: {reason}") from exc
        return path

    return work


def warm_up_job(backend: Any, sample: Path, profile: Profile) -> Work:
    """Load the models (face detector, landmarks, segmentation) on a shipped sample, writing nothing."""
    def work(_say: Say) -> None:
        backend.analyse_photo(sample, profile)

    return work


def _preview(backend: Any, path: Path, side: int) -> np.ndarray | None:
    try:
        return backend.load_preview(path, side)
    except UserError:
        return None
