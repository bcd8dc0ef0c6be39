"""`photocheck prepare`: a candidate's folder of photos, scans and PDFs -> one validated export.

Subfolders named after a category (its id, Chinese name or folder name, with or without the NN_
prefix) assign their files to it; loose files take fix_material's suggestion. File names such as
正面/反面/front/back pick the slot. The same bytes twice are processed once. Every item is fixed
into a work folder inside the staging folder, then moved to its final `NN_类别名/<slot or n>` name.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable
from concurrent.futures import Executor, Future, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from photocheck import concurrency
from photocheck.concurrency import CancelToken, Progress
from photocheck.documents.checks import category_count, category_required
from photocheck.documents.fix import Choices, process, select_pages
from photocheck.documents.ocr import use_threads
from photocheck.documents.portrait import Picture, picture_kind
from photocheck.errors import UserError
from photocheck.export.layout import PROJECT, Staging, safe_name
from photocheck.export.manifest import record_file, verify_manifest, with_verification, write_manifest
from photocheck.export.project import PROJECT_VERSION, PhotoEdits, Project, ProjectItem, file_digest, save_project
from photocheck.export.report import write_report
from photocheck.io.allocator import return_large_buffers
from photocheck.io.decode import check_file
from photocheck.photo.framing import CropFrame
from photocheck.photo.pipeline import NO_EDITS, RenderEdits, guides
from photocheck.photo.pipeline import fix as fix_photo
from photocheck.photo.strokes import rasterize
from photocheck.reports import (
    CategoryStatus,
    Export,
    ExportedFile,
    MaterialReport,
    OutputFile,
    PhotoReport,
    Skipped,
)
from photocheck.rules.materials import Category, MaterialsSpec
from photocheck.rules.profile import Profile, resolve_profile

PHOTO_FOLDERS = ("照片", "photo", "报名照片")  # besides the profile's export.photo_folder
_ORDER_PREFIX = re.compile(r"^\d+[_\-. ]*")
_WORK = ".work"
# Items fixed at once: one per core, and no more than two, since each holds a decoded page and its
# copies (a 12 MP photo: about 250 MB at its peak).
ITEM_WORKERS = 2


@dataclass(frozen=True)
class InputItem:
    path: Path
    source: str  # `path` relative to the material folder: what the export records
    page: int | None
    sha256: str
    category: str | None  # the user's choice: the subfolder it was in, or the window's
    slot: str | None = None  # the window's or the hand-held photo's (else from the file name or the text)
    rotation: int | None = None  # manual clockwise rotation from the window
    corners: list[list[float]] | None = None  # manual document corners from the window


@dataclass(frozen=True)
class Inputs:
    items: list[InputItem]
    photo: Path | None
    skipped: list[Skipped]
    notes: list[str]


@dataclass(frozen=True)
class Placed:
    """One processed item with its final category and slot (None: not exported)."""

    item: InputItem
    report: MaterialReport
    category: str | None
    slot: str | None


def _key(name: str) -> str:
    return _ORDER_PREFIX.sub("", name.strip()).casefold()


def folder_category(name: str, spec: MaterialsSpec) -> Category | None:
    """The category a subfolder names: id, Chinese name or folder name, NN_ prefix optional."""
    key = _key(name)
    return next((c for c in spec.categories if key in {_key(c.id), _key(c.name), _key(c.folder)}), None)


def _slot_words(slot_name: str, slot_id: str, name_en: str) -> set[str]:
    inner = re.findall(r"（(.+?)）", slot_name)  # 正面（人像面）: both 正面 and 人像面 name it
    words = {slot_id, slot_name.split("（")[0], name_en.split(" (")[0].split()[0], *inner}
    return {w.casefold() for w in words if w}


def slot_from_name(stem: str, category: Category) -> str | None:
    """The slot a file name names (正面.jpg, back.png, 身份证-反面.heic); None if none or several."""
    name = stem.casefold()
    hits = {s.id for v in category.variants for s in v.slots
            if any(w in name for w in _slot_words(s.name, s.id, s.name_en))}
    return hits.pop() if len(hits) == 1 else None


def slot_label(category: Category, slot_id: str) -> str:
    """File name stem for a slot: the Chinese name without its parenthesis (正面, 反面, 信息页)."""
    slot = category.slot(slot_id)
    return slot.name.split("（")[0] if slot else slot_id


# --- collecting inputs -------------------------------------------------------------------------


def _files(folder: Path, exclude: Path | None) -> list[Path]:
    """Regular, non-hidden files under `folder`, sorted; the export folder itself is left out."""
    out: list[Path] = []
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (exclude is None or here / d != exclude))
        # By stem first, so 正面.jpg comes before 正面 副本.jpg (and keeps the slot if they repeat).
        out.extend(here / n for n in sorted(names, key=lambda n: (Path(n).stem, n)) if not n.startswith("."))
    return out


def _photo_candidates(input_dir: Path, photo_folder: str) -> list[Path]:
    names = {_key(n) for n in (*PHOTO_FOLDERS, photo_folder)}
    folders = [d for d in sorted(input_dir.iterdir()) if d.is_dir() and _key(d.name) in names]
    return [f for d in folders for f in _files(d, None)]


def relative_source(path: Path, input_dir: Path) -> str:
    """How the export names an input: relative to the material folder ("/"-separated), or just
    the file name for one outside it (a --photo elsewhere). Never an absolute path: an export is
    handed on, and a home folder path says who the candidate is and how their disk is laid out."""
    for inside, root in ((path, input_dir), (path.resolve(), input_dir.resolve())):
        try:
            return inside.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.name


def collect(input_dir: Path, spec: MaterialsSpec, *, photo: Path | None = None,
            exclude: Path | None = None, profile: Profile | None = None,
            portrait: Callable[[Path], Picture | None] | None = None, photo_folder: str = "") -> Inputs:
    """Every material item (one per image, one per PDF page) with its user-chosen category,
    the registration photo, and what was skipped (duplicates, unreadable files). Sources are
    named relative to `input_dir`. A file that `portrait` recognises as a portrait (one face, no
    text) is the photo, not a material: it becomes the photo when there is none yet, else it is
    left out. One it recognises as a hand-held ID photo goes to that slot; a file already in the
    hand-held slot (by its folder and name) is not looked at: its card may be what is unreadable."""
    notes: list[str] = []
    photos = _photo_candidates(input_dir, photo_folder)
    if photo is None and photos:
        photo = photos[0]
        notes.extend(f"照片文件夹中有多个文件，只使用了 {photos[0].name}，未使用 {p.name}" for p in photos[1:])
    photo_dirs = {p.parent for p in photos}
    seen: dict[str, Path] = {}
    if photo is not None:
        check_file(photo, profile.input.max_bytes if profile else None)
        seen[file_digest(photo)] = photo
    items: list[InputItem] = []
    skipped: list[Skipped] = []
    for path in _files(input_dir, exclude):
        if path.parent in photo_dirs or (photo is not None and path.resolve() == photo.resolve()):
            continue
        try:  # a pipe, a device or a huge file is reported, not opened or hashed
            check_file(path, profile.input.max_bytes if profile else None)
        except UserError as exc:
            skipped.append(Skipped(str(path), None, exc.message, exc.message_en))
            continue
        digest = file_digest(path)
        if digest in seen:
            skipped.append(Skipped(relative_source(path, input_dir), None,
                                   f"与 {seen[digest].name} 内容完全相同，已跳过（只处理一次）",
                                   f"same file as {seen[digest].name}; skipped", blocking=False))
            continue
        seen[digest] = path
        top = path.relative_to(input_dir).parts
        category = folder_category(top[0], spec) if len(top) > 1 else None
        handheld = spec.checks.handheld_slot
        slot = handheld if category and slot_from_name(path.stem, category) == handheld else None
        picture = portrait(path) if portrait is not None and slot is None else None
        if picture is not None and picture.portrait:
            if photo is None:
                photo = path
                notes.append(f"{path.name} 是一张人像照片（一张人脸、没有文字），已作为报名照片处理")
            else:
                skipped.append(Skipped(
                    str(path), None, f"这是一张人像照片，不是材料：报名照片已使用 {photo.name}，此文件未导出",
                    f"a portrait, not a material: the photo step uses {photo.name}", blocking=False))
            continue
        if len(top) > 1 and category is None:
            notes.append(f"子文件夹 {top[0]} 不是已知的材料类别，其中的文件按内容自动分类")
        held = picture.placement(spec) if picture is not None else None
        if held is not None and (category is None or category.id == held.category_id):
            category, slot = spec.category(held.category_id), held.slot
            notes.append(f"{path.name} 是一张手持证件照（人脸和证件），已放入「{category.name}」的手持证件照")
        try:
            selection = select_pages(path, None, profile)
        except UserError as exc:
            skipped.append(Skipped(relative_source(path, input_dir), None, exc.message, exc.message_en))
            continue
        if selection.note:
            notes.append(selection.note)
        source = relative_source(path, input_dir)
        items.extend(InputItem(p, source, page, digest, category.id if category else None, slot)
                     for p, page in selection.items)
    return Inputs(items, photo, skipped, list(dict.fromkeys(notes)))


# --- assigning and naming ----------------------------------------------------------------------


def _place(item: InputItem, report: MaterialReport, spec: MaterialsSpec) -> Placed:
    category_id = item.category or report.category or (report.suggestion.category_id if report.suggestion else None)
    if not category_id:
        return Placed(item, report, None, None)
    category = spec.category(category_id)
    named = item.slot or slot_from_name(item.path.stem, category)
    suggested = report.slot if report.category == category_id else None
    return Placed(item, report, category_id, named or suggested)


def _files_of(report: MaterialReport) -> list[OutputFile]:
    """The upload files of an item: its parts in order when a dense page was split."""
    return list(report.parts) or ([report.output] if report.output is not None else [])


def _names(category: Category, placed: list[Placed]) -> list[tuple[Placed, str | None, list[str]]]:
    """(item, slot, file stems) in upload order (slots as the profile lists them, then numbered
    files): a slot goes to the first item claiming it; the rest are numbered, a split page's
    parts consecutively, in reading order."""
    taken: set[str] = set()
    out: list[tuple[Placed, str | None, list[str]]] = []
    number = 0
    for p in placed:
        count = len(_files_of(p.report))
        slot = p.slot if count == 1 and p.slot and p.slot not in taken and category.slot(p.slot) else None
        if slot:
            taken.add(slot)
            out.append((p, slot, [slot_label(category, slot)]))
        else:
            out.append((p, None, [str(number + k + 1) for k in range(count)]))
            number += count
    order = [s.id for v in category.variants for s in v.slots]
    return sorted(out, key=lambda n: order.index(n[1]) if n[1] else len(order))


def _over_count(category: Category, written: list[Placed]) -> list[Placed]:
    """Split pages that would take the category past its max_count (the last ones first)."""
    if category.max_count is None:
        return []
    total = sum(len(_files_of(p.report)) for p in written)
    dropped = []
    for p in reversed(written):
        if total <= category.max_count:
            break
        if len(p.report.parts) > 1:
            dropped.append(p)
            total -= len(p.report.parts)
    return dropped


def _failure(report: MaterialReport) -> str:
    failed = [c.message for c in report.checks if c.failed]
    return "；".join(failed) or "未能生成上传文件"


def _source(item: InputItem) -> str:
    return item.source


def _export_category(
    stage: Path, category: Category, placed: list[Placed]
) -> tuple[CategoryStatus, list[ExportedFile]]:
    written = [p for p in placed if p.report.output is not None]
    failed = [p for p in placed if p.report.output is None]
    too_many = _over_count(category, written)
    written = [p for p in written if p not in too_many]
    files: list[ExportedFile] = []
    reports: list[MaterialReport] = []
    folder = stage / category.folder
    for p, slot, stems in _names(category, written):
        folder.mkdir(exist_ok=True)
        for output, stem in zip(_files_of(p.report), stems, strict=True):
            final = folder / f"{stem}{output.path.suffix}"
            os.replace(output.path, final)
            reports.append(replace(p.report, category=category.id, slot=slot))
            files.append(record_file(stage, final, category=category.id, slot=slot, source=_source(p.item),
                                     page=p.item.page, legibility=p.report.legibility, checks=p.report.checks))
    problems = [f"{p.item.path.name}{_page(p.item)} 未通过：{_failure(p.report)}" for p in failed]
    problems += [f"{p.item.path.name}{_page(p.item)} 内容过密，需分成 {len(p.report.parts)} 张才能看清，"
                 f"但「{category.name}」最多 {category.max_count} 张，未导出：请只拍文件本身、拍得更近更清晰，"
                 "或改用清晰的扫描件或电子版" for p in too_many]
    checks = [category_required(category, reports)]
    if reports:
        checks.append(category_count(category, reports))
    return CategoryStatus(category, [f.path for f in files], checks, problems), files


def _page(item: InputItem) -> str:
    return f"（第 {item.page + 1} 页）" if item.page is not None else ""


# --- the photo ---------------------------------------------------------------------------------


def _export_photo(stage: Path, photo: Path, source: str, prof: Profile,
                  edits: PhotoEdits | None = None) -> tuple[PhotoReport, list[ExportedFile]]:
    names = prof.export
    folder = stage / names.photo_folder
    folder.mkdir()
    rotation, rendering = None, NO_EDITS
    if edits is not None:
        # Strokes were drawn on the upright photo: its size comes from the same analysis.
        size = guides(photo, prof, edits.rotation).size
        rotation = edits.rotation
        rendering = RenderEdits(CropFrame(*edits.frame) if edits.frame else None, edits.background,
                                rasterize(edits.keep, size), rasterize(edits.remove, size))
    report = fix_photo(photo, folder / names.photo_name, prof, original=folder / names.original_name,
                       rotation=rotation, edits=rendering)
    report = replace(report, input=Path(source))  # the manifest and the report name it so
    files = []
    if report.output is not None:
        files.append(record_file(stage, report.output.path, category="photo", slot=None, source=source,
                                 page=None, legibility=None, checks=report.checks))
    if report.original is not None:
        files.append(record_file(stage, report.original.path, category="photo_original", slot=None,
                                 source=source, page=None, legibility=None, checks=[]))
    if not files:
        folder.rmdir()  # the photo failed: no empty folder that looks like a finished step
    return report, files


def _rebase(report: PhotoReport | None, stage: Path, target: Path) -> PhotoReport | None:
    """Paths in the photo report point into the staging folder until it is swapped into place."""
    def move(o: OutputFile | None) -> OutputFile | None:
        return replace(o, path=target / o.path.relative_to(stage)) if o else None

    if report is None:
        return None
    return replace(report, output=move(report.output), original=move(report.original))


# --- prepare -----------------------------------------------------------------------------------


def prepare(
    input_dir: str | Path,
    out_dir: str | Path,
    *,
    name: str | None = None,
    photo: str | Path | None = None,
    profile: Profile | str | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Export:
    """Fix every input, build `<out_dir>/<candidate>/`, validate it from disk and swap it in.
    Unusable input (missing folder, unwritable output, existing export without `overwrite`, a
    profile without materials, an unreadable photo) raises UserError. `progress(done, total,
    message)` is called before each step; a cancelled `cancel` raises Cancelled between steps and
    leaves any earlier export as it was."""
    prof = resolve_profile(profile)
    spec = prof.materials
    input_dir, out_dir = Path(input_dir), Path(out_dir)
    if spec is None:
        raise UserError(prof.id, "该考试规格不含报名材料要求", "this profile has no [materials] section")
    if not input_dir.is_dir():
        raise UserError(input_dir, "找不到输入文件夹", "the input folder does not exist")
    if photo is not None and not Path(photo).is_file():
        raise UserError(photo, "找不到报名照片文件", "the photo file does not exist")
    candidate = safe_name(name if name is not None else input_dir.resolve().name)

    def portrait(path: Path) -> Picture | None:
        # On a worker thread: its OCR engine is the one the documents use next (no third engine).
        job = _item_pool().submit(picture_kind, path, spec, max_pixels=prof.input.max_pixels)
        return job.result()

    return _build(out_dir, candidate, prof, spec, input_dir, overwrite, progress, cancel,
                  lambda exclude: collect(input_dir, spec, photo=Path(photo) if photo else None, exclude=exclude,
                                          profile=prof, portrait=portrait, photo_folder=prof.export.photo_folder),
                  person=name)


def export_project(
    project: Project,
    base: str | Path,
    out_dir: str | Path,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> Export:
    """What the window builds: the project's items with the candidate's own categories, slots,
    rotations and corners, and the photo with its manual edits. Sources are relative to `base`
    (the folder the project's files were added from); a file that is gone or changed since it
    was added is one skipped item, not a failed export."""
    prof = resolve_profile(project.profile)
    spec = prof.materials
    if spec is None:
        raise UserError(prof.id, "该考试规格不含报名材料要求", "this profile has no [materials] section")
    base = Path(base)

    def inputs(_exclude: Path) -> Inputs:
        items, skipped = [], []
        for it in project.items:
            path = it.locate(base)
            if not path.is_file() or file_digest(path) != it.sha256:
                skipped.append(Skipped(it.source, it.page, "文件已不在原位置或已被修改，请重新添加",
                                       "the file is gone or changed since it was added; add it again"))
                continue
            items.append(InputItem(path, it.source, it.page, it.sha256, it.category, it.slot,
                                   it.rotation or None, it.corners))
        photo = project.photo_path(base)
        if photo is not None and not photo.is_file():
            raise UserError(photo, "找不到报名照片文件", "the photo file does not exist")
        return Inputs(items, photo, skipped, [])

    return _build(Path(out_dir), safe_name(project.name), prof, spec, base, overwrite, progress, cancel, inputs,
                  project.photo_edits, person=project.name or None, window=True)


_UNSORTED = {
    False: ("未能识别材料类别，请放入以类别命名的子文件夹",
            "category not recognised; put it in a subfolder named after its category"),
    True: ("未能识别材料类别：请在“报名材料”一步把它拖到对应的类别上",
           "category not recognised: drag it onto its category in the materials step"),
}


def _build(out_dir: Path, candidate: str, prof: Profile, spec: MaterialsSpec, input_dir: Path, overwrite: bool,
           progress: Progress | None, cancel: CancelToken | None, gather: Callable[[Path], Inputs],
           edits: PhotoEdits | None = None, *, person: str | None = None, window: bool = False) -> Export:
    """The export itself, whoever gathered the inputs: each item fixed into a work folder inside
    the staging folder, named into its category folder, verified from disk, swapped into place.
    `window`: the advice for the candidate speaks of the window's steps, not of folders."""
    token = cancel or CancelToken()
    # Two items' full-resolution pages in flight: what one worker frees, the other cannot reuse.
    with return_large_buffers(), Staging(out_dir, candidate, overwrite=overwrite) as staging, \
            staging.user_errors():
        stage = staging.path
        inputs = gather(staging.target)
        photo_report: PhotoReport | None = None
        photo_files: list[ExportedFile] = []
        total = len(inputs.items) + (inputs.photo is not None) + 1  # the last step: verify and write

        def step(done: int, message: str) -> None:
            token.check()
            if progress is not None:
                progress(done, total, message)

        work = stage / _WORK
        work.mkdir()
        placed: list[Placed] = []
        skipped = list(inputs.skipped)
        # The photo and the documents run side by side, ITEM_WORKERS at a time (at most that many
        # decoded pages in memory), and are taken back in order.
        with _Window(_item_pool(), ITEM_WORKERS) as running:
            photo_job = None
            if inputs.photo is not None:
                step(0, f"报名照片：{inputs.photo.name}")
                photo_job = running.submit(_photo_item, stage, inputs.photo,
                                          relative_source(inputs.photo, input_dir), prof, edits)
            jobs = []
            for i, item in enumerate(inputs.items):
                step(i + (inputs.photo is not None), f"材料 {i + 1}/{len(inputs.items)}：{item.path.name}{_page(item)}")
                jobs.append((item, running.submit(_fix_item, item, work / f"{i:04d}", prof, spec, person)))
            if photo_job is not None:
                photo_report, photo_files = photo_job.result()
            for item, job in jobs:
                try:
                    report = job.result()
                except UserError as exc:
                    skipped.append(Skipped(_source(item), item.page, exc.message, exc.message_en))
                    continue
                p = _place(item, report, spec)
                placed.append(p)
                if p.category is None:
                    skipped.append(Skipped(_source(item), item.page, *_UNSORTED[window], checks=report.checks))
        statuses, files = [], list(photo_files)
        for category in spec.categories:
            status, written = _export_category(stage, category, [p for p in placed if p.category == category.id])
            statuses.append(status)
            files.extend(written)
        step(total - 1, "检查导出的文件")
        shutil.rmtree(work)
        save_project(_project(candidate, prof, inputs, placed, input_dir, edits), stage / PROJECT)
        export = Export(stage, candidate, prof.id, prof.next_step, photo_report, files, statuses, skipped,
                        inputs.notes)
        write_manifest(export)
        export = with_verification(export, verify_manifest(stage, _caps(prof, spec)))
        write_manifest(export)
        write_report(export, prof.export, window=window)
        target = staging.commit()
    return replace(export, root=target, photo=_rebase(export.photo, stage, target))


def _fix_item(item: InputItem, out: Path, prof: Profile, spec: MaterialsSpec, person: str | None) -> MaterialReport:
    named = slot_from_name(item.path.stem, spec.category(item.category)) if item.category else None
    try:
        choices = Choices(item.page, item.category, item.slot or named, item.rotation, item.corners)
        return process(item.path, out, choices, profile=prof, name=person)[0]
    finally:
        concurrency.release_memory()


def _photo_item(stage: Path, photo: Path, source: str, prof: Profile,
                edits: PhotoEdits | None) -> tuple[PhotoReport, list[ExportedFile]]:
    try:
        return _export_photo(stage, photo, source, prof, edits)
    finally:
        concurrency.release_memory()


def _item_pool() -> Executor:
    return concurrency.pool("prepare", min(ITEM_WORKERS, concurrency.cores()), _worker_setup)


def _worker_setup() -> None:
    """A worker shares the cores with another: one inference thread each."""
    use_threads(1)


class _Window:
    """Jobs on `pool`, at most `size` of them submitted and not yet taken back: submit() waits
    for the oldest one first. Leaving the block (a cancel, an error) waits for the running ones
    and drops the rest, so nothing writes into a staging folder that is being removed."""

    def __init__(self, pool: Executor, size: int) -> None:
        self._pool, self._size = pool, max(1, size)
        self._open: list[Future[Any]] = []

    def __enter__(self) -> _Window:
        return self

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        self._open = [f for f in self._open if not f.done()]
        while len(self._open) >= self._size:
            oldest = self._open.pop(0)
            # Waits for it (or, serially, runs it); the caller takes its outcome in order.
            with contextlib.suppress(BaseException):
                oldest.result()
        job = self._pool.submit(fn, *args)
        self._open.append(job)
        return job

    def __exit__(self, *exc: object) -> None:
        for job in self._open:
            job.cancel()
        wait(self._open)


def _caps(prof: Profile, spec: MaterialsSpec) -> dict[str, tuple[int | None, tuple[str, ...]]]:
    caps: dict[str, tuple[int | None, tuple[str, ...]]] = {c.id: (c.max_bytes, c.formats) for c in spec.categories}
    caps["photo"] = (prof.output.max_bytes, prof.output.formats)
    caps["photo_original"] = (None, ("jpg",))
    return caps


def _project(candidate: str, prof: Profile, inputs: Inputs, placed: list[Placed], input_dir: Path,
             edits: PhotoEdits | None) -> Project:
    """The inputs with their categories, slots and manual edits, for the window to reopen;
    sources are relative to the material folder (ProjectItem.locate finds them again)."""
    items = [ProjectItem(source=p.item.source, sha256=p.item.sha256, page=p.item.page, category=p.category,
                         slot=p.slot, rotation=p.item.rotation or 0, corners=p.item.corners) for p in placed]
    photo = relative_source(inputs.photo, input_dir) if inputs.photo else None
    return Project(version=PROJECT_VERSION, name=candidate, profile=prof.id, photo=photo, items=items,
                   photo_edits=edits)
