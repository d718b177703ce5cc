"""Fine-tune a trained digit model on the user's own samples, mixed with MNIST.

A generator, like :func:`cnn_core.training.train`: ``for event in fine_tune(...)`` works the
same in the CLI, in tests and in the GUI's worker thread. The model is a private copy; the
checkpoint passed in is never changed.

What it does:

1. measure the model *before*: accuracy on the held-out own samples (see
   :func:`cnn_core.data.own_digits.load_own_data`) and on the MNIST test set (all 10,000 images,
   or the first ``mnist_test_samples`` of them);
2. train for ``steps`` batches; each batch is ``own_fraction`` own training samples (drawn
   with replacement) and the rest MNIST training images, so the model learns the user's hand
   without forgetting everyone else's; both are augmented (random affine, stroke width);
3. measure *after* on the same images, fit a fresh temperature on MNIST training images
   that the fine-tuning never saw, and yield :class:`FineTuneFinished` with a new
   :class:`~cnn_core.checkpoints.Checkpoint`.

Every random draw comes from generators seeded with ``config.seed``, and dropout's from a
private global-RNG state (:mod:`.rng`): the same inputs and seed give the same weights.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import torch

from ..checkpoints import Checkpoint
from ..data.datasets import Split, load_split
from ..data.own_digits import OwnData
from .calibrate import calibrate
from .config import TrainControl
from .loop import EvaluationStopped, evaluate, prepare_batch, train_one_epoch
from .rng import PrivateGlobalRng

__all__ = ["FineTuneConfig", "FineTuneEvent", "FineTuneFinished", "FineTuneProgress",
           "FineTuneStarted", "FineTuneStopped", "Scores", "fine_tune", "tuned_title"]

_CALIBRATION_IMAGES = 1_000  # from the end of MNIST's training split, never fine-tuned on


@dataclass(frozen=True)
class FineTuneConfig:
    """How a fine-tuning runs."""

    steps: int = 40  # gradient steps (batches)
    batch_size: int = 48
    own_fraction: float = 0.5  # share of each batch taken from the user's own samples
    lr: float = 1e-3  # Adam's learning rate, constant: a short nudge, not a new training
    augment: bool = True  # random affine + stroke width, on own and MNIST images alike
    mnist_train_samples: int = 20_000  # the first N MNIST training images are mixed in
    mnist_test_samples: int | None = 2_000  # before/after on the first N test images (None: all)
    seed: int = 0  # makes the result repeatable
    report_every: int = 5  # a FineTuneProgress every N steps
    tensorboard_dir: str | None = None  # also log the fine-tuning to TensorBoard here

    def validate(self) -> None:
        """Raise ``ValueError`` with one line for an impossible setting."""
        checks = [
            (self.steps >= 1, "fine-tuning needs at least 1 step"),
            (self.batch_size >= 2, "the batch size must be at least 2"),
            (0 < self.own_fraction <= 1, "the share of own samples must be in (0, 1]"),
            (self.lr > 0, "the learning rate must be positive"),
            (self.mnist_train_samples >= 0, "MNIST training images must be 0 or more"),
            (self.mnist_test_samples is None or self.mnist_test_samples >= 1,
             "MNIST test images must be at least 1"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)


@dataclass(frozen=True)
class Scores:
    """Accuracies of one model: held-out own samples and MNIST test images."""

    own_accuracy: float | None  # None when no own sample is held out
    own_count: int
    mnist_accuracy: float
    mnist_count: int


@dataclass(frozen=True)
class FineTuneStarted:
    """Data ready, the *before* scores measured; training starts."""

    own_train: int
    own_held_out: int
    mnist_train: int
    steps: int
    before: Scores


@dataclass(frozen=True)
class FineTuneProgress:
    """Progress every ``report_every`` steps."""

    step: int  # 1-based
    total_steps: int
    loss: float  # mean loss since the last report
    elapsed: float  # seconds since the start (pauses excluded)
    eta: float  # seconds left, estimated


@dataclass(frozen=True)
class FineTuneFinished:
    """Done: the tuned model and its scores before and after."""

    before: Scores
    after: Scores
    seconds: float  # the whole fine-tuning, measuring included
    train_seconds: float  # the gradient steps alone
    own_train: int
    checkpoint: Checkpoint = field(repr=False)


@dataclass(frozen=True)
class FineTuneStopped:
    """The user stopped it; nothing is kept."""

    step: int


FineTuneEvent = FineTuneStarted | FineTuneProgress | FineTuneFinished | FineTuneStopped


def tuned_title(base: str, samples: int) -> str:
    """The shelf's name for a model tuned on ``samples`` own samples."""
    return f"{base} · tuned on your handwriting ({samples} sample{'s' * (samples != 1)})"


def _scores(model: torch.nn.Module, own: Split, mnist: Split, mean: float, std: float,
            control: TrainControl) -> Scores:
    """Accuracies on both sets; raises EvaluationStopped as soon as a stop is asked for."""
    stop = lambda: control.stopped  # noqa: E731
    own_acc = evaluate(model, own, mean, std, stop=stop)[1] if len(own) else None
    mnist_acc = evaluate(model, mnist, mean, std, batch_size=250, stop=stop)[1]
    return Scores(own_acc, len(own), mnist_acc, len(mnist))


def fine_tune(checkpoint: Checkpoint, own: OwnData, config: FineTuneConfig | None = None,
              control: TrainControl | None = None) -> Iterator[FineTuneEvent]:
    """Fine-tune a copy of ``checkpoint`` on ``own`` (see the module docstring).

    Raises
    ------
    ValueError
        The model does not answer with the ten digits, there are no own training samples, or
        the config is impossible.
    """
    cfg = config or FineTuneConfig()
    cfg.validate()
    if not checkpoint.has_digit_classes:
        raise ValueError(f"{checkpoint.name} does not answer with the digits 0 … 9: only a "
                         f"digit model can learn your handwriting")
    if len(own.train) == 0:
        raise ValueError("no own samples to learn from")
    events = _stoppable(checkpoint, own, cfg, control or TrainControl())
    if cfg.tensorboard_dir:
        return _logged(events, checkpoint, own, cfg)
    return events


@dataclass(frozen=True)
class _ModelView:
    """What the TensorBoard logger reads of a model: its weights, the images it is judged
    on (the held-out own samples) and its normalisation."""

    model: torch.nn.Module
    validation_split: Split
    normalization: tuple[float, float]


def _logged(events: Iterator[FineTuneEvent], checkpoint: Checkpoint, own: OwnData,
            cfg: FineTuneConfig) -> Iterator[FineTuneEvent]:
    """``events``, each logged to TensorBoard in ``cfg.tensorboard_dir`` first: the loss and
    learning rate per report, both accuracies before (step 0) and after, the first conv
    layer's kernels, histograms and the held-out own samples it gets wrong, before and
    after, and the hyper-parameters with the final accuracies."""
    from .tensorboard_log import TensorBoardLogger

    skip = ("tensorboard_dir", "report_every")
    hparams = {k: v for k, v in dataclasses.asdict(cfg).items() if k not in skip}
    logger = TensorBoardLogger(cfg.tensorboard_dir, hparams={
        "model": checkpoint.name, "kind": "fine-tune", **hparams})
    norm = (checkpoint.mean, checkpoint.std)
    w = logger.writer
    try:
        for event in events:
            if isinstance(event, FineTuneStarted):
                _log_scores(w, event.before, 0)
                base = copy.deepcopy(checkpoint.model).to("cpu")  # never the shared one
                logger.log_model(_ModelView(base, own.test, norm), 0)
            elif isinstance(event, FineTuneProgress):
                w.add_scalar("fine_tune/loss", event.loss, event.step)
                w.add_scalar("fine_tune/lr", cfg.lr, event.step)
            elif isinstance(event, FineTuneFinished):
                _log_scores(w, event.after, cfg.steps)
                logger.log_model(_ModelView(event.checkpoint.model, own.test, norm), cfg.steps)
                logger.log_hparams(_final_metrics(event.before, event.after), "finished")
            elif isinstance(event, FineTuneStopped):
                logger.log_hparams({"hparam/steps_done": float(event.step)}, "stopped")
            yield event
    finally:
        logger.close()


def _log_scores(writer: Any, scores: Scores, step: int) -> None:
    if scores.own_accuracy is not None:
        writer.add_scalar("fine_tune/own_accuracy", scores.own_accuracy, step)
    writer.add_scalar("fine_tune/mnist_accuracy", scores.mnist_accuracy, step)


def _final_metrics(before: Scores, after: Scores) -> dict[str, float]:
    metrics = {"hparam/mnist_accuracy": after.mnist_accuracy,
               "hparam/mnist_accuracy_before": before.mnist_accuracy}
    if after.own_accuracy is not None and before.own_accuracy is not None:
        metrics["hparam/own_accuracy"] = after.own_accuracy
        metrics["hparam/own_accuracy_before"] = before.own_accuracy
    return metrics


def _stoppable(checkpoint: Checkpoint, own: OwnData, cfg: FineTuneConfig,
               control: TrainControl) -> Iterator[FineTuneEvent]:
    """:func:`_run`, ending with :class:`FineTuneStopped` when a measurement is stopped."""
    steps = 0
    try:
        for event in _run(checkpoint, own, cfg, control):
            if isinstance(event, FineTuneProgress):
                steps = event.step
            yield event
    except EvaluationStopped:
        yield FineTuneStopped(steps)


def _run(checkpoint: Checkpoint, own: OwnData, cfg: FineTuneConfig, control: TrainControl
         ) -> Iterator[FineTuneEvent]:
    started = time.perf_counter()
    paused = 0.0
    mean, std = checkpoint.mean, checkpoint.std
    model = copy.deepcopy(checkpoint.model).to("cpu", memory_format=torch.contiguous_format)
    mnist_train = load_split("mnist", True)
    mnist_test = load_split("mnist", False)
    stop = cfg.mnist_test_samples
    test = Split(mnist_test.images[:stop], mnist_test.labels[:stop]) if stop else mnist_test
    mix = Split(mnist_train.images[:cfg.mnist_train_samples],
                mnist_train.labels[:cfg.mnist_train_samples])
    before = _scores(model, own.test, test, mean, std, control)
    yield FineTuneStarted(len(own.train), len(own.test), len(mix), cfg.steps, before)

    generator = torch.Generator().manual_seed(cfg.seed)
    dropout_rng = PrivateGlobalRng(cfg.seed + 1, torch.device("cpu"))
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    n_own = max(1, round(cfg.batch_size * cfg.own_fraction)) if len(mix) else cfg.batch_size
    n_mix = cfg.batch_size - n_own
    batches = _mixed_batches(own.train, mix, n_own, n_mix, cfg.steps, generator,
                             lambda images: prepare_batch(images, mean, std, cfg.augment,
                                                          generator))
    steps = train_one_epoch(model, batches, optimizer)  # the loop training runs, step by step
    train_start = time.perf_counter()
    window, window_steps = 0.0, 0
    for step in range(1, cfg.steps + 1):
        if control.paused:
            paused += control.wait_while_paused()
        if control.stopped:
            yield FineTuneStopped(step - 1)
            return
        with dropout_rng.active():
            loss, _, _ = next(steps)
        window += float(loss)
        window_steps += 1
        if step % cfg.report_every == 0 or step == cfg.steps:
            elapsed = time.perf_counter() - train_start - paused
            yield FineTuneProgress(step, cfg.steps, window / window_steps,
                                   time.perf_counter() - started - paused,
                                   elapsed / step * (cfg.steps - step))
            window, window_steps = 0.0, 0
    train_seconds = time.perf_counter() - train_start - paused
    model.eval()
    after = _scores(model, own.test, test, mean, std, control)
    tuned = _tuned_checkpoint(checkpoint, model, own, cfg, before, after, mnist_train)
    yield FineTuneFinished(before, after, time.perf_counter() - started - paused,
                           train_seconds, len(own.train), tuned)


def _mixed_batches(own: Split, mix: Split, n_own: int, n_mix: int, steps: int,
                   generator: torch.Generator,
                   prepare: Callable[[torch.Tensor], torch.Tensor],
                   ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """``steps`` batches ``(x, y)``: ``n_own`` own samples and ``n_mix`` MNIST images each.

    Drawn with replacement: the own samples are few, an epoch of them is a handful of steps.
    """
    for _ in range(steps):
        own_idx = torch.randint(len(own), (n_own,), generator=generator)
        images, labels = own.images[own_idx], own.labels[own_idx]
        if n_mix:
            mix_idx = torch.randint(len(mix), (n_mix,), generator=generator)
            images = torch.cat([images, mix.images[mix_idx]])
            labels = torch.cat([labels, mix.labels[mix_idx]])
        yield prepare(images), labels


def _tuned_checkpoint(checkpoint: Checkpoint, model: torch.nn.Module, own: OwnData,
                      cfg: FineTuneConfig, before: Scores, after: Scores, mnist_train: Split
                      ) -> Checkpoint:
    meta = copy.deepcopy(checkpoint.meta)
    held = Split(mnist_train.images[-_CALIBRATION_IMAGES:],
                 mnist_train.labels[-_CALIBRATION_IMAGES:])
    meta["calibration"] = calibrate(model, held, checkpoint.mean, checkpoint.std)
    meta["calibration"]["fitted_on"] = "MNIST training images not used in fine-tuning"
    metrics = dict(meta.get("metrics") or {})
    # The model changed: figures measured on the old weights would now be wrong.
    metrics = {k: v for k, v in metrics.items() if k not in ("val_accuracy", "val_loss",
                                                             "train_accuracy", "test_loss")}
    metrics["test_accuracy"] = after.mnist_accuracy
    metrics["test_images"] = after.mnist_count
    meta["metrics"] = metrics
    meta["title"] = tuned_title(checkpoint.name, len(own.train) + len(own.test))
    meta["fine_tune"] = {
        "config": dataclasses.asdict(cfg), "own_train": len(own.train),
        "own_held_out": len(own.test), "before": dataclasses.asdict(before),
        "after": dataclasses.asdict(after), "base_title": checkpoint.meta.get("title"),
    }
    model.eval()
    return Checkpoint(model, meta)
