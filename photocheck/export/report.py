"""检查报告.html: one self-contained page (inline CSS, thumbnails as data URIs, no scripts) that
tells the candidate, in their words, what is ready, what is missing and what to do next."""

from __future__ import annotations

import base64
import html
import io
from datetime import datetime
from pathlib import Path

from photocheck import __version__
from photocheck.io.write import write_atomic
from photocheck.labels import check_name, state_label, status_label
from photocheck.reports import CategoryStatus, CheckResult, Export, ExportedFile
from photocheck.rules.profile import ExportRules

THUMB_SIDE = 240


def write_report(export: Export, names: ExportRules, *, window: bool = False) -> None:
    write_atomic(export.report_path, render_report(export, names, window=window).encode("utf-8"))



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
        f'<tr><td class="{c.status.value}">{status_label(c.status)}</td><td>{_e(check_name(c.id))}</td>'
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
    parts = [f'<h2>{_e(cat.folder)} <span class="badge {status.state}">{state_label(status.state)}</span></h2>',
             f"<p class=small>{_e(cat.name)}（{kind}）。{_e(cat.hint or '')}</p>"]
    if status.problems:
        parts.append("<ul>" + "".join(f"<li class=fail>{_e(p)}</li>" for p in status.problems) + "</ul>")
    parts.append(_checks_table(status.checks))
    parts.extend(_file_block(export.root, f) for f in files)
    return "\n".join(parts)


def _photo_block(export: Export, names: ExportRules, window: bool) -> str:
    if export.photo is None:
        how = ("在窗口的“报名照片”一步添加照片，再导出一次" if window
               else "把照片放进材料文件夹中名为“照片”的子文件夹，再整理一次")
        return (f"<h2>{_e(names.photo_folder)} <span class='badge missing'>未提供</span></h2>"
                f"<p>本次没有导出报名照片：{how}。</p>")
    photo = export.photo
    ok = photo.passed
    state = "ready" if ok else "not_ready"
    parts = [f'<h2>{_e(names.photo_folder)} <span class="badge {state}">{"已就绪" if ok else "未通过"}</span></h2>',
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


def render_report(export: Export, names: ExportRules, *, window: bool = False) -> str:
    """The whole report as one HTML page: inline CSS, thumbnails as data URIs, no scripts.
    `window`: the export came from the window, so the advice speaks of its steps, not of folders."""
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    steps = (
        f"<li>报名照片：{_e(export.next_step)}（{_e(names.photo_folder)} 中：{_e(names.original_name)} "
        f"为构图相同的高分辨率版本，{_e(names.photo_name)} 为已处理好的上传照片。）</li>"
        "<li>材料：在报名系统中按类别逐个上传，每个文件夹对应一个类别；文件夹里的文件名说明了正反面或顺序。</li>"
        + ("<li>标为“未就绪”或“缺少材料”的类别：按下方说明补充或重新拍摄，在窗口的“报名材料”一步替换或添加后，"
           "再导出一次。</li>" if window else
           "<li>标为“未就绪”或“缺少材料”的类别，按下方说明补充或重新拍摄后，重新整理导出一次。</li>")
    )
    sections = [_photo_block(export, names, window)]
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
