"""Supporting-material categories, slots and check limits: the profile's [materials] table as
frozen dataclasses, validated on load."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

REQUIREMENTS = ("required", "conditional")
ROTATIONS = (0, 90, 180, 270)
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FORMAT_RE = re.compile(r"^[a-z0-9]+$")
FIELD_KINDS = ("code", "name", "expiry", "issued")
CHECKSUMS = ("iso7064_mod11_2",)
# The regex groups each kind of key field must define.
_FIELD_GROUPS = {"code": ("value",), "name": ("value",), "expiry": ("end",), "issued": ("value",)}


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
class KeyField:
    """A field the reviewer reads on a category's documents, e.g. the 公民身份号码."""

    id: str
    name: str  # Chinese, for messages
    name_en: str
    kind: str  # one of FIELD_KINDS
    patterns: tuple[re.Pattern[str], ...]  # over one normalised OCR row; see documents.fields
    slots: tuple[str, ...]  # only on these slots; () on every file of the category
    region: tuple[float, float, float, float] | None  # x0, y0, x1, y1 page fractions, tried first
    checksum: str | None  # one of CHECKSUMS
    required: bool  # missing or unreadable fails material.key_fields (else: a warning)
    advice: str  # Chinese: what to do when it is unreadable
    expired_advice: str | None  # Chinese: what to do when it has expired (expiry, issued)
    perpetual: tuple[str, ...]  # expiry: words meaning no end (长期)
    terms_years: tuple[int, ...]  # expiry: the end must be start + one of these (empty: any)
    valid_months: int | None  # issued: valid this many months after the date

    def on(self, slot: str | None) -> bool:
        """Applies to a file of this slot (an unknown slot only gets the slot-free fields)."""
        return not self.slots or slot in self.slots


@dataclass(frozen=True)
class Validity:
    reference_date: dt.date  # materials must stay valid through it (today once it has passed)
    reference_name: str
    reference_name_en: str


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
    key_fields: tuple[KeyField, ...] = ()

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
    mirror_margin: float  # documents.mirror: the flipped read must be this much stronger
    mirror_min_chars: int
    portrait_min_face: float  # documents.portrait: face box share of the picture
    portrait_max_chars: int
    legibility_z: float  # one-sided z of the bound on the agreement (documents.compress.legible)
    split_max_parts: int  # a page no single file keeps legible is split into at most this many
    split_overlap: float  # share of the page's height each part repeats of its neighbour's


@dataclass(frozen=True)
class ClassificationRules:
    hint_weight: float
    saturation: float


@dataclass(frozen=True)
class PdfRules:
    """How many pages of a PDF are taken and how finely each is rendered."""

    max_pages: int  # later pages are left out (the candidate is told which were taken)
    render_dpi: float
    render_max_side: int  # px; the long side of a rendered page, whatever its size in points


@dataclass(frozen=True)
class MaterialsSpec:
    source: str
    max_bytes: int
    formats: tuple[str, ...]
    checks: MaterialChecks
    classification: ClassificationRules
    categories: tuple[Category, ...]
    pdf: PdfRules
    validity: Validity

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


def _patterns(t: _Table, kind: str) -> tuple[re.Pattern[str], ...]:
    out = []
    for i, text in enumerate(t.words("patterns")):
        try:
            pattern = re.compile(text)
        except re.error as exc:
            t.fail(f"patterns[{i}]", f"is not a valid regular expression ({exc})")
        missing = [g for g in _FIELD_GROUPS[kind] if g not in pattern.groupindex]
        if missing:
            t.fail(f"patterns[{i}]", f"needs the group (?P<{missing[0]}>...) for kind {kind!r}")
        out.append(pattern)
    if not out:
        t.fail("patterns", "must list at least one pattern")
    return tuple(out)


def _key_field(t: _Table, slot_ids: set[str]) -> KeyField:
    kind = t.text("kind")
    if kind not in FIELD_KINDS:
        t.fail("kind", f"must be one of {FIELD_KINDS} (got {kind!r})")
    slots = t.words("slots", [])
    unknown = [s for s in slots if s not in slot_ids]
    if unknown:
        t.fail("slots", f"names no slot of the category ({unknown[0]!r})")
    region = t.get("region", None, list)
    if region is not None and not (
        len(region) == 4 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in region)
        and 0 <= region[0] < region[2] <= 1 and 0 <= region[1] < region[3] <= 1
    ):
        t.fail("region", "must be [x0, y0, x1, y1] page fractions with x0 < x1 and y0 < y1")
    checksum = t.text("checksum", None)
    if checksum is not None and checksum not in CHECKSUMS:
        t.fail("checksum", f"must be one of {CHECKSUMS} (got {checksum!r})")
    terms = t.get("terms_years", [], list)
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 100 for v in terms):
        t.fail("terms_years", "must list whole numbers of years in (0, 100]")
    field = KeyField(
        id=t.ident("id"), name=t.text("name"), name_en=t.text("name_en"), kind=kind,
        patterns=_patterns(t, kind), slots=slots, region=tuple(region) if region else None,
        checksum=checksum, required=t.get("required", kind=bool), advice=t.text("advice"),
        expired_advice=t.text("expired_advice", None), perpetual=t.words("perpetual", []),
        terms_years=tuple(terms), valid_months=t.count("valid_months", None),
    )
    if (field.valid_months is not None) != (kind == "issued"):
        t.fail("valid_months", "is needed exactly when kind is 'issued'")
    if kind not in ("expiry", "issued") and (field.perpetual or field.terms_years or field.expired_advice):
        t.fail("kind", "only an expiry or issued field takes perpetual, terms_years or expired_advice")
    t.done()
    return field


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
    slot_ids = {s.id for v in cat.variants for s in v.slots}
    field_tables = t.tables("key_fields")
    cat = dataclasses.replace(cat, key_fields=tuple(_key_field(f, slot_ids) for f in field_tables))
    _unique(field_tables, [f.id for f in cat.key_fields], "id")
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
        mirror_margin=c.number("mirror_margin", 0.0, 10.0),
        mirror_min_chars=c.count("mirror_min_chars"),
        portrait_min_face=c.number("portrait_min_face", 0.0, 1.0),
        portrait_max_chars=c.count("portrait_max_chars"),
        legibility_z=c.number("legibility_z", 0.0, 5.0),
        split_max_parts=max(1, c.count("split_max_parts")),
        split_overlap=c.number("split_overlap", 0.0, 0.25),
    )
    c.done()
    r = t.sub("classification")
    rules = ClassificationRules(r.number("hint_weight", 0.0, 1.0), r.number("saturation", 0.1, 10))
    r.done()
    d = t.sub("pdf")
    pdf = PdfRules(
        max_pages=d.number("max_pages", 1, 1000),
        render_dpi=d.number("render_dpi", 50, 600),
        render_max_side=d.number("render_max_side", 500, 10000),
    )
    if not isinstance(pdf.max_pages, int) or not isinstance(pdf.render_max_side, int):
        d.fail("max_pages" if not isinstance(pdf.max_pages, int) else "render_max_side", "must be a whole number")
    d.done()
    cat_tables = t.tables("categories")
    if not cat_tables:
        t.fail("categories", "must list at least one category")
    categories = tuple(_category(ct, formats, max_bytes) for ct in cat_tables)
    _unique(cat_tables, [c.id for c in categories], "id")
    _unique(cat_tables, [c.folder for c in categories], "folder")
    v = t.sub("validity")
    validity = Validity(v.get("reference_date", kind=dt.date), v.text("reference_name"), v.text("reference_name_en"))
    v.done()
    t.done()
    return MaterialsSpec(source, max_bytes, formats, checks, rules, categories, pdf, validity)
