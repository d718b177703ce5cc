"""Per-layer gradient norms ride on the training events; momentum is a recorded setting."""

from __future__ import annotations

import argparse
import dataclasses

import pytest
import torch
import torch.nn.functional as F

from cnn_core.cli import CliError, build_parser
from cnn_core.cli.train import train_config as _train_config
from cnn_core.models import MODELS, create_model
from cnn_core.training import BatchDone, Finished, TrainConfig, train
from cnn_core.training.gradients import layer_gradient_norms, layer_of


def test_layer_names_are_the_readable_ones() -> None:
    assert layer_of("features.conv1.weight") == "conv1"
    assert layer_of("classifier.fc3.bias") == "fc3"
    assert layer_of("features.res1.shortcut.weight") == "res1.shortcut"


def test_norms_equal_the_gradients_by_hand() -> None:
    model = create_model("lenet5", seed=0)
    x, y = torch.rand(8, 1, 28, 28), torch.arange(8)
    F.cross_entropy(model(x), y).backward()
    norms = dict(layer_gradient_norms(model))
    assert list(norms) == ["conv1", "conv2", "fc1", "fc2", "fc3"]
    conv1 = model.features.conv1
    by_hand = torch.cat([conv1.weight.grad.flatten(), conv1.bias.grad]).norm().item()
    assert norms["conv1"] == pytest.approx(by_hand, rel=1e-5)
    assert all(n > 0 for n in norms.values())


def test_batch_events_carry_norms_only_when_asked(tmp_path) -> None:  # noqa: ANN001
    base = TrainConfig.for_model("lenet5", epochs=1, max_train_samples=600, max_test_samples=100,
                                 val_size=0, seed=0, device="cpu", report_every=2,
                                 momentum=0.5)
    events = list(train(base))
    batches = [e for e in events if isinstance(e, BatchDone)]
    assert batches and all(len(b.grad_norms) == 5 for b in batches)
    first = batches[0].grad_norms
    assert [name for name, _ in first] == ["conv1", "conv2", "fc1", "fc2", "fc3"]
    assert isinstance(first, tuple) and all(isinstance(pair, tuple) for pair in first)
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.checkpoint.meta["config"]["momentum"] == 0.5  # recorded with the run
    quiet = dataclasses.replace(base, track_gradients=False, max_train_samples=200)
    assert all(e.grad_norms == () for e in train(quiet) if isinstance(e, BatchDone))


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["train", *argv])


def test_cli_momentum_option_and_the_recipes_defaults() -> None:
    assert MODELS["lenet5"].recipe.momentum == 0.0  # the tutorials' plain SGD
    assert _train_config(_args("--model", "lenet5")).momentum == 0.0
    assert _train_config(_args("--model", "lenet5", "--momentum", "0.9")).momentum == 0.9
    with pytest.raises(CliError, match="momentum"):
        _train_config(_args("--model", "lenet5", "--momentum", "1.5"))
