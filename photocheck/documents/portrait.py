"""A portrait among the materials (one face, almost no text) is the registration photo put in
the wrong place: recognised here so that `prepare` sends it to the photo step instead of judging
it as a document. An ID card or a hand-held ID photo shows a face too, but carries text."""

from __future__ import annotations

from pathlib import Path

from photocheck.documents.mirror import strength
from photocheck.errors import UserError
from photocheck.io.decode import Source
from photocheck.rules.materials import MaterialChecks

# The portrait test reads a reduced copy: a face and any card text are still far above the
# detectors' minimum sizes at this long side.
PREVIEW_SIDE = 1000
MIN_FACE_SCORE = 0.6  # a detection weaker than this is not a face a reviewer would see


def is_portrait(path: Path, checks: MaterialChecks, *, max_pixels: int) -> bool:
    """One face covering at least `portrait_min_face` of the picture and at most
    `portrait_max_chars` confidently read characters. Files that do not decode as images
    (PDFs, damaged files) are not portraits: the material pipeline reports on those."""
    from photocheck.documents.ocr import read_text
    from photocheck.vision.face import detect_faces

    try:
        rgb = Source.open(path, max_pixels=max_pixels).decode(PREVIEW_SIDE).rgb
    except (UserError, OSError, ValueError):
        return False
    faces = [f for f in detect_faces(rgb, min_score=MIN_FACE_SCORE) if f.score >= MIN_FACE_SCORE]
    if len(faces) != 1:
        return False
    h, w = rgb.shape[:2]
    if faces[0].area / (h * w) < checks.portrait_min_face:
        return False
    return strength(read_text(rgb)) <= checks.portrait_max_chars
