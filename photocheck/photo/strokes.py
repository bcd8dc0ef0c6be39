"""Brush strokes as the project file stores them (segments) and as the matte takes them (masks)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def rasterize(segments: Sequence[Sequence[float]], size: tuple[int, int]) -> np.ndarray | None:
    """A bool mask (height x width of `size` = (width, height)) of round-capped segments
    [x0, y0, x1, y1, radius]; None when there are none."""
    import cv2

    if not segments:
        return None
    w, h = size
    mask = np.zeros((h, w), np.uint8)
    for x0, y0, x1, y1, r in segments:
        cv2.line(mask, (round(x0), round(y0)), (round(x1), round(y1)), 1, max(1, round(2 * r)), cv2.LINE_AA)
    return mask.astype(bool)
