"""Looking for what a candidate left behind: in files (names and contents), in settings, in the
window's own text and pictures, and in the process's Python objects (gc.get_objects() and what
they refer to: str, bytes, numpy arrays, QImage and QPixmap).

What is looked for is a `Secret`: text (the candidate's name, a token in every file name of theirs)
and byte strings only their pixels or files contain. A secret is kept obfuscated (code points, bytes
XOR KEY), so the test's own records are never what the search finds; the process's objects are
listed before the needles are made from it, so the search never finds its own either.
"""

from __future__ import annotations

import gc
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QListWidget, QTreeWidget

KEY = 0x5A
PICTURE_SIDE = 32  # arrays and images at least this big on both sides count as pictures
SIGNATURE_PX = 48  # pixels in a row signature: no other picture has these exact bytes


def _hide(data: bytes) -> bytes:
    return bytes(b ^ KEY for b in data)


@dataclass
class Secret:
    """One candidate's traces to look for, held so that holding them is not a trace."""

    label: str
    _texts: list[tuple[int, ...]] = field(default_factory=list)
    _blobs: list[tuple[str, bytes]] = field(default_factory=list)

    def add_text(self, text: str) -> None:
        self._texts.append(tuple(map(ord, text)))

    def add_bytes(self, what: str, data: bytes) -> None:
        self._blobs.append((what, _hide(data)))

    def add_pixels(self, what: str, rgb: np.ndarray) -> None:
        """The most varied SIGNATURE_PX-pixel run of any row of `rgb` (uint8 RGB), as bytes."""
        h, w = rgb.shape[:2]
        n = min(SIGNATURE_PX, w)
        best = max(((r, c) for r in range(0, h, max(1, h // 64)) for c in range(0, w - n + 1, max(1, n // 2))),
                   key=lambda rc: float(rgb[rc[0], rc[1]:rc[1] + n].std()))
        self.add_bytes(what, np.ascontiguousarray(rgb[best[0], best[1]:best[1] + n]).tobytes())

    def texts(self) -> list[str]:
        return ["".join(map(chr, t)) for t in self._texts]

    def blobs(self) -> list[tuple[str, bytes]]:
        return [(what, _hide(data)) for what, data in self._blobs]


def _image_bytes(image: QImage) -> bytes:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    return bytes(rgb.constBits()) if not rgb.isNull() else b""


def is_picture(obj: object) -> bool:
    if isinstance(obj, np.ndarray):
        return obj.dtype == np.uint8 and obj.ndim in (2, 3) and min(obj.shape[:2]) >= PICTURE_SIDE
    if isinstance(obj, QImage | QPixmap):
        return not obj.isNull() and min(obj.width(), obj.height()) >= PICTURE_SIDE
    return False


def live_objects() -> list[object]:
    """Every object the collector tracks and everything those refer to directly (that is where
    str, bytes and arrays, which it does not track, are found), plus the window's pictures that
    live only on the C++ side (a QLabel's pixmap)."""
    tracked = gc.get_objects()
    seen: dict[int, object] = {id(o): o for o in tracked}
    for o in tracked:
        for r in gc.get_referents(o):
            seen.setdefault(id(r), r)
    for w in QApplication.allWidgets():
        if isinstance(w, QLabel) and not w.pixmap().isNull():
            pixmap = w.pixmap()
            seen[id(pixmap)] = pixmap
    return list(seen.values())


def widget_texts() -> Iterator[tuple[str, str]]:
    """(widget class, text) for everything the window shows or would show as a tip."""
    for w in QApplication.allWidgets():
        parents = [type(w).__name__]
        up = w.parentWidget()
        while up is not None and len(parents) < 4:
            parents.append(type(up).__name__)
            up = up.parentWidget()
        kind = " in ".join(parents)
        for getter in ("text", "toolTip", "windowTitle", "placeholderText", "currentMessage"):
            value = getattr(w, getter, None)
            if callable(value):
                try:
                    text = value()
                except TypeError:
                    continue
                if isinstance(text, str) and text:
                    yield kind, text
        if isinstance(w, QListWidget):
            for i in range(w.count()):
                yield kind, w.item(i).text() + w.item(i).toolTip()
        if isinstance(w, QTreeWidget):
            for i in range(w.topLevelItemCount()):
                item = w.topLevelItem(i)
                yield kind, " ".join(item.text(c) + item.toolTip(c) for c in range(w.columnCount()))
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                yield kind, w.itemText(i)


def settings_texts(*files: Path) -> Iterator[tuple[str, str]]:
    """Every key and value of the settings files, decoded (an ini file escapes non-ASCII text)."""
    for path in files:
        if not path.is_file():
            continue
        s = QSettings(str(path), QSettings.Format.IniFormat)
        for key in s.allKeys():
            yield f"{path.name}:{key}", f"{key}={s.value(key)}"


def files_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (p for p in root.rglob("*"))


def find(secret: Secret, *, roots: Iterable[Path] = (), settings: Iterable[Path] = (),
         process: bool = True, holders: bool = True) -> list[str]:
    """Where the secret still is: one line per place. `holders=False` leaves out what keeps each
    object alive (a walk of the whole heap per hit), for a search that is expected to find plenty."""
    objects = live_objects() if process else []  # before the needles exist: the search never finds its own
    texts, blobs = secret.texts(), secret.blobs()
    encoded = [t.encode("utf-8") for t in texts]
    found = _in_process(objects, texts, encoded, blobs, holders)
    del objects
    for path in files_under(*roots):
        found += [f"file name {path}" for t in texts if t in path.name]
        if path.is_file():
            data = path.read_bytes()
            found += [f"file {path} holds {t!r}" for t, e in zip(texts, encoded, strict=True) if e in data]
            found += [f"file {path} holds {what}" for what, b in blobs if b in data]
    for where, text in settings_texts(*settings):
        found += [f"setting {where} holds {t!r}" for t in texts if t in text]
    for kind, text in widget_texts():
        found += [f"{kind} shows {t!r}" for t in texts if t in text]
    return found


def _in_process(objects: list[object], texts: list[str], encoded: list[bytes],
                blobs: list[tuple[str, bytes]], holders: bool) -> list[str]:
    def held(o: object) -> str:
        return _holders(o, objects) if holders else "(not traced)"

    found: list[str] = []
    for o in objects:
        if isinstance(o, str):
            for t in texts:  # a loop, not a comprehension: its closure cell would be what holds `o`
                if t in o:
                    found.append(f"str {o[:80]!r} in {held(o)}")
            continue
        data: bytes | None = None
        if isinstance(o, bytes | bytearray):
            data = bytes(o)
        elif isinstance(o, memoryview) or (isinstance(o, np.ndarray) and o.dtype == np.uint8):
            data = o.tobytes()
        elif isinstance(o, QImage):
            data = _image_bytes(o)
        elif isinstance(o, QPixmap):
            data = _image_bytes(o.toImage())
        if data:
            hits = [repr(t) for t, e in zip(texts, encoded, strict=True) if e in data]
            hits += [what for what, b in blobs if b in data]
            if hits:  # holders only for a hit: each is a walk of the whole heap
                where = f"{type(o).__name__} {getattr(o, 'shape', '')} in {held(o)}"
                found += [f"{where} holds {hit}" for hit in hits]
    return found


def _holders(o: object, objects: list[object], depth: int = 3) -> str:
    """What keeps `o` alive, a few levels up (for the failure message)."""
    chain = []
    for _ in range(depth):
        up = [r for r in gc.get_referrers(o) if r is not objects and not isinstance(r, type(_holders.__code__))
              and type(r).__name__ != "frame"]
        if not up:
            break
        o = up[0]
        named = f" {o.__module__}.{o.__qualname__}" if isinstance(o, types.FunctionType) else ""
        chain.append(type(o).__qualname__ + named + (f"[{', '.join(list(o)[:6])}]" if isinstance(o, dict) else ""))
    return " < ".join(chain) or "nothing"


def _key(o: object) -> int:
    """A QImage or QPixmap by its pixels (a QLabel hands out a new wrapper each time), else the object."""
    return o.cacheKey() if isinstance(o, QImage | QPixmap) else id(o)


def pictures() -> list[object]:
    return [o for o in live_objects() if is_picture(o)]


def new_pictures(before: list[object]) -> list[str]:
    """Pictures alive now that were not in `before` (pictures(), kept alive by the caller)."""
    known = {_key(o) for o in before}
    return [f"{type(o).__name__} {o.shape if isinstance(o, np.ndarray) else (o.width(), o.height())}"  # type: ignore[attr-defined]
            for o in pictures() if _key(o) not in known]
