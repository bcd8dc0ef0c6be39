"""Peak RSS and wall time of one command per hostile input (targets: < 1 GB and < 10 s each).

Generates each case in a temp dir: strips of extreme shape, a tiny PDF whose page is 1e6 x 1 pt,
a pixel bomb, a sparse 3 GB file named .jpg, /dev/zero, a FIFO, a folder, a 1x1 PNG, a damaged
JPEG and a narrow strip within the shape limit (read by OCR in tiles). Each command runs in a
child process; its own peak RSS comes from os.wait4, so cases do not mask each other.

    python benchmarks/bounded_inputs.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_MB, LIMIT_S = 1024, 10.0


def _jpeg(path: Path, h: int, w: int, *, damage: bool = False) -> Path:
    import cv2
    import numpy as np

    rng = np.random.default_rng(0)
    img: np.ndarray = np.full((h, w, 3), 240, np.uint8)
    img[:: max(1, h // 20)] = 30  # a few dark rows: something for the detector to look at
    img = cv2.GaussianBlur(img, (3, 3), 1) if min(h, w) >= 3 else img
    img = np.clip(img.astype(np.int16) + rng.integers(-8, 8, img.shape), 0, 255).astype(np.uint8)
    _, buf = cv2.imencode(".jpg", img)
    data = bytearray(buf.tobytes())
    if damage:
        mid = int(len(data) * 0.5)
        for i in range(64):
            data[mid + i] ^= 0xFF
    path.write_bytes(data)
    return path


def _pdf(path: Path, width_pt: float, height_pt: float) -> Path:
    """A minimal valid one-page PDF with the given MediaBox and no content."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width_pt:.3f} {height_pt:.3f}] >>".encode(),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)
    return path


def _bomb_png(path: Path, side: int = 30000) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    ihdr = side.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))
    return path


def _tiny_png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (1, 1), "white").save(path)
    return path


def cases(d: Path) -> dict[str, list[str]]:
    material = ["material", "fix"]
    sparse = d / "huge.jpg"
    with open(sparse, "wb") as f:  # 3 GB without using the disk
        f.write(b"\xff\xd8\xff\xe0")
        f.truncate(3 * 1024**3)
    fifo = d / "fifo.jpg"
    os.mkfifo(fifo)
    (d / "folder.jpg").mkdir()
    return {
        "jpeg 10x10000 (material fix)": [*material, str(_jpeg(d / "tall.jpg", 10000, 10)), "-o", str(d / "o1")],
        "jpeg 10000x10 (material fix)": [*material, str(_jpeg(d / "wide.jpg", 10, 10000)), "-o", str(d / "o2")],
        "pdf page 1e6x1 pt (material fix)": [*material, str(_pdf(d / "strip.pdf", 1e6, 1)), "-o", str(d / "o3")],
        "png 30000x30000 header (material fix)": [*material, str(_bomb_png(d / "bomb.png")), "-o", str(d / "o4")],
        "png 1x1 (material fix)": [*material, str(_tiny_png(d / "dot.png")), "-o", str(d / "o5")],
        "jpeg 120x2400 strip, OCR tiles (material fix)": [*material, str(_jpeg(d / "strip.jpg", 2400, 120)),
                                                          "-o", str(d / "o6")],
        "jpeg 64 bytes flipped (photo check)": ["photo", "check", str(_jpeg(d / "dmg.jpg", 600, 450, damage=True))],
        "sparse 3 GB .jpg (photo check)": ["photo", "check", str(sparse)],
        "/dev/zero (photo check)": ["photo", "check", "/dev/zero"],
        "FIFO (photo check)": ["photo", "check", str(fifo)],
        "folder (material fix)": [*material, str(d / "folder.jpg"), "-o", str(d / "o7")],
    }


# The child reports its own peak (VmHWM) at exit: a child's ru_maxrss starts from its parent's
# RSS at the fork (Linux records the old memory's high-water mark at exec), so under a big parent
# such as a test run it measures the parent, not the command.
_PEAK = """import atexit, os, runpy, sys
def _peak():
    with open("/proc/self/status") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
    with open(os.environ["PHOTOCHECK_PEAK_FILE"], "w") as out:
        out.write(str(kb))
atexit.register(_peak)
sys.argv = ["photocheck", *sys.argv[1:]]
runpy.run_module("photocheck", run_name="__main__")
"""


def run(args: list[str], timeout: float = 120) -> tuple[float, float, int, str]:
    """(peak RSS MB, seconds, exit code, last stderr line) of `python -m photocheck ARGS`."""
    peak_file = Path(tempfile.mkdtemp(prefix="photocheck-peak-")) / "peak"
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _PEAK, *args], cwd=ROOT,
                            env={**os.environ, "PHOTOCHECK_PEAK_FILE": str(peak_file)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.send_signal(signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    out = (proc.stdout.read() if proc.stdout else "") + (proc.stderr.read() if proc.stderr else "")
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [ln for ln in out.splitlines() if ln.strip()]
    said = next((ln for ln in lines if "错误" in ln or "WARN" in ln or "警告" in ln or "file.readable" in ln),
                lines[-1] if lines else "")
    peak_kb = int(peak_file.read_text()) if peak_file.exists() else usage.ru_maxrss  # killed: no report
    peak_file.unlink(missing_ok=True)
    peak_file.parent.rmdir()
    return peak_kb / 1024, seconds, proc.returncode, said.strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="run only cases whose name contains one of these")
    opts = ap.parse_args()
    worst = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in cases(Path(tmp)).items():
            if opts.only and not any(o in name for o in opts.only):
                continue
            rss, seconds, code, said = run(args)
            ok = rss < LIMIT_MB and seconds < LIMIT_S
            worst = max(worst, 0 if ok else 1)
            print(f"{'ok  ' if ok else 'OVER'} {name:<48} {rss:7.0f} MB {seconds:6.2f} s  exit {code}  {said[:110]}",
                  flush=True)
    print(f"targets: peak RSS < {LIMIT_MB} MB and < {LIMIT_S:.0f} s per case")
    return worst


if __name__ == "__main__":
    sys.exit(main())
