"""Batch: fix every photo in a folder with a pool of worker processes, one summary.csv row each.

Help desks run this for walk-ins, from the command line or the window. Each worker process does
its photo on one thread (OpenCV and the pipeline alike): the parallelism comes from the processes,
and threads inside them would only fight over the same cores.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from photocheck.concurrency import Cancelled, CancelToken, Progress
from photocheck.rules.profile import Profile

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".bmp", ".tif", ".tiff", ".jfif"}
CSV_FIELDS = ("文件", "结果", "输出", "字节", "质量", "不合格项", "说明")
SUMMARY = "summary.csv"
# How often the loop that waits for finished photos looks at the cancel token.
CANCEL_POLL_S = 0.1


@dataclass(frozen=True)
class Row:
    file: str
    status: str  # 通过 / 未通过 / 无法读取
    output: str
    bytes: int | None
    quality: int | None
    failed: str  # the failed checks' names in Chinese, as summary.csv has them
    message: str
    checks: tuple[str, ...] = ()  # the failed checks' ids (not in summary.csv): names in other languages


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
    cancelled: bool = False  # the CancelToken stopped it early
    rows: tuple[Row, ...] = ()  # summary.csv's rows, in input order

    @property
    def folder(self) -> Path:
        """The output folder: each row's `output` is a name in it."""
        return self.csv_path.parent


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
        return Row(name, "无法读取", "", None, None, check_name("file.readable"), exc.message, ("file.readable",))
    failures = report.failures
    if report.passed and report.output is not None:
        o = report.output
        return Row(name, "通过", o.path.name, o.bytes, o.quality, "", "；".join(report.notes))
    _drop_stale(Path(out), overwrite)
    return Row(
        name, "未通过", "", None, None, "、".join(check_name(c.id) for c in failures),
        "；".join(f"{c.message}（{c.hint}）" if c.hint else c.message for c in failures),
        tuple(c.id for c in failures),
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


def occupied(output_dir: Path) -> bool:
    """The folder holds files a run would mix with its own (hidden ones, staged files among them,
    do not count): run_batch then needs `overwrite` or `resume`."""
    from photocheck.errors import UserError

    try:
        return output_dir.is_dir() and any(not p.name.startswith(".") for p in output_dir.iterdir())
    except OSError as exc:
        raise UserError(output_dir, f"无法读取输出文件夹：{exc.strerror or exc}",
                        f"cannot read the output folder: {exc.strerror or exc}") from exc


def _inputs(input_dir: Path) -> list[Path]:
    from photocheck.errors import UserError

    if not input_dir.is_dir():
        raise UserError(input_dir, "输入文件夹不存在", "input folder not found")
    try:
        inputs = collect(input_dir)
    except OSError as exc:
        raise UserError(input_dir, f"无法读取输入文件夹：{exc.strerror or exc}",
                        f"cannot read the input folder: {exc.strerror or exc}") from exc
    if not inputs:
        raise UserError(input_dir, "文件夹里没有图片文件", "no image files in the folder")
    return inputs


def _fixing_profile(profile: Profile | str | None, input_dir: Path) -> Profile:
    from photocheck.errors import UserError
    from photocheck.rules.profile import resolve_profile

    prof = resolve_profile(profile)  # a bad profile fails here, once, not in every worker
    if not prof.can_fix:
        raise UserError(input_dir, prof.fix_refusal, prof.fix_refusal_en)
    return prof


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
    input_dir: Path, output_dir: Path, *, workers: int | None = None, profile: Profile | str | None = None,
    overwrite: bool = False, resume: bool = False, progress: Progress | None = None,
    cancel: CancelToken | None = None, on_row: Callable[[Row], None] | None = None,
) -> BatchSummary:
    """Fix every photo of `input_dir` into `output_dir` and write summary.csv.

    An output folder that already holds files is refused unless `overwrite` (process every photo
    again) or `resume` (skip the photos whose output is newer than the input and which
    summary.csv lists as 通过). `progress(done, total, file)` is called once before the first
    photo (0, with "") and after each one finishes (after `on_row(row)` with its row), `total`
    being the photos to do (the skipped ones not counted). Ctrl-C or SIGTERM, or cancelling
    `cancel` (or a Cancelled raised by `progress`), stops it: no new photo starts, the ones in
    work are abandoned (their staged files removed), summary.csv lists what finished, and the
    summary says what stopped it."""
    from photocheck.errors import UserError
    from photocheck.io.interrupt import Terminated, deferred
    from photocheck.io.write import sweep, write_atomic

    if output_dir.resolve() == input_dir.resolve():
        raise UserError(output_dir, "输出文件夹不能与输入文件夹相同", "output folder must differ from input")
    if overwrite and resume:
        raise UserError(None, "--overwrite 与 --resume 只能选一个", "choose --overwrite or --resume, not both")
    prof = _fixing_profile(profile, input_dir)
    inputs = _inputs(input_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise UserError(output_dir, "这不是文件夹，请给出输出文件夹", "not a folder: give an output folder")
    if output_dir.is_dir():
        sweep(output_dir)  # staged files of a run that was killed
        if not (overwrite or resume) and occupied(output_dir):
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
    csv_path = output_dir / SUMMARY

    rows: dict[int, Row] = {}
    if resume:
        rows = _current(inputs, names, output_dir, _read_summary(csv_path))
    jobs = [(i, p, n) for i, (p, n) in enumerate(zip(inputs, names, strict=True)) if i not in rows]
    skipped = len(rows)
    stopped = None
    cancelled = False
    if jobs:
        try:
            _run(jobs, rows, output_dir, workers, str(prof.path) if prof.path else None, overwrite or resume,
                 progress, cancel or CancelToken(), on_row)
        except KeyboardInterrupt as exc:
            stopped = exc.signum if isinstance(exc, Terminated) else int(signal.SIGINT)
        except Cancelled:
            cancelled = True
        with deferred():  # a second Ctrl-C must not cost the summary of what finished
            sweep(output_dir)
            ordered = [rows[i] for i in sorted(rows)]
            write_atomic(csv_path, _csv(ordered))
    else:
        ordered = [rows[i] for i in sorted(rows)]
        write_atomic(csv_path, _csv(ordered))
    count = {s: sum(r.status == s for r in ordered) for s in ("通过", "未通过", "无法读取")}
    return BatchSummary(len(ordered), count["通过"], count["未通过"], count["无法读取"], csv_path,
                        inputs=len(inputs), skipped=skipped, stopped=stopped, cancelled=cancelled,
                        rows=tuple(ordered))


def rerun(input_dir: Path, output_dir: Path, file: str, *, profile: Profile | str | None = None) -> Row:
    """Fix one photo of an earlier run again (a retake saved over the old file, say) into the same
    output folder, on this process: only its own output is replaced (or removed, if it fails
    now), and its row of summary.csv is updated in place; the other rows and files stay."""
    from photocheck.errors import UserError
    from photocheck.io.write import write_atomic

    prof = _fixing_profile(profile, input_dir)
    inputs = _inputs(input_dir)
    names = output_names(inputs)  # the same names the run gave, `_2` suffixes and all
    index = next((i for i, p in enumerate(inputs) if p.name == file), None)
    if index is None:
        raise UserError(input_dir / file, "输入文件夹里已没有这张照片", "this photo is no longer in the input folder")
    if not output_dir.is_dir():
        raise UserError(output_dir, "输出文件夹不存在", "output folder not found")
    row = _fix(str(inputs[index]), str(output_dir / names[index]), str(prof.path) if prof.path else None, True)
    csv_path = output_dir / SUMMARY
    previous = {cell: _parsed(r) for cell, r in _read_summary(csv_path).items()}
    previous[_cell(row.file)] = row
    # In input order, then any rows of photos no longer in the folder, as they were.
    cells = [_cell(p.name) for p in inputs]
    ordered = [previous.pop(c) for c in cells if c in previous] + list(previous.values())
    write_atomic(csv_path, _csv(ordered))
    return row


def _run(jobs: list[tuple[int, Path, str]], rows: dict[int, Row], output_dir: Path, workers: int | None,
         profile: str | None, overwrite: bool, progress: Progress | None, cancel: CancelToken,
         on_row: Callable[[Row], None] | None) -> None:
    """Keep at most `workers` photos in work, so that stopping starts nothing new; fills `rows`.
    KeyboardInterrupt (Ctrl-C, or Terminated) or Cancelled ends the workers and propagates."""
    from concurrent.futures import FIRST_COMPLETED, wait

    from photocheck.io.interrupt import deferred

    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    # spawn, not fork: a forked child inherits OpenCV's and Pillow's thread pools mid-flight and
    # can deadlock; spawn is also what Windows and macOS do, so every platform behaves alike.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, mp_context=context)
    queue = iter(jobs)
    running: dict[Future[Row], int] = {}
    before: dict[int, tuple[Path, tuple[int, int, int] | None]] = {}  # each output as it was at submission
    finished = 0

    def submit_next() -> None:
        job = next(queue, None)
        if job is not None:
            i, p, n = job
            before[i] = output_dir / n, _identity(output_dir / n)
            running[pool.submit(_fix_one, str(p), str(output_dir / n), profile, overwrite)] = i

    try:
        if progress is not None:
            progress(0, len(jobs), "")
        cancel.check()
        for _ in range(workers):
            submit_next()
        while running:
            done, _ = wait(running, timeout=CANCEL_POLL_S, return_when=FIRST_COMPLETED)
            for fut in done:
                i = running.pop(fut)
                rows[i] = fut.result()
                finished += 1
                if on_row is not None:
                    on_row(rows[i])
                if progress is not None:
                    progress(finished, len(jobs), rows[i].file)
                cancel.check()
                submit_next()
            cancel.check()
    except BaseException:
        with deferred():  # Ctrl-C again while stopping: it is stopping already
            _stop_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)  # every future settled: a result on its way lands
            for fut, i in running.items():
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    rows[i] = fut.result()  # finished while we stopped: it counts
                    continue
                # Stopped between renaming its output into place and handing back its row: no row
                # will say so, so the output goes too (summary.csv and the folder must agree).
                out, was = before[i]
                if _identity(out) != was:
                    out.unlink(missing_ok=True)
        raise
    finally:
        with deferred():
            pool.shutdown(wait=True, cancel_futures=True)


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


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
        rows[i] = replace(_parsed(r), file=p.name, output=n)
    return rows


def _parsed(r: dict[str, str]) -> Row:
    """A row of summary.csv as it was written (its cells escaped)."""
    return Row(r["文件"], r["结果"], r["输出"], int(r["字节"]) if r["字节"].isdigit() else None,
               int(r["质量"]) if r["质量"].isdigit() else None, r["不合格项"], r["说明"])


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

