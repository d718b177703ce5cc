"""``--recipe bundled``: the settings that make the shipped model, the weight average it
saves, and the test-set calibration it records (temperature fitted on validation only)."""

from __future__ import annotations

import pytest
import torch

from cnn_core.models import MODELS, get_spec
from cnn_core.models.specs import build_model
from cnn_core.training import Finished, TrainConfig, Trainer
from cnn_core.training.calibrate import calibrate
from cnn_core.training.calibration import expected_calibration_error
from cnn_core.training.ema import WeightAverage
from cnn_core.training.loop import predict_logits
from cnn_core.training.recipes import RECIPE_MEMBERS, RECIPES, recipe_config


def test_the_bundled_recipe_is_fixed():
    cfg = RECIPES["bundled"]
    assert cfg.model == "digitnet" and cfg.model in MODELS and cfg.dataset == "mnist"
    assert (cfg.epochs, cfg.batch_size, cfg.optimizer, cfg.lr, cfg.schedule) == (
        20, 128, "adam", 3e-3, "onecycle")
    assert RECIPE_MEMBERS == {"bundled": 5}  # five members, side by side
    assert cfg.augment and cfg.label_smoothing == 0.0  # smoothing: raw answers under-confident
    assert cfg.ema_decay == 0.999
    assert cfg.val_size == 5000 and cfg.target_accuracy is None and cfg.max_train_samples is None
    assert recipe_config("bundled", seed=1, device="cpu").seed == 1
    with pytest.raises(ValueError, match="fixes label_smoothing"):
        recipe_config("bundled", label_smoothing=0.05)


def test_the_weight_average_follows_the_weights_with_its_decay():
    torch.manual_seed(0)
    model = build_model(get_spec("lenet_bn"), seed=0)
    average = WeightAverage(model, decay=0.9)
    before = {k: v.clone() for k, v in average.model.state_dict().items()}
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)
        model(torch.randn(8, 1, 28, 28))  # in train mode: BatchNorm statistics move too
    average.update()
    decay = min(0.9, 2 / 11)  # the first update's decay is ramped down
    for key, now in average.model.state_dict().items():
        live = model.state_dict()[key]
        if now.is_floating_point():
            assert torch.allclose(now, decay * before[key] + (1 - decay) * live), key
        else:
            assert torch.equal(now, live), key  # e.g. BatchNorm's batch counter
    assert not any(p.requires_grad for p in average.model.parameters())
    for _ in range(200):
        average.update()
    for key, now in average.model.state_dict().items():  # converges to fixed weights
        assert torch.allclose(now.float(), model.state_dict()[key].float(), atol=1e-6), key


def test_a_run_with_an_average_evaluates_and_saves_the_average():
    config = TrainConfig(model="lenet_bn", epochs=1, batch_size=32, max_train_samples=512,
                         max_test_samples=300, val_size=200, device="cpu", seed=0,
                         report_every=4, ema_decay=0.99, channels_last=False)
    trainer = Trainer(config)
    final = list(trainer.run())[-1]
    assert isinstance(final, Finished)
    saved = final.checkpoint.model.state_dict()
    average = trainer.evaluated_model.state_dict()
    live = trainer.model.state_dict()
    assert all(torch.equal(saved[k], average[k]) for k in saved)
    assert not all(torch.equal(saved[k], live[k]) for k in saved)
    test = trainer._test
    logits = predict_logits(final.checkpoint.model, test, 0.1307, 0.3081)
    accuracy = (logits.argmax(1) == test.labels).float().mean().item()
    assert final.test_accuracy == pytest.approx(accuracy)


def test_the_calibration_record_judges_the_validation_temperature_on_the_test_set():
    trainer = Trainer(TrainConfig(model="lenet", epochs=1, batch_size=64, max_train_samples=2000,
                                  max_test_samples=500, val_size=1000, device="cpu", seed=0,
                                  report_every=50))
    final = list(trainer.run())[-1]
    record = final.checkpoint.meta["calibration"]
    assert record["fitted_on"] == "validation" and record["n"] == 1000
    assert record["test_n"] == 500
    logits = predict_logits(final.checkpoint.model, trainer._test, 0.1307, 0.3081).double()
    labels = trainer._test.labels
    t = record["temperature"]
    assert record["test_ece_before"] == pytest.approx(
        expected_calibration_error(logits.softmax(1), labels))
    assert record["test_ece_after"] == pytest.approx(
        expected_calibration_error((logits / t).softmax(1), labels))
    # the temperature is the validation split's: refitting without the test set gives it again
    again = calibrate(final.checkpoint.model, trainer._val, 0.1307, 0.3081)
    assert again["temperature"] == pytest.approx(t) and "test_n" not in again
    quality = final.checkpoint.quality
    assert quality["temperature"] == pytest.approx(t) and quality["validation_n"] == 1000
    assert quality["ece_after"] == pytest.approx(record["test_ece_after"])
