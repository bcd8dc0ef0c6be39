"""PDF rendering through pypdfium2: sizes, page order, bad files, non-ASCII paths, threads."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photocheck.io import pdf
from tests import docgen

DPI = 96  # docgen draws A4 reports at 794 x 1123 px, i.e. 96 dpi


@pytest.fixture(scope="module")
def report_pages() -> list[np.ndarray]:
    """Three 学信网-style report pages, each from another seed so the pages differ."""
    return [docgen.flat_document("xuexin_report", seed=s).image for s in range(3)]


def _write_pdf(pages: list[np.ndarray], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ims = [Image.fromarray(p) for p in pages]
    ims[0].save(path, "PDF", save_all=True, append_images=ims[1:], resolution=DPI)
    return path


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory, report_pages) -> Path:
    # Chinese characters and spaces in both the folder and the file name.
    folder = tmp_path_factory.mktemp("pdf") / "学信网 报告"
    return _write_pdf(report_pages, folder / "学籍 在线验证报告.pdf")


def _diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def test_every_page_renders_at_the_requested_dpi_in_order(report_pdf, report_pages):
    assert pdf.page_count(report_pdf) == 3
    rendered = list(pdf.render_pages(report_pdf, dpi=DPI, max_side=4000))
    assert [i for i, _ in rendered] == [0, 1, 2]
    for (_, page), source in zip(rendered, report_pages, strict=True):
        assert page.shape == source.shape and page.dtype == np.uint8
        # Each page matches its own source far better than the other pages (right order); the
        # residue is the JPEG that Pillow embeds.
        others = [_diff(page, s) for s in report_pages if s is not source]
        own = _diff(page, source)
        assert own < 1.0
        assert own < 0.5 * min(others)


def test_dpi_scales_and_max_side_caps_the_long_side(report_pdf):
    double = pdf.render_page(report_pdf, 1, dpi=2 * DPI, max_side=10_000)
    assert double.shape[:2] == (2 * 1123, 2 * 794)
    capped = pdf.render_page(report_pdf, 1, dpi=2 * DPI, max_side=1000)
    assert max(capped.shape[:2]) == 1000
    assert capped.shape[1] == pytest.approx(1000 * 794 / 1123, abs=1)


def test_page_index_out_of_range(report_pdf):
    with pytest.raises(IndexError):
        pdf.render_page(report_pdf, 3, dpi=DPI, max_side=2000)


def test_encrypted_pdf_is_reported_with_a_chinese_hint(report_pdf, tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=report_pdf)
    writer.encrypt(user_password="考生", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "加密 报告.pdf"
    with open(locked, "wb") as f:
        writer.write(f)
    with pytest.raises(pdf.PdfError) as err:
        pdf.page_count(locked)
    assert err.value.code == "encrypted"
    assert "密码" in err.value.message and "不加密" in err.value.message
    assert err.value.message_en and err.value.path == locked
    with pytest.raises(pdf.PdfError):
        next(pdf.render_pages(locked, dpi=DPI, max_side=2000))


def test_truncated_and_garbage_files_are_corrupt(report_pdf, tmp_path):
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(report_pdf.read_bytes()[:1500])
    png_named_pdf = tmp_path / "scan.pdf"
    buf = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(buf, "PNG")
    png_named_pdf.write_bytes(buf.getvalue())
    for bad in (truncated, png_named_pdf):
        with pytest.raises(pdf.PdfError) as err:
            pdf.page_count(bad)
        assert err.value.code == "corrupt"
        assert "损坏" in err.value.message


def test_pdf_without_pages_is_empty(tmp_path):
    import pypdfium2

    doc = pypdfium2.PdfDocument.new()
    buf = io.BytesIO()
    doc.save(buf)
    doc.close()
    empty = tmp_path / "空白.pdf"
    empty.write_bytes(buf.getvalue())
    with pytest.raises(pdf.PdfError) as err:
        pdf.page_count(empty)
    assert err.value.code == "empty"


def test_concurrent_renders_match_a_serial_render(report_pdf):
    expected = pdf.render_page(report_pdf, 2, dpi=DPI, max_side=4000)
    results: list[np.ndarray] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _, page in pdf.render_pages(report_pdf, dpi=DPI, max_side=4000):
                results.append(page)
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 9
    assert sum(np.array_equal(r, expected) for r in results) == 3
