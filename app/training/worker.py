"""The training worker: a ``QThread`` that drives a training run and relays what it reports.

By default the run itself trains in a child process
(:class:`cnn_core.training.process.ProcessRun`): the worker thread only waits on its pipe
(without the GIL) and emits each message it unpickles, so the GUI thread never competes with
training's Python code for the GIL, and training gets every core. With
``DIGITLAB_TRAIN_IN=thread`` the :class:`~cnn_core.training.Trainer` runs in the worker
thread itself, as it used to. Both speak :func:`cnn_core.training.process.run_messages`, so
the signals are the same either way.

The worker's own event loop is busy for the whole run, so nothing can be queued *to* it;
pause and stop are :class:`~cnn_core.training.TrainControl` flags the GUI thread sets
directly (shared with the child process when there is one). Everything the worker sends out
is immutable or a private copy: the core's frozen event dataclasses, throttled model snapshots
(``Trainer.snapshot()``, a CPU deep copy taken while the generator is suspended) and, for
epoch replay, a :class:`cnn_core.checkpoints.runs.Snapshot` of the weights at the start and after
each epoch. The worker's signals go straight to the application's model library (one hop).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator

import torch
from PySide6.QtCore import QObject, QThread, Signal, Slot

from cnn_core.data.datasets import DatasetUnavailable
from cnn_core.models.specs import SpecError
from cnn_core.runtime.allocator import keep_freed_memory
from cnn_core.runtime.devices import DeviceError
from cnn_core.training import (
    BatchDone,
    EpochDone,
    RunStarted,
    TrainConfig,
    TrainControl,
    Trainer,
)
from cnn_core.training.process import Message, ProcessRun, TrainingProcessDied, run_messages

__all__ = ["SNAPSHOT_INTERVAL_S", "TRAIN_IN_ENV", "TrainingWorker", "describe_error",
           "gui_training_threads", "process_training_threads", "train_in_process"]

log = logging.getLogger(__name__)

SWITCH_INTERVAL_S = 0.0005  # GIL hand-over interval while training (Python's default: 5 ms)
SNAPSHOT_INTERVAL_S = 0.25  # live snapshots at most ~4 times a second (plus one per epoch)

# Errors a user can cause (bad spec, missing dataset, absent GPU, impossible setting): their
# message is the whole story. Anything else is a bug, named by its type.
_EXPECTED_ERRORS = (DeviceError, DatasetUnavailable, SpecError, ValueError, KeyError,
                    TrainingProcessDied)
TRAIN_IN_ENV = "DIGITLAB_TRAIN_IN"  # "process" (the default) or "thread"


def train_in_process() -> bool:
    """Whether GUI runs train in a child process (``DIGITLAB_TRAIN_IN=thread``: in a thread).

    A process has the GIL and the cores to itself, so the window stays live and training
    runs at headless speed; a thread shares the GIL with every stroke and repaint.
    """
    return os.environ.get(TRAIN_IN_ENV, "process").strip().lower() != "thread"


def process_training_threads() -> int | None:
    """CPU threads of a training process: ``DIGITLAB_TRAIN_THREADS`` if set, else torch's
    default (all cores, as ``digitlab train``)."""
    override = os.environ.get("DIGITLAB_TRAIN_THREADS", "")
    return int(override) if override.isdigit() and int(override) > 0 else None


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
    in_process
        Train in a child process (:class:`cnn_core.training.process.ProcessRun`) and relay
        its messages; ``control`` and ``snapshot_gate`` must then be shared with it
        (:func:`~cnn_core.training.process.shared_control`, ``shared_gate``). Otherwise the
        trainer runs in this worker's thread.
    """

    started = Signal(object)  # RunStarted
    batch_done = Signal(object)  # BatchDone
    epoch_done = Signal(object)  # EpochDone
    snapshot_ready = Signal(object)  # Checkpoint (a private CPU copy of the live model)
    # cnn_core.checkpoints.runs.Snapshot: initial weights, each epoch's end
    replay_snapshot = Signal(object)
    finished = Signal(object)  # Finished | Stopped | Diverged, each with its .checkpoint
    failed = Signal(str)  # the run could not start or broke; one line for the user
    done = Signal()  # always last, whatever happened: the thread may quit now

    def __init__(self, config: TrainConfig, control: TrainControl, home: QThread,
                 snapshot_gate: threading.Event | None = None,
                 snapshot_interval: float = SNAPSHOT_INTERVAL_S,
                 in_process: bool = False) -> None:
        super().__init__()
        self.config = config
        self.control = control
        self._home = home
        self._snapshot_gate = snapshot_gate if snapshot_gate is not None else threading.Event()
        self._snapshot_interval = snapshot_interval
        self.in_process = in_process
        self.pid: int | None = None  # the training process, while one runs
        self._run: ProcessRun | None = None
        self._abort = threading.Event()
        self._event_signals = {RunStarted: self.started, BatchDone: self.batch_done,
                               EpochDone: self.epoch_done}

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

    def abort(self) -> None:
        """End a run that trains in a child process now, without waiting for it to stop
        (callable from any thread; the run then ends with no result). In-thread runs cannot be
        aborted: use the control's stop flag."""
        self._abort.set()
        run = self._run
        if run is not None:
            run.kill()

    def _train(self) -> None:
        if self.in_process:
            run = ProcessRun(self.config, self.control, self._snapshot_gate,
                             self._snapshot_interval, threads=process_training_threads())
            self.pid, self._run = run.pid, run
            if self._abort.is_set():  # abort() came while the process was starting
                run.kill()
            try:
                self._relay(run.messages())
            except TrainingProcessDied:
                if not self._abort.is_set():
                    raise
                log.info("the training process was ended after it did not stop in time")
            finally:
                self._run = None
            return
        torch.set_num_threads(gui_training_threads())  # set here: OpenMP's count is per thread
        keep_freed_memory()  # else every step page-faults its activations back in (~30 % CPU)
        # Every torch call here drops and retakes the GIL. With Python's default 5 ms switch
        # interval, each retake can wait that long behind the GUI thread's painting code.
        # Process-wide, so it is put back when the run ends.
        previous = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        try:
            trainer = Trainer(self.config, self.control)
            self._relay(run_messages(trainer, self._snapshot_gate, self._snapshot_interval))
        finally:
            sys.setswitchinterval(previous)

    def _relay(self, messages: Iterator[Message]) -> None:
        """Emit each message of the run (from this thread or from the child process)."""
        for kind, payload in messages:
            if kind == "event":
                signal = self._event_signals.get(type(payload), self.finished)
                signal.emit(payload)
            elif kind == "replay":
                self.replay_snapshot.emit(payload)
            elif kind == "snapshot":
                self.snapshot_ready.emit(payload)
