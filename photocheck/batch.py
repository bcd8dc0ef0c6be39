"""Batch: fix every photo in a folder with a pool of worker processes, one summary.csv row each.

Help desks run this for walk-ins. Each worker process does its photo on one thread (OpenCV and
the pipeline alike): the parallelism comes from the processes, and threads inside them would only
fight over the same cores.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import signal
import sys
from concurrent.futures import Future, ProcessPoolExecutor
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
    total: int  # rows in summary.csv: the photos that finished (all of them unless stopped)
    passed: int
    failed: int
    unreadable: int
    csv_path: Path
    inputs: int = 0  # photos in the input folder
    skipped: int = 0  # --resume: photos whose output was already current
    stopped: int | None = None  # the signal that stopped the run early (SIGINT, SIGTERM)


# --- the worker processes ------------------------------------------------------------------------

_in_job = False


def _init_worker() -> None:
    import signal
    import threading

    import cv2

    from photocheck.concurrency import run_serially

    cv2.setNumThreads(1)
    run_serially()
    # Ctrl-C in a terminal reaches the whole process group: the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    threading.Thread(target=_die_with_parent, name="photocheck-parent-watch", daemon=True).start()


def _worker_stop(signum: int, _frame: object) -> None:
    """SIGTERM from the parent: a job unwinds (its staged file is removed), an idle worker ends."""
    from photocheck.io.interrupt import Terminated

    if _in_job:
        raise Terminated(signum)
    os._exit(128 + signum)


def _die_with_parent() -> None:
    """Wait on the parent's sentinel (a pipe on POSIX, a process handle on Windows: it works
    everywhere, unlike prctl(PR_SET_PDEATHSIG)), then stop as on SIGTERM: a parent killed with
    SIGKILL leaves no worker behind, nor, once they are gone, the resource tracker."""
    import _thread
    import signal
    import time

    parent = multiprocessing.parent_process()
    if parent is None:
        return
    parent.join()
    _thread.interrupt_main(signal.SIGTERM)
    time.sleep(10)  # stuck in native code past that: end without cleanup (the next run sweeps)
    os._exit(128 + signal.SIGTERM)


def _fix_one(path: str, out: str, profile: str | None, overwrite: bool) -> Row:
    global _in_job
    _in_job = True
    try:
        return _fix(path, out, profile, overwrite)
    except KeyboardInterrupt as exc:  # Terminated: the staged file is gone, end the process
        os._exit(128 + getattr(exc, "signum", 15))
    finally:
        _in_job = False


def _fix(path: str, out: str, profile: str | None, overwrite: bool) -> Row:
    from photocheck.errors import UserError
    from photocheck.labels import check_name
    from photocheck.photo.pipeline import fix
    from photocheck.rules.profile import load_profile

    name = Path(path).name
    try:
        report = fix(Path(path), Path(out), load_profile(profile), overwrite=overwrite)
    except UserError as exc:
        _drop_stale(Path(out), overwrite)
        return Row(name, "无法读取", "", None, None, check_name("file.readable"), exc.message)
    failures = report.failures
    if report.passed and report.output is not None:
        o = report.output
        return Row(name, "通过", o.path.name, o.bytes, o.quality, "", "；".join(report.notes))
    _drop_stale(Path(out), overwrite)
    return Row(
        name, "未通过", "", None, None, "、".join(check_name(c.id) for c in failures),
        "；".join(f"{c.message}（{c.hint}）" if c.hint else c.message for c in failures),
    )


def _drop_stale(out: Path, overwrite: bool) -> None:
    """A photo that did not pass this time leaves no older output under its name: a passing
    a.jpg of an earlier run (perhaps of another person) must not sit beside a row saying 未通过."""
    if overwrite:
        out.unlink(missing_ok=True)


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
    progress: bool = True, overwrite: bool = False, resume: bool = False,
) -> BatchSummary:
    """Fix every photo of `input_dir` into `output_dir` and write summary.csv.

    An output folder that already holds files is refused unless `overwrite` (process every photo
    again) or `resume` (skip the photos whose output is newer than the input and which
    summary.csv lists as 通过). Ctrl-C or SIGTERM stops it: no new photo starts, the ones in work
    are abandoned (their staged files removed), summary.csv lists what finished, and the summary
    says which signal stopped it."""
    from photocheck.errors import UserError
    from photocheck.io.interrupt import Terminated, deferred
    from photocheck.io.write import sweep, write_atomic
    from photocheck.rules.profile import load_profile

    if not input_dir.is_dir():
        raise UserError(input_dir, "输入文件夹不存在", "input folder not found")
    if output_dir.resolve() == input_dir.resolve():
        raise UserError(output_dir, "输出文件夹不能与输入文件夹相同", "output folder must differ from input")
    if overwrite and resume:
        raise UserError(None, "--overwrite 与 --resume 只能选一个", "choose --overwrite or --resume, not both")
    prof = load_profile(profile)  # a bad profile fails here, once, not in every worker
    if not prof.can_fix:
        raise UserError(input_dir, prof.fix_refusal, prof.fix_refusal_en)
    inputs = collect(input_dir)
    if not inputs:
        raise UserError(input_dir, "文件夹里没有图片文件", "no image files in the folder")
    if output_dir.exists() and not output_dir.is_dir():
        raise UserError(output_dir, "这不是文件夹，请给出输出文件夹", "not a folder: give an output folder")
    if output_dir.is_dir():
        sweep(output_dir)  # staged files of a run that was killed
        if not (overwrite or resume) and any(not p.name.startswith(".") for p in output_dir.iterdir()):
            raise UserError(output_dir, "输出文件夹里已有文件：要重新处理全部照片并替换结果请加 --overwrite，"
                            "要只处理尚未完成的照片请加 --resume",
                            "the output folder is not empty: add --overwrite to process every photo again, "
                            "or --resume to process only the unfinished ones")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(output_dir, f"无法创建输出文件夹：{exc.strerror or exc}",
                        f"cannot create the output folder: {exc.strerror or exc}") from exc
    names = output_names(inputs)
    csv_path = output_dir / "summary.csv"

    rows: dict[int, Row] = {}
    if resume:
        rows = _current(inputs, names, output_dir, _read_summary(csv_path))
    jobs = [(i, p, n) for i, (p, n) in enumerate(zip(inputs, names, strict=True)) if i not in rows]
    skipped = len(rows)
    stopped = None
    if jobs:
        try:
            _run(jobs, rows, output_dir, workers, str(prof.path) if prof.path else None, overwrite or resume, progress)
        except KeyboardInterrupt as exc:
            stopped = exc.signum if isinstance(exc, Terminated) else int(signal.SIGINT)
        with deferred():  # a second Ctrl-C must not cost the summary of what finished
            sweep(output_dir)
            ordered = [rows[i] for i in sorted(rows)]
            write_atomic(csv_path, _csv(ordered))
    else:
        ordered = [rows[i] for i in sorted(rows)]
        write_atomic(csv_path, _csv(ordered))
    count = {s: sum(r.status == s for r in ordered) for s in ("通过", "未通过", "无法读取")}
    return BatchSummary(len(ordered), count["通过"], count["未通过"], count["无法读取"], csv_path,
                        inputs=len(inputs), skipped=skipped, stopped=stopped)


def _run(jobs: list[tuple[int, Path, str]], rows: dict[int, Row], output_dir: Path, workers: int | None,
         profile: str | None, overwrite: bool, progress: bool) -> None:
    """Keep at most `workers` photos in work, so that stopping starts nothing new; fills `rows`.
    KeyboardInterrupt (Ctrl-C, or Terminated) ends the workers and propagates."""
    from concurrent.futures import FIRST_COMPLETED, wait

    from photocheck.io.interrupt import deferred

    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    bar = _progress(len(jobs)) if progress else None
    # spawn, not fork: a forked child inherits OpenCV's and Pillow's thread pools mid-flight and
    # can deadlock; spawn is also what Windows and macOS do, so every platform behaves alike.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, mp_context=context)
    queue = iter(jobs)
    running: dict[Future[Row], int] = {}

    def submit_next() -> None:
        job = next(queue, None)
        if job is not None:
            i, p, n = job
            running[pool.submit(_fix_one, str(p), str(output_dir / n), profile, overwrite)] = i

    try:
        for _ in range(workers):
            submit_next()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                rows[running.pop(fut)] = fut.result()
                if bar:
                    bar.update(1)
                submit_next()
    except BaseException:
        with deferred():  # Ctrl-C again while stopping: it is stopping already
            _stop_workers(pool)
            for fut, i in running.items():  # finished while we stopped: it counts
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    rows[i] = fut.result()
        raise
    finally:
        with deferred():
            pool.shutdown(wait=True, cancel_futures=True)
            if bar:
                bar.close()


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """SIGTERM each worker (its photo in work unwinds and removes its staged file), SIGKILL any
    that has not ended within a few seconds (stuck in native code; the sweep removes its file)."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public handle on them
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)


def _read_summary(path: Path) -> dict[str, dict[str, str]]:
    """The rows of an earlier summary.csv by their 文件 cell (as written, escaped); {} if none."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != CSV_FIELDS:
        return {}
    return {r["文件"]: r for r in reader}


def _current(inputs: list[Path], names: list[str], output_dir: Path,
             previous: dict[str, dict[str, str]]) -> dict[int, Row]:
    """--resume: the inputs whose output is current (listed as 通过 under the same output name,
    and the output is no older than the input), with their earlier rows."""
    rows = {}
    for i, (p, n) in enumerate(zip(inputs, names, strict=True)):
        r = previous.get(_cell(p.name))
        out = output_dir / n
        if r is None or r["结果"] != "通过" or r["输出"] != _cell(n) or not out.is_file():
            continue
        if out.stat().st_mtime < p.stat().st_mtime:
            continue
        rows[i] = Row(p.name, "通过", n, int(r["字节"]) if r["字节"].isdigit() else None,
                      int(r["质量"]) if r["质量"].isdigit() else None, r["不合格项"], r["说明"])
    return rows


def _csv(rows: list[Row]) -> bytes:
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_FIELDS)
    for r in rows:
        w.writerow([_cell(v) for v in (r.file, r.status, r.output, r.bytes or "", r.quality or "", r.failed,
                                       r.message)])
    # UTF-8 with BOM: Excel on a Chinese Windows opens it without garbling the text.
    return buf.getvalue().encode("utf-8-sig")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula (a file named
    =HYPERLINK(...).jpg) gets a leading single quote (OWASP's advice against CSV injection)."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _progress(total: int) -> tqdm[NoReturn]:
    from tqdm import tqdm

    return tqdm(total=total, unit="张", file=sys.stderr, desc="处理中", dynamic_ncols=True)
