"""The one format sniffer: content decides, in the vocabulary profiles use."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from photocheck.io.sniff import FORMATS, NAMES, PILLOW_NAMES, sniff, sniff_file


def _encoded(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize(("pillow", "kind"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("BMP", "bmp"),
                                              ("TIFF", "tiff"), ("GIF", "gif")])
def test_images_written_by_pillow(pillow, kind):
    assert sniff(_encoded(pillow)) == kind
    if kind in FORMATS:
        assert PILLOW_NAMES[kind] == pillow


def test_containers_and_documents():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
    avif = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"
    assert sniff(heic) == "heif"
    assert sniff(avif) == "isobmff" and NAMES["isobmff"] == "AVIF/MP4/MOV"
    assert sniff(b"%PDF-1.7 two pages") == "pdf"
    assert sniff(b"8BPS\x00\x01") == "psd"
    assert sniff(b"plain text, not an image") is None
    assert sniff(b"") is None


def test_sniff_file_reads_only_the_start(tmp_path):
    path = tmp_path / "photo.pdf"  # the name says PDF; the content is a PNG
    path.write_bytes(_encoded("PNG"))
    assert sniff_file(path) == "png"
    with pytest.raises(OSError):
        sniff_file(tmp_path / "missing.jpg")
