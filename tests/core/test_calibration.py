"""Calibration: ECE and reliability figures, and temperature scaling."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnn_core.training.calibration import expected_calibration_error, fit_temperature, reliability


def test_ece_of_a_hand_worked_example() -> None:
    # Two answers at confidence 0.9 (one right), two at 0.6 (both right), 2 bins.
    probs = np.array([[0.9, 0.1], [0.9, 0.1], [0.4, 0.6], [0.4, 0.6]])
    labels = np.array([0, 1, 1, 1])
    curve = reliability(probs, labels, n_bins=2)
    assert curve.counts.tolist() == [0, 4]  # 0.6 and 0.9 are both above 0.5
    assert curve.ece == pytest.approx(abs(0.75 - 0.75))
    curve = reliability(probs, labels, n_bins=10)
    assert curve.counts[5] == 2 and curve.counts[8] == 2  # (0.5, 0.6] and (0.8, 0.9]
    assert curve.accuracy[5] == pytest.approx(1.0)
    assert curve.accuracy[8] == pytest.approx(0.5)
    # |1 - 0.6| * 2/4 + |0.5 - 0.9| * 2/4
    assert curve.ece == pytest.approx(0.4)
    assert expected_calibration_error(probs, labels, n_bins=10) == pytest.approx(0.4)


def test_a_calibrated_model_has_small_ece() -> None:
    rng = np.random.default_rng(0)
    conf = rng.uniform(0.5, 1.0, 200_000)
    right = rng.uniform(size=conf.size) < conf
    probs = np.stack([conf, 1 - conf], axis=1)
    labels = np.where(right, 0, 1)
    assert expected_calibration_error(probs, labels) < 0.01
    overconfident = np.stack([np.full_like(conf, 0.99), np.full_like(conf, 0.01)], axis=1)
    assert expected_calibration_error(overconfident, labels) > 0.2


def test_temperature_recovers_the_scale_of_overconfident_logits() -> None:
    gen = torch.Generator().manual_seed(0)
    true_logits = torch.randn(20_000, 10, generator=gen) * 2.0
    labels = torch.multinomial(torch.softmax(true_logits, 1), 1, generator=gen)[:, 0]
    overconfident = true_logits * 3.0  # the same ranking, three times too sure
    temperature = fit_temperature(overconfident, labels)
    assert temperature == pytest.approx(3.0, rel=0.05)
    before = expected_calibration_error(torch.softmax(overconfident, 1), labels)
    after = expected_calibration_error(torch.softmax(overconfident / temperature, 1), labels)
    assert after < before / 3


def test_degenerate_inputs_give_no_scaling() -> None:
    assert fit_temperature(torch.zeros(0, 10), torch.zeros(0, dtype=torch.long)) == 1.0
    bad = torch.full((4, 10), float("nan"))
    assert fit_temperature(bad, torch.zeros(4, dtype=torch.long)) == 1.0
    with pytest.raises(ValueError, match="expected probabilities"):
        reliability(np.zeros((3, 2)), np.zeros(4))
