"""The live framing guide over a camera preview: where the photo's frame, the head, the crown and
the eyes must be, and what the candidate should do, at video rate.

The guide treats the largest rectangle of the profile's aspect ratio centred in the camera frame
as the photo and judges the face in it with the measures the photo checks use (measure_head, the
face mesh's pose and eye/mouth opening) against the same profile limits: a hint shows wherever the
check would not pass (face.size, face.position, face.pose, face.eyes_open, face.mouth_closed).
It runs on a reduced frame and skips the person segmentation (too slow for video): the crown is
measure_head's estimate from the face mesh, a quarter of the forehead-to-chin height above the
top of the forehead, which the checks also use where the mask shows no hair. Voluminous hair or
a hat reaches higher than that: the check after the shot, which segments the person, is the judge.

Left and right in the hints are the candidate's own (the camera image is not mirrored: the
candidate's left is the image's right).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from photocheck.labels import hint_text
from photocheck.photo.analysis import face_polygon, measure_head
from photocheck.rules.profile import Profile
from photocheck.vision.face import Detection, FaceLandmarks, detect_faces, face_landmarks

LIVE_SIDE = 640  # px: long side of the frame the guide analyses (a 1280x720 camera: half size)
HEAD_WIDTH = 0.72  # the drawn target oval's width / its height (a drawing, not a rule)

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class LiveGuide:
    """What to draw over one camera frame, in that frame's pixels, and the hints (ids; texts via
    `texts`). `face_oval` is None when no single face was found."""

    size: tuple[int, int]  # width, height of the frame judged
    frame: Box  # the photo's frame in the camera picture
    target: Box  # the box of the oval the head should fill
    crown_band: tuple[float, float]  # y range where the top of the head must be
    eye_band: tuple[float, float]  # y range of the eye line
    face_oval: np.ndarray | None  # (N, 2) the face found
    crown_y: float | None  # the crown estimated for it
    eye_y: float | None
    head_ratio: float | None  # crown to chin / frame height
    hints: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return self.face_oval is not None and not self.hints

    def texts(self, en: bool = False) -> list[str]:
        """The hints for people, most important first; one "ready" line when there are none."""
        return [hint_text(h, en) for h in (self.hints or (("ready",) if self.ready else ()))]


def photo_frame(width: float, height: float, profile: Profile) -> Box:
    """The largest rectangle of the profile's aspect ratio centred in a width x height picture."""
    o = profile.output
    ow, oh = o.exact_size or (o.min_width or 1, o.min_height or 1)
    aspect = ow / oh
    fw, fh = (height * aspect, height) if width / height > aspect else (width, width / aspect)
    x0, y0 = (width - fw) / 2, (height - fh) / 2
    return x0, y0, x0 + fw, y0 + fh


def live_guide(rgb: np.ndarray, profile: Profile) -> LiveGuide:
    import cv2

    h, w = rgb.shape[:2]
    k = min(1.0, LIVE_SIDE / max(h, w))
    small = cv2.resize(rgb, (max(1, round(w * k)), max(1, round(h * k))), interpolation=cv2.INTER_AREA) \
        if k < 1.0 else np.ascontiguousarray(rgb[..., :3])
    g = profile.geometry
    frame = photo_frame(w, h, profile)
    x0, y0, x1, y1 = frame
    fh = y1 - y0
    top = y0 + g.crown_margin_target * fh
    head_h = g.head_height_target * fh
    cx = (x0 + x1) / 2
    target = (cx - HEAD_WIDTH * head_h / 2, top, cx + HEAD_WIDTH * head_h / 2, top + head_h)
    bands = {
        "crown_band": (y0 + g.crown_margin[0] * fh, y0 + g.crown_margin[1] * fh),
        "eye_band": (y0 + g.eye_line[0] * fh, y0 + g.eye_line[1] * fh),
    }

    rules = profile.checks.face_count
    found = _find_faces(small, [v * k for v in frame], profile)
    largest = found[0].area if found else 0.0
    faces = [d for d in found if d.area >= rules.min_relative_area * largest]
    none = LiveGuide((w, h), frame, target, face_oval=None, crown_y=None, eye_y=None, head_ratio=None,
                     hints=("many_faces" if faces else "no_face",), **bands)
    if len(faces) != 1:
        return none
    lm = face_landmarks(small, faces[0])
    # The face measured in the photo's frame, at the reduced scale.
    sx0, sy0, sx1, sy1 = (v * k for v in frame)
    in_frame = dataclasses.replace(lm, points=lm.points - np.array([sx0, sy0, 0.0], np.float32))
    head = measure_head(None, in_frame, (max(1, round(sy1 - sy0)), max(1, round(sx1 - sx0))))
    return LiveGuide(
        (w, h), frame, target, face_oval=face_polygon(lm) / k, crown_y=(head.crown_y + sy0) / k,
        eye_y=float(lm.eye_mid[1]) / k, head_ratio=head.head_ratio,
        hints=tuple(_placement(head.head_ratio, head.crown_margin, head.eye_line, head.centre_offset, profile)
                    + _pose(lm, profile)),
        **bands,
    )


def _find_faces(small: np.ndarray, frame: list[float], profile: Profile) -> list[Detection]:
    """The faces, with the slow full-range detector skipped once a face is full_range_below as wide
    as the square around the photo's frame (the checks' rule, taken against the photo rather than
    the 16:9 picture: a well-placed face is narrower than that share of the picture's width and
    would make the full-range detector run every frame)."""
    rules = profile.checks.face_count
    x0, y0, x1, y1 = frame
    share = max(x1 - x0, y1 - y0) / max(small.shape[:2])
    return detect_faces(small, min_score=rules.min_score, full_range_below=rules.full_range_below * share)


def _placement(ratio: float, crown: float, eyes: float, offset: float, profile: Profile) -> list[str]:
    """face.size and face.position: nearer or farther first; the height only once the size fits."""
    g = profile.geometry
    size = "closer" if ratio < g.head_height[0] else "farther" if ratio > g.head_height[1] else None
    hints = [size] if size else []
    if abs(offset) > g.center_tolerance:
        hints.append("move_right" if offset > 0 else "move_left")  # image right is the candidate's left
    if size is None:
        high = crown < g.crown_margin[0] or eyes < g.eye_line[0]
        low = crown > g.crown_margin[1] or eyes > g.eye_line[1]
        if high != low:
            hints.append("move_down" if high else "move_up")
    return hints


def _pose(lm: FaceLandmarks, profile: Profile) -> list[str]:
    """face.pose (past the warning limits, or a roll the fix would have to level), eyes, mouth."""
    pose = profile.checks.pose
    hints = []
    if abs(lm.yaw) > pose.warn_yaw:
        hints.append("turn_right" if lm.yaw > 0 else "turn_left")  # yaw > 0: turned to their own left
    if abs(lm.pitch) > pose.warn_pitch:
        hints.append("chin_down" if lm.pitch > 0 else "chin_up")
    if abs(lm.roll) > pose.tolerance_roll:
        hints.append("level")
    if min(lm.eye_openness) < profile.checks.eyes_open.min_openness:
        hints.append("open_eyes")
    if lm.mouth_openness > profile.checks.mouth_closed.max_openness:
        hints.append("close_mouth")
    return hints
