"""Serial mode (batch workers): jobs run on the caller's thread, only when their result is needed."""

from __future__ import annotations

import threading

import pytest

from photocheck import concurrency


def test_helper_threads_by_default_and_deferred_jobs_when_serial(monkeypatch):
    ran_on = []
    job = concurrency.helper("test").submit(lambda: ran_on.append(threading.current_thread().name) or 1)
    assert job.result(timeout=10) == 1 and ran_on[0].startswith("photocheck-test")

    monkeypatch.setattr(concurrency, "_serial", False)
    concurrency.run_serially()
    calls = []
    deferred = concurrency.helper("test").submit(lambda x: calls.append(x) or x * 2, 21)
    assert calls == []  # nothing runs until the result is needed
    assert deferred.result() == 42 and deferred.result() == 42 and calls == [21]

    skipped = concurrency.helper("test").submit(calls.append, "never")
    assert skipped.cancel() and "never" not in calls

    failing = concurrency.helper("test").submit(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing.result()


def test_fix_gives_the_same_photo_serially(monkeypatch, tmp_path, grace_hopper_path):
    from photocheck.api import fix_photo

    threaded = fix_photo(grace_hopper_path, tmp_path / "threaded.jpg")
    monkeypatch.setattr(concurrency, "_serial", False)
    concurrency.run_serially()
    serial = fix_photo(grace_hopper_path, tmp_path / "serial.jpg")
    assert threaded.ok and serial.ok
    assert (tmp_path / "threaded.jpg").read_bytes() == (tmp_path / "serial.jpg").read_bytes()
