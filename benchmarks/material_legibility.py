"""Legibility of supporting-material uploads under the byte cap: ours vs the naive baseline.

For each generated document (rectified, full resolution: docgen's native size, a 300-dpi-like
scan of it with sensor noise, and for two kinds a 4000 px phone photo rectified with
documents.rectify at the generator's true corners, then flattened), a dense A4 text page and
scikit-image's scanned page, print our
bytes/format/agreement and the naive approach's (long side 2000 px, JPEG quality from 95 down by
5 until it fits). Agreement = OCR text of the upload vs OCR text of the full-resolution original,
both read with red seals suppressed (compress.seal_free).
Target: ours >= 0.95 on every file at <= 200,000 bytes.
"""

from __future__ import annotations

import io
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import options, print_command  # noqa: E402
from photocheck.documents.compress import (  # noqa: E402
    agreement,
    compress_document,
    line_height,
    seal_free,
)
from photocheck.documents.ocr import plain_text, read_text  # noqa: E402
from photocheck.rules.profile import load_profile  # noqa: E402
from tests import docgen  # noqa: E402

MATERIALS = load_profile().materials  # the default profile's rules: quality floor, legibility bar
assert MATERIALS is not None


def naive_compress(rgb: np.ndarray, max_bytes: int) -> bytes:
    """The issue's baseline: long side 2000 px, JPEG quality 95 lowered by 5 until it fits."""
    im = Image.fromarray(rgb)
    if max(im.size) > 2000:
        im.thumbnail((2000, 2000), Image.Resampling.LANCZOS)
    data = b""
    for quality in range(95, 0, -5):
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=quality)
        data = buf.getvalue()
        if len(data) <= max_bytes:
            break
    return data


def scan_of(rgb: np.ndarray, factor: float, seed: int) -> np.ndarray:
    """A rectified high-resolution capture: upsampled, slightly soft, with sensor noise."""
    import cv2

    big = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    soft = np.asarray(cv2.GaussianBlur(big.astype(np.float32), (0, 0), 0.4 * factor), np.float32)  # typed; no copy
    soft += np.random.default_rng(seed).normal(0, 3.0, soft.shape)
    return np.clip(soft, 0, 255).round().astype(np.uint8)


def rectified_phone_photo(kind: str, seed: int, size: int) -> np.ndarray:
    """A phone photo of `kind`, warped back to a flat upright page and its shadow evened out,
    as the material pipeline hands it to compression."""
    from photocheck.documents.geometry import Quad, flatten, rectify

    shot = docgen.phone_photo(kind, seed=seed, size=size)
    return flatten(rectify(shot.image, Quad(shot.corners, True, 1.0)))


def dense_page(seed: int = 0) -> np.ndarray:
    """An A4 page at 300 dpi (2480 x 3508) of small print: the hardest case for a byte cap."""
    rng = np.random.default_rng(seed)
    im = Image.new("RGB", (2480, 3508), (255, 255, 255))
    d = ImageDraw.Draw(im)
    font = docgen._font(40)
    chars = "医师资格考试报名材料审核学历证书验证报告教育部注册备案表考生姓名性别专业学校日期编号"
    for row in range(52):
        line = "".join(chars[i] for i in rng.integers(0, len(chars), 48))
        d.text((160, 180 + row * 60), f"{row + 1:02d} {line}", font=font, fill=(20, 20, 20))
    return np.asarray(im).copy()


@dataclass(frozen=True)
class Row:
    name: str
    size: str
    ours_bytes: int
    ours_format: str
    ours_agreement: float
    naive_bytes: int
    naive_agreement: float
    seconds: float


def documents(scan_factor: float, phone_size: int) -> list[tuple[str, np.ndarray]]:
    docs: list[tuple[str, np.ndarray]] = []
    for i, kind in enumerate(docgen.KINDS):
        flat = docgen.flat_document(kind, seed=i).image
        docs.append((kind, flat))
        docs.append((f"{kind}@scan", scan_of(flat, scan_factor, seed=i)))
    for kind in ("diploma", "xuexin_report"):
        docs.append((f"{kind}@phone", rectified_phone_photo(kind, seed=7, size=phone_size)))
    docs.append(("dense_a4", dense_page()))
    docs.append(("skimage_page", docgen.scanned_page()))
    return docs


def measure(name: str, rgb: np.ndarray, max_bytes: int, min_text_px: int) -> Row:
    def ocr(img: np.ndarray) -> str:
        return plain_text(read_text(img))

    assert MATERIALS is not None
    start = time.perf_counter()
    lines = read_text(seal_free(rgb))
    reference = plain_text(lines)
    ours = compress_document(
        rgb,
        max_bytes,
        min_text_px=min_text_px,
        reference=reference,
        score=ocr,
        allow_grey=True,
        allow_png=True,
        floor_quality=MATERIALS.floor_quality,
        min_legibility=MATERIALS.checks.min_legibility,
        text_px=line_height(lines),
    )
    seconds = time.perf_counter() - start
    naive = naive_compress(rgb, max_bytes)
    with Image.open(io.BytesIO(naive)) as im:
        naive_rgb = np.asarray(im.convert("RGB"))
    fmt = f"{ours.format}{' grey' if ours.grey else ''}{' palette' if ours.palette else ''}"
    if ours.quality is not None:
        fmt += f" q{ours.quality}"
    fmt += f" {ours.width}x{ours.height}"
    return Row(
        name,
        f"{rgb.shape[1]}x{rgb.shape[0]}",
        len(ours.data),
        fmt,
        ours.legibility or 0.0,
        len(naive),
        agreement(reference, ocr(seal_free(naive_rgb))),
        seconds,
    )


def main() -> None:
    args = options(__doc__, max_bytes=200_000, min_text_px=20, scan_factor=3.0, phone_size=4000).parse_args()
    print_command()
    print(
        f"{'document':20} {'size':>10} {'ours B':>8} {'agree':>6} {'naive B':>8} {'agree':>6} "
        f"{'s':>5}  ours format"
    )
    rows = []
    for name, rgb in documents(args.scan_factor, args.phone_size):
        row = measure(name, rgb, args.max_bytes, args.min_text_px)
        rows.append(row)
        print(
            f"{row.name:20} {row.size:>10} {row.ours_bytes:>8} {row.ours_agreement:>6.3f} "
            f"{row.naive_bytes:>8} {row.naive_agreement:>6.3f} {row.seconds:>5.1f}  "
            f"{row.ours_format}",
            flush=True,
        )
    ok = all(r.ours_agreement >= 0.95 and r.ours_bytes <= args.max_bytes for r in rows)
    print(
        f"ours: min agreement {min(r.ours_agreement for r in rows):.3f}, "
        f"max bytes {max(r.ours_bytes for r in rows)}; naive: min agreement "
        f"{min(r.naive_agreement for r in rows):.3f}; target met: {ok}"
    )


if __name__ == "__main__":
    main()
