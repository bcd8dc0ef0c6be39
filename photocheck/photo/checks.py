"""Photo checks: one small function per check id, each judging a raw measure against the profile.

The ids are a contract shared with the GUI, the reports and the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

from photocheck.concurrency import helper
from photocheck.io.decode import SourceInfo
from photocheck.io.sniff import FORMAT_OF_PILLOW
from photocheck.labels import PHOTO_CHECKS
from photocheck.photo.analysis import PhotoAnalysis
from photocheck.photo.framing import BELOW_TOLERANCE, below_source, plan, upscale_needed
from photocheck.reports import CheckResult, Status
from photocheck.rules.profile import Profile

if TYPE_CHECKING:
    import numpy as np

    from photocheck.vision.remnants import Remnant

PASS, WARN, FAIL = Status.PASS, Status.WARN, Status.FAIL

ORDER = tuple(PHOTO_CHECKS)


def _r(v: float, nd: int = 3) -> float:
    return round(float(v), nd)


def _graded(check_id: str, measure: float, shown: float, limit: float, warn_at: float, *, low_is_bad: bool,
            fail: tuple[str, str, str], warn: tuple[str, str], ok: tuple[str, str]) -> CheckResult:
    """A measure that fails beyond `limit` and warns beyond `warn_at` (below them when `low_is_bad`).

    fail is (message, advice, message_en); warn and ok are (message, message_en).
    """
    def beyond(edge: float) -> bool:
        return measure < edge if low_is_bad else measure > edge

    if beyond(limit):
        text, advice, text_en = fail
        return CheckResult(check_id, FAIL, shown, limit, text, advice, message_en=text_en)
    if beyond(warn_at):
        text, text_en = warn
        return CheckResult(check_id, WARN, shown, limit, text, message_en=text_en)
    text, text_en = ok
    return CheckResult(check_id, PASS, shown, limit, text, message_en=text_en)


def file_readable(info: SourceInfo) -> CheckResult:
    if info.damage:
        reason = "；".join(info.damage[:3])
        return CheckResult(
            "file.readable", WARN, info.format, "JPEG/PNG/WebP/HEIC/BMP/TIFF",
            f"文件有损坏，解码时出错（{reason}）：照片中可能有错位或色块",
            "请检查照片，最好用原始文件重新导出或重新拍摄",
            message_en=f"The file is damaged; decoding reported: {reason}. Parts of the picture may be wrong",
        )
    return CheckResult(
        "file.readable", PASS, info.format, "JPEG/PNG/WebP/HEIC/BMP/TIFF",
        f"文件可读取：{info.format}，{info.width}×{info.height}",
        message_en=f"Readable {info.format}, {info.width}x{info.height}",
    )


def face_count(a: PhotoAnalysis, p: Profile) -> CheckResult:
    n = len(a.faces)
    limit = 1
    if n == 0:
        return CheckResult(
            "face.count", FAIL, 0, limit, "未检测到人脸：请使用本人正面、面部清晰的照片",
            "正对镜头重新拍摄，面部不要被遮挡", message_en="No face found",
        )
    if n > 1:
        return CheckResult(
            "face.count", FAIL, n, limit, f"检测到{n}张人脸：请使用只有本人的照片",
            "换一张只有本人的照片，或让他人离开画面后重拍", message_en=f"{n} faces found: use a photo of you alone",
        )
    if a.ignored:
        return CheckResult(
            "face.count", WARN, 1, limit,
            f"检测到1张人脸；背景中另有{len(a.ignored)}处很小的类人脸图案，已忽略",
            "背景会被换成白色；如背景里有人像海报，最好换个地方拍",
            message_en="One face; tiny face-like patterns in the background were ignored",
        )
    return CheckResult("face.count", PASS, 1, limit, "检测到1张人脸", message_en="One face")


def face_complete(a: PhotoAnalysis, p: Profile) -> CheckResult:
    lm, head = a.landmarks, a.head
    assert lm is not None and head is not None
    h, w = a.picture.rgb.shape[:2]
    margin = p.checks.face_complete.edge_margin * head.head_px
    from photocheck.photo.analysis import face_polygon

    oval = face_polygon(lm)
    outside = (
        (oval[:, 0] < margin) | (oval[:, 0] > w - 1 - margin)
        | (oval[:, 1] < margin) | (oval[:, 1] > h - 1 - margin)
    )
    share = float(outside.mean())
    limit = {"edge_margin": p.checks.face_complete.edge_margin, "chin_margin": p.geometry.chin_margin}
    if share > 0:
        return CheckResult(
            "face.complete", FAIL, {"outside_share": _r(share)}, limit,
            "面部不完整：脸部被照片边缘截断", "让整个头部和双肩都在画面内，重新拍摄",
            message_en="The face is cut by the edge of the photo",
        )
    if head.crown_cut:
        return CheckResult(
            "face.complete", FAIL, {"crown_cut": True}, limit,
            "头顶被照片上边缘截断", "拍摄时在头顶上方留出空间",
            message_en="The top of the head is cut off",
        )
    if head.below_chin < p.geometry.chin_margin or _frame_below_source(a, p):
        return CheckResult(
            "face.complete", FAIL, {"below_chin": _r(head.below_chin)}, limit,
            "下巴以下空间不足：照片需要包含脖子和肩膀", "后退一些重新拍摄，让肩膀进入画面",
            message_en="Not enough room below the chin: include neck and shoulders",
        )
    return CheckResult(
        "face.complete", PASS, {"below_chin": _r(head.below_chin)}, limit, "头部完整，未被截断",
        message_en="The whole head is in the frame",
    )


def _frame_below_source(a: PhotoAnalysis, p: Profile) -> bool:
    """A fixing profile's frame, even at its tightest, needs clothing below the photo's bottom edge
    (the fixer never invents those pixels)."""
    if not p.can_fix or p.output.exact_size is None:
        return False
    h, w = a.picture.rgb.shape[:2]
    k = 1.0 / a.picture.scale
    return below_source(plan(a, p), w * k, h * k) > BELOW_TOLERANCE


def face_pose(a: PhotoAnalysis, p: Profile) -> CheckResult:
    lm = a.landmarks
    assert lm is not None
    r = p.checks.pose
    roll = lm.roll - 90.0 * a.quarter_turns  # as the photo was, before any quarter turn
    roll = (roll + 180.0) % 360.0 - 180.0
    value = {"yaw": _r(lm.yaw, 1), "pitch": _r(lm.pitch, 1), "roll": _r(roll, 1)}
    limit = {"yaw": r.max_yaw, "pitch": r.max_pitch, "roll": r.max_roll}
    if abs(lm.yaw) > r.max_yaw or abs(lm.pitch) > r.max_pitch:
        what = "左右转头" if abs(lm.yaw) / r.max_yaw >= abs(lm.pitch) / r.max_pitch else "抬头或低头"
        return CheckResult(
            "face.pose", FAIL, value, limit, f"头部姿态不正：{what}",
            "正对镜头，头部保持端正，下巴自然", message_en="Head not facing the camera",
        )
    if a.quarter_turns:
        fixable = p.can_fix
        return CheckResult(
            "face.pose", FAIL, value, limit, f"照片方向不对：需要顺时针旋转{90 * a.quarter_turns}°",
            "自动修复会旋转照片" if fixable else "用看图软件把照片转正后再检查",
            fixable=fixable, message_en=f"Photo is sideways: rotate {90 * a.quarter_turns} deg clockwise",
        )
    if abs(roll) > r.max_roll:
        return CheckResult(
            "face.pose", FAIL, value, limit, f"头部歪斜{abs(roll):.0f}°，超出可自动校正的范围",
            "头部摆正后重新拍摄", message_en="Head tilted too far",
        )
    if abs(roll) > r.tolerance_roll:
        fixable = p.can_fix
        return CheckResult(
            "face.pose", FAIL, value, limit, f"头部歪斜{abs(roll):.1f}°",
            "自动修复会把双眼摆平" if fixable else "头部摆正后重新拍摄",
            fixable=fixable, message_en=f"Head tilted {abs(roll):.1f} deg",
        )
    if abs(lm.yaw) > r.warn_yaw or abs(lm.pitch) > r.warn_pitch:
        return CheckResult(
            "face.pose", WARN, value, limit, "头部略有偏转，建议正对镜头",
            message_en="Head slightly turned",
        )
    return CheckResult(
        "face.pose", PASS, value, limit, "头部端正，正对镜头", message_en="Head level, facing the camera"
    )


def face_eyes_open(a: PhotoAnalysis, p: Profile) -> CheckResult:
    lm = a.landmarks
    assert lm is not None
    r = p.checks.eyes_open
    v = min(lm.eye_openness)
    return _graded(
        "face.eyes_open", v, _r(v), r.min_openness, r.warn_openness, low_is_bad=True,
        fail=("眼睛未睁开或被遮挡", "自然睁眼，摘掉有色或反光的眼镜后重拍", "Eyes closed or covered"),
        warn=("眼睛睁得较小，请确认双眼清晰可见", "Eyes narrowly open"), ok=("双眼睁开", "Eyes open"),
    )


def face_mouth_closed(a: PhotoAnalysis, p: Profile) -> CheckResult:
    lm = a.landmarks
    assert lm is not None
    r = p.checks.mouth_closed
    v = lm.mouth_openness
    return _graded(
        "face.mouth_closed", v, _r(v), r.max_openness, r.warn_openness, low_is_bad=False,
        fail=("嘴巴张开或露齿笑：证件照要求表情自然、闭嘴", "合上嘴、不露牙齿，表情自然后重拍",
              "Mouth open or a smile showing teeth"),
        warn=("嘴巴微张，建议闭嘴", "Mouth slightly open"), ok=("嘴巴闭合", "Mouth closed"),
    )


def face_occlusion(a: PhotoAnalysis, p: Profile) -> CheckResult:
    """Something over the face: an object or hand before the mouth and chin, or hair over an eye.

    Each cue fails with its own message and hint; the first failing one, else the first warning, speaks.
    """
    o = a.occlusion
    assert o is not None
    r = p.checks.occlusion
    value = {"foreign_share": _r(o.foreign_share), "lip_redness": _r(o.lip_redness, 1),
             "lip_contrast": _r(o.lip_contrast, 1), "eye_hair": _r(o.eye_hair), "eye_contrast": _r(o.eye_contrast),
             "chin_cover": _r(o.chin_cover)}
    limit = {"foreign_share": r.max_foreign_share, "lip_redness": r.min_lip_redness,
             "lip_contrast": r.min_lip_contrast, "eye_hair": r.max_eye_hair,
             "eye_contrast": r.min_eye_contrast, "chin_cover": r.max_chin_cover}
    fails = (
        (o.eye_hair > r.max_eye_hair, "头发遮住眼睛", "请把头发拨到耳后，露出双眼后重拍", "Hair covers an eye"),
        (o.eye_contrast < r.min_eye_contrast, "眼睛被遮住（头发或其他物体），看不到眼珠",
         "请把头发拨到耳后、移开遮挡物，露出双眼后重拍", "Something (hair or an object) covers an eye"),
        (o.foreign_share > r.max_foreign_share, "有物体遮挡面部（手、话筒或手机）", "请移开遮挡物后重拍",
         "Something covers the face (a hand, microphone or phone)"),
        (o.lip_redness < r.min_lip_redness or o.lip_contrast < r.min_lip_contrast, "嘴部被遮挡（手或其他物体）",
         "请把手或遮挡物从脸前移开，露出嘴巴和下巴后重拍", "Something covers the mouth (a hand or an object)"),
        (o.chin_cover > r.max_chin_cover, "下巴被遮挡（手或其他物体）", "请把手从下巴前移开，露出完整的下巴后重拍",
         "Something covers the chin (a hand or an object)"),
    )
    for failed, text, hint, text_en in fails:
        if failed:
            return CheckResult("face.occlusion", FAIL, value, limit, text, hint, message_en=text_en)
    warns = (
        (o.eye_hair > r.warn_eye_hair or o.eye_contrast < r.warn_eye_contrast,
         "头发可能遮住了部分眼睛，请确认双眼完整可见",
         "Hair may cover part of an eye: check that both eyes show"),
        (o.foreign_share > r.warn_foreign_share or o.lip_redness < r.warn_lip_redness
         or o.lip_contrast < r.warn_lip_contrast or o.chin_cover > r.warn_chin_cover,
         "面部下方可能有物体遮挡，请确认口鼻和下巴完整可见",
         "Something may cover the lower face: check that mouth, nose and chin show"),
    )
    for warned, text, text_en in warns:
        if warned:
            return CheckResult("face.occlusion", WARN, value, limit, text, message_en=text_en)
    return CheckResult("face.occlusion", PASS, value, limit, "面部无遮挡", message_en="Face not covered")


def face_size(a: PhotoAnalysis, p: Profile) -> CheckResult:
    head = a.head
    assert head is not None
    lo, hi = p.geometry.head_height
    v = head.head_ratio
    if lo <= v <= hi:
        return CheckResult("face.size", PASS, _r(v), [lo, hi], "头部大小合适", message_en="Head size fits")
    what = "头部太小" if v < lo else "头部太大"
    return CheckResult(
        "face.size", FAIL, _r(v), [lo, hi],
        f"{what}：头顶到下巴占照片高度的{v:.0%}，要求{lo:.0%}～{hi:.0%}",
        "自动修复会按规格重新裁剪" if p.can_fix else "调整拍摄距离后重拍",
        fixable=p.can_fix, message_en=f"Head height {v:.0%} of the photo, needs {lo:.0%}-{hi:.0%}",
    )


def face_position(a: PhotoAnalysis, p: Profile) -> CheckResult:
    head = a.head
    assert head is not None
    g = p.geometry
    value = {
        "crown_margin": _r(head.crown_margin), "eye_line": _r(head.eye_line),
        "centre_offset": _r(head.centre_offset),
    }
    limit = {"crown_margin": list(g.crown_margin), "eye_line": list(g.eye_line), "centre_offset": g.center_tolerance}
    problems = []
    if not g.crown_margin[0] <= head.crown_margin <= g.crown_margin[1]:
        problems.append("头顶上方留白太少" if head.crown_margin < g.crown_margin[0] else "头顶上方留白太多")
    if not g.eye_line[0] <= head.eye_line <= g.eye_line[1]:
        problems.append("眼睛位置太高" if head.eye_line < g.eye_line[0] else "眼睛位置太低")
    if abs(head.centre_offset) > g.center_tolerance:
        problems.append("人像没有左右居中")
    if not problems:
        return CheckResult("face.position", PASS, value, limit, "人像位置居中、高度合适", message_en="Head well placed")
    return CheckResult(
        "face.position", FAIL, value, limit, "人像位置不合规格：" + "，".join(problems),
        "自动修复会按规格重新裁剪" if p.can_fix else "调整构图后重拍",
        fixable=p.can_fix, message_en="Head position outside the profile's frame",
    )


def image_resolution(a: PhotoAnalysis, p: Profile) -> CheckResult:
    """How much the source must be enlarged for the head to reach the profile's minimum size."""
    need = upscale_needed(a, p)
    limit = p.output.max_upscale
    value = _r(need, 2)
    if need <= 1.0:
        return CheckResult(
            "image.resolution", PASS, value, limit, "像素足够，无需放大", message_en="Enough pixels",
        )
    if need <= p.output.quiet_upscale:
        return CheckResult(
            "image.resolution", PASS, value, limit, f"像素基本足够（放大{need:.2f}倍，清晰度不受影响）",
            message_en=f"Enough pixels ({need:.2f}x enlargement, no visible loss)",
        )
    if need <= limit:
        return CheckResult(
            "image.resolution", WARN, value, limit, f"人像像素偏少，需要放大{need:.2f}倍，清晰度会略降",
            "有条件时用更高分辨率或更近的照片", message_en=f"Needs {need:.2f}x enlargement",
        )
    return CheckResult(
        "image.resolution", FAIL, value, limit,
        f"照片分辨率太低：人像需要放大{need:.1f}倍（最多{limit:g}倍）",
        "换一张更清晰、人像更大的原图（手机原图，不要用截图或聊天软件压缩过的图）",
        message_en=f"Resolution too low: needs {need:.1f}x enlargement (max {limit:g}x)",
    )


def image_color(a: PhotoAnalysis, p: Profile) -> CheckResult:
    f = a.face
    assert f is not None
    lim = p.checks.color.min_chroma
    if f.chroma < lim:
        return CheckResult(
            "image.color", FAIL, _r(f.chroma, 1), lim, "照片是黑白的：要求彩色照片",
            "使用彩色原图", message_en="Grey-scale photo: a colour photo is required",
        )
    return CheckResult("image.color", PASS, _r(f.chroma, 1), lim, "彩色照片", message_en="Colour photo")


def image_sharpness(a: PhotoAnalysis, p: Profile) -> CheckResult:
    f = a.face
    assert f is not None
    r = p.checks.sharpness
    return _graded(
        "image.sharpness", f.sharpness, _r(f.sharpness, 1), r.min, r.warn, low_is_bad=True,
        fail=("照片模糊：面部不清晰", "对焦到面部，保持手机稳定，光线充足时重拍", "Blurred face"),
        warn=("面部略显模糊", "Face slightly soft"), ok=("面部清晰", "Face sharp"),
    )


def image_exposure(a: PhotoAnalysis, p: Profile) -> CheckResult:
    f = a.face
    assert f is not None
    r = p.checks.exposure
    value = {"dark_share": _r(f.dark_share), "bright_share": _r(f.bright_share), "face_luma": _r(f.face_luma, 1)}
    limit = {"dark_share": r.max_dark_share, "bright_share": r.max_bright_share, "face_luma": list(r.face_luma)}
    if f.dark_share > r.max_dark_share or f.face_luma < r.face_luma[0]:
        return CheckResult(
            "image.exposure", FAIL, value, limit, "照片太暗：面部曝光不足",
            "在明亮、均匀的光线下重拍（面向窗户或灯光）", message_en="Under-exposed face",
        )
    if f.bright_share > r.max_bright_share or f.face_luma > r.face_luma[1]:
        return CheckResult(
            "image.exposure", FAIL, value, limit, "照片过亮：面部曝光过度，细节丢失",
            "避开强光直射，关闭闪光灯后重拍", message_en="Over-exposed face",
        )
    return CheckResult("image.exposure", PASS, value, limit, "面部曝光正常", message_en="Exposure fine")


def image_lighting(a: PhotoAnalysis, p: Profile) -> CheckResult:
    f = a.face
    assert f is not None
    r = p.checks.lighting
    return _graded(
        "image.lighting", f.asymmetry, _r(f.asymmetry), r.max_asymmetry, r.warn_asymmetry, low_is_bad=False,
        fail=("面部光线不均：一侧有明显阴影", "面向光源、避免侧光后重拍", "Uneven light: strong shadow on one side"),
        warn=("面部两侧亮度略有差异", "Slightly uneven light"), ok=("面部光线均匀", "Even light"),
    )


def background_white(a: PhotoAnalysis, p: Profile) -> CheckResult:
    b = a.background
    assert b is not None
    lim = p.checks.background.min_white_share
    v = _r(b.white_share)
    if b.white_share >= lim:
        return CheckResult("background.white", PASS, v, lim, "背景为白色", message_en="White background")
    return CheckResult(
        "background.white", FAIL, v, lim, f"背景不是白色（白色仅占{b.white_share:.0%}）",
        "自动修复会把背景换成纯白" if p.can_fix else "在白墙或白色背景布前重拍",
        fixable=p.can_fix, message_en=f"Background not white ({b.white_share:.0%} white)",
    )


def background_uniform(a: PhotoAnalysis, p: Profile) -> CheckResult:
    b = a.background
    assert b is not None
    r = p.checks.background
    value = {"std": _r(b.std, 1), "gradient": _r(b.gradient, 2)}
    limit = {"std": r.max_std, "gradient": r.max_gradient}
    if b.std <= r.max_std and b.gradient <= r.max_gradient:
        return CheckResult("background.uniform", PASS, value, limit, "背景干净均匀", message_en="Plain background")
    return CheckResult(
        "background.uniform", FAIL, value, limit, "背景不均匀：有阴影、杂物或纹理",
        "自动修复会换成纯白背景" if p.can_fix else "在干净的纯色背景前重拍",
        fixable=p.can_fix, message_en="Background not plain: shadows, objects or texture",
    )


def search_remnants(a: PhotoAnalysis, p: Profile,
                    source_background: np.ndarray | None = None) -> Future[list[Remnant]] | None:
    """background_clean's search of a photo `locate`d only, started on a helper while it is
    measured: for a photo expected on white (a written upload), where the search is all but sure
    to be wanted. None when the profile does not look for remnants."""
    from photocheck.vision.remnants import find_remnants, params_from

    rules = p.checks.background_clean
    return None if rules is None else helper("remnants").submit(find_remnants, a.picture.rgb, a.landmarks,
                                                               params_from(rules), source_background)


def background_clean(a: PhotoAnalysis, p: Profile, search: Future[list[Remnant]] | None = None,
                     source_background: np.ndarray | None = None) -> CheckResult | None:
    """Remnants of the old background, or other people, beside the candidate (independent of any
    matte); `search` is search_remnants(a, p, source_background) when it was started early, and
    `source_background` (Nx3 Lab), when the photo was fixed from a source, is that source's background."""
    from photocheck.vision.remnants import find_remnants, params_from

    rules = p.checks.background_clean
    if rules is None:
        return None
    b = a.background
    limit = {"min_area": rules.min_area}
    if b is not None and b.white_share < rules.replaced_white_share:
        # Not on white yet: the whole background is what remains, nothing to look for beside the outline.
        return CheckResult(
            "background.clean", FAIL, {"regions": [], "share": None}, limit,
            "背景不是白色：换成白底后再检查人像边缘的残留",
            "自动修复会把背景换成纯白" if p.can_fix else "在白墙或白色背景布前重拍",
            fixable=p.can_fix, message_en="Background not white yet: remnants are checked on white",
        )
    found = search.result() if search is not None else find_remnants(a.picture.rgb, a.landmarks,
                                                                       params_from(rules), source_background)
    k = 1.0 / a.picture.scale  # analysis px -> photo px
    regions = [[round(v * k) for v in f.box] for f in found]
    h, w = a.picture.rgb.shape[:2]
    share = sum(f.area for f in found) / (h * w)
    value = {"regions": regions, "share": _r(share, 4)}
    if not found:
        return CheckResult("background.clean", PASS, value, limit, "人像周围没有原背景残留或他人",
                           message_en="Nothing but white around the candidate")
    return CheckResult(
        "background.clean", FAIL, value, limit,
        f"背景不干净：人像边缘有{len(found)}处原背景残留、杂物或他人（已标出位置）",
        "自动修复会重新抠图；仍有残留时，在窗口中用画笔标出要去掉的部分" if p.can_fix
        else "在干净的白色背景前、画面中只有本人时重拍",
        fixable=p.can_fix, message_en=f"{len(found)} region(s) of old background, objects or other people remain",
    )


def output_file(info: SourceInfo, p: Profile) -> CheckResult:
    o = p.output
    problems: list[str] = []
    if FORMAT_OF_PILLOW.get(info.format) not in o.formats:
        problems.append(f"格式为{info.format}，要求{'/'.join(f.upper() for f in o.formats)}")
    if o.exact_size and (info.width, info.height) != o.exact_size:
        problems.append(f"尺寸{info.width}×{info.height}，要求{o.exact_size[0]}×{o.exact_size[1]}")
    if o.min_width and o.min_height and (info.width < o.min_width or info.height < o.min_height):
        problems.append(f"尺寸{info.width}×{info.height}，至少需要{o.min_width}×{o.min_height}")
    if info.file_bytes > o.max_bytes:
        problems.append(f"文件{info.file_bytes:,}字节，超过上限{o.max_bytes:,}")
    if info.file_bytes < o.min_bytes:
        problems.append(f"文件{info.file_bytes:,}字节，小于下限{o.min_bytes:,}")
    if info.format == "JPEG" and info.progressive and not o.progressive:
        problems.append("渐进式JPEG，要求基线（baseline）JPEG")
    if info.mode not in ("RGB",):
        problems.append(f"颜色模式{info.mode}，要求RGB彩色")
    if info.has_alpha:
        problems.append("带透明通道")
    value = {
        "format": info.format, "width": info.width, "height": info.height,
        "bytes": info.file_bytes, "progressive": info.progressive, "mode": info.mode,
    }
    limit = {
        "formats": list(o.formats), "size": list(o.exact_size) if o.exact_size else [o.min_width, o.min_height],
        "max_bytes": o.max_bytes, "min_bytes": o.min_bytes,
    }
    if problems:
        return CheckResult(
            "output.file", FAIL, value, limit, "文件不符合上传要求：" + "；".join(problems),
            "自动修复会输出符合要求的文件" if p.can_fix else "用相机原图，不要压缩或转换",
            fixable=p.can_fix, message_en="File does not meet the upload rules",
        )
    if o.strip_metadata and info.has_metadata:
        return CheckResult(
            "output.file", WARN, value, limit, "文件符合要求，但含有拍摄信息（EXIF/GPS等）",
            "自动修复会去掉这些信息", fixable=True, message_en="File fits but carries EXIF/GPS metadata",
        )
    return CheckResult(
        "output.file", PASS, value, limit, "文件格式、尺寸和大小符合要求", message_en="File fits the rules"
    )


FaceCheck = Callable[[PhotoAnalysis, Profile], CheckResult]
FACE_CHECKS: tuple[FaceCheck, ...] = (
    image_resolution, image_color, image_sharpness, image_exposure, image_lighting,
    face_complete, face_pose, face_eyes_open, face_mouth_closed, face_occlusion, face_size, face_position,
)


def run_checks(info: SourceInfo, a: PhotoAnalysis, p: Profile,
               remnants: Future[list[Remnant]] | None = None,
               source_background: np.ndarray | None = None) -> list[CheckResult]:
    """Every check that can be measured, in the contract's order; `remnants` is search_remnants(a, p)
    when it was started early (`source_background`: see background_clean).

    Face checks need exactly one face; with none or several, face.count explains why they are absent.
    """
    results = [file_readable(info), face_count(a, p)]
    if a.single_face:
        results += [check(a, p) for check in FACE_CHECKS]
    results += [background_white(a, p), background_uniform(a, p), output_file(info, p)]
    clean = background_clean(a, p, remnants, source_background)
    if clean is not None:
        results.append(clean)
    return sorted(results, key=lambda r: ORDER.index(r.id))
