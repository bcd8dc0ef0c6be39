"""Size of the frozen Linux build: the onedir, the onedir as tar.xz, the twenty largest files with
what each is for, and the onedir by origin.

    make installer linux-packages
    .venv/bin/python benchmarks/installer_size.py [--xz "-6,-9,-9e -T1"] [dist/photocheck]

The archive measured is the tar.xz that make linux-packages wrote (xz -9) from this build, or,
without one or with --xz, the onedir compressed here at each level given (xz -9 by default;
several minutes per level on 2 cores).

Targets (issue 13): onedir <= 300 MB, tar.xz <= 130 MB (MB = 10^6 bytes; MiB shown alongside).
Exits 0 without measuring when there is no build.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import ROOT, print_command

ONEDIR_TARGET, ARCHIVE_TARGET = 300e6, 130e6

# What each large part is for, first match wins (paths relative to the onedir).
PURPOSE = [
    (r"cv2/cv2", "OpenCV: image processing, face detector (dnn), warps, JPEG/PNG codecs"),
    (r"opencv.*libopenblas", "OpenCV's BLAS/LAPACK calls, forwarded to numpy's OpenBLAS (Linux build)"),
    (r"opencv.*lib(av|sw)", "ffmpeg inside OpenCV's wheel (video files, unused; a stub in the Linux build)"),
    (r"opencv.*lib(aom|vpx|avif)", "AV1/VP8/VP9/AVIF codecs of OpenCV's wheel (unused; hard-linked)"),
    (r"opencv.*lib(gfortran|quadmath)", "Fortran runtime of OpenCV's OpenBLAS"),
    (r"opencv.*lib(crypto|ssl)", "OpenSSL 1.1 linked by OpenCV's ffmpeg (unused; hard-linked)"),
    (r"onnxruntime", "onnxruntime: runs the PP-OCR models (materials' text)"),
    (r"libicudata", "ICU data Qt Core reads (collation, time-zone names; the app's languages only)"),
    (r"libicu", "ICU: the Unicode library Qt Core links (collation, converters, case mapping)"),
    (r"numpy\.libs/libscipy_openblas", "numpy's OpenBLAS (linear algebra)"),
    (r"numpy\.libs/lib(gfortran|quadmath)", "Fortran runtime of numpy's OpenBLAS"),
    (r"numpy/", "numpy"),
    (r"rapidocr/models/.*rec", "PP-OCR recognition model (reads the text on materials)"),
    (r"rapidocr/models/.*det", "PP-OCR detection model (finds text lines)"),
    (r"rapidocr/models/.*cls", "PP-OCR orientation classifier"),
    (r"libQt6Gui", "Qt GUI: painting, fonts, images, windows"),
    (r"libQt6Widgets", "Qt Widgets: the window's controls"),
    (r"libQt6Core", "Qt Core"),
    (r"libQt6XcbQpa|plugins/platforms", "Qt platform integration (X11 / offscreen)"),
    (r"PySide6/Qt\w+\.abi3", "PySide6 bindings for one Qt module"),
    (r"shiboken6", "shiboken6: PySide6's binding runtime"),
    (r"pdfium", "pdfium: renders PDF materials"),
    (r"^photocheck-gui$", "the window's executable (bootloader + its Python archive; on Linux also the CLI)"),
    (r"^photocheck$", "the command line's executable (bootloader + its Python archive)"),
    (r"libpython", "the Python interpreter (stripped)"),
    (r"geos|shapely", "GEOS/shapely: text-box geometry in rapidocr"),
    (r"pi_heif", "libheif/libde265: HEIC photos from iPhones (decoder only)"),
    (r"pillow\.libs|PIL/", "Pillow and its codecs (JPEG, PNG, WebP, TIFF, colour management)"),
    (r"pyclipper", "pyclipper: expands rapidocr's text boxes"),
    (r"libcrypto\.so\.3|libssl", "OpenSSL 3 for Python's hashlib/ssl"),
    (r"_yaml|yaml/", "PyYAML (rapidocr's config)"),
    (r"libstdc\+\+", "C++ runtime"),
    (r"lib-dynload|python3\.\d+/", "Python standard library extension modules (stripped)"),
    (r"base_library\.zip", "Python standard library (bytecode)"),
    (r"resources/", "photocheck's own profiles, face models, samples, icons"),
    (r"libglib|libgcrypt|libX11|libxcb|libxkb|libdbus|libfontconfig|libfreetype|libsystemd|liblzma|libzstd",
     "system libraries Qt links (X11/xcb, fontconfig, D-Bus, GLib), bundled"),
]
ORIGIN = [
    (r"cv2/|opencv", "OpenCV"), (r"PySide6|shiboken6|libicu|libQt", "Qt (PySide6)"),
    (r"numpy", "numpy"), (r"onnxruntime", "onnxruntime"), (r"rapidocr", "rapidocr models"),
    (r"pillow|PIL/", "Pillow"), (r"pi_heif", "pi-heif"), (r"pdfium", "pdfium"),
    (r"^photocheck(-gui)?$", "the executables"), (r"libpython|lib-dynload|python3\.|base_library", "Python"),
    (r"resources/", "photocheck resources"),
]


def classify(rel: str, table: list[tuple[str, str]], default: str) -> str:
    return next((what for pattern, what in table if re.search(pattern, rel)), default)


def xz_size(onedir: Path, level: str) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "o.tar.xz"
        started = time.perf_counter()
        tar = subprocess.Popen(["tar", "-C", str(onedir.parent), "--sort=name", "--owner=0", "--group=0",
                                "-cf", "-", onedir.name], stdout=subprocess.PIPE)
        with out.open("wb") as fh:
            flags = level.split()  # e.g. "-9" or "-9e -T1" (one thread: one block, a little smaller)
            flags += [] if any(f.startswith("-T") for f in flags) else ["-T2"]
            subprocess.run(["xz", *flags], stdin=tar.stdout, stdout=fh, check=True)
        assert tar.wait() == 0
        return out.stat().st_size, time.perf_counter() - started


def mb(n: float) -> str:
    return f"{n / 1e6:6.1f} MB ({n / 2**20:6.1f} MiB)"


def main() -> int:
    print_command()
    args = sys.argv[1:]
    levels = []
    if args[:1] == ["--xz"]:
        levels, args = args[1].split(","), args[2:]
    onedir = Path(args[0]) if args else ROOT / "dist" / "photocheck"
    if not (onedir / "photocheck").exists():
        print(f"no build in {onedir}: run `make installer` first (skipped)")
        return 0
    files = [(p.stat().st_size, p.relative_to(onedir).as_posix()) for p in onedir.rglob("*")
             if p.is_file() and not p.is_symlink()]
    total = sum(s for s, _ in files)
    print(f"onedir {onedir}: {len(files)} files, {mb(total)}")

    print("\ntwenty largest files:")
    for size, rel in sorted(files, reverse=True)[:20]:
        print(f"  {size / 1e6:6.1f} MB  {rel}\n            {classify(rel, PURPOSE, '?')}")

    by_origin: dict[str, int] = defaultdict(int)
    for size, rel in files:
        by_origin[classify(rel, ORIGIN, "other (Python packages, system libraries)")] += size
    print("\nby origin:")
    for what, size in sorted(by_origin.items(), key=lambda kv: -kv[1]):
        print(f"  {size / 1e6:6.1f} MB  {what}")

    sizes = {}
    built = (onedir / "photocheck").stat().st_mtime
    packaged = [p for p in sorted(onedir.parent.glob(f"{onedir.name}-*-linux-*.tar.xz")) if p.stat().st_mtime >= built]
    if packaged and not levels:
        sizes["-9"] = packaged[-1].stat().st_size
        print(f"\ncompressed: {packaged[-1].name} (make linux-packages, xz -9): {mb(sizes['-9'])}")
    else:
        print("\ncompressed here (tar | xz, two threads unless -T given):")
        for level in levels or ["-9"]:
            size, seconds = xz_size(onedir, level)
            sizes[level] = size
            print(f"  xz {level}: {mb(size)} in {seconds:.0f} s")
    level, archive = min(sizes.items(), key=lambda kv: kv[1])
    ok_dir, ok_xz = total <= ONEDIR_TARGET, archive <= ARCHIVE_TARGET
    print(f"\nonedir {total / 1e6:.1f} MB (target <= 300 MB) {'OK' if ok_dir else 'MISSED'}")
    print(f"tar.xz {level} {archive / 1e6:.1f} MB (target <= 130 MB) {'OK' if ok_xz else 'MISSED'}")
    return 0 if ok_dir and ok_xz else 1


if __name__ == "__main__":
    sys.exit(main())
