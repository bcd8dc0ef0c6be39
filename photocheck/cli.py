"""Command line: argument parsing and printing only; the work happens in photocheck.api.

Exit codes: 0 passed (warnings allowed), 1 a check failed, 2 unusable input or bad usage.
Imports of the image stack happen inside the commands so `--version` and `--help` stay instant.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from photocheck import __version__

if TYPE_CHECKING:
    from tqdm import tqdm

    from photocheck.api import CheckResult, Export, MaterialReport, MaterialsSpec, PhotoReport

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


class Printer:
    """Chinese by default, English with --lang en; everything goes through here."""

    def __init__(self, lang: str) -> None:
        self.en = lang == "en"

    def say(self, zh: str, en: str = "", *, err: bool = False) -> None:
        print(en if self.en and en else zh, file=sys.stderr if err else sys.stdout, flush=True)


def _utf8_streams() -> None:
    # A GBK Windows console or a redirected stream must not turn Chinese text into a crash.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure and (stream.encoding or "").lower().replace("-", "") != "utf8":
            reconfigure(errors="replace")


def _say_check(out: Printer, c: CheckResult, *, label: str | None = None, hint: bool = True) -> None:
    """One check as a line: status, id, message, and the hint after anything that did not pass."""
    from photocheck.labels import status_label

    label = label or status_label(c.status, out.en)
    msg = c.message_en if out.en and c.message_en else c.message
    line = f"  [{label}] {c.id:<20} {msg}"
    if hint and c.status.value != "pass" and c.hint and not out.en:
        line += f"（{c.hint}）"
    out.say(line)


def _print_report(report: PhotoReport, out: Printer, *, fixed: bool) -> None:
    """One line per check. After a fix that could not finish, the failures the fixer would have
    handled are marked 可修复, so the ones that block it stand out."""
    prof = report.profile
    out.say(f"照片：{report.input}", f"Photo: {report.input}")
    out.say(f"规格：{prof.id}（{prof.name}）", f"Profile: {prof.id} ({prof.name_en})")
    blocked_fix = fixed and report.output is None
    for c in report.checks:
        if blocked_fix and c.failed and c.fixable:
            _say_check(out, c, label="fixable" if out.en else "可修复", hint=False)
        else:
            _say_check(out, c)
    for note in report.notes:
        out.say(f"  · {note}")
    if report.output:
        o = report.output
        out.say(
            f"已保存：{o.path}（{o.width}×{o.height}，{o.bytes:,}字节，质量{o.quality}）",
            f"Saved: {o.path} ({o.width}x{o.height}, {o.bytes:,} bytes, quality {o.quality})",
        )
    if report.original:
        o = report.original
        out.say(f"高分辨率原图：{o.path}（{o.width}×{o.height}）", f"High-resolution original: {o.path}")
    from photocheck.labels import check_names

    failures = report.failures
    if not failures:
        out.say("结果：通过。" + prof.next_step, "Result: passed. " + prof.next_step_en)
        return
    blocking = report.blocking
    if blocked_fix:
        ids = [c.id for c in blocking or failures]
        out.say(f"结果：未能修复，未保存任何文件。需要先解决：{check_names(ids)}",
                f"Result: not fixed, nothing written. Resolve first: {check_names(ids, en=True)}")
        return
    text = f"结果：未通过，{len(failures)}项不合格"
    if not blocking:
        text += f"，均可自动修复：photocheck photo fix {report.input} -o 输出.jpg"
    elif len(blocking) < len(failures):
        text += f"（其中{len(failures) - len(blocking)}项可自动修复，其余需要重新拍摄）"
    out.say(text, f"Result: failed ({len(failures)} checks)")


def _json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_profiles(args: argparse.Namespace, out: Printer) -> int:
    from photocheck.api import list_profiles

    profiles = list_profiles()
    if args.json:
        _json([
            {"id": p.id, "name": p.name, "name_en": p.name_en, "default": p.default, "can_fix": p.can_fix,
             "size": list(p.output.exact_size or (p.output.min_width, p.output.min_height)),
             "max_bytes": p.output.max_bytes}
            for p in profiles
        ])
        return EXIT_OK
    for p in profiles:
        size = p.output.exact_size
        dims = f"{size[0]}×{size[1]}" if size else f"≥{p.output.min_width}×{p.output.min_height}"
        mark = "（默认）" if p.default else ""
        mode = "检查+修复" if p.can_fix else "仅检查"
        out.say(f"{p.id:<20} {dims:<10} ≤{p.output.max_bytes:,}字节  {mode}  {p.name}{mark}",
                f"{p.id:<20} {dims:<10} <={p.output.max_bytes:,} B  {p.name_en}")
    return EXIT_OK


def cmd_photo_check(args: argparse.Namespace, out: Printer) -> int:
    from photocheck.api import check_photo

    report = check_photo(args.image, args.profile)
    _emit_report(args, report, out, fixed=False)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_photo_fix(args: argparse.Namespace, out: Printer) -> int:
    from photocheck.api import fix_photo

    report = fix_photo(args.image, args.output, original=args.original, profile=args.profile,
                       overwrite=args.overwrite)
    _emit_report(args, report, out, fixed=True)
    return EXIT_OK if report.passed else EXIT_FAILED


def _emit_report(args: argparse.Namespace, report: PhotoReport, out: Printer, *, fixed: bool) -> None:
    """A photo report as JSON with --json, else as lines."""
    if args.json:
        _json(report.to_dict())
    else:
        _print_report(report, out, fixed=fixed)


class _Bar:
    """The batch's progress bar on stderr, drawn by tqdm from the progress calls; made at the first
    one, which says how many photos there are to do."""

    def __init__(self) -> None:
        self._bar: tqdm[NoReturn] | None = None

    def __call__(self, done: int, total: int, _file: str) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="张", file=sys.stderr, desc="处理中", dynamic_ncols=True)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def cmd_photo_batch(args: argparse.Namespace, out: Printer) -> int:
    from photocheck.api import run_batch

    bar = _Bar()
    try:
        summary = run_batch(
            Path(args.input_dir), Path(args.output), workers=args.workers, profile=args.profile,
            overwrite=args.overwrite, resume=args.resume, progress=None if args.quiet else bar,
        )
    finally:
        bar.close()
    if summary.skipped:
        out.say(f"已跳过{summary.skipped}张输出仍有效的照片（--resume）",
                f"skipped {summary.skipped} photos whose output is current (--resume)")
    if summary.stopped is not None:
        out.say(f"已停止：{summary.total}/{summary.inputs}张已完成（{summary.passed}张通过），未开始的照片没有处理。"
                f"明细见 {summary.csv_path}；继续处理请加 --resume 重新运行",
                f"stopped: {summary.total} of {summary.inputs} done ({summary.passed} passed). "
                f"Details: {summary.csv_path}; rerun with --resume to finish", err=True)
        return 128 + summary.stopped
    out.say(
        f"共{summary.total}张：{summary.passed}张通过，{summary.failed}张未通过，{summary.unreadable}张无法读取。"
        f"明细见 {summary.csv_path}",
        f"{summary.total} photos: {summary.passed} passed, {summary.failed} failed, "
        f"{summary.unreadable} unreadable. Details: {summary.csv_path}",
    )
    return EXIT_OK if summary.passed == summary.total else EXIT_FAILED


def cmd_prepare(args: argparse.Namespace, out: Printer) -> int:
    from photocheck.api import prepare

    def progress(done: int, total: int, message: str) -> None:
        if not args.json:
            out.say(f"处理中（{done + 1}/{total}）：{message}", f"processing ({done + 1}/{total}): {message}", err=True)

    export = prepare(args.input_dir, args.output, name=args.name, photo=args.photo, profile=args.profile,
                     overwrite=args.overwrite, progress=progress)
    if args.json:
        _json({**export.to_dict(), "root": str(export.root), "report": str(export.report_path)})
        return EXIT_OK if export.ok else EXIT_FAILED
    _print_export(export, out)
    return EXIT_OK if export.ok else EXIT_FAILED


def _print_export(export: Export, out: Printer) -> None:
    from photocheck.api import CategoryState
    from photocheck.labels import state_label

    out.say(f"考生：{export.candidate}（规格 {export.profile}）", f"Candidate: {export.candidate} ({export.profile})")
    if export.photo is not None:
        ok = export.photo.passed
        failed = "；".join(c.message for c in export.photo.failures)
        out.say(f"  报名照片：{'通过' if ok else '未通过：' + failed}", f"  Photo: {'pass' if ok else 'FAIL'}")
    for s in (s for s in export.categories if s.needed):
        why = "；".join(s.reasons)
        line = f"  {s.category.folder}：{state_label(s.state)}（{len(s.files)}个文件）"
        out.say(line + (f"：{why}" if why else ""),
                f"  {s.category.folder}: {state_label(s.state, True)} ({len(s.files)} files)")
    optional = [s.category.folder for s in export.categories if not s.needed]
    if optional:
        out.say(f"  {state_label(CategoryState.NOT_PROVIDED)}：{'、'.join(optional)}",
                f"  {state_label(CategoryState.NOT_PROVIDED, True)}: {', '.join(optional)}")
    for sk in export.skipped:
        page = f"（第 {sk.page + 1} 页）" if sk.page is not None else ""
        out.say(f"  {'未导出' if sk.blocking else '已跳过'}：{sk.source}{page}：{sk.reason}",
                f"  {'not exported' if sk.blocking else 'skipped'}: {sk.source}: {sk.reason_en}")
    for note in export.notes:
        out.say(f"  · {note}")
    verdict = "全部必需材料已就绪" if export.ok else "尚有材料缺少或未通过（详见报告）"
    out.say(f"结果：{verdict}。检查报告：{export.report_path}",
            f"Result: {'ready' if export.ok else 'not ready'}. Report: {export.report_path}")


def _print_material(report: MaterialReport, out: Printer, spec: MaterialsSpec) -> None:
    where = f"（第{report.page + 1}页）" if report.page is not None else ""
    out.say(f"材料：{report.input}{where}", f"Material: {report.input}" + (
        f" (page {report.page + 1})" if report.page is not None else ""))
    cat = spec.category(report.category) if report.category else None
    s = report.suggestion
    guessed = spec.category(s.category_id).name if s and s.category_id else "无"
    guess = f"；识别建议：{guessed}，置信度{s.confidence:.2f}（{s.reason}）" if s else ""
    out.say(f"类别：{cat.name if cat else '未确定'}{guess}",
            f"Category: {cat.name_en if cat else 'unknown'}")
    for c in report.checks:
        _say_check(out, c)
    for note in report.notes:
        out.say(f"  · {note}")
    for o in report.parts or ([report.output] if report.output else []):
        out.say(f"已保存：{o.path}（{o.width}×{o.height}，{o.bytes:,}字节）",
                f"Saved: {o.path} ({o.width}x{o.height}, {o.bytes:,} bytes)")
    failures = report.failures
    if failures:
        out.say(f"结果：未通过，{len(failures)}项不合格，未保存文件",
                f"Result: failed ({len(failures)} checks), nothing saved")
    else:
        out.say("结果：通过", "Result: passed")


def _material_items(args: argparse.Namespace, prof: Any, out: Printer) -> list[tuple[int | None, Path]]:
    """(0-based page, output stem) per item: --page N (1-based) picks one page, --pages "1-3,5"
    several; a multi-page PDF gives OUT_p1, OUT_p2, ... (at most the profile's page limit, and
    the candidate is told which pages were taken); an image or a one-page PDF gives OUT."""
    from photocheck.api import UserError, select_pages

    stem = Path(args.output)
    if stem.suffix.lower() in (".jpg", ".jpeg", ".png"):
        stem = stem.with_suffix("")
    if args.page is not None and args.pages is not None:
        raise UserError(args.file, "--page 与 --pages 只能用一个", "use either --page or --pages")
    chosen = args.pages if args.pages is not None else (str(args.page) if args.page is not None else None)
    if args.page is not None and args.page < 1:
        raise UserError(args.file, "页码从 1 开始（--page）", "--page counts from 1")
    selection = select_pages(args.file, chosen, prof)
    if selection.note:
        out.say(f"注意：{selection.note}", f"Note: {selection.note_en}", err=args.json)
    pages = [p for _, p in selection.items]
    if pages == [None] or (selection.total == 1 and chosen is None):
        return [(pages[0], stem)]
    if args.page is not None:
        return [(args.page - 1, stem)]
    return [(p, stem.with_name(f"{stem.name}_p{p + 1}")) for p in pages if p is not None]


_MATERIAL_SUFFIXES = (".jpg", ".jpeg", ".png")


def _existing_outputs(stem: Path, overwrite: bool) -> list[Path]:
    """The files an output stem may already have (the compressor picks .jpg or .png): refused
    unless --overwrite, returned with it."""
    from photocheck.api import UserError

    found = [stem.with_name(stem.name + s) for s in _MATERIAL_SUFFIXES]
    found = [p for p in found if p.exists() or p.is_symlink()]
    for p in found:
        if p.is_dir():
            raise UserError(p, "这是一个文件夹，请换一个输出文件名", "this is a folder: choose another output name")
    if found and not overwrite:
        raise UserError(found[0], "文件已存在：如需替换请加 --overwrite",
                        "the file exists: add --overwrite to replace it")
    return found


def cmd_material_fix(args: argparse.Namespace, out: Printer) -> int:
    from photocheck.api import UserError, fix_material, load_profile

    prof = load_profile(args.profile)
    if prof.materials is None:
        raise UserError(args.file, f"考试规格 {prof.id} 没有材料要求", f"profile {prof.id} has no materials")
    category = args.category
    if category is not None:  # a Chinese category name works as well as the id
        category = next((c.id for c in prof.materials.categories if category in (c.id, c.name)), category)
    items = _material_items(args, prof, out)
    existing = {stem: _existing_outputs(stem, args.overwrite) for _, stem in items}  # before any is written
    reports, dicts, errors = [], [], 0
    for page, stem in items:
        try:
            report = fix_material(args.file, stem, page=page, category=category, profile=prof, name=args.name)
        except UserError as exc:
            if len(items) == 1:
                raise
            # One unusable page of a PDF: say so and go on with the others.
            errors += 1
            where = f"（第{page + 1}页）" if page is not None else ""
            out.say(f"材料：{args.file}{where}\n  [错误] {exc.message}，已跳过",
                    f"Material: {args.file} (page {(page or 0) + 1})\n  [error] {exc.message_en}; skipped",
                    err=args.json)
            dicts.append({"input": str(args.file), "page": page, "error": exc.message, "error_en": exc.message_en,
                          "code": exc.code})
            continue
        if report.output is not None:  # --overwrite: an old stem.png does not stay beside a new stem.jpg
            for old in existing[stem]:
                if old != report.output.path:
                    old.unlink(missing_ok=True)
        reports.append(report)
        # OCR text holds names, ID numbers and addresses: only on request.
        dicts.append(report.to_dict(include_text=args.include_text))
        if not args.json:
            _print_material(report, out, prof.materials)
    if args.json:
        _json(dicts if len(dicts) > 1 else dicts[0])
    if not reports:
        return EXIT_UNUSABLE
    return EXIT_OK if not errors and all(r.ok and r.output for r in reports) else EXIT_FAILED


# argparse's own words (usage, errors, the help option), in Chinese unless --lang en.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
}


def _argparse_language(en: bool) -> None:
    # argparse looks its messages up through the module-level gettext alias at call time.
    argparse._ = (lambda text: text) if en else (lambda text: _ARGPARSE_ZH.get(text, text))  # type: ignore[attr-defined]


def _wants_english(argv: list[str]) -> bool:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] == "en"
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1] == "en"
    return False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="photocheck",
        description="医师资格考试报名照片与材料离线检查修复工具 / offline checker for NMEC photos and materials",
    )
    parser.add_argument("--version", action="version", version=f"photocheck {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="用自带的样例检查整个程序是否正常（离线）/ run the bundled samples through the pipeline")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="输出语言 / output language")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整调用栈 / show tracebacks")
    # The same two options after the subcommand: SUPPRESS keeps the top-level value unless given.
    anywhere = argparse.ArgumentParser(add_help=False)
    anywhere.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS, help="输出语言 / output language")
    anywhere.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="出错时显示完整调用栈")
    sub = parser.add_subparsers(dest="command", required=False)

    p = sub.add_parser("profiles", parents=[anywhere], help="列出考试规格 / list exam profiles")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_profiles)

    photo = sub.add_parser("photo", help="报名照片 / registration photo").add_subparsers(
        dest="photo_command", required=True
    )
    common = argparse.ArgumentParser(add_help=False, parents=[anywhere])
    common.add_argument("--profile", help="考试规格 id 或 .toml 路径（默认 nmec-2026-hubei）")

    p = photo.add_parser("check", parents=[common], help="检查照片 / check a photo")
    p.add_argument("image")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_photo_check)

    p = photo.add_parser("fix", parents=[common], help="修复照片 / fix a photo")
    p.add_argument("image")
    p.add_argument("-o", "--output", required=True, help="输出 JPEG 路径")
    p.add_argument("--original", help="另存一份高分辨率原图（供官方检测工具使用）")
    p.add_argument("--overwrite", action="store_true", help="替换已存在的输出文件")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_photo_fix)

    p = photo.add_parser("batch", parents=[common], help="批量处理文件夹 / fix a folder")
    p.add_argument("input_dir")
    p.add_argument("-o", "--output", required=True, help="输出文件夹")
    p.add_argument("--workers", type=int, default=None, help="并行进程数（默认：全部核心）")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    again = p.add_mutually_exclusive_group()
    again.add_argument("--overwrite", action="store_true",
                       help="输出文件夹已有结果时：全部重新处理并替换（未通过的照片删除其旧输出）")
    again.add_argument("--resume", action="store_true",
                       help="输出文件夹已有结果时：跳过已通过且输出比原图新的照片，只处理其余的")
    p.set_defaults(func=cmd_photo_batch)

    material = sub.add_parser("material", help="报名材料（证件、证书、PDF）/ supporting materials").add_subparsers(
        dest="material_command", required=True
    )
    p = material.add_parser(
        "fix", parents=[common], help="校正并压缩一份材料 / straighten and compress one material",
        description="把一张证件/证书照片或 PDF 页面转正、裁切、压平并压缩到上限以内；只有全部检查通过才保存。"
                    "多页 PDF 不加 --page 时逐页处理，输出为 OUT_p1、OUT_p2……",
    )
    p.add_argument("file", help="图片或 PDF")
    p.add_argument("-o", "--output", required=True,
                   help="输出文件名（不含扩展名；程序按压缩结果加 .jpg 或 .png）")
    p.add_argument("--category", help="材料类别 id 或中文名（默认按文字自动识别）")
    p.add_argument("--page", type=int, help="只处理 PDF 的第 N 页（从 1 开始）")
    p.add_argument("--overwrite", action="store_true", help="替换已存在的输出文件")
    p.add_argument("--pages", help="只处理 PDF 的这些页，例如 1-3,5（从 1 开始）")
    p.add_argument("--name", help="考生姓名：核对证件、证书和学信网报告上的姓名是否一致")
    p.add_argument("--json", action="store_true")
    p.add_argument("--include-text", action="store_true",
                   help="--json 输出中包含识别出的文字（含姓名、证件号等个人信息）")
    p.set_defaults(func=cmd_material_fix)

    p = sub.add_parser("prepare", parents=[common], help="整理全部报名材料并导出 / prepare every material for upload")
    p.add_argument("input_dir", help="材料文件夹（子文件夹按类别命名，散放的文件自动分类）")
    p.add_argument("-o", "--output", required=True, help="输出文件夹（在其中生成 <考生姓名>/）")
    p.add_argument("--name", help="考生姓名，用作导出文件夹名（默认：材料文件夹名）")
    p.add_argument("--photo", help="报名照片（也可放在名为“照片”的子文件夹中）")
    p.add_argument("--overwrite", action="store_true", help="替换已存在的导出文件夹")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_prepare)
    return parser


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    argv = sys.argv[1:] if argv is None else argv
    _argparse_language(_wants_english(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    out = Printer(args.lang)
    if args.command is None and not args.self_test:
        parser.error("缺少子命令（profiles、photo、material、prepare）" if not out.en else "a command is required")
    from photocheck.api import stop_exit_code, stop_signals_unwind

    stop_signals_unwind()  # SIGTERM unwinds like Ctrl-C: staged files and staging folders are removed
    if args.self_test:
        return _self_test(out)
    try:
        code: int = args.func(args, out)
        return code
    except KeyboardInterrupt as exc:
        out.say("已取消", "cancelled", err=True)
        return stop_exit_code(exc)
    except BrokenPipeError:  # `photocheck ... | head`: the reader left; not an error of ours
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (interpreter shutdown flushes it)
        return EXIT_OK
    except Exception as exc:  # every failure becomes one line naming the file and the problem
        if args.debug:
            raise
        return _report_error(exc, out)


def _self_test(out: Printer) -> int:
    from photocheck.selftest import run

    out.say(f"photocheck {__version__} 自检：用自带的样例走一遍照片和材料的完整流程（不联网）",
            f"photocheck {__version__} self-test: the bundled samples through the whole pipeline (offline)")
    problems = run(out.say)
    for p in problems:
        out.say(f"  失败：{p}", f"  FAILED: {p}", err=True)
    out.say("自检通过。" if not problems else "自检未通过：程序安装可能不完整，请重新安装。",
            "Self-test passed." if not problems else "Self-test failed: reinstall the program.")
    return EXIT_OK if not problems else EXIT_FAILED


def _report_error(exc: Exception, out: Printer) -> int:
    from photocheck.api import ProfileError, UserError

    if isinstance(exc, ProfileError):
        out.say(f"错误：考试规格有误：{exc.message}", f"error: bad profile: {exc.message_en}", err=True)
        return EXIT_UNUSABLE
    if isinstance(exc, UserError):
        out.say(f"错误：{exc.text()}", f"error: {exc.text(en=True)}", err=True)
        return EXIT_UNUSABLE
    if isinstance(exc, OSError):
        name = exc.filename
        if name and Path(str(name)).name.startswith(".photocheck-") and exc.filename2:
            name = exc.filename2  # a rename of a staged file: the user knows the destination
        where = f"{name}：" if name else ""
        out.say(f"错误：{where}{exc.strerror or exc}", f"error: {where}{exc.strerror or exc}", err=True)
        return EXIT_UNUSABLE
    out.say(f"错误：内部错误（{type(exc).__name__}: {exc}），加 --debug 查看详情",
            f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug", err=True)
    return EXIT_UNUSABLE


if __name__ == "__main__":
    sys.exit(main())
