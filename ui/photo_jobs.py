"""The photo step's jobs (plain functions for ui.workers.Runner: no Qt objects on the job thread).

analyse: the photo read and analysed once (api.preview_photo), kept for every edit after it.
render: the fixed result of the candidate's edits from that analysis, held in memory; check: the
checks of that result's bytes, a job of its own so the picture shows first. Nothing is written
before saving. save: the full fix into the files the candidate keeps, re-checked from disk, with
the high-resolution original.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from photocheck.api import (
    CropFrame,
    PhotoEdits,
    PhotoGuides,
    PhotoPreviewResult,
    PhotoReport,
    Profile,
    UserError,
    stroke_mask,
)
from ui.workers import Say, Work


@dataclass(frozen=True)
class Analysis:
    path: Path
    preview: Any  # api.PhotoPreview (or the tests' stand-in): the photo kept for the edits

    @property
    def guides(self) -> PhotoGuides:
        guides: PhotoGuides = self.preview.guides
        return guides

    @property
    def picture(self) -> np.ndarray:
        """Upright (after guides.rotation), at the analysis size."""
        picture: np.ndarray = self.preview.picture
        return picture


@dataclass(frozen=True)
class Rendered:
    result: PhotoPreviewResult
    edits: PhotoEdits  # what it was rendered with (the step drops results of superseded edits)

    @property
    def report(self) -> PhotoReport:
        return self.result.report


def analyse_job(backend: Any, path: Path, profile: Profile, rotation: int | None, again: Any = None) -> Work:
    """`again`: the photo's current preview, analysed anew in the orientation `rotation`."""
    def work(_say: Say) -> Analysis:
        preview = again.turned(rotation) if again is not None else backend.preview_photo(path, profile,
                                                                                          rotation=rotation)
        return Analysis(path, preview)

    return work


def fix_options(edits: PhotoEdits, size: tuple[int, int]) -> dict[str, Any]:
    return {"frame": CropFrame(*edits.frame) if edits.frame else None, "background": edits.background,
            "keep": stroke_mask(edits.keep, size), "remove": stroke_mask(edits.remove, size)}


def render_job(analysis: Analysis, edits: PhotoEdits) -> Work:
    def work(_say: Say) -> Rendered:
        return Rendered(analysis.preview.render(**fix_options(edits, analysis.guides.size)), edits)

    return work


def check_job(analysis: Analysis, rendered: Rendered) -> Work:
    def work(_say: Say) -> Rendered:
        return Rendered(analysis.preview.check(rendered.result), rendered.edits)

    return work


def save_job(backend: Any, path: Path, profile: Profile, edits: PhotoEdits, size: tuple[int, int], out: Path,
             original: Path | None) -> Work:
    def work(_say: Say) -> PhotoReport:
        # No stopping point inside: the files are written and renamed into place by one call.
        report: PhotoReport = backend.fix_photo(path, out, original=original, profile=profile, overwrite=True,
                                                rotation=edits.rotation, **fix_options(edits, size))
        return report

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
