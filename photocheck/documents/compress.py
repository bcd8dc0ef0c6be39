"""Legibility first under a byte cap: pick resolution, JPEG quality, colour or greyscale, or an
adaptive-palette PNG for a document image, judged by OCR agreement.

The output resolution is decided first (text height and a long-side cap; one step smaller when
the quality there would be poor), the page is resized once per resolution, and qualities are
searched on a sample: a mosaic of small cells spread over the page (file size scales with
area), where a cheap proxy (SSIM near the strokes) also ranks JPEG against palette PNG. Only the
chosen candidates are encoded at full size, and the best few are OCR-verified, in order,
stopping at the first that meets the legibility bar. OCR is the expensive step.

Colour JPEGs are 4:2:0: at a byte cap, full-resolution chroma buys nothing a reader sees and
costs luma quality. Only a page that reaches Q_MAX anyway gets 4:4:4.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from photocheck.io.jpeg import highest_quality

if TYPE_CHECKING:
    from concurrent.futures import Future

    from photocheck.documents.ocr import TextLine

# The highest JPEG quality searched (the lowest is the profile's materials.floor_quality).
Q_MAX = 95
# The output's long side before text height is considered: a 200,000-byte page rarely gains
# from more pixels, only from more quality per pixel.
MAX_SIDE = 2500
# Below this JPEG quality one smaller resolution is tried as well (SCALE_STEP of the first).
Q_GOOD, SCALE_STEP = 50, 0.85
# Sizes are searched on a sample of CELL-sized cells (rows, columns: whole 4:2:0 blocks), one
# picked at random from each run of 1/SAMPLE_SHARE cells: documents alternate blank margins and
# dense print, so whole bands of rows misjudge a page's size by 20 % on average (up to half)
# where the cells are off by 4 % (at most 11 %; benchmarks/compress_sampling.py). A smaller
# page is its own sample.
SAMPLE_SHARE, CELL, SAMPLE_MIN_PIXELS = 0.15, (16, 64), 600_000
# Colour and flatness are judged on a copy 1-2x this size (exact halvings are cheap).
MEASURE_SIDE = 1024
# Full-size encodes per JPEG candidate at most, and the share of the cap that is close enough.
FIT_ROUNDS, FULL_ENOUGH = 5, 0.93
# Predictions of full-size bytes aim this much under the cap, from the sample alone and once a
# full-size encode has measured the full-to-sample ratio: one that lands just over costs another
# full encode, and one within FULL_ENOUGH of the cap is kept (a quality step is 1.6-3 %).
FIRST_MARGIN, FIT_MARGIN = 0.97, 0.99
# A palette PNG is made at full size only when its sample predicts at most this times the cap.
PNG_SLACK = 1.25
# Below this long side nothing is a document any more.
MIN_SIDE = 64
# Palette sizes tried for flat pages (adaptive palette, no dithering: dots cost bytes).
PALETTE_SIZES = (16, 64)
# A page is "flat" when a 16-colour palette reproduces it within this mean error (0-255), judged
# on a copy FLAT_SIDE px long (quantising costs with the pixel count; at 256 px the generated
# documents and scans fall on the same side of the tolerance as at 512).
FLAT_TOLERANCE, FLAT_SIDE = 3.0, 256
# Meaningful colour: saturated pixels (max - min channel) covering a share of the page, so a
# red seal or a coloured ID photo keeps the page in colour while a paper tint does not.
COLOUR_CHROMA, COLOUR_SHARE = 60, 0.002
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
    legible: bool | None = None  # that agreement judged (compress.legible and `confirm`); None: not verified


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


def text_chars(text: str) -> int:
    """The characters an agreement is measured over (whitespace does not count)."""
    return len("".join(text.split()))


def agreement_bound(value: float, chars: int, z: float) -> float:
    """Upper Wilson bound (one-sided, `z`) on the per-character agreement `value` observed over
    `chars` characters: how good the file may well be, given how little text there is."""
    if chars <= 0 or z <= 0:
        return value
    n, p = float(chars), min(1.0, max(0.0, value))
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return min(1.0, (centre + spread) / (1 + z * z / n))


def legible(value: float, chars: int, bar: float, z: float) -> bool:
    """The agreement reaches `bar`, or falls short by no more than the text's size can tell."""
    return value >= bar or agreement_bound(value, chars, z) >= bar


def seal_free(rgb: np.ndarray) -> np.ndarray:
    """The page as OCR agreement sees it: the red channel as a grey image, where red seals all
    but vanish and dark print stays. OCR reads curved seal text as random fragments that change
    with every re-encode, which would otherwise swamp the score of a short document."""
    return np.ascontiguousarray(rgb[:, :, 0])


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
    import cv2

    sample = np.ascontiguousarray(rgb[::2, ::2])  # a quarter of the pixels decides as well
    r, g, b = cv2.split(sample)
    chroma = cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b))
    return cv2.countNonZero((chroma > COLOUR_CHROMA).view(np.uint8)) > COLOUR_SHARE * chroma.size


def is_flat(rgb: np.ndarray, grey: bool) -> bool:
    """True when a 16-colour palette reproduces the page closely: print on plain paper."""
    im = Image.fromarray(_luma(rgb) if grey else rgb)
    im.thumbnail((FLAT_SIDE, FLAT_SIDE), Image.Resampling.BOX)
    quant = _quantize(im, 16).convert(im.mode)
    err = np.abs(np.asarray(quant, np.int16) - np.asarray(im, np.int16))
    return float(err.mean()) < FLAT_TOLERANCE


def _luma(rgb: np.ndarray) -> np.ndarray:
    import cv2

    if rgb.ndim == 2:
        return rgb
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)  # ITU-R 601 weights, as Pillow's "L"


def _bgr_luma(bgr: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)


def _quantize(im: Image.Image, colours: int) -> Image.Image:
    return im.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


# --- candidates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mode:
    grey: bool
    subsampling: int | None  # JPEG: 0 = 4:4:4, 2 = 4:2:0 (ignored for grey); None for a palette PNG
    colours: int | None  # palette size for PNG


@dataclass(frozen=True)
class _Candidate:
    mode: _Mode
    data: bytes
    width: int
    height: int
    quality: int | None


_SAMPLING = {0: 0x111111, 2: 0x221111}  # OpenCV's IMWRITE_JPEG_SAMPLING_FACTOR values


def _encode(page: np.ndarray, mode: _Mode, quality: int | None, *, smallest: bool = False) -> bytes:
    """Baseline JPEG with optimised Huffman tables and no metadata (OpenCV: the same libjpeg-turbo
    bytes as Pillow, a tenth faster, and from the BGR array as is), or a palette PNG: deflate
    level 6, or with `smallest` Pillow's optimize (level 9: about 6 % smaller, 7 times slower).
    `page` is BGR, or luma for grey modes."""
    import cv2

    if mode.colours is not None:
        rgb = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2RGB)
        buf = io.BytesIO()
        png = {"optimize": True} if smallest else {"compress_level": 6}
        _quantize(Image.fromarray(rgb), mode.colours).save(buf, "PNG", **png)
        return buf.getvalue()
    if quality is None or mode.subsampling is None:
        raise ValueError(f"a JPEG needs a quality and a subsampling, got {quality}, {mode.subsampling}")
    params = [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1]
    if page.ndim == 3:
        params += [cv2.IMWRITE_JPEG_SAMPLING_FACTOR, _SAMPLING[mode.subsampling]]
    ok, data = cv2.imencode(".jpg", page, params)
    if not ok:
        raise ValueError(f"JPEG encoding failed for a {page.shape} page")
    return data.tobytes()


def _header_bytes(data: bytes) -> int:
    """Bytes before a JPEG's entropy-coded data (tables and headers, through the SOS segment):
    a fixed cost that does not grow with the area; 0 for a PNG."""
    if data[:2] != b"\xff\xd8":
        return 0
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:
            return pos
    return 0


def _cells(shape: tuple[int, ...]) -> tuple[np.ndarray, int] | None:
    """The sample's cells (row-major indices into the page's grid of CELL-sized cells, one picked
    at random in each of k equal runs of the grid: stratified, so every part of the page is in
    it) and the cells per mosaic row; None for a page that is its own sample."""
    h, w = shape[:2]
    rows, cols = h // CELL[0], w // CELL[1]
    if h * w <= SAMPLE_MIN_PIXELS or rows * cols < 4:
        return None
    per_row = cols  # mosaic rows as wide as the page: Huffman statistics and DC runs alike
    k = per_row * max(1, round(SAMPLE_SHARE * rows))
    edges = np.linspace(0, rows * cols, k + 1).astype(np.int64)
    picks = edges[:-1] + (np.random.default_rng(0).random(k) * np.diff(edges)).astype(np.int64)
    return picks, per_row


def _mosaic(page: np.ndarray, cells: tuple[np.ndarray, int] | None) -> np.ndarray:
    if cells is None:
        return page
    picks, per_row = cells
    ch, cw = CELL
    cols = page.shape[1] // cw
    grid = page[: page.shape[0] // ch * ch, : cols * cw]
    # (rows, ch, cols, cw, ...) -> (rows * cols, ch, cw, ...): every cell addressable at once.
    blocks = grid.reshape(-1, ch, cols, cw, *page.shape[2:]).swapaxes(1, 2).reshape(-1, ch, cw, *page.shape[2:])
    taken = blocks[picks].reshape(-1, per_row, ch, cw, *page.shape[2:]).swapaxes(1, 2)
    return np.ascontiguousarray(taken.reshape(-1, per_row * cw, *page.shape[2:]))


@dataclass
class _Level:
    """The page at one output resolution (BGR, or luma for grey modes) and its sample."""

    page: np.ndarray
    sample: np.ndarray
    encoded: dict[tuple[_Mode, int | None], bytes] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return int(self.page.shape[1])

    @property
    def height(self) -> int:
        return int(self.page.shape[0])

    @property
    def area_ratio(self) -> float:
        return float(self.page.shape[0] * self.page.shape[1] / (self.sample.shape[0] * self.sample.shape[1]))

    def sample_data(self, mode: _Mode, quality: int | None) -> bytes:
        """The sample encoded, once per mode and quality: searches revisit the same points."""
        key = (mode, quality)
        if key not in self.encoded:
            self.encoded[key] = _encode(self.sample, mode, quality)
        return self.encoded[key]

    def sample_bytes(self, mode: _Mode, quality: int) -> int:
        return len(self.sample_data(mode, quality))

    def page_data(self, mode: _Mode, quality: int | None) -> bytes:
        """The whole page encoded (a page that is its own sample: from the sample's cache)."""
        return self.sample_data(mode, quality) if self.sample is self.page else _encode(self.page, mode, quality)

    def predicted_bytes(self, mode: _Mode, quality: int | None) -> float:
        """The whole page's file size from its sample's: headers once, the rest by area."""
        data = self.sample_data(mode, quality)
        head = _header_bytes(data)
        return head + (len(data) - head) * self.area_ratio

    @cached_property
    def ref(self) -> _Reference:
        """The proxy's reference: the sample's luma."""
        return _Reference.of(self.sample if self.sample.ndim == 2 else _bgr_luma(self.sample))

    @cached_property
    def mask(self) -> np.ndarray:
        """Where the proxy looks: near strokes (the whole sample when it has none)."""
        import cv2

        luma = self.ref.luma.astype(np.uint8)
        grad = cv2.morphologyEx(luma, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
        mask = cv2.dilate((grad > 24).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        return mask if mask.mean() > 0.001 else np.ones_like(mask)


def _level(rgb: np.ndarray, scale: float, grey: bool) -> _Level:
    import cv2

    h, w = rgb.shape[:2]
    page = rgb
    if scale < 1.0:
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        page = cv2.resize(page, size, interpolation=cv2.INTER_AREA)
    page = _luma(page) if grey else cv2.cvtColor(page, cv2.COLOR_RGB2BGR)
    return _Level(page, _mosaic(page, _cells(page.shape)))


def _fit_jpeg(level: _Level, mode: _Mode, quality: int, max_bytes: int, lowest: int) -> _Candidate | None:
    """The full-size JPEG, starting at the sample's predicted quality and corrected with the
    measured full-to-sample size ratio: down until it fits (not below `lowest`), up while it
    leaves room."""
    best, lo, hi, q = None, lowest, Q_MAX, quality
    for _ in range(FIT_ROUNDS):
        data = level.page_data(mode, q)
        if len(data) <= max_bytes:
            best, lo = _Candidate(mode, data, level.width, level.height, q), q + 1
            if len(data) > FULL_ENOUGH * max_bytes:
                break
        else:
            hi = q - 1
        if lo > hi:
            break
        ratio = len(data) / level.sample_bytes(mode, q)
        nxt = highest_quality(lambda k: level.sample_bytes(mode, k), FIT_MARGIN * max_bytes / ratio, lo, hi,
                              start=lo)
        if nxt is None and best is None:
            nxt = lo  # the prediction says nothing fits: check the lowest quality left for real
        if nxt is None:
            break
        q = nxt
    return best


@dataclass(frozen=True)
class _Plan:
    """A candidate as measured on the sample: JPEG quality predicted, or the palette PNG made."""

    level: _Level
    mode: _Mode
    quality: int | None
    lowest: int  # the full-size fit may not go below this quality
    png: _Candidate | None = None

    def proxy(self) -> float:
        """Fidelity of the sample's encoding: SSIM near the strokes."""
        luma = _decode_luma(self.level.sample_data(self.mode, self.quality)).astype(np.float32)
        return float(_ssim_map(self.level.ref, luma)[self.level.mask].mean())

    def candidate(self, max_bytes: int) -> _Candidate | None:
        if self.png is not None:
            return self.png
        assert self.quality is not None, "a JPEG plan has a quality"
        return _fit_jpeg(self.level, self.mode, self.quality, max_bytes, self.lowest)


def _jpeg_plan(level: _Level, mode: _Mode, max_bytes: int, q_floor: int) -> _Plan | None:
    q = highest_quality(lambda k: level.predicted_bytes(mode, k), FIRST_MARGIN * max_bytes, q_floor, Q_MAX,
                        start=q_floor)
    return None if q is None else _Plan(level, mode, q, q_floor)


def _palette_plan(level: _Level, mode: _Mode, max_bytes: int, q_floor: int) -> _Plan | None:
    # Quantising and deflating a whole page is slow: only when its sample predicts a fit.
    if level.predicted_bytes(mode, None) > PNG_SLACK * max_bytes:
        return None
    data = level.page_data(mode, None)
    if len(data) > max_bytes:
        data = _encode(level.page, mode, None, smallest=True)
    if len(data) > max_bytes:
        return None
    return _Plan(level, mode, None, q_floor, _Candidate(mode, data, level.width, level.height, None))


def _plans(level: _Level, modes: _Modes, max_bytes: int, q_floor: int) -> list[_Plan]:
    """The modes' plans at one resolution, in order of preference.

    A colour JPEG that reaches Q_MAX in 4:2:0 leaves bytes to spare, spent on full-resolution
    colour (4:4:4 at Q_MAX) if that fits too. With palette PNGs in play the proxy ranks; of
    near-equal ones a palette PNG first (as faithful as a q95 JPEG of a flat page, crisp, and a
    fifth of its bytes), then mode order."""
    first = _jpeg_plan(level, modes.jpeg, max_bytes, q_floor)
    plans = [p for p in [first] if p] + [p for m in modes.palettes.result()
                                         if (p := _palette_plan(level, m, max_bytes, q_floor))]
    jpeg = next((p for p in plans if p.png is None), None)
    if jpeg is not None and not jpeg.mode.grey and jpeg.quality == Q_MAX:
        full_colour = _Mode(False, 0, None)
        if level.predicted_bytes(full_colour, Q_MAX) <= max_bytes:
            plans.insert(plans.index(jpeg), _Plan(level, full_colour, Q_MAX, Q_MAX))
    if len(plans) < 2 or all(p.png is None for p in plans):
        return plans
    return sorted(plans, key=lambda p: (-round(p.proxy(), 3), p.png is None))


@dataclass(frozen=True)
class _Modes:
    """The encodings to try: a JPEG always, palette PNGs for a flat page."""

    jpeg: _Mode
    palettes: Future[list[_Mode]]  # decided on a helper thread while the JPEG is planned


def _modes(rgb: np.ndarray, allow_grey: bool, allow_png: bool) -> _Modes:
    from photocheck.concurrency import helper
    from photocheck.documents.geometry import halve

    small = halve(rgb, MEASURE_SIDE)
    grey = allow_grey and not has_colour(small)

    def palettes() -> list[_Mode]:
        return [_Mode(grey, None, k) for k in PALETTE_SIZES] if allow_png and is_flat(small, grey) else []

    return _Modes(_Mode(grey, 2, None), helper("page-flatness").submit(palettes))


def _candidates(rgb: np.ndarray, max_bytes: int, scale: float, floor: float,
                modes: _Modes, q_floor: int) -> Iterator[_Candidate]:
    """Full-size candidates in order of preference: at `scale`, preceded by one step smaller
    (not below `floor`) when the best JPEG quality at `scale` is under Q_GOOD. If nothing fits,
    keep shrinking past the floor: an upload that fits beats none, and its legibility score
    then tells the user."""
    grey = modes.jpeg.grey
    level = _level(rgb, scale, grey)
    plans = _plans(level, modes, max_bytes, q_floor)
    quality = max((p.quality for p in plans if p.quality is not None), default=0)
    smaller = max(floor, scale * SCALE_STEP)
    if plans and quality < Q_GOOD and smaller < scale:
        plans = _plans(_level(rgb, smaller, grey), modes, max_bytes, q_floor) + plans
    found = False
    while True:
        for plan in plans:
            cand = plan.candidate(max_bytes)
            if cand is not None:
                found = True
                yield cand
        if found:
            return
        # Bytes go roughly with the pixel count: jump to where the lowest quality should fit.
        need = level.predicted_bytes(modes.jpeg, q_floor)
        scale *= min(SCALE_STEP, 0.97 * math.sqrt(max_bytes / need))
        if max(rgb.shape[:2]) * scale < MIN_SIDE:
            return
        level = _level(rgb, scale, grey)
        plans = _plans(level, modes, max_bytes, q_floor)


# --- proxy -------------------------------------------------------------------------------------


def _decode(data: bytes) -> np.ndarray:
    """One of our own encodings back to pixels: luma, or BGR."""
    import cv2

    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ValueError("OpenCV could not decode an encoded candidate")
    return img


def _decode_luma(data: bytes) -> np.ndarray:
    img = _decode(data)
    return img if img.ndim == 2 else _bgr_luma(img)


def _blur(x: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.GaussianBlur(x, (0, 0), 1.5)


@dataclass(frozen=True)
class _Reference:
    """The SSIM reference's luma (float32) and its local mean and variance, made once per level."""

    luma: np.ndarray
    mu: np.ndarray
    var: np.ndarray

    @classmethod
    def of(cls, luma: np.ndarray) -> _Reference:
        a = luma.astype(np.float32)
        mu = _blur(a)
        return cls(a, mu, _blur(a * a) - mu * mu)


def _ssim_map(ref: _Reference, b: np.ndarray) -> np.ndarray:
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_b = _blur(b)
    var_b = _blur(b * b) - mu_b * mu_b
    cov = _blur(ref.luma * b) - ref.mu * mu_b
    ssim: np.ndarray = ((2 * ref.mu * mu_b + c1) * (2 * cov + c2)) / (
        (ref.mu * ref.mu + mu_b * mu_b + c1) * (ref.var + var_b + c2))
    return ssim


# --- selection ---------------------------------------------------------------------------------


def _result(c: _Candidate, legibility: float | None, ok: bool | None = None) -> Compressed:
    return Compressed(
        data=c.data,
        format="png" if c.mode.colours is not None else "jpeg",
        width=c.width,
        height=c.height,
        quality=c.quality,
        grey=c.mode.grey,
        palette=c.mode.colours is not None,
        legibility=None if legibility is None else round(legibility, 4),
        legible=ok,
    )


def decoded_seal_free(data: bytes) -> np.ndarray:
    """seal_free of an encoded candidate: OpenCV decodes a third faster than Pillow, and only
    the red channel (BGR's last) is kept; a grey JPEG is its own red channel."""
    img = _decode(data)
    return img if img.ndim == 2 else np.ascontiguousarray(img[:, :, 2])


def compress_document(
    rgb: np.ndarray,
    max_bytes: int,
    *,
    min_text_px: int,
    reference: str | None = None,
    score: Callable[[np.ndarray], str] | None = None,
    allow_grey: bool,
    allow_png: bool,
    floor_quality: int,
    min_legibility: float,
    max_ocr_runs: int = 3,
    text_px: float | None = None,
    max_side: int = MAX_SIDE,
    timer: Callable[[], AbstractContextManager[object]] = nullcontext,
    legibility_z: float = 0.0,
    confirm: Callable[[], bool] | None = None,
) -> Compressed:
    """The most legible encoding of a rectified document that fits `max_bytes`.

    `score` reads text (OCR) from an RGB image; with it, candidates are verified against
    `reference`, the text of seal_free(rgb) (read with `score` when not given). `text_px` is
    the median OCR line-box height of `rgb` (see line_height); estimated from the image when
    not given. The output's long side starts at `max_side` (or the full size, if smaller) but
    never puts that text under `min_text_px`. JPEG quality stays within [floor_quality, Q_MAX];
    `min_text_px`, `floor_quality` and `min_legibility` are the profile's materials rules.
    Without `score` the proxy alone decides and legibility is None. Each verification (decode
    the candidate, read it, compare) runs inside `timer()`, so callers can time it apart.
    A candidate is legible when legible(agreement, reference characters, `min_legibility`,
    `legibility_z`) holds and `confirm()` (asked right after `score` read it: e.g. the key fields
    still read) agrees; the first legible one is returned, else the best read, with `legible` False.
    """
    if max_ocr_runs < 1:
        raise ValueError(f"max_ocr_runs must be at least 1, got {max_ocr_runs}")
    rgb = np.ascontiguousarray(rgb[:, :, :3], dtype=np.uint8)
    measured = text_px if text_px is not None else estimate_line_height(rgb)
    floor = min(1.0, min_text_px / measured) if measured else 1.0
    scale = max(floor, min(1.0, max_side / max(rgb.shape[:2])))
    candidates = _candidates(rgb, max_bytes, scale, floor, _modes(rgb, allow_grey, allow_png), floor_quality)
    nothing = ValueError(f"no encoding fits {max_bytes} bytes at a long side >= {MIN_SIDE} px")
    if score is None:
        first = next(candidates, None)
        if first is None:
            raise nothing
        return _result(first, None)
    ref_text = reference if reference is not None else score(seal_free(rgb))
    verified: list[tuple[float, _Candidate]] = []
    chars = text_chars(ref_text)
    for cand in candidates:
        with timer():
            legibility = agreement(ref_text, score(decoded_seal_free(cand.data)))
            ok = legible(legibility, chars, min_legibility, legibility_z) and (confirm is None or confirm())
        if ok:
            return _result(cand, legibility, True)
        verified.append((legibility, cand))
        if len(verified) == max_ocr_runs:
            break
    if not verified:
        raise nothing
    best = max(verified, key=lambda v: (v[0], v[1].width * v[1].height))
    return _result(best[1], best[0], False)
