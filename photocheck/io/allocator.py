"""Let freed image buffers be reused instead of mapped afresh (glibc; elsewhere a no-op).

A 12 MP RGB buffer is 36 MB, above glibc's largest dynamic mmap threshold (32 MB), so every
decode and every full-size copy gets freshly mapped memory, and the kernel zeroes each page on
first touch: about a quarter of a JPEG decode's time (75 ms becomes 97 ms on a 12 MP photo).
Pillow sidesteps this for its own images with a block arena; numpy and OpenCV buffers need the
heap to keep them. Up to KEEP bytes of freed memory then stay with the process between images.
"""

from __future__ import annotations

import ctypes
import functools
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

KEEP = 256 * 1024 * 1024
# return_large_buffers: buffers above this are mapped apart and unmapped when freed, and twice that
# is the trim threshold (the ratio glibc keeps between the two when it adjusts them itself). The
# OCR's tensors (the detector's feature maps, 4-50 MB each) are then given back as each is freed:
# at glibc's own ceiling, 32 MB, prepare's peak went 733-810 MB over five runs, at 4 MB 665-687
# MB over three, in the same wall time (benchmarks/prepare_speed.py).
RETURN_ABOVE = 4 * 1024 * 1024
# glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3

_returning = 0  # return_large_buffers blocks open, across threads
_returning_lock = threading.Lock()


def _thresholds(mmap: int, trim: int) -> bool:
    """Set glibc's mmap and trim thresholds; False where there is no glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap)) and bool(mallopt(_M_TRIM_THRESHOLD, trim))


@functools.cache
def keep_large_buffers() -> bool:
    """Raise glibc's mmap and trim thresholds to KEEP, once; True if that was done."""
    return _thresholds(KEEP, KEEP)


def returning() -> bool:
    """Whether a return_large_buffers block is open on any thread."""
    return _returning > 0


@contextmanager
def return_large_buffers() -> Iterator[None]:
    """While the block runs, buffers above RETURN_ABOVE go back to the system when freed instead
    of being kept. For jobs that hold several full-resolution pages at once on worker threads
    (prepare): each thread's heap kept what it had freed, where the other could not reuse it, and
    together they held more than the live images (prepare: about 450 MB freed but resident at
    its peak, against 250 MB in use). A decode then maps fresh pages again (about 20 ms of a
    12 MP one). Blocks may nest and overlap across threads; the last one out keeps buffers again."""
    global _returning
    kept = keep_large_buffers()
    with _returning_lock:
        _returning += 1
        if kept:
            _thresholds(RETURN_ABOVE, 2 * RETURN_ABOVE)
    try:
        yield
    finally:
        with _returning_lock:
            _returning -= 1
            if kept and not _returning:
                _thresholds(KEEP, KEEP)
