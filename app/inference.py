"""Live inference for the GUI: throttled prediction, feature maps and kernels.

The drawing changes on every mouse move; the model answers at most ~30 times a second, always
on the latest drawing. A single-shot :class:`QTimer` coalesces the requests: the first change
starts it, later changes only mark the work as due, and when it fires the current image is
used. Each frame answers first (prediction), and the views (feature maps, kernels) follow in
the next turn of the event loop, so that neither blocks the window for the other's time. A
finished stroke (the pen lifted, the drawing cleared, loaded or undone) is answered at once,
outside the throttle. Training snapshots (checkpoints) arrive the same way: only the latest
one is kept.

While a run trains or the Coach fine-tunes (:meth:`LiveInference.set_training`, switched by
:meth:`app.window_inference.CanvasInference.keep_budget_while`), the training wants every core,
and each millisecond the GUI thread computes is taken from it (a CPU run trains on one thread
fewer while the pen moves, but the window's painting still shares that core). The answers while
the pen moves then keep to a budget: their frame lasts at least their own CPU time over
:data:`TRAINING_CPU_SHARE`, so live work takes at most about that share of a core whatever the
machine; a fast machine keeps ~30 answers a second, a slow one fewer. The answer when the pen
is lifted is never held back, and :meth:`LiveInference.in_stroke` tells the views that an
answer is a passing one (the prediction panel's preprocessing row then follows less often:
:mod:`app.window_inference`).

Everything here runs in the GUI thread on small CPU models (a few milliseconds per image);
the numbers come from :mod:`cnn_core`, and the widgets only display them. Nothing here changes
the process: the GUI's entry point gives this thread one OpenMP thread
(:func:`app.main.configure_gui_process`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from cnn_core.analysis.inspection import conv_kernels, feature_maps
from cnn_core.checkpoints import Checkpoint
from cnn_core.data.data_picture import DataPicture, prepare
from cnn_core.recognition.predict import Prediction, Predictor

from .early_answer import FRAME_MS  # at most ~30 updates a second, as before torch

__all__ = ["FRAME_MS", "MAX_FRAME_MS", "SNAPSHOT_VIEW_MS", "TRAINING_CPU_SHARE", "LiveInference"]

log = logging.getLogger(__name__)

# Live training snapshots redraw the feature maps and kernels at most once a second: for
# digitnet one redraw is tens of milliseconds of GUI-thread work (20 layers of maps), and at
# the four snapshots a second training sends, the window stuttered while drawing.
SNAPSHOT_VIEW_MS = 1000
# While a run trains, the live answers and views while the pen moves use at most about this
# share of one core (their own CPU time, measured per frame; painting what they show costs
# about as much again, and both share the core a CPU run leaves free while the pen moves).
# On the 2-core machine: ~20 answers a second while it is quiet, ~10 while it is loaded.
# benchmarks/gui_responsiveness.py measures what it leaves training.
TRAINING_CPU_SHARE = 0.05
MAX_FRAME_MS = 500  # however slow the model, the drawing is answered twice a second


class LiveInference(QObject):
    """Runs the canvas model (and, during training, the latest snapshot) on the drawing.

    Parameters
    ----------
    image_source
        Returns the picture to read (the canvas's :meth:`model_reading`; called when the
        timer fires): a data set's picture is read as given, anything else preprocessed.
    """

    model_changed = Signal(object)  # Checkpoint: the model the next predictions come from
    predicted = Signal(object)  # Prediction
    activations_ready = Signal(object)  # list[LayerActivation]; [] for a blank drawing
    kernels_ready = Signal(object)  # list[KernelSet]
    failed = Signal(str)  # the core raised while predicting or inspecting

    def __init__(self, image_source: Callable[[], np.ndarray | DataPicture],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._image_source = image_source
        self._checkpoint: Checkpoint | None = None
        self._predictor: Predictor | None = None
        self._snapshot: Checkpoint | None = None
        self._snapshot_predictor: Predictor | None = None
        self._snapshot_fresh = False
        self._last: Prediction | None = None
        self._want_maps = False
        self._want_kernels = False
        self._predict_due = self._maps_due = self._kernels_due = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_frame)
        # The views' share of a frame runs in the next turn of the event loop: the answer and
        # the feature maps in one turn blocked it twice as long (the stalls while drawing).
        self._views_timer = QTimer(self)
        self._views_timer.setSingleShot(True)
        self._views_timer.setInterval(0)
        self._views_timer.timeout.connect(self._on_views)
        self._interval_ms = FRAME_MS  # grows for a slow model, so drawing stays fluid
        self._last_run = 0.0  # perf_counter of the last run
        self._cost_ms = {"answer": 0.0, "views": 0.0}  # of the last run of each part (wall)
        self._cpu_ms = {"answer": 0.0, "views": 0.0}  # ... and the GUI thread's CPU time
        self._training = False
        self._in_stroke = False  # the answer being made is a throttled one: the pen moves
        self._snapshot_timer = QTimer(self)
        self._snapshot_timer.setSingleShot(True)
        self._snapshot_timer.timeout.connect(self._show_snapshot)
        self._last_snapshot_view = -1e9  # perf_counter when a snapshot last reached the views

    # ---------------------------------------------------------------- models
    def checkpoint(self) -> Checkpoint | None:
        """The canvas model."""
        return self._checkpoint

    def snapshot(self) -> Checkpoint | None:
        """The latest training snapshot shown by the feature-map and kernel views, if any."""
        return self._snapshot

    def last_prediction(self) -> Prediction | None:
        """The most recent prediction."""
        return self._last

    def set_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Predict with ``checkpoint`` from now on and re-run everything at once.

        Any training snapshot is dropped: the views show the new model.
        """
        self._checkpoint = checkpoint
        self._predictor = Predictor(checkpoint, device="cpu")
        self._snapshot = self._snapshot_predictor = None
        self._snapshot_timer.stop()
        self._predict_due = self._maps_due = self._kernels_due = True
        self.model_changed.emit(checkpoint)
        self.run_now()

    def set_snapshot(self, checkpoint: Checkpoint | None) -> None:
        """Show ``checkpoint`` (a live training snapshot) in the views; ``None`` to stop.

        Snapshots reach the views at most every :data:`SNAPSHOT_VIEW_MS`; one that comes
        sooner waits (a newer one replaces it), and the next stroke shows it at once.
        """
        self._snapshot = checkpoint
        self._snapshot_fresh = True
        wait_ms = SNAPSHOT_VIEW_MS - (time.perf_counter() - self._last_snapshot_view) * 1000
        if checkpoint is not None and wait_ms > 0:
            if not self._snapshot_timer.isActive():
                self._snapshot_timer.start(int(wait_ms) + 1)
            return
        self._show_snapshot()

    def _show_snapshot(self) -> None:
        self._snapshot_timer.stop()
        self._last_snapshot_view = time.perf_counter()
        self._maps_due = self._kernels_due = True
        self._schedule()

    def set_wanted(self, maps: bool, kernels: bool) -> None:
        """Compute feature maps / kernels only while someone looks at them."""
        newly = (maps and not self._want_maps) or (kernels and not self._want_kernels)
        self._want_maps, self._want_kernels = maps, kernels
        if newly:
            self._maps_due = self._maps_due or maps
            self._kernels_due = self._kernels_due or kernels
            self._schedule()

    def set_training(self, training: bool) -> None:
        """A run trains (or no longer does): live work while drawing keeps to its CPU budget
        (:data:`TRAINING_CPU_SHARE`) only while one does."""
        self._training = bool(training)
        self._update_interval()

    def is_training(self) -> bool:
        """Whether live work is on the training budget."""
        return self._training

    def interval_ms(self) -> int:
        """The throttle's frame now (ms): the least time between two answers while drawing."""
        return self._interval_ms

    def in_stroke(self) -> bool:
        """Whether the answer being shown is a passing one, made while the pen moves during a
        run (views may leave their lower-priority parts for the answer to the finished
        stroke, which follows when the pen is lifted)."""
        return self._in_stroke

    # ---------------------------------------------------------------- drawing
    def request(self) -> None:
        """The drawing changed: predict again soon (coalesced to ≤ 30 Hz)."""
        self._predict_due = self._maps_due = True
        self._schedule()

    def answer_now(self) -> None:
        """The drawing is done for now (a stroke ended, or it was cleared, loaded or undone):
        answer at once, outside the throttle.

        The answer to the finished drawing is the one people wait for; through the throttle
        it came up to a frame (33 ms) after the pen was lifted.
        """
        self._predict_due = self._maps_due = True
        self.run_now()

    def _schedule(self) -> None:
        """Leading-edge throttle: run at once if the last run is a frame old, else wait.

        A single stroke is answered within the model's own time; a stream of strokes is
        coalesced to one run per frame, always on the latest drawing.
        """
        if self._timer.isActive():
            return
        since_last_ms = (time.perf_counter() - self._last_run) * 1000
        self._timer.start(max(0, int(self._interval_ms - since_last_ms)))

    def run_now(self) -> None:
        """Do whatever is due now, the answer and the views (maps, kernels) alike."""
        self._timer.stop()
        self._views_timer.stop()
        self._guarded("answer", self._answer)
        self._guarded("views", self._views)

    def _on_frame(self) -> None:
        """The throttle's frame: the answer now, the views in the next turn."""
        self._in_stroke = self._training
        try:
            self._guarded("answer", self._answer)
        finally:
            self._in_stroke = False
        if self._views_wanted():
            self._views_timer.start()

    def _on_views(self) -> None:
        self._guarded("views", self._views)

    def _guarded(self, part: str, work: Callable[[], None]) -> None:
        if self._predictor is None:
            return
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            work()
        except Exception as exc:  # a broken model must not take the GUI down
            log.exception("live inference failed")
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        self._last_run = time.perf_counter()
        self._cost_ms[part] = (self._last_run - started) * 1000
        self._cpu_ms[part] = (time.thread_time() - cpu_started) * 1000
        self._update_interval()

    def _update_interval(self) -> None:
        """A slow model (or machine) gets a longer pause, so drawing always stays fluid; while
        a run trains, the pause also keeps live work to its share of a core."""
        frame = sum(self._cost_ms.values()) * 1.5
        if self._training:
            frame = max(frame, sum(self._cpu_ms.values()) / TRAINING_CPU_SHARE)
        self._interval_ms = max(FRAME_MS, min(int(frame), MAX_FRAME_MS))

    def _answer(self) -> None:
        assert self._predictor is not None
        if self._predict_due or self._last is None:
            self._predict_due = False
            self._last = self._predictor.predict_preprocessed(prepare(self._image_source()))
            self.predicted.emit(self._last)

    def _views_wanted(self) -> bool:
        return (self._want_maps and self._maps_due) or (self._want_kernels and self._kernels_due)

    def _views(self) -> None:
        if not self._views_wanted():
            return
        if self._last is None:
            self._answer()
        if self._want_maps and self._maps_due:
            self._maps_due = False
            self.activations_ready.emit(self._activations(self._last))
        if self._want_kernels and self._kernels_due:
            self._kernels_due = False
            self.kernels_ready.emit(conv_kernels(self._inspected().model))

    def _inspected(self) -> Checkpoint:
        assert self._checkpoint is not None
        return self._snapshot if self._snapshot is not None else self._checkpoint

    def _inspection_predictor(self) -> Predictor:
        assert self._predictor is not None
        if self._snapshot is None:
            return self._predictor
        if self._snapshot_fresh or self._snapshot_predictor is None:
            self._snapshot_predictor = Predictor(self._snapshot, device="cpu")
            self._snapshot_fresh = False
        return self._snapshot_predictor

    def _activations(self, prediction: Prediction) -> list:
        if prediction.preprocessed.blank:
            return []
        predictor = self._inspection_predictor()
        x = predictor.input_tensor(prediction.preprocessed)
        return feature_maps(self._inspected().model, x)
