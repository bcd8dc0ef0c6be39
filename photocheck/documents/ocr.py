"""Text reading behind one small interface: PP-OCR (rapidocr, models bundled in its wheel).

rapidocr is imported on first use only. Its engine object keeps each call's flags, so each thread
has its own; the detection and recognition models under it (onnxruntime sessions, whose Run is
documented as thread-safe, and stateless pre- and post-processing) are loaded once per thread
budget and shared: a second worker thread costs no second copy (about 150 MB).
Its visualisation (which downloads a font) is never called and onnxruntime's telemetry is switched
off before it loads, so nothing touches the network.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from photocheck.concurrency import release_between_stages

# onnxruntime 1.29 to 1.32 wheels for Linux (and, by their sources, macOS) carry telemetry: loading
# the native module writes a device id and an event queue to ~/.cache/Microsoft/DeveloperTools/
# .onnxruntime, and seconds later uploads them to mobile.events.data.microsoft.com. The one switch
# that stops all of it is ORT_DISABLE_TELEMETRY, read once as that module loads, so it is set here,
# before rapidocr imports onnxruntime; disable_telemetry_events() would come too late. Newer
# onnxruntime sources read ORT_TELEMETRY_DISABLED instead. tests/test_offline.py traces syscalls.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ["ORT_TELEMETRY_DISABLED"] = "1"

_local = threading.local()
_models: dict[int, tuple[Any, Any]] = {}  # inference threads -> rapidocr's (detector, recogniser)
_models_lock = threading.Lock()
# One page detection at a time across threads: its 1/4-scale feature maps of a few hundred channels
# are the largest scratch of a document's pipeline, and two at once set `prepare`'s peak memory.
# Recognition stays parallel: serialising it too left one core idle (prepare 19.6 s -> 33 s).
_detection = threading.Lock()

# rapidocr shrinks an image's long side to 2000 px and its detector then scales the short side up to
# DET_SIDE: a 10 x 10,000 strip would reach the detector at 736 x 736,000 px (gigabytes, minutes).
# An image longer than MAX_ASPECT times its width is therefore padded with white to DET_SIDE across
# (the detector then sees it at its own size) and read in overlapping tiles of TILE_ASPECT, at most
# MAX_TILES of them: a longer strip is scaled down first.
DET_SIDE = 736
MAX_ASPECT = 3.0
TILE_ASPECT = 2.0
MAX_TILES = 12
# Below this many px across there is no line of text to read (one character needs about as much).
MIN_TEXT_SIDE = 16
# read_page: the detector finds lines this many px tall as surely as taller ones (PP-OCR's
# detector is trained down to about 10 px), so a page of larger text is detected on a copy reduced
# to bring its lines to this height; a reduction by less than DET_SCALE_WORTH is not worth a resize.
DET_LINE_PX = 32.0
DET_SCALE_WORTH = 0.8


@dataclass(frozen=True)
class TextLine:
    text: str
    score: float
    box: np.ndarray  # (4, 2) float32 image px, clockwise from the top-left corner (by image
    # position: for upright text that is the text's top-left; rapidocr does not follow rotated text)


def use_threads(count: int) -> None:
    """Inference threads for the engine this thread makes (default 2): a thread that runs beside
    another busy one (prepare's per-document workers) takes 1, so the cores are not oversubscribed
    (onnxruntime's idle threads spin)."""
    _local.threads = count


def _engine() -> Any:
    """This thread's rapidocr engine; the classifier model loads only when first asked for."""
    engine = getattr(_local, "engine", None)
    if engine is None:
        import onnxruntime
        from rapidocr import RapidOCR

        # Windows builds log session events through ETW instead; this is their documented switch.
        onnxruntime.disable_telemetry_events()

        # Two threads per engine unless use_threads said otherwise: the pipeline already runs
        # several jobs side by side.
        threads = getattr(_local, "threads", 2)
        engine = RapidOCR(
            params={
                "Global.log_level": "error",
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
        with _models_lock:
            if threads not in _models:
                _models[threads] = (engine._load_det_model(), engine._load_rec_model())  # type: ignore[no-untyped-call]
            engine.text_det, engine.text_rec = _models[threads]
        _local.engine = engine
    return engine


def _bgr(rgb: np.ndarray) -> np.ndarray:
    """The PP-OCR models were trained on BGR; grey input is widened to three channels."""
    img = np.asarray(rgb)
    if img.ndim == 2:
        img = np.repeat(img[:, :, None], 3, axis=2)
    return np.ascontiguousarray(img[:, :, 2::-1])


def read_text(
    rgb: np.ndarray, *, classify: bool = False, min_score: float = 0.5
) -> list[TextLine]:
    """Text lines of an RGB (or grey) image in reading order: top-to-bottom, left-to-right.

    `classify` runs the 0/180 direction classifier on each line before recognition, for pages that
    may be upside down. Lines recognised with a score below `min_score` are dropped.
    """
    lines = []
    for tile in _tiles(np.asarray(rgb)):
        # Every stage flag is passed on each call: rapidocr keeps the last call's flags.
        out = _engine()(_bgr(tile.image), use_det=True, use_cls=classify, use_rec=True, text_score=min_score)
        if out.boxes is None or out.txts is None or out.scores is None:
            continue
        for b, t, s in zip(out.boxes, out.txts, out.scores, strict=True):
            box = tile.place(b)
            if box is not None:
                lines.append(TextLine(text=str(t), score=float(s), box=box))
    return _reading_order(lines)


def detect_lines(rgb: np.ndarray) -> list[np.ndarray]:
    """Text-line boxes only ((4, 2) float32, clockwise from the top-left corner in image
    coordinates), no recognition: about a third of read_text's time."""
    boxes: list[np.ndarray] = []
    for tile in _tiles(np.asarray(rgb)):
        with _detection:
            out = _engine()(_bgr(tile.image), use_det=True, use_cls=False, use_rec=False)
            # The feature maps' scratch goes back to the system before the other worker's
            # detection (or this one's recognition) allocates its own: kept by this thread's heap
            # until after the lock, it sat beside the next detection's in prepare's peak.
            release_between_stages()
        if out.boxes is not None:
            boxes.extend(box for b in out.boxes if (box := tile.place(b)) is not None)
    return boxes


def recognize_lines(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """(text, score) of each already cropped, upright single-line RGB image, in input order."""
    if not crops:
        return []
    out = _engine().recognize_txt([_bgr(c) for c in crops])
    return [(str(t), float(s)) for t, s in zip(out.txts, out.scores, strict=True)]


def crop_line(img: np.ndarray, box: np.ndarray) -> np.ndarray | None:
    """The line inside `box` straightened to a rectangle, as rapidocr cuts it before recognition
    (a line at least 1.5 times taller than wide is turned a quarter); None when the box lies
    outside the image or is thinner than a pixel."""
    import cv2

    pts = np.asarray(box, np.float32).reshape(4, 2)
    h_img, w_img = img.shape[:2]
    if pts[:, 0].max() < 0 or pts[:, 1].max() < 0 or pts[:, 0].min() >= w_img or pts[:, 1].min() >= h_img:
        return None
    width = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3])))
    height = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    if width < 1 or height < 1:
        return None
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    m = cv2.getPerspectiveTransform(pts, target)
    crop = cv2.warpPerspective(img, m, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    return np.rot90(crop) if height / width >= 1.5 else crop


def read_boxes(img: np.ndarray, boxes: Sequence[np.ndarray], *, min_score: float = 0.5) -> list[TextLine]:
    """Recognition only: the text in each of `boxes` ((4, 2) image px, e.g. another read's boxes
    scaled to this image), as TextLines in the order given; lines under `min_score` are dropped.
    No detection runs: a third to two thirds of read_text's time is saved."""
    kept, crops = [], []
    for box in boxes:
        crop = crop_line(img, box)
        if crop is not None:
            kept.append(np.asarray(box, np.float32).reshape(4, 2))
            crops.append(crop)
    return [TextLine(text, score, box) for box, (text, score) in zip(kept, recognize_lines(crops), strict=True)
            if score >= min_score and text.strip()]


def detect_page(img: np.ndarray, *, line_px: float | None = None) -> list[np.ndarray]:
    """detect_lines for a page whose text height is known roughly (`line_px`, line-box px, e.g.
    compress.estimate_line_height): where lines are taller than DET_LINE_PX the detector runs on a
    copy reduced to bring them near it (never below DET_SIDE across, where the detector would
    scale it back up). Boxes are in `img` px."""
    img = np.asarray(img)
    h, w = img.shape[:2]
    scale = 1.0
    if line_px and min(h, w) >= MIN_TEXT_SIDE:
        scale = min(1.0, max(DET_LINE_PX / line_px, DET_SIDE / min(h, w)))
    if scale > DET_SCALE_WORTH:
        return detect_lines(img)
    import cv2

    small = cv2.resize(img, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    fx, fy = w / small.shape[1], h / small.shape[0]
    return [b * np.array([fx, fy], np.float32) for b in detect_lines(small)]


def read_page(img: np.ndarray, boxes: Sequence[np.ndarray], *, min_score: float = 0.5) -> list[TextLine]:
    """read_text with the detection done (detect_page's `boxes`): the lines are recognised from
    the page itself at full resolution, in reading order."""
    return _reading_order(read_boxes(img, boxes, min_score=min_score))


def _reading_order(lines: list[TextLine]) -> list[TextLine]:
    """Sort into rows (boxes whose vertical centres lie within half a line height) then by x."""
    if not lines:
        return []
    by_y = sorted(lines, key=lambda ln: float(ln.box[:, 1].mean()))
    rows: list[list[TextLine]] = [[by_y[0]]]
    for ln in by_y[1:]:
        prev = rows[-1][-1]
        height = float(np.ptp(prev.box[:, 1]))
        if abs(float(ln.box[:, 1].mean()) - float(prev.box[:, 1].mean())) < 0.5 * height:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [ln for row in rows for ln in sorted(row, key=lambda ln: float(ln.box[:, 0].min()))]


def plain_text(lines: Sequence[TextLine]) -> str:
    """The recognised text, one line per TextLine, for classification and agreement scoring."""
    return "\n".join(ln.text for ln in lines)


@dataclass(frozen=True)
class _Tile:
    image: np.ndarray
    offset: int  # along the long axis, in the (possibly reduced) strip
    axis: int  # 0: tiles stacked top to bottom, 1: left to right
    keep: tuple[float, float]  # a line whose centre falls here belongs to this tile
    scale: float = 1.0  # strip px per image px

    def place(self, raw: Any) -> np.ndarray | None:
        """The tile's box in whole-image coordinates, or None when the neighbour keeps it."""
        box = np.asarray(raw, dtype=np.float32).reshape(4, 2).copy()
        coord = 1 - self.axis  # boxes are (x, y): stacked rows shift y
        box[:, coord] += self.offset
        centre = float(box[:, coord].mean())
        if not self.keep[0] <= centre < self.keep[1]:
            return None
        return box / self.scale if self.scale != 1.0 else box


def _tiles(img: np.ndarray) -> list[_Tile]:
    """The image itself, or overlapping tiles of a long strip (padded to DET_SIDE across, reduced
    when longer than MAX_TILES tiles), so the detector never sees an extreme shape."""
    h, w = img.shape[:2]
    if min(h, w) < MIN_TEXT_SIDE:
        return []
    axis = 0 if h >= w else 1
    long, short = max(h, w), min(h, w)
    if long <= MAX_ASPECT * short:
        return [_Tile(img, 0, axis, (-np.inf, np.inf))]
    scale = min(1.0, MAX_TILES * TILE_ASPECT * max(short, DET_SIDE) / long)
    if scale < 1.0:
        import cv2

        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
        h, w = img.shape[:2]
        long, short = max(h, w), min(h, w)
    if short < DET_SIDE:  # pad the short side (right or bottom: coordinates stay as they are)
        pad = [(0, 0)] * img.ndim
        pad[1 - axis] = (0, DET_SIDE - short)
        img = np.pad(img, pad, constant_values=255)
        short = DET_SIDE
    length = int(TILE_ASPECT * short)
    step = length - max(1, length // 8)
    # Whole tiles only: the last one ends at the strip's end (a thin remainder would be a strip again).
    starts = sorted({*range(0, max(1, long - length), step), max(0, long - length)})
    # A line belongs to the tile whose share of the overlap its centre falls in.
    cuts = [-np.inf] + [(b + a + length) / 2 for a, b in itertools.pairwise(starts)] + [np.inf]
    tiles = []
    for i, start in enumerate(starts):
        view = img[start:start + length] if axis == 0 else img[:, start:start + length]
        if int(view.max()) - int(view.min()) < 8:  # blank paper or padding: nothing to detect
            continue
        tiles.append(_Tile(np.ascontiguousarray(view), start, axis, (cuts[i], cuts[i + 1]), scale))
    return tiles
