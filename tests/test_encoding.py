"""Encoding: the best JPEG under a byte cap, what the file contains, and atomic writes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from photocheck.errors import UserError
from photocheck.io.decode import Source
from photocheck.io.write import write_atomic
from photocheck.photo.jpeg import EncodeError, encode_jpeg, encode_jpeg_under

SEARCH = {"min_quality": 70, "max_quality": 95, "floor_quality": 30}


def _portrait(rgb: np.ndarray) -> np.ndarray:
    """Centre crop at 390:567, resized to 390x567: the size of the upload photo."""
    h, w = rgb.shape[:2]
    cw = min(w, round(h * 390 / 567))
    ch = round(cw * 567 / 390)
    x, y = (w - cw) // 2, (h - ch) // 2
    return np.ascontiguousarray(cv2.resize(rgb[y : y + ch, x : x + cw], (390, 567),
                                           interpolation=cv2.INTER_AREA))


@pytest.fixture(scope="module")
def portrait(astronaut_rgb) -> np.ndarray:
    return _portrait(astronaut_rgb)


@pytest.fixture(scope="module")
def noisy_portrait(grace_hopper_rgb) -> np.ndarray:
    rng = np.random.default_rng(7)
    base = _portrait(grace_hopper_rgb).astype(np.int16)
    return np.clip(base + rng.normal(0, 14, base.shape), 0, 255).astype(np.uint8)


def _jpeg_segments(data: bytes) -> list[int]:
    """Marker bytes of the header segments, up to the start of scan."""
    markers, pos = [], 2
    while True:
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:
            return markers
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")


def test_output_is_a_clean_baseline_jpeg(tmp_path, portrait):
    enc = encode_jpeg_under(portrait, 30_000, **SEARCH)
    assert len(enc.data) <= 30_000
    assert (enc.width, enc.height) == (390, 567)
    path = tmp_path / "out.jpg"
    write_atomic(path, enc.data)
    info = Source.open(path, max_pixels=10**7).info
    assert (info.format, info.mode, info.progressive, info.subsampling) == (
        "JPEG", "RGB", False, "4:2:0")
    assert not info.has_metadata and not info.has_icc
    segments = _jpeg_segments(enc.data)
    assert segments[0] == 0xE0 and enc.data[6:11] == b"JFIF\0"  # JFIF header first
    assert 0xC0 in segments  # SOF0: baseline
    assert not {0xC1, 0xC2, 0xE1, 0xE2, 0xED, 0xEE, 0xFE} & set(segments)  # no EXIF/XMP/ICC/COM
    with Image.open(io.BytesIO(enc.data)) as im:
        assert len(im.getbands()) == 3 and im.bits == 8


def test_optimised_huffman_is_smaller_and_still_baseline(portrait):
    buf = io.BytesIO()
    Image.fromarray(portrait).save(buf, "JPEG", quality=80)
    ours = encode_jpeg(portrait, 80)
    assert len(ours) < len(buf.getvalue())
    assert 0xC0 in _jpeg_segments(ours)


@pytest.mark.parametrize("cap", [18_000, 25_000, 30_000, 45_000])
def test_chosen_quality_is_the_highest_that_fits(portrait, cap):
    enc = encode_jpeg_under(portrait, cap, min_quality=30, max_quality=95, floor_quality=30)
    assert len(enc.data) <= cap
    assert not enc.denoised
    assert enc.data == encode_jpeg(portrait, enc.quality)
    if enc.quality < 95:
        assert len(encode_jpeg(portrait, enc.quality + 1)) > cap


def test_max_quality_when_everything_fits(portrait):
    enc = encode_jpeg_under(portrait, 10**7, **SEARCH)
    assert enc.quality == 95 and not enc.denoised


def test_denoise_when_the_cap_is_tight_protects_the_face(noisy_portrait):
    protect = np.zeros(noisy_portrait.shape[:2], bool)
    protect[120:330, 110:280] = True
    plain = encode_jpeg_under(noisy_portrait, 30_000, min_quality=30, max_quality=95,
                              floor_quality=30)
    assert plain.quality < 70  # the noise really makes the cap tight
    enc = encode_jpeg_under(noisy_portrait, 30_000, protect=protect, **SEARCH)
    assert enc.denoised and enc.quality > plain.quality
    assert len(enc.data) <= 30_000


def test_denoise_leaves_protected_pixels_byte_identical(noisy_portrait, monkeypatch):
    import photocheck.photo.jpeg as encoding

    protect = np.zeros(noisy_portrait.shape[:2], bool)
    protect[120:330, 110:280] = True
    seen: list[np.ndarray] = []
    real = encoding.encode_jpeg

    def spy(rgb, quality, **kw):
        seen.append(rgb)
        return real(rgb, quality, **kw)

    monkeypatch.setattr(encoding, "encode_jpeg", spy)
    enc = encode_jpeg_under(noisy_portrait, 30_000, protect=protect, **SEARCH)
    assert enc.denoised
    cleaned = [img for img in seen if img is not noisy_portrait]
    assert cleaned
    for img in cleaned:
        assert np.array_equal(img[protect], noisy_portrait[protect])
        assert not np.array_equal(img[~protect], noisy_portrait[~protect])


def test_impossible_cap_raises_with_advice(portrait):
    with pytest.raises(EncodeError) as info:
        encode_jpeg_under(portrait, 500, **SEARCH)
    assert "500" in info.value.message and "背景" in info.value.message
    assert info.value.message_en


def test_rejects_non_rgb_input():
    with pytest.raises(ValueError):
        encode_jpeg(np.zeros((10, 10), np.uint8), 80)


def _leftovers(folder: Path, keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != keep)


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path):
    path = tmp_path / "照片 输出.jpg"
    write_atomic(path, b"first")
    write_atomic(path, b"second")
    assert path.read_bytes() == b"second"
    assert _leftovers(tmp_path, path.name) == []
    # Same permissions as a file created the ordinary way (umask decides, not mkstemp's 0600).
    ordinary = tmp_path / "ordinary"
    ordinary.write_bytes(b"x")
    assert path.stat().st_mode == ordinary.stat().st_mode


def test_write_atomic_failure_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(UserError, match="disk full") as err:
        write_atomic(path, b"new" * 1000)
    assert err.value.path == path  # the user's file, never the temporary one
    assert path.read_bytes() == b"old"
    assert _leftovers(tmp_path, path.name) == []


def test_write_atomic_creates_no_folders(tmp_path):
    with pytest.raises(UserError) as err:
        write_atomic(tmp_path / "missing" / "photo.jpg", b"x")
    assert err.value.path == tmp_path / "missing" / "photo.jpg"
    assert not (tmp_path / "missing").exists()
