"""The synthetic non-digits the digit detector learns from."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.data.drawn_shapes import HAND_SHAPES, wobble
from cnn_core.data.nondigits import SHAPES, render_shape
from cnn_core.data.preprocess import preprocess


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_every_shape_kind_draws_ink_repeatably(kind: str) -> None:
    for seed in range(5):
        image = render_shape(kind, np.random.default_rng(seed))
        assert np.array_equal(image, render_shape(kind, np.random.default_rng(seed)))
        assert not preprocess(image).blank, (kind, seed)


def test_straight_stroke_figures_are_never_a_lone_line() -> None:
    # One straight stroke is a fair 1: the figures have two to four strokes.
    counts = {len(SHAPES["strokes"](np.random.default_rng(s), 0.5, 0.4)) for s in range(200)}
    assert counts == {2, 3, 4}


def test_closed_outlines_end_where_they_start() -> None:
    for seed in range(50):
        (outline,) = SHAPES["closed"](np.random.default_rng(seed), 0.5, 0.4)
        assert 4 <= len(outline) <= 6 and outline[0] == outline[-1]


@pytest.mark.parametrize("kind", sorted(HAND_SHAPES))
def test_hand_drawn_shapes_stay_around_their_centre(kind: str) -> None:
    for seed in range(20):
        strokes = HAND_SHAPES[kind](np.random.default_rng(seed), 0.5, 0.4)
        points = np.concatenate([np.asarray(s, np.float64) for s in strokes])
        assert len(strokes) >= 1 and all(len(s) >= 2 for s in strokes), (kind, seed)
        # Slant, wobble and arrow heads may reach a little past the radius, never far.
        assert np.abs(points - 0.5).max() < 0.4 * 1.8, (kind, seed)
        assert np.ptp(points, axis=0).max() > 0.4 * 0.5, (kind, seed)  # never a dot


def test_wobble_keeps_corners_and_bends_lines_a_little() -> None:
    corner = [[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]]
    (bent,) = wobble(corner, np.random.default_rng(0), 0.05)
    bent_points = np.asarray(bent)
    assert len(bent) > 3
    # Every original point is still a point of the stroke, moved by at most the amount.
    for x, y in corner[0]:
        assert np.linalg.norm(bent_points - (x, y), axis=1).min() <= 0.05 + 1e-9
    straight = np.asarray([(x, y) for x, y in bent if y < 0.5 and 0.05 < x < 0.95])
    assert np.abs(straight[:, 1]).max() > 0.001  # the straight line is no longer ruler-straight
    assert wobble(corner, np.random.default_rng(0), 0.0) == corner
