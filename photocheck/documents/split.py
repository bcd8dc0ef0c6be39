"""A dense page that no single file under the byte cap keeps legible is uploaded in parts ("同一种
类材料可上传多个图片"): bands top to bottom in reading order, cut between text lines where there is
room, each repeating a little of its neighbour so no line is lost at a cut.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from photocheck.documents.ocr import TextLine


def bands(height: int, boxes: Sequence[np.ndarray], parts: int, overlap: float) -> list[tuple[int, int]]:
    """(top, bottom) px of `parts` bands covering a page `height` px tall: each cut at the text-free
    row nearest an equal split (within a quarter of a band; else at the equal split itself), each
    band reaching `overlap` x height past its cuts."""
    if parts < 2:
        return [(0, height)]
    inked = np.zeros(height, bool)
    for box in boxes:
        y0, y1 = int(max(0, np.floor(box[:, 1].min()))), int(min(height, np.ceil(box[:, 1].max())))
        inked[y0:y1] = True
    free = np.flatnonzero(~inked)
    reach = height / parts / 4
    cuts = [0]
    for i in range(1, parts):
        target = height * i / parts
        near = free[np.abs(free - target) <= reach] if free.size else free
        cuts.append(int(near[np.argmin(np.abs(near - target))]) if near.size else round(target))
    cuts.append(height)
    margin = round(overlap * height)
    return [(max(0, a - margin), min(height, b + margin)) for a, b in itertools.pairwise(cuts)]


def lines_within(lines: Sequence[TextLine], top: int, bottom: int) -> list[TextLine]:
    """The lines wholly inside the band, their boxes in the band's px."""
    shift = np.array([0, top], np.float32)
    return [TextLine(ln.text, ln.score, ln.box - shift) for ln in lines
            if ln.box[:, 1].min() >= top and ln.box[:, 1].max() <= bottom]


def on_page(lines: Sequence[TextLine], top: int, factor: float) -> list[TextLine]:
    """Lines read in a part file (px of a band scaled by `factor`) back in page px."""
    shift = np.array([0, top], np.float32)
    return [TextLine(ln.text, ln.score, ln.box / np.float32(factor) + shift) for ln in lines]
