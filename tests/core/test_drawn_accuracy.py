"""The bundled model's accuracy on drawn digits, scored on the HELD-OUT set.

``tests/drawn_digits.py`` tuned the preprocessing, so it cannot score it; the held-out set
(``tests/drawn_digits_holdout.py``: 4 writers × 10 digits × 6 sheets) was written apart from
it and is used only here, in the GUI's held-out drawing test and in
``benchmarks/drawn_accuracy.py``. Measured when the set was written: 237 / 240 (98.8 %); the
three misses are one writer's European long-flag 1 read as 7. The bars below leave room for
a different but equally good model, not for a broken pipeline: without polarity detection
the set scores 33.8 %, without centring 52.5 %. (Without the stroke-width step it still
scores 97.5 %, so these bars do not guard that step; test_preprocess.py's stroke test does.)
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from cnn_core.checkpoints import load_bundled
from cnn_core.recognition.predict import Predictor
from drawn_digits_holdout import SHEETS, WRITERS, samples

HOLDOUT_SOURCE = Path(__file__).resolve().parents[1] / "drawn_digits_holdout.py"
MIN_ACCURACY = 0.97  # of all 240
MIN_GROUP_ACCURACY = 0.9  # of each writer's 60 and each sheet's 40


@pytest.fixture(scope="module")
def results() -> list[tuple[str, str, int, int | None]]:
    """(writer, sheet, digit, label read) for every held-out image."""
    predictor = Predictor(load_bundled())
    return [(s.writer, s.sheet, s.digit, predictor.predict(s.image).label) for s in samples()]


def test_held_out_set_is_large_varied_and_independent() -> None:
    images = list(samples())
    assert len(images) >= 200
    assert Counter(s.digit for s in images) == {d: len(images) // 10 for d in range(10)}
    assert {s.image.shape[0] for s in images} == {sheet.canvas for sheet in SHEETS}
    inverted = [s for s in images if np.median(s.image[0]) < 128]
    assert 0.2 < len(inverted) / len(images) < 0.5  # both polarities
    assert len({s.image.tobytes() for s in images}) == len(images)
    tree = ast.parse(HOLDOUT_SOURCE.read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {"drawn_digits", "digit_strokes"} & imported  # not derived from the templates
    again = next(iter(samples()))
    assert np.array_equal(again.image, images[0].image)  # the same set every run


def test_bundled_model_reads_held_out_drawn_digits(results) -> None:  # noqa: ANN001
    misses = [f"{w}/{s}: {d} read as {label}" for w, s, d, label in results if label != d]
    accuracy = 1 - len(misses) / len(results)
    print(f"held-out drawn digits: {len(results) - len(misses)}/{len(results)} "
          f"= {accuracy:.1%}; misses: {misses}")
    assert accuracy >= MIN_ACCURACY, misses


@pytest.mark.parametrize("group", [f"writer:{w.name}" for w in WRITERS]
                         + [f"sheet:{s.name}" for s in SHEETS])
def test_no_writer_or_sheet_is_left_behind(results, group: str) -> None:  # noqa: ANN001
    kind, name = group.split(":")
    mine = [(d, label) for w, s, d, label in results if (w if kind == "writer" else s) == name]
    correct = sum(d == label for d, label in mine)
    assert correct / len(mine) >= MIN_GROUP_ACCURACY, (group, correct, len(mine))
