"""Every label a person reads, keyed by id, in Chinese and English: the CLI, the HTML report and
the GUI take their words from here, so the three never drift apart. The words themselves are the
catalogue resources/labels.toml."""

from __future__ import annotations

import tomllib
from typing import Any

from photocheck.io.resources import resource_path
from photocheck.reports import CategoryState, Status


def _pairs(table: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {key: (zh, en) for key, (zh, en) in table.items()}


_CATALOGUE = tomllib.loads(resource_path("labels.toml").read_text(encoding="utf-8"))
_STATUS = {s: _pairs(_CATALOGUE["status"])[s.value] for s in Status}
_STATE = {s: _pairs(_CATALOGUE["state"])[s.value] for s in CategoryState}
# The check ids in report order: the check modules take their ORDER from these.
PHOTO_CHECKS = _pairs(_CATALOGUE["checks"]["photo"])
MATERIAL_CHECKS = _pairs(_CATALOGUE["checks"]["material"])
_CHECKS = {**PHOTO_CHECKS, **MATERIAL_CHECKS, **_pairs(_CATALOGUE["checks"]["other"])}
# A batch row's result (summary.csv's 结果): the status its icon takes, and its words in the window.
_BATCH = {result: (Status(status), zh, en) for result, (status, zh, en) in _CATALOGUE["batch"].items()}
_HINTS = _pairs(_CATALOGUE["hints"])


def batch_status(result: str) -> Status:
    return _BATCH[result][0]


def batch_label(result: str, en: bool = False) -> str:
    return _BATCH[result][1 + en]


def status_label(status: Status, en: bool = False) -> str:
    return _STATUS[status][en]


def state_label(state: CategoryState, en: bool = False) -> str:
    return _STATE[state][en]


def check_name(check_id: str, en: bool = False) -> str:
    """A check's name for people; an id this table does not know is shown as it is."""
    names = _CHECKS.get(check_id)
    return names[en] if names else check_id


def check_names(check_ids: list[str], en: bool = False) -> str:
    return (", " if en else "、").join(check_name(i, en) for i in check_ids)


def hint_text(hint_id: str, en: bool = False) -> str:
    return _HINTS[hint_id][en]
