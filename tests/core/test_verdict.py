"""The verdict: digit, not sure, not a digit, blank — on drawn non-digits and real digits."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import torch
from drawn_nondigits import LOWER, SCRIBBLES, SHAPES, SYMBOLS, UPPER, drawn_nondigits, render

from cnn_core.checkpoints import Checkpoint, load_bundled, make_metadata
from cnn_core.data.datasets import load_split
from cnn_core.data.preprocess import preprocess
from cnn_core.models import create_model
from cnn_core.recognition.detector import (
    DetectorConfig,
    DigitDetector,
    fit_detector,
    load_bundled_detector,
)
from cnn_core.recognition.predict import Prediction, Predictor
from cnn_core.recognition.verdict import VerdictRule, decide
from drawn_digits import render as render_digit
from drawn_digits import variations as digit_variations


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    if load_bundled_detector() is None:
        pytest.fail("the bundled digit detector does not load")
    return Predictor(load_bundled())


def _flagged(verdicts: Counter[str]) -> float:
    return (verdicts["not_a_digit"] + verdicts["unsure"]) / sum(verdicts.values())


# ----------------------------------------------------------------------------- the rule


def test_detector_thresholds_decide_first() -> None:
    sure = np.array([0.97, 0.02, 0.01])
    assert decide(sure, 0.01, not_digit_below=0.2, unsure_below=0.4) == "not_a_digit"
    assert decide(sure, 0.3, not_digit_below=0.2, unsure_below=0.4) == "unsure"
    assert decide(sure, 0.9, not_digit_below=0.2, unsure_below=0.4) == "digit"


def test_close_or_weak_answers_are_unsure() -> None:
    rule = VerdictRule(min_confidence=0.5, min_margin=0.15)
    assert decide(np.array([0.52, 0.40, 0.08]), 0.99, rule=rule) == "unsure"  # close
    assert decide(np.array([0.45, 0.20, 0.35]), 0.99, rule=rule) == "unsure"  # weak
    assert decide(np.array([0.70, 0.20, 0.10]), 0.99, rule=rule) == "digit"


def test_without_a_detector_the_fallback_rule_applies() -> None:
    rule = VerdictRule(fallback_not_digit_below=0.3)
    assert decide(np.full(10, 0.1), None, rule=rule) == "not_a_digit"
    assert decide(np.array([0.9] + [0.1 / 9] * 9), None, rule=rule) == "digit"


def test_models_of_other_classes_never_say_not_a_digit() -> None:
    assert decide(np.full(10, 0.1), 0.0, digits=False) == "unsure"
    assert decide(np.array([0.9] + [0.1 / 9] * 9), 0.0, digits=False) == "digit"


def test_a_prediction_made_without_a_verdict_derives_it() -> None:
    pre = preprocess(render_digit(3))
    assert Prediction(3, 0.9, np.zeros(10), pre).verdict == "digit"
    assert Prediction(None, 0.0, np.zeros(10), pre).verdict == "blank"


# ----------------------------------------------------------------------------- the predictor


def test_blank_picture_is_blank(predictor: Predictor) -> None:
    pred = predictor.predict(np.full((280, 280), 255, np.uint8))
    assert pred.verdict == "blank" and pred.label is None and pred.digit_score is None


def test_a_scribble_is_not_a_digit_and_keeps_the_classifiers_answer(
        predictor: Predictor) -> None:
    pred = predictor.predict(render("scribble-0"))
    assert pred.verdict == "not_a_digit"
    assert pred.label == int(np.argmax(pred.probabilities))  # the answer, for every verdict
    assert pred.digit_score is not None and pred.digit_score < predictor.thresholds[1]
    assert pred.probabilities.sum() == pytest.approx(1.0, abs=1e-5)  # bars still shown


@pytest.fixture(scope="module")
def nondigit_verdicts(predictor: Predictor) -> list[tuple[str, str]]:
    """(template, verdict) for every drawn non-digit except the digit-like letters."""
    return [(name, predictor.predict(image).verdict)
            for name, _, image in drawn_nondigits(include_lookalikes=False)]


def test_most_drawn_non_digits_are_flagged(nondigit_verdicts: list[tuple[str, str]]) -> None:
    verdicts = Counter(v for _, v in nondigit_verdicts)
    assert sum(verdicts.values()) > 400
    assert _flagged(verdicts) >= 0.78, verdicts  # measured: 81.9 %


@pytest.mark.parametrize(("group", "least"), [(UPPER, 0.85), (LOWER, 0.9), (SYMBOLS, 0.7),
                                              (SHAPES, 0.6), (SCRIBBLES, 0.55)])
def test_every_kind_of_non_digit_is_mostly_flagged(nondigit_verdicts: list[tuple[str, str]],
                                                   group: dict, least: float) -> None:
    # measured: capitals 94 %, small letters 98 %, symbols 79 %, shapes 64 %, scribbles 68 %
    verdicts = Counter(v for name, v in nondigit_verdicts if name in group)
    assert _flagged(verdicts) >= least, verdicts


def test_drawn_digits_are_kept(predictor: Predictor) -> None:
    results = [(d, predictor.predict(render_digit(d, **kwargs)))
               for _, kwargs in digit_variations() for d in range(10)]
    flagged = [(d, p.verdict) for d, p in results if p.verdict != "digit"]
    assert len(flagged) <= 2, flagged
    assert all(p.label == d for d, p in results if p.verdict != "not_a_digit")


def test_mnist_test_digits_are_kept(predictor: Predictor) -> None:
    split = load_split("mnist", train=False)
    verdicts = Counter(predictor.predict(img).verdict for img in split.images[:600].numpy())
    assert _flagged(verdicts) <= 0.03, verdicts


def test_the_calibration_temperature_is_used() -> None:
    ck = load_bundled()
    hot = Checkpoint(ck.model, {**ck.meta, "calibration": {"temperature": 50.0}})
    image = render_digit(4)
    assert Predictor(ck).predict(image).verdict == "digit"
    pred = Predictor(hot).predict(image)
    assert pred.verdict == "unsure" and pred.label == 4  # flat probabilities: not sure
    bad = Checkpoint(ck.model, {**ck.meta, "calibration": {"temperature": "hot"}})
    assert Predictor(bad).predict(image).verdict == "digit"  # unreadable: no scaling


def test_a_model_trained_on_other_classes_gets_no_detector() -> None:
    model = create_model("tinyvgg", seed=0)
    fashion = Checkpoint(model, make_metadata(model, dataset="fashion_mnist",
                                              classes=["T-shirt/top", "Trouser", "Pullover",
                                                       "Dress", "Coat", "Sandal", "Shirt",
                                                       "Sneaker", "Bag", "Ankle boot"]))
    predictor = Predictor(fashion)
    assert predictor.detector is None
    assert predictor.predict(render("scribble-1")).verdict in ("digit", "unsure")


def test_fit_detector_learns_and_sets_thresholds() -> None:
    cfg = DetectorConfig(canvas_digits=300, mnist=200, font_digits=100, nondigits=500,
                         epochs=2, seed=3, calibration_digits=100, workers=1)
    torch.manual_seed(7)
    rng = torch.get_rng_state()
    detector = DigitDetector(fit_detector(cfg, say=lambda _: None))
    assert torch.equal(torch.get_rng_state(), rng)  # seeded for the fit, then restored
    assert 0.0 < detector.not_digit_below <= detector.unsure_below < 1.0
    digits = np.stack([preprocess(render_digit(d)).image28 for d in range(10)])
    others = np.stack([preprocess(render(n)).image28 for n in ("hatching", "star", "M", "hash")])
    assert detector.digit_probability(digits).mean() > detector.digit_probability(others).mean()
