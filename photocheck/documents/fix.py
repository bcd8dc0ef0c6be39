"""The supporting-material pipeline: one image or PDF page in, one upright, flattened, legible,
size-capped upload file out (written only if it passes), with the checks that say why not.

load -> corners -> rectify -> deskew -> trim -> flatten -> blur/glare -> OCR once (its boxes turn
the page upright) -> classify -> compress (OCR-verified) -> stage -> re-read from disk -> checks
-> rename. The one full-resolution OCR run (lines detected once, on a copy reduced to the text's
size) is the quarter turn (its boxes' direction; its longest lines read turned too), the
classification text, the mirror test (its boxes read flipped), the legibility reference and the
text-height and residual-skew measure; the compressor recognises only its candidates' line crops
in those boxes. A dense page no single file keeps legible goes up in parts (documents.split).
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from photocheck.concurrency import helper, release_between_stages
from photocheck.documents import checks as mc
from photocheck.documents.classify import classify
from photocheck.errors import UserError
from photocheck.io.decode import Source
from photocheck.io.sniff import HEAD_BYTES, sniff
from photocheck.io.write import write_staged
from photocheck.reports import CheckResult, MaterialReport, OutputFile, PageSelection, Suggestion
from photocheck.rules.materials import ROTATIONS, Category, MaterialsSpec
from photocheck.rules.profile import Profile, resolve_profile

if TYPE_CHECKING:
    from photocheck.documents.compress import Compressed
    from photocheck.documents.fields import ExportReader
    from photocheck.documents.geometry import Quad
    from photocheck.documents.ocr import TextLine

# PDF pages: 200 dpi keeps 8-pt print about 20 px tall; the cap bounds memory on poster pages.
RENDER_DPI = 200
RENDER_MAX_SIDE = 2500
# lines_orientation confidence below which the user is asked to confirm (a measure's noise
# floor, not an exam rule): a page with a handful of short lines lands around 0.1.
MIN_ORIENTATION_CONFIDENCE = 0.2
# deskew searches this far; perspective correction has already removed most of the tilt.
MAX_DESKEW_DEGREES = 10.0
# Line boxes at least this many times longer than tall give the residual-skew measure.
SKEW_LINE_ASPECT = 4.0
OUTPUT_SUFFIXES = (".jpg", ".jpeg", ".png")
# Everything that only measures works on reduced copies: the preview (a 12 MP photo halved
# exactly, the cheap case for an area filter) feeds the outline (and a hand-held photo's
# orientation) and a warped copy of the page at MEASURE_SIDE for deskew, trim, blur, glare and the
# shadow estimate.
PREVIEW_SIDE = 2000
MEASURE_SIDE = 1000


@dataclass
class Timings:
    """Seconds per stage of one run, for the speed benchmark."""

    load: float = 0.0
    # A page's quarter turn: only recognising crops of its longest detected lines turned (its
    # detection, and its read as it lies, are text_ocr's); a hand-held photo's: a detection and
    # those reads on its preview.
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


def is_pdf(path: Path, max_bytes: int | None = None) -> bool:
    """True for a file that starts like a PDF; a folder, a device, a pipe or a file over
    `max_bytes` is a UserError saying so, and nothing is opened that could hang."""
    from photocheck.io.decode import read_head

    return sniff(read_head(path, max_bytes, HEAD_BYTES)) == "pdf"


def _pdf_error(path: Path, exc: Exception) -> UserError:
    return UserError(path, getattr(exc, "message", str(exc)), getattr(exc, "message_en", ""),
                     code=getattr(exc, "code", ""))


def parse_pages(spec: str, count: int, path: Path) -> list[int]:
    """ "1-3,5" (1-based, as people count) -> [0, 1, 2, 4]; ranges may be open ("3-" is page 3 to
    the end); order and repeats are normalised. A page beyond `count` is a UserError."""
    chosen: set[int] = set()
    for part in spec.replace("，", ",").replace("、", ",").split(","):
        part = part.strip()
        if not part:
            continue
        lo_text, dash, hi_text = part.partition("-")
        try:
            lo = int(lo_text) if lo_text.strip() else 1
            hi = (int(hi_text) if hi_text.strip() else count) if dash else lo
        except ValueError:
            raise UserError(path, f"页码写法有误：{spec!r}（例如 1-3,5）",
                            f"bad page list {spec!r} (e.g. 1-3,5)", code="pages") from None
        if lo < 1 or hi < lo:
            raise UserError(path, f"页码写法有误：{part!r}（页码从 1 开始，例如 1-3,5）",
                            f"bad page range {part!r} (pages count from 1, e.g. 1-3,5)", code="pages")
        if hi > count:
            raise UserError(path, f"页码超出范围：该 PDF 共 {count} 页（选择了第 {hi} 页）",
                            f"page out of range: the PDF has {count} pages (asked for page {hi})", code="pages")
        chosen.update(range(lo - 1, hi))
    if not chosen:
        raise UserError(path, f"没有选择任何页：{spec!r}（例如 1-3,5）", f"no pages chosen: {spec!r}", code="pages")
    return sorted(chosen)


def page_ranges(pages: list[int]) -> str:
    """[0, 1, 2, 4] -> "1-3,5" (1-based)."""
    runs: list[list[int]] = []
    for p in sorted(pages):
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return ",".join(f"{a + 1}" if a == b else f"{a + 1}-{b + 1}" for a, b in runs)


def select_pages(path: str | Path, pages: str | list[int] | None = None,
                 profile: Profile | str | None = None) -> PageSelection:
    """The items of `path`: an image is one item; a PDF gives its chosen pages (`pages` as
    "1-3,5", 1-based, or 0-based indices), at most the profile's max_pages of them."""
    from photocheck.io.pdf import PdfError, page_count

    prof = resolve_profile(profile)
    path = Path(path)
    if not is_pdf(path, prof.input.max_bytes):
        if pages is not None:
            raise UserError(path, "只有 PDF 文件才能选择页码", "pages only apply to PDFs", code="pages")
        return PageSelection([(path, None)], None)
    try:
        count = page_count(path, max_bytes=prof.input.max_bytes)
    except PdfError as exc:
        raise _pdf_error(path, exc) from exc
    if pages is None:
        chosen = list(range(count))
    elif isinstance(pages, str):
        chosen = parse_pages(pages, count, path)
    else:
        chosen = sorted(set(pages))
        if any(not 0 <= p < count for p in chosen):
            raise UserError(path, f"页码超出范围：该 PDF 共 {count} 页",
                            f"page out of range: the PDF has {count} pages", code="pages")
    limit = prof.materials.pdf.max_pages if prof.materials else count
    note = note_en = None
    if len(chosen) > limit:
        chosen = chosen[:limit]
        taken = page_ranges(chosen)
        note = (f"{path.name} 共 {count} 页，只处理了第 {taken} 页（每个 PDF 最多处理 {limit} 页）；"
                "其余页面如需上传，请选择页码（--pages）或把 PDF 拆分后分别添加")
        note_en = (f"{path.name} has {count} pages; only pages {taken} were taken (at most {limit} per PDF); "
                   "choose other pages with --pages or split the PDF")
    elif pages is not None and len(chosen) < count:
        note = f"{path.name} 共 {count} 页，按选择处理了第 {page_ranges(chosen)} 页"
        note_en = f"{path.name} has {count} pages; pages {page_ranges(chosen)} were taken as chosen"
    return PageSelection([(path, i) for i in chosen], count, note, note_en)


def material_inputs(path: str | Path, *, pages: str | list[int] | None = None,
                    profile: Profile | str | None = None) -> list[tuple[Path, int | None]]:
    """One (path, None) for an image, one (path, page) per chosen PDF page (0-based)."""
    return select_pages(path, pages, profile).items


def _refuse_tiny(path: Path, width: int, height: int, profile: Profile) -> None:
    """An image shorter than one legible text line (the profile's min_text_px) holds no document."""
    least = profile.materials.checks.min_text_px if profile.materials else 1
    if min(width, height) < least:
        raise UserError(path, f"图片太小（{width}×{height} 像素）：容纳一行可辨认的文字至少需要 {least} 像素，"
                              "请用原始照片或扫描件",
                        f"The image is too small ({width}x{height} px): a legible line of text needs at least "
                        f"{least} px; use the original photo or scan", code="too_small")


@dataclass(frozen=True)
class Loaded:
    rgb: np.ndarray
    damage: tuple[str, ...]  # what the decoder reported about a damaged file (empty: clean)


def load_input(path: Path, page: int | None, profile: Profile) -> Loaded:
    """RGB of an image (EXIF orientation applied) or of one rendered PDF page, after the
    profile's limits on file size, pixels and shape."""
    limits = profile.input
    if not is_pdf(path, limits.max_bytes):
        if path.suffix.lower() == ".pdf":  # else the image loader would ask for a photo instead
            raise UserError(path, "扩展名是 .pdf，但内容不是 PDF：文件可能已损坏或没有下载完整，请重新导出或下载",
                             "named .pdf but not a PDF: the file may be damaged or incompletely downloaded")
        if page is not None:
            raise UserError(path, "只有 PDF 文件才能指定页码", "a page number only applies to PDFs")
        source = Source.open(path, max_pixels=limits.max_pixels, max_bytes=limits.max_bytes,
                             max_aspect=limits.max_aspect_ratio, material=True)
        # The header's size: `info` before the decode would read the file once more for its damage.
        _refuse_tiny(path, source.header.width, source.header.height, profile)
        return Loaded(source.decode(None).rgb, source.info.damage)
    from photocheck.io.pdf import PdfError, page_count, render_page

    pdf = profile.materials.pdf if profile.materials else None
    try:
        count = page_count(path, max_bytes=limits.max_bytes)
        index = 0 if page is None else page
        if not 0 <= index < count:
            raise UserError(path, f"页码超出范围：该 PDF 共 {count} 页",
                             f"page out of range: the PDF has {count} pages")
        rgb = render_page(path, index, dpi=pdf.render_dpi if pdf else RENDER_DPI,
                          max_side=pdf.render_max_side if pdf else RENDER_MAX_SIDE,
                          max_bytes=limits.max_bytes, max_aspect=limits.max_aspect_ratio, scan_native=True)
    except PdfError as exc:
        raise _pdf_error(path, exc) from exc
    return Loaded(rgb, ())


# --- geometry and enhancement ------------------------------------------------------------------


@dataclass(frozen=True)
class FlatPage:
    """The flattened document and what was measured on the way."""

    flat: np.ndarray  # rectified, deskewed, trimmed, flattened RGB
    rotation: int
    orientation_confidence: float | None  # None: rotation set by hand
    corners: np.ndarray  # (4, 2) in the upright source image
    found: bool
    sharpness: float | None  # None: a photo (hand-held), not judged as paper
    glare: float | None
    notes: tuple[str, ...]
    # (h, w) of the image as loaded while the quarter turn waits for the page's own text
    # (read_document turns the page and `corners`, still in that image, and sets `rotation`).
    source_shape: tuple[int, int] | None = None


def _orient(preview: np.ndarray, rotation: int | None) -> tuple[int, float | None]:
    """A hand-held photo's turn: by hand, or from the text on its preview."""
    from photocheck.documents.geometry import text_orientation

    if rotation is not None:
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


def _turn_note(rotation: int, manual: bool) -> list[str]:
    return [f"已{'按手动设置' if manual else '按文字方向'}顺时针旋转{rotation}°"] if rotation else []


def _geometry_notes(rotation: int, manual_rotation: bool, found: bool, manual_corners: bool,
                    skew: float, pdf: bool) -> list[str]:
    notes = _turn_note(rotation, manual_rotation)
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
            pdf: bool, timings: Timings, photo: bool = False) -> FlatPage:
    """Cut to the document, straight, borders trimmed, shadows flattened: the full-resolution
    pixels go through one warp and one divide. A manual `rotation` turns the page in that warp
    (`corners` are then in the image after it); without one the page is cut out as it lies
    (`corners` in the image as loaded) and read_document turns it upright by its own text.
    `photo` (the hand-held ID photo) is only turned upright, by the text on its preview: a
    cut-out would crop the person away, flattening would bleach them."""
    from photocheck.documents.geometry import downscale, flatten, plan_page, rotate_upright, warp_page

    if rotation is not None and rotation not in ROTATIONS:
        raise ValueError(f"rotation must be one of {ROTATIONS}, got {rotation}")
    with _timed(timings, "geometry"):
        preview, _ = downscale(rgb, PREVIEW_SIDE)
    if photo and corners is None:
        with _timed(timings, "orientation_ocr"):
            turn, confidence = _orient(preview, rotation)
        release_between_stages()  # the detector's scratch, before the turned copy (see _process)
        return _upright_photo(rgb, turn, confidence, rotation is not None, timings)
    turn = rotation or 0
    with _timed(timings, "geometry"):
        # The outline is searched on the (turned) preview; the photo itself is only read near
        # the corners, through a view, and turned by the warp below.
        upright = np.rot90(rgb, -(turn // 90) % 4)
        quad = _quad(upright, rotate_upright(preview, turn), corners)
        page = plan_page(rgb, quad, clockwise=turn, preview=preview, max_angle=MAX_DESKEW_DEGREES,
                         measure_side=MEASURE_SIDE)
        # The measures read only the small copy: on the second core while the full warp runs.
        measured = helper("page-measures").submit(_page_measures, page.measure)
        image = warp_page(rgb, page)
        sharpness, glare, background = measured.result()
        flat = flatten(image, background=background)
    notes = _geometry_notes(turn, rotation is not None, quad.found, corners is not None, page.skew, pdf)
    notes.append("已压平阴影、提亮纸张")
    waiting = None if rotation is not None else (rgb.shape[0], rgb.shape[1])
    return FlatPage(flat, turn, None, quad.points, quad.found, sharpness, glare, tuple(notes), waiting)


def _page_measures(measure: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Sharpness, glare and the paper's shading, measured before flattening, which whitens the
    paper and so hides highlights."""
    from photocheck.documents.geometry import blur_measure, glare_fraction, paper_background

    return blur_measure(measure), glare_fraction(measure), paper_background(measure)


def _upright_photo(rgb: np.ndarray, turn: int, confidence: float | None, manual: bool,
                   timings: Timings) -> FlatPage:
    """The whole picture turned upright. Its sharpness and glare are not judged as a page's (a
    bright wall is not glare on paper): the card's OCR says whether it can be read."""
    with _timed(timings, "geometry"):
        flat = np.ascontiguousarray(np.rot90(rgb, -(turn // 90) % 4))
        h, w = flat.shape[:2]
        corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    notes = [n for n in _geometry_notes(turn, manual, False, False, 0.0, False) if not n.startswith("未找到")]
    notes.append("手持证件照：保留整幅画面（不裁切、不压平），以免裁掉人像")
    return FlatPage(flat, turn, confidence, corners, False, None, None, tuple(notes))


# --- text ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str
    line_px: float | None  # median line-box height in the flattened image
    skew: float  # residual tilt of the long lines, degrees (0 without any)
    lines: tuple[TextLine, ...] = ()  # the OCR TextLines behind `text`
    boxes: tuple[np.ndarray, ...] = ()  # every line box found, read well or not (mirror reads them flipped)


def _residual_skew(boxes: list[np.ndarray]) -> float:
    """Median tilt of the long text lines: an OCR-based measure independent of deskew's."""
    angles = []
    for box in boxes:
        top = box[1] - box[0]
        length, height = float(np.hypot(*top)), float(np.linalg.norm(box[3] - box[0]))
        if length >= SKEW_LINE_ASPECT * max(height, 1.0):
            angles.append(float(np.degrees(np.arctan2(top[1], top[0]))))
    return float(np.median(angles)) if angles else 0.0


def read_document(prep: FlatPage, timings: Timings) -> tuple[FlatPage, Text]:
    """The one full-resolution OCR run, on the page as agreement sees it (red seals removed). A page
    still lying as loaded (prep.source_shape) is first turned upright, with its boxes, by
    lines_orientation of those boxes: the prepared page as it reads, and its text."""
    from photocheck.documents.compress import estimate_line_height, seal_free
    from photocheck.documents.geometry import downscale, lines_orientation, rotate_upright, turn_quad
    from photocheck.documents.ocr import detect_page, read_page

    page = seal_free(prep.flat)
    with _timed(timings, "text_ocr"):
        # The text height, roughly, from a reduced copy: it only decides how small the detector may
        # see it. CJK glyphs are about square, so a page lying sideways measures within ~15 %.
        small, factor = downscale(page, MEASURE_SIDE)
        rough = estimate_line_height(small)
        boxes = detect_page(page, line_px=rough / factor if rough else None)
    lines: list[TextLine] | None = None

    def as_it_lies() -> list[TextLine]:
        """The page's read as it lies, which it keeps if it is upright."""
        nonlocal lines
        with _timed(timings, "text_ocr"):
            lines = read_page(page, boxes)
        return lines

    if prep.source_shape is None:
        return prep, _text_of(as_it_lies(), boxes)
    start, read_before = time.perf_counter(), timings.text_ocr
    turn, confidence = lines_orientation(page, boxes, upright=as_it_lies)
    # The read it may ask for is text_ocr's, counted there.
    timings.orientation_ocr += time.perf_counter() - start - (timings.text_ocr - read_before)
    if turn:
        with _timed(timings, "geometry"):
            shape, lines = page.shape, None
            page = rotate_upright(page, turn)
            boxes = [turn_quad(b, turn, shape) for b in boxes]
    text = _text_of(as_it_lies() if lines is None else lines, boxes)
    # The colour page turns after the read: the recognition's scratch never sits beside two copies.
    with _timed(timings, "geometry"):
        prep = replace(prep, flat=rotate_upright(prep.flat, turn) if turn else prep.flat, rotation=turn,
                       orientation_confidence=round(confidence, 3),
                       corners=turn_quad(prep.corners, turn, prep.source_shape),
                       notes=(*_turn_note(turn, False), *prep.notes), source_shape=None)
    return prep, text


def _text_of(lines: Sequence[TextLine], boxes: Sequence[np.ndarray]) -> Text:
    from photocheck.documents.compress import line_height
    from photocheck.documents.ocr import plain_text

    return Text(plain_text(lines), line_height(lines), _residual_skew([ln.box for ln in lines]), tuple(lines),
                tuple(boxes))


def _unmirror(prep: FlatPage, text: Text, spec: MaterialsSpec) -> tuple[FlatPage, Text, bool]:
    """A page read weakly is read flipped too (documents.mirror); a mirrored one is flipped back."""
    from photocheck.documents.classify import evidence
    from photocheck.documents.compress import seal_free
    from photocheck.documents.mirror import NOTE, flip, flip_box, unmirror

    strong = any(w in c.keywords for c in spec.categories for w in evidence(text.text, spec, c.id))
    found = unmirror(seal_free(prep.flat), text.lines, text.boxes, strong=strong, margin=spec.checks.mirror_margin,
                     min_chars=spec.checks.mirror_min_chars)
    if found is None:
        return prep, text, False
    how, lines = found
    boxes = [flip_box(b, how, prep.flat.shape) for b in text.boxes]
    return replace(prep, flat=flip(prep.flat, how), notes=(*prep.notes, NOTE)), _text_of(lines, boxes), True


# --- output -------------------------------------------------------------------------------------


def suggest(path: Path, page: int | None, prof: Profile) -> Suggestion:
    """Classify a document from its text: load, make upright, cut out and read it once. A picture
    of a live face beside card text is the hand-held photo, suggested in its slot as prepare
    places it (documents.portrait)."""
    from photocheck.documents.portrait import picture_kind

    spec = prof.materials
    if spec is None:
        raise UserError(path, f"考试规格 {prof.id} 没有材料要求", f"profile {prof.id} has no materials section")
    picture = picture_kind(path, spec, max_pixels=prof.input.max_pixels) if page is None else None
    held = picture.placement(spec) if picture is not None else None
    if held is not None:
        return held
    try:
        loaded = load_input(path, page, prof)
        timings = Timings()
        prep = prepare(loaded.rgb, rotation=None, corners=None, pdf=page is not None or is_pdf(path),
                       timings=timings)
        del loaded  # the photo as loaded, before the OCR's scratch (as in _process)
        return classify(read_document(prep, timings)[1].text, spec)
    except UserError:
        raise
    except Exception as exc:
        raise _unprocessable(path, page, exc) from exc


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


def _unprocessable(path: Path, page: int | None, exc: Exception) -> UserError:
    """Anything else that goes wrong on one item becomes that item's UserError, so one odd file
    or page is reported and skipped while the rest of an export goes on."""
    where = f"第 {page + 1} 页" if page is not None else "该文件"
    where_en = f"page {page + 1}" if page is not None else "this file"
    if isinstance(exc, MemoryError):
        return UserError(path, f"{where}过大，处理时内存不足：请缩小或拆分后再试",
                         f"{where_en} is too large to process: scale it down or split it", code="too_large")
    kind = type(exc).__name__
    return UserError(path, f"{where}无法处理（{kind}），已跳过：请重新拍摄、扫描或导出后再试",
                     f"{where_en} could not be processed ({kind}) and was skipped; photograph, scan or export it again",
                     code="unprocessable")


@dataclass(frozen=True)
class Choices:
    """What was decided for one document, winning over detection: the PDF `page` (0-based), the
    `category` and its `slot` (e.g. "front", from the window or the file name), a clockwise
    `rotation` and the `corners` (in the image after that rotation; without one, in the image
    as loaded: the automatic turn follows the cut)."""

    page: int | None = None
    category: str | None = None
    slot: str | None = None
    rotation: int | None = None
    corners: list[list[float]] | None = None


AS_DETECTED = Choices()


def process(path: str | Path, out: str | Path, choices: Choices = AS_DETECTED, *, profile: Profile | str | None = None,
            name: str | None = None) -> tuple[MaterialReport, Timings]:
    """fix_material plus the time spent per stage. Every failure is a UserError for this item.
    `name` is the candidate's, for material.name."""
    try:
        return _process(Path(path), Path(out), choices, resolve_profile(profile), name)
    except UserError:
        raise
    except Exception as exc:  # geometry, OCR or compression failing on odd pixels
        raise _unprocessable(Path(path), choices.page, exc) from exc


def _process(path: Path, out: Path, choices: Choices, prof: Profile,
             name: str | None) -> tuple[MaterialReport, Timings]:
    from photocheck.documents.review import category_sanity, review

    page, category, slot = choices.page, choices.category, choices.slot

    timings = Timings()
    spec = prof.materials
    if spec is None:
        raise UserError(path, f"考试规格 {prof.id} 没有材料要求", f"profile {prof.id} has no materials section")
    stem = _target_stem(path, out)
    if category is not None:
        _category(spec, category, Suggestion("", None, 0.0, ""), path)  # fail before the slow work
    held = slot is not None and slot == spec.checks.handheld_slot  # a photo of the candidate holding the card
    with _timed(timings, "load"):
        loaded = load_input(path, page, prof)
    prep = prepare(loaded.rgb, rotation=choices.rotation, corners=choices.corners, pdf=page is not None or is_pdf(path),
                   timings=timings, photo=held)
    damage = loaded.damage
    del loaded
    # Each stage's scratch (float copies, OCR activations) is freed into this thread's heap, which
    # glibc keeps: handed back between stages, two items in flight cost their live pages plus one
    # stage's scratch each, not every stage's high-water mark (with ocr's one inference at a time,
    # benchmarks/prepare_speed.py's peak went from 909-947 to 754-762 MB).
    release_between_stages()
    prep, text = read_document(prep, timings)
    with _timed(timings, "text_ocr"):
        prep, text, mirrored = _unmirror(prep, text, spec)
    release_between_stages()
    suggestion = classify(text.text, spec)
    cat = _category(spec, category, suggestion, path)
    slot = slot or (suggestion.slot if cat is not None and cat.id == suggestion.category_id else None)
    max_bytes = cat.max_bytes if cat else spec.max_bytes
    formats = cat.formats if cat else spec.formats
    has_text = bool(text.text.strip())
    with _timed(timings, "compress"):
        pieces = _pack(prep.flat, text.lines, text.line_px, cat, slot, spec, max_bytes, formats, timings)
        split_note = None
        if pieces and not _good(pieces[0], prep.flat, text.line_px, spec) and _may_split(cat, spec):
            parts = _split(prep.flat, text, cat, slot, spec, max_bytes, formats, timings)
            if parts is not None:
                whole = pieces[0].packed
                why = (f"识别一致率最高{whole.legibility or 0:.0%}" if whole.legible is False
                       else f"文字会小于{spec.checks.min_text_px}像素")
                split_note = (f"整页压缩到 {max_bytes:,} 字节以内无法看清（{why}），已按阅读顺序从上到下分成 "
                              f"{len(parts)} 张（相邻两张略有重叠），请按 1–{len(parts)} 的顺序全部上传到同一类材料")
                pieces = parts
    release_between_stages()
    checks_common = [
        *([mc.material_readable(damage)] if damage else []),
        mc.material_orientation(prep.rotation, prep.orientation_confidence, text.skew,
                                max_skew=spec.checks.max_skew_degrees, min_confidence=MIN_ORIENTATION_CONFIDENCE,
                                mirrored=mirrored),
        *([mc.material_blur(prep.sharpness, spec.checks.min_sharpness)] if prep.sharpness is not None else []),
        *([mc.material_glare(prep.glare, spec.checks.max_glare_fraction)] if prep.glare is not None else []),
    ]
    notes = list(prep.notes)
    if damage:
        notes.insert(0, "原文件有损坏（解码时出错），输出图片中可能有错位或色块，请核对")
    outputs: list[OutputFile] = []
    # What a reviewer reads, from the upload file's own OCR.
    # The hand-held photo's category is its slot's; whether its card reads is material.card_text.
    extra = [category_sanity(spec, cat, text.text, suggestion)] if category is not None and cat and not held else []
    upload = _upload_lines(pieces, prep.flat.shape) if pieces else None
    if upload is not None and cat is not None:
        extra += review(spec, cat, slot, *upload, name=name)
    if held:
        extra += _handheld_checks(prep.flat, upload[0] if upload else text.lines, spec)
    with _timed(timings, "write"):
        if not pieces:
            checks = [mc.material_format(None, formats, False), mc.material_bytes(None, max_bytes), *checks_common,
                      mc.material_resolution(None, spec.checks.min_text_px),
                      mc.material_legibility(None, spec.checks.min_legibility), *extra]
        else:
            notes.extend(_compress_note(piece.packed) for piece in pieces)
            if split_note:
                notes.append(split_note)
            elif has_text and cat is not None and not _good(pieces[0], prep.flat, text.line_px, spec) \
                    and not _may_split(cat, spec):
                notes.append(_no_split_note(cat, max_bytes))
            checks, outputs = _write_checked(pieces, stem, prep, text, has_text, formats, max_bytes, spec,
                                             checks_common, extra)
    worst = min((p.packed for p in pieces), key=lambda c: c.legibility or 0.0) if pieces else None
    report = MaterialReport(
        input=path, page=page, category=cat.id if cat else None, slot=slot, suggestion=suggestion,
        checks=checks, output=outputs[0] if outputs else None, corners=prep.corners.round(1).tolist(),
        rotation=prep.rotation, legibility=worst.legibility if worst and has_text else None, text=text.text,
        notes=notes, document_found=prep.found, mirrored=mirrored, parts=outputs if len(outputs) > 1 else [],
    )
    return report, timings


def _handheld_checks(photo: np.ndarray, lines: Sequence[TextLine], spec: MaterialsSpec) -> list[CheckResult]:
    """material.face on the (un-mirrored) photo, material.card_text on the upload file's OCR."""
    from photocheck.documents.handheld import card_chars, find_person

    c = spec.checks
    return [mc.material_face(find_person(photo), min_face=c.handheld_min_face, margin=c.handheld_face_margin),
            mc.material_card_text(card_chars(lines), c.handheld_min_card_chars)]


@dataclass(frozen=True)
class _Piece:
    """One upload file: the whole page, or one band of it from `top` px down."""

    packed: Compressed
    reader: ExportReader  # the reader that verified it
    top: int = 0
    chars: int = 0  # characters of its reference text


def _pack(page: np.ndarray, lines: Sequence[TextLine], line_px: float | None, cat: Category | None, slot: str | None,
          spec: MaterialsSpec, max_bytes: int, formats: tuple[str, ...], timings: Timings) -> list[_Piece]:
    """The page compressed and verified against its reference `lines` (the key fields read in them
    must still read), as one piece; [] when nothing fits."""
    from photocheck.documents.compress import compress_document, text_chars
    from photocheck.documents.fields import ExportReader, read_fields
    from photocheck.documents.ocr import plain_text

    reader = ExportReader(lines, page.shape)
    reference = plain_text(lines)
    size = (page.shape[1], page.shape[0])
    must = {r.id for r in read_fields(lines, cat, slot, size) if r.ok} if cat is not None else set()

    def fields_kept() -> bool:
        if not must or cat is None:
            return True
        seen, (h, w) = reader.last
        return must <= {r.id for r in read_fields(seen, cat, slot, (w, h)) if r.ok}

    try:
        packed = compress_document(
            page, max_bytes, min_text_px=spec.checks.min_text_px, reference=reference,
            score=reader if reference.strip() else None, allow_grey=True, allow_png="png" in formats,
            floor_quality=spec.floor_quality, min_legibility=spec.checks.min_legibility, text_px=line_px,
            timer=lambda: _timed(timings, "legibility_ocr"), legibility_z=spec.checks.legibility_z,
            confirm=fields_kept,
        )
    except ValueError:
        return []
    return [_Piece(packed, reader, 0, text_chars(reference))]


def _good(piece: _Piece, page: np.ndarray, line_px: float | None, spec: MaterialsSpec) -> bool:
    """The file keeps its text legible and at least min_text_px tall."""
    c = piece.packed
    tall = line_px is None or line_px * c.width / page.shape[1] >= spec.checks.min_text_px
    return c.legible is not False and tall


def _may_split(cat: Category | None, spec: MaterialsSpec) -> bool:
    """A page may go up in parts where the category takes numbered files: not in one with slots
    (正面/反面), and at most as many as the category takes."""
    if spec.checks.split_max_parts < 2 or cat is None:
        return cat is None and spec.checks.split_max_parts >= 2
    return not cat.variants and (cat.max_count is None or cat.max_count >= 2)


def _no_split_note(cat: Category, max_bytes: int) -> str:
    return (f"「{cat.name}」的张数固定，不能把一页分成多张上传：整页压缩到 {max_bytes:,} 字节以内文字无法看清，"
            "请只拍文件本身、让它充满画面并对焦后重拍，或改用清晰的扫描件或电子版")


def _split(flat: np.ndarray, text: Text, cat: Category | None, slot: str | None, spec: MaterialsSpec,
           max_bytes: int, formats: tuple[str, ...], timings: Timings) -> list[_Piece] | None:
    """The fewest bands (2 to split_max_parts, and no more than the category takes) that are each
    legible and tall enough under the cap; None when even the most are not."""
    from photocheck.documents.split import bands, lines_within

    most = spec.checks.split_max_parts
    if cat is not None and cat.max_count is not None:
        most = min(most, cat.max_count)
    for count in range(2, most + 1):
        pieces: list[_Piece] = []
        for top, bottom in bands(flat.shape[0], [ln.box for ln in text.lines], count, spec.checks.split_overlap):
            lines = lines_within(text.lines, top, bottom)
            # Key fields are looked for on the whole page (review), not required in every band.
            got = _pack(flat[top:bottom], lines, text.line_px, None, None, spec, max_bytes, formats, timings)
            if not got or not _good(got[0], flat[top:bottom], text.line_px, spec):
                break
            pieces.append(replace(got[0], top=top))
        else:
            return pieces
    return None


def _upload_lines(pieces: list[_Piece], shape: tuple[int, ...]) -> tuple[list[TextLine], tuple[int, int]]:
    """The OCR lines of the upload file(s) and the size they are in: one file's own, or every
    part's mapped back onto the page."""
    from photocheck.documents.split import on_page

    if len(pieces) == 1:
        c = pieces[0].packed
        return pieces[0].reader.lines_of(c.data), (c.width, c.height)
    lines = []
    for piece in pieces:
        c = piece.packed
        lines += on_page(piece.reader.lines_of(c.data), piece.top, c.width / shape[1])
    return lines, (shape[1], shape[0])


def _write_checked(pieces: list[_Piece], stem: Path, prep: FlatPage, text: Text, has_text: bool,
                   formats: tuple[str, ...], max_bytes: int, spec: MaterialsSpec,
                   checks_common: list[CheckResult],
                   extra: list[CheckResult]) -> tuple[list[CheckResult], list[OutputFile]]:
    """Stage the file(s), re-read them from disk, check them; rename them into place (`stem`.jpg,
    or `stem`_1.jpg, _2... for parts) only if nothing fails."""
    staged = []
    try:
        finals = []
        for n, piece in enumerate(pieces, start=1):
            c = piece.packed
            name = stem.name if len(pieces) == 1 else f"{stem.name}_{n}"
            final = stem.with_name(name + (".png" if c.format == "png" else ".jpg"))
            staged.append(write_staged(final, c.data))
            finals.append(final)
        datas = [s.read_bytes() for s in staged]
        worst = min(pieces, key=lambda p: p.packed.legibility or 0.0)
        c0 = pieces[0].packed
        text_px = text.line_px * c0.width / prep.flat.shape[1] if text.line_px else None
        formats_ok = [mc.material_format(d, formats, _decodes(d, p.packed.width, p.packed.height))
                      for d, p in zip(datas, pieces, strict=True)]
        checks = [
            next((f for f in formats_ok if f.failed), formats_ok[0]),
            mc.material_bytes(max(len(d) for d in datas), max_bytes),
            *checks_common,
            mc.material_resolution(text_px, spec.checks.min_text_px),
            mc.material_legibility(worst.packed.legibility if has_text else None, spec.checks.min_legibility,
                                   chars=worst.chars, z=spec.checks.legibility_z,
                                   fields_kept=bool(worst.packed.legible)),
            *extra,
        ]
        if any(c.failed for c in checks):
            for s in staged:
                s.unlink()
            return checks, []
        for s, final in zip(staged, finals, strict=True):
            os.replace(s, final)
    except BaseException:
        for s in staged:
            s.unlink(missing_ok=True)
        raise
    return checks, [OutputFile(f, len(d), p.packed.width, p.packed.height, p.packed.quality)
                    for f, d, p in zip(finals, datas, pieces, strict=True)]
