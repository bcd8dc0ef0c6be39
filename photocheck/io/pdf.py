"""PDF pages as RGB arrays, via pypdfium2 (Apache-2.0/BSD; PyMuPDF and poppler are copyleft).

pdfium is not thread-safe, so every call into it holds one module lock. Files are opened through a
Python file object: Python opens non-ASCII paths correctly on Windows, pdfium's own fopen may not,
and pdfium then reads the file piecewise instead of holding it whole in memory.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from photocheck.errors import UserError

if TYPE_CHECKING:
    import pypdfium2

_LOCK = threading.RLock()
_POINTS_PER_INCH = 72.0
# pdfium sizes bitmaps with ceil(size * scale) and stores sizes as float32: shave the scale so
# rounding noise cannot add a pixel.
_SCALE_SHAVE = 1.0 - 1e-5

_MESSAGES = {
    "encrypted": (
        "PDF 文件设有密码保护，无法读取。"
        "请在原软件中导出一份不加密的 PDF（或直接另存为图片）后重新添加。",
        "The PDF is password-protected. Export an unprotected copy (or save it as images) "
        "and add that instead.",
    ),
    "corrupt": (
        "无法读取该 PDF 文件：文件已损坏、不完整或并非 PDF。请重新下载或重新导出。",
        "The PDF cannot be read: it is damaged, truncated or not a PDF. "
        "Download or export it again.",
    ),
    "empty": (
        "该 PDF 文件没有任何页面。",
        "The PDF has no pages.",
    ),
}


class PdfError(UserError):
    """A PDF that cannot be rendered; `code` is one of "encrypted", "corrupt", "empty"."""

    def __init__(self, path: str | os.PathLike[str], code: str) -> None:
        super().__init__(path, *_MESSAGES[code], code=code)


def _error_code(err: Exception, stream: BinaryIO) -> str:
    import pypdfium2.raw as pdfium_c

    if getattr(err, "err_code", None) in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return "encrypted"
    # pypdfium2 also fails a document with no pages, and pdfium keeps a stale error code then:
    # load it raw, where a non-null handle means it parsed.
    stream.seek(0)
    data = stream.read()
    raw = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if not raw:
        return "corrupt"
    pdfium_c.FPDF_CloseDocument(raw)
    return "empty"


@contextmanager
def _open(path: str | os.PathLike[str]) -> Iterator[pypdfium2.PdfDocument]:
    import pypdfium2 as pdfium

    stream: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed in finally, after the document
    try:
        with _LOCK:
            try:
                doc = pdfium.PdfDocument(stream)
            except pdfium.PdfiumError as err:
                raise PdfError(path, _error_code(err, stream)) from err
        try:
            yield doc
        finally:
            with _LOCK:
                doc.close()
    finally:
        stream.close()


def _check_resolution(dpi: float, max_side: int) -> None:
    if not (math.isfinite(dpi) and dpi > 0 and max_side > 0):
        raise ValueError(f"dpi and max_side must be positive (dpi={dpi}, max_side={max_side})")


def _scale(width_pt: float, height_pt: float, dpi: float, max_side: int) -> float:
    """Pixels per point: the requested dpi, lowered so the long side stays within max_side."""
    return min(dpi / _POINTS_PER_INCH, max_side / max(width_pt, height_pt)) * _SCALE_SHAVE


def _render(doc: pypdfium2.PdfDocument, index: int, dpi: float, max_side: int) -> np.ndarray:
    """One page as RGB uint8; the page and its bitmap are closed before returning."""
    with _LOCK:
        page = doc[index]
        try:
            width, height = page.get_size()
            scale = _scale(width, height, dpi, max_side)
            bitmap = page.render(scale=scale, rev_byteorder=True, fill_color=(255, 255, 255, 255))
            try:
                rgb = np.array(bitmap.to_numpy()[:, :, :3], dtype=np.uint8, copy=True)
            finally:
                bitmap.close()
        finally:
            page.close()
    return rgb


def page_count(path: str | os.PathLike[str]) -> int:
    with _open(path) as doc, _LOCK:
        return len(doc)


def render_pages(
    path: str | os.PathLike[str], *, dpi: float, max_side: int
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (0-based index, RGB) page by page, so memory stays bounded for long PDFs."""
    _check_resolution(dpi, max_side)
    with _open(path) as doc:
        with _LOCK:
            count = len(doc)
        for index in range(count):
            yield index, _render(doc, index, dpi, max_side)


def render_page(
    path: str | os.PathLike[str], index: int, *, dpi: float, max_side: int
) -> np.ndarray:
    _check_resolution(dpi, max_side)
    with _open(path) as doc:
        with _LOCK:
            count = len(doc)
        if not 0 <= index < count:
            raise IndexError(f"page {index} out of range: the PDF has {count} pages")
        return _render(doc, index, dpi, max_side)
