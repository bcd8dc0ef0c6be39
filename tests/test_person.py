"""Person segmentation and the white-background matte, on real photos."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from photocheck.vision.person import composite_on_white, matte, person_mask, upscale_alpha

OUT_W, OUT_H = 390, 567
# Rough face boxes (x0, y0, x1, y1 as fractions of the source) standing in for the face detector.
FACE_BOXES = {
    "hivision-test0.jpg": (0.38, 0.12, 0.63, 0.43),
    "hivision-test1.jpg": (0.36, 0.30, 0.70, 0.62),
    "hivision-test2.jpg": (0.34, 0.22, 0.66, 0.52),
    "hivision-test3.jpg": (0.29, 0.15, 0.67, 0.47),
    "hivision-test4.jpg": (0.40, 0.10, 0.60, 0.35),
    "fr-obama.jpg": (0.40, 0.10, 0.69, 0.30),
}


def _load_rgb(path) -> np.ndarray:
    """Any format Pillow sniffs; transparency composited onto white."""
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        im = ImageOps.exif_transpose(im)
        if im.mode in ("RGBA", "LA", "P", "PA"):
            im = im.convert("RGBA")
            im = Image.alpha_composite(Image.new("RGBA", im.size, "white"), im)
        return np.asarray(im.convert("RGB")).copy()


def _head_and_shoulders(rgb: np.ndarray, face: tuple[float, float, float, float]):
    """Output-size crop around a face box (face ~40 % of the height), with the model's mask of
    the whole photo cropped alike (the pipeline's prior) and the box in crop pixels."""
    import cv2

    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = face[0] * w, face[1] * h, face[2] * w, face[3] * h
    ch = min(h, (y1 - y0) / 0.4)
    cw = min(w, ch * OUT_W / OUT_H)
    ch = cw * OUT_H / OUT_W
    left = min(max(0.0, (x0 + x1) / 2 - cw / 2), w - cw)
    top = min(max(0.0, y0 - 0.22 * ch), h - ch)
    c0, r0, c1, r1 = int(left), int(top), int(left + cw), int(top + ch)
    size = (OUT_W, OUT_H)
    crop = cv2.resize(rgb[r0:r1, c0:c1], size, interpolation=cv2.INTER_AREA)
    prior = cv2.resize(person_mask(rgb)[r0:r1, c0:c1], size, interpolation=cv2.INTER_LINEAR)
    sx, sy = OUT_W / (c1 - c0), OUT_H / (r1 - r0)
    box = ((x0 - c0) * sx, (y0 - r0) * sy, (x1 - c0) * sx, (y1 - r0) * sy)
    return crop, prior, box


def _texture(h: int, w: int, colour: tuple[int, int, int], seed: int) -> np.ndarray:
    """A saturated backdrop with stripes and noise, so the colour model has to work for it."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    stripes = 25.0 * np.sin(xx / 9.0 + yy / 23.0)
    base = np.array(colour, np.float32) + stripes[..., None] + rng.normal(0, 8, (h, w, 3))
    return np.clip(base, 0, 255).astype(np.uint8)


def _on_backdrop(rgb: np.ndarray, colour: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """`rgb` with what the raw model calls background replaced by a coloured texture; the model's
    wide soft edge is narrowed first, as a sharp photo's edge would be."""
    prob = person_mask(rgb)
    back = _texture(*rgb.shape[:2], colour, seed=1)
    a = np.clip((prob - 0.3) / 0.4, 0.0, 1.0)[..., None]
    return (rgb * a + back * (1 - a)).astype(np.uint8), prob


def _far_from(mask: np.ndarray, px: int) -> np.ndarray:
    """Pixels more than `px` away from `mask`."""
    import cv2

    dist = cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 3)
    return dist > px


def _not_white(rgb: np.ndarray, tol: int = 10) -> np.ndarray:
    return (255 - rgb.astype(np.int16)).max(axis=2) > tol


@pytest.fixture(scope="module")
def grace_green(grace_hopper_rgb):
    composed, prob = _on_backdrop(grace_hopper_rgb, (30, 190, 50))
    return composed, prob


def test_astronaut_face_is_person_corners_are_not(astronaut_rgb):
    prob = person_mask(astronaut_rgb)
    alpha = matte(astronaut_rgb)
    face_centre = (110, 223)  # row, column of the nose
    for a in (prob, alpha):
        assert a.shape == astronaut_rgb.shape[:2] and a.dtype == np.float32
        assert a[face_centre] > 0.9
        assert a[:20, :20].max() < 0.1
        assert a[:20, -20:].max() < 0.1


def test_person_mask_on_a_wide_canvas(astronaut_rgb):
    """A 2:1 image is letterboxed, not squeezed: the person is found where she is, only there."""
    wide = np.full((512, 1024, 3), 128, np.uint8)
    wide[:, 256:768] = astronaut_rgb
    prob = person_mask(wide)
    assert prob.shape == (512, 1024)
    assert prob[110, 256 + 223] > 0.9
    assert prob[:, :200].max() < 0.1 and prob[:, -200:].max() < 0.1
    alone = person_mask(astronaut_rgb) > 0.5
    inside = prob[:, 256:768] > 0.5
    assert (alone & inside).sum() / (alone | inside).sum() > 0.7


@pytest.mark.parametrize("colour", [(30, 190, 50), (20, 60, 210)], ids=["green", "blue"])
def test_coloured_backdrop_becomes_white(grace_hopper_rgb, colour):
    composed, prob = _on_backdrop(grace_hopper_rgb, colour)
    alpha = matte(composed)
    out = composite_on_white(composed, alpha)
    background = _far_from(prob > 0.5, 8)
    assert out[background].mean() > 250
    assert _not_white(out)[background].mean() < 0.005
    face = (slice(170, 300), slice(200, 330))
    assert np.abs(out[face].astype(int) - composed[face]).mean() < 1.0


def test_no_green_fringe(grace_green):
    import cv2

    composed, _ = grace_green
    alpha = matte(composed)
    out = composite_on_white(composed, alpha).astype(int)
    person = (alpha > 0.5).astype(np.uint8)
    ring = cv2.dilate(person, np.ones((7, 7), np.uint8)) > person
    green_excess = out[..., 1] - np.maximum(out[..., 0], out[..., 2])
    assert ring.sum() > 1000
    assert (green_excess[ring] > 20).sum() == 0


def test_detached_blob_becomes_white(grace_green):
    """A skin-coloured blob in a corner that the mask wrongly calls person is still dropped."""
    import cv2

    composed, prob = grace_green
    with_blob = composed.copy()
    blob = np.zeros(prob.shape, np.uint8)
    cv2.ellipse(blob, (60, 70), (34, 44), 0, 0, 360, 1, -1)
    assert prob[blob > 0].max() < 0.5  # it really sits on the backdrop
    with_blob[blob > 0] = (224, 172, 140)
    prior = np.maximum(person_mask(with_blob), blob.astype(np.float32))
    out = composite_on_white(with_blob, matte(with_blob, prior=prior))
    assert not _not_white(out)[blob > 0].any()
    assert (out[170:300, 200:330] == with_blob[170:300, 200:330]).all()


def test_attached_remnant_becomes_white(grace_green):
    """Backdrop the mask wrongly adds to the person (a band hugging her left side, like leaves at a
    shoulder) is given back to the background by the colour model."""
    import cv2

    composed, prob = grace_green
    person = prob > 0.5
    dist = cv2.distanceTransform((~person).astype(np.uint8), cv2.DIST_L2, 3)
    remnant = (dist > 0) & (dist < 40)
    remnant[:, composed.shape[1] // 2 :] = False
    prior = prob.copy()
    prior[remnant] = 0.8
    out = composite_on_white(composed, matte(composed, prior=prior))
    check = remnant & (prob < 0.02)  # pure backdrop, no blend with the old background
    check[int(0.9 * len(check)) :] = False  # the frame's bottom edge stays person by design
    assert check.sum() > 3000
    assert _not_white(out)[check].mean() < 0.01


def test_hole_in_the_body_is_filled(grace_green):
    """A hole the mask punches into the jacket (a model miss) is filled, not shown as white."""
    import cv2

    composed, prob = grace_green
    hole = np.zeros(prob.shape, np.uint8)
    cv2.circle(hole, (150, 450), 25, 1, -1)
    assert prob[hole > 0].min() > 0.9  # it really is inside the person
    prior = np.where(hole > 0, 0.0, prob).astype(np.float32)
    alpha = matte(composed, prior=prior)
    assert alpha[hole > 0].min() == 1.0


def test_upscaled_alpha_keeps_background_white(grace_green):
    import cv2

    composed, prob = grace_green
    h, w = composed.shape[:2]
    small = cv2.resize(composed, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    alpha = upscale_alpha(matte(small), composed)
    assert alpha.shape == (h, w) and alpha.dtype == np.float32
    out = composite_on_white(composed, alpha)
    background = _far_from(prob > 0.5, 8)
    assert _not_white(out)[background].mean() < 0.005
    face = (slice(170, 300), slice(200, 330))
    assert alpha[face].min() == 1.0


def test_composite_identity_and_white():
    rgb = np.random.default_rng(0).integers(0, 256, (40, 30, 3), dtype=np.uint8)
    ones, zeros = np.ones((40, 30), np.float32), np.zeros((40, 30), np.float32)
    assert np.array_equal(composite_on_white(rgb, ones), rgb)
    assert (composite_on_white(rgb, zeros) == 255).all()


def test_prior_skips_the_model_and_is_used(astronaut_rgb):
    """A prior that says "nobody here" must give an empty matte: it replaces the model run."""
    empty = matte(astronaut_rgb, prior=np.zeros(astronaut_rgb.shape[:2], np.float32))
    assert empty.max() == 0.0


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(FACE_BOXES))
def test_real_photo_background_is_clean(shared_photos, name):
    crop, prior, box = _head_and_shoulders(_load_rgb(shared_photos / name), FACE_BOXES[name])
    alpha = matte(crop, face_box=box, prior=prior)
    out = composite_on_white(crop, alpha)
    assert not _not_white(out[:20, :20]).any()
    assert not _not_white(out[:20, -20:]).any()
    shoulders = int(box[3])  # the chin line: above it the frame's sides are background
    sides = np.concatenate([out[:shoulders, :10], out[:shoulders, -10:]], axis=1)
    assert _not_white(sides).mean() < 0.02
    x0, y0, x1, y1 = box
    dx, dy = (x1 - x0) / 4, (y1 - y0) / 4  # the central half of the face box, no corners
    assert alpha[int(y0 + dy) : int(y1 - dy), int(x0 + dx) : int(x1 - dx)].min() == 1.0


def _loop_scene(doubt: float):
    """A dark-haired head on a beige backdrop with a loop of hair (a ring two pixels thick) hanging
    beside the cheek, which the work-size cut holds as one blob with the beige inside it; the person
    model's probability inside the loop is `doubt`. The colour models are learnt as matte() learns
    them, from the sure pixels and scene samples."""
    import cv2

    from photocheck.vision.person import MatteParams, _learn_models

    h, w = 240, 200
    beige, hair, skin = (150, 130, 120), (35, 28, 24), (225, 185, 165)
    rng = np.random.default_rng(3)
    rgb = np.clip(np.full((h, w, 3), beige, np.float32) + rng.normal(0, 2, (h, w, 3)), 0, 255).astype(np.uint8)
    cv2.ellipse(rgb, (100, 110), (55, 75), 0, 0, 360, hair, -1)
    cv2.rectangle(rgb, (70, 80), (130, 160), skin, -1)
    loop = np.zeros((h, w), np.uint8)
    cv2.circle(loop, (150, 165), 14, 1, -1)
    cv2.circle(rgb, (150, 165), 14, hair, 2)
    hard = np.zeros((h, w), np.float32)
    cv2.ellipse(hard, (100, 110), (55, 75), 0, 0, 360, 1.0, -1)
    cv2.circle(hard, (150, 165), 16, 1.0, -1)
    prob = hard.copy()
    prob[loop > 0] = doubt
    labels = np.full((h, w), cv2.GC_PR_FGD, np.uint8)
    labels[hard == 0] = cv2.GC_BGD
    labels[(hard > 0) & (loop == 0)] = cv2.GC_FGD
    labels[cv2.dilate(loop, np.ones((7, 7), np.uint8)) > 0] = cv2.GC_PR_FGD
    bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))
    empty = np.zeros((0, 3), np.uint8)
    assert _learn_models(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), labels, (empty, empty), 1, 36.0, bgd, fgd)
    return rgb, hard, (bgd, fgd), prob, loop > 0, MatteParams(pocket_bias=2.0)


def test_the_backdrop_held_in_a_loop_of_hair_goes():
    from photocheck.vision.person import _pockets

    rgb, hard, models, prob, loop, p = _loop_scene(doubt=0.6)
    out = _pockets(rgb, hard, models, p, (70.0, 80.0, 130.0, 160.0), prob)
    inside = loop & (rgb.astype(int).sum(axis=2) > 300)  # the beige within the ring
    assert (out[inside] == 0).mean() > 0.95
    assert (out[(hard > 0) & ~loop] == 1).all()  # the head, the face and the ring itself stay
    ring = loop & ~inside
    assert (out[ring] == 1).mean() > 0.5


def test_a_pocket_the_person_model_is_sure_of_stays():
    from photocheck.vision.person import _pockets

    rgb, hard, models, prob, _, p = _loop_scene(doubt=1.0)
    out = _pockets(rgb, hard, models, p, (70.0, 80.0, 130.0, 160.0), prob)
    assert (out == hard).all()


def test_the_colour_models_likelihood_is_the_mixture_density():
    """_gmm_loglik against scipy's densities: the mixture of grabCut's layout (weights, means,
    covariances in one 1x65 row), up to the (2*pi)^(3/2) both sides of a margin share."""
    from scipy.stats import multivariate_normal

    from photocheck.vision.person import _gmm_loglik

    rng = np.random.default_rng(5)
    weights = np.array([0.4, 0.3, 0.0, 0.2, 0.1])  # a component grabCut left empty counts for nothing
    means = rng.uniform(20, 230, (5, 3))
    spread = rng.normal(0, 12, (5, 3, 3))
    covs = np.einsum("kij,klj->kil", spread, spread) + 25 * np.eye(3)
    model = np.concatenate([weights, means.ravel(), covs.ravel()])[None]
    bgr = rng.integers(0, 256, (500, 3)).astype(np.float64)
    bgr[:100] = means[0] + rng.normal(0, 5, (100, 3))  # near a component, where the margin is decided
    density = sum(w * multivariate_normal(m, c).pdf(bgr)
                  for w, m, c in zip(weights, means, covs, strict=True) if w > 0)
    near = density > 1e-200
    expected = np.log(density[near]) + 1.5 * np.log(2 * np.pi)
    assert near[:100].all()
    np.testing.assert_allclose(_gmm_loglik(bgr, model)[near], expected, rtol=1e-9, atol=1e-9)


BEIGE, HAIR = np.array([150, 130, 120], np.float32), np.array([35, 28, 24], np.float32)


def _head_on_beige(centre: tuple[int, int], axes: tuple[int, int], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A noisy beige backdrop (float RGB, 320x300) with a dark-haired head, and its hard mask."""
    import cv2

    h, w = 320, 300
    rgb = np.full((h, w, 3), BEIGE) + np.random.default_rng(seed).normal(0, 2, (h, w, 3))
    hard = np.zeros((h, w), np.float32)
    cv2.ellipse(hard, centre, axes, 0, 0, 360, 1.0, -1)
    rgb[hard > 0] = HAIR
    return rgb, hard


def _add_loop(rgb: np.ndarray, hard: np.ndarray, centre: tuple[int, int], inside_share: float,
              frame_share: float, kept_radius: int) -> np.ndarray:
    """A loop of strands at `centre`: a ring 3 px thick, `frame_share` hair, around the beige seen
    darkened through sparse strands (`inside_share` hair), kept by `hard` within `kept_radius`.
    Returns the photo as uint8."""
    import cv2

    inside, frame = np.zeros(hard.shape, np.uint8), np.zeros(hard.shape, np.uint8)
    cv2.circle(inside, centre, 10, 1, -1)
    cv2.circle(frame, centre, 12, 1, 3)
    rgb[inside > 0] = inside_share * HAIR + (1 - inside_share) * BEIGE
    rgb[frame > 0] = frame_share * HAIR + (1 - frame_share) * BEIGE
    cv2.circle(hard, centre, kept_radius, 1.0, -1)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def _veil_scene(frame_share: float, inside_share: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """A dark head on beige with a loop of strands above it, the loop's frame `frame_share` hair
    (the rest beige) and its inside the beige seen darkened through sparse strands
    (`inside_share` hair): the film hivision-test4's bun holds. The hard mask keeps the head and
    the whole loop."""
    import cv2

    rgb, hard = _head_on_beige((150, 170), (80, 110), seed=4)
    cv2.rectangle(rgb, (110, 130), (190, 230), (225, 185, 165), -1)
    return _add_loop(rgb, hard, (150, 45), inside_share, frame_share, kept_radius=13), hard


def test_the_backdrop_seen_through_a_loop_of_strands_goes():
    from photocheck.vision.person import MatteParams, _veils

    rgb, hard = _veil_scene(frame_share=1.0)
    p = MatteParams(veil_residual=0.12, veil_window=0.1)  # the backdrop within reach of the loop's middle
    out = _veils(rgb, hard, p, (110.0, 130.0, 190.0, 230.0))
    middle = np.zeros(hard.shape, bool)
    middle[40:51, 145:156] = True
    assert (out[middle] == 0).all()
    assert (out[hard > 0][rgb[hard > 0].astype(int).sum(axis=1) < 150] == 1).all()  # the strands, the head stay
    assert (out[130:231, 110:191] == 1).all()  # and the face


def _curl_by_the_jaw() -> tuple[np.ndarray, np.ndarray, tuple[float, float, float, float]]:
    """A dark head on beige with a curl hanging beside the jaw: a ring of strands enclosing the
    beige seen darkened through sparse strands, whose middle is 10 px from the ring and from the
    open backdrop (hivision-test4's curls). The hard mask keeps the head and the whole curl."""
    import cv2

    rgb, hard = _head_on_beige((150, 120), (60, 90), seed=5)
    cv2.ellipse(rgb, (150, 145), (35, 55), 0, 0, 360, (225, 185, 165), -1)
    return _add_loop(rgb, hard, (205, 205), 0.3, 1.0, kept_radius=14), hard, (115.0, 90.0, 185.0, 200.0)


def test_the_film_a_curl_encloses_by_the_jaw_goes_with_a_wider_reach():
    """Its middle has neither strands nor backdrop within veil_window, so nothing judges it; within
    veil_reach, beside the face, it is on the line between them and goes. The ellipse of the face
    box, not the box, is the face: the curl lies in the box's corner by the jaw."""
    from photocheck.vision.person import MatteParams, _veils

    rgb, hard, face = _curl_by_the_jaw()
    middle = np.zeros(hard.shape, bool)
    middle[200:211, 200:211] = True
    near = MatteParams(veil_residual=0.12, veil_window=0.02, veil_reach_jaw_side=0.5, pocket_drop=1.0)
    assert (_veils(rgb, hard, near, face)[middle] == 1).all()
    out = _veils(rgb, hard, dataclasses.replace(near, veil_reach=0.1), face)
    assert (out[middle] == 0).mean() > 0.95  # a pixel of the noise may read as a strand
    assert (out[hard > 0][rgb[hard > 0].astype(int).sum(axis=1) < 150] == 1).all()  # the strands, the head stay
    assert (out[100:190, 125:176] == 1).all()  # and the face


def test_a_light_lock_framed_by_mid_tone_hair_stays():
    """The same loop framed by strands only half hair (a light lock among ash locks): no film."""
    from photocheck.vision.person import MatteParams, _veils

    rgb, hard = _veil_scene(frame_share=0.5)
    out = _veils(rgb, hard, MatteParams(veil_residual=0.12, veil_window=0.1), (110.0, 130.0, 190.0, 230.0))
    assert (out == hard).all()


def test_a_local_mean_at_the_edge_of_its_masks_reach_is_the_masks_colour():
    """Near where a mask's pixels thin out, the mean of them is still their colour: not blended
    with the empty cells beyond (which hold no colour, i.e. black). The veil step's backdrop mean
    beside a loop of hair came out near black so, and the loop's film was not on any line."""
    from photocheck.vision.person import CompositeParams, _local_means

    h, w = 240, 300
    rgb = np.full((h, w, 3), (163, 141, 125), np.uint8)
    rgb[:, : w // 2] = (20, 16, 14)  # dark strands on the left, the beige backdrop on the right
    backdrop = np.zeros((h, w), bool)
    backdrop[:, w // 2 :] = True
    rows, cols = np.nonzero(np.ones((h, w), bool))
    (found,) = _local_means(rgb, (backdrop,), rows, cols, CompositeParams(window=0.05, work_long_side=100))
    reached = found[:, 3] > 0.005
    assert reached[cols < w // 2].any()  # the strands' side is within reach of some backdrop
    np.testing.assert_allclose(found[reached, :3], np.broadcast_to([163, 141, 125], (int(reached.sum()), 3)),
                               atol=1.0)


def test_a_highlight_half_strand_on_dark_hair_stays():
    """A loop framed by hair whose inside is half strand (a sheen on the crown, busy-img37): no film.
    The piece is film only when mostly backdrop (veil_piece)."""
    import cv2

    from photocheck.vision.person import MatteParams, _veils

    # Read as a little under half strand: the strands' local mean takes in some of the loop.
    rgb, hard = _veil_scene(frame_share=1.0, inside_share=0.56)
    inside = np.zeros(hard.shape, np.uint8)
    cv2.circle(inside, (150, 45), 10, 1, -1)
    box = (110.0, 130.0, 190.0, 230.0)
    loose = MatteParams(veil_residual=0.12, veil_window=0.1, veil_alpha=0.55)
    assert (_veils(rgb, hard, loose, box)[inside > 0] == 0).any()  # without the rule it would go
    out = _veils(rgb, hard, MatteParams(veil_residual=0.12, veil_window=0.1, veil_alpha=0.55, veil_piece=0.45), box)
    assert (out == hard).all()
