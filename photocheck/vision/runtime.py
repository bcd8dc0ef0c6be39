"""Lazily loaded OpenCV DNN networks, one instance per model file and thread.

cv2.dnn.Net objects are not safe to share between threads, so each thread keeps its own copy;
loading one takes a few milliseconds and happens on first use only. Every model runs on the
classic engine: OpenCV 5.0's new engine returns only one output per forward pass, and BlazeFace
has two.
"""

from __future__ import annotations

import threading
from typing import Any

from photocheck.resources import resource_path

_local = threading.local()
_loading = threading.Lock()  # model import is not known to be thread-safe; it runs once per thread


def net(model_file: str) -> Any:
    """The cv2.dnn.Net for `resources/models/<model_file>`, loaded once per thread."""
    cache: dict[str, Any] = getattr(_local, "nets", None) or {}
    _local.nets = cache
    if model_file not in cache:
        import cv2

        path = str(resource_path("models", model_file))
        with _loading:
            cache[model_file] = cv2.dnn.readNetFromTFLite(path, cv2.dnn.ENGINE_CLASSIC)
    return cache[model_file]
