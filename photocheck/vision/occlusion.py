"""What covers the candidate's face: an object held before the mouth and chin (a microphone, a
phone, a cup, a hand, the candidate's own included), or hair over an eye.

The raw measures, judged by face.occlusion against the profile:
- foreign_share: the largest connected piece of the lower face (the mesh's oval below the eyes,
  shrunk from its rim, the lips left out) whose colour is neither the candidate's skin, sampled on
  the cheeks and nose bridge (a fringe may cover the forehead), nor their hair, nor a blend of
  the two where it is textured like strands (a beard or moustache), as a share of that region.
  Shadow keeps the skin's hue, so only a colour far from the skin's in chroma, or far brighter, is
  foreign.
- lip_redness and lip_contrast: where the mesh puts the lips (the mesh places them even under a
  hand), lips are at least as red as the cheeks and differ in colour from the skin around them.
  Anything held over the mouth hides both: a grey or dark object is less red than the skin (a
  grille between skin and dark hair that reads as a beard above), and a hand of any skin tone
  covers lips and surroundings alike. So the candidate's own hand is found here where it covers
  the mouth; over the chin only, by chin_cover.
- chin_cover: the darkest line crossing the chin below the lips (each row's lightness against the
  rows a little above and below it, averaged across the chin), over the jaw line's contrast (the
  mesh's jaw, inside against outside). A hand over the chin draws lines across it (creases between
  fingers, its edge) and, of skin's colour and reaching past the jaw, hides the jaw line; a clean
  chin has at most a faint crease below the lip and a clear jaw line. A beard hides the jaw line
  too (busy-img25 is the clean photo nearest the limit), so a hand is found by both cues together.
- eye_hair: for the eye more covered, the share of its columns (between its corners, from just
  below the brow to below the lower lid) that are mostly hair: the hair's colour, or strands of it
  over skin (blends nearer the hair than the skin). Iris, lashes and a glasses rim fill only part
  of a column and a fringe ends above the brow; a lock of hair over the eye fills it top to bottom.
  The hair's colour is the commonest of the person's colours beside the temples and up to the
  crown that are neither skin nor the background's (the band just above the forehead is mostly
  forehead or background on a high hairline or short hair). Without it (a bald head, no mask)
  eye_hair is 0. Limit: a lock only of a colour the hair shows less (its sheen, a lighter crown
  over darker sides) is not found by it; eye_contrast finds it.
- eye_contrast: for the eye less visible, how far its darkest pixels (a low quantile inside the mesh's
  eye contour: the iris, pupil and lashes) lie below the skin's lightness, as a share of the skin's.
  An open eye always shows something far darker than the skin around it, whatever the skin's tone; a
  lock of blonde or grey hair, or anything lighter than an iris held over the eye, does not. A
  dark lock keeps it but is found by eye_hair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photocheck.vision.face import FACE_OVAL, FaceLandmarks
from photocheck.vision.remnants import lab_float

# MediaPipe face-mesh indices: skin samples (both cheeks, both upper cheeks, the nose's bridge twice,
# which neither a lock over an eye, a hand over the mouth nor a fringe over the forehead covers), the outer and
# inner lip rings, and each eye's contour (the subject's right, then left).
_SKIN_SAMPLES = (50, 280, 101, 330, 168, 197)
_OUTER_LIPS = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146)
_INNER_LIPS = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95)
_EYES = ((33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7),
         (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249))
_LOWER_EYELIDS = (145, 374)


@dataclass(frozen=True)
class OcclusionParams:
    """The measure's thresholds: a profile's [checks.occlusion] table carries them (same names)."""

    skin_chroma: float  # Lab (a, b) distance from the skin's beyond which a pixel is not skin
    skin_brighter: float  # L this far above the skin's: not skin (a white phone)
    hair_distance: float  # Lab distance from skin that makes a pixel above the forehead hair, and to the
    # blends of skin and hair within which a lower-face pixel may be a beard...
    hair_texture: float  # ...if its lightness varies by this much (local std of L): hair has strands, a phone is smooth
    texture_window: float  # the window of that local std, x the face height
    hair_gap: float  # hair is looked for this far outside the face oval and inside the person's outline (x face height)
    hair_min_share: float  # hair found in less than this share of that band: no hair model
    sample_radius: float  # skin sample discs, x the face height
    opening: float  # morphological opening, x the face height, that drops specks and edges
    oval_shrink: float  # the oval shrunk towards its centre: its rim shows background and hair
    lip_ring: tuple[float, float]  # the skin around the lips: the outer lip ring scaled about its centre by these
    eye_above: float  # an eye's box reaches this far above its contour (below the brow), x the face height...
    eye_below: float  # ...and this far below it
    eye_hair_match: float  # Lab distance from the blends of skin and hair within which an eye pixel is hair...
    eye_hair_along: float  # ...if its blend is at least this far from skin (0) to hair (1)
    eye_column_fill: float  # a column of the eye's box this full of hair is covered
    eye_dark_quantile: float  # the quantile of lightness inside an eye's contour that stands for its iris and lashes
    hair_reach: float  # the hair is looked for this far above and beside the face oval, x the face height
    hair_bin: float  # Lab size of the colour bins whose commonest is the hair's colour
    jaw_offset: float  # the jaw line is sampled this far inside and outside it, x the face height
    chin_below: float  # the chin is read from this far below the lower lip, x the face height...
    crease_span: float  # ...for lines darker than the rows this far above and below them


def params_from(rules: object) -> OcclusionParams:
    """OcclusionParams from a profile's [checks.occlusion] table (same field names)."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(OcclusionParams)}
    values = {k: v for k, v in vars(rules).items() if k in names}
    values["lip_ring"] = tuple(values["lip_ring"])
    return OcclusionParams(**values)


@dataclass(frozen=True)
class OcclusionMeasures:
    foreign_share: float  # largest foreign piece / lower-face region
    lip_redness: float  # Lab a of the lips (75th percentile) - the skin's median a
    lip_contrast: float  # Lab distance between the lips' median and the skin around them
    eye_hair: float  # share of the more covered eye's columns filled with hair
    eye_contrast: float  # (skin L - the less visible eye's dark quantile L) / skin L
    chin_cover: float  # the darkest line across the chin (L) / the jaw line's contrast (Lab, at least 1)


def measure_occlusion(rgb: np.ndarray, lm: FaceLandmarks, mask: np.ndarray | None,
                      p: OcclusionParams) -> OcclusionMeasures:
    h, w = rgb.shape[:2]
    fh = max(lm.face_height, 1.0)
    oval = lm.points[list(FACE_OVAL), :2]
    x0, y0 = np.clip(np.floor(oval.min(axis=0)).astype(int), 0, [w - 1, h - 1])
    x1, y1 = np.clip(np.ceil(oval.max(axis=0)).astype(int) + 1, [x0 + 1, y0 + 1], [w, h])
    lab = lab_float(rgb[y0:y1, x0:x1])  # the face's box at full resolution, as a beard's strands tell
    # it from a smooth object only there
    points = lm.points[:, :2] - np.array([x0, y0], np.float32)  # crop pixels
    discs = _disc_medians(lab, points[list(_SKIN_SAMPLES)], max(2, round(p.sample_radius * fh)))
    skin_lab = np.median(discs, axis=0)  # of each disc's median: a lock of hair over two discs of six is outvoted
    hair_lab = None if mask is None else _hair_colour(rgb, lm.points[:, :2], mask, skin_lab, fh, p)
    redness, contrast = _lips(lab, points, skin_lab, p)
    return OcclusionMeasures(
        foreign_share=_foreign_share(lab, points, skin_lab, hair_lab, fh, p),
        lip_redness=redness,
        lip_contrast=contrast,
        eye_hair=0.0 if hair_lab is None else _eye_hair(lab, points, skin_lab, hair_lab, fh, p),
        eye_contrast=_eye_contrast(lab[..., 0], points, float(skin_lab[0]), p),
        chin_cover=_chin_line(lab, points, fh, p) / max(_jaw_contrast(rgb, lm.points[:, :2], fh, p), 1.0),
    )


def _disc_medians(lab: np.ndarray, centres: np.ndarray, radius: int) -> np.ndarray:
    """The median colour of each disc, (n, 3); a disc past the image's edge repeats its edge pixels."""
    dy, dx = np.nonzero(np.hypot(*np.ogrid[-radius:radius + 1, -radius:radius + 1]) <= radius)
    h, w = lab.shape[:2]
    x = np.clip(np.round(centres[:, 0]).astype(int)[:, None] + dx - radius, 0, w - 1)
    y = np.clip(np.round(centres[:, 1]).astype(int)[:, None] + dy - radius, 0, h - 1)
    medians: np.ndarray = np.median(lab[y, x], axis=1)  # one call for every disc
    return medians


def _foreign_share(lab: np.ndarray, points: np.ndarray, skin_lab: np.ndarray, hair_lab: np.ndarray | None,
                   fh: float, p: OcclusionParams) -> float:
    import cv2

    oval = points[list(FACE_OVAL)]
    region = np.zeros(lab.shape[:2], np.uint8)
    centre = oval.mean(axis=0)
    cv2.fillPoly(region, [np.round(centre + (oval - centre) * p.oval_shrink).astype(np.int32)], 1)
    eyes_y = float(points[list(_LOWER_EYELIDS), 1].max())
    region[: max(0, int(eyes_y)), :] = 0
    lips = np.round(points[list(_OUTER_LIPS)]).astype(np.int32)
    cv2.fillPoly(region, [lips], 0)
    n = int(region.sum())
    if n == 0:
        return 0.0

    top = max(0, int(eyes_y))  # colours are judged in the region's rows only
    low, region = lab[top:], region[top:]
    chroma = np.hypot(low[..., 1] - skin_lab[1], low[..., 2] - skin_lab[2])
    foreign = (chroma > p.skin_chroma) | (low[..., 0] > skin_lab[0] + p.skin_brighter)
    if hair_lab is not None:
        foreign &= (_blend(low, skin_lab, hair_lab)[0] > p.hair_distance) | ~_textured(low[..., 0], fh, p)
    foreign &= region.astype(bool)
    k = max(1, round(p.opening * fh)) | 1
    foreign_u8 = cv2.morphologyEx(foreign.astype(np.uint8), cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(foreign_u8, connectivity=8)
    largest = int(stats[1:, cv2.CC_STAT_AREA].max()) if count > 1 else 0
    return largest / n


def _lips(lab: np.ndarray, points: np.ndarray, skin_lab: np.ndarray, p: OcclusionParams) -> tuple[float, float]:
    """(lip_redness, lip_contrast): the lips' redness over the cheeks', and their colour's distance
    from the skin just around them (teeth and an open mouth left out)."""
    import cv2

    inner_scale, outer_scale = p.lip_ring
    outer = points[list(_OUTER_LIPS)]
    centre = outer.mean(axis=0)
    ring = centre + (outer - centre) * outer_scale
    h, w = lab.shape[:2]
    x0, y0 = np.clip(np.floor(ring.min(axis=0)).astype(int), 0, [w, h])
    x1, y1 = np.clip(np.ceil(ring.max(axis=0)).astype(int) + 1, 0, [w, h])
    lab, corner = lab[y0:y1, x0:x1], np.array([x0, y0], np.float32)  # the mouth's box only
    outer, centre, ring = outer - corner, centre - corner, ring - corner
    lips = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillPoly(lips, [np.round(outer).astype(np.int32)], 1)
    cv2.fillPoly(lips, [np.round(points[list(_INNER_LIPS)] - corner).astype(np.int32)], 0)
    around = np.zeros_like(lips)
    cv2.fillPoly(around, [np.round(ring).astype(np.int32)], 1)
    cv2.fillPoly(around, [np.round(centre + (outer - centre) * inner_scale).astype(np.int32)], 0)
    on_lips, on_skin = lab[lips > 0], lab[around > 0]
    if len(on_lips) == 0 or len(on_skin) == 0:  # the mouth outside the photo: face.complete's matter
        return 0.0, 0.0
    redness = float(np.percentile(on_lips[:, 1], 75)) - float(skin_lab[1])
    contrast = float(np.linalg.norm(np.median(on_lips, axis=0) - np.median(on_skin, axis=0)))
    return redness, contrast


def _jaw_contrast(rgb: np.ndarray, points: np.ndarray, fh: float, p: OcclusionParams) -> float:
    """How clearly the jaw line shows: the median Lab distance between discs just inside and just
    outside the mesh's jaw, read on a coarse grid (colours, not detail)."""
    step = max(1, int(fh / _HAIR_SAMPLES))
    jaw = points[list(_JAW)]
    outward = jaw - points[list(_FACE_MIDDLE)].mean(axis=0)
    outward /= np.maximum(np.linalg.norm(outward, axis=1, keepdims=True), 1e-6)
    samples = np.concatenate([jaw - outward * p.jaw_offset * fh, jaw + outward * p.jaw_offset * fh])
    radius = p.sample_radius * fh / 2
    h, w = rgb.shape[:2]
    x0, y0 = np.clip(np.floor(samples.min(axis=0) - radius).astype(int), 0, [w - 1, h - 1])
    x1, y1 = np.clip(np.ceil(samples.max(axis=0) + radius).astype(int) + 1, [x0 + 1, y0 + 1], [w, h])
    lab = lab_float(rgb[y0:y1:step, x0:x1:step])
    discs = _disc_medians(lab, (samples - [x0, y0]) / step, max(1, round(radius / step)))
    inside, outside = discs[: len(jaw)], discs[len(jaw) :]
    return float(np.median(np.linalg.norm(inside - outside, axis=1)))


def _chin_line(lab: np.ndarray, points: np.ndarray, fh: float, p: OcclusionParams) -> float:
    """How strongly a dark line crosses the chin below the lips (a crease between fingers, a hand's
    edge): each row's lightness against the rows a little above and below it, averaged across the
    chin, at its darkest (0 if no row is darker)."""
    import cv2

    oval = points[list(FACE_OVAL)]
    centre = oval.mean(axis=0)
    span = max(1, round(p.crease_span * fh))
    top = int(np.clip(round(float(points[_LOWER_LIP, 1]) + p.chin_below * fh), span, lab.shape[0] - 1))
    bottom = int(np.clip(np.ceil((centre + (oval - centre) * p.oval_shrink)[:, 1].max()), top + 1,
                         lab.shape[0] - span))
    region = np.zeros((lab.shape[0], lab.shape[1]), np.uint8)
    cv2.fillPoly(region, [np.round(centre + (oval - centre) * p.oval_shrink).astype(np.int32)], 1)
    lightness = cv2.GaussianBlur(lab[top - span : bottom + span, :, 0], (0, 0), max(0.8, p.crease_span * fh / 5))
    dark_line = (lightness[: -2 * span] + lightness[2 * span :]) / 2 - lightness[span:-span]  # > 0 on a dark line
    rows = region[top:bottom] > 0
    width = rows.sum(axis=1)
    wide = width >= _CREASE_ROW * max(int(width.max()), 1)  # the chin's narrow tip says little
    if not wide.any():
        return 0.0
    across = (dark_line * rows).sum(axis=1)[wide] / width[wide]
    return max(0.0, float(across.max()))


_JAW = (172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397)  # the mesh's jaw line, ear to ear
_FACE_MIDDLE = (10, 152)  # forehead top and chin: their midpoint is the face's centre
_LOWER_LIP = 17  # the lower lip's bottom edge
_CREASE_ROW = 0.3  # rows of the chin at least this share of its widest row are read for lines


def _eye_hair(lab: np.ndarray, points: np.ndarray, skin_lab: np.ndarray, hair_lab: np.ndarray, fh: float,
              p: OcclusionParams) -> float:
    """The larger share, over both eyes, of the eye box's columns mostly filled with hair colour."""
    h, w = lab.shape[:2]
    worst = 0.0
    for eye in _EYES:
        contour = points[list(eye)]
        x0, x1 = (int(np.clip(round(float(v)), 0, w)) for v in (contour[:, 0].min(), contour[:, 0].max()))
        y0 = int(np.clip(round(float(contour[:, 1].min()) - p.eye_above * fh), 0, h))
        y1 = int(np.clip(round(float(contour[:, 1].max()) + p.eye_below * fh), 0, h))
        if x1 <= x0 or y1 <= y0:
            continue
        box = lab[y0:y1, x0:x1]
        distance, along = _blend(box, skin_lab, hair_lab)
        hairy = (distance <= p.eye_hair_match) & (along >= p.eye_hair_along)
        worst = max(worst, float((hairy.mean(axis=0) >= p.eye_column_fill).mean()))
    return worst


def _eye_contrast(lightness: np.ndarray, points: np.ndarray, skin: float, p: OcclusionParams) -> float:
    """The smaller, over both eyes, of (skin L - the eye's dark quantile of L) / skin L; an eye the
    mesh puts outside the crop, or closed to a line, counts as visible (face.eyes_open judges it)."""
    import cv2

    least = 1.0
    mask = np.zeros(lightness.shape, np.uint8)
    for eye in _EYES:
        mask[:] = 0
        cv2.fillPoly(mask, [np.round(points[list(eye)]).astype(np.int32)], 1)
        inside = lightness[mask > 0]
        if inside.size:
            least = min(least, (skin - float(np.quantile(inside, p.eye_dark_quantile))) / max(skin, 1.0))
    return least


def _blend(lab: np.ndarray, skin: np.ndarray, hair: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel's Lab distance from the blends of skin and hair, and how far along from skin (0)
    to hair (1) its nearest blend is: strands over skin (a beard, a lock over an eye) are neither
    colour alone."""
    axis = hair - skin
    t = np.clip(((lab - skin) @ axis) / max(float(axis @ axis), 1e-6), 0.0, 1.0)
    distance: np.ndarray = np.linalg.norm(lab - (skin + t[..., None] * axis), axis=-1)
    return distance, t


def _textured(lightness: np.ndarray, fh: float, p: OcclusionParams) -> np.ndarray:
    import cv2

    k = max(3, round(p.texture_window * fh)) | 1
    mean = cv2.blur(lightness, (k, k))
    var = cv2.blur(lightness * lightness, (k, k)) - mean * mean
    textured: np.ndarray = var > p.hair_texture**2
    return textured


def _hair_colour(rgb: np.ndarray, points: np.ndarray, mask: np.ndarray, skin: np.ndarray, fh: float,
                 p: OcclusionParams) -> np.ndarray | None:
    """The hair's colour: the commonest colour bin of the person's pixels above the eyes and outside
    the face oval (beside the temples and up to the crown), once skin (ears, a bald scalp, a forehead's
    shine: near the blends of skin and white) and the background's colours are set aside. The band
    just above the forehead alone is mostly forehead or background on a high hairline or short hair.
    None on a bald head."""
    import cv2

    step = max(1, int(fh / _HAIR_SAMPLES))
    oval = points[list(FACE_OVAL)]
    h, w = rgb.shape[:2]
    x0, y0 = np.clip(np.floor(oval.min(axis=0) - p.hair_reach * fh).astype(int), 0, [w - 1, h - 1])
    x1 = int(np.clip(np.ceil(oval[:, 0].max() + p.hair_reach * fh), x0 + 1, w))
    y1 = int(np.clip(round(float(points[list(_EYES[0] + _EYES[1]), 1].min())), y0 + 1, h))
    band = lab_float(rgb[y0:y1:step, x0:x1:step])  # colours, not strands: a coarse grid is enough
    k = max(1, round(p.hair_gap * fh / step)) | 1
    kernel = np.ones((k, k), np.uint8)
    face = np.zeros(band.shape[:2], np.uint8)
    cv2.fillPoly(face, [np.round((oval - [x0, y0]) / step).astype(np.int32)], 1)
    person = cv2.erode((mask[y0:y1:step, x0:x1:step] > 0.5).astype(np.uint8), kernel)  # not its blurred rim
    around = (person > 0) & (cv2.dilate(face, kernel) == 0)
    px, background = band[around], band[cv2.dilate(person, kernel) == 0]
    px = px[(np.linalg.norm(px - skin, axis=-1) > p.hair_distance) & (_blend(px, skin, _WHITE)[0] > p.skin_chroma)]
    if len(px) < p.hair_min_share * max(int(around.sum()), 1):
        return None
    bins = _colour_bins(px, p.hair_bin)
    ours = np.bincount(bins, minlength=_BINS**3) / len(px)
    if len(background):  # a colour commoner in the background than on the person is background seen through hair
        ours[np.bincount(_colour_bins(background, p.hair_bin), minlength=_BINS**3) / len(background) > ours] = 0
    if ours.max() == 0:
        return None
    mode = px[bins == int(np.argmax(ours))].mean(axis=0)
    colour: np.ndarray = np.median(px[np.linalg.norm(px - mode, axis=-1) <= p.hair_bin], axis=0)
    return colour


_HAIR_SAMPLES = 60  # the hair's band is read at about this many pixels per face height
_WHITE = np.array([100.0, 0.0, 0.0], np.float32)  # skin in a highlight lies between its colour and white
_BINS = 16  # Lab bins per axis for the hair's commonest colour
_BIN_SHIFT = np.array([0.0, _BINS // 2 + 0.5, _BINS // 2 + 0.5])  # a, b = 0 at a bin's centre, _BINS / 2 bins about it


def _colour_bins(lab: np.ndarray, size: float) -> np.ndarray:
    """Each colour's bin in a Lab grid of `size` units (L from 0; greys, a and b near 0, share one bin)."""
    q = np.clip(np.floor(lab / size + _BIN_SHIFT).astype(np.int64), 0, _BINS - 1)
    bins: np.ndarray = (q[:, 0] * _BINS + q[:, 1]) * _BINS + q[:, 2]
    return bins
