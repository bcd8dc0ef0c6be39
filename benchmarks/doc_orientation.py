"""Text-orientation accuracy: every generated document x 4 quarter-turns, plus the real scan.

Each photo goes the way fix_material takes it: prepare cuts the page out as it lies, then
read_document's one OCR run detects its lines and turns it by them (geometry.lines_orientation).
The time per image is that decision's own cost, crops of the longest lines read turned (Timings.
orientation_ocr); the page detection it reuses is the text read's, timed apart.

Usage: .venv/bin/python benchmarks/doc_orientation.py [SEEDS]   (default 2 seeds per kind)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import count_arg, print_command
from photocheck.documents.fix import Timings, prepare, read_document
from photocheck.documents.geometry import rotate_upright
from tests.docgen import KINDS, phone_photo, scanned_page

ROTATIONS = (0, 90, 180, 270)


def main() -> None:
    seeds = count_arg(2)
    print_command()
    print(f"{'document':<22}" + "".join(f"{r:>8}" for r in ROTATIONS) + f"{'min conf':>10}")
    right = total = 0
    runs: list[Timings] = []
    rows: list[tuple[str, list[bool], float]] = []

    def decide(rgb: np.ndarray) -> tuple[int, float]:
        timings = Timings()
        prep = read_document(prepare(rgb, rotation=None, corners=None, pdf=False, timings=timings), timings)[0]
        runs.append(timings)
        return prep.rotation, prep.orientation_confidence or 0.0

    for kind in KINDS:
        for seed in range(seeds):
            ok, conf = [], 1.0
            for rotation in ROTATIONS:
                photo = phone_photo(kind, seed, rotation)
                clockwise, c = decide(photo.image)
                ok.append(clockwise == photo.upright)
                conf = min(conf, c)
            rows.append((f"{kind} #{seed}", ok, conf))
    page = scanned_page()
    ok, conf = [], 1.0
    for rotation in ROTATIONS:
        clockwise, c = decide(rotate_upright(page, rotation))
        ok.append((clockwise + rotation) % 360 == 0)
        conf = min(conf, c)
    rows.append(("skimage page (scan)", ok, conf))
    for name, ok, conf in rows:
        marks = "".join(f"{'ok' if o else 'WRONG':>8}" for o in ok)
        print(f"{name:<22}{marks}{conf:>10.2f}")
        right += sum(ok)
        total += len(ok)
    turn = [t.orientation_ocr for t in runs]
    text = [t.text_ocr for t in runs]
    print(f"accuracy {right}/{total} = {right / total:.1%}; orientation (line crops read turned) per image "
          f"mean {sum(turn) / len(turn):.2f} s, max {max(turn):.2f} s; the page's detection and read "
          f"mean {sum(text) / len(text):.2f} s")


if __name__ == "__main__":
    main()
