"""Pictures among the materials that are not flat documents, told apart from their face and
text: a portrait (one face, almost no text) is the registration photo put in the wrong place, and
`prepare` sends it to the photo step instead of judging it as a document; a live face beside card
text is the hand-held ID photo, placed in its slot (documents.handheld). An ID card shows a face
too, but printed among its text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from photocheck.documents.classify import classify
from photocheck.documents.handheld import MIN_FACE_SCORE, PREVIEW_SIDE, outside_text
from photocheck.documents.mirror import strength
from photocheck.errors import UserError
from photocheck.io.decode import Source
from photocheck.reports import Suggestion
from photocheck.rules.materials import MaterialsSpec


@dataclass(frozen=True)
class Picture:
    """What a file is when it is not a flat document."""

    portrait: bool  # the registration photo
    category: str | None = None  # else the category whose hand-held slot it fills
    confidence: float = field(default=0.0, compare=False)  # the card text's classification confidence

    def placement(self, spec: MaterialsSpec) -> Suggestion | None:
        """Where a hand-held photo goes: its category's hand-held slot (prepare's collect places it
        there, the window's suggestion offers it); None for a portrait."""
        if self.category is None:
            return None
        return Suggestion(self.category, spec.checks.handheld_slot, self.confidence,
                          "人脸和证件文字：这是一张手持证件照")


def picture_kind(path: Path, spec: MaterialsSpec, *, max_pixels: int) -> Picture | None:
    """A portrait: one face covering at least `portrait_min_face` of the picture and at most
    `portrait_max_chars` confidently read characters. A hand-held photo: its largest face (at
    least `handheld_min_face`) outside the text, and more text, classified as a side that is held
    (`handheld_sides`) of a category that has the hand-held slot. Files that do
    not decode as images (PDFs, damaged files) are neither: the material pipeline reports on those."""
    from photocheck.documents.ocr import plain_text, read_text
    from photocheck.vision.face import detect_faces

    checks = spec.checks
    try:
        rgb = Source.open(path, max_pixels=max_pixels).decode(PREVIEW_SIDE).rgb
    except (UserError, OSError, ValueError):
        return None
    faces = [f for f in detect_faces(rgb, min_score=MIN_FACE_SCORE) if f.score >= MIN_FACE_SCORE]
    if not faces:
        return None
    h, w = rgb.shape[:2]
    face = max(faces, key=lambda f: f.area)
    box = face.box
    lines = read_text(rgb)
    guess = classify(plain_text(lines), spec)
    if not guess.category_id:
        # A selfie camera's mirror image of a held card reads as a few stray characters (and would
        # pass for a portrait): read the picture the right way round too, and keep the better.
        flipped = read_text(np.ascontiguousarray(rgb[:, ::-1]))
        if strength(flipped) > strength(lines):
            lines, guess = flipped, classify(plain_text(flipped), spec)
            box = (w - box[2], box[1], w - box[0], box[3])
    if strength(lines) <= checks.portrait_max_chars:
        return Picture(portrait=True) if len(faces) == 1 and face.area / (h * w) >= checks.portrait_min_face else None
    if face.area / (h * w) < checks.handheld_min_face or not outside_text(box, lines, 1.0):
        return None
    # The card's side is the one the hand-held photo shows (an ID card's back has an emblem that
    # the detector may take for a face, printed beside its text).
    cat = spec.category(guess.category_id) if guess.category_id else None
    if cat is None or not cat.slot(checks.handheld_slot) or guess.slot not in checks.handheld_sides:
        return None
    return Picture(portrait=False, category=cat.id, confidence=guess.confidence)
