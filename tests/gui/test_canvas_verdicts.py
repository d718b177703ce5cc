"""The verdict in the window, on digits and non-digits drawn with the mouse as people draw them:
small in a corner, thin, thick and low, a European 1, a 7 with a bar; an "A", a "#", a spiral,
a scribble."""

from __future__ import annotations

import math

import numpy as np
import pytest
from digit_strokes import DIGITS, Stroke, line
from drawn_nondigits import stroke_paths

from app.main_window import MainWindow


def _ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 36) -> Stroke:
    return [(cx + rx * math.sin(2 * math.pi * i / n), cy - ry * math.cos(2 * math.pi * i / n))
            for i in range(n + 1)]


def _moved(strokes: list[Stroke], box: tuple[float, float, float, float]) -> list[Stroke]:
    """Strokes drawn in the middle 70 % square (DIGITS) moved into ``box`` (x, y, w, h)."""
    x0, y0, w, h = box
    return [[(x0 + (x - 0.15) / 0.7 * w, y0 + (y - 0.15) / 0.7 * h) for x, y in s]
            for s in strokes]


# (name, brush width in canvas pixels, strokes, the digit)
DIGIT_CASES = [
    ("small 0 in a corner", 20, [_ellipse(0.12, 0.13, 0.07, 0.1)], 0),
    ("thin 4", 4, DIGITS[4], 4),
    ("thick 8 drawn low", 40, _moved(DIGITS[8], (0.3, 0.45, 0.45, 0.52)), 8),
    ("European 1", 20, [[(0.38, 0.35), *line((0.55, 0.15), (0.55, 0.85))]], 1),
    ("7 with a bar", 20, [[(0.25, 0.18), (0.75, 0.18), *line((0.75, 0.18), (0.42, 0.85))[1:]],
                          line((0.45, 0.5), (0.75, 0.5))], 7),
]

NONDIGIT_CASES = [
    pytest.param("A", stroke_paths("A", (0.2, 0.15, 0.56, 0.7)), id="A"),
    pytest.param("#", stroke_paths("hash", (0.2, 0.15, 0.56, 0.7)), id="hash"),
    pytest.param("spiral", stroke_paths("spiral", (0.15, 0.15, 0.7, 0.7)), id="spiral"),
    pytest.param("scribble", stroke_paths("scribble-5", (0.15, 0.15, 0.7, 0.7)), id="scribble"),
]


def _answer(win: MainWindow, draw, qtbot, width: int, strokes: list[Stroke]):  # noqa: ANN001, ANN202
    win.canvas_panel.clearAction.trigger()
    win.canvas.set_brush_width(width)
    draw(win.canvas, strokes)
    drawn = win.canvas.image_array() / np.float32(255)

    def of_the_whole_drawing() -> bool:
        prediction = win.inference.last_prediction()
        return prediction is not None and np.array_equal(
            prediction.preprocessed.steps[0].image, drawn)

    qtbot.waitUntil(of_the_whole_drawing)
    return win.inference.last_prediction()


def test_drawn_digits_read_as_digits(bundled_window: MainWindow, draw, qtbot) -> None:  # noqa: ANN001
    wrong = []
    for name, width, strokes, digit in DIGIT_CASES:
        prediction = _answer(bundled_window, draw, qtbot, width, strokes)
        if (prediction.verdict, prediction.label) != ("digit", digit):
            wrong.append((name, prediction.verdict, prediction.label, prediction.digit_score))
        else:
            headline = bundled_window.prediction_panel.predictionLabel.text()
            assert headline.startswith(str(digit)), headline
    assert not wrong, wrong


@pytest.mark.parametrize(("name", "strokes"), NONDIGIT_CASES)
def test_drawn_non_digits_read_not_a_digit(bundled_window: MainWindow, draw, qtbot,  # noqa: ANN001
                                           name: str, strokes: list[Stroke]) -> None:
    prediction = _answer(bundled_window, draw, qtbot, 20, strokes)
    assert prediction.verdict == "not_a_digit", (name, prediction.verdict, prediction.label,
                                                 prediction.digit_score)
    headline = bundled_window.prediction_panel.predictionLabel.text()
    assert headline == "This does not look like a digit"
    assert prediction.label == int(np.argmax(prediction.probabilities))  # still the answer
