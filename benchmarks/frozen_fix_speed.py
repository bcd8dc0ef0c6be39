"""`photocheck photo fix` of a 12 MP phone photo: the frozen command against the same command from
source, each a whole new process (start-up, imports, decode, fix, write), interleaved.

    make installer && .venv/bin/python benchmarks/frozen_fix_speed.py [runs]

Target (issue 13): frozen median within 1.2x of the source median. Exits 0 without measuring
when there is no build.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, count_arg, frozen_build, portrait_12mp, print_command

TARGET = 1.2


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    print_command()
    runs = count_arg(7)
    cli = frozen_build("photocheck")
    if cli is None:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        src = portrait_12mp(Path(tmp) / "手机 照片.jpg")
        out = str(Path(tmp) / "报名照片.jpg")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        args = ["photo", "fix", str(src), "-o", out, "--overwrite"]
        commands = {"frozen": [str(cli), *args], "source": [sys.executable, "-m", "photocheck", *args]}
        for cmd in commands.values():  # warm the page cache for both
            timed(cmd, env)
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(runs):
            for name, cmd in commands.items():
                times[name].append(timed(cmd, env))
    med = {k: statistics.median(v) for k, v in times.items()}
    print("input: 4000x3000 JPEG (benchmarks/_common.portrait_12mp)")
    for name, cmd in commands.items():
        shown = " ".join(c if " " not in c else repr(c) for c in cmd[:2])
        print(f"{name:6s} ({shown} ...): median {med[name]:.2f} s  "
              f"[{', '.join(f'{t:.2f}' for t in times[name])}]")
    ratio = med["frozen"] / med["source"]
    print(f"ratio frozen/source {ratio:.2f} (target <= {TARGET}) {'OK' if ratio <= TARGET else 'MISSED'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
