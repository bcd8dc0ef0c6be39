"""photocheck: offline checks and fixes for NMEC registration photos and materials.

The package never imports Qt; heavy modules (cv2, onnxruntime) load lazily so the CLI starts fast.
"""

__version__ = "0.1.0"
