"""The hand-held ID photo ("本人手持身份证内容一面照片，人像与证件内容应清晰可辨"): the candidate
holding their card. It is a photo, not a flat document: the pipeline keeps the whole picture (a
page cut-out would crop the face away, shadow flattening would bleach it) and it is never sent to
the photo step. What a reviewer looks for is measured here: one live face, whole in the picture,
and the card's text read by OCR. A selfie camera's mirror image is flipped back by the pipeline
(documents.mirror), as for any document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from photocheck.documents.mirror import strength
from photocheck.documents.ocr import TextLine

# Faces are found on a reduced copy: a live face in a hand-held photo is far above the
# detector's minimum size at this long side.
PREVIEW_SIDE = 1000
MIN_FACE_SCORE = 0.6  # a detection weaker than this is not a face a reviewer would see
# A second face at least this share of the largest one's area is another person (the card's
# own portrait is a few percent of it).
SECOND_PERSON = 0.35
# Lines of one card lie within this many line heights of each other (an ID card's widest gap is
# beside its portrait, about three); other text in the picture is further away.
CARD_GAP = 4.0


@dataclass(frozen=True)
class Person:
    """The live face of a hand-held photo, as shares of the picture."""

    faces: int  # faces of a live person's size (the card's small portrait not counted)
    share: float  # the largest face's box area / the picture's
    inside: float  # the largest face box's least distance to an edge / that side (< 0: cut off)
    eyes: bool  # both eyes inside the picture


def find_person(rgb: np.ndarray) -> Person | None:
    """The largest face of `rgb` and how it sits in the picture; None when there is none."""
    from photocheck.documents.geometry import downscale
    from photocheck.vision.face import detect_faces

    small, _ = downscale(rgb, PREVIEW_SIDE)
    faces = [f for f in detect_faces(small, min_score=MIN_FACE_SCORE) if f.score >= MIN_FACE_SCORE]
    if not faces:
        return None
    face = max(faces, key=lambda f: f.area)
    h, w = small.shape[:2]
    x0, y0, x1, y1 = face.box
    inside = min(x0 / w, y0 / h, (w - x1) / w, (h - y1) / h)
    eyes = face.keypoints[:2]
    eyes_in = bool(((eyes >= 0) & (eyes < [w, h])).all())
    people = sum(f.area >= SECOND_PERSON * face.area for f in faces)
    return Person(people, round(face.area / (w * h), 4), round(float(inside), 4), eyes_in)


def card_chars(lines: Sequence[TextLine]) -> float:
    """Confidently read characters of the card (the only text a hand-held photo should carry)."""
    return round(strength(lines), 1)


def card_text(lines: Sequence[TextLine]) -> list[TextLine]:
    """The lines of the card: the cluster of lines (each within CARD_GAP line heights of another)
    that holds the most confidently read characters. A name tag on the candidate's clothes or a
    poster behind them is text too, but away from the card."""
    if not lines:
        return []
    boxes = [(ln.box.min(axis=0), ln.box.max(axis=0)) for ln in lines]
    reach = CARD_GAP * float(np.median([hi[1] - lo[1] for lo, hi in boxes]))
    cluster = list(range(len(lines)))  # union-find roots

    def root(i: int) -> int:
        while cluster[i] != i:
            cluster[i] = cluster[cluster[i]]
            i = cluster[i]
        return i

    for i, (lo_i, hi_i) in enumerate(boxes):
        for j in range(i):
            lo_j, hi_j = boxes[j]
            gap = np.maximum(np.maximum(lo_i - hi_j, lo_j - hi_i), 0)
            if float(np.hypot(*gap)) <= reach:
                cluster[root(i)] = root(j)
    groups: dict[int, list[TextLine]] = {}
    for i, ln in enumerate(lines):
        groups.setdefault(root(i), []).append(ln)
    return max(groups.values(), key=strength)


def outside_text(box: tuple[float, float, float, float], lines: Sequence[TextLine], scale: float) -> bool:
    """The face box's centre (in px of a copy `scale` times the lines' image) lies outside the
    box around the card's text (card_text): a live face beside the card, not the portrait
    printed on it."""
    card = card_text(lines)
    if not card:
        return True
    pts = np.concatenate([ln.box for ln in card]) * scale
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    (tx0, ty0), (tx1, ty1) = pts.min(axis=0), pts.max(axis=0)
    return not (tx0 <= cx <= tx1 and ty0 <= cy <= ty1)
