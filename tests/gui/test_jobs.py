"""ui.workers: results reach the GUI thread, jobs own no Qt object (so Python's garbage collector may
run on any thread), and closing never waits long for a job."""

from __future__ import annotations

import gc
import threading
import time
import tracemalloc

import pytest
from PySide6.QtCore import QObject

from photocheck.api import Cancelled
from photocheck.concurrency import release_memory
from tests.gui.helpers import JOB_TIMEOUT_MS
from tests.gui.test_materials_step import jpeg
from ui import main_window
from ui.steps import export_step, photo_step
from ui.workers import Runner, finish_abandoned


@pytest.fixture
def runner(qapp):
    owner = QObject()
    r = Runner(owner)
    yield r
    r.shut_down(0)
    owner.deleteLater()


def run(qtbot, runner: Runner, work) -> tuple[str, object, int, bool]:
    """Start `work` and wait for its handler: (which handler, its argument, its thread, busy inside it)."""
    got: list[tuple[str, object, int, bool]] = []

    def on(kind):
        return lambda value: got.append((kind, value, threading.get_ident(), runner.busy))

    runner.start(work, on("ok"), on("failed"))
    assert runner.busy
    qtbot.waitUntil(lambda: bool(got), timeout=JOB_TIMEOUT_MS)
    return got[0]


def test_result_and_failure_reach_the_gui_thread(qtbot, runner):
    job_thread: list[int] = []

    def work(_say):
        job_thread.append(threading.get_ident())
        return 42

    kind, value, thread, busy = run(qtbot, runner, work)
    assert (kind, value, busy) == ("ok", 42, False)
    assert thread == threading.get_ident() != job_thread[0]

    def broken(_say):
        raise ValueError("no")

    kind, value, thread, busy = run(qtbot, runner, broken)
    assert kind == "failed" and isinstance(value, ValueError) and thread == threading.get_ident() and not busy


def test_progress_is_relayed_and_one_job_runs_at_a_time(qtbot, runner):
    said: list[str] = []
    runner.progress.connect(said.append)
    go = threading.Event()

    def work(say):
        say("一")
        go.wait(10)
        say("二")
        return "done"

    runner.start(work, lambda _r: None, lambda _e: None)
    with pytest.raises(RuntimeError):
        runner.start(work, lambda _r: None, lambda _e: None)
    go.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=JOB_TIMEOUT_MS)
    assert said == ["一", "二"]


def test_shut_down_stops_a_job_at_its_next_say_and_drops_its_result(qtbot, runner):
    go, stopped = threading.Event(), threading.Event()
    handled: list[object] = []

    def work(say):
        go.wait(10)
        try:
            say("next file")
        except Cancelled:
            stopped.set()
            raise
        return "late"

    runner.start(work, handled.append, handled.append)
    started = time.monotonic()
    assert runner.shut_down(0.2) is False  # still waiting for `go`: abandoned, not waited for
    assert time.monotonic() - started < 1 and not runner.busy
    go.set()
    assert stopped.wait(10)
    finish_abandoned(10)
    qtbot.wait(50)
    assert handled == []
    with pytest.raises(RuntimeError):  # a shut-down runner takes no new job
        runner.start(work, handled.append, handled.append)


def test_a_runner_deleted_mid_job_is_never_touched_again(qtbot, qapp):
    owner = QObject()
    runner = Runner(owner)
    go, finished = threading.Event(), threading.Event()
    handled: list[object] = []

    def work(say):
        go.wait(10)
        say("after the runner is gone")  # would emit on a deleted object
        finished.set()
        return "late"

    runner.start(work, handled.append, handled.append)
    with qtbot.waitSignal(owner.destroyed, timeout=JOB_TIMEOUT_MS):
        owner.deleteLater()  # no shut_down: the Runner goes with its owner
    go.set()
    assert finished.wait(10)
    qtbot.wait(50)
    assert handled == []


def test_finish_abandoned_waits_at_most_its_timeout(runner):
    go = threading.Event()
    runner.start(lambda _say: go.wait(10), lambda _r: None, lambda _e: None)
    runner.shut_down(0)
    started = time.monotonic()
    finish_abandoned(0.2)
    assert 0.15 < time.monotonic() - started < 1.5
    go.set()


def test_closing_during_a_check_does_not_wait_for_it(window, qtbot, fake, grace_hopper_path, monkeypatch):
    monkeypatch.setattr(main_window, "CLOSE_GRACE_S", 0.3)
    fake.hold()
    window.open_photo(grace_hopper_path)
    assert fake.waiting.wait(10) and window.busy
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 2 and not window.isVisible()
    fake.release()
    finish_abandoned(10)
    qtbot.wait(50)
    assert window.photo.report is None and window.photo.check_list.rows() == []  # the late result is dropped


def test_closing_right_after_a_check_waits_for_it(window, qtbot, fake, grace_hopper_path):
    window.open_photo(grace_hopper_path)
    assert window.photo.shut_down(main_window.CLOSE_GRACE_S) is True  # the stand-in answers at once


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def _footprint() -> tuple[int, int, int]:
    gc.collect()
    # Freed pages glibc keeps in its per-thread arenas are no leak, but on a loaded machine the job
    # threads spread over more arenas and RSS grew 49 MB with nothing live behind it: trimmed first,
    # RSS counts what native code still holds (a leaked QImage, a preview buffer).
    release_memory()
    return len(gc.get_objects()), tracemalloc.get_traced_memory()[0], _rss_bytes()


# 20 jobs (make check) already crash with a job-owned QObject; 200 (make test) also show a leak.
@pytest.mark.parametrize("jobs", [20, pytest.param(200, marks=pytest.mark.slow)])
def test_many_jobs_with_the_collector_on_every_allocation(window, qtbot, fake, grace_hopper_path, tmp_path,
                                                          monkeypatch, jobs):
    """The collector runs on whichever thread allocates, here constantly on the job threads too: with
    jobs that owned a QObject this crashed the process. Memory must not grow with the number of jobs."""
    window.materials_step.add_paths([jpeg(tmp_path / "毕业证.jpg", 1)])
    qtbot.waitUntil(lambda: not window.materials_step.busy, timeout=JOB_TIMEOUT_MS)
    out = tmp_path / "导出"
    out.mkdir()
    window.export_step.set_folder(out)
    window.project.set_name("材料")
    monkeypatch.setattr(photo_step, "ask_save_path", lambda *_a: tmp_path / "报名照片.jpg")
    monkeypatch.setattr(export_step, "confirm_replace", lambda *_a: True)  # each export replaces the last
    window.photo.keep_original.setChecked(False)
    assert gc.isenabled()
    thresholds = gc.get_threshold()
    tracemalloc.start()
    gc.set_threshold(1)
    try:
        footprints = {}
        first, middle = jobs // 4, (jobs // 4 + jobs) // 2
        for i in range(1, jobs + 1):
            fake.calls.clear()  # the stand-in's call logs would grow with the jobs
            fake.fixes.clear()
            fake.renders.clear()
            if i % 10 == 0:  # an export
                with qtbot.waitSignal(window.export_step.exported, timeout=JOB_TIMEOUT_MS):
                    window.export_step.start()
                assert window.export_step.export is not None
            elif i % 4 == 0:
                with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
                    window.photo.save()
                assert "已保存报名照片" in window.photo.saved_label.text() and window.photo.result.has_image()
            else:
                with qtbot.waitSignal(window.idle, timeout=JOB_TIMEOUT_MS):
                    window.open_photo(grace_hopper_path)
                assert len(window.photo.check_list.rows()) == 17 and window.photo.original.has_image()
            if i in (first, middle, jobs):
                footprints[i] = _footprint()
    finally:
        gc.set_threshold(*thresholds)
        tracemalloc.stop()
    (objects_first, traced_first, rss_first), (objects_last, traced_last, rss_last) = (footprints[first],
                                                                                         footprints[jobs])
    # 150 more jobs in the long run; a leak of one preview (~0.9 MB) or of one object per job would show.
    assert objects_last - objects_first < 100, (objects_first, objects_last)
    assert traced_last - traced_first < 1_000_000, (traced_first, traced_last)
    # A native leak grows RSS in both halves of the run alike (a preview per job: ~70 MB a half). Alone
    # the halves grow 0-10 MB; in the full suite RSS once stepped up 45 MB within one half, and once grew
    # 21 and 35 MB, with no object or traced allocation behind it (other tests' background work in this
    # worker): the flatter half tells, against less than half a leaking run's growth.
    rss_middle = footprints[middle][2]
    assert min(rss_middle - rss_first, rss_last - rss_middle) < 30_000_000, (rss_first, rss_middle, rss_last)
    assert sorted(p.name for p in out.iterdir()) == ["材料"]
