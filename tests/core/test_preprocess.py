import numpy as np
import pytest
from PIL import Image

from cnn_core.checkpoints import load_bundled
from cnn_core.data.preprocess import ImageError, load_image, preprocess
from cnn_core.recognition.predict import Predictor
from drawn_digits import render, variations

VARIATIONS = list(variations())


@pytest.fixture(scope="module")
def predictor():
    return Predictor(load_bundled())


def _bbox(img):
    rows = np.flatnonzero(img.max(1) > 0.05)
    cols = np.flatnonzero(img.max(0) > 0.05)
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


@pytest.mark.parametrize(("name", "kwargs"), VARIATIONS, ids=[v[0] for v in VARIATIONS])
def test_any_drawing_becomes_an_mnist_style_image(name, kwargs):
    pre = preprocess(render(3, **kwargs))
    assert not pre.blank
    img = pre.image28
    assert img.shape == (28, 28) and img.dtype == np.float32
    assert img.max() == pytest.approx(1.0, abs=0.05) and img.min() >= 0
    h, w = _bbox(img)
    assert max(h, w) in (19, 20, 21)  # fitted to 20×20 like MNIST
    ys, xs = np.mgrid[0:28, 0:28]
    cy, cx = (ys * img).sum() / img.sum(), (xs * img).sum() / img.sum()
    assert abs(cy - 13.5) < 1.0 and abs(cx - 13.5) < 1.0  # centre of mass in the middle
    assert pre.inverted == kwargs.get("dark_on_light", True)
    assert [s.key for s in pre.steps] == ["gray", "ink", "cropped", "stroke", "fitted", "centred"]


def test_polarity_does_not_change_the_result():
    dark = preprocess(render(5, dark_on_light=True)).image28
    light = preprocess(render(5, dark_on_light=False)).image28
    assert np.abs(dark - light).max() < 0.02


def test_stroke_width_is_normalised():
    thin = preprocess(render(7, pen=0.006, canvas=1200)).image28
    thick = preprocess(render(7, pen=0.09)).image28
    ink_thin, ink_thick = (thin > 0.5).sum(), (thick > 0.5).sum()
    assert ink_thin > 25, "a hairline on a big canvas must not vanish"
    assert 0.4 < ink_thin / ink_thick < 2.5


@pytest.mark.parametrize("image", [np.zeros((300, 300), np.uint8),
                                   np.full((300, 400), 255, np.uint8),
                                   np.full((50, 50, 3), 128, np.uint8),
                                   np.zeros((64, 64, 4), np.uint8)])
def test_blank_pictures_are_no_digit(image, predictor):
    pred = predictor.predict(image)
    assert pred.preprocessed.blank and pred.label is None and pred.probabilities.sum() == 0


def test_rgb_and_rgba_input():
    gray = render(2)
    rgb = np.stack([gray] * 3, axis=-1)
    rgba = np.zeros((*gray.shape, 4), np.uint8)  # black ink on a transparent sheet
    rgba[..., 3] = 255 - gray
    a, b, c = (preprocess(x).image28 for x in (gray, rgb, rgba))
    assert np.abs(a - b).max() < 0.02 and np.abs(a - c).max() < 0.02


@pytest.mark.parametrize(("name", "kwargs"), VARIATIONS, ids=[v[0] for v in VARIATIONS])
def test_bundled_model_reads_the_development_drawings(predictor, name, kwargs):
    # In-sample: preprocessing was tuned on these. The score is test_drawn_accuracy.py's.
    labels = [predictor.predict(render(d, **kwargs)).label for d in range(10)]
    assert labels == list(range(10))


def test_load_image_errors(tmp_path):
    with pytest.raises(ImageError, match="not found"):
        load_image(tmp_path / "absent.png")
    (tmp_path / "text.png").write_text("not an image")
    with pytest.raises(ImageError, match="not an image"):
        load_image(tmp_path / "text.png")
    Image.fromarray(render(4)).save(tmp_path / "ok.png")
    data = (tmp_path / "ok.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 3])
    with pytest.raises(ImageError, match="corrupt or truncated"):
        load_image(tmp_path / "cut.png")
    Image.new("1", (8000, 6000)).save(tmp_path / "huge.png")
    with pytest.raises(ImageError, match="too large"):
        load_image(tmp_path / "huge.png")
    assert load_image(tmp_path / "ok.png").shape == (560, 560)


@pytest.mark.parametrize(("name", "kwargs"), VARIATIONS, ids=[v[0] for v in VARIATIONS])
def test_placement_maps_the_28x28_image_back_onto_the_drawing(name, kwargs):
    """Pulling the 28×28 image back onto the picture through the placement lands on the ink."""
    import torch
    import torch.nn.functional as F

    picture = render(2, **kwargs)
    pre = preprocess(picture)
    ink = pre.steps[1].image
    height, width = ink.shape
    x0, y0, x1, y1 = pre.placement.square()
    # Sample the 28×28 image at every picture pixel centre (the inverse of the placement).
    xs = ((np.arange(width) + 0.5 - x0) / (x1 - x0)) * 2 - 1
    ys = ((np.arange(height) + 0.5 - y0) / (y1 - y0)) * 2 - 1
    grid = torch.from_numpy(np.stack(np.meshgrid(xs, ys), -1)[None].astype(np.float32))
    back = F.grid_sample(torch.from_numpy(pre.image28)[None, None], grid,
                         align_corners=False)[0, 0].numpy()
    ys, xs = np.mgrid[0:height, 0:width]
    side = x1 - x0  # the 28×28 square's side in picture pixels

    def centre(img):
        return np.array([(ys * img).sum(), (xs * img).sum()]) / img.sum()

    def box(img):
        rows, cols = np.flatnonzero(img.max(1) > 0.3), np.flatnonzero(img.max(0) > 0.3)
        return np.array([rows[0], rows[-1], cols[0], cols[-1]])

    # Strokes are thickened or thinned on the way, so compare centres and extents, not pixels.
    assert np.abs(centre(back) - centre(ink)).max() < 0.02 * side
    assert np.abs(box(back) - box(ink)).max() < 0.06 * side


@pytest.mark.parametrize(("height", "pen"), [(0.2, 20), (0.25, 24), (0.2, 12), (0.5, 40)])
def test_a_small_thick_zero_keeps_a_round_hole(height, pen):
    """A small 0 drawn with a wide brush is thinned into a ring with a round hole, not a blob
    with a square hole."""
    import math

    from cnn_core.data.drawn_eval import Style, place_strokes

    ring = [[(0.5 + 0.38 * math.cos(t * math.pi / 20), 0.5 + 0.5 * math.sin(t * math.pi / 20))
             for t in range(41)]]
    picture, _, _ = place_strokes(ring, Style(height, pen, 0.0, (0.05, 0.95), False, False),
                                  np.random.default_rng(0))
    stroke = dict((s.key, s.image) for s in preprocess(picture).steps)["stroke"] > 0.5
    # The hole: paper that cannot be reached from the border.
    outside = np.zeros_like(stroke)
    outside[0, :] = outside[-1, :] = outside[:, 0] = outside[:, -1] = True
    outside &= ~stroke
    while True:
        grown = outside.copy()
        grown[1:] |= outside[:-1]
        grown[:-1] |= outside[1:]
        grown[:, 1:] |= outside[:, :-1]
        grown[:, :-1] |= outside[:, 1:]
        grown &= ~stroke
        if (grown == outside).all():
            break
        outside = grown
    hole = ~stroke & ~outside
    rows, cols = np.flatnonzero(hole.any(1)), np.flatnonzero(hole.any(0))
    assert len(rows) > 0.3 * stroke.shape[0]  # a real hole, not a pinhole
    fill = hole.sum() / ((rows[-1] - rows[0] + 1) * (cols[-1] - cols[0] + 1))
    assert fill < 0.92  # an ellipse fills π/4 of its box (an octagon 0.83–0.87), a square 1
    ink = stroke.sum() / stroke.size
    assert ink < 0.5  # a ring, not a blob


@pytest.mark.parametrize("shape_in,shape_out", [((280, 280), (112, 112)), ((61, 145), (99, 123)),
                                                ((7, 300), (20, 3)), ((33, 12), (5, 80))])
def test_the_resize_is_torchs_antialiased_bilinear_one(shape_in, shape_out):
    # Preprocessing is numpy alone (the window answers before torch is imported); its resize
    # is PyTorch's antialiased bilinear resize, number for number.
    import torch
    import torch.nn.functional as F

    from cnn_core.data.preprocess import _resize

    image = np.random.default_rng(0).random(shape_in, dtype=np.float32)
    want = F.interpolate(torch.from_numpy(image)[None, None], size=shape_out, mode="bilinear",
                         antialias=True, align_corners=False)[0, 0].numpy()
    np.testing.assert_allclose(_resize(image, *shape_out), want, atol=2e-5)


@pytest.mark.parametrize("grow", [True, False])
def test_the_stroke_morphology_is_torchs_max_pooling_one(grow):
    import torch
    import torch.nn.functional as F

    from cnn_core.data.preprocess import _morph

    image = np.random.default_rng(1).random((40, 30), dtype=np.float32)
    image[image < 0.8] = 0
    t = torch.from_numpy(image)[None, None]
    t = t if grow else -t
    for i in range(5):  # 3×3 squares and crosses in turn
        if i % 2 == 0:
            t = F.max_pool2d(t, 3, stride=1, padding=1)
        else:
            p = F.pad(t, (1, 1, 1, 1), value=float("-inf"))
            t = torch.stack([t, p[..., :-2, 1:-1], p[..., 2:, 1:-1], p[..., 1:-1, :-2],
                             p[..., 1:-1, 2:]]).amax(dim=0)
    want = (t if grow else -t)[0, 0].numpy()
    np.testing.assert_array_equal(_morph(image, 5, grow), want)
