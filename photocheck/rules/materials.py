"""Supporting-material categories, slots and check limits: the profile's [materials] table as
frozen dataclasses, validated on load."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from photocheck.io.sniff import FORMATS
from photocheck.rules.schema import INHERIT, SOURCE, build, listing, num, text, unique

REQUIREMENTS = ("required", "conditional")
ROTATIONS = (0, 90, 180, 270)

_IDENT = text(pattern=r"[a-z][a-z0-9_]*", meaning="must be lower-case ASCII letters, digits and _")
_NAME = text(nonempty=True)
_WORDS = text(nonempty=True)  # each of a list of keywords
FORMATS_RULE = listing(1, **text(choices=sorted(FORMATS)))  # the sniffer's vocabulary


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


@dataclass(frozen=True, kw_only=True)
class MaterialChecks:
    min_text_px: int = field(metadata=num(4, 200))
    min_legibility: float = field(metadata=num(0.0, 1.0))
    min_sharpness: float = field(metadata=num(0.0, 1.0))  # documents.blur_measure
    max_glare_fraction: float = field(metadata=num(0.0, 1.0))  # documents.glare_fraction
    max_skew_degrees: float = field(metadata=num(0.0, 45.0))


@dataclass(frozen=True, kw_only=True)
class ClassificationRules:
    hint_weight: float = field(metadata=num(0.0, 1.0))
    saturation: float = field(metadata=num(0.1, 10))


@dataclass(frozen=True, kw_only=True)
class MaterialsSpec:
    source: str = field(metadata=SOURCE)
    max_bytes: int = field(metadata=num(1000))
    formats: tuple[str, ...] = field(metadata=FORMATS_RULE)
    floor_quality: int = field(metadata=num(1, 95))  # the lowest JPEG quality of an upload
    checks: MaterialChecks
    classification: ClassificationRules
    categories: tuple[Category, ...] = field(metadata=listing(1))

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
