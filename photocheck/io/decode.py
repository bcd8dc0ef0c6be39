"""Read a photo once, sniff its real format, decode it to 8-bit sRGB at the size a stage needs.

The file is read as bytes in Python (Chinese paths and spaces work on every OS) and decoded from
memory. Pillow's plugin classes are called directly rather than through Image.open: that skips
Pillow's global decompression-bomb limit, so the caller's `max_pixels` is the only limit and no
global state is touched. Each decode parses its own copy of the header, so one Source can be
decoded from several threads at once.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile

from photocheck.errors import UserError

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1",
                b"msf1"}
_ALPHA_MODES = {"RGBA", "RGBa", "LA", "La", "PA"}
# PNG info keys that describe pixels, not the person or the camera.
_PNG_TECHNICAL = {"dpi", "gamma", "srgb", "chromaticity", "transparency", "icc_profile", "aspect",
                  "interlace", "duration", "loop", "disposal", "blend", "default_image", "bbox"}
# TIFF tags that carry metadata: Exif IFD, GPS IFD, XMP, description, artist, copyright.
_TIFF_META_TAGS = (0x8769, 0x8825, 700, 270, 315, 33432)
_ORIENTATION_TAG = 0x0112
# (Y h, Y v) sampling factors with chroma at (1, 1) -> J:a:b name.
_SAMPLING = {(1, 1): "4:4:4", (2, 1): "4:2:2", (2, 2): "4:2:0", (1, 2): "4:4:0", (4, 1): "4:1:1"}


class LoadError(UserError):
    """A file that cannot be used as a picture; `code` is stable, `message` is for the user."""

    def __init__(self, path: Path, code: str, message: str, message_en: str) -> None:
        super().__init__(path, message, message_en, code=code)


@dataclass(frozen=True)
class SourceInfo:
    path: Path
    format: str
    width: int
    height: int
    file_bytes: int
    mode: str
    exif_orientation: int
    has_alpha: bool
    has_icc: bool
    progressive: bool
    subsampling: str | None
    has_metadata: bool
    frames: int


@dataclass(frozen=True)
class Picture:
    rgb: np.ndarray
    info: SourceInfo
    scale: float


@dataclass(frozen=True)
class Source:
    """One file read once from disk; decode it as many times and at as many sizes as needed."""

    info: SourceInfo
    data: bytes = field(repr=False)

    @classmethod
    def open(cls, path: str | Path, *, max_pixels: int) -> Source:
        from photocheck.io.allocator import keep_large_buffers

        keep_large_buffers()  # before the first full-size buffer (PDF pages stay under glibc's ceiling)
        path = Path(path)
        data = _read(path)
        fmt = _sniff(data, path)
        im = _parse(data, fmt, path)
        w, h = im.size
        if w * h > max_pixels:
            raise _too_large(path, w, h, max_pixels)
        frames = getattr(im, "n_frames", 1)
        # JPEG (MPO) and HEIF may hold extra images (depth maps, previews): the primary one is used.
        if frames > 1 and fmt not in ("JPEG", "HEIF"):
            raise _animated(path, frames)
        return cls(info=_describe(im, fmt, path, len(data), frames), data=data)

    def decode(self, max_side: int | None = None) -> Picture:
        """8-bit sRGB, upright, alpha on white. With max_side the long side becomes
        min(max_side, original long side): never upscaled."""
        path = self.info.path
        if self._plain_jpeg():
            return self._decode_plain_jpeg(max_side)
        im = _parse(self.data, self.info.format, path)
        target = _target_size(im.size, max_side)
        if target is not None and self.info.format == "JPEG":
            im.draft(None, target)  # DCT scaling: decodes at 1/2, 1/4 or 1/8 directly
        _load_pixels(im, self.info.format, path)
        icc = im.info.get("icc_profile")
        if self.info.format == "JPEG" and im.mode == "CMYK" and "adobe" not in im.info:
            # Pillow reads every CMYK JPEG as Adobe-inverted; without APP14 the values are plain.
            from PIL import ImageChops

            im = ImageChops.invert(im)
        rgb = _to_srgb(im, icc)
        if target is not None and (rgb.shape[1], rgb.shape[0]) != target:
            import cv2

            rgb = cv2.resize(rgb, target, interpolation=cv2.INTER_AREA)
        # pillow-heif applies the HEIF transforms itself while decoding.
        orientation = 1 if self.info.format == "HEIF" else self.info.exif_orientation
        rgb = np.ascontiguousarray(_orient(rgb, orientation))
        return Picture(rgb=rgb, info=self.info, scale=rgb.shape[1] / self.info.width)


    def _plain_jpeg(self) -> bool:
        """A complete YCbCr or grey JPEG without a colour profile: OpenCV decodes it to the same
        pixels as Pillow, a third faster, straight into numpy and without holding the GIL.

        OpenCV pads a truncated file with grey instead of failing, so a file that does not end in
        an end-of-image marker goes through Pillow, which reports it.
        """
        i = self.info
        return i.format == "JPEG" and i.mode in ("RGB", "L") and not i.has_icc and self.data.endswith(b"\xff\xd9")

    def _decode_plain_jpeg(self, max_side: int | None) -> Picture:
        import cv2

        w, h = self.info.width, self.info.height
        if self.info.exif_orientation in (5, 6, 7, 8):  # info holds the upright size
            w, h = h, w
        target = _target_size((w, h), max_side)
        flags = cv2.IMREAD_COLOR_RGB | cv2.IMREAD_IGNORE_ORIENTATION
        if target is not None:  # DCT scaling, as Pillow's draft mode: 1/2, 1/4 or 1/8 directly
            factor = max(f for f in (1, 2, 4, 8) if max(w, h) / f >= max_side)
            # The REDUCED_GRAYSCALE values carry just the scale bits; with COLOR_RGB they give colour.
            flags |= {1: 0, 2: cv2.IMREAD_REDUCED_GRAYSCALE_2, 4: cv2.IMREAD_REDUCED_GRAYSCALE_4,
                      8: cv2.IMREAD_REDUCED_GRAYSCALE_8}[factor]
        rgb = cv2.imdecode(np.frombuffer(self.data, np.uint8), flags)
        if rgb is None or rgb.shape[0] * rgb.shape[1] == 0:
            raise _broken(self.info.path, "JPEG", ValueError("OpenCV could not decode the data"))
        if target is not None and (rgb.shape[1], rgb.shape[0]) != target:
            rgb = cv2.resize(rgb, target, interpolation=cv2.INTER_AREA)
        rgb = np.ascontiguousarray(_orient(rgb, self.info.exif_orientation))
        return Picture(rgb=rgb, info=self.info, scale=rgb.shape[1] / self.info.width)


def load(path: str | Path, *, max_pixels: int, max_side: int | None = None) -> Picture:
    return Source.open(path, max_pixels=max_pixels).decode(max_side)


# ---- reading and sniffing ----------------------------------------------------------------------

def _read(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise LoadError(path, "missing", "找不到该文件，请确认文件仍在原位置",
                        "File not found") from None
    except OSError as exc:
        raise LoadError(path, "missing", f"无法读取文件（没有权限或文件被占用）：{exc.strerror}",
                        f"Cannot read the file: {exc.strerror}") from None
    if not data:
        raise LoadError(path, "empty", "文件是空的（0 字节），请重新导出或拍摄",
                        "The file is empty (0 bytes)")
    return data


def _sniff(data: bytes, path: Path) -> str:
    """Format from the first bytes; the extension is never consulted."""
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp":
        brands = {data[i:i + 4] for i in range(8, min(len(data), 8 + 64), 4)}
        if b"avif" not in brands and brands & _HEIF_BRANDS:
            return "HEIF"
        raise _unsupported(path, "AVIF/MP4/MOV")
    if head.startswith(b"BM") and int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64,
                                                                              108, 124):
        return "BMP"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        _refuse_gif(data, path)
    if head.startswith(b"%PDF"):
        raise LoadError(path, "unsupported",
                        "这是 PDF 文件：PDF 请作为报名材料添加，"
                        "报名照片必须是图片文件（JPEG、PNG 等）",
                        "This is a PDF: add PDFs as supporting materials; the registration photo "
                        "must be an image file (JPEG, PNG, ...)")
    for magic, name in ((b"8BPS", "PSD"), (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
                        (b"\xff\x4f\xff\x51", "JPEG 2000"), (b"II+\x00", "BigTIFF")):
        if head.startswith(magic):
            raise _unsupported(path, name)
    raise LoadError(path, "not_image",
                    "这不是图片文件（内容无法识别），"
                    "请选择 JPEG、PNG、WebP、HEIC、BMP 或 TIFF 照片",
                    "Not an image file; choose a JPEG, PNG, WebP, HEIC, BMP or TIFF photo")


def _refuse_gif(data: bytes, path: Path) -> None:
    from PIL import GifImagePlugin

    try:
        frames = GifImagePlugin.GifImageFile(io.BytesIO(data)).n_frames
    except Exception:  # a broken GIF is refused as GIF all the same
        frames = 1
    if frames > 1:
        raise _animated(path, frames)
    raise _unsupported(path, "GIF")


def _parse(data: bytes, fmt: str, path: Path) -> ImageFile.ImageFile:
    """Header only: size, mode, metadata. No pixels are decoded here."""
    try:
        return _plugin(fmt)(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise _too_large(path, 0, 0, 0) from None
    except Exception as exc:  # plugins raise many types for a bad header
        raise _broken(path, fmt, exc) from None


def _plugin(fmt: str) -> Callable[[io.BytesIO], ImageFile.ImageFile]:
    if fmt == "JPEG":
        from PIL import JpegImagePlugin

        return JpegImagePlugin.jpeg_factory
    if fmt == "PNG":
        from PIL import PngImagePlugin

        return PngImagePlugin.PngImageFile
    if fmt == "WEBP":
        from PIL import WebPImagePlugin

        return WebPImagePlugin.WebPImageFile
    if fmt == "BMP":
        from PIL import BmpImagePlugin

        return BmpImagePlugin.BmpImageFile
    if fmt == "TIFF":
        from PIL import TiffImagePlugin

        return TiffImagePlugin.TiffImageFile
    # Imported only when the bytes say HEIF: libheif is the heaviest decoder here. pi-heif where
    # installed (the installers ship it: the same libheif, decoder only, 4 MB) rather than
    # pillow-heif, whose wheel links the 23 MB x265 encoder that a checker never runs.
    try:
        from pi_heif.as_plugin import HeifImageFile
    except ImportError:
        from pillow_heif.as_plugin import HeifImageFile

    return HeifImageFile


def _load_pixels(im: ImageFile.ImageFile, fmt: str, path: Path) -> None:
    try:
        im.load()
    except Image.DecompressionBombError:
        raise _too_large(path, *im.size, 0) from None
    except Exception as exc:  # decoders raise OSError, SyntaxError, ValueError...
        raise _broken(path, fmt, exc) from None


# ---- header facts ------------------------------------------------------------------------------

def _describe(im: ImageFile.ImageFile, fmt: str, path: Path, size: int, frames: int) -> SourceInfo:
    exif = _exif(im)
    # pillow-heif resets the EXIF tag and keeps what the file said in "original_orientation".
    declared = im.info.get("original_orientation") if fmt == "HEIF" else exif.get(_ORIENTATION_TAG)
    orientation = declared if declared in range(1, 9) else 1
    w, h = im.size
    # HEIF sizes are already upright (libheif applies the transforms).
    if fmt != "HEIF" and orientation >= 5:
        w, h = h, w
    return SourceInfo(
        path=path, format=fmt, width=w, height=h, file_bytes=size, mode=im.mode,
        exif_orientation=orientation,
        has_alpha=im.mode in _ALPHA_MODES or "transparency" in im.info,
        has_icc=bool(im.info.get("icc_profile")),
        progressive=fmt == "JPEG" and bool(im.info.get("progressive")
                                           or im.info.get("progression")),
        subsampling=_subsampling(im) if fmt == "JPEG" else None,
        has_metadata=_has_metadata(im, fmt, exif),
        frames=frames,
    )


def _exif(im: ImageFile.ImageFile) -> Image.Exif:
    # PngImageFile.getexif() decodes the whole image when the eXIf chunk is not in the header.
    if im.format == "TIFF":
        return im.getexif()
    exif = Image.Exif()
    raw = im.info.get("exif")
    if raw:
        try:
            exif.load(raw)
        except Exception:  # a broken EXIF block must not make the photo unusable
            return Image.Exif()
    return exif


def _has_metadata(im: ImageFile.ImageFile, fmt: str, exif: Image.Exif) -> bool:
    if fmt == "TIFF":
        return any(tag in exif for tag in _TIFF_META_TAGS)
    info = im.info
    if info.get("exif") or info.get("xmp") or info.get("XML:com.adobe.xmp") or info.get("comment"):
        return True
    return fmt == "PNG" and any(key not in _PNG_TECHNICAL for key in info)


def _subsampling(im: ImageFile.ImageFile) -> str | None:
    layers = getattr(im, "layer", [])
    if len(layers) != 3:
        return None  # greyscale or CMYK
    luma, *chroma = (tuple(layer[1:3]) for layer in layers)
    if any(c != (1, 1) for c in chroma):
        return "other"
    return _SAMPLING.get(luma, "other")


# ---- pixels ------------------------------------------------------------------------------------

def _target_size(size: tuple[int, int], max_side: int | None) -> tuple[int, int] | None:
    w, h = size
    if max_side is None or max(w, h) <= max_side:
        return None
    s = max_side / max(w, h)
    return max(1, round(w * s)), max(1, round(h * s))


def _to_srgb(im: Image.Image, icc: bytes | None) -> np.ndarray:
    """Any Pillow mode -> HxWx3 uint8 sRGB; transparency composited on white."""
    alpha = None
    if im.mode in _ALPHA_MODES or "transparency" in im.info:
        rgba = im.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"))
        im = rgba.convert("RGB")
    elif im.mode.startswith("I;16") or im.mode == "I":
        # Pillow's own conversion clips 16-bit values at 255; keep the high byte instead.
        im = Image.fromarray((np.asarray(im).astype(np.int64).clip(0, 65535) >> 8).astype(np.uint8))
    elif im.mode not in ("RGB", "L", "CMYK"):
        im = im.convert("RGB")
    rgb = _icc_to_srgb(im, icc) if icc else None
    if rgb is None:
        rgb = im if im.mode == "RGB" else im.convert("RGB")
    arr = np.asarray(rgb)
    return arr if alpha is None else _on_white(arr, alpha)


def _icc_to_srgb(im: Image.Image, icc: bytes) -> Image.Image | None:
    """None when the profile is broken or does not fit the pixels: plain conversion follows."""
    from PIL import ImageCms

    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(im, src, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def _on_white(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    a = alpha.astype(np.uint16)[..., None]
    out = (rgb.astype(np.uint16) * a + 255 * (255 - a) + 127) // 255
    return out.astype(np.uint8)


def _orient(a: np.ndarray, orientation: int) -> np.ndarray:
    """ImageOps.exif_transpose semantics on an HxWxC array."""
    if orientation == 2:
        return a[:, ::-1]
    if orientation == 3:
        return a[::-1, ::-1]
    if orientation == 4:
        return a[::-1]
    if orientation == 5:
        return a.transpose(1, 0, 2)
    if orientation == 6:
        return np.rot90(a, -1)
    if orientation == 7:
        return a.transpose(1, 0, 2)[::-1, ::-1]
    if orientation == 8:
        return np.rot90(a, 1)
    return a


# ---- errors ------------------------------------------------------------------------------------

def _broken(path: Path, fmt: str, exc: Exception) -> LoadError:
    if isinstance(exc, EOFError) or "truncated" in str(exc).lower():
        return LoadError(path, "truncated",
                         f"文件已损坏或不完整（{fmt} 数据被截断），请重新导出或拍摄",
                         f"The file is incomplete ({fmt} data is truncated); export it again")
    return LoadError(path, "corrupt", f"文件已损坏，无法解码（{fmt}），请重新导出或拍摄",
                     f"The file is corrupt and cannot be decoded ({fmt}); export it again")


def _too_large(path: Path, w: int, h: int, limit: int) -> LoadError:
    if not limit:
        return LoadError(path, "too_large", "图片像素尺寸过大，请缩小后再试",
                         "The image has too many pixels; scale it down")
    return LoadError(path, "too_large",
                     f"图片像素尺寸过大（{w}×{h}，约 {w * h / 1e6:.0f} 百万像素，上限 "
                     f"{limit / 1e6:.0f} 百万像素），请缩小后再试",
                     f"The image is too large ({w}x{h}, limit {limit / 1e6:.0f} megapixels)")


def _animated(path: Path, frames: int) -> LoadError:
    return LoadError(path, "animated",
                     f"文件包含 {frames} 帧（动图或多页文件），"
                     "报名照片必须是单张静态图片，请另存为 JPEG",
                     f"The file holds {frames} frames (animation or multi-page); "
                     "save a single still image as JPEG")


def _unsupported(path: Path, name: str) -> LoadError:
    return LoadError(path, "unsupported",
                     f"不支持 {name} 格式，请另存为 JPEG 或 PNG 后再试",
                     f"{name} is not supported; save the photo as JPEG or PNG")
