"""Legibility-first compression under a byte cap: real encodes, OCR-verified where it matters."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from photocheck.documents.compress import (
    Compressed,
    agreement,
    compress_document,
    line_height,
    seal_free,
)
from photocheck.rules.profile import load_profile
from tests import docgen

CAP = 200_000


def _compress(rgb: np.ndarray, max_bytes: int, **options) -> Compressed:
    """compress_document with the default profile's materials rules."""
    rules = load_profile().materials
    assert rules is not None
    return compress_document(rgb, max_bytes, floor_quality=rules.floor_quality,
                             min_legibility=rules.checks.min_legibility, **options)


def _decode(c: Compressed) -> Image.Image:
    im = Image.open(io.BytesIO(c.data))
    im.load()
    return im


def _noisy_scan(rgb: np.ndarray, factor: float, seed: int = 0) -> np.ndarray:
    """A rectified high-resolution capture: upsampled, a little soft, with sensor noise."""
    import cv2

    big = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    big = cv2.GaussianBlur(big.astype(np.float32), (0, 0), 0.4 * factor)
    big += np.random.default_rng(seed).normal(0, 3.0, big.shape)
    return np.clip(big, 0, 255).round().astype(np.uint8)


def _ocr(rgb: np.ndarray) -> str:
    from photocheck.documents.ocr import plain_text, read_text

    return plain_text(read_text(rgb))


def _slow_levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def test_agreement_is_one_minus_normalised_edit_distance():
    assert agreement("kitten", "sitting") == pytest.approx(1 - 3 / 7)
    assert agreement("证书编号：1234", "证书 编号: 1234") == pytest.approx(1 - 1 / 9)
    assert agreement(" a\nb ", "ab") == 1.0
    assert agreement("", "") == 1.0 and agreement("abc", "") == 0.0
    rng = np.random.default_rng(5)
    alphabet = "学历证书编号01"
    for _ in range(30):
        a = "".join(rng.choice(list(alphabet), rng.integers(0, 25)))
        b = "".join(rng.choice(list(alphabet), rng.integers(1, 25)))
        assert agreement(a, b) == pytest.approx(1 - _slow_levenshtein(a, b) / max(len(a), len(b)))


@pytest.mark.slow
def test_scanned_page_fits_and_stays_legible():
    page = docgen.scanned_page()
    out = _compress(page, CAP, min_text_px=20, score=_ocr, allow_grey=True,
                            allow_png=True)
    assert len(out.data) <= CAP
    assert out.legibility is not None and out.legibility >= 0.95
    assert (out.width, out.height) == (page.shape[1], page.shape[0])  # it fits: no resize


@pytest.mark.slow
def test_large_noisy_certificate_fits_and_stays_legible():
    from photocheck.documents.ocr import plain_text, read_text

    scan = _noisy_scan(docgen.flat_document("diploma", seed=2).image, 2.0)
    naive = io.BytesIO()
    Image.fromarray(scan).save(naive, "JPEG", quality=95)
    assert len(naive.getvalue()) > 2 * CAP  # the cap really bites
    lines = read_text(seal_free(scan))
    out = _compress(scan, CAP, min_text_px=20, reference=plain_text(lines), score=_ocr,
                            allow_grey=True, allow_png=True, text_px=line_height(lines))
    assert len(out.data) <= CAP
    assert out.legibility is not None and out.legibility >= 0.95
    im = _decode(out)
    assert im.format == "JPEG" and out.format == "jpeg"
    assert "progressive" not in im.info and "progression" not in im.info  # baseline
    assert "exif" not in im.info and "icc_profile" not in im.info
    assert not out.grey  # the red seal keeps it in colour


def _red_share(rgb: np.ndarray, stamp: docgen.Stamp, scale: float) -> float:
    cx, cy, r = (int(v * scale) for v in (*stamp.center, stamp.radius))
    box = rgb[cy - r : cy + r, cx - r : cx + r].astype(np.int16)
    red = (box[..., 0] - np.maximum(box[..., 1], box[..., 2])) > 60
    return float(red.mean())


def test_colour_stamped_certificate_stays_colour():
    doc = docgen.flat_document("degree", seed=4)
    scan = _noisy_scan(doc.image, 2.0, seed=4)
    out = _compress(scan, CAP, min_text_px=20, allow_grey=True, allow_png=True)
    assert len(out.data) <= CAP and not out.grey and out.legibility is None
    decoded = np.asarray(_decode(out).convert("RGB"))
    before = _red_share(scan, doc.stamp, 2.0)
    after = _red_share(decoded, doc.stamp, out.width / doc.image.shape[1])
    assert before > 0.05
    assert after > 0.6 * before


@pytest.fixture(scope="module")
def text_page() -> np.ndarray:
    """Black print on white paper, no colour at all: 1654 x 2339 (A4 at 200 dpi)."""
    im = Image.new("RGB", (1654, 2339), (255, 255, 255))
    d = ImageDraw.Draw(im)
    font = docgen._font(30)
    chars = "医师资格考试报名材料审核学历证书验证报告教育部注册备案表"
    rng = np.random.default_rng(1)
    for row in range(50):
        line = "".join(rng.choice(list(chars), 44))
        d.text((100, 100 + row * 44), line, font=font, fill=(0, 0, 0))
    return np.asarray(im).copy()


def test_text_only_page_drops_colour(text_page):
    out = _compress(text_page, CAP, min_text_px=20, allow_grey=True, allow_png=True)
    assert len(out.data) <= CAP
    assert out.grey or out.palette
    decoded = np.asarray(_decode(out).convert("RGB")).astype(np.int16)
    assert np.abs(decoded[..., 0] - decoded[..., 2]).max() <= 2  # no chroma left


def test_colour_only_jpeg_when_grey_and_png_are_not_allowed(text_page):
    out = _compress(text_page, 60_000, min_text_px=20, allow_grey=False,
                            allow_png=False)
    assert out.format == "jpeg" and not out.grey and not out.palette
    assert len(out.data) <= 60_000
    assert _decode(out).mode == "RGB"
    assert (out.width, out.height) == _decode(out).size


def test_sample_predicts_full_size_bytes():
    from photocheck.documents import compress

    scan = _noisy_scan(docgen.flat_document("xuexin_report", seed=3).image, 2.0, seed=3)
    level = compress._level(scan, 1.0, grey=False)
    assert level.sample is not level.page
    assert 0.1 < 1 / level.area_ratio < 0.2  # about SAMPLE_SHARE of the page
    mode = compress._Mode(False, 2, None)
    for q in (40, 80):
        full = len(compress._encode(level.page, mode, q))
        assert level.predicted_bytes(mode, q) == pytest.approx(full, rel=0.08)


def test_jpeg_header_ends_after_the_scan_header():
    from photocheck.documents import compress

    page = np.ascontiguousarray(_noisy_scan(docgen.flat_document("id_front", seed=1).image, 1.0)[:, :, ::-1])
    data = compress._encode(page, compress._Mode(False, 2, None), 80)
    sos = data.index(b"\xff\xda")
    assert compress._header_bytes(data) == sos + 2 + int.from_bytes(data[sos + 2 : sos + 4], "big")
    assert compress._header_bytes(b"\x89PNG\r\n\x1a\n") == 0


def test_chroma_at_full_resolution_only_with_bytes_to_spare():
    from PIL import JpegImagePlugin

    card = docgen.flat_document("id_front", seed=2).image  # small: q95 fits many times over
    roomy = _compress(card, CAP, min_text_px=10, allow_grey=False, allow_png=False)
    assert roomy.quality == 95 and JpegImagePlugin.get_sampling(_decode(roomy)) == 0  # 4:4:4
    scan = _noisy_scan(docgen.flat_document("degree", seed=4).image, 2.0, seed=4)
    tight = _compress(scan, CAP, min_text_px=20, allow_grey=False, allow_png=False)
    assert tight.quality < 95 and JpegImagePlugin.get_sampling(_decode(tight)) == 2  # 4:2:0
    assert len(tight.data) <= CAP
