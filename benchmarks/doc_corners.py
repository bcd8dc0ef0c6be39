"""Document-corner error of find_document on generated phone photos, as % of the image diagonal.

Usage: .venv/bin/python benchmarks/doc_corners.py [SEEDS]   (default 4 seeds per kind)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import count_arg, print_command
from photocheck.documents.geometry import find_document
from tests.docgen import KINDS, phone_photo


def main() -> None:
    seeds = count_arg(4)
    print_command()
    print(f"{'photo':<28}{'found':>7}{'conf':>7}{'max err %':>11}{'time s':>8}")
    errors: list[float] = []
    missed = 0
    for kind in KINDS:
        for seed in range(seeds):
            rotation = 90 * (seed % 4)
            photo = phone_photo(kind, seed, rotation)
            t0 = time.perf_counter()
            quad = find_document(photo.image)
            dt = time.perf_counter() - t0
            diag = float(np.hypot(*photo.image.shape[:2]))
            err = float(np.linalg.norm(quad.points - photo.corners, axis=1).max()) / diag * 100
            missed += not quad.found
            errors.append(err)
            name = f"{kind} #{seed} rot {rotation}"
            print(f"{name:<28}{quad.found!s:>7}{quad.confidence:>7.2f}{err:>11.2f}{dt:>8.2f}")
    within = sum(e < 2.0 for e in errors)
    print(f"corner error (% of diagonal): max {max(errors):.2f}, mean {np.mean(errors):.2f}; "
          f"within 2 %: {within}/{len(errors)}; not found: {missed}")


if __name__ == "__main__":
    main()
