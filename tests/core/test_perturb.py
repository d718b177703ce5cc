"""Perturbations of the 28×28 input, probability sweeps and the smallest adversarial flip."""

import numpy as np
import pytest

from cnn_core.analysis.perturb import (
    PARAMETERS,
    Perturbation,
    perturb,
    probabilities,
    smallest_flip,
    sweep,
)
from cnn_core.checkpoints import load_bundled
from cnn_core.data.datasets import load_split
from cnn_core.data.preprocess import preprocess
from cnn_core.recognition.predict import Predictor


@pytest.fixture(scope="module")
def bundled():
    return load_bundled()


@pytest.fixture(scope="module")
def digits():
    split = load_split("mnist", train=False)
    return split.images[:8].numpy().astype(np.float32) / 255, split.labels[:8].numpy()


def _dot(row: int, col: int) -> np.ndarray:
    image = np.zeros((28, 28), np.float32)
    image[row, col] = 1.0
    return image


def _peak(image: np.ndarray) -> tuple[int, int]:
    row, col = np.unravel_index(int(image.argmax()), image.shape)
    return int(row), int(col)


def test_no_perturbation_changes_nothing(digits):
    image = digits[0][0]
    assert np.array_equal(perturb(image, Perturbation()), image)


@pytest.mark.parametrize(("p", "where"), [
    (Perturbation(rotate=90), (7, 14)),  # right of centre → above it (counter-clockwise)
    (Perturbation(rotate=-90), (20, 13)),  # centre (13.5, 13.5): exact quarter turns
    (Perturbation(shift_x=3, shift_y=-2), (12, 23)),
    (Perturbation(scale=0.5), (14, 17)),  # 6.5 px right of the centre 13.5 → 3.25
])
def test_geometry_moves_a_dot_where_expected(p, where):
    assert _peak(perturb(_dot(14, 20), p)) == where


def test_thickness_grows_and_thins_the_stroke(digits):
    image = digits[0][0]
    ink = (image > 0.5).sum()
    thicker = (perturb(image, Perturbation(thickness=1)) > 0.5).sum()
    half = (perturb(image, Perturbation(thickness=0.5)) > 0.25).sum()
    thinner = (perturb(image, Perturbation(thickness=-1)) > 0.5).sum()
    assert thinner < ink < half <= thicker


def test_noise_has_its_strength_and_repeats_with_its_seed():
    grey = np.full((28, 28), 0.5, np.float32)
    noisy = perturb(grey, Perturbation(noise=0.1, seed=3))
    assert np.std(noisy - grey) == pytest.approx(0.1, rel=0.15)
    assert np.array_equal(noisy, perturb(grey, Perturbation(noise=0.1, seed=3)))
    assert not np.array_equal(noisy, perturb(grey, Perturbation(noise=0.1, seed=4)))


@pytest.mark.parametrize("parameter", PARAMETERS)
def test_sweep_at_no_change_is_the_plain_prediction(parameter, bundled, digits):
    image = digits[0][1]
    neutral = {"scale": 1.0}.get(parameter, 0.0)
    values = np.array([neutral - 0.5, neutral, neutral + 0.25])
    probs = sweep(bundled, image, Perturbation(), parameter, values)
    assert probs.shape == (3, 10)
    plain = Predictor(bundled).probabilities(preprocess((image * 255).astype(np.uint8)))
    assert np.allclose(probs[1], probabilities(bundled, image), atol=1e-6)
    assert probs[1].argmax() == plain.argmax()


def test_rotating_far_enough_loses_the_answer(bundled, digits):
    image, label = digits[0][0], int(digits[1][0])  # a 7
    probs = sweep(bundled, image, Perturbation(), "rotate", np.array([-120.0, 0.0, 120.0]))
    assert probs[1, label] > 0.9
    assert probs[0, label] < 0.5 and probs[2, label] < 0.5


def test_smallest_flip_changes_the_answer_by_exactly_its_epsilon(bundled, digits):
    model = bundled.model
    for image in digits[0][:4]:
        before = int(probabilities(bundled, image).argmax())
        flip = smallest_flip(bundled, image)
        assert flip is not None
        assert flip.original == before
        after = probabilities(bundled, flip.image)
        assert int(after.argmax()) == flip.label != before
        assert np.allclose(after, flip.probabilities, atol=1e-5)
        assert np.abs(flip.image - image).max() == pytest.approx(flip.epsilon, abs=1e-6)
        assert 0 < flip.epsilon <= 0.5 and flip.image.min() >= 0 and flip.image.max() <= 1
        # A budget below the one found does not flip it with the same attack.
        assert smallest_flip(bundled, image, max_epsilon=flip.epsilon * 0.6, budgets=3) is None
    assert not model.training


def test_no_flip_within_a_tiny_budget(bundled, digits):
    assert smallest_flip(bundled, digits[0][0], max_epsilon=0.005, budgets=2) is None
