"""Where bundled files live: a source checkout, an installed wheel and a PyInstaller build alike.

The repository keeps them in its top-level `resources/`; a wheel carries that folder as the data
package `photocheck._resources`; a frozen build puts it in `_MEIPASS/resources`.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path


@functools.cache
def resource_root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    checkout = Path(__file__).resolve().parents[2] / "resources"
    if checkout.is_dir():
        return checkout
    from importlib.resources import files

    return Path(str(files("photocheck") / "_resources"))


def resource_path(*parts: str) -> Path:
    path = resource_root().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"缺少程序自带的文件（安装不完整，请重新安装）：{path}")
    return path
