"""The training worker: drives :class:`cnn_core.training.Trainer` in a ``QThread``.

The worker's own event loop is busy inside ``Trainer.run()`` for the whole run, so nothing can
be queued *to* it; pause and stop are :class:`~cnn_core.training.TrainControl` flags the GUI
thread sets directly. Everything the worker sends out is immutable or a private copy: the
core's frozen event dataclasses as they are, throttled model snapshots
(``Trainer.snapshot()``, a CPU deep copy taken while the generator is suspended) and, for
epoch replay, a :class:`cnn_core.runs.Snapshot` of the weights at the start and after each
epoch. The worker's signals go straight to the application's model library (one hop).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

import torch
from PySide6.QtCore import QObject, QThread, Signal, Slot

from cnn_core.allocator import keep_freed_memory
from cnn_core.datasets import DatasetUnavailable
from cnn_core.devices import DeviceError
from cnn_core.runs import Snapshot
from cnn_core.specs import SpecError
from cnn_core.training import (
    BatchDone,
    Diverged,
    EpochDone,
    Finished,
    RunStarted,
    Stopped,
    TrainConfig,
    TrainControl,
    Trainer,
)

__all__ = ["SNAPSHOT_INTERVAL_S", "TrainingWorker", "describe_error", "gui_training_threads"]

log = logging.getLogger(__name__)

SWITCH_INTERVAL_S = 0.0005  # GIL hand-over interval while training (Python's default: 5 ms)
SNAPSHOT_INTERVAL_S = 0.25  # live snapshots at most ~4 times a second (plus one per epoch)

# Errors a user can cause (bad spec, missing dataset, absent GPU, impossible setting): their
# message is the whole story. Anything else is a bug, named by its type.
_EXPECTED_ERRORS = (DeviceError, DatasetUnavailable, SpecError, ValueError, KeyError)


def gui_training_threads() -> int:
    """CPU threads for training next to a live GUI: all cores but one.

    The GUI thread (drawing, plots, live prediction) needs a core of its own. Without one,
    torch's OpenMP threads wait at every barrier for a thread that something else has
    pre-empted: on a 2-core machine with one core busy elsewhere we measured LeNet training
    at ~270 samples/s with 2 threads and ~7,000 with 1. ``DIGITLAB_TRAIN_THREADS`` overrides
    the count.
    """
    override = os.environ.get("DIGITLAB_TRAIN_THREADS", "")
    if override.isdigit() and int(override) > 0:
        return int(override)
    return max(1, (os.cpu_count() or 1) - 1)


def describe_error(exc: BaseException) -> str:
    """One line for the user about ``exc``."""
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    if isinstance(exc, _EXPECTED_ERRORS) and str(exc):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class TrainingWorker(QObject):
    """Runs one training and reports it through signals (emitted from the worker thread).

    Parameters
    ----------
    config
        The run to do.
    control
        Pause / stop flags; the GUI thread holds the same object and sets them.
    home
        The thread the worker returns to when the run is over (the GUI thread), so that it
        outlives every signal it queued and can be deleted there with ``deleteLater``.
    snapshot_gate
        Set while a snapshot is on its way to the GUI; the receiver clears it. Until then no
        new live snapshot is taken, so a stalled GUI gets no backlog of model copies.
    snapshot_interval
        Least seconds between two live snapshots.
    """

    started = Signal(object)  # RunStarted
    batch_done = Signal(object)  # BatchDone
    epoch_done = Signal(object)  # EpochDone
    snapshot_ready = Signal(object)  # Checkpoint (a private CPU copy of the live model)
    replay_snapshot = Signal(object)  # cnn_core.runs.Snapshot: initial weights, each epoch's end
    finished = Signal(object)  # Finished | Stopped | Diverged, each with its .checkpoint
    failed = Signal(str)  # the run could not start or broke; one line for the user
    done = Signal()  # always last, whatever happened: the thread may quit now

    def __init__(self, config: TrainConfig, control: TrainControl, home: QThread,
                 snapshot_gate: threading.Event | None = None,
                 snapshot_interval: float = SNAPSHOT_INTERVAL_S) -> None:
        super().__init__()
        self.config = config
        self.control = control
        self._home = home
        self._snapshot_gate = snapshot_gate if snapshot_gate is not None else threading.Event()
        self._snapshot_interval = snapshot_interval
        self._last_snapshot = 0.0

    @Slot()
    def run(self) -> None:
        """Build the trainer and iterate it to the end (runs in the worker thread)."""
        try:
            self._train()
        except Exception as exc:  # a failed run is a message, never a crash
            message = describe_error(exc)
            if isinstance(exc, _EXPECTED_ERRORS):
                log.info("training could not run: %s", message)
            else:
                log.warning("training failed: %s", message)
                log.debug("training failure", exc_info=True)
            self.failed.emit(message)
        finally:
            self.moveToThread(self._home)  # a push: allowed from the object's own thread
            self.done.emit()

    def _train(self) -> None:
        torch.set_num_threads(gui_training_threads())  # set here: OpenMP's count is per thread
        keep_freed_memory()  # else every step page-faults its activations back in (~30 % CPU)
        # Every torch call here drops and retakes the GIL. With Python's default 5 ms switch
        # interval, each retake can wait that long behind the GUI thread's painting code.
        # Process-wide, so it is put back when the run ends.
        previous = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        try:
            self._iterate(Trainer(self.config, self.control))
        finally:
            sys.setswitchinterval(previous)

    def _iterate(self, trainer: Trainer) -> None:
        for event in trainer.run():
            if isinstance(event, BatchDone):
                self.batch_done.emit(event)
                self._maybe_snapshot(trainer, force=False)
            elif isinstance(event, EpochDone):
                self.epoch_done.emit(event)
                # Between two yields: these are exactly the weights at the epoch's end.
                self.replay_snapshot.emit(Snapshot.of(event.epoch, trainer.model,
                                                      event.as_dict()))
                self._maybe_snapshot(trainer, force=True)
            elif isinstance(event, RunStarted):
                self.started.emit(event)
                self.replay_snapshot.emit(Snapshot.of(0, trainer.model))
            elif isinstance(event, Finished | Stopped | Diverged):
                self.finished.emit(event)

    def _maybe_snapshot(self, trainer: Trainer, force: bool) -> None:
        # Called between two yields: the generator is suspended, so the model is still.
        now = time.monotonic()
        if not force and (self._snapshot_gate.is_set()
                          or now - self._last_snapshot < self._snapshot_interval):
            return
        if self.control.stopped:  # the terminal event carries the final weights anyway
            return
        self._last_snapshot = now
        self._snapshot_gate.set()
        self.snapshot_ready.emit(trainer.snapshot())
