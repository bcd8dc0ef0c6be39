"""The best JPEG of a photo under a byte cap.

Output is what picky upload systems accept: baseline, 8-bit, 3-channel sRGB with only a JFIF
header (no EXIF, XMP, ICC or comments). Huffman optimisation stays on: it is part of baseline
JPEG and only shrinks the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from photocheck.io.jpeg import highest_quality


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
        encoded: dict[int, bytes] = {}

        def size(q: int) -> int:
            encoded[q] = encode_jpeg(img, q, subsampling=subsampling, progressive=progressive)
            return len(encoded[q])

        q = highest_quality(size, max_bytes, floor_quality, max_quality)
        return None if q is None else (q, encoded[q])

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
