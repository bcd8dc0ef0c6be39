"""Face detection (BlazeFace short + full range), 468-point face mesh, head pose, eye/mouth opening.

MediaPipe 0.10.21's models run through cv2.dnn; anchor decoding, ROI geometry and the pose are
done here in numpy. All coordinates are pixels of the RGB array handed in.

cv2.dnn engines (OpenCV 5.0): the new engine exposes only one output per net, so BlazeFace would
need two forward passes; every model here therefore runs on the classic engine, loaded from its
path, both outputs in one pass. OpenCV cannot load the full-range model as MediaPipe ships it
(DENSIFY, DEPTH_TO_SPACE); the file shipped is derived from it by scripts/derive_models.py with
tflite_compat, and the final DEPTH_TO_SPACE is done here in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from photocheck.vision.runtime import net

_SHORT_MODEL = "face_detection_short_range.tflite"
_FULL_MODEL = "face_detection_full_range_opencv.tflite"  # derived: see resources/models/PROVENANCE.md
_MESH_MODEL = "face_landmark.tflite"
_MESH_SIZE = 192
_NMS_IOU = 0.3
_ROI_SCALE = 1.5  # MediaPipe's detection -> mesh ROI enlargement

# Mesh indices (MediaPipe canonical order). "Right" is the subject's right (image left).
_RIGHT_EYE_CORNERS = (33, 133)
_LEFT_EYE_CORNERS = (362, 263)
_RIGHT_EYE_LIDS = ((159, 145), (158, 153), (160, 144))
_LEFT_EYE_LIDS = ((386, 374), (385, 380), (387, 373))
_INNER_LIPS = ((13, 14), (82, 87), (312, 317))
_MOUTH_CORNERS = (61, 291)
_CHIN = 152
_FOREHEAD = 10
# The face oval, clockwise from the top of the forehead.
FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
    148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)



@dataclass(frozen=True)
class _DetectorSpec:
    model: str
    size: int  # square input side, also the regression scale
    strides: tuple[int, ...]
    interpolated: bool  # one extra anchor per layer (interpolated_scale_aspect_ratio = 1)


_SHORT = _DetectorSpec(_SHORT_MODEL, 128, (8, 16, 16, 16), True)
_FULL = _DetectorSpec(_FULL_MODEL, 192, (4,), False)


@dataclass(frozen=True)
class Detection:
    """One face found by BlazeFace.

    keypoints: (6, 2) float32 image px: right eye, left eye, nose tip, mouth centre, right ear
    tragion, left ear tragion (the subject's right, i.e. image left on a frontal face).
    """

    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in input-image pixels
    score: float
    keypoints: np.ndarray

    @property
    def area(self) -> float:
        x0, y0, x1, y1 = self.box
        return max(0.0, x1 - x0) * max(0.0, y1 - y0)


@dataclass(frozen=True)
class FaceLandmarks:
    """The face mesh of one face and what is measured on it.

    yaw: degrees, positive when the face points towards the image right (the subject turns to
    their own left). pitch: degrees, positive when the face points up (chin raised).
    roll: degrees, angle of the eye line (subject's right eye -> left eye) below the image
    horizontal; cv2.getRotationMatrix2D(eye_mid, roll, 1) levels the eyes. An image rotated with
    cv2.getRotationMatrix2D(c, a, 1) therefore measures roll = -a.
    eye_openness: (subject right, subject left) eyelid opening / eye-midpoint-to-chin distance.
    mouth_openness: inner-lip opening / eye-midpoint-to-chin distance.
    """

    points: np.ndarray  # (468, 3) float32: x, y image px, z same scale
    presence: float
    yaw: float
    pitch: float
    roll: float
    eye_openness: tuple[float, float]
    mouth_openness: float

    @property
    def eye_right(self) -> np.ndarray:
        mid: np.ndarray = self.points[list(_RIGHT_EYE_CORNERS), :2].mean(axis=0)
        return mid

    @property
    def eye_left(self) -> np.ndarray:
        mid: np.ndarray = self.points[list(_LEFT_EYE_CORNERS), :2].mean(axis=0)
        return mid

    @property
    def eye_mid(self) -> np.ndarray:
        mid: np.ndarray = (self.eye_right + self.eye_left) / 2
        return mid

    @property
    def chin(self) -> np.ndarray:
        return self.points[_CHIN, :2]

    @property
    def forehead(self) -> np.ndarray:
        return self.points[_FOREHEAD, :2]

    @property
    def face_height(self) -> float:
        return float(np.linalg.norm(self.chin - self.eye_mid))


# ---------------------------------------------------------------------------------------------
# Detection


@cache
def _anchors(spec: _DetectorSpec) -> np.ndarray:
    """SSD anchor centres (N, 2) in [0, 1], MediaPipe order; anchor sizes are fixed to 1."""
    centres = []
    for stride in dict.fromkeys(spec.strides):  # consecutive equal strides share one grid
        per_cell = spec.strides.count(stride) * (2 if spec.interpolated else 1)
        cells = -(-spec.size // stride)
        ys, xs = np.mgrid[0:cells, 0:cells]
        grid = np.stack([(xs + 0.5) / cells, (ys + 0.5) / cells], axis=-1).reshape(-1, 2)
        centres.append(np.repeat(grid, per_cell, axis=0))
    return np.concatenate(centres).astype(np.float32)


@dataclass(frozen=True)
class _Letterbox:
    """Maps model-input pixels back to image pixels: image = (input - pad) / scale."""

    scale: float
    pad_x: float
    pad_y: float


def _letterbox(rgb: np.ndarray, size: int) -> tuple[np.ndarray, _Letterbox]:
    """Fit the image into a size x size square without stretching; returns NCHW float [-1, 1]."""
    import cv2

    h, w = rgb.shape[:2]
    scale = size / max(h, w)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(rgb, (nw, nh), interpolation=interp)
    canvas = np.zeros((size, size, 3), np.uint8)
    px, py = (size - nw) // 2, (size - nh) // 2
    canvas[py : py + nh, px : px + nw] = small
    blob = canvas.astype(np.float32).transpose(2, 0, 1)[None] * (2 / 255) - 1
    return np.ascontiguousarray(blob), _Letterbox(nw / w, px, py)


def _depth_to_space(nchw: np.ndarray, block: int = 2) -> np.ndarray:
    """TFLite DEPTH_TO_SPACE of an NCHW array, flattened to (H*block*W*block, C_out) rows."""
    _, c, h, w = nchw.shape
    out_c = c // (block * block)
    x = nchw[0].transpose(1, 2, 0).reshape(h, w, block, block, out_c)
    rows: np.ndarray = x.transpose(0, 2, 1, 3, 4).reshape(h * block * w * block, out_c)
    return rows


def _run_detector(spec: _DetectorSpec, blob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw (N,) logits and (N, 16) regressions."""
    model = net(spec.model)
    model.setInput(blob)
    if spec is _SHORT:
        logits, regs = model.forward(["classificators", "regressors"])
        return logits.reshape(-1), regs.reshape(-1, 16)
    scores, boxes = (_depth_to_space(h) for h in model.forward(model.getUnconnectedOutLayersNames()))
    return scores.reshape(-1), boxes


def _raw_detections(rgb: np.ndarray, spec: _DetectorSpec, min_score: float) -> list[Detection]:
    blob, lb = _letterbox(rgb, spec.size)
    logits, regs = _run_detector(spec, blob)
    scores = 1 / (1 + np.exp(-np.clip(logits.astype(np.float64), -100, 100)))
    keep = np.flatnonzero(scores >= min_score)
    anchors = _anchors(spec)[keep] * spec.size
    r = regs[keep]
    cx, cy = anchors[:, 0] + r[:, 0], anchors[:, 1] + r[:, 1]
    half = r[:, 2:4] / 2
    boxes = np.stack([cx - half[:, 0], cy - half[:, 1], cx + half[:, 0], cy + half[:, 1]], 1)
    kps = r[:, 4:16].reshape(-1, 6, 2) + anchors[:, None, :]
    offset = np.array([lb.pad_x, lb.pad_y], np.float32)
    boxes = (boxes - np.tile(offset, 2)) / lb.scale
    kps = (kps - offset) / lb.scale
    return [
        Detection(_box(b), float(s), k.astype(np.float32))
        for b, s, k in zip(boxes, scores[keep], kps, strict=True)
    ]


def _box(values: np.ndarray) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in values)
    return x0, y0, x1, y1


def _iou(a: tuple[float, ...], boxes: np.ndarray) -> np.ndarray:
    x0 = np.maximum(a[0], boxes[:, 0])
    y0 = np.maximum(a[1], boxes[:, 1])
    x1 = np.minimum(a[2], boxes[:, 2])
    y1 = np.minimum(a[3], boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    iou: np.ndarray = inter / np.maximum(area_a + areas - inter, 1e-9)
    return iou


def _weighted_nms(dets: list[Detection], iou: float) -> list[Detection]:
    """MediaPipe's WEIGHTED suppression: each cluster averages box and keypoints by score."""
    order = sorted(dets, key=lambda d: d.score, reverse=True)
    out: list[Detection] = []
    while order:
        boxes = np.array([d.box for d in order], np.float32)
        overlap = _iou(order[0].box, boxes) > iou
        cluster = [d for d, o in zip(order, overlap, strict=True) if o]
        weights = np.array([d.score for d in cluster], np.float32)[:, None]
        box = (boxes[overlap] * weights).sum(0) / weights.sum()
        kps = (np.stack([d.keypoints for d in cluster]) * weights[:, :, None]).sum(0)
        out.append(Detection(_box(box), order[0].score, kps / weights.sum()))
        order = [d for d, o in zip(order, overlap, strict=True) if not o]
    return out


def detect_faces(
    rgb: np.ndarray, min_score: float = 0.5, full_range_below: float = 0.3
) -> list[Detection]:
    """Faces in an HxWx3 uint8 RGB image, largest first.

    The short-range model (fast, faces down to about a tenth of the long side) always runs. The
    full-range model (faces down to a few percent of the long side, about 4x slower) runs as
    well unless short range already found a face at least `full_range_below` of the long side
    wide; pass 0 to always run both. Both sets are merged with weighted NMS.
    """
    rgb = np.ascontiguousarray(rgb[..., :3])
    dets = _raw_detections(rgb, _SHORT, min_score)
    long_side = max(rgb.shape[:2])
    widest = max((d.box[2] - d.box[0] for d in dets), default=0.0)
    if widest < full_range_below * long_side or full_range_below <= 0:
        dets += _raw_detections(rgb, _FULL, min_score)
    return sorted(_weighted_nms(dets, _NMS_IOU), key=lambda d: d.area, reverse=True)


# ---------------------------------------------------------------------------------------------
# Mesh


def _roi_transform(det: Detection) -> np.ndarray:
    """2x3 affine mapping mesh-input pixels to image pixels (rotated square ROI, MediaPipe)."""
    x0, y0, x1, y1 = det.box
    right_eye, left_eye = det.keypoints[0], det.keypoints[1]
    angle = np.arctan2(left_eye[1] - right_eye[1], left_eye[0] - right_eye[0])
    side = max(x1 - x0, y1 - y0) * _ROI_SCALE
    c, s = np.cos(angle), np.sin(angle)
    k = side / _MESH_SIZE
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    linear = np.array([[c, -s], [s, c]]) * k
    return np.hstack([linear, (centre - linear @ np.full(2, _MESH_SIZE / 2))[:, None]])


def _mesh(rgb: np.ndarray, det: Detection) -> tuple[np.ndarray, float]:
    import cv2

    to_image = _roi_transform(det)
    crop = cv2.warpAffine(
        rgb,
        to_image,
        (_MESH_SIZE, _MESH_SIZE),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
    )
    blob = np.ascontiguousarray(crop.astype(np.float32).transpose(2, 0, 1)[None] / 255)
    model = net(_MESH_MODEL)
    model.setInput(blob)
    raw, logit = model.forward(["conv2d_21", "conv2d_31"])
    local = raw.reshape(468, 3)
    points = np.empty_like(local)
    points[:, :2] = local[:, :2] @ to_image[:, :2].T + to_image[:, 2]
    points[:, 2] = local[:, 2] * np.linalg.norm(to_image[:, 0])
    presence = float(1 / (1 + np.exp(-np.float64(logit.item()))))
    return points.astype(np.float32), presence


def _pose(points: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from the 3D mesh (x, y image px, z depth away from camera).

    The facial plane through the eye and mouth corners is nearly upright in a frontal face; its
    normal gives yaw and pitch. Roll is the image angle of the eye line.
    """
    right_eye = points[list(_RIGHT_EYE_CORNERS)].mean(0)
    left_eye = points[list(_LEFT_EYE_CORNERS)].mean(0)
    mouth = points[list(_MOUTH_CORNERS)].mean(0)
    across = left_eye - right_eye
    down = mouth - (left_eye + right_eye) / 2
    towards_camera = np.cross(down, across)  # z grows away from the camera
    fx, fy, fz = towards_camera / np.linalg.norm(towards_camera)
    yaw = np.degrees(np.arctan2(fx, -fz))
    pitch = np.degrees(np.arctan2(-fy, np.hypot(fx, fz)))
    roll = np.degrees(np.arctan2(across[1], across[0]))
    return float(yaw), float(pitch), float(roll)


def _opening(points: np.ndarray, pairs: tuple[tuple[int, int], ...]) -> float:
    upper = points[[a for a, _ in pairs], :2]
    lower = points[[b for _, b in pairs], :2]
    return float(np.linalg.norm(upper - lower, axis=1).mean())


def face_landmarks(rgb: np.ndarray, det: Detection) -> FaceLandmarks:
    """The 468-point mesh of the face in `det`, with pose and eye/mouth opening."""
    points, presence = _mesh(np.ascontiguousarray(rgb[..., :3]), det)
    yaw, pitch, roll = _pose(points)
    eye_mid = (points[list(_RIGHT_EYE_CORNERS + _LEFT_EYE_CORNERS), :2]).mean(0)
    height = max(float(np.linalg.norm(points[_CHIN, :2] - eye_mid)), 1e-6)
    return FaceLandmarks(
        points=points,
        presence=presence,
        yaw=yaw,
        pitch=pitch,
        roll=roll,
        eye_openness=(
            _opening(points, _RIGHT_EYE_LIDS) / height,
            _opening(points, _LEFT_EYE_LIDS) / height,
        ),
        mouth_openness=_opening(points, _INNER_LIPS) / height,
    )
