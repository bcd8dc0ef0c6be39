"""Synthetic supporting documents and phone photos of them, for tests and benchmarks.

Real material (ID cards, diplomas) is personal data and scarce, so the tests draw mock-ups with
Noto Sans/Serif SC (SIL OFL, from the `pylopdf-fonts-zh-cn` wheel) at realistic proportions,
then photograph them: a seeded random homography onto a wood-like desk, a soft shadow, slight
blur and noise, optionally a quarter-turn. Every output is a pure function of its arguments.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

PAPER = (246, 244, 238)
INK = (28, 28, 30)
STAMP_RED = (214, 36, 40)
KINDS = ("diploma", "id_front", "id_back", "degree", "xuexin_report")


@dataclass(frozen=True)
class Stamp:
    center: tuple[int, int]  # flat-document px
    radius: int


@dataclass(frozen=True)
class FlatDocument:
    kind: str
    image: np.ndarray  # RGB uint8, upright
    lines: tuple[str, ...]  # every text line drawn, top to bottom
    number: str  # the line a reviewer must be able to read (certificate no. / verification code)
    stamp: Stamp | None
    fields: dict[str, str] = field(default_factory=dict)  # key field id -> the value drawn


@dataclass(frozen=True)
class PhonePhoto:
    image: np.ndarray  # RGB uint8 photo of the document on a desk
    corners: np.ndarray  # (4, 2) float32 document corners in the photo: the one nearest the
    # image's top-left first, then clockwise (the order find_document returns)
    flat: np.ndarray  # the upright flat document
    lines: tuple[str, ...]
    number: str
    upright: int  # clockwise rotation that makes the photo's text upright (0/90/180/270)
    fields: dict[str, str] = field(default_factory=dict)


@cache
def _font(size: int, serif: bool = False) -> ImageFont.FreeTypeFont:
    try:
        import pylopdf_fonts_zh_cn as fonts
    except ImportError as exc:  # a clear message instead of tofu boxes
        raise RuntimeError(
            "tests need a CJK font: pip install .[test] (pylopdf-fonts-zh-cn, Noto SC, OFL)"
        ) from exc
    path = fonts.serif_path() if serif else fonts.sans_path()
    return ImageFont.truetype(str(path), size)


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, n))


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a 公民身份号码 (computed here independently of
    photocheck.documents.fields, so the tests compare two implementations)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


def _groups(s: str, k: int = 4) -> str:
    return " ".join(s[i : i + k] for i in range(0, len(s), k))


def _text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], s: str, size: int,
          serif: bool = False, fill: tuple[int, int, int] = INK, anchor: str = "la") -> None:
    draw.text(xy, s, font=_font(size, serif), fill=fill, anchor=anchor)


def _photo_box(img: Image.Image, box: tuple[int, int, int, int],
               bg: tuple[int, int, int] = (72, 132, 206)) -> None:
    """An ID-photo placeholder: coloured background, a head-and-shoulders silhouette."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    photo = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(photo)
    d.ellipse((0.3 * w, 0.15 * h, 0.7 * w, 0.6 * h), fill=(226, 186, 160))
    d.ellipse((0.1 * w, 0.62 * h, 0.9 * w, 1.4 * h), fill=(40, 44, 60))
    img.paste(photo, (x0, y0))


def _stamp(img: Image.Image, center: tuple[int, int], radius: int, text: str) -> Stamp:
    """A red seal: ring, star, and text along the upper arc, multiplied onto the page like ink."""
    layer = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(layer)
    cx, cy = center
    width = max(3, radius // 14)
    d.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=255, width=width)
    star = [
        (cx + (0.32 if i % 2 == 0 else 0.13) * radius * math.sin(i * math.pi / 5),
         cy - (0.32 if i % 2 == 0 else 0.13) * radius * math.cos(i * math.pi / 5))
        for i in range(10)
    ]
    d.polygon(star, fill=255)
    size = max(10, int(radius * 0.26))
    font = _font(size)
    span = math.radians(220)
    for i, ch in enumerate(text):
        a = -span / 2 + span * (i + 0.5) / len(text)
        r = radius - width - size * 0.75
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text((size, size), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-math.degrees(a), resample=Image.Resampling.BICUBIC)
        gx, gy = cx + r * math.sin(a), cy - r * math.cos(a)
        layer.paste(255, (int(gx - size), int(gy - size)), glyph)
    alpha = np.asarray(layer, dtype=np.float32)[..., None] / 255.0 * 0.9
    base = np.asarray(img, dtype=np.float32)
    red = np.asarray(STAMP_RED, dtype=np.float32) / 255.0
    out = base * (1 - alpha) + base * red * alpha  # multiply blend: text under the seal shows
    img.paste(Image.fromarray(out.round().astype(np.uint8)))
    return Stamp(center=center, radius=radius)


_NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强")
_SCHOOLS = ("华中医科大学", "江汉医学院", "荆楚医科大学", "武昌医学院")
_MAJORS = ("临床医学", "口腔医学", "中医学", "预防医学")


def _diploma(rng: np.random.Generator, name: str | None = None) -> FlatDocument:
    w, h = 1123, 794
    img = Image.new("RGB", (w, h), PAPER)
    d = ImageDraw.Draw(img)
    d.rectangle((24, 24, w - 25, h - 25), outline=(150, 40, 40), width=5)
    drawn, school, major = rng.choice(_NAMES), rng.choice(_SCHOOLS), rng.choice(_MAJORS)
    name = name or str(drawn)
    # 18 digits: school code 5, type 1, year 4, level 2, serial 6
    cert = f"{_digits(rng, 5)}1{2020}{_digits(rng, 2)}{_digits(rng, 6)}"
    number = "证书编号：" + cert
    lines = (
        "毕业证书",
        f"学生{name}，性别男，一九九八年三月生，",
        f"于二〇一五年九月至二〇二〇年七月在本校{major}专业",
        "五年制本科学习，修完教学计划规定的全部课程，",
        "成绩合格，准予毕业。",
        f"校名：{school}",
        "校（院）长：李明华",
        number,
    )
    _text(d, (w / 2, 70), lines[0], 64, serif=True, anchor="ma")
    _photo_box(img, (90, 200, 250, 410))
    for i, s in enumerate(lines[1:5]):
        _text(d, (300, 210 + i * 56), s, 30, serif=True)
    _text(d, (300, 500), lines[5], 28, serif=True)
    _text(d, (300, 556), lines[6], 28, serif=True)
    _text(d, (90, 690), number, 28)
    stamp = _stamp(img, (820, 560), 110, school)
    return FlatDocument("diploma", np.asarray(img).copy(), lines, number, stamp,
                        {"certificate_number": cert, "name": name})


def _id_front(rng: np.random.Generator, name: str | None = None, check_ok: bool = True) -> FlatDocument:
    """`check_ok=False` draws a number whose last character does not verify."""
    w, h = 856, 540
    img = Image.new("RGB", (w, h), (232, 238, 240))
    d = ImageDraw.Draw(img)
    drawn = str(rng.choice(_NAMES))
    name = name or drawn
    birth = (1985 + int(rng.integers(0, 20)), 1 + int(rng.integers(0, 12)),
             1 + int(rng.integers(0, 28)))
    first17 = f"420106{birth[0]}{birth[1]:02d}{birth[2]:02d}{_digits(rng, 3)}"
    check = id_check_char(first17)
    if not check_ok:
        check = "0123456789X"[("0123456789X".index(check) + 1 + int(rng.integers(0, 9))) % 11]
    id_no = first17 + check
    lines = (
        f"姓名  {name}",
        "性别  男    民族  汉",
        f"出生  {birth[0]} 年 {birth[1]} 月 {birth[2]} 日",
        "住址  湖北省武汉市洪山区",
        "珞喻路1037号",
        f"公民身份号码  {id_no}",
    )
    grey = (90, 110, 130)
    for i, s in enumerate(lines[:5]):
        y = 60 + i * 62 if i < 4 else 60 + 3 * 62 + 44
        label, _, value = s.partition("  ")
        if i == 4:
            _text(d, (150, y), s, 30)
        elif i == 1:
            _text(d, (50, y), "性别", 26, fill=grey)
            _text(d, (150, y), "男", 30)
            _text(d, (250, y), "民族", 26, fill=grey)
            _text(d, (340, y), "汉", 30)
        else:
            _text(d, (50, y), label, 26, fill=grey)
            _text(d, (150, y), value, 30)
    _text(d, (50, 440), "公民身份号码", 26, fill=grey)
    _text(d, (250, 436), id_no, 34)
    _photo_box(img, (590, 60, 800, 330), bg=(236, 240, 244))
    return FlatDocument("id_front", np.asarray(img).copy(), lines, id_no, None,
                        {"id_number": id_no, "name": name})


def _id_back(rng: np.random.Generator, start: dt.date | None = None, years: int | None = 20) -> FlatDocument:
    """Valid from `start` (default: a day in 2018-2023 from the seed) for `years` (None: 长期)."""
    w, h = 856, 540
    img = Image.new("RGB", (w, h), (232, 238, 240))
    d = ImageDraw.Draw(img)
    year = 2018 + int(rng.integers(0, 6))
    start = start or dt.date(year, 8, 1)
    end = "长期" if years is None else f"{start.year + years}.{start.month:02d}.{start.day:02d}"
    validity = f"{start.year}.{start.month:02d}.{start.day:02d}-{end}"
    lines = ("中华人民共和国", "居民身份证", "签发机关  武汉市公安局洪山分局",
             f"有效期限  {validity}")
    _text(d, (500, 90), lines[0], 40, anchor="ma")
    _text(d, (500, 160), lines[1], 64, serif=True, anchor="ma")
    grey = (90, 110, 130)
    _text(d, (170, 380), "签发机关", 26, fill=grey)
    _text(d, (300, 378), "武汉市公安局洪山分局", 30)
    _text(d, (170, 440), "有效期限", 26, fill=grey)
    _text(d, (300, 438), validity, 30)
    stamp = _stamp(img, (150, 150), 95, "中华人民共和国")
    return FlatDocument("id_back", np.asarray(img).copy(), lines, validity, stamp, {"validity": end})


def _degree(rng: np.random.Generator, name: str | None = None) -> FlatDocument:
    w, h = 794, 1123
    img = Image.new("RGB", (w, h), PAPER)
    d = ImageDraw.Draw(img)
    d.rectangle((22, 22, w - 23, h - 23), outline=(40, 70, 140), width=5)
    drawn, school, major = rng.choice(_NAMES), rng.choice(_SCHOOLS), rng.choice(_MAJORS)
    name = name or str(drawn)
    # 16 digits: school code 5, level 1, year 4, serial 6
    cert = f"{_digits(rng, 5)}4{2020}{_digits(rng, 6)}"
    number = "证书编号：" + cert
    lines = (
        "学士学位证书",
        f"{name}，男，一九九八年三月生。在",
        f"{school}{major}专业完成了",
        "本科学习计划，业已毕业，经审核符",
        "合《中华人民共和国学位条例》的规定，",
        "授予医学学士学位。",
        "学位评定委员会主席：王建国",
        number,
    )
    _text(d, (w / 2, 90), lines[0], 60, serif=True, anchor="ma")
    _photo_box(img, (w // 2 - 80, 220, w // 2 + 80, 430))
    for i, s in enumerate(lines[1:6]):
        _text(d, (90, 500 + i * 56), s, 30, serif=True)
    _text(d, (90, 830), lines[6], 28, serif=True)
    _text(d, (90, 1010), number, 28)
    stamp = _stamp(img, (560, 880), 100, school)
    return FlatDocument("degree", np.asarray(img).copy(), lines, number, stamp,
                        {"certificate_number": cert, "name": name})


def _xuexin_report(rng: np.random.Generator, name: str | None = None, updated: dt.date | None = None,
                   valid_days: int = 180) -> FlatDocument:
    """Updated on `updated` (default: 30 days before today, so the report is current), its
    online verification valid for `valid_days` after that."""
    w, h = 794, 1123
    img = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(img)
    drawn, school, major = rng.choice(_NAMES), rng.choice(_SCHOOLS), rng.choice(_MAJORS)
    name = name or str(drawn)
    updated = updated or dt.date.today() - dt.timedelta(days=30)
    until = updated + dt.timedelta(days=valid_days)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = "".join(letters[i] for i in rng.integers(0, len(letters), 16))
    number = "在线验证码：" + _groups(code)
    fields = (
        ("姓名", name), ("性别", "男"), ("出生日期", "1998年03月12日"), ("民族", "汉族"),
        ("学校名称", school), ("层次", "本科"), ("专业", major), ("学制", "5年"),
        ("学历类别", "普通高等教育"), ("学习形式", "普通全日制"), ("入学日期", "2015年09月01日"),
        ("学籍状态", "不在籍（毕业）"),
    )
    expiry = f"报告有效期至：{until.year}年{until.month:02d}月{until.day:02d}日"
    lines = ("教育部学籍在线验证报告", f"更新日期：{updated.year}年{updated.month:02d}月{updated.day:02d}日",
             *(f"{k}  {v}" for k, v in fields), number, expiry)
    _text(d, (w / 2, 70), lines[0], 40, anchor="ma")
    _text(d, (w / 2, 140), lines[1], 22, fill=(90, 90, 90), anchor="ma")
    d.line((60, 190, w - 60, 190), fill=(20, 90, 160), width=3)
    for i, (k, v) in enumerate(fields):
        y = 220 + i * 52
        d.line((60, y + 44, w - 60, y + 44), fill=(200, 200, 200), width=1)
        _text(d, (80, y + 8), k, 24, fill=(90, 90, 90))
        _text(d, (240, y + 8), v, 24)
    _photo_box(img, (570, 220, 720, 420))
    _text(d, (80, 900), number, 28)
    _text(d, (80, 960), expiry, 22)
    d.rectangle((560, 860, 720, 1020), outline=INK, width=2)  # QR-code placeholder
    for i in range(6):
        for j in range(6):
            if (i * 7 + j * 3) % 4 == 0:
                d.rectangle((570 + i * 25, 870 + j * 25, 590 + i * 25, 890 + j * 25), fill=INK)
    return FlatDocument("xuexin_report", np.asarray(img).copy(), lines, number, None,
                        {"verification_code": code, "name": name, "valid_until": f"{until:%Y-%m-%d}"})


_MAKERS: dict[str, Callable[..., FlatDocument]] = {
    "diploma": _diploma,
    "id_front": _id_front,
    "id_back": _id_back,
    "degree": _degree,
    "xuexin_report": _xuexin_report,
}


def flat_document(kind: str, seed: int = 0, *, mirrored: bool = False, **options: object) -> FlatDocument:
    """An upright mock-up of `kind` (one of KINDS), its text drawn with a CJK font. `options`
    go to the maker: name (all but id_back), check_ok (id_front), start and years (id_back;
    years=None is 长期), updated and valid_days (xuexin_report). `mirrored` flips it left-right,
    as a selfie camera sees it."""
    doc = _MAKERS[kind](np.random.default_rng(seed), **options)
    if mirrored:
        doc = replace(doc, image=np.ascontiguousarray(doc.image[:, ::-1]))
    return doc


DESKS = {  # base RGB ranges: dark walnut, light oak, grey laminate (low colour contrast to paper)
    "walnut": ((120, 165), (82, 110), (45, 70)),
    "oak": ((190, 215), (160, 180), (115, 140)),
    "grey": ((150, 175), (150, 172), (148, 170)),
}


def _wood(rng: np.random.Generator, h: int, w: int, desk: str) -> np.ndarray:
    """A wood-like desk: warped grain stripes over a base colour, with fine noise."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    warp = np.zeros((h, w), np.float32)
    for _ in range(3):
        f = rng.uniform(0.002, 0.01)
        warp += rng.uniform(5, 25) * np.sin(f * xx + rng.uniform(0, 6.3))
    angle = rng.uniform(-0.3, 0.3)
    v = yy * math.cos(angle) + xx * math.sin(angle) + warp
    grain = 0.5 + 0.25 * np.sin(v * rng.uniform(0.08, 0.16)) + 0.25 * np.sin(v * 0.031 + 1.0)
    base = np.asarray([rng.uniform(lo, hi) for lo, hi in DESKS[desk]])
    wood: np.ndarray = base * (0.8 + 0.35 * grain[..., None]) + rng.normal(0, 4, (h, w, 1))
    return np.asarray(np.clip(wood, 0, 255), np.float32)


def _corners_order(pts: np.ndarray) -> np.ndarray:
    """Start at the corner nearest the image's top-left, then go clockwise (in image coords)."""
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise on screen (y down)
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0).astype(np.float32)


def _shadow(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A soft shadow edge (a phone or hand) crossing the frame: multiplicative light field."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = rng.uniform(0, 2 * math.pi)
    px, py = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
    dist = (xx - px) * math.cos(a) + (yy - py) * math.sin(a)
    soft = rng.uniform(0.03, 0.08) * max(h, w)
    depth = rng.uniform(0.35, 0.5)
    vignette = 1 - 0.15 * (((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2)
    light: np.ndarray = (1 - depth / (1 + np.exp(-dist / soft))) * vignette
    return light


def phone_photo(
    kind: str, seed: int = 0, rotation: int = 0, size: int = 1280, desk: str | None = None,
    *, mirrored: bool = False, **options: object,
) -> PhonePhoto:
    """`kind` photographed on a desk (one of DESKS; None: picked by the seed), long side `size`
    px, then turned `rotation` degrees clockwise; `mirrored` and `options` as flat_document."""
    import cv2

    doc = flat_document(kind, seed, mirrored=mirrored, **options)
    rng = np.random.default_rng(seed + 1000)
    dh, dw = doc.image.shape[:2]
    w, h = (size, size * 3 // 4) if dw >= dh else (size * 3 // 4, size)
    card = kind.startswith("id_")
    fill = rng.uniform(0.45, 0.6) if card else rng.uniform(0.62, 0.78)
    scale = fill * min(w / dw, h / dh)
    sw, sh = dw * scale, dh * scale
    cx = w / 2 + rng.uniform(-0.5, 0.5) * (w - sw) * 0.6
    cy = h / 2 + rng.uniform(-0.5, 0.5) * (h - sh) * 0.6
    rect = np.array([[-sw / 2, -sh / 2], [sw / 2, -sh / 2], [sw / 2, sh / 2], [-sw / 2, sh / 2]])
    t = math.radians(rng.uniform(-12, 12))
    rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    dst = rect @ rot.T + rng.uniform(-0.06, 0.06, (4, 2)) * [sw, sh]
    margin = 0.04 * min(w, h)  # keep the whole document in frame
    span = dst.max(axis=0) - dst.min(axis=0)
    dst *= min(1.0, *((np.array([w, h]) - 2 * margin) / span))
    lo, hi = margin - dst.min(axis=0), np.array([w, h]) - margin - dst.max(axis=0)
    dst += np.clip([cx, cy], lo, hi)
    src = np.array([[0, 0], [dw, 0], [dw, dh], [0, dh]], np.float32)
    hom = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    paper = cv2.warpPerspective(doc.image.astype(np.float32), hom, (w, h), flags=cv2.INTER_AREA)
    alpha = cv2.warpPerspective(np.ones((dh, dw), np.float32), hom, (w, h))[..., None]
    desk = desk or tuple(DESKS)[seed % len(DESKS)]
    img = _wood(rng, h, w, desk) * (1 - alpha) + paper * alpha
    img *= _shadow(rng, h, w)[..., None]
    img = np.asarray(cv2.GaussianBlur(img, (0, 0), rng.uniform(0.6, 1.1)), np.float32)  # typed; no copy
    img += rng.normal(0, 2.5, img.shape)
    out = np.clip(img, 0, 255).round().astype(np.uint8)
    corners = dst.astype(np.float32)
    k = (rotation // 90) % 4
    for _ in range(k):  # quarter-turn clockwise: (x, y) -> (H - 1 - y, x)
        hh = out.shape[0]
        out = np.ascontiguousarray(np.rot90(out, -1))
        corners = np.stack([hh - 1 - corners[:, 1], corners[:, 0]], axis=1)
    return PhonePhoto(
        image=out,
        corners=_corners_order(corners),
        flat=doc.image,
        lines=doc.lines,
        number=doc.number,
        upright=(360 - 90 * k) % 360,
        fields=doc.fields,
    )


def scanned_page() -> np.ndarray:
    """scikit-image's page(): a real scan (greyscale, uneven light), as RGB."""
    from skimage import data

    page = data.page()
    return np.ascontiguousarray(np.repeat(page[:, :, None], 3, axis=2))


# Common characters of printed Chinese prose, for pages that are mostly body text.
_PROSE = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
          "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点"
          "从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又"
          "么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入"
          "常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西")


def dense_page(rows: int = 36, cols: int = 34, size: int = 22, seed: int = 0) -> FlatDocument:
    """A page of body text only (`rows` lines of `cols` characters at `size` px, prose-like
    characters at random): a dense printed page, the kind no small file keeps whole."""
    rng = np.random.default_rng(seed)
    gap = round(size * 0.7)
    w, h = 2 * size + cols * size, 2 * size + rows * (size + gap)
    img = Image.new("RGB", (w, h), PAPER)
    d = ImageDraw.Draw(img)
    lines = tuple("".join(rng.choice(list(_PROSE), cols)) for _ in range(rows))
    for i, line in enumerate(lines):
        _text(d, (size, size + i * (size + gap)), line, size)
    return FlatDocument("dense", np.asarray(img).copy(), lines, lines[-1], None)


def handheld_photo(person: np.ndarray, card: np.ndarray, *, mirrored: bool = False, card_blur: float = 0.0,
                   face: bool = True) -> np.ndarray:
    """A hand-held ID photo: `person` (a portrait, e.g. astronaut or grace_hopper) on the left of a
    plain wall, the upright `card` held beside the chin on the right, at a phone's framing.
    `mirrored` flips it as a selfie camera does; `card_blur` (px) blurs the card past reading;
    `face=False` leaves the person out (the card alone on the wall)."""
    from PIL import ImageFilter

    w, h = 1800, 1200
    canvas = Image.new("RGB", (w, h), (214, 210, 202))
    if face:
        p = Image.fromarray(person)
        scale = 0.8 * h / p.height
        canvas.paste(p.resize((round(p.width * scale), round(p.height * scale)), Image.Resampling.LANCZOS),
                     (120, h - round(p.height * scale)))
    c = Image.fromarray(card)
    if card_blur:
        c = c.filter(ImageFilter.GaussianBlur(card_blur))
    c = c.resize((round(c.width * 1.1), round(c.height * 1.1)), Image.Resampling.LANCZOS)
    canvas.paste(c, (w - c.width - 60, h - c.height - 120))
    out = np.asarray(canvas)
    return np.ascontiguousarray(out[:, ::-1]) if mirrored else out.copy()
