"""Fuzzing the loaders, the PDF layer and the material entry points: the only exception that may
come out is UserError. Seeds are small real files written here (JPEG, PNG, WebP, BMP, TIFF, GIF,
PDFs); hypothesis flips bits, truncates, rewrites headers and size fields.

The normal run uses a short seeded budget; `make fuzz` sets PHOTOCHECK_FUZZ_EXAMPLES for a long
one. The module prints the cases run and the exceptions that escaped.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from photocheck.documents.fix import Timings, load_input, prepare, select_pages
from photocheck.errors import UserError
from photocheck.io import pdf
from photocheck.io.decode import Source
from photocheck.rules.profile import load_profile

EXAMPLES = int(os.environ.get("PHOTOCHECK_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 200, database=None,
                suppress_health_check=list(HealthCheck))
PROF = load_profile()
MAX_PIXELS = 4_000_000  # small, so a rewritten size cannot make one case take seconds
STATS = {"cases": 0, "escaped": 0}


def _image(fmt: str, **kw) -> bytes:
    rng = np.random.default_rng(len(fmt))
    rgb = np.full((48, 64, 3), 235, np.uint8)
    rgb[10:38:4, 8:56] = 30
    rgb = np.clip(rgb.astype(int) + rng.integers(-20, 20, rgb.shape), 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, fmt, **kw)
    return buf.getvalue()


def _gif_animated() -> bytes:
    buf = io.BytesIO()
    frames = [Image.new("P", (32, 32), i) for i in range(3)]
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


def _pdf(pages: int = 2) -> bytes:
    buf = io.BytesIO()
    ims = [Image.fromarray(np.full((60, 40, 3), 200 - 40 * i, np.uint8)) for i in range(pages)]
    ims[0].save(buf, "PDF", save_all=True, append_images=ims[1:], resolution=20)
    return buf.getvalue()


def _tiny_pdf() -> bytes:
    import tempfile

    from benchmarks.bounded_inputs import _pdf as write

    with tempfile.TemporaryDirectory() as tmp:
        return write(Path(tmp) / "p.pdf", 300, 400).read_bytes()


SEEDS = {
    "jpeg": _image("JPEG", quality=80),
    "jpeg_progressive": _image("JPEG", quality=70, progressive=True),
    "png": _image("PNG"),
    "webp": _image("WEBP", quality=60),
    "bmp": _image("BMP"),
    "tiff": _image("TIFF", compression="tiff_lzw"),
    "gif": _gif_animated(),
    "pdf": _pdf(),
    "pdf_tiny": _tiny_pdf(),
}
NAMES = sorted(SEEDS)
MAGICS = [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBP", b"BM", b"II*\0", b"MM\0*", b"GIF89a",
          b"%PDF-1.4\n", b"\0\0\0\x18ftypheic", b"8BPS"]


def _rewrite_size(data: bytearray, value: int, which: int) -> None:
    """Write `value` into a width/height field of whatever header this is."""
    if data.startswith(b"\x89PNG") and len(data) >= 24:
        struct.pack_into(">I", data, 16 + 4 * (which % 2), value)
    elif data.startswith(b"\xff\xd8"):
        m = re.search(rb"\xff[\xc0-\xc2]", bytes(data))
        if m and m.start() + 9 <= len(data):
            struct.pack_into(">H", data, m.start() + 5 + 2 * (which % 2), value & 0xFFFF)
    elif data.startswith(b"BM") and len(data) >= 26:
        signed = (value - (1 << 31) if which & 2 else value) & 0xFFFFFFFF  # negative heights flip a BMP
        struct.pack_into("<I", data, 18 + 4 * (which % 2), signed)
    elif data.startswith(b"%PDF"):
        text = bytes(data)
        m = re.search(rb"/MediaBox\s*\[\s*[-\d.]+\s+[-\d.]+\s+([-\d.]+)\s+([-\d.]+)", text)
        if m:
            span = m.span(1 + which % 2)
            new = str(value * (-1 if which & 2 else 1)).encode()
            data[span[0]:span[1]] = new
    elif len(data) >= 8:
        struct.pack_into("<I", data, 4 + (which % 4), value & 0xFFFFFFFF)


@st.composite
def mutated(draw) -> bytes:
    name = draw(st.sampled_from(NAMES))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "truncate", "header", "size", "splice", "zero"]))
        if not data:
            break
        if op == "flip":
            for _ in range(draw(st.integers(1, 64))):
                i = draw(st.integers(0, len(data) - 1))
                data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[draw(st.integers(0, len(data) - 1)):]
        elif op == "header":
            magic = draw(st.sampled_from(MAGICS))
            data[: len(magic)] = magic
        elif op == "size":
            value = draw(st.sampled_from([0, 1, 2, 7, 255, 10000, 65535, 1 << 20, (1 << 31) - 1, 1 << 31]))
            _rewrite_size(data, value, draw(st.integers(0, 3)))
        elif op == "splice":
            i = draw(st.integers(0, len(data) - 1))
            data[i:i] = draw(st.binary(min_size=1, max_size=32))
        else:
            i = draw(st.integers(0, len(data) - 1))
            data[i:i + draw(st.integers(1, 256))] = b"\0" * 16
    return bytes(data)


@pytest.fixture(scope="module")
def case_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    yield folder / "case.bin"
    print(f"\nfuzz: {STATS['cases']} cases run, {STATS['escaped']} exceptions escaped "
          f"(other than UserError)")


def _only_user_errors(fn) -> None:
    STATS["cases"] += 1
    try:
        fn()
    except UserError:
        pass
    except BaseException:
        STATS["escaped"] += 1
        raise


@FUZZ
@given(data=mutated())
def test_fuzz_image_loader(case_file, data):
    case_file.write_bytes(data)

    def run():
        for material in (False, True):
            try:
                src = Source.open(case_file, max_pixels=MAX_PIXELS, max_bytes=PROF.input.max_bytes,
                                  max_aspect=PROF.input.max_aspect_ratio, material=material)
            except UserError:
                continue
            src.decode(128)
            src.decode(None)

    _only_user_errors(run)


@FUZZ
@given(data=mutated())
def test_fuzz_pdf_layer(case_file, data):
    path = case_file.with_suffix(".pdf")
    path.write_bytes(data)

    def run():
        count = pdf.page_count(path, max_bytes=PROF.input.max_bytes)
        for index in range(min(count, 3)):
            with contextlib.suppress(UserError):  # one bad page: the next one must still render
                pdf.render_page(path, index, dpi=72, max_side=400, max_aspect=PROF.input.max_aspect_ratio)

    _only_user_errors(run)


@FUZZ
@given(data=mutated(), rotation=st.sampled_from([0, 90]))
def test_fuzz_material_entry_points(case_file, data, rotation):
    """select_pages, load_input and the geometry pipeline (rotation given, so no OCR): what
    fix_material runs before reading the text."""
    path = case_file.with_suffix(".pdf" if data.startswith(b"%PDF") else ".jpg")
    path.write_bytes(data)

    def run():
        for p, page in select_pages(path, None, PROF).items[:2]:
            loaded = load_input(p, page, PROF)
            prepare(loaded.rgb, rotation=rotation, corners=None, pdf=page is not None, timings=Timings())

    _only_user_errors(run)


def test_fuzz_seeds_are_valid_files(tmp_path):
    """The seeds themselves load: the mutations start from real files."""
    for name, data in SEEDS.items():
        path = tmp_path / name
        path.write_bytes(data)
        if name.startswith("pdf"):
            assert pdf.page_count(path) >= 1
        elif name != "gif":
            assert Source.open(path, max_pixels=MAX_PIXELS).decode().rgb.shape == (48, 64, 3)
