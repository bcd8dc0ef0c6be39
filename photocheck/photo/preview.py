"""The window's preview: one photo read and analysed once, rendered again for every edit.

The analysis (faces, landmarks, person mask), the analysis-size decode and the full-resolution
decode are kept across edits. A moved frame, a brush stroke or the background switch re-renders
only the crop, matte, composite and JPEG encoding (`pipeline.render_upload`, the code saving
runs); a quarter turn re-analyses the decode already made. The rendered file stays in memory and
is checked there, as saving checks the file it read back from disk. Saving is still the full fix
with that disk re-check: a preview is what saving is expected to write, not a saved file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from photocheck.photo.framing import CropFrame
from photocheck.photo.pipeline import (
    PhotoGuides,
    Prepared,
    RenderEdits,
    check_encoded,
    guides_of,
    output_checks,
    prepare,
    render_upload,
    turned,
)
from photocheck.reports import PhotoReport
from photocheck.rules.profile import Profile


@dataclass(frozen=True)
class PhotoPreviewResult:
    """One rendering of the edits, held in memory. Until `checked`, `report` holds the input's
    checks; once checked, the checks of the rendered file's bytes. `report.output` is always None:
    nothing is written, and the file's size is what saving is expected to write."""

    report: PhotoReport
    picture: np.ndarray | None  # the encoded upload file decoded: what the saved file shows; None if refused
    width: int = 0
    height: int = 0
    file_bytes: int = 0
    quality: int | None = None
    checked: bool = False
    data: bytes = field(default=b"", repr=False)
    # The source's background colours (Lab), which the written file's check compares with.
    source_background: np.ndarray | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """Checked, and saving these edits is expected to pass every check."""
        return self.checked and self.picture is not None and self.report.ok


class PhotoPreview:
    """A photo kept for the window's edits. Not thread-safe: one job uses it at a time."""

    def __init__(self, prepared: Prepared, prof: Profile) -> None:
        self._p = prepared
        self._prof = prof
        path = prepared.source.info.path
        self.path = path
        self.guides: PhotoGuides = guides_of(PhotoReport(input=path, profile=prof, checks=prepared.checks),
                                             prepared.analysis, prof)

    @classmethod
    def open(cls, path: Path, prof: Profile, rotation: int | None = None) -> PhotoPreview:
        p = prepare(path, prof, rotation)
        if not (prof.can_fix and p.fixable):
            p.full.cancel()  # nothing will be rendered
        return cls(p, prof)

    @property
    def picture(self) -> np.ndarray:
        """The analysis-size picture, upright: what the window shows and draws the guides on."""
        return self._p.analysis.picture.rgb

    def turned(self, rotation: int | None) -> PhotoPreview:
        """The same photo analysed again in another orientation, from the decodes already made."""
        p = self._p
        again = turned(p.source, p.reduced, p.full, self._prof, rotation)
        if not (self._prof.can_fix and again.fixable):
            again.full.cancel()
        return PhotoPreview(again, self._prof)

    def render(self, *, frame: CropFrame | None = None, background: bool = True, keep: np.ndarray | None = None,
               remove: np.ndarray | None = None) -> PhotoPreviewResult:
        """The upload file these edits give, encoded in memory and not checked yet; a crop that
        cannot be made comes back checked, with the reason among its checks."""
        import cv2

        report = self.guides.report
        if not (self._prof.can_fix and self._p.fixable):
            return PhotoPreviewResult(report, None, checked=True)
        result = render_upload(self._p, self._prof, RenderEdits(frame, background, keep, remove))
        if isinstance(result, list):
            return PhotoPreviewResult(replace(report, checks=result), None, checked=True)
        up = result.upload
        picture = cv2.imdecode(np.frombuffer(up.data, np.uint8), cv2.IMREAD_COLOR_RGB)
        return PhotoPreviewResult(replace(report, notes=result.notes), picture, up.width, up.height, len(up.data),
                                  up.quality, data=up.data, source_background=result.source_background)

    def check(self, result: PhotoPreviewResult) -> PhotoPreviewResult:
        """`result` with the checks saving runs on the file it read back, run on the bytes in memory."""
        if result.checked:
            return result
        written = check_encoded(result.data, self.path, self._prof, result.source_background)
        report = replace(result.report, checks=output_checks(self._p.checks, written))
        return replace(result, report=report, checked=True)
