"""Regenerate the generated sample in resources/samples/ (development only: it draws with the
test suite's document generator and its CJK font). Everything on it is fictitious."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from PIL import Image

    from tests import docgen

    shot = docgen.phone_photo("diploma", seed=7, size=1400)
    out = ROOT / "resources" / "samples" / "sample_diploma.jpg"
    Image.fromarray(shot.image).save(out, quality=88)
    print(f"wrote {out} ({out.stat().st_size:,} bytes); {shot.number}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
