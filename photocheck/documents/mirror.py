"""Mirrored documents ("画面保持正向，不得翻转"): a selfie camera photographing an ID card, or a
hand-held ID photo, gives left-right mirrored text. OCR of mirrored print is weak and sparse; a
page read weakly is read once more flipped, and taken as mirrored when that reads clearly better.
The detector finds mirrored lines where it finds upright ones, so the flipped reads recognise the
upright read's boxes, flipped with the page: no second detection.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from photocheck.documents.ocr import TextLine, read_page

NOTE = "画面是镜像（翻转）的，已翻转回正向"
# A mirrored page may also have been turned 180° by the orientation step (its text gives it no
# direction), which makes it upside-down mirrored: then flipping top to bottom undoes both.
FLIPS = ("left_right", "top_bottom")


def flip(img: np.ndarray, how: str) -> np.ndarray:
    return np.ascontiguousarray(img[:, ::-1] if how == "left_right" else img[::-1])


def flip_box(box: np.ndarray, how: str, shape: tuple[int, ...]) -> np.ndarray:
    """`box` (clockwise from the top-left) where it lands on the page flipped `how`, still
    clockwise from its new top-left corner."""
    out = np.asarray(box, np.float32).copy()
    if how == "left_right":
        out[:, 0] = shape[1] - out[:, 0]
        return out[[1, 0, 3, 2]]
    out[:, 1] = shape[0] - out[:, 1]
    return out[[3, 2, 1, 0]]


def strength(lines: Sequence[TextLine]) -> float:
    """Confidently read characters: sum over lines of (non-space characters x score)."""
    return float(sum(len("".join(ln.text.split())) * ln.score for ln in lines))


def unmirror(page: np.ndarray, lines: Sequence[TextLine], boxes: Sequence[np.ndarray] | None = None, *,
             strong: bool, margin: float, min_chars: int) -> tuple[str, list[TextLine]] | None:
    """(how to flip, the OCR lines of the flipped page) when `page` is mirrored, else None.

    `page` is what `lines` were read from (the seal-free page); `boxes`, where given, are all the
    lines its detector found (a mirrored line may read too weakly to be among `lines`);
    `strong`: the upright read already found a category's title word, so there is nothing to
    look for.
    """
    if strong:
        return None
    upright = strength(lines)
    if boxes is None:
        boxes = [ln.box for ln in lines]
    best: tuple[float, str, list[TextLine]] | None = None
    for how in FLIPS:
        flipped = read_page(flip(page, how), [flip_box(b, how, page.shape) for b in boxes])
        score = strength(flipped)
        if best is None or score > best[0]:
            best = (score, how, flipped)
    assert best is not None
    score, how, flipped = best
    if score >= min_chars and score >= (1.0 + margin) * upright:
        return how, flipped
    return None
