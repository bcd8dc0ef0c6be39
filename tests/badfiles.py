"""Writers for the bad and odd input files the tests feed to the loader and the CLI.

Each function writes one file (or a set) into `folder` and returns its path. Base pixels come
from the caller (the conftest fixtures), so every file is made fresh from real images.
Note: Pillow always writes CMYK JPEGs the Adobe way (inverted, APP14 marker); the plain
variant is made by writing pre-inverted data and dropping the APP14 segment.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

# Inverse of the transform each EXIF orientation asks the viewer to apply.
_INVERSE = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
# Adobe RGB (1998) colorants, D50-adapted as in Adobe's own profile; sRGB's for comparison.
ADOBE_RGB_PRIMARIES = ((0.6097, 0.3111, 0.0195), (0.2053, 0.6257, 0.0609),
                       (0.1492, 0.0632, 0.7446))
SRGB_PRIMARIES = ((0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141))


def _jpeg(rgb: np.ndarray, path: Path, **save_args) -> Path:
    Image.fromarray(rgb).save(path, "JPEG", quality=92, **save_args)
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "empty.jpg"
    path.write_bytes(b"")
    return path


def truncated_jpeg(folder: Path, src: Path, keep: float = 0.6) -> Path:
    data = src.read_bytes()
    path = folder / "truncated.jpg"
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def text_as_jpg(folder: Path) -> Path:
    path = folder / "notes.jpg"
    path.write_text("这不是照片 / this is not a photo\n", encoding="utf-8")
    return path


def head_cut_off(folder: Path, rgb: np.ndarray) -> Path:
    """The top of the head cut off by the frame: no fix helps, the candidate needs a retake."""
    return _jpeg(np.ascontiguousarray(rgb[150:]), folder / "cut.jpg")


def pdf_file(folder: Path) -> Path:
    path = folder / "report.jpg"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(folder: Path, side: int = 20000) -> Path:
    """A valid all-black 1-bit PNG of side x side pixels: a few dozen KB on disk, side² pixels
    once decoded."""
    comp = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed bits
    idat = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path = folder / "huge.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
                     + _png_chunk(b"IEND", b""))
    return path


def corrupt_png(folder: Path, rgb: np.ndarray) -> Path:
    """Header intact, compressed pixel data overwritten with junk."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    start = data.index(b"IDAT") + 4
    data[start + 2 : start + 2002] = bytes(range(250)) * 8
    path = folder / "corrupt.png"
    path.write_bytes(bytes(data))
    return path


def _drop_jpeg_segment(data: bytes, marker: int) -> bytes:
    """Remove every segment with this marker from the header (before the scan data)."""
    out, pos = bytearray(data[:2]), 2
    while data[pos + 1] != 0xDA:  # SOS: entropy-coded data follows
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if data[pos + 1] != marker:
            out += data[pos : pos + 2 + length]
        pos += 2 + length
    return bytes(out + data[pos:])


def cmyk_jpeg(folder: Path, rgb: np.ndarray, *, adobe: bool = True) -> Path:
    """adobe=True: Photoshop-style inverted CMYK with APP14. adobe=False: plain CMYK values and
    no APP14 (what some print workflows write)."""
    cmyk = np.asarray(Image.fromarray(rgb).convert("CMYK"))
    buf = io.BytesIO()
    if adobe:
        Image.fromarray(cmyk, "CMYK").save(buf, "JPEG", quality=92)
        data = buf.getvalue()
    else:
        # Pillow inverts on save, so pre-inverting stores plain values; then drop APP14.
        Image.fromarray(255 - cmyk, "CMYK").save(buf, "JPEG", quality=92)
        data = _drop_jpeg_segment(buf.getvalue(), 0xEE)
    path = folder / ("cmyk-adobe.jpg" if adobe else "cmyk-plain.jpg")
    path.write_bytes(data)
    return path


def png16(folder: Path, rgb: np.ndarray, *, grey: bool) -> Path:
    """16 bits per sample: greyscale (Pillow mode I;16) or 48-bit RGB (written by OpenCV)."""
    import cv2

    wide = rgb.astype(np.uint16) * 257  # 8-bit v -> 16-bit v*257: high byte is v again
    if grey:
        lum = np.asarray(Image.fromarray(rgb).convert("L")).astype(np.uint16) * 257
        path = folder / "grey16.png"
        Image.fromarray(lum).save(path, "PNG")
        return path
    ok, enc = cv2.imencode(".png", np.ascontiguousarray(wide[..., ::-1]))
    assert ok
    path = folder / "rgb48.png"
    path.write_bytes(enc.tobytes())
    return path


def animated_gif(folder: Path, rgb: np.ndarray, frames: int = 3) -> Path:
    base = Image.fromarray(rgb)
    seq = [base.rotate(10 * i) for i in range(frames)]
    path = folder / "animated.gif"
    seq[0].save(path, "GIF", save_all=True, append_images=seq[1:], duration=100, loop=0)
    return path


def still_gif(folder: Path, rgb: np.ndarray) -> Path:
    path = folder / "still.jpg"
    Image.fromarray(rgb).save(path, "GIF")
    return path


def heic(folder: Path, rgb: np.ndarray) -> Path:
    import pillow_heif

    path = folder / "phone.heic"
    pillow_heif.from_pillow(Image.fromarray(rgb)).save(path, quality=90)
    return path


def webp_as_jpg(folder: Path, rgb: np.ndarray) -> Path:
    path = folder / "webp-really.jpg"
    Image.fromarray(rgb).save(path, "WEBP", quality=95)
    return path


def rgba_png_as_jpg(folder: Path, rgb: np.ndarray) -> Path:
    """Left half fully transparent, right half opaque."""
    alpha = np.full(rgb.shape[:2], 255, np.uint8)
    alpha[:, : rgb.shape[1] // 2] = 0
    path = folder / "rgba-really.jpg"
    Image.fromarray(np.dstack([rgb, alpha]), "RGBA").save(path, "PNG")
    return path


def palette_png_transparent(folder: Path, rgb: np.ndarray) -> Path:
    """Palette PNG whose index 0 is transparent; the top 50 rows use it."""
    pal = Image.fromarray(rgb).quantize(colors=255)
    idx = np.asarray(pal) + 1  # shift so index 0 is free for the transparent entry
    idx[:50] = 0
    out = Image.fromarray(idx.astype(np.uint8), "P")
    out.putpalette([0, 0, 0, *pal.getpalette()[: 255 * 3]])
    path = folder / "palette.png"
    out.save(path, "PNG", transparency=0)
    return path


def grey_jpeg(folder: Path, rgb: np.ndarray) -> Path:
    path = folder / "grey.jpg"
    Image.fromarray(rgb).convert("L").save(path, "JPEG", quality=92)
    return path


def oriented_jpegs(folder: Path, rgb: np.ndarray) -> dict[int, Path]:
    """One JPEG per EXIF orientation 1..8; each looks like `rgb` once its orientation is applied."""
    paths = {}
    for orientation, inverse in _INVERSE.items():
        im = Image.fromarray(rgb)
        stored = im if inverse is None else im.transpose(inverse)
        exif = Image.Exif()
        exif[0x0112] = orientation
        path = folder / f"orientation-{orientation}.jpg"
        stored.save(path, "JPEG", quality=95, exif=exif.tobytes())
        paths[orientation] = path
    return paths


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz(xyz: tuple[float, float, float]) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in xyz)


def rgb_icc_profile(primaries: tuple[tuple[float, float, float], ...], gamma: float,
                    name: str) -> bytes:
    """A minimal ICC v2 matrix/TRC display profile (D50 PCS) from colorants and a pure gamma."""
    desc_ascii = name.encode("ascii") + b"\0"
    desc = (b"desc\0\0\0\0" + struct.pack(">I", len(desc_ascii)) + desc_ascii
            + b"\0" * 8 + b"\0" * 3 + b"\0" * 67)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"
    tags = [(b"desc", desc), (b"cprt", b"text\0\0\0\0public domain\0"),
            (b"wtpt", _xyz((0.9642, 1.0, 0.8249))),
            (b"rXYZ", _xyz(primaries[0])), (b"gXYZ", _xyz(primaries[1])),
            (b"bXYZ", _xyz(primaries[2])),
            (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for sig, data in tags:
        padded = data + b"\0" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += padded
    size = offset + len(body)
    header = (struct.pack(">I", size) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ "
              + struct.pack(">6H", 2026, 1, 1, 0, 0, 0) + b"acsp" + b"\0" * 24
              + struct.pack(">I", 0) + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + b"\0" * 48)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def icc_jpeg(folder: Path, rgb: np.ndarray, profile: bytes, name: str = "icc.jpg") -> Path:
    return _jpeg(rgb, folder / name, icc_profile=profile)


def chinese_path_jpeg(folder: Path, rgb: np.ndarray) -> Path:
    sub = folder / "照片 测试"
    sub.mkdir(exist_ok=True)
    return _jpeg(rgb, sub / "证件 照.jpg")


def tiff_and_bmp(folder: Path, rgb: np.ndarray) -> tuple[Path, Path]:
    tif, bmp = folder / "scan.jpg", folder / "old.jpg"
    Image.fromarray(rgb).save(tif, "TIFF")
    Image.fromarray(rgb).save(bmp, "BMP")
    return tif, bmp
