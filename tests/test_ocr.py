"""OCR wrapper: real PP-OCR models on generated documents and a real scan, network blocked."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import numpy as np
import pytest

from photocheck.documents.ocr import TextLine, detect_lines, plain_text, read_text, recognize_lines
from tests.docgen import flat_document, scanned_page


def _squash(s: str) -> str:
    """Spaces and the colon's width are not what a reviewer checks."""
    return re.sub(r"\s+", "", s).replace(":", "：")


@pytest.fixture(scope="module")
def diploma():
    return flat_document("diploma", seed=4)


def test_reads_certificate_number_exactly(diploma):
    lines = read_text(diploma.image)
    assert all(isinstance(ln, TextLine) and ln.box.shape == (4, 2) for ln in lines)
    assert all(ln.box.dtype == np.float32 and 0.5 <= ln.score <= 1.0 for ln in lines)
    assert _squash(diploma.number) in {_squash(ln.text) for ln in lines}


def test_reads_a_known_word_on_a_real_scan():
    text = plain_text(read_text(scanned_page()))
    assert "Region-based segmentation" in text
    assert "background" in text


def test_lines_come_in_reading_order():
    doc = flat_document("xuexin_report", seed=2)
    lines = read_text(doc.image)
    tops = [float(ln.box[:, 1].min()) for ln in lines]
    text = plain_text(lines)
    assert text.index("教育部学籍在线验证报告") < text.index("姓名") < text.index("在线验证码")
    for a, b in pairwise(lines):  # rows go down; within a row, rightwards
        dy = float(b.box[:, 1].mean() - a.box[:, 1].mean())
        if abs(dy) < 0.5 * float(np.ptp(a.box[:, 1])):
            assert b.box[:, 0].min() > a.box[:, 0].min()
        else:
            assert dy > 0
    assert tops[0] <= min(tops) + 1


def test_direction_classifier_reads_an_upside_down_page(diploma):
    upside_down = np.ascontiguousarray(diploma.image[::-1, ::-1])
    plain = {_squash(ln.text) for ln in read_text(upside_down)}
    classified = {_squash(ln.text) for ln in read_text(upside_down, classify=True)}
    assert _squash(diploma.number) not in plain
    assert _squash(diploma.number) in classified


def test_detect_then_recognize_matches_the_full_reader(diploma):
    boxes = detect_lines(diploma.image)
    assert len(boxes) >= len(diploma.lines) - 1
    top = min(boxes, key=lambda b: float(b[:, 1].min()))
    x0, y0 = top.min(axis=0).astype(int)
    x1, y1 = top.max(axis=0).astype(int)
    [(text, score)] = recognize_lines([diploma.image[y0:y1, x0:x1]])
    assert text == diploma.lines[0] and score > 0.9


def test_threads_get_the_same_answer():
    page = scanned_page()
    with ThreadPoolExecutor(max_workers=2) as pool:
        texts = list(pool.map(lambda img: plain_text(read_text(img)), [page, page]))
    assert texts[0] == texts[1] == plain_text(read_text(page))
