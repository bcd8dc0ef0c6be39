"""Imports point one way: load -> analyse -> check -> fix -> encode -> export, then the API, then
the CLI and the GUI. Read from the source (function-local imports included), so a shortcut that
would only show at run time still fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Lower layers never import higher ones; a layer's modules may import each other only within the
# same subpackage (photo/ and documents/ are siblings and stay apart).
LAYERS = {
    "photocheck": 0, "photocheck.errors": 0,
    "photocheck.io": 1,
    "photocheck.rules": 2,
    "photocheck.reports": 3, "photocheck.concurrency": 3,
    "photocheck.labels": 4, "photocheck.vision": 4,
    "photocheck.photo": 5, "photocheck.documents": 5,
    "photocheck.export": 6, "photocheck.batch": 6,
    "photocheck.api": 7,
    "photocheck.selftest": 8,
    "photocheck.cli": 9, "photocheck.__main__": 10,
}
# What the window and the command line may use: the one door, and the types it hands out.
FRONT_DOOR = {"photocheck", "photocheck.api", "photocheck.reports", "photocheck.errors", "photocheck.labels",
              "photocheck.selftest"}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)  # `from photocheck import api`
    return found


def _layer(module: str) -> tuple[int, str] | None:
    """(rank, unit) of the longest LAYERS key that is `module` or a package above it."""
    parts = module.split(".")
    for i in range(len(parts), 0, -1):
        key = ".".join(parts[:i])
        if key in LAYERS:
            return LAYERS[key], key
    return None


def _sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _known(name: str) -> bool:
    """An import of a real photocheck module (not a name imported from one)."""
    rel = Path(*name.split("."))
    return (ROOT / rel).with_suffix(".py").is_file() or (ROOT / rel / "__init__.py").is_file()


def test_the_pipeline_never_imports_qt_or_the_gui():
    bad = [(p.name, m) for p in _sources("photocheck") for m in _imports(p)
           if m.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui")]
    assert bad == []


def test_imports_point_down_the_layers():
    bad = []
    for path in _sources("photocheck"):
        me = _module(path)
        mine = _layer(me)
        assert mine is not None, f"{me} has no layer: add it to LAYERS"
        for target in _imports(path):
            if not target.startswith("photocheck.") or not _known(target):
                continue
            theirs = _layer(target)
            assert theirs is not None, f"{target} has no layer"
            upward = theirs[0] > mine[0]
            sideways = theirs[0] == mine[0] and theirs[1] != mine[1] and theirs[1] != "photocheck"
            if upward or sideways:
                bad.append(f"{me} -> {target}")
    assert bad == []


def test_the_gui_and_cli_use_only_the_api():
    sources = [*_sources("ui"), ROOT / "photocheck" / "cli.py"]
    bad = [f"{_module(p)} -> {m}" for p in sources for m in _imports(p)
           if m.startswith("photocheck") and _known(m) and m not in FRONT_DOOR]
    assert bad == []


def test_the_layer_test_sees_a_violation(tmp_path):
    # The checks above must be able to fail: an upward import is found in a module's source.
    (tmp_path / "m.py").write_text("def f():\n    from photocheck.api import fix_photo\n")
    assert "photocheck.api" in _imports(tmp_path / "m.py")
    assert _layer("photocheck.io.decode") < _layer("photocheck.api")


def test_no_module_imports_another_modules_private_names():
    bad = []
    for path in [*_sources("photocheck"), *_sources("ui")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("photocheck", "ui")):
                bad += [f"{_module(path)}: {node.module}.{a.name}" for a in node.names
                        if a.name.startswith("_") and not a.name.startswith("__")]
    assert bad == []


def test_every_check_id_has_a_name_for_people():
    # The CLI, the report and the window show labels.check_name, never a raw id.
    from photocheck import labels
    from photocheck.documents.checks import ORDER as MATERIAL
    from photocheck.photo.checks import ORDER as PHOTO

    ids = [*PHOTO, *MATERIAL, "category.count", "category.required", "export.verify"]
    assert [i for i in ids if labels.check_name(i) == i] == []


def test_the_readme_lists_every_check_id_of_the_contract():
    # The README's "Check ids (a contract)" is what integrators read: it names every id there is.
    from photocheck import labels
    from photocheck.documents.checks import ORDER as MATERIAL
    from photocheck.photo.checks import ORDER as PHOTO

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Check ids (a contract)"):]
    section = section[: section.index("\n### ", 1)]
    listed = set(re.findall(r"`([a-z_]+\.[a-z_]+)`", section))
    ids = {*PHOTO, *MATERIAL, "category.count", "category.required", "export.verify"}
    assert ids <= listed and all(labels.check_name(i) != i for i in listed)


def test_constraints_pin_every_dependency_within_its_range():
    """constraints.txt (what make test, .ci/run and the installers install) pins each requirement
    of pyproject.toml, extras included, to one version inside the range pyproject allows: a range
    tightened there (as opencv-python-headless <5.1 was) must move the pin too."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for line in (root / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version.strip()
    wanted = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    for spec in map(Requirement, wanted):
        pin = pins.get(canonicalize_name(spec.name))
        assert pin is not None, f"{spec.name} has no pin in constraints.txt"
        assert spec.specifier.contains(pin, prereleases=True), f"{spec.name}=={pin} is outside {spec.specifier}"
