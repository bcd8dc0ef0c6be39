"""The one JPEG quality search: the highest quality whose file fits a byte cap.

Photos search real encodes of the upload; documents search the encoded sample of a page (or the
sample's prediction of the whole page). Both hand in `size(quality)` and get back the quality;
a caller that needs the bytes keeps them from its own `size`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

# log(size) falls by about this much per unit of log(libjpeg quantiser scale), measured on
# portraits and on documents alike; it only steers the guesses, the bracket keeps the answer exact.
SIZE_SLOPE = 0.54


def highest_quality(size: Callable[[int], float], max_bytes: float, lo: int, hi: int, *,
                    start: int | None = None) -> int | None:
    """Highest quality in [lo, hi] whose `size` fits `max_bytes`; None when `lo` does not fit.

    The first probe is `start` (default `hi`: a photo that fits at the top costs one encode; a
    document starts at `lo`, where a page that cannot fit is told at once). Then a bracketed
    search: `low` is the best quality seen to fit, `miss` the lowest seen too big, and the answer's
    neighbour q+1 has always been measured too big (or is beyond `hi`). Guesses come from log(size)
    being nearly linear in log(quantiser scale): a secant between the bracket's ends, or an
    extrapolation from one end, so 2-4 probes where a bisection takes seven. Two guesses in a row
    that do not halve the bracket are followed by a bisection, so it always ends; a non-monotone
    step can cost a quality point but never returns a quality measured over the cap. `size` is
    called at most once per quality.
    """
    if lo > hi:
        raise ValueError(f"empty quality range [{lo}, {hi}]")
    sizes: dict[int, float] = {}
    low, miss = lo - 1, hi + 1  # `low` fits and `miss` does not (or they are the virtual ends)
    q = hi if start is None else min(max(start, lo), hi)
    stalls = -1  # guesses in a row that did not halve the bracket; the first probe is no guess
    while True:
        width = miss - low
        sizes[q] = size(q)
        if sizes[q] <= max_bytes:
            low = q
        else:
            miss = q
        if miss - low <= 1:
            return low if low >= lo else None
        stalls = stalls + 1 if (miss - low) * 2 > width and 0 <= stalls < 2 else 0
        q = (low + miss) // 2 if stalls >= 2 else _guess(sizes, low, miss, max_bytes)


def _scale(q: float) -> float:
    """libjpeg's jpeg_quality_scaling (percent of the base tables), floored at 1."""
    return max(5000 / q if q < 50 else 200 - 2 * q, 1.0)


def _quality(scale: float) -> float:
    return (200 - scale) / 2 if scale <= 100 else 5000 / scale


def _guess(sizes: dict[int, float], low: int, miss: int, max_bytes: float) -> int:
    """The next quality inside the bracket (low, miss), at least one of whose ends is measured."""
    target = math.log(max_bytes)
    ends = [(math.log(_scale(q)), math.log(sizes[q])) for q in (low, miss) if q in sizes]
    if len(ends) == 2:  # secant between the bracket's ends
        (x0, y0), (x1, y1) = ends
        x = x0 + (target - y0) * (x1 - x0) / (y1 - y0) if y1 != y0 else x0
    else:  # from the one measured end along the typical slope
        x0, y0 = ends[0]
        x = x0 + (y0 - target) / SIZE_SLOPE
    return min(max(math.floor(_quality(math.exp(x))), low + 1), miss - 1)
