"""The candidate's export folder: safe names, a staging folder swapped into place, manifest.json,
a self-contained 检查报告.html, and re-validation of every written file from disk.

Layout: `<out>/<candidate>/00_报名照片/`, one `NN_类别名/` folder per category that has files,
`manifest.json`, `检查报告.html` and `project.json` (materials.save_project, for the GUI).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import os
import re
import secrets
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from photocheck import __version__
from photocheck.api import InputError, PhotoReport
from photocheck.checks.material import sniff_format
from photocheck.checks.result import CheckResult, Status
from photocheck.materials import Category

MANIFEST = "manifest.json"
REPORT = "检查报告.html"
PROJECT = "project.json"
PHOTO_FOLDER = "00_报名照片"
PHOTO_NAME = "报名照片.jpg"
ORIGINAL_NAME = "高分辨率原图.jpg"
DEFAULT_NAME = "考生"
MAX_NAME_CHARS = 64
MAX_NAME_BYTES = 200
THUMB_SIDE = 240
MANIFEST_VERSION = 1

_FORBIDDEN = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


def safe_name(name: str) -> str:
    """A folder name every file system accepts: no separators, reserved characters or control
    characters, no `..`, no leading/trailing dots or spaces, no Windows device name (even with an
    extension), at most 64 characters and 200 UTF-8 bytes; nothing left -> 考生."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    text = _fit(_FORBIDDEN.sub("", text).replace("..", ""))
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = _fit(f"_{text}")
    return text or DEFAULT_NAME


def _fit(text: str) -> str:
    text = text[:MAX_NAME_CHARS]
    while len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1]
    return text.strip(" .")


# --- records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedFile:
    """One written file, as read back from disk."""

    path: str  # relative to the candidate folder, "/"-separated
    category: str  # category id, or "photo" for the registration photo and its original
    slot: str | None
    source: str
    page: int | None
    bytes: int
    width: int
    height: int
    format: str
    sha256: str
    legibility: float | None
    checks: list[CheckResult]

    @property
    def ok(self) -> bool:
        return not any(c.failed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "category": self.category, "slot": self.slot, "source": self.source,
            "page": self.page, "bytes": self.bytes, "pixels": [self.width, self.height],
            "format": self.format, "sha256": self.sha256, "legibility": self.legibility,
            "ok": self.ok, "checks": [c.to_dict() for c in self.checks],
        }


@dataclass(frozen=True)
class Skipped:
    """An input that is not in the export, and why (duplicate, unreadable, unclassified, failed)."""

    source: str
    page: int | None
    reason: str
    reason_en: str
    category: str | None = None
    checks: list[CheckResult] = field(default_factory=list)
    blocking: bool = True  # False for a duplicate: nothing is missing because of it

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "page": self.page, "category": self.category,
            "reason": self.reason, "reason_en": self.reason_en, "blocking": self.blocking,
            "checks": [c.to_dict() for c in self.checks],
        }


@dataclass(frozen=True)
class CategoryStatus:
    category: Category
    files: list[str]  # relative paths of its exported files
    checks: list[CheckResult]  # category.count, category.required
    problems: list[str]  # Chinese: why it is not ready

    @property
    def ready(self) -> bool:
        return not self.problems and not any(c.failed for c in self.checks)

    @property
    def needed(self) -> bool:
        """Required, or conditional and started (a file was given for it)."""
        return self.category.required or bool(self.files) or bool(self.problems)

    @property
    def reasons(self) -> list[str]:
        """Chinese: every reason it is not ready (problems, then failed category checks)."""
        return [*self.problems, *(c.message for c in self.checks if c.failed)]

    @property
    def state(self) -> str:
        if self.ready and self.files:
            return "ready"
        if not self.needed:
            return "not_provided"
        return "missing" if not self.files else "not_ready"

    def to_dict(self) -> dict[str, Any]:
        cat = self.category
        return {
            "id": cat.id, "name": cat.name, "name_en": cat.name_en, "folder": cat.folder,
            "requirement": cat.requirement, "condition": cat.condition, "state": self.state,
            "ready": self.ready and bool(self.files), "files": self.files, "problems": self.problems,
            "checks": [c.to_dict() for c in self.checks],
        }


@dataclass(frozen=True)
class Export:
    """What `prepare` built: the manifest's content, plus where it lives."""

    root: Path
    candidate: str
    profile: str
    next_step: str
    photo: PhotoReport | None
    files: list[ExportedFile]  # the photo's files first, then materials in folder order
    categories: list[CategoryStatus]
    skipped: list[Skipped]
    notes: list[str]  # Chinese warnings, e.g. duplicates

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    @property
    def report_path(self) -> Path:
        return self.root / REPORT

    @property
    def ok(self) -> bool:
        """Every needed category ready, the photo (if given) passed, nothing unusable left out."""
        return (
            all(s.ready for s in self.categories if s.needed)
            and (self.photo is None or (self.photo.ok and self.photo.output is not None))
            and all(f.ok for f in self.files)
            and not any(s.blocking for s in self.skipped)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": MANIFEST_VERSION, "tool": f"photocheck {__version__}",
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "candidate": self.candidate, "profile": self.profile, "ready": self.ok,
            "photo": self.photo.to_dict() if self.photo else None,
            "categories": [s.to_dict() for s in self.categories],
            "files": [f.to_dict() for f in self.files],
            "skipped": [s.to_dict() for s in self.skipped], "notes": self.notes,
        }


def record_file(root: Path, path: Path, *, category: str, slot: str | None, source: str,
                page: int | None, legibility: float | None, checks: list[CheckResult]) -> ExportedFile:
    """Describe a written file from its bytes on disk (size, format, pixels, sha256)."""
    data = path.read_bytes()
    width, height = _pixels(data) or (0, 0)
    return ExportedFile(
        path=path.relative_to(root).as_posix(), category=category, slot=slot, source=source,
        page=page, bytes=len(data), width=width, height=height, format=sniff_format(data) or "",
        sha256=hashlib.sha256(data).hexdigest(), legibility=legibility, checks=checks,
    )


def _pixels(data: bytes) -> tuple[int, int] | None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            return im.size
    except Exception:  # any decoder error means the file is unusable; the caller says so
        return None


# --- re-validation from disk -------------------------------------------------------------------


def verify_file(root: Path, entry: ExportedFile, *, max_bytes: int | None, formats: tuple[str, ...]) -> CheckResult:
    """Re-read one written file and compare it with its manifest entry (`export.verify`);
    `max_bytes` None: no cap (the high-resolution original)."""
    problems: list[str] = []
    try:
        data = (root / entry.path).read_bytes()
    except OSError as exc:
        data, problems = b"", [f"无法读取：{exc.strerror or exc}"]
    fmt = sniff_format(data)
    if data and fmt not in _normal_formats(formats):
        problems.append(f"内容格式为 {fmt or '未知'}，不是 {'/'.join(formats)}")
    if max_bytes is not None and len(data) > max_bytes:
        problems.append(f"{len(data):,} 字节，超过 {max_bytes:,} 字节上限")
    size = _pixels(data) if data else None
    if data and size is None:
        problems.append("无法解码")
    elif size and size != (entry.width, entry.height):
        problems.append(f"像素 {size[0]}×{size[1]} 与清单不符")
    if data and hashlib.sha256(data).hexdigest() != entry.sha256:
        problems.append("SHA-256 与清单不符（文件在写入后被改动）")
    if problems:
        return CheckResult("export.verify", Status.FAIL, entry.path, max_bytes,
                           f"{entry.path}：从磁盘重新读取校验未通过：" + "；".join(problems),
                           "重新运行 photocheck prepare 生成材料",
                           message_en=f"{entry.path}: re-check from disk failed")
    return CheckResult("export.verify", Status.PASS, entry.path, max_bytes,
                       f"{entry.path}：已从磁盘重新读取校验（{len(data):,} 字节，{fmt}）",
                       message_en=f"{entry.path}: re-read from disk and verified")


def _normal_formats(formats: tuple[str, ...]) -> set[str]:
    return {"jpg" if f.lower() in ("jpg", "jpeg") else f.lower() for f in formats}


def verify_manifest(root: Path, caps: dict[str, tuple[int | None, tuple[str, ...]]]) -> dict[str, CheckResult]:
    """Re-validate every file manifest.json (read from disk) lists; `caps` maps a category id to its
    (max_bytes, formats). Returns the export.verify result per relative path."""
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    results: dict[str, CheckResult] = {}
    for raw in manifest["files"]:
        entry = ExportedFile(
            path=raw["path"], category=raw["category"], slot=raw["slot"], source=raw["source"],
            page=raw["page"], bytes=raw["bytes"], width=raw["pixels"][0], height=raw["pixels"][1],
            format=raw["format"], sha256=raw["sha256"], legibility=raw["legibility"], checks=[],
        )
        max_bytes, formats = caps[entry.category]
        results[entry.path] = verify_file(root, entry, max_bytes=max_bytes, formats=formats)
    return results


def with_verification(export: Export, results: dict[str, CheckResult]) -> Export:
    """Attach each file's export.verify result; a category with a failing file is not ready."""
    files = [_replace_checks(f, [*f.checks, results[f.path]]) for f in export.files]
    by_path = {f.path: f for f in files}
    categories = []
    for status in export.categories:
        bad = [p for p in status.files if not by_path[p].ok]
        problems = [*status.problems, *(f"{p}：从磁盘重新读取校验未通过" for p in bad)]
        categories.append(CategoryStatus(status.category, status.files, status.checks, problems))
    return Export(export.root, export.candidate, export.profile, export.next_step, export.photo, files,
                  categories, export.skipped, export.notes)


def _replace_checks(f: ExportedFile, checks: list[CheckResult]) -> ExportedFile:
    from dataclasses import replace

    return replace(f, checks=checks)


# --- writing -----------------------------------------------------------------------------------


def write_manifest(export: Export) -> None:
    from photocheck.encoding import write_atomic

    text = json.dumps(export.to_dict(), ensure_ascii=False, indent=2, default=str)
    write_atomic(export.manifest_path, text.encode("utf-8"))


def write_report(export: Export) -> None:
    from photocheck.encoding import write_atomic

    write_atomic(export.report_path, render_report(export).encode("utf-8"))


class Staging:
    """Build the export in a hidden sibling folder, then swap it into `<out>/<candidate>`.

    An existing export is refused unless `overwrite`; with it, the old folder is renamed aside,
    the new one renamed in, and only then the old one deleted (restored if the swap fails). Any
    failure before `commit` removes the staging folder, so nothing half-written is left behind.
    """

    def __init__(self, out_dir: Path, candidate: str, *, overwrite: bool) -> None:
        self.target = Path(out_dir) / candidate
        self.overwrite = overwrite
        self.path = self.target.with_name(f".{candidate}.photocheck-{secrets.token_hex(4)}")
        self.committed = False

    def refuse_existing(self) -> None:
        if self.target.exists() and not self.overwrite:
            raise InputError(self.target, "导出文件夹已存在；如要替换，请加 --overwrite",
                             "the export folder exists; add --overwrite to replace it")

    def __enter__(self) -> Staging:
        self.refuse_existing()
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            self.path.mkdir()
        except OSError as exc:
            raise InputError(self.target.parent, f"输出文件夹无法写入（{exc.strerror or exc}），请换一个可写的文件夹",
                             f"cannot write to the output folder: {exc.strerror or exc}") from exc
        return self

    def __exit__(self, *_exc: object) -> None:
        if not self.committed:
            shutil.rmtree(self.path, ignore_errors=True)

    def commit(self) -> Path:
        self.refuse_existing()
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.photocheck-old-{secrets.token_hex(4)}")
            os.replace(self.target, old)
        try:
            os.replace(self.path, self.target)
        except OSError:
            if old is not None:
                os.replace(old, self.target)
            raise
        self.committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target


# --- the HTML report ---------------------------------------------------------------------------

_CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:2em auto;
max-width:60em;color:#222;line-height:1.5;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
.ready{color:#1a7f37}.not_ready,.missing,.fail{color:#c62828}.not_provided,.warn{color:#9a6700}
.pass{color:#1a7f37}.badge{font-weight:bold}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ddd;padding:.3em .5em;
vertical-align:top;text-align:left;font-size:.92em}
.file{display:flex;gap:1em;margin:1em 0;align-items:flex-start}.file img{border:1px solid #ccc;max-width:240px}
.steps li{margin:.3em 0}.small{color:#666;font-size:.9em}
"""
STATE_ZH = {"ready": "已就绪", "not_ready": "未就绪", "missing": "缺少材料",
            "not_provided": "未提供（按条件需要时上传）"}
_STATUS_ZH = {"pass": "通过", "warn": "提示", "fail": "不合格"}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def thumbnail(data: bytes, side: int = THUMB_SIDE) -> str | None:
    """A small JPEG data URI of an image file's bytes; None if it does not decode."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.thumbnail((side, side))
            buf = io.BytesIO()
            im.convert("RGB").save(buf, "JPEG", quality=70)
    except Exception:  # an undecodable file gets no thumbnail; its checks say why
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _checks_table(checks: list[CheckResult]) -> str:
    rows = "".join(
        f'<tr><td class="{c.status.value}">{_STATUS_ZH[c.status.value]}</td><td>{_e(c.id)}</td>'
        f"<td>{_e(c.message)}{'<br><span class=small>' + _e(c.hint) + '</span>' if c.hint and c.failed else ''}"
        f"</td></tr>"
        for c in checks
    )
    return f"<table><tr><th>结果</th><th>检查项</th><th>说明</th></tr>{rows}</table>"


def _file_block(root: Path, f: ExportedFile) -> str:
    try:
        uri = thumbnail((root / f.path).read_bytes())
    except OSError:
        uri = None
    img = f'<img src="{uri}" alt="{_e(f.path)}">' if uri else "<p>（无法生成缩略图）</p>"
    page = f"，第 {f.page + 1} 页" if f.page is not None else ""
    legibility = f"，文字一致率 {f.legibility:.3f}" if f.legibility is not None else ""
    head = (f"<p><b>{_e(f.path)}</b> <span class={'pass' if f.ok else 'fail'}>{'通过' if f.ok else '不合格'}</span>"
            f"<br><span class=small>来源：{_e(f.source)}{page}；{f.width}×{f.height} 像素，{f.bytes:,} 字节"
            f"{legibility}</span></p>")
    return f'<div class="file">{img}<div>{head}{_checks_table(f.checks)}</div></div>'


def _category_block(export: Export, status: CategoryStatus) -> str:
    cat = status.category
    files = [f for f in export.files if f.path in status.files]
    kind = "必需" if cat.required else f"条件：{_e(cat.condition)}"
    parts = [f'<h2>{_e(cat.folder)} <span class="badge {status.state}">{STATE_ZH[status.state]}</span></h2>',
             f"<p class=small>{_e(cat.name)}（{kind}）。{_e(cat.hint or '')}</p>"]
    if status.problems:
        parts.append("<ul>" + "".join(f"<li class=fail>{_e(p)}</li>" for p in status.problems) + "</ul>")
    parts.append(_checks_table(status.checks))
    parts.extend(_file_block(export.root, f) for f in files)
    return "\n".join(parts)


def _photo_block(export: Export) -> str:
    if export.photo is None:
        return (f"<h2>{PHOTO_FOLDER} <span class='badge missing'>未提供</span></h2>"
                "<p>本次未处理报名照片（可用 --photo 指定）。</p>")
    photo = export.photo
    ok = photo.ok and photo.output is not None
    state = "ready" if ok else "not_ready"
    parts = [f'<h2>{PHOTO_FOLDER} <span class="badge {state}">{"已就绪" if ok else "未通过"}</span></h2>',
             f"<p class=small>来源：{_e(photo.input)}</p>"]
    files = [f for f in export.files if f.category in ("photo", "photo_original")]
    parts.extend(_file_block(export.root, f) for f in files)
    if not files:
        parts.append(_checks_table(photo.checks))
    parts.extend(f"<p class=small>· {_e(n)}</p>" for n in photo.notes)
    return "\n".join(parts)


def _summary(export: Export) -> str:
    missing = [s for s in export.categories if s.needed and not s.ready]
    items = "".join(
        f"<li><b>{_e(s.category.name)}</b>：{_e('；'.join(s.reasons))}"
        "</li>"
        for s in missing
    )
    blocking = [s for s in export.skipped if s.blocking]
    items += "".join(f"<li>{_e(Path(s.source).name)}：{_e(s.reason)}</li>" for s in blocking)
    if export.ok:
        return "<p class='ready badge'>全部必需材料已就绪。</p>"
    return f"<p class='fail badge'>尚未就绪，需要处理：</p><ul>{items}</ul>"


def render_report(export: Export) -> str:
    """The whole report as one HTML page: inline CSS, thumbnails as data URIs, no scripts."""
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    steps = (
        f"<li>报名照片：{_e(export.next_step)}（{PHOTO_FOLDER} 中：{ORIGINAL_NAME} 为构图相同的高分辨率版本，"
        f"{PHOTO_NAME} 为已处理好的上传照片。）</li>"
        "<li>材料：在报名系统中按类别逐个上传，每个文件夹对应一个类别；文件夹里的文件名说明了正反面或顺序。</li>"
        "<li>标为“未就绪”或“缺少材料”的类别，按下方说明补充或重新拍摄后，再次运行 photocheck prepare。</li>"
    )
    sections = [_photo_block(export)]
    sections.extend(_category_block(export, s) for s in export.categories if s.needed or s.files)
    optional = [s for s in export.categories if not s.needed]
    if optional:
        sections.append("<h2>按条件需要的类别（未提供）</h2><ul>" + "".join(
            f"<li>{_e(s.category.folder)}：{_e(s.category.condition)}时需要</li>" for s in optional) + "</ul>")
    if export.skipped or export.notes:
        sections.append("<h2>未导出的文件与提示</h2><ul>" + "".join(
            f"<li class={'fail' if s.blocking else 'warn'}>{_e(s.source)}"
            f"{'（第 ' + str(s.page + 1) + ' 页）' if s.page is not None else ''}：{_e(s.reason)}</li>"
            for s in export.skipped) + "".join(f"<li class=warn>{_e(n)}</li>" for n in export.notes) + "</ul>")
        sections.extend(_checks_table(s.checks) for s in export.skipped if s.checks)
    return (
        "<!DOCTYPE html>\n<html lang=zh-CN><head><meta charset=utf-8>"
        f"<title>检查报告 - {_e(export.candidate)}</title><style>{_CSS}</style></head><body>"
        f"<h1>报名材料检查报告：{_e(export.candidate)}</h1>"
        f"<p class=small>考试规格 {_e(export.profile)}；生成于 {when}；photocheck {__version__}；"
        "全部处理在本机完成，未上传任何文件。</p>"
        f"{_summary(export)}<h2>下一步</h2><ol class=steps>{steps}</ol>"
        + "\n".join(sections) + "</body></html>\n"
    )
