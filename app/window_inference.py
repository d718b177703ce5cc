"""The window's canvas ↔ inference glue: which weights are in use, and what the window says.

:class:`CanvasInference` is made once torch is imported (the window's model side). It makes
the live inference and the analysis worker, connects the canvas to the one and the prediction
panel to the other, puts a model's weights in use everywhere at once (prediction, analyses,
the Train tab's epoch mark), says which model that is (status bar, feature-map and kernel
tabs) and asks for feature maps and kernels only while their tab is on show. While a run
trains or the Coach fine-tunes, live work keeps to a CPU budget
(:meth:`CanvasInference.keep_budget_while`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from .analysis_worker import AnalysisWorker
from .inference import LiveInference

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from cnn_core.checkpoints import Checkpoint
    from cnn_core.recognition.prediction import Prediction

    from .deferred_parts import DeferredParts
    from .main_window import MainWindow

__all__ = ["STEPS_WHILE_TRAINING_S", "CanvasInference"]

_SOURCE_VIEWS = ("feature_map_view", "kernel_view")
# While a run trains and the pen moves, the prediction panel's preprocessing row (six
# pictures, a third of the panel's work per answer) follows at most this often.
STEPS_WHILE_TRAINING_S = 0.25  # the tabs that say where they read from


class CanvasInference:
    """Live inference and analyses wired to ``window``'s canvas, panel and tabs (``parts``)."""

    def __init__(self, window: MainWindow, parts: DeferredParts) -> None:
        self._window = window
        self._parts = parts
        self._steps_shown = 0.0  # time.monotonic() when the preprocessing row was last shown
        self._busy: set[object] = set()  # the work running now that wants the cores
        self.inference = LiveInference(window.canvas.model_reading, window)
        self.analysis = AnalysisWorker(window)  # saliency, sweeps, adversarial search
        canvas, panel, inference = window.canvas, window.prediction_panel, self.inference
        canvas.changed.connect(inference.request)
        canvas.stroke_finished.connect(inference.answer_now)
        inference.model_changed.connect(panel.set_model)
        inference.predicted.connect(self._show_prediction)
        inference.failed.connect(lambda message: window.banner.show_error(
            QCoreApplication.translate(
                "MainWindow", "The model failed on this drawing: {0}").format(message)))

    def _show_prediction(self, prediction: Prediction) -> None:
        """The answer in the prediction panel; while the pen moves during a run, the
        preprocessing row follows at most every :data:`STEPS_WHILE_TRAINING_S` (the answer to
        the finished stroke brings it up to date at once)."""
        now = time.monotonic()
        steps = (not self.inference.in_stroke()
                 or now - self._steps_shown >= STEPS_WHILE_TRAINING_S)
        if steps:
            self._steps_shown = now
        self._window.prediction_panel.show_prediction(prediction, steps=steps)

    def keep_budget_while(self, running_changed: SignalInstance) -> None:
        """While the work that ``running_changed(bool)`` announces runs (a run in the Train
        tab, the Coach's fine-tuning), live work keeps to its CPU budget
        (:data:`~app.inference.TRAINING_CPU_SHARE`); the budget holds while any of them
        runs."""
        work = object()
        running_changed.connect(lambda running: self._work_running(work, running))

    def _work_running(self, work: object, running: bool) -> None:
        if running:
            self._busy.add(work)
        else:
            self._busy.discard(work)
        self.inference.set_training(bool(self._busy))

    def use_weights(self, checkpoint: Checkpoint) -> None:
        """The canvas model's weights (its final ones, or a replayed epoch's) are in use."""
        window = self._window
        window.prediction_panel.set_classes(list(checkpoint.classes))
        self.analysis.set_checkpoint(checkpoint)  # first: the new prediction asks it for maps
        self.inference.set_checkpoint(checkpoint)
        panel = self._parts.built_part("training_panel")
        if panel is not None:
            panel.mark_epoch(window.model_bar.current_epoch())
        self.describe_model(checkpoint)

    def describe_model(self, checkpoint: Checkpoint) -> None:
        """Say which model the canvas uses (status bar, feature-map and kernel tabs)."""
        self._window.model_bar.describe(checkpoint, self._window.model_path)
        self._set_inspection_source(self._model_source_text())

    def set_inspection_model(self, checkpoint: Checkpoint | None) -> None:
        """Show a live training snapshot in the feature-map and kernel views (latest wins);
        ``None`` goes back to the canvas model."""
        self.inference.set_snapshot(checkpoint)
        self._set_inspection_source(self.inspection_source_text())

    def inspection_source_text(self) -> str:
        """Where the feature maps and kernels come from: a live snapshot, or the model."""
        if self.inference.snapshot() is not None:
            return QCoreApplication.translate("MainWindow", "Live: the model being trained")
        return self._model_source_text()

    def _model_source_text(self) -> str:
        checkpoint = self.inference.checkpoint()
        if checkpoint is None:
            return ""
        return QCoreApplication.translate("MainWindow", "Model: {0}").format(checkpoint.name)

    def _set_inspection_source(self, text: str) -> None:
        for name in _SOURCE_VIEWS:
            view = self._parts.built_part(name)
            if view is not None:
                view.set_source(text)

    def update_tab_views(self) -> None:
        """Compute feature maps, kernels and comparisons only for the tab on show."""
        widget, built = self._window.tabs.currentWidget(), self._parts.built_part
        self.inference.set_wanted(maps=widget is built("feature_map_view"),
                                  kernels=widget is built("kernel_view"))
        compare = built("compare_view")
        if compare is not None:
            compare.set_active(widget is compare)
