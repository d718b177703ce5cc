"""What defines a run (:class:`TrainConfig`) and how to steer one (:class:`TrainControl`)."""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..data.datasets import DATASETS
from ..models import DEFAULT_MODEL, MODELS
from .optim import OPTIMIZERS, SCHEDULES

__all__ = ["DEFAULT_VAL_SIZE", "TrainConfig", "TrainControl"]

# MNIST's classic 55,000 / 5,000 split: enough images to judge accuracy to ~0.1 %, and to fit
# a temperature, while training keeps 92 % of the data.
DEFAULT_VAL_SIZE = 5_000


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run."""

    model: str = DEFAULT_MODEL  # registry name; ignored when model_spec is given
    model_spec: dict[str, Any] | None = None  # a full spec (e.g. from --model-spec FILE)
    dataset: str = "mnist"  # key of cnn_core.data.datasets.DATASETS
    data_dir: str | None = None  # folder with the dataset's IDX files (MNIST: bundled)
    epochs: int = 3
    batch_size: int = 128
    optimizer: str = "adam"  # sgd | adam | adamw
    lr: float = 3e-3  # peak learning rate
    momentum: float = 0.9  # SGD only (0: plain SGD, as the tutorials train)
    betas: tuple[float, float] = (0.9, 0.999)  # Adam / AdamW: decay of the moment estimates
    weight_decay: float = 0.0
    schedule: str = "onecycle"  # none | step | cosine | onecycle
    augment: bool = True  # batched random affine + stroke thickness
    normalize: bool = True  # inputs to the dataset's mean 0, std 1 (off: pixels in [0, 1])
    label_smoothing: float = 0.0
    ema_decay: float = 0.0  # keep an exponential moving average of the weights (0: none)
    device: str = "auto"  # auto (cuda > mps > cpu) | cpu | cuda | mps
    seed: int | None = None  # makes runs repeatable (weights, shuffling, augmentation, dropout)
    val_size: int = DEFAULT_VAL_SIZE  # images held out for validation (0: none; ≤ 1/10 of the set)
    split_seed: int = 0  # which images are held out; fixed, so every run validates on the same
    target_accuracy: float | None = None  # stop once *validation* accuracy reaches this (0..1)
    max_train_samples: int | None = None  # train on only the first N of the remaining images
    max_test_samples: int | None = None  # evaluate on only the first N test samples
    report_every: int = 10  # a BatchDone event every N batches
    track_gradients: bool = True  # per-layer gradient norms in each BatchDone (report steps only)
    channels_last: bool = True  # faster convolutions on CPU (measured ~1.35× for LeNet-5)
    # training steps' forward passes in bfloat16 (torch.autocast); weights, gradients, loss and
    # updates stay float32. Only where the device computes bfloat16 natively (AVX512-BF16/AMX
    # CPUs, CUDA GPUs that support it: runtime.devices.native_bfloat16); elsewhere, where it
    # would be slower or refused, the run stays float32
    autocast_bf16: bool = False
    tensorboard_dir: str | None = None  # also log the run to TensorBoard in this folder

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
            (len(self.betas) == 2 and all(0 <= b < 1 for b in self.betas),
             "Adam's betas must be two numbers in [0, 1)"),
            (self.optimizer in OPTIMIZERS, f"optimizer must be one of {', '.join(OPTIMIZERS)}"),
            (0 <= self.momentum < 1, "momentum must be at least 0 and below 1 (e.g. 0.9)"),
            (self.schedule in SCHEDULES, f"schedule must be one of {', '.join(SCHEDULES)}"),
            (self.dataset in DATASETS, f"dataset must be one of {', '.join(DATASETS)}"),
            (self.target_accuracy is None or 0 < self.target_accuracy <= 1,
             "target accuracy must be between 0 and 1 (e.g. 0.99)"),
            (0 <= self.ema_decay < 1, "EMA decay must be at least 0 and below 1 (e.g. 0.999)"),
            (self.val_size >= 0, "validation size must be 0 or more images"),
            (self.target_accuracy is None or self.val_size > 0,
             "a target accuracy needs a validation split (val size above 0): it is never "
             "judged on the test set"),
            (self.max_train_samples is None or self.max_train_samples >= 1,
             "max train samples must be at least 1"),
            (self.model_spec is not None or self.model in MODELS,
             f"model must be one of {', '.join(MODELS)}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)


class TrainControl:
    """Pause / resume / stop flags for a running generator, safe to set from any thread.

    ``events`` makes the flags from another kind of event, e.g. ``multiprocessing``'s (a
    context's ``Event``), so that a child process shares them; by default ``threading``'s.
    """

    def __init__(self, events: Callable[[], Any] = threading.Event) -> None:
        self._stop = events()
        self._running = events()
        self._running.set()
        self._hand = events()  # someone draws in the window: leave them a core

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

    def leave_a_core(self, on: bool) -> None:
        """While ``on``, a run on the CPU trains on one thread fewer (at least one), from the
        next batch: someone is drawing in the window, whose answers need a core now."""
        if on:
            self._hand.set()
        else:
            self._hand.clear()

    @property
    def core_left(self) -> bool:
        """Whether the run should leave a core free (:meth:`leave_a_core`)."""
        return self._hand.is_set()

    def wait_while_paused(self) -> float:
        """Block while paused; return the seconds spent waiting."""
        if self._running.is_set():
            return 0.0
        start = time.perf_counter()
        while not self._running.wait(0.05):
            pass
        return time.perf_counter() - start
