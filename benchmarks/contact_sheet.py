"""Contact sheets of the shared photos for looking: source | fixed output | what background.clean found.

The output column is the fixer's upload file even where the re-check refuses it (and for photos
refused for pose, expression or resolution), so a remnant that makes background.clean fail can be
seen; the third column outlines the regions background.clean reports (red) on the output, and the
label names the failing checks. Pages of a few rows, PNG, written to the
folder given (default /tmp/photocheck-contact-sheet).

    PYTHONPATH=. .venv/bin/python benchmarks/contact_sheet.py [folder] [rows per page] [--zoom]

`--zoom` shows the output at 2x (the hair and shoulders, as a reviewer looks at them).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import SHARED_PHOTOS, print_command

if TYPE_CHECKING:
    import numpy as np

    from photocheck.reports import CheckResult

BUSY_PHOTOS = SHARED_PHOTOS.parent / "photos-busy"


def shared_sources() -> list[Path]:
    found = []
    for folder in (SHARED_PHOTOS, BUSY_PHOTOS):
        found += sorted(p for p in folder.glob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"))
    return found


def fixed_output(path: Path, work: Path) -> tuple[np.ndarray, np.ndarray | None, list[CheckResult], str]:
    """(source rgb, output rgb or None, report of the output or of the source, summary text)."""
    import io

    import numpy as np
    from PIL import Image

    from photocheck.io.decode import Source
    from photocheck.photo.analysis import analyse
    from photocheck.photo.checks import run_checks
    from photocheck.photo.fix import FixError, finish, matte_in_frame
    from photocheck.photo.framing import plan, render
    from photocheck.photo.pipeline import check
    from photocheck.rules.profile import load_profile

    prof = load_profile()
    source = Source.open(path, max_pixels=prof.input.max_pixels)
    a = analyse(source.decode(prof.input.analysis_side), prof)
    checks = run_checks(source.info, a, prof)
    src_rgb = a.picture.rgb
    blocking = [c.id for c in checks if c.failed and not c.fixable]
    if not a.single_face or a.head is None or "face.complete" in blocking:
        return src_rgb, None, checks, "refused: " + ", ".join(blocking)
    # Refused for another reason (pose, expression, resolution): the output is still made, to look at.
    refused = f"refused: {', '.join(blocking)}; " if blocking else ""
    framing = plan(a, prof)
    full = source.decode(None)
    try:
        result = finish(full, render(full.rgb, framing, a.quarter_turns), a, prof, matte_in_frame(a, framing, prof))
    except FixError as exc:
        return src_rgb, None, checks, refused + "refused: " + exc.result.id
    staged = work / (path.stem + ".jpg")
    staged.write_bytes(result.upload.data)
    report = check(staged, prof)
    failed = [c.id for c in report.checks if c.failed and c.id != "image.resolution"]
    with Image.open(io.BytesIO(result.upload.data)) as im:
        out = np.asarray(im.convert("RGB")).copy()
    verdict = "output passes" if not failed else "output fails: " + ", ".join(failed)
    return src_rgb, out, report.checks, refused + verdict


def row(path: Path, work: Path, zoom: bool) -> tuple[np.ndarray, str]:
    import cv2
    import numpy as np

    src, out, checks, summary = fixed_output(path, work)
    h = 567 * (2 if zoom else 1)
    scale = h / src.shape[0]
    cells = [cv2.resize(src, (max(1, round(src.shape[1] * scale)), h), interpolation=cv2.INTER_AREA)]
    if out is not None:
        big = cv2.resize(out, (out.shape[1] * h // 567, h), interpolation=cv2.INTER_CUBIC)
        marked = big.copy()
        clean = next((c for c in checks if c.id == "background.clean"), None)
        k = h / 567
        for x0, y0, x1, y1 in (clean.value.get("regions", []) if clean and clean.value else []):
            cv2.rectangle(marked, (round(x0 * k), round(y0 * k)), (round(x1 * k) - 1, round(y1 * k) - 1),
                          (255, 0, 0), 2)
        cells += [big, marked]
    label = np.full((40, sum(c.shape[1] for c in cells) + 10 * (len(cells) - 1), 3), 255, np.uint8)
    cv2.putText(label, f"{path.parent.name}/{path.name}: {summary}", (8, 28), cv2.FONT_HERSHEY_SIMPLEX, 0.7,
                (0, 0, 0), 2, cv2.LINE_AA)
    gap = np.full((h, 10, 3), (255, 0, 255), np.uint8)
    body = cells[0]
    for c in cells[1:]:
        body = np.concatenate([body, gap, c], axis=1)
    body = np.pad(body, ((0, 0), (0, label.shape[1] - body.shape[1]), (0, 0)), constant_values=255)
    return np.concatenate([label, body], axis=0), summary


def main() -> int:
    import numpy as np
    from PIL import Image

    print_command()
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    zoom = "--zoom" in sys.argv
    folder = Path(args[0]) if args else Path(tempfile.gettempdir()) / "photocheck-contact-sheet"
    per_page = int(args[1]) if len(args) > 1 else 4
    folder.mkdir(parents=True, exist_ok=True)
    sources = shared_sources()
    if not sources:
        print(f"no shared photos under {SHARED_PHOTOS.parent}")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for path in sources:
            image, summary = row(path, Path(tmp), zoom)
            print(f"{path.parent.name}/{path.name:28s} {summary}")
            rows.append(image)
    for page, start in enumerate(range(0, len(rows), per_page), 1):
        chunk = rows[start : start + per_page]
        width = max(r.shape[1] for r in chunk)
        chunk = [np.pad(r, ((0, 12), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in chunk]
        target = folder / f"contact-sheet-{page:02d}.png"
        Image.fromarray(np.concatenate(chunk, axis=0)).save(target)
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
