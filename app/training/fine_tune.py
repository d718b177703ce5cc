"""Fine-tuning in the GUI, run the way training runs: a controller starts one run at a time,
the run is a background task, the shelf and the Coach tab follow it.

:class:`FineTuneRun` drives :func:`cnn_core.training.finetune.fine_tune` in its thread. The
own samples are read there (they are files), and the tuned model is saved there too, so the
GUI thread never waits on the disk; only the core's frozen events and the saved path come
back. Cancelling is the :class:`~cnn_core.training.TrainControl` stop flag, which makes the
core report ``FineTuneStopped``.

:class:`FineTuner` announces each run with ``run_created`` before it starts: the model shelf
(:meth:`app.models.ModelLibrary.follow_fine_tune`, which takes the tuned model in) and the
Coach's fine-tuning row connect to the run's signals then, one hop from the worker thread.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from cnn_core.checkpoints import Checkpoint, CheckpointError, save_checkpoint
from cnn_core.data.datasets import DatasetUnavailable
from cnn_core.data.own_digits import load_own_data
from cnn_core.training import TrainControl
from cnn_core.training.finetune import (
    FineTuneConfig,
    FineTuneFinished,
    FineTuneProgress,
    FineTuneStarted,
    FineTuneStopped,
    fine_tune,
)

from ..background import Task, worker_threads
from ..one_at_a_time import OneAtATime

if TYPE_CHECKING:
    from ..models import ModelLibrary

__all__ = ["FineTuneRun", "FineTuner", "tuned_file_name"]


def tuned_file_name(title: str) -> str:
    """A file name for a tuned model: its title in plain characters, then the time."""
    slug = re.sub(r"[^0-9A-Za-z]+", "-", title).strip("-").lower()[:80]
    return f"{slug}-{_dt.datetime.now():%Y%m%d-%H%M%S}.safetensors"


class FineTuneRun(Task):
    """Fine-tunes ``checkpoint`` (a private copy) on the samples in ``own_dir``; the tuned
    model is saved in ``save_dir``. Signals come from the worker thread."""

    started = Signal(object)  # FineTuneStarted
    progress = Signal(object)  # FineTuneProgress
    ended = Signal(object, str)  # FineTuneFinished | FineTuneStopped, saved path ("" if none)
    # failed(str) and finished() come from Task

    def __init__(self, checkpoint: Checkpoint, own_dir: Path, config: FineTuneConfig,
                 save_dir: Path) -> None:
        control = TrainControl()
        super().__init__("fine-tuning", stop=control.stop, torch_threads=worker_threads(),
                         expected=(DatasetUnavailable, CheckpointError, OSError))
        self.control = control
        self._checkpoint = checkpoint
        self._own_dir = own_dir
        self._config = config
        self._save_dir = save_dir

    def work(self) -> Iterator[object]:
        data = load_own_data(self._own_dir)
        yield from fine_tune(self._checkpoint, data, self._config, self.control)

    def handle(self, item: object) -> None:
        if isinstance(item, FineTuneStarted):
            self.started.emit(item)
        elif isinstance(item, FineTuneProgress):
            self.progress.emit(item)
        elif isinstance(item, FineTuneFinished):
            path = self._save_dir / tuned_file_name(item.checkpoint.meta["title"])
            save_checkpoint(path, item.checkpoint)
            self.ended.emit(item, str(path))
        elif isinstance(item, FineTuneStopped):
            self.ended.emit(item, "")


class FineTuner(OneAtATime):
    """Starts fine-tuning runs, one at a time; the shelf ``library`` takes each tuned model.

    ``run_created(FineTuneRun)`` comes before the run's thread starts; ``running_changed``
    when a run starts and when it has finished.
    """

    def __init__(self, library: ModelLibrary, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.run_created.connect(library.follow_fine_tune)

    def start(self, checkpoint: Checkpoint, own_dir: Path,
              config: FineTuneConfig) -> FineTuneRun:
        """Fine-tune a copy of ``checkpoint``; the result is saved beside the samples.

        Raises
        ------
        RuntimeError
            If a run is still going.
        """
        run = FineTuneRun(checkpoint.copy(), own_dir, config, own_dir.parent / "tuned-models")
        self.launch(run)
        return run

    def shutdown(self, timeout_ms: int = 10_000, kill_after_ms: int = 0) -> bool:
        """Cancel a run and wait up to ``timeout_ms`` for it; True when it has ended."""
        return super().shutdown(timeout_ms, kill_after_ms)
