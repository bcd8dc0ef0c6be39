"""The photo fixer: frame, level, put on white, compress. It never judges; the checks do.

Work is split so the slow full-resolution decode overlaps everything that does not need it:
`matte_in_frame` mattes from the reduced analysis image (the matte is needed only at output
size) while the full-resolution source is decoded and resampled into the same frame elsewhere;
`finish` composites and compresses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np

from photocheck.concurrency import helper
from photocheck.io.decode import Picture
from photocheck.photo.analysis import PhotoAnalysis, face_polygon
from photocheck.photo.framing import Framing, outside_source, render, warp_mask
from photocheck.photo.jpeg import Encoded, EncodeError, encode_jpeg, encode_jpeg_under
from photocheck.reports import CheckResult, Status
from photocheck.rules.profile import Profile
from photocheck.vision.bystanders import bystanders
from photocheck.vision.face import FaceLandmarks
from photocheck.vision.person import (
    CompositeParams,
    MatteParams,
    composite_on_white,
    keep_connected,
    matte,
    upscale_alpha,
)
from photocheck.vision.remnants import lab_float
from photocheck.vision.vivid import (
    Colours,
    foreign_hue_on_crown,
    grey_gaps_in_hair,
    other_hue_at_sides,
    vivid_beside_jaw,
)


class FixError(Exception):
    """The fixer could not produce a file; `result` says why in the output.file check's words."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.message)
        self.result = result


@dataclass(frozen=True)
class Matte:
    """The person's matte in the output frame."""

    framing: Framing  # in upright full-resolution source px
    alpha: np.ndarray  # person alpha at output size, 0 beyond the source
    face: np.ndarray  # bool, the face oval at output size (kept out of any denoising)
    whitened: bool = True  # False: the user kept the source's background
    background: np.ndarray | None = None  # colours of the source's background (Nx3 uint8 RGB), when whitened


@dataclass(frozen=True)
class FixResult:
    upload: Encoded
    framing: Framing
    notes: list[str]
    source: Picture
    turns: int
    alpha: np.ndarray
    original_quality: int
    matte_params: MatteParams
    composite_params: CompositeParams
    source_background: np.ndarray | None  # Lab colours of the source's background for the written file's check

    def render_original(self) -> tuple[bytes, tuple[int, int]]:
        """The same framing at the source's own resolution (never enlarged), on white, high quality."""
        hi = self.framing.scaled(max(1.0, 1.0 / self.framing.scale))
        rgb = render(self.source.rgb, hi, self.turns)
        sh, sw = self.source.rgb.shape[:2]
        alpha = upscale_alpha(self.alpha, rgb, self.matte_params)
        alpha[outside_source(hi, sw, sh, self.turns)] = 0.0
        return encode_jpeg(composite_on_white(rgb, alpha, self.composite_params), self.original_quality), hi.size


def matte_params(p: Profile) -> tuple[MatteParams, CompositeParams]:
    """The profile's matte rules as the vision layer's parameters."""
    rules = p.matte
    if rules is None:
        raise ValueError(f"profile {p.id} has no [matte] rules: it cannot fix")
    fields = {f.name: getattr(rules, f.name) for f in dataclasses.fields(MatteParams)}
    composite = {f.name: getattr(rules.composite, f.name) for f in dataclasses.fields(CompositeParams)}
    return MatteParams(**fields), CompositeParams(**composite)


def matte_in_frame(a: PhotoAnalysis, framing: Framing, p: Profile, *, background: bool = True,
                   keep: np.ndarray | None = None, remove: np.ndarray | None = None) -> Matte:
    """The person's alpha in the output frame, from the analysis image alone. `background=False`
    keeps the source's background (alpha 1 wherever there is source); `keep` / `remove` are the
    user's strokes in upright full-resolution source px."""
    import cv2

    assert a.landmarks is not None, "matting needs the face's landmarks"
    view = framing.for_analysis(a.picture.scale)
    poly = face_polygon(a.landmarks) @ view.matrix[:, :2].T + view.matrix[:, 2]
    h, w = a.picture.rgb.shape[:2]
    face = np.zeros((framing.size[1], framing.size[0]), np.uint8)
    cv2.fillPoly(face, [np.round(poly).astype(np.int32)], 1)
    if background:
        assert a.mask is not None, "replacing the background needs the person mask"
        preview = render(a.picture.rgb, view)
        (x0, y0), (x1, y1) = poly.min(axis=0), poly.max(axis=0)
        prior = warp_mask(a.mask, view.matrix, framing.size)
        strokes = [None if m is None else warp_mask(m.astype(np.float32), framing.matrix, framing.size) > 0.5
                   for m in (keep, remove)]
        mp, _ = matte_params(p)
        samples = scene_samples(a, mp)
        alpha = matte(preview, face_box=(float(x0), float(y0), float(x1), float(y1)), prior=prior,
                      params=mp, keep=strokes[0], remove=strokes[1], samples=samples)
        eye_y = float((view.matrix @ np.array([*a.landmarks.eye_mid[:2], 1.0]))[1])
        # The objects' second segmentation runs on a helper while the next cuts are found here.
        dropped = helper("objects").submit(_drop_objects, preview, alpha, eye_y, mp, keep=strokes[0])
        in_view = _in_view(a.landmarks, view.matrix)
        lab = lab_float(preview)  # one conversion for every colour cut
        colours = Colours(lab, in_view, samples[0], mp.crown_samples)  # their palettes, found once
        cuts: list[Callable[[np.ndarray], np.ndarray]] = [
            lambda kept: bystanders(preview, kept, face > 0, eye_y, mp),
            lambda kept: vivid_beside_jaw(colours, kept, mp),
            lambda kept: foreign_hue_on_crown(colours, kept, prior, mp),
            lambda kept: grey_gaps_in_hair(lab, kept, in_view, samples, mp),
            lambda kept: other_hue_at_sides(colours, kept, prior, mp),
            lambda kept: _detached(kept, face > 0),
        ]
        alpha = _cut_in_turn(preview, alpha, dropped, cuts, mp, strokes[0])
    else:
        alpha = np.ones((framing.size[1], framing.size[0]), np.float32)
    alpha[outside_source(view, w, h, 0)] = 0.0
    return Matte(framing=framing, alpha=alpha, face=face.astype(bool), whitened=background,
                 background=samples[0] if background else None)


def _drop_objects(rgb: np.ndarray, alpha: np.ndarray, eye_y: float, mp: MatteParams,
                  keep: np.ndarray | None) -> np.ndarray:
    """`alpha` without the objects it kept at the frame's sides below the eyes: on white, a second
    segmentation sees a statue on the shoulder as no person, where the first, amid the scene,
    took it for part of one. What the user's keep stroke covers stays."""
    import cv2

    from photocheck.vision.remnants import second_segmentation

    h, w = alpha.shape
    on_white = (rgb * alpha[..., None] + 255.0 * (1.0 - alpha[..., None])).astype(np.uint8)
    person = second_segmentation(on_white, (mp.object_pad,))
    kept = alpha > 0.5
    core = cv2.morphologyEx((kept & (person < mp.object_core)).astype(np.uint8), cv2.MORPH_OPEN,
                            np.ones((3, 3), np.uint8))
    n, comp, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=8)
    side = mp.object_side * w
    seeds = [i for i in range(1, n)
             if stats[i, 4] >= mp.object_min_area * h * w and stats[i, 1] + stats[i, 3] > eye_y
             and (stats[i, 0] <= side or stats[i, 0] + stats[i, 2] >= w - side)]
    if not seeds:
        return alpha
    # The extent includes the object's faint rim, which the matte kept only partly.
    _, extent = cv2.connectedComponents(((alpha > 0.05) & (person < mp.object_extent)).astype(np.uint8),
                                        connectivity=8)
    ids = np.unique(extent[np.isin(comp, seeds)])
    gone = cv2.dilate(np.isin(extent, ids[ids > 0]).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    if keep is not None:
        gone &= ~keep
    out = alpha.copy()
    out[gone] = 0.0
    return out


AHEAD = 2  # cuts found on the matte's alpha while the objects' cut is made (about as long)


def _cut_in_turn(rgb: np.ndarray, alpha: np.ndarray, first: Future[np.ndarray],
                 cuts: list[Callable[[np.ndarray], np.ndarray]], mp: MatteParams,
                 keep: np.ndarray | None) -> np.ndarray:
    """`alpha` after `first` (its cut, made elsewhere) and then each of `cuts` (what it takes away
    of the alpha before it) in turn. The first AHEAD cuts are found on `alpha` itself meanwhile:
    each stands while the cuts before it took nothing, left `alpha` the same array (most photos),
    and is found again on the new alpha otherwise, so the outcome is that of cutting in turn."""
    early = [find(alpha) for find in cuts[:AHEAD]]
    unchanged = alpha
    alpha = first.result()
    for i, find in enumerate(cuts):
        gone = early[i] if i < len(early) and alpha is unchanged else find(alpha)
        alpha = _cut_away(rgb, alpha, gone, mp, keep)
    return alpha


def _in_view(lm: FaceLandmarks, matrix: np.ndarray) -> FaceLandmarks:
    """The face mesh moved into the output frame (2x3 affine `matrix`)."""
    points = lm.points.copy()
    points[:, :2] = lm.points[:, :2] @ matrix[:, :2].T + matrix[:, 2]
    return dataclasses.replace(lm, points=points)


def _cut_away(rgb: np.ndarray, alpha: np.ndarray, gone: np.ndarray, mp: MatteParams,
              keep: np.ndarray | None) -> np.ndarray:
    """`alpha` with `gone` taken away, except what the user's keep stroke covers."""
    import cv2

    if keep is not None:
        gone = gone & ~keep
    if not gone.any():
        return alpha
    # The new cut is hard: feathered over half the guided filter's radius, so it is not stepped.
    # It lies on a strong edge of the image already (where the cuts put it).
    sigma = max(0.5, 0.5 * mp.edge_radius * alpha.shape[1])
    k = 2 * max(1, round(3 * sigma)) + 1  # as far as the feather reaches
    gone = gone | _slivers(alpha, gone, k, mp, keep)
    soft = cv2.GaussianBlur(np.where(gone, 0.0, alpha >= 0.5).astype(np.float32), (0, 0), sigma)
    near = cv2.dilate(gone.astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    return np.where(near, np.minimum(alpha, soft), alpha).astype(np.float32)


def _detached(alpha: np.ndarray, face: np.ndarray) -> np.ndarray:
    """What `alpha` keeps (at least half) apart from the candidate: the pieces joined neither to the
    face nor to the frame's bottom edge (where the shoulders are cut)."""
    kept = alpha >= 0.5
    anchor = face.copy()
    anchor[-1] = True
    found: np.ndarray = kept & (keep_connected(kept.astype(np.uint8), anchor) == 0)
    return found


def _slivers(alpha: np.ndarray, gone: np.ndarray, reach: int, mp: MatteParams,
             keep: np.ndarray | None) -> np.ndarray:
    """What a cut (`gone`) leaves of the person beside it, within `reach` px, thinner than
    `sliver_width`: a cut along a flag's blue beside a cap leaves the flag pole's dark edge, which
    the feather would keep as a faint grey line on the white. Only beside cuts of at least
    `sliver_cut` of the frame: a cut of a few specks between loose strands leaves the strands."""
    import cv2

    h, w = alpha.shape
    none = np.zeros((h, w), bool)
    r = round(mp.sliver_width * w)
    if r < 1:
        return none
    _, comp, stats, _ = cv2.connectedComponentsWithStats(gone.astype(np.uint8), connectivity=8)
    big = stats[:, cv2.CC_STAT_AREA] >= mp.sliver_cut * h * w
    big[0] = False
    if not big.any():
        return none
    beside = cv2.dilate(big[comp].astype(np.uint8), np.ones((reach, reach), np.uint8)) > 0
    kept = ((alpha >= 0.5) & ~gone).astype(np.uint8)
    thick = cv2.morphologyEx(kept, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    found: np.ndarray = (kept > thick) & beside
    if keep is not None:
        found &= ~keep
    return found


def scene_samples(a: PhotoAnalysis, mp: MatteParams) -> tuple[np.ndarray, np.ndarray]:
    """Colours of the whole analysed scene for the matte's colour models (Nx3 uint8 RGB each):
    the background far from the person, and the person where the face mesh says what is there
    (skin inside the face oval, hair just above the forehead, clothing below the chin)."""
    import cv2

    rgb, mask, lm = a.picture.rgb, a.mask, a.landmarks
    assert mask is not None and lm is not None
    # A few thousand samples are plenty: every n-th pixel of each row and column.
    step = max(1, round(max(mask.shape) / mp.sample_side))
    rgb, mask = rgb[::step, ::step], mask[::step, ::step]
    h, w = mask.shape
    person = (mask >= 0.5).astype(np.uint8)
    far = cv2.distanceTransform(1 - person, cv2.DIST_L2, 3) > mp.sample_far * max(h, w)
    background = rgb[far & (mask < mp.sample_background)]
    poly = face_polygon(lm) / step
    (fx0, fy0), (fx1, fy1) = poly.min(axis=0), poly.max(axis=0)
    fw, fh = fx1 - fx0, fy1 - fy0
    skin = np.zeros((h, w), np.uint8)
    centre = poly.mean(axis=0)
    cv2.fillPoly(skin, [np.round(centre + (poly - centre) * 0.8).astype(np.int32)], 1)
    zone = np.zeros((h, w), bool)
    c0, c1 = max(0, int(fx0 + 0.15 * fw)), min(w, int(fx1 - 0.15 * fw))
    zone[max(0, int(fy0 - 0.2 * fh)) : max(0, int(fy0 - 0.03 * fh)), c0:c1] = True  # hair
    zone[min(h, int(fy1 + 0.3 * fh)) :, max(0, int(fx0)) : min(w, int(fx1))] = True  # clothes
    sure = cv2.erode(person, np.ones((3, 3), np.uint8)) > 0
    return background, rgb[(zone & sure & (mask > mp.sample_sure)) | (skin > 0)]


def finish(full: Picture, framed: np.ndarray, a: PhotoAnalysis, p: Profile, prep: Matte) -> FixResult:
    """Put the framed full-resolution pixels (`framing.render` of `full`) on white and compress."""
    framing = prep.framing
    mp, cp = matte_params(p)
    out = composite_on_white(framed, prep.alpha, cp)
    o = p.output
    try:
        upload = encode_jpeg_under(
            out, o.max_bytes, min_quality=o.min_quality, max_quality=o.max_quality,
            floor_quality=o.floor_quality, subsampling=o.subsampling, progressive=o.progressive,
            protect=prep.face,
        )
    except EncodeError as exc:
        raise FixError(
            CheckResult(
                "output.file", Status.FAIL, None, o.max_bytes, exc.message,
                "换一件纯色、无条纹的衣服重拍", message_en=exc.message_en,
            )
        ) from exc
    return FixResult(
        upload=upload, framing=framing, notes=_notes(a, framing, upload, o.max_bytes, prep.whitened), source=full,
        turns=a.quarter_turns, alpha=prep.alpha, original_quality=o.original_quality,
        matte_params=mp, composite_params=cp, source_background=_palette(prep.background, mp.gap_samples),
    )


def _palette(rgb: np.ndarray | None, count: int) -> np.ndarray | None:
    """About `count` of the colours `rgb` (Nx3 uint8) in Lab, or None without any."""
    if rgb is None or not len(rgb):
        return None
    palette: np.ndarray = lab_float(rgb[:: max(1, len(rgb) // count)][None])[0]
    return palette


def _notes(a: PhotoAnalysis, framing: Framing, upload: Encoded, max_bytes: int, whitened: bool) -> list[str]:
    """What the fixer did, in the user's words."""
    notes = [f"裁剪为{framing.size[0]}×{framing.size[1]}，头部占高度{framing.head_ratio:.0%}"]
    if a.quarter_turns:
        notes.append(f"照片已顺时针旋转{90 * a.quarter_turns}°")
    if framing.angle:
        notes.append(f"头部歪斜已校正{abs(framing.angle):.1f}°")
    if framing.scale > 1.0:
        notes.append(f"原图像素不足，已放大{framing.scale:.2f}倍")
    if whitened:
        notes.append("背景已换成纯白")
    if upload.denoised:
        notes.append("衣服和背景已降噪，以便在大小上限内保持面部画质")
    notes.append(f"JPEG质量{upload.quality}，{len(upload.data):,}字节（上限{max_bytes:,}）")
    return notes
