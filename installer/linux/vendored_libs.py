"""Slimmer vendored libraries for the frozen Linux build (build_installer.spec calls `slim`).

The opencv-python-headless wheel links ffmpeg, libavif's AV1 codec and its own OpenBLAS into cv2
(hard DT_NEEDED entries), 80 MB the app does not run:
- ffmpeg (libavcodec, libavformat, libavutil, libswscale, and through them libvpx, libswresample,
  OpenSSL 1.1, libdrm) serves only cv2's FFMPEG video backend: video files and streams. The app and
  its camera capture (V4L2 on Linux) never use it, and the runtime hook turns the backend off
  (OPENCV_VIDEOIO_PRIORITY_FFMPEG=0), so cv2 never calls into it.
- libaom is libavif's AV1 coder, reached only when cv2 decodes or encodes AVIF, a format the app
  never hands to cv2 (photocheck.io.decode accepts no AVIF).
Each of these is replaced by a stub of the same name and symbol versions whose every function stops
the program with a message naming the library: cv2 still loads, and a call that should never happen
fails loudly instead of silently. Pillow's libxcb (and its libXau, 2.3 MB with its padding) serves
only ImageGrab's X11 screen grab, which the app never calls: stubbed the same way.
- OpenCV's OpenBLAS (39 MB with its Fortran runtime) serves 19 BLAS/LAPACK calls (gemm, solve, SVD,
  QR, Cholesky, eigen). They are forwarded to numpy's OpenBLAS, which the build ships anyway: same
  routines, 64-bit integers there, so each call widens its integer arguments.
Needs a C compiler on the build machine (cc).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

OPENCV, PILLOW = "opencv_python_headless.libs", "pillow.libs"  # the wheels' folders of vendored libraries
STUBBED = {(OPENCV, "libavcodec"), (OPENCV, "libavformat"), (OPENCV, "libavutil"), (OPENCV, "libswscale"),
           (OPENCV, "libaom"), (PILLOW, "libxcb")}
# Needed only by the stubbed libraries or by OpenCV's OpenBLAS: left out.
DROPPED = {(OPENCV, "libvpx"), (OPENCV, "libswresample"), (OPENCV, "libssl"), (OPENCV, "libcrypto"),
           (OPENCV, "libdrm"), (OPENCV, "libgfortran"), (OPENCV, "libquadmath"), (PILLOW, "libXau")}
FORWARDED = (OPENCV, "libopenblas")


def _key(dest: str) -> tuple[str, str]:
    """(the wheel's library folder, the library's name without its hash and version)."""
    return Path(dest).parent.name, Path(dest).name.split("-")[0]


def _symbols(lib: Path) -> list[tuple[str, str, str, int]]:
    """(kind 'F' or 'O', version or '', name, size) of every symbol `lib` exports by default."""
    out = subprocess.run(["objdump", "-T", str(lib)], check=True, capture_output=True, text=True).stdout
    found = []
    for m in re.finditer(r"^[0-9a-f]+ g\s+D([FO]) (\S+)\s+([0-9a-f]+)\s+(\S+)\s+(\S+)$", out, re.M):
        kind, section, size, version, name = m.groups()
        if section in ("*UND*", "*ABS*") or version.startswith("("):
            continue  # imports, version-node markers, non-default versions
        found.append((kind, "" if version == "Base" else version, name, int(size, 16)))
    return found


def _soname(lib: Path) -> str:
    out = subprocess.run(["objdump", "-p", str(lib)], check=True, capture_output=True, text=True).stdout
    m = re.search(r"SONAME\s+(\S+)", out)
    return m.group(1) if m else lib.name


def _compile(source: str, out: Path, soname: str, version_script: str = "", extra: list[str] | None = None) -> Path:
    c = out.with_suffix(".c")
    c.write_text(source)
    args = ["cc", "-std=gnu17", "-shared", "-fPIC", "-O2", "-o", str(out), str(c), f"-Wl,-soname,{soname}"]
    if version_script:
        vs = out.with_suffix(".map")
        vs.write_text(version_script)
        args.append(f"-Wl,--version-script={vs}")
    subprocess.run(args + (extra or []), check=True)
    return out


def stub(lib: Path, work: Path) -> Path:
    """A library with `lib`'s name, versions and exported symbols, each function stopping the program."""
    symbols = _symbols(lib)
    message = f"photocheck: {lib.name.split('-')[0]} is not part of this build\\n"
    lines = ["#include <stdio.h>", "#include <stdlib.h>",
             f'static void missing(void) {{ fputs("{message}", stderr); abort(); }}']
    versions: dict[str, list[str]] = {}
    for kind, version, name, size in symbols:
        lines.append(f"void {name}(void) {{ missing(); }}" if kind == "F" else f"char {name}[{max(size, 1)}];")
        versions.setdefault(version, []).append(name)
    script = "".join(f"{v} {{ global: {' '.join(n + ';' for n in names)} }};\n"
                     for v, names in versions.items() if v)
    return _compile("\n".join(lines) + "\n", work / lib.name, _soname(lib), script)


# cv2's BLAS/LAPACK imports, as (name, C parameters, call of numpy's 64-bit routine). `I(x)` passes
# a widened copy of the int pointed to; int arrays (pivots, workspace) are copied through `iv`.
_LAPACK = {
    "gesv": ("int *n, int *nrhs, T *a, int *lda, int *ipiv, T *b, int *ldb, int *info",
             "IV(p, *n); R(I(n), I(nrhs), a, I(lda), p, b, I(ldb), &info64); BACK(ipiv, p, *n);"),
    "getrf": ("int *m, int *n, T *a, int *lda, int *ipiv, int *info",
              "IV(p, MIN(*m, *n)); R(I(m), I(n), a, I(lda), p, &info64); BACK(ipiv, p, MIN(*m, *n));"),
    "posv": ("char *uplo, int *n, int *nrhs, T *a, int *lda, T *b, int *ldb, int *info",
             "R(uplo, I(n), I(nrhs), a, I(lda), b, I(ldb), &info64, (size_t)1);"),
    "potrf": ("char *uplo, int *n, T *a, int *lda, int *info", "R(uplo, I(n), a, I(lda), &info64, (size_t)1);"),
    "gels": ("char *trans, int *m, int *n, int *nrhs, T *a, int *lda, T *b, int *ldb, T *work, int *lwork, int *info",
             "R(trans, I(m), I(n), I(nrhs), a, I(lda), b, I(ldb), work, I(lwork), &info64, (size_t)1);"),
    "geqrf": ("int *m, int *n, T *a, int *lda, T *tau, T *work, int *lwork, int *info",
              "R(I(m), I(n), a, I(lda), tau, work, I(lwork), &info64);"),
    "gesdd": ("char *jobz, int *m, int *n, T *a, int *lda, T *s, T *u, int *ldu, T *vt, int *ldvt, T *work,"
              " int *lwork, int *iwork, int *info",
              "IV(p, 8 * MIN(*m, *n) + 1); (void)iwork;"
              " R(jobz, I(m), I(n), a, I(lda), s, u, I(ldu), vt, I(ldvt), work, I(lwork), p, &info64, (size_t)1);"),
    "geev": ("char *jobvl, char *jobvr, int *n, T *a, int *lda, T *wr, T *wi, T *vl, int *ldvl, T *vr, int *ldvr,"
             " T *work, int *lwork, int *info",
             "R(jobvl, jobvr, I(n), a, I(lda), wr, wi, vl, I(ldvl), vr, I(ldvr), work, I(lwork), &info64,"
             " (size_t)1, (size_t)1);"),
}
_FORWARDER_HEAD = r"""
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
typedef int64_t i64;
#define MIN(a, b) ((a) < (b) ? (a) : (b))
/* I(p): pointer to a 64-bit copy of *p, alive for the statement's call. */
#define I(p) (&(i64){*(p)})
#define IV(v, count) i64 v##_buf[64]; size_t v##_n = (size_t)(count); \
    i64 *v = v##_n <= 64 ? v##_buf : (i64 *)malloc(v##_n * sizeof(i64))
#define BACK(dst, v, count) for (size_t k_ = 0; k_ < (size_t)(count); k_++) (dst)[k_] = (int)(v)[k_]
#define FREE(v) if (v != v##_buf) free(v)
"""


def _forwarder_source(names: set[str]) -> str:
    parts = [_FORWARDER_HEAD]
    for name in sorted(names):
        if name.startswith("cblas_"):  # cblas_?gemm: enums stay int, sizes widen
            t = name[6]
            elem = "float" if t in "sc" else "double"
            scalar = elem if t in "sd" else "const void *"  # complex alpha/beta come by pointer
            ptr, out = (f"const {elem} *", f"{elem} *") if t in "sd" else ("const void *", "void *")
            parts.append(f"void scipy_{name}64_(int, int, int, i64, i64, i64, {scalar}, {ptr}, i64, {ptr}, i64,"
                         f" {scalar}, {out}, i64);")
            parts.append(f"void {name}(int order, int ta, int tb, int m, int n, int k, {scalar} alpha, {ptr}a,"
                         f" int lda, {ptr}b, int ldb, {scalar} beta, {out}c, int ldc)"
                         f" {{ scipy_{name}64_(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); }}")
            continue
        t, routine = name[0], name[1:-1]
        params, body = _LAPACK[routine]
        elem = "float" if t == "s" else "double"
        params = params.replace("T *", f"{elem} *")
        target = f"scipy_{t}{routine}_64_"
        parts.append(f"void {target}();")  # unprototyped: the 64-bit routine takes the widened arguments
        uses = [v for v in ("p",) if "IV(p" in body]
        body = body.replace("R(", f"{target}(")
        free = " ".join(f"FREE({v});" for v in uses)
        parts.append(f"void {name}({params}) {{ i64 info64 = 0; {body} {free} *info = (int)info64; }}")
    return "\n".join(parts) + "\n"


def forwarder(lib: Path, consumer: Path, numpy_blas: Path, work: Path) -> Path:
    """A library with `lib`'s name whose BLAS/LAPACK routines that `consumer` imports call numpy's."""
    out = subprocess.run(["objdump", "-T", str(consumer)], check=True, capture_output=True, text=True).stdout
    wanted = {m.group(1) for m in re.finditer(r"\*UND\*\s+\S+\s+Base\s+(\S+)$", out, re.M)}
    exported = {name for _, _, name, _ in _symbols(lib)}
    names = {n for n in wanted & exported if n.startswith("cblas_") or n[1:-1] in _LAPACK}
    missing = (wanted & exported) - names
    if missing:
        raise SystemExit(f"vendored_libs: no forwarder for {sorted(missing)} of {lib.name}")
    return _compile(_forwarder_source(names), work / lib.name, _soname(lib),
                    extra=[str(numpy_blas), f"-Wl,-rpath,$ORIGIN/../{numpy_blas.parent.name}"])


def slim(binaries: list[tuple[str, str, str]], work: Path) -> list[tuple[str, str, str]]:
    """The build's binaries with the unused vendored libraries stubbed, forwarded or dropped."""
    work.mkdir(parents=True, exist_ok=True)
    by_dest = {dest: src for dest, src, _ in binaries}
    cv2 = next(Path(src) for dest, src in by_dest.items() if Path(dest).name.startswith("cv2.abi3"))
    numpy_blas = next(Path(src) for dest, src in by_dest.items()
                      if Path(dest).parent.name == "numpy.libs" and "openblas" in Path(dest).name)
    # The wheel's hashed names are its own: their links at the top of the bundle go too.
    dropped = {Path(dest).name for dest in by_dest if _key(dest) in DROPPED}
    result = []
    for dest, src, kind in binaries:
        if Path(dest).name in dropped:
            continue
        folder, name = _key(dest)
        if (folder, name) in STUBBED:
            src = str(stub(Path(src), work))
        elif folder == FORWARDED[0] and name.startswith(FORWARDED[1]):
            src = str(forwarder(Path(src), cv2, numpy_blas, work))
        result.append((dest, src, kind))
    return result
