"""Text reading behind one small interface: PP-OCR (rapidocr, models bundled in its wheel).

rapidocr is imported on first use only. Its engine holds onnxruntime sessions that are not
documented as thread-safe, so each thread keeps its own engine (loading one takes about a second).
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

# onnxruntime 1.29 to 1.32 wheels for Linux (and, by their sources, macOS) carry telemetry: loading
# the native module writes a device id and an event queue to ~/.cache/Microsoft/DeveloperTools/
# .onnxruntime, and seconds later uploads them to mobile.events.data.microsoft.com. The one switch
# that stops all of it is ORT_DISABLE_TELEMETRY, read once as that module loads, so it is set here,
# before rapidocr imports onnxruntime; disable_telemetry_events() would come too late. Newer
# onnxruntime sources read ORT_TELEMETRY_DISABLED instead. tests/test_offline.py traces syscalls.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
os.environ["ORT_TELEMETRY_DISABLED"] = "1"

_local = threading.local()

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


@dataclass(frozen=True)
class TextLine:
    text: str
    score: float
    box: np.ndarray  # (4, 2) float32 image px, clockwise from the top-left corner (by image
    # position: for upright text that is the text's top-left; rapidocr does not follow rotated text)


def _engine() -> Any:
    """This thread's rapidocr engine; the classifier model loads only when first asked for."""
    engine = getattr(_local, "engine", None)
    if engine is None:
        import onnxruntime
        from rapidocr import RapidOCR

        # Windows builds log session events through ETW instead; this is their documented switch.
        onnxruntime.disable_telemetry_events()

        # Two threads per engine: the pipeline already runs several jobs side by side.
        engine = RapidOCR(
            params={
                "Global.log_level": "error",
                "EngineConfig.onnxruntime.intra_op_num_threads": 2,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
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
        out = _engine()(_bgr(tile.image), use_det=True, use_cls=False, use_rec=False)
        if out.boxes is not None:
            boxes.extend(box for b in out.boxes if (box := tile.place(b)) is not None)
    return boxes


def recognize_lines(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """(text, score) of each already cropped, upright single-line RGB image, in input order."""
    if not crops:
        return []
    out = _engine().recognize_txt([_bgr(c) for c in crops])
    return [(str(t), float(s)) for t, s in zip(out.txts, out.scores, strict=True)]


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
