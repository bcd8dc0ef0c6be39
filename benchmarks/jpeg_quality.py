"""Quality search vs the naive "start at 95, step down by 5" loop, under a 30,000-byte cap.

For each photo: the 390x567 image the fixer hands to the encoder (a centred crop where the fixer
refuses the photo), then both encoders; SSIM is measured against that uncompressed image.
Run from the checkout: .venv/bin/python benchmarks/jpeg_quality.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import photocheck.photo.jpeg
from photocheck.photo.jpeg import encode_jpeg, encode_jpeg_under

SHARED = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "photos"
MAX_BYTES, MIN_Q, MAX_Q, FLOOR_Q = 30_000, 70, 95, 30
SIZE = (390, 567)


@dataclass(frozen=True)
class Result:
    quality: int
    size: int
    ssim: float


def centre_crop(rgb: np.ndarray, size: tuple[int, int] = SIZE) -> np.ndarray:
    """Centred crop at the target aspect (for photos the fixer refuses, e.g. two faces)."""
    w_out, h_out = size
    h, w = rgb.shape[:2]
    cw = min(w, round(h * w_out / h_out))
    ch = min(h, round(cw * h_out / w_out))
    x, y = (w - cw) // 2, (h - ch) // 2
    return np.ascontiguousarray(cv2.resize(rgb[y : y + ch, x : x + cw], size, interpolation=cv2.INTER_AREA))


def fixer_crop(path: Path) -> tuple[np.ndarray, str]:
    """The exact image `photo fix` hands to the encoder: framed, levelled, on white."""
    from photocheck.io.decode import Source
    from photocheck.photo.analysis import analyse
    from photocheck.photo.fix import matte_in_frame
    from photocheck.photo.framing import plan, render
    from photocheck.rules.profile import load_profile
    from photocheck.vision.person import composite_on_white

    prof = load_profile()
    src = Source.open(path, max_pixels=50_000_000)
    a = analyse(src.decode(prof.input.analysis_side), prof)
    if not a.single_face:
        return centre_crop(src.decode().rgb), "centre"
    framing = plan(a, prof)
    prep = matte_in_frame(a, framing, prof)
    return composite_on_white(render(src.decode().rgb, framing, a.quarter_turns), prep.alpha), "fixer"


def photos() -> Iterator[tuple[str, np.ndarray, str]]:
    import tempfile

    paths = sorted(p for p in SHARED.iterdir() if p.suffix in (".jpg", ".png")) if SHARED.is_dir() else []
    import matplotlib

    paths.append(Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg")
    for path in paths:
        yield (path.name, *fixer_crop(path))
    from skimage import data

    with tempfile.TemporaryDirectory() as tmp:
        astro = Path(tmp) / "astronaut.png"
        Image.fromarray(data.astronaut()).save(astro)
        yield ("astronaut", *fixer_crop(astro))


def ssim(ref: np.ndarray, data: bytes) -> float:
    out = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    return float(structural_similarity(ref, out, channel_axis=2, data_range=255))


def naive(rgb: np.ndarray) -> Result:
    q = 95
    data = encode_jpeg(rgb, q)
    while len(data) > MAX_BYTES and q > 5:
        q -= 5
        data = encode_jpeg(rgb, q)
    return Result(q, len(data), ssim(rgb, data))


def count_encodes(rgb: np.ndarray) -> int:
    """JPEG encodes one search costs: the machine-independent half of the timing."""
    calls = []

    def counting(rgb: np.ndarray, quality: int, *, subsampling: str = "4:2:0", progressive: bool = False) -> bytes:
        calls.append(1)
        return encode_jpeg(rgb, quality, subsampling=subsampling, progressive=progressive)

    photocheck.photo.jpeg.encode_jpeg = counting
    try:
        encode_jpeg_under(rgb, MAX_BYTES, min_quality=MIN_Q, max_quality=MAX_Q, floor_quality=FLOOR_Q)
    finally:
        photocheck.photo.jpeg.encode_jpeg = encode_jpeg
    return len(calls)


def ours(rgb: np.ndarray) -> tuple[Result, bool, float]:
    times = []
    for _ in range(15):
        t = time.perf_counter()
        enc = encode_jpeg_under(rgb, MAX_BYTES, min_quality=MIN_Q, max_quality=MAX_Q, floor_quality=FLOOR_Q)
        times.append(time.perf_counter() - t)
    return (Result(enc.quality, len(enc.data), ssim(rgb, enc.data)), enc.denoised, statistics.median(times) * 1000)


def main() -> None:
    print(".venv/bin/python benchmarks/jpeg_quality.py")
    print(f"cap {MAX_BYTES} B, size {SIZE[0]}x{SIZE[1]}, search [{FLOOR_Q}, {MAX_Q}], denoise below {MIN_Q}")
    print(
        f"{'photo':36s} {'naive q':>7s} {'bytes':>6s} {'ssim':>6s} | {'ours q':>6s} {'bytes':>6s} "
        f"{'ssim':>6s} {'denoised':>8s} {'encodes':>7s} {'ms':>5s}"
    )
    worse = []
    for name, img, how in photos():
        a = naive(img)
        b, denoised, ms = ours(img)
        print(
            f"{name + ' (' + how + ')':36s} {a.quality:7d} {a.size:6d} {a.ssim:6.4f} | {b.quality:6d} {b.size:6d} "
            f"{b.ssim:6.4f} {denoised!s:>8s} {count_encodes(img):7d} {ms:5.1f}"
        )
        if b.ssim < a.ssim:
            worse.append(name)
    print("ms: median of 15 searches; `cat /proc/loadavg` shows how busy the 2 cores were")
    assert not worse, f"search worse than the naive loop on: {worse}"


if __name__ == "__main__":
    main()
