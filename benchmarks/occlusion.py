"""face.occlusion: its measure on every real photo and on generated occlusions, and its time per photo.

Real photos (../shared/testdata/photos and photos-busy, none occluded) must pass; the phones,
microphones, hands of the candidate's own skin (over the mouth, or over the chin only) and locks of
their own hair over an eye (several shapes) of tests/occluders.py over each of them and over
astronaut and grace_hopper must fail, and a fringe of their own hair ending above the eyebrows must
pass. Each cell shows foreign_share, lip_redness, lip_contrast, eye_hair, eye_contrast and chin_cover,
then the status.
The time is the measure alone on the analysed photo (the check itself only compares numbers).

    PYTHONPATH=. .venv/bin/python benchmarks/occlusion.py [runs per photo]
"""

from __future__ import annotations

import collections
import functools
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import SHARED_PHOTOS, median_time, print_command

LOCK_SEEDS = (9, 0, 1, 2, 3)  # lock shapes of hair over an eye: the cue must not depend on one


def main() -> int:
    import matplotlib
    from PIL import Image
    from skimage import data

    from photocheck.io.decode import Picture, Source
    from photocheck.photo.analysis import analyse
    from photocheck.photo.checks import face_occlusion
    from photocheck.rules.profile import load_profile
    from photocheck.vision.occlusion import measure_occlusion, params_from
    from tests import occluders

    print_command()
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    profile = load_profile()
    params = params_from(profile.checks.occlusion)
    tmp = tempfile.TemporaryDirectory()
    astronaut = Path(tmp.name) / "astronaut.png"
    Image.fromarray(data.astronaut()).save(astronaut)
    sources = {"astronaut": astronaut,
               "grace_hopper": Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"}
    if SHARED_PHOTOS.is_dir():
        for p in sorted(SHARED_PHOTOS.glob("*.*")) + sorted((SHARED_PHOTOS.parent / "photos-busy").glob("*.jpg")):
            if p.suffix.lower() in (".jpg", ".png"):
                sources[p.name] = p
    wrong, total, times = 0, 0, []
    tally: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for name, src in sources.items():
        picture = Source.open(src, max_pixels=10**8).decode(profile.input.analysis_side)
        a = analyse(picture, profile)
        lm = a.landmarks
        if lm is None:
            print(f"    {name:28s} not one face: face.occlusion is not run")
            continue
        rgb, mask = a.picture.rgb, a.mask
        ms = 1000 * median_time(functools.partial(measure_occlusion, rgb, lm, mask, params), runs)
        times.append(ms)
        row = [f"{ms:5.1f} ms  {rgb.shape[1]}x{rgb.shape[0]}"]
        kinds = (("clean", None), ("phone", occluders.phone), ("microphone", occluders.microphone),
                 ("own hand", occluders.own_hand), ("chin hand", occluders.chin_hand),
                 *((f"lock s{seed}", functools.partial(occluders.hair_over_eye, seed=seed)) for seed in LOCK_SEEDS),
                 ("fringe", occluders.fringe))
        for kind, make in kinds:
            pixels = rgb if make is None else make(rgb, lm)
            again = analyse(Picture(rgb=pixels, info=a.picture.info, scale=a.picture.scale), profile)
            if again.landmarks is None:
                row.append(f"{kind} lost the face")
                wrong += 1
                total += 1
                continue
            status = face_occlusion(again, profile).status.value
            good = (status == "pass") if kind in ("clean", "fringe") else (status == "fail")
            wrong += not good
            total += 1
            tally[kind][0] += good
            tally[kind][1] += 1
            o = again.occlusion
            assert o is not None
            row.append(f"{kind} {o.foreign_share:.3f} {o.lip_redness:5.1f} {o.lip_contrast:4.1f} {o.eye_hair:.2f} "
                       f"{o.eye_contrast:.2f} {o.chin_cover:.2f} "
                       f"{status}{'' if good else ' (WRONG)'}")
        print(f"    {name:28s} " + " | ".join(row))
    print("  ".join(f"{kind} {good}/{n}" for kind, (good, n) in tally.items()))
    print(f"{total - wrong}/{total} as expected; measure median {np.median(times):.1f} ms, max {max(times):.1f} ms "
          f"per analysed photo")
    tmp.cleanup()
    return 0 if wrong == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
