"""Source.open, full decode and draft decode of a 4000x3000 JPEG; overlap of two decode threads.

Run from the checkout: .venv/bin/python benchmarks/decode_speed.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from photocheck.io.decode import Source

RUNS = 7


def median_ms(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def make_photo(folder: Path) -> Path:
    """The astronaut blown up to 12 MP with a little grain, saved like a phone would (q90)."""
    from skimage import data

    rng = np.random.default_rng(0)
    big = cv2.resize(data.astronaut(), (4000, 3000), interpolation=cv2.INTER_CUBIC)
    big = np.clip(big + rng.normal(0, 4, big.shape), 0, 255).astype(np.uint8)
    path = folder / "big.jpg"
    Image.fromarray(big).save(path, "JPEG", quality=90)
    return path


def in_parallel(*jobs: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        threads = [threading.Thread(target=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    return run


def spin_rate(until: threading.Event | None, seconds: float = 0.5) -> float:
    """Pure-Python loop iterations per second: it only advances while this thread holds the GIL."""
    n, start = 0, time.perf_counter()
    while (until is None and time.perf_counter() - start < seconds) or (until is not None and not until.is_set()):
        n += 1
    return n / (time.perf_counter() - start)


def gil_share(src: Source) -> float:
    """Main-thread Python speed while a worker decodes at full size, relative to idle: near 0
    if the decoder held the GIL, near 1 if it releases it (given a free core)."""
    done = threading.Event()

    def work() -> None:
        for _ in range(3):
            src.decode()
        done.set()

    alone = spin_rate(None)
    worker = threading.Thread(target=work)
    worker.start()
    during = spin_rate(done)
    worker.join()
    return during / alone


def main() -> None:
    print(".venv/bin/python benchmarks/decode_speed.py")
    with tempfile.TemporaryDirectory() as tmp:
        path = make_photo(Path(tmp))
        size = path.stat().st_size
        opened = median_ms(lambda: Source.open(path, max_pixels=50_000_000))
        src = Source.open(path, max_pixels=50_000_000)
        full = median_ms(src.decode)
        small = median_ms(lambda: src.decode(1000))
        both = median_ms(in_parallel(src.decode, lambda: src.decode(1000)))
        two = median_ms(in_parallel(src.decode, src.decode))
        share = gil_share(src)
    print(f"4000x3000 JPEG, {size} B; median of {RUNS}")
    print(f"Source.open            {opened:7.1f} ms")
    print(f"decode() full          {full:7.1f} ms")
    print(f"decode(max_side=1000)  {small:7.1f} ms  ({small / full:.2f} of full)")
    print(f"full + draft, 2 threads {both:6.1f} ms  (sequential {full + small:.1f} ms)")
    print(f"full + full, 2 threads  {two:6.1f} ms  (sequential {2 * full:.1f} ms)")
    print(f"main thread Python speed during a worker's decode: {share:.2f} of idle")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
