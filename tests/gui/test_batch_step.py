"""The batch step on the real pipeline: a folder of walk-ins processed in the window, its table
sorted, one row re-run, a run cancelled; and the side-bar entry that only help-desk mode shows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices

from tests.gui.helpers import JOB_TIMEOUT_MS, save_shot
from ui.steps import batch_step
from ui.steps.batch_step import FAILED, FILE, OPEN, RESULT, SIZE, BatchStep


def _summary(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((out / "summary.csv").open(encoding="utf-8-sig")))


def _table(step: BatchStep) -> list[tuple[str, ...]]:
    """The table as the user sees it, top to bottom (after sorting)."""
    proxy = step.proxy
    return [tuple(proxy.index(r, c).data() for c in (FILE, RESULT, FAILED, SIZE, OPEN))
            for r in range(proxy.rowCount())]


def _proxy_row(step: BatchStep, file: str) -> int:
    return next(r for r in range(step.proxy.rowCount()) if step.proxy.index(r, FILE).data() == file)


@pytest.fixture
def opened(monkeypatch) -> list[Path]:
    """What the step asked the system to open, instead of opening it."""
    urls: list[Path] = []

    def record(url: QUrl) -> bool:
        urls.append(Path(url.toLocalFile()))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", record)
    return urls


def _batch(window) -> BatchStep:
    window.set_help_desk(True)
    window.show_step(window.steps().index(window.batch_step))
    assert window.stack.currentWidget() is window.batch_step
    return window.batch_step


def _run(qtbot, step: BatchStep) -> None:
    step.start_button.click()
    assert step.busy
    qtbot.waitUntil(lambda: not step.busy, timeout=JOB_TIMEOUT_MS)


def test_the_batch_entry_shows_only_in_help_desk_mode(window):
    index = window.steps().index(window.batch_step)
    assert window.sidebar.item(index).isHidden()
    window.show_step(2)
    window.show_step(index)  # Ctrl+4 outside help-desk mode: nothing happens
    assert window.sidebar.currentRow() == 2
    _batch(window)
    assert not window.sidebar.item(index).isHidden() and "批量处理" in window.sidebar.item(index).text()
    window.set_help_desk(False)
    assert window.sidebar.item(index).isHidden() and window.sidebar.currentRow() == 0


@pytest.mark.slow
def test_a_folder_runs_to_the_end_and_one_row_is_re_run(qtbot, real_window, walk_ins, tmp_path, opened,
                                                         grace_hopper_path, monkeypatch):
    step = _batch(real_window)
    out = tmp_path / "out"
    step.set_input(walk_ins)
    assert step.output_edit.text() == str(walk_ins.parent / "walk-ins-已处理")  # proposed beside the input
    step.set_output(out)
    seen: list[tuple[int, int]] = []
    shown: list[int] = []  # rows in the table while it runs

    def progressed(value: int) -> None:
        seen.append((value, step.progress.maximum()))
        shown.append(step.proxy.rowCount())

    step.progress.valueChanged.connect(progressed)
    _run(qtbot, step)

    assert seen[-1] == (4, 4) and [v for v, _ in seen] == sorted(v for v, _ in seen)
    # Each finished photo's row is in the table by the time the bar counts it.
    assert all(n >= v for (v, _), n in zip(seen, shown, strict=True)) and shown[-1] == 4
    assert "共 4 张：2 张通过，1 张需复核，1 张不通过" in step.state_label.text()
    rows = {r[0]: r for r in _table(step)}
    assert [r[0] for r in _table(step)] == ["a.jpg", "b.png", "c.jpg", "d.jpg"]
    assert rows["a.jpg"][1:2] == ("通过",) and rows["a.jpg"][4] == "打开"
    assert rows["a.jpg"][3] == f"{(out / 'a.jpg').stat().st_size:,} 字节"
    assert rows["c.jpg"][1] == "需复核" and "头部完整" in rows["c.jpg"][2] and rows["c.jpg"][3:] == ("", "")
    assert rows["d.jpg"][1:3] == ("不通过", "文件可读")
    assert [r["文件"] for r in _summary(out)] == [r[0] for r in _table(step)]
    assert [r["结果"] for r in _summary(out)] == ["通过", "通过", "未通过", "无法读取"]
    assert real_window.sidebar.item(3).text().endswith("2/4 张通过")

    # Sorting: by result, worst first; by size, largest first.
    step.table.sortByColumn(RESULT, Qt.SortOrder.DescendingOrder)
    assert [r[1] for r in _table(step)] == ["不通过", "需复核", "通过", "通过"]
    step.table.sortByColumn(SIZE, Qt.SortOrder.DescendingOrder)
    sizes = [(out / n).stat().st_size for n in ("a.jpg", "b.jpg")]
    assert _table(step)[0][0] == ("a.jpg" if sizes[0] >= sizes[1] else "b.png")
    assert [r[3] for r in _table(step)][2:] == ["", ""]
    save_shot(real_window, "batch-step.png")

    # 打开 on a row opens its output; the buttons open the folder and summary.csv.
    index = step.proxy.index(_proxy_row(step, "b.png"), OPEN)
    qtbot.mouseClick(step.table.viewport(), Qt.MouseButton.LeftButton, pos=step.table.visualRect(index).center())
    step.table.setCurrentIndex(step.proxy.index(_proxy_row(step, "a.jpg"), FILE))
    qtbot.keyClick(step.table, Qt.Key.Key_Return)
    step.folder_open.click()
    step.csv_open.click()
    assert opened == [out / "b.jpg", out / "a.jpg", out, out / "summary.csv"]

    # The candidate with the cut-off head had a retake: re-run that row only.
    (walk_ins / "c.jpg").write_bytes(grace_hopper_path.read_bytes())
    kept = (out / "a.jpg").stat().st_mtime_ns
    assert step.selected_row() is not None and step.selected_row().file == "a.jpg"  # chosen by the keyboard
    step.table.clearSelection()
    assert not step.rerun_button.isEnabled()
    step.table.selectRow(_proxy_row(step, "c.jpg"))
    assert step.selected_row() is not None and step.selected_row().file == "c.jpg"
    step.rerun_button.click()
    qtbot.waitUntil(lambda: not step.busy, timeout=JOB_TIMEOUT_MS)
    rows = {r[0]: r for r in _table(step)}
    assert rows["c.jpg"][1] == "通过" and rows["c.jpg"][4] == "打开" and (out / "c.jpg").is_file()
    assert "已重新处理 c.jpg：通过" in step.state_label.text()
    assert {r["文件"]: r["结果"] for r in _summary(out)} == {"a.jpg": "通过", "b.png": "通过", "c.jpg": "通过",
                                                           "d.jpg": "无法读取"}
    assert (out / "a.jpg").stat().st_mtime_ns == kept
    assert real_window.sidebar.item(3).text().endswith("3/4 张通过")
    save_shot(real_window, "batch-step-rerun.png")

    # The output folder is not empty now: the step asks, as the command line's flags do.
    asked: list[Path] = []
    monkeypatch.setattr(batch_step, "ask_reuse", lambda _parent, folder: asked.append(folder))
    step.start_button.click()
    assert asked == [out] and not step.busy and "已取消：输出文件夹保持不变" in step.state_label.text()
    monkeypatch.setattr(batch_step, "ask_reuse", lambda _parent, _folder: "resume")
    _run(qtbot, step)
    assert step.summary is not None and step.summary.skipped == 3 and step.progress.maximum() == 1
    assert "其中 3 张的结果仍有效" in step.state_label.text()
    assert {r[0]: r[1] for r in _table(step)} == {"a.jpg": "通过", "b.png": "通过", "c.jpg": "通过", "d.jpg": "不通过"}


@pytest.mark.slow
def test_cancel_stops_the_run_and_keeps_what_finished(qtbot, real_window, tmp_path, grace_hopper_path):
    step = _batch(real_window)
    inp, out = tmp_path / "in", tmp_path / "out"
    inp.mkdir()
    for i in range(10):
        (inp / f"p{i}.jpg").write_bytes(grace_hopper_path.read_bytes())
    step.set_input(inp)
    step.set_output(out)
    step.progress.valueChanged.connect(lambda v: v >= 1 and step.cancel_button.click())
    _run(qtbot, step)

    summary = step.summary
    assert summary is not None and summary.cancelled
    assert 1 <= summary.total < 10 and len(_table(step)) == summary.total
    assert "已取消" in step.state_label.text()
    assert real_window.sidebar.item(3).text().endswith(f"已取消，{summary.total}/10 张已完成")
    assert [r["文件"] for r in _summary(out)] == [r[0] for r in _table(step)]
    assert sorted(p.name for p in out.iterdir()) == sorted(["summary.csv", *(r.output for r in summary.rows)])
    assert not step.cancel_button.isVisible() and step.start_button.isEnabled()


@pytest.mark.slow
def test_a_missing_or_unreadable_folder_is_said_in_chinese(qtbot, real_window, tmp_path, monkeypatch):
    step = _batch(real_window)
    step.set_input(tmp_path / "gone")
    step.set_output(tmp_path / "out")
    _run(qtbot, step)
    assert "输入文件夹不存在" in step.state_label.text() and str(tmp_path / "gone") in step.state_label.text()
    assert "#c62828" in step.state_label.styleSheet()

    folder = tmp_path / "locked"
    folder.mkdir()
    step.set_input(folder)

    def denied(_self: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", denied)
    _run(qtbot, step)
    monkeypatch.undo()
    assert "无法读取输入文件夹" in step.state_label.text() and str(folder) in step.state_label.text()
    assert not (tmp_path / "out").exists() and step.summary is None


def test_a_dropped_folder_becomes_the_input(qtbot, window, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF
    from PySide6.QtGui import QDropEvent

    step = _batch(window)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(tmp_path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    step.dropEvent(event)
    assert event.isAccepted()
    assert step.input_edit.text() == str(tmp_path) and step.start_button.isEnabled()
