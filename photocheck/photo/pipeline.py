"""The photo pipeline end to end: load -> analyse -> check -> fix -> encode -> write -> re-check.

`fix` never trusts itself: the upload file is staged beside the destination, read back from disk,
checked like any photo and renamed into place only if every check passes.
"""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photocheck.concurrency import helper, release_between_stages
from photocheck.errors import UserError
from photocheck.io.decode import Picture, Source, check_file
from photocheck.io.interrupt import deferred
from photocheck.io.write import sync_staged, write_atomic, write_staged
from photocheck.photo.analysis import PhotoAnalysis, locate, measure
from photocheck.photo.checks import run_checks, search_remnants
from photocheck.photo.framing import BELOW_TOLERANCE, CropFrame, Framing, below_source, from_crop, plan, render, to_crop
from photocheck.reports import CheckResult, OutputFile, PhotoReport, Status
from photocheck.rules.profile import Profile

if TYPE_CHECKING:
    from photocheck.photo.fix import FixResult

ROTATIONS = (0, 90, 180, 270)


@dataclass(frozen=True)
class PhotoGuides:
    """What the window draws over the photo, in upright source pixels (after `rotation`)."""

    report: PhotoReport
    rotation: int  # clockwise degrees that make the photo upright
    size: tuple[int, int]  # upright source width, height
    face_box: tuple[float, float, float, float] | None  # x0, y0, x1, y1 of the face oval
    crown_y: float | None
    eye_y: float | None
    chin_y: float | None
    frame: CropFrame | None  # the crop the fixer plans; None when it cannot fix


def _open(path: Path, prof: Profile) -> Source:
    """The photo, read only after the profile's limits on file size, pixels and shape hold."""
    i = prof.input
    return Source.open(path, max_pixels=i.max_pixels, max_bytes=i.max_bytes, max_aspect=i.max_aspect_ratio)


def _located(picture: Picture, prof: Profile, rotation: int | None) -> PhotoAnalysis:
    if rotation is not None and rotation not in ROTATIONS:
        raise UserError(picture.info.path, f"旋转角度须为 {ROTATIONS} 之一", f"rotation must be one of {ROTATIONS}")
    return locate(picture, prof, turns=None if rotation is None else rotation // 90)


def _analysed(picture: Picture, prof: Profile, rotation: int | None) -> PhotoAnalysis:
    return measure(_located(picture, prof, rotation), prof)


def _report(source: Source, prof: Profile, *, upload: bool = False,
            source_background: np.ndarray | None = None) -> PhotoReport:
    located = _located(source.decode(prof.input.analysis_side), prof, None)
    # An upload file is on white, so background.clean's search is all but sure to be wanted: it
    # starts on a helper while the file is measured.
    remnants = search_remnants(located, prof, source_background) if upload else None
    analysis = measure(located, prof)
    checks = run_checks(source.info, analysis, prof, remnants, source_background)
    return PhotoReport(input=source.info.path, profile=prof, checks=checks)


def check(path: Path, prof: Profile, *, upload: bool = False,
          source_background: np.ndarray | None = None) -> PhotoReport:
    """Every photo check on one file as it is; `upload`: a file the fixer wrote, and
    `source_background` (Nx3 Lab) the background of the source it was fixed from, for background.clean."""
    return _report(_open(path, prof), prof, upload=upload, source_background=source_background)


def check_encoded(data: bytes, path: Path, prof: Profile, source_background: np.ndarray | None = None) -> PhotoReport:
    """Every photo check on an upload file's bytes held in memory, as `check` runs them on a file
    written; `path` names them in messages (the window's preview, before anything is written)."""
    i = prof.input
    return _report(Source.from_bytes(data, path, max_pixels=i.max_pixels, max_aspect=i.max_aspect_ratio), prof,
                   upload=True, source_background=source_background)


@dataclass(frozen=True)
class Prepared:
    """A photo read, analysed and checked once: what any crop of it is rendered from."""

    source: Source
    reduced: Picture  # the analysis-size decode, before any quarter turn
    analysis: PhotoAnalysis
    checks: list[CheckResult]
    full: Future[Picture]  # the full-resolution decode, running on a helper thread

    @property
    def fixable(self) -> bool:
        return _fixable(self.checks)


def _fixable(checks: list[CheckResult]) -> bool:
    return not any(c.failed and not c.fixable for c in checks)


def prepare(path: Path, prof: Profile, rotation: int | None = None) -> Prepared:
    """Read and analyse the photo; the full-resolution decode runs on a helper thread meanwhile,
    so the two overlap on separate cores. It starts once the reduced decode has read the file for
    its damage (a decode started before would have to wait for it)."""
    source = _open(path, prof)
    reduced = source.decode(prof.input.analysis_side)
    full = helper("decode").submit(source.decode, None)
    return turned(source, reduced, full, prof, rotation)


def turned(source: Source, reduced: Picture, full: Future[Picture], prof: Profile,
           rotation: int | None) -> Prepared:
    """The photo analysed in another orientation (`rotation` clockwise degrees, None: detected),
    from decodes already made."""
    analysis = _analysed(reduced, prof, rotation)
    return Prepared(source, reduced, analysis, run_checks(source.info, analysis, prof), full)


def guides_of(report: PhotoReport, a: PhotoAnalysis, prof: Profile) -> PhotoGuides:
    """The checks plus the geometry behind them, for drawing guides and a movable crop frame."""
    k = 1.0 / a.picture.scale
    h, w = a.picture.rgb.shape[:2]
    box = crown = eye = chin = frame = None
    if a.single_face and a.landmarks is not None and a.head is not None:
        pts = a.landmarks.points[:, :2] * k
        box = (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))
        crown, chin = a.head.crown_y * k, a.head.chin_y * k
        eye = float(a.landmarks.eye_mid[1]) * k
        if prof.can_fix:
            frame = to_crop(plan(a, prof))
    return PhotoGuides(report=report, rotation=90 * a.quarter_turns, size=(round(w * k), round(h * k)),
                       face_box=box, crown_y=crown, eye_y=eye, chin_y=chin, frame=frame)


def guides(path: Path, prof: Profile, rotation: int | None = None) -> PhotoGuides:
    """`guides_of` a photo read for them alone (no full-resolution decode)."""
    source = _open(path, prof)
    a = _analysed(source.decode(prof.input.analysis_side), prof, rotation)
    return guides_of(PhotoReport(input=path, profile=prof, checks=run_checks(source.info, a, prof)), a, prof)


def _refuse_bad_targets(path: Path, out: Path, original: Path | None, overwrite: bool) -> None:
    if out.suffix.lower() not in (".jpg", ".jpeg"):
        raise UserError(out, "输出文件名须以 .jpg 结尾", "the output name must end in .jpg")
    if original is not None and original.resolve() == out.resolve():
        raise UserError(original, "高分辨率原图与上传照片不能是同一个文件",
                        "the original and the upload file must differ")
    for target in (out, original):
        if target is None:
            continue
        if target.is_dir():
            raise UserError(target, "这是一个文件夹，请给出文件名", "this is a folder: give a file name")
        if not target.parent.is_dir():
            raise UserError(target, "输出文件夹不存在", "the output folder does not exist")
        if target.resolve() == path.resolve():
            raise UserError(target, "不能覆盖原始照片，请换一个输出文件名", "refusing to overwrite the input")
        if target.exists() and not overwrite:
            raise UserError(target, "文件已存在：如需替换请确认覆盖（命令行加 --overwrite）",
                            "the file exists: confirm replacing it (--overwrite on the command line)")


def _stroke(mask: np.ndarray | None, size: tuple[int, int], what: str, path: Path) -> np.ndarray | None:
    if mask is None:
        return None
    if mask.shape != (size[1], size[0]):
        raise UserError(path, f"{what}笔刷的尺寸与照片不符", f"the {what} stroke mask does not match the photo")
    return mask.astype(bool)


@dataclass(frozen=True, eq=False)
class RenderEdits:
    """The user's edits to how the upload is rendered: `frame` replaces the planned crop,
    `background=False` keeps the original background, `keep` / `remove` are brush strokes (bool
    masks in upright source pixels) for the matte."""

    frame: CropFrame | None = None
    background: bool = True
    keep: np.ndarray | None = None
    remove: np.ndarray | None = None


NO_EDITS = RenderEdits()


def fix(path: Path, out: Path, prof: Profile, *, original: Path | None = None, rotation: int | None = None,
        edits: RenderEdits = NO_EDITS, overwrite: bool = False) -> PhotoReport:
    """Crop, level, whiten and compress a photo; the output is written only if it passes.

    `rotation` replaces the detected quarter turn, `edits` the planned rendering.
    """
    if not prof.can_fix:
        raise UserError(path, prof.fix_refusal, prof.fix_refusal_en)
    check_file(path, prof.input.max_bytes)  # the input's problem is named before the outputs'
    _refuse_bad_targets(path, out, original, overwrite)
    source = _open(path, prof)
    reduced = source.decode(prof.input.analysis_side)
    located = _located(reduced, prof, rotation)
    # The full-resolution decode waits until the candidate is found: until then both cores are
    # busy finding and segmenting, which everything after waits for, and the render needs the
    # pixels only at its end.
    full = helper("decode").submit(source.decode, None)
    # The upload needs only where the candidate is: it is rendered on a helper while the photo's
    # own measures and checks are made here (and dropped, should they find it cannot be fixed).
    rendering = helper("render").submit(_render, located, full, prof, edits) if located.head is not None else None
    analysis = measure(located, prof)
    checks = run_checks(source.info, analysis, prof)
    if rendering is None or not _fixable(checks):
        if rendering is not None:
            rendering.cancel()
        full.cancel()
        return PhotoReport(input=path, profile=prof, checks=checks)
    result = _with_checks(checks, rendering.result())
    if isinstance(result, list):
        return PhotoReport(input=path, profile=prof, checks=result)
    # The matte's scratch back to the system before the written file is analysed again, in
    # `prepare` (the photo runs beside a document, whose peak would otherwise stack on this one);
    # a lone fix keeps its heap for the next photo, as a lone document does between its stages.
    release_between_stages()
    return _write_checked(path, out, original, prof, checks, result)


def render_upload(p: Prepared, prof: Profile, edits: RenderEdits = NO_EDITS) -> FixResult | list[CheckResult]:
    """The upload file for one crop of a fixable photo, encoded in memory; or, when that crop
    cannot be made, the checks saying why. Saving and the window's preview both render here."""
    return _with_checks(p.checks, _render(p.analysis, p.full, prof, edits))


def _with_checks(checks: list[CheckResult], made: FixResult | CheckResult) -> FixResult | list[CheckResult]:
    """`made`, or the photo's checks with the reason it could not be made: a frame below the
    photo fails face.complete in its place, an encoding that cannot fit is one more check."""
    from photocheck.photo.fix import FixResult

    if isinstance(made, FixResult):
        return made
    if made.id == "face.complete":
        return [made if c.id == made.id else c for c in checks]
    return [*checks, made]


def _render(analysis: PhotoAnalysis, full: Future[Picture], prof: Profile,
            edits: RenderEdits) -> FixResult | CheckResult:
    """The upload file for one crop, from where the candidate is (`locate`: no measure or check
    is needed), or the failed check that says why that crop cannot be made."""
    from photocheck.photo.fix import FixError, finish, matte_in_frame

    path = analysis.picture.info.path
    assert prof.output.exact_size is not None
    frame = edits.frame
    framing: Framing = from_crop(frame, prof.output.exact_size, analysis) if frame else plan(analysis, prof)
    turns = analysis.quarter_turns
    size = (analysis.picture.rgb.shape[1] / analysis.picture.scale,
            analysis.picture.rgb.shape[0] / analysis.picture.scale)
    beyond = below_source(framing, *size)
    if beyond > BELOW_TOLERANCE:
        # The frame needs clothing the photo does not have: refuse rather than invent it.
        return CheckResult(
            "face.complete", Status.FAIL, {"below_source_px": round(beyond, 1)}, None,
            "裁剪框超出照片下边缘：照片需要包含更多的肩膀和衣服", "把裁剪框上移或缩小，或用拍到胸口的照片",
            message_en="The crop reaches below the photo: the shoulders and clothing there are missing",
        )
    # Queued behind the decode on the helper thread: the resample overlaps the matte made here.
    framed = helper("decode").submit(lambda: render(full.result().rgb, framing, turns))
    k = analysis.picture.scale
    upright = (round(analysis.picture.rgb.shape[1] / k), round(analysis.picture.rgb.shape[0] / k))
    matted = matte_in_frame(analysis, framing, prof, background=edits.background,
                            keep=_stroke(edits.keep, upright, "保留", path),
                            remove=_stroke(edits.remove, upright, "去除", path))
    try:
        return finish(full.result(), framed.result(), analysis, prof, matted)
    except FixError as exc:
        return exc.result


def output_checks(source_checks: list[CheckResult], written: PhotoReport) -> list[CheckResult]:
    """The checks of a written upload file: the file's own, except resolution. The file is small by
    design, so its resolution verdict is the source's."""
    resolution = next(c for c in source_checks if c.id == "image.resolution")
    return [resolution if c.id == "image.resolution" else _after_fix(c) for c in written.checks]


def _after_fix(c: CheckResult) -> CheckResult:
    """A background check the fixer's own output fails: running the fixer again will not help, so
    the hint says what will (the remove brush, or a simpler photo)."""
    if not (c.failed and c.id.startswith("background.")):
        return c
    hint = ("自动修复没能去掉这些残留：在窗口中用“去除”画笔涂掉标出的部分后再修复，"
            "或换一张背景简单、画面中只有本人的照片")
    return dataclasses.replace(c, hint=hint, message_en=c.message_en + " (the automatic fix left it: paint it "
                               "with the remove brush, or use a simpler photo)")


def _write_checked(path: Path, out: Path, original: Path | None, prof: Profile, checks: list[CheckResult],
                   result: FixResult) -> PhotoReport:
    staged = write_staged(out, result.upload.data, sync=False)
    # The disk flushes on a helper thread while the file is checked (from the page cache): the
    # wait for it overlaps the check instead of preceding it, and still comes before the rename.
    synced = helper("sync").submit(sync_staged, staged, out)
    try:
        try:
            report = check(staged, prof, upload=True, source_background=result.source_background)
        except UserError as exc:  # about the file just written: name the output, not the temp file
            raise UserError(out, f"写入后重新读取失败：{exc.message}", f"re-reading the written file failed: "
                            f"{exc.message_en}", code=exc.code) from exc
        final = output_checks(checks, report)
        if any(c.failed for c in final):
            return PhotoReport(input=path, profile=prof, checks=final, notes=result.notes)
        hires = None
        data = size = None
        if original is not None:
            data, size = result.render_original()
        synced.result()  # a disk that cannot keep the upload file gets no original either
        # Ctrl-C between the two writes would leave an original without its upload file.
        with deferred():
            if original is not None and data is not None and size is not None:
                write_atomic(original, data)
                hires = OutputFile(original, len(data), *size, prof.output.original_quality)
                if size == prof.output.exact_size:
                    result.notes.append("原图像素不足，高分辨率原图只能与上传照片同尺寸；有条件时请用更清晰的原图")
            try:
                os.replace(staged, out)
            except OSError as exc:
                if hires is not None and original is not None:  # both or neither
                    original.unlink(missing_ok=True)
                reason = exc.strerror or str(exc)
                raise UserError(out, f"无法写入文件：{reason}（请检查磁盘空间和写入权限）",
                                f"cannot write the file: {reason} (check free space and permissions)") from exc
    finally:
        if not synced.cancel():  # running or done: it holds the file open until it ends
            synced.exception()
        staged.unlink(missing_ok=True)
    upload = OutputFile(out, len(result.upload.data), result.upload.width, result.upload.height,
                        result.upload.quality)
    return PhotoReport(input=path, profile=prof, checks=final, output=upload, original=hires, notes=result.notes)
