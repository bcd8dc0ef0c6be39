"""Key fields read correctly from the upload file: ours vs the naive resize + quality loop.

For every generated document (docgen's five kinds, several seeds, each at its native size, as
a 3x high-resolution scan and as a 4000 px phone photo rectified at the true corners), both
encoders make a file of at most --max-bytes; the file is decoded and read by OCR (red seals
suppressed, as the material pipeline reads it) and the profile's key fields are extracted
(documents.fields). A document counts as correct when every field docgen drew (公民身份号码,
姓名, 有效期限, 证书编号, 在线验证码, 有效期至) is read with exactly the drawn value and validates.
Ours is compress_document with the pipeline's ExportReader (the OCR of the chosen candidate).
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import options, print_command  # noqa: E402
from benchmarks.material_legibility import naive_compress, rectified_phone_photo, scan_of  # noqa: E402
from photocheck.documents.compress import compress_document, line_height, seal_free  # noqa: E402
from photocheck.documents.fields import ExportReader, Reading, read_fields  # noqa: E402
from photocheck.documents.ocr import plain_text, read_text  # noqa: E402
from photocheck.rules.profile import load_profile  # noqa: E402
from tests import docgen  # noqa: E402

CATEGORY = {"id_front": ("identity", "front"), "id_back": ("identity", "back"), "diploma": ("diploma", None),
            "degree": ("degree", None), "xuexin_report": ("education_report", None)}


def correct(readings: list[Reading], truth: dict[str, str]) -> tuple[bool, list[str]]:
    """Every drawn field read exactly and valid; the ids of those that were not."""
    by_id = {r.id: r for r in readings}
    wrong = []
    for field_id, want in truth.items():
        r = by_id.get(field_id)
        got = r is not None and r.ok and (r.value == want or (r.end is not None and f"{r.end:%Y-%m-%d}" == want))
        if not got:
            wrong.append(field_id)
    return not wrong, wrong


def documents(seeds: int, phone_size: int) -> Iterator[tuple[str, str, dict[str, str], np.ndarray]]:
    for kind in docgen.KINDS:
        for seed in range(seeds):
            doc = docgen.flat_document(kind, seed)
            yield f"{kind}#{seed}", kind, doc.fields, doc.image
            yield f"{kind}#{seed}@scan", kind, doc.fields, scan_of(doc.image, 3.0, seed=seed)
            yield f"{kind}#{seed}@phone", kind, doc.fields, rectified_phone_photo(kind, seed, phone_size)


def main() -> None:
    args = options(__doc__, max_bytes=200_000, seeds=2, phone_size=4000).parse_args()
    print_command()
    spec = load_profile("nmec-2026-hubei").materials
    assert spec is not None
    print(f"{'document':24} {'size':>10} {'ours B':>8} {'ours':>5} {'naive B':>8} {'naive':>5} {'s':>5}  "
          "missed (ours | naive)")
    ours_ok = naive_ok = total = 0
    worst = 0
    for name, kind, truth, rgb in documents(args.seeds, args.phone_size):
        category, slot = CATEGORY[kind]
        cat = spec.category(category)
        start = time.perf_counter()
        lines = read_text(seal_free(rgb))
        reader = ExportReader()
        packed = compress_document(
            rgb, args.max_bytes, min_text_px=spec.checks.min_text_px, reference=plain_text(lines), score=reader,
            allow_grey=True, allow_png=True, floor_quality=spec.floor_quality,
            min_legibility=spec.checks.min_legibility, text_px=line_height(lines),
        )
        ours = read_fields(reader.lines_of(packed.data), cat, slot, (packed.width, packed.height))
        seconds = time.perf_counter() - start
        naive = naive_compress(rgb, args.max_bytes)
        with Image.open(io.BytesIO(naive)) as im:
            naive_rgb = np.asarray(im.convert("RGB"))
        theirs = read_fields(read_text(seal_free(naive_rgb)), cat, slot, (naive_rgb.shape[1], naive_rgb.shape[0]))
        ok_ours, miss_ours = correct(ours, truth)
        ok_naive, miss_naive = correct(theirs, truth)
        ours_ok += ok_ours and len(packed.data) <= args.max_bytes
        naive_ok += ok_naive and len(naive) <= args.max_bytes
        total += 1
        worst = max(worst, len(packed.data))
        print(f"{name:24} {rgb.shape[1]:>4}x{rgb.shape[0]:<5} {len(packed.data):>8} {'ok' if ok_ours else 'MISS':>5} "
              f"{len(naive):>8} {'ok' if ok_naive else 'MISS':>5} {seconds:>5.1f}  "
              f"{','.join(miss_ours) or '-'} | {','.join(miss_naive) or '-'}", flush=True)
    print(f"key fields read correctly from the file at <= {args.max_bytes:,} B: ours {ours_ok}/{total} "
          f"({ours_ok / total:.0%}, largest file {worst:,} B), naive {naive_ok}/{total} ({naive_ok / total:.0%})")


if __name__ == "__main__":
    main()
