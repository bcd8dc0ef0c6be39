"""The pipeline calls the GUI makes, in one place. This module is the window's default `backend`;
the GUI tests hand it a stand-in with the same functions (tests/gui/fake_backend.py)."""

from __future__ import annotations

from photocheck.api import (
    analyse_photo,
    batch_output_occupied,
    check_photo,
    export_folder,
    export_project,
    file_digest,
    fix_material,
    fix_photo,
    list_cameras,
    live_guide,
    load_preview,
    material_inputs,
    material_preview,
    open_camera,
    picture_kind,
    preview_photo,
    rerun_batch_row,
    run_batch,
)

__all__ = ["analyse_photo", "batch_output_occupied", "check_photo", "export_folder", "export_project", "file_digest",
           "fix_material", "fix_photo", "list_cameras", "live_guide", "load_preview", "material_inputs",
           "material_preview", "open_camera", "picture_kind", "preview_photo", "rerun_batch_row", "run_batch"]
