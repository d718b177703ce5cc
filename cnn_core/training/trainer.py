"""The :class:`Trainer`: the loop of :mod:`.loop`, wrapped in events, control and bookkeeping.

A run is a generator of events (:mod:`.events`). Between two events the caller may read
``trainer.model`` (nothing changes it then), pause or stop through :class:`TrainControl`, and
use the process as it likes: the trainer changes no process-wide setting. It draws its random
numbers from its own generator, and dropout's from a private state of the global generator
that is in place only while the run computes (:mod:`.rng`). Thread counts, malloc tuning
(:func:`cnn_core.runtime.allocator.keep_freed_memory`) and the GIL switch interval are for entry
points to set.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Generator, Iterator

import torch

from ..checkpoints import Checkpoint, make_metadata
from ..data.datasets import DATASETS, Split, load_split
from ..models import get_spec, model_stats
from ..models.network import DigitNet
from ..models.specs import build_model
from ..runtime.devices import native_bfloat16, resolve_device
from ..runtime.messages import Core
from .calibrate import calibrate
from .config import TrainConfig, TrainControl
from .data import hold_out
from .dead_units import ReluActivity
from .diagnosis import suggested_lr
from .distributed import (
    DistributedContext,
    any_rank,
    fired_on_any_rank,
    global_sums,
    shard,
    sync_buffers,
)
from .ema import WeightAverage
from .events import BatchDone, Diverged, EpochDone, Event, Finished, RunStarted, Stopped
from .gradients import layer_gradient_norms
from .loop import EvaluationStopped, evaluate, prepare_batch, shuffled_batches, train_one_epoch
from .optim import make_optimizer, make_schedule
from .rng import PrivateGlobalRng
from .timing import RunClock

__all__ = ["Trainer", "train"]


DIVERGED_FACTOR = 100.0
"""A run has diverged when its loss is NaN, infinite, or this many times the loss of a uniform
guess (ln of the number of classes: 2.3 for digits); a learning run never comes near."""


class _StopRequested(Exception):
    """The user asked to stop; raised at a batch boundary."""


class _Tally:
    """Running sums of loss and right answers, kept on the device until a report reads them.

    A step adds to the window's tally only (two small device operations); the window is
    folded into the epoch's tally when it is reported, so the epoch's sums cost nothing per
    step. ``per_sample`` weighs each batch's mean loss by its size, exact for a window of
    equal batches (every window of a run: its batches all have the configured size).
    """

    def __init__(self, device: torch.device, per_sample: bool) -> None:
        self.per_sample = per_sample
        self.loss = torch.zeros((), device=device)
        self.correct = torch.zeros((), device=device, dtype=torch.long)
        self.batches = self.samples = 0

    def add(self, loss: torch.Tensor, correct: torch.Tensor, size: int) -> None:
        self.loss += loss * size if self.per_sample else loss
        self.correct += correct
        self.batches += 1
        self.samples += size

    def fold(self, window: _Tally) -> None:
        """Add a per-batch ``window``'s sums (a report's) to this per-sample tally."""
        if window.batches:
            self.loss += window.loss * (window.samples / window.batches)
            self.correct += window.correct
        self.batches += window.batches
        self.samples += window.samples


class Trainer:
    """One training run. Iterate :meth:`run` to drive it.

    ``trainer.model`` is the live model; read it only between two events, from the thread
    that iterates (the generator is suspended then, so nothing changes it).
    """

    def __init__(self, config: TrainConfig, control: TrainControl | None = None,
                 distributed: DistributedContext | None = None) -> None:
        config.validate()
        self.distributed = distributed  # one rank of a DistributedDataParallel run, or None
        self.config = config
        self.control = control or TrainControl()
        self.device = resolve_device(config.device)
        # without a seed, a fresh one from the OS: the global RNG is neither read nor reseeded
        self.seed = config.seed if config.seed is not None else torch.Generator().seed() % 2**62
        spec = config.model_spec if config.model_spec is not None else get_spec(config.model)
        self.model: DigitNet = build_model(spec, seed=self.seed).to(self.device)
        if config.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        self._average = WeightAverage(self.model, config.ema_decay) if config.ema_decay else None
        self._relu = ReluActivity(self.model)  # dead units, counted in training steps
        self.info = DATASETS[config.dataset]
        self.mean, self.std = self.info.normalization(config.normalize)
        self.history: list[EpochDone] = []
        self._epochs_done = 0
        train, self._val = hold_out(load_split(config.dataset, True, config.data_dir),
                                    config.val_size, config.split_seed)
        test = load_split(config.dataset, False, config.data_dir)
        n_train, n_test = config.max_train_samples, config.max_test_samples
        self._train = Split(train.images[:n_train], train.labels[:n_train]) if n_train else train
        if distributed is not None:
            self._train = shard(self._train, distributed)  # this rank's images only
        self._test = Split(test.images[:n_test], test.labels[:n_test]) if n_test else test
        rank = distributed.rank if distributed is not None else 0  # each rank its own draws
        self._generator = torch.Generator(device=self.device).manual_seed(self.seed + rank)
        self._global_rng = PrivateGlobalRng(self.seed + 1, self.device)  # for dropout
        self._clock = RunClock()
        self._threads_full: int | None = None  # intra-op threads before a core was left free

    @property
    def evaluated_model(self) -> DigitNet:
        """What the run evaluates and saves: the weights' moving average if it keeps one."""
        return self.model if self._average is None else self._average.model

    @property
    def validation_split(self) -> Split | None:
        """The training images held out for validation (None with ``val_size`` 0)."""
        return self._val

    @property
    def test_split(self) -> Split:
        """The test images the run reports on (all of them, or ``max_test_samples``)."""
        return self._test

    @property
    def normalization(self) -> tuple[float, float]:
        """The ``(mean, std)`` the model's inputs are normalised with: the dataset's, or
        ``(0, 1)`` for a run that leaves them in [0, 1] (``TrainConfig.normalize`` off)."""
        return self.mean, self.std

    @property
    def training_seconds(self) -> float:
        """Seconds spent in training steps so far: the run's clock less evaluation passes."""
        return self._clock.elapsed - self._clock.eval_seconds

    # ------------------------------------------------------------------ checkpoints

    def snapshot(self) -> Checkpoint:
        """A CPU copy of the current weights with full metadata; shares nothing with training."""
        with self._relu.detached():  # the copy must not carry the training run's hooks
            model = copy.deepcopy(self.evaluated_model)
        model = model.to("cpu", memory_format=torch.contiguous_format)
        model.eval()
        last = self.history[-1] if self.history else None
        metrics = {} if last is None else {
            "test_accuracy": last.test_accuracy, "test_loss": last.test_loss,
            "train_accuracy": last.train_accuracy, "val_accuracy": last.val_accuracy,
            "val_loss": last.val_loss}
        meta = make_metadata(model, dataset=self.info.name, mean=self.mean,
                             std=self.std, classes=list(self.info.classes),
                             epochs=self._epochs_done, metrics=metrics,
                             history=[e.as_dict() for e in self.history],
                             config=dataclasses.asdict(self.config))
        meta["seed"] = self.seed
        return Checkpoint(model, meta)

    def _final_checkpoint(self) -> Checkpoint:
        """The run's checkpoint, with a temperature fitted on the validation split."""
        checkpoint = self.snapshot()
        if self._val is not None:
            start = self._clock.elapsed  # calibrating is evaluation, not training steps
            checkpoint.meta["calibration"] = calibrate(
                self.evaluated_model, self._val, self.mean, self.std,
                self.config.channels_last, test=self._test)
            self._clock.add_eval(self._clock.elapsed - start)
        return checkpoint

    # ------------------------------------------------------------------ the run

    def run(self) -> Generator[Event, None, None]:
        """Train, yielding events; ends with Finished, Stopped or Diverged.

        The clock and the run's global-RNG state are in force only while the run computes,
        never while the caller handles an event. With ``config.tensorboard_dir`` each event
        is also logged to TensorBoard there (:mod:`.tensorboard_log`; rank 0 only), between
        two steps, off the clock.
        """
        main_rank = self.distributed is None or self.distributed.is_main
        if self.config.tensorboard_dir and main_rank:
            from .tensorboard_log import logged_events, tensorboard_hparams

            return logged_events(self._timed_events(), self, self.config.tensorboard_dir,
                                 tensorboard_hparams(self.config))
        return self._timed_events()

    def _timed_events(self) -> Generator[Event, None, None]:
        steps = self._events()
        while True:
            with self._global_rng.active():
                self._clock.start()
                try:
                    event = next(steps)
                except StopIteration:
                    return
                finally:
                    self._clock.stop()
            yield event

    def _obey_control(self) -> None:
        if self.distributed is not None:  # every rank stops at the same step, or none does
            if any_rank(self.control.stopped, self.device):
                raise _StopRequested
            return
        if self.control.paused:
            self._clock.stop()
            self.control.wait_while_paused()
            self._clock.start()
        if self.control.stopped:
            raise _StopRequested
        if self.device.type == "cpu":
            self._share_cores(self.control.core_left)

    def _share_cores(self, leave_one: bool) -> None:
        """Train on one intra-op thread fewer while someone draws (``control.core_left``):
        on a small machine the window's answers otherwise pre-empt one of the run's threads,
        and the others wait for it at every step."""
        if self._threads_full is None:
            self._threads_full = torch.get_num_threads()
        wanted = max(1, self._threads_full - 1) if leave_one else self._threads_full
        if wanted != torch.get_num_threads():
            torch.set_num_threads(wanted)

    def _events(self) -> Iterator[Event]:
        cfg, model, device, info = self.config, self.model, self.device, self.info
        train_x, train_y = self._train.images.to(device), self._train.labels.to(device)
        # held sets go to the device once: evaluate() would otherwise copy them every epoch
        test = Split(self._test.images.to(device), self._test.labels.to(device))
        val = None if self._val is None else Split(self._val.images.to(device),
                                                    self._val.labels.to(device))
        n = len(train_y)
        steps_per_epoch = max(1, n // cfg.batch_size)
        world = 1 if self.distributed is None else self.distributed.world_size
        net = model
        if self.distributed is not None:
            from torch.nn.parallel import DistributedDataParallel

            net = DistributedDataParallel(
                model, device_ids=[torch.cuda.current_device()] if device.type == "cuda" else None)
        optimizer = make_optimizer(cfg.optimizer, model.parameters(), cfg.lr, cfg.momentum,
                                   cfg.weight_decay, tuple(cfg.betas))
        scheduler, per_batch = make_schedule(cfg.schedule, optimizer, cfg.epochs,
                                             steps_per_epoch)

        def prepare(images: torch.Tensor) -> torch.Tensor:
            return prepare_batch(images, self.mean, self.std, cfg.augment, self._generator,
                                 cfg.channels_last)

        yield RunStarted(model.name, cfg.dataset, str(device), model_stats(model)[0], n * world,
                         len(test.labels), cfg.epochs, steps_per_epoch,
                         0 if val is None else len(val.labels))
        total_steps = steps_per_epoch * cfg.epochs
        diverged_above = DIVERGED_FACTOR * math.log(len(info.classes))
        step = seen = 0
        # bfloat16 only where the device computes it natively; elsewhere float32 is faster
        bf16 = cfg.autocast_bf16 and native_bfloat16(device)
        good_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        self._relu.attach()
        try:
            for epoch in range(1, cfg.epochs + 1):
                self._obey_control()
                batches = shuffled_batches(train_x, train_y, cfg.batch_size, steps_per_epoch,
                                           self._generator, prepare)
                epoch_tally, window = _Tally(device, True), _Tally(device, False)
                for loss, correct, size in train_one_epoch(
                        net, batches, optimizer, scheduler if per_batch else None,
                        cfg.label_smoothing, bf16):
                    step += 1
                    seen += size * world
                    if self._average is not None:
                        self._average.update()
                    window.add(loss, correct, size)
                    if (window.batches >= cfg.report_every
                            or epoch_tally.batches + window.batches == steps_per_epoch):
                        epoch_tally.fold(window)
                        mean_loss, accuracy = self._loss_and_accuracy(window)
                        if not math.isfinite(mean_loss) or mean_loss > diverged_above:
                            model.load_state_dict(good_state)
                            self._average = None  # it has taken in the bad steps: save these
                            yield self._diverged(epoch, step, mean_loss, epoch_tally.batches)
                            return
                        good_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                        # the last step's gradients are still there (zeroed at the next step)
                        norms = layer_gradient_norms(model) if cfg.track_gradients else ()
                        yield BatchDone(epoch, step, total_steps, mean_loss, accuracy,
                                        optimizer.param_groups[0]["lr"], self._clock.rate(seen),
                                        self._clock.elapsed, self._clock.eta(step, total_steps),
                                        norms)
                        window = _Tally(device, False)
                    self._obey_control()
                if scheduler is not None and not per_batch:
                    scheduler.step()
                record = self._end_of_epoch(epoch, epoch_tally, val, test,
                                            optimizer.param_groups[0]["lr"], seen)
                self.history.append(record)
                yield record
                if (cfg.target_accuracy is not None and record.val_accuracy is not None
                        and record.val_accuracy >= cfg.target_accuracy):
                    yield self._finished("target_reached")
                    return
        except (_StopRequested, EvaluationStopped):
            if self.distributed is not None:
                sync_buffers(self.model)
            yield self._stopped(epoch, step, steps_per_epoch, test)
            return
        finally:
            self._relu.detach()
            self._share_cores(False)  # the caller's thread count, as it was
        yield self._finished("completed")

    def _end_of_epoch(self, epoch: int, tally: _Tally, val: Split | None, test: Split,
                      lr: float, seen: int) -> EpochDone:
        """Validation (for decisions) and test (for the curves) of the epoch's final weights."""
        cfg = self.config
        # this epoch's training steps only, not its evaluation; a unit fired if it did on any rank
        dead_units = self._relu.take(None if self.distributed is None else fired_on_any_rank)
        start = self._clock.elapsed
        stop = lambda: self.control.stopped  # noqa: E731
        if self.distributed is not None:
            sync_buffers(self.model)  # every rank evaluates the same weights …
            stop = None  # … to the end: a stop on one rank alone would leave the others waiting
        val_loss = val_acc = None
        if val is not None:
            val_loss, val_acc, _ = evaluate(self.evaluated_model, val, self.mean, self.std,
                                            channels_last=cfg.channels_last, stop=stop)
        test_loss, test_acc, _ = evaluate(self.evaluated_model, test, self.mean, self.std,
                                          channels_last=cfg.channels_last, stop=stop)
        self._clock.add_eval(self._clock.elapsed - start)
        self._epochs_done = epoch
        train_loss, train_acc = self._loss_and_accuracy(tally)
        return EpochDone(epoch, cfg.epochs, train_loss, train_acc, val_loss, val_acc,
                         test_loss, test_acc, lr, self._clock.rate(seen), self._clock.elapsed,
                         self._clock.eta(epoch, cfg.epochs), dead_units)

    def _stopped(self, epoch: int, step: int, steps_per_epoch: int, test: Split) -> Stopped:
        """The stop's report; a checkpoint stopped within an epoch is measured again, so
        that the accuracy it carries is its own, not the last epoch's."""
        checkpoint = self._final_checkpoint()
        test_accuracy = self.history[-1].test_accuracy if self.history else None
        if step != len(self.history) * steps_per_epoch:  # weights moved since the last epoch
            cfg = self.config
            test_loss, test_accuracy, _ = evaluate(self.model, test, self.mean, self.std,
                                                   channels_last=cfg.channels_last)
            checkpoint.meta["metrics"] = {"test_accuracy": test_accuracy, "test_loss": test_loss}
        batch = step - (epoch - 1) * steps_per_epoch
        return Stopped(epoch, step, self._clock.elapsed, tuple(self.history), checkpoint,
                       batch, steps_per_epoch, test_accuracy)

    def _loss_and_accuracy(self, tally: _Tally) -> tuple[float, float]:
        """A tally's mean loss and accuracy; over every rank's tally in a distributed run."""
        loss, correct = tally.loss, tally.correct
        batches, samples = float(tally.batches), float(tally.samples)
        if self.distributed is not None:
            loss, correct, batches, samples = global_sums(loss, correct, batches, samples)
        else:
            loss, correct = loss.item(), correct.item()
        return loss / max(1.0, samples if tally.per_sample else batches), \
            correct / max(1.0, samples)

    def _diverged(self, epoch: int, step: int, loss: float, batch: int) -> Diverged:
        why = (Core.tr("became {loss}", loss=loss) if not math.isfinite(loss) else
               Core.tr("grew to {loss:.3g}, over {factor:g}× a uniform guess's", loss=loss,
                       factor=DIVERGED_FACTOR))
        lr, better = self.config.lr, suggested_lr(self.config.lr)
        message = Core.tr("the loss {why} at epoch {epoch}, batch {batch}; the last good weights "
                          "were restored; try a lower learning rate: {better:g}, a tenth of "
                          "{lr:g}", why=why, epoch=epoch, batch=batch, better=better, lr=lr)
        return Diverged(epoch, step, loss, message, tuple(self.history), self._final_checkpoint(),
                        lr, better)

    def _finished(self, reason: str) -> Finished:
        last = self.history[-1]
        return Finished(reason, len(self.history), last.test_accuracy, self._clock.elapsed,
                        last.samples_per_second, tuple(self.history), self._final_checkpoint())


def train(config: TrainConfig, control: TrainControl | None = None) -> Iterator[Event]:
    """Run a training as a generator of events (see :class:`Trainer`)."""
    return Trainer(config, control).run()
