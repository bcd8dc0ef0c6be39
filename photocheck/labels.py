"""Every label a person reads, keyed by id, in Chinese and English: the CLI, the HTML report and
the GUI take their words from here, so the three never drift apart."""

from __future__ import annotations

from photocheck.reports import CategoryState, Status

_STATUS: dict[Status, tuple[str, str]] = {
    Status.PASS: ("通过", "pass"),
    Status.WARN: ("提示", "warn"),
    Status.FAIL: ("不合格", "FAIL"),
}

_STATE: dict[CategoryState, tuple[str, str]] = {
    CategoryState.READY: ("已就绪", "ready"),
    CategoryState.NOT_READY: ("未就绪", "not ready"),
    CategoryState.MISSING: ("缺少材料", "missing"),
    CategoryState.NOT_PROVIDED: ("未提供（按条件需要时上传）", "not provided (upload when it applies)"),
}

# The check ids are a contract (README), in the order the reports list them; these are their names
# for people. The check modules take their order from here.
PHOTO_CHECKS: dict[str, tuple[str, str]] = {
    "file.readable": ("文件可读", "file readable"),
    "image.resolution": ("分辨率", "resolution"),
    "image.color": ("彩色照片", "colour"),
    "image.sharpness": ("清晰度", "sharpness"),
    "image.exposure": ("曝光", "exposure"),
    "image.lighting": ("光照均匀", "even lighting"),
    "face.count": ("人脸数量", "number of faces"),
    "face.complete": ("头部完整", "whole head"),
    "face.pose": ("头部姿态", "head pose"),
    "face.eyes_open": ("睁眼", "eyes open"),
    "face.mouth_closed": ("闭嘴", "mouth closed"),
    "face.size": ("头部大小", "head size"),
    "face.position": ("头部位置", "head position"),
    "background.white": ("白色背景", "white background"),
    "background.uniform": ("背景均匀", "uniform background"),
    "background.clean": ("背景干净", "clean background"),
    "output.file": ("输出文件", "output file"),
}
MATERIAL_CHECKS: dict[str, tuple[str, str]] = {
    "material.readable": ("原文件完整", "source intact"),
    "material.format": ("文件格式", "file format"),
    "material.bytes": ("文件大小", "file size"),
    "material.orientation": ("方向", "orientation"),
    "material.blur": ("清晰度", "sharpness"),
    "material.glare": ("反光", "glare"),
    "material.resolution": ("文字大小", "text size"),
    "material.legibility": ("文字可辨认", "legibility"),
    "material.key_fields": ("关键信息可辨认", "key fields legible"),
    "material.valid": ("有效期", "validity"),
    "material.name": ("姓名一致", "name matches"),
    "material.category": ("类别相符", "category matches"),
    "material.face": ("本人面部", "candidate's face"),
    "material.card_text": ("证件文字可辨认", "card text legible"),
}
_CHECKS: dict[str, tuple[str, str]] = {
    **PHOTO_CHECKS,
    **MATERIAL_CHECKS,
    "category.count": ("文件数量", "number of files"),
    "category.required": ("必需材料", "required material"),
    "export.verify": ("导出校验", "export verification"),
}


# A batch row's result (summary.csv's 结果) as the window shows it, with the status its icon takes.
# A photo that was read but could not be fixed is for the worker to look at with the candidate
# (a retake, or a fix by hand in the photo step); a file that cannot be read is of no use at all.
_BATCH: dict[str, tuple[Status, str, str]] = {
    "通过": (Status.PASS, "通过", "pass"),
    "未通过": (Status.WARN, "需复核", "review"),
    "无法读取": (Status.FAIL, "不通过", "fail"),
}


def batch_status(result: str) -> Status:
    return _BATCH[result][0]


def batch_label(result: str, en: bool = False) -> str:
    return _BATCH[result][1 + en]


def status_label(status: Status, en: bool = False) -> str:
    return _STATUS[status][en]


def state_label(state: CategoryState, en: bool = False) -> str:
    return _STATE[state][en]


def check_name(check_id: str, en: bool = False) -> str:
    """A check's name for people; an id this table does not know is shown as it is."""
    names = _CHECKS.get(check_id)
    return names[en] if names else check_id


def check_names(check_ids: list[str], en: bool = False) -> str:
    return (", " if en else "、").join(check_name(i, en) for i in check_ids)


# The live framing guide's hints (photocheck.photo.live), spoken to the candidate: left and right
# are the candidate's own.
_HINTS: dict[str, tuple[str, str]] = {
    "no_face": ("请正对镜头", "Face the camera"),
    "many_faces": ("画面里只能有考生一人", "Only the candidate may be in the picture"),
    "closer": ("靠近一点", "Come a little closer"),
    "farther": ("离远一点", "Move back a little"),
    "move_left": ("往左一点", "Move a little to your left"),
    "move_right": ("往右一点", "Move a little to your right"),
    "move_up": ("往上一点", "A little higher"),
    "move_down": ("往下一点", "A little lower"),
    "turn_left": ("向左转", "Turn to your left"),
    "turn_right": ("向右转", "Turn to your right"),
    "chin_up": ("抬头", "Raise your chin"),
    "chin_down": ("低头", "Lower your chin"),
    "level": ("把头摆正", "Hold your head level"),
    "open_eyes": ("请睁开眼睛", "Open your eyes"),
    "close_mouth": ("请闭上嘴", "Close your mouth"),
    "ready": ("很好，可以拍照", "Good: take the photo"),
}


def hint_text(hint_id: str, en: bool = False) -> str:
    return _HINTS[hint_id][en]
