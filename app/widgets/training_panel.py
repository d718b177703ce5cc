"""The Train tab: choose a model and a recipe, train in a child process, watch the curves.

The panel only displays and forwards. Runs are started by a
:class:`~app.training.TrainingController` (each one a :class:`~app.training.TrainingRun`, a
background task driving a training process); the panel connects to each new run's signals
(one hop from the worker thread), and its slots only append to buffers and remember the
latest state. A ~30 Hz
:class:`QTimer` redraws plots and progress from those, and passes on the latest live snapshot
(older ones are dropped), so a fast run can never flood the event loop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.models import ModelLibrary
from app.tensorboard_viewer import TensorBoardViewer
from app.training import TrainingController, TrainingRun
from cnn_core.checkpoints import Checkpoint
from cnn_core.checkpoints.runs import RunRecord
from cnn_core.training import BatchDone, Diverged, EpochDone, Finished, RunStarted, Stopped

from ..language import say
from .gradient_plot import GradientNormPlot
from .plots import AccuracyPlot, LossPlot
from .run_texts import idle_text, result_message, running_text
from .tensorboard_controls import TensorBoardControls
from .training_form import TrainingForm
from .training_health import RunHealth

__all__ = ["REDRAW_MS", "TrainingPanel"]

REDRAW_MS = 33  # plots and progress redraw at most ~30 times a second


class TrainingPanel(QWidget):
    """Settings, buttons, progress and live curves of training runs.

    Signals
    -------
    model_trained(Checkpoint)
        A run ended (completed, stopped, or diverged with its last good weights restored);
        it is on the library's shelf, and a completed one is the canvas model.
    snapshot_ready(Checkpoint | None)
        The latest weights while training (throttled); ``None`` after a failed run.
    running_changed(bool)
        A run started or ended.
    message(level, text)
        ``"info"``, ``"warning"`` or ``"error"`` for the window to show.
    """

    model_trained = Signal(object)
    snapshot_ready = Signal(object)
    running_changed = Signal(bool)
    message = Signal(str, str)

    def __init__(self, library: ModelLibrary | None = None, parent: QWidget | None = None,
                 training: TrainingController | None = None,
                 tensorboard: TensorBoardViewer | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingPanel")
        self.library = library if library is not None else ModelLibrary(parent=self)
        self.training = (training if training is not None
                         else TrainingController(self.library, self))
        self.form = TrainingForm(self)
        self.tensorboard = TensorBoardControls(
            tensorboard if tensorboard is not None else TensorBoardViewer(self), self)
        self.last_result: Finished | Stopped | Diverged | None = None
        self.failure: str | None = None  # why the last run could not run, if it could not
        self._shown_run: RunRecord | None = None  # the run whose curves are bright
        self._started: RunStarted | None = None
        self._batch: BatchDone | None = None
        self._reports = 0  # progress reports of the live run (the first one is a warm-up)
        self._epoch: EpochDone | None = None
        self._snapshot: Checkpoint | None = None
        self._showing_snapshots = False
        self._progress_due = True
        self._next_plot = 0  # the plot the timer redraws first on its next tick
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self._refresh)
        self._build()
        self._connect()
        self._set_running(False)

    @property
    def controller(self) -> TrainingController:
        """The training life cycle this panel drives (the same as :attr:`training`)."""
        return self.training

    @property
    def max_test_samples(self) -> int | None:
        """Evaluate on only the first N test images (tests and benchmarks use this)."""
        return self.form.max_test_samples

    @max_test_samples.setter
    def max_test_samples(self, value: int | None) -> None:
        self.form.max_test_samples = value

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.trainButton = QPushButton(self.tr("Train"), self)
        self.pauseButton = QPushButton(self.tr("Pause"), self)
        self.stopButton = QPushButton(self.tr("Stop"), self)
        for button, name, tip in (
                (self.trainButton, "trainButton", self.tr("Start training with these settings")),
                (self.pauseButton, "pauseButton", self.tr("Hold the run, or continue it")),
                (self.stopButton, "stopButton", self.tr("End the run and use the model as it is"))):
            button.setObjectName(name)
            button.setToolTip(tip)
        self.trainButton.setDefault(True)
        self.trainProgress = QProgressBar(self)
        self.trainProgress.setObjectName("trainProgress")
        self.trainProgress.setTextVisible(True)
        self.lossPlot = LossPlot(self)
        self.accuracyPlot = AccuracyPlot(self)
        self.gradientPlot = GradientNormPlot(self)
        self.health = RunHealth(self)  # dead ReLUs and the advice banner
        self.deadUnitsPlot, self.adviceLabel = self.health.plot, self.health.advice

        buttons = QHBoxLayout()
        for button in (self.trainButton, self.pauseButton, self.stopButton):
            buttons.addWidget(button)
        column_widget = QWidget(self)
        column = QVBoxLayout(column_widget)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(self.form)
        column.addWidget(self.tensorboard)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("trainingSettings")
        scroll.setWidget(column_widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # room for the vertical scroll bar too: on a short window it shows, and a column a
        # few pixels too wide for what is left would also scroll sideways
        scroll.setMinimumWidth(column_widget.sizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width() + 2)
        plots = QSplitter(self)
        plots.setChildrenCollapsible(False)
        plots.addWidget(self.lossPlot)
        plots.addWidget(self.accuracyPlot)
        # two plots a row, so that the tab (the widest of the window's tabs) leaves the
        # canvas its room at 1280 pixels: the dead units' bars go beside the gradients
        inside = QSplitter(self)
        inside.setChildrenCollapsible(False)
        inside.addWidget(self.gradientPlot)
        inside.addWidget(self.deadUnitsPlot)
        inside.setSizes([500, 300])  # proportions: the bars need less room than curves
        stacked = QSplitter(Qt.Orientation.Vertical, self)
        stacked.setChildrenCollapsible(False)
        stacked.addWidget(plots)
        stacked.addWidget(inside)
        # half each: the gradient plot needs ~130 px for its title, axis and legend
        stacked.setStretchFactor(0, 1)
        stacked.setStretchFactor(1, 1)
        right = QVBoxLayout()
        right.addWidget(self.trainProgress)
        right.addWidget(self.adviceLabel)
        right.addWidget(stacked, 1)
        left = QVBoxLayout()  # Train, Pause and Stop stay in view when the settings scroll
        left.addWidget(scroll, 1)
        buttons.setContentsMargins(0, 0, 6, 0)
        left.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(left)
        layout.addLayout(right, 1)

    def _connect(self) -> None:
        self.form.message.connect(self.message)
        self.trainButton.clicked.connect(self.start_training)
        self.pauseButton.clicked.connect(self.toggle_pause)
        self.stopButton.clicked.connect(self.stop_training)
        self.training.run_created.connect(self._follow)
        self.training.running_changed.connect(self._set_running)

    @Slot(object)
    def _follow(self, run: TrainingRun) -> None:
        self.health.follow(run)
        run.started.connect(self._on_started)
        run.batch_done.connect(self._on_batch_done)
        run.epoch_done.connect(self._on_epoch_done)
        run.snapshot_ready.connect(self._on_snapshot_ready)
        run.ended.connect(self._on_finished)
        run.failed.connect(self._on_failed)

    # ---------------------------------------------------------------- running
    def is_running(self) -> bool:
        """Whether a run is going (its thread exists)."""
        return self.training.is_running()

    def start_training(self) -> bool:
        """Start a run with the current settings; False if one is going or the config is bad."""
        if self.training.is_running():
            return False
        try:
            config = self.form.config()
        except (KeyError, ValueError) as exc:
            self.message.emit("error", self.tr("Cannot train: {0}").format(say(exc)))
            return False
        self.form.save_settings()
        self.tensorboard.save_settings()
        self._started = self._batch = self._epoch = self._snapshot = None
        self.last_result = self.failure = None
        self._reports = 0
        self.trainProgress.setRange(0, 0)  # busy until the data is loaded
        self.trainProgress.setFormat(self.tr("Loading {0}…").format(config.dataset))
        run = self.training.start(config, tensorboard_root=self.tensorboard.log_root())
        self._begin_curves(run.record)
        return True

    def _begin_curves(self, record: RunRecord) -> None:
        config = record.meta.get("config", {})
        name = f"#{record.number} {record.model_name} {config.get('optimizer', '')} " \
               f"{float(config.get('lr', 0)):g}"
        self._shown_run = record
        self.mark_epoch(None)
        for plot in (self.lossPlot, self.accuracyPlot):
            plot.begin_run(record.number, name)
        self.gradientPlot.show_history(record.grad_norms)
        self._progress_due = True

    def shown_run(self) -> RunRecord | None:
        """The run whose curves are bright and whose result the progress bar says."""
        return self._shown_run

    def show_run(self, record: RunRecord | None) -> None:
        """Show a finished run's curves and result (the shelf's or replay's choice).

        Does nothing while a run trains: its live curves stay in front.
        """
        if record is None or record is self._shown_run or self.training.is_running():
            return
        self._begin_curves(record)
        self.health.show_record(record)
        for epoch, loss in record.losses:
            self.lossPlot.add_loss(epoch, loss)
        for snapshot in record.snapshots:
            metrics = snapshot.metrics
            if snapshot.epoch and "test_accuracy" in metrics:
                self.accuracyPlot.add_epoch(snapshot.epoch, metrics["train_accuracy"],
                                            metrics["test_accuracy"])
        self.lossPlot.redraw()
        self.accuracyPlot.redraw()
        self._update_progress()

    def mark_epoch(self, epoch: float | None) -> None:
        """Draw a vertical line at ``epoch`` on both plots (``None`` hides it)."""
        self.lossPlot.mark_epoch(epoch)
        self.accuracyPlot.mark_epoch(epoch)

    def toggle_pause(self) -> None:
        """Pause a running run, or resume a paused one."""
        if not self.training.is_running():
            return
        if self.training.is_paused():
            self.training.resume()
        else:
            self.training.pause()
        self._update_buttons()
        self._progress_due = True
        self._refresh()

    def stop_training(self) -> None:
        """Stop the run; it ends at the next batch and goes on the shelf."""
        self.training.stop()
        self.stopButton.setEnabled(False)
        self.pauseButton.setEnabled(False)

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop any run and wait up to ``timeout_ms`` for its thread (for ``closeEvent``)."""
        self._timer.stop()
        ended = self.training.shutdown(timeout_ms)
        self.library.flush()  # the stopped run is on disk
        return ended

    # ------------------------------------------------------------------ slots
    @Slot(object)
    def _on_started(self, event: RunStarted) -> None:
        self._started = event
        self.trainProgress.setRange(0, event.epochs * event.steps_per_epoch)
        self._progress_due = True

    @Slot(object, float)
    def _on_batch_done(self, event: BatchDone, epochs: float) -> None:
        self._batch = event
        self._reports += 1
        self._progress_due = True
        self.lossPlot.add_loss(epochs, event.loss)
        self.gradientPlot.add_norms(epochs, event.grad_norms)

    @Slot(object)
    def _on_epoch_done(self, event: EpochDone) -> None:
        self._epoch = event
        self.accuracyPlot.add_epoch(event.epoch, event.train_accuracy, event.test_accuracy)
        self.health.epoch_done(event)

    @Slot(object)
    def _on_snapshot_ready(self, checkpoint: Checkpoint) -> None:
        self._snapshot = checkpoint  # only the latest is kept; the timer passes it on

    @Slot(object)
    def _on_finished(self, event: Finished | Stopped | Diverged) -> None:
        self._snapshot = None  # the final model supersedes any live one
        self._showing_snapshots = False
        self.last_result = event
        self.health.ended(event)
        self.model_trained.emit(event.checkpoint)
        self.message.emit(*result_message(event))

    @Slot(str)
    def _on_failed(self, text: str) -> None:
        self.failure = text
        self._snapshot = None
        if self._showing_snapshots:  # the views go back to the canvas model
            self._showing_snapshots = False
            self.snapshot_ready.emit(None)
        self.message.emit("error", self.tr("Training failed: {0}").format(text))

    @Slot(bool)
    def _set_running(self, running: bool) -> None:
        self._progress_due = True
        self.form.setEnabled(not running)
        self.tensorboard.set_training(running)
        if running:
            self._timer.start()
        else:
            self._timer.stop()
            self._refresh(every_plot=True)
        self._update_buttons()
        self.running_changed.emit(running)

    def _update_buttons(self) -> None:
        running = self.training.is_running()
        self.trainButton.setEnabled(not running)
        self.stopButton.setEnabled(running)
        self.pauseButton.setEnabled(running)
        paused = running and self.training.is_paused()
        self.pauseButton.setText(self.tr("Resume") if paused else self.tr("Pause"))

    # ---------------------------------------------------------------- redraw
    def _refresh(self, every_plot: bool = False) -> None:
        # Only what changed: a repaint costs GUI time that the worker would otherwise use.
        # And one plot per tick: the three plots repainted in one turn of the event loop were
        # its longest stall while training (20-30 ms on the 2-core machine); one at a time,
        # each is painted in a turn of its own, at most two ticks (~70 ms) late.
        plots = (self.lossPlot, self.gradientPlot, self.accuracyPlot, self.deadUnitsPlot)
        for _ in plots:
            plot = plots[self._next_plot]
            self._next_plot = (self._next_plot + 1) % len(plots)
            if plot.redraw() and not every_plot:
                break
        if self._progress_due:
            self._progress_due = False
            self._update_progress()
        if self._snapshot is not None:
            checkpoint, self._snapshot = self._snapshot, None
            self._showing_snapshots = True
            self.snapshot_ready.emit(checkpoint)

    def _update_progress(self) -> None:
        bar, result = self.trainProgress, self.last_result
        if result is not None or not self.training.is_running():
            bar.setRange(0, 1)
            record = self._shown_run
            ended = record is not None and record.status != "running"
            done = record.status == "finished" if ended else isinstance(result, Finished)
            bar.setValue(1 if done else 0)
            bar.setFormat(idle_text(record, self.failure, result))
            return
        if self._started is None:
            return
        bar.setValue(self._batch.step if self._batch else 0)
        text = running_text(self._started, self._batch, self._reports)
        if self.training.is_paused():
            text = self.tr("Paused · ") + text
        bar.setFormat(text)
