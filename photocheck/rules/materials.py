"""Supporting-material categories, slots and check limits: the profile's [materials] table as
frozen dataclasses, validated on load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

REQUIREMENTS = ("required", "conditional")
ROTATIONS = (0, 90, 180, 270)
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FORMAT_RE = re.compile(r"^[a-z0-9]+$")


@dataclass(frozen=True)
class Slot:
    """One fixed image of a category, e.g. the front of an ID card."""

    id: str
    name: str
    name_en: str
    required: bool
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Variant:
    """One way to satisfy a slotted category, e.g. ID card (front, back) or passport."""

    id: str
    name: str
    name_en: str
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    name_en: str
    folder: str
    requirement: str  # "required" | "conditional"
    condition: str | None  # Chinese; set exactly when conditional
    condition_en: str | None
    hint: str | None
    min_count: int
    max_count: int | None  # None: the site takes any number of images
    variants: tuple[Variant, ...]
    keywords: tuple[str, ...]  # titles: one match is strong evidence
    hint_words: tuple[str, ...]  # field labels: weak evidence
    formats: tuple[str, ...]
    max_bytes: int

    @property
    def required(self) -> bool:
        return self.requirement == "required"

    def slot(self, slot_id: str) -> Slot | None:
        return next((s for v in self.variants for s in v.slots if s.id == slot_id), None)


@dataclass(frozen=True)
class MaterialChecks:
    min_text_px: int
    min_legibility: float
    min_sharpness: float  # documents.blur_measure
    max_glare_fraction: float  # documents.glare_fraction
    max_skew_degrees: float


@dataclass(frozen=True)
class ClassificationRules:
    hint_weight: float
    saturation: float


@dataclass(frozen=True)
class MaterialsSpec:
    source: str
    max_bytes: int
    formats: tuple[str, ...]
    checks: MaterialChecks
    classification: ClassificationRules
    categories: tuple[Category, ...]

    def category(self, category_id: str) -> Category:
        for cat in self.categories:
            if cat.id == category_id:
                return cat
        raise KeyError(f"{self.source}: no material category {category_id!r}")


# --- parsing -----------------------------------------------------------------------------------


class _Table:
    """Typed reads from one TOML table; every error names the profile and the full key."""

    def __init__(self, table: Any, where: str, source: str) -> None:
        self.source = source
        self.where = where
        if not isinstance(table, dict):
            self.fail("", "must be a table")
        self.table: dict[str, Any] = table
        self.seen: set[str] = set()

    def fail(self, key: str, problem: str) -> None:
        name = f"{self.where}.{key}" if key else self.where
        raise ValueError(f"profile {self.source}: key {name} {problem}")

    def get(self, key: str, default: Any = ..., kind: type | tuple[type, ...] = object) -> Any:
        self.seen.add(key)
        if key not in self.table:
            if default is ...:
                self.fail(key, "is missing")
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # TOML booleans are ints to isinstance; a number key must not accept `true`.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            self.fail(key, f"has the wrong type ({type(value).__name__})")
        return value

    def text(self, key: str, default: Any = ...) -> Any:
        value = self.get(key, default, str)
        if isinstance(value, str) and not value.strip():
            self.fail(key, "is empty")
        return value

    def ident(self, key: str) -> str:
        value = self.text(key)
        if not _ID_RE.match(value):
            self.fail(key, f"must be lower-case ASCII letters, digits and _ (got {value!r})")
        return value

    def number(self, key: str, lo: float, hi: float, default: Any = ...) -> Any:
        value = self.get(key, default, (int, float))
        if value is not None and not lo <= value <= hi:
            self.fail(key, f"must be within [{lo}, {hi}] (got {value})")
        return value

    def count(self, key: str, default: Any = ...) -> Any:
        value = self.get(key, default, int)
        if value is not None and value < 0:
            self.fail(key, f"must not be negative (got {value})")
        return value

    def words(self, key: str, default: Any = ...) -> tuple[str, ...]:
        value = self.get(key, default, list)
        if not all(isinstance(w, str) and w.strip() for w in value):
            self.fail(key, "must be a list of non-empty strings")
        return tuple(value)

    def tables(self, key: str) -> list[_Table]:
        value = self.get(key, [], list)
        return [_Table(t, f"{self.where}.{key}[{i}]", self.source) for i, t in enumerate(value)]

    def sub(self, key: str) -> _Table:
        return _Table(self.get(key, kind=dict), f"{self.where}.{key}", self.source)

    def done(self) -> None:
        """Unknown keys are errors, so a typo cannot silently fall back to a default."""
        extra = sorted(set(self.table) - self.seen)
        if extra:
            self.fail(extra[0], "is not a known key")


def _unique(tables: list[_Table], ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for t, value in zip(tables, ids, strict=True):
        if value in seen:
            t.fail(what, f"repeats {value!r}")
        seen.add(value)


def _slot(t: _Table) -> Slot:
    slot = Slot(
        t.ident("id"),
        t.text("name"),
        t.text("name_en"),
        t.get("required", kind=bool),
        t.words("keywords", []),
    )
    t.done()
    return slot


def _variant(t: _Table) -> Variant:
    slot_tables = t.tables("slots")
    if not slot_tables:
        t.fail("slots", "must list at least one slot")
    slots = tuple(_slot(s) for s in slot_tables)
    _unique(slot_tables, [s.id for s in slots], "id")
    variant = Variant(t.ident("id"), t.text("name"), t.text("name_en"), slots)
    t.done()
    return variant


def _check_counts(t: _Table, cat: Category) -> None:
    if cat.max_count is not None and cat.max_count < max(cat.min_count, 1):
        t.fail("max_count", f"({cat.max_count}) is below min_count ({cat.min_count}) or 1")
    for i, v in enumerate(cat.variants):
        required = sum(s.required for s in v.slots)
        if required != cat.min_count or len(v.slots) != cat.max_count:
            t.fail(
                f"variants[{i}].slots",
                f"has {required} required of {len(v.slots)} slots, but the category counts are "
                f"min_count {cat.min_count}, max_count {cat.max_count}",
            )


def _category(t: _Table, formats: tuple[str, ...], max_bytes: int) -> Category:
    requirement = t.text("requirement")
    if requirement not in REQUIREMENTS:
        t.fail("requirement", f"must be one of {REQUIREMENTS} (got {requirement!r})")
    condition = t.text("condition", None)
    if (condition is None) == (requirement == "conditional"):
        t.fail("condition", "is needed exactly when requirement is 'conditional'")
    variant_tables = t.tables("variants")
    cat = Category(
        id=t.ident("id"),
        name=t.text("name"),
        name_en=t.text("name_en"),
        folder=t.text("folder"),
        requirement=requirement,
        condition=condition,
        condition_en=t.text("condition_en", None),
        hint=t.text("hint", None),
        min_count=t.count("min_count"),
        max_count=t.count("max_count", None),
        variants=tuple(_variant(v) for v in variant_tables),
        keywords=t.words("keywords"),
        hint_words=t.words("hint_words", []),
        formats=_formats(t, formats),
        max_bytes=t.count("max_bytes", max_bytes),
    )
    if not cat.keywords:
        t.fail("keywords", "must list at least one keyword")
    _unique(variant_tables, [v.id for v in cat.variants], "id")
    _check_counts(t, cat)
    t.done()
    return cat


def _formats(t: _Table, default: Any = ...) -> tuple[str, ...]:
    formats = t.words("formats", default)
    if not formats or not all(_FORMAT_RE.match(f) for f in formats):
        t.fail("formats", "must list lower-case file extensions without dots")
    return formats


def parse_materials(table: dict[str, Any], *, source: str) -> MaterialsSpec:
    """The [materials] table of profile `source`; ValueError("profile X: key Y ...") if invalid."""
    t = _Table(table, "materials", source)
    formats = _formats(t)
    max_bytes = t.count("max_bytes")
    if max_bytes < 1000:
        t.fail("max_bytes", f"is implausibly small ({max_bytes})")
    c = t.sub("checks")
    checks = MaterialChecks(
        min_text_px=c.number("min_text_px", 4, 200),
        min_legibility=c.number("min_legibility", 0.0, 1.0),
        min_sharpness=c.number("min_sharpness", 0.0, 1.0),
        max_glare_fraction=c.number("max_glare_fraction", 0.0, 1.0),
        max_skew_degrees=c.number("max_skew_degrees", 0.0, 45.0),
    )
    c.done()
    r = t.sub("classification")
    rules = ClassificationRules(r.number("hint_weight", 0.0, 1.0), r.number("saturation", 0.1, 10))
    r.done()
    cat_tables = t.tables("categories")
    if not cat_tables:
        t.fail("categories", "must list at least one category")
    categories = tuple(_category(ct, formats, max_bytes) for ct in cat_tables)
    _unique(cat_tables, [c.id for c in categories], "id")
    _unique(cat_tables, [c.folder for c in categories], "folder")
    t.done()
    return MaterialsSpec(source, max_bytes, formats, checks, rules, categories)
