"""Models load from an install folder whose path has Chinese characters and spaces."""

from __future__ import annotations

import shutil
import threading

import numpy as np

from photocheck.io import resources
from photocheck.io.resources import resource_path
from photocheck.vision import runtime
from photocheck.vision.face import detect_faces


def test_models_load_from_a_chinese_install_path(tmp_path, monkeypatch, grace_hopper_rgb):
    root = tmp_path / "程序 文件" / "resources"
    shutil.copytree(resource_path("models"), root / "models")
    monkeypatch.setattr(resources, "resource_root", lambda: root)
    found: list = []

    def run() -> None:  # a fresh thread: nets are cached per thread, so this one loads its own
        model = runtime.net("selfie_segmentation.tflite")
        model.setInput(np.zeros((1, 3, 256, 256), np.float32))
        found.append(model.forward().shape)
        found.append(len(detect_faces(grace_hopper_rgb)))

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert found == [(1, 1, 256, 256), 1]
