"""`prepare` of a whole candidate: wall time, CPU time and peak memory.

The candidate's folder is generated: seven 12-megapixel phone photos of documents
(tests/docgen.phone_photo, JPEG q92: an ID card's two sides in 身份证明/, a diploma, a degree
certificate and a 学信网 report loose, a second diploma in 06_补充学历材料/, a flat scan of a report in
09_其他证明/), a 3-page 学信网 report PDF (as tests/test_material_fix.write_report_pdf draws it) and
the registration photo (benchmarks/_common.portrait_12mp). `--photos 0 --pdf-pages 50` times a
50-page PDF alone. The first prepare loads the models (reported apart); the timed one follows it.
CPU is user + system time of the process (all its threads); peak RSS is the process's high-water
mark (one process: prepare's workers are threads) from after the documents were drawn.

Usage: .venv/bin/python benchmarks/prepare_speed.py [--photos 7] [--pdf-pages 3] [--size 4000]
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import portrait_12mp, print_command  # noqa: E402

if TYPE_CHECKING:
    import numpy as np

# (folder or "", file name, docgen kind, seed, phone photo?) in the order they are made
DOCUMENTS = (
    ("身份证明", "正面.jpg", "id_front", 1, True),
    ("身份证明", "反面.jpg", "id_back", 1, True),
    ("", "IMG_0001.jpg", "diploma", 2, True),
    ("", "IMG_0002.jpg", "degree", 3, True),
    ("", "IMG_0003.jpg", "xuexin_report", 4, True),
    ("06_补充学历材料", "1.jpg", "diploma", 5, True),
    ("09_其他证明", "1.jpg", "xuexin_report", 6, False),
)


def _jpeg(rgb: np.ndarray, path: Path) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=92)
    path.write_bytes(buf.getvalue())


def make_candidate(root: Path, photos: int, pdf_pages: int, size: int, with_photo: bool) -> list[str]:
    """Writes the candidate's folder; returns what is in it, one line per document."""
    from PIL import Image

    from tests import docgen

    listing = []
    for folder, name, kind, seed, phone in DOCUMENTS[:photos]:
        path = root / folder / name if folder else root / name
        if phone:
            _jpeg(docgen.phone_photo(kind, seed=seed, size=size).image, path)
        else:
            _jpeg(docgen.flat_document(kind, seed=seed).image, path)
        with Image.open(path) as im:
            w, h = im.size
        listing.append(f"{path.relative_to(root)}: {kind}, {'phone photo' if phone else 'flat scan'} "
                       f"{w}x{h}, {path.stat().st_size:,} B")
    if pdf_pages:
        path = root / "学信网报告.pdf"
        pages = [Image.fromarray(docgen.flat_document("xuexin_report", seed=10 + i).image) for i in range(pdf_pages)]
        pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=150)
        listing.append(f"{path.name}: xuexin_report, {pdf_pages}-page PDF, {path.stat().st_size:,} B")
    if with_photo:
        (root / "照片").mkdir()
        path = portrait_12mp(root / "照片" / "photo.jpg")
        listing.append(f"照片/{path.name}: registration photo 4000x3000, {path.stat().st_size:,} B")
    return listing


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _reset_peak() -> bool:
    """Start the high-water mark afresh (Linux: drawing the documents peaks above 1 GB)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    print_command()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=len(DOCUMENTS), help=f"document photos (0-{len(DOCUMENTS)})")
    parser.add_argument("--pdf-pages", type=int, default=3)
    parser.add_argument("--size", type=int, default=4000, help="long side of the phone photos, px")
    parser.add_argument("--no-photo", action="store_true", help="leave the registration photo out")
    parser.add_argument("--no-warmup", action="store_true", help="time the first prepare (models loading)")
    args = parser.parse_args()

    from photocheck.export.prepare import prepare

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "张三"
        root.mkdir()
        listing = make_candidate(root, args.photos, args.pdf_pages, args.size, not args.no_photo)
        print("documents:")
        for line in listing:
            print("  " + line)
        fresh = _reset_peak()
        if not args.no_warmup:
            t0, c0 = time.perf_counter(), _cpu()
            prepare(root, Path(tmp) / "warm", name="张三")
            print(f"first prepare (loads the models): wall {time.perf_counter() - t0:.1f} s, "
                  f"CPU {_cpu() - c0:.1f} s")
        t0, c0 = time.perf_counter(), _cpu()
        export = prepare(root, Path(tmp) / "out", name="张三")
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
        files = [f for f in export.files if f.category not in ("photo", "photo_original")]
        print(f"prepare: wall {wall:.1f} s, CPU {cpu:.1f} s ({cpu / wall:.2f} cores busy on average), "
              f"peak RSS {_peak_mb():.0f} MB ({'prepare runs only' if fresh else 'whole run, documents drawn too'})")
        print(f"exported {len(files)} material files, photo "
              f"{'ok' if export.photo and export.photo.ok else 'not ok'}, skipped {len(export.skipped)}, "
              f"ready={export.ok}")
        for f in files:
            print(f"  {f.path}  {f.bytes:,} B  legibility {f.legibility}")
        for s in export.skipped:
            print(f"  skipped {s.source} page {s.page}: {s.reason}")


if __name__ == "__main__":
    main()
