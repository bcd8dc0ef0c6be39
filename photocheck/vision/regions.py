"""Region growing shared by the matte and the remnant search."""

from __future__ import annotations

import numpy as np


def grow_within(seed: np.ndarray, allowed: np.ndarray, steps: int) -> np.ndarray:
    """`seed` (bool HxW) grown by up to `steps` pixels (8-connected) through `allowed`: each step
    takes the allowed pixels touching what it has. A seed pixel outside `allowed` is dropped at
    the first step; with no steps the seed comes back as it is."""
    import cv2

    grown = seed.astype(np.uint8)
    near = np.ones((3, 3), np.uint8)
    for _ in range(steps):
        grown = cv2.dilate(grown, near) & allowed
    found: np.ndarray = grown > 0
    return found
