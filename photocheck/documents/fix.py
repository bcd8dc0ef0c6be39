"""The supporting-material pipeline: one image or PDF page in, one upright, flattened, legible,
size-capped upload file out (written only if it passes), with the checks that say why not.

load -> orientation -> corners -> rectify -> deskew -> trim -> flatten -> blur/glare -> OCR once
-> classify -> compress (OCR-verified) -> stage -> re-read from disk -> checks -> rename.
The one full-resolution OCR run is the classification text, the legibility reference and the
text-height and residual-skew measure; the compressor re-reads only its candidates.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from photocheck.documents import checks as mc
from photocheck.documents.classify import classify
from photocheck.errors import UserError
from photocheck.io.decode import Source
from photocheck.io.sniff import sniff_file
from photocheck.io.write import write_staged
from photocheck.reports import CheckResult, MaterialReport, OutputFile, Suggestion
from photocheck.rules.materials import ROTATIONS, Category, MaterialsSpec
from photocheck.rules.profile import Profile, resolve_profile

if TYPE_CHECKING:
    from photocheck.documents.compress import Compressed
    from photocheck.documents.geometry import Quad

# PDF pages: 200 dpi keeps 8-pt print about 20 px tall; the cap bounds memory on poster pages.
RENDER_DPI = 200
RENDER_MAX_SIDE = 2500
# text_orientation confidence below which the user is asked to confirm (a measure's noise
# floor, not an exam rule): a page with a handful of short lines lands around 0.1.
MIN_ORIENTATION_CONFIDENCE = 0.2
# deskew searches this far; perspective correction has already removed most of the tilt.
MAX_DESKEW_DEGREES = 10.0
# Line boxes at least this many times longer than tall give the residual-skew measure.
SKEW_LINE_ASPECT = 4.0
OUTPUT_SUFFIXES = (".jpg", ".jpeg", ".png")
# Everything that only measures works on reduced copies: the preview (a 12 MP photo halved
# exactly, the cheap case for an area filter) feeds orientation, the outline and a warped copy
# of the page at MEASURE_SIDE for deskew, trim, blur, glare and the shadow estimate.
PREVIEW_SIDE = 2000
MEASURE_SIDE = 1000


@dataclass
class Timings:
    """Seconds per stage of one run, for the speed benchmark."""

    load: float = 0.0
    orientation_ocr: float = 0.0
    geometry: float = 0.0  # corners, rectify, deskew, trim, flatten, blur and glare measures
    text_ocr: float = 0.0
    compress: float = 0.0  # includes legibility_ocr
    legibility_ocr: float = 0.0  # verifying candidates: decode, read, compare with the reference
    write: float = 0.0  # stage, re-read, validate, rename

    @property
    def ocr(self) -> float:
        return self.orientation_ocr + self.text_ocr + self.legibility_ocr

    @property
    def image_work(self) -> float:
        """Everything but OCR: loading, flattening and enhancement, compression, writing."""
        return self.load + self.geometry + self.compress - self.legibility_ocr + self.write


@contextmanager
def _timed(timings: Timings, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        setattr(timings, stage, getattr(timings, stage) + time.perf_counter() - start)


# --- inputs ------------------------------------------------------------------------------------


def is_pdf(path: Path) -> bool:
    try:
        return sniff_file(path) == "pdf"
    except OSError as exc:
        raise UserError(path, f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}") from exc


def _pdf_error(path: Path, exc: Exception) -> UserError:
    return UserError(path, getattr(exc, "message", str(exc)), getattr(exc, "message_en", ""))


def material_inputs(path: str | Path) -> list[tuple[Path, int | None]]:
    """One (path, None) for an image, one (path, page) per page of a PDF (0-based)."""
    from photocheck.io.pdf import PdfError, page_count

    path = Path(path)
    if not path.is_file():
        raise UserError(path, "找不到该文件，请确认文件仍在原位置", "file not found")
    if not is_pdf(path):
        return [(path, None)]
    try:
        return [(path, i) for i in range(page_count(path))]
    except PdfError as exc:
        raise _pdf_error(path, exc) from exc


def load_input(path: Path, page: int | None, profile: Profile) -> np.ndarray:
    """RGB of an image (EXIF orientation applied) or of one rendered PDF page."""
    if not path.is_file():
        raise UserError(path, "找不到该文件，请确认文件仍在原位置", "file not found")
    if not is_pdf(path):
        if path.suffix.lower() == ".pdf":  # else the image loader would ask for a photo instead
            raise UserError(path, "扩展名是 .pdf，但内容不是 PDF：文件可能已损坏或没有下载完整，请重新导出或下载",
                             "named .pdf but not a PDF: the file may be damaged or incompletely downloaded")
        if page is not None:
            raise UserError(path, "只有 PDF 文件才能指定页码", "a page number only applies to PDFs")
        return Source.open(path, max_pixels=profile.input.max_pixels).decode(None).rgb
    from photocheck.io.pdf import PdfError, page_count, render_page

    try:
        count = page_count(path)
        index = 0 if page is None else page
        if not 0 <= index < count:
            raise UserError(path, f"页码超出范围：该 PDF 共 {count} 页",
                             f"page out of range: the PDF has {count} pages")
        return render_page(path, index, dpi=RENDER_DPI, max_side=RENDER_MAX_SIDE)
    except PdfError as exc:
        raise _pdf_error(path, exc) from exc


# --- geometry and enhancement ------------------------------------------------------------------


@dataclass(frozen=True)
class FlatPage:
    """The flattened document and what was measured on the way."""

    flat: np.ndarray  # rectified, deskewed, trimmed, flattened RGB
    rotation: int
    orientation_confidence: float | None  # None: rotation set by hand
    corners: np.ndarray  # (4, 2) in the upright source image
    found: bool
    sharpness: float
    glare: float
    notes: tuple[str, ...]


def _orient(preview: np.ndarray, rotation: int | None) -> tuple[int, float | None]:
    from photocheck.documents.geometry import text_orientation

    if rotation is not None:
        if rotation not in ROTATIONS:
            raise ValueError(f"rotation must be one of {ROTATIONS}, got {rotation}")
        return rotation, None
    turn, confidence = text_orientation(preview)
    return turn, round(confidence, 3)


def _quad(upright: np.ndarray, preview: np.ndarray, corners: list[list[float]] | None) -> Quad:
    from photocheck.documents.geometry import Quad, find_document

    if corners is None:
        return find_document(upright, preview=preview)
    points = np.asarray(corners, np.float32)
    if points.shape != (4, 2) or not np.isfinite(points).all():
        raise ValueError(f"corners must be 4 (x, y) points, got {corners}")
    h, w = upright.shape[:2]
    return Quad(np.clip(points, 0, [w - 1, h - 1]), True, 1.0)


def _geometry_notes(rotation: int, manual_rotation: bool, found: bool, manual_corners: bool,
                    skew: float, pdf: bool) -> list[str]:
    notes = []
    if rotation:
        notes.append(f"已{'按手动设置' if manual_rotation else '按文字方向'}顺时针旋转{rotation}°")
    if manual_corners:
        notes.append("已按手动标出的四角校正透视并裁切")
    elif found:
        notes.append("已找到证件边缘，校正透视并裁切")
    else:
        notes.append("PDF 页面：保留整页" if pdf else "未找到证件边缘：保留整幅画面（可在界面中手动标出四角）")
    if abs(skew) >= 0.1:
        notes.append(f"已纠正倾斜{abs(skew):.1f}°")
    return notes


def prepare(rgb: np.ndarray, *, rotation: int | None, corners: list[list[float]] | None,
            pdf: bool, timings: Timings) -> FlatPage:
    """Upright, cut to the document, straight, borders trimmed, shadows flattened: the
    full-resolution pixels go through one warp and one divide."""
    from photocheck.documents.geometry import (
        blur_measure,
        downscale,
        flatten,
        glare_fraction,
        paper_background,
        rotate_upright,
        straighten,
    )

    with _timed(timings, "geometry"):
        preview, _ = downscale(rgb, PREVIEW_SIDE)
    with _timed(timings, "orientation_ocr"):
        turn, confidence = _orient(preview, rotation)
    with _timed(timings, "geometry"):
        # The outline is searched on the turned preview; the photo itself is only read near
        # the corners, through a view, and turned by the warp below.
        upright = np.rot90(rgb, -(turn // 90) % 4)
        quad = _quad(upright, rotate_upright(preview, turn), corners)
        page = straighten(rgb, quad, clockwise=turn, preview=preview, max_angle=MAX_DESKEW_DEGREES,
                          measure_side=MEASURE_SIDE)
        # Measured before flattening, which whitens the paper and so hides highlights.
        sharpness, glare = blur_measure(page.measure), glare_fraction(page.measure)
        flat = flatten(page.image, background=paper_background(page.measure))
    notes = _geometry_notes(turn, rotation is not None, quad.found, corners is not None, page.skew, pdf)
    notes.append("已压平阴影、提亮纸张")
    return FlatPage(flat, turn, confidence, quad.points, quad.found, sharpness, glare, tuple(notes))


# --- text ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str
    line_px: float | None  # median line-box height in the flattened image
    skew: float  # residual tilt of the long lines, degrees (0 without any)


def _residual_skew(boxes: list[np.ndarray]) -> float:
    """Median tilt of the long text lines: an OCR-based measure independent of deskew's."""
    angles = []
    for box in boxes:
        top = box[1] - box[0]
        length, height = float(np.hypot(*top)), float(np.linalg.norm(box[3] - box[0]))
        if length >= SKEW_LINE_ASPECT * max(height, 1.0):
            angles.append(float(np.degrees(np.arctan2(top[1], top[0]))))
    return float(np.median(angles)) if angles else 0.0


def read_document(flat: np.ndarray) -> Text:
    """The one full-resolution OCR run, on the page as agreement sees it (red seals removed)."""
    from photocheck.documents.compress import line_height, seal_free
    from photocheck.documents.ocr import plain_text, read_text

    lines = read_text(seal_free(flat))
    return Text(plain_text(lines), line_height(lines), _residual_skew([ln.box for ln in lines]))


def _ocr(rgb: np.ndarray) -> str:
    from photocheck.documents.ocr import plain_text, read_text

    return plain_text(read_text(rgb))


# --- output -------------------------------------------------------------------------------------


def suggest(path: Path, page: int | None, prof: Profile) -> Suggestion:
    """Classify a document from its text: load, make upright, cut out and read it once."""
    spec = prof.materials
    if spec is None:
        raise UserError(path, f"考试规格 {prof.id} 没有材料要求", f"profile {prof.id} has no materials section")
    rgb = load_input(path, page, prof)
    prep = prepare(rgb, rotation=None, corners=None, pdf=page is not None or is_pdf(path), timings=Timings())
    return classify(read_document(prep.flat).text, spec)


def _target_stem(path: Path, out: Path) -> Path:
    stem = out.with_suffix("") if out.suffix.lower() in OUTPUT_SUFFIXES else out
    if not stem.parent.is_dir():
        raise UserError(out, "输出文件夹不存在", "the output folder does not exist")
    if any(stem.with_name(stem.name + s).resolve() == path.resolve() for s in OUTPUT_SUFFIXES):
        raise UserError(out, "不能覆盖原始文件，请换一个输出文件名", "refusing to overwrite the input")
    return stem


def _decodes(data: bytes, width: int, height: int) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as im:
            size = im.size
            if im.format == "JPEG":  # every coefficient still entropy-decoded, 1/64 of the IDCT work
                im.draft(im.mode, (max(1, width // 8), max(1, height // 8)))
            im.load()
            return size == (width, height)
    except (OSError, ValueError, Image.DecompressionBombError):
        return False


def _compress_note(c: Compressed) -> str:
    kind = "PNG（调色板）" if c.palette else f"JPEG 质量{c.quality}"
    grey = "，灰度" if c.grey else ""
    return f"已压缩为 {kind}{grey}，{c.width}×{c.height}，{len(c.data):,} 字节"


# --- the pipeline -------------------------------------------------------------------------------


def _category(spec: MaterialsSpec, category: str | None, suggestion: Suggestion, path: Path) -> Category | None:
    if category is None:
        return spec.category(suggestion.category_id) if suggestion.category_id else None
    try:
        return spec.category(category)
    except KeyError:
        ids = "、".join(c.id for c in spec.categories)
        raise UserError(path, f"未知的材料类别：{category}（可选：{ids}）", f"unknown category {category!r}") from None


def process(
    path: str | Path,
    out: str | Path,
    *,
    page: int | None = None,
    category: str | None = None,
    rotation: int | None = None,
    corners: list[list[float]] | None = None,
    profile: Profile | str | None = None,
) -> tuple[MaterialReport, Timings]:
    """fix_material plus the time spent per stage."""
    from photocheck.documents.compress import compress_document

    prof = resolve_profile(profile)
    path, timings = Path(path), Timings()
    spec = prof.materials
    if spec is None:
        raise UserError(path, f"考试规格 {prof.id} 没有材料要求", f"profile {prof.id} has no materials section")
    stem = _target_stem(path, Path(out))
    if category is not None:
        _category(spec, category, Suggestion("", None, 0.0, ""), path)  # fail before the slow work
    with _timed(timings, "load"):
        rgb = load_input(path, page, prof)
    prep = prepare(rgb, rotation=rotation, corners=corners, pdf=page is not None or is_pdf(path), timings=timings)
    del rgb
    with _timed(timings, "text_ocr"):
        text = read_document(prep.flat)
    suggestion = classify(text.text, spec)
    cat = _category(spec, category, suggestion, path)
    slot = suggestion.slot if cat is not None and cat.id == suggestion.category_id else None
    max_bytes = cat.max_bytes if cat else spec.max_bytes
    formats = cat.formats if cat else spec.formats
    has_text = bool(text.text.strip())
    with _timed(timings, "compress"):
        try:
            packed = compress_document(
                prep.flat, max_bytes, min_text_px=spec.checks.min_text_px, reference=text.text,
                score=_ocr if has_text else None, allow_grey=True, allow_png="png" in formats,
                floor_quality=spec.floor_quality, min_legibility=spec.checks.min_legibility, text_px=text.line_px,
                timer=lambda: _timed(timings, "legibility_ocr"),
            )
        except ValueError:
            packed = None
    checks_common = [
        mc.material_orientation(prep.rotation, prep.orientation_confidence, text.skew,
                                max_skew=spec.checks.max_skew_degrees, min_confidence=MIN_ORIENTATION_CONFIDENCE),
        mc.material_blur(prep.sharpness, spec.checks.min_sharpness),
        mc.material_glare(prep.glare, spec.checks.max_glare_fraction),
    ]
    notes = list(prep.notes)
    output = None
    with _timed(timings, "write"):
        if packed is None:
            checks = [mc.material_format(None, formats, False), mc.material_bytes(None, max_bytes), *checks_common,
                      mc.material_resolution(None, spec.checks.min_text_px),
                      mc.material_legibility(None, spec.checks.min_legibility)]
        else:
            notes.append(_compress_note(packed))
            checks, output = _write_checked(packed, stem, prep, text, has_text, formats, max_bytes, spec,
                                            checks_common)
    report = MaterialReport(
        input=path, page=page, category=cat.id if cat else None, slot=slot, suggestion=suggestion,
        checks=checks, output=output, corners=prep.corners.round(1).tolist(), rotation=prep.rotation,
        legibility=packed.legibility if packed and has_text else None, text=text.text, notes=notes,
        document_found=prep.found,
    )
    return report, timings


def _write_checked(packed: Compressed, stem: Path, prep: FlatPage, text: Text, has_text: bool, formats: tuple[str, ...],
                   max_bytes: int, spec: MaterialsSpec,
                   checks_common: list[CheckResult]) -> tuple[list[CheckResult], OutputFile | None]:
    """Stage the file, re-read it from disk, check it; rename it into place only if nothing fails."""
    final = stem.with_name(stem.name + (".png" if packed.format == "png" else ".jpg"))
    staged = write_staged(final, packed.data)
    try:
        data = staged.read_bytes()
        text_px = text.line_px * packed.width / prep.flat.shape[1] if text.line_px else None
        checks = [
            mc.material_format(data, formats, _decodes(data, packed.width, packed.height)),
            mc.material_bytes(len(data), max_bytes),
            *checks_common,
            mc.material_resolution(text_px, spec.checks.min_text_px),
            mc.material_legibility(packed.legibility if has_text else None, spec.checks.min_legibility),
        ]
        if any(c.failed for c in checks):
            staged.unlink()
            return checks, None
        os.replace(staged, final)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return checks, OutputFile(final, len(data), packed.width, packed.height, packed.quality)
