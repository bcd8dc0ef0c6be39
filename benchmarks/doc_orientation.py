"""Text-orientation accuracy: every generated document x 4 quarter-turns, plus the real scan.

Usage: .venv/bin/python benchmarks/doc_orientation.py [SEEDS]   (default 2 seeds per kind)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import count_arg, print_command
from photocheck.documents.geometry import rotate_upright, text_orientation
from tests.docgen import KINDS, phone_photo, scanned_page

ROTATIONS = (0, 90, 180, 270)


def main() -> None:
    seeds = count_arg(2)
    print_command()
    print(f"{'document':<22}" + "".join(f"{r:>8}" for r in ROTATIONS) + f"{'min conf':>10}")
    right = total = 0
    times: list[float] = []
    rows: list[tuple[str, list[bool], float]] = []
    for kind in KINDS:
        for seed in range(seeds):
            ok, conf = [], 1.0
            for rotation in ROTATIONS:
                photo = phone_photo(kind, seed, rotation)
                t0 = time.perf_counter()
                clockwise, c = text_orientation(photo.image)
                times.append(time.perf_counter() - t0)
                ok.append(clockwise == photo.upright)
                conf = min(conf, c)
            rows.append((f"{kind} #{seed}", ok, conf))
    page = scanned_page()
    ok, conf = [], 1.0
    for rotation in ROTATIONS:
        t0 = time.perf_counter()
        clockwise, c = text_orientation(rotate_upright(page, rotation))
        times.append(time.perf_counter() - t0)
        ok.append((clockwise + rotation) % 360 == 0)
        conf = min(conf, c)
    rows.append(("skimage page (scan)", ok, conf))
    for name, ok, conf in rows:
        marks = "".join(f"{'ok' if o else 'WRONG':>8}" for o in ok)
        print(f"{name:<22}{marks}{conf:>10.2f}")
        right += sum(ok)
        total += len(ok)
    print(f"accuracy {right}/{total} = {right / total:.1%}; "
          f"time per image mean {sum(times) / len(times):.2f} s, max {max(times):.2f} s")


if __name__ == "__main__":
    main()
