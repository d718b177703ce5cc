"""What a training run reports: frozen dataclasses, safe to hand to another thread as they are."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..checkpoints import Checkpoint

__all__ = ["BatchDone", "Diverged", "EpochDone", "Event", "Finished", "RunStarted", "Stopped"]


@dataclass(frozen=True)
class RunStarted:
    """The run is set up (model built, data on the device) and about to take its first step."""

    model: str
    dataset: str
    device: str
    params: int
    train_size: int
    test_size: int
    epochs: int
    steps_per_epoch: int
    val_size: int = 0  # training images held out for validation


@dataclass(frozen=True)
class BatchDone:
    """Progress within an epoch (every ``report_every`` batches)."""

    epoch: int  # 1-based
    step: int  # global batch count, 1-based
    total_steps: int
    loss: float  # mean loss over the batches since the last report
    accuracy: float  # training accuracy over those batches
    lr: float
    samples_per_second: float  # training images per second (evaluation passes excluded)
    elapsed: float  # seconds since the start, pauses excluded
    eta: float  # seconds left, estimated
    # (layer, L2 norm of its gradient) after the report's last step, in the model's order;
    # empty when the run does not track gradients
    grad_norms: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class EpochDone:
    """An epoch ended; its weights are final and were evaluated on validation and test sets.

    Decisions (the target accuracy) use the validation figures; the test figures are for the
    curves only.
    """

    epoch: int
    epochs: int
    train_loss: float
    train_accuracy: float
    val_loss: float | None  # None when the run holds no validation split out
    val_accuracy: float | None
    test_loss: float
    test_accuracy: float
    lr: float
    samples_per_second: float
    elapsed: float
    eta: float
    # (ReLU layer, share of its units that never fired in this epoch's training steps), in
    # the model's order; empty for a model without ReLU layers (see .dead_units)
    dead_units: tuple[tuple[str, float], ...] = ()

    def as_dict(self) -> dict[str, float | None]:
        """The record as plain numbers (for checkpoint metadata and JSON); the dead units,
        a list per layer, are left out."""
        record = dataclasses.asdict(self)
        del record["dead_units"]
        return record


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
    """The run was stopped by the user; the checkpoint holds the weights at that point.

    ``batch`` counts the batches of ``epoch`` done (0: stopped before its first one);
    ``test_accuracy`` is the saved weights' (measured again when they are not the last
    epoch's), and so is the checkpoint's ``metrics.test_accuracy``.
    """

    epoch: int
    step: int  # batches since the start of the run
    elapsed: float
    history: tuple[EpochDone, ...]
    checkpoint: Checkpoint = field(repr=False)
    batch: int = 0
    steps_per_epoch: int = 0
    test_accuracy: float | None = None


@dataclass(frozen=True)
class Diverged:
    """The loss became NaN or infinite, or grew far beyond a guess's; the last good weights
    were restored."""

    epoch: int
    step: int
    loss: float
    message: str
    history: tuple[EpochDone, ...]
    checkpoint: Checkpoint = field(repr=False)
    lr: float = 0.0  # the run's learning rate
    suggested_lr: float = 0.0  # the one to try instead (a tenth, rounded)


Event = RunStarted | BatchDone | EpochDone | Finished | Stopped | Diverged
