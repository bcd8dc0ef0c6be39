"""A saturated background seen between the jaw and the shoulder: a flag's red stripe beside the neck;
a background of another hue on the crown's outline: a street's green in blonde hair; a dark grey
street between loose strands of coloured hair at the frame's sides; and another hue running off the
frame's side edge beside the head: a street or a bystander through loose hair.

The matte holds everything beside the face down to the chin as sure person, and colour models of
the whole person cannot part a red flag from red ribbons on the jacket. Beside the jaw, though, only
skin and hair belong to the candidate: a colour far from those (and from their blends) and more
saturated than the face itself, at the outline, is the old background. Strong pixels seed it; it
grows into the less certain ones around them.

On the crown only hair belongs to the candidate, and the cut there is left to the model (colour
models of the whole scene would bite grey hair against a grey wall). A colour whose hue is far from
every hue of the candidate's hair and skin, at the outline, is the old background seen through
loose hair.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from photocheck.vision.regions import grow_within
from photocheck.vision.remnants import (
    OVAL,
    clothes_palette,
    dilated_oval,
    foreign_at_sides,
    foreign_hue,
    grey_in_hair,
    lab_float,
    nearest,
    palette,
    palette_distance,
    side_zone,
)

if TYPE_CHECKING:
    from photocheck.vision.face import FaceLandmarks
    from photocheck.vision.person import MatteParams


class Colours:
    """The picture (`lab`, remnants.lab_float), the face mesh in its pixels (`lm`) and the colours
    the cuts below judge by, each found on first use and then shared: most photos need none, the
    busy ones the same palette in several cuts. `background`: the source's background colours
    (Nx3 uint8 RGB samples), of which `samples` are compared."""

    def __init__(self, lab: np.ndarray, lm: FaceLandmarks, background: np.ndarray, samples: int) -> None:
        self.lab, self.lm, self.background, self.samples = lab, lm, background, samples
        self.oval = lm.points[list(OVAL), :2].astype(np.float32)

    @cached_property
    def head(self) -> np.ndarray | None:
        """Lab colours of the hair and skin (remnants.palette over the whole picture)."""
        return palette(self.lab, np.ones(self.lab.shape[:2], bool), self.oval, self.lm, 1.0)[1]

    @cached_property
    def clothes(self) -> np.ndarray | None:
        return clothes_palette(self.lab, np.ones(self.lab.shape[:2], bool), self.oval, self.lm, 1.0)

    @cached_property
    def scene(self) -> np.ndarray:
        """Lab colours of the source's background, `samples` of them."""
        bg = self.background
        found: np.ndarray = lab_float(bg[:: max(1, len(bg) // self.samples)][None])[0]
        return found


def vivid_beside_jaw(colours: Colours, alpha: np.ndarray, p: MatteParams) -> np.ndarray:
    """Bool mask of what `alpha` keeps of a saturated background beside the jaw (between the nose
    and the chin, at the outline)."""
    import cv2

    h, w = alpha.shape
    none = np.zeros((h, w), bool)
    if p.jaw_distance <= 0:
        return none
    lab, lm, oval = colours.lab, colours.lm, colours.oval
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    face = np.zeros((h, w), np.uint8)
    cv2.fillPoly(face, [np.round(oval).astype(np.int32)], 1)
    reference = float(np.percentile(chroma[face > 0], p.jaw_face_percentile))
    eye_y, chin_y = float(lm.eye_mid[1]), float(lm.chin[1])
    rows = np.zeros((h, w), bool)
    rows[max(0, int(0.5 * (eye_y + chin_y))) : max(0, int(chin_y))] = True
    kept = alpha > 0.5
    rim = cv2.distanceTransform(kept.astype(np.uint8), cv2.DIST_L2, 3) <= p.jaw_rim * w
    # The mesh's oval may reach past the real jaw: the weaker pixels may lie just inside it.
    near = rows & kept & rim & dilated_oval(h, w, oval, p.jaw_reach) & ~dilated_oval(h, w, oval, -p.jaw_inside)
    vivid = near & (face == 0) & (chroma > reference + p.jaw_chroma)
    if not vivid.any():  # most photos: nothing more saturated than the face there, no palette needed
        return none
    head = colours.head
    if head is None:
        return none
    # Only what is at least nearly as saturated as the face can be foreign here: the distance to
    # the palette is needed there alone.
    judged = near & (chroma > reference - p.jaw_chroma)
    distance = np.zeros((h, w), np.float32)
    distance[judged] = palette_distance(lab[judged], head, np.zeros(int(judged.sum()), bool))
    strong = vivid & (distance > p.jaw_distance)
    weak = judged & (distance > p.jaw_grow_distance)
    _, comp = cv2.connectedComponents((weak | strong).astype(np.uint8), connectivity=8)
    seeds = np.unique(comp[strong])
    found: np.ndarray = np.isin(comp, seeds[seeds > 0])
    return found


def foreign_hue_on_crown(colours: Colours, alpha: np.ndarray, prior: np.ndarray, p: MatteParams) -> np.ndarray:
    """Bool mask of what `alpha` keeps at the outline of the crown and beside the head, where the
    person model (`prior`) is unsure, in a hue that is none of the candidate's hair and skin hues
    and a colour nearer to the source's background: a pink hair band, sure person to the model, stays.

    On the crown every such pixel goes (a street's green seen through loose hair). Beside the head,
    outside the face, down to `crown_below`, the outline's own blend with a coloured backdrop has
    the backdrop's hue: there only a saturated piece deeper than that blend goes (a flag's blue
    below a cap, a street's green beside the hair at eye height), and it grows into the pixels
    beside it that are nearer to the background and into the thin dark rim between it and the
    background."""
    import cv2

    h, w = alpha.shape
    found = np.zeros((h, w), bool)
    if p.crown_hue <= 0:
        return found
    lab, lm, oval = colours.lab, colours.lm, colours.oval
    kept = alpha > p.crown_alpha
    inside = cv2.distanceTransform(kept.astype(np.uint8), cv2.DIST_L2, 3)
    zone = kept & (inside <= p.crown_rim * w)
    forehead_y = float(lm.forehead[1])
    top = max(0, int(forehead_y))
    # On the crown only where the model is unsure. Beside the head it can be sure of a flag's field
    # behind a tilted head too: there a piece it is sure of needs a hue further from the candidate's.
    sure = prior >= p.sure_prob
    zone[:top] &= ~sure[:top]
    zone[max(0, int(forehead_y + p.crown_below * (float(lm.chin[1]) - forehead_y))) :] = False
    zone[top:] &= ~dilated_oval(h, w, oval, 0.0)[top:]
    if not zone.any() or not len(colours.background):
        return found
    head = colours.head
    if head is None:
        return found
    chroma = np.zeros((h, w), np.float32)
    chroma[zone] = np.hypot(lab[zone][:, 1], lab[zone][:, 2])
    saturated = zone & (chroma >= p.crown_chroma)
    if not saturated.any():
        return found
    scene = colours.scene

    def nearer(where: np.ndarray) -> np.ndarray:
        """`where` and nearer to a colour of the source's background than to the hair and skin (and blends)."""
        px = lab[where]
        out = where.copy()
        out[where] = nearest(px, scene) < palette_distance(px, head, np.zeros(len(px), bool))
        return out

    hued = saturated.copy()
    hued[saturated] = foreign_hue(lab[saturated], head, p.crown_chroma, p.crown_hue)
    found = nearer(hued)
    seeds = found.copy()
    seeds[:top] = False
    found[top:] = False
    seeds &= (inside > p.crown_fringe * w) & (chroma >= p.crown_seed_chroma)
    seeds[sure & seeds] = foreign_hue(lab[sure & seeds], head, p.crown_chroma, p.crown_sure_hue)
    if seeds.any():
        # Grown pixel by pixel, as far as `crown_grow`, through what may be the same background:
        # the judged pixels and the thin dark rim between the piece and the background.
        below = saturated.copy()
        below[:top] = False
        # Where the model is sure, only through a foreign hue: loose blonde strands over green trees
        # are a blend nearer to the trees, and the candidate's.
        below[sure] = hued[sure]
        allowed = nearer(below) | (kept & (inside <= p.crown_dark_rim * w))
        allowed[:top] = False
        found |= seeds | grow_within(seeds, allowed, max(1, round(p.crown_grow * w)))
    return found


def grey_gaps_in_hair(lab: np.ndarray, alpha: np.ndarray, lm: FaceLandmarks,
                      samples: tuple[np.ndarray, np.ndarray], p: MatteParams) -> np.ndarray:
    """Bool mask of what `alpha` keeps of a grey background between loose strands of coloured
    hair at the frame's sides (remnants.grey_in_hair) whose colour is one of the source's background
    and no nearer to one of the person's (`samples`: background, person; Nx3 uint8 RGB): the
    candidate's own black top under the hair is grey there too, but no colour of a plain backdrop."""
    h, w = alpha.shape
    found = grey_in_hair(lab, alpha > 0.5, lm, chroma=p.gap_chroma, light=p.gap_light, hair_chroma=p.gap_hair_chroma,
                         window=p.gap_window, inside=p.gap_inside, rim=p.gap_rim, side=p.gap_side, below=p.gap_below)
    if not found.any() or not all(len(s) for s in samples):
        return np.zeros((h, w), bool)
    scene, person = (lab_float(s[:: max(1, len(s) // p.gap_samples)][None])[0] for s in samples)
    px = lab[found]
    to_scene = nearest(px, scene)
    near = to_scene < p.gap_source
    near[near] = to_scene[near] <= nearest(px[near], person)  # the person's only for what the scene's pass
    found[found] = near
    # A street seen through the hair is a cluster of such pieces; a speck alone is a fold of the
    # candidate's own dark clothes under the hair.
    import cv2

    r = max(1, round(p.gap_group * w))
    grouped = cv2.dilate(found.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    n, comp = cv2.connectedComponents(grouped, connectivity=8)
    area = np.bincount(comp[found], minlength=n)
    kept: np.ndarray = found & (area[comp] >= p.gap_min_area * h * w)
    return kept


def other_hue_at_sides(colours: Colours, alpha: np.ndarray, prior: np.ndarray, p: MatteParams) -> np.ndarray:
    """Bool mask of what `alpha` keeps of another hue than the hair's and skin's at the frame's side
    edges beside the head (remnants.foreign_at_sides): a street's blue-grey or a bystander's pink
    through loose hair running off the frame, which the colour models of the whole scene keep as
    hair. Only where the person model (`prior`) is unsure: a grey-blue suit on the shoulder at the
    frame's edge, sure person, has the grey-blue studio wall's hue too."""
    h, w = alpha.shape
    none = np.zeros((h, w), bool)
    if p.runoff_hue <= 0 or not len(colours.background):
        return none
    zone = side_zone((alpha > 0.5) & (prior < p.sure_prob), colours.lm, p.runoff_band, p.runoff_below)
    if not zone.any():  # most photos: white or sure person at the frame's sides, no palette needed
        return none
    head, clothes = colours.head, colours.clothes
    if head is None:
        return none
    person = head if clothes is None else np.concatenate([head, clothes])
    return foreign_at_sides(colours.lab, zone, head, person, colours.scene, chroma=p.runoff_chroma,
                            hue=p.runoff_hue, grow=p.runoff_grow, margin=p.runoff_margin, reach=p.runoff_reach)
