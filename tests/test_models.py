"""The vendored models are the exact files from the mediapipe 0.10.21 wheel, with their licence."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _derive_module():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))  # derive_models imports its sibling tflite_compat
    spec = importlib.util.spec_from_file_location("derive_models", ROOT / "scripts" / "derive_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_models_match_their_provenance_digests():
    derive = _derive_module()
    provenance = (ROOT / "resources" / "models" / "PROVENANCE.md").read_text(encoding="utf-8")
    for name, (_, digest) in derive.MODELS.items():
        data = (ROOT / "resources" / "models" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name
        assert digest in provenance and name in provenance
    assert derive.verify() is True


def test_licence_ships_beside_the_models():
    text = (ROOT / "resources" / "models" / "LICENSE-mediapipe-Apache-2.0.txt").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0" in text
