"""The best JPEG of a photo under a byte cap.

Output is what picky upload systems accept: baseline, 8-bit, 3-channel sRGB with only a JFIF
header (no EXIF, XMP, ICC or comments). Huffman optimisation stays on: it is part of baseline
JPEG and only shrinks the file.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Encoded:
    data: bytes
    quality: int
    width: int
    height: int
    denoised: bool


class EncodeError(Exception):
    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en


def encode_jpeg(rgb: np.ndarray, quality: int, *, subsampling: str = "4:2:0",
                progressive: bool = False) -> bytes:
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected HxWx3 uint8, got {rgb.dtype} {rgb.shape}")
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=quality, subsampling=subsampling,
                              optimize=True, progressive=progressive)
    return buf.getvalue()


def encode_jpeg_under(rgb: np.ndarray, max_bytes: int, *, min_quality: int, max_quality: int,
                      floor_quality: int, subsampling: str = "4:2:0", progressive: bool = False,
                      protect: np.ndarray | None = None) -> Encoded:
    """Highest quality in [floor_quality, max_quality] whose file fits max_bytes. Below
    min_quality, noise outside `protect` (True = face, left untouched) is reduced first and the
    search repeated; the denoised file wins when its quality is higher and it reproduces the
    protected region (the whole picture without a mask) more faithfully."""
    def search(img: np.ndarray) -> tuple[int, bytes] | None:
        return _best_quality(lambda q: encode_jpeg(img, q, subsampling=subsampling,
                                                   progressive=progressive),
                             max_bytes, floor_quality, max_quality)

    h, w = rgb.shape[:2]
    best = search(rgb)
    denoised = False
    if best is None or best[0] < min_quality:
        cleaner = search(_denoise_outside(rgb, protect))
        if cleaner is not None and (best is None or (
                cleaner[0] > best[0] and _closer(rgb, protect, cleaner[1], best[1]))):
            best, denoised = cleaner, True
    if best is None:
        smallest = len(encode_jpeg(rgb, floor_quality, subsampling=subsampling))
        raise EncodeError(
            f"无法把照片压缩到 {max_bytes} 字节以内：质量降到 {floor_quality} 仍有 "
            f"{smallest} 字节。请换一张背景干净、衣服素净（无条纹或花纹）、"
            "光线均匀、不含噪点的照片后重试。",
            f"Cannot fit the photo into {max_bytes} bytes: at quality {floor_quality} it is still "
            f"{smallest} bytes. Use a photo with a plain background, plain clothes and even light.")
    return Encoded(data=best[1], quality=best[0], width=w, height=h, denoised=denoised)


def _best_quality(encode: Callable[[int], bytes], max_bytes: int, lo: int,
                  hi: int) -> tuple[int, bytes] | None:
    """Bracketed search: `fit` is the best quality seen to fit, `miss` the lowest seen too big.
    The answer's neighbour q+1 has always been encoded and found too big. Guesses come from
    log(size) being nearly linear in log(libjpeg quantiser scale) (3-4 encodes instead of 8);
    two guesses in a row that do not halve the bracket are followed by a bisection; a non-monotone
    step can cost a quality point but never returns a file over the cap."""
    top = encode(hi)
    if len(top) <= max_bytes:
        return hi, top
    sizes = {hi: len(top)}
    fit: tuple[int, bytes] | None = None
    low, miss = lo - 1, hi  # `low` fits (or is the virtual lo - 1), `miss` does not
    stalls = 0  # guesses in a row that did not halve the bracket
    while miss - low > 1:
        width = miss - low
        mid = (low + miss) // 2 if stalls >= 2 else _guess(sizes, low, miss, max_bytes)
        data = encode(mid)
        sizes[mid] = len(data)
        if len(data) <= max_bytes:
            low, fit = mid, (mid, data)
        else:
            miss = mid
        stalls = stalls + 1 if (miss - low) * 2 > width and stalls < 2 else 0
    return fit


# log(size) falls by about this much per unit of log(quantiser scale) on portraits; it only
# steers the first guess, the bracket keeps the answer exact.
_SIZE_SLOPE = 0.54


def _scale(q: float) -> float:
    """libjpeg's jpeg_quality_scaling (percent of the base tables), floored at 1."""
    return max(5000 / q if q < 50 else 200 - 2 * q, 1.0)


def _quality(scale: float) -> float:
    return (200 - scale) / 2 if scale <= 100 else 5000 / scale


def _guess(sizes: dict[int, int], low: int, miss: int, max_bytes: int) -> int:
    x1, y1 = math.log(_scale(miss)), math.log(sizes[miss])
    if low in sizes:  # secant between the bracket ends
        x0, y0 = math.log(_scale(low)), math.log(sizes[low])
        x = x0 + (math.log(max_bytes) - y0) * (x1 - x0) / (y1 - y0) if y1 != y0 else x0
    else:
        x = x1 + (y1 - math.log(max_bytes)) / _SIZE_SLOPE
    return min(max(math.floor(_quality(math.exp(x))), low + 1), miss - 1)


def _closer(rgb: np.ndarray, protect: np.ndarray | None, candidate: bytes, current: bytes) -> bool:
    """Higher quality is only worth it where it shows: on the protected face. Without a mask
    the whole picture was smoothed, and the smoothing itself may cost more than it saves."""
    def error(data: bytes) -> float:
        out = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.float32)
        diff = (out - rgb)[protect] if protect is not None else out - rgb
        return float(np.mean(diff * diff))

    return error(candidate) < error(current)


def _denoise_outside(rgb: np.ndarray, protect: np.ndarray | None) -> np.ndarray:
    """Edge-preserving smoothing of clothing and background, where noise and fine texture cost the
    most bytes. A bilateral filter: 17 ms at 390x567 against 400 ms for non-local means, and it
    saved as many bytes on a noisy portrait. Pixels under `protect` are copied back unchanged."""
    import cv2

    smooth = cv2.bilateralFilter(rgb, 7, 30, 5)
    if protect is None:
        return smooth
    if protect.shape != rgb.shape[:2]:
        raise ValueError(f"protect mask {protect.shape} does not match image {rgb.shape[:2]}")
    return np.where(protect[..., None], rgb, smooth)
