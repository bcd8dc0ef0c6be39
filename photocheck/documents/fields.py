"""Key fields a reviewer reads (公民身份号码, 有效期限, 证书编号, 在线验证码, 姓名), found in OCR text
lines by the profile's patterns and validated: a check character (ISO 7064 MOD 11-2), a validity
span of a lawful length, a date that parses. Every rule is a KeyField from the profile; this
module only applies them.

The lines are those of the exported file (ExportReader keeps what the compressor's OCR read of
each candidate), so a number that verifies here is legible in the upload itself.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from photocheck.documents.ocr import TextLine, plain_text, read_boxes, read_text
from photocheck.rules.materials import Category, KeyField, Validity

_SPACE = re.compile(r"\s+")
_DATE_PARTS = re.compile(r"(\d{4})\D{1,2}(\d{1,2})\D{1,2}(\d{1,2})")


def normalise(text: str) -> str:
    """NFKC (full-width digits, letters and colons become ASCII), upper case, no spaces."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).upper()


@dataclass(frozen=True)
class Row:
    text: str  # normalised text of the row's lines, left to right
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 image px


def rows(lines: Sequence[TextLine]) -> list[Row]:
    """Lines (in reading order) grouped into rows: a label and its value, boxed apart by the
    detector, are matched as one text."""
    groups: list[list[TextLine]] = []
    for ln in lines:
        cy = float(ln.box[:, 1].mean())
        if groups:
            first = groups[-1][0]
            height = float(np.ptp(first.box[:, 1]))
            if abs(cy - float(first.box[:, 1].mean())) < 0.5 * height:
                groups[-1].append(ln)
                continue
        groups.append([ln])
    out = []
    for g in groups:
        pts = np.concatenate([ln.box for ln in g])
        box = (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))
        out.append(Row("".join(normalise(ln.text) for ln in sorted(g, key=lambda ln: float(ln.box[:, 0].min()))), box))
    return out


# --- validation ---------------------------------------------------------------------------------


def iso7064_mod11_2(code: str) -> bool:
    """The check character of an 18-character 公民身份号码 (GB 11643-1999)."""
    if not re.fullmatch(r"\d{17}[\dX]", code):
        return False
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(code[:17]))
    check = (12 - total % 11) % 11
    return code[17] == ("X" if check == 10 else str(check))


_CHECKSUMS = {"iso7064_mod11_2": iso7064_mod11_2}


def parse_date(text: str) -> dt.date | None:
    """2016.08.01, 2016-8-1, 2026年01月05日 -> a date; None when it is not a real day."""
    m = _DATE_PARTS.search(text)
    if m is None:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One key field as read from a file. `ok`: found and valid; otherwise `problem` says why."""

    field: KeyField
    value: str | None  # the code, name or date text read (None: not found)
    ok: bool
    problem: str | None = None  # "missing" | "checksum" | "date" | "term"
    start: dt.date | None = None  # expiry: the span's start
    end: dt.date | None = None  # expiry and issued: the last valid day
    perpetual: bool = False  # expiry: 长期

    @property
    def id(self) -> str:
        return self.field.id


def _inside(row: Row, region: tuple[float, float, float, float], size: tuple[int, int]) -> bool:
    w, h = size
    cx, cy = (row.box[0] + row.box[2]) / 2 / w, (row.box[1] + row.box[3]) / 2 / h
    return region[0] <= cx <= region[2] and region[1] <= cy <= region[3]


def _judge(field: KeyField, m: re.Match[str]) -> Reading:
    if field.kind == "expiry":
        end_text = m["end"]
        start = parse_date(m["start"]) if "start" in m.re.groupindex and m["start"] else None
        if end_text in field.perpetual:
            ok = start is not None or "start" not in m.re.groupindex
            return Reading(field, end_text, ok, None if ok else "date", start=start, perpetual=True)
        end = parse_date(end_text)
        if end is None or ("start" in m.re.groupindex and start is None):
            return Reading(field, end_text, False, "date", start=start, end=end)
        if start is not None and field.terms_years and end not in {_add_years(start, y) for y in field.terms_years}:
            return Reading(field, end_text, False, "term", start=start, end=end)
        return Reading(field, end_text, True, start=start, end=end)
    value = m["value"]
    if field.kind == "issued":
        day = parse_date(value)
        if day is None:
            return Reading(field, value, False, "date")
        assert field.valid_months is not None  # validated with the profile
        return Reading(field, value, True, start=day, end=add_months(day, field.valid_months))
    if field.checksum is not None and not _CHECKSUMS[field.checksum](value):
        return Reading(field, value, False, "checksum")
    return Reading(field, value, True)


def read_field(field: KeyField, found: Sequence[Row], size: tuple[int, int]) -> Reading:
    """The first valid match (rows inside the field's region first); else the first invalid
    one; else missing."""
    ordered = list(found)
    if field.region is not None:
        region = field.region
        ordered.sort(key=lambda r: not _inside(r, region, size))
    first_bad: Reading | None = None
    for row in ordered:
        for pattern in field.compiled:
            for m in pattern.finditer(row.text):
                reading = _judge(field, m)
                if reading.ok:
                    return reading
                first_bad = first_bad or reading
    return first_bad or Reading(field, None, False, "missing")


def read_fields(lines: Sequence[TextLine], category: Category, slot: str | None,
                size: tuple[int, int]) -> list[Reading]:
    """Every key field of `category` that applies to `slot`, read from `lines` of an image
    of `size` (width, height)."""
    found = rows(lines)
    return [read_field(f, found, size) for f in category.key_fields if f.on(slot)]


def name_appears(name: str, lines: Sequence[TextLine]) -> bool:
    """The candidate's name somewhere in the text (labels and values are boxed apart, so the
    rows are searched as well as the lines)."""
    want = normalise(name)
    return bool(want) and any(want in r.text for r in rows(lines))


# --- validity -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    day: dt.date
    label: str  # Chinese: which day and why ("考试最后一天 2026-08-23", or today once it has passed)
    label_en: str


def reference(validity: Validity, today: dt.date | None = None) -> Reference:
    """The profile's reference day (the exam's last day), or today once that has passed."""
    today = today or dt.date.today()
    ref = f"{validity.reference_name} {validity.reference_date:%Y-%m-%d}"
    ref_en = f"{validity.reference_name_en} {validity.reference_date:%Y-%m-%d}"
    if today > validity.reference_date:
        return Reference(today, f"今天 {today:%Y-%m-%d}（{ref} 已过）", f"today {today:%Y-%m-%d} ({ref_en} has passed)")
    return Reference(validity.reference_date, ref, ref_en)


# --- the exported file's OCR --------------------------------------------------------------------


class ExportReader:
    """The compressor's OCR (`score`), remembering the lines it read of each candidate, so the
    key fields of the chosen one need no second reading.

    With the `reference` lines of the page (read from an image of `shape`), a candidate is read
    where the page's text is: each reference box scaled to the candidate's size and recognised,
    no detection (about a third of a full read); a text line the candidate blurs reads worse, a
    lost one reads as nothing."""

    def __init__(self, reference: Sequence[TextLine] | None = None, shape: tuple[int, ...] | None = None) -> None:
        self._seen: list[tuple[np.ndarray, list[TextLine]]] = []
        self._reference = list(reference) if reference is not None and shape is not None else None
        self._shape = shape
        self.last: tuple[list[TextLine], tuple[int, ...]] = ([], (0, 0))  # the latest read and its image's shape

    def read(self, img: np.ndarray) -> list[TextLine]:
        """OCR lines of a decoded candidate (boxes in its px), not remembered."""
        if self._reference is None or self._shape is None:
            return read_text(img)
        fy, fx = img.shape[0] / self._shape[0], img.shape[1] / self._shape[1]
        factor = np.array([fx, fy], np.float32)
        return read_boxes(img, [ln.box * factor for ln in self._reference])

    def __call__(self, img: np.ndarray) -> str:
        lines = self.read(img)
        self._seen.append((img, lines))
        self.last = (lines, img.shape[:2])
        return plain_text(lines)

    def lines_of(self, data: bytes) -> list[TextLine]:
        """OCR lines of encoded file `data`, as the compressor reads candidates (red seals
        suppressed): from memory when it read exactly these pixels, else read now."""
        from photocheck.documents.compress import decoded_seal_free

        img = decoded_seal_free(data)
        for seen, lines in self._seen:
            if seen.shape == img.shape and np.array_equal(seen, img):
                return lines
        lines = self.read(img)
        self._seen.append((img, lines))
        return lines
