"""Person segmentation and a hair-preserving matte for replacing the background with white.

The MediaPipe selfie-segmentation model (256x256, run through OpenCV DNN) gives a coarse person
probability. It keeps remnants of the old background (leaves at a shoulder, part of a chair, flag
fragments beside the head), so `matte` refines it: a grabCut colour model seeded from the mask
relabels those remnants, pieces not connected to the person are dropped, small holes are filled,
and a colour-guided filter turns the hard outline into a soft alpha that follows hair strands.
`composite_on_white` then removes the old background's colour from the semi-transparent edge.

All heavy work runs at a few hundred pixels; callers crop first and matte the crop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photocheck.vision.regions import grow_within

MODEL_FILE = "selfie_segmentation.tflite"
MODEL_SIZE = 256

FaceBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class MatteParams:
    """How the matte is refined. Lengths are fractions of the image width unless named otherwise."""

    work_long_side: int = 170  # grabCut runs at this long side (px): its cost grows with area
    grabcut_iterations: int = 2
    fg_threshold: float = 0.5  # model probability above which a pixel is probably the person
    sure_prob: float = 0.95  # model probability that, away from its outline, is sure foreground
    core_erosion: float = 0.025  # how far inside the confident mask sure foreground starts
    face_core: float = 0.15  # face box shrunk by this share per side is sure foreground
    bg_distance: float = 0.04  # farther than this from the mask is sure background
    bottom_band: float = 0.02  # mask pixels this near the bottom stay person (cut shoulders)
    max_hole_area: float = 0.01  # enclosed pockets under this share of the image are filled
    edge_radius: float = 0.008  # guided-filter window radius
    edge_eps: float = 2e-3  # guided-filter regulariser: larger = smoother, less edge-following
    edge_band: float = 0.03  # alpha is soft only this close to the hard outline
    # Alpha is stretched so that [alpha_low, alpha_high] maps onto [0, 1]: the guided filter leaves
    # faint plateaus (a grey ghost line beside a backlit ear) that would tint the white background.
    alpha_low: float = 0.12
    alpha_high: float = 0.92
    guide_long_side: int = 320  # the guided filter's coefficients are computed at most at this size
    # Sure foreground is the face and the body below it; elsewhere (beside the head, at the frame's
    # sides) a confident model answer is only probable, so colour can take a remnant away.
    head_widen: float = 0.1  # down to the chin the sure zone is the face box widened by this share per side,
    neck_widen: float = 0.1  # and below the chin this much (neck and chest; the shoulders are only probable)
    side_band: float = 0.12  # outside that zone, only this close to the frame's sides is the model's core not sure,
    shoulder_drop: float = 0.3  # and only down to this share of the face height below the chin (then shoulders)
    side_drop: float = 0.5  # colour re-judges the frame's sides down to this share of the face height below the chin
    decide_side: float = 0.12  # ...and above the face this close (share of the width)
    hair_above: float = 0.25  # the zone starts this share of the face height above the face box
    sample_panel: int = 1600  # scene colour samples (each side) grabCut's colour models learn from
    sample_side: int = 320  # the scene is sampled on a grid of about this many px along its long side
    sample_far: float = 0.03  # background samples lie this far (share of the long side) from the person mask
    sample_background: float = 0.05  # ...where the person probability is below this
    sample_sure: float = 0.9  # person samples (hair, clothes) where it is above this
    # At full size, pixels this close to the work-size outline (share of the width) are decided
    # again by the colour models: a strip thinner than a work pixel beside the hair goes.
    decide_band: float = 0.06
    decide_bias: float = 1.0  # log-likelihood margin the background model needs to take a pixel of the outline
    unsure_bias: float = 2.0  # ...and one not seeded as sure person (beside the head at the frame's sides)
    foreign_loglik: float = -26.0  # near the frame's sides a colour this unlikely under the person model goes
    model_spread: float = 6.0  # no colour model component is narrower than this std (0-255 units)
    # A piece the colour models take away stays where the person model is at least `decide_sure`
    # throughout (all but `decide_doubt` of it): a sheen on a black jacket whose grey the dark,
    # blurred scene behind the shoulder shares. 1.0: none stays.
    decide_sure: float = 1.0
    decide_doubt: float = 0.05
    # Loops of hair holding the old background (_pockets): pixels the background model is likelier
    # for by `pocket_bias`, in enclosed pieces of `pocket_min_area` of the frame whose median margin
    # is `pocket_median`, doubted (under `decide_sure`) in over `pocket_doubt` of them, above
    # `pocket_drop` face heights below the face. 0 bias: off.
    pocket_bias: float = 0.0
    pocket_median: float = 3.5
    pocket_doubt: float = 0.3
    pocket_drop: float = 0.5
    pocket_depth: float = 0.008  # half the pocket's thickness at least this (share of the width)
    pocket_grow: float = 0.008
    pocket_min_area: float = 0.0005
    # A film of the backdrop seen through a loop of dark strands (_veils), which both colour models
    # can claim. When at least `veil_hair` of the head above the face is dark (mean colour under
    # `veil_dark`): within `veil_depth` of the outline, in _pockets' zone, a pixel on the line
    # between the nearby dark strands (within `veil_window`) and the nearby backdrop, `veil_contrast`
    # apart (RGB), within `veil_residual` of their distance from it and under `veil_alpha` strand.
    # A piece at least `veil_thick` thick (share of the width), under `veil_piece` strand at its
    # median, lying on that line within `veil_spread` on the whole, goes when the pixels around it
    # are strands (on the line at `veil_alpha` or more) in over `veil_strands` of them, `veil_ring`
    # strand on average and `veil_step` more than the piece, with the blend beside it
    # (`veil_blend`). 0 residual: off.
    veil_residual: float = 0.0
    veil_depth: float = 0.06
    veil_window: float = 0.05
    veil_dark: float = 60.0
    veil_hair: float = 0.2
    veil_contrast: float = 100.0
    veil_alpha: float = 0.5
    veil_piece: float = 1.0
    veil_thick: float = 0.006
    veil_spread: float = 0.06
    veil_strands: float = 0.5
    veil_ring: float = 0.6
    veil_step: float = 0.2
    veil_blend: float = 0.65  # a piece that goes takes the film-side pixels under this strand (see pocket_grow)
    # Beside the face, from `veil_reach_top` face heights below its top, within `veil_reach_side`
    # face widths of its sides (`veil_reach_jaw_side` below `veil_reach_mouth` face heights, where a
    # shoulder may be), a pixel with no strands or backdrop within `veil_window` takes them from
    # within `veil_reach` (share of the width; 0: off): the film a curl encloses by the jaw.
    veil_reach: float = 0.0
    veil_reach_top: float = 0.25
    veil_reach_side: float = 0.3
    veil_reach_mouth: float = 0.7
    veil_reach_jaw_side: float = 0.15
    # The matte on white is segmented again (photo padded with white, as background.clean does): an
    # object at the frame's side below the eyes that is plainly no person there goes.
    object_pad: float = 0.2  # white margin (share of the width) around the matted photo
    object_core: float = 0.25  # person probability under which a piece is an object...
    object_extent: float = 0.5  # ...which takes along what joins it under this probability
    object_side: float = 0.05  # the piece reaches this close (share of the width) to a side
    object_min_area: float = 0.001  # and covers at least this share of the frame
    # A cut of at least `sliver_cut` of the frame takes along what it leaves beside it (within its
    # feather) thinner than `sliver_width` (share of the width): the dark edge of a flag pole.
    sliver_width: float = 0.0  # (0: off)
    sliver_cut: float = 0.0001
    # Other people out of focus at the frame's sides (photocheck.vision.bystanders) go: sharpness
    # is the share of gradient energy a blur of `bystander_reblur` takes away, summed over a window.
    bystander_reblur: float = 0.005
    bystander_window: float = 0.01
    bystander_contrast: float = 16.0  # mean squared lightness gradient under which there is no edge to judge
    bystander_sharpness: float = 0.5  # blurred: under this share of the face's sharpness,
    bystander_side: float = 0.02  # reaching this close to a side,
    bystander_min_area: float = 0.005  # covering at least this share of the frame, below the eyes
    bystander_band: float = 0.03  # the cut is decided this far around them, on the strongest edge
    # A saturated background between the jaw and the shoulder (photocheck.vision.vivid) goes:
    jaw_distance: float = 14.0  # Lab distance from the skin and hair colours (and blends) foreign there (0: off),
    jaw_chroma: float = 5.0  # ...with a chroma this much above the face's (the grown pixels: this much below),
    jaw_face_percentile: float = 95.0  # the face's chroma taken at this percentile of its pixels
    jaw_grow_distance: float = 7.0  # it grows into pixels at least this far from the skin and hair colours
    jaw_rim: float = 0.03  # only this close (share of the width) to the background
    jaw_reach: float = 0.25  # only within the face oval grown by this share,
    jaw_inside: float = 0.1  # and outside it shrunk by this share
    # On the crown (photocheck/vision/vivid.py), at the outline, a hue foreign to the hair and skin:
    crown_hue: float = 0.0  # degrees of hue from every hair and skin colour's hue that is foreign (0: off),
    crown_chroma: float = 6.0  # judged for colours (and palette colours) at least this saturated (Lab chroma),
    crown_rim: float = 0.03  # only this close (share of the width) to the background,
    crown_alpha: float = 0.1  # among the pixels the matte keeps at least this much of
    crown_below: float = 0.0  # ...and, outside the face, down to this share of the face height below the forehead;
    crown_fringe: float = 0.0  # ...where pieces count only deeper than this (share of the width) from the background,
    crown_seed_chroma: float = 0.0  # ...and at least this saturated (Lab chroma), where the model is sure
    crown_sure_hue: float = 180.0  # ...this many degrees from the candidate's hues;
    crown_grow: float = 0.0  # a piece grows this far (share of the width) through pixels nearer to the background,
    crown_dark_rim: float = 0.0  # ...and through any this close to it (the dark rim of a flag's field)
    crown_samples: int = 400  # background colours of the scene compared with (a subsample)
    # A grey background between strands of coloured hair at the frame's sides (a street, a pale shirt)
    # (photocheck.vision.remnants.grey_in_hair) goes when its colour is one of the source's background:
    gap_chroma: float = 0.0  # grey: less saturated than this (Lab chroma; 0: off),
    gap_light: float = 60.0  # ...and darker than this (Lab L),
    gap_hair_chroma: float = 12.0  # where the hair around is more saturated than this on average,
    gap_window: float = 0.06  # ...within this (share of the width),
    gap_inside: float = 0.06  # ...deeper than this from the outline (share of the width);
    gap_rim: float = 0.06  # only this close to the outline or the frame's side edge,
    gap_side: float = 0.12  # only this close to the frame's left or right edge,
    gap_below: float = 0.4  # from the eyes down to this share of the face height below the chin,
    gap_source: float = 6.0  # and within this Lab distance of a background colour of the source;
    gap_samples: int = 100  # (of this many of the source's background and person colours, no nearer to the latter)
    gap_group: float = 0.01  # pieces this close (share of the width) are one cluster,
    gap_min_area: float = 0.001  # which goes when it covers at least this share of the frame
    # Another hue at the frame's side edges beside the head (photocheck.vision.remnants.foreign_at_sides)
    # goes: a street or a bystander seen through loose hair that runs off the frame.
    runoff_hue: float = 0.0  # degrees of hue from every hair and skin colour's hue that is foreign (0: off),
    runoff_chroma: float = 5.0  # judged for colours (and palette colours) at least this saturated (Lab chroma),
    runoff_grow: float = 5.0  # a piece takes the pixels it touches this many degrees from those hues,
    runoff_band: float = 0.02  # touching the side edge within this (share of the width),
    runoff_below: float = 1.0  # down to this share of the face height below the forehead;
    runoff_margin: float = 2.0  # it grows through the pixels nearer to the background than to the person by this (Lab),
    runoff_reach: float = 0.0  # ...as far as this (share of the width; 0: no growth)


@dataclass(frozen=True)
class CompositeParams:
    """How edge colours are cleaned of the old background (decontamination)."""

    sure_alpha: float = 0.95  # alpha at or above this is trusted foreground colour
    window: float = 0.05  # neighbourhood (fraction of width) to borrow foreground colour from
    work_long_side: int = 300  # the neighbourhood means are computed at most at this size
    # Along the outline even opaque pixels can carry the old background (a pink rim on dark hair):
    # within `rim` (share of the width) of the background, a pixel lying on the line between the
    # nearby person colour and the nearby background colour is treated as that mix.
    rim: float = 0.014
    rim_contrast: float = 60.0  # only where those two colours differ by this much (RGB distance)
    rim_residual: float = 0.25  # and the pixel is within this share of their distance from the line
    rim_chroma: float = 60.0  # and the background is saturated (max - min of its RGB at least this)


def person_mask(rgb: np.ndarray) -> np.ndarray:
    """Raw person probability (float32 HxW in [0, 1]) for an HxWx3 uint8 RGB image of any size.

    The image is letterboxed to the model's square input (edge pixels repeated, so the padding
    looks like a continuation of the scene rather than a black bar) and the output is cropped and
    upsampled back, so the aspect ratio is never distorted.
    """
    import cv2

    from photocheck.vision.runtime import net

    h, w = rgb.shape[:2]
    scale = MODEL_SIZE / max(h, w)
    sw, sh = max(1, round(w * scale)), max(1, round(h * scale))
    small = _shrink(rgb, sw, sh)
    left, top = (MODEL_SIZE - sw) // 2, (MODEL_SIZE - sh) // 2
    square = cv2.copyMakeBorder(
        small, top, MODEL_SIZE - sh - top, left, MODEL_SIZE - sw - left, cv2.BORDER_REPLICATE
    )
    blob = (square.astype(np.float32) / 255.0).transpose(2, 0, 1)[None]
    model = net(MODEL_FILE)
    model.setInput(np.ascontiguousarray(blob))
    prob = model.forward()[0, 0, top : top + sh, left : left + sw]
    # Linear interpolation of a sigmoid output stays inside [0, 1]: no clipping pass needed.
    prob = np.ascontiguousarray(prob, np.float32)
    return cv2.resize(prob, (w, h), interpolation=cv2.INTER_LINEAR)


def _shrink(img: np.ndarray, width: int, height: int) -> np.ndarray:
    """Anti-aliased downscale: INTER_AREA is slow at a non-integer ratio, fast at exactly 2x."""
    import cv2

    if img.shape[1] <= 2 * width:
        return cv2.resize(img, (width, height), interpolation=cv2.INTER_AREA)
    half = cv2.resize(img, (2 * width, 2 * height), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(half, (width, height), interpolation=cv2.INTER_AREA)


def matte(
    rgb: np.ndarray,
    *,
    face_box: FaceBox | None = None,
    prior: np.ndarray | None = None,
    params: MatteParams | None = None,
    keep: np.ndarray | None = None,
    remove: np.ndarray | None = None,
    samples: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Refined alpha (float32 HxW in [0, 1]) of the person in `rgb`, typically an output-size crop.

    `face_box` (x0, y0, x1, y1 in `rgb` pixels) marks sure foreground; `prior` is a person_mask
    already computed on a larger image and resized to `rgb` (the model is not run again).
    `keep` / `remove` (bool HxW) are the user's brush strokes: sure person and sure background,
    seeding grabCut and then final in the alpha, so what the automatic matte misses the user fixes.
    `samples` (background, person: Nx3 uint8 RGB) are colours taken from the whole scene (the
    source's background far from the person; skin, hair and clothes where the face mesh puts them):
    grabCut's colour models learn them as fixed labels, so a remnant that the crop shows only
    beside the hair is still recognised as the scene's background.
    """

    import cv2

    p = params or MatteParams()
    h, w = rgb.shape[:2]
    if prior is not None and prior.shape != (h, w):
        raise ValueError(f"prior is {prior.shape}, expected the image's {(h, w)}")
    prob = person_mask(rgb) if prior is None else prior.astype(np.float32)
    scale = min(1.0, p.work_long_side / max(h, w))
    ws, hs = max(1, round(w * scale)), max(1, round(h * scale))
    small = _shrink(rgb, ws, hs)
    prob_small = _shrink(prob, ws, hs)
    box = None if face_box is None else tuple(v * scale for v in face_box)
    seeds, anchor = _grabcut_seeds(prob_small, box, p)
    strokes = [(m, v) for m, v in ((keep, 1.0), (remove, 0.0)) if m is not None]
    for mask, value in strokes:
        if mask.shape != (h, w):
            raise ValueError(f"stroke mask is {mask.shape}, expected the image's {(h, w)}")
        small_mask = _shrink(mask.astype(np.float32), ws, hs) > 0.5
        seeds[small_mask] = cv2.GC_FGD if value else cv2.GC_BGD
        if value:
            anchor |= small_mask  # kept strokes count as the person even when detached
    hard, models = _refine(small, seeds, anchor, p, samples)
    full = cv2.resize(hard.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    if models is not None:
        # Near the frame's sides, where remnants of the old background sit beside the hair and
        # shoulders, the outline and the probable person are judged again by colour at full size.
        # Elsewhere the cut stands: there the check would only bite grey hair or an ear.
        unsure = cv2.resize((seeds == cv2.GC_PR_FGD).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR) > 0.5
        sides = np.ones((h, w), bool)
        side = max(1, round(p.side_band * w))
        sides[:, side : w - side] = False
        if face_box is not None:
            # Above the face (beside the crown or a cap, no ear there to bite) the band reaches
            # further in: a flag beside a cap is not at the frame's edge.
            wide = max(1, round(p.decide_side * w))
            sides[: max(0, round(face_box[1])), :wide] = True
            sides[: max(0, round(face_box[1])), w - wide :] = True
            fh = face_box[3] - face_box[1]
            sides[max(0, round(face_box[3] + p.side_drop * fh)) :] = False  # below the shoulder line: clothing
        full = _decide_band(rgb, full, models, p, unsure & sides, sides, prob)
        if face_box is not None and p.pocket_bias > 0:
            full = _pockets(rgb, full, models, p, face_box, prob)
        if face_box is not None and p.veil_residual > 0:
            full = _veils(rgb, full, p, face_box)
        if keep is not None:
            full[keep] = 1.0
        big_anchor = cv2.resize(anchor.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
        person = keep_connected((full >= 0.5).astype(np.uint8), big_anchor)
        if face_box is not None:
            person = _head_connected(person, big_anchor, face_box, p, keep)
        full *= person
    alpha = _soft_edge(rgb, full, p)
    for mask, value in strokes:
        alpha[mask] = value
    return alpha


def upscale_alpha(
    alpha: np.ndarray, guide_rgb: np.ndarray, params: MatteParams | None = None
) -> np.ndarray:
    """`alpha` computed at low resolution, brought to `guide_rgb`'s size along its edges."""
    import cv2

    p = params or MatteParams()
    h, w = guide_rgb.shape[:2]
    up = cv2.resize(alpha.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    radius = max(1, round(p.edge_radius * w))
    soft = _fast_guided_filter(guide_rgb, up, radius, p.edge_eps, p.guide_long_side)
    return _stretch(soft, p)


def composite_on_white(
    rgb: np.ndarray, alpha: np.ndarray, params: CompositeParams | None = None
) -> np.ndarray:
    """`rgb` over pure white through `alpha`, with the old background's colour removed at edges.

    An edge pixel is a mix alpha*F + (1-alpha)*B of the person's colour F and the old background
    B. F is solved for with B taken from nearby background, then pulled toward the colour of
    nearby sure foreground the more transparent the pixel is (where the solve is unreliable), so
    no fringe of the old colour survives on the white.
    """
    import cv2

    p = params or CompositeParams()
    a = np.clip(alpha.astype(np.float32), 0.0, 1.0)
    r = max(1, round(p.rim * a.shape[1]))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    rim = cv2.dilate((a < 0.5).astype(np.uint8), kernel) > 0
    rows, cols = np.nonzero((a > 0.0) & ((a < 1.0) | rim))
    if rows.size == 0:
        return cv2.blendLinear(rgb, np.full_like(rgb, 255), a, 1.0 - a)
    # Only the edge pixels need a foreground colour estimate: work on those alone.
    # The person's colour is taken from deeper inside than the rim, which may itself be tinted.
    inner = cv2.erode((a >= p.sure_alpha).astype(np.uint8), kernel) > 0
    near_fg, near_bg = (m[:, :3] for m in _local_means(rgb, (inner, a <= 1.0 - p.sure_alpha), rows, cols, p))
    colour = rgb[rows, cols].astype(np.float32)
    a_e = np.minimum(a[rows, cols], _mix_alpha(colour, near_fg, near_bg, p))[:, None]
    a[rows, cols] = a_e[:, 0]
    out = cv2.blendLinear(rgb, np.full_like(rgb, 255), a, 1.0 - a)
    solved = np.clip((colour - (1.0 - a_e) * near_bg) / np.maximum(a_e, 1e-3), 0.0, 255.0)
    # The solve divides by alpha, so it is trusted only where the pixel is mostly person.
    trust = a_e * a_e
    fg = trust * solved + (1.0 - trust) * near_fg
    out[rows, cols] = np.clip(fg * a_e + 255.0 * (1.0 - a_e) + 0.5, 0, 255).astype(np.uint8)
    return out


def _mix_alpha(colour: np.ndarray, fg: np.ndarray, bg: np.ndarray, p: CompositeParams) -> np.ndarray:
    """How much of each colour is the person, read from where it lies between the nearby person
    colour `fg` and a saturated nearby background colour `bg` (1 where that cannot be told: a
    grey or white background is no tint, and grey hair in front of it must not fade)."""
    t, residual, length2 = _along(colour, bg, fg)
    chroma = bg.max(axis=1) - bg.min(axis=1)
    mixed = (length2 > p.rim_contrast**2) & (residual < p.rim_residual * np.sqrt(length2)) & (chroma >= p.rim_chroma)
    return np.where(mixed, np.clip(t, 0.0, 1.0), 1.0).astype(np.float32)


def _along(colour: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each colour lies on the line from `start` to `end` (all Nx3): the position (0 at
    start, 1 at end, unclipped), the distance from the line, and the squared length of the line."""
    span = end - start
    length2 = (span * span).sum(axis=1)
    t = ((colour - start) * span).sum(axis=1) / np.maximum(length2, 1e-6)
    residual = np.linalg.norm(colour - (start + t[:, None] * span), axis=1)
    return t, residual, length2


def _local_means(
    rgb: np.ndarray, selects: tuple[np.ndarray, ...], rows: np.ndarray, cols: np.ndarray, p: CompositeParams
) -> list[np.ndarray]:
    """For each mask of `selects`: the mean colour of its pixels around each (row, col), and their
    share of the pixels there (where it is 0 the mean is none), Nx4 float32.

    A normalised box filter at reduced size (the result is smooth anyway), sampled bilinearly at
    the requested pixels instead of being upsampled whole. The photo is reduced once for all the
    masks: at a fractional scale that costs more than the filters.
    """
    import cv2

    h, w = rgb.shape[:2]
    s = min(1.0, p.work_long_side / max(h, w))
    size = (max(1, round(w * s)), max(1, round(h * s)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    k = max(3, round(p.window * size[0]) | 1)
    # remap wants a 2D map under 32767 px a side: lay the N samples out in rows of 1024.
    n = rows.size
    pad = -n % 1024
    map_x = np.pad((cols + 0.5) * (size[0] / w) - 0.5, (0, pad)).astype(np.float32).reshape(-1, 1024)
    map_y = np.pad((rows + 0.5) * (size[1] / h) - 0.5, (0, pad)).astype(np.float32).reshape(-1, 1024)
    found: list[np.ndarray] = []
    for select in selects:
        weight = cv2.resize(select.astype(np.float32), size, interpolation=cv2.INTER_AREA)
        num = cv2.boxFilter(small * weight[..., None], -1, (k, k), borderType=cv2.BORDER_REFLECT)
        den = cv2.boxFilter(weight, -1, (k, k), borderType=cv2.BORDER_REFLECT)
        # The sums are interpolated and divided after: interpolating means would blend in the black
        # "mean" of a neighbouring cell that holds none of the mask.
        sums = cv2.remap(np.dstack([num, den]), map_x, map_y, cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE).reshape(-1, 4)[:n]
        share = sums[:, 3:]
        found.append(np.hstack([sums[:, :3] / np.maximum(share, 1e-6), share]).astype(np.float32))
    return found


def _grabcut_seeds(
    prob: np.ndarray, face_box: FaceBox | None, p: MatteParams
) -> tuple[np.ndarray, np.ndarray]:
    """grabCut labels (sure background far from the mask, sure foreground on its confident core,
    the face and the cut-off bottom) and the anchor that says which pieces are the person: the
    face core, or else the largest confident region."""
    import cv2

    h, w = prob.shape
    fg = (prob >= p.fg_threshold).astype(np.uint8)
    labels = np.where(fg > 0, cv2.GC_PR_FGD, cv2.GC_PR_BGD).astype(np.uint8)
    outside = cv2.distanceTransform(1 - fg, cv2.DIST_L2, 3)
    labels[outside > p.bg_distance * w] = cv2.GC_BGD
    confident = (prob >= p.sure_prob).astype(np.uint8)
    inside = cv2.distanceTransform(confident, cv2.DIST_L2, 3)
    core = inside > p.core_erosion * w
    band = max(1, round(p.bottom_band * h))
    bottom = np.zeros((h, w), bool)
    bottom[h - band :] = fg[h - band :] > 0
    anchor = np.zeros((h, w), bool)
    if face_box is not None:
        x0, y0, x1, y1 = face_box
        fw, fh = x1 - x0, y1 - y0
        zone = np.zeros((h, w), bool)
        for top, end, widen in ((y0 - p.hair_above * fh, y1, p.head_widen), (y1, h, p.neck_widen)):
            zx0, zx1 = max(0, round(x0 - widen * fw)), min(w, round(x1 + widen * fw))
            zone[max(0, round(top)) : max(0, round(end)), zx0:zx1] = True
        side = max(1, round(p.side_band * w))
        zone[:, side : w - side] = True
        zone[max(0, round(y1 + p.shoulder_drop * fh)) :] = True
        core &= zone
        bottom &= zone
    labels[core | bottom] = cv2.GC_FGD
    if face_box is not None:
        dx, dy = (x1 - x0) * p.face_core, (y1 - y0) * p.face_core
        c0, c1 = max(0, round(x0 + dx)), min(w, round(x1 - dx))
        r0, r1 = max(0, round(y0 + dy)), min(h, round(y1 - dy))
        labels[r0:r1, c0:c1] = cv2.GC_FGD
        anchor[r0:r1, c0:c1] = True
    if not anchor.any():
        anchor = _largest_component(labels == cv2.GC_FGD)
    return labels, anchor


def _largest_component(mask: np.ndarray) -> np.ndarray:
    import cv2

    n, comp, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n < 2:
        return np.zeros(mask.shape, bool)
    largest: np.ndarray = comp == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return largest


def _refine(small: np.ndarray, seeds: np.ndarray, anchor: np.ndarray, p: MatteParams,
            samples: tuple[np.ndarray, np.ndarray] | None = None
            ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Binary person mask: grabCut, then only what connects to the anchor, small holes filled.

    With `samples`, grabCut's two colour models are learnt once from trusted pixels only (the
    sure seeds plus the scene samples) and then frozen: a remnant the person model marked as
    probable person never becomes a colour of the person, so the cut can take it away.
    """
    import cv2

    if not anchor.any():
        return np.zeros(seeds.shape, np.uint8), None
    labels = seeds.copy()
    models: tuple[np.ndarray, np.ndarray] | None = None
    # grabCut needs samples of both sides; a crop that is all person has nothing to relabel.
    if ((labels == cv2.GC_BGD) | (labels == cv2.GC_PR_BGD)).any():
        bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
        bgr = cv2.cvtColor(small, cv2.COLOR_RGB2BGR)
        # grabCut seeds its colour models with k-means from OpenCV's per-thread random state:
        # reset it so the same photo always gives the same matte, whichever thread runs it.
        cv2.setRNGSeed(0x5EED)
        mode = cv2.GC_INIT_WITH_MASK
        if samples is not None and _learn_models(bgr, labels, samples, p.sample_panel, p.model_spread**2, bgd, fgd):
            mode = cv2.GC_EVAL_FREEZE_MODEL
            models = (bgd, fgd)
        # The stubs want a rect; OpenCV takes None when it starts from the mask.
        cv2.grabCut(bgr, labels, None, bgd, fgd, p.grabcut_iterations, mode)  # type: ignore[call-overload]
    fg = ((labels == cv2.GC_FGD) | (labels == cv2.GC_PR_FGD)).astype(np.uint8)
    fg = keep_connected(fg, anchor)
    return _fill_holes(fg, p.max_hole_area), models


def _decide_band(rgb: np.ndarray, hard: np.ndarray, models: tuple[np.ndarray, np.ndarray],
                 p: MatteParams, unsure: np.ndarray, where: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """`hard` (upsampled work-size mask, float) with the person pixels near its outline, and all
    those only `unsure` (not seeded as sure person), inside `where`, checked again at full size by
    the frozen colour models: background where its model is likelier by a margin, except in a
    piece the person model (`prob`) is sure of throughout.

    Only removes: a pixel the work-size cut called background stays so (a faint halo of a plain
    background is likelier under a broad person model than under a tight background one)."""
    import cv2

    h, w = hard.shape
    binary = (hard >= 0.5).astype(np.uint8)
    r = max(1, round(p.decide_band * w))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    band = (binary > 0) & ((cv2.erode(binary, kernel) == 0) | unsure) & where
    rows, cols = np.nonzero(band)
    if rows.size == 0:
        return hard
    person, background = _scores(rgb, rows, cols, models)
    margin = person - background
    gone = np.zeros((h, w), np.uint8)
    # Background where its model is likelier, or where the colour is no colour of the person at all.
    gone[rows, cols] = (margin < np.where(unsure[rows, cols], -p.unsure_bias, -p.decide_bias)) | (
        person < p.foreign_loglik)
    # A 3x3 median drops single-pixel noise of the per-pixel decision.
    dropped = cv2.medianBlur(gone * 255, 3) > 0
    # Only what opens onto the background already there, or onto the frame's edge, goes: a pocket
    # inside the clothing whose colour happens to match the old background (a highlight on a grey
    # suit) stays.
    outside = np.pad(binary == 0, 1, constant_values=True)
    _, comp = cv2.connectedComponents((outside | np.pad(dropped, 1)).astype(np.uint8), connectivity=8)
    open_ids = np.flatnonzero(np.bincount(comp[outside]))  # the labels present, without sorting pixels
    dropped &= np.isin(comp[1:-1, 1:-1], open_ids[open_ids > 0])
    if p.decide_sure < 1.0 and dropped.any():
        # A dark scene behind a black jacket shares the grey of its sheen, and the colour models cut
        # a notch into the shoulder there; but the model is sure of the whole notch, which it never is
        # of a remnant beside the hair (sure of a part of it at most).
        n, pieces = cv2.connectedComponents(dropped.astype(np.uint8), connectivity=8)
        doubt = np.bincount(pieces[dropped], weights=prob[dropped] < p.decide_sure, minlength=n)
        stays = doubt <= p.decide_doubt * np.bincount(pieces[dropped], minlength=n)
        stays[0] = False
        dropped &= ~stays[pieces]
    return np.where(dropped, 0.0, hard).astype(np.float32)


def _pockets(rgb: np.ndarray, hard: np.ndarray, models: tuple[np.ndarray, np.ndarray], p: MatteParams,
             face_box: FaceBox, prob: np.ndarray) -> np.ndarray:
    """`hard` without the old background held in loops of hair beside and above the head.

    At work size a loop of thin strands is one blob, so the backdrop inside it stays a film on the
    white (hivision-test4's hair loops). At full size the frozen colour models find it: a pocket the
    background model is likelier for, enclosed by the kept person (what opens onto the outline is
    _decide_band's), clearly so on the whole (`pocket_median`), and doubted by the person model
    in more than `pocket_doubt` of it: a shadow on the collar as grey as the wall is sure person.
    Not within `side_band` of the frame's sides, which _decide_band and the side cuts judge."""
    import cv2

    h, w = hard.shape
    binary = hard >= 0.5
    zone = _loop_zone(binary, face_box, p)
    rows, cols = np.nonzero(zone)
    if rows.size == 0:
        return hard
    person, background = _scores(rgb, rows, cols, models)
    margin = np.zeros((h, w), np.float32)
    margin[rows, cols] = person - background
    votes = np.zeros((h, w), np.uint8)
    votes[rows, cols] = margin[rows, cols] < -p.pocket_bias
    likelier = cv2.medianBlur(votes * 255, 3) > 0  # as in _decide_band: no single-pixel noise
    n, comp, stats, _ = cv2.connectedComponentsWithStats(likelier.astype(np.uint8), connectivity=8)
    if n < 2:
        return hard
    ok = stats[:, cv2.CC_STAT_AREA] >= p.pocket_min_area * h * w
    ok[0] = False
    edge = cv2.dilate((~binary).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    ok[comp[edge & likelier]] = False
    for i in np.flatnonzero(ok):
        piece = comp == i
        # A thin sliver along the outline is a light strand's edge, not a loop.
        depth = cv2.distanceTransform(np.pad(piece, 1).astype(np.uint8), cv2.DIST_L2, 3)
        ok[i] = (float(depth.max()) >= p.pocket_depth * w and np.median(margin[piece]) < -p.pocket_median
                 and np.mean(prob[piece] < p.decide_sure) > p.pocket_doubt)
    gone = ok[comp]
    if gone.any():
        # The film reaches into the strands' blend with it: the pocket takes the pixels beside it,
        # as far as `pocket_grow`, that the background model is likelier for at all.
        gone = grow_within(gone, (zone & (margin < 0)) | gone, round(p.pocket_grow * w))
    return np.where(gone, 0.0, hard).astype(np.float32)


def _loop_zone(binary: np.ndarray, face_box: FaceBox, p: MatteParams) -> np.ndarray:
    """The kept pixels where loops of hair hang: beside and above the head, down to `pocket_drop`
    face heights below the face, outside the face and the frame's side bands."""
    import cv2

    w = binary.shape[1]
    x0, y0, x1, y1 = (round(v) for v in face_box)
    zone = binary.copy()
    side = max(1, round(p.side_band * w))
    zone[:, :side] = False
    zone[:, w - side :] = False
    zone[max(0, y1 + round(p.pocket_drop * (y1 - y0))) :] = False
    # The face itself, the ellipse in its box: the box's corners by the jaw are where curls hang.
    face = np.zeros(zone.shape, np.uint8)
    cv2.ellipse(face, ((x0 + x1) // 2, (y0 + y1) // 2), ((x1 - x0) // 2, (y1 - y0) // 2), 0, 0, 360, 1, -1)
    zone[face > 0] = False
    return zone


# A film is the backdrop darkened by strands: along the strands-to-backdrop line it reaches the
# backdrop (1.0) and, with the noise of a JPEG, a little beyond; a white shirt lies far beyond.
_FILM_LIGHTEST = 1.15
_STRANDS_NEAR = 0.02  # share of dark strands around a pixel under which their mean colour is none


def _veils(rgb: np.ndarray, hard: np.ndarray, p: MatteParams, face_box: FaceBox) -> np.ndarray:
    """`hard` without the backdrop seen through loops of dark strands beside and above the head.

    Through a loop of sparse strands the backdrop shows darkened (hivision-test4's bun): a blend of
    backdrop and hair that the person model claims as readily as the background model (its hair
    and skin components span such browns), so _pockets leaves it. By colour alone a strand's light
    edge or a light-brown lock is such a blend too. What tells the film is its place: a thick piece,
    mostly backdrop, framed by strands that are mostly hair, and clearly lighter than they are. A
    light lock among mid-tone locks (busy-img29's ash hair) has no such frame and stays."""
    import cv2

    h, w = hard.shape
    binary = hard >= 0.5
    # The three channels added one by one: numpy's mean over a 3-long axis is ten times slower.
    dark = binary & (rgb[..., 0].astype(np.uint16) + rgb[..., 1] + rgb[..., 2] < 3.0 * p.veil_dark)
    # Only dark hair shows a loop's film so: above the face, at least `veil_hair` of what is kept is
    # dark. Light hair has no dark strands, and a dark collar below it is no frame of hair (the
    # astronaut's suit, whose lilac rim is the backdrop's colour).
    top = max(0, round(face_box[1]))
    if not binary[:top].any() or dark[:top][binary[:top]].mean() < p.veil_hair:
        return hard
    zone = _loop_zone(binary, face_box, p)
    zone &= cv2.distanceTransform(binary.astype(np.uint8), cv2.DIST_L2, 3) <= p.veil_depth * w
    rows, cols = np.nonzero(zone)
    if rows.size == 0:
        return hard
    near = CompositeParams(window=p.veil_window)
    found, around_bg = _local_means(rgb, (dark, ~binary), rows, cols, near)
    if p.veil_reach > p.veil_window:
        _reach_further(rgb, (dark, ~binary), rows, cols, (found, around_bg), face_box, p)
    strands, have = found[:, :3], found[:, 3] > _STRANDS_NEAR  # where no dark strand is near: no line to judge
    t, residual, length2 = _along(rgb[rows, cols].astype(np.float32), strands, around_bg[:, :3])
    length = np.sqrt(length2)
    off = residual / np.maximum(length, 1e-6)
    on_line = have & (length > p.veil_contrast) & (off < p.veil_residual)
    alpha, spread = np.full((h, w), np.nan, np.float32), np.full((h, w), np.nan, np.float32)
    alpha[rows, cols] = np.clip(1.0 - t, 0.0, 1.0)
    spread[rows, cols] = off
    film = np.zeros((h, w), bool)
    film[rows, cols] = on_line & (t > 1.0 - p.veil_alpha) & (t < _FILM_LIGHTEST)
    strand = np.zeros((h, w), bool)
    strand[rows, cols] = on_line & (t <= 1.0 - p.veil_alpha)
    r = max(1, round(p.veil_thick * w))
    core = cv2.erode(film.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    n, comp, stats, _ = cv2.connectedComponentsWithStats(film.astype(np.uint8), connectivity=8)
    ok = np.zeros(n, bool)
    ok[comp[core > 0]] = True
    ok[0] = False
    for i in np.flatnonzero(ok):
        # Judged within the piece's box and 2 px around it, where its frame lies.
        x, y, bw, bh = stats[i, :4]
        box = (slice(max(0, y - 2), y + bh + 2), slice(max(0, x - 2), x + bw + 2))
        piece = comp[box] == i
        around = (cv2.dilate(piece.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0) & binary[box] & ~film[box]
        framed = alpha[box][around]
        framed = framed[np.isfinite(framed)]
        share = float(np.median(alpha[box][piece]))
        ok[i] = (framed.size > 0 and share < p.veil_piece and float(strand[box][around].mean()) > p.veil_strands
                 and float(framed.mean()) >= p.veil_ring and float(framed.mean()) - share >= p.veil_step
                 and float(np.median(spread[box][piece])) < p.veil_spread)
    gone = ok[comp]
    if gone.any():
        # As in _pockets, the film reaches into the strands' blend with it: a piece takes the pixels
        # beside it, as far as `pocket_grow`, on the line under `veil_blend` strand.
        weaker = gone.copy()
        weaker[rows, cols] |= on_line & (t > 1.0 - p.veil_blend) & (t < _FILM_LIGHTEST)
        gone = grow_within(gone, weaker, round(p.pocket_grow * w))
    return np.where(gone, 0.0, hard).astype(np.float32)


def _reach_further(rgb: np.ndarray, selects: tuple[np.ndarray, ...], rows: np.ndarray, cols: np.ndarray,
                   means: tuple[np.ndarray, ...], face_box: FaceBox, p: MatteParams) -> None:
    """Fill in, in place, the `means` (_local_means of `selects` at `rows`, `cols`) that found none
    of their pixels within `veil_window`, from within `veil_reach`, beside the face only.

    A curl that hangs by the jaw encloses the backdrop seen through its strands: the film's middle
    is farther from the open backdrop and the curl than the window reaches, so it has no line to be
    judged on. Only beside the face, below its top: on the crown a light lock far from the backdrop
    is no film, nor is a light crease of a dark suit at the shoulder, which by the jaw can be as
    near the face as a film by the ear."""
    x0, y0, x1, y1 = face_box
    upper = rows < y0 + p.veil_reach_mouth * (y1 - y0)
    side = np.where(upper, p.veil_reach_side, p.veil_reach_jaw_side) * (x1 - x0)
    near = ((rows >= y0 + p.veil_reach_top * (y1 - y0)) & (cols >= x0 - side) & (cols <= x1 + side)
            & np.logical_or.reduce([m[:, 3] <= _STRANDS_NEAR for m in means]))
    if not near.any():
        return
    wider = _local_means(rgb, selects, rows[near], cols[near], CompositeParams(window=p.veil_reach))
    for mean, far in zip(means, wider, strict=True):
        lack = mean[near, 3] <= _STRANDS_NEAR
        mean[np.flatnonzero(near)[lack]] = far[lack]


def _scores(rgb: np.ndarray, rows: np.ndarray, cols: np.ndarray,
            models: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihoods of `rgb`'s pixels at (rows, cols) under the person and the background model.

    Each distinct colour is scored once: a crop of hair repeats its few dark shades many times
    (62k pixels, 30k colours in the 12 MP benchmark's pocket zone)."""
    px = rgb[rows, cols].astype(np.int32)
    colours, which = np.unique((px[:, 0] << 16) | (px[:, 1] << 8) | px[:, 2], return_inverse=True)
    bgr = np.stack([colours & 255, (colours >> 8) & 255, colours >> 16], axis=1).astype(np.float64)
    return _gmm_loglik(bgr, models[1])[which], _gmm_loglik(bgr, models[0])[which]


def _gmm_loglik(bgr: np.ndarray, model: np.ndarray) -> np.ndarray:
    """Log-likelihood of Nx3 BGR colours under one of grabCut's 5-component models (1x65)."""
    m = model.ravel()
    weights, means, covs = m[:5], m[5:20].reshape(5, 3), m[20:65].reshape(5, 3, 3)
    total = np.zeros(len(bgr))
    for k in range(5):
        if weights[k] <= 0:
            continue
        # d·inv·d as |d·L|² with L the Cholesky factor of the inverse: one BLAS product, half the time.
        chol = np.linalg.cholesky(np.linalg.inv(covs[k]))
        y = (bgr - means[k]) @ chol
        q = np.einsum("ni,ni->n", y, y)
        total += weights[k] / np.sqrt(np.linalg.det(covs[k])) * np.exp(-0.5 * q)
    return np.log(total + 1e-300)


def _learn_models(bgr: np.ndarray, labels: np.ndarray, samples: tuple[np.ndarray, np.ndarray], count: int,
                  spread: float, bgd: np.ndarray, fgd: np.ndarray) -> bool:
    """Fill grabCut's background and foreground models from trusted pixels alone: the sure
    labels of the work image and the scene's colour samples (RGB). No component is narrower than
    the variance `spread` in any direction: a plain background gives a very tight model, and a
    faint halo of it beside the hair would otherwise look likelier to be person. False if a side
    has too few."""
    import cv2

    def trusted(label: int, extra: np.ndarray) -> np.ndarray:
        extra = extra[:: max(1, len(extra) // count)][:count, ::-1]  # RGB -> BGR
        return np.concatenate([bgr[labels == label], extra.astype(np.uint8)])

    back, front = trusted(cv2.GC_BGD, samples[0]), trusted(cv2.GC_FGD, samples[1])
    if len(back) < 50 or len(front) < 50:
        return False
    image = np.ascontiguousarray(np.concatenate([back, front])[:, None, :])
    mask = np.concatenate([np.full(len(back), cv2.GC_BGD, np.uint8), np.full(len(front), cv2.GC_FGD, np.uint8)])
    cv2.grabCut(image, np.ascontiguousarray(mask[:, None]), None, bgd, fgd, 0,  # type: ignore[call-overload]
                cv2.GC_INIT_WITH_MASK)  # as above: no rect when starting from the mask
    for model in (bgd, fgd):  # covariances of each component (after 5 weights and 5 means)
        covs = model[0, 20:65].reshape(5, 3, 3)
        values, vectors = np.linalg.eigh(covs)
        floored = np.einsum("kij,kj,klj->kil", vectors, np.maximum(values, spread), vectors)
        model[0, 20:65] = floored.ravel()
    return True


def _head_connected(person: np.ndarray, anchor: np.ndarray, face_box: FaceBox, p: MatteParams,
                    keep: np.ndarray | None) -> np.ndarray:
    """Above the shoulders only the head and what hangs from it are the candidate: something that
    joins the person only lower down (a bystander's head beside the shoulder, an object resting on
    it) is dropped."""
    line = max(0, min(person.shape[0], round(face_box[3] + p.shoulder_drop * (face_box[3] - face_box[1]))))
    upper = person[:line]
    head = keep_connected(upper, anchor[:line])
    if keep is not None:
        head |= upper & keep[:line]
    out = person.copy()
    out[:line] = head
    return out


def keep_connected(fg: np.ndarray, anchor: np.ndarray) -> np.ndarray:
    """Drop islands: only components that touch the anchor are the person."""
    import cv2

    _, comp = cv2.connectedComponents(fg, connectivity=8)
    keep = np.flatnonzero(np.bincount(comp[anchor & (fg > 0)]))  # the labels present, without sorting pixels
    keep = keep[keep > 0]
    return np.isin(comp, keep).astype(np.uint8)


def _fill_holes(fg: np.ndarray, max_area: float) -> np.ndarray:
    """Fill small background pockets enclosed by the person (not touching the image border)."""
    import cv2

    _, comp, stats, _ = cv2.connectedComponentsWithStats(1 - fg, connectivity=4)
    h, w = fg.shape
    border = np.unique(np.concatenate([comp[0], comp[-1], comp[:, 0], comp[:, -1]]))
    small = stats[:, cv2.CC_STAT_AREA] < max_area * h * w
    small[border] = False
    small[0] = False
    out = fg.copy()
    out[small[comp]] = 1
    return out


def _soft_edge(rgb: np.ndarray, hard: np.ndarray, p: MatteParams) -> np.ndarray:
    """Hard mask (at rgb's size) -> soft alpha following edges of the image."""
    import cv2

    w = rgb.shape[1]
    radius = max(1, round(p.edge_radius * w))
    soft = _fast_guided_filter(rgb, hard, radius, p.edge_eps, p.guide_long_side)
    # Far from the outline the hard answer is right; the filter only decides the edge band.
    binary = (hard >= 0.5).astype(np.uint8)
    band = p.edge_band * w
    inside = cv2.distanceTransform(binary, cv2.DIST_L2, 3) > band
    outside = cv2.distanceTransform(1 - binary, cv2.DIST_L2, 3) > band
    soft[inside] = 1.0
    soft[outside] = 0.0
    return _stretch(soft, p)


def _stretch(alpha: np.ndarray, p: MatteParams) -> np.ndarray:
    out = (alpha - p.alpha_low) / (p.alpha_high - p.alpha_low)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


_BAND_ROWS = 256


def _fast_guided_filter(
    guide_rgb: np.ndarray, src: np.ndarray, radius: int, eps: float, max_side: int
) -> np.ndarray:
    """Colour-guided filter (He et al.); coefficients at <= max_side px, applied at full size."""
    import cv2

    h, w = src.shape
    s = min(1.0, max_side / max(h, w))
    if s < 1.0:
        size = (max(1, round(w * s)), max(1, round(h * s)))
        g_lo = cv2.resize(guide_rgb, size, interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
        p_lo = cv2.resize(src, size, interpolation=cv2.INTER_AREA)
        r_lo = max(1, round(radius * s))
    else:
        g_lo, p_lo, r_lo = guide_rgb.astype(np.float32) / 255.0, src.astype(np.float32), radius
    a, b = _guided_coefficients(g_lo, p_lo, r_lo, eps)
    if s < 1.0:
        a = cv2.resize(a, (w, h), interpolation=cv2.INTER_LINEAR)
        b = cv2.resize(b, (w, h), interpolation=cv2.INTER_LINEAR)
    # Applied in bands of rows: a float copy of a high-resolution guide and its product with `a`
    # would otherwise cost hundreds of MB at once. Channel sum through cv2.transform: several
    # times faster than numpy's sum(axis=2).
    out = np.empty((h, w), np.float32)
    ones = np.ones((1, 3), np.float32)
    for y in range(0, h, _BAND_ROWS):
        guide = guide_rgb[y : y + _BAND_ROWS].astype(np.float32) / 255.0
        out[y : y + _BAND_ROWS] = cv2.transform(cv2.multiply(a[y : y + _BAND_ROWS], guide), ones)
    filtered: np.ndarray = out + b
    return filtered


def _guided_coefficients(
    guide: np.ndarray, src: np.ndarray, radius: int, eps: float
) -> tuple[np.ndarray, np.ndarray]:
    """Box-averaged linear coefficients a (HxWx3), b (HxW) with src ~ a . guide + b per window."""
    import cv2

    k = (2 * radius + 1, 2 * radius + 1)

    def mean(x: np.ndarray) -> np.ndarray:
        return cv2.boxFilter(x, -1, k, borderType=cv2.BORDER_REFLECT)

    m_i = mean(guide)
    m_p = mean(src)
    cov_ip = mean(guide * src[..., None]) - m_i * m_p[..., None]
    # Per-pixel 3x3 covariance of the guide (+ eps on the diagonal), inverted in closed form.
    rr, gg, bb = (mean(guide[..., c] * guide[..., c]) - m_i[..., c] ** 2 + eps for c in range(3))
    rg = mean(guide[..., 0] * guide[..., 1]) - m_i[..., 0] * m_i[..., 1]
    rb = mean(guide[..., 0] * guide[..., 2]) - m_i[..., 0] * m_i[..., 2]
    gb = mean(guide[..., 1] * guide[..., 2]) - m_i[..., 1] * m_i[..., 2]
    inv_rr, inv_rg, inv_rb = gg * bb - gb * gb, gb * rb - rg * bb, rg * gb - gg * rb
    inv_gg, inv_gb, inv_bb = rr * bb - rb * rb, rb * rg - rr * gb, rr * gg - rg * rg
    det = rr * inv_rr + rg * inv_rg + rb * inv_rb
    cr, cg, cb = cov_ip[..., 0], cov_ip[..., 1], cov_ip[..., 2]
    a = np.stack(
        [
            cr * inv_rr + cg * inv_rg + cb * inv_rb,
            cr * inv_rg + cg * inv_gg + cb * inv_gb,
            cr * inv_rb + cg * inv_gb + cb * inv_bb,
        ],
        axis=2,
    )
    a /= det[..., None]
    b = m_p - (a * m_i).sum(axis=2)
    return mean(a), mean(b)
