"""Start-up time, peak memory for one 12 MP photo, and batch scaling from 1 to 2 workers.

Targets (issue 2): `photocheck --version` under 0.3 s; peak RSS under 400 MB fixing one 12 MP
JPEG; `photo batch` with 2 workers at least 1.7x faster than with 1.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import portrait_12mp, print_command

BIN = Path(sys.executable).parent


def startup(runs: int = 10) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([BIN / "photocheck", "--version"], check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def peak_rss_mb(src: Path, out: Path, original: bool) -> float:
    """Peak resident memory of a fresh `photocheck photo fix` process.

    Read from VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forked parent (this
    benchmark, holding the 12 MP test image), which would count the parent's memory too.
    """
    extra = ["--original", str(out) + ".hi.jpg"] if original else []
    code = (
        "import sys\n"
        "from photocheck.cli import main\n"
        f"rc = main(['photo', 'fix', {str(src)!r}, '-o', {str(out)!r}, '--overwrite', *{extra!r}])\n"
        "hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM:')][0]\n"
        "print(int(hwm.split()[1]))\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(proc.stdout.strip().splitlines()[-1]) / 1024


def batch_seconds(folder: Path, out: Path, workers: int) -> float:
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run(
        [BIN / "photocheck", "photo", "batch", str(folder), "-o", str(out), "--workers", str(workers), "--quiet"],
        check=True, capture_output=True,
    )
    return time.perf_counter() - t0


def main() -> int:
    print_command()
    ok = True
    t = startup()
    ok &= t < 0.3
    print(f"photocheck --version   median {t * 1000:6.0f} ms   (target < 300 ms)")

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        src = portrait_12mp(tmp / "phone.jpg")
        for original in (False, True):
            rss = max(peak_rss_mb(src, tmp / "out.jpg", original) for _ in range(3))
            ok &= rss < 400
            what = "fix --original" if original else "fix           "
            print(f"peak RSS, {what} 12 MP  {rss:4.0f} MB (worst of 3; target < 400 MB)")

        folder = tmp / "walk-ins"
        folder.mkdir()
        n = int(os.environ.get("BATCH_PHOTOS", "32"))  # a morning of walk-ins
        for i in range(n):
            shutil.copy(src, folder / f"candidate-{i:02d}.jpg")
        one = batch_seconds(folder, tmp / "out1", 1)
        two = batch_seconds(folder, tmp / "out2", 2)
        speedup = one / two
        ok &= speedup >= 1.7
        print(f"batch of {n} x 12 MP    1 worker {one:5.1f} s, 2 workers {two:5.1f} s, "
              f"speed-up {speedup:.2f}x   (target >= 1.7x)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (2 cores)")
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
