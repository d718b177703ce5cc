"""One training run of the GUI: its record, its child process, its events.

A :class:`TrainingRun` is a :class:`~app.background.Task` whose work is a
:class:`cnn_core.training.process.ProcessRun`: the worker thread only waits on the child's
pipe (without the GIL) and emits each message it unpickles, so the GUI thread never competes
with training's Python code for the GIL, and training gets every core. The child process is
an entry point: it sets its own thread count, malloc tuning and priority; this process's
settings are left alone.

The run's signals are emitted from the worker thread; the Train tab and the model shelf
connect their slots to them when :class:`~app.training.controller.TrainingController`
announces the run, so every event reaches every view in one hop. The run connects its own
slots first: the live :class:`~cnn_core.checkpoints.runs.RunRecord` (loss points, replay
snapshots, its end) is up to date before any view sees the event. Each value is computed
once, here: a batch's place on the epoch axis travels with it.

Pause and stop are :class:`~cnn_core.training.TrainControl` flags shared with the child,
set directly from the GUI thread. Everything that arrives is a private copy: the core's
frozen events, throttled live snapshots of the model (the next one is taken only once the
GUI has received the last, see ``snapshot_ready``) and the weights at the start and after
each epoch (:class:`cnn_core.checkpoints.runs.Snapshot`) for epoch replay.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator

from PySide6.QtCore import Signal, Slot

from cnn_core.checkpoints import Checkpoint
from cnn_core.checkpoints.runs import RunRecord, Snapshot
from cnn_core.data.datasets import DatasetUnavailable
from cnn_core.models.specs import SpecError
from cnn_core.runtime.devices import DeviceError
from cnn_core.training import (
    BatchDone,
    Diverged,
    EpochDone,
    Finished,
    RunStarted,
    Stopped,
    TrainConfig,
)
from cnn_core.training.process import (
    Message,
    ProcessRun,
    TrainingProcessDied,
    shared_control,
    shared_gate,
)

from ..background import Task
from ..run_writer import RunWriter

__all__ = ["SNAPSHOT_INTERVAL_S", "TrainingRun", "process_training_threads"]

log = logging.getLogger(__name__)

SNAPSHOT_INTERVAL_S = 0.25  # live snapshots at most ~4 times a second (plus one per epoch)

# Errors a user can cause (bad spec, missing dataset, absent GPU, impossible setting): their
# message is the whole story. Anything else is a bug, named by its type.
_EXPECTED_ERRORS = (DeviceError, DatasetUnavailable, SpecError, KeyError, TrainingProcessDied)


def process_training_threads() -> int | None:
    """CPU threads of a training process: ``DIGITLAB_TRAIN_THREADS`` if set, else torch's
    default (all cores, as ``digitlab train``)."""
    override = os.environ.get("DIGITLAB_TRAIN_THREADS", "")
    return int(override) if override.isdigit() and int(override) > 0 else None


class TrainingRun(Task):
    """One run of ``config``, recorded in ``record`` and written by ``writer``.

    Start it with :meth:`app.background.BackgroundWork.start` (the controller does). Its
    signals are emitted from the worker thread: connect GUI-thread slots (bound methods of
    ``QObject``\\ s) so that they arrive queued.
    """

    started = Signal(object)  # RunStarted
    batch_done = Signal(object, float)  # BatchDone, its place on the epoch axis (epochs)
    epoch_done = Signal(object)  # EpochDone
    snapshot_ready = Signal(object)  # Checkpoint: a private CPU copy of the live model
    ended = Signal(object)  # Finished | Stopped | Diverged, each with its .checkpoint
    # failed(str) and finished() come from Task: the run could not start or broke; the end.
    _replayed = Signal(object)  # Snapshot: the start's and each epoch's weights

    def __init__(self, config: TrainConfig, record: RunRecord, writer: RunWriter,
                 snapshot_interval: float = SNAPSHOT_INTERVAL_S) -> None:
        control = shared_control()
        super().__init__(f"training-{record.number}", stop=control.stop, kill=self._kill,
                         expected=_EXPECTED_ERRORS)
        self.config = config
        self.record = record
        self.control = control
        self._writer = writer
        self._gate = shared_gate()
        self._interval = snapshot_interval
        self._process: ProcessRun | None = None
        self._killed = threading.Event()
        self._steps_per_epoch = 1
        self.pid: int | None = None  # the training process, while one runs
        # The run's own slots first (queued like every view's): the record leads the views.
        self.batch_done.connect(self._on_batch_done)
        self.snapshot_ready.connect(self._on_snapshot_ready)
        self._replayed.connect(self._on_replayed)
        self.ended.connect(self._on_ended)
        self.failed.connect(self._on_failed)

    # ------------------------------------------------------------ GUI thread
    def pause(self) -> None:
        """Hold the run at the next batch."""
        self.control.pause()

    def resume(self) -> None:
        """Continue a paused run."""
        self.control.resume()

    def is_paused(self) -> bool:
        """Whether the run is paused."""
        return self.control.paused

    def _kill(self) -> None:
        self._killed.set()
        process = self._process
        if process is not None:
            process.kill()

    @Slot(object, float)
    def _on_batch_done(self, event: BatchDone, epochs: float) -> None:
        self.record.losses.append((epochs, event.loss))
        self.record.grad_norms.append((epochs, event.grad_norms))

    @Slot(object)
    def _on_snapshot_ready(self, _checkpoint: Checkpoint) -> None:
        self._gate.clear()  # it arrived: the child may take the next one

    @Slot(object)
    def _on_replayed(self, snapshot: Snapshot) -> None:
        self.record.add_snapshot(snapshot)
        # Written now (a crash keeps the epochs so far), then dropped from memory.
        self._writer.write_snapshot(self.record, snapshot)

    @Slot(object)
    def _on_ended(self, event: Finished | Stopped | Diverged) -> None:
        record, checkpoint = self.record, event.checkpoint
        record.final, record.meta = checkpoint, checkpoint.meta
        if isinstance(event, Finished):
            record.status, record.ended_epoch = "finished", event.epochs_done
            record.test_accuracy = event.test_accuracy
        else:
            record.status = "stopped" if isinstance(event, Stopped) else "diverged"
            record.ended_epoch = event.epoch
            record.test_accuracy = event.history[-1].test_accuracy if event.history else None
        self._writer.save(record)

    @Slot(str)
    def _on_failed(self, _message: str) -> None:
        self._writer.delete(self.record)  # the epochs written so far: nothing to keep

    # ---------------------------------------------------------------- thread
    def work(self) -> Iterator[Message]:
        process = ProcessRun(self.config, self.control, self._gate, self._interval,
                             threads=process_training_threads())
        self.pid, self._process = process.pid, process
        if self._killed.is_set():  # killed while the process was starting
            process.kill()
        try:
            yield from process.messages()
        except TrainingProcessDied:
            if not self._killed.is_set():
                raise
            log.info("the training process was ended after it did not stop in time")
        finally:
            self._process = None

    def handle(self, item: object) -> None:
        kind, payload = item  # type: ignore[misc]
        if kind == "event":
            if isinstance(payload, RunStarted):
                self._steps_per_epoch = max(1, payload.steps_per_epoch)
                self.started.emit(payload)
            elif isinstance(payload, BatchDone):
                self.batch_done.emit(payload, payload.step / self._steps_per_epoch)
            elif isinstance(payload, EpochDone):
                self.epoch_done.emit(payload)
            else:
                self.ended.emit(payload)
        elif kind == "replay":
            self._replayed.emit(payload)
        elif kind == "snapshot":
            self.snapshot_ready.emit(payload)
