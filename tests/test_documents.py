"""Document geometry and enhancement on generated phone photos and a real scan."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from photocheck.documents.geometry import (
    Quad,
    blur_measure,
    deskew,
    find_document,
    flatten,
    glare_fraction,
    rectify,
    rotate_upright,
    text_orientation,
    trim_border,
    turn_quad,
)
from tests.docgen import KINDS, PAPER, flat_document, phone_photo, scanned_page

CORNER_TOLERANCE = 0.02  # of the image diagonal: the target
PHOTO_SIZE = 960  # long side of the generated photos: small keeps the suite fast


def _corner_error(found: np.ndarray, truth: np.ndarray, shape: tuple[int, ...]) -> float:
    return float(np.linalg.norm(found - truth, axis=1).max() / np.hypot(*shape[:2]))


@pytest.mark.parametrize(("kind", "seed", "rotation"), [
    (kind, seed, rotation)
    for i, kind in enumerate(KINDS)
    for seed, rotation in ((i, 90 * (i % 4)), (i + 10, 90 * ((i + 1) % 4)))
])
def test_finds_document_corners_within_two_percent(kind, seed, rotation):
    photo = phone_photo(kind, seed, rotation, size=PHOTO_SIZE)
    quad = find_document(photo.image)
    assert quad.found and quad.confidence > 0.5
    assert _corner_error(quad.points, photo.corners, photo.image.shape) < CORNER_TOLERANCE


@pytest.mark.parametrize("image", ["scan", "diploma", "id_front"])
def test_a_page_filling_the_frame_is_not_found(image):
    rgb = scanned_page() if image == "scan" else flat_document(image, 3).image
    quad = find_document(rgb)
    h, w = rgb.shape[:2]
    assert not quad.found and quad.confidence == 0.0
    np.testing.assert_array_equal(quad.points, [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])


def test_a_document_cut_by_the_border_is_clamped_to_it():
    photo = phone_photo("diploma", 5, size=PHOTO_SIZE)
    xs = photo.corners[:, 0]
    cut = int(xs.min() + 0.06 * np.ptp(xs))  # the left 6 % of the paper is out of frame
    img = np.ascontiguousarray(photo.image[:, cut:])
    quad = find_document(img)
    assert quad.found and quad.confidence < 0.9
    assert np.all(quad.points[:, 0] >= 0) and np.all(quad.points[:, 0] <= img.shape[1] - 1)
    truth = photo.corners - [cut, 0]
    inside = truth[:, 0] > 0
    assert _corner_error(quad.points[inside], truth[inside], img.shape) < CORNER_TOLERANCE
    assert np.allclose(quad.points[~inside, 0], 0, atol=2)


def _detail(rgb: np.ndarray) -> np.ndarray:
    """Luminance minus its local mean: the print, without the shadow."""
    lum = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return lum - cv2.blur(lum, (15, 15))


def test_rectify_keeps_resolution_and_aspect():
    photo = phone_photo("degree", 2, size=PHOTO_SIZE)
    flat = rectify(photo.image, Quad(photo.corners, True, 1.0))
    h, w = flat.shape[:2]
    fh, fw = photo.flat.shape[:2]
    sides = np.linalg.norm(photo.corners - np.roll(photo.corners, -1, axis=0), axis=1)
    assert max(h, w) <= sides.max() + 1  # never upscaled beyond the photo's own pixels
    assert abs((w / h) / (fw / fh) - 1) < 0.1
    # the flat ground truth, brought to the same size, matches the rectified photo
    truth = cv2.resize(photo.flat, (w, h), interpolation=cv2.INTER_AREA)
    corr = np.corrcoef(_detail(truth).ravel(), _detail(flat).ravel())[0, 1]
    assert corr > 0.6  # blur and noise of the photo cap it; a 1 % corner shift gives ~0
    np.testing.assert_array_equal(rectify(photo.image, Quad(photo.corners, False, 0.0)),
                                  photo.image)


def test_rotate_upright_round_trips():
    rgb = flat_document("id_front", 1).image
    for r in (90, 180, 270):
        turned = rotate_upright(rgb, r)
        assert turned.shape[:2] == (rgb.shape[:2] if r == 180 else rgb.shape[1::-1])
        np.testing.assert_array_equal(rotate_upright(turned, 360 - r), rgb)
    np.testing.assert_array_equal(rotate_upright(rgb, 90)[0, -1], rgb[0, 0])  # clockwise
    with pytest.raises(ValueError):
        rotate_upright(rgb, 45)


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_text_orientation_on_every_rotation(kind):
    for rotation in (0, 90, 180, 270):
        photo = phone_photo(kind, 7, rotation, size=PHOTO_SIZE)
        clockwise, confidence = text_orientation(photo.image)
        assert (clockwise, rotation) == (photo.upright, rotation)
        assert confidence > 0.3


@pytest.mark.slow
def test_text_orientation_on_the_rotated_scan():
    page = scanned_page()
    for rotation in (0, 90, 180, 270):
        clockwise, _ = text_orientation(rotate_upright(page, rotation))
        assert (clockwise + rotation) % 360 == 0


def test_no_text_gives_no_orientation():
    assert text_orientation(np.full((300, 400, 3), PAPER, np.uint8)) == (0, 0.0)


@pytest.mark.parametrize("angle", [-6.0, 2.5])
def test_deskew_straightens_lines(angle):
    doc = flat_document("xuexin_report", 1).image
    h, w = doc.shape[:2]
    tilted = cv2.warpAffine(doc, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h),
                            borderMode=cv2.BORDER_REPLICATE)
    straight, applied = deskew(tilted)
    assert applied == pytest.approx(-angle, abs=0.3)
    assert straight.shape == doc.shape
    assert deskew(doc)[1] == pytest.approx(0.0, abs=0.3)


@pytest.mark.parametrize("kind", ["xuexin_report", "id_front"])
def test_deskew_straightens_a_page_lying_a_quarter_turn_off(kind):
    """Pages are cut out and deskewed before their text says which way is up: lines running
    down the page (columns) straighten by the same angle as across it."""
    doc = flat_document(kind, 1).image
    h, w = doc.shape[:2]
    tilted = cv2.warpAffine(doc, cv2.getRotationMatrix2D((w / 2, h / 2), 3.0, 1.0), (w, h),
                            borderMode=cv2.BORDER_REPLICATE)
    for turn in (90, 270):
        sideways = rotate_upright(tilted, turn)
        straight, applied = deskew(sideways)
        assert applied == pytest.approx(-3.0, abs=0.3)
        # and once straight, there is nothing left to straighten.
        assert deskew(straight)[1] == pytest.approx(0.0, abs=0.3)


def test_turn_quad_follows_the_pixels_and_starts_top_left():
    rgb = np.zeros((30, 50, 3), np.uint8)
    quad = np.array([[5, 3], [40, 6], [38, 20], [4, 18]], np.float32)
    for x, y in quad.astype(int):
        rgb[y, x] = (255, 0, 0)
    for turn in (0, 90, 180, 270):
        turned = turn_quad(quad, turn, rgb.shape)
        img = rotate_upright(rgb, turn)
        for x, y in turned.round().astype(int):
            assert tuple(img[y, x]) == (255, 0, 0)
        # Top-left first, then clockwise, as find_document and the OCR boxes are ordered.
        assert int(np.argmin(turned.sum(axis=1))) == 0
        (ax, ay), (bx, by) = turned[1] - turned[0], turned[3] - turned[0]
        assert ax * by - ay * bx > 0  # clockwise on screen (y down)


def test_trim_border_removes_desk_margins_only():
    photo = phone_photo("diploma", 3, size=PHOTO_SIZE)
    tight = rectify(photo.image, Quad(photo.corners, True, 1.0))
    centre = photo.corners.mean(axis=0)
    loose = rectify(photo.image, Quad((photo.corners - centre) * 1.08 + centre, True, 1.0))
    trimmed = trim_border(loose)
    assert trimmed.shape[0] < loose.shape[0] and trimmed.shape[1] < loose.shape[1]
    assert np.allclose(trimmed.shape[:2], tight.shape[:2], rtol=0.03)
    assert np.allclose(trim_border(tight).shape[:2], tight.shape[:2], rtol=0.01)


@pytest.fixture(scope="module")
def shadowed():
    """A diploma photographed under a shadow, rectified with the true corners, and the truth
    (flat mock-up) at the same size."""
    photo = phone_photo("diploma", 3, size=PHOTO_SIZE)
    rect = rectify(photo.image, Quad(photo.corners, True, 1.0))
    h, w = rect.shape[:2]
    truth = cv2.resize(photo.flat, (w, h), interpolation=cv2.INTER_AREA).astype(np.int16)
    return rect, truth


def _luma(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)


def test_flatten_evens_out_the_shadow(shadowed):
    rect, truth = shadowed
    paper = np.all(np.abs(truth - PAPER) <= 4, axis=2)
    paper = cv2.erode(paper.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    out = flatten(rect)
    before, after = _luma(rect)[paper], _luma(out)[paper]
    assert before.std() > 20  # the shadow is really there
    assert after.std() < before.std() / 3
    assert np.median(after) > 235


def test_flatten_keeps_the_stamp_red_and_text_dark(shadowed):
    rect, truth = shadowed
    out = flatten(rect)
    red = (truth[..., 0] > 150) & (truth[..., 1] < 110) & (truth[..., 2] < 110)
    red = cv2.erode(red.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    hsv = cv2.cvtColor(out, cv2.COLOR_RGB2HSV)[red].astype(np.float32)
    hue_ok = (hsv[:, 0] <= 10) | (hsv[:, 0] >= 170)
    assert hue_ok.mean() > 0.9 and np.median(hsv[:, 1]) > 100
    text = np.all(truth < 70, axis=2)
    paper = np.all(np.abs(truth - PAPER) <= 4, axis=2)

    def weber(img: np.ndarray) -> float:
        lum = _luma(img)
        return float(1 - np.median(lum[text]) / np.median(lum[paper]))

    assert weber(out) >= 0.9 * weber(rect)
    assert np.median(_luma(out)[text]) < 110


def test_blur_measure_drops_when_blurred():
    for rgb in (flat_document("degree", 0).image, phone_photo("id_back", 0).image):
        sharp = blur_measure(rgb)
        assert blur_measure(cv2.GaussianBlur(rgb, (0, 0), 2.0)) < 0.75 * sharp
    page = flat_document("diploma", 0).image
    half = cv2.resize(page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    assert blur_measure(half) < blur_measure(page)  # fewer pixels per stroke: less sharp
    assert blur_measure(np.full((200, 200, 3), 128, np.uint8)) == 0.0


def test_glare_fraction_finds_a_specular_blob(shadowed):
    rect, _ = shadowed
    h, w = rect.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    blob = np.exp(-(((xx - 0.6 * w) / (0.08 * w)) ** 2 + ((yy - 0.4 * h) / (0.1 * h)) ** 2))
    glared = np.clip(rect + blob[..., None] * 400, 0, 255).astype(np.uint8)
    assert glare_fraction(rect) < 0.002
    assert glare_fraction(glared) > 0.02
    assert glare_fraction(scanned_page()) == 0.0


def test_blank_page_has_no_skew():
    import numpy as np

    from photocheck.documents.geometry import deskew_angle

    assert deskew_angle(np.full((600, 800, 3), 235, np.uint8)) == 0.0


def test_row_nanmedian_matches_numpy():
    import warnings

    from photocheck.documents.geometry import _row_nanmedian

    rng = np.random.default_rng(2)
    for _ in range(200):
        a = rng.random((int(rng.integers(1, 8)), int(rng.integers(1, 9))))
        a[rng.random(a.shape) < 0.3] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows
            expected = np.nanmedian(a, axis=1)
        np.testing.assert_allclose(_row_nanmedian(a), expected, equal_nan=True)
