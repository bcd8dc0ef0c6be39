"""Hostile inputs get a precise answer, quickly and in bounded memory: non-regular files, huge
files, extreme shapes, pixel bombs, broken PDF pages, damaged JPEGs, tiny images. Every case is a
real file written here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchmarks.bounded_inputs import _bomb_png, _jpeg, _pdf
from photocheck.api import UserError, fix_material, material_inputs, select_pages
from photocheck.documents import ocr
from photocheck.documents.fix import page_ranges, parse_pages
from photocheck.io import pdf
from photocheck.io.decode import LoadError, Source
from photocheck.photo.checks import file_readable
from photocheck.rules.profile import load_profile
from tests import docgen

ROOT = Path(__file__).resolve().parents[1]
PROF = load_profile()
LIMITS = {"max_pixels": PROF.input.max_pixels, "max_bytes": PROF.input.max_bytes,
          "max_aspect": PROF.input.max_aspect_ratio}


def _open(path, **kw):
    return Source.open(path, **{**LIMITS, **kw})


# --- files that are not files ---------------------------------------------------------------


def test_a_folder_is_called_a_folder(tmp_path):
    with pytest.raises(LoadError) as info:
        _open(tmp_path)
    assert info.value.code == "directory" and "这是一个文件夹" in info.value.message
    with pytest.raises(UserError, match="这是一个文件夹"):
        material_inputs(tmp_path)


def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "照片.jpg"
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.raises(LoadError) as info:
        _open(fifo)
    assert info.value.code == "not_regular" and "不是普通文件" in info.value.message
    with pytest.raises(UserError, match="不是普通文件"):
        material_inputs(fifo)
    assert time.perf_counter() - start < 2


def test_dev_zero_is_not_a_regular_file():
    with pytest.raises(LoadError) as info:
        _open(Path("/dev/zero"))
    assert info.value.code == "not_regular"
    assert "找不到" not in info.value.message


def test_a_huge_file_is_refused_from_stat_alone(tmp_path):
    big = tmp_path / "big.jpg"
    with open(big, "wb") as f:  # sparse: 3 GB of nothing, no disk used
        f.write(b"\xff\xd8\xff\xe0")
        f.truncate(3 * 1024**3)
    start = time.perf_counter()
    with pytest.raises(LoadError) as info:
        _open(big)
    assert time.perf_counter() - start < 1
    assert info.value.code == "too_big"
    assert "200 MB" in info.value.message and "3221 MB" in info.value.message
    with pytest.raises(UserError, match="文件过大"):
        material_inputs(big)


# --- shapes and pixel counts -----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(10000, 10), (10, 10000)], ids=["tall", "wide"])
def test_an_extreme_strip_is_refused_before_decoding_naming_the_limit(tmp_path, shape):
    path = _jpeg(tmp_path / "strip.jpg", *shape)
    with pytest.raises(LoadError) as info:
        _open(path)
    assert info.value.code == "extreme_shape"
    assert "上限 20 倍" in info.value.message and "1000 倍" in info.value.message
    out = tmp_path / "out"
    with pytest.raises(UserError, match="形状过于狭长"):
        fix_material(path, out)
    assert not list(tmp_path.glob("out*"))


def test_a_pixel_bomb_is_refused_from_its_header(tmp_path):
    with pytest.raises(LoadError) as info:
        _open(_bomb_png(tmp_path / "bomb.png"))
    assert info.value.code == "too_large" and "上限 120 百万像素" in info.value.message


@pytest.mark.slow  # OCR of every tile of a long strip
def test_ocr_reads_a_long_strip_in_tiles_and_keeps_its_text(tmp_path):
    page = docgen.flat_document("xuexin_report", seed=1).image  # 794 x 1123
    strip = np.vstack([page[: 560], page[560:], page[:560], page[560:]])  # ~794 x 2246: aspect 2.8
    strip = np.vstack([strip, strip])  # aspect 5.7: tiled
    tiles = ocr._tiles(strip)
    assert len(tiles) > 1 and all(t.image.shape[:2] == (2 * 794, 794) for t in tiles)
    lines = ocr.read_text(strip)
    text = ocr.plain_text(lines)
    whole = ocr.plain_text(ocr.read_text(page))
    # Every line of the page is found (four times over), none twice at the same place.
    first = whole.splitlines()[0]
    assert text.count(first) >= 2
    centres = {(round(float(b.box[:, 0].mean()) / 8), round(float(b.box[:, 1].mean()) / 8)) for b in lines}
    assert len(centres) == len(lines)


@pytest.mark.parametrize("shape", [(10, 10000, 3), (10000, 10, 3), (1, 1, 3), (16, 6000, 3)])
def test_ocr_work_stays_bounded_on_any_shape(shape):
    a = np.full(shape, 255, np.uint8)
    a[:, ::7] = 0
    a[::5] = 0
    tiles = ocr._tiles(a)
    assert len(tiles) <= ocr.MAX_TILES + 2
    for t in tiles:
        h, w = t.image.shape[:2]
        assert max(h, w) <= ocr.TILE_ASPECT * min(h, w) + 1 and min(h, w) >= ocr.DET_SIDE - 1


def test_bounded_inputs_benchmark_cases_stay_under_1gb_and_10s():
    """The extreme cases of benchmarks/bounded_inputs.py, each in its own process."""
    import tempfile

    from benchmarks import bounded_inputs as bench

    with tempfile.TemporaryDirectory() as tmp:
        cases = bench.cases(Path(tmp))
        for name in ("jpeg 10x10000", "jpeg 10000x10", "pdf page 1e6x1", "sparse 3 GB", "/dev/zero", "FIFO"):
            args = next(v for k, v in cases.items() if k.startswith(name))
            rss, seconds, code, said = bench.run(args, timeout=60)
            assert code == 2, (name, said)
            assert rss < 1024 and seconds < 30, (name, rss, seconds)  # 10 s on an idle machine
            assert "错误" in said and "内部错误" not in said, said


# --- PDFs: bad pages, stale error codes, odd shapes, page choice -------------------------------


def _report_pdf(path: Path, n: int) -> Path:
    pages = [Image.fromarray(docgen.flat_document("xuexin_report", seed=s).image) for s in range(n)]
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=96)
    return path


def _break_page(src: Path, dst: Path, index: int) -> Path:
    """The same PDF with page `index`'s object replaced by a non-dictionary: pdfium loads the
    document but not that page."""
    data = bytearray(src.read_bytes())
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", bytes(data))
    assert kids is not None
    number = re.findall(rb"(\d+)\s+0\s+R", kids.group(1))[index]
    m = re.search(rb"(?<![0-9])" + number + rb" 0 obj", bytes(data))
    assert m is not None
    start, end = m.end(), data.index(b"endobj", m.end())
    data[start:end] = b"\n" + b" " * (end - start - 2) + b"\n"  # same length: the xref stays right
    dst.write_bytes(bytes(data))
    return dst


def test_a_page_pdfium_cannot_load_is_one_error_and_the_others_render(tmp_path):
    good = _report_pdf(tmp_path / "good.pdf", 3)
    bad = _break_page(good, tmp_path / "bad.pdf", 1)
    assert pdf.page_count(bad) == 3
    with pytest.raises(pdf.PdfError) as info:
        pdf.render_page(bad, 1, dpi=72, max_side=1000)
    assert info.value.code == "page" and info.value.page == 1 and "第 2 页" in info.value.message
    assert pdf.render_page(bad, 2, dpi=72, max_side=1000).shape[2] == 3


def test_zero_page_pdf_after_an_encrypted_one_is_called_empty(tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt("secret")
    with open(tmp_path / "locked.pdf", "wb") as f:
        w.write(f)
    with open(tmp_path / "empty.pdf", "wb") as f:
        PdfWriter().write(f)
    with pytest.raises(pdf.PdfError) as locked:
        pdf.page_count(tmp_path / "locked.pdf")
    assert locked.value.code == "encrypted"
    with pytest.raises(pdf.PdfError) as empty:
        pdf.page_count(tmp_path / "empty.pdf")
    assert empty.value.code == "empty" and "密码" not in empty.value.message


def test_a_page_of_absurd_shape_is_refused_before_rendering(tmp_path):
    path = _pdf(tmp_path / "strip.pdf", 1e6, 1)
    assert path.stat().st_size < 500
    with pytest.raises(pdf.PdfError) as info:
        pdf.render_page(path, 0, dpi=150, max_side=2500, max_aspect=20)
    assert info.value.code == "page_shape" and "上限 20 倍" in info.value.message
    with pytest.raises(UserError, match="形状过于狭长"):
        fix_material(path, tmp_path / "out")


def test_page_lists_parse_and_print_back():
    where = Path("x.pdf")
    assert parse_pages("1-3,5", 10, where) == [0, 1, 2, 4]
    assert parse_pages("5, 1-2，9-", 10, where) == [0, 1, 4, 8, 9]
    assert page_ranges([0, 1, 2, 4, 8, 9]) == "1-3,5,9-10"
    for bad in ("0", "3-1", "a", "11", ",", "2-x"):
        with pytest.raises(UserError):
            parse_pages(bad, 10, where)


def test_the_page_limit_comes_from_the_profile_and_the_candidate_is_told(tmp_path, monkeypatch):
    import dataclasses

    path = _report_pdf(tmp_path / "报告.pdf", 4)
    spec = PROF.materials
    small = dataclasses.replace(PROF, materials=dataclasses.replace(
        spec, pdf=dataclasses.replace(spec.pdf, max_pages=2)))
    sel = select_pages(path, None, small)
    assert sel.items == [(path, 0), (path, 1)] and sel.total == 4
    assert "共 4 页" in sel.note and "第 1-2 页" in sel.note and "最多处理 2 页" in sel.note
    chosen = select_pages(path, "2,4", PROF)
    assert chosen.items == [(path, 1), (path, 3)] and "第 2,4 页" in chosen.note
    assert material_inputs(path, pages="3-") == [(path, 2), (path, 3)]
    with pytest.raises(UserError, match="只有 PDF"):
        select_pages(_jpeg(tmp_path / "a.jpg", 100, 100), "1", PROF)


@pytest.mark.slow  # OCR of several PDF pages
def test_material_fix_pages_option_and_a_bad_page_does_not_stop_the_others(tmp_path):
    good = _report_pdf(tmp_path / "good.pdf", 3)
    bad = _break_page(good, tmp_path / "坏.pdf", 1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "photocheck", "material", "fix", str(bad), "--pages", "1-2",
                          "-o", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, env=env,
                         timeout=600)
    said = run.stdout + run.stderr
    assert "第 2 页已损坏" in said and "内部错误" not in said and "Traceback" not in said
    assert "第1页" in run.stdout  # page 1 was processed and reported
    assert "第3页" not in run.stdout  # not chosen
    assert run.returncode == 1


# --- per-item failures -----------------------------------------------------------------------


def test_a_1x1_png_is_one_user_error(tmp_path):
    path = tmp_path / "dot.png"
    Image.new("RGB", (1, 1), "white").save(path)
    with pytest.raises(UserError, match="图片太小"):
        fix_material(path, tmp_path / "out")


def test_trim_bounds_of_a_sliver():
    from photocheck.documents.geometry import trim_bounds

    assert trim_bounds(np.full((1, 1, 3), 200, np.uint8)) == (0, 1, 0, 1)
    assert trim_bounds(np.full((3, 50, 3), 200, np.uint8)) == (0, 3, 0, 50)


def test_an_animated_gif_as_a_material_is_not_told_about_the_photo(tmp_path):
    frames = [Image.new("RGB", (200, 200), c) for c in ("white", "black", "red")]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with pytest.raises(UserError) as info:
        fix_material(path, tmp_path / "out")
    assert "报名照片" not in info.value.message and "3 帧" in info.value.message
    assert "PDF" in info.value.message


def test_any_geometry_failure_is_a_user_error_for_that_item(tmp_path, monkeypatch):
    from photocheck.documents import geometry

    def broken(*_a, **_k):
        raise IndexError("index 0 is out of bounds")

    monkeypatch.setattr(geometry, "trim_bounds", broken)
    monkeypatch.setattr(geometry, "plan_page", broken)
    path = tmp_path / "page.png"
    Image.fromarray(docgen.flat_document("diploma", seed=0).image).save(path)
    with pytest.raises(UserError) as info:
        fix_material(path, tmp_path / "out")
    assert info.value.code == "unprocessable" and "IndexError" in info.value.message


# --- damage ----------------------------------------------------------------------------------


def test_a_damaged_jpeg_is_reported_and_libjpeg_stays_off_the_terminal(tmp_path, grace_hopper_path):
    data = bytearray(grace_hopper_path.read_bytes())
    mid = len(data) // 2
    for i in range(64):
        data[mid + i] ^= 0xFF
    path = tmp_path / "damaged.jpg"
    path.write_bytes(bytes(data))
    src = _open(path)
    assert src.info.damage and "Corrupt JPEG data" in src.info.damage[0]
    check = file_readable(src.info)
    assert check.status.value == "warn" and "Corrupt JPEG data" in check.message and "损坏" in check.message
    assert src.decode().rgb.shape == (600, 512, 3)
    clean = _open(grace_hopper_path)
    assert not clean.info.damage and file_readable(clean.info).status.value == "pass"
    # In a child process, so the check reads the real file descriptor 2.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "photocheck", "photo", "check", str(path)], cwd=ROOT,
                         capture_output=True, text=True, env=env, timeout=300)
    assert "Corrupt JPEG" not in run.stderr and "Warning" not in run.stderr, run.stderr
    assert "file.readable" in run.stdout and "损坏" in run.stdout


# --- prepare: one bad item is one skipped item ---------------------------------------------------


def test_prepare_skips_bad_items_with_their_reasons_and_exports_the_rest(tmp_path):
    from photocheck.api import prepare

    root = tmp_path / "李四"
    root.mkdir()
    good = _report_pdf(tmp_path / "good.pdf", 2)
    _break_page(good, root / "学信网.pdf", 1)  # page 1 fine, page 2 broken
    Image.new("RGB", (1, 1), "white").save(root / "dot.png")
    frames = [Image.new("RGB", (64, 64), c) for c in ("white", "black")]
    frames[0].save(root / "anim.gif", save_all=True, append_images=frames[1:])
    os.mkfifo(root / "pipe.jpg")
    export = prepare(root, tmp_path / "out")
    reasons = {(Path(s.source).name, s.page): s.reason for s in export.skipped}
    assert "第 2 页已损坏" in reasons[("学信网.pdf", 1)]
    assert "图片太小" in reasons[("dot.png", None)]
    assert "报名照片" not in reasons[("anim.gif", None)] and "2 帧" in reasons[("anim.gif", None)]
    assert "不是普通文件" in reasons[("pipe.jpg", None)]
    assert ("学信网.pdf", 0) not in reasons  # the good page went on
    assert any(f.page == 0 for f in export.files)
    report = export.report_path.read_text(encoding="utf-8")
    assert "第 2 页已损坏" in report and "图片太小" in report and "不是普通文件" in report


def test_the_decode_the_pipeline_makes_collects_the_damage_without_another_pass(tmp_path, grace_hopper_path,
                                                                               monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from photocheck.io import decode

    data = bytearray(grace_hopper_path.read_bytes())
    for i in range(64):
        data[len(data) // 2 + i] ^= 0xFF
    path = tmp_path / "damaged.jpg"
    path.write_bytes(bytes(data))

    def no_second_pass(data: bytes) -> list[str]:
        raise AssertionError("the file was decoded once more only to look for damage")

    monkeypatch.setattr(decode, "_jpeg_damage", no_second_pass)
    damaged, clean = _open(path), _open(grace_hopper_path)
    # Two decodes at once (the pipeline's reduced and full-size ones): one collects, the other waits for it.
    with ThreadPoolExecutor(2) as threads:
        shapes = list(threads.map(lambda side: damaged.decode(side).rgb.shape, (None, 256)))
    assert shapes == [(600, 512, 3), (256, 218, 3)]
    assert damaged.info.damage and "Corrupt JPEG data" in damaged.info.damage[0]
    assert file_readable(damaged.info).status.value == "warn"
    clean.decode(256)
    assert clean.info.damage == () and file_readable(clean.info).status.value == "pass"
    # A material: its size is checked from the header, and its one full-size decode finds the damage.
    from photocheck.documents.fix import load_input

    doc = tmp_path / "doc.jpg"
    Image.fromarray(docgen.flat_document("diploma", seed=0).image).save(doc, quality=90)
    data = bytearray(doc.read_bytes())
    for i in range(64):
        data[len(data) // 2 + i] ^= 0xFF
    doc.write_bytes(bytes(data))
    loaded = load_input(doc, None, PROF)
    assert loaded.damage and "Corrupt JPEG data" in loaded.damage[0]


def test_a_damaged_jpeg_material_gets_a_warning_and_a_note(tmp_path):
    from photocheck.documents.fix import load_input

    path = tmp_path / "doc.jpg"
    Image.fromarray(docgen.flat_document("diploma", seed=0).image).save(path, quality=90)
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    for i in range(64):
        data[mid + i] ^= 0xFF
    path.write_bytes(bytes(data))
    loaded = load_input(path, None, PROF)
    assert loaded.damage and "Corrupt JPEG data" in loaded.damage[0]
    report = fix_material(path, tmp_path / "out")
    readable = next(c for c in report.checks if c.id == "material.readable")
    assert readable.status.value == "warn" and "损坏" in readable.message
    assert any("原文件有损坏" in n for n in report.notes)
