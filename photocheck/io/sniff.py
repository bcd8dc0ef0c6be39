"""The one format sniffer: what a file is, from its first bytes; its name is never consulted.

The answer is a word of the formats vocabulary profiles use too (lower-case, like a file
extension: "jpg", "png", ...), so a profile's `formats` list and a sniffed file compare directly.
"""

from __future__ import annotations

from pathlib import Path

# Enough of the start of a file for every signature below (HEIF brands run to byte 72).
HEAD_BYTES = 72

# Image formats the photo decoder opens, and Pillow's name for each.
PILLOW_NAMES = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "heif": "HEIF", "bmp": "BMP", "tiff": "TIFF"}
# Formats a profile may list as accepted for an upload: the images above.
FORMATS = frozenset(PILLOW_NAMES)
# A decoded file's format (Pillow's name) back in the vocabulary.
FORMAT_OF_PILLOW = {pillow: kind for kind, pillow in PILLOW_NAMES.items()}
# What the rest are called in a message.
NAMES = {"gif": "GIF", "pdf": "PDF", "isobmff": "AVIF/MP4/MOV", "psd": "PSD", "jp2": "JPEG 2000",
         "bigtiff": "BigTIFF", **PILLOW_NAMES}

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
_BMP_HEADERS = (12, 40, 52, 56, 64, 108, 124)
_SIMPLE = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"),
           (b"GIF87a", "gif"), (b"GIF89a", "gif"), (b"%PDF", "pdf"), (b"8BPS", "psd"),
           (b"\x00\x00\x00\x0cjP  ", "jp2"), (b"\xff\x4f\xff\x51", "jp2"), (b"II+\x00", "bigtiff"))


def sniff(data: bytes) -> str | None:
    """The format of `data` (see NAMES), or None when it is none of them."""
    head = data[:HEAD_BYTES]
    for magic, kind in _SIMPLE:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        brands = {head[i:i + 4] for i in range(8, len(head), 4)}
        return "heif" if b"avif" not in brands and brands & _HEIF_BRANDS else "isobmff"
    if head.startswith(b"BM") and int.from_bytes(head[14:18], "little") in _BMP_HEADERS:
        return "bmp"
    return None


def sniff_file(path: Path) -> str | None:
    """sniff() of a file's first bytes; OSError when it cannot be read."""
    with open(path, "rb") as f:
        return sniff(f.read(HEAD_BYTES))
