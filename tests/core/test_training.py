import math
import threading
from itertools import islice

import pytest
import torch
from long_runs import LONG_TESTS
from torch.optim.optimizer import register_optimizer_step_pre_hook

from cnn_core.data.augment import AugmentConfig, augment_batch
from cnn_core.models import MODELS
from cnn_core.training import (
    OPTIMIZERS,
    SCHEDULES,
    BatchDone,
    Diverged,
    EpochDone,
    Finished,
    RunStarted,
    Stopped,
    TrainConfig,
    TrainControl,
    Trainer,
    train,
)


def tiny(**overrides):
    base = dict(model="lenet", epochs=1, batch_size=32, max_train_samples=320,
                max_test_samples=200, val_size=200, device="cpu", seed=0, report_every=2,
                lr=3e-3)
    base.update(overrides)
    return TrainConfig(**base)


def test_events_in_order_with_metrics():
    events = list(train(tiny(epochs=2)))
    assert isinstance(events[0], RunStarted) and events[0].steps_per_epoch == 10
    assert isinstance(events[-1], Finished) and events[-1].reason == "completed"
    batches = [e for e in events if isinstance(e, BatchDone)]
    epochs = [e for e in events if isinstance(e, EpochDone)]
    assert [e.epoch for e in epochs] == [1, 2]
    assert batches[-1].step == batches[-1].total_steps == 20
    assert all(math.isfinite(b.loss) and b.samples_per_second > 0 and b.eta >= 0 for b in batches)
    assert batches[-1].eta == pytest.approx(0.0, abs=1e-6)
    assert 0.0 <= epochs[-1].test_accuracy <= 1.0
    assert events[-1].checkpoint.meta["epochs"] == 2
    assert len(events[-1].checkpoint.meta["history"]) == 2


def test_first_events_without_running_the_whole_run():
    first = list(islice(train(tiny()), 3))
    assert isinstance(first[0], RunStarted) and isinstance(first[1], BatchDone)


def test_training_learns():
    events = list(train(tiny(epochs=2, max_train_samples=2000, max_test_samples=1000,
                             batch_size=50, lr=3e-3, optimizer="adam")))
    assert events[-1].test_accuracy > 0.7


def test_same_seed_same_run():
    def losses(seed):
        return [e.loss for e in train(tiny(seed=seed, augment=True)) if isinstance(e, BatchDone)]

    assert losses(5) == losses(5)
    assert losses(5) != losses(6)


def test_stop_from_another_thread_ends_with_a_checkpoint():
    control = TrainControl()
    events = []
    for event in train(tiny(epochs=50), control):
        events.append(event)
        if isinstance(event, BatchDone) and event.step >= 4:
            threading.Thread(target=control.stop).start()
    assert isinstance(events[-1], Stopped)
    assert events[-1].step < 50 * 10
    out = events[-1].checkpoint.model(torch.zeros(1, 1, 28, 28))
    assert out.shape == (1, 10)


def test_pause_holds_until_resumed():
    control = TrainControl()
    gen = train(tiny(epochs=3), control)
    next(gen)  # RunStarted
    next(gen)  # first BatchDone
    control.pause()
    resumed = threading.Event()

    def resume_later():
        resumed.set()
        control.resume()

    timer = threading.Timer(0.3, resume_later)
    timer.start()
    following = next(gen)  # blocks while paused
    assert resumed.is_set(), "training went on while paused"
    assert isinstance(following, BatchDone)
    control.stop()
    assert isinstance(list(gen)[-1], Stopped)


def test_divergence_restores_last_good_weights():
    events = list(train(tiny(model="lenet", optimizer="sgd", lr=1e12, momentum=0.0,
                             schedule="none", epochs=3, report_every=1)))
    final = events[-1]
    assert isinstance(final, Diverged)
    assert "lower learning rate" in final.message
    weights = torch.cat([p.flatten() for p in final.checkpoint.model.parameters()])
    assert torch.isfinite(weights).all()


def test_target_accuracy_stops_early():
    events = list(train(tiny(epochs=5, target_accuracy=0.2, max_train_samples=1000)))
    final = events[-1]
    assert isinstance(final, Finished) and final.reason == "target_reached"
    assert final.epochs_done < 5


def _expected_lrs(schedule: str, base: float, epochs: int, per_epoch: int) -> list[float]:
    """The learning rate each optimizer step must use, from each schedule's definition."""
    total = epochs * per_epoch
    if schedule == "none":
        return [base] * total
    if schedule == "step":  # x0.1 after every max(1, epochs // 3) epochs
        every = max(1, epochs // 3)
        return [base * 0.1 ** (k // per_epoch // every) for k in range(total)]
    if schedule == "cosine":  # from base to 0 over the run, a step at a time
        return [base * (1 + math.cos(math.pi * k / total)) / 2 for k in range(total)]
    # one-cycle: cosine from base/25 up to base (over a quarter of the run here), then down
    # to base/25/1e4 at the last step
    low, high, end = base / 25, base, base / 25 / 1e4
    warm = round(0.25 * total) - 1  # the step at the peak

    def anneal(start: float, stop: float, frac: float) -> float:
        return stop + (start - stop) * (1 + math.cos(math.pi * frac)) / 2

    return [anneal(low, high, k / warm) if k <= warm
            else anneal(high, end, (k - warm) / (total - 1 - warm)) for k in range(total)]


def test_expected_onecycle_shape_is_what_the_test_means():
    lrs = _expected_lrs("onecycle", 1.0, 3, 4)
    assert lrs[0] == pytest.approx(0.04) and lrs[2] == pytest.approx(1.0)
    assert lrs[-1] == pytest.approx(4e-6) and max(lrs) == lrs[2]


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_every_optimizer_and_schedule_runs(optimizer, schedule):
    """Each optimizer is the one asked for, learns, and uses the schedule's learning rates."""
    lr = 0.05 if optimizer == "sgd" else 3e-3
    used: list[tuple[str, float]] = []
    inertia: set[object] = set()  # SGD's momentum or Adam's betas at every step
    key = "momentum" if optimizer == "sgd" else "betas"

    def record(opt, args, kwargs):  # noqa: ANN001, ANN202
        # After training, the temperature is fitted with LBFGS on one number: not a model step.
        if not isinstance(opt, torch.optim.LBFGS):
            used.append((type(opt).__name__, opt.param_groups[0]["lr"]))
            inertia.add(opt.param_groups[0][key])

    hook = register_optimizer_step_pre_hook(record)
    try:
        # Neither PyTorch's defaults nor OneCycleLR's 0.85-0.95: whatever the schedule, the
        # optimizer steps with the momentum and betas the settings give.
        events = list(train(tiny(optimizer=optimizer, schedule=schedule, lr=lr, epochs=3,
                                 max_train_samples=128, batch_size=32, report_every=1,
                                 momentum=0.5, betas=(0.7, 0.9))))
    finally:
        hook.remove()
    assert inertia == {0.5 if optimizer == "sgd" else (0.7, 0.9)}
    final = events[-1]
    assert isinstance(final, Finished)
    assert {name for name, _ in used} == {{"sgd": "SGD", "adam": "Adam",
                                           "adamw": "AdamW"}[optimizer]}
    expected = _expected_lrs(schedule, lr, epochs=3, per_epoch=4)
    assert [rate for _, rate in used] == pytest.approx(expected, rel=1e-6, abs=1e-12)
    # what BatchDone shows is the rate of the next step (after the scheduler moved on)
    shown = [e.lr for e in events if isinstance(e, BatchDone)]
    assert len(shown) == 12
    if schedule in ("cosine", "onecycle"):
        assert shown[:-1] == pytest.approx(expected[1:], rel=1e-6, abs=1e-12)
    else:
        assert shown == pytest.approx(expected, rel=1e-6, abs=1e-12)
    losses = [e.train_loss for e in final.history]
    assert all(math.isfinite(loss) for loss in losses)


def test_spec_models_and_other_registered_models_train():
    spec = {"name": "mine", "features": [
        {"type": "conv", "out_channels": 4, "kernel_size": 3, "padding": 1},
        {"type": "leaky_relu"}, {"type": "maxpool", "kernel_size": 2}],
        "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 10}]}
    final = list(train(tiny(model_spec=spec, max_train_samples=64)))[-1]
    assert isinstance(final, Finished) and final.checkpoint.name == "mine"
    final = list(train(tiny(model="resnet_small", max_train_samples=64, max_test_samples=64)))[-1]
    assert isinstance(final, Finished)


def test_snapshot_is_independent_of_the_live_model():
    trainer = Trainer(tiny())
    snap = trainer.snapshot()
    with torch.no_grad():
        next(trainer.model.parameters()).add_(1.0)
    live = next(trainer.model.parameters())
    assert not torch.equal(next(snap.model.parameters()), live)


@pytest.mark.parametrize(("bad", "message"), [
    (dict(epochs=0), "epochs must be at least 1"),
    (dict(batch_size=0), "batch size must be at least 1"),
    (dict(lr=-1.0), "learning rate must be a positive number"),
    (dict(lr=float("nan")), "learning rate must be a positive number"),
    (dict(optimizer="rmsprop"), "optimizer must be one of sgd, adam, adamw"),
    (dict(schedule="linear"), "schedule must be one of none, step, cosine, onecycle"),
    (dict(dataset="cifar10"), "dataset must be one of mnist, fashion_mnist, kmnist, "
                              "emnist_digits, own"),
    (dict(target_accuracy=99.0), "target accuracy must be between 0 and 1 (e.g. 0.99)"),
    (dict(max_train_samples=0), "max train samples must be at least 1"),
    (dict(model="vgg99"), "model must be one of " + ", ".join(MODELS)),
])
def test_bad_settings_are_refused_with_a_message(bad, message):
    with pytest.raises(ValueError) as refused:
        Trainer(tiny(**bad))
    assert str(refused.value) == message


def test_for_model_uses_the_recipe_then_overrides():
    config = TrainConfig.for_model("lenet5", epochs=2)
    assert (config.optimizer, config.lr, config.batch_size, config.momentum) == ("sgd", 0.5, 100,
                                                                                 0.0)
    assert config.epochs == 2 and config.augment is False


def test_augmentation_is_batched_random_and_repeatable():
    x = torch.zeros(16, 1, 28, 28)
    x[:, :, 6:22, 12:16] = 1.0
    gen = torch.Generator().manual_seed(0)
    a = augment_batch(x, AugmentConfig(), gen)
    b = augment_batch(x, AugmentConfig(), torch.Generator().manual_seed(0))
    assert a.shape == x.shape and torch.equal(a, b)
    assert not torch.equal(a[0], a[1])  # each sample gets its own distortion
    assert a.min() >= 0 and a.max() <= 1.0 + 1e-6
    # the digit stays in the picture
    assert (a.sum(dim=(1, 2, 3)) > 0.5 * x[0].sum()).all()


@pytest.mark.slow
def test_lenet5_with_the_tutorials_recipe_reaches_98_4_percent():
    """The tutorials' LeNet-5 recipe (SGD 0.5, batch 100, 16 epochs) reached 98.49 %.

    They trained on all 60,000 images; here 5,000 are held out for validation (the default)
    and the run still reached 98.5 % (seed 0: 98.53 %, about 2½ minutes on two cores). By
    default only its first 4 epochs run (the recipe has a constant learning rate, so they are
    the whole run's first 4): seed 0 was at 95.67 % there.
    """
    epochs = 16 if LONG_TESTS else 4
    config = TrainConfig.for_model("lenet5", device="cpu", seed=0, report_every=100,
                                   epochs=epochs)
    assert config.schedule == "none"  # else a shorter run would not be the long one's start
    final = list(train(config))[-1]
    assert isinstance(final, Finished)
    assert final.test_accuracy >= (0.984 if LONG_TESTS else 0.95)


@pytest.mark.parametrize("samples", [32, 64, 96, 128, 160])
def test_one_cycle_copes_with_very_short_runs(samples):
    final = list(train(tiny(schedule="onecycle", max_train_samples=samples, batch_size=32)))[-1]
    assert isinstance(final, Finished)


def test_stop_during_the_test_pass_does_not_wait_for_it(monkeypatch):
    from cnn_core.training import trainer

    control = TrainControl()
    real_evaluate = trainer.evaluate

    def evaluate_with_stop(*args, **kwargs):
        control.stop()  # the user presses Stop while the test set is being evaluated
        return real_evaluate(*args, **kwargs)

    monkeypatch.setattr(trainer, "evaluate", evaluate_with_stop)
    events = list(train(tiny(epochs=3), control))
    assert isinstance(events[-1], Stopped)
    assert not any(isinstance(e, EpochDone) for e in events)


def test_throughput_excludes_the_test_pass():
    events = list(train(tiny(max_train_samples=64, max_test_samples=None, batch_size=32)))
    epoch = next(e for e in events if isinstance(e, EpochDone))
    # 64 training images; a full 10,000-image test pass must not count against their speed
    assert epoch.samples_per_second > 64 / epoch.elapsed * 2
