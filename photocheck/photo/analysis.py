"""Analyse one photo: faces, landmarks, person mask and the raw measures the checks judge.

Everything here is measured on the reduced analysis image; coordinates are in that image's pixels
after any quarter turn the face needed to be upright. Measures are raw numbers (OFIQ style); the
checks compare them with profile limits.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from photocheck.concurrency import helper
from photocheck.io.decode import Picture
from photocheck.rules.profile import ExposureRules, Profile
from photocheck.vision.face import FACE_OVAL, Detection, FaceLandmarks, detect_faces, face_landmarks
from photocheck.vision.occlusion import OcclusionMeasures, measure_occlusion, params_from
from photocheck.vision.person import person_mask

NOSE_BRIDGE = 168
CHEEK_RIGHT, CHEEK_LEFT = 234, 454  # subject's right / left extremes of the oval


@dataclass(frozen=True)
class HeadGeometry:
    """Where the head sits, as fractions of the image (what the profile's geometry constrains)."""

    crown_y: float  # px; top of the hair from the person mask
    crown_cut: bool  # the head touches the top edge: the crown is outside the photo
    chin_y: float
    head_px: float  # crown to chin
    centre_x: float
    head_ratio: float
    crown_margin: float
    eye_line: float
    centre_offset: float  # signed, fraction of the width
    below_chin: float  # image left below the chin, fraction of the head height


@dataclass(frozen=True)
class FaceMeasures:
    sharpness: float
    dark_share: float
    bright_share: float
    face_luma: float
    asymmetry: float
    chroma: float


@dataclass(frozen=True)
class BackgroundMeasures:
    pixels: int
    white_share: float
    mean_luma: float
    std: float
    gradient: float


@dataclass(frozen=True)
class PhotoAnalysis:
    picture: Picture  # analysis-size image, turned upright by `quarter_turns`
    quarter_turns: int  # clockwise quarter turns applied to make the face upright (0-3)
    faces: list[Detection]  # faces that count, largest first
    ignored: list[Detection]  # small faces in the background (posters, passers-by)
    landmarks: FaceLandmarks | None
    mask: np.ndarray | None  # person probability, analysis size
    head: HeadGeometry | None
    face: FaceMeasures | None
    background: BackgroundMeasures | None
    occlusion: OcclusionMeasures | None = None  # measured with the face (one face, its mesh)

    @property
    def single_face(self) -> bool:
        return len(self.faces) == 1 and self.landmarks is not None


def rotate_quarter(rgb: np.ndarray, turns: int) -> np.ndarray:
    """Rotate clockwise by `turns` quarter turns (a view-free contiguous copy)."""
    return np.ascontiguousarray(np.rot90(rgb, -turns)) if turns % 4 else rgb


def _find_faces(
    rgb: np.ndarray, min_score: float, full_range_below: float, turns: int | None = None
) -> tuple[int, np.ndarray, list[Detection]]:
    """Faces in the photo, and the clockwise quarter turns that make them upright.

    The detector finds many sideways faces as they are; their eye line then gives the turn. Faces
    it misses sideways are looked for in the other three orientations. A given `turns` (the
    user's rotation) is taken as it is.
    """
    if turns is not None:
        turned = rotate_quarter(rgb, turns)
        return turns, turned, detect_faces(turned, min_score=min_score, full_range_below=full_range_below)
    faces = detect_faces(rgb, min_score=min_score, full_range_below=full_range_below)
    if faces:
        kp = faces[0].keypoints  # subject's right eye, left eye: left to right in an upright face
        tilt = float(np.degrees(np.arctan2(kp[1, 1] - kp[0, 1], kp[1, 0] - kp[0, 0])))
        turns = round(-tilt / 90.0) % 4
        if turns == 0:
            return 0, rgb, faces
        turned = rotate_quarter(rgb, turns)
        return turns, turned, detect_faces(turned, min_score=min_score, full_range_below=full_range_below)
    for turns in (1, 3, 2):
        turned = rotate_quarter(rgb, turns)
        faces = detect_faces(turned, min_score=min_score, full_range_below=full_range_below)
        if faces:
            return turns, turned, faces
    return 0, rgb, []


def face_polygon(lm: FaceLandmarks) -> np.ndarray:
    return lm.points[list(FACE_OVAL), :2].astype(np.float32)


def face_region(shape: tuple[int, int], lm: FaceLandmarks, shrink: float = 1.0,
                offset: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Boolean mask of the face oval, optionally shrunk toward its centre (skin only).

    `offset` is the top-left corner of the image `shape` describes, for masks of a crop.
    """
    import cv2

    poly = face_polygon(lm)
    centre = poly.mean(axis=0)
    poly = centre + (poly - centre) * shrink - np.asarray(offset, np.float32)
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1)
    return mask.astype(bool)


def _luma(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def measure_face(rgb: np.ndarray, lm: FaceLandmarks, exposure: ExposureRules) -> FaceMeasures:
    import cv2

    h, w = rgb.shape[:2]
    oval = face_polygon(lm)
    x0, y0 = np.clip(np.floor(oval.min(axis=0)).astype(int), 0, [w - 1, h - 1])
    x1, y1 = np.clip(np.ceil(oval.max(axis=0)).astype(int) + 1, [x0 + 1, y0 + 1], [w, h])
    crop = rgb[y0:y1, x0:x1]  # every face measure looks only at the face's box
    grey = _luma(crop)
    skin = face_region(grey.shape, lm, shrink=0.85, offset=(x0, y0))
    values = grey[skin].astype(np.float32)
    if values.size == 0:  # the oval lies outside the frame
        values = np.array([0.0], np.float32)

    # Sharpness: Laplacian variance of the face box reduced to at most 256 px high, so large faces are
    # comparable; small faces are measured as they are (enlarging would blur them twice over: the
    # resolution check already judges their size).
    sharpness = 0.0
    if grey.shape[0] > 8 and grey.shape[1] > 8:
        k = min(1.0, 256.0 / grey.shape[0])
        size = (max(8, round(grey.shape[1] * k)), max(8, round(grey.shape[0] * k)))
        norm = cv2.resize(grey, size, interpolation=cv2.INTER_AREA) if k < 1 else grey
        sharpness = float(cv2.Laplacian(norm, cv2.CV_64F).var())

    # Lighting: the two halves of the skin either side of the nose bridge.
    mid_x = float(lm.points[NOSE_BRIDGE, 0]) - x0
    cols = np.arange(grey.shape[1])[None, :]
    left = grey[skin & (cols < mid_x)]
    right = grey[skin & (cols >= mid_x)]
    asymmetry = 0.0
    if left.size and right.size:
        a, b = float(left.mean()), float(right.mean())
        asymmetry = abs(a - b) / max(a, b, 1.0)

    lab = cv2.cvtColor(crop, cv2.COLOR_RGB2LAB).astype(np.float32)
    ab = lab[..., 1:][skin] - 128.0
    chroma = float(np.sqrt(ab[:, 0] ** 2 + ab[:, 1] ** 2).mean()) if ab.size else 0.0  # not a slow 2-long-axis sum

    return FaceMeasures(
        sharpness=sharpness,
        dark_share=float((values <= exposure.dark_luma).mean()),
        bright_share=float((values >= exposure.bright_luma).mean()),
        face_luma=float(values.mean()),
        asymmetry=asymmetry,
        chroma=chroma,
    )


def measure_head(mask: np.ndarray | None, lm: FaceLandmarks, shape: tuple[int, int]) -> HeadGeometry:
    """Crown from the person mask above the face, chin and eyes from the landmarks, as fractions
    of an image of `shape` (h, w). Without a mask (the live guide cannot afford segmentation) the
    crown is the estimate used where the mask shows no hair."""
    h, w = shape
    forehead_y = float(lm.forehead[1])
    rows = np.zeros(0, np.intp)
    if mask is not None:
        oval = face_polygon(lm)
        fx0, fx1 = float(oval[:, 0].min()), float(oval[:, 0].max())
        # The central part of the face's columns: wide enough to catch the hair top, narrow enough
        # to miss raised shoulders or a hat brim's sides.
        c0 = int(np.clip(fx0 + 0.3 * (fx1 - fx0), 0, w - 1))
        c1 = int(np.clip(fx1 - 0.3 * (fx1 - fx0), c0 + 1, w))
        band = mask[:, c0:c1] > 0.5
        rows = np.flatnonzero(band.any(axis=1))
        rows = rows[rows <= forehead_y]
    # No mask above the forehead (a bald head on white, say): assume a typical hair height.
    crown_y = float(rows.min()) if rows.size else forehead_y - 0.25 * (float(lm.chin[1]) - forehead_y)
    crown_cut = crown_y <= 1.0
    chin_y = float(lm.chin[1])
    head_px = max(chin_y - crown_y, 1.0)
    centre_x = 0.5 * (float(lm.points[CHEEK_RIGHT, 0]) + float(lm.points[CHEEK_LEFT, 0]))
    return HeadGeometry(
        crown_y=crown_y,
        crown_cut=crown_cut,
        chin_y=chin_y,
        head_px=head_px,
        centre_x=centre_x,
        head_ratio=head_px / h,
        crown_margin=max(crown_y, 0.0) / h,
        eye_line=float(lm.eye_mid[1]) / h,
        centre_offset=(centre_x - w / 2) / w,
        below_chin=(h - chin_y) / head_px,
    )


BACKGROUND_SIDE = 512  # px: background statistics need no more, and full size costs 10x


def measure_background(rgb: np.ndarray, mask: np.ndarray, profile: Profile) -> BackgroundMeasures:
    import cv2

    h, w = mask.shape
    k = min(1.0, BACKGROUND_SIDE / max(h, w))
    if k < 1.0:
        size = (max(1, round(w * k)), max(1, round(h * k)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        mask = cv2.resize(mask, size, interpolation=cv2.INTER_LINEAR)
        h, w = mask.shape
    rules = profile.checks.background
    # Keep clear of the person's edge: hair and shoulders blend into the background there.
    margin = max(3, round(0.02 * max(h, w)))
    person = cv2.dilate((mask > 0.1).astype(np.uint8), np.ones((2 * margin + 1, 2 * margin + 1), np.uint8))
    bg = person == 0
    n = int(bg.sum())
    if n < 0.01 * h * w:
        return BackgroundMeasures(pixels=n, white_share=1.0, mean_luma=255.0, std=0.0, gradient=0.0)
    grey = _luma(rgb).astype(np.float32)
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    a, b = lab[..., 1] - 128.0, lab[..., 2] - 128.0
    # Whole numbers (and below, eighths): their squares add exactly, so the root is np.hypot's, faster.
    chroma = np.sqrt(a * a + b * b)
    white = (grey >= rules.white_luma) & (chroma <= rules.white_chroma)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    grad = np.sqrt(gx * gx + gy * gy)
    values = grey[bg]
    return BackgroundMeasures(
        pixels=n,
        white_share=float(white[bg].mean()),
        mean_luma=float(values.mean()),
        std=float(values.std()),
        gradient=float(grad[bg].mean()),
    )


def analyse(picture: Picture, profile: Profile, *, turns: int | None = None) -> PhotoAnalysis:
    """Every raw measure of the photo; `turns` (clockwise quarter turns) overrides the detected ones."""
    return measure(locate(picture, profile, turns=turns), profile)


def locate(picture: Picture, profile: Profile, *, turns: int | None = None) -> PhotoAnalysis:
    """Where the candidate is: the faces, the mesh, the person mask and the head's geometry, all
    that framing and the matte need. The measures the checks judge stay None until `measure`."""
    rules = profile.checks.face_count
    # Segmentation does not depend on the faces: it runs on a second core while they are found.
    # Almost every photo is upright; a sideways one is segmented again once turned.
    upright_mask = helper("segment").submit(person_mask, picture.rgb)
    turns, rgb, found = _find_faces(picture.rgb, rules.min_score, rules.full_range_below, turns)
    largest = found[0].area if found else 0.0
    faces = [d for d in found if d.area >= rules.min_relative_area * largest]
    ignored = [d for d in found if d.area < rules.min_relative_area * largest]
    landmarks = face_landmarks(rgb, faces[0]) if len(faces) == 1 else None
    mask = upright_mask.result() if turns == 0 else person_mask(rgb)
    if turns:
        picture = Picture(rgb=rgb, info=picture.info, scale=picture.scale)
    head = None if landmarks is None else measure_head(mask, landmarks, (mask.shape[0], mask.shape[1]))
    return PhotoAnalysis(picture=picture, quarter_turns=turns, faces=faces, ignored=ignored, landmarks=landmarks,
                         mask=mask, head=head, face=None, background=None)


def measure(a: PhotoAnalysis, profile: Profile) -> PhotoAnalysis:
    """`a` (from `locate`) with the face, occlusion and background measures."""
    rgb, landmarks, mask = a.picture.rgb, a.landmarks, a.mask
    assert mask is not None, "measuring needs the person mask"
    face = occlusion = None
    if landmarks is not None:
        face = measure_face(rgb, landmarks, profile.checks.exposure)
        occlusion = measure_occlusion(rgb, landmarks, mask, params_from(profile.checks.occlusion))
    return dataclasses.replace(a, face=face, background=measure_background(rgb, mask, profile), occlusion=occlusion)
