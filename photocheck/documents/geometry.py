"""Document geometry and enhancement: outline, perspective, orientation, skew, shadows, measures.

Works on RGB uint8 arrays. Only measurement lives here: every threshold that decides pass/fail is
the caller's (profile data); the keyword defaults below are just sensible starting points.
cv2 is imported inside the functions so importing this module stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from photocheck.documents.ocr import TextLine


@dataclass(frozen=True)
class Quad:
    points: np.ndarray  # (4, 2) float32 image px: top-left, top-right, bottom-right, bottom-left
    found: bool  # False: no document outline found; points = the whole image rectangle
    confidence: float


def _full_rect(h: int, w: int) -> np.ndarray:
    return np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)


def downscale(rgb: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """A copy whose long side is at most `max_side`, and the factor applied (<= 1).

    Exact halvings first: OpenCV's area filter has a fast path for integer factors only, and a
    12 MP photo to ~1000 px otherwise takes ten times as long."""
    import cv2

    h, w = rgb.shape[:2]
    f = min(1.0, max_side / max(h, w))
    if f == 1.0:
        return rgb, 1.0
    small = halve(rgb, max_side)
    size = (max(1, round(w * f)), max(1, round(h * f)))
    if small.shape[1::-1] != size:
        small = cv2.resize(small, size, interpolation=cv2.INTER_AREA)
    return small, f


def halve(rgb: np.ndarray, side: int) -> np.ndarray:
    """Exact halvings (area filter) while the long side is at least 2 x `side`: a copy between
    `side` and 2 x `side` px long for measures that need no exact size, at a fraction of
    downscale's cost (or `rgb` itself when already shorter)."""
    import cv2

    small = rgb
    while max(small.shape[:2]) >= 2 * side and min(small.shape[:2]) >= 4:
        sh, sw = small.shape[0] // 2, small.shape[1] // 2
        small = cv2.resize(small[: 2 * sh, : 2 * sw], (sw, sh), interpolation=cv2.INTER_AREA)
    return small


def _row_nanmedian(x: np.ndarray) -> np.ndarray:
    """np.nanmedian(x, axis=1) for a small 2-D array, without its per-row Python loop (ten times
    faster): NaNs sort last, so each row's median sits at the middle of its leading values."""
    s = np.sort(x, axis=1)
    n = np.count_nonzero(~np.isnan(x), axis=1)
    rows = np.arange(len(x))
    lo, hi = s[rows, np.maximum(n - 1, 0) // 2], s[rows, n // 2]
    return np.where(n > 0, (lo + hi) / 2, np.nan)


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Top-left (nearest the image origin) first, then clockwise on screen."""
    c = pts.mean(axis=0)
    pts = pts[np.argsort(np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0]))]
    return np.roll(pts, -int(np.argmin(pts.sum(axis=1))), axis=0).astype(np.float32)


# ---------------------------------------------------------------- outline


def _desk_distance(lab: np.ndarray, border: int) -> np.ndarray:
    """Mahalanobis distance of each pixel from the colour of the image border (the desk).

    The border strip is mostly desk; the nearest 70 % of its pixels give a robust model even
    when the paper touches the border somewhere.
    """
    import cv2

    strip = np.concatenate(
        [lab[:border].reshape(-1, 3), lab[-border:].reshape(-1, 3),
         lab[:, :border].reshape(-1, 3), lab[:, -border:].reshape(-1, 3)]
    )
    med = np.median(strip, axis=0)
    d0 = np.abs(strip - med).sum(axis=1)
    core = strip[d0 <= np.quantile(d0, 0.7)]
    cov = np.cov(core.T) + np.eye(3) * 4.0  # floor: a flat-coloured desk has ~0 variance
    # inv(cov) = L L^T, so the distance is the length of (x - mean) L: one per-pixel 3x4 affine
    # transform in OpenCV instead of a float64 numpy matmul twenty times slower.
    whiten = np.linalg.cholesky(np.linalg.inv(cov)).T
    m = np.hstack([whiten, -(whiten @ core.mean(axis=0))[:, None]]).astype(np.float32)
    white = cv2.transform(lab, m)
    return cv2.sqrt(cv2.transform(cv2.multiply(white, white), np.ones((1, 3), np.float32)))


def _quad_from_contour(contour: np.ndarray) -> np.ndarray | None:
    """Four corners of a contour's convex hull, by widening the polygon tolerance."""
    import cv2

    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    for frac in np.linspace(0.005, 0.08, 32):
        poly = cv2.approxPolyDP(hull, frac * peri, True)
        if len(poly) == 4:
            return poly.reshape(4, 2).astype(np.float32)
        if len(poly) < 4:
            return None
    return None


def _side_contrast(lab: np.ndarray, quad: np.ndarray, offset: float) -> np.ndarray:
    """Per side: median Lab difference between just inside and just outside the side.

    Each side is sampled at 1, 2 and 3 x `offset` on either hand and the three are reduced by
    their median, so a printed frame line (one sample on the line) is not taken for the paper's
    edge. A real paper edge has a consistent step along its whole length; the outline of a
    text block on a scan (paper on both sides) does not.
    """
    h, w = lab.shape[:2]
    a, b = quad, np.roll(quad, -1, axis=0)  # the four sides at once: (side, xy)
    p = a[:, None] + (b - a)[:, None] * np.linspace(0.1, 0.9, 40)[None, :, None]  # (side, point, xy)
    n = np.stack([-(b - a)[:, 1], (b - a)[:, 0]], axis=1)
    n /= np.linalg.norm(n, axis=1, keepdims=True) + 1e-6
    n *= np.where(((quad.mean(axis=0) - (a + b) / 2) * n).sum(axis=1) < 0, -1.0, 1.0)[:, None]
    shift = n[:, None, None] * (np.array([1.0, 2.0, 3.0]) * offset)[None, :, None, None]  # (side, step, 1, xy)
    pin = (p[:, None] + shift).round().astype(int)  # (side, step, point, xy)
    pout = (p[:, None] - shift).round().astype(int)
    inside = np.all((pout >= 0) & (pout < [w, h]), axis=(1, 3))  # (side, point)
    limit = [w - 1, h - 1]
    pin, pout = np.clip(pin, 0, limit), np.clip(pout, 0, limit)
    # Median of three along the steps: the middle of the sorted values.
    vin = np.sort(lab[pin[..., 1], pin[..., 0]], axis=1)[:, 1]
    vout = np.sort(lab[pout[..., 1], pout[..., 0]], axis=1)[:, 1]
    step = np.where(inside, np.linalg.norm(vin - vout, axis=2), np.nan)
    counted = inside.sum(axis=1) >= 10  # else the side lies on the image border: no outside to compare
    out = np.zeros(4, np.float32)
    out[counted] = _row_nanmedian(step[counted])
    return out


def _side_edge_points(rgb: np.ndarray, a: np.ndarray, b: np.ndarray, band: float) -> np.ndarray:
    """Along side a->b, at 60 points, the pixel within +-`band` across the side where the
    gradient across it peaks well above the local median (points without a clear peak left out).

    Gradients come from small full-resolution windows around the points, stacked and filtered
    as one image (the margin keeps the Gaussian and Sobel from reading a neighbour window), so
    `rgb` may be a view and a 12 MP photo costs what a thumbnail does.
    """
    import cv2

    h, w = rgb.shape[:2]
    d = (b - a) / (np.linalg.norm(b - a) + 1e-6)
    n = np.array([-d[1], d[0]], np.float32)
    p = a + (b - a) * np.linspace(0.08, 0.92, 60)[:, None]
    s = np.arange(-band, band + 1, 1.0, dtype=np.float32)
    q = (p[:, None] + s[None, :, None] * n).round().astype(int)  # (points, steps, xy)
    ok = (q[..., 0] >= 1) & (q[..., 0] < w - 1) & (q[..., 1] >= 1) & (q[..., 1] < h - 1)
    r = min(int(np.ceil(band)) + 7, (min(h, w) - 1) // 2)  # Gaussian sigma 1.5 reaches 6 px, Sobel 1 more
    size = 2 * r + 1
    # Windows centred on the points, shifted inside the image at its border; sliced, not
    # fancy-indexed: ten times faster.
    y0 = np.clip(p[:, 1].round().astype(int) - r, 0, h - size)
    x0 = np.clip(p[:, 0].round().astype(int) - r, 0, w - size)
    windows = np.concatenate([rgb[y : y + size, x : x + size] for y, x in zip(y0, x0, strict=True)])
    g = cv2.GaussianBlur(cv2.cvtColor(windows, cv2.COLOR_RGB2GRAY).astype(np.float32), (0, 0), 1.5)
    gx, gy = cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1)
    wr = np.arange(len(p))[:, None] * size + np.clip(q[..., 1] - y0[:, None], 0, size - 1)
    wc = np.clip(q[..., 0] - x0[:, None], 0, size - 1)
    mag = np.where(ok, np.abs(gx[wr, wc] * n[0] + gy[wr, wc] * n[1]), np.nan)
    counted = ok.sum(axis=1) >= 3
    mag, q = mag[counted], q[counted]
    peak = np.nanargmax(mag, axis=1)
    clear = np.nanmax(mag, axis=1) > 4 * (_row_nanmedian(mag) + 1)
    points: np.ndarray = q[np.arange(len(q)), peak][clear]
    return points


def _refine_corners(rgb: np.ndarray, quad: np.ndarray, band: float) -> np.ndarray:
    """Fit each side to the strongest gradient across it at full resolution; intersect sides."""
    import cv2

    lines: list[tuple[np.ndarray, np.ndarray] | None] = []  # (point, direction) of each side
    for i in range(4):
        pts = _side_edge_points(rgb, quad[i], quad[(i + 1) % 4], band)
        if len(pts) < 8:
            lines.append(None)
            continue
        vx, vy, x0, y0 = cv2.fitLine(pts.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01)
        lines.append((np.array([x0[0], y0[0]]), np.array([vx[0], vy[0]])))
    out = quad.copy()
    for i in range(4):
        prev, cur = lines[(i - 1) % 4], lines[i]
        if prev is None or cur is None:
            continue
        m = np.array([prev[1], -cur[1]]).T
        if abs(np.linalg.det(m)) < 1e-3:
            continue
        t = np.linalg.solve(m, cur[0] - prev[0])
        p = prev[0] + t[0] * prev[1]
        if np.linalg.norm(p - quad[i]) <= band * 1.5:
            out[i] = p
    return out


def find_document(
    rgb: np.ndarray,
    *,
    work_side: int = 500,
    min_area: float = 0.1,
    max_area: float = 0.97,
    min_edge_contrast: float = 12.0,
    preview: np.ndarray | None = None,
) -> Quad:
    """The outline of a paper or card photographed on a desk.

    On a ~`work_side` px copy, candidate outlines come from colour (regions that differ from the
    image border, i.e. the desk, at three thresholds) and from closed lightness edges. A
    candidate counts if its hull covers [`min_area`, `max_area`] of the image, reduces to four
    corners and at least three of its sides are real edges (Lab step >= `min_edge_contrast`
    across them); of the best-scoring ones the outermost wins (a printed frame is inside the
    paper). Corners are then refined on full-resolution gradients.

    A document cut by the image border gives a quad clamped to the border (the cut sides lie on
    it; confidence ~0.75). A scan or screenshot whose page fills the frame gives found=False and
    the full image rectangle. confidence = share of sides with a real edge x hull/quad area
    ratio.

    `preview`: a reduced copy of `rgb` already at hand (then `rgb` is only read near the
    corners, so it may be a view).
    """
    import cv2

    h, w = rgb.shape[:2]
    small, f = downscale(rgb if preview is None else preview, work_side)
    f *= 1.0 if preview is None else preview.shape[1] / w
    sh, sw = small.shape[:2]
    # Text and wood grain out, paper edges kept (kernel 5: OpenCV's fast path; 7 is ten times slower).
    blur = cv2.medianBlur(small, 5)
    lab = cv2.cvtColor(blur, cv2.COLOR_RGB2LAB).astype(np.float32)
    border = max(2, round(0.02 * min(sh, sw)))
    dist = _desk_distance(lab, border)
    # Otsu splits a half-shadowed page at the shadow; the desk's own spread does not, but is
    # fooled by a busy desk. Try both (and a lower one) and keep the most paper-like outline.
    scale = max(float(np.quantile(dist, 0.99)), 1e-3)
    otsu, _ = cv2.threshold(np.clip(dist * 255 / scale, 0, 255).astype(np.uint8), 0, 255,
                            cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ring = np.ones_like(dist, bool)
    ring[border:-border, border:-border] = False
    thresholds = (otsu * scale / 255, otsu * scale / 510, 2.5 * np.quantile(dist[ring], 0.95))
    offset = max(3.0, 0.01 * min(sh, sw))
    area_range = (min_area, max_area)
    cands = [_outline(dist > t, lab, area_range, min_edge_contrast, offset) for t in thresholds]
    # Colour fails where a shadow makes paper look like a grey desk; the paper's edge still shows.
    cands += _edge_outlines(lab, area_range, min_edge_contrast, offset)
    valid = [c for c in cands if c is not None]
    if not valid:
        return Quad(_full_rect(h, w), False, 0.0)
    # A printed frame inside the paper is a quad too: of the near-best, the outermost is the edge.
    top = max(c[0] for c in valid)
    conf, quad = max((c for c in valid if c[0] >= top - 0.05),
                     key=lambda c: cv2.contourArea(c[1]))
    quad = np.clip(quad / f, 0, [w - 1, h - 1]).astype(np.float32)
    quad = _refine_corners(rgb, quad, band=max(6.0, 2.5 / f))
    return Quad(np.clip(quad, 0, [w - 1, h - 1]).astype(np.float32), True, conf)


def _outline(
    mask: np.ndarray,
    lab: np.ndarray,
    area_range: tuple[float, float],
    min_edge_contrast: float,
    offset: float,
) -> tuple[float, np.ndarray] | None:
    """(confidence, corners) of the largest region of `mask`, if it is a paper-like quad."""
    import cv2

    sh, sw = mask.shape
    k = max(3, round(0.012 * min(sh, sw)) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    m = cv2.morphologyEx(mask.astype(np.uint8) * 255, cv2.MORPH_OPEN, kernel)
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, kernel, iterations=2)
    contours, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    return _score_contour(max(contours, key=cv2.contourArea), lab, area_range,
                          min_edge_contrast, offset)


def _edge_outlines(
    lab: np.ndarray, area_range: tuple[float, float], min_edge_contrast: float, offset: float
) -> list[tuple[float, np.ndarray] | None]:
    """Candidates from the largest closed outlines of lightness edges (the classic scanner)."""
    import cv2

    grey = cv2.GaussianBlur(lab[..., 0].astype(np.uint8), (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(grey, 30, 90), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    largest = sorted(contours, key=lambda c: cv2.contourArea(cv2.convexHull(c)), reverse=True)
    return [_score_contour(c, lab, area_range, min_edge_contrast, offset) for c in largest[:6]]


def _score_contour(
    contour: np.ndarray,
    lab: np.ndarray,
    area_range: tuple[float, float],
    min_edge_contrast: float,
    offset: float,
) -> tuple[float, np.ndarray] | None:
    """(confidence, corners) if the contour's hull is a paper-like quad with real edges."""
    import cv2

    sh, sw = lab.shape[:2]
    hull = cv2.convexHull(contour)
    area = cv2.contourArea(hull) / (sh * sw)
    quad = _quad_from_contour(contour)
    if quad is None or not area_range[0] <= area <= area_range[1]:
        return None
    quad = _order_corners(quad)
    edges = int((_side_contrast(lab, quad, offset) >= min_edge_contrast).sum())
    if edges < 3:
        return None
    fill = cv2.contourArea(hull) / max(cv2.contourArea(quad), 1.0)
    return float(np.clip(edges / 4 * min(fill, 1 / max(fill, 1e-6)), 0, 1)), quad


def rectify_transform(quad: Quad, shape: tuple[int, ...]) -> tuple[np.ndarray, tuple[int, int]]:
    """Homography (3x3) from the image of `shape` to the upright rectangle of `quad`, and that
    rectangle's (width, height): as large as the quad's longer opposite sides (no upscaling
    beyond the photo's own resolution). Not found: identity and the image size."""
    import cv2

    if not quad.found:
        return np.eye(3), (shape[1], shape[0])
    tl, tr, br, bl = quad.points.astype(np.float32)
    width = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    dst = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    return cv2.getPerspectiveTransform(quad.points.astype(np.float32), dst), (width, height)


def rectify(rgb: np.ndarray, quad: Quad) -> np.ndarray:
    """Warp the quad to an upright rectangle (see rectify_transform). The aspect is the quad's,
    not a true metric one: without the camera's focal length the foreshortening along the view
    axis stays. Not found: a copy."""
    import cv2

    if not quad.found:
        return rgb.copy()
    m, size = rectify_transform(quad, rgb.shape)
    return cv2.warpPerspective(rgb, m, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def _turn_transform(clockwise: int, shape: tuple[int, ...]) -> tuple[np.ndarray, tuple[int, ...]]:
    """Homography from an image's px to its px after rotate_upright(clockwise), and the turned
    shape."""
    h, w = shape[:2]
    m = np.eye(3)
    for _ in range(clockwise // 90 % 4):
        m = np.array([[0.0, -1.0, h - 1], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]) @ m
        h, w = w, h
    return m, (h, w)


def turn_quad(points: np.ndarray, clockwise: int, shape: tuple[int, ...]) -> np.ndarray:
    """Four corners (top-left first, then clockwise: a document outline or an OCR line box) in an
    image of `shape`, as the same corners of that image after rotate_upright(clockwise), again
    from its top-left on."""
    m, _ = _turn_transform(clockwise, shape)
    pts = np.asarray(points, np.float64) @ m[:2, :2].T + m[:2, 2]
    # A clockwise quarter turn brings the bottom-left corner to the top-left.
    turned: np.ndarray = np.roll(pts, clockwise // 90 % 4, axis=0).astype(np.float32)
    return turned


def _scaling(fx: float, fy: float) -> np.ndarray:
    return np.diag([fx, fy, 1.0])


@dataclass(frozen=True)
class PagePlan:
    """Where the page goes: every transform composed, and the page measured on a small copy."""

    transform: np.ndarray  # 3x3 homography from the photo as loaded to the trimmed upright page
    size: tuple[int, int]  # the page's (width, height) at full resolution
    measure: np.ndarray  # the same page at most `measure_side` px long, for measuring
    skew: float  # deskew angle applied, degrees counter-clockwise (OpenCV's convention)


def plan_page(
    rgb: np.ndarray,
    quad: Quad,
    *,
    clockwise: int = 0,
    preview: np.ndarray | None = None,
    max_angle: float = 10.0,
    measure_side: int = 1000,
) -> PagePlan:
    """rotate_upright, rectify, deskew and trim_border composed into one transform, for
    warp_page to resample the full-resolution pixels once.

    `rgb` is the photo as loaded and `quad` the document in it turned `clockwise`. The deskew
    angle and the trim bounds are measured on a copy warped from `preview` (a reduced copy of
    `rgb`; made here when not given), so the caller can measure that copy while the full
    warp runs.
    """
    import cv2

    if preview is None:
        preview, _ = downscale(rgb, 2 * measure_side)
    turn, upright = _turn_transform(clockwise, rgb.shape)
    rect, (width, height) = rectify_transform(quad, upright)
    to_rect = rect @ turn
    fm = min(1.0, measure_side / max(width, height))
    msize = (max(1, round(width * fm)), max(1, round(height * fm)))
    if preview.shape[1] / rgb.shape[1] >= 2 * fm:  # bilinear aliases when it shrinks by 2 or more
        preview, _ = downscale(preview, math.ceil(max(rgb.shape[:2]) * fm))
    from_preview = _scaling(rgb.shape[1] / preview.shape[1], rgb.shape[0] / preview.shape[0])
    to_measure = _scaling(fm, fm) @ to_rect @ from_preview
    measure = _warp(preview, to_measure, msize)
    angle = deskew_angle(measure, max_angle=max_angle)
    if angle:
        spin = np.vstack([cv2.getRotationMatrix2D((msize[0] / 2, msize[1] / 2), angle, 1.0), [0, 0, 1]])
        measure = _warp(preview, spin @ to_measure, msize)
        to_rect = np.vstack([cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0), [0, 0, 1]]) @ to_rect
    y0, y1, x0, x1 = trim_bounds(measure)
    measure = measure[y0:y1, x0:x1]
    top, left = round(y0 / fm), round(x0 / fm)
    bottom, right = min(height, round(y1 / fm)), min(width, round(x1 / fm))
    shift = np.array([[1.0, 0.0, -left], [0.0, 1.0, -top], [0.0, 0.0, 1.0]])
    return PagePlan(shift @ to_rect, (right - left, bottom - top), measure, angle)


def warp_page(rgb: np.ndarray, plan: PagePlan) -> np.ndarray:
    """The planned page at full resolution, bilinear: at about 1:1 a cubic kernel costs three
    times as much."""
    return _warp(rgb, plan.transform, plan.size)


def _warp(rgb: np.ndarray, m: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    import cv2

    return cv2.warpPerspective(rgb, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


# ---------------------------------------------------------------- orientation and skew


def rotate_upright(rgb: np.ndarray, clockwise: int) -> np.ndarray:
    """Rotate by `clockwise` degrees (a multiple of 90), losslessly, into a new array (OpenCV's
    blocked copy: numpy's rot90 copy of a 12 MP photo is about eight times slower)."""
    import cv2

    if clockwise % 90:
        raise ValueError(f"rotation must be a multiple of 90, got {clockwise}")
    turn = (None, cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_COUNTERCLOCKWISE)[clockwise // 90 % 4]
    return np.ascontiguousarray(rgb) if turn is None else cv2.rotate(rgb, turn)


def _line_frame(box: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Affine map from the image to a detected line box straightened by at most 45 degrees (so
    a vertical line stays vertical and a page turn stays a page turn), and the box's w, h there.

    rapidocr orders box corners by image position, not along the text, so the box side closest
    to the image's x axis is taken as the frame's x axis."""
    edges = [box[1] - box[0], box[3] - box[0]]
    axes = [s * e / (np.linalg.norm(e) + 1e-6) for e in edges for s in (1, -1)]
    ux = max(axes, key=lambda a: a[0])
    uy = np.array([-ux[1], ux[0]])
    u, v = box @ ux, box @ uy
    m = np.array([[ux[0], ux[1], -u.min()], [uy[0], uy[1], -v.min()]], np.float32)
    return m, max(2, round(np.ptp(u))), max(2, round(np.ptp(v)))


def _crop_line(rgb: np.ndarray, box: np.ndarray, max_aspect: float) -> np.ndarray:
    """The straightened line, cut to its central `max_aspect` x thickness: a dozen characters
    decide the direction as well as a whole line does, for a fraction of the time."""
    import cv2

    m, w, h = _line_frame(box)
    crop = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    if w > max_aspect * h:
        x0 = round((w - max_aspect * h) / 2)
        return crop[:, x0 : x0 + round(max_aspect * h)]
    if h > max_aspect * w:
        y0 = round((h - max_aspect * w) / 2)
        return crop[y0 : y0 + round(max_aspect * w)]
    return crop


def _evidence(crops: list[np.ndarray], clockwise: int) -> float:
    """Recognition evidence for the crops turned `clockwise`: score x characters, summed."""
    from photocheck.documents.ocr import recognize_lines

    read = recognize_lines([rotate_upright(c, clockwise) for c in crops])
    return float(sum(score * len(text.strip()) for text, score in read))


def text_orientation(rgb: np.ndarray, *, work_side: int = 960) -> tuple[int, float]:
    """lines_orientation of the text lines detected on a ~`work_side` px copy of a whole picture
    (the hand-held photo: a document page is turned by its own page read, fix.read_document)."""
    from photocheck.documents.ocr import detect_lines

    small, _ = downscale(rgb, work_side)
    return lines_orientation(small, detect_lines(small))


def lines_orientation(
    img: np.ndarray,
    boxes: Sequence[np.ndarray],
    *,
    upright: Callable[[], Sequence[TextLine]] | None = None,
    min_line_aspect: float = 1.5,
    max_lines: int = 5,
    max_crop_aspect: float = 8.0,
) -> tuple[int, float]:
    """Clockwise rotation (0/90/180/270) that makes the text of `img` upright, and a confidence
    0..1, from its detected line `boxes` ((4, 2) px in `img`).

    Boxes longer than `min_line_aspect` x their thickness vote horizontal vs vertical (0/180 vs
    90/270), weighted by length. The `max_lines` longest lines (their central `max_crop_aspect` x
    thickness) are then read turned by each of the two candidate rotations; the one with more
    recognition evidence (score x characters) wins. confidence = share of the aspect vote x
    relative margin between the two readings. No text lines: (0, 0.0).

    `upright`: the page's own read of `boxes` as they lie (TextLines keeping their boxes), asked
    for only when the lines run across: the read the page needs anyway if it is upright, so only
    the 180-degree crops are recognised here; a whole line's characters count in the share its
    crop would cover (a line missing from the read counts nothing).
    """
    horiz: list[tuple[float, np.ndarray]] = []
    vert: list[tuple[float, np.ndarray]] = []
    for box in boxes:
        _, w, h = _line_frame(box)
        if w >= min_line_aspect * h:
            horiz.append((w, box))
        elif h >= min_line_aspect * w:
            vert.append((h, box))
    h_len, v_len = sum(ln for ln, _ in horiz), sum(ln for ln, _ in vert)
    if h_len + v_len == 0:
        return 0, 0.0
    lines, cands = (horiz, (0, 180)) if h_len >= v_len else (vert, (90, 270))
    longest = sorted(lines, key=lambda item: item[0], reverse=True)[:max_lines]
    crops = [_crop_line(img, box, max_crop_aspect) for _, box in longest]
    weight = {r: _evidence(crops, r) for r in cands if not (r == 0 and upright is not None)}
    if upright is not None and cands[0] == 0:
        read = {np.asarray(ln.box, np.float32).tobytes(): ln for ln in upright()}
        weight[0] = 0.0
        for (length, box), crop in zip(longest, crops, strict=True):
            ln = read.get(np.asarray(box, np.float32).tobytes())
            if ln is not None:
                weight[0] += ln.score * len(ln.text.strip()) * min(1.0, max(crop.shape[:2]) / length)
    best, other = sorted(cands, key=lambda r: weight[r], reverse=True)
    margin = (weight[best] - weight[other]) / max(weight[best], 1e-6)
    vote = max(h_len, v_len) / (h_len + v_len)
    return best, float(np.clip(vote * margin, 0.0, 1.0))


def _ink_mask(grey: np.ndarray) -> np.ndarray:
    """Dark strokes against their local background (adaptive, so shadows do not count)."""
    import cv2

    block = max(15, (min(grey.shape) // 20) | 1)
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 block, 15)


def _profile_sharpness(ys: np.ndarray, xs: np.ndarray, shape: tuple[int, int], angle: float) -> float:
    """Sharpness of the row profile of ink pixels (centred coordinates `ys`, `xs`) rotated by
    `angle` as cv2.getRotationMatrix2D would, pixels rotated out of the frame dropped: the ink
    is a few per cent of the mask, so moving its points beats warping the whole mask."""
    h, w = shape
    a, b = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    rows = np.rint(a * ys - b * xs + h / 2).astype(np.intp)
    cols = np.rint(b * ys + a * xs + w / 2).astype(np.intp)
    keep = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
    profile = np.bincount(rows[keep], minlength=h).astype(np.float64)
    return float(np.sum(np.diff(profile) ** 2))


MIN_INK_PIXELS = 200  # fewer dark-stroke pixels than a short line of text: no skew to measure


def deskew_angle(rgb: np.ndarray, *, max_angle: float = 10.0, work_side: int = 800) -> float:
    """The angle (degrees counter-clockwise, OpenCV's convention; 0.0 below 0.05) that
    straightens text lines tilted by up to `max_angle` degrees, whether they run across the page
    or, on a page lying a quarter turn off, down it.

    Projection profiles of the ink on a ~`work_side` px copy: the angle whose row (or column) sums
    change most sharply aligns the lines. Coarse to fine: whole degrees on a quarter of the ink
    (enough to tell them apart, and rows from columns), then quarter degrees on half of it, then
    tenths on all of it.
    """
    import cv2

    grey, _ = downscale(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), work_side)  # grey first: a third to resize
    ink = _ink_mask(grey)
    if np.count_nonzero(ink) < MIN_INK_PIXELS:  # a blank page or a photo with no text: nothing to align
        return 0.0

    def points(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
        """The ink's centred (row, column) coordinates in `mask`'s row-major order: every n-th of
        them is then an even sample along the rows (sampled across, it would alias)."""
        ys, xs = np.nonzero(mask)
        h, w = mask.shape
        return ys.astype(np.float32) - h / 2, xs.astype(np.float32) - w / 2, (h, w)

    def best(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int], angles: np.ndarray,
             step: int) -> tuple[float, float]:
        """(sharpness, angle) of the sharpest row profile of the ink at `angles`."""
        scored = [(_profile_sharpness(rows[::step], cols[::step], shape, float(a)), float(a)) for a in angles]
        return max(scored, key=lambda sa: sa[0])

    coarse = np.arange(-max_angle, max_angle + 0.01, 1.0)
    # Columns are the rows of the transposed page; a transpose mirrors, so their angle changes sign.
    across, down = points(ink), points(ink.T)
    (s_across, a_across), (s_down, a_down) = best(*across, coarse, 4), best(*down, coarse, 4)
    flip = s_down > s_across
    rows, cols, shape = down if flip else across
    angle = a_down if flip else a_across
    _, angle = best(rows, cols, shape, angle + np.arange(-1.0, 1.01, 0.25), 2)
    _, angle = best(rows, cols, shape, angle + np.arange(-0.1, 0.11, 0.1), 1)
    angle = (-1.0 if flip else 1.0) * float(np.clip(angle, -max_angle, max_angle))
    return 0.0 if abs(angle) < 0.05 else angle


def deskew(
    rgb: np.ndarray, *, max_angle: float = 10.0, work_side: int = 800
) -> tuple[np.ndarray, float]:
    """Straighten text lines tilted by up to `max_angle` degrees (see deskew_angle). Returns the
    rotated image (same size, borders replicated) and the angle applied."""
    import cv2

    angle = deskew_angle(rgb, max_angle=max_angle, work_side=work_side)
    if not angle:
        return rgb.copy(), 0.0
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return out, angle


def trim_bounds(
    rgb: np.ndarray, *, max_trim: float = 0.15, min_paper_share: float = 0.6,
    max_chroma_diff: float = 12.0,
) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) px of the page without its desk/background margins: edge rows
    and columns where under `min_paper_share` of the pixels match the paper are cut, at most
    `max_trim` of each dimension per side.

    "Paper" is the chroma (Lab a/b) of the bright half of the central region, after blurring the
    text out; a pixel matches within `max_chroma_diff` and if not darker than 40 % of the paper.
    Chroma rather than lightness, so a shadow across the page is not mistaken for a margin.
    """
    import cv2

    small, f = downscale(rgb, 500)  # a 1000 px measuring copy halves exactly: the area filter's fast path
    lab = cv2.cvtColor(cv2.medianBlur(small, 5), cv2.COLOR_RGB2LAB).astype(np.float32)
    sh, sw = lab.shape[:2]
    h, w = rgb.shape[:2]
    if min(sh, sw) < 4:  # no margin to find on a sliver
        return 0, h, 0, w
    centre = lab[sh // 4 : 3 * sh // 4, sw // 4 : 3 * sw // 4].reshape(-1, 3)
    paper = np.median(centre[centre[:, 0] >= np.quantile(centre[:, 0], 0.5)], axis=0)
    _, a, b = cv2.split(lab)
    is_paper = (cv2.magnitude(a - paper[1], b - paper[2]) < max_chroma_diff) & (lab[..., 0] > 0.4 * paper[0])

    def cut(share: np.ndarray) -> int:
        limit = int(max_trim * len(share))
        bad = share[:limit] < min_paper_share
        return limit if bad.all() else int(np.argmin(bad))

    rows, cols = is_paper.mean(axis=1), is_paper.mean(axis=0)
    return (round(cut(rows) / f), h - round(cut(rows[::-1]) / f),
            round(cut(cols) / f), w - round(cut(cols[::-1]) / f))


def trim_border(
    rgb: np.ndarray, *, max_trim: float = 0.15, min_paper_share: float = 0.6,
    max_chroma_diff: float = 12.0,
) -> np.ndarray:
    """The page cut to trim_bounds (a view)."""
    y0, y1, x0, x1 = trim_bounds(rgb, max_trim=max_trim, min_paper_share=min_paper_share,
                                 max_chroma_diff=max_chroma_diff)
    return rgb[y0:y1, x0:x1]


# ---------------------------------------------------------------- enhancement and measures


def paper_background(rgb: np.ndarray, *, work_side: int = 300, stroke: float = 0.03) -> np.ndarray:
    """Per-channel paper illumination, at most ~`work_side` / 2 px long: strokes up to `stroke` x
    the long side closed away on a ~`work_side` px copy, then, at half that size, smoothed;
    coloured areas larger than strokes (photos, big seals) are in-painted from the paper around.
    Never below 1 (it divides). Shadows vary slowly: upsampled, the estimate is within 2-3 %
    (99th percentile) of one made at 600 px on generated phone photos; once the strokes are
    closed away, half the size keeps that and costs a third."""
    import cv2

    small, _ = downscale(rgb, work_side)
    k = max(5, round(stroke * max(small.shape[:2])) | 1)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    bg = cv2.resize(bg, (max(1, bg.shape[1] // 2), max(1, bg.shape[0] // 2)), interpolation=cv2.INTER_AREA)
    k = max(3, (k // 2) | 1)
    bg = cv2.medianBlur(bg, k)
    chroma = bg.astype(np.float32) / (bg.sum(axis=2, keepdims=True) + 1.0)
    paper = np.median(chroma.reshape(-1, 3), axis=0)
    coloured = (np.abs(chroma - paper).sum(axis=2) > 0.06).astype(np.uint8)
    if coloured.any():
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
        bg = cv2.inpaint(bg, cv2.dilate(coloured, kernel), 3, cv2.INPAINT_TELEA)
    return np.maximum(cv2.GaussianBlur(bg, (0, 0), k / 2), 1)


def flatten(
    rgb: np.ndarray, *, paper_level: float = 250.0, work_side: int = 300, stroke: float = 0.03,
    background: np.ndarray | None = None,
) -> np.ndarray:
    """Even out shadows and whiten the paper, no binarisation.

    Divides each channel by the paper illumination (paper_background with `work_side` and
    `stroke`, or `background`, one made from a reduced copy of the same page), upsampled, so
    paper lands at `paper_level`, text keeps its contrast ratio to the paper and saturated ink
    (red seals, blue pen) keeps its hue. One full-resolution pass besides the upsampling.
    """
    import cv2

    if background is None:
        background = paper_background(rgb, work_side=work_side, stroke=stroke)
    bg = cv2.resize(background, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(rgb, bg, scale=paper_level)


def blur_measure(rgb: np.ndarray, *, work_side: int = 1000) -> float:
    """Edge sharpness: how much of an edge's contrast is crossed per pixel, on strong edges.

    Scale-normalised by measuring on a copy whose long side is `work_side` px (so a large photo
    and its downscaled copy score alike) and contrast-normalised by dividing the gradient by the
    local 9x9 range (so faint and bold text score alike). About 0.5 for a crisp step edge, falling
    as edges widen (~0.2 once blurred by a Gaussian of sigma 2 px at work size). A small image is
    upscaled to work size and so scores lower: its text has fewer pixels. 0.0: no edges.
    """
    import cv2

    h, w = rgb.shape[:2]
    f = work_side / max(h, w)
    size = (max(1, round(w * f)), max(1, round(h * f)))
    interp = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)  # before resizing: a third of the pixels to filter
    if grey.shape[::-1] != size:
        grey = cv2.resize(grey, size, interpolation=interp)
    g = grey.astype(np.float32)
    mag = cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1)) / 8.0
    kernel = np.ones((9, 9), np.uint8)
    rng = cv2.subtract(cv2.dilate(grey, kernel), cv2.erode(grey, kernel)).astype(np.float32)  # uint8: 4x faster
    strong = rng >= 40  # only edges with real contrast: text, not paper grain
    if strong.sum() < 50:
        return 0.0
    ratio = mag[strong] / rng[strong]
    return float(np.quantile(ratio, 0.9))


def _hist_quantile(hist: np.ndarray, q: float) -> float:
    """np.quantile(values, q) (linear) of the uint8 values counted in `hist`, without sorting."""
    cum = np.cumsum(hist)
    pos = q * (cum[-1] - 1)
    lo = int(np.floor(pos))
    low, high = np.searchsorted(cum, [lo, min(lo + 1, cum[-1] - 1)], side="right")
    return float(low + (pos - lo) * (high - low))


def glare_fraction(rgb: np.ndarray, *, clip_level: int = 250, min_blob: float = 1e-4) -> float:
    """Share of the image blown out to white by specular reflection.

    Pixels whose darkest channel is >= `clip_level`, in blobs larger than `min_blob` of the
    image. When the paper itself is already at white (scans, flattened output) a highlight cannot
    be told from paper and the answer is 0.0.
    """
    import cv2

    r, g, b = cv2.split(np.ascontiguousarray(rgb))
    lum = cv2.min(cv2.min(r, g), b)
    hist = cv2.calcHist([lum], [0], None, [256], [0, 256]).ravel().astype(np.int64)
    bright = np.where(np.arange(256) >= _hist_quantile(hist, 0.5), hist, 0)
    if not bright.any() or _hist_quantile(bright, 0.5) >= clip_level - 3:
        return 0.0
    mask = cv2.morphologyEx((lum >= clip_level).astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask)
    areas = stats[1:n, cv2.CC_STAT_AREA]
    keep = areas[areas >= min_blob * lum.size]
    return float(keep.sum() / lum.size)
