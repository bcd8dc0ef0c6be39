"""The checks a reviewer's reading adds to a material: its key fields legible in the upload
file, still valid, carrying the candidate's name, and the category it was put in plausible."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from photocheck.documents import checks as mc
from photocheck.documents.classify import evidence
from photocheck.documents.fields import name_appears, read_fields, reference
from photocheck.documents.ocr import TextLine
from photocheck.reports import CheckResult, Suggestion
from photocheck.rules.materials import Category, MaterialsSpec


def review(spec: MaterialsSpec, category: Category, slot: str | None, lines: Sequence[TextLine],
           size: tuple[int, int], *, name: str | None, today: dt.date | None = None) -> list[CheckResult]:
    """material.key_fields, material.valid and material.name from the OCR `lines` of the
    upload file (`size` = its width, height); checks that do not apply are left out."""
    readings = read_fields(lines, category, slot, size)
    found = [
        mc.material_key_fields(readings),
        mc.material_valid(readings, reference(spec.validity, today)),
        mc.material_name(name, bool(name) and name_appears(name or "", lines), readings),
    ]
    return [c for c in found if c is not None]


def category_sanity(spec: MaterialsSpec, category: Category, text: str, suggestion: Suggestion) -> CheckResult:
    """material.category: does the text show anything of the category it was put in?"""
    other = spec.category(suggestion.category_id).name if suggestion.category_id else None
    if other == category.name:
        other = None
    return mc.material_category(category, evidence(text, spec, category.id), suggestion, other)
