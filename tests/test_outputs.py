"""Outputs under faults: stop signals and kills mid-write, reruns into used folders, full disks,
odd inputs, and what the written files say about the user.

The signal tests run the real command in a child process that pauses at a chosen step (the
re-check of the staged upload file from disk, the export assembled in its staging folder),
signal it there and look at what is left on disk."""

from __future__ import annotations

import csv
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from photocheck.cli import main
from photocheck.export.layout import Staging, sweep_staging
from photocheck.io import interrupt
from photocheck.io.write import sweep, write_atomic, write_staged
from tests.docgen import flat_document

from . import badfiles

ROOT = Path(__file__).resolve().parents[1]

# Runs the CLI with `module.name` wrapped: after the real call returns, print PAUSED and sleep.
_PAUSED_CLI = """
import sys, time
import {module} as m
real = m.{name}
def paused(*args, **kwargs):
    result = real(*args, **kwargs)
    print("PAUSED", flush=True)
    time.sleep(120)
    return result
m.{name} = paused
from photocheck.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _paused(where: str, *argv: str) -> subprocess.Popen:
    module, name = where.rsplit(".", 1)
    proc = subprocess.Popen([sys.executable, "-c", _PAUSED_CLI.format(module=module, name=name), *argv],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "PAUSED":
        proc.kill()
        raise AssertionError(f"never reached {where}: {line!r} {proc.communicate()}")
    return proc


def _stop(proc: subprocess.Popen, signum: int) -> tuple[int, str]:
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


def _ours(folder: Path) -> list[str]:
    """Staged files and staging folders anywhere under `folder`."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if ".photocheck-" in p.name)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --- staged files and stop signals ----------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_photo_fix_stopped_mid_write_leaves_nothing(tmp_path, grace_hopper_path, signum):
    out = tmp_path / "out.jpg"
    proc = _paused("photocheck.photo.pipeline.check", "photo", "fix", str(grace_hopper_path),
                   "-o", str(out), "--original", str(tmp_path / "orig.jpg"))
    assert len(_ours(tmp_path)) == 1  # the staged upload file, paused before its re-check
    code, err = _stop(proc, signum)
    assert code == 128 + signum and "已取消" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_photo_fix_killed_leaves_a_file_the_next_run_removes(tmp_path, grace_hopper_path, capsys):
    proc = _paused("photocheck.photo.pipeline.check", "photo", "fix", str(grace_hopper_path),
                   "-o", str(tmp_path / "out.jpg"))
    code, _ = _stop(proc, signal.SIGKILL)
    assert code == -signal.SIGKILL
    (left,) = _ours(tmp_path)
    assert left.startswith(f".photocheck-{proc.pid}-") and left.endswith(".jpg")
    assert main(["photo", "fix", str(grace_hopper_path), "-o", str(tmp_path / "again.jpg")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.jpg"]


def test_sweep_removes_only_leftovers_of_dead_writers(tmp_path):
    dead = _dead_pid()
    leftovers = [f".photocheck-{dead}-0123456789ab.jpg", ".photocheck-0123456789ab.tmp",  # older format
                 ".照片.photocheck-staged.jpg"]
    live = [f".photocheck-{os.getpid()}-0123456789ab.jpg", ".photocheck-notes.txt", "a.jpg"]
    for name in leftovers + live:
        (tmp_path / name).write_bytes(b"x")
    old = tmp_path / f".photocheck-{os.getpid()}-ba9876543210.png"
    old.write_bytes(b"x")
    os.utime(old, (time.time() - 2 * 86400,) * 2)  # a day old: stale even if the pid is reused
    assert sorted(p.name for p in sweep(tmp_path)) == sorted([*leftovers, old.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(live)


@pytest.mark.slow  # three material fixes with OCR, two in subprocesses
def test_material_fix_stopped_or_killed_leaves_no_staged_file(tmp_path, capsys):
    doc = tmp_path / "in" / "正面.jpg"
    doc.parent.mkdir()
    Image.fromarray(flat_document("id_front", 1).image).save(doc, quality=92)
    out = tmp_path / "out"
    out.mkdir()
    proc = _paused("photocheck.documents.fix._decodes", "material", "fix", str(doc), "-o", str(out / "id"))
    assert len(_ours(out)) == 1
    code, err = _stop(proc, signal.SIGTERM)
    assert code == 143 and "已取消" in err
    assert list(out.iterdir()) == []
    proc = _paused("photocheck.documents.fix._decodes", "material", "fix", str(doc), "-o", str(out / "id"))
    _stop(proc, signal.SIGKILL)
    assert len(_ours(out)) == 1
    assert main(["material", "fix", str(doc), "-o", str(out / "身份证")]) == 0
    assert [p.stem for p in out.iterdir()] == ["身份证"]  # the killed run's staged file is gone


@pytest.mark.slow  # three prepares with OCR, two in subprocesses
def test_prepare_stopped_or_killed_leaves_the_old_export_and_no_staging_folder(tmp_path, capsys):
    src = tmp_path / "材料"
    doc = src / "身份证明" / "正面.jpg"
    doc.parent.mkdir(parents=True)
    Image.fromarray(flat_document("id_front", 1).image).save(doc, quality=92)
    out = tmp_path / "out"
    old = out / "李四"
    old.mkdir(parents=True)
    (old / "old.txt").write_text("previous export")
    argv = ("prepare", str(src), "-o", str(out), "--name", "李四", "--overwrite")
    proc = _paused("photocheck.export.prepare.save_project", *argv)
    (staging,) = [p for p in out.iterdir() if p.name.startswith(".")]
    assert staging.name.startswith(f".李四.photocheck-{proc.pid}-")
    assert list(staging.glob("01_身份证明/正面.*"))  # the candidate's processed ID card
    code, err = _stop(proc, signal.SIGTERM)
    assert code == 143 and "已取消" in err
    assert sorted(p.name for p in out.iterdir()) == ["李四"] and (old / "old.txt").exists()

    proc = _paused("photocheck.export.prepare.save_project", *argv)
    _stop(proc, signal.SIGKILL)
    assert len([p for p in out.iterdir() if p.name.startswith(".")]) == 1
    assert main(list(argv)) in (0, 1)
    assert sorted(p.name for p in out.iterdir()) == ["李四"]  # swept by the next run
    assert not (old / "old.txt").exists() and (old / "manifest.json").exists()


def test_a_previous_export_left_aside_by_a_kill_is_put_back(tmp_path):
    aside = tmp_path / f".王芳.photocheck-old-{_dead_pid()}-0a1b2c3d"
    aside.mkdir()
    (aside / "manifest.json").write_text("{}")
    stale = tmp_path / ".王芳.photocheck-5e6f7a8b"  # older format, no pid
    (stale / "01_身份证明").mkdir(parents=True)
    sweep_staging(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["王芳"]
    assert (tmp_path / "王芳" / "manifest.json").exists()


def test_a_signal_during_a_deferred_step_is_raised_after_it():
    before = {s: signal.getsignal(s) for s in interrupt.stop_signals()}
    try:
        interrupt.install()
        done = []
        with pytest.raises(interrupt.Terminated) as stopped, interrupt.deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            done.append("rest of the step")
        assert done == ["rest of the step"] and interrupt.exit_code(stopped.value) == 143
    finally:
        for s, h in before.items():
            signal.signal(s, h)


# --- batch ----------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(d.name))
    return found


def _running(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _photo_folder(folder: Path, source: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"p{i:02d}.jpg").write_bytes(source.read_bytes())
    return folder


def _batch(inp: Path, out: Path, *flags: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "photocheck", "photo", "batch", str(inp), "-o", str(out),
                             "--workers", "2", "--quiet", *flags], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for_outputs(proc: subprocess.Popen, out: Path, n: int) -> list[int]:
    deadline = time.time() + 120
    while len(list(out.glob("p*.jpg"))) < n:
        assert proc.poll() is None and time.time() < deadline, proc.communicate()
        time.sleep(0.05)
    return _children(proc.pid)


def _summary(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((out / "summary.csv").open(encoding="utf-8-sig")))


def test_batch_stops_on_ctrl_c_with_a_summary_of_what_finished(tmp_path, grace_hopper_path):
    inp, out = _photo_folder(tmp_path / "in", grace_hopper_path, 12), tmp_path / "out"
    proc = _batch(inp, out)
    # An output is on disk a moment before its row reaches the parent, and a stop drops the outputs
    # whose rows never came; by the third output the first one's row has long arrived.
    workers = _wait_for_outputs(proc, out, 3)
    assert len(workers) >= 3  # two workers and the resource tracker
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: parent, workers and tracker
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "已停止" in err and "--resume" in err
    rows = _summary(out)
    assert 1 <= len(rows) < 12 and all(r["结果"] == "通过" for r in rows)
    assert sorted(p.name for p in out.iterdir()) == sorted(["summary.csv", *(r["输出"] for r in rows)])
    deadline = time.time() + 10
    while _running(workers) and time.time() < deadline:
        time.sleep(0.1)
    assert _running(workers) == []


@pytest.mark.slow  # four batches of eight photos, one with worker processes
def test_batch_workers_die_with_a_killed_parent_and_a_rerun_asks(tmp_path, grace_hopper_path, capsys):
    inp, out = _photo_folder(tmp_path / "in", grace_hopper_path, 8), tmp_path / "out"
    proc = _batch(inp, out)
    workers = _wait_for_outputs(proc, out, 1)
    proc.kill()
    proc.communicate()
    deadline = time.time() + 10
    while _running(workers) and time.time() < deadline:
        time.sleep(0.1)
    assert _running(workers) == []  # workers and the resource tracker, within seconds
    done = sorted(p.name for p in out.glob("p*.jpg"))
    assert main(["photo", "batch", str(inp), "-o", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and "--overwrite" in err and "--resume" in err
    assert main(["photo", "batch", str(inp), "-o", str(out), "--quiet", "--workers", "2", "--resume"]) == 0
    rows = _summary(out)
    assert [r["文件"] for r in rows] == [f"p{i:02d}.jpg" for i in range(8)]
    assert all(r["结果"] == "通过" for r in rows)
    assert sorted(p.name for p in out.iterdir()) == sorted(["summary.csv", *(r["输出"] for r in rows)])
    assert done  # at least one had finished before the kill; the resume redid it (no summary said 通过)
    capsys.readouterr()

    # Now everything is current: a second resume skips all but the photo that changed.
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("p*.jpg")}
    changed = inp / "p03.jpg"
    os.utime(changed, (time.time() + 5,) * 2)
    assert main(["photo", "batch", str(inp), "-o", str(out), "--quiet", "--workers", "1", "--resume"]) == 0
    assert "已跳过7张" in capsys.readouterr().out
    redone = [n for n, t in stamps.items() if (out / n).stat().st_mtime_ns != t]
    assert redone == ["p03.jpg"]
    assert len(_summary(out)) == 8


def test_batch_overwrite_removes_the_old_output_of_a_photo_that_now_fails(tmp_path, grace_hopper_path, capsys):
    inp, out = tmp_path / "in", tmp_path / "out"
    inp.mkdir()
    out.mkdir()
    (out / "a.jpg").write_bytes(grace_hopper_path.read_bytes())  # someone else's passing photo
    (out / "keep.txt").write_text("not ours")
    badfiles.text_as_jpg(inp).rename(inp / "a.jpg")  # the new a.jpg cannot even be read
    (inp / "b.jpg").write_bytes(grace_hopper_path.read_bytes())
    assert main(["photo", "batch", str(inp), "-o", str(out), "--quiet"]) == 2  # refused: not empty
    assert (out / "a.jpg").exists()
    capsys.readouterr()
    assert main(["photo", "batch", str(inp), "-o", str(out), "--quiet", "--workers", "1", "--overwrite"]) == 1
    rows = {r["文件"]: r for r in _summary(out)}
    assert rows["a.jpg"]["结果"] == "无法读取" and rows["b.jpg"]["结果"] == "通过"
    assert sorted(p.name for p in out.iterdir()) == ["b.jpg", "keep.txt", "summary.csv"]
    with pytest.raises(SystemExit) as usage:
        main(["photo", "batch", str(inp), "-o", str(out), "--overwrite", "--resume"])
    assert usage.value.code == 2 and "不能与参数 --overwrite 同时使用" in capsys.readouterr().err


def test_summary_cells_cannot_start_a_formula(tmp_path, grace_hopper_path, capsys):
    inp, out = tmp_path / "in", tmp_path / "out"
    inp.mkdir()
    link = '=HYPERLINK("example.invalid","点我").jpg'
    (inp / link).write_bytes(grace_hopper_path.read_bytes())
    for name in ("+1.jpg", "-2.jpg", "@SUM(A1).jpg"):
        badfiles.text_as_jpg(inp).rename(inp / name)
    assert main(["photo", "batch", str(inp), "-o", str(out), "--quiet", "--workers", "1"]) == 1
    text = (out / "summary.csv").read_text(encoding="utf-8-sig")
    cells = [c for row in csv.reader(text.splitlines()[1:]) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    files = [row[0] for row in csv.reader(text.splitlines()[1:])]
    assert sorted(files) == sorted(["'+1.jpg", "'-2.jpg", "'@SUM(A1).jpg", "'" + link])
    assert (out / link).exists()  # the output keeps its real name
    capsys.readouterr()
    # --resume matches the escaped row: the passing photo is not redone.
    assert main(["photo", "batch", str(inp), "-o", str(out), "--quiet", "--workers", "1", "--resume"]) == 1
    assert "已跳过1张" in capsys.readouterr().out


# --- existing outputs, odd inputs, full disks -----------------------------------------------------


def test_material_fix_refuses_an_existing_output_without_overwrite(tmp_path, capsys):
    doc = tmp_path / "正面.jpg"
    Image.fromarray(flat_document("id_front", 1).image).save(doc, quality=92)
    out = tmp_path / "out"
    out.mkdir()
    (out / "id.png").write_bytes(b"older output")
    (out / "id.jpg").write_bytes(b"older output")
    assert main(["material", "fix", str(doc), "-o", str(out / "id")]) == 2
    err = capsys.readouterr().err
    assert str(out / "id.jpg") in err and "--overwrite" in err
    assert (out / "id.jpg").read_bytes() == b"older output"
    assert main(["material", "fix", str(doc), "-o", str(out / "id.jpg"), "--overwrite", "--json"]) == 0
    written = Path(json.loads(capsys.readouterr().out)["output"]["path"])
    assert [p.name for p in out.iterdir()] == [written.name]  # no stale id.png beside a new id.jpg
    assert written.read_bytes() != b"older output"


def test_a_folder_or_a_fifo_as_input_is_named_for_what_it_is(tmp_path, capsys):
    folder = tmp_path / "照片.jpg"
    folder.mkdir()
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    for argv in (["photo", "check", str(folder)], ["photo", "fix", str(folder), "-o", str(tmp_path / "o.jpg")],
                 ["material", "fix", str(folder), "-o", str(tmp_path / "o")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "文件夹" in err and "找不到" not in err and str(folder) in err
    for argv in (["photo", "check", str(fifo)], ["photo", "fix", str(fifo), "-o", str(tmp_path / "o.jpg")],
                 ["material", "fix", str(fifo), "-o", str(tmp_path / "o")]):
        proc = subprocess.run([sys.executable, "-m", "photocheck", *argv], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)  # a FIFO that is opened waits for ever
        assert proc.returncode == 2 and "不是普通文件" in proc.stderr and str(fifo) in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.jpg", "照片.jpg"]


def _full_disk_after(monkeypatch, n: int) -> None:
    """os.fsync fails with ENOSPC from its (n+1)-th call on: the disk fills up mid-run."""
    calls = []
    real = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) > n:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize("fills", [0, 1], ids=["upload", "original"])
def test_a_full_disk_names_the_users_file_and_leaves_nothing(tmp_path, grace_hopper_path, capsys, monkeypatch,
                                                            fills):
    out, orig = tmp_path / "upload.jpg", tmp_path / "original.jpg"
    _full_disk_after(monkeypatch, fills)
    assert main(["photo", "fix", str(grace_hopper_path), "-o", str(out), "--original", str(orig)]) == 2
    err = capsys.readouterr().err.strip()
    target = out if fills == 0 else orig
    assert err.startswith(f"错误：{target}：无法写入文件：") and os.strerror(errno.ENOSPC) in err
    assert ".photocheck-" not in err
    assert list(tmp_path.iterdir()) == []


def test_failures_in_the_staging_folder_name_the_export_folder(tmp_path, monkeypatch):
    from photocheck.errors import UserError

    with pytest.raises(UserError) as err, Staging(tmp_path, "张三", overwrite=False) as staging, \
            staging.user_errors():
        (staging.path / "00_报名照片").mkdir()
        _full_disk_after(monkeypatch, 0)
        write_atomic(staging.path / "00_报名照片" / "报名照片.jpg", b"data")
    assert err.value.path == tmp_path / "张三" / "00_报名照片" / "报名照片.jpg"
    assert ".photocheck-" not in err.value.text()
    monkeypatch.undo()
    with pytest.raises(UserError) as err, Staging(tmp_path, "张三", overwrite=False) as staging, \
            staging.user_errors():
        os.rename(staging.path / "missing.jpg", staging.path / "x.jpg")  # a raw OSError
    assert err.value.path == tmp_path / "张三" / "missing.jpg"
    assert list(tmp_path.iterdir()) == []


def test_staged_names_stay_short_beside_a_long_output_name(tmp_path):
    final = tmp_path / ("照" * 80 + ".jpg")  # 244 bytes: at the limit of most file systems
    staged = write_staged(final, b"data")
    assert len(staged.name.encode()) < 40 and staged.parent == tmp_path
    staged.unlink()


def test_a_failed_rename_of_a_staged_file_names_the_destination(capsys):
    from photocheck.cli import Printer, _report_error

    exc = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/out/.photocheck-4242-0123456789ab.jpg", None,
                  "/out/毕业证书.jpg")
    assert _report_error(exc, Printer("zh")) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：/out/毕业证书.jpg：") and ".photocheck-" not in err
