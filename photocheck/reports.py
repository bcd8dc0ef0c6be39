"""What the pipeline returns: check results and the reports built from them, the bottom layer
that every stage, the API, the CLI and the GUI share. Plain dataclasses, no behaviour beyond
deriving a verdict."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from photocheck import __version__
from photocheck.rules.materials import Category
from photocheck.rules.profile import Profile

MANIFEST = "manifest.json"
REPORT = "检查报告.html"
MANIFEST_VERSION = 1


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class CheckResult:
    id: str
    status: Status
    value: Any
    limit: Any
    message: str
    hint: str = ""
    fixable: bool = False
    message_en: str = ""

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"] = self.status.value
        return d


@dataclass(frozen=True)
class OutputFile:
    path: Path
    bytes: int
    width: int
    height: int
    quality: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path), "bytes": self.bytes, "width": self.width,
            "height": self.height, "quality": self.quality,
        }


class _Verdict:
    """`ok` and `failures` of a report that holds a list of check results."""

    checks: list[CheckResult]

    @property
    def ok(self) -> bool:
        return not any(c.status is Status.FAIL for c in self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status is Status.FAIL]

    @property
    def blocking(self) -> list[CheckResult]:
        """Failures no fixer can repair: the user must bring another file."""
        return [c for c in self.failures if not c.fixable]


@dataclass(frozen=True)
class PhotoReport(_Verdict):
    input: Path
    profile: Profile
    checks: list[CheckResult]
    output: OutputFile | None = None
    original: OutputFile | None = None
    notes: list[str] = field(default_factory=list)  # what the fixer did, in Chinese

    @property
    def passed(self) -> bool:
        """Fixed and written with every check passing: the photo is ready to upload."""
        return self.ok and self.output is not None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "input": str(self.input),
            "profile": self.profile.id,
            "ok": self.ok,
            "checks": [c.to_dict() for c in self.checks],
            "output": self.output.to_dict() if self.output else None,
        }
        if self.original:
            d["original"] = self.original.to_dict()
        if self.notes:
            d["notes"] = self.notes
        return d


@dataclass(frozen=True)
class MaterialReport(_Verdict):
    input: Path
    page: int | None  # 0-based PDF page, None for images
    category: str | None  # the category id used (the user's choice wins over the suggestion)
    slot: str | None
    suggestion: Suggestion | None  # from the OCR text
    checks: list[CheckResult]  # material.format, .bytes, .orientation, .blur, .glare, .resolution, .legibility
    output: OutputFile | None  # the written file (quality None for PNG); None when it did not pass
    corners: list[list[float]] | None  # document corners in the upright source image px (for the GUI)
    rotation: int  # clockwise quarter-turn degrees applied (0/90/180/270)
    legibility: float | None  # OCR agreement of the written file with the rectified full-res image
    text: str  # OCR text of the rectified document (for classification and reports)
    notes: list[str]  # what was done, in Chinese
    document_found: bool = True  # False: no document outline, the corners are the whole frame
    mirrored: bool = False  # the source was mirrored; the upload is flipped back
    # A dense page split into parts: every part in reading order (`output` is the first); else [].
    parts: list[OutputFile] = field(default_factory=list)

    def to_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        """`text` (names, ID numbers, addresses) only when asked for."""
        d = {
            "input": str(self.input), "page": self.page, "ok": self.ok, "category": self.category,
            "slot": self.slot, "suggestion": asdict(self.suggestion) if self.suggestion else None,
            "checks": [c.to_dict() for c in self.checks],
            "output": self.output.to_dict() if self.output else None,
            "corners": self.corners, "document_found": self.document_found, "rotation": self.rotation,
            "legibility": self.legibility, "notes": self.notes, "mirrored": self.mirrored,
            "parts": [o.to_dict() for o in self.parts],
        }
        if include_text:
            d["text"] = self.text
        return d


@dataclass(frozen=True)
class Suggestion:
    category_id: str  # "" when nothing matched
    slot: str | None
    confidence: float  # 0..1
    reason: str  # Chinese, names the words that decided



@dataclass(frozen=True)
class PictureKind:
    """A picture among the materials that is not a flat document: the registration photo put in the
    wrong place (`portrait`), or a hand-held ID photo with the slot it fills (`suggestion`)."""

    portrait: bool
    suggestion: Suggestion | None = None


class CategoryState(StrEnum):
    READY = "ready"
    NOT_READY = "not_ready"
    MISSING = "missing"
    NOT_PROVIDED = "not_provided"


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
    def state(self) -> CategoryState:
        if self.ready and self.files:
            return CategoryState.READY
        if not self.needed:
            return CategoryState.NOT_PROVIDED
        return CategoryState.MISSING if not self.files else CategoryState.NOT_READY

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
            and (self.photo is None or self.photo.passed)
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


@dataclass(frozen=True)
class PageSelection:
    """The items of one input file: one (path, None) for an image, one (path, page) per chosen
    PDF page (0-based). `note` says which pages were taken when that is not all of them."""

    items: list[tuple[Path, int | None]]
    total: int | None  # pages in the PDF; None for an image
    note: str | None = None
    note_en: str | None = None
