"""Fine-tuning on the user's own digits: it learns the hand, keeps MNIST, repeats exactly."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import torch

from cnn_core import cli
from cnn_core.checkpoints import Checkpoint, load_bundled, load_checkpoint, make_metadata
from cnn_core.data.own_digits import OwnData, OwnDigitStore, load_own_data
from cnn_core.models import create_model
from cnn_core.training import TrainControl
from cnn_core.training.finetune import (
    FineTuneConfig,
    FineTuneFinished,
    FineTuneProgress,
    FineTuneStarted,
    FineTuneStopped,
    fine_tune,
)
from own_hand import fill_store


@pytest.fixture(scope="module")
def steep(tmp_path_factory: pytest.TempPathFactory) -> OwnData:
    """Five samples per digit in a steep backhand the bundled model partly misreads."""
    store = fill_store(OwnDigitStore(tmp_path_factory.mktemp("own") / "own-digits"), 5, "steep")
    return load_own_data(store.root)


def _finish(events: list) -> FineTuneFinished:  # noqa: ANN001
    assert isinstance(events[0], FineTuneStarted)
    assert isinstance(events[-1], FineTuneFinished)
    return events[-1]


def test_fine_tuning_learns_the_hand_without_forgetting_mnist(steep: OwnData) -> None:
    events = list(fine_tune(load_bundled(), steep, FineTuneConfig(mnist_test_samples=1000)))
    done = _finish(events)
    before, after = done.before, done.after
    assert (before.own_count, after.own_count, before.mnist_count) == (10, 10, 1000)
    assert before.own_accuracy is not None and after.own_accuracy is not None
    assert after.own_accuracy > before.own_accuracy
    assert after.mnist_accuracy >= before.mnist_accuracy - 0.01  # not forgotten
    progress = [e for e in events if isinstance(e, FineTuneProgress)]
    assert progress[-1].step == progress[-1].total_steps == FineTuneConfig().steps
    meta = done.checkpoint.meta
    assert meta["title"] == f"{load_bundled().name} · tuned on your handwriting (50 samples)"
    assert meta["metrics"]["test_accuracy"] == after.mnist_accuracy
    assert meta["fine_tune"]["own_held_out"] == 10


def test_fine_tuning_is_deterministic_and_leaves_the_original_alone(steep: OwnData) -> None:
    model = create_model("lenet", seed=0)
    base = Checkpoint(model, make_metadata(model))
    original = {k: v.clone() for k, v in base.model.state_dict().items()}
    config = FineTuneConfig(steps=4, batch_size=16, mnist_test_samples=100, seed=3)
    first = _finish(list(fine_tune(base, steep, config))).checkpoint.model.state_dict()
    torch.manual_seed(123)  # the global RNG must not matter
    second = _finish(list(fine_tune(base, steep, config))).checkpoint.model.state_dict()
    assert all(torch.equal(first[k], second[k]) for k in first)
    assert all(torch.equal(original[k], v) for k, v in base.model.state_dict().items())
    other = fine_tune(base, steep, FineTuneConfig(steps=4, batch_size=16,
                                                  mnist_test_samples=100, seed=4))
    third = _finish(list(other)).checkpoint.model.state_dict()
    assert not all(torch.equal(first[k], third[k]) for k in first)


def test_a_stop_ends_the_run_and_a_non_digit_model_is_refused(steep: OwnData) -> None:
    model = create_model("lenet", seed=0)
    base = Checkpoint(model, make_metadata(model))
    control = TrainControl()
    events = []
    for event in fine_tune(base, steep, FineTuneConfig(steps=50, report_every=1,
                                                       mnist_test_samples=100), control):
        events.append(event)
        if isinstance(event, FineTuneProgress) and event.step == 2:
            control.stop()
    assert isinstance(events[-1], FineTuneStopped) and events[-1].step == 2
    early = TrainControl()
    early.stop()  # asked before the first measurement: it does not wait for it
    assert list(fine_tune(base, steep, control=early)) == [FineTuneStopped(0)]
    letters = Checkpoint(model, make_metadata(model, classes=list("abcdefghij")))
    with pytest.raises(ValueError, match="digits 0 … 9"):
        fine_tune(letters, steep)


def test_cli_fine_tune_prints_before_and_after_and_saves_the_model(
        steep: OwnData, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tuned.safetensors"
    logged = importlib.util.find_spec("tensorboard") is not None
    tensorboard = ["--tensorboard", str(tmp_path / "tb")] if logged else []
    code = cli.main(["fine-tune", "--data-dir", str(steep.folder), "--out", str(out),
                     "--steps", "3", "--mnist-test", "200", "--json", *tensorboard])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    if logged:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

        events = EventAccumulator(str(tmp_path / "tb"))
        events.Reload()
        assert {"fine_tune/loss", "hparam/mnist_accuracy"} <= set(events.Tags()["scalars"])
    assert (summary["own_train"], summary["own_held_out"], summary["mnist_test_images"]) == (
        40, 10, 200)
    tuned = load_checkpoint(out)
    assert tuned.meta["title"] == summary["title"]
    assert 0 <= summary["own_accuracy_after"] <= 1
