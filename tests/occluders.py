"""Generated occlusions for face.occlusion: objects pasted over a real face where its mesh says.

- phone: a dark handset with a lighter rim and a faint screen reflection, upright over the mouth
  and chin, as when a candidate photographs themselves holding it in front of the face;
- microphone: a dark grey mesh ball on a black handle in front of the chin, as in an event photo;
- hand: a real hand cut from a photo (its pixels, not a drawing) laid over the mouth and chin;
- own_hand, chin_hand: four fingers of the candidate's own cheek skin over mouth and chin, or over
  the chin only below the lower lip;
- hair_over_eye, fringe: strands of the candidate's own crown hair over an eye (a seed draws the
  lock's shape), or over the forehead ending above the brows (allowed).

Placement comes from the face mesh of the clean photo, so the object always covers the same part
of the face whatever the photo. None of these is a real photo of an occluded face: they prove the
measures react to a foreign object (or a real hand's pixels) where the face should be, not that
every real occlusion is found.
"""

from __future__ import annotations

import cv2
import numpy as np

from photocheck.vision.face import FaceLandmarks

_MOUTH, _CHIN, _NOSE_TIP = 13, 152, 1


def _scale(lm: FaceLandmarks, k: float) -> tuple[np.ndarray, float, float]:
    """Mouth centre, face width and face height, in pixels of an image `1/k` times the analysed one."""
    pts = lm.points[:, :2] / k
    width = float(pts[:, 0].max() - pts[:, 0].min())
    return pts[_MOUTH], width, lm.face_height / k


def phone(rgb: np.ndarray, lm: FaceLandmarks, k: float = 1.0) -> np.ndarray:
    """`rgb` with a phone over the mouth and chin; `k` is the analysis scale of `rgb`'s landmarks."""
    out = rgb.copy()
    mouth, width, height = _scale(lm, k)
    pw, ph = 0.42 * width, 0.95 * height
    centre = (float(mouth[0] + 0.08 * width), float(mouth[1] + 0.05 * height))
    body = cv2.boxPoints((centre, (pw, ph), 12.0)).astype(np.int32)
    screen = cv2.boxPoints((centre, (0.85 * pw, 0.85 * ph), 12.0)).astype(np.int32)
    cv2.fillPoly(out, [body], (92, 96, 104))  # aluminium rim
    cv2.fillPoly(out, [screen], (18, 20, 26))  # dark screen
    glare = np.zeros(rgb.shape[:2], np.uint8)
    cv2.fillPoly(glare, [screen], 1)
    yy = np.arange(rgb.shape[0])[:, None]
    stripe = (glare > 0) & (np.abs((yy - centre[1]) + 0.6 * (np.arange(rgb.shape[1])[None, :] - centre[0])) < 0.05 * ph)
    out[stripe] = (out[stripe].astype(np.int32) + 40).clip(0, 255).astype(np.uint8)
    return out


def microphone(rgb: np.ndarray, lm: FaceLandmarks, k: float = 1.0) -> np.ndarray:
    """`rgb` with a hand-held microphone in front of the chin."""
    out = rgb.copy()
    mouth, width, height = _scale(lm, k)
    r = 0.22 * width
    cx, cy = float(mouth[0]), float(mouth[1] + 0.12 * height)
    handle = cv2.boxPoints(((cx, cy + 2.2 * r), (0.7 * r, 3.2 * r), 0.0)).astype(np.int32)
    cv2.fillPoly(out, [handle], (25, 25, 28))
    ball = np.zeros(rgb.shape[:2], np.uint8)
    cv2.circle(ball, (round(cx), round(cy)), round(r), 1, -1)
    yy, xx = np.mgrid[: rgb.shape[0], : rgb.shape[1]]
    grille = ((xx // max(2, round(r / 6)) + yy // max(2, round(r / 6))) % 2).astype(np.int32)
    shade = np.clip(1.0 - ((xx - cx + 0.4 * r) ** 2 + (yy - cy + 0.4 * r) ** 2) / (2.2 * r * r), 0.3, 1.0)
    grey = (70 + 25 * grille) * shade
    on = ball > 0
    out[on] = np.stack([grey, grey, grey * 1.05], -1)[on].clip(0, 255).astype(np.uint8)
    return out


def hand(rgb: np.ndarray, lm: FaceLandmarks, hand_rgba: np.ndarray, k: float = 1.0) -> np.ndarray:
    """`rgb` with a cut-out hand (RGBA, alpha 0 around it) over the mouth and chin."""
    mouth, width, _ = _scale(lm, k)
    scale = 0.9 * width / hand_rgba.shape[1]
    piece = cv2.resize(hand_rgba, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ph, pw = piece.shape[:2]
    x0, y0 = round(float(mouth[0]) - pw / 2), round(float(mouth[1]) - 0.35 * ph)
    out = rgb.copy()
    h, w = rgb.shape[:2]
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(w, x0 + pw), min(h, y0 + ph)
    part = piece[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0]
    alpha = part[..., 3:4].astype(np.float32) / 255.0
    region = out[sy0:sy1, sx0:sx1].astype(np.float32)
    out[sy0:sy1, sx0:sx1] = (alpha * part[..., :3] + (1 - alpha) * region).astype(np.uint8)
    return out


def cut_hand(rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The skin in `box` of `rgb` as an RGBA piece: a hand against dark clothing (the largest
    skin-coloured part, edges softened)."""
    x0, y0, x1, y1 = box
    crop = rgb[y0:y1, x0:x1]
    ycc = cv2.cvtColor(crop, cv2.COLOR_RGB2YCrCb)
    found = ((ycc[..., 1] > 135) & (ycc[..., 1] < 180) & (ycc[..., 2] > 85) & (ycc[..., 2] < 135)
             & (ycc[..., 0] > 60)).astype(np.uint8)
    skin = cv2.morphologyEx(found, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(skin)
    keep = (labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))) if count > 1 else skin > 0
    alpha = cv2.GaussianBlur(keep.astype(np.float32), (5, 5), 0)
    return np.dstack([crop, (alpha * 255).astype(np.uint8)])


_SKIN = (50, 280, 205, 425, 151)  # mesh points on the cheeks and forehead


def _own_patch(rgb: np.ndarray, centre: np.ndarray, side: int) -> np.ndarray:
    """A square of the photo's own pixels around `centre` (clipped to the image)."""
    h, w = rgb.shape[:2]
    half = max(2, side // 2)
    x, y = (int(np.clip(round(float(c)), half, hi - half - 1)) for c, hi in zip(centre, (w, h), strict=True))
    return rgb[y - half : y + half, x - half : x + half]


def own_hand(rgb: np.ndarray, lm: FaceLandmarks, k: float = 1.0) -> np.ndarray:
    """`rgb` with a hand of the candidate's own skin laid flat over mouth and chin, fingers across
    the face: its texture is the photo's own cheek pixels (tiled, mirrored), each finger shaded as a
    cylinder, with dark creases between the fingers and across the knuckles, and soft edges."""
    mouth, _, height = _scale(lm, k)
    return _flat_hand(rgb, lm, k, float(mouth[1]) - 1.6 * 0.15 * height)  # the second finger over the lips


def chin_hand(rgb: np.ndarray, lm: FaceLandmarks, k: float = 1.0) -> np.ndarray:
    """`rgb` with the same hand of the candidate's own skin over the chin only: its top finger just
    below the lower lip, the mouth left visible (a chin resting on the hand)."""
    _, _, height = _scale(lm, k)
    return _flat_hand(rgb, lm, k, float(lm.points[_LOWER_LIP, 1] / k) + 0.02 * height)


_LOWER_LIP = 17  # mesh point at the lower lip's bottom edge


def _flat_hand(rgb: np.ndarray, lm: FaceLandmarks, k: float, top: float) -> np.ndarray:
    """Four fingers of the candidate's own skin across the face, the top one's upper edge at row `top`."""
    mouth, width, height = _scale(lm, k)
    pts = lm.points[:, :2] / k
    side = max(8, round(0.12 * height))
    cheek = _own_patch(rgb, pts[_SKIN[0]], side)
    fw = 0.15 * height  # a finger's width: about 1.7 cm of a 12 cm eye-to-chin distance
    fingers, length = 4, 0.95 * width
    x0 = float(mouth[0]) - 0.55 * length
    h, w = rgb.shape[:2]
    # The cheek's own colour and fine grain (its shading removed, so the tiling shows no seams).
    patch = cheek.astype(np.float32)
    grain = patch - cv2.GaussianBlur(patch, (0, 0), 3.0)
    colour = np.median(np.concatenate([_own_patch(rgb, pts[i], side).reshape(-1, 3) for i in _SKIN]), axis=0)
    reps = (h // grain.shape[0] + 1, w // grain.shape[1] + 1, 1)
    skin = colour + np.tile(grain, reps)[:h, :w]
    shade = np.zeros((h, w), np.float32)
    alpha = np.zeros((h, w), np.float32)
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    for i in range(fingers):
        cy = top + (i + 0.5) * fw
        end = x0 + length * (0.92 + 0.08 * (i in (1, 2)))  # middle fingers are longer
        across = (yy - cy) / (fw / 2)  # -1..1 over the finger's width
        inside = (np.abs(across) < 1) & (xx >= x0) & (xx <= end - fw / 2)
        tip = (xx - (end - fw / 2)) ** 2 + (yy - cy) ** 2 < (fw / 2) ** 2
        finger = inside | tip
        light = 0.72 + 0.28 * np.sqrt(np.clip(1 - across**2, 0, 1))  # a cylinder lit from the front
        for knuckle in (0.33, 0.6):  # creases across each finger, not in line from finger to finger
            kx = x0 + (knuckle + 0.03 * ((i * 7) % 3 - 1)) * length
            light = np.where(np.abs(xx - kx) < max(0.8, 0.03 * fw), light * 0.86, light)
        shade = np.where(finger, light, shade)
        alpha = np.maximum(alpha, finger.astype(np.float32))
    soft = cv2.GaussianBlur(alpha, (0, 0), max(0.8, 0.04 * fw))
    hand = skin * shade[..., None]
    out = soft[..., None] * hand + (1 - soft[..., None]) * rgb.astype(np.float32)
    return np.asarray(out.clip(0, 255), np.uint8)


def hair_over_eye(rgb: np.ndarray, lm: FaceLandmarks, k: float = 1.0, seed: int = 9,
                  colours: np.ndarray | None = None) -> np.ndarray:
    """`rgb` with a lock of the candidate's own hair hanging over their right eye (image left): many
    thin, slightly curved strands from the forehead to the cheek, each of a colour taken from the
    real hair at the crown, or from `colours` (n, 3 RGB: a dyed or bleached lock). `seed` draws the
    lock's shape (where over the eye it falls, how wide, how slanted, how far down) as well as its
    strands: the cue must not depend on one shape."""
    _, width, height = _scale(lm, k)
    pts = lm.points[:, :2] / k
    centre = (pts[33] + pts[133]) / 2
    eye_width = float(abs(pts[133, 0] - pts[33, 0]))
    shape = np.random.default_rng(seed)
    x = float(centre[0]) + shape.uniform(-0.15, 0.15) * eye_width
    spread = shape.uniform(0.06, 0.11) * width
    drift = sorted(shape.uniform(-0.22, 0.06, 2) * width)
    bottom = float(centre[1]) + shape.uniform(0.15, 0.35) * height
    return _strands(rgb, lm, k, (x, spread), (float(pts[10, 1]), bottom), (drift[0], drift[1]),
                    int(0.9 * width / max(1, round(0.006 * height))) + 30, seed, colours)


def fringe(rgb: np.ndarray, lm: FaceLandmarks, k: float = 1.0) -> np.ndarray:
    """`rgb` with a thick fringe of the candidate's own hair over the whole forehead, ending just
    above the eyebrows: allowed, as the eyes stay visible."""
    _, width, height = _scale(lm, k)
    pts = lm.points[:, :2] / k
    brow_top = float(min(pts[i, 1] for i in _BROW_TOPS))
    return _strands(rgb, lm, k, (float(pts[10, 0]), 0.17 * width), (float(pts[10, 1]) - 0.05 * height,
                    brow_top - 0.03 * height), (-0.02 * width, 0.02 * width),
                    int(1.8 * width / max(1, round(0.006 * height))) + 60)


_BROW_TOPS = (105, 66, 334, 296)  # mesh points on the upper edge of both eyebrows


def _strands(rgb: np.ndarray, lm: FaceLandmarks, k: float, x: tuple[float, float], y: tuple[float, float],
             drift: tuple[float, float], count: int, seed: int = 9, colours: np.ndarray | None = None) -> np.ndarray:
    """`count` strands of the photo's own hair colours (or of `colours`) from row y[0] down to y[1],
    starting about x[0] (normal spread x[1]) and drifting sideways by between drift[0] and drift[1]."""
    _, _, height = _scale(lm, k)
    hair = _crown_hair(rgb, lm, k) if colours is None else colours
    rng = np.random.default_rng(seed)
    y_start, y_end = y
    thick = max(1, round(0.006 * height))
    out = rgb.copy()
    for _ in range(count):
        start = x[0] + rng.normal(0.0, x[1])
        sideways = drift[0] + rng.uniform() * (drift[1] - drift[0])
        ys = np.linspace(y_start + rng.uniform(0, 0.04) * height, y_end - rng.uniform(0, 0.06) * height, 16)
        t = (ys - y_start) / (y_end - y_start)
        xs = start + sideways * t**1.5
        curve = np.round(np.stack([xs, ys], 1) * 4).astype(np.int32)  # 2 fractional bits
        colour = tuple(int(c) for c in hair[rng.integers(len(hair))])
        cv2.polylines(out, [curve], False, colour, thick, cv2.LINE_AA, shift=2)
    return out


def _crown_hair(rgb: np.ndarray, lm: FaceLandmarks, k: float) -> np.ndarray:
    """The hair's own colours (n, 3 RGB): the person segmentation's top rows over the head's middle,
    which are hair on all but a bald head, and not forehead or background, as the band just above
    the mesh may be; the colours near its darker half's (not its sheen, nor background between strands).
    A bald crown would give skin: none of the photos used has one."""
    from photocheck.vision.person import person_mask

    _, width, height = _scale(lm, k)
    pts = lm.points[:, :2] / k
    brow = round(float(pts[10, 1]) - 0.05 * height)  # never the forehead
    x0, x1 = (int(np.clip(round(float(pts[10, 0]) + d * width), 0, rgb.shape[1])) for d in (-0.25, 0.25))
    person = person_mask(rgb)[:brow, x0:x1] > 0.5
    first = np.where(person.any(axis=0), person.argmax(axis=0), brow)  # each column's top of the head
    rows = np.arange(person.shape[0])[:, None] - first[None, :]
    crown = person & (rows >= 0.02 * height) & (rows < 0.12 * height)
    assert crown.any(), "no head top to take the hair's colour from"
    lab = cv2.cvtColor(rgb[:brow, x0:x1], cv2.COLOR_RGB2LAB).astype(np.float32)
    lightness = lab[..., 0][crown]
    typical = np.median(lab[crown][lightness <= np.median(lightness)], axis=0)  # the hair's body, not its sheen
    near = crown & (np.linalg.norm(lab - typical, axis=-1) < 20)
    hair: np.ndarray = rgb[:brow, x0:x1][near]
    return hair
