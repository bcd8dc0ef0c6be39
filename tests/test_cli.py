"""The command-line contract: commands, exit codes, --json shape, error lines, batch."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photocheck.cli import main

from . import badfiles

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_version_and_help_start_without_the_image_stack():
    # A fresh interpreter: --version must not import cv2, numpy or PIL (start-up speed).
    code = (
        "import sys; from photocheck.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "heavy = [m for m in ('cv2', 'numpy', 'PIL', 'onnxruntime') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("photocheck ")


def test_profiles_lists_every_profile(capsys):
    code, out, _ = run(capsys, "profiles", "--json")
    assert code == 0
    ids = [p["id"] for p in json.loads(out)]
    assert ids[0] == "nmec-2026-hubei" and {"xiao2cun-35x45", "yicun-25x35", "weisheng-original"} <= set(ids)
    code, out, _ = run(capsys, "profiles")
    assert code == 0 and "390×567" in out and "仅检查" in out


def test_check_json_contract_and_exit_one_on_failures(capsys, grace_hopper_path):
    code, out, err = run(capsys, "photo", "check", str(grace_hopper_path), "--json")
    assert code == 1 and err == ""
    data = json.loads(out)
    assert set(data) >= {"input", "profile", "ok", "checks", "output"}
    assert data["ok"] is False and data["profile"] == "nmec-2026-hubei" and data["output"] is None
    for c in data["checks"]:
        assert set(c) >= {"id", "status", "value", "limit", "message", "hint", "fixable"}


def test_fix_writes_a_passing_photo_and_exit_zero(capsys, tmp_path, grace_hopper_path):
    before = sha(grace_hopper_path)
    out_path, hires = tmp_path / "报名 照片.jpg", tmp_path / "原图.jpg"
    code, out, err = run(
        capsys, "photo", "fix", str(grace_hopper_path), "-o", str(out_path), "--original", str(hires), "--json"
    )
    assert code == 0, out + err
    data = json.loads(out)
    assert data["ok"] is True
    assert data["output"]["path"] == str(out_path) and data["output"]["bytes"] == out_path.stat().st_size
    assert data["output"]["bytes"] <= 30000 and (data["output"]["width"], data["output"]["height"]) == (390, 567)
    assert 35 <= data["output"]["quality"] <= 95
    assert sha(grace_hopper_path) == before  # the original is never touched
    with Image.open(out_path) as im:
        assert im.format == "JPEG" and im.size == (390, 567) and im.mode == "RGB"
        assert not im.info.get("progressive") and not im.info.get("exif")
    assert hires.is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staged leftovers

    code, out, _ = run(capsys, "photo", "check", str(out_path))
    assert code == 0 and "结果：通过" in out and "医考报名照片检测工具" in out


def test_fix_refuses_a_check_only_profile(capsys, tmp_path, grace_hopper_path):
    code, out, err = run(capsys, "photo", "fix", str(grace_hopper_path), "-o", str(tmp_path / "x.jpg"),
                         "--profile", "weisheng-original")
    assert code == 2 and out == ""
    assert "原始照片" in err and str(grace_hopper_path) in err
    assert not (tmp_path / "x.jpg").exists()


def test_fix_that_cannot_pass_writes_nothing(capsys, tmp_path, grace_hopper_rgb, astronaut_rgb):
    import cv2

    two = tmp_path / "two.png"
    h = grace_hopper_rgb.shape[0]
    Image.fromarray(np.hstack([grace_hopper_rgb, cv2.resize(astronaut_rgb, (h, h))])).save(two)
    out_path = tmp_path / "out.jpg"
    code, out, _ = run(capsys, "photo", "fix", str(two), "-o", str(out_path))
    assert code == 1 and "检测到2张人脸" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["two.png"]


def _bad_inputs(folder: Path, base: Path, rgb: np.ndarray) -> dict[str, Path]:
    return {
        "empty": badfiles.empty_file(folder),
        "truncated": badfiles.truncated_jpeg(folder, base),
        "text": badfiles.text_as_jpg(folder),
        "huge": badfiles.huge_png(folder),
        "animated": badfiles.animated_gif(folder, rgb),
        "missing": folder / "does-not-exist.jpg",
    }


def test_bad_inputs_exit_two_with_one_clear_line(capsys, tmp_path, grace_hopper_path, grace_hopper_rgb):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for name, path in _bad_inputs(tmp_path, grace_hopper_path, grace_hopper_rgb).items():
        for argv in (["photo", "check", str(path)], ["photo", "fix", str(path), "-o", str(out_dir / "o.jpg")]):
            code, out, err = run(capsys, *argv)
            assert code == 2, (name, out, err)
            assert out == "", name
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("错误：") and str(path) in lines[0], (name, err)
            assert "Traceback" not in err
    assert list(out_dir.iterdir()) == []


def test_bad_input_error_in_a_fresh_process_has_no_traceback(tmp_path):
    bad = badfiles.text_as_jpg(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "photocheck", "photo", "check", str(bad)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and str(bad) in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "photocheck", "--debug", "photo", "check", str(bad)],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
    )
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def _rgba_corner(folder: Path, rgb: np.ndarray) -> Path:
    """A PNG named .jpg whose top corners are transparent (the loader puts them on white)."""
    alpha = np.full(rgb.shape[:2], 255, np.uint8)
    alpha[:80, :80] = alpha[:80, -80:] = 0
    path = folder / "rgba.jpg"
    Image.fromarray(np.dstack([rgb, alpha]), "RGBA").save(path, "PNG")
    return path


@pytest.mark.parametrize("kind", ["cmyk", "png16", "heic", "webp_as_jpg", "rgba_as_jpg", "chinese_path"])
def test_odd_but_valid_inputs_are_fixed(capsys, tmp_path, grace_hopper_rgb, kind):
    makers = {
        "cmyk": lambda: badfiles.cmyk_jpeg(tmp_path, grace_hopper_rgb),
        "png16": lambda: badfiles.png16(tmp_path, grace_hopper_rgb, grey=False),
        "heic": lambda: badfiles.heic(tmp_path, grace_hopper_rgb),
        "webp_as_jpg": lambda: badfiles.webp_as_jpg(tmp_path, grace_hopper_rgb),
        "rgba_as_jpg": lambda: _rgba_corner(tmp_path, grace_hopper_rgb),
        "chinese_path": lambda: badfiles.chinese_path_jpeg(tmp_path, grace_hopper_rgb),
    }
    src = makers[kind]()
    out_path = src.parent / "结果 照片.jpg"
    code, out, err = run(capsys, "photo", "fix", str(src), "-o", str(out_path), "--json")
    assert code == 0, (kind, err, out)
    assert json.loads(out)["ok"] is True and out_path.stat().st_size <= 30000


def test_usage_errors_exit_two(capsys, tmp_path, grace_hopper_path):
    with pytest.raises(SystemExit) as exc:
        main(["photo", "check"])
    assert exc.value.code == 2
    code, _, err = run(capsys, "photo", "check", str(grace_hopper_path), "--profile", "no-such")
    assert code == 2 and "no-such" in err
    code, _, err = run(capsys, "photo", "fix", str(grace_hopper_path), "-o", str(tmp_path / "out.png"))
    assert code == 2 and ".jpg" in err
    code, _, err = run(capsys, "photo", "fix", str(grace_hopper_path), "-o", str(tmp_path / "nope" / "o.jpg"))
    assert code == 2 and "不存在" in err
    code, _, err = run(capsys, "photo", "fix", str(grace_hopper_path), "-o", str(grace_hopper_path))
    assert code == 2


def test_english_translation(capsys, grace_hopper_path):
    code, out, _ = run(capsys, "--lang", "en", "photo", "check", str(grace_hopper_path))
    assert code == 1 and "Result: failed" in out and "Background not white" in out


def test_batch_fixes_a_folder_with_summary(capsys, tmp_path, grace_hopper_path, grace_hopper_rgb):
    inp, out_dir = tmp_path / "walk-ins", tmp_path / "done"
    inp.mkdir()
    (inp / "张三.jpg").write_bytes(grace_hopper_path.read_bytes())
    Image.fromarray(grace_hopper_rgb).save(inp / "张三.png")  # same stem: must not overwrite
    badfiles.text_as_jpg(inp)
    (inp / "readme.txt").write_text("not an image", encoding="utf-8")
    code, out, _ = run(capsys, "photo", "batch", str(inp), "-o", str(out_dir), "--workers", "2", "--quiet")
    assert code == 1  # one unreadable file
    assert "共3张：2张通过，0张未通过，1张无法读取" in out
    rows = list(csv.DictReader((out_dir / "summary.csv").open(encoding="utf-8-sig")))
    assert [r["文件"] for r in rows] == ["notes.jpg", "张三.jpg", "张三.png"]
    status = {r["文件"]: r for r in rows}
    assert status["notes.jpg"]["结果"] == "无法读取" and status["notes.jpg"]["不合格项"] == "文件可读"
    assert status["张三.jpg"]["结果"] == "通过" and status["张三.png"]["结果"] == "通过"
    assert {status["张三.jpg"]["输出"], status["张三.png"]["输出"]} == {"张三.jpg", "张三_2.jpg"}
    for name in ("张三.jpg", "张三_2.jpg"):
        assert (out_dir / name).stat().st_size <= 30000
    assert sorted(os.listdir(out_dir)) == ["summary.csv", "张三.jpg", "张三_2.jpg"]


def test_batch_rejects_missing_or_same_folder(capsys, tmp_path):
    code, _, err = run(capsys, "photo", "batch", str(tmp_path / "nope"), "-o", str(tmp_path / "o"))
    assert code == 2 and "不存在" in err
    code, _, err = run(capsys, "photo", "batch", str(tmp_path), "-o", str(tmp_path))
    assert code == 2
