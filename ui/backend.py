"""The pipeline calls the GUI makes, in one place. This module is the window's default `backend`;
the GUI tests hand it a stand-in with the same functions (tests/gui/fake_backend.py)."""

from __future__ import annotations

from photocheck.api import (
    analyse_photo,
    check_photo,
    export_folder,
    export_project,
    file_digest,
    fix_material,
    fix_photo,
    load_preview,
    material_inputs,
    material_preview,
    preview_photo,
)

__all__ = ["analyse_photo", "check_photo", "export_folder", "export_project", "file_digest", "fix_material",
           "fix_photo", "load_preview", "material_inputs", "material_preview", "preview_photo"]
