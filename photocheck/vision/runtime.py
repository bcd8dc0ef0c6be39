"""Lazily loaded OpenCV DNN networks, one instance per model file and thread.

cv2.dnn.Net objects are not safe to share between threads, so each thread keeps its own copy;
loading one takes a few milliseconds and happens on first use only. Every model runs on the
classic engine: OpenCV 5.0's new engine returns only one output per forward pass, and BlazeFace
has two.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from photocheck.io.resources import resource_path

_local = threading.local()
_loading = threading.Lock()  # model import is not known to be thread-safe; it runs once per thread


def _loadable_path(path: Path) -> str:
    """A path OpenCV's narrow-character file API can open.

    On Windows it opens files through the ANSI code page, so an install folder with Chinese
    characters (a per-user install under C:\\Users\\张三, say) would fail; the 8.3 short form of
    the path is plain ASCII. Elsewhere paths are UTF-8 and pass through as they are.
    """
    text = str(path)
    if sys.platform != "win32" or text.isascii():
        return text
    import ctypes

    buf = ctypes.create_unicode_buffer(32768)
    n = ctypes.windll.kernel32.GetShortPathNameW(text, buf, len(buf))
    return buf.value if 0 < n < len(buf) and buf.value.isascii() else text


def net(model_file: str) -> Any:
    """The cv2.dnn.Net for `resources/models/<model_file>`, loaded once per thread."""
    cache: dict[str, Any] = getattr(_local, "nets", None) or {}
    _local.nets = cache
    if model_file not in cache:
        import cv2

        path = _loadable_path(resource_path("models", model_file))
        with _loading:
            cache[model_file] = cv2.dnn.readNetFromTFLite(path, cv2.dnn.ENGINE_CLASSIC)
    return cache[model_file]
