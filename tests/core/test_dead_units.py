"""Dead ReLUs counted in the training run, the input left un-normalised on request (and read
the same way by the model afterwards), and the advice a run's numbers call for."""

from __future__ import annotations

import json

import numpy as np
import torch
from test_cli import run_captured
from torch import nn

from cnn_core.checkpoints import load_checkpoint
from cnn_core.checkpoints.runs import run_metadata
from cnn_core.data.preprocess import preprocess
from cnn_core.models import get_spec
from cnn_core.recognition.predict import Predictor
from cnn_core.training import Diverged, EpochDone, TrainConfig, Trainer, train
from cnn_core.training.dead_units import ReluActivity
from cnn_core.training.diagnosis import (
    dead_unit_advice,
    plateau_advice,
    suggested_lr,
)


def tiny(**overrides) -> TrainConfig:  # noqa: ANN003
    base = dict(model="lenet", epochs=1, batch_size=32, max_train_samples=640,
                max_test_samples=200, val_size=200, device="cpu", seed=0, report_every=5,
                lr=3e-3)
    base.update(overrides)
    return TrainConfig(**base)


def _epochs(trainer: Trainer) -> list[EpochDone]:
    return [e for e in trainer.run() if isinstance(e, EpochDone)]


def test_a_unit_that_never_fires_is_dead_and_eval_passes_are_not_counted() -> None:
    torch.manual_seed(0)
    alive, dead = nn.Linear(4, 8), nn.Linear(8, 6)
    with torch.no_grad():
        dead.bias.fill_(-1e4)  # every output below zero, whatever the input
        dead.bias[0] = 1e4  # … but one unit of six always fires
    model = nn.Sequential(alive, nn.ReLU(), dead, nn.ReLU())
    activity = ReluActivity(model, sample_every=1)
    assert activity.layers == ["1", "3"]
    with activity:
        model.train()
        for _ in range(5):
            model(torch.randn(16, 4))
        shares = dict(activity.take())
    assert shares["3"] == 5 / 6
    assert shares["1"] < 0.5
    model.eval()
    with activity:
        model(torch.randn(16, 4))
    assert activity.take() == ()  # only training steps count
    model(torch.randn(2, 4))  # detached: nothing counted, nothing kept
    assert activity.take() == ()


def test_conv_units_are_channels_counted_over_images_and_positions() -> None:
    conv = nn.Conv2d(1, 3, 3, padding=1)
    with torch.no_grad():
        conv.weight.zero_()
        conv.bias.copy_(torch.tensor([-1.0, 0.0, 1.0]))  # dead, dead (0 is not > 0), alive
    model = nn.Sequential(conv, nn.ReLU()).train()
    activity = ReluActivity(model, sample_every=1)
    with activity:
        model(torch.rand(4, 1, 5, 5))
    assert activity.take() == (("1", 2 / 3),)


def test_one_batch_in_every_few_is_watched_spread_over_the_epoch() -> None:
    lin = nn.Linear(1, 1)
    with torch.no_grad():
        lin.weight.fill_(1.0)
        lin.bias.zero_()
    model = nn.Sequential(lin, nn.ReLU()).train()
    activity = ReluActivity(model, sample_every=4)
    with activity:
        for step in range(8):  # fires only on steps 1 and 6: neither is watched (0 and 4 are)
            model(torch.full((2, 1), 1.0 if step in (1, 6) else -1.0))
        assert activity.take() == (("1", 1.0),)
        for step in range(8):  # fires on step 4 only: watched
            model(torch.full((2, 1), 1.0 if step == 4 else -1.0))
        assert activity.take() == (("1", 0.0),)


def test_a_training_run_reports_a_forced_dead_layer_and_a_healthy_one() -> None:
    trainer = Trainer(tiny())
    with torch.no_grad():  # conv1 outputs below zero everywhere: its ReLU never fires
        trainer.model.features.conv1.weight.zero_()
        trainer.model.features.conv1.bias.fill_(-10.0)
    first = _epochs(trainer)[0]
    shares = dict(first.dead_units)
    assert list(shares) == ["features.relu1", "features.relu2", "classifier.relu1",
                            "classifier.relu2"]
    assert shares["features.relu1"] == 1.0
    line = dead_unit_advice(first, 3e-3)
    assert line.startswith("Dead ReLUs in epoch 1: 100% of the units of features.relu1")
    assert "0.0003" in dead_unit_advice(first, 3e-3)

    healthy = _epochs(Trainer(tiny()))[0]
    assert len(healthy.dead_units) == 4
    assert max(share for _, share in healthy.dead_units) < 0.2
    assert dead_unit_advice(healthy, 3e-3) is None
    assert "dead_units" not in healthy.as_dict()  # the history stays plain numbers


def test_snapshots_carry_no_hooks_and_the_run_leaves_none() -> None:
    trainer = Trainer(tiny(max_train_samples=160))
    for event in trainer.run():
        copy = trainer.snapshot().model
        assert not any(m._forward_hooks or m._forward_pre_hooks for m in copy.modules())
        if isinstance(event, EpochDone):
            assert event.dead_units
    assert not any(m._forward_hooks or m._forward_pre_hooks for m in trainer.model.modules())


def test_a_model_without_relu_reports_none() -> None:
    epoch = _epochs(Trainer(tiny(model="lenet5", max_train_samples=160)))[0]
    assert epoch.dead_units == ()


def test_without_normalisation_the_run_and_its_model_read_pixels_in_0_1() -> None:
    config = tiny(normalize=False, max_train_samples=320)
    trainer = Trainer(config)
    assert trainer.normalization == (0.0, 1.0)
    final = list(trainer.run())[-1]
    checkpoint = final.checkpoint
    assert (checkpoint.mean, checkpoint.std) == (0.0, 1.0)
    assert checkpoint.meta["config"]["normalize"] is False
    meta = run_metadata(get_spec("lenet"), "mnist", {"normalize": False})
    assert meta["normalization"] == {"mean": 0.0, "std": 1.0}
    # the model's own inference reads a drawing as the run read its images
    image = np.zeros((28, 28), np.float32)
    image[6:22, 12:16] = 1.0
    pre = preprocess(image)
    x = Predictor(checkpoint).input_tensor(pre)
    np.testing.assert_allclose(x[0, 0].numpy(), pre.image28)  # pixels as they are
    normalised = Trainer(tiny()).snapshot()
    assert (normalised.mean, normalised.std) == (0.1307, 0.3081)
    # another data set's pictures: normalised as that set is, unless the model reads raw pixels
    assert checkpoint.normalization_for("fashion_mnist") == (0.0, 1.0)
    assert normalised.normalization_for("fashion_mnist") == (0.2860, 0.3530)
    assert normalised.normalization_for("mnist") == (0.1307, 0.3081)
    y = Predictor(normalised).input_tensor(pre)
    np.testing.assert_allclose(y[0, 0].numpy(), (pre.image28 - 0.1307) / 0.3081, rtol=1e-5)


def test_suggested_learning_rate_is_a_tenth_rounded() -> None:
    assert suggested_lr(0.03) == 0.003
    assert suggested_lr(0.47) == 0.05
    assert suggested_lr(3e-3) == 0.0003
    assert suggested_lr(float("nan")) == 0.001


def test_divergence_says_which_learning_rate_to_try() -> None:
    final = list(train(tiny(optimizer="sgd", lr=1e12, momentum=0.0, schedule="none",
                            epochs=2, report_every=1)))[-1]
    assert isinstance(final, Diverged)
    assert (final.lr, final.suggested_lr) == (1e12, 1e11)
    assert "1e+11, a tenth of 1e+12" in final.message


def _epoch(accuracy: float) -> EpochDone:
    return EpochDone(1, 3, 2.3, accuracy, 2.3, accuracy, 2.3, accuracy, 0.5, 100.0, 1.0, 2.0)


def test_the_plateau_is_explained_with_what_to_try() -> None:
    config = TrainConfig.for_model("lenet5", normalize=False)
    line = plateau_advice(_epoch(0.1135), config, get_spec("lenet5"))
    assert "Accuracy 11% after epoch 1" in line
    assert "sigmoid" in line and "not normalised" in line
    assert "turn Normalise input on" in line and "use ReLU" in line
    assert "learning rate (now 0.5" in line
    assert "\n" not in line
    assert plateau_advice(_epoch(0.16), config, get_spec("lenet5")) is None
    relu = plateau_advice(_epoch(0.1), TrainConfig.for_model("lenet"), get_spec("lenet"))
    assert "Normalise" not in relu and "ReLU" not in relu and "learning rate" in relu


def test_the_cli_trains_on_raw_pixels_and_says_so(tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "raw.safetensors"
    code, stdout, stderr = run_captured(
        ["train", "--model", "lenet5", "--no-normalize", "--epochs", "1",
         "--max-train-samples", "300", "--val-size", "200", "--seed", "0", "--json",
         "--out", str(out)])
    assert code == 0, stderr
    assert "augment off, input not normalised, seed 0" in stderr.splitlines()[0]
    assert json.loads(stdout)["settings"]["normalize"] is False
    checkpoint = load_checkpoint(out)
    assert (checkpoint.mean, checkpoint.std) == (0.0, 1.0)
    assert checkpoint.meta["config"]["normalize"] is False
    # three SGD steps of a sigmoid LeNet: still a guess, and the note says what to try
    note = next(line for line in stderr.splitlines() if line.startswith("note: Accuracy"))
    assert "turn Normalise input on" in note


def test_every_layer_over_the_threshold_is_named() -> None:
    event = EpochDone(2, 3, 2.0, 0.5, 2.0, 0.5, 2.0, 0.5, 0.1, 100.0, 1.0, 2.0,
                      (("features.relu1", 0.9), ("features.relu2", 0.5), ("classifier.relu1", 0.6)))
    line = dead_unit_advice(event, 0.1)
    assert line.startswith("Dead ReLUs in epoch 2: 90% of the units of features.relu1, 60% of "
                           "classifier.relu1 never fired")
    assert "features.relu2" not in line  # 50 % is not over the threshold
    assert "(0.01, now 0.1)" in line
