"""Training decides on a validation split, calibrates on it, reports final weights at each
epoch, and leaves the process as it found it."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from cnn_core.checkpoints import Checkpoint, make_metadata
from cnn_core.data.datasets import Split
from cnn_core.models import get_spec
from cnn_core.models.specs import build_model
from cnn_core.recognition.predict import Predictor
from cnn_core.training import (
    Diverged,
    EpochDone,
    Finished,
    RunStarted,
    Stopped,
    TrainConfig,
    TrainControl,
    Trainer,
    evaluate,
    train,
)
from cnn_core.training import trainer as trainer_module
from cnn_core.training.data import hold_out

ROOT = Path(__file__).resolve().parents[2]


def tiny(**overrides):
    base = dict(model="lenet", epochs=1, batch_size=32, max_train_samples=256,
                max_test_samples=300, val_size=200, device="cpu", seed=0, report_every=2,
                lr=3e-3)
    base.update(overrides)
    return TrainConfig(**base)


# ----------------------------------------------------------------------------- validation split


def test_validation_split_is_disjoint_fixed_and_independent_of_the_training_seed():
    n = 1000
    data = Split(torch.arange(n, dtype=torch.uint8).view(n, 1, 1).expand(n, 28, 28).clone(),
                 torch.arange(n))
    rest, val = hold_out(data, 100, seed=0)
    assert len(val.labels) == 100 and len(rest.labels) == 900
    assert not set(val.labels.tolist()) & set(rest.labels.tolist())
    assert torch.equal(rest.labels, rest.labels.sort().values)  # the rest keep their order
    assert torch.equal(hold_out(data, 100, seed=0)[1].labels, val.labels)
    assert not torch.equal(hold_out(data, 100, seed=1)[1].labels, val.labels)
    # the run's seed does not move the split
    a, b = Trainer(tiny(seed=1)), Trainer(tiny(seed=2))
    assert torch.equal(a._val.images, b._val.images)
    assert hold_out(data, 0, seed=0) == (data, None)
    # a small set keeps most of its images for training: at most one in ten is held out
    rest, val = hold_out(data, n, seed=0)
    assert len(val.labels) == n // 10 and len(rest.labels) == n - n // 10
    assert hold_out(Split(data.images[:9], data.labels[:9]), 5000, seed=0)[1] is None


def test_validation_is_reported_per_epoch():
    events = list(train(tiny(epochs=2)))
    assert isinstance(events[0], RunStarted) and events[0].val_size == 200
    epochs = [e for e in events if isinstance(e, EpochDone)]
    assert all(0 <= e.val_accuracy <= 1 and e.val_loss > 0 for e in epochs)
    assert events[-1].checkpoint.meta["history"][0]["val_accuracy"] == epochs[0].val_accuracy


@pytest.mark.parametrize("val_says, expected_epochs", [(1.0, 1), (0.0, 3)])
def test_target_accuracy_is_judged_on_validation_never_on_test(monkeypatch, val_says,
                                                               expected_epochs):
    real = trainer_module.evaluate

    def rigged(model, split, *args, **kwargs):
        loss, _, pred = real(model, split, *args, **kwargs)
        # validation (200 images) says val_says; the test set (300) always says perfect
        return loss, (val_says if len(split.labels) == 200 else 1.0), pred

    monkeypatch.setattr(trainer_module, "evaluate", rigged)
    final = list(train(tiny(epochs=3, target_accuracy=0.5)))[-1]
    assert isinstance(final, Finished) and final.epochs_done == expected_epochs
    assert final.reason == ("target_reached" if val_says else "completed")


def test_a_target_needs_a_validation_split():
    with pytest.raises(ValueError, match="validation"):
        Trainer(tiny(val_size=0, target_accuracy=0.9))
    final = list(train(tiny(val_size=0)))[-1]  # no split: no validation, no calibration
    assert final.history[-1].val_accuracy is None
    assert "calibration" not in final.checkpoint.meta and final.checkpoint.temperature == 1.0


# ----------------------------------------------------------------------------- calibration


def test_temperature_is_fitted_on_validation_and_lowers_its_ece():
    config = tiny(epochs=2, max_train_samples=3000, val_size=2000, batch_size=64,
                  report_every=50)
    final = list(train(config))[-1]
    assert isinstance(final, Finished)
    record = final.checkpoint.meta["calibration"]
    assert record["fitted_on"] == "validation" and record["n"] == 2000
    assert 0.05 <= record["temperature"] <= 20 and record["temperature"] != 1.0
    assert final.checkpoint.temperature == pytest.approx(record["temperature"])
    assert record["ece_after"] <= record["ece_before"]
    assert record["ece_before"] > 0.0


def test_stopped_and_diverged_runs_are_calibrated_too():
    control = TrainControl()
    events = []
    for event in train(tiny(epochs=5), control):
        events.append(event)
        if len(events) == 3:
            control.stop()
    assert isinstance(events[-1], Stopped)
    assert events[-1].checkpoint.meta["calibration"]["n"] == 200
    final = list(train(tiny(optimizer="sgd", lr=1e12, momentum=0.0, schedule="none",
                            epochs=3, report_every=1)))[-1]
    assert isinstance(final, Diverged)
    assert final.checkpoint.meta["calibration"]["fitted_on"] == "validation"


# ----------------------------------------------------------------------------- replay snapshots


def test_weights_between_yields_are_the_initial_and_the_epoch_end_weights():
    config = tiny(epochs=3, channels_last=False)
    trainer = Trainer(config)
    copies: list[dict[str, torch.Tensor]] = []
    epochs: list[EpochDone] = []
    for event in trainer.run():
        if isinstance(event, RunStarted | EpochDone):
            copies.append({k: v.detach().clone() for k, v in trainer.model.state_dict().items()})
        if isinstance(event, EpochDone):
            epochs.append(event)
    # RunStarted comes before any step: its copy is the freshly initialised model
    fresh = build_model(trainer.model.spec, seed=trainer.seed).state_dict()
    assert all(torch.equal(fresh[k], copies[0][k]) for k in fresh)
    assert not all(torch.equal(copies[0][k], copies[1][k]) for k in fresh)
    # each EpochDone's copy is exactly the model its test figures were computed with
    test = trainer._test
    for state, event in zip(copies[1:], epochs, strict=True):
        model = build_model(trainer.model.spec)
        model.load_state_dict(state)
        loss, accuracy, _ = evaluate(model, test, trainer.info.mean, trainer.info.std)
        assert accuracy == event.test_accuracy
        assert loss == pytest.approx(event.test_loss, rel=1e-5)


# ----------------------------------------------------------------------------- process settings


def _process_state() -> dict[str, object]:
    return {"threads": torch.get_num_threads(), "interop": torch.get_num_interop_threads(),
            "switch": sys.getswitchinterval(), "torch_rng": torch.get_rng_state(),
            "torch_seed": torch.initial_seed(), "numpy": np.random.get_state()[1].copy(),
            "python": random.getstate(), "grad": torch.is_grad_enabled()}


def _same(a: dict[str, object], b: dict[str, object]) -> None:
    for key in a:
        if isinstance(a[key], torch.Tensor | np.ndarray):
            assert (a[key] == b[key]).all(), key
        else:
            assert a[key] == b[key], key


@pytest.mark.parametrize("seed", [3, None])
def test_a_run_leaves_the_process_settings_and_global_rng_alone(seed):
    torch.manual_seed(1234)
    before = _process_state()
    # digitnet: dropout (global RNG), batch norm, augmentation (the trainer's generator)
    trainer = Trainer(tiny(model="digitnet", augment=True, seed=seed, max_train_samples=128))
    _same(before, _process_state())
    for _ in trainer.run():  # between two events the caller sees its own process
        _same(before, _process_state())
    _same(before, _process_state())


def test_predicting_leaves_the_process_settings_and_global_rng_alone():
    """The GUI builds a Predictor for every model it shows: that must not touch the process."""
    torch.manual_seed(1234)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)  # not 1, so that a constructor setting 1 thread would show
    try:
        before = _process_state()
        model = build_model(get_spec("lenet"), seed=0)
        predictor = Predictor(Checkpoint(model, make_metadata(model)))  # with the detector
        _same(before, _process_state())
        image = np.zeros((64, 64), np.uint8)
        image[12:52, 28:36] = 255  # a "1"
        predictor.predict(image)
        _same(before, _process_state())
    finally:
        torch.set_num_threads(threads)


def _digitnet_weights(global_seed: int) -> list[torch.Tensor]:
    torch.manual_seed(global_seed)
    final = list(train(tiny(model="digitnet", augment=True, seed=5, max_train_samples=128)))[-1]
    return [p.detach() for p in final.checkpoint.model.parameters()]


def test_dropout_follows_the_run_seed_not_the_global_rng():
    a, b = _digitnet_weights(1), _digitnet_weights(2)
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


def test_malloc_is_tuned_by_the_cli_not_by_the_trainer(tmp_path):
    out_file = str(tmp_path / "m.safetensors")
    script = textwrap.dedent(f"""
        import sys
        from cnn_core.runtime import allocator
        from cnn_core.training import TrainConfig, train
        config = TrainConfig(model="lenet", epochs=1, max_train_samples=64, batch_size=32,
                             max_test_samples=64, val_size=64, device="cpu", seed=0)
        list(train(config))
        print("trainer", allocator.applied())
        from cnn_core.cli import main
        code = main(["train", "--model", "lenet", "--epochs", "1", "--max-train-samples", "64",
                     "--val-size", "64", "--device", "cpu", "--out", {out_file!r}])
        print("cli", code, allocator.applied())
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=600, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    assert "trainer False" in lines
    expected = "cli 0 True" if sys.platform.startswith("linux") else "cli 0 False"
    assert expected in lines
