"""Every photo in ../shared/testdata/photos and photos-busy: fixable ones must give a passing output, unfixable
ones must fail with the expected check id (per that folder's README)."""

from __future__ import annotations

import sys
import tempfile
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import SHARED_PHOTOS, print_command

# The same table the shared-photo tests read: None = fix and pass, else the check that refuses it.
_TABLE = tomllib.loads((Path(__file__).resolve().parents[1] / "tests" / "shared_expectations.toml").read_text("utf-8"))
EXPECTED = {(folder, name): e.get("fails")
            for folder, rows in _TABLE.items() for name, e in rows.items()}


def main() -> int:
    from photocheck.api import fix_photo

    print_command()
    if not SHARED_PHOTOS.is_dir():
        print(f"{SHARED_PHOTOS} not found: nothing to measure")
        return 0
    right = 0
    with tempfile.TemporaryDirectory() as tmp:
        for (folder, name), expected in EXPECTED.items():
            out = Path(tmp) / (name + ".out.jpg")
            report = fix_photo(SHARED_PHOTOS.parent / folder / name, out)
            failed = [c.id for c in report.failures]
            if expected is None:
                good = report.ok and report.output is not None and out.is_file()
                got = f"passes, {report.output.bytes:,} B q{report.output.quality}" \
                    if good and report.output is not None else f"FAILED {failed}"
            else:
                good = expected in failed and not out.exists()
                got = f"fails {failed}"
            right += good
            want = "fix and pass" if expected is None else f"fail with {expected}"
            print(f"{'ok ' if good else 'BAD'} {name:28s} want {want:28s} got {got}")
    print(f"{right}/{len(EXPECTED)} as expected")
    return 0 if right == len(EXPECTED) else 1


if __name__ == "__main__":
    sys.exit(main())
