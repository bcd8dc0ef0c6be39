"""What the materials and export steps know about a category before the export: which slots are
filled, how many files there are against the profile's counts, which files failed their checks.
Plain Python (no widgets), so both steps and the tests share one answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication

from photocheck.api import CategoryState, MaterialReport, ProjectItem, Status
from photocheck.api import MaterialCategory as Category
from photocheck.api import MaterialVariant as Variant

UNSORTED = ""  # the card of files whose category is not known yet


def tr(text: str) -> str:
    return QCoreApplication.translate("Materials", text)


@dataclass
class Entry:
    """One input of the materials step: an image or one PDF page, with what the user decided
    (category, slot, rotation, corners) and what the pipeline last said about it."""

    key: int
    path: Path  # absolute
    page: int | None
    category: str | None = None
    slot: str | None = None
    rotation: int = 0  # the user's clockwise turn; 0: as detected
    corners: list[list[float]] | None = None  # the user's quad, in the picture after `rotation`
    sha256: str | None = None  # known once the file has been read
    report: MaterialReport | None = None
    thumb: np.ndarray | None = field(default=None, repr=False)
    error: str = ""  # a readable reason the file could not be processed
    pending: bool = True  # waiting for (or in) its check
    placed_by_user: bool = False  # the user chose its category (else the suggestion did)
    keep: bool = False  # the user keeps it as a material although it looks like a portrait
    version: int = 0  # bumped by every user change, so an outdated result is thrown away

    @property
    def name(self) -> str:
        return self.path.name + (page_text(self.page) if self.page is not None else "")

    @property
    def failures(self) -> list[str]:
        if self.error:
            return [self.error]
        if self.report is None:
            return []
        return [c.message for c in self.report.checks if c.status is Status.FAIL]

    @property
    def confidence(self) -> float | None:
        s = self.report.suggestion if self.report is not None else None
        return s.confidence if s is not None and s.category_id else None

    def item(self) -> ProjectItem | None:
        if self.sha256 is None:
            return None
        return ProjectItem(source=str(self.path), sha256=self.sha256, page=self.page, category=self.category,
                           slot=self.slot, rotation=self.rotation, corners=self.corners)


def page_text(page: int) -> str:
    return tr("（第 {n} 页）").format(n=page + 1)


@dataclass(frozen=True)
class Member:
    """A file as the readiness rule sees it."""

    name: str
    slot: str | None
    failures: tuple[str, ...] = ()
    pending: bool = False


@dataclass(frozen=True)
class Readiness:
    state: CategoryState
    reasons: tuple[str, ...]  # Chinese: what is missing or wrong

    @property
    def needed(self) -> bool:
        return self.state is not CategoryState.NOT_PROVIDED


def variant_for(category: Category, slots: list[str | None]) -> Variant | None:
    """The variant the files fill best (the first one when none is filled)."""
    if not category.variants:
        return None
    return max(category.variants, key=lambda v: sum(s.id in slots for s in v.slots))


def readiness(category: Category, members: list[Member]) -> Readiness:
    if not members:
        if category.required:
            return Readiness(CategoryState.MISSING, (tr("缺少{name}").format(name=category.name),))
        return Readiness(CategoryState.NOT_PROVIDED, ())
    reasons: list[str] = []
    variant = variant_for(category, [m.slot for m in members])
    if variant is not None:
        have = [m.slot for m in members]
        reasons += [tr("缺少{slot}").format(slot=s.name) for s in variant.slots if s.required and s.id not in have]
        twice = sorted({s.name for s in variant.slots if have.count(s.id) > 1})
        reasons += [tr("{slot}有多个文件，请只留一个").format(slot=n) for n in twice]
    elif len(members) < category.min_count:
        reasons.append(tr("还需 {n} 个文件").format(n=category.min_count - len(members)))
    if category.max_count is not None and len(members) > category.max_count:
        reasons.append(tr("最多 {max} 个文件，多了 {n} 个").format(max=category.max_count,
                                                            n=len(members) - category.max_count))
    for m in members:
        if m.failures:
            reasons.append(tr("{name} 未通过：{why}").format(name=m.name, why="；".join(m.failures)))
    if any(m.pending for m in members):
        reasons.append(tr("正在检查…"))
    return Readiness(CategoryState.NOT_READY if reasons else CategoryState.READY, tuple(reasons))


def members_of(entries: list[Entry], category_id: str) -> list[Member]:
    return [Member(e.name, e.slot, tuple(e.failures), e.pending) for e in entries if e.category == category_id]


def item_members(items: list[ProjectItem], category_id: str) -> list[Member]:
    """The export step's view before exporting: the files placed, not yet their checks."""
    def name(it: ProjectItem) -> str:
        return Path(it.source).name + (page_text(it.page) if it.page is not None else "")

    return [Member(name(it), it.slot) for it in items if it.category == category_id]


def free_slot(category: Category, wanted: str | None, taken: list[str | None]) -> str | None:
    """The slot a new file of `category` goes to: the suggested one if free, else the first free
    slot (required first) of the variant it belongs to; None for a category without slots."""
    if not category.variants:
        return None
    if wanted is not None and wanted not in taken and category.slot(wanted) is not None:
        return wanted
    variants = [v for v in category.variants if wanted in {s.id for s in v.slots}]
    if not variants:
        best = variant_for(category, taken)
        assert best is not None  # the category has variants (checked above)
        variants = [best]
    for variant in variants:
        for s in sorted(variant.slots, key=lambda s: not s.required):
            if s.id not in taken:
                return s.id
    return None
