"""Render each step of the window to PNG for the README, over the real pipeline and the bundled
sample photo, at a 1366x768 laptop's size.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [out_dir]

Writes docs/screenshots/ by default. The window runs with its own temporary settings and data
folder, so the candidate you were working on is not touched. The font is Noto Sans SC from the
test dependencies when the system has no CJK font (the offscreen platform has none).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = (1366, 768)
TIMEOUT_MS = 180_000


def wait_for(condition: Callable[[], object], timeout_ms: int = TIMEOUT_MS) -> None:
    """Run the event loop until `condition()` holds (QEventLoop, not processEvents in a loop)."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        loop = QEventLoop()
        QTimer.singleShot(30, loop.quit)
        loop.exec()


def two_faces(folder: Path) -> Path:
    """The sample twice side by side: a photo that needs a retake."""
    import numpy as np
    from PIL import Image

    from photocheck.api import sample_path

    rgb = np.asarray(Image.open(sample_path("grace_hopper.jpg")).convert("RGB"))
    path = folder / "两个人.jpg"
    Image.fromarray(np.concatenate([rgb, rgb], axis=1)).save(path, quality=92)
    return path


class DemoCameraBackend:
    """The real pipeline with one stand-in webcam playing the sample a little too far away, so the
    camera dialog shows its guide and a hint as a candidate would see them."""

    def __init__(self) -> None:
        import numpy as np
        from PIL import Image

        from photocheck.api import sample_path
        from tests.camera_standin import StandinCamera, StandinCameras, webcam_frame

        rgb = np.asarray(Image.open(sample_path("grace_hopper.jpg")).convert("RGB"))
        cameras = StandinCameras(StandinCamera([webcam_frame(rgb, height=0.8, dx=0.06)]))
        self.list_cameras = cameras.list_cameras
        self.open_camera = cameras.open_camera

    def __getattr__(self, name: str) -> object:
        from ui import backend

        return getattr(backend, name)


def batch_folder(folder: Path) -> Path:
    """A help desk's folder of walk-ins' photos: the sample, the astronaut, two faces in one."""
    from PIL import Image
    from skimage import data

    from photocheck.api import sample_path

    inbox = folder / "待处理"
    inbox.mkdir()
    Image.open(sample_path("grace_hopper.jpg")).save(inbox / "考生1.jpg")
    Image.fromarray(data.astronaut()).save(inbox / "考生2.jpg", quality=92)
    two_faces(folder).rename(inbox / "考生3.jpg")
    return inbox


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QFontDatabase

    from ui.app import cjk_font, create_app

    app = create_app([sys.argv[0]])
    try:
        import pylopdf_fonts_zh_cn

        QFontDatabase.addApplicationFont(str(Path(pylopdf_fonts_zh_cn.__file__).parent / "NotoSansSC-Regular.otf"))
    except ImportError:
        pass
    app.setFont(cjk_font(app.font()))
    from photocheck.api import sample_path
    from ui.i18n import set_language
    from ui.main_window import MainWindow

    set_language(app, "zh_CN")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        settings = QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(backend=DemoCameraBackend(), settings=settings, data_dir=home / "data",
                            restore=False)
        window.resize(*SIZE)
        window.show()

        def shot(name: str) -> None:
            wait_for(lambda: not window.busy and not window.materials_step.busy)
            settled = time.monotonic() + 0.3  # the relayout after the last change (wrapped text)
            wait_for(lambda: time.monotonic() > settled)
            path = out / name
            assert window.grab().save(str(path)), path
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

        shot("0-start.png")
        window.open_photo(sample_path("grace_hopper.jpg"))
        wait_for(lambda: window.photo.result.has_image() and not window.busy)
        shot("1-photo.png")
        window.photo.check_list.select("face.pose")
        shot("1-photo-highlight.png")
        window.open_photo(two_faces(home))
        wait_for(lambda: window.photo.report is not None)
        shot("1-photo-retake.png")
        window.show_step(1)
        window.materials_step.add_paths([sample_path("sample_diploma.jpg")])
        wait_for(lambda: not window.materials_step.busy)
        window.materials_step.select(window.materials_step.entries()[0].key)
        shot("2-materials.png")
        window.project.set_name("张三")
        window.export_step.set_folder(home)
        window.show_step(2)
        shot("3-export.png")
        window.show_step(0)
        window.open_photo(sample_path("grace_hopper.jpg"))
        wait_for(lambda: window.photo.result.has_image() and not window.busy)
        window.set_language("en")
        wait_for(lambda: window.photo.open_button.text() == "Open photo…")
        settle = time.monotonic() + 0.5  # the relayout after LanguageChange
        wait_for(lambda: time.monotonic() > settle)
        shot("1-photo-en.png")
        window.set_language("zh_CN")
        from ui.camera.dialog import CameraDialog

        dialog = window.photo.take_photo()
        assert isinstance(dialog, CameraDialog)
        wait_for(lambda: dialog.frames_shown >= 3)
        settle = time.monotonic() + 0.3
        wait_for(lambda: time.monotonic() > settle)
        path = out / "1-photo-camera.png"
        assert dialog.grab().save(str(path)), path
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        dialog.reject()
        window.set_help_desk(True)
        window.show_step(window.steps().index(window.batch_step))
        window.batch_step.set_input(batch_folder(home))
        window.batch_step.set_output(home / "已处理")
        window.batch_step.start()
        wait_for(lambda: window.batch_step.summary is not None and not window.batch_step.busy)
        shot("4-help-desk-batch.png")
        window.set_help_desk(False)
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
