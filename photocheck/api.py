"""The few entry points the CLI and the GUI share. They return dataclasses and never print."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photocheck.checks.result import CheckResult, Status
from photocheck.concurrency import helper
from photocheck.materials import Suggestion
from photocheck.profiles import Profile, load_profile


class InputError(Exception):
    """Input that cannot be used at all (exit code 2): names the file and the problem."""

    def __init__(self, path: Path | str, message: str, message_en: str = "") -> None:
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.message = message
        self.message_en = message_en


@dataclass(frozen=True)
class OutputFile:
    path: Path
    bytes: int
    width: int
    height: int
    quality: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path), "bytes": self.bytes, "width": self.width,
            "height": self.height, "quality": self.quality,
        }


class _Verdict:
    """`ok` and `failures` of a report that holds a list of check results."""

    checks: list[CheckResult]

    @property
    def ok(self) -> bool:
        return not any(c.status is Status.FAIL for c in self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status is Status.FAIL]


@dataclass(frozen=True)
class PhotoReport(_Verdict):
    input: Path
    profile: Profile
    checks: list[CheckResult]
    output: OutputFile | None = None
    original: OutputFile | None = None
    notes: list[str] = field(default_factory=list)  # what the fixer did, in Chinese

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "input": str(self.input),
            "profile": self.profile.id,
            "ok": self.ok,
            "checks": [c.to_dict() for c in self.checks],
            "output": self.output.to_dict() if self.output else None,
        }
        if self.original:
            d["original"] = self.original.to_dict()
        if self.notes:
            d["notes"] = self.notes
        return d


def _profile(profile: Profile | str | None) -> Profile:
    return profile if isinstance(profile, Profile) else load_profile(profile)


def _open(path: Path, profile: Profile):
    from photocheck.allocator import keep_large_buffers
    from photocheck.loading import LoadError, Source

    keep_large_buffers()  # before the first full-size buffer (PDF pages stay under glibc's ceiling)

    try:
        return Source.open(path, max_pixels=int(profile.input.max_megapixels * 1_000_000))
    except LoadError as exc:
        raise InputError(path, exc.message, exc.message_en) from exc


def _decode(source, max_side: int | None):
    from photocheck.loading import LoadError

    try:
        return source.decode(max_side)
    except LoadError as exc:
        raise InputError(source.info.path, exc.message, exc.message_en) from exc


def check_photo(path: str | Path, profile: Profile | str | None = None) -> PhotoReport:
    """Every photo check on one file as it is."""
    from photocheck.analysis import analyse
    from photocheck.checks.photo import run_checks

    prof = _profile(profile)
    path = Path(path)
    source = _open(path, prof)
    picture = _decode(source, prof.input.analysis_side)
    analysis = analyse(picture, prof)
    return PhotoReport(input=path, profile=prof, checks=run_checks(source.info, analysis, prof))


def fix_photo(
    path: str | Path,
    out: str | Path,
    *,
    original: str | Path | None = None,
    profile: Profile | str | None = None,
) -> PhotoReport:
    """Crop, level, whiten and compress a photo; the output is written only if it passes.

    The full-resolution decode runs on a helper thread while the reduced copy is analysed, so the
    two overlap on separate cores (the decoders release the GIL while they work).
    """
    from photocheck.analysis import analyse
    from photocheck.checks.photo import run_checks
    from photocheck.fixing import FixError, finish, matte_in_frame
    from photocheck.framing import plan, render

    prof = _profile(profile)
    path, out = Path(path), Path(out)
    if not prof.can_fix:
        raise InputError(path, prof.fix_refusal, prof.fix_refusal_en)
    if out.suffix.lower() not in (".jpg", ".jpeg"):
        raise InputError(out, "输出文件名须以 .jpg 结尾", "the output name must end in .jpg")
    for target in (out, Path(original) if original else None):
        if target is not None and not target.parent.is_dir():
            raise InputError(target, "输出文件夹不存在", "the output folder does not exist")
        if target is not None and target.resolve() == path.resolve():
            raise InputError(target, "不能覆盖原始照片，请换一个输出文件名", "refusing to overwrite the input")

    source = _open(path, prof)
    pool = helper("decode")
    full = pool.submit(_decode, source, None)
    picture = _decode(source, prof.input.analysis_side)
    analysis = analyse(picture, prof)
    checks = run_checks(source.info, analysis, prof)
    blocking = [c for c in checks if c.failed and not c.fixable]
    if blocking:
        full.cancel()
        return PhotoReport(input=path, profile=prof, checks=checks)
    framing, turns = plan(analysis, prof), analysis.quarter_turns
    # Queued behind the decode on the helper thread: the resample overlaps the matte made here.
    framed = pool.submit(lambda: render(full.result().rgb, framing, turns))
    prepared = matte_in_frame(analysis, framing)
    try:
        result = finish(full.result(), framed.result(), analysis, prof, prepared)
    except FixError as exc:
        return PhotoReport(input=path, profile=prof, checks=[*checks, exc.result])

    from photocheck.encoding import write_staged

    written = write_staged(out, result.upload.data)
    report = check_photo(written, prof)
    resolution = next(c for c in checks if c.id == "image.resolution")
    final = [resolution if c.id == "image.resolution" else c for c in report.checks]
    if any(c.failed for c in final):
        os.unlink(written)
        return PhotoReport(input=path, profile=prof, checks=final, notes=result.notes)
    os.replace(written, out)
    upload = OutputFile(out, len(result.upload.data), *prof.output.exact_size, result.upload.quality)
    hires = None
    if original is not None:
        from photocheck.encoding import write_atomic

        data, (w, h) = result.render_original()
        write_atomic(original, data)
        hires = OutputFile(Path(original), len(data), w, h, prof.output.original_quality)
        if (w, h) == (upload.width, upload.height):
            result.notes.append("原图像素不足，高分辨率原图只能与上传照片同尺寸；有条件时请用更清晰的原图")
    return PhotoReport(input=path, profile=prof, checks=final, output=upload, original=hires, notes=result.notes)


# --- supporting materials ----------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialReport(_Verdict):
    input: Path
    page: int | None  # 0-based PDF page, None for images
    category: str | None  # the category id used (the user's choice wins over the suggestion)
    slot: str | None
    suggestion: Suggestion | None  # from the OCR text
    checks: list[CheckResult]  # material.format, .bytes, .orientation, .blur, .glare, .resolution, .legibility
    output: OutputFile | None  # the written file (quality None for PNG); None when it did not pass
    corners: list[list[float]] | None  # document corners in the upright source image px (for the GUI)
    rotation: int  # clockwise quarter-turn degrees applied (0/90/180/270)
    legibility: float | None  # OCR agreement of the written file with the rectified full-res image
    text: str  # OCR text of the rectified document (for classification and reports)
    notes: list[str]  # what was done, in Chinese
    document_found: bool = True  # False: no document outline, the corners are the whole frame

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return {
            "input": str(self.input), "page": self.page, "ok": self.ok, "category": self.category,
            "slot": self.slot, "suggestion": asdict(self.suggestion) if self.suggestion else None,
            "checks": [c.to_dict() for c in self.checks],
            "output": self.output.to_dict() if self.output else None,
            "corners": self.corners, "document_found": self.document_found, "rotation": self.rotation,
            "legibility": self.legibility, "text": self.text, "notes": self.notes,
        }


def material_inputs(path: str | Path) -> list[tuple[Path, int | None]]:
    """One item per image, one per PDF page (0-based). Unreadable or encrypted PDF: InputError."""
    from photocheck.material_fix import material_inputs as inputs

    return inputs(path)


def fix_material(
    path: str | Path,
    out: str | Path,
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
    from photocheck.material_fix import process

    return process(path, out, page=page, category=category, rotation=rotation, corners=corners,
                   profile=profile)[0]


import numpy  # noqa: E402  (beside the one function that needs it)


def load_preview(path: str | Path, max_side: int) -> numpy.ndarray:
    """The photo as the checks see it (upright by EXIF, sRGB, alpha on white), its long side at most
    `max_side` px: an HxWx3 uint8 numpy array for a GUI preview. Unusable file: InputError."""
    return _decode(_open(Path(path), _profile(None)), max_side).rgb
