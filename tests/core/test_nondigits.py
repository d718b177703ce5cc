"""The synthetic non-digits the digit detector learns from."""

from __future__ import annotations

import numpy as np
import pytest

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
