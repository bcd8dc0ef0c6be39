"""`photocheck --self-test`: the bundled samples through the whole pipeline, offline, in a
temporary folder, each output verified from disk. What an installer's first run or a help desk
checks before the first candidate arrives."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from photocheck import api

Say = Callable[[str, str], None]


def _photo(folder: Path, say: Say) -> list[str]:
    prof = api.load_profile()
    report = api.fix_photo(api.sample_path("grace_hopper.jpg"), folder / "报名照片.jpg",
                           original=folder / "高分辨率原图.jpg", profile=prof)
    if not report.passed or report.output is None:
        return [f"报名照片未通过：{'；'.join(c.message for c in report.failures)}"]
    o = report.output
    if o.path.stat().st_size > prof.output.max_bytes or api.check_photo(o.path, prof).failures:
        return ["报名照片写出后重新检查未通过"]
    say(f"报名照片：{o.width}×{o.height}，{o.bytes:,} 字节，质量 {o.quality}，重新检查通过",
        f"photo: {o.width}x{o.height}, {o.bytes:,} bytes, quality {o.quality}, re-check passed")
    return []


def _material(folder: Path, say: Say) -> list[str]:
    report = api.fix_material(api.sample_path("sample_diploma.jpg"), folder / "毕业证书", category="diploma")
    if not report.ok or report.output is None:
        return [f"材料未通过：{'；'.join(c.message for c in report.failures)}"]
    o = report.output
    say(f"材料（毕业证书）：{o.width}×{o.height}，{o.bytes:,} 字节，文字一致率 {report.legibility:.3f}",
        f"material (diploma): {o.width}x{o.height}, {o.bytes:,} bytes, text agreement {report.legibility:.3f}")
    return []


def run(say: Say) -> list[str]:
    """The problems found (Chinese); an empty list means every step passed."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="photocheck-selftest-") as tmp:
        for name, step in (("photo", _photo), ("material", _material)):
            started = time.perf_counter()
            try:
                problems += step(Path(tmp), say)
            except api.UserError as exc:
                problems.append(exc.text())
            except Exception as exc:  # the point of a self-test: report a broken install, do not crash
                problems.append(f"{name}：内部错误（{type(exc).__name__}: {exc}）")
            say(f"  用时 {time.perf_counter() - started:.1f} 秒", f"  {time.perf_counter() - started:.1f} s")
    return problems
