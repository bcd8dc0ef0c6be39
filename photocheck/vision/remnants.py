"""Find what is neither white background nor the candidate in a photo meant to be on white.

A remnant of the old background that touches the hair or shoulder outline is a few percent of the
background at most, so a white-share measure passes it. This detector looks at the photo itself,
independently of any mask the fixer used, with these cues:

- a second person segmentation of the photo as it is: on a white background, a poster strip or a
  piece of a chair beside the hair is not a person;
- islands: something not white that does not touch the candidate at all;
- colour: above the chin, beside the face, only hair and skin belong to the candidate. Their colours
  are sampled where the face mesh says they are (the face oval, a band above the forehead), and a
  pixel that is neither one of those colours, nor a blend of two of them, nor one of them faded
  into the white edge, is foreign;
- grey: where the segmentation doubts, a grey less saturated than any hair or skin colour (a pale
  tile beside blonde hair, which a fade of that hair into white comes close to in Lab);
- skin: skin-coloured and out of focus at the frame's side, apart from the face: a photographer's
  or bystander's hand or face (the candidate is in focus; skin-coloured clothing is sharp too);
- face edge: the colour cue's judgement carried into the margin of the face mesh's outline, where
  the mesh runs over the white beside a narrow jaw (a smaller remnant counts there: it is by the face).

Pieces closer than `group_gap` count as one region, so a ragged strip is not a scatter of specks.

When the fixer has the source it adds the colours of the source's own background: a pixel nearer
to those than to the candidate's colours is foreign too, and so is a dark grey between strands of
coloured hair at the frame's sides in one of those colours (no hue tells it from dark ash hair),
and a piece of another hue than the hair's and skin's running off the frame's side edge beside the
head (a street or a bystander through loose hair; the "runoff" cue, judged from a smaller area).

Regions come back as bounding boxes in the photo's pixels, so a window can outline them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from photocheck.concurrency import helper
from photocheck.vision.bystanders import sharpness
from photocheck.vision.face import FaceLandmarks
from photocheck.vision.regions import grow_within

WHITE_LAB = np.array([100.0, 0.0, 0.0], np.float32)

# MediaPipe face-mesh indices of the face oval (same ring as analysis.FACE_OVAL).
OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
    148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)


@dataclass(frozen=True)
class RemnantParams:
    work_long_side: int = 600  # px the detector works at (an output photo is measured as it is)
    nonwhite_distance: float = 8.0  # Lab distance from pure white above which a pixel is "something"
    seg_background: float = 0.25  # second segmentation below this: not a person
    seg_unsure: float = 1.0  # below this the segmentation is unsure: the colour cue decides
    colour_distance: float = 14.0  # Lab distance from every colour of the candidate (and blends) that is foreign
    # White margins (shares of the width) around the photo for the second segmentation, whose answers are
    # averaged: on a small detail the model's answer swings with where the photo sits in its input.
    pads: tuple[float, ...] = (0.2,)
    source_margin: float = 8.0  # nearer to the source background than to the palette by this: foreign
    min_area: float = 0.001  # a region smaller than this share of the image is ignored
    opening: float = 0.005  # morphological opening (share of the width) that drops thin edge halos
    fade_rim: float = 0.012  # only this close (share of the width) to the white may a colour be a fade into white
    group_gap: float = 0.0  # suspect pieces this close (share of the width) are one region
    skin_distance: float = 0.0  # Lab distance to the face's skin colours within which a pixel is skin (0: no skin cue)
    skin_sharpness: float = 0.5  # skin at the frame edge less sharp than this share of the face is someone else
    # Sharpness (photocheck.vision.bystanders.sharpness): the share of gradient energy a blur of
    # `skin_reblur` removes, over a window of `skin_window` (shares of the width), where there is contrast.
    skin_reblur: float = 0.005
    skin_window: float = 0.01
    skin_contrast: float = 16.0
    # Above the forehead, where the segmentation is at most `hue_seg`: a colour at least `hue_chroma`
    # saturated, `hue_distance` degrees of hue from every hair and skin colour's, is foreign (0: off).
    hue_distance: float = 0.0
    hue_chroma: float = 5.0
    hue_seg: float = 0.99
    hue_rim: float = 1.0  # only this close (share of the width) to the white, at the outline
    hue_below: float = 0.0  # beside the face, down to this share of the face height below the forehead
    hue_grow: float = 180.0  # a piece takes the pixels it touches this many degrees from those hues (180: none)
    hue_face_share: float = 0.02  # the face's hues count from this quantile to its complement (lips, cheeks)
    # With the source's background: a dark grey between strands of coloured hair at the frame's
    # sides (grey_in_hair, these arguments with a gap_ prefix) in one of its colours (0: off).
    gap_chroma: float = 0.0
    gap_light: float = 60.0
    gap_hair_chroma: float = 12.0
    gap_window: float = 0.06
    gap_inside: float = 0.06
    gap_rim: float = 0.06
    gap_side: float = 0.12
    gap_below: float = 0.4
    gap_source: float = 6.0  # within this Lab distance of a source background colour, no nearer to the candidate's
    gap_group: float = 0.02  # its pieces this close (share of the width) are one region (group_gap for the others)
    # With the source's background: another hue at the frame's side edges beside the head, where the
    # segmentation is below `runoff_seg` (foreign_at_sides, these arguments with a runoff_ prefix; 0: off),
    # a region from `runoff_min_area` of the photo (a bystander's pink through hair is a few px wide).
    runoff_hue: float = 0.0
    runoff_chroma: float = 5.0
    runoff_grow: float = 5.0
    runoff_band: float = 0.02
    runoff_below: float = 1.0
    runoff_margin: float = 2.5
    runoff_reach: float = 0.03
    runoff_seg: float = 0.95
    runoff_min_area: float = 0.0002
    # Where the second segmentation is below `grey_seg`, outside the face: a grey less saturated than
    # `grey_share` of the least saturated hair and skin colour (0: off). A fade of the hair into white keeps
    # its hue and is thin at the rim; a pale grey tile on coloured hair is greyer than any of its colours.
    grey_seg: float = 0.0
    grey_share: float = 0.4
    # The face mesh's outline can run over the white beside a jaw narrower than it, where the colour cue
    # (outside the oval grown by 6 %) does not look. Above the nose, from the oval shrunk by `edge_inside`
    # (0: off) outwards, a piece in neither hair nor skin colours that reaches into that margin and to the
    # outline (within `fade_rim` of the white) is foreign from `edge_min_area` of the photo: by the face a
    # smaller one shows.
    edge_inside: float = 0.0
    edge_min_area: float = 0.0004


def params_from(rules: object) -> RemnantParams:
    """RemnantParams from a profile's [checks.background_clean] table (same field names)."""
    names = {f.name for f in dataclasses.fields(RemnantParams)}
    return RemnantParams(**{k: v for k, v in vars(rules).items() if k in names})


@dataclass(frozen=True)
class Remnant:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive) in the photo's pixels
    area: int  # pixels, in the photo's pixels
    cue: str  # "segmentation", "island", "skin", "colour", "face_edge", "grey", "hue", "source", "gap" or "runoff"


def lab_float(rgb: np.ndarray) -> np.ndarray:
    """CIE Lab with L in 0-100 and a, b signed (float32)."""
    import cv2

    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


def find_remnants(
    rgb: np.ndarray,
    landmarks: FaceLandmarks | None,
    params: RemnantParams | None = None,
    source_background: np.ndarray | None = None,
) -> list[Remnant]:
    """Regions of `rgb` that are neither white nor the candidate, largest first.

    `landmarks` is the candidate's face mesh in `rgb` pixels (None: the candidate is the most
    person-like region). `source_background` is an optional Nx3 Lab palette of the original
    photo's background.
    """
    import cv2

    p = params or RemnantParams()
    h0, w0 = rgb.shape[:2]
    k, cues = cue_masks(rgb, landmarks, p, source_background)
    h, w = round(h0 * k), round(w0 * k)
    found: list[Remnant] = []
    for cue, mask in cues:
        min_px = {"runoff": p.runoff_min_area, "face_edge": p.edge_min_area}.get(cue, p.min_area) * h * w
        # The strands across a street seen through the hair split it finer than a ragged strip.
        g = round((p.gap_group if cue == "gap" else p.group_gap) * w)
        near = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * g + 1, 2 * g + 1))
        # A ragged strip falls apart into pieces each under min_area: pieces this close are one region,
        # measured by its suspect pixels only.
        n, comp = cv2.connectedComponents(cv2.dilate(mask.astype(np.uint8), near), connectivity=8)
        comp[~mask] = 0
        areas = np.bincount(comp.ravel(), minlength=n)
        for i in range(1, n):
            area = int(areas[i])
            if area < min_px:
                continue
            ys, xs = np.nonzero(comp == i)
            box = (int(xs.min() / k), int(ys.min() / k),
                   min(w0, int(np.ceil((xs.max() + 1) / k))), min(h0, int(np.ceil((ys.max() + 1) / k))))
            found.append(Remnant(box=box, area=round(area / (k * k)), cue=cue))
    return _merge(sorted(found, key=lambda f: -f.area))


def cue_masks(
    rgb: np.ndarray,
    landmarks: FaceLandmarks | None,
    p: RemnantParams,
    source_background: np.ndarray | None = None,
) -> tuple[float, list[tuple[str, np.ndarray]]]:
    """The working scale and, per cue, the boolean mask of suspect pixels at that scale."""
    import cv2

    h0, w0 = rgb.shape[:2]
    k = min(1.0, p.work_long_side / max(h0, w0))
    if k < 1.0:
        size = (max(1, round(w0 * k)), max(1, round(h0 * k)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    h, w = rgb.shape[:2]
    # The second segmentation needs none of the colour work before the candidate is found: it runs
    # on a second core meanwhile.
    segmenting = helper("segment").submit(second_segmentation, rgb, p.pads)
    lab = lab_float(rgb)
    something = _length(lab - WHITE_LAB) > p.nonwhite_distance
    r = max(1, round(p.opening * w / 2))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    solid = cv2.morphologyEx(something.astype(np.uint8), cv2.MORPH_OPEN, kernel) > 0

    oval = None if landmarks is None else landmarks.points[list(OVAL), :2].astype(np.float32) * k
    def opened(mask: np.ndarray) -> np.ndarray:
        return cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel) > 0

    skin_cue = head_palette = clothes = None
    if oval is not None and landmarks is not None:
        skin_palette, head_palette = palette(lab, something, oval, landmarks, k)
        if skin_palette is not None and p.skin_distance > 0:
            skin_cue = opened(_foreign_skin(rgb, lab, solid, oval, skin_palette, p))
        clothes = clothes_palette(lab, something, oval, landmarks, k)
    person = segmenting.result()
    # White enclosed by the candidate (a shirt between the lapels) still joins its parts.
    candidate = _candidate(solid | (person >= 0.5), person, oval) & solid
    cues: list[tuple[str, np.ndarray]] = [
        ("segmentation", opened(something & (person < p.seg_background))),
        ("island", solid & ~candidate),
    ]
    if skin_cue is not None:
        cues.append(("skin", skin_cue))
    if oval is not None and landmarks is not None:
        body_palette = head_palette
        if head_palette is not None and clothes is not None:
            body_palette = np.concatenate([head_palette, clothes])
        if head_palette is not None and body_palette is not None:
            # Where the segmentation is unsure (an outline, something attached to it), colour decides:
            # beside the head only hair and skin colours belong to the candidate, lower down clothes too.
            outside = something & ~dilated_oval(h, w, oval, 0.06)
            beside = outside & _beside_head(h, w, oval, landmarks, k)
            band = outside & (person < p.seg_unsure)
            head = band & beside
            body = band & ~head
            # A fade into white is the anti-aliased edge: only a thin rim beside the white may be a
            # blend with white. Deeper, a pale grey blob is judged against the colours themselves.
            rim = max(1, round(p.fade_rim * w))
            fade = cv2.distanceTransform(something.astype(np.uint8), cv2.DIST_L2, 3) <= rim
            to_person = np.zeros((h, w), np.float32)
            to_person[head] = palette_distance(lab[head], head_palette, fade[head])
            to_person[body] = palette_distance(lab[body], body_palette, fade[body])
            cues.append(("colour", opened(band & (to_person > p.colour_distance))))
            if p.edge_inside > 0:
                # The mesh's outline can run over the white beside a narrow jaw: its margin above the
                # nose is judged as the head beside it is. Within it a piece the candidate encloses is
                # hers (an earring between the hair and the cheek): only what reaches the rim where the
                # outline fades into the white counts.
                margin = (something & (person < p.seg_unsure) & _above_nose(h, w, landmarks, k)
                          & dilated_oval(h, w, oval, 0.06) & ~dilated_oval(h, w, oval, -p.edge_inside))
                distance = to_person.copy()
                distance[margin] = palette_distance(lab[margin], head_palette, fade[margin])
                foreign = opened((head | margin) & (distance > p.colour_distance))
                cues.append(("face_edge", _reaching(foreign, margin, fade)))
            if p.grey_seg > 0:
                least = float(np.hypot(head_palette[:, 1], head_palette[:, 2]).min())
                grey = band & (person < p.grey_seg)
                grey[grey] = np.hypot(lab[grey][:, 1], lab[grey][:, 2]) < p.grey_share * least
                cues.append(("grey", opened(grey)))
            if p.hue_distance > 0:
                # A background seen through loose hair on the crown: a blend of light and dark hair
                # comes close to a street's green in Lab, not in hue. Judged whatever the colour cue's
                # band: the segmentation can be as sure of a flag's blue beside a cap as of the cap.
                crown = beside & (person <= p.hue_seg) & (
                    cv2.distanceTransform(something.astype(np.uint8), cv2.DIST_L2, 3) <= p.hue_rim * w)
                forehead_y = float(landmarks.forehead[1])
                below = forehead_y + p.hue_below * (float(landmarks.chin[1]) - forehead_y)
                crown[max(0, int(below * k)) :] = False
                hue = np.zeros((h, w), bool)
                hues = np.concatenate([head_palette, _hue_extremes(lab, oval, p.hue_chroma, p.hue_face_share)])
                hue[crown] = foreign_hue(lab[crown], hues, p.hue_chroma, p.hue_distance)
                if hue.any() and p.hue_grow < p.hue_distance:
                    # Beside the head a piece of that hue takes the pixels it touches whose hue is nearer
                    # the candidate's (a dark flag blue beside a navy cap, half of it within reach of
                    # the cap's hue). On the crown a band of the hair's own colour may lie at the outline.
                    weak = crown.copy()
                    weak[: max(0, int(forehead_y * k))] = False
                    weak[weak] = foreign_hue(lab[weak], hues, p.hue_chroma, p.hue_grow)
                    _, comp = cv2.connectedComponents((weak | hue).astype(np.uint8), connectivity=8)
                    ids = np.unique(comp[hue])
                    hue = np.isin(comp, ids[ids > 0])
                cues.append(("hue", opened(hue)))
            if source_background is not None and len(source_background):
                near_bg = np.full((h, w), np.inf, np.float32)
                near_bg[band] = nearest(lab[band], source_background)
                cues.append(("source", opened(band & (near_bg + p.source_margin < to_person))))
                if p.gap_chroma > 0 and body_palette is not None:
                    cues.append(("gap", _grey_gaps(lab, something, landmarks, k, body_palette, source_background, p)))
                if p.runoff_hue > 0 and body_palette is not None:
                    zone = side_zone(something & (person < p.runoff_seg), _scaled(landmarks, k), p.runoff_band,
                                     p.runoff_below)
                    cues.append(("runoff", foreign_at_sides(
                        lab, zone, head_palette, body_palette, source_background, chroma=p.runoff_chroma,
                        hue=p.runoff_hue, grow=p.runoff_grow, margin=p.runoff_margin, reach=p.runoff_reach)))
    return k, cues


def _reaching(foreign: np.ndarray, margin: np.ndarray, rim: np.ndarray) -> np.ndarray:
    """The pieces of `foreign` that reach into both `margin` and `rim`."""
    import cv2

    n, comp = cv2.connectedComponents(foreign.astype(np.uint8), connectivity=8)
    into, onto = np.zeros(n, bool), np.zeros(n, bool)
    into[comp[margin]] = True
    onto[comp[rim]] = True
    keep = into & onto
    keep[0] = False
    found: np.ndarray = keep[comp]
    return found


def _grey_gaps(lab: np.ndarray, something: np.ndarray, lm: FaceLandmarks, k: float, candidate: np.ndarray,
               source_background: np.ndarray, p: RemnantParams) -> np.ndarray:
    """grey_in_hair on the photo, kept where the colour is one of the source's background (Lab
    palette) and no nearer to one of the `candidate`'s colours: the candidate's own black top
    under the hair is grey there too, but no colour of a plain backdrop."""
    found = grey_in_hair(lab, something, _scaled(lm, k), chroma=p.gap_chroma, light=p.gap_light,
                         hair_chroma=p.gap_hair_chroma, window=p.gap_window, inside=p.gap_inside, rim=p.gap_rim,
                         side=p.gap_side, below=p.gap_below)
    if found.any():
        px = lab[found]
        to_scene = nearest(px, source_background)
        found[found] = (to_scene < p.gap_source) & (to_scene <= nearest(px, candidate))
    return found


def _scaled(lm: FaceLandmarks, k: float) -> FaceLandmarks:
    """The face mesh in the pixels of the copy the cues work on (`k` times the photo's)."""
    return dataclasses.replace(lm, points=lm.points * np.array([k, k, 1.0], np.float32))


def second_segmentation(rgb: np.ndarray, pads: tuple[float, ...]) -> np.ndarray:
    """Person probability of `rgb` segmented on a white surround, the mean over the margins `pads`.

    The model is unsure at an image's border (hair that reaches the side edge looks as if it went
    on); padded with white above and at the sides, what touches the frame edge is judged as an
    object on white, as a viewer sees it. On a detail a few model pixels wide (a cap's embroidery
    beside its white badge) the answer swings with the margin; the mean of a few is steadier.
    """
    import cv2

    from photocheck.vision.person import person_mask

    w = rgb.shape[1]
    total = np.zeros(rgb.shape[:2], np.float32)
    for pad in pads:
        px = max(1, round(pad * w))
        big = cv2.copyMakeBorder(rgb, px, 0, px, px, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        total += person_mask(big)[px:, px : px + w]
    mean: np.ndarray = total / len(pads)
    return mean


def _candidate(solid: np.ndarray, person: np.ndarray, oval: np.ndarray | None) -> np.ndarray:
    """The connected non-white region that holds the face (or the most person-like one)."""
    import cv2

    n, comp = cv2.connectedComponents(solid.astype(np.uint8), connectivity=8)
    if n < 2:
        return np.zeros(solid.shape, bool)
    if oval is not None:
        face = np.zeros(solid.shape, np.uint8)
        cv2.fillPoly(face, [np.round(oval).astype(np.int32)], 1)
        ids, counts = np.unique(comp[(face > 0) & solid], return_counts=True)
        if ids.size:
            biggest: np.ndarray = comp == ids[np.argmax(counts)]
            return biggest
    score = np.bincount(comp.ravel(), weights=person.ravel(), minlength=n)
    score[0] = 0
    likeliest: np.ndarray = comp == int(np.argmax(score))
    return likeliest


def dilated_oval(h: int, w: int, oval: np.ndarray, grow: float) -> np.ndarray:
    import cv2

    centre = oval.mean(axis=0)
    poly = centre + (oval - centre) * (1.0 + grow)
    m = np.zeros((h, w), np.uint8)
    cv2.fillPoly(m, [np.round(poly).astype(np.int32)], 1)
    return m > 0


def _beside_head(h: int, w: int, oval: np.ndarray, lm: FaceLandmarks, k: float) -> np.ndarray:
    """Above the nose and outside the face: where only hair (and ears) belong to the candidate.

    Lower down, a collar or a raised shoulder can be beside the jaw.
    """
    above: np.ndarray = _above_nose(h, w, lm, k) & ~dilated_oval(h, w, oval, 0.06)
    return above


def _above_nose(h: int, w: int, lm: FaceLandmarks, k: float) -> np.ndarray:
    nose_y = 0.5 * (float(lm.eye_mid[1]) + float(lm.chin[1])) * k
    zone = np.zeros((h, w), bool)
    zone[: max(0, int(nose_y))] = True
    return zone


def _foreign_skin(rgb: np.ndarray, lab: np.ndarray, solid: np.ndarray, oval: np.ndarray, skin: np.ndarray,
                  p: RemnantParams) -> np.ndarray:
    """Out-of-focus skin at the frame's left or right edge that does not join the face's skin: the
    blurred hand or face of a photographer or bystander. The candidate's neck and ears join the face,
    and the candidate is in focus; skin-coloured clothing is too, so only the blurred is foreign."""
    import cv2

    h, w = solid.shape
    near = np.zeros((h, w), bool)
    near[solid] = nearest(lab[solid], skin) <= p.skin_distance
    face = np.zeros((h, w), np.uint8)
    cv2.fillPoly(face, [np.round(oval).astype(np.int32)], 1)
    _, comp = cv2.connectedComponents((near | (face > 0)).astype(np.uint8), connectivity=8)
    own = np.flatnonzero(np.bincount(comp[face > 0]))  # the labels present (np.unique sorts every pixel)
    edge = np.setdiff1d(np.concatenate([comp[:, 0], comp[:, -1]]), np.concatenate([own, [0]]))
    found = np.zeros((h, w), bool)
    if not edge.size:
        return found
    # Sharpness, read off the contrast (a piece cut out sharply against the white is still blurred
    # inside): the median over its edges, inside (off the cut outline), against the face's.
    share, edges = sharpness(rgb, p.skin_reblur, p.skin_window, p.skin_contrast)
    r = max(1, round(p.skin_window * w))
    inner = cv2.erode(solid.astype(np.uint8), np.ones((2 * r + 1, 2 * r + 1), np.uint8)) > 0
    centre = oval.mean(axis=0)
    core = np.zeros((h, w), np.uint8)
    cv2.fillPoly(core, [np.round(centre + (oval - centre) * 0.85).astype(np.int32)], 1)
    reference = share[(core > 0) & edges]
    if reference.size < 20:
        return found
    face_sharpness = float(np.median(reference))
    for i in edge:
        piece = comp == i
        sample = share[piece & inner & edges]
        if sample.size >= 20 and float(np.median(sample)) < p.skin_sharpness * face_sharpness:
            found |= piece & near
    return found


def palette(
    lab: np.ndarray, something: np.ndarray, oval: np.ndarray, lm: FaceLandmarks, k: float
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Lab colours of the candidate's skin, and of skin and hair together, sampled where the face
    mesh puts them."""
    import cv2

    h, w = something.shape
    centre = oval.mean(axis=0)
    skin = np.zeros((h, w), np.uint8)
    cv2.fillPoly(skin, [np.round(centre + (oval - centre) * 0.85).astype(np.int32)], 1)
    fx0, fx1 = float(oval[:, 0].min()), float(oval[:, 0].max())
    forehead_y = float(lm.forehead[1]) * k
    face_h = float(lm.chin[1]) * k - forehead_y
    hair = np.zeros((h, w), bool)
    r0, r1 = max(0, int(forehead_y - 0.22 * face_h)), max(0, int(forehead_y - 0.02 * face_h))
    c0, c1 = max(0, int(fx0 + 0.1 * (fx1 - fx0))), min(w, int(fx1 - 0.1 * (fx1 - fx0)))
    hair[r0:r1, c0:c1] = True
    skin_colours = _centres(lab, (skin > 0) & something, 3)
    samples = [c for c in (skin_colours, _centres(lab, hair & something, 5)) if c is not None]
    return skin_colours, (np.concatenate(samples) if samples else None)


def clothes_palette(
    lab: np.ndarray, something: np.ndarray, oval: np.ndarray, lm: FaceLandmarks, k: float
) -> np.ndarray | None:
    """Colours of the candidate's neck and clothing: below the chin, between the face's sides."""
    h, w = something.shape
    fx0, fx1 = float(oval[:, 0].min()), float(oval[:, 0].max())
    chin_y = float(lm.chin[1]) * k
    region = np.zeros((h, w), bool)
    region[min(h, int(chin_y)) :, max(0, int(fx0)) : min(w, int(fx1))] = True
    return _centres(lab, region & something, 6)


def _centres(lab: np.ndarray, where: np.ndarray, n: int) -> np.ndarray | None:
    """`n` k-means colours of the pixels `where` is set, from every k-th of them (about 3000)."""
    import cv2

    at = np.flatnonzero(where)
    if len(at) < 4 * n:
        return None
    px = lab.reshape(-1, 3)[at[:: max(1, len(at) // 3000)]]  # only the samples are gathered
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(0x5EED)
    # The stubs want a labels array; OpenCV allocates one when given None.
    _, _, centres = cv2.kmeans(np.ascontiguousarray(px, np.float32), n, None, crit, 2,  # type: ignore[call-overload]
                               cv2.KMEANS_PP_CENTERS)
    found: np.ndarray = centres
    return found


def palette_distance(px: np.ndarray, palette: np.ndarray, fade: np.ndarray) -> np.ndarray:
    """Distance of each pixel to the nearest palette colour or blend of two, and for the pixels
    where `fade` is set also to a palette colour's fade into white.

    Computed once per distinct colour on a 2-unit Lab grid (far fewer than the pixels).
    """
    if len(px) == 0:
        return np.zeros(0, np.float32)
    offset = np.array([0, 64, 64], np.int32)
    q = np.clip(np.round(px / 2.0).astype(np.int32) + offset, 0, [50, 128, 128])
    key = (q[:, 0] * 129 + q[:, 1]) * 129 + q[:, 2]
    cells, cell = np.unique(key, return_inverse=True)
    centre = (np.stack([cells // (129 * 129), (cells // 129) % 129 - 64, cells % 129 - 64], axis=1) * 2.0)
    centre = centre.astype(np.float32)
    i, j = np.triu_indices(len(palette), 1)
    solid = np.minimum(_segment_distance(centre, palette[i], palette[j]),
                       _segment_distance(centre, palette, palette))  # blends, and the colours
    whites = np.repeat(WHITE_LAB[None], len(palette), axis=0)
    faded = np.minimum(solid, _segment_distance(centre, palette, whites))
    distance: np.ndarray = np.where(fade, faded[cell], solid[cell])
    return distance


def _segment_distance(px: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of each colour to the nearest of the segments a[k]-b[k].

    Channel by channel on (colours x segments) arrays: numpy's sum over a 3-long last axis is
    several times slower than the three products added in the same order.
    """
    if len(a) == 0:
        return np.full(len(px), np.inf, np.float32)
    ab = b - a
    length2 = np.maximum((ab * ab).sum(-1), 1e-6)
    best = np.full(len(px), np.inf, np.float32)
    for s in range(0, len(px), 8192):
        x = [px[s : s + 8192, c, None] for c in range(3)]
        d = [x[c] - a[:, c] for c in range(3)]
        t = np.clip((d[0] * ab[:, 0] + d[1] * ab[:, 1] + d[2] * ab[:, 2]) / length2, 0.0, 1.0)
        e = [x[c] - (a[:, c] + t * ab[:, c]) for c in range(3)]
        # The root of the smallest square is the smallest root: one root per colour.
        best[s : s + 8192] = np.sqrt((e[0] * e[0] + e[1] * e[1] + e[2] * e[2]).min(axis=1))
    return best


def foreign_hue(lab: np.ndarray, palette: np.ndarray, chroma: float, degrees: float) -> np.ndarray:
    """Which Lab colours (Nx3) are at least `chroma` saturated with a hue more than `degrees` from
    that of every palette colour as saturated. Blonde or brown hair and skin share orange-yellow
    hues; a street's green beside them differs in hue even where a blend of light and dark hair
    comes close in Lab. Greys have no hue to judge (nor have grey palette colours)."""
    sat = np.hypot(palette[:, 1], palette[:, 2]) >= chroma
    if not sat.any():
        return np.zeros(len(lab), bool)
    hues = np.degrees(np.arctan2(palette[sat, 2], palette[sat, 1]))
    hue = np.degrees(np.arctan2(lab[:, 2], lab[:, 1]))
    apart = np.abs((hue[:, None] - hues[None, :] + 180.0) % 360.0 - 180.0).min(axis=1)
    found: np.ndarray = (np.hypot(lab[:, 1], lab[:, 2]) >= chroma) & (apart > degrees)
    return found


def grey_in_hair(lab: np.ndarray, kept: np.ndarray, lm: FaceLandmarks, *, chroma: float, light: float,
                 hair_chroma: float, window: float, inside: float, rim: float, side: float,
                 below: float) -> np.ndarray:
    """Bool mask of the `kept` pixels of a dark grey background seen between loose strands of
    coloured hair at the frame's sides (a street behind blonde hair), which no hue tells apart: its
    grey is a dark ash hair's too, but not of the hair around it.

    Judged: within `side` (share of the width) of the frame's left or right edge, from the eyes down
    to `below` face heights under the chin, within `rim` of the outline or of the frame's side edge.
    Foreign: darker than `light` and less saturated than `chroma` (Lab), where the mean chroma of
    the hair around (kept pixels deeper than `inside` from the outline, within `window`) exceeds
    `hair_chroma`. `lab` is the picture (lab_float), `lm` the face mesh in its pixels."""
    import cv2

    h, w = kept.shape
    found = np.zeros((h, w), bool)
    if chroma <= 0:
        return found
    eye_y, chin_y = float(lm.eye_mid[1]), float(lm.chin[1])
    r = max(1, round(window * w))
    # Only the rows from the window above the eyes down are looked at (the grey's extent into the
    # clothes below is part of the judgement).
    y0 = min(h, max(0, int(eye_y) - r))
    y1 = max(0, int(chin_y + below * (chin_y - float(lm.forehead[1]))))
    if y1 <= y0 + r:
        return found
    kept_c, lab_c = kept[y0:], lab[y0:]
    # The frame's side edges count as outline: the background goes on beyond them.
    depth = cv2.distanceTransform(np.pad(kept_c.astype(np.uint8), ((0, 0), (1, 1))), cv2.DIST_L2, 3)[:, 1:-1]
    sat = cv2.magnitude(np.ascontiguousarray(lab_c[..., 1]), np.ascontiguousarray(lab_c[..., 2]))
    grey = kept_c & (sat < chroma) & (lab_c[..., 0] < light)
    zone = grey & (depth <= rim * w)
    band = max(1, round(side * w))
    zone[:, band : w - band] = False
    zone[: r] = False
    zone[y1 - y0 :] = False
    if not zone.any():
        return found
    deep = kept_c & (depth > inside * w)
    # A black top or a dark suit at the shoulder is grey deep inside too: only grey that stays near
    # the outline is judged.
    n, comp = cv2.connectedComponents(grey.astype(np.uint8), connectivity=8)
    inner = np.zeros(n, bool)
    inner[comp[grey & deep]] = True
    zone &= ~inner[comp]
    k = (2 * r + 1, 2 * r + 1)
    count = cv2.boxFilter(deep.astype(np.float32), -1, k, normalize=False, borderType=cv2.BORDER_CONSTANT)
    total = cv2.boxFilter(sat * deep, -1, k, normalize=False, borderType=cv2.BORDER_CONSTANT)
    found[y0:][zone] = total[zone] > hair_chroma * np.maximum(count[zone], 1.0)
    return found


def side_zone(kept: np.ndarray, lm: FaceLandmarks, band: float, below: float) -> np.ndarray:
    """Bool mask of the `kept` pixels within `band` (share of the width) of the frame's left and
    right edges, outside the face, above `below` face heights under the forehead (`lm`, the face
    mesh in the mask's pixels): beside the head, where loose hair runs off the frame."""
    h, w = kept.shape
    zone = np.zeros((h, w), bool)
    side = max(1, round(band * w))
    if 2 * side >= w:
        return zone
    forehead_y = float(lm.forehead[1])
    rows = max(0, int(forehead_y + below * (float(lm.chin[1]) - forehead_y)))
    zone[:rows, :side] = kept[:rows, :side]
    zone[:rows, w - side :] = kept[:rows, w - side :]
    zone &= ~dilated_oval(h, w, lm.points[list(OVAL), :2].astype(np.float32), 0.0)
    return zone


def foreign_at_sides(lab: np.ndarray, zone: np.ndarray, hues: np.ndarray, person: np.ndarray, scene: np.ndarray,
                     *, chroma: float, hue: float, grow: float, margin: float, reach: float) -> np.ndarray:
    """Bool mask of the pixels of `zone` (side_zone) of another hue at the frame's left and right
    edges beside the head: a street or a bystander seen through loose hair that runs off the frame.
    A piece touches the side edge; it holds a colour at least `chroma` saturated with a hue more than
    `hue` degrees from every one of `hues` (Lab: the hair and skin) and takes the pixels it touches
    more than `grow` degrees from them, every pixel nearer to a colour of the source's background
    (`scene`, Lab) than to the candidate's (`person`: hair, skin and clothes) and their blends: the
    noise of dark hair, or a grey-blue suit at the shoulder before a grey-blue wall, is nearer to
    those. Only what runs off the frame: the hair's own blends inside it stay. A piece found grows,
    as far as `reach` (share of the width), through the pixels of the zone nearer to the background
    by `margin` whatever their hue: a bystander's pink beside it has the hue of the candidate's skin.
    `lab` is the picture (lab_float)."""
    import cv2

    h, w = zone.shape
    found = np.zeros((h, w), bool)
    if hue <= 0 or not len(scene):
        return found
    columns = np.flatnonzero(zone.any(axis=0))
    left, right = columns[columns < w // 2], columns[columns >= w // 2]
    # The zone lies in two narrow strips: each is judged on its own, its outer column the frame's edge.
    for strip, edge in ((slice(0, int(left.max()) + 1 if left.size else 0), 0),
                        (slice(int(right.min()) if right.size else w, w), -1)):
        z = zone[:, strip]
        if not z.any():
            continue
        px = lab[:, strip][z]
        hued = foreign_hue(px, hues, chroma, grow)
        if not hued.any():
            continue
        # How much nearer to the background than to the candidate each pixel is, once for the strip.
        nearer = np.zeros(z.shape, np.float32)
        nearer[z] = palette_distance(px, person, np.zeros(len(px), bool)) - nearest(px, scene)
        weak = z.copy()
        weak[z] = hued
        weak &= nearer > 0
        strong = weak.copy()
        strong[weak] = foreign_hue(lab[:, strip][weak], hues, chroma, hue)
        n, comp = cv2.connectedComponents(weak.astype(np.uint8), connectivity=8)
        ok = np.zeros(n, bool)
        ok[comp[strong]] = True
        at_edge = np.zeros(n, bool)
        at_edge[comp[:, edge]] = True
        ok &= at_edge
        ok[0] = False
        piece = ok[comp]
        steps = round(reach * w)
        if steps > 0 and piece.any():
            piece = grow_within(piece, (z & (nearer > margin)) | piece, steps)
        found[:, strip] = piece
    return found


def _hue_extremes(lab: np.ndarray, oval: np.ndarray, chroma: float, share: float) -> np.ndarray:
    """The face's saturated colours at the `share` and 1 - `share` quantiles of their hue: lips and
    flushed cheeks (a pink hair band's hue) are the candidate's too, though no palette centre."""
    import cv2

    face = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillPoly(face, [np.round(oval).astype(np.int32)], 1)
    px = lab[face > 0]
    px = px[np.hypot(px[:, 1], px[:, 2]) >= chroma]
    if len(px) == 0:
        return np.zeros((0, 3), np.float32)
    order = np.argsort(np.arctan2(px[:, 2], px[:, 1]))
    picked: np.ndarray = px[order[[round(share * (len(px) - 1)), round((1.0 - share) * (len(px) - 1))]]]
    return picked


def nearest(px: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Distance of each colour to the nearest palette colour (one pass per colour: palettes are short)."""
    best = np.full(len(px), np.inf, np.float32)
    channels = [np.ascontiguousarray(px[:, c]) for c in range(3)]
    for colour in palette:
        d = [channels[c] - colour[c] for c in range(3)]
        np.minimum(best, d[0] * d[0] + d[1] * d[1] + d[2] * d[2], out=best)
    root: np.ndarray = np.sqrt(best)
    return root


def _length(v: np.ndarray) -> np.ndarray:
    """Euclidean length along the last axis (of 3), as np.linalg.norm computes it, without numpy's
    slow reduction over a 3-long axis."""
    x, y, z = v[..., 0], v[..., 1], v[..., 2]
    length: np.ndarray = np.sqrt(x * x + y * y + z * z)
    return length


def _merge(found: list[Remnant]) -> list[Remnant]:
    """One region per place: boxes that overlap are merged (cues often find the same remnant)."""
    out: list[Remnant] = []
    for f in found:
        for i, g in enumerate(out):
            if f.box[0] < g.box[2] and g.box[0] < f.box[2] and f.box[1] < g.box[3] and g.box[1] < f.box[3]:
                box = (min(f.box[0], g.box[0]), min(f.box[1], g.box[1]),
                       max(f.box[2], g.box[2]), max(f.box[3], g.box[3]))
                out[i] = Remnant(box=box, area=g.area + f.area, cue=g.cue)
                break
        else:
            out.append(f)
    return out
