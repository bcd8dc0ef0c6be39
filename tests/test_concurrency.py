"""How the pipeline overlaps work: helper threads, and serial mode (batch workers), where jobs run on the
caller's thread only when their result is needed; work started early or ahead gives the same results."""

from __future__ import annotations

import threading

import numpy as np
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


def test_cuts_found_ahead_give_the_alpha_of_cutting_in_turn():
    from concurrent.futures import Future

    from photocheck.photo.fix import _cut_away, _cut_in_turn
    from photocheck.vision.person import MatteParams

    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 255, (60, 80, 3), np.uint8)
    alpha = np.zeros((60, 80), np.float32)
    alpha[10:, 20:60] = 1.0
    mp = MatteParams()

    def leftmost(kept: np.ndarray) -> np.ndarray:  # depends on the alpha it is given
        gone = np.zeros(kept.shape, bool)
        cols = np.flatnonzero((kept > 0.5).any(axis=0))
        gone[:, cols[:3]] = True
        return gone

    def nothing(kept: np.ndarray) -> np.ndarray:
        return np.zeros(kept.shape, bool)

    def done(value: np.ndarray) -> Future[np.ndarray]:
        f: Future[np.ndarray] = Future()
        f.set_result(value)
        return f

    narrowed = alpha.copy()
    narrowed[:, 20:30] = 0.0
    for first in (alpha, narrowed):  # the first cut takes nothing (the same array), or a strip
        for cuts in ([nothing, leftmost, leftmost], [leftmost, leftmost, nothing], [leftmost, nothing, leftmost]):
            expected = first
            for find in cuts:
                expected = _cut_away(rgb, expected, find(expected), mp, None)
            got = _cut_in_turn(rgb, alpha, done(first), cuts, mp, None)
            assert np.array_equal(got, expected)
            assert not np.array_equal(got, alpha)


def test_a_written_upload_is_checked_alike_with_the_search_started_early(grace_hopper_fixed):
    from photocheck.photo.pipeline import check
    from photocheck.rules.profile import load_profile

    out, report = grace_hopper_fixed
    prof = load_profile()
    late, early = check(out, prof), check(out, prof, upload=True)
    assert report.ok and any(c.id == "background.clean" for c in early.checks)
    assert early.checks == late.checks
