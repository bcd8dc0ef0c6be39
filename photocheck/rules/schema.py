"""The one validator of profile tables: a TOML table becomes a frozen dataclass, checked against
each field's type and the rule in its metadata. Every error names the profile file and the full
key (`profile nmec-2026-hubei.toml: materials.categories[1].name: missing`).

Rules (field metadata, made by the helpers below): a number's range, a [min, max] band, a text's
pattern or choices, a list's least length, a key that is not in the table (set by the loader, or
the profile's file name), a key that defaults to the enclosing table's value of the same name.
A class may name the range of its numbers once, `RANGE: ClassVar[Rule] = num(0, 90)`: every field
with no rule of its own takes it. Checks across fields live on the dataclass as `problems()`,
yielding (key, problem) pairs with keys relative to its table. Unknown keys are errors, so a typo
cannot fall back to a default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")
Rule = dict[str, Any]  # a field's metadata, as the helpers below make it


class SchemaError(ValueError):
    """A profile table that does not fit its dataclass; the message names the file and the key."""


def num(lo: float | None = None, hi: float | None = None) -> Rule:
    """A number within [lo, hi] (either end open when None)."""
    return {"range": (lo, hi)}


def band(lo: float | None = None, hi: float | None = None) -> Rule:
    """A [min, max] pair within [lo, hi] with min < max."""
    return {"range": (lo, hi), "band": True}


def text(*, pattern: str | None = None, meaning: str = "", choices: Iterable[str] = (),
         nonempty: bool = False) -> Rule:
    """A text (or, on a list of texts, each of them): matching `pattern` (`meaning` says what it
    asks for), one of `choices`, or at least not blank."""
    return {"pattern": pattern, "meaning": meaning, "choices": tuple(choices), "nonempty": nonempty}


def listing(least: int = 1, **rule: Any) -> Rule:
    """A list of at least `least` items; `rule` (e.g. text(...)) applies to each."""
    return {"least": least, **rule}


INHERIT = {"inherit": True}  # a missing key takes the enclosing table's value of the same name
LOADER = {"loader": True}  # not in the table: the loader sets it
SOURCE = {"source": True}  # not in the table: the profile's file name


def build(cls: type[T], table: object, *, source: str, where: str = "",
          parent: Mapping[str, Any] | None = None) -> T:
    """`table` as a `cls`, or SchemaError naming `source` and the key below `where`."""
    if not isinstance(table, dict):
        _fail(source, where, "expected a table")
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    known: set[str] = set()
    shared: Rule = getattr(cls, "RANGE", {})
    for f in dataclasses.fields(cls):
        meta = f.metadata or shared
        if meta.get("loader"):
            continue
        if meta.get("source"):
            values[f.name] = source
            continue
        known.add(f.name)
        key = _join(where, f.name)
        if f.name in table:
            values[f.name] = _value(hints[f.name], table[f.name], meta, source, key, values)
        elif meta.get("inherit") and parent is not None and f.name in parent:
            values[f.name] = parent[f.name]
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            _fail(source, key, "missing")
    unknown = sorted(set(table) - known)
    if unknown:
        _fail(source, _join(where, unknown[0]), f"unknown key(s) {', '.join(unknown)}")
    built = cls(**values)
    problems = getattr(built, "problems", None)
    for key, problem in problems() if problems is not None else ():
        _fail(source, _join(where, key), problem)
    return built


def unique(values: Iterable[str], key: str, name: str) -> Iterable[tuple[str, str]]:
    """(key[i].name, problem) for each value that repeats an earlier one: for problems()."""
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            yield f"{key}[{i}].{name}", f"repeats {value!r}"
        seen.add(value)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _fail(source: str, key: str, problem: str) -> typing.NoReturn:
    raise SchemaError(f"profile {source}: {key}: {problem}" if key else f"profile {source}: {problem}")


def _value(tp: Any, value: Any, meta: Mapping[str, Any], source: str, key: str,
           parent: Mapping[str, Any]) -> Any:
    """One TOML value as the field's type, or SchemaError naming `key`."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):  # Optional: TOML has no null, the key is absent
        inner = next(a for a in typing.get_args(tp) if a is not type(None))
        return _value(inner, value, meta, source, key, parent)
    if dataclasses.is_dataclass(tp):
        return build(typing.cast(type, tp), value, source=source, where=key, parent=parent)
    if origin is tuple:
        return _sequence(typing.get_args(tp), value, meta, source, key, parent)
    if tp is bool:
        if not isinstance(value, bool):
            _fail(source, key, f"expected true or false, got {value!r}")
        return value
    if tp in (int, float):
        return _number(tp, value, meta, source, key)
    if tp is dt.date:  # a TOML date (2026-08-23), not a text that looks like one
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            _fail(source, key, f"expected a date such as 2026-08-23, got {value!r}")
        return value
    if tp is str:
        return _text(value, meta, source, key)
    raise TypeError(f"{key}: no rule reads {tp!r}")  # a programming error in a rules module


def _sequence(args: tuple[Any, ...], value: Any, meta: Mapping[str, Any], source: str, key: str,
              parent: Mapping[str, Any]) -> tuple[Any, ...]:
    if not isinstance(value, list):
        _fail(source, key, f"expected a list, got {value!r}")
    if args[-1] is Ellipsis:
        if len(value) < meta.get("least", 0):
            _fail(source, key, f"must list at least {meta['least']}")
        return tuple(_value(args[0], v, meta, source, f"{key}[{i}]", parent) for i, v in enumerate(value))
    if len(value) != len(args):
        _fail(source, key, f"expected {len(args)} values, got {value!r}")
    items = tuple(_value(a, v, meta, source, f"{key}[{i}]", parent)
                  for i, (a, v) in enumerate(zip(args, value, strict=True)))
    if meta.get("band") and not items[0] < items[1]:
        _fail(source, key, f"expected [min, max] with min < max, got {value!r}")
    return items


def _number(tp: type, value: Any, meta: Mapping[str, Any], source: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(source, key, f"expected a number, got {value!r}")
    if tp is int and not isinstance(value, int):
        _fail(source, key, f"expected a whole number, got {value!r}")
    lo, hi = meta.get("range", (None, None))
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        _fail(source, key, f"{value!r} is outside [{lo}, {hi}]" if lo is not None and hi is not None
              else f"{value!r} is below {lo}" if lo is not None else f"{value!r} is above {hi}")
    return int(value) if tp is int else float(value)


def _text(value: Any, meta: Mapping[str, Any], source: str, key: str) -> str:
    if not isinstance(value, str):
        _fail(source, key, f"expected text, got {value!r}")
    if meta.get("nonempty") and not value.strip():
        _fail(source, key, "must not be empty")
    choices = meta.get("choices")
    if choices and value not in choices:
        _fail(source, key, f"must be one of {', '.join(choices)} (got {value!r})")
    pattern = meta.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        _fail(source, key, f"{meta.get('meaning') or 'must match ' + pattern} (got {value!r})")
    return value
