"""The app's name, version and identifier as the installers use them, read from pyproject.toml.

    python scripts/app_meta.py version        ->  0.1.0
    python scripts/app_meta.py --shell        ->  APP_NAME=... lines for `eval` in shell scripts

One source for build_installer.spec, installer/linux/make_deb.sh, installer/macos/make_dmg.sh and
the release workflow (which passes the version to Inno Setup).
"""

from __future__ import annotations

import shlex
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def meta() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project, app = data["project"], data["tool"]["photocheck"]["app"]
    return {
        "name": project["name"],
        "version": project["version"],
        "description": project["description"],
        "license": project["license"],
        "display-name": app["display-name"],
        "english-name": app["english-name"],
        "identifier": app["identifier"],
        "publisher": app["publisher"],
    }


def main(argv: list[str]) -> int:
    m = meta()
    if argv == ["--shell"]:
        for key, value in m.items():
            print(f"APP_{key.upper().replace('-', '_')}={shlex.quote(value)}")
        return 0
    if len(argv) == 1 and argv[0] in m:
        print(m[argv[0]])
        return 0
    print(f"usage: app_meta.py --shell | {' | '.join(m)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
