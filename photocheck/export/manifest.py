"""manifest.json: a record of every exported file read back from its bytes on disk, and the
re-validation of the whole export from disk (`export.verify`) before it is swapped into place."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from photocheck.io.sniff import sniff
from photocheck.io.write import write_atomic
from photocheck.reports import MANIFEST, CategoryStatus, CheckResult, Export, ExportedFile, Status

# --- records -----------------------------------------------------------------------------------


def record_file(root: Path, path: Path, *, category: str, slot: str | None, source: str,
                page: int | None, legibility: float | None, checks: list[CheckResult]) -> ExportedFile:
    """Describe a written file from its bytes on disk (size, format, pixels, sha256)."""
    data = path.read_bytes()
    width, height = _pixels(data) or (0, 0)
    return ExportedFile(
        path=path.relative_to(root).as_posix(), category=category, slot=slot, source=source,
        page=page, bytes=len(data), width=width, height=height, format=sniff(data) or "",
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
    fmt = sniff(data)
    if data and fmt not in formats:
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
    """manifest.json names files relative to the export folder and sources relative to the
    material folder: no absolute path (a home folder, a user name) goes out with the export."""
    data = export.to_dict()
    for key in ("output", "original"):
        entry = (data["photo"] or {}).get(key)
        if entry:
            entry["path"] = _inside(Path(entry["path"]), export.root)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    write_atomic(export.manifest_path, text.encode("utf-8"))


def _inside(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name
