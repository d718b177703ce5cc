"""The fine-tuning worker: drives :func:`cnn_core.training.finetune.fine_tune` in a ``QThread``.

The same pattern as :class:`~app.training.worker.TrainingWorker`: the worker's event loop is
busy inside the generator, so cancelling is a :class:`~cnn_core.training.TrainControl` flag
the GUI thread sets directly; everything the worker sends out is one of the core's frozen
event dataclasses. The own samples are read in the worker thread (they are files), and the
tuned model is saved there too, so the GUI thread never waits on the disk.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from pathlib import Path

import torch
from PySide6.QtCore import QObject, QThread, Signal, Slot

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

from .worker import describe_error, gui_training_threads

__all__ = ["FineTuneWorker", "tuned_file_name"]

log = logging.getLogger(__name__)


def tuned_file_name(title: str) -> str:
    """A file name for a tuned model: its title in plain characters, then the time."""
    slug = re.sub(r"[^0-9A-Za-z]+", "-", title).strip("-").lower()[:80]
    return f"{slug}-{_dt.datetime.now():%Y%m%d-%H%M%S}.safetensors"


class FineTuneWorker(QObject):
    """Fine-tunes a private copy of a model on the own samples (runs in a worker thread).

    Parameters
    ----------
    checkpoint
        The model to start from: a copy that only this worker uses.
    own_dir
        The folder of the own samples (:mod:`cnn_core.data.own_digits`).
    save_dir
        Where the tuned model is saved; the ``saved`` signal carries its path.
    home
        The thread the worker returns to when it is done (the GUI thread).
    """

    started = Signal(object)  # FineTuneStarted
    progress = Signal(object)  # FineTuneProgress
    finished = Signal(object, str)  # FineTuneFinished | FineTuneStopped, saved path ("" if none)
    failed = Signal(str)  # one line for the user
    done = Signal()  # always last

    def __init__(self, checkpoint: Checkpoint, own_dir: Path, config: FineTuneConfig,
                 control: TrainControl, save_dir: Path, home: QThread) -> None:
        super().__init__()
        self._checkpoint = checkpoint
        self._own_dir = own_dir
        self._config = config
        self._control = control
        self._save_dir = save_dir
        self._home = home

    @Slot()
    def run(self) -> None:
        """Read the samples, fine-tune, save; report through the signals."""
        try:
            torch.set_num_threads(gui_training_threads())  # per thread: OpenMP's count
            self._run()
        except (DatasetUnavailable, ValueError, CheckpointError, OSError) as exc:
            self.failed.emit(describe_error(exc))
        except Exception as exc:  # a failed fine-tuning is a message, never a crash
            log.warning("fine-tuning failed", exc_info=True)
            self.failed.emit(describe_error(exc))
        finally:
            self.moveToThread(self._home)
            self.done.emit()

    def _run(self) -> None:
        data = load_own_data(self._own_dir)
        for event in fine_tune(self._checkpoint, data, self._config, self._control):
            if isinstance(event, FineTuneStarted):
                self.started.emit(event)
            elif isinstance(event, FineTuneProgress):
                self.progress.emit(event)
            elif isinstance(event, FineTuneFinished):
                path = self._save_dir / tuned_file_name(event.checkpoint.meta["title"])
                save_checkpoint(path, event.checkpoint)
                self.finished.emit(event, str(path))
            elif isinstance(event, FineTuneStopped):
                self.finished.emit(event, "")
