"""The training life cycle of the GUI: one run at a time; start, pause, resume, stop.

:class:`TrainingController` lives in the GUI thread. :meth:`~TrainingController.start` makes
a :class:`~app.training.run.TrainingRun`, announces it with ``run_created`` (the Train tab
and the model shelf connect to the run's own signals then, before its thread starts: one hop
from the worker to each of them), and hands it to :func:`app.background.owner`, which keeps
it until its thread has ended. A new run can only start once the previous one has finished,
so no late event of an old run can reach a view that follows the new one.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from cnn_core.models import get_spec
from cnn_core.runs import RunRecord, run_metadata
from cnn_core.training import TrainConfig

from .. import background
from .run import TrainingRun

if TYPE_CHECKING:
    from ..models import ModelLibrary

__all__ = ["TrainingController"]

log = logging.getLogger(__name__)


class TrainingController(QObject):
    """Starts training runs; the shelf ``library`` follows each one (its runs go there).

    ``run_created(TrainingRun)`` is emitted before the run's thread starts: connect to the
    run's signals in the slot. ``running_changed`` is emitted when a run starts and when it
    has finished (or was given up at a shutdown).
    """

    run_created = Signal(object)  # TrainingRun, not started yet
    running_changed = Signal(bool)

    def __init__(self, library: ModelLibrary, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._run: TrainingRun | None = None
        self.runs_started = 0
        self.run_created.connect(library.follow_run)

    # ----------------------------------------------------------------- state
    def current(self) -> TrainingRun | None:
        """The run going now, if any."""
        return self._run

    def is_running(self) -> bool:
        """Whether a run is going (from :meth:`start` until its ``finished``)."""
        return self._run is not None

    def is_paused(self) -> bool:
        """Whether the current run is paused."""
        return self._run is not None and self._run.is_paused()

    def live_run(self) -> RunRecord | None:
        """The record of the run being trained, if any."""
        return self._run.record if self._run is not None else None

    def training_pid(self) -> int | None:
        """The current run's training process (benchmarks read it)."""
        return self._run.pid if self._run is not None else None

    # -------------------------------------------------------------- commands
    def start(self, config: TrainConfig) -> TrainingRun:
        """Start a run of ``config``.

        Raises
        ------
        RuntimeError
            If a run is still going (stop it and wait for ``running_changed(False)``).
        ValueError
            If ``config`` is not a valid recipe.
        """
        if self.is_running():
            raise RuntimeError("a training run is already going")
        config.validate()
        spec = config.model_spec if config.model_spec is not None else get_spec(config.model)
        meta = run_metadata(spec, config.dataset, dataclasses.asdict(config))
        library = self.library
        number = library.next_run_number()
        record = RunRecord(library.store.new_run_id(number), number, "running", meta)
        run = TrainingRun(config, record, library.writer)
        run.finished.connect(self._on_run_finished)
        self._run = run
        self.runs_started += 1
        self.run_created.emit(run)
        background.owner().start(run)
        self.running_changed.emit(True)
        return run

    def pause(self) -> None:
        """Hold the run at the next batch."""
        if self._run is not None:
            self._run.pause()

    def resume(self) -> None:
        """Continue a paused run."""
        if self._run is not None:
            self._run.resume()

    def stop(self) -> None:
        """End the run at the next batch; it reports ``ended(Stopped)`` with its weights."""
        if self._run is not None:
            self._run.stop()

    def shutdown(self, timeout_ms: int = 2000, kill_after_ms: int = 3000) -> bool:
        """Stop the run and wait up to ``timeout_ms``; True if it ended.

        A training process that has not stopped by then (still starting, or in a long
        evaluation) is killed (see :meth:`app.background.BackgroundWork.stop`). A run that
        still has not ended is given up: it emits nothing more, and the application waits
        for its thread before quitting.
        """
        run = self._run
        if run is None:
            return True
        if background.owner().stop([run], timeout_ms, kill_after_ms):
            return True
        self._end()  # the owner has given it up: it emits nothing more
        return False

    @Slot()
    def _on_run_finished(self) -> None:
        if self._run is not None and self.sender() is self._run:
            self._end()

    def _end(self) -> None:
        self._run = None
        self.running_changed.emit(False)
