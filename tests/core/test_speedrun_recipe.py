"""``--recipe speedrun``: fixed in advance, never looks at the test set before its last step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnn_core import cli
from cnn_core.models import MODELS
from cnn_core.training import EpochDone, Finished, RunStarted, Trainer
from cnn_core.training import trainer as trainer_module
from cnn_core.training.recipes import RECIPES, recipe_config


def test_the_recipe_is_fixed_in_advance():
    cfg = RECIPES["speedrun"]
    assert cfg.model == "speedrun" and cfg.model in MODELS and cfg.dataset == "mnist"
    assert (cfg.epochs, cfg.batch_size, cfg.optimizer, cfg.lr, cfg.schedule) == (
        1, 160, "adam", 1.5e-2, "onecycle")
    assert cfg.label_smoothing == 0.1 and cfg.autocast_bf16 and not cfg.augment
    assert cfg.target_accuracy is None  # nothing stops it early
    assert cfg.val_size == 5000 and cfg.max_train_samples is None
    # 60,000 images less the 5,000 held out for validation: 343 full batches of 160
    assert Trainer(cfg)._train.labels.numel() // cfg.batch_size == 343
    # a run chooses its seed and device, never the training settings
    assert recipe_config("speedrun", seed=3, device="cpu").seed == 3
    with pytest.raises(ValueError, match="fixes lr"):
        recipe_config("speedrun", lr=0.1)
    with pytest.raises(KeyError, match="unknown recipe"):
        recipe_config("marathon")


def test_the_test_set_is_evaluated_once_after_the_last_step(monkeypatch):
    steps_done = 0
    real_train, real_evaluate = trainer_module.train_one_epoch, trainer_module.evaluate

    def counting_train(*args, **kwargs):
        nonlocal steps_done
        for item in real_train(*args, **kwargs):
            steps_done += 1
            yield item

    test_calls = []

    def guarded_evaluate(model, split, *args, **kwargs):
        if len(split.labels) == 300:  # the test subset (validation holds 5,000)
            test_calls.append(steps_done)
        return real_evaluate(model, split, *args, **kwargs)

    monkeypatch.setattr(trainer_module, "train_one_epoch", counting_train)
    monkeypatch.setattr(trainer_module, "evaluate", guarded_evaluate)
    cfg = recipe_config("speedrun", seed=0, device="cpu", max_train_samples=1024,
                        max_test_samples=300)
    events = list(Trainer(cfg).run())
    started = events[0]
    assert isinstance(started, RunStarted) and started.steps_per_epoch == 6
    assert test_calls == [6]  # once, after all 6 steps (1,024 images at batch 160)
    assert len([e for e in events if isinstance(e, EpochDone)]) == 1
    final = events[-1]
    assert isinstance(final, Finished) and final.reason == "completed"
    assert 0.0 <= final.test_accuracy <= 1.0


def test_cli_runs_the_recipe_with_json(capsys, tmp_path: Path):
    out = tmp_path / "speedrun.safetensors"
    code = cli.main(["train", "--recipe", "speedrun", "--seed", "1", "--device", "cpu",
                     "--max-train-samples", "512", "--out", str(out), "--json"])
    stdout, stderr = capsys.readouterr()
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["recipe"] == "speedrun" and summary["model"] == "speedrun"
    assert summary["epochs"] == 1 and out.is_file()
    assert summary["settings"]["autocast_bf16"] is True
    assert "batch 160" in stderr
    assert "label smoothing 0.1, bfloat16 forward passes where the device has them" in stderr
    assert 0 < summary["training_steps_seconds"] <= summary["train_seconds"]


def test_cli_refuses_to_change_what_the_recipe_fixes(capsys):
    code = cli.main(["train", "--recipe", "speedrun", "--lr", "0.1", "--epochs", "3"])
    stdout, stderr = capsys.readouterr()
    assert code == 2 and stdout == ""  # a usage error
    assert "--recipe speedrun fixes the training settings; drop --epochs, --lr" in stderr
