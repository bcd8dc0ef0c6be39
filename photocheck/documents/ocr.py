"""Text reading behind one small interface: PP-OCR (rapidocr, models bundled in its wheel).

rapidocr is imported on first use only. Its engine holds onnxruntime sessions that are not
documented as thread-safe, so each thread keeps its own engine (loading one takes about a second).
Its visualisation (which downloads a font) is never called and onnxruntime's telemetry is switched
off before it loads, so nothing touches the network.
"""

from __future__ import annotations

import os
import threading
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
    # Every stage flag is passed on each call: rapidocr keeps the last call's flags.
    out = _engine()(_bgr(rgb), use_det=True, use_cls=classify, use_rec=True, text_score=min_score)
    if out.boxes is None or out.txts is None or out.scores is None:
        return []
    lines = [
        TextLine(text=str(t), score=float(s), box=np.asarray(b, dtype=np.float32).reshape(4, 2))
        for b, t, s in zip(out.boxes, out.txts, out.scores, strict=True)
    ]
    return _reading_order(lines)


def detect_lines(rgb: np.ndarray) -> list[np.ndarray]:
    """Text-line boxes only ((4, 2) float32, clockwise from the top-left corner in image
    coordinates), no recognition: about a third of read_text's time."""
    out = _engine()(_bgr(rgb), use_det=True, use_cls=False, use_rec=False)
    if out.boxes is None:
        return []
    return [np.asarray(b, dtype=np.float32).reshape(4, 2) for b in out.boxes]


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


def plain_text(lines: list[TextLine]) -> str:
    """The recognised text, one line per TextLine, for classification and agreement scoring."""
    return "\n".join(ln.text for ln in lines)
