"""Batch as the window drives it: progress per photo, cancel, the rows, re-running one photo."""

from __future__ import annotations

import csv
import multiprocessing
from pathlib import Path

import pytest

from photocheck.api import BatchRow, CancelToken, UserError, rerun_batch_row, run_batch
from photocheck.cli import main

from . import badfiles


def _summary(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((out / "summary.csv").open(encoding="utf-8-sig")))


@pytest.mark.slow
def test_progress_follows_each_photo_and_the_rows_are_summary_csv(walk_ins, tmp_path):
    calls: list[tuple[int, int, str]] = []
    finished: list[str] = []

    def on_row(row: BatchRow) -> None:
        assert len(calls) == len(finished) + 1  # the row of a photo comes before its progress call
        finished.append(row.file)

    summary = run_batch(walk_ins, tmp_path / "out", workers=2, progress=lambda *a: calls.append(a), on_row=on_row)
    assert calls[0] == (0, 4, "")
    assert [c[2] for c in calls[1:]] == finished
    assert [c[:2] for c in calls[1:]] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert sorted(c[2] for c in calls[1:]) == ["a.jpg", "b.png", "c.jpg", "d.jpg"]
    assert not summary.cancelled and summary.stopped is None and summary.folder == tmp_path / "out"
    rows = {r.file: r for r in summary.rows}
    assert [r.file for r in summary.rows] == [r["文件"] for r in _summary(summary.folder)]
    assert [r.status for r in summary.rows] == [r["结果"] for r in _summary(summary.folder)]
    for name in ("a.jpg", "b.png"):
        row = rows[name]
        assert row.status == "通过" and row.checks == () and row.failed == ""
        assert row.bytes == (summary.folder / row.output).stat().st_size <= 30000
    assert rows["b.png"].output == "b.jpg"
    assert rows["c.jpg"].status == "未通过" and rows["c.jpg"].output == ""
    assert "face.complete" in rows["c.jpg"].checks and "头部完整" in rows["c.jpg"].failed
    assert rows["d.jpg"].status == "无法读取" and rows["d.jpg"].checks == ("file.readable",)
    assert rows["d.jpg"].failed == "文件可读"


@pytest.mark.slow
def test_cancel_starts_no_new_photo_and_summary_lists_what_finished(tmp_path, grace_hopper_path):
    inp, out = tmp_path / "in", tmp_path / "out"
    inp.mkdir()
    for i in range(6):
        (inp / f"p{i}.jpg").write_bytes(grace_hopper_path.read_bytes())
    token = CancelToken()
    calls: list[int] = []

    def progress(done: int, _total: int, _file: str) -> None:
        calls.append(done)
        if done == 1:
            token.cancel()  # one finished, one in work, four not started

    summary = run_batch(inp, out, workers=2, progress=progress, cancel=token)
    assert summary.cancelled and summary.stopped is None
    assert calls == [0, 1]  # nothing reported after the cancel
    assert 1 <= summary.total <= 2 and summary.inputs == 6  # the one in work counts if it finished meanwhile
    assert [r["文件"] for r in _summary(out)] == [r.file for r in summary.rows]
    assert all(r.status == "通过" for r in summary.rows)
    # Only the finished outputs and the summary: the abandoned photo left no staged file.
    assert sorted(p.name for p in out.iterdir()) == sorted(["summary.csv", *(r.output for r in summary.rows)])
    assert multiprocessing.active_children() == []


@pytest.mark.slow
def test_cancelled_before_the_start_processes_nothing(tmp_path, grace_hopper_path):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.jpg").write_bytes(grace_hopper_path.read_bytes())
    token = CancelToken()
    token.cancel()
    summary = run_batch(inp, tmp_path / "out", workers=1, cancel=token)
    assert summary.cancelled and summary.total == 0 and summary.rows == ()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["summary.csv"]
    assert _summary(tmp_path / "out") == []


@pytest.mark.slow
def test_rerun_replaces_only_its_own_output_and_row(walk_ins, tmp_path, grace_hopper_path):
    out = tmp_path / "out"
    run_batch(walk_ins, out, workers=2)
    before = _summary(out)
    kept = (out / "a.jpg").stat().st_mtime_ns, (out / "b.jpg").read_bytes()

    (walk_ins / "c.jpg").write_bytes(grace_hopper_path.read_bytes())  # the retake
    row = rerun_batch_row(walk_ins, out, "c.jpg")
    assert row.status == "通过" and row.output == "c.jpg" and (out / "c.jpg").stat().st_size == row.bytes
    after = _summary(out)
    assert [r["文件"] for r in after] == ["a.jpg", "b.png", "c.jpg", "d.jpg"]
    assert after[2]["结果"] == "通过" and after[2]["字节"] == str(row.bytes)
    assert [after[i] for i in (0, 1, 3)] == [before[i] for i in (0, 1, 3)]
    assert ((out / "a.jpg").stat().st_mtime_ns, (out / "b.jpg").read_bytes()) == kept

    # A photo replaced by one that cannot be read: its old output goes, the others stay.
    badfiles.text_as_jpg(tmp_path).replace(walk_ins / "a.jpg")
    row = rerun_batch_row(walk_ins, out, "a.jpg")
    assert row.status == "无法读取" and not (out / "a.jpg").exists()
    assert _summary(out)[0]["结果"] == "无法读取"
    assert sorted(p.name for p in out.iterdir()) == ["b.jpg", "c.jpg", "summary.csv"]

    with pytest.raises(UserError) as gone:
        rerun_batch_row(walk_ins, out, "e.jpg")
    assert gone.value.path == walk_ins / "e.jpg" and "已没有这张照片" in gone.value.message


def test_unreadable_input_folder_is_a_user_error(tmp_path, monkeypatch):
    inp = tmp_path / "in"
    inp.mkdir()

    def denied(_self: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", denied)
    with pytest.raises(UserError) as err:
        run_batch(inp, tmp_path / "out")
    assert err.value.path == inp and "无法读取输入文件夹" in err.value.message


@pytest.mark.slow
def test_the_command_line_still_draws_its_bar(walk_ins, tmp_path, capsys):
    assert main(["photo", "batch", str(walk_ins), "-o", str(tmp_path / "out"), "--workers", "2"]) == 1
    captured = capsys.readouterr()
    assert "处理中" in captured.err and "4/4" in captured.err
    assert "共4张：2张通过，1张未通过，1张无法读取" in captured.out
