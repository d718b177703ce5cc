"""The training life cycle of the GUI: one run at a time; start, pause, resume, stop.

:class:`TrainingController` lives in the GUI thread. :meth:`~TrainingController.start` makes
a :class:`~app.training.run.TrainingRun`, announces it with ``run_created`` (the Train tab
and the model shelf connect to the run's own signals then, before its thread starts: one hop
from the worker to each of them), and hands it to :func:`app.background.owner`, which keeps
it until its thread has ended (the life cycle is :class:`app.one_at_a_time.OneAtATime`'s). A
new run can only start once the previous one has finished, so no late event of an old run
can reach a view that follows the new one.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, SignalInstance

from cnn_core.checkpoints.runs import RunRecord, run_metadata
from cnn_core.models import get_spec
from cnn_core.training import TrainConfig

from ..one_at_a_time import OneAtATime
from ..tensorboard_viewer import run_folder
from .run import TrainingRun

if TYPE_CHECKING:
    from ..models import ModelLibrary

__all__ = ["HAND_RESTS_MS", "TrainingController"]

HAND_RESTS_MS = 600
"""After this long without a move of the pen, the hand no longer counts as drawing."""


class TrainingController(OneAtATime):
    """Starts training runs; the shelf ``library`` follows each one (its runs go there).

    ``run_created(TrainingRun)`` is emitted before the run's thread starts: connect to the
    run's signals in the slot. ``running_changed`` is emitted when a run starts and when it
    has finished (or was given up at a shutdown).
    """

    def __init__(self, library: ModelLibrary, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.runs_started = 0
        self.run_created.connect(library.follow_run)
        # runs while the hand draws: it is active from a move of the pen until it has rested
        self._hand_rests = QTimer(self, singleShot=True, interval=HAND_RESTS_MS)
        self._hand_rests.timeout.connect(self._tell_run)

    def follow_hand(self, drawing_changed: SignalInstance) -> None:
        """While someone draws (``drawing_changed`` fires at every move of the pen, and
        until the pen has rested :data:`HAND_RESTS_MS`), a run on the CPU trains on one
        thread fewer: the window's answers get a core of their own instead of pre-empting
        one of the run's threads, which the others would wait for at every step."""
        drawing_changed.connect(self._hand_moved)

    def _hand_moved(self) -> None:
        was_drawing = self._hand_rests.isActive()
        self._hand_rests.start()
        if not was_drawing:
            self._tell_run()

    def _tell_run(self) -> None:
        """Whether the hand draws, to the run going now."""
        run = self.current()
        if run is not None:
            run.control.leave_a_core(self._hand_rests.isActive())

    def current(self) -> TrainingRun | None:
        """The run going now, if any."""
        return self._task  # type: ignore[return-value]

    def is_paused(self) -> bool:
        """Whether the current run is paused."""
        run = self.current()
        return run is not None and run.is_paused()

    def live_run(self) -> RunRecord | None:
        """The record of the run being trained, if any."""
        run = self.current()
        return run.record if run is not None else None

    def training_pid(self) -> int | None:
        """The current run's training process (benchmarks read it)."""
        run = self.current()
        return run.pid if run is not None else None

    def start(self, config: TrainConfig, tensorboard_root: Path | None = None) -> TrainingRun:
        """Start a run of ``config``; with ``tensorboard_root``, the run logs to TensorBoard
        in a folder of its own there, named like the run (its number and time, its model).

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
        library = self.library
        number = library.next_run_number()
        run_id = library.store.new_run_id(number)
        if tensorboard_root is not None:
            folder = run_folder(tensorboard_root, f"{run_id}-{spec.get('name', config.model)}")
            config = dataclasses.replace(config, tensorboard_dir=str(folder))
        meta = run_metadata(spec, config.dataset, dataclasses.asdict(config))
        record = RunRecord(run_id, number, "running", meta)
        run = TrainingRun(config, record, library.writer)
        run.control.leave_a_core(self._hand_rests.isActive())
        self.runs_started += 1
        self.launch(run)
        return run

    def pause(self) -> None:
        """Hold the run at the next batch."""
        run = self.current()
        if run is not None:
            run.pause()

    def resume(self) -> None:
        """Continue a paused run."""
        run = self.current()
        if run is not None:
            run.resume()

    # stop() ends the run at the next batch: it reports ended(Stopped) with its weights.
    # shutdown(): a training process that has not stopped in time (still starting, or in a
    # long evaluation) is killed; see app.background.BackgroundWork.stop.
