"""The verdict on pictures drawn as people draw them (a fixed-seed sample of the report part of
the drawn evaluation; the whole of it is ``benchmarks/drawn_verdicts.py``)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from drawn_nondigits import canvas_samples

from cnn_core.checkpoints import load_bundled
from cnn_core.data.drawn_eval import (
    font_samples,
    handwriting_fonts,
    mnist_samples,
    sample_style,
    split_indices,
)
from cnn_core.data.nondigits import NON_DIGIT_CHARS
from cnn_core.recognition.predict import Predictor
from cnn_core.recognition.verdict_eval import GOALS


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    predictor = Predictor(load_bundled())
    assert predictor.detector is not None, "the bundled digit detector does not load"
    return predictor


def test_calibration_and_report_parts_are_disjoint_and_cover_the_test_set() -> None:
    calibration, report = split_indices(10_000, "calibration"), split_indices(10_000, "report")
    assert len(calibration) == len(report) == 5_000
    assert not set(calibration) & set(report)


def test_the_evaluation_is_deterministic_and_varied() -> None:
    first = list(mnist_samples("report", 40, seed=3))
    again = list(mnist_samples("report", 40, seed=3))
    assert all(np.array_equal(a.image, b.image) for a, b in zip(first, again, strict=True))
    other = list(mnist_samples("report", 40, seed=4))
    assert not all(np.array_equal(a.image, b.image) for a, b in zip(first, other, strict=True))
    assert all(s.image.shape == (280, 280) and s.image.dtype == np.uint8 for s in first)
    rng = np.random.default_rng(0)
    styles = [sample_style(rng) for _ in range(2_000)]
    heights = [s.height for s in styles]
    pens = [s.pen for s in styles]
    assert min(heights) < 0.22 and max(heights) > 0.98  # a fifth of the canvas to all of it
    assert min(pens) < 1.5 and max(pens) > 40  # hairline to marker
    assert 0.2 < np.mean([s.dark_on_light for s in styles]) < 0.4


def test_drawn_digits_are_rarely_called_not_a_digit_or_not_sure(predictor: Predictor) -> None:
    digits = list(mnist_samples("report", 500, seed=11))
    digits += list(font_samples("report", "0123456789", {c: int(c) for c in "0123456789"},
                                per_char=1, seed=11))
    verdicts = Counter(predictor.predict(s.image).verdict for s in digits)
    n = sum(verdicts.values())
    assert n >= 500 + 10 * len(handwriting_fonts()[1::2])
    assert verdicts["not_a_digit"] / n <= GOALS["not_a_digit"], verdicts
    assert verdicts["unsure"] / n <= GOALS["unsure"], verdicts


def test_drawn_non_digits_are_flagged(predictor: Predictor) -> None:
    # 352 pictures (a smaller sample swings by more than the margin: 210 gave 88.6 %)
    others = list(canvas_samples(per_template=4, seed=11))
    others += list(font_samples("report", NON_DIGIT_CHARS, None, per_char=1, seed=11))[::3]
    flagged = Counter(predictor.predict(s.image).verdict for s in others)
    share = (flagged["not_a_digit"] + flagged["unsure"]) / sum(flagged.values())
    assert share >= GOALS["flagged"], flagged
