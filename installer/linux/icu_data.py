"""A smaller ICU data library for the frozen Linux build (build_installer.spec calls `slim`).

Qt Core links ICU, whose data library (libicudata, 32 MB) holds the collation, names, calendars,
time-zone names and converters of every language ICU knows. Qt calls four ICU services (its
imports: ucol_*, ucnv_*, ucal_* time-zone names, u_strToUpper/Lower), and the app offers Chinese
and English: the rebuilt library keeps the root, zh, yue (zh_Hant_HK falls back to it) and en
items of the trees those services read (locales, collation, zone and region names), the
language-independent data (Unicode, normalisation, time zones, likely subtags), and of the ~190
legacy converters only GB18030 and GBK. Break iterators, currencies, language names, units,
number spelling, transliteration and string preparation, which Qt never calls, go (32 -> 4.5 MB).
Needs icupkg (Debian's icu-devtools) and a C compiler on the build machine.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

_LOCALE_ITEM = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$")
_SERVICE = {"res_index.res", "pool.res", "root.res"}
_KEPT_LANGUAGES = re.compile(r"^(zh|yue|en)[_.]")
_KEPT_CONVERTERS = ("gb18030", "windows-936", "ibm-1386")
_UNUSED_TREES = {"brkitr", "curr", "lang", "unit", "rbnf", "translit"}
_UNUSED_KINDS = (".spp", ".cfu")  # StringPrep profiles (IDNA), confusables (spoof checks)


def kept(item: str) -> bool:
    tree, _, name = item.rpartition("/")
    if tree in _UNUSED_TREES or name.endswith(_UNUSED_KINDS):
        return False
    if name.endswith(".cnv"):
        return name.startswith(_KEPT_CONVERTERS)
    if _LOCALE_ITEM.match(name) and name not in _SERVICE:
        return bool(_KEPT_LANGUAGES.match(name))
    return True


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _blob(lib: Path) -> tuple[str, bytes]:
    """The name and bytes of the one data symbol (icudtNN_dat) of an ICU data library."""
    symbols = _run("readelf", "-sW", str(lib))
    m = re.search(r"^\s*\d+: ([0-9a-f]+)\s+(\d+|0x[0-9a-f]+) OBJECT\s+GLOBAL\s+DEFAULT\s+(\d+) (icudt\d+_dat)$",
                  symbols, re.M)
    if not m:
        raise SystemExit(f"icu_data: no icudt*_dat symbol in {lib}")
    value, size, section, name = int(m.group(1), 16), int(m.group(2), 0), int(m.group(3)), m.group(4)
    sections = _run("readelf", "-SW", str(lib))
    s = re.search(rf"^\s*\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+) ([0-9a-f]+)", sections, re.M)
    if not s:
        raise SystemExit(f"icu_data: section {section} of {lib} not found")
    offset = value - int(s.group(1), 16) + int(s.group(2), 16)
    with lib.open("rb") as f:
        f.seek(offset)
        return name, f.read(size)


def slim(lib: Path, work: Path) -> Path:
    """`lib` rebuilt with only the kept items, same file name, SONAME and symbol."""
    work.mkdir(parents=True, exist_ok=True)
    symbol, data = _blob(lib)
    # icupkg takes the package name from the file name: icudt73_dat -> icudt73l (little-endian).
    package = symbol.removesuffix("_dat") + "l.dat"
    full, small = work / "full" / package, work / "small" / package
    full.parent.mkdir(exist_ok=True)
    small.parent.mkdir(exist_ok=True)
    full.write_bytes(data)
    items = _run("icupkg", "-l", str(full)).split()
    drop = work / "drop.txt"
    drop.write_text("".join(f"{i}\n" for i in items if not kept(i)))
    small.unlink(missing_ok=True)
    _run("icupkg", "-r", str(drop), str(full), str(small))  # refuses to drop what a kept item needs
    asm = work / "icudata.S"
    asm.write_text(f""".section .rodata
.balign 16
.globl {symbol}
.type {symbol}, @object
{symbol}:
.incbin "{small}"
.size {symbol}, . - {symbol}
.section .note.GNU-stack,"",@progbits
""")
    soname = re.search(r"SONAME\s+(\S+)", _run("objdump", "-p", str(lib)))
    out = work / lib.name
    _run("cc", "-shared", "-o", str(out), str(asm), f"-Wl,-soname,{soname.group(1) if soname else lib.name}")
    return out
