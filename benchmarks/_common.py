"""Helpers the benchmark scripts share: the command line, the frozen build, the 12-megapixel test
photo and timing."""

from __future__ import annotations

import argparse
import io
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED_PHOTOS = ROOT.parent / "shared" / "testdata" / "photos"


def print_command() -> None:
    """First line of every benchmark: the command that reproduces it."""
    print("$ " + " ".join(shlex.quote(a) for a in [".venv/bin/python", *sys.argv]))


def count_arg(default: int) -> int:
    """The one optional argument of the simpler scripts: how many runs (seeds, candidates...)."""
    return int(sys.argv[1]) if len(sys.argv) > 1 else default


def options(doc: str | None, **defaults: float) -> argparse.ArgumentParser:
    """A parser with one --option per keyword, typed by its default (max_bytes=200_000 -> --max-bytes)."""
    parser = argparse.ArgumentParser(description=doc)
    for name, default in defaults.items():
        parser.add_argument("--" + name.replace("_", "-"), type=type(default), default=default)
    return parser


def frozen_build(program: str) -> Path | None:
    """The installer build's `program`, or None (having said so) when nothing is built."""
    path = ROOT / "dist" / "photocheck" / program
    if not path.exists():
        print(f"no build at {path}: run `make installer` first (skipped)")
        return None
    return path


def portrait_12mp(path: Path) -> Path:
    """A 4000x3000 phone-like JPEG: grace_hopper enlarged into a wider scene, with sensor noise.

    The head is about a third of the frame height, as in a phone photo taken at arm's length.
    """
    import cv2
    from PIL import Image

    src = np.asarray(Image.open(ROOT / "resources" / "samples" / "grace_hopper.jpg").convert("RGB"))
    person = cv2.resize(src, (2600, 3047), interpolation=cv2.INTER_CUBIC)[:3000]
    canvas = np.empty((3000, 4000, 3), np.uint8)
    canvas[:] = np.linspace(90, 170, 4000, dtype=np.float32)[None, :, None].astype(np.uint8)
    canvas[:, 700:3300] = person
    rng = np.random.default_rng(0)
    noisy = np.clip(canvas.astype(np.int16) + rng.normal(0, 4, canvas.shape).astype(np.int16), 0, 255)
    buf = io.BytesIO()
    Image.fromarray(noisy.astype(np.uint8)).save(buf, "JPEG", quality=92)
    path.write_bytes(buf.getvalue())
    return path


def median_time(fn: Callable[[], object], runs: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
