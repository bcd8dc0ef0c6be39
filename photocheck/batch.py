"""Batch: fix every photo in a folder with a pool of worker processes, one summary.csv row each.

Help desks run this for walk-ins. Each worker process does its photo on one thread (OpenCV and
the pipeline alike): the parallelism comes from the processes, and threads inside them would only
fight over the same cores.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from tqdm import tqdm

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".bmp", ".tif", ".tiff", ".jfif"}
CSV_FIELDS = ("文件", "结果", "输出", "字节", "质量", "不合格项", "说明")


@dataclass(frozen=True)
class Row:
    file: str
    status: str  # 通过 / 未通过 / 无法读取
    output: str
    bytes: int | None
    quality: int | None
    failed: str
    message: str


@dataclass(frozen=True)
class BatchSummary:
    total: int
    passed: int
    failed: int
    unreadable: int
    csv_path: Path


def _init_worker() -> None:
    import cv2

    from photocheck.concurrency import run_serially

    cv2.setNumThreads(1)
    run_serially()


def _fix_one(path: str, out: str, profile: str | None) -> Row:
    from photocheck.errors import UserError
    from photocheck.labels import check_name
    from photocheck.photo.pipeline import fix
    from photocheck.rules.profile import load_profile

    name = Path(path).name
    try:
        report = fix(Path(path), Path(out), load_profile(profile), overwrite=True)
    except UserError as exc:
        return Row(name, "无法读取", "", None, None, check_name("file.readable"), exc.message)
    failures = report.failures
    if report.passed and report.output is not None:
        o = report.output
        return Row(name, "通过", o.path.name, o.bytes, o.quality, "", "；".join(report.notes))
    return Row(
        name, "未通过", "", None, None, "、".join(check_name(c.id) for c in failures),
        "；".join(f"{c.message}（{c.hint}）" if c.hint else c.message for c in failures),
    )


def collect(input_dir: Path) -> list[Path]:
    """Image-like files directly in the folder, by name; hidden files are skipped."""
    return sorted(
        p for p in input_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in IMAGE_SUFFIXES
    )


def output_names(inputs: list[Path]) -> list[str]:
    """`<stem>.jpg` per input; inputs sharing a stem (a.jpg, a.png) get `_2`, `_3` suffixes."""
    seen: dict[str, int] = {}
    names = []
    for p in inputs:
        key = p.stem.lower()
        seen[key] = seen.get(key, 0) + 1
        names.append(f"{p.stem}.jpg" if seen[key] == 1 else f"{p.stem}_{seen[key]}.jpg")
    return names


def run_batch(
    input_dir: Path, output_dir: Path, *, workers: int | None = None, profile: str | None = None,
    progress: bool = True,
) -> BatchSummary:
    from photocheck.errors import UserError
    from photocheck.io.write import write_atomic
    from photocheck.rules.profile import load_profile

    if not input_dir.is_dir():
        raise UserError(input_dir, "输入文件夹不存在", "input folder not found")
    if output_dir.resolve() == input_dir.resolve():
        raise UserError(output_dir, "输出文件夹不能与输入文件夹相同", "output folder must differ from input")
    prof = load_profile(profile)  # a bad profile fails here, once, not in every worker
    if not prof.can_fix:
        raise UserError(input_dir, prof.fix_refusal, prof.fix_refusal_en)
    inputs = collect(input_dir)
    if not inputs:
        raise UserError(input_dir, "文件夹里没有图片文件", "no image files in the folder")
    output_dir.mkdir(parents=True, exist_ok=True)
    names = output_names(inputs)
    workers = max(1, min(workers or os.cpu_count() or 1, len(inputs)))

    rows: dict[int, Row] = {}
    bar = _progress(len(inputs)) if progress else None
    # spawn, not fork: a forked child inherits OpenCV's and Pillow's thread pools mid-flight and
    # can deadlock; spawn is also what Windows and macOS do, so every platform behaves alike.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, mp_context=context) as pool:
        futures = {
            pool.submit(_fix_one, str(p), str(output_dir / n), str(prof.path) if prof.path else None): i
            for i, (p, n) in enumerate(zip(inputs, names, strict=True))
        }
        for fut in as_completed(futures):
            rows[futures[fut]] = fut.result()
            if bar:
                bar.update(1)
    if bar:
        bar.close()

    ordered = [rows[i] for i in range(len(inputs))]
    csv_path = output_dir / "summary.csv"
    write_atomic(csv_path, _csv(ordered))
    count = {s: sum(r.status == s for r in ordered) for s in ("通过", "未通过", "无法读取")}
    return BatchSummary(len(ordered), count["通过"], count["未通过"], count["无法读取"], csv_path)


def _csv(rows: list[Row]) -> bytes:
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_FIELDS)
    for r in rows:
        w.writerow([r.file, r.status, r.output, r.bytes or "", r.quality or "", r.failed, r.message])
    # UTF-8 with BOM: Excel on a Chinese Windows opens it without garbling the text.
    return buf.getvalue().encode("utf-8-sig")


def _progress(total: int) -> tqdm[NoReturn]:
    from tqdm import tqdm

    return tqdm(total=total, unit="张", file=sys.stderr, desc="处理中", dynamic_ncols=True)
