"""How well a sample predicts a document's full-size JPEG bytes: the compressor's cell mosaic
against whole row bands of the same share.

compress.py searches JPEG quality on a sample of the page and encodes the whole page only for
the predicted quality, so every percent of prediction error is either bytes left unused or
another full-size encode. For each document of benchmarks/material_legibility.py at its first
output resolution (long side <= compress.MAX_SIDE), colour 4:2:0 and grey, at q40/q60/q80,
this prints the relative error of both predictions and the share within 5 %.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import print_command  # noqa: E402
from benchmarks.material_legibility import documents  # noqa: E402
from photocheck.documents import compress  # noqa: E402

QUALITIES = (40, 60, 80)
BAND_ROWS = 32


def row_bands(page: np.ndarray) -> np.ndarray:
    """Evenly spaced bands of BAND_ROWS rows, SAMPLE_SHARE of the page, on block rows."""
    n = round(page.shape[0] * compress.SAMPLE_SHARE / BAND_ROWS)
    if n < 2:
        return page
    starts = np.linspace(0, page.shape[0] - BAND_ROWS, n).astype(int) // 16 * 16
    return np.ascontiguousarray(np.concatenate([page[y : y + BAND_ROWS] for y in starts]))


def predicted(page: np.ndarray, sample: np.ndarray, mode: compress._Mode, q: int) -> float:
    data = compress._encode(sample, mode, q)
    head = compress._header_bytes(data)
    return head + (len(data) - head) * page.size / sample.size


def main() -> None:
    print_command()
    print(f"{'document':20} {'mode':5} {'size':>10}  error at q{'/q'.join(map(str, QUALITIES))}: "
          "mosaic | row bands")
    errors: dict[str, list[float]] = {"mosaic": [], "bands": []}
    for name, rgb in documents(3.0, 4000):
        for grey in (False, True):
            level = compress._level(rgb, min(1.0, compress.MAX_SIDE / max(rgb.shape[:2])), grey)
            if level.sample is level.page:
                continue  # a small page is its own sample: nothing to predict
            mode = compress._Mode(grey, 2, None)
            bands = row_bands(level.page)
            row: dict[str, list[float]] = {"mosaic": [], "bands": []}
            for q in QUALITIES:
                full = len(compress._encode(level.page, mode, q))
                row["mosaic"].append(predicted(level.page, level.sample, mode, q) / full - 1)
                row["bands"].append(predicted(level.page, bands, mode, q) / full - 1)
            for key in errors:
                errors[key] += row[key]
            size = f"{level.width}x{level.height}"
            print(f"{name:20} {'grey' if grey else 'rgb':5} {size:>10}  "
                  + " ".join(f"{e:+.3f}" for e in row["mosaic"]) + " | "
                  + " ".join(f"{e:+.3f}" for e in row["bands"]), flush=True)
    for key, label in (("mosaic", "cell mosaic (ours)"), ("bands", "row bands")):
        e = np.abs(errors[key])
        print(f"{label:20} mean |error| {e.mean():.3f}, max {e.max():.3f}, within 5 %: "
              f"{(e <= 0.05).mean():.0%} of {e.size}")


if __name__ == "__main__":
    main()
