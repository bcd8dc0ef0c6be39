"""Render the materials and export steps to PNG for the README (development only): generated,
fictitious documents through the real pipeline, offscreen, in the size the steps get in the
window on a 1366x768 screen. Usage: QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [out_dir]"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (1150, 680)  # 1366x768 less the side bar, the title bar and the task bar
PROFILE = "nmec-2026-hubei"
DOCUMENTS = (("id_front", 1, 0, "IMG_2041.jpg"), ("id_back", 2, 90, "IMG_2042.jpg"),
             ("diploma", 3, 0, "毕业证.jpg"), ("xuexin_report", 4, 0, "学信网报告.jpg"))


def load_cjk_font() -> None:
    """Noto Sans SC from the test fonts package, so text renders on a machine without CJK fonts."""
    import pylopdf_fonts_zh_cn
    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    font_file = Path(pylopdf_fonts_zh_cn.__file__).with_name("NotoSansSC-Regular.otf")
    families = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(str(font_file)))
    if families:
        font = QFont(QApplication.font())
        font.setFamilies([*families, font.family()])
        font.setPointSizeF(max(font.pointSizeF(), 10))
        QApplication.setFont(font)


def wait(app, done, timeout: float = 900) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise TimeoutError("the pipeline took too long")
        app.processEvents()
        time.sleep(0.02)


def main(argv: list[str]) -> int:
    from PIL import Image
    from PySide6.QtWidgets import QApplication

    from photocheck.api import load_profile
    from tests import docgen
    from ui import backend
    from ui.project_state import CandidateProject
    from ui.steps.export_step import ExportStep
    from ui.steps.materials_step import MaterialsStep

    out = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(argv)
    load_cjk_font()
    with tempfile.TemporaryDirectory() as tmp:
        from PySide6.QtCore import QSettings

        QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # the user's own settings stay untouched
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tmp)
        folder = Path(tmp) / "张三的材料"
        folder.mkdir()
        for kind, seed, rotation, name in DOCUMENTS:
            Image.fromarray(docgen.phone_photo(kind, seed, rotation, size=1400).image).save(folder / name, quality=90)
        project = CandidateProject(load_profile(PROFILE))
        project.set_name("张三")
        materials = MaterialsStep(backend, project)
        materials.resize(*SIZE)
        materials.show()
        materials.add_paths([folder])
        wait(app, lambda: not materials.busy)
        materials.select(materials.entries()[0].key)
        app.processEvents()
        materials.grab().save(str(out / "materials.png"))

        export = ExportStep(backend, project)
        export.set_folder(Path(tmp))
        export.resize(*SIZE)
        export.show()
        export.start()
        wait(app, lambda: not export.busy)
        app.processEvents()
        export.grab().save(str(out / "export.png"))
        for step in (materials, export):
            step.shut_down(1.0)
            step.close()
            step.deleteLater()
        app.processEvents()
    print(f"wrote {out / 'materials.png'} and {out / 'export.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
