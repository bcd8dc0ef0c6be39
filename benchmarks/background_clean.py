"""background.clean on generated damage: clean fixed outputs must pass, damaged copies must fail.

The clean outputs are `fix` of the core-suite photos (matplotlib's grace_hopper, scikit-image's
astronaut enlarged 2x so it is big enough to fix). Each damaged copy has one remnant pasted
(tests/remnant_damage.py): a blob of the source's background on the hair, a blob on the crown, a
strip between the frame edge and the hair, or a piece of the other photo's person at the edge.

    .venv/bin/python benchmarks/background_clean.py [per_kind] [folder to keep the images in]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import count_arg, print_command


def sources(folder: Path) -> dict[str, Path]:
    import cv2
    import matplotlib
    from PIL import Image
    from skimage import data

    astronaut = folder / "astronaut-2x.png"
    Image.fromarray(cv2.resize(data.astronaut(), (1024, 1024), interpolation=cv2.INTER_CUBIC)).save(astronaut)
    return {"grace_hopper": Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg",
            "astronaut": astronaut}


def main() -> int:
    import numpy as np
    from PIL import Image

    from photocheck.api import check_photo, fix_photo
    from tests import remnant_damage

    print_command()
    per_kind = count_arg(10)
    keep = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        srcs = sources(work)
        clean: dict[str, np.ndarray] = {}
        clean_pass = 0
        for name, path in srcs.items():
            out = work / f"{name}.jpg"
            report = fix_photo(path, out, profile=remnant_damage.profile_for_outputs(), overwrite=True)
            ok = report.ok and next(c for c in report.checks if c.id == "background.clean").status != "fail"
            clean_pass += ok
            print(f"clean {name:14s} {'passes' if ok else 'FAILS ' + str([c.id for c in report.failures])}")
            with Image.open(out if out.exists() else path) as im:
                clean[name] = np.asarray(im.convert("RGB")).copy()
        originals = {n: np.asarray(Image.open(p).convert("RGB")) for n, p in srcs.items()}
        failed = total = 0
        misses: list[str] = []
        by_kind: dict[str, list[int]] = {}
        for name, rgb in clean.items():
            other = originals["astronaut" if name == "grace_hopper" else "grace_hopper"]
            for case in remnant_damage.cases(rgb, originals[name], other, per_kind):
                path = work / f"{name}-{case.name}.jpg"
                remnant_damage.encode(case.rgb, path)
                result = next(c for c in check_photo(path, remnant_damage.profile_for_outputs()).checks
                              if c.id == "background.clean")
                hit = result.status == "fail"
                failed += hit
                total += 1
                kind = case.name.split("-")[0]
                by_kind.setdefault(kind, [0, 0])
                by_kind[kind][0] += hit
                by_kind[kind][1] += 1
                if not hit:
                    misses.append(path.name)
        print(f"clean outputs pass: {clean_pass}/{len(clean)} = {clean_pass / len(clean):.1%}")
        print(f"damaged outputs fail: {failed}/{total} = {failed / total:.1%}")
        for kind, (hits, n) in by_kind.items():
            print(f"  {kind:7s} {hits}/{n}")
        if misses:
            print("missed: " + ", ".join(misses))
    return 0 if failed == total and clean_pass == len(clean) else 1


if __name__ == "__main__":
    sys.exit(main())
