"""The Coach tab's fine-tuning row: the button, its progress and ETA, and the results table.

The row only displays and forwards: a :class:`~app.training.fine_tune.FineTuner` starts each
run as a background task (only frozen event dataclasses come back), and the row connects to
the run's signals. When it ends, the model shelf has taken the tuned model in (saved beside
the samples, in ``tuned-models/``) and made it the canvas model.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from cnn_core.checkpoints import Checkpoint
from cnn_core.data.own_digits import OwnDigitStore
from cnn_core.training.finetune import (
    FineTuneConfig,
    FineTuneFinished,
    FineTuneProgress,
    FineTuneStarted,
)

from .. import settings as prefs
from ..models import ModelLibrary
from ..tensorboard_viewer import log_folder, logging_on, run_folder
from ..training.fine_tune import FineTuner, FineTuneRun
from .coach_parts import ResultsTable
from .shrinkable_label import shrinkable

__all__ = ["FineTunePanel"]


def _eta(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class FineTunePanel(QWidget):
    """Fine-tune button (Cancel while running), progress bar, ETA and before/after table.

    Parameters
    ----------
    library
        Where the tuned model goes.
    store
        The own samples to learn from.
    model
        Returns the model to start from (the canvas model), or ``None`` while it loads.
    """

    message = Signal(str, bool)  # one line for the user; True for an error
    running_changed = Signal(bool)

    def __init__(self, library: ModelLibrary, store: OwnDigitStore,
                 model: Callable[[], Checkpoint | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.store = store
        self._model = model
        self.config = FineTuneConfig()
        self.tuner = FineTuner(library, self)
        self.button = QPushButton(self.tr("Fine-&tune"), self)
        self.button.setObjectName("coachFineTuneButton")
        self._tip = self.tr("Teach the canvas model your handwriting: a few seconds of "
                            "training on your samples mixed with MNIST")
        self.button.setToolTip(self._tip)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("coachFineTuneProgress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.etaLabel = QLabel(self)
        self.etaLabel.setObjectName("coachEtaLabel")
        self.etaLabel.setMinimumWidth(70)
        # Why the button is disabled, on screen (not only in its tooltip).
        self.blockerLabel = QLabel(self)
        self.blockerLabel.setObjectName("coachFineTuneBlocker")
        self.blockerLabel.setWordWrap(True)
        self.blockerLabel.hide()
        shrinkable(self.blockerLabel)
        self.table = ResultsTable(self)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.etaLabel)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.blockerLabel)
        column.addWidget(self.table)
        self.button.clicked.connect(self.toggle)
        self.tuner.run_created.connect(self._follow)
        self.tuner.running_changed.connect(self.running_changed)

    def is_running(self) -> bool:
        """Whether a fine-tuning run is going."""
        return self.tuner.is_running()

    def set_blocker(self, why: str) -> None:
        """Why fine-tuning cannot start now ("" when it can): disables the button and says so."""
        running = self.is_running()
        self.button.setEnabled(running or not why)
        self.button.setText(self.tr("&Cancel") if running else self.tr("Fine-&tune"))
        self.button.setToolTip(why if why and not running else self._tip)
        blocked = bool(why) and not running
        self.blockerLabel.setText(self.tr("Fine-tune is off: {0}").format(why) if blocked else "")
        self.blockerLabel.setVisible(blocked)

    def toggle(self) -> None:
        """Start fine-tuning, or cancel the one running."""
        if self.tuner.is_running():
            self.tuner.stop()
            self.message.emit(self.tr("Cancelling…"), False)
            return
        self.start()

    def start(self) -> bool:
        """Fine-tune a copy of the canvas model in the background; False if it cannot start."""
        checkpoint = self._model()
        if checkpoint is None or self.tuner.is_running():
            return False
        self.table.clear_results()
        self.progress.setRange(0, 0)  # busy until the data is read and measured
        self.etaLabel.setText("")
        config = self.config
        settings = prefs.open_settings()
        if logging_on(settings):  # the Train tab's "Log to TensorBoard", for fine-tuning too
            stamp = _dt.datetime.now().strftime("%Y%m%dT%H%M%S")
            folder = run_folder(log_folder(settings), f"fine-tune-{stamp}-{checkpoint.name}")
            config = dataclasses.replace(config, tensorboard_dir=str(folder))
            self.message.emit(self.tr("Measuring the model before fine-tuning… (logged to "
                                      "TensorBoard in {0})").format(folder), False)
        else:
            self.message.emit(self.tr("Measuring the model before fine-tuning…"), False)
        self.tuner.start(checkpoint, self.store.root, config)
        return True

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel a running fine-tuning and wait for it; True when it has ended."""
        return self.tuner.shutdown(timeout_ms)

    @Slot(object)
    def _follow(self, run: FineTuneRun) -> None:
        run.started.connect(self._on_started)
        run.progress.connect(self._on_progress)
        run.ended.connect(self._on_finished)
        run.failed.connect(self._on_failed)

    @Slot(object)
    def _on_started(self, event: FineTuneStarted) -> None:
        self.progress.setRange(0, event.steps)
        self.progress.setValue(0)
        self.message.emit(self.tr("Fine-tuning on {0} of your samples ({1} held out) mixed "
                                  "with {2:,} MNIST images…").format(
            event.own_train, event.own_held_out, event.mnist_train), False)

    @Slot(object)
    def _on_progress(self, event: FineTuneProgress) -> None:
        self.progress.setValue(event.step)
        self.etaLabel.setText(self.tr("ETA {0}").format(_eta(event.eta)))

    @Slot(object, str)
    def _on_finished(self, event: object, path: str) -> None:
        self.etaLabel.setText("")
        if not isinstance(event, FineTuneFinished):  # stopped
            self._reset_progress()
            self.message.emit(self.tr("Fine-tuning cancelled; the canvas model is unchanged."),
                              False)
            return
        self.progress.setValue(self.progress.maximum())
        self.table.show_result(event)
        entry = self.library.canvas_entry()  # the shelf has taken the tuned model in
        title = entry.title() if entry is not None else path
        self.message.emit(self.tr("Fine-tuned in {0:.1f} s. The canvas now uses “{1}”; the "
                                  "shelf keeps the model it started from (Ctrl+B: the bundled "
                                  "model).").format(event.seconds, title), False)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._reset_progress()
        self.etaLabel.setText("")
        self.message.emit(self.tr("Fine-tuning failed: {0}").format(message), True)

    def _reset_progress(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
