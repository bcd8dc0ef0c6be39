"""Supporting-material categories, slots and check limits: the profile's [materials] table as
frozen dataclasses, validated on load."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from photocheck.io.sniff import FORMATS
from photocheck.rules.schema import INHERIT, SOURCE, build, listing, num, text, unique

REQUIREMENTS = ("required", "conditional")
ROTATIONS = (0, 90, 180, 270)

_IDENT = text(pattern=r"[a-z][a-z0-9_]*", meaning="must be lower-case ASCII letters, digits and _")
_NAME = text(nonempty=True)
_WORDS = text(nonempty=True)  # each of a list of keywords
FORMATS_RULE = listing(1, **text(choices=sorted(FORMATS)))  # the sniffer's vocabulary
FIELD_KINDS = ("code", "name", "expiry", "issued")
CHECKSUMS = ("iso7064_mod11_2",)
# The regex groups each kind of key field must define.
_FIELD_GROUPS = {"code": ("value",), "name": ("value",), "expiry": ("end",), "issued": ("value",)}


@dataclass(frozen=True, kw_only=True)
class Slot:
    """One fixed image of a category, e.g. the front of an ID card."""

    id: str = field(metadata=_IDENT)
    name: str = field(metadata=_NAME)
    name_en: str = field(metadata=_NAME)
    required: bool
    keywords: tuple[str, ...] = field(default=(), metadata=_WORDS)


@dataclass(frozen=True, kw_only=True)
class Variant:
    """One way to satisfy a slotted category, e.g. ID card (front, back) or passport."""

    id: str = field(metadata=_IDENT)
    name: str = field(metadata=_NAME)
    name_en: str = field(metadata=_NAME)
    slots: tuple[Slot, ...] = field(metadata=listing(1))

    def problems(self) -> Iterator[tuple[str, str]]:
        yield from unique((s.id for s in self.slots), "slots", "id")


@dataclass(frozen=True, kw_only=True)
class KeyField:
    """A field the reviewer reads on a category's documents, e.g. the 公民身份号码."""

    id: str = field(metadata=_IDENT)
    name: str = field(metadata=_NAME)  # Chinese, for messages
    name_en: str = field(metadata=_NAME)
    kind: str = field(metadata=text(choices=FIELD_KINDS))
    patterns: tuple[str, ...] = field(metadata=listing(1, **_WORDS))  # over one normalised OCR row
    slots: tuple[str, ...] = field(default=(), metadata=_WORDS)  # only on these slots; () on every file
    region: tuple[float, float, float, float] | None = field(default=None, metadata=num(0.0, 1.0))
    checksum: str | None = field(default=None, metadata=text(choices=CHECKSUMS))
    required: bool  # missing or unreadable fails material.key_fields (else: a warning)
    advice: str = field(metadata=_NAME)  # Chinese: what to do when it is unreadable
    expired_advice: str | None = field(default=None, metadata=_NAME)  # expiry, issued: when expired
    perpetual: tuple[str, ...] = field(default=(), metadata=_WORDS)  # expiry: words meaning no end (长期)
    terms_years: tuple[int, ...] = field(default=(), metadata=num(1, 100))  # expiry: start + one of these
    valid_months: int | None = field(default=None, metadata=num(1, 600))  # issued: valid this long

    @cached_property
    def compiled(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.patterns)

    def on(self, slot: str | None) -> bool:
        """Applies to a file of this slot (an unknown slot only gets the slot-free fields)."""
        return not self.slots or slot in self.slots

    def problems(self) -> Iterator[tuple[str, str]]:
        for i, source in enumerate(self.patterns):
            try:
                pattern = re.compile(source)
            except re.error as exc:
                yield f"patterns[{i}]", f"is not a valid regular expression ({exc})"
                continue
            missing = [g for g in _FIELD_GROUPS[self.kind] if g not in pattern.groupindex]
            if missing:
                yield f"patterns[{i}]", f"needs the group (?P<{missing[0]}>...) for kind {self.kind!r}"
        if self.region is not None:
            x0, y0, x1, y1 = self.region
            if not (x0 < x1 and y0 < y1):
                yield "region", "must be [x0, y0, x1, y1] page fractions with x0 < x1 and y0 < y1"
        if (self.valid_months is not None) != (self.kind == "issued"):
            yield "valid_months", "is needed exactly when kind is 'issued'"
        if self.kind not in ("expiry", "issued") and (self.perpetual or self.terms_years or self.expired_advice):
            yield "kind", "only an expiry or issued field takes perpetual, terms_years or expired_advice"


@dataclass(frozen=True, kw_only=True)
class Validity:
    reference_date: dt.date  # materials must stay valid through it (today once it has passed)
    reference_name: str = field(metadata=_NAME)
    reference_name_en: str = field(metadata=_NAME)


@dataclass(frozen=True, kw_only=True)
class Category:
    id: str = field(metadata=_IDENT)
    name: str = field(metadata=_NAME)
    name_en: str = field(metadata=_NAME)
    folder: str = field(metadata=_NAME)
    requirement: str = field(metadata=text(choices=REQUIREMENTS))
    condition: str | None = field(default=None, metadata=_NAME)  # Chinese; set exactly when conditional
    condition_en: str | None = field(default=None, metadata=_NAME)
    hint: str | None = field(default=None, metadata=_NAME)
    min_count: int = field(metadata=num(0))
    max_count: int | None = field(default=None, metadata=num(0))  # None: the site takes any number
    variants: tuple[Variant, ...] = ()
    keywords: tuple[str, ...] = field(metadata=listing(1, **_WORDS))  # titles: one match is strong evidence
    hint_words: tuple[str, ...] = field(default=(), metadata=_WORDS)  # field labels: weak evidence
    formats: tuple[str, ...] = field(metadata={**FORMATS_RULE, **INHERIT})
    max_bytes: int = field(metadata={**num(1000), **INHERIT})
    key_fields: tuple[KeyField, ...] = ()

    @property
    def required(self) -> bool:
        return self.requirement == "required"

    def slot(self, slot_id: str) -> Slot | None:
        return next((s for v in self.variants for s in v.slots if s.id == slot_id), None)

    def problems(self) -> Iterator[tuple[str, str]]:
        if (self.condition is None) == (self.requirement == "conditional"):
            yield "condition", "is needed exactly when requirement is 'conditional'"
        if self.max_count is not None and self.max_count < max(self.min_count, 1):
            yield "max_count", f"({self.max_count}) is below min_count ({self.min_count}) or 1"
        for i, v in enumerate(self.variants):
            required = sum(s.required for s in v.slots)
            if required != self.min_count or len(v.slots) != self.max_count:
                yield (f"variants[{i}].slots",
                       f"has {required} required of {len(v.slots)} slots, but the category counts are "
                       f"min_count {self.min_count}, max_count {self.max_count}")
        yield from unique((v.id for v in self.variants), "variants", "id")
        yield from unique((f.id for f in self.key_fields), "key_fields", "id")
        slot_ids = {s.id for v in self.variants for s in v.slots}
        for i, f in enumerate(self.key_fields):
            unknown = [s for s in f.slots if s not in slot_ids]
            if unknown:
                yield f"key_fields[{i}].slots", f"names no slot of the category ({unknown[0]!r})"


@dataclass(frozen=True, kw_only=True)
class MaterialChecks:
    min_text_px: int = field(metadata=num(4, 200))
    min_legibility: float = field(metadata=num(0.0, 1.0))
    min_sharpness: float = field(metadata=num(0.0, 1.0))  # documents.blur_measure
    max_glare_fraction: float = field(metadata=num(0.0, 1.0))  # documents.glare_fraction
    max_skew_degrees: float = field(metadata=num(0.0, 45.0))
    mirror_margin: float = field(metadata=num(0.0, 10.0))  # documents.mirror: the flipped read must win by this
    mirror_min_chars: int = field(metadata=num(0))
    portrait_min_face: float = field(metadata=num(0.0, 1.0))  # documents.portrait: face box share of the picture
    portrait_max_chars: int = field(metadata=num(0))
    # documents.handheld: the slot of a photo of the candidate holding the card, and its limits
    handheld_slot: str = field(metadata=_IDENT)
    handheld_sides: tuple[str, ...] = field(metadata=listing(1, **_IDENT))  # the card sides it shows
    handheld_min_face: float = field(metadata=num(0.0, 1.0))  # the live face's box share of the picture
    handheld_face_margin: float = field(metadata=num(0.0, 0.5))  # the face box this far inside the edges
    handheld_min_card_chars: int = field(metadata=num(0))  # confident characters the card must show
    legibility_z: float = field(metadata=num(0.0, 5.0))  # one-sided z of the bound on the agreement (compress.legible)
    split_max_parts: int = field(metadata=num(1, 20))  # a page no single file keeps legible: at most this many parts
    split_overlap: float = field(metadata=num(0.0, 0.25))  # share of the page's height each part repeats


@dataclass(frozen=True, kw_only=True)
class ClassificationRules:
    hint_weight: float = field(metadata=num(0.0, 1.0))
    saturation: float = field(metadata=num(0.1, 10))


@dataclass(frozen=True, kw_only=True)
class PdfRules:
    """How many pages of a PDF are taken and how finely each is rendered."""

    max_pages: int = field(metadata=num(1, 1000))  # later pages are left out (the candidate is told)
    render_dpi: float = field(metadata=num(50, 600))
    render_max_side: int = field(metadata=num(500, 10000))  # px, the long side of a rendered page


@dataclass(frozen=True, kw_only=True)
class MaterialsSpec:
    source: str = field(metadata=SOURCE)
    max_bytes: int = field(metadata=num(1000))
    formats: tuple[str, ...] = field(metadata=FORMATS_RULE)
    floor_quality: int = field(metadata=num(1, 95))  # the lowest JPEG quality of an upload
    checks: MaterialChecks
    classification: ClassificationRules
    categories: tuple[Category, ...] = field(metadata=listing(1))
    pdf: PdfRules
    validity: Validity

    def category(self, category_id: str) -> Category:
        for cat in self.categories:
            if cat.id == category_id:
                return cat
        raise KeyError(f"{self.source}: no material category {category_id!r}")

    def problems(self) -> Iterator[tuple[str, str]]:
        yield from unique((c.id for c in self.categories), "categories", "id")
        yield from unique((c.folder for c in self.categories), "categories", "folder")


def parse_materials(table: dict[str, Any], *, source: str) -> MaterialsSpec:
    """The [materials] table of profile `source`; SchemaError (a ValueError) naming the key if invalid."""
    return build(MaterialsSpec, table, source=source, where="materials")
