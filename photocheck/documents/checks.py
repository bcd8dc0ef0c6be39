"""Material checks: one small function per check id, each judging a measure against a limit the
caller takes from the profile's [materials] table. Per file: material.*; per category: category.*.

The ids are a contract shared with the GUI, the export report and the tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from photocheck.io.sniff import sniff
from photocheck.labels import MATERIAL_CHECKS
from photocheck.reports import CheckResult, Status

if TYPE_CHECKING:
    from photocheck.documents.fields import Reading, Reference
    from photocheck.documents.handheld import Person
    from photocheck.reports import MaterialReport, Suggestion
    from photocheck.rules.materials import Category, Variant

PASS, WARN, FAIL = Status.PASS, Status.WARN, Status.FAIL

ORDER = tuple(MATERIAL_CHECKS)
NO_TEXT = "未识别到文字：请确认拍的是证件或证书，且文字清晰"
NO_TEXT_EN = "No text found: make sure the photo shows the certificate or ID and its text is sharp"


def _r(v: float, nd: int = 3) -> float:
    return round(float(v), nd)


def material_readable(damage: Sequence[str]) -> CheckResult:
    """The source decoded cleanly; a damaged one still goes on, with a warning to look at it."""
    if damage:
        reason = "；".join(damage[:3])
        return CheckResult("material.readable", WARN, list(damage), None,
                           f"原文件有损坏，解码时出错（{reason}）：画面中可能有错位或色块",
                           "请核对输出图片，最好用原始文件重新导出或重新扫描",
                           message_en=f"The source file is damaged; decoding reported: {reason}")
    return CheckResult("material.readable", PASS, [], None, "原文件可完整读取",
                       message_en="The source file decodes cleanly")


def material_format(data: bytes | None, formats: Sequence[str], decodes: bool) -> CheckResult:
    """The file as written, re-read from disk: an accepted format that decodes completely."""
    limit = "/".join(formats)
    if data is None:
        return CheckResult("material.format", FAIL, None, limit, "未能生成上传文件",
                           message_en="No upload file was produced")
    fmt = sniff(data)
    if fmt is None or fmt not in formats:
        return CheckResult(
            "material.format", FAIL, fmt, limit, f"文件格式不符合要求（应为 {limit}）",
            "重新处理该材料", message_en=f"Format not accepted (allowed: {limit})",
        )
    if not decodes:
        return CheckResult("material.format", FAIL, fmt, limit, "写出的文件无法完整读取（可能已损坏）",
                           "检查磁盘空间后重新处理", message_en="The written file does not decode")
    return CheckResult("material.format", PASS, fmt, limit, f"格式：{fmt.upper()}",
                       message_en=f"Format: {fmt.upper()}")


def material_bytes(size: int | None, max_bytes: int) -> CheckResult:
    if size is None:
        return CheckResult("material.bytes", FAIL, None, max_bytes,
                           f"无法压缩到 {max_bytes:,} 字节以内", message_en=f"Cannot fit {max_bytes:,} bytes")
    if size > max_bytes:
        return CheckResult(
            "material.bytes", FAIL, size, max_bytes, f"文件过大：{size:,} 字节（上限 {max_bytes:,}）",
            "重新处理该材料", message_en=f"Too large: {size:,} bytes (limit {max_bytes:,})",
        )
    return CheckResult("material.bytes", PASS, size, max_bytes, f"文件大小 {size:,} 字节（上限 {max_bytes:,}）",
                       message_en=f"{size:,} bytes (limit {max_bytes:,})")


def material_orientation(
    rotation: int, confidence: float | None, residual_skew: float, *, max_skew: float,
    min_confidence: float, mirrored: bool = False,
) -> CheckResult:
    """Upright, level and not mirrored. `confidence` is None when the user set the rotation by
    hand; `mirrored`: the page was flipped back (the upload is then the right way round)."""
    value = {"rotation": rotation, "skew": _r(residual_skew, 2), "confidence": confidence, "mirrored": mirrored}
    if abs(residual_skew) > max_skew:
        return CheckResult(
            "material.orientation", FAIL, value, max_skew,
            f"画面仍倾斜 {abs(residual_skew):.1f}°（允许 ≤{max_skew:g}°）",
            "在界面中拖动四角对准证件边缘，或将证件放正后重拍", fixable=True,
            message_en=f"Still tilted by {abs(residual_skew):.1f} deg (limit {max_skew:g})",
        )
    turned = f"已顺时针旋转{rotation}°" if rotation else "无需旋转"
    if mirrored:
        turned += "，原图为镜像，已翻转回正向"
    # A mirrored page's flipped read is itself the evidence that the result is upright.
    if confidence is not None and confidence < min_confidence and not mirrored:
        return CheckResult(
            "material.orientation", WARN, value, max_skew,
            f"无法可靠判断文字方向（{turned}）：请确认画面是正向的",
            "如方向不对，请在界面中手动旋转", fixable=True,
            message_en="Text direction uncertain: check that the page is upright",
        )
    how = "按手动设置" if confidence is None else "按文字方向"
    return CheckResult("material.orientation", PASS, value, max_skew, f"画面正向（{how}{turned}）",
                       message_en=f"Upright (rotated {rotation} deg{', un-mirrored' if mirrored else ''})")


def material_blur(sharpness: float, min_sharpness: float) -> CheckResult:
    if sharpness < min_sharpness:
        return CheckResult(
            "material.blur", FAIL, _r(sharpness), min_sharpness,
            f"画面模糊，文字可能无法辨认（清晰度{sharpness:.2f}，要求≥{min_sharpness:g}）",
            "手机对焦到文字上、拿稳后重拍，或使用扫描件",
            message_en=f"Blurred (sharpness {sharpness:.2f}, need >= {min_sharpness:g})",
        )
    return CheckResult("material.blur", PASS, _r(sharpness), min_sharpness, f"清晰（清晰度{sharpness:.2f}）",
                       message_en=f"Sharp ({sharpness:.2f})")


def material_glare(fraction: float, max_fraction: float) -> CheckResult:
    if fraction > max_fraction:
        return CheckResult(
            "material.glare", FAIL, _r(fraction, 4), max_fraction,
            f"有反光，部分内容被遮住（反光面积{fraction:.1%}，允许≤{max_fraction:.1%}）",
            "关闭闪光灯、避开灯光直射，或斜一点角度重拍",
            message_en=f"Glare covers {fraction:.1%} (limit {max_fraction:.1%})",
        )
    return CheckResult("material.glare", PASS, _r(fraction, 4), max_fraction, "无明显反光",
                       message_en="No glare")


def material_resolution(text_px: float | None, min_text_px: float) -> CheckResult:
    """Median text-line height in the upload file, px."""
    if text_px is None:
        return CheckResult("material.resolution", FAIL, None, min_text_px, NO_TEXT,
                           "把证件放满画面、对焦后重拍", message_en=NO_TEXT_EN)
    if text_px < min_text_px:
        return CheckResult(
            "material.resolution", FAIL, _r(text_px, 1), min_text_px,
            f"文字太小（字高{text_px:.0f}像素，要求≥{min_text_px:g}）",
            "靠近一些，让证件占满画面后重拍",
            message_en=f"Text too small ({text_px:.0f} px, need >= {min_text_px:g})",
        )
    return CheckResult("material.resolution", PASS, _r(text_px, 1), min_text_px, f"字高{text_px:.0f}像素",
                       message_en=f"Text height {text_px:.0f} px")


def material_legibility(legibility: float | None, min_legibility: float, *, chars: int = 0,
                        z: float = 0.0, fields_kept: bool = True) -> CheckResult:
    """OCR agreement of the upload with the full-resolution image over `chars` characters (None:
    no text was found), judged with compress.legible; `fields_kept`: every key field read in the
    original still reads in the upload (it counts where the agreement alone falls short: a lost
    field is material.key_fields' to report)."""
    from photocheck.documents.compress import legible

    if legibility is None:
        return CheckResult("material.legibility", FAIL, None, min_legibility, NO_TEXT,
                           "把证件放满画面、对焦后重拍", message_en=NO_TEXT_EN)
    if legibility < min_legibility and legible(legibility, chars, min_legibility, z) and fields_kept:
        return CheckResult("material.legibility", PASS, _r(legibility), min_legibility,
                           f"文字清晰可辨（识别一致率{legibility:.0%}，全文仅{chars}个字，差异在识别误差之内）",
                           message_en=f"Text legible (agreement {legibility:.0%} over only {chars} characters: "
                                      "within OCR noise)")
    if legibility < min_legibility:
        return CheckResult(
            "material.legibility", FAIL, _r(legibility), min_legibility,
            f"压缩后文字无法辨认（识别一致率{legibility:.0%}，要求≥{min_legibility:.0%}）",
            "用更清晰的照片或扫描件，或把证件拍得更大",
            message_en=f"Text unreadable after compression (agreement {legibility:.0%}, "
                       f"need >= {min_legibility:.0%})",
        )
    return CheckResult("material.legibility", PASS, _r(legibility), min_legibility,
                       f"文字清晰可辨（识别一致率{legibility:.0%}）",
                       message_en=f"Text legible (agreement {legibility:.0%})")


# --- per category ------------------------------------------------------------------------------


def _missing(variant: Variant, filled: set[str]) -> list[str]:
    return [s.name for s in variant.slots if s.required and s.id not in filled]


def _slot_problem(category: Category, reports: Sequence[MaterialReport]) -> str | None:
    """Chinese description of what the fixed slots lack, or None when some variant is complete."""
    slots = [r.slot for r in reports if r.slot]
    repeated = sorted({s for s in slots if slots.count(s) > 1})
    if repeated:
        names = "、".join(slot.name if (slot := category.slot(s)) else s for s in repeated)
        return f"{names}重复"
    best = min((_missing(v, set(slots)) for v in category.variants), key=len)
    return f"缺少{'、'.join(best)}" if best else None


def category_count(category: Category, reports: Sequence[MaterialReport]) -> CheckResult:
    """Number of files within [min_count, max_count] and, for slotted categories, one variant's
    required slots each filled once."""
    n, lo, hi = len(reports), category.min_count, category.max_count
    limit = [lo, hi]
    span = f"{lo}–{hi}张" if hi is not None else f"至少{lo}张"
    if n < lo or (hi is not None and n > hi):
        return CheckResult(
            "category.count", FAIL, n, limit, f"{category.name}：现有{n}张，应为{span}",
            "补齐缺少的材料" if n < lo else "删去多余的文件",
            message_en=f"{category.name_en}: {n} files, expected {lo}-{hi if hi is not None else 'any'}",
        )
    problem = _slot_problem(category, reports) if category.variants and n else None
    if problem:
        return CheckResult("category.count", FAIL, n, limit, f"{category.name}：{problem}",
                           "按要求补齐或更正各面（可在界面中指定每张是哪一面）",
                           message_en=f"{category.name_en}: slots incomplete")
    return CheckResult("category.count", PASS, n, limit, f"{category.name}：{n}张",
                       message_en=f"{category.name_en}: {n} files")


def category_required(category: Category, reports: Sequence[MaterialReport]) -> CheckResult:
    """A required category must have files; a conditional one only reminds of its condition."""
    n = len(reports)
    if n:
        return CheckResult("category.required", PASS, n, category.requirement, f"{category.name}：已提供",
                           message_en=f"{category.name_en}: provided")
    if category.required:
        return CheckResult(
            "category.required", FAIL, 0, category.requirement, f"缺少必需材料：{category.name}",
            category.hint or "", message_en=f"Missing required material: {category.name_en}",
        )
    return CheckResult(
        "category.required", WARN, 0, category.requirement,
        f"未提供{category.name}（{category.condition}时需要）", category.hint or "",
        message_en=f"No {category.name_en} (needed when: {category.condition_en or category.condition})",
    )


# --- what a reviewer reads ---------------------------------------------------------------------


def _problem(r: Reading) -> str:
    f = r.field
    if r.problem == "checksum":
        return f"{f.name}读出的号码校验位不符（压缩后无法辨认，或号码有误）"
    if r.problem == "term":
        return f"{f.name}读出的起止日期不是法定期限（压缩后无法辨认）"
    if r.problem == "date":
        return f"{f.name}读出的日期不完整（压缩后无法辨认）"
    return f"{f.name}在压缩后无法辨认"


def material_key_fields(readings: Sequence[Reading]) -> CheckResult | None:
    """Every required key field found and valid in the upload file's own OCR; None when the
    category and side have no key fields."""
    if not readings:
        return None
    value = {r.id: "ok" if r.ok else (r.problem or "missing") for r in readings}
    bad = [r for r in readings if r.field.required and not r.ok]
    if bad:
        first = bad[0]
        message = "；".join(_problem(r) for r in bad) + f"：{first.field.advice}"
        return CheckResult(
            "material.key_fields", FAIL, value, "required", message, first.field.advice,
            message_en="Unreadable in the upload file: " + ", ".join(r.field.name_en for r in bad),
        )
    read = [r for r in readings if r.ok]
    names = "、".join(r.field.name for r in read)
    return CheckResult("material.key_fields", PASS, value, "required",
                       f"关键信息清晰可辨：{names}" if read else "未读出可选的关键信息（不影响通过）",
                       message_en=("Key fields legible: " + ", ".join(r.field.name_en for r in read)) if read
                       else "No optional key field read (not required)")


def material_valid(readings: Sequence[Reading], ref: Reference) -> CheckResult | None:
    """The document is still valid on the reference day: the earliest end of its expiry and
    issued-plus-months fields; None when the category has no such field."""
    dated = [r for r in readings if r.field.kind in ("expiry", "issued")]
    if not dated:
        return None
    limit = f"{ref.day:%Y-%m-%d}"
    good = [r for r in dated if r.ok]
    if any(r.perpetual for r in good) and not any(r.end for r in good):
        return CheckResult("material.valid", PASS, "长期", limit, "有效期限：长期",
                           message_en="Valid indefinitely")
    ends = [r for r in good if r.end is not None]
    if not ends:
        names = "、".join(r.field.name for r in dated)
        return CheckResult(
            "material.valid", WARN, None, limit, f"无法读出{names}，未能核对是否在有效期内",
            dated[0].field.advice, message_en="Could not read the validity date",
        )
    first = min(ends, key=lambda r: r.end or dt.date.max)  # `ends` all have one
    end = first.end
    assert end is not None
    how = f"{first.field.name}{first.value}" if first.field.kind == "expiry" else (
        f"{first.field.name}{first.value}，{first.field.valid_months}个月内有效，至{end:%Y-%m-%d}")
    if end < ref.day:
        return CheckResult(
            "material.valid", FAIL, f"{end:%Y-%m-%d}", limit,
            f"已过期：{how}，早于{ref.label}", first.field.expired_advice or "",
            message_en=f"Expired on {end:%Y-%m-%d}, before {ref.label_en}",
        )
    return CheckResult("material.valid", PASS, f"{end:%Y-%m-%d}", limit,
                       f"在有效期内：{how}（参照{ref.label}）",
                       message_en=f"Valid until {end:%Y-%m-%d} (reference: {ref.label_en})")


def material_name(name: str | None, appears: bool, readings: Sequence[Reading]) -> CheckResult | None:
    """The candidate's name is on the document: a warning naming what was read when it is
    absent or differs. None without a name, or when the category and side carry none."""
    fields = [r for r in readings if r.field.kind == "name"]
    if not name or not fields:
        return None
    if appears:
        return CheckResult("material.name", PASS, name, name, f"姓名与报名信息一致：{name}",
                           message_en="Name matches the registration")
    read = next((r.value for r in fields if r.ok and r.value), None)
    if read:
        return CheckResult(
            "material.name", WARN, read, name, f"材料上的姓名“{read}”与报名姓名“{name}”不一致",
            "确认上传的是本人的材料；如姓名确有变更，请一并上传相关证明",
            message_en="The name on the document differs from the registration",
        )
    return CheckResult(
        "material.name", WARN, None, name, f"未在材料上读到报名姓名“{name}”",
        "确认是本人的材料，且姓名清晰可辨（请拍得更近、更清晰）",
        message_en="The registration name was not found on the document",
    )


def material_category(category: Category, words: Sequence[str], suggestion: Suggestion | None,
                      suggested_name: str | None) -> CheckResult:
    """A file put in `category` whose text shows none of its title words, and whose field
    labels (`words` also holds those) do not make it the best guess, is probably another
    document: a warning naming the category its text suggests ("其他" when none)."""
    titles = [w for w in words if w in category.keywords]
    if titles or (words and suggestion is not None and suggestion.category_id == category.id):
        return CheckResult("material.category", PASS, list(words), category.id,
                           f"内容符合{category.name}（识别到：{'、'.join(words)}）",
                           message_en=f"Content matches {category.name_en}")
    like = suggested_name or "其他"
    reason = f"（{suggestion.reason}）" if suggestion and suggestion.category_id else ""
    return CheckResult(
        "material.category", WARN, suggestion.category_id if suggestion else None, category.id,
        f"这看起来不是{category.name}，更像：{like}{reason}",
        f"确认文件放对了类别；{category.name}应为：{category.hint or category.name}",
        message_en=f"This does not look like {category.name_en}",
    )


# --- the hand-held ID photo --------------------------------------------------------------------


def material_face(person: Person | None, *, min_face: float, margin: float) -> CheckResult:
    """One live face, large enough and whole in the picture ("人像应清晰可辨")."""
    limit = {"min_face": min_face, "margin": margin}
    hint = "请正对镜头，把脸和证件一起完整拍进画面，再重拍"
    if person is None:
        return CheckResult("material.face", FAIL, None, limit, "手持证件照中没有找到本人的脸", hint,
                           message_en="No face found in the hand-held ID photo")
    value = {"faces": person.faces, "share": person.share, "inside": person.inside, "eyes": person.eyes}
    if person.faces > 1:
        return CheckResult("material.face", FAIL, value, limit, f"画面中有 {person.faces} 个人：只能有考生本人",
                           "请单独拍摄本人手持证件的照片", message_en=f"{person.faces} people in the picture")
    if person.share < min_face:
        return CheckResult("material.face", FAIL, value, limit,
                           f"人脸太小（占画面 {person.share:.1%}，至少 {min_face:.0%}）", "请离镜头近一些再拍",
                           message_en=f"The face is too small ({person.share:.1%} of the picture)")
    if person.inside < margin or not person.eyes:
        return CheckResult("material.face", FAIL, value, limit, "人脸被画面边缘截断", hint,
                           message_en="The face is cut off by the picture's edge")
    return CheckResult("material.face", PASS, value, limit, "本人面部完整可见",
                       message_en="The candidate's face is fully visible")


def material_card_text(chars: float, min_chars: int) -> CheckResult:
    """The held card's text reads in the upload file ("证件内容应清晰可辨")."""
    if chars < min_chars:
        return CheckResult("material.card_text", FAIL, chars, min_chars,
                           f"手持的证件上的文字无法辨认（读出约 {chars:.0f} 个字，至少 {min_chars} 个）",
                           "请把证件人像面朝向镜头、拿近并对好焦，避免手指或反光遮挡文字",
                           message_en=f"The held card's text is not legible ({chars:.0f} characters read)")
    return CheckResult("material.card_text", PASS, chars, min_chars, f"证件文字清晰可辨（约 {chars:.0f} 个字）",
                       message_en=f"The card's text is legible ({chars:.0f} characters)")
