"""Training as a Qt-free generator of typed events.

``for event in train(config): ...`` works the same in the CLI, in tests and in the GUI's
worker thread. Pause and stop go through :class:`TrainControl`, whose flags any thread may set.
The whole dataset lives as one uint8 tensor on the training device; each batch is sliced from
it, normalised and augmented there.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .allocator import keep_freed_memory
from .augment import AugmentConfig, augment_batch
from .checkpoints import Checkpoint, make_metadata
from .datasets import DATASETS, Split, load_split
from .devices import resolve_device
from .models import DEFAULT_MODEL, MODELS, get_spec, model_stats
from .network import DigitNet
from .specs import build_model

__all__ = ["OPTIMIZERS", "SCHEDULES", "BatchDone", "Diverged", "EpochDone", "Event", "Finished",
           "RunStarted", "Stopped", "TrainConfig", "TrainControl", "Trainer", "evaluate", "train"]

OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("none", "step", "cosine", "onecycle")


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run."""

    model: str = DEFAULT_MODEL  # registry name; ignored when model_spec is given
    model_spec: dict[str, Any] | None = None  # a full spec (e.g. from --model-spec FILE)
    dataset: str = "mnist"  # key of cnn_core.datasets.DATASETS
    data_dir: str | None = None  # folder with the dataset's IDX files (MNIST: bundled)
    epochs: int = 3
    batch_size: int = 128
    optimizer: str = "adam"  # sgd (with momentum) | adam | adamw
    lr: float = 3e-3  # peak learning rate
    momentum: float = 0.9  # SGD only
    weight_decay: float = 0.0
    schedule: str = "onecycle"  # none | step | cosine | onecycle
    augment: bool = True  # batched random affine + stroke thickness
    label_smoothing: float = 0.0
    device: str = "auto"  # auto (cuda > mps > cpu) | cpu | cuda | mps
    seed: int | None = None  # makes runs repeatable
    target_accuracy: float | None = None  # stop once test accuracy reaches this (0..1)
    max_train_samples: int | None = None  # use only the first N training samples
    max_test_samples: int | None = None  # evaluate on only the first N test samples
    report_every: int = 10  # a BatchDone event every N batches
    channels_last: bool = True  # faster convolutions on CPU (measured ~1.35× for LeNet-5)

    @classmethod
    def for_model(cls, name: str = DEFAULT_MODEL, **overrides: Any) -> TrainConfig:
        """A config with the model's recommended recipe, then ``overrides`` on top."""
        if name not in MODELS:
            raise KeyError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
        recipe = dataclasses.asdict(MODELS[name].recipe)
        recipe.update({k: v for k, v in overrides.items() if v is not None})
        return cls(model=name, **recipe)

    def validate(self) -> None:
        """Raise ``ValueError`` with a clear message for an impossible setting."""
        checks = [
            (self.epochs >= 1, "epochs must be at least 1"),
            (self.batch_size >= 1, "batch size must be at least 1"),
            (self.lr > 0 and math.isfinite(self.lr), "learning rate must be a positive number"),
            (self.optimizer in OPTIMIZERS, f"optimizer must be one of {', '.join(OPTIMIZERS)}"),
            (self.schedule in SCHEDULES, f"schedule must be one of {', '.join(SCHEDULES)}"),
            (self.dataset in DATASETS, f"dataset must be one of {', '.join(DATASETS)}"),
            (self.target_accuracy is None or 0 < self.target_accuracy <= 1,
             "target accuracy must be between 0 and 1 (e.g. 0.99)"),
            (self.max_train_samples is None or self.max_train_samples >= 1,
             "max train samples must be at least 1"),
            (self.model_spec is not None or self.model in MODELS,
             f"model must be one of {', '.join(MODELS)}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)


class TrainControl:
    """Pause / resume / stop flags for a running generator, safe to set from any thread."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()

    def pause(self) -> None:
        """Hold training at the next batch boundary."""
        self._running.clear()

    def resume(self) -> None:
        """Continue a paused run."""
        self._running.set()

    def stop(self) -> None:
        """End the run at the next batch boundary (also wakes a paused run)."""
        self._stop.set()
        self._running.set()

    @property
    def paused(self) -> bool:
        """Whether a pause is in effect."""
        return not self._running.is_set()

    @property
    def stopped(self) -> bool:
        """Whether a stop was asked for."""
        return self._stop.is_set()

    def wait_while_paused(self) -> float:
        """Block while paused; return the seconds spent waiting."""
        if self._running.is_set():
            return 0.0
        start = time.perf_counter()
        while not self._running.wait(0.05):
            pass
        return time.perf_counter() - start


# ----------------------------------------------------------------------------- events


@dataclass(frozen=True)
class RunStarted:
    """The run is set up and about to take its first step."""

    model: str
    dataset: str
    device: str
    params: int
    train_size: int
    test_size: int
    epochs: int
    steps_per_epoch: int


@dataclass(frozen=True)
class BatchDone:
    """Progress within an epoch (every ``report_every`` batches)."""

    epoch: int  # 1-based
    step: int  # global batch count, 1-based
    total_steps: int
    loss: float  # mean loss over the batches since the last report
    accuracy: float  # training accuracy over those batches
    lr: float
    samples_per_second: float  # training images per second (test passes excluded)
    elapsed: float  # seconds since the start, pauses excluded
    eta: float  # seconds left, estimated


@dataclass(frozen=True)
class EpochDone:
    """An epoch ended and the model was evaluated on the test set."""

    epoch: int
    epochs: int
    train_loss: float
    train_accuracy: float
    test_loss: float
    test_accuracy: float
    lr: float
    samples_per_second: float
    elapsed: float
    eta: float

    def as_dict(self) -> dict[str, float]:
        """The record as plain numbers (for checkpoint metadata and JSON)."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Finished:
    """The run completed all its epochs or reached the target accuracy."""

    reason: str  # "completed" | "target_reached"
    epochs_done: int
    test_accuracy: float
    elapsed: float
    samples_per_second: float
    history: tuple[EpochDone, ...]
    checkpoint: Checkpoint = field(repr=False)


@dataclass(frozen=True)
class Stopped:
    """The run was stopped by the user; the checkpoint holds the weights at that point."""

    epoch: int
    step: int
    elapsed: float
    history: tuple[EpochDone, ...]
    checkpoint: Checkpoint = field(repr=False)


@dataclass(frozen=True)
class Diverged:
    """The loss became NaN or infinite; the last good weights were restored."""

    epoch: int
    step: int
    loss: float
    message: str
    history: tuple[EpochDone, ...]
    checkpoint: Checkpoint = field(repr=False)


Event = RunStarted | BatchDone | EpochDone | Finished | Stopped | Diverged


# ----------------------------------------------------------------------------- helpers


def _prepare(images: torch.Tensor, mean: float, std: float, augment: bool,
             gen: torch.Generator | None, channels_last: bool) -> torch.Tensor:
    x = images.unsqueeze(1).float().div_(255.0)
    if augment:
        x = augment_batch(x, AugmentConfig(), gen)
    x = x.sub_(mean).div_(std)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


class EvaluationStopped(Exception):
    """Raised by :func:`evaluate` when its ``stop`` callback says so."""


@torch.no_grad()
def evaluate(model: nn.Module, split: Split, mean: float, std: float,
             batch_size: int = 1000, channels_last: bool = False,
             stop: Callable[[], bool] | None = None,
             ) -> tuple[float, float, torch.Tensor]:
    """Evaluate on a whole split on the model's device.

    ``stop`` is polled between batches; when it returns true, :class:`EvaluationStopped` is
    raised, so a stop request never waits for a whole test pass.

    Returns
    -------
    tuple
        ``(mean loss, accuracy, predictions)``; predictions is an int64 CPU tensor.
    """
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    total_loss = torch.zeros((), device=device)
    preds = []
    images = split.images.to(device)
    labels = split.labels.to(device)
    for start in range(0, len(labels), batch_size):
        if stop is not None and stop():
            model.train(was_training)
            raise EvaluationStopped
        x = _prepare(images[start:start + batch_size], mean, std, False, None, channels_last)
        logits = model(x)
        total_loss += F.cross_entropy(logits, labels[start:start + batch_size], reduction="sum")
        preds.append(logits.argmax(1))
    model.train(was_training)
    pred = torch.cat(preds) if preds else torch.empty(0, dtype=torch.long, device=device)
    n = max(1, len(labels))
    accuracy = (pred == labels).float().sum().item() / n
    return total_loss.item() / n, accuracy, pred.cpu()


def _make_optimizer(cfg: TrainConfig, params: Any) -> torch.optim.Optimizer:
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum,
                               weight_decay=cfg.weight_decay)
    if cfg.optimizer == "adam":
        return torch.optim.Adam(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    return torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay or 1e-2)


def _make_schedule(cfg: TrainConfig, opt: torch.optim.Optimizer, steps_per_epoch: int
                   ) -> tuple[torch.optim.lr_scheduler.LRScheduler | None, bool]:
    """The scheduler and whether it steps per batch (else per epoch)."""
    total = cfg.epochs * steps_per_epoch
    if total < 4:  # too short to warm up and anneal: keep the learning rate constant
        return None, False
    if cfg.schedule == "onecycle":
        # at least two warm-up steps, or OneCycleLR divides by zero on short runs
        pct = min(0.5, max(0.25, 2.0 / total))
        return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=total,
                                                   pct_start=pct), True
    if cfg.schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total), True
    if cfg.schedule == "step":
        step = max(1, cfg.epochs // 3)
        return torch.optim.lr_scheduler.StepLR(opt, step_size=step, gamma=0.1), False
    return None, False


# ----------------------------------------------------------------------------- trainer


class Trainer:
    """One training run. Iterate :meth:`run` to drive it.

    ``trainer.model`` is the live model; read it only between two events, from the thread
    that iterates (the generator is suspended then, so nothing changes it).
    """

    def __init__(self, config: TrainConfig, control: TrainControl | None = None) -> None:
        config.validate()
        self.config = config
        self.control = control or TrainControl()
        keep_freed_memory()  # else every step page-faults its activations back in (~30 % CPU)
        self.device = resolve_device(config.device)
        if config.seed is not None:
            torch.manual_seed(config.seed)
        spec = config.model_spec if config.model_spec is not None else get_spec(config.model)
        self.model: DigitNet = build_model(spec, seed=config.seed).to(self.device)
        if config.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        info = DATASETS[config.dataset]
        self.info = info
        self.history: list[EpochDone] = []
        self._epochs_done = 0
        self._train = load_split(config.dataset, True, config.data_dir)
        self._test = load_split(config.dataset, False, config.data_dir)
        if config.max_train_samples:
            self._train = Split(self._train.images[: config.max_train_samples],
                                self._train.labels[: config.max_train_samples])
        if config.max_test_samples:
            self._test = Split(self._test.images[: config.max_test_samples],
                               self._test.labels[: config.max_test_samples])

    def snapshot(self) -> Checkpoint:
        """A CPU copy of the current weights with full metadata; shares nothing with training."""
        model = copy.deepcopy(self.model).to("cpu", memory_format=torch.contiguous_format)
        model.eval()
        last = self.history[-1] if self.history else None
        metrics = {} if last is None else {"test_accuracy": last.test_accuracy,
                                           "test_loss": last.test_loss,
                                           "train_accuracy": last.train_accuracy}
        config = dataclasses.asdict(self.config)
        meta = make_metadata(model, dataset=self.info.name, mean=self.info.mean,
                             std=self.info.std, classes=list(self.info.classes),
                             epochs=self._epochs_done, metrics=metrics,
                             history=[e.as_dict() for e in self.history], config=config)
        return Checkpoint(model, meta)

    def run(self) -> Iterator[Event]:
        """Train, yielding events; ends with Finished, Stopped or Diverged."""
        cfg, model, device = self.config, self.model, self.device
        train_x = self._train.images.to(device)
        train_y = self._train.labels.to(device)
        # the test set too, once: evaluate() would otherwise copy it to the device every epoch
        test = Split(self._test.images.to(device), self._test.labels.to(device))
        n = len(train_y)
        steps_per_epoch = max(1, n // cfg.batch_size) if n >= cfg.batch_size else 1
        total_steps = steps_per_epoch * cfg.epochs
        optimizer = _make_optimizer(cfg, model.parameters())
        scheduler, per_batch = _make_schedule(cfg, optimizer, steps_per_epoch)
        gen = torch.Generator(device=device)
        gen.manual_seed(cfg.seed if cfg.seed is not None else int(torch.seed() % 2**62))
        params, _ = model_stats(model)
        yield RunStarted(model.name, cfg.dataset, str(device), params, n, len(self._test),
                         cfg.epochs, steps_per_epoch)

        step = seen = 0
        elapsed = eval_seconds = 0.0  # wall time without pauses; the part spent evaluating
        tick = time.perf_counter()
        good_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.train()
        for epoch in range(1, cfg.epochs + 1):
            perm = torch.randperm(n, device=device, generator=gen)
            epoch_loss = torch.zeros((), device=device)
            epoch_correct = torch.zeros((), device=device, dtype=torch.long)
            window_loss = torch.zeros((), device=device)
            window_correct = torch.zeros((), device=device, dtype=torch.long)
            window_batches = window_seen = epoch_seen = 0
            for b in range(steps_per_epoch):
                if self.control.paused:
                    elapsed += time.perf_counter() - tick
                    self.control.wait_while_paused()
                    tick = time.perf_counter()
                if self.control.stopped:
                    elapsed += time.perf_counter() - tick
                    yield Stopped(epoch, step, elapsed, tuple(self.history), self.snapshot())
                    return
                idx = perm[b * cfg.batch_size:(b + 1) * cfg.batch_size]
                x = _prepare(train_x[idx], self.info.mean, self.info.std, cfg.augment, gen,
                             cfg.channels_last)
                y = train_y[idx]
                logits = model(x)
                loss = F.cross_entropy(logits, y, label_smoothing=cfg.label_smoothing)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                if scheduler is not None and per_batch:
                    scheduler.step()
                step += 1
                with torch.no_grad():
                    correct = (logits.argmax(1) == y).sum()
                    window_loss += loss.detach()
                    window_correct += correct
                    epoch_loss += loss.detach() * len(y)
                    epoch_correct += correct
                window_batches += 1
                window_seen += len(y)
                epoch_seen += len(y)
                seen += len(y)
                if window_batches >= cfg.report_every or b == steps_per_epoch - 1:
                    mean_loss = window_loss.item() / window_batches
                    now = time.perf_counter()
                    elapsed += now - tick
                    tick = now
                    if not math.isfinite(mean_loss):
                        model.load_state_dict(good_state)
                        message = (f"the loss became {mean_loss} at epoch {epoch}, batch {b + 1}; "
                                   f"the last good weights were restored; try a lower learning "
                                   f"rate (now {cfg.lr:g})")
                        yield Diverged(epoch, step, mean_loss, message, tuple(self.history),
                                       self.snapshot())
                        return
                    good_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                    rate = seen / max(elapsed - eval_seconds, 1e-9)
                    eta = elapsed / step * (total_steps - step)
                    yield BatchDone(epoch, step, total_steps, mean_loss,
                                    window_correct.item() / max(1, window_seen),
                                    optimizer.param_groups[0]["lr"], rate, elapsed, eta)
                    window_loss.zero_()
                    window_correct.zero_()
                    window_batches = window_seen = 0
                    tick = time.perf_counter()
            if scheduler is not None and not per_batch:
                scheduler.step()
            eval_start = time.perf_counter()
            try:
                test_loss, test_acc, _ = evaluate(
                    model, test, self.info.mean, self.info.std,
                    channels_last=cfg.channels_last, stop=lambda: self.control.stopped)
            except EvaluationStopped:
                elapsed += time.perf_counter() - tick
                yield Stopped(epoch, step, elapsed, tuple(self.history), self.snapshot())
                return
            now = time.perf_counter()
            eval_seconds += now - eval_start
            elapsed += now - tick
            tick = now
            self._epochs_done = epoch
            record = EpochDone(
                epoch, cfg.epochs, epoch_loss.item() / max(1, epoch_seen),
                epoch_correct.item() / max(1, epoch_seen), test_loss, test_acc,
                optimizer.param_groups[0]["lr"], seen / max(elapsed - eval_seconds, 1e-9),
                elapsed, elapsed / epoch * (cfg.epochs - epoch),
            )
            self.history.append(record)
            yield record
            tick = time.perf_counter()
            if cfg.target_accuracy is not None and test_acc >= cfg.target_accuracy:
                yield self._finished("target_reached", elapsed)
                return
        yield self._finished("completed", elapsed)

    def _finished(self, reason: str, elapsed: float) -> Finished:
        last = self.history[-1]
        return Finished(reason, len(self.history), last.test_accuracy, elapsed,
                        last.samples_per_second,
                        tuple(self.history), self.snapshot())


def train(config: TrainConfig, control: TrainControl | None = None) -> Iterator[Event]:
    """Run a training as a generator of events (see :class:`Trainer`)."""
    return Trainer(config, control).run()
