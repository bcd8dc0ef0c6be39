"""Generated damage for background.clean: clean fixed photos with remnants pasted beside the candidate.

Each case takes a clean 390x567 output and pastes, only over its white background and touching the
candidate's outline where the case says so, one of:
- blob: an ellipse of the source's own background against the hair (a dark blob above the crown,
  a poster patch beside the head);
- strip: a band of the source's background between the frame edge and the hair (poster strips);
- person: a piece of another person (the other photo's face and shoulder) at the frame edge.

Two more, each aimed at one cue (not in KINDS, so the benchmark's counts stay comparable):
- `hue_strip`: a strip beside the head at eye height whose colour is near the hair's in Lab but of
  another hue (a dark flag blue beside a navy cap);
- `street_in_hair`: loose coloured hair at the frame's side with a dark grey street between its
  strands, grey as dark ash hair is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from pathlib import Path

    from photocheck.rules.profile import Profile

KINDS = ("blob", "crown", "strip", "person")


def profile_for_outputs() -> Profile:
    """The default profile with the expression rule relaxed: scikit-image's astronaut smiles showing
    her teeth (face.mouth_closed refuses that), and these outputs are about the background only."""
    import dataclasses

    from photocheck.rules.profile import load_profile

    prof = load_profile()
    mouth = dataclasses.replace(prof.checks.mouth_closed, max_openness=1.0, warn_openness=1.0)
    return dataclasses.replace(prof, checks=dataclasses.replace(prof.checks, mouth_closed=mouth))


@dataclass(frozen=True)
class Case:
    name: str
    rgb: np.ndarray


def background_patches(source: np.ndarray, n: int = 8, seed: int = 0) -> list[np.ndarray]:
    """Textured pieces of the source's own background: its left and right border columns, upper part,
    kept only where they are clearly not white (a white piece would be no remnant on white)."""
    rng = np.random.default_rng(seed)
    h, w = source.shape[:2]
    lab = cv2.cvtColor(source, cv2.COLOR_RGB2LAB).astype(np.float32)
    out: list[np.ndarray] = []
    for _ in range(200):
        pw, ph = int(rng.integers(w // 10, w // 6)), int(rng.integers(h // 6, h // 3))
        x = int(rng.integers(0, w // 10)) if rng.random() < 0.5 else int(rng.integers(w - w // 10 - pw, w - pw))
        y = int(rng.integers(0, h // 2 - ph // 2))
        patch_lab = lab[y : y + ph, x : x + pw]
        distance = np.hypot(255.0 - patch_lab[..., 0], np.hypot(patch_lab[..., 1] - 128, patch_lab[..., 2] - 128))
        if np.median(distance) > 40:
            out.append(np.ascontiguousarray(source[y : y + ph, x : x + pw]))
        if len(out) == n:
            break
    return out


def _outline(clean: np.ndarray) -> tuple[np.ndarray, int]:
    """Boolean mask of the candidate (not white) and the row of the widest head part (chin level)."""
    lab = cv2.cvtColor(clean, cv2.COLOR_RGB2LAB).astype(np.float32)
    distance = np.hypot(255.0 - lab[..., 0], np.hypot(lab[..., 1] - 128, lab[..., 2] - 128))
    person = (distance > 30).astype(np.uint8)
    person = cv2.morphologyEx(person, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    return person > 0, int(0.62 * clean.shape[0])


def _paste(clean: np.ndarray, patch: np.ndarray, where: np.ndarray, x: int, y: int) -> np.ndarray:
    """`patch` tiled over the region `where` (a boolean mask of the photo), anchored at (x, y)."""
    h, w = clean.shape[:2]
    ph, pw = patch.shape[:2]
    reps = (h // ph + 2, w // pw + 2, 1)
    tiled = np.roll(np.tile(patch, reps), (y % ph, x % pw), axis=(0, 1))[:h, :w]
    out = clean.copy()
    out[where] = tiled[where]
    return out


def _touching(person: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """`shape` where it lies over the white background, grown by 2 px into the candidate so it touches."""
    grown = cv2.dilate(shape.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    rim = person & ~cv2.erode(person.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    touching: np.ndarray = (shape & ~person) | (grown & rim)
    return touching


def damage(clean: np.ndarray, kind: str, patches: list[np.ndarray], other: np.ndarray,
           seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    h, w = clean.shape[:2]
    person, chin_row = _outline(clean)
    patch = patches[int(rng.integers(len(patches)))]
    shape = np.zeros((h, w), np.uint8)
    if kind in ("blob", "crown"):
        rows = np.flatnonzero(person.any(axis=1))
        crown = int(rows.min()) if rows.size else h // 10
        if kind == "crown":
            y = crown
            cols = np.flatnonzero(person[min(h - 1, crown + 3)])
            x = int(np.median(cols)) + int(rng.integers(-40, 41)) if cols.size else w // 2
        else:
            y = int(rng.integers(crown + 20, chin_row))
            cols = np.flatnonzero(person[y])
            side = int(rng.integers(2))
            x = int(cols.min() if side == 0 else cols.max()) if cols.size else w // 2
        ax, ay = int(rng.integers(12, 26)), int(rng.integers(12, 30))
        # Centred on the outline: half of it lies over the white, touching the hair.
        cv2.ellipse(shape, (x, y), (ax, ay), float(rng.integers(0, 180)), 0, 360, 1, -1)
        return _paste(clean, patch, _touching(person, shape > 0), x, y)
    if kind == "strip":
        y0 = int(rng.integers(h // 8, chin_row - 80))
        y1 = y0 + int(rng.integers(60, 150))
        left = rng.random() < 0.5
        band = np.zeros((h, w), bool)
        for y in range(y0, min(y1, h)):
            cols = np.flatnonzero(person[y])
            if not cols.size:
                continue
            edge = int(cols.min()) if left else int(cols.max())
            width = int(rng.integers(10, 26))
            if left:
                band[y, max(0, edge - width) : edge + 2] = True
            else:
                band[y, edge - 1 : min(w, edge + width)] = True
        return _paste(clean, patch, _touching(person, band), 0, y0)
    if kind == "person":
        # The other photo's face and shoulder, a piece of it, at the left or right frame edge.
        oh, ow = other.shape[:2]
        fw, fh = int(rng.integers(40, 80)), int(rng.integers(70, 140))
        sx = int(rng.integers(ow // 4, ow // 2))
        sy = int(rng.integers(oh // 5, oh // 2))
        piece = other[sy : sy + fh, sx : sx + fw]
        fh, fw = piece.shape[:2]
        left = rng.random() < 0.5
        x = 0 if left else w - fw
        # Rows where the frame edge is white: the piece lies over the background, not the candidate.
        free = np.asarray(~person[:, x : x + fw].any(axis=1) if left else ~person[:, x : x + fw].all(axis=1))
        starts = [y for y in range(0, h - fh) if free[y : y + fh].mean() > 0.6]
        y = starts[int(rng.integers(len(starts)))] if starts else 0
        shape[y : y + fh, x : x + fw] = 1
        where = shape.astype(bool) & ~person
        out = clean.copy()
        region = out[y : y + fh, x : x + fw]
        region[where[y : y + fh, x : x + fw]] = piece[where[y : y + fh, x : x + fw]]
        return out
    raise ValueError(kind)


def cases(clean: np.ndarray, source: np.ndarray, other: np.ndarray, per_kind: int,
          seed: int = 0) -> Iterator[Case]:
    patches = background_patches(source, seed=seed)
    for kind in KINDS:
        for i in range(per_kind):
            yield Case(f"{kind}-{i}", damage(clean, kind, patches, other, seed * 1000 + i))


def encode(rgb: np.ndarray, path: Path) -> None:
    """Written as the upload would be: a JPEG of the damaged photo."""
    from PIL import Image

    Image.fromarray(rgb).save(path, "JPEG", quality=90)


def hue_strip(clean: np.ndarray, eye_y: int,
              colours: tuple[tuple[int, int, int], ...]) -> tuple[np.ndarray, np.ndarray]:
    """`clean` with a strip 7 px wide along the left outline, from 25 px above `eye_y` to 35 px
    below it, over the white and touching the candidate, in bands 8 rows high of each of `colours`
    (RGB) in turn; and where it is."""
    h, w = clean.shape[:2]
    person, _ = _outline(clean)
    out = clean.copy()
    band = np.zeros((h, w), bool)
    for y in range(eye_y - 25, eye_y + 35):
        cols = np.flatnonzero(person[y])
        if cols.size:
            x = int(cols.min())
            band[y, max(0, x - 7) : x + 1] = True
            out[y, max(0, x - 7) : x + 1] = colours[(y // 8) % len(colours)]
    return out, band


def street_in_hair(clean: np.ndarray, top: int, bottom: int, seed: int = 0,
                   colour: tuple[int, int, int] = (72, 74, 78)) -> tuple[np.ndarray, np.ndarray]:
    """`clean` with loose golden hair between the frame's left edge and the candidate from row
    `top` to `bottom`, and a street (a dark grey one by default) in the gaps between its strands by
    the frame's edge; and where the street is."""
    rng = np.random.default_rng(seed)
    h, w = clean.shape[:2]
    person, _ = _outline(clean)
    out = clean.copy()
    yy, xx = np.mgrid[:h, :w]
    # Strands: diagonal stripes of golden browns, each a little lighter or darker.
    stripe = (xx + yy // 2) // 3
    shade = rng.uniform(0.75, 1.15, int(stripe.max()) + 1)[stripe]
    hair = np.clip(np.array([176.0, 134.0, 78.0]) * shade[..., None], 0, 255).astype(np.uint8)
    loose = np.zeros((h, w), bool)
    for y in range(top, bottom):
        cols = np.flatnonzero(person[y])
        loose[y, : int(cols.min()) + 2 if cols.size else 40] = True
    out[loose] = hair[loose]
    # The street: blobs by the frame's edge, crossed by every third strand (the strands in front).
    blobs = np.zeros((h, w), np.uint8)
    for cy in range(top + 18, bottom - 18, 36):
        cv2.ellipse(blobs, (10, cy), (14, 17), 0.0, 0, 360, 1, -1)
    street = (blobs > 0) & loose & (stripe % 3 != 0)
    out[street] = colour
    return out, street
