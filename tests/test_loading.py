"""Loading: format sniffing, refusals with Chinese messages, and the pixels each odd file becomes."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from photocheck.io.decode import LoadError, Source, load
from tests import badfiles

MAX_PIXELS = 50_000_000
CJK = re.compile(r"[\u4e00-\u9fff]")


def _mad(a: np.ndarray, b: np.ndarray) -> float:
    assert a.shape == b.shape
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def _assert_rgb(rgb: np.ndarray, shape: tuple[int, int]) -> None:
    assert rgb.dtype == np.uint8
    assert rgb.shape == (*shape, 3)
    assert rgb.flags.c_contiguous


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda d, rgb, gh: badfiles.empty_file(d), "empty"),
        (lambda d, rgb, gh: badfiles.text_as_jpg(d), "not_image"),
        (lambda d, rgb, gh: badfiles.pdf_file(d), "unsupported"),
        (lambda d, rgb, gh: badfiles.still_gif(d, rgb), "unsupported"),
        (lambda d, rgb, gh: badfiles.animated_gif(d, rgb[::4, ::4]), "animated"),
        (lambda d, rgb, gh: badfiles.huge_png(d), "too_large"),
        (lambda d, rgb, gh: d / "不存在.jpg", "missing"),
        (lambda d, rgb, gh: d, "missing"),
    ],
    ids=["empty", "text", "pdf", "gif", "animated-gif", "huge-png", "missing", "folder"],
)
def test_refused_at_open(folder, astronaut_rgb, grace_hopper_path, make, code):
    path = make(folder, astronaut_rgb, grace_hopper_path)
    with pytest.raises(LoadError) as info:
        Source.open(path, max_pixels=MAX_PIXELS)
    err = info.value
    assert err.code == code
    assert CJK.search(err.message) and err.message_en
    assert str(err) == f"{path}: {err.message}"
    assert err.path == path


def test_pdf_message_points_to_materials(folder):
    with pytest.raises(LoadError) as info:
        Source.open(badfiles.pdf_file(folder), max_pixels=MAX_PIXELS)
    assert "PDF" in info.value.message and "材料" in info.value.message


def test_huge_png_refused_from_header_only(folder):
    path = badfiles.huge_png(folder)
    assert path.stat().st_size < 200_000  # 400 megapixels on a small file: the bomb case
    with pytest.raises(LoadError) as info:
        Source.open(path, max_pixels=MAX_PIXELS)
    assert "20000" in info.value.message


def test_truncated_jpeg_opens_but_decode_fails(folder, grace_hopper_path):
    src = Source.open(badfiles.truncated_jpeg(folder, grace_hopper_path), max_pixels=MAX_PIXELS)
    assert (src.info.width, src.info.height) == (512, 600)  # header is intact: open did not decode
    for max_side in (None, 100):  # draft decoding must not hide the truncation
        with pytest.raises(LoadError) as info:
            src.decode(max_side)
        assert info.value.code == "truncated"
        assert "截断" in info.value.message and str(src.info.path) in str(info.value)


def test_corrupt_png(folder, astronaut_rgb):
    src = Source.open(badfiles.corrupt_png(folder, astronaut_rgb), max_pixels=MAX_PIXELS)
    with pytest.raises(LoadError) as info:
        src.decode()
    assert info.value.code == "corrupt" and CJK.search(info.value.message)


def test_pixel_limit_is_the_callers(folder, astronaut_rgb):
    path = badfiles.webp_as_jpg(folder, astronaut_rgb)
    with pytest.raises(LoadError) as info:
        Source.open(path, max_pixels=512 * 512 - 1)
    assert info.value.code == "too_large"
    assert Source.open(path, max_pixels=512 * 512).info.width == 512


@pytest.mark.parametrize(
    ("make", "fmt", "mode", "tolerance"),
    [
        (lambda d, rgb: badfiles.webp_as_jpg(d, rgb), "WEBP", "RGB", 3),
        (lambda d, rgb: badfiles.heic(d, rgb), "HEIF", "RGB", 3),
        (lambda d, rgb: badfiles.cmyk_jpeg(d, rgb, adobe=True), "JPEG", "CMYK", 3),
        (lambda d, rgb: badfiles.cmyk_jpeg(d, rgb, adobe=False), "JPEG", "CMYK", 3),
        (lambda d, rgb: badfiles.png16(d, rgb, grey=False), "PNG", "RGB", 0),
        (lambda d, rgb: badfiles.tiff_and_bmp(d, rgb)[0], "TIFF", "RGB", 0),
        (lambda d, rgb: badfiles.tiff_and_bmp(d, rgb)[1], "BMP", "RGB", 0),
        (lambda d, rgb: badfiles.chinese_path_jpeg(d, rgb), "JPEG", "RGB", 3),
    ],
    ids=["webp-named-jpg", "heic", "cmyk-adobe", "cmyk-plain", "rgb48", "tiff", "bmp", "cn-path"],
)
def test_odd_colour_files_become_the_same_rgb(folder, astronaut_rgb, make, fmt, mode, tolerance):
    path = make(folder, astronaut_rgb)
    src = Source.open(path, max_pixels=MAX_PIXELS)
    assert (src.info.format, src.info.mode) == (fmt, mode)
    assert src.info.file_bytes == path.stat().st_size
    pic = src.decode()
    _assert_rgb(pic.rgb, (512, 512))
    assert _mad(pic.rgb, astronaut_rgb) <= tolerance
    assert pic.scale == 1.0


def test_chinese_path_with_spaces(folder, astronaut_rgb):
    path = badfiles.chinese_path_jpeg(folder, astronaut_rgb)
    assert path.parent.name == "照片 测试" and path.name == "证件 照.jpg"
    assert load(path, max_pixels=MAX_PIXELS).rgb.shape == (512, 512, 3)


@pytest.mark.parametrize("make", [badfiles.grey_jpeg, lambda d, rgb: badfiles.png16(d, rgb,
                                                                                     grey=True)],
                         ids=["grey-jpeg", "grey16-png"])
def test_greyscale_becomes_grey_rgb(folder, astronaut_rgb, make):
    src = Source.open(make(folder, astronaut_rgb), max_pixels=MAX_PIXELS)
    assert src.info.mode in ("L", "I;16")
    assert src.info.subsampling is None
    rgb = src.decode().rgb
    _assert_rgb(rgb, (512, 512))
    assert np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 1], rgb[..., 2])
    lum = np.asarray(Image.fromarray(astronaut_rgb).convert("L"))
    # 16-bit values are scaled to 8 bits (v*257 -> v), not clipped at 255.
    assert _mad(rgb[..., 0], lum) < 3


def test_rgba_composited_on_white(folder, astronaut_rgb):
    src = Source.open(badfiles.rgba_png_as_jpg(folder, astronaut_rgb), max_pixels=MAX_PIXELS)
    assert (src.info.format, src.info.mode, src.info.has_alpha) == ("PNG", "RGBA", True)
    rgb = src.decode().rgb
    assert (rgb[:, :256] == 255).all()
    assert np.array_equal(rgb[:, 256:], astronaut_rgb[:, 256:])


def test_palette_with_transparency(folder, astronaut_rgb):
    src = Source.open(badfiles.palette_png_transparent(folder, astronaut_rgb),
                      max_pixels=MAX_PIXELS)
    assert (src.info.mode, src.info.has_alpha) == ("P", True)
    rgb = src.decode().rgb
    _assert_rgb(rgb, (512, 512))
    assert (rgb[:50] == 255).all()
    assert _mad(rgb[50:], astronaut_rgb[50:]) < 15  # 255-colour quantisation


def test_every_exif_orientation_looks_like_the_base(folder, grace_hopper_rgb):
    for orientation, path in badfiles.oriented_jpegs(folder, grace_hopper_rgb).items():
        src = Source.open(path, max_pixels=MAX_PIXELS)
        assert src.info.exif_orientation == orientation
        assert (src.info.width, src.info.height) == (512, 600)
        assert src.info.has_metadata
        pic = src.decode()
        assert _mad(pic.rgb, grace_hopper_rgb) < 3, orientation
        small = src.decode(max_side=300)
        assert small.rgb.shape == (300, 256, 3), orientation
        assert small.scale == 0.5


def test_icc_profile_converted_to_srgb(folder, astronaut_rgb):
    # Adobe RGB primaries are more saturated than sRGB's: the same numbers mean stronger colours.
    adobe = badfiles.rgb_icc_profile(badfiles.ADOBE_RGB_PRIMARIES, 563 / 256, "Adobe-like")
    # Linear values shown with the sRGB curve must come out brighter.
    linear = badfiles.rgb_icc_profile(badfiles.SRGB_PRIMARIES, 1.0, "linear sRGB")
    plain = load(badfiles.chinese_path_jpeg(folder, astronaut_rgb), max_pixels=MAX_PIXELS).rgb
    wide_src = Source.open(badfiles.icc_jpeg(folder, astronaut_rgb, adobe, "adobe.jpg"),
                           max_pixels=MAX_PIXELS)
    assert wide_src.info.has_icc
    wide = wide_src.decode().rgb
    lin = load(badfiles.icc_jpeg(folder, astronaut_rgb, linear, "lin.jpg"),
               max_pixels=MAX_PIXELS).rgb

    def chroma(a: np.ndarray) -> float:
        return float((a.max(axis=2).astype(int) - a.min(axis=2)).mean())

    assert chroma(wide) > chroma(plain) + 3
    assert lin.mean() > plain.mean() + 20


def test_broken_icc_profile_falls_back(folder, astronaut_rgb):
    path = badfiles.icc_jpeg(folder, astronaut_rgb, b"not a profile" * 20, "bad-icc.jpg")
    src = Source.open(path, max_pixels=MAX_PIXELS)
    assert src.info.has_icc
    assert _mad(src.decode().rgb, astronaut_rgb) < 3


def test_header_facts(folder, astronaut_rgb):
    base = badfiles.chinese_path_jpeg(folder, astronaut_rgb)
    info = Source.open(base, max_pixels=MAX_PIXELS).info
    assert (info.progressive, info.subsampling, info.has_metadata, info.frames) == (
        False, "4:2:0", False, 1)
    prog = folder / "prog.jpg"
    Image.fromarray(astronaut_rgb).save(prog, "JPEG", progressive=True, subsampling="4:4:4",
                                        comment=b"hello")
    info = Source.open(prog, max_pixels=MAX_PIXELS).info
    assert (info.progressive, info.subsampling, info.has_metadata) == (True, "4:4:4", True)


def test_decode_max_side_uses_draft_and_keeps_bounds(folder, monkeypatch):
    # 4000x3000 so JPEG DCT scaling (1/2, 1/4, 1/8) is exercised.
    rng = np.random.default_rng(0)
    big = rng.integers(0, 256, (3000, 4000, 3), dtype=np.uint8)
    path = folder / "big.jpg"
    Image.fromarray(big).save(path, "JPEG", quality=80)
    import cv2
    from PIL import JpegImagePlugin

    # A plain JPEG is decoded by OpenCV, a JPEG with a colour profile by Pillow: both must decode
    # at 1/4 directly (DCT scaling), never at full size first.
    raw_shapes: list[tuple[int, ...]] = []
    real_imdecode = cv2.imdecode

    def imdecode_spy(buf, flags):
        out = real_imdecode(buf, flags)
        raw_shapes.append(out.shape)
        return out

    drafts: list[tuple[int, int]] = []
    real_draft = JpegImagePlugin.JpegImageFile.draft

    def draft_spy(self, mode, size):
        result = real_draft(self, mode, size)
        drafts.append(self.size)
        return result

    monkeypatch.setattr(cv2, "imdecode", imdecode_spy)
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", draft_spy)
    src = Source.open(path, max_pixels=MAX_PIXELS)
    assert src.decode(1000).rgb.shape == (750, 1000, 3)
    assert raw_shapes == [(750, 1000, 3)]
    tagged = folder / "big-icc.jpg"
    Image.fromarray(big).save(tagged, "JPEG", quality=80, icc_profile=ImageCms.ImageCmsProfile(
        ImageCms.createProfile("sRGB")).tobytes())
    assert Source.open(tagged, max_pixels=MAX_PIXELS).decode(1000).rgb.shape == (750, 1000, 3)
    assert drafts == [(1000, 750)]
    for max_side in (1000, 700, 333, 5000):
        pic = src.decode(max_side)
        long_side = max(pic.rgb.shape[:2])
        assert long_side == min(max_side, 4000)
        assert pic.rgb.shape[:2] == (round(3000 * long_side / 4000), long_side)
        assert pic.scale == pic.rgb.shape[1] / 4000


def test_decode_from_two_threads(folder, grace_hopper_rgb):
    src = Source.open(badfiles.oriented_jpegs(folder, grace_hopper_rgb)[6], max_pixels=MAX_PIXELS)
    expected_full, expected_small = src.decode().rgb, src.decode(200).rgb
    results: dict[str, np.ndarray] = {}
    errors: list[BaseException] = []

    def run(name: str, max_side: int | None) -> None:
        try:
            for _ in range(3):
                results[name] = src.decode(max_side).rgb
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=("full", None)),
               threading.Thread(target=run, args=("small", 200))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert np.array_equal(results["full"], expected_full)
    assert np.array_equal(results["small"], expected_small)


@pytest.mark.shared
def test_shared_photos_sniffed_by_content(shared_photos):
    seen = {}
    for path in sorted(shared_photos.glob("*.jp*g")) + sorted(shared_photos.glob("*.png")):
        src = Source.open(path, max_pixels=MAX_PIXELS)
        pic = src.decode(max_side=400)
        assert max(pic.rgb.shape[:2]) <= 400 and pic.rgb.dtype == np.uint8
        seen[path.name] = (src.info.format, src.info.mode, src.info.width, src.info.height)
    assert seen["hivision-test1.jpg"] == ("WEBP", "RGB", 764, 1146)
    assert seen["hivision-test2.jpg"][:2] == ("PNG", "RGBA")
    assert seen["hivision-test0.jpg"][:1] == ("JPEG",)
    assert seen["fr-32bit.png"][:2] == ("PNG", "RGBA")


@pytest.mark.shared
def test_shared_rgba_png_keeps_its_colours(shared_photos):
    path = shared_photos / "fr-32bit.png"
    src = Source.open(path, max_pixels=MAX_PIXELS)
    assert src.info.has_alpha
    with Image.open(path) as im:
        rgba = np.asarray(im.convert("RGBA")).astype(np.float64)
    a = rgba[..., 3:] / 255
    expected = np.rint(rgba[..., :3] * a + 255 * (1 - a))
    assert np.abs(src.decode().rgb - expected).max() <= 1


def test_plain_jpeg_decodes_to_the_same_pixels_as_pillow(grace_hopper_path):
    # The fast OpenCV path must not change a single pixel against Pillow's decode.
    with Image.open(grace_hopper_path) as im:
        expected = np.asarray(im.convert("RGB"))
    got = Source.open(grace_hopper_path, max_pixels=MAX_PIXELS).decode().rgb
    assert got.shape == expected.shape and np.array_equal(got, expected)
