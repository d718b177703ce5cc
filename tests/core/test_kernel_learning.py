"""Learning a kernel by gradient descent recovers the tutorials' edge detector."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnn_core.analysis.kernel_learning import (
    PRESETS,
    KernelLearner,
    learn_kernel,
    stable_lr_limit,
    tutorial_edge_image,
)
from cnn_core.data.datasets import load_split


def test_tutorial_pattern_and_its_edges() -> None:
    x = tutorial_edge_image()
    assert x.shape == (6, 8)
    learner = KernelLearner(x, PRESETS["edge"])
    # the tutorials' Y: 1 where white turns black, -1 where black turns white, 0 elsewhere
    y = learner.y.reshape(6, 7)
    assert np.array_equal(y[0], [0, 1, 0, 0, 0, -1, 0])
    assert np.array_equal(y, np.repeat(y[:1], 6, axis=0))


def test_recovers_the_edge_kernel_from_the_tutorial_pattern() -> None:
    x = tutorial_edge_image()
    start = KernelLearner(x, PRESETS["edge"], seed=0).start()
    assert start.error > 0.5  # a real random start, far from the answer
    last = learn_kernel(x, PRESETS["edge"], lr=3e-2, steps=40, seed=0)  # the tutorials' lr
    assert not last.diverged
    assert np.abs(last.kernel - np.array([[1.0, -1.0]])).max() < 1e-3
    assert last.loss < start.loss * 1e-6


def test_recovers_the_edge_kernel_from_an_mnist_digit() -> None:
    digit = load_split("mnist", train=True).images[0].numpy() / 255.0
    limit = stable_lr_limit(digit, (1, 2))
    last = learn_kernel(digit, PRESETS["edge"], lr=0.5 * limit, steps=400, seed=3)
    assert np.abs(last.kernel - np.array([[1.0, -1.0]])).max() < 1e-3


def test_several_images_and_a_3x3_target() -> None:
    digits = load_split("mnist", train=False).images[:3].numpy() / 255.0
    limit = stable_lr_limit(digits, (3, 3))
    last = learn_kernel(digits, PRESETS["sobel_x"], lr=0.9 * limit, steps=3000, seed=1)
    assert np.abs(last.kernel - np.asarray(PRESETS["sobel_x"])).max() < 1e-3


def test_gradient_is_autograds() -> None:
    x = np.random.default_rng(0).random((2, 9, 7))
    learner = KernelLearner(x, PRESETS["laplacian"], seed=5)
    loss, gradient = learner.loss_and_gradient()
    weight = torch.tensor(learner.kernel).view(1, 1, 3, 3).requires_grad_(True)
    xs = torch.tensor(x).unsqueeze(1)
    target = torch.tensor(np.asarray(PRESETS["laplacian"])).view(1, 1, 3, 3)
    reference = ((F.conv2d(xs, weight) - F.conv2d(xs, target)) ** 2).sum()
    reference.backward()
    assert loss == pytest.approx(float(reference.detach()), rel=1e-10)
    np.testing.assert_allclose(gradient, weight.grad[0, 0].numpy(), rtol=1e-9)


def test_a_too_large_rate_is_reported_as_diverged_not_nan() -> None:
    x = tutorial_edge_image()
    limit = stable_lr_limit(x, (1, 2))
    assert limit == pytest.approx(1 / 30)  # why the tutorials' 3e-2 works and 4e-2 would not
    learner = KernelLearner(x, PRESETS["edge"], lr=3 * limit, seed=0)
    records = list(learner.steps(10_000))
    assert records[-1].diverged and len(records) < 100
    assert all(np.isfinite(r.kernel).all() for r in records)
    assert not records[-2].diverged


def test_bad_inputs_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        KernelLearner(np.zeros((2, 2)), PRESETS["sobel_x"])
    with pytest.raises(ValueError, match="finite"):
        KernelLearner(np.zeros((5, 5)), [[1.0, float("nan")]])


def test_same_seed_same_start_other_seed_other_start() -> None:
    x = tutorial_edge_image()
    a, b, c = (KernelLearner(x, PRESETS["edge"], seed=s).kernel for s in (7, 7, 8))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.abs(a).max() <= 1 / np.sqrt(2)
