"""Peak memory while rendering a long PDF page by page (target: < 600 MB peak RSS).

Builds a 300-page PDF of text pages in a child process (so building does not count), then
renders every page with pdf.render_pages and compresses every Nth page to the byte cap
(proxy only, no OCR), printing the peak RSS of this process from resource.getrusage.
"""

from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import options, print_command  # noqa: E402


def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def build(path: Path, pages: int) -> None:
    """Text pages (A4 at 150 dpi, drawn with the CJK test font), merged one at a time."""
    import numpy as np
    import pypdfium2
    from PIL import Image, ImageDraw

    from tests import docgen

    font = docgen._font(22)
    chars = "医师资格考试报名材料审核学历证书验证报告教育部注册备案表考生姓名性别专业学校日期编号"
    rng = np.random.default_rng(0)
    out = pypdfium2.PdfDocument.new()
    for n in range(pages):
        im = Image.new("L", (1240, 1754), 255)
        d = ImageDraw.Draw(im)
        d.text((100, 60), f"第 {n + 1} 页 / 共 {pages} 页", font=font, fill=0)
        for row in range(40):
            line = "".join(chars[i] for i in rng.integers(0, len(chars), 40))
            d.text((100, 120 + row * 38), line, font=font, fill=0)
        buf = io.BytesIO()
        im.save(buf, "PDF", resolution=150)
        src = pypdfium2.PdfDocument(buf.getvalue())
        out.import_pages(src)
        src.close()
    out.save(str(path))
    out.close()


def main() -> None:
    parser = options(__doc__, pages=300, dpi=200.0, max_side=2400, compress_every=25)
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, args.pages)
        return
    print_command()
    from photocheck.documents.compress import compress_document
    from photocheck.io import pdf
    from photocheck.rules.profile import load_profile

    rules = load_profile().materials
    assert rules is not None

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "长文档 300页.pdf"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--pages", str(args.pages), "--build", str(path)], check=True
        )
        print(
            f"built {args.pages} pages, {path.stat().st_size / 1e6:.1f} MB, "
            f"{time.perf_counter() - start:.1f} s"
        )
        base = _rss_mb()
        start = time.perf_counter()
        rendered = compressed = 0
        shape = (0, 0)
        for index, rgb in pdf.render_pages(path, dpi=args.dpi, max_side=args.max_side):
            rendered += 1
            shape = rgb.shape[:2]
            if index % args.compress_every == 0:
                out = compress_document(
                    rgb, 200_000, min_text_px=20, allow_grey=True, allow_png=True,
                    floor_quality=rules.floor_quality, min_legibility=rules.checks.min_legibility,
                )
                assert len(out.data) <= 200_000
                compressed += 1
        seconds = time.perf_counter() - start
    peak = _rss_mb()
    print(
        f"rendered {rendered} pages of {shape[1]}x{shape[0]} px, compressed {compressed}, "
        f"{seconds:.1f} s ({1000 * seconds / rendered:.0f} ms/page)"
    )
    print(
        f"peak RSS {peak:.0f} MB (after imports {base:.0f} MB); "
        f"target < 600 MB: {'met' if peak < 600 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
