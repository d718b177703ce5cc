"""The perturbation playground: change the drawing's 28×28 input and watch the answer.

Sliders rotate, scale, shift, thicken/thin and add noise to the image the model sees; the
perturbed image and its probabilities follow at once, and a sweep plot shows every class's
probability over one slider's whole range. "Smallest change that flips it" searches for the
least L∞ change (I-FGSM) that makes the model answer something else. All model work runs in
the :class:`~app.analysis_worker.AnalysisWorker`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cnn_core.analysis.perturb import (
    Flip,
    Perturbation,
    perturb,
    probabilities,
    smallest_flip,
    sweep,
)

from ..background import stop_requested
from .chart_export import saveable
from .image_thumb import ImageThumb, gray_qimage
from .perturbation_sliders import SLIDERS, PerturbationSliders, SliderSpec, slider_spec
from .plots import static_plot
from .sweep_plot import SweepPlot

if TYPE_CHECKING:
    from cnn_core.checkpoints import Checkpoint
    from cnn_core.recognition.predict import Prediction

    from ..analysis_worker import AnalysisWorker

__all__ = ["PerturbationView"]

_BAR = QColor(120, 144, 180)
_BEST = QColor(230, 120, 20)


@dataclass(frozen=True)
class _Perturbed:
    image: np.ndarray  # float32 [28, 28]
    probabilities: np.ndarray  # float32 [C]


@dataclass(frozen=True)
class _Sweep:
    parameter: str
    values: np.ndarray  # float32 [K]
    probabilities: np.ndarray  # float32 [K, C]


class PerturbationView(QWidget):
    """The "Perturb" tab (objectName ``perturbationView``)."""

    def __init__(self, worker: AnalysisWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("perturbationView")
        self._worker = worker
        self._image: np.ndarray | None = None  # the drawing's 28×28 input
        self._shown: _Perturbed | None = None
        self._class_names = [str(d) for d in range(10)]
        self.flip: Flip | None = None
        self._stale = False  # the drawing changed while the tab was hidden
        self._build()
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self._show_no_drawing()

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        controls = self.controls = PerturbationSliders(self)
        self.sliders, self.resetButton = controls.sliders, controls.resetButton
        controls.moved.connect(self._on_slider)

        self.inputThumb = ImageThumb(96, self)
        self.inputThumb.setObjectName("perturbedInput")
        self.inputThumb.setFixedSize(96, 96)
        self.inputThumb.setToolTip(self.tr("The perturbed 28×28 input"))
        self.answerLabel = QLabel(self)
        self.answerLabel.setObjectName("perturbationAnswer")
        self.answerLabel.setWordWrap(True)
        self.barPlot, self._bars = self._make_bars()

        self.sweepParameter = QComboBox(self)
        self.sweepParameter.setObjectName("sweepParameter")
        for spec in SLIDERS:
            self.sweepParameter.addItem(controls.names[spec.key], spec.key)
        self.sweepParameter.currentIndexChanged.connect(self._request_sweep)
        self.sweepPlot = SweepPlot(self)

        self.adversarialButton = QPushButton(self.tr("Smallest change that flips it"), self)
        self.adversarialButton.setObjectName("adversarialButton")
        self.adversarialButton.setToolTip(self.tr(
            "Search for the smallest change of every pixel (L∞, iterative FGSM) that makes "
            "the model answer something else"))
        self.adversarialButton.clicked.connect(self.find_flip)
        self.adversarialThumb = ImageThumb(96, self)
        self.adversarialThumb.setObjectName("adversarialInput")
        self.adversarialThumb.setFixedSize(96, 96)
        self.adversarialLabel = QLabel(self)
        self.adversarialLabel.setObjectName("adversarialLabel")
        self.adversarialLabel.setWordWrap(True)
        self._layout(controls)

    def _make_bars(self) -> tuple[pg.PlotWidget, pg.BarGraphItem]:
        plot = pg.PlotWidget(self)
        plot.setObjectName("perturbationBars")
        saveable(plot)
        plot.setBackground(None)
        static_plot(plot)
        plot.setYRange(0, 1.05, padding=0)
        plot.getAxis("left").setTicks([[(v, f"{v:.0%}") for v in (0, 0.5, 1.0)]])
        bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7, brush=_BAR,
                               pen=None)
        plot.addItem(bars)
        plot.setMinimumHeight(96)
        return plot, bars

    def _layout(self, controls: QGroupBox) -> None:
        answer_box = QVBoxLayout()
        answer_box.addWidget(self.inputThumb, 0, Qt.AlignmentFlag.AlignHCenter)
        answer_box.addWidget(self.answerLabel)
        answer_box.addStretch(1)
        flip_box = QVBoxLayout()
        flip_box.addWidget(self.adversarialButton)
        flip_row = QHBoxLayout()
        flip_row.addWidget(self.adversarialThumb)
        flip_row.addWidget(self.adversarialLabel, 1)
        flip_box.addLayout(flip_row)
        flip_box.addStretch(1)
        sweep_head = QHBoxLayout()
        sweep_head.addWidget(QLabel(self.tr("Probability of each class against"), self))
        sweep_head.addWidget(self.sweepParameter)
        sweep_head.addStretch(1)

        # The playground scrolls in a small window instead of forcing the window's minimum.
        content = QWidget(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        grid = QGridLayout(content)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.addWidget(controls, 0, 0)
        grid.addLayout(answer_box, 0, 1)
        grid.addWidget(self.barPlot, 0, 2)
        grid.addLayout(sweep_head, 1, 0, 1, 2)
        grid.addLayout(flip_box, 1, 2, 2, 1)
        grid.addWidget(self.sweepPlot, 2, 0, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 2)
        grid.setRowStretch(2, 1)

    # ----------------------------------------------------------------- inputs
    def set_checkpoint(self, checkpoint: Checkpoint) -> None:
        """The canvas model changed: its class names, and everything recomputed."""
        self._class_names = list(checkpoint.classes)
        self._stale = not self.isVisible()
        if not self._stale:
            self._refresh()

    def set_prediction(self, prediction: Prediction) -> None:
        """The drawing changed: perturb its new 28×28 input."""
        pre = prediction.preprocessed
        image = None if pre.blank else np.asarray(pre.image28, np.float32)
        if image is not None and self._image is not None and np.array_equal(image, self._image):
            return
        self._image = image
        if self.isVisible():
            self._refresh()
        else:  # nobody looks: no model work while the user draws; done when shown
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self._refresh()

    def perturbation(self) -> Perturbation:
        """The perturbation the sliders describe."""
        return self.controls.perturbation()

    def reset(self) -> None:
        """Every slider back to "no change"."""
        self.controls.reset()

    def find_flip(self) -> None:
        """Search for the smallest change that flips the answer (in the worker)."""
        if self._image is None:
            return
        self.adversarialButton.setEnabled(False)
        self.adversarialLabel.setText(self.tr("Searching…"))
        image = perturb(self._image, self.perturbation())
        self._worker.submit("flip", partial(_flip, image=image))

    # ---------------------------------------------------------------- updates
    def _on_slider(self, spec: SliderSpec, value: float) -> None:
        self._request_perturbed()
        if spec.key == self.sweepParameter.currentData():
            self.sweepPlot.mark(value)
        else:  # the other sliders are the sweep's fixed point
            self._request_sweep()
        self._clear_flip()

    def _refresh(self) -> None:
        self._clear_flip()
        if self._image is None:
            self._show_no_drawing()
            return
        self.adversarialButton.setEnabled(True)
        self._request_perturbed()
        self._request_sweep()

    def _request_perturbed(self) -> None:
        if self._image is not None:
            self._worker.submit("perturb", partial(_perturbed, image=self._image,
                                                   p=self.perturbation()))

    def _request_sweep(self) -> None:
        if self._image is None:
            return
        key = str(self.sweepParameter.currentData())
        spec = slider_spec(key)
        step = max(1, (spec.hi - spec.lo) // 60)
        values = np.arange(spec.lo, spec.hi + 1, step, dtype=np.float32) / spec.divisor
        self.sweepPlot.mark(self.controls.value(key))
        self._worker.submit("sweep", partial(_sweep, image=self._image, p=self.perturbation(),
                                             parameter=key, values=values))

    def _show_no_drawing(self) -> None:
        self._worker.cancel("perturb")
        self._worker.cancel("sweep")
        self._worker.cancel("flip")
        self._shown = None
        self.inputThumb.set_image(gray_qimage(np.zeros((28, 28), np.float32)))
        self.answerLabel.setText(self.tr("Draw a digit on the canvas to play with it."))
        self._bars.setOpts(height=np.zeros(len(self._class_names)))
        self.sweepPlot.clear_curves()
        self.adversarialButton.setEnabled(False)

    def _clear_flip(self) -> None:
        self._worker.cancel("flip")
        self.flip = None
        self.adversarialThumb.set_image(gray_qimage(np.zeros((28, 28), np.float32)))
        self.adversarialLabel.setText(self.tr("How little must every pixel change before "
                                              "the model reads something else?"))
        self.adversarialButton.setEnabled(self._image is not None)

    def probabilities_shown(self) -> np.ndarray | None:
        """The probabilities of the perturbed input on display."""
        return None if self._shown is None else self._shown.probabilities

    def _on_finished(self, key: str, result: object, seconds: float) -> None:
        if self._image is None:
            return
        if key == "perturb" and isinstance(result, _Perturbed):
            self._show_perturbed(result)
        elif key == "sweep" and isinstance(result, _Sweep):
            self._show_sweep(result)
        elif key == "flip":
            self._show_flip(result if isinstance(result, Flip) else None)

    def _on_failed(self, key: str, message: str) -> None:
        if key in ("perturb", "sweep", "flip"):
            self.answerLabel.setText(self.tr("The model failed: {0}").format(message))
            self.adversarialButton.setEnabled(self._image is not None)

    def _name(self, index: int) -> str:
        return self._class_names[index] if index < len(self._class_names) else str(index)

    def _show_perturbed(self, result: _Perturbed) -> None:
        self._shown = result
        self.inputThumb.set_image(gray_qimage(result.image))
        probs = result.probabilities
        best = int(probs.argmax())
        colours = [_BAR] * len(probs)
        colours[best] = _BEST
        self._bars.setOpts(x=np.arange(len(probs)), height=probs, brushes=colours)
        self.barPlot.getAxis("bottom").setTicks(
            [[(i, self._name(i)[:6]) for i in range(len(probs))]])
        self.answerLabel.setText(self.tr("Reads {0} ({1:.0%})").format(self._name(best),
                                                                        float(probs[best])))

    def _show_sweep(self, result: _Sweep) -> None:
        spec = slider_spec(result.parameter)
        names = [self._name(i) for i in range(result.probabilities.shape[1])]
        self.sweepPlot.show_sweep(result.values, result.probabilities, names,
                                  (spec.lo / spec.divisor, spec.hi / spec.divisor),
                                  self.controls.names[result.parameter])

    def _show_flip(self, flip: Flip | None) -> None:
        self.adversarialButton.setEnabled(True)
        self.flip = flip
        if flip is None:
            self.adversarialLabel.setText(self.tr(
                "No change up to ε = 0.5 (half of full ink) flips this answer."))
            return
        self.adversarialThumb.set_image(gray_qimage(flip.image))
        self.adversarialLabel.setText(self.tr(
            "Every pixel changed by at most ε = {0:.3f} ({1:.0%} of full ink): the model now "
            "reads {2} ({3:.0%}) instead of {4}.").format(
                flip.epsilon, flip.epsilon, self._name(flip.label),
                float(flip.probabilities[flip.label]), self._name(flip.original)))


# The worker's jobs (run in its thread on its own copy of the model).
def _perturbed(checkpoint: Checkpoint, *, image: np.ndarray, p: Perturbation) -> _Perturbed:
    changed = perturb(image, p)
    return _Perturbed(changed, probabilities(checkpoint, changed))


def _sweep(checkpoint: Checkpoint, *, image: np.ndarray, p: Perturbation, parameter: str,
           values: np.ndarray) -> _Sweep:
    return _Sweep(parameter, values, sweep(checkpoint, image, p, parameter, values))


def _flip(checkpoint: Checkpoint, *, image: np.ndarray) -> Flip | None:
    return smallest_flip(checkpoint, image, stop=stop_requested)
