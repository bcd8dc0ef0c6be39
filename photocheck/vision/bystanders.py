"""Other people out of focus at the frame's sides: a photographer's blurred face, hand or shoulder.

The segmentation takes a bystander who overlaps the candidate for part of the same person, and
colour cannot part them (dark clothes against a dark suit). Focus can: the candidate is sharp, a
person nearer or farther than the candidate is blurred. Sharpness is read per pixel as how much of
the local gradient energy a slight extra blur takes away (an edge already blurred loses little),
so it does not depend on contrast. What is blurred, kept by the matte and reaches a side of the
frame below the eyes is someone else; a watershed from it and from the candidate's core then puts
the cut on the strongest edge between them, which is the candidate's own sharp outline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from photocheck.vision.person import MatteParams


def sharpness(rgb: np.ndarray, reblur: float, window: float, contrast: float) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel: the share of gradient energy an extra blur of sigma `reblur` removes (1 sharp, 0
    already blurred), summed over a window of radius `window` (both shares of the width); and where
    the mean squared lightness gradient reaches `contrast`, enough for that to mean anything."""
    import cv2

    w = rgb.shape[1]
    lightness = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)
    r = max(1, round(window * w))
    k = (2 * r + 1, 2 * r + 1)

    def energy(x: np.ndarray) -> np.ndarray:
        gx, gy = cv2.Sobel(x, cv2.CV_32F, 1, 0), cv2.Sobel(x, cv2.CV_32F, 0, 1)
        return cv2.boxFilter(gx * gx + gy * gy, -1, k)

    e = energy(lightness)
    e_blur = energy(cv2.GaussianBlur(lightness, (0, 0), max(0.5, reblur * w)))
    structured = e > contrast
    share = np.where(structured, 1.0 - e_blur / np.maximum(e, 1e-6), 1.0).astype(np.float32)
    return share, structured


def bystanders(rgb: np.ndarray, alpha: np.ndarray, face: np.ndarray, below_y: float,
               p: MatteParams) -> np.ndarray:
    """Bool mask of what `alpha` keeps of other people out of focus at the frame's sides.

    `face` is the candidate's face (bool, same size), whose sharpness is the reference; only pieces
    reaching below `below_y` (the eyes: long hair above them may be soft) are judged."""
    import cv2

    h, w = alpha.shape
    share, structured = sharpness(rgb, p.bystander_reblur, p.bystander_window, p.bystander_contrast)
    reference = share[face & structured]
    if reference.size < 50:
        return np.zeros((h, w), bool)
    kept = alpha > 0.5
    blurred = structured & (share < p.bystander_sharpness * float(np.median(reference))) & kept
    # An opening as wide as the window drops the thin soft lines along the candidate's own folds.
    k = 2 * max(1, round(p.bystander_window * w)) + 1
    opened = cv2.morphologyEx(blurred.astype(np.uint8), cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    n, comp, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    side = p.bystander_side * w
    x0, y0, cw, ch, area = (stats[:, i] for i in range(5))
    chosen = [i for i in range(1, n) if area[i] >= p.bystander_min_area * h * w and y0[i] + ch[i] > below_y
              and (x0[i] <= side or x0[i] + cw[i] >= w - side)]
    if not chosen:
        return np.zeros((h, w), bool)
    others = np.isin(comp, chosen)
    r = max(1, round(p.bystander_band * w))
    near = cv2.dilate(others.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    markers = np.zeros((h, w), np.int32)
    markers[(alpha <= 0.0) | others] = 1
    markers[(kept & (near == 0)) | face] = 2
    cv2.watershed(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), markers)
    # Around them everything not flooded from the candidate goes, the faint rim of their old outline too.
    gone = (near > 0) & (alpha > 0.0) & (markers != 2)
    # And the crumbs of them the cut leaves apart from the candidate.
    rest = ((alpha > 0.0) & ~gone).astype(np.uint8)
    _, comp = cv2.connectedComponents(rest, connectivity=8)
    own, touched = np.unique(comp[face & (rest > 0)]), np.unique(comp[near > 0])
    crumbs: np.ndarray = gone | ((rest > 0) & np.isin(comp, np.setdiff1d(touched, own)))
    return crumbs
