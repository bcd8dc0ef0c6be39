"""Material pipeline speed on a 12-megapixel document photo, against Pillow's full decode.

A 4000x3000 phone photo of a diploma (tests/docgen.phone_photo, saved as JPEG q92) goes through
material_fix.process, the code behind `photocheck material fix`. Image work (loading, corners,
rectification, deskew, trimming, flattening and enhancement, blur/glare measures, compression,
the checked write) is timed apart from OCR (orientation, the text read for classification and as
the legibility reference, and the compressor's legibility verification of each candidate it
tries: decode, read, compare with the reference). Target: image work <= 4x the time Pillow takes
to decode the same JPEG, measured in the same run. Stage times are medians over the runs, so
their sum can differ slightly from the median of the totals. Stage times are wall time; the
end-to-end line gives CPU time too (user + system, every thread of the process).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._common import median_time, print_command  # noqa: E402


def document_photo(path: Path, size: int) -> Path:
    from PIL import Image

    from tests import docgen

    shot = docgen.phone_photo("diploma", seed=5, size=size)
    buf = io.BytesIO()
    Image.fromarray(shot.image).save(buf, "JPEG", quality=92)
    path.write_bytes(buf.getvalue())
    return path


def pillow_decode(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as im:
        im.convert("RGB").load()


def main() -> None:
    print_command()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=4000, help="long side of the photo, px")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from photocheck.documents.fix import process

    with tempfile.TemporaryDirectory() as tmp:
        photo = document_photo(Path(tmp) / "diploma.jpg", args.size)
        photo_bytes = photo.stat().st_size
        # One untimed run loads the OCR models and warms every cache.
        process(photo, Path(tmp) / "warmup")
        runs, cpus = [], []
        for i in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            report, timings = process(photo, Path(tmp) / f"out{i}")
            total = time.perf_counter() - t0
            runs.append((timings, total))
            cpus.append(time.process_time() - c0)
        decode = median_time(lambda: pillow_decode(photo), runs=5)

    def med(attr: str) -> float:
        return float(statistics.median(getattr(t, attr) for t, _ in runs))

    work = med("image_work")
    print(f"photo: {args.size} px long side, {photo_bytes:,} bytes JPEG; "
          f"{args.runs} runs, medians")
    print(f"Pillow full decode:        {decode * 1000:7.0f} ms")
    for label, attr in (("load", "load"), ("geometry + enhancement", "geometry"),
                        ("compression (w/o OCR)", None), ("checked write", "write")):
        value = med("compress") - med("legibility_ocr") if attr is None else med(attr)
        print(f"  {label:24} {value * 1000:7.0f} ms")
    print(f"image work:                {work * 1000:7.0f} ms = {work / decode:.2f}x decode (target <= 4x)")
    print(f"OCR: orientation {med('orientation_ocr'):.2f} s, text (classification + reference) "
          f"{med('text_ocr'):.2f} s, legibility {med('legibility_ocr'):.2f} s, total {med('ocr'):.2f} s")
    print(f"end to end: {statistics.median(t for _, t in runs):.2f} s wall, "
          f"{statistics.median(cpus):.2f} s CPU (all threads; on a busy machine wall time waits for cores); output "
          f"{report.output.width if report.output else '-'} px wide, "
          f"{report.output.bytes if report.output else '-'} bytes, ok={report.ok}, "
          f"legibility {report.legibility}")


if __name__ == "__main__":
    main()
