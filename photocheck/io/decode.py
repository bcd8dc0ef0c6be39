"""Read a photo once, sniff its real format, decode it to 8-bit sRGB at the size a stage needs.

The file is read as bytes in Python (Chinese paths and spaces work on every OS) and decoded from
memory. Pillow's plugin classes are called directly rather than through Image.open: that skips
Pillow's global decompression-bomb limit, so the caller's `max_pixels` is the only limit and no
global state is touched. Each decode parses its own copy of the header, so one Source can be
decoded from several threads at once.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile

from photocheck.errors import UserError
from photocheck.io.sniff import NAMES, PILLOW_NAMES, sniff

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
    # What the decoder reported while reading a damaged file (libjpeg's "Corrupt JPEG data",
    # Pillow's warnings); the picture decodes, but parts of it may be wrong.
    damage: tuple[str, ...] = ()


@dataclass(frozen=True)
class Picture:
    rgb: np.ndarray
    info: SourceInfo
    scale: float


class _Damage:
    """libjpeg's warnings about one JPEG, collected by the first decode that reads its data: the
    entropy-coded data is read once, not once more only to find out whether it is damaged."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # held by the decode that collects
        self.lines: list[str] | None = None  # None: no decode has read the data yet
        self.info: SourceInfo | None = None


@dataclass(frozen=True)
class Source:
    """One file read once from disk; decode it as many times and at as many sizes as needed."""

    header: SourceInfo  # what the header says; `info` adds what decoding found
    data: bytes = field(repr=False)
    _damage: _Damage | None = field(default=None, repr=False, compare=False)  # JPEG only

    @property
    def info(self) -> SourceInfo:
        """The header's facts and the damage decoding found. Asked before any decode read the
        data, a 1/8-scale decode finds it (every coefficient is still decoded; the inverse DCT is
        1/64 of the work)."""
        d = self._damage
        if d is None:
            return self.header
        with d.lock:
            if d.lines is None:
                d.lines = _jpeg_damage(self.data)
            if d.info is None:
                found = [*d.lines, *self.header.damage]
                d.info = replace(self.header, damage=tuple(dict.fromkeys(found))) if found else self.header
            return d.info

    @classmethod
    def open(cls, path: str | Path, *, max_pixels: int, max_bytes: int | None = None,
             max_aspect: float | None = None, material: bool = False) -> Source:
        """Read and check a file before any pixel is decoded: a regular file (not a folder, a
        device or a pipe) of at most `max_bytes`, sniffed from its first bytes, whose header gives
        at most `max_pixels` and a long side at most `max_aspect` times the short one.
        `material` words the refusals for a supporting document instead of the photo."""
        from photocheck.io.allocator import keep_large_buffers

        keep_large_buffers()  # before the first full-size buffer (PDF pages stay under glibc's ceiling)
        path = Path(path)
        return cls._checked(path, lambda: _read_sniffed(path, max_bytes, material), max_pixels, max_aspect,
                            material)

    @classmethod
    def from_bytes(cls, data: bytes, path: Path, *, max_pixels: int, max_aspect: float | None = None) -> Source:
        """An encoded picture held in memory (an output not written yet), checked as `open`
        checks a file; `path` is the name its messages give it."""
        return cls._checked(path, lambda: (data, _sniff(data[:80], path)), max_pixels, max_aspect, False)

    @classmethod
    def _checked(cls, path: Path, read: Callable[[], tuple[bytes, str]], max_pixels: int,
                 max_aspect: float | None, material: bool) -> Source:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data, fmt = read()
            im = _parse(data, fmt, path)
            w, h = im.size
            if w < 1 or h < 1:
                raise _broken(path, fmt, ValueError(f"image size {w}x{h}"))
            if w * h > max_pixels:
                raise _too_large(path, w, h, max_pixels)
            if max_aspect is not None and max(w, h) > max_aspect * min(w, h):
                raise _extreme_shape(path, w, h, max_aspect)
            frames = _frames(im)
            # JPEG (MPO) and HEIF may hold extra images (depth maps, previews): the primary one is used.
            if frames > 1 and fmt not in ("JPEG", "HEIF"):
                raise _animated(path, frames, material)
            info = _describe(im, fmt, path, len(data), frames)
        warned = [f"{w.category.__name__}: {w.message}" for w in caught
                  if issubclass(w.category, UserWarning | RuntimeWarning)]
        if warned:
            info = replace(info, damage=tuple(dict.fromkeys(warned)))
        return cls(header=info, data=data, _damage=_Damage() if fmt == "JPEG" else None)

    def decode(self, max_side: int | None = None) -> Picture:
        """8-bit sRGB, upright, alpha on white. With max_side the long side becomes
        min(max_side, original long side): never upscaled. Any decoder failure is a LoadError;
        libjpeg's warnings become `info.damage` and stay off the terminal."""
        head = self.header
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return self._decode(max_side)
        except LoadError:
            raise
        except MemoryError:
            raise _too_large(head.path, head.width, head.height, 0) from None
        except Exception as exc:  # a decoder or a conversion failing on odd data
            raise _broken(head.path, head.format, exc) from None

    def _decode(self, max_side: int | None) -> Picture:
        head = self.header
        if self._plain_jpeg():
            return self._decode_plain_jpeg(max_side)
        im = _parse(self.data, head.format, head.path)
        target = _target_size(im.size, max_side)
        if target is not None and head.format == "JPEG":
            im.draft(None, target)  # DCT scaling: decodes at 1/2, 1/4 or 1/8 directly
        _load_pixels(im, head.format, head.path)
        icc = im.info.get("icc_profile")
        pixels: Image.Image = im
        if head.format == "JPEG" and im.mode == "CMYK" and "adobe" not in im.info:
            # Pillow reads every CMYK JPEG as Adobe-inverted; without APP14 the values are plain.
            from PIL import ImageChops

            pixels = ImageChops.invert(im)
        rgb = _to_srgb(pixels, icc)
        if target is not None and (rgb.shape[1], rgb.shape[0]) != target:
            import cv2

            rgb = cv2.resize(rgb, target, interpolation=cv2.INTER_AREA)
        # pillow-heif applies the HEIF transforms itself while decoding.
        orientation = 1 if head.format == "HEIF" else head.exif_orientation
        rgb = np.ascontiguousarray(_orient(rgb, orientation))
        # Pillow keeps libjpeg's warnings to itself: `info` looks for damage separately.
        return Picture(rgb=rgb, info=self.info, scale=rgb.shape[1] / head.width)


    def _plain_jpeg(self) -> bool:
        """A complete YCbCr or grey JPEG without a colour profile: OpenCV decodes it to the same
        pixels as Pillow, a third faster, straight into numpy and without holding the GIL.

        OpenCV pads a truncated file with grey instead of failing, so a file that does not end in
        an end-of-image marker goes through Pillow, which reports it. A file damaged mid-scan stays
        here: libjpeg decodes it as well as it can (Pillow refuses most of them), its warnings
        become `info.damage`, and its chatter is kept off the terminal.
        """
        i = self.header
        return i.format == "JPEG" and i.mode in ("RGB", "L") and not i.has_icc and self.data.endswith(b"\xff\xd9")

    def _decode_plain_jpeg(self, max_side: int | None) -> Picture:
        import cv2

        head = self.header
        w, h = head.width, head.height
        if head.exif_orientation in (5, 6, 7, 8):  # the header holds the upright size
            w, h = h, w
        target = _target_size((w, h), max_side)
        flags = cv2.IMREAD_COLOR_RGB | cv2.IMREAD_IGNORE_ORIENTATION
        if target is not None and max_side is not None:  # DCT scaling as Pillow's draft: 1/2, 1/4, 1/8
            factor = max(f for f in (1, 2, 4, 8) if max(w, h) / f >= max_side)
            # The REDUCED_GRAYSCALE values carry just the scale bits; with COLOR_RGB they give colour.
            flags |= {1: 0, 2: cv2.IMREAD_REDUCED_GRAYSCALE_2, 4: cv2.IMREAD_REDUCED_GRAYSCALE_4,
                      8: cv2.IMREAD_REDUCED_GRAYSCALE_8}[factor]
        rgb = self._libjpeg(lambda: cv2.imdecode(np.frombuffer(self.data, np.uint8), flags))
        if rgb is None or rgb.shape[0] * rgb.shape[1] == 0:
            raise _broken(head.path, "JPEG", ValueError("OpenCV could not decode the data"))
        if target is not None and (rgb.shape[1], rgb.shape[0]) != target:
            rgb = cv2.resize(rgb, target, interpolation=cv2.INTER_AREA)
        rgb = np.ascontiguousarray(_orient(rgb, head.exif_orientation))
        return Picture(rgb=rgb, info=self.info, scale=rgb.shape[1] / head.width)

    def _libjpeg(self, decode: Callable[[], np.ndarray | None]) -> np.ndarray | None:
        """Run an OpenCV decode of the data. The first one collects what libjpeg writes to stderr
        as the file's damage (a decode started meanwhile waits for it rather than read the data
        once more); later ones keep a damaged file's chatter off the terminal."""
        d = self._damage
        assert d is not None, "only JPEGs are decoded by libjpeg here"
        with d.lock:
            if d.lines is None:
                with native_stderr() as lines:
                    rgb = decode()
                d.lines = list(dict.fromkeys(lines))
                return rgb
        if not d.lines:
            return decode()
        with native_stderr():
            return decode()


def load(path: str | Path, *, max_pixels: int, max_side: int | None = None) -> Picture:
    return Source.open(path, max_pixels=max_pixels).decode(max_side)


# ---- reading and sniffing ----------------------------------------------------------------------

def check_file(path: Path, max_bytes: int | None) -> int:
    """The size of a regular, non-empty file within `max_bytes`, from stat alone: nothing is
    opened, so a pipe cannot hang the caller and a huge file is not read to be refused."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise LoadError(path, "missing", "找不到该文件，请确认文件仍在原位置",
                        "File not found") from None
    except OSError as exc:
        raise LoadError(path, "unreadable", f"无法读取文件（没有权限或文件被占用）：{exc.strerror}",
                        f"Cannot read the file: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise LoadError(path, "directory", "这是一个文件夹，不是文件：请选择其中的文件",
                        "This is a folder, not a file: choose a file inside it")
    if not stat.S_ISREG(st.st_mode):
        raise LoadError(path, "not_regular", "不是普通文件（设备、管道或套接字），无法读取：请选择保存在磁盘上的文件",
                        "Not a regular file (a device, pipe or socket): choose a file saved on disk")
    if st.st_size == 0:
        raise LoadError(path, "empty", "文件是空的（0 字节），请重新导出或拍摄",
                        "The file is empty (0 bytes)")
    if max_bytes is not None and st.st_size > max_bytes:
        raise LoadError(path, "too_big",
                        f"文件过大（{_mb(st.st_size)}，上限 {_mb(max_bytes)}），请压缩或缩小后再试",
                        f"The file is too large ({_mb(st.st_size)}; the limit is {_mb(max_bytes)})")
    return st.st_size


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n < 10e6 else f"{n / 1e6:.0f} MB"


def read_head(path: Path, max_bytes: int | None, n: int = 80) -> bytes:
    """The first `n` bytes of a file that passed check_file."""
    check_file(path, max_bytes)
    try:
        with _open_regular(path) as f:
            return f.read(n)
    except OSError as exc:
        raise LoadError(path, "unreadable", f"无法读取文件：{exc.strerror}",
                        f"Cannot read the file: {exc.strerror}") from None


@contextmanager
def _open_regular(path: Path) -> Iterator[io.BufferedReader]:
    # O_NONBLOCK: should the path turn into a pipe between stat and open, opening it cannot hang.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise LoadError(path, "not_regular", "不是普通文件，无法读取", "Not a regular file")
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        yield f


def _read_sniffed(path: Path, max_bytes: int | None, material: bool) -> tuple[bytes, str]:
    """The whole file and its format, after checking the size and sniffing the head."""
    size = check_file(path, max_bytes)
    try:
        with _open_regular(path) as f:
            head = f.read(80)
            fmt = _sniff(head, path, material)
            data = head + f.read(size + 1 - len(head) if max_bytes is None else max_bytes + 1 - len(head))
    except OSError as exc:
        raise LoadError(path, "unreadable", f"无法读取文件（没有权限或文件被占用）：{exc.strerror}",
                        f"Cannot read the file: {exc.strerror}") from None
    if max_bytes is not None and len(data) > max_bytes:  # grew after stat
        raise LoadError(path, "too_big", f"文件过大（上限 {_mb(max_bytes)}），请压缩或缩小后再试",
                        f"The file is too large (the limit is {_mb(max_bytes)})")
    if fmt == "GIF":
        _refuse_gif(data, path, material)
    return data, fmt


def _sniff(data: bytes, path: Path, material: bool = False) -> str:
    """Pillow's name of the format, from the first bytes (io.sniff, the one sniffer); anything
    the decoder does not open is refused here, naming what it is. The extension is never read."""
    kind = sniff(data)
    if kind in PILLOW_NAMES:
        return PILLOW_NAMES[kind]
    if kind == "gif":
        return "GIF"  # refused once the whole file is read (the frame count words the message)
    if kind == "pdf":
        raise LoadError(path, "unsupported",
                        "这是 PDF 文件：PDF 请作为报名材料添加，"
                        "报名照片必须是图片文件（JPEG、PNG 等）",
                        "This is a PDF: add PDFs as supporting materials; the registration photo "
                        "must be an image file (JPEG, PNG, ...)")
    if kind is not None:
        raise _unsupported(path, NAMES[kind])
    if material:
        raise LoadError(path, "not_image",
                        "这不是图片或 PDF 文件（内容无法识别），"
                        "请选择 JPEG、PNG、WebP、HEIC、BMP、TIFF 图片或 PDF 文件",
                        "Neither an image nor a PDF; choose a JPEG, PNG, WebP, HEIC, BMP, TIFF or PDF file")
    raise LoadError(path, "not_image",
                    "这不是图片文件（内容无法识别），"
                    "请选择 JPEG、PNG、WebP、HEIC、BMP 或 TIFF 照片",
                    "Not an image file; choose a JPEG, PNG, WebP, HEIC, BMP or TIFF photo")


def _refuse_gif(data: bytes, path: Path, material: bool) -> None:
    from PIL import GifImagePlugin

    try:
        frames = GifImagePlugin.GifImageFile(io.BytesIO(data)).n_frames
    except Exception:  # a broken GIF is refused as GIF all the same
        frames = 1
    if frames > 1:
        raise _animated(path, frames, material)
    raise _unsupported(path, "GIF")


def _frames(im: ImageFile.ImageFile) -> int:
    try:
        return int(getattr(im, "n_frames", 1))
    except Exception:  # counting frames walks the file: a damaged one counts as one
        return 1


# libjpeg's warnings: OpenCV's copy prints them to stderr, Pillow's keeps quiet.
_JPEG_CHATTER = ("Corrupt JPEG data", "Premature end of JPEG file", "Invalid SOS parameters",
                 "Warning: ", "Inconsistent progression", "Bogus")
_STDERR_LOCK = threading.Lock()


@contextmanager
def native_stderr() -> Iterator[list[str]]:
    """Collect what native code writes to file descriptor 2 meanwhile (libjpeg warnings), instead
    of letting it reach the terminal; lines that are not decoder chatter are passed on."""
    lines: list[str] = []
    with _STDERR_LOCK:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):  # no stderr at all (a windowed app)
            yield lines
            return
        with tempfile.TemporaryFile() as tmp:
            os.dup2(tmp.fileno(), 2)
            try:
                yield lines
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                tmp.seek(0)
                text = tmp.read(1 << 16).decode("utf-8", "replace")
        other = []
        for line in text.splitlines():
            if any(line.startswith(c) for c in _JPEG_CHATTER):
                lines.append(line.strip())
            elif line.strip():
                other.append(line)
        if other:
            print("\n".join(other), file=sys.stderr)


def _jpeg_damage(data: bytes) -> list[str]:
    """libjpeg's complaints about the entropy-coded data, from a 1/8-scale decode."""
    import cv2

    with native_stderr() as lines:
        rgb = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_REDUCED_GRAYSCALE_8)
    if rgb is None and not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        lines.append("Premature end of JPEG file")
    return list(dict.fromkeys(lines))


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
    opener: Callable[[io.BytesIO], ImageFile.ImageFile] = HeifImageFile  # untyped packages
    return opener


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
    orientation = declared if isinstance(declared, int) and declared in range(1, 9) else 1
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


def _animated(path: Path, frames: int, material: bool = False) -> LoadError:
    if material:
        return LoadError(path, "animated",
                         f"文件包含 {frames} 帧（动图或多页图片），"
                         "每份材料须是单张静态图片或 PDF：请另存为 JPEG、PNG 或 PDF",
                         f"The file holds {frames} frames (animation or multi-page image); a material "
                         "must be a single still image or a PDF: save it as JPEG, PNG or PDF")
    return LoadError(path, "animated",
                     f"文件包含 {frames} 帧（动图或多页文件），"
                     "报名照片必须是单张静态图片，请另存为 JPEG",
                     f"The file holds {frames} frames (animation or multi-page); "
                     "save a single still image as JPEG")


def _extreme_shape(path: Path, w: int, h: int, limit: float) -> LoadError:
    ratio = max(w, h) / min(w, h)
    return LoadError(path, "extreme_shape",
                     f"图片形状过于狭长（{w}×{h}，长边是短边的 {ratio:.0f} 倍，上限 {limit:g} 倍），"
                     "请裁切或重新拍摄后再试",
                     f"The image is too long and narrow ({w}x{h}, {ratio:.0f}:1; the limit is {limit:g}:1)")


def _unsupported(path: Path, name: str) -> LoadError:
    return LoadError(path, "unsupported",
                     f"不支持 {name} 格式，请另存为 JPEG 或 PNG 后再试",
                     f"{name} is not supported; save the photo as JPEG or PNG")
