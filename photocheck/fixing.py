"""The photo fixer: frame, level, put on white, compress. It never judges; the checks do."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from photocheck.analysis import PhotoAnalysis, face_polygon
from photocheck.checks.result import CheckResult, Status
from photocheck.encoding import Encoded, EncodeError, encode_jpeg, encode_jpeg_under
from photocheck.framing import Framing, outside_source, plan, render, warp_mask
from photocheck.loading import Picture
from photocheck.profiles import Profile
from photocheck.vision.person import composite_on_white, matte, upscale_alpha


class FixError(Exception):
    """The fixer could not produce a file; `result` says why in the output.file check's words."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.message)
        self.result = result


@dataclass
class FixResult:
    upload: Encoded
    framing: Framing
    notes: list[str]
    _source: Picture = field(repr=False)
    _turns: int = 0
    _alpha: np.ndarray | None = field(default=None, repr=False)
    _quality: int = 95

    def render_original(self) -> tuple[bytes, tuple[int, int]]:
        """The same framing at the source's own resolution (never enlarged), on white, high quality."""
        factor = max(1.0, 1.0 / self.framing.scale)
        hi = self.framing.scaled(factor)
        rgb, _ = render(self._source.rgb, hi, self._turns)
        sh, sw = self._source.rgb.shape[:2]
        alpha = upscale_alpha(self._alpha, rgb) if self._alpha is not None else np.ones(rgb.shape[:2], np.float32)
        alpha[outside_source(hi, sw, sh, self._turns)] = 0.0
        out = composite_on_white(rgb, alpha)
        return encode_jpeg(out, self._quality), hi.size


def _output_polygon(a: PhotoAnalysis, m: np.ndarray) -> np.ndarray:
    poly = face_polygon(a.landmarks)  # analysis px
    return poly @ m[:, :2].T + m[:, 2]


def fix_from_analysis(full: Picture, a: PhotoAnalysis, p: Profile) -> FixResult:
    """Render the upload photo from the full-resolution source, using the analysis for geometry."""
    import cv2

    framing = plan(a, p)
    rgb, outside = render(full.rgb, framing, a.quarter_turns)
    to_out = framing.for_analysis(a.picture.scale)
    prior = warp_mask(a.mask, to_out, framing.size)
    poly = _output_polygon(a, to_out)
    x0, y0 = poly.min(axis=0)
    x1, y1 = poly.max(axis=0)
    alpha = matte(rgb, face_box=(float(x0), float(y0), float(x1), float(y1)), prior=prior)
    alpha[outside] = 0.0
    out = composite_on_white(rgb, alpha)

    face = np.zeros(out.shape[:2], np.uint8)
    cv2.fillPoly(face, [np.round(poly).astype(np.int32)], 1)
    o = p.output
    try:
        upload = encode_jpeg_under(
            out, o.max_bytes, min_quality=o.min_quality, max_quality=o.max_quality,
            floor_quality=o.floor_quality, subsampling=o.subsampling, progressive=o.progressive,
            protect=face.astype(bool),
        )
    except EncodeError as exc:
        raise FixError(
            CheckResult(
                "output.file", Status.FAIL, None, o.max_bytes, exc.message,
                "换一件纯色、无条纹的衣服重拍", message_en=exc.message_en,
            )
        ) from exc

    notes = [f"裁剪为{framing.size[0]}×{framing.size[1]}，头部占高度{framing.head_ratio:.0%}"]
    if a.quarter_turns:
        notes.append(f"照片已顺时针旋转{90 * a.quarter_turns}°")
    if framing.angle:
        notes.append(f"头部歪斜已校正{abs(framing.angle):.1f}°")
    if framing.scale > 1.0:
        notes.append(f"原图像素不足，已放大{framing.scale:.2f}倍")
    notes.append("背景已换成纯白")
    if upload.denoised:
        notes.append("衣服和背景已降噪，以便在大小上限内保持面部画质")
    notes.append(f"JPEG质量{upload.quality}，{len(upload.data):,}字节（上限{o.max_bytes:,}）")
    return FixResult(
        upload=upload, framing=framing, notes=notes, _source=full, _turns=a.quarter_turns,
        _alpha=alpha, _quality=o.original_quality,
    )
