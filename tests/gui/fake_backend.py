"""A stand-in for the pipeline behind the GUI: the functions the window calls (ui.backend), with the
same signatures, answering at once with report dataclasses shaped like the real ones; preview_photo
gives a FakePreview that renders and checks the edits as fix_photo judges them, writing nothing.

The results are those of the real pipeline on matplotlib's grace_hopper.jpg (a fixable photo) and
its fixed output. A file that is not a JPEG or PNG raises UserError as the real loader does. Tests
can make the next photo need a retake (`retake = True`), hold every call until they release it
(`hold()` / `release()`), and read what was called (`calls`, `fixes`, `renders`).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from photocheck.api import (
    CancelToken,
    CategoryStatus,
    CheckResult,
    CropFrame,
    Export,
    MaterialReport,
    OutputFile,
    PhotoGuides,
    PhotoPreviewResult,
    PhotoReport,
    PictureKind,
    Profile,
    Project,
    Status,
    Suggestion,
    UserError,
    export_folder,
    load_profile,
)
from photocheck.reports import MANIFEST, REPORT

HOLD_TIMEOUT_S = 30  # a held call gives up after this, so a broken test cannot hang the run
P, W, F = Status.PASS, Status.WARN, Status.FAIL

# (id, status, message, hint, fixable) as check_photo reports grace_hopper.jpg
_INPUT_CHECKS = [
    ("file.readable", P, "文件可读取：JPEG，512×600", "", False),
    ("image.resolution", W, "人像像素偏少，需要放大1.03倍，清晰度会略降", "有条件时用更高分辨率或更近的照片", False),
    ("image.color", P, "彩色照片", "", False),
    ("image.sharpness", P, "面部清晰", "", False),
    ("image.exposure", P, "面部曝光正常", "", False),
    ("image.lighting", P, "面部光线均匀", "", False),
    ("face.count", P, "检测到1张人脸", "", False),
    ("face.complete", P, "头部完整，未被截断", "", False),
    ("face.pose", F, "头部歪斜3.2°", "自动修复会把双眼摆平", True),
    ("face.eyes_open", P, "双眼睁开", "", False),
    ("face.mouth_closed", P, "嘴巴闭合", "", False),
    ("face.occlusion", P, "面部无遮挡", "", False),
    ("face.size", F, "头部太小：头顶到下巴占照片高度的51%，要求56%～74%", "自动修复会按规格重新裁剪", True),
    ("face.position", P, "人像位置居中、高度合适", "", False),
    ("background.white", F, "背景不是白色（白色仅占0%）", "自动修复会把背景换成纯白", True),
    ("background.uniform", F, "背景不均匀：有阴影、杂物或纹理", "自动修复会换成纯白背景", True),
    ("output.file", F, "文件不符合上传要求：尺寸512×600，要求390×567；文件61,306字节，超过上限30,000",
     "自动修复会输出符合要求的文件", True),
]
_FIXED_MESSAGES = {
    "face.pose": "头部端正", "face.size": "头部大小合适", "background.white": "背景为白色",
    "background.uniform": "背景均匀", "output.file": "文件符合上传要求",
}
_RETAKE = ("face.count", F, "检测到2张人脸", "照片中只能有考生本人，请重新拍摄", False)
_FIX_NOTES = ["已把头部摆正（旋转3.2°）", "已按规格裁剪为390×567", "已把背景换成纯白"]
# The stand-in's geometry (upright source px of the 512x600 test card): the head spans crown to chin.
SIZE = (512, 600)
FACE_BOX = (150.0, 120.0, 362.0, 400.0)
CROWN_Y, EYE_Y, CHIN_Y = 80.0, 230.0, 400.0
PLANNED = CropFrame(256.0, 300.0, (CHIN_Y - CROWN_Y) / 0.64, -3.2)


def _checks(rows) -> list[CheckResult]:
    return [CheckResult(id=i, status=s, value=None, limit=None, message=m, hint=h, fixable=f) for i, s, m, h, f in rows]


def _picture(height: int, width: int) -> np.ndarray:
    """A portrait-shaped test card: grey background, a darker head-and-shoulders blob."""
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.full((height, width, 3), 200, np.uint8)
    head = ((x - width / 2) / (width * 0.22)) ** 2 + ((y - height * 0.4) / (height * 0.22)) ** 2 < 1
    rgb[head] = (150, 110, 90)
    rgb[y > height * 0.7] = (40, 50, 90)
    return rgb


def _jpeg(path: Path, height: int, width: int) -> int:
    import cv2

    ok, data = cv2.imencode(".jpg", _picture(height, width)[..., ::-1])
    assert ok
    path.write_bytes(data.tobytes())
    return len(data)


def _require_image(path: Path) -> None:
    try:
        head = path.read_bytes()[:8]
    except OSError:
        raise UserError(path, "找不到该文件，请确认文件仍在原位置", "File not found") from None
    if not (head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG")):
        raise UserError(path, "这不是图片文件（内容无法识别），请选择 JPEG、PNG、WebP、HEIC、BMP 或 TIFF 照片",
                         "Not an image file")


class FakeBackend:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Path]] = []
        self.retake = False  # the photos need a new shot (two faces): nothing to fix
        self.cancelled = threading.Event()  # prepare stopped because its progress callback raised
        self._gate: threading.Event | None = None
        self.waiting = threading.Event()  # a call is held at the gate
        self.fixes: list[dict] = []  # the options of every fix_photo call
        self.renders: list[dict] = []  # the options of every preview render, with the preview's rotation
        self.remnants: list[list[float]] = []  # boxes (output px) a background.clean failure reports

    # --- control -------------------------------------------------------------------------------

    def hold(self) -> None:
        """Every call from now on waits (off the GUI thread) until release()."""
        self._gate = threading.Event()

    def release(self) -> None:
        if self._gate is not None:
            self._gate.set()
        self._gate = None

    def _enter(self, name: str, path: Path) -> None:
        self.calls.append((name, Path(path)))
        self._wait()

    def _wait(self) -> None:
        gate = self._gate
        if gate is not None:
            self.waiting.set()
            gate.wait(HOLD_TIMEOUT_S)
            self.waiting.clear()

    # --- ui.backend ----------------------------------------------------------------------------

    def check_photo(self, path: str | Path, profile: Profile | str | None = None) -> PhotoReport:
        path = Path(path)
        self._enter("check_photo", path)
        return self._input_report(path, profile if isinstance(profile, Profile) else load_profile(profile))

    def _input_report(self, path: Path, prof: Profile) -> PhotoReport:
        _require_image(path)
        rows = [_RETAKE if self.retake and r[0] == "face.count" else r for r in _INPUT_CHECKS]
        return PhotoReport(input=path, profile=prof, checks=_checks(rows))

    def analyse_photo(self, path: str | Path, profile: Profile | str | None = None, *,
                      rotation: int | None = None, call: str = "analyse_photo") -> PhotoGuides:
        path = Path(path)
        self._enter(call, path)
        _require_image(path)
        prof = profile if isinstance(profile, Profile) else load_profile(profile)
        rows = [_RETAKE if self.retake and r[0] == "face.count" else r for r in _INPUT_CHECKS]
        report = PhotoReport(input=path, profile=prof, checks=_checks(rows))
        turned = (rotation or 0) % 180 == 90
        size = SIZE[::-1] if turned else SIZE
        if self.retake:
            return PhotoGuides(report, rotation or 0, size, None, None, None, None, None)
        return PhotoGuides(report, rotation or 0, size, FACE_BOX, CROWN_Y, EYE_Y, CHIN_Y,
                           PLANNED if prof.can_fix else None)

    def fix_photo(self, path: str | Path, out: str | Path, *, original: str | Path | None = None,
                  profile: Profile | str | None = None, frame: CropFrame | None = None,
                  rotation: int | None = None, background: bool = True, keep=None, remove=None,
                  overwrite: bool = False) -> PhotoReport:
        path, out = Path(path), Path(out)
        self._enter("fix_photo", path)
        self.fixes.append({"frame": frame, "rotation": rotation, "background": background, "keep": keep,
                           "remove": remove, "overwrite": overwrite, "out": out, "original": original})
        prof = profile if isinstance(profile, Profile) else load_profile(profile)
        if not prof.can_fix:
            raise UserError(path, prof.fix_refusal, prof.fix_refusal_en)
        if out.suffix.lower() not in (".jpg", ".jpeg") or not out.parent.is_dir():
            raise UserError(out, "输出文件夹不存在", "the output folder does not exist")
        if not overwrite and (out.exists() or (original is not None and Path(original).exists())):
            raise UserError(out, "文件已存在", "the file exists")
        checks, notes = self._judged(path, prof, frame)
        if notes is None:
            return PhotoReport(input=path, profile=prof, checks=checks)
        w, h = prof.output.exact_size
        upload = OutputFile(out, _jpeg(out, h, w), w, h, 88)
        hires = None
        if original is not None:
            hires = OutputFile(Path(original), _jpeg(Path(original), 2 * h, 2 * w), 2 * w, 2 * h, 95)
        return PhotoReport(input=path, profile=prof, checks=checks, output=upload, original=hires, notes=notes)

    def _judged(self, path: Path, prof: Profile, frame: CropFrame | None) -> tuple[list[CheckResult], list[str] | None]:
        """The checks a fixed file of this crop gets, and the fixer's notes (None: nothing would be written)."""
        report = self._input_report(path, prof)
        if any(c.failed and not c.fixable for c in report.checks):
            return report.checks, None
        # The head's share of the frame: the planned crop gives 64 %, a moved one what it gives.
        ratio = (CHIN_Y - CROWN_Y) / (frame or PLANNED).height
        lo, hi = prof.geometry.head_height
        size_ok = lo <= ratio <= hi
        size_check = CheckResult(id="face.size", status=P if size_ok else F, value=round(ratio, 3),
                                 limit=[lo, hi], message=f"头部大小{'合适' if size_ok else '不合适'}（占{ratio:.0%}）",
                                 hint="" if size_ok else "把框调大或调小", fixable=False)
        if not size_ok:
            return [size_check if c.id == "face.size" else c for c in report.checks], None
        checks = [dataclasses.replace(c, status=P, message=_FIXED_MESSAGES[c.id], hint="", fixable=False)
                  if c.id in _FIXED_MESSAGES else c for c in report.checks]
        checks = [size_check if c.id == "face.size" else c for c in checks]
        if self.remnants:
            checks.append(CheckResult(id="background.clean", status=F, value={"share": 0.02, "regions": self.remnants},
                                      limit=0.005, message="背景上有残留的杂物", hint="用“去除”笔刷涂掉它",
                                      fixable=False))
        return checks, list(_FIX_NOTES)

    def preview_photo(self, path: str | Path, profile: Profile | str | None = None, *,
                      rotation: int | None = None) -> FakePreview:
        path = Path(path)
        prof = profile if isinstance(profile, Profile) else load_profile(profile)
        return FakePreview(self, path, prof, rotation, "preview_photo")

    def load_preview(self, path: str | Path, max_side: int) -> np.ndarray:
        path = Path(path)
        _require_image(path)
        scale = min(1.0, max_side / 600)
        return _picture(round(600 * scale), round(512 * scale))

    # --- materials (ui.steps.materials_step, ui.steps.export_step) -----------------------------------
    #
    # The stand-in classifies by file name: 正面/front and 反面/back are the two sides of an ID card,
    # 毕业/diploma a graduation certificate, 人像/portrait a portrait (picture_kind: the photo step's),
    # 手持/handheld a hand-held ID photo (picture_kind: the ID card's hand-held slot); anything else has
    # no recognisable text. Every material passes its checks unless its name has
    # "blurry" in it. `material_calls` records (path, page, category, rotation, corners).

    material_calls: list[tuple[Path, int | None, str | None, int | None, object]]

    def export_folder(self, out_dir: str | Path, name: str) -> Path:
        return export_folder(out_dir, name)

    def file_digest(self, path: str | Path) -> str:
        import hashlib

        return hashlib.sha256(Path(path).read_bytes()).hexdigest()

    def material_inputs(self, path: str | Path) -> list[tuple[Path, int | None]]:
        path = Path(path)
        if not path.is_file():
            raise UserError(path, "找不到该文件，请确认文件仍在原位置", "file not found")
        if path.read_bytes()[:5] == b"%PDF-":
            pages = int(path.read_bytes()[5:].split(b"\n")[0] or b"1")  # tests write "%PDF-<pages>\n"
            return [(path, i) for i in range(pages)]
        return [(path, None)]

    @staticmethod
    def _guess(path: Path) -> Suggestion:
        name = path.name.lower()
        for words, category, slot in ((("正面", "front"), "identity", "front"), (("反面", "back"), "identity", "back"),
                                      (("毕业", "diploma"), "diploma", None)):
            if any(w in name for w in words):
                return Suggestion(category, slot, 0.9, f"文件名含“{words[0]}”")
        return Suggestion("", None, 0.0, "没有识别出文字")

    def picture_kind(self, path: str | Path, *, profile: Profile | str | None = None) -> PictureKind | None:
        path = Path(path)
        self._enter("picture_kind", path)
        name = path.name.lower()
        if "人像" in name or "portrait" in name:
            return PictureKind(portrait=True)
        if "手持" in name or "handheld" in name:
            return PictureKind(False, Suggestion("identity", "handheld", 0.8, "人脸和证件文字：这是一张手持证件照"))
        return None

    def fix_material(self, path: str | Path, out: str | Path, *, page: int | None = None, category: str | None = None,
                     rotation: int | None = None, corners: list[list[float]] | None = None,
                     profile: Profile | str | None = None, slot: str | None = None) -> MaterialReport:
        path, out = Path(path), Path(out)
        if not hasattr(self, "material_calls"):
            self.material_calls = []
        self.material_calls.append((path, page, category, rotation, corners))
        self._enter("fix_material", path)
        if not path.is_file():
            raise UserError(path, "找不到该文件，请确认文件仍在原位置", "file not found")
        suggestion = self._guess(path)
        portrait = "人像" in path.name or "portrait" in path.name.lower()
        cat = category if category is not None else (suggestion.category_id or None)
        slot = slot or (suggestion.slot if cat == suggestion.category_id else None)
        ok = "blurry" not in path.name
        h, w = 600, 900
        quad = corners or [[20.0, 30.0], [w - 25.0, 20.0], [w - 20.0, h - 30.0], [30.0, h - 20.0]]
        output = None
        if ok:
            target = out.with_suffix(".jpg")
            output = OutputFile(target, _jpeg(target, 300, 450), 450, 300, 85)
        checks = _checks([("material.format", P, "格式为JPEG", "", False),
                          ("material.bytes", P, "文件大小 61,306 字节，上限 200,000", "", False),
                          ("material.blur", P if ok else F,
                           "清晰度 0.41，要求≥0.25" if ok else "照片模糊：清晰度 0.12，要求≥0.25",
                           "" if ok else "请对焦后重新拍摄", False)])
        text = "" if portrait else "中华人民共和国 居民身份证 签发机关 某某市公安局 有效期限 2020.01.01-2040.01.01"
        return MaterialReport(input=path, page=page, category=cat, slot=slot, suggestion=suggestion, checks=checks,
                              output=output, corners=quad, rotation=rotation or 0,
                              legibility=0.97 if ok else None, text=text, notes=["已找到证件边缘，校正透视并裁切"],
                              document_found=corners is not None or not portrait)

    def material_preview(self, path: str | Path, max_side: int, *, page: int | None = None,
                         profile: Profile | str | None = None) -> tuple[np.ndarray, tuple[int, int]]:
        if not Path(path).is_file():
            raise UserError(Path(path), "找不到该文件，请确认文件仍在原位置", "file not found")
        scale = min(1.0, max_side / 900)
        return _picture(round(600 * scale), round(900 * scale)), (900, 600)

    def export_project(self, project: Project, base: str | Path, out_dir: str | Path, *, overwrite: bool = False,
                       progress: Callable[[int, int, str], None] | None = None,
                       cancel: CancelToken | None = None) -> Export:
        """One progress step per item, then the export folder with its manifest and report; the
        categories as the items place them (every file passes). Cancel: nothing is written."""
        out_dir = Path(out_dir)
        self.calls.append(("export_project", out_dir))
        prof = load_profile(project.profile)
        root = export_folder(out_dir, project.name)
        if root.exists() and not overwrite:
            raise UserError(root, "导出文件夹已存在", "the export folder exists")
        total = len(project.items) + 1
        try:
            for i, item in enumerate(project.items):
                if cancel is not None:
                    cancel.check()
                if progress is not None:
                    progress(i, total, f"材料 {i + 1}/{len(project.items)}：{Path(item.source).name}")
                self._wait()
            if cancel is not None:
                cancel.check()
        except Exception:
            self.cancelled.set()
            raise
        root.mkdir(parents=True, exist_ok=True)
        (root / MANIFEST).write_text("{}", encoding="utf-8")
        (root / REPORT).write_text("<html></html>", encoding="utf-8")
        statuses = []
        for category in prof.materials.categories:
            mine = [it for it in project.items if it.category == category.id]
            files = [f"{category.folder}/{i + 1}.jpg" for i in range(len(mine))]
            problems = [] if mine or not category.required else [f"缺少{category.name}"]
            statuses.append(CategoryStatus(category=category, files=files, checks=[], problems=problems))
        return Export(root=root, candidate=root.name, profile=prof.id, next_step=prof.next_step, photo=None,
                      files=[], categories=statuses, skipped=[], notes=[])


@dataclasses.dataclass(frozen=True)
class _Rendered(PhotoPreviewResult):
    judged: list[CheckResult] = dataclasses.field(default_factory=list)  # what check() reports


class FakePreview:
    """The stand-in's api.PhotoPreview: the guides analyse_photo gives; render and check judge the
    edits as fix_photo does, in memory. `turned` records a "turned" call, render "render"."""

    def __init__(self, backend: FakeBackend, path: Path, prof: Profile, rotation: int | None, call: str) -> None:
        self._backend, self.path, self._prof, self._rotation = backend, path, prof, rotation
        self.guides = backend.analyse_photo(path, prof, rotation=rotation, call=call)
        w, h = self.guides.size
        self.picture = _picture(h, w)

    def turned(self, rotation: int | None) -> FakePreview:
        return FakePreview(self._backend, self.path, self._prof, rotation, "turned")

    def render(self, *, frame: CropFrame | None = None, background: bool = True, keep=None,
               remove=None) -> PhotoPreviewResult:
        self._backend._enter("render", self.path)
        self._backend.renders.append({"frame": frame, "rotation": self._rotation, "background": background,
                                      "keep": keep, "remove": remove})
        checks, notes = self._backend._judged(self.path, self._prof, frame)
        report = self.guides.report
        if notes is None:
            return PhotoPreviewResult(dataclasses.replace(report, checks=checks), None, checked=True)
        w, h = self._prof.output.exact_size
        return _Rendered(dataclasses.replace(report, notes=notes), _picture(h, w), w, h, 24_000, 88, judged=checks)

    def check(self, result: PhotoPreviewResult) -> PhotoPreviewResult:
        self._backend._enter("check", self.path)
        if result.checked or not isinstance(result, _Rendered):
            return result
        return dataclasses.replace(result, report=dataclasses.replace(result.report, checks=result.judged),
                                   checked=True)
