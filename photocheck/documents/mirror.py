"""Mirrored documents ("画面保持正向，不得翻转"): a selfie camera photographing an ID card, or a
hand-held ID photo, gives left-right mirrored text. OCR of mirrored print is weak and sparse; a
page read weakly is read once more flipped, and taken as mirrored when that reads clearly better.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from photocheck.documents.ocr import TextLine, read_text

NOTE = "画面是镜像（左右翻转）的，已翻转回正向"


def strength(lines: Sequence[TextLine]) -> float:
    """Confidently read characters: sum over lines of (non-space characters x score)."""
    return float(sum(len("".join(ln.text.split())) * ln.score for ln in lines))


def unmirror(page: np.ndarray, lines: Sequence[TextLine], *, strong: bool, margin: float,
             min_chars: int) -> list[TextLine] | None:
    """The OCR lines of `page` flipped left-right when it is mirrored, else None.

    `page` is what `lines` were read from (the seal-free page); `strong`: the upright read
    already found a category's title word, so there is nothing to look for.
    """
    if strong:
        return None
    upright = strength(lines)
    flipped = read_text(np.ascontiguousarray(page[:, ::-1]))
    score = strength(flipped)
    if score >= min_chars and score >= (1.0 + margin) * upright:
        return flipped
    return None
