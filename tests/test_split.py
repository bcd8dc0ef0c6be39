"""A dense page no single file under the cap keeps legible goes up in parts; a page with a
handful of characters is judged with the little evidence it gives."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from PIL import Image

from photocheck.documents.checks import material_legibility
from photocheck.documents.compress import agreement, agreement_bound, legible
from photocheck.documents.fix import Choices, _may_split, process
from photocheck.documents.ocr import TextLine, read_text
from photocheck.documents.split import bands, lines_within, on_page
from photocheck.export.prepare import Placed, _names, _over_count
from photocheck.reports import MaterialReport, OutputFile
from photocheck.rules.profile import resolve_profile
from tests import docgen

PROFILE = resolve_profile("nmec-2026-hubei")
SPEC = PROFILE.materials
CHECKS = SPEC.checks


def test_a_handful_of_characters_is_not_refused_on_a_coin_toss():
    # One character of 18 read differently: 0.944 against 0.95 says nothing about legibility.
    assert legible(17 / 18, 18, CHECKS.min_legibility, CHECKS.legibility_z)
    check = material_legibility(17 / 18, CHECKS.min_legibility, chars=18, z=CHECKS.legibility_z)
    assert not check.failed and "18" in check.message
    # The same agreement over a page of text is evidence: refused.
    assert not legible(17 / 18, 2000, CHECKS.min_legibility, CHECKS.legibility_z)
    assert material_legibility(17 / 18, CHECKS.min_legibility, chars=2000, z=CHECKS.legibility_z).failed
    assert material_legibility(0.93, CHECKS.min_legibility, chars=200, z=CHECKS.legibility_z).failed
    # A lost key field outweighs the benefit of the doubt.
    assert material_legibility(17 / 18, CHECKS.min_legibility, chars=18, z=CHECKS.legibility_z,
                               fields_kept=False).failed
    # The bound narrows as text grows and never goes below what was seen.
    bounds = [agreement_bound(0.9, n, 1.0) for n in (5, 50, 500, 5000)]
    assert bounds == sorted(bounds, reverse=True) and min(bounds) > 0.9


def _line(y0: float, y1: float) -> TextLine:
    return TextLine("字", 1.0, np.array([[10, y0], [90, y0], [90, y1], [10, y1]], np.float32))


def test_bands_cut_between_lines_with_an_overlap():
    lines = [_line(y, y + 20) for y in range(10, 1000, 30)]  # a line every 30 px, 10 px gaps
    parts = bands(1000, [ln.box for ln in lines], 3, 0.03)
    assert len(parts) == 3 and parts[0][0] == 0 and parts[-1][1] == 1000
    for (_, b), (a, _) in itertools.pairwise(parts):
        assert b - a >= 2 * 30 - 2  # each band reaches 3 % of the page past its cut
    inked = np.zeros(1000, bool)
    for ln in lines:
        inked[int(ln.box[0, 1]):int(ln.box[2, 1])] = True
    for (_, b), (a, _) in itertools.pairwise(parts):
        assert not inked[(a + b) // 2]  # cut in a gap, not through a line
    # Every line is whole in some band, and maps back to where it was.
    for ln in lines:
        assert any(ln.box[:, 1].min() >= a and ln.box[:, 1].max() <= b for a, b in parts)
    a, b = parts[1]
    inside = lines_within(lines, a, b)
    assert inside and np.allclose(on_page(inside, a, 1.0)[0].box, next(
        ln.box for ln in lines if ln.box[:, 1].min() >= a))


def test_categories_with_fixed_counts_do_not_split():
    assert not _may_split(SPEC.category("identity"), SPEC)  # 正面/反面: one file each
    assert _may_split(SPEC.category("other"), SPEC)


@pytest.fixture(scope="module")
def dense_split(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dense")
    doc = docgen.dense_page(rows=30, cols=30, size=20)
    src = folder / "dense.png"
    # On a dark scanner lid, so the page's edges are found and nothing of it is cut off.
    Image.fromarray(np.pad(doc.image, ((40, 40), (40, 40), (0, 0)), constant_values=90)).save(src)
    cap = 40_000  # a whole file this small is either unreadable or its text under min_text_px
    cats = tuple(dataclasses.replace(c, max_bytes=cap) if c.id == "other" else c for c in SPEC.categories)
    prof = dataclasses.replace(PROFILE, materials=dataclasses.replace(SPEC, categories=cats))
    report, _ = process(src, folder / "out", Choices(category="other"), profile=prof)
    return report, cap, doc


@pytest.mark.xdist_group("dense_split")
@pytest.mark.slow  # OCR of a dense page split and re-read part by part
def test_a_dense_page_that_cannot_fit_whole_is_split_into_legible_parts(dense_split):
    report, cap, doc = dense_split
    assert report.ok, [c.message for c in report.failures]
    assert len(report.parts) >= 2 and report.output == report.parts[0]
    assert [o.path.stem for o in report.parts] == [f"out_{i + 1}" for i in range(len(report.parts))]
    assert all(o.path.is_file() and o.bytes <= cap for o in report.parts)
    assert report.legibility is not None and report.legibility >= CHECKS.min_legibility
    assert any(f"分成 {len(report.parts)} 张" in n for n in report.notes)
    # In reading order: the first part starts with the page's first line, the last ends with its last.
    first, last = (read_text(np.asarray(Image.open(o.path).convert("RGB")))
                   for o in (report.parts[0], report.parts[-1]))
    assert agreement(doc.lines[0], first[0].text) > 0.9 and agreement(doc.lines[-1], last[-1].text) > 0.9


def _placed(report: MaterialReport, slot=None) -> Placed:
    from pathlib import Path

    from photocheck.export.prepare import InputItem

    return Placed(InputItem(Path("x.jpg"), "x.jpg", None, "0", None), report, report.category, slot)


@pytest.mark.xdist_group("dense_split")
@pytest.mark.slow  # shares the dense page's OCR-heavy split
def test_parts_are_numbered_in_order_and_refused_past_a_fixed_count(dense_split):
    report, _, _ = dense_split
    other = SPEC.category("other")
    plain = dataclasses.replace(report, parts=[], output=OutputFile(report.output.path, 1, 1, 1, 90))
    named = _names(other, [_placed(plain), _placed(report)])
    assert [stems for _, _, stems in named] == [["1"], [str(i + 2) for i in range(len(report.parts))]]
    capped = dataclasses.replace(other, max_count=2)
    assert _over_count(capped, [_placed(plain), _placed(report)]) == [_placed(report)]
    assert _over_count(other, [_placed(plain), _placed(report)]) == []
