"""A run logged to TensorBoard holds every kind of record, read back with TensorBoard's reader."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

from tensorboard.backend.event_processing.event_accumulator import (  # noqa: E402
    EventAccumulator,
)
from tensorboard_events import read_events as _read  # noqa: E402

from cnn_core.models import create_model  # noqa: E402
from cnn_core.training import TrainConfig, Trainer  # noqa: E402
from cnn_core.training.tensorboard_log import (  # noqa: E402
    TensorBoardLogger,
    graph_def,
    tensorboard_hparams,
)


@pytest.fixture(scope="module")
def logged_run(tmp_path_factory):
    """A short lenet run (2 epochs on 1,000 images) logged as the CLI logs it."""
    folder = tmp_path_factory.mktemp("tb")
    config = TrainConfig(model="lenet", epochs=2, batch_size=100, seed=0, device="cpu",
                         max_train_samples=1000, max_test_samples=500, val_size=500,
                         report_every=2)
    trainer = Trainer(config)
    logger = TensorBoardLogger(folder, hparams=tensorboard_hparams(config))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecated path (torch.jit.trace) on the way
        logger.add_graph(trainer.model)
    for event in trainer.run():
        logger.log(event, trainer)
    logger.close()
    return folder


def test_every_kind_of_record_is_in_the_event_files(logged_run):
    tags = _read(logged_run).Tags()
    scalars = set(tags["scalars"])
    assert {"train/loss", "train/lr", "train/samples_per_second", "epoch/train_loss",
            "epoch/val_loss", "epoch/val_accuracy", "epoch/test_accuracy"} <= scalars
    assert any(t.startswith("gradient_norm/") for t in scalars)
    assert "kernels/features.conv1" in tags["images"]
    assert "misclassified/validation" in tags["images"]  # an untrained-ish lenet errs
    histograms = set(tags["histograms"])
    assert "weights/features.conv1.weight" in histograms
    assert "gradients/features.conv1.weight" in histograms
    assert tags["graph"] is True


def test_epoch_scalars_and_images_have_one_record_per_epoch(logged_run):
    acc = _read(logged_run)
    assert [e.step for e in acc.Scalars("epoch/val_accuracy")] == [1, 2]
    assert [e.step for e in acc.Images("kernels/features.conv1")] == [1, 2]
    image = acc.Images("kernels/features.conv1")[0]
    assert image.width > 30 and image.height > 30  # six 5×5 kernels, zoomed


def test_the_graph_names_nodes_by_layer(logged_run):
    graph = _read(logged_run).Graph()
    names = [node.name for node in graph.node]
    assert any(name.startswith("features/conv1/") for name in names)
    assert any(name.startswith("classifier/") for name in names)


def test_hparams_are_written_for_the_hparams_view(logged_run):
    from tensorboard.plugins.hparams import plugin_data_pb2

    acc = EventAccumulator(str(logged_run))
    acc.Reload()
    content = acc.PluginTagToContent("hparams")
    assert content, "no hparams record"
    data = [plugin_data_pb2.HParamsPluginData.FromString(v) for v in content.values()]
    session = next(d.session_start_info for d in data if d.HasField("session_start_info"))
    assert session.hparams["model"].string_value == "lenet"
    assert session.hparams["batch_size"].number_value == 100
    assert session.hparams["outcome"].string_value == "finished"
    assert "hparam/test_accuracy" in acc.Tags()["scalars"]


def test_graph_def_covers_every_layer_of_a_preset():
    import torch

    model = create_model("googlenet")
    graph = graph_def(model, torch.zeros(1, 1, 28, 28))
    scopes = {node.name.split("/")[1] for node in graph.node if node.name.count("/") >= 2}
    modules = {name.split(".")[1] for name, _ in model.named_modules() if name.count(".") >= 1}
    assert scopes <= modules and len(scopes) >= len(modules) // 2


def test_the_cli_logs_a_run_to_tensorboard(tmp_path):
    folder = tmp_path / "tb"
    result = subprocess.run(
        [sys.executable, "-m", "cnn_core.cli", "train", "--model", "lenet", "--epochs", "1",
         "--max-train-samples", "600", "--seed", "0", "--device", "cpu", "--json",
         "--out", str(tmp_path / "m.safetensors"), "--tensorboard", str(folder)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["epochs"] == 1
    tags = _read(folder).Tags()
    assert "kernels/features.conv1" in tags["images"] and tags["graph"]


def test_a_run_whose_config_names_a_folder_logs_every_kind_there(tmp_path):
    """The way the GUI's training process logs: the folder travels in the TrainConfig."""
    config = TrainConfig(model="lenet", epochs=1, batch_size=100, seed=0, device="cpu",
                         max_train_samples=500, max_test_samples=300, val_size=300,
                         report_every=2, tensorboard_dir=str(tmp_path / "run"))
    events = list(Trainer(config).run())
    assert type(events[-1]).__name__ == "Finished"
    tags = _read(tmp_path / "run").Tags()
    assert {"train/loss", "epoch/val_accuracy", "hparam/test_accuracy"} <= set(tags["scalars"])
    assert {"kernels/features.conv1", "misclassified/validation"} <= set(tags["images"])
    assert "weights/features.conv1.weight" in tags["histograms"]
    assert tags["graph"] is True


def test_fine_tuning_logs_its_loss_scores_pictures_and_settings(tmp_path):
    from cnn_core.checkpoints import load_bundled
    from cnn_core.data.own_digits import OwnDigitStore, load_own_data
    from cnn_core.training.finetune import FineTuneConfig, FineTuneFinished, fine_tune
    from own_hand import fill_store

    store = fill_store(OwnDigitStore(tmp_path / "own-digits"), 5, "steep")
    config = FineTuneConfig(steps=10, mnist_test_samples=200, mnist_train_samples=2000,
                            tensorboard_dir=str(tmp_path / "tb"))
    events = list(fine_tune(load_bundled(), load_own_data(store.root), config))
    done = events[-1]
    assert isinstance(done, FineTuneFinished)
    acc = _read(tmp_path / "tb")
    tags = acc.Tags()
    assert {"fine_tune/loss", "fine_tune/lr", "fine_tune/own_accuracy",
            "fine_tune/mnist_accuracy", "hparam/mnist_accuracy"} <= set(tags["scalars"])
    assert [e.step for e in acc.Scalars("fine_tune/mnist_accuracy")] == [0, 10]
    assert acc.Scalars("fine_tune/mnist_accuracy")[-1].value == pytest.approx(
        done.after.mnist_accuracy)
    kernels = [t for t in tags["images"] if t.startswith("kernels/")]
    assert kernels and [e.step for e in acc.Images(kernels[0])] == [0, 10]
    assert any(t.startswith("weights/") for t in tags["histograms"])
    assert any(t.startswith("gradients/") for t in tags["histograms"])  # the tuned steps'
    if done.before.own_accuracy < 1:  # the steep hand: some held-out digits misread before
        assert "misclassified/validation" in tags["images"]
    assert acc.PluginTagToContent("hparams"), "no hparams record"


def test_tensorboard_options_without_the_extra_say_which_to_install(tmp_path, monkeypatch,
                                                                     capsys):
    import importlib.util

    from cnn_core import cli

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "tensorboard" else real(name, *a))
    for command in (["train", "--model", "lenet", "--epochs", "1"], ["fine-tune"]):
        code = cli.main([*command, "--out", str(tmp_path / "m.safetensors"),
                         "--tensorboard", str(tmp_path / "tb")])
        assert code == 2
        assert "pip install 'digitlab[tensorboard]'" in capsys.readouterr().err
    assert not (tmp_path / "tb").exists() and not (tmp_path / "m.safetensors").exists()
