"""Re-derive resources/models/ from the mediapipe==0.10.21 wheel and check every sha256.

Development-time only: the application never downloads anything.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent.parent / "resources" / "models"
WHEEL = "mediapipe==0.10.21"
# file name -> (path inside the wheel, sha256)
MODELS = {
    "face_detection_short_range.tflite": (
        "mediapipe/modules/face_detection/face_detection_short_range.tflite",
        "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8",
    ),
    "face_detection_full_range_sparse.tflite": (
        "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite",
        "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1",
    ),
    "face_landmark.tflite": (
        "mediapipe/modules/face_landmark/face_landmark.tflite",
        "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814",
    ),
    "selfie_segmentation.tflite": (
        "mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite",
        "9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c",
    ),
}
# OpenCV's DNN cannot load the full-range detector as shipped (DENSIFY, DEPTH_TO_SPACE): this copy
# has its weights stored dense and stops before the last DEPTH_TO_SPACE, which runs in numpy.
DERIVED = {
    "face_detection_full_range_opencv.tflite": (
        "face_detection_full_range_sparse.tflite",
        "13f90e61076cee8641970b0e827c47be3b834d3e1f747a65dec7a04da13eb2bf",
    ),
}
LICENSE = ("mediapipe-0.10.21.dist-info/LICENSE", "LICENSE-mediapipe-Apache-2.0.txt")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def derive_opencv(source: bytes) -> bytes:
    """The OpenCV-loadable full-range detector, byte for byte reproducible from the original."""
    sys.path.insert(0, str(MODELS_DIR.parent.parent))
    from tflite_compat import DEPTH_TO_SPACE, cut_before, densify

    return cut_before(densify(source), DEPTH_TO_SPACE)[0]


def verify() -> bool:
    ok = True
    for name, (source, digest) in DERIVED.items():
        rebuilt = sha256(derive_opencv((MODELS_DIR / source).read_bytes()))
        shipped = sha256((MODELS_DIR / name).read_bytes()) if (MODELS_DIR / name).exists() else "missing"
        good = rebuilt == shipped == digest
        print(f"{'ok ' if good else 'BAD'} {name} {shipped} (re-derived from {source}: {rebuilt})")
        ok &= good
    for name, (_, digest) in MODELS.items():
        path = MODELS_DIR / name
        got = sha256(path.read_bytes()) if path.exists() else "missing"
        print(f"{'ok ' if got == digest else 'BAD'} {name} {got}")
        ok &= got == digest
    return ok


def derive() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # The model files are identical in every platform's wheel; pin one so any host can fetch it.
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64", WHEEL, "-d", tmp],
            check=True,
        )
        wheel = next(Path(tmp).glob("mediapipe-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            for name, (inner, digest) in MODELS.items():
                data = zf.read(inner)
                if sha256(data) != digest:
                    raise SystemExit(f"{inner}: sha256 {sha256(data)} != expected {digest}")
                (MODELS_DIR / name).write_bytes(data)
            (MODELS_DIR / LICENSE[1]).write_bytes(zf.read(LICENSE[0]))
    for name, (source, _) in DERIVED.items():
        (MODELS_DIR / name).write_bytes(derive_opencv((MODELS_DIR / source).read_bytes()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verify", action="store_true", help="only check the files in place")
    args = parser.parse_args()
    if not args.verify:
        derive()
    sys.exit(0 if verify() else 1)


if __name__ == "__main__":
    main()
