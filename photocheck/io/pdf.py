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
from pathlib import Path
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
    """A PDF that cannot be rendered; `code` is one of "encrypted", "corrupt", "empty" (the whole
    file), "page" or "page_shape" (one page: `page` is its 0-based index)."""

    def __init__(self, path: str | os.PathLike[str], code: str, page: int | None = None,
                 message: tuple[str, str] | None = None) -> None:
        super().__init__(path, *(message or _MESSAGES[code]), code=code)
        self.page = page


def _page_error(path: str | os.PathLike[str], index: int) -> PdfError:
    return PdfError(path, "page", index, (
        f"PDF 第 {index + 1} 页已损坏，无法读取：已跳过该页。请重新下载或重新导出该 PDF",
        f"Page {index + 1} of the PDF is damaged and cannot be read; it was skipped. "
        "Download or export the PDF again"))


def _shape_error(path: str | os.PathLike[str], index: int, width: float, height: float,
                 max_aspect: float) -> PdfError:
    ratio = max(width, height) / max(min(width, height), 1e-9)
    return PdfError(path, "page_shape", index, (
        f"PDF 第 {index + 1} 页形状过于狭长（{width:.0f}×{height:.0f} 点，长边是短边的 {ratio:.0f} 倍，"
        f"上限 {max_aspect:g} 倍）：已跳过该页",
        f"Page {index + 1} of the PDF is too long and narrow ({width:.0f}x{height:.0f} pt, {ratio:.0f}:1; "
        f"the limit is {max_aspect:g}:1); it was skipped"))


def _error_code(stream: BinaryIO) -> str:
    """Why pypdfium2 refused the document. Its error code is pdfium's last one, which a document
    with no pages leaves stale (a zero-page file after an encrypted one read as encrypted), so
    the file is loaded again raw and the code read right after that load."""
    import pypdfium2.raw as pdfium_c

    stream.seek(0)
    data = stream.read()
    raw = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if not raw:
        code = pdfium_c.FPDF_GetLastError()
        return "encrypted" if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY) else "corrupt"
    try:
        return "empty" if pdfium_c.FPDF_GetPageCount(raw) <= 0 else "corrupt"
    finally:
        pdfium_c.FPDF_CloseDocument(raw)


@contextmanager
def _open(path: str | os.PathLike[str], max_bytes: int | None = None) -> Iterator[pypdfium2.PdfDocument]:
    import pypdfium2 as pdfium

    from photocheck.io.decode import check_file

    check_file(Path(path), max_bytes)  # a folder, a pipe or a huge file is refused before opening
    try:
        stream: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed in finally, after the document
    except OSError as exc:
        raise UserError(path, f"无法读取文件：{exc.strerror}", f"Cannot read the file: {exc.strerror}",
                        code="unreadable") from None
    try:
        with _LOCK:
            try:
                doc = pdfium.PdfDocument(stream)
            except pdfium.PdfiumError as err:
                raise PdfError(path, _error_code(stream)) from err
            except Exception as err:  # pypdfium2 may fail outside its own error type on odd data
                raise PdfError(path, "corrupt") from err
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


# A page is a scan when its first objects are all images: at most this many are looked at.
_SCAN_OBJECTS = 8


def _scan_scale(page: pypdfium2.PdfPage, width: float, height: float) -> float | None:
    """Pixels per point of the sharpest image on a page that holds nothing but images (a scan or
    a photo saved as PDF), or None for a page with text or drawings. Rendering a scan finer than
    its own pixels adds nothing for OCR to read and costs time on every later stage."""
    import pypdfium2.raw as pdfium_c

    best = 0.0
    for n, obj in enumerate(page.get_objects(max_depth=2)):
        if n >= _SCAN_OBJECTS or obj.type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return None
        px_w, px_h = obj.get_px_size()
        left, bottom, right, top = obj.get_bounds()
        if right - left < 0.5 * width or top - bottom < 0.5 * height:
            return None  # a small picture on a page: the page is more than the picture
        best = max(best, px_w / max(right - left, 1e-6), px_h / max(top - bottom, 1e-6))
    return best or None


def _render(doc: pypdfium2.PdfDocument, path: str | os.PathLike[str], index: int, dpi: float,
            max_side: int, max_aspect: float | None, scan_native: bool = False) -> np.ndarray:
    """One page as RGB uint8; the page and its bitmap are closed before returning. A page pdfium
    cannot load or draw, or one of an absurd shape, is a PdfError naming the page."""
    with _LOCK:
        try:
            page = doc[index]
        except Exception as err:  # PdfiumError: pdfium could not load the page
            raise _page_error(path, index) from err
        try:
            width, height = page.get_size()
            if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
                raise _page_error(path, index)
            if max_aspect is not None and max(width, height) > max_aspect * min(width, height):
                raise _shape_error(path, index, width, height, max_aspect)
            scale = _scale(width, height, dpi, max_side)
            try:
                native = _scan_scale(page, width, height) if scan_native else None
            except Exception:  # an odd object list: render at the requested resolution
                native = None
            if native is not None:
                scale = min(scale, native * _SCALE_SHAVE)
            bitmap = page.render(scale=scale, rev_byteorder=True, fill_color=(255, 255, 255, 255))
            try:
                rgb = np.array(bitmap.to_numpy()[:, :, :3], dtype=np.uint8, copy=True)
            finally:
                bitmap.close()
        except PdfError:
            raise
        except Exception as err:  # PdfiumError, or a bitmap pdfium could not allocate
            raise _page_error(path, index) from err
        finally:
            page.close()
    if rgb.size == 0:
        raise _page_error(path, index)
    return rgb


def page_count(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> int:
    with _open(path, max_bytes) as doc, _LOCK:
        return len(doc)


def render_pages(
    path: str | os.PathLike[str], *, dpi: float, max_side: int, max_bytes: int | None = None,
    max_aspect: float | None = None,
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (0-based index, RGB) page by page, so memory stays bounded for long PDFs; a page
    that cannot be rendered raises its PdfError (render_page takes the pages one at a time)."""
    _check_resolution(dpi, max_side)
    with _open(path, max_bytes) as doc:
        with _LOCK:
            count = len(doc)
        for index in range(count):
            yield index, _render(doc, path, index, dpi, max_side, max_aspect)


def render_page(
    path: str | os.PathLike[str], index: int, *, dpi: float, max_side: int, max_bytes: int | None = None,
    max_aspect: float | None = None, scan_native: bool = False,
) -> np.ndarray:
    """One page. With `scan_native`, a page made only of images (a scan) is rendered no finer than
    its sharpest image's own pixels."""
    _check_resolution(dpi, max_side)
    with _open(path, max_bytes) as doc:
        with _LOCK:
            count = len(doc)
        if not 0 <= index < count:
            raise IndexError(f"page {index} out of range: the PDF has {count} pages")
        return _render(doc, path, index, dpi, max_side, max_aspect, scan_native)
