"""Trained networks side by side as one: the same answers as averaging the members' logits,
what cannot be put side by side refused, and ``--recipe bundled``'s members saved as one model
whose temperature is fitted on the validation images every member held out."""

from __future__ import annotations

import dataclasses
import json

import pytest
import torch
from test_cli import run_captured

from cnn_core.checkpoints import Checkpoint, load_checkpoint
from cnn_core.data.split import Split
from cnn_core.models import get_spec
from cnn_core.models.side_by_side import side_by_side, side_by_side_spec
from cnn_core.models.spec_validation import SpecError
from cnn_core.models.specs import build_model
from cnn_core.training import Finished, TrainConfig, Trainer, ensemble, recipes
from cnn_core.training.calibrate import calibrate
from cnn_core.training.ensemble import assemble, member_configs
from cnn_core.training.loop import predict_logits


def _members(name: str, n: int) -> list:
    models = [build_model(get_spec(name), seed=s).eval() for s in range(n)]
    with torch.no_grad():  # BatchNorm statistics unlike the initial ones, member by member
        for i, model in enumerate(models):
            for module in model.modules():
                if isinstance(module, torch.nn.BatchNorm2d):
                    module.running_mean.normal_(generator=torch.Generator().manual_seed(i))
                    module.running_var.uniform_(0.5, 2.0)
    return models


@pytest.mark.parametrize(("name", "n"), [("digitnet", 3), ("lenet_bn", 2), ("lenet5", 4)])
def test_side_by_side_answers_the_mean_of_the_members_logits(name: str, n: int) -> None:
    members = _members(name, n)
    combined = side_by_side(members)
    x = torch.randn(16, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        expected = torch.stack([m(x) for m in members]).mean(0)
        assert torch.allclose(combined(x), expected, atol=1e-5)
        channels_last = combined.to(memory_format=torch.channels_last)
        assert torch.allclose(channels_last(x.to(memory_format=torch.channels_last)), expected,
                              atol=1e-5)
    spec = combined.spec
    assert spec["name"] == f"{name}_x{n}" and f"{n} × {name} side by side" in spec["summary"]
    convs = [layer for layer in spec["features"] if layer["type"] == "conv"]
    assert convs[0].get("groups", 1) == 1 and all(c["groups"] == n for c in convs[1:])
    # the spec alone builds the same network (as a checkpoint's metadata rebuilds it)
    rebuilt = build_model(spec)
    rebuilt.load_state_dict(combined.state_dict())
    with torch.no_grad():
        assert torch.allclose(rebuilt.eval()(x), expected, atol=1e-5)


def test_the_side_by_side_spec_is_planned_without_building_a_model(monkeypatch) -> None:
    from cnn_core.models import side_by_side as module

    def refused(*_args, **_kwargs):
        raise AssertionError("a model was built to plan a spec")

    monkeypatch.setattr(module, "build_model", refused)
    spec = side_by_side_spec(get_spec("lenet5"), 3)  # its head: fc 120, fc 84, fc 10
    monkeypatch.undo()
    # the head's first hidden layer becomes a convolution as large as the features' last map
    with torch.no_grad():
        last_map = build_model(get_spec("lenet5")).eval().features(torch.zeros(1, 1, 28, 28))
    hidden = [layer for layer in spec["features"] if layer["type"] == "conv"
              and layer["out_channels"] in (120 * 3, 84 * 3)]
    assert [layer["kernel_size"] for layer in hidden] == [list(last_map.shape[-2:]), [1, 1]]


def test_what_mixes_channels_is_refused() -> None:
    with pytest.raises(SpecError, match="residual"):
        side_by_side_spec(get_spec("resnet_small"), 2)
    with pytest.raises(SpecError, match="share one architecture"):
        side_by_side([build_model(get_spec("lenet")), build_model(get_spec("lenet_bn"))])
    with pytest.raises(ValueError, match="no models"):
        side_by_side([])


TINY = TrainConfig(model="lenet_bn", epochs=1, batch_size=64, max_train_samples=640,
                   max_test_samples=400, val_size=300, device="cpu", seed=7, report_every=5,
                   channels_last=False)


def test_members_get_consecutive_seeds_and_fresh_ones_without_a_seed() -> None:
    assert [c.seed for c in member_configs(TINY, 3)] == [7, 8, 9]
    fresh = [c.seed for c in member_configs(dataclasses.replace(TINY, seed=None), 3)]
    assert len(set(fresh)) == 3 and None not in fresh


def test_assembled_members_score_and_calibrate_on_their_own_splits() -> None:
    finals, trainer = [], None
    for config in member_configs(TINY, 2):
        trainer = Trainer(config)
        final = list(trainer.run())[-1]
        assert isinstance(final, Finished)
        finals.append(final.checkpoint)
    checkpoint = assemble(finals, TINY, trainer.validation_split, trainer.test_split)
    test = trainer.test_split
    logits = predict_logits(checkpoint.model, test, checkpoint.mean, checkpoint.std)
    accuracy = (logits.argmax(1) == test.labels).double().mean().item()
    assert checkpoint.test_accuracy == pytest.approx(accuracy)
    record = checkpoint.meta["calibration"]
    assert record["fitted_on"] == "validation" and record["n"] == 300 and record["test_n"] == 400
    assert [m["seed"] for m in checkpoint.meta["members"]] == [7, 8]
    assert checkpoint.meta["members"][0]["metrics"] == finals[0].meta["metrics"]


def _random_split(n: int, seed: int) -> Split:
    generator = torch.Generator().manual_seed(seed)
    return Split(torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=generator),
                 torch.randint(0, 10, (n,), generator=generator))


def test_assembling_runs_the_combined_model_once_over_each_split(monkeypatch) -> None:
    seen: list[int] = []

    def counted(models):  # the combined model, counting the images it is given
        model = side_by_side(models)
        model.register_forward_pre_hook(lambda _m, args: seen.append(len(args[0])))
        return model

    monkeypatch.setattr(ensemble, "side_by_side", counted)
    members = [Checkpoint(m, {"seed": i, "metrics": {"test_accuracy": 0.1}})
               for i, m in enumerate(_members("lenet_bn", 2))]
    val, test = _random_split(120, 1), _random_split(90, 2)
    checkpoint = assemble(members, TINY, val, test)
    assert sum(seen) == len(val) + len(test)
    # the same record as calibrating the finished model from scratch
    assert checkpoint.meta["calibration"] == calibrate(checkpoint.model, val, checkpoint.mean,
                                                       checkpoint.std, test=test)
    logits = predict_logits(checkpoint.model, val, checkpoint.mean, checkpoint.std)
    assert checkpoint.meta["metrics"]["val_accuracy"] == pytest.approx(
        (logits.argmax(1) == val.labels).double().mean().item())


def test_the_bundled_recipe_saves_its_members_as_one_model(tmp_path, monkeypatch) -> None:
    tiny = dataclasses.replace(recipes.RECIPES["bundled"], model="lenet_bn", epochs=1,
                               max_train_samples=640, max_test_samples=400, report_every=5)
    monkeypatch.setitem(recipes.RECIPES, "bundled", tiny)
    monkeypatch.setitem(recipes.RECIPE_MEMBERS, "bundled", 3)  # three are enough to check
    out = tmp_path / "three.safetensors"
    code, stdout, stderr = run_captured(["train", "--recipe", "bundled", "--seed", "3",
                                         "--device", "cpu", "--json", "--out", str(out)])
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert summary["members"] == 3 and summary["member_seeds"] == [3, 4, 5]
    assert "member 2 of 3 (seed 4)" in stderr and "3 members side by side" in stderr
    # the summary every `digitlab train --json` gives (docs/guide/cli.md), members' fields added
    assert set(summary) >= {"model", "dataset", "epochs", "stopped_at", "test_accuracy",
                            "val_accuracy", "val_size", "train_seconds",
                            "training_steps_seconds", "recipe", "settings",
                            "samples_per_second", "checkpoint", "reached_target", "status",
                            "temperature", "ece_before", "ece_after"}
    assert summary["epochs"] == 1 and summary["status"] == "finished"
    assert summary["train_seconds"] >= summary["training_steps_seconds"] > 0
    assert summary["samples_per_second"] > 0 and summary["reached_target"] is False
    saved = load_checkpoint(out)
    assert saved.name == "lenet_bn_x3" and saved.temperature == pytest.approx(
        summary["temperature"], abs=1e-4)
    assert saved.test_accuracy == pytest.approx(summary["test_accuracy"], abs=1e-6)
    assert len(saved.meta["members"]) == 3 and saved.quality["validation_n"] == 5000
    calibration = saved.meta["calibration"]  # its ECE on the test set, as the model's card
    assert summary["ece_before"] == round(calibration["test_ece_before"], 4)
    assert (f"temperature {calibration['temperature']:.3f} (fitted on 5,000 validation images): "
            f"test-set ECE {calibration['test_ece_before']:.2%} → "
            f"{calibration['test_ece_after']:.2%}") in stderr
    assert f"saved {out}" in stderr


def test_the_bundled_recipe_refuses_torchrun(monkeypatch) -> None:
    monkeypatch.setenv("WORLD_SIZE", "2")
    code, _, stderr = run_captured(["train", "--recipe", "bundled", "--device", "cpu"])
    assert code == 2 and "without torchrun" in stderr
