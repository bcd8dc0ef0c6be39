"""Face detection, mesh, pose and eye/mouth opening on real photos and variants made from them."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from photocheck.vision.face import Detection, FaceLandmarks, detect_faces, face_landmarks

# Eye contours (MediaPipe mesh order), for painting eyes shut.
_RIGHT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246]
_LEFT_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466]
_RIGHT_CHEEK, _LEFT_CHEEK = 205, 425


def _load(path) -> np.ndarray:
    """Pillow sniffs the real format; alpha is composited onto white."""
    from PIL import Image

    with Image.open(path) as im:
        rgba = im.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    white.alpha_composite(rgba)
    return np.asarray(white.convert("RGB")).copy()


def _one_face(rgb: np.ndarray) -> tuple[Detection, FaceLandmarks]:
    dets = detect_faces(rgb)
    assert len(dets) == 1, [d.box for d in dets]
    return dets[0], face_landmarks(rgb, dets[0])


def _rotate(rgb: np.ndarray, centre: np.ndarray, angle: float) -> np.ndarray:
    import cv2

    m = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), angle, 1)
    h, w = rgb.shape[:2]
    return cv2.warpAffine(rgb, m, (w, h), borderValue=(255, 255, 255))


@pytest.fixture(params=["astronaut", "grace_hopper"])
def portrait(request) -> np.ndarray:
    return request.getfixturevalue(f"{request.param}_rgb")


def test_frontal_portrait(portrait):
    det, lm = _one_face(portrait)
    assert det.score > 0.7
    assert det.keypoints.shape == (6, 2)
    assert det.keypoints[0, 0] < det.keypoints[1, 0]  # subject's right eye is on the image left
    x0, y0, x1, y1 = det.box
    for eye in (lm.eye_right, lm.eye_left):
        assert x0 < eye[0] < x1 and y0 < eye[1] < y1
    assert lm.points.shape == (468, 3)
    assert lm.presence > 0.9
    assert lm.chin[1] > lm.eye_mid[1] + 0.5 * lm.face_height
    assert lm.forehead[1] < lm.eye_mid[1]
    assert max(abs(lm.yaw), abs(lm.pitch), abs(lm.roll)) < 12
    assert min(lm.eye_openness) > 0.03
    assert 0 <= lm.mouth_openness < 0.2


@pytest.mark.parametrize("angle", [20.0, -20.0])
def test_roll_follows_rotation_and_levels_the_eyes(grace_hopper_rgb, angle):
    import cv2

    _, upright = _one_face(grace_hopper_rgb)
    tilted = _rotate(grace_hopper_rgb, upright.eye_mid, angle)
    _, lm = _one_face(tilted)
    # Rotating by +a turns the picture counter-clockwise: the eye line rises, roll = -a.
    assert lm.roll == pytest.approx(upright.roll - angle, abs=3)
    m = cv2.getRotationMatrix2D(tuple(map(float, lm.eye_mid)), lm.roll, 1)
    eyes = np.hstack([np.stack([lm.eye_right, lm.eye_left]), np.ones((2, 1))]) @ m.T
    assert abs(eyes[1, 1] - eyes[0, 1]) < 0.02 * lm.face_height
    _, levelled = _one_face(_rotate(tilted, lm.eye_mid, lm.roll))
    assert abs(levelled.roll) < 2


def _paint_eyes_shut(rgb: np.ndarray, lm: FaceLandmarks) -> np.ndarray:
    """Cover each eye (contour enlarged 1.5x) with the median colour of the cheek below it."""
    import cv2

    out = rgb.copy()
    for contour, cheek in ((_RIGHT_EYE, _RIGHT_CHEEK), (_LEFT_EYE, _LEFT_CHEEK)):
        poly = lm.points[contour, :2]
        centre = poly.mean(0)
        poly = (centre + (poly - centre) * 1.5).astype(np.int32)
        x, y = lm.points[cheek, :2].astype(int)
        skin = np.median(rgb[y - 4 : y + 5, x - 4 : x + 5].reshape(-1, 3), axis=0)
        cv2.fillPoly(out, [poly], tuple(int(v) for v in skin))
    return out


def test_painted_shut_eyes_measure_smaller_opening(portrait):
    _, open_lm = _one_face(portrait)
    _, shut_lm = _one_face(_paint_eyes_shut(portrait, open_lm))
    for shut, opened in zip(shut_lm.eye_openness, open_lm.eye_openness, strict=True):
        assert shut < 0.85 * opened


def test_tiny_face_in_downscaled_image(grace_hopper_rgb):
    import cv2

    small = cv2.resize(grace_hopper_rgb, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    det, lm = _one_face(small)
    assert det.score > 0.7
    full_det = detect_faces(grace_hopper_rgb)[0]
    assert np.allclose(np.array(det.box) * 4, full_det.box, atol=12)
    assert lm.chin[1] > lm.eye_mid[1]


def test_small_face_on_big_canvas(grace_hopper_rgb):
    import cv2

    width = detect_faces(grace_hopper_rgb)[0].box
    factor = 120 / (width[2] - width[0])
    small = cv2.resize(grace_hopper_rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    canvas = np.full((2000, 2000, 3), 255, np.uint8)
    top, left = 1300, 300
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    dets = detect_faces(canvas)
    assert len(dets) == 1
    x0, _, x1, _ = dets[0].box
    assert 80 < x1 - x0 < 170
    expected = (np.array(width) * factor) + [left, top, left, top]
    assert np.allclose(dets[0].box, expected, atol=30)
    lm = face_landmarks(canvas, dets[0])
    assert abs(lm.roll) < 12 and min(lm.eye_openness) > 0.03


def test_no_face_in_blank_image():
    assert detect_faces(np.full((300, 400, 3), 255, np.uint8)) == []


def test_threads_give_the_same_answer(astronaut_rgb, grace_hopper_rgb):
    images = [astronaut_rgb, grace_hopper_rgb]
    expected = [face_landmarks(im, detect_faces(im)[0]).points for im in images]
    results: dict[int, list[np.ndarray]] = {}

    def work(k: int) -> None:
        results[k] = [face_landmarks(im, detect_faces(im)[0]).points for im in images * 3]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got in results.values():
        for points, want in zip(got, expected * 3, strict=True):
            assert np.allclose(points, want, atol=1e-3)
    assert len(results) == 2


@pytest.mark.shared
def test_mirror_flips_yaw(shared_photos):
    rgb = _load(shared_photos / "fr-32bit.png")
    _, lm = _one_face(rgb)
    _, mirrored = _one_face(np.ascontiguousarray(rgb[:, ::-1]))
    assert abs(lm.yaw) > 8
    assert np.sign(mirrored.yaw) == -np.sign(lm.yaw)
    assert mirrored.yaw == pytest.approx(-lm.yaw, abs=4)


@pytest.mark.shared
def test_two_people(shared_photos):
    dets = detect_faces(_load(shared_photos / "fr-two_people.jpg"))
    assert len(dets) == 2
    assert dets[1].area / dets[0].area > 0.3


@pytest.mark.shared
def test_obama_main_face_is_centred(shared_photos):
    rgb = _load(shared_photos / "fr-obama.jpg")
    dets = detect_faces(rgb)
    centre_x = (dets[0].box[0] + dets[0].box[2]) / 2
    assert abs(centre_x - rgb.shape[1] / 2) < 0.1 * rgb.shape[1]
    assert all(d.area < 0.1 * dets[0].area for d in dets[1:])


@pytest.mark.shared
@pytest.mark.parametrize("name", [f"hivision-test{k}.jpg" for k in range(5)] + ["fr-32bit.png"])
def test_single_person_photos(shared_photos, name):
    rgb = _load(shared_photos / name)
    dets = detect_faces(rgb)
    assert len([d for d in dets if d.area > 0.1 * dets[0].area]) == 1
    lm = face_landmarks(rgb, dets[0])
    assert lm.presence > 0.9 and min(lm.eye_openness) > 0.03
    assert lm.chin[1] > lm.eye_mid[1]
