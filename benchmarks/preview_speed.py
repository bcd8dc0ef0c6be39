"""The photo step's job-thread work on a 12 MP JPEG, models warm, without the window: what the
GUI timings (benchmarks/gui_timing.py) are made of, measured apart from the GUI thread so the
numbers hold under a loaded machine. CPU seconds (all threads of the process) beside wall time.

- open: api.preview_photo (read, analysis-size decode, analysis, input checks; the full decode
  starts on a helper thread) - the drop's checklist;
- first render: the planned crop, waiting for that full decode - the drop's result;
- frame render: a moved crop from the kept analysis - a frame move's result;
- stroke render: the same with a remove stroke (the stroke rasterised at full size as the window
  does);
- checks: the result's checks on its bytes in memory;
- turn: the photo analysed again in a given orientation from the kept decodes;
- fix_photo: the full fix with its disk write and re-check, what every edit cost before.

    .venv/bin/python benchmarks/preview_speed.py [runs]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import count_arg, portrait_12mp, print_command


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def one_run(src: Path, tmp: Path, i: int, note: Callable[[str, Callable[[], object]], object]) -> None:
    from photocheck import api

    preview = note("open", lambda: api.preview_photo(src))
    assert isinstance(preview, api.PhotoPreview)
    first = note("first render", preview.render)
    assert isinstance(first, api.PhotoPreviewResult)
    checked = note("checks", lambda: preview.check(first))
    assert isinstance(checked, api.PhotoPreviewResult)
    assert checked.ok, checked.report.failures
    f = preview.guides.frame
    assert f is not None
    moved = api.CropFrame(f.centre_x + 20 * (1 + i % 2), f.centre_y + 10, f.height, f.angle)
    note("frame render", lambda: preview.render(frame=moved))
    half = f.height * 390 / 567 / 2
    stroke = [[f.centre_x - 0.9 * half, f.centre_y - 0.4 * f.height, f.centre_x - 0.6 * half,
               f.centre_y - 0.3 * f.height, 30.0]]
    note("stroke render", lambda: preview.render(frame=moved, remove=api.stroke_mask(stroke, preview.guides.size)))
    note("turn", lambda: preview.turned(0))
    note("fix_photo", lambda: api.fix_photo(src, tmp / "out.jpg", overwrite=True))


def main() -> int:
    from photocheck import api

    print_command()
    runs = count_arg(7)
    parts = ("open", "first render", "frame render", "stroke render", "checks", "turn", "fix_photo")
    wall: dict[str, list[float]] = {p: [] for p in parts}
    cpu: dict[str, list[float]] = {p: [] for p in parts}

    def note(part: str, fn: Callable[[], object]) -> object:
        w, c, result = timed(fn)
        wall[part].append(w)
        cpu[part].append(c)
        return result

    with tempfile.TemporaryDirectory() as tmp:
        src = portrait_12mp(Path(tmp) / "phone.jpg")
        api.fix_photo(src, Path(tmp) / "warm.jpg")  # models loaded, allocator warm
        for i in range(runs):
            one_run(src, Path(tmp), i, note)
    print(f"input: 4000x3000 JPEG, runs: {runs}")
    for p in parts:
        print(f"  {p:14s} median {statistics.median(wall[p]) * 1000:6.0f} ms wall, "
              f"{statistics.median(cpu[p]) * 1000:6.0f} ms CPU   runs "
              + " ".join(f"{t * 1000:.0f}" for t in wall[p]))
    print(f"cores: {os.cpu_count()}, load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
