"""Crop geometry: from the analysed head to an affine map of the source onto the profile's frame.

The map combines the quarter turn, the roll correction (eyes level), the scale that gives the
profile's head height and the offset that puts the crown margin and the face centre in place, so
the full-resolution source is resampled once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photocheck.photo.analysis import PhotoAnalysis
from photocheck.rules.profile import Profile

BELOW_TOLERANCE = 0.5  # output px: resampling reaches half a pixel past the last source row


@dataclass(frozen=True)
class Framing:
    matrix: np.ndarray  # 2x3: upright-source px (after the quarter turn) -> output px
    size: tuple[int, int]  # output width, height
    scale: float  # output px per source px (> 1 means enlarging)
    angle: float  # degrees of roll removed
    head_ratio: float  # head height the crop gives, as a share of the output height

    def scaled(self, factor: float) -> Framing:
        """The same framing rendered `factor` times larger (the high-resolution original)."""
        m = self.matrix * factor
        w, h = self.size
        return Framing(m, (round(w * factor), round(h * factor)), self.scale * factor, self.angle, self.head_ratio)

    def for_analysis(self, analysis_scale: float) -> Framing:
        """The same frame taken from the analysis image (source px x analysis_scale)."""
        m = self.matrix.copy()
        m[:, :2] /= analysis_scale
        return Framing(m, self.size, self.scale / analysis_scale, self.angle, self.head_ratio)


@dataclass(frozen=True)
class CropFrame:
    """A crop as a person sees it, in upright source pixels: the frame's centre, its height, and
    the roll it removes (degrees). Its width follows from the profile's aspect ratio."""

    centre_x: float
    centre_y: float
    height: float
    angle: float = 0.0


def to_crop(f: Framing) -> CropFrame:
    w, h = f.size
    inv = np.vstack([f.matrix, [0, 0, 1]])
    cx, cy, _ = np.linalg.solve(inv, [w / 2.0, h / 2.0, 1.0])
    return CropFrame(float(cx), float(cy), h / f.scale, f.angle)


def from_crop(c: CropFrame, size: tuple[int, int], a: PhotoAnalysis) -> Framing:
    """The affine map of a user's crop; head_ratio is what that crop gives the analysed head."""
    import cv2

    out_w, out_h = size
    if not c.height > 0:
        raise ValueError(f"crop height must be positive, got {c.height}")
    scale = out_h / c.height
    matrix = cv2.getRotationMatrix2D((c.centre_x, c.centre_y), c.angle, scale)
    matrix[:, 2] += np.array([out_w / 2.0 - c.centre_x, out_h / 2.0 - c.centre_y])
    head_px = a.head.head_px / a.picture.scale if a.head is not None else 0.0
    return Framing(matrix=matrix, size=size, scale=scale, angle=c.angle, head_ratio=head_px * scale / out_h)


def upscale_needed(a: PhotoAnalysis, p: Profile) -> float:
    """How much the source is enlarged: the fixer's own scale where it frames the photo, else what
    the head needs to reach the smallest allowed size. The check and the fixer's note both say this."""
    assert a.head is not None
    if p.output.exact_size is not None:
        return plan(a, p).scale
    out_h = p.output.min_height or 0
    return p.geometry.head_height[0] * out_h / (a.head.head_px / a.picture.scale)


def plan(a: PhotoAnalysis, p: Profile) -> Framing:
    """Where to crop, in upright full-resolution source pixels."""
    import cv2

    lm, head = a.landmarks, a.head
    assert lm is not None and head is not None and p.output.exact_size is not None
    out_w, out_h = p.output.exact_size
    g = p.geometry
    k = 1.0 / a.picture.scale  # analysis px -> source px

    eye_mid = lm.eye_mid * k
    angle = lm.roll if abs(lm.roll) > p.checks.pose.tolerance_roll / 2 else 0.0
    rot = cv2.getRotationMatrix2D((float(eye_mid[0]), float(eye_mid[1])), angle, 1.0)

    def turn(x: float, y: float) -> np.ndarray:
        turned: np.ndarray = rot @ np.array([x * k, y * k, 1.0])
        return turned

    # Crown and chin measured along the face's own vertical axis once the eyes are level.
    crown = turn(head.centre_x, head.crown_y)
    chin = turn(float(lm.chin[0]), float(lm.chin[1]))
    centre = turn(head.centre_x, float(lm.eye_mid[1]))
    head_px = max(chin[1] - crown[1], 1.0)

    ratio = g.head_height_target
    if ratio * out_h / head_px > p.output.max_upscale:  # a small source: accept a smaller head within the band
        ratio = max(g.head_height[0], p.output.max_upscale * head_px / out_h)

    def framed(ratio: float) -> Framing:
        scale = ratio * out_h / head_px
        x0 = centre[0] - (out_w / scale) / 2.0
        y0 = crown[1] - g.crown_margin_target * out_h / scale
        matrix = np.array(
            [
                [scale * rot[0, 0], scale * rot[0, 1], scale * (rot[0, 2] - x0)],
                [scale * rot[1, 0], scale * rot[1, 1], scale * (rot[1, 2] - y0)],
            ]
        )
        return Framing(matrix=matrix, size=(out_w, out_h), scale=scale, angle=angle, head_ratio=ratio)

    # Nothing may be invented below the source: where the frame would need clothing the photo does
    # not have, the head is made larger (a tighter frame) within the profile's band.
    h, w = a.picture.rgb.shape[:2]
    upright = (w * k, h * k)
    frame = framed(ratio)
    while below_source(frame, *upright) > BELOW_TOLERANCE and ratio < g.head_height[1]:
        ratio = min(g.head_height[1], ratio + 0.005)
        frame = framed(ratio)
    return frame


def below_source(framing: Framing, upright_w: float, upright_h: float) -> float:
    """How far (output px) the frame's bottom edge reaches below the upright source's bottom."""
    import cv2

    w, h = framing.size
    inv = cv2.invertAffineTransform(framing.matrix)
    corners = np.array([[0.0, h, 1.0], [float(w), h, 1.0]]) @ inv.T  # bottom corners, source px
    beyond = float(corners[:, 1].max()) - (upright_h - 1)
    return max(0.0, beyond * framing.scale)


def turn_matrix(turns: int, width: int, height: int) -> np.ndarray:
    """3x3 map from raw source px to the source turned clockwise by `turns` quarter turns."""
    t = turns % 4
    if t == 0:
        return np.eye(3)
    if t == 1:
        return np.array([[0, -1, height - 1], [1, 0, 0], [0, 0, 1]], float)
    if t == 2:
        return np.array([[-1, 0, width - 1], [0, -1, height - 1], [0, 0, 1]], float)
    return np.array([[0, 1, 0], [-1, 0, width - 1], [0, 0, 1]], float)


def render(src: np.ndarray, framing: Framing, turns: int = 0) -> np.ndarray:
    """Resample the raw source `src` into the frame in one pass, quarter turn included.

    Beyond the source nothing is invented: those pixels are white (`outside_source` marks them as
    background), and `plan` frames tighter rather than leave the source at the bottom.
    """
    import cv2

    w, h = framing.size
    sh, sw = src.shape[:2]
    m = framing.matrix @ turn_matrix(turns, sw, sh)  # raw px -> output px
    inv = cv2.invertAffineTransform(m)
    # Pre-shrink the region the frame covers with area averaging, so the warp never decimates.
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], float) @ inv.T
    bx0 = int(np.clip(np.floor(corners[:, 0].min()) - 2, 0, sw - 1))
    by0 = int(np.clip(np.floor(corners[:, 1].min()) - 2, 0, sh - 1))
    bx1 = int(np.clip(np.ceil(corners[:, 0].max()) + 2, bx0 + 1, sw))
    by1 = int(np.clip(np.ceil(corners[:, 1].max()) + 2, by0 + 1, sh))
    region = src[by0:by1, bx0:bx1]
    to_region = np.array([[1, 0, -bx0], [0, 1, -by0], [0, 0, 1]], float)
    pre = min(1.0, 2.0 * framing.scale)
    if pre < 1.0:
        size = (max(1, round(region.shape[1] * pre)), max(1, round(region.shape[0] * pre)))
        region = cv2.resize(region, size, interpolation=cv2.INTER_AREA)
        to_region = np.diag([size[0] / (bx1 - bx0), size[1] / (by1 - by0), 1.0]) @ to_region
    m_region = np.vstack([m, [0, 0, 1]]) @ np.linalg.inv(to_region)
    interp = cv2.INTER_LINEAR if framing.scale < 1.0 else cv2.INTER_CUBIC
    return cv2.warpAffine(region, m_region[:2], (w, h), flags=interp, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(255, 255, 255))


def outside_source(framing: Framing, raw_w: int, raw_h: int, turns: int) -> np.ndarray:
    """Output pixels that fall beyond any edge of the upright source."""
    import cv2

    w, h = framing.size
    uw, uh = (raw_h, raw_w) if turns % 2 else (raw_w, raw_h)
    inv = cv2.invertAffineTransform(framing.matrix)
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    ux = inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]
    uy = inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]
    outside: np.ndarray = (ux < 0) | (ux > uw - 1) | (uy < 0) | (uy > uh - 1)
    return outside


def warp_mask(mask: np.ndarray, matrix: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The analysis-size person mask carried into the frame (nothing beyond the source)."""
    import cv2

    return cv2.warpAffine(mask, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
