"""The events of a training controller's runs, seen from the GUI thread (tests wait on them).

A run's own signals are emitted from its worker thread, and each run is a new object; this
follows every run of a controller and re-emits its progress in the GUI thread, so that
``qtbot.waitSignal`` can be set up before the run exists.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from app.training import TrainingController, TrainingRun


class RunEvents(QObject):
    """``batch_done(BatchDone)`` and ``epoch_done(EpochDone)`` of every run of ``training``."""

    batch_done = Signal(object)
    epoch_done = Signal(object)

    def __init__(self, training: TrainingController) -> None:
        super().__init__(training)
        training.run_created.connect(self._follow)

    @Slot(object)
    def _follow(self, run: TrainingRun) -> None:
        run.batch_done.connect(self._on_batch_done)
        run.epoch_done.connect(self.epoch_done)

    @Slot(object, float)
    def _on_batch_done(self, event: object, _epochs: float) -> None:
        self.batch_done.emit(event)
