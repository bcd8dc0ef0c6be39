"""Legibility first under a byte cap: pick resolution, JPEG quality and chroma subsampling,
greyscale, or an adaptive-palette PNG for a document image, judged by OCR agreement.

Candidates are ranked by a cheap proxy (SSIM on text areas at one common resolution, so both
compression artefacts and lost resolution count); only the best few are OCR-verified, in that
order, stopping at the first that meets the legibility bar. OCR is the expensive step.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from photocheck.ocr import TextLine

# JPEG qualities searched; below Q_FLOOR block artefacts eat strokes of small CJK characters.
Q_FLOOR, Q_MAX = 30, 95
# Long-side steps between full resolution and the smallest that keeps text legible.
SCALE_STEPS = 5
# Below this long side nothing is a document any more.
MIN_SIDE = 64
# Palette sizes tried for flat pages (adaptive palette, no dithering: dots cost bytes).
PALETTE_SIZES = (16, 64)
# A page is "flat" when a 16-colour palette reproduces it within this mean error (0-255).
FLAT_TOLERANCE = 3.0
# Meaningful colour: saturated pixels (max - min channel) covering a share of the page, so a
# red seal or a coloured ID photo keeps the page in colour while a paper tint does not.
COLOUR_CHROMA, COLOUR_SHARE = 60, 0.002
# The proxy compares everything with text this many times min_text_px tall.
EVAL_TEXT_FACTOR = 2.0
# Image-based text height (connected components) -> OCR line-box height, measured on CJK
# documents; on Latin text it reads low, which only keeps more pixels.
CC_TO_LINE_BOX = 1.35


@dataclass(frozen=True)
class Compressed:
    data: bytes
    format: str  # "jpeg" | "png"
    width: int
    height: int
    quality: int | None  # JPEG quality; None for PNG
    grey: bool
    palette: bool
    legibility: float | None  # OCR agreement with the reference; None when not OCR-verified


# --- agreement ---------------------------------------------------------------------------------


def _levenshtein(a: str, b: str) -> int:
    """Edit distance, one numpy pass per character of `a` (pages run to thousands of chars).

    Within a row, insertions chain left to right; row[j] = min_k<=j (t[k] + j - k) is a running
    minimum of t[k] - k, so the whole row is vectorised.
    """
    if not a or not b:
        return max(len(a), len(b))
    codes_b = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    idx = np.arange(len(b) + 1, dtype=np.int64)
    prev = idx.copy()
    for i, ch in enumerate(a, start=1):
        cost = (codes_b != ord(ch)).astype(np.int64)
        t = np.empty_like(prev)
        t[0] = i
        t[1:] = np.minimum(prev[1:] + 1, prev[:-1] + cost)
        prev = np.minimum.accumulate(t - idx) + idx
    return int(prev[-1])


def agreement(reference_text: str, candidate_text: str) -> float:
    """1 - edit distance / longer length, on whitespace-stripped text; 1.0 for two empty texts."""
    a = "".join(reference_text.split())
    b = "".join(candidate_text.split())
    longest = max(len(a), len(b))
    if longest == 0:
        return 1.0
    return 1.0 - _levenshtein(a, b) / longest


def seal_free(rgb: np.ndarray) -> np.ndarray:
    """The page as OCR agreement sees it: the red channel as grey, where red seals all but
    vanish and dark print stays. OCR reads curved seal text as random fragments that change
    with every re-encode, which would otherwise swamp the score of a short document."""
    return np.ascontiguousarray(np.repeat(rgb[:, :, :1], 3, axis=2))


# --- page measures -----------------------------------------------------------------------------


def line_height(lines: Sequence[TextLine]) -> float | None:
    """Median OCR line-box height in px (the box's left edge), None without lines."""
    if not lines:
        return None
    return float(np.median([np.linalg.norm(ln.box[3] - ln.box[0]) for ln in lines]))


def estimate_line_height(rgb: np.ndarray) -> float | None:
    """OCR-free estimate of line_height from dark glyph components; None on a page without."""
    import cv2

    grey = _luma(rgb)
    ink = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    glyph = (h >= 4) & (h <= grey.shape[0] / 8) & (w <= 3 * h) & (stats[1:, cv2.CC_STAT_AREA] >= 8)
    if not glyph.any():
        return None
    # CJK characters split into radicals; the upper quartile is closer to a whole character.
    return float(np.percentile(h[glyph], 75)) * CC_TO_LINE_BOX


def has_colour(rgb: np.ndarray) -> bool:
    """True when saturated pixels (a seal, a photo, coloured print) cover a share of the page."""
    sample = rgb[::2, ::2]  # a quarter of the pixels decides as well, four times faster
    chroma = sample.max(axis=2).astype(np.int16) - sample.min(axis=2)
    return float(np.mean(chroma > COLOUR_CHROMA)) > COLOUR_SHARE


def is_flat(rgb: np.ndarray, grey: bool) -> bool:
    """True when a 16-colour palette reproduces the page closely: print on plain paper."""
    im = Image.fromarray(_luma(rgb) if grey else rgb)
    im.thumbnail((512, 512), Image.Resampling.BOX)
    quant = _quantize(im, 16).convert(im.mode)
    err = np.abs(np.asarray(quant, np.int16) - np.asarray(im, np.int16))
    return float(err.mean()) < FLAT_TOLERANCE


def _luma(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(Image.fromarray(rgb).convert("L"))


def _quantize(im: Image.Image, colours: int) -> Image.Image:
    return im.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


# --- candidates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mode:
    grey: bool
    subsampling: int | None  # JPEG: 0 = 4:4:4, 2 = 4:2:0; None for a palette PNG
    colours: int | None  # palette size for PNG


@dataclass(frozen=True)
class _Candidate:
    mode: _Mode
    data: bytes
    width: int
    height: int
    quality: int | None


def _encode(im: Image.Image, mode: _Mode, quality: int | None, final: bool) -> bytes:
    """Baseline JPEG (no EXIF/ICC) or optimised palette PNG; Huffman optimisation only on the
    final pass since it shrinks, never grows, the file."""
    buf = io.BytesIO()
    if mode.colours is not None:
        _quantize(im, mode.colours).save(buf, "PNG", optimize=True)
    else:
        im.save(
            buf,
            "JPEG",
            quality=quality,
            subsampling=mode.subsampling,
            optimize=final,
            progressive=False,
        )
    return buf.getvalue()


def _best_quality(im: Image.Image, mode: _Mode, max_bytes: int, q_low: int) -> int | None:
    """Highest quality in [q_low, Q_MAX] whose file fits; None if even q_low does not."""
    if len(_encode(im, mode, q_low, final=False)) > max_bytes:
        return None
    lo, hi = q_low, Q_MAX
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(_encode(im, mode, mid, final=False)) <= max_bytes:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _scales(floor: float) -> list[float]:
    """Geometric steps from 1 down to `floor` (inclusive)."""
    if floor >= 1.0:
        return [1.0]
    n = min(SCALE_STEPS, max(2, math.ceil(math.log(floor) / math.log(0.85)) + 1))
    return [floor ** (i / (n - 1)) for i in range(n)]


class _Pyramid:
    """Resized copies (colour or luma) by scale, each made once and shared by all modes."""

    def __init__(self, rgb: np.ndarray) -> None:
        self.rgb = rgb
        self.cache: dict[tuple[float, bool], Image.Image] = {}

    def get(self, scale: float, grey: bool) -> Image.Image:
        key = (scale, grey)
        if key not in self.cache:
            self.cache[key] = self._resize(scale, grey)
        return self.cache[key]

    def _resize(self, scale: float, grey: bool) -> Image.Image:
        import cv2

        h, w = self.rgb.shape[:2]
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        src = _luma(self.rgb) if grey else self.rgb
        out = src if scale == 1.0 else cv2.resize(src, size, interpolation=cv2.INTER_AREA)
        return Image.fromarray(np.ascontiguousarray(out))


def _palette_candidate(
    pyramid: _Pyramid, max_bytes: int, scales: list[float], mode: _Mode
) -> _Candidate | None:
    """The largest scale whose palette PNG fits, trying small (cheap) scales first: PNG bytes
    grow with pixels, and quantising a full page is the slowest step."""
    best = None
    for scale in sorted(scales):
        im = pyramid.get(scale, mode.grey)
        data = _encode(im, mode, None, final=True)
        if len(data) > max_bytes:
            break
        best = _Candidate(mode, data, im.width, im.height, None)
    return best


def _jpeg_candidates(
    pyramid: _Pyramid, max_bytes: int, scales: list[float], mode: _Mode
) -> Iterator[_Candidate]:
    """The best-fitting JPEG at each scale, largest first; stops once Q_MAX fits, as smaller
    scales can then only lose pixels."""
    q_low = Q_FLOOR
    for scale in sorted(scales, reverse=True):
        im = pyramid.get(scale, mode.grey)
        q = _best_quality(im, mode, max_bytes, q_low)
        if q is None:
            continue
        yield _Candidate(mode, _encode(im, mode, q, final=True), im.width, im.height, q)
        if q >= Q_MAX:
            return
        q_low = q  # fewer pixels afford at least this quality


def _candidates(
    pyramid: _Pyramid, max_bytes: int, scales: list[float], modes: list[_Mode]
) -> list[_Candidate]:
    found: list[_Candidate] = []
    for mode in modes:
        if mode.colours is None:
            found.extend(_jpeg_candidates(pyramid, max_bytes, scales, mode))
        elif (cand := _palette_candidate(pyramid, max_bytes, scales, mode)) is not None:
            found.append(cand)
    return found


def _modes(rgb: np.ndarray, allow_grey: bool, allow_png: bool) -> list[_Mode]:
    grey = allow_grey and not has_colour(rgb)
    modes = [_Mode(True, 2, None)] if grey else [_Mode(False, 0, None), _Mode(False, 2, None)]
    if allow_png and is_flat(rgb, grey):
        modes += [_Mode(grey, None, k) for k in PALETTE_SIZES]
    return modes


# --- proxy -------------------------------------------------------------------------------------


def _decode(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"))


def _ssim_map(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    import cv2

    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (0, 0), 1.5)

    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a * mu_a
    var_b = blur(b * b) - mu_b * mu_b
    cov = blur(a * b) - mu_a * mu_b
    return ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / (
        (mu_a * mu_a + mu_b * mu_b + c1) * (var_a + var_b + c2)
    )


class _Proxy:
    """Mean SSIM of a candidate's luma against the original's, both at one evaluation size,
    over the text (strong-edge) area."""

    def __init__(self, rgb: np.ndarray, eval_scale: float) -> None:
        import cv2

        h, w = rgb.shape[:2]
        self.size = (max(1, round(w * eval_scale)), max(1, round(h * eval_scale)))
        self.ref = self._prepare(rgb)
        grad = cv2.morphologyEx(self.ref, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
        mask = cv2.dilate((grad > 24).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        self.mask = mask if mask.mean() > 0.001 else np.ones_like(mask)

    def _prepare(self, rgb: np.ndarray) -> np.ndarray:
        import cv2

        grey = _luma(rgb).astype(np.float32)
        if grey.shape[::-1] == self.size:
            return grey
        shrink = grey.shape[1] > self.size[0]
        interp = cv2.INTER_AREA if shrink else cv2.INTER_CUBIC
        return cv2.resize(grey, self.size, interpolation=interp)

    def __call__(self, candidate: _Candidate) -> float:
        return float(_ssim_map(self.ref, self._prepare(_decode(candidate.data)))[self.mask].mean())


# --- selection ---------------------------------------------------------------------------------


def _result(c: _Candidate, legibility: float | None) -> Compressed:
    return Compressed(
        data=c.data,
        format="png" if c.mode.colours is not None else "jpeg",
        width=c.width,
        height=c.height,
        quality=c.quality,
        grey=c.mode.grey,
        palette=c.mode.colours is not None,
        legibility=None if legibility is None else round(legibility, 4),
    )


def _all_candidates(
    rgb: np.ndarray, max_bytes: int, floor: float, modes: list[_Mode]
) -> list[_Candidate]:
    """Candidates down to `floor`; if nothing fits there, keep shrinking past it: an upload
    that fits beats none, and its legibility score then tells the user."""
    pyramid = _Pyramid(rgb)
    found = _candidates(pyramid, max_bytes, _scales(floor), modes)
    scale = floor
    while not found and max(rgb.shape[:2]) * scale * 0.85 >= MIN_SIDE:
        scale *= 0.85
        found = _candidates(pyramid, max_bytes, [scale], modes)
    if not found:
        raise ValueError(f"no encoding fits {max_bytes} bytes at a long side >= {MIN_SIDE} px")
    return found


def compress_document(
    rgb: np.ndarray,
    max_bytes: int,
    *,
    min_text_px: int,
    reference: str | None = None,
    score: Callable[[np.ndarray], str] | None = None,
    allow_grey: bool,
    allow_png: bool,
    min_legibility: float = 0.95,
    max_ocr_runs: int = 3,
    text_px: float | None = None,
) -> Compressed:
    """The most legible encoding of a rectified document that fits `max_bytes`.

    `score` reads text (OCR) from an RGB image; with it, candidates are verified against
    `reference`, the text of seal_free(rgb) (read with `score` when not given). `text_px` is
    the median OCR line-box height of `rgb` (see line_height); estimated from the image when
    not given.
    Without `score` the proxy alone decides and legibility is None.
    """
    if max_ocr_runs < 1:
        raise ValueError(f"max_ocr_runs must be at least 1, got {max_ocr_runs}")
    rgb = np.ascontiguousarray(rgb[:, :, :3], dtype=np.uint8)
    measured = text_px if text_px is not None else estimate_line_height(rgb)
    floor = min(1.0, min_text_px / measured) if measured else 1.0
    eval_scale = min(1.0, EVAL_TEXT_FACTOR * floor)
    candidates = _all_candidates(rgb, max_bytes, floor, _modes(rgb, allow_grey, allow_png))
    proxy = _Proxy(rgb, eval_scale)
    # Near-equal proxies count as a tie, which the larger image wins.
    ranked = sorted(candidates, key=lambda c: (-round(proxy(c), 3), -c.width * c.height))
    if score is None:
        return _result(ranked[0], None)
    ref_text = reference if reference is not None else score(seal_free(rgb))
    verified: list[tuple[float, _Candidate]] = []
    for cand in ranked[:max_ocr_runs]:
        legibility = agreement(ref_text, score(seal_free(_decode(cand.data))))
        if legibility >= min_legibility:
            return _result(cand, legibility)
        verified.append((legibility, cand))
    best = max(verified, key=lambda v: (v[0], v[1].width * v[1].height))
    return _result(best[1], best[0])
