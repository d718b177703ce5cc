"""What the model thinks of the drawing: the answer, ten probabilities and its input image."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from cnn_core.data.data_picture import DATA_STEP_KEY  # torch-free: fine before the model
from cnn_core.recognition.prediction import calibrated  # torch-free: answers before torch

from ..language import say
from .chart_export import saveable
from .image_thumb import TitledThumb, gray_qimage
from .naming import prefixed
from .plots import static_plot

if TYPE_CHECKING:
    from cnn_core.checkpoints import Checkpoint
    from cnn_core.data.preprocess import Step
    from cnn_core.recognition.prediction import Prediction

__all__ = ["PredictionPanel"]
_BAR = QColor(120, 144, 180)
_BEST = QColor(230, 120, 20)
_UNSURE = QColor(170, 170, 170)
_WELL_TRAINED = 0.9  # test accuracy below this: the model is "barely trained"


class PredictionPanel(QWidget):
    """The prediction label, a bar chart of the ten class probabilities, the 28×28 image the
    model sees and the preprocessing steps that led to it.

    ``name_prefix`` names a second panel's widgets apart from the main one's (``""``:
    ``predictionLabel``, …; ``"compareLeft"``: ``compareLeftPredictionLabel``, …).
    """

    def __init__(self, parent: QWidget | None = None, show_steps: bool = True,
                 input_size: int = 150, name_prefix: str = "") -> None:
        super().__init__(parent)
        self._prefix = name_prefix
        self._classes = [str(d) for d in range(10)]
        self._show_steps_row = show_steps
        self._input_size = input_size
        self._temperature = 1.0  # the model's, for the probabilities shown
        self._caveat = ""  # what to say of a model that is not (well) trained yet
        self.predictionLabel = QLabel(self)
        self.predictionLabel.setObjectName(prefixed(name_prefix, "predictionLabel"))
        font = QFont(self.predictionLabel.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.predictionLabel.setFont(font)
        self.predictionLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.predictionLabel.setWordWrap(True)
        self.detailLabel = QLabel(self)
        self.detailLabel.setObjectName(prefixed(name_prefix, "predictionDetail"))
        self.detailLabel.setWordWrap(True)

        self.probabilityPlot = self._make_probability_plot()
        self.inputView, self._input_item = self._make_input_view()
        self._steps_box = QHBoxLayout()
        self._steps_box.setSpacing(6)
        self._step_widgets: list[TitledThumb] = []
        self._build_layout()
        self.show_blank()

    # ---------------------------------------------------------------- layout
    def _make_probability_plot(self) -> pg.PlotWidget:
        plot = pg.PlotWidget(self)
        plot.setObjectName(prefixed(self._prefix, "probabilityPlot"))
        saveable(plot)
        plot.setBackground(None)
        static_plot(plot)
        plot.setXRange(-0.6, 9.6, padding=0)
        plot.setYRange(0, 1.22, padding=0)  # room for the number above a 100 % bar
        axis = plot.getAxis("bottom")
        axis.setTicks([[(d, str(d)) for d in range(10)]])
        plot.getAxis("left").setTicks([[(v, f"{v:.0%}") for v in (0, 0.25, 0.5, 0.75, 1.0)]])
        plot.setLabel("left", self.tr("probability"))
        plot.setLabel("bottom", self.tr("digit"))
        self._bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7,
                                     brush=_BAR, pen=None)
        plot.addItem(self._bars)
        self._best_text = pg.TextItem("", anchor=(0.5, 1.0), color=_BEST.darker(170))
        plot.addItem(self._best_text)
        plot.setMinimumHeight(150)
        return plot

    def _make_input_view(self) -> tuple[pg.GraphicsLayoutWidget, pg.ImageItem]:
        view = pg.GraphicsLayoutWidget(self)
        view.setObjectName(prefixed(self._prefix, "inputView"))
        saveable(view)
        view.setBackground(None)
        view.ci.setContentsMargins(0, 0, 0, 0)
        box = view.addViewBox(lockAspect=True, invertY=True, enableMouse=False)
        box.setMenuEnabled(False)
        item = pg.ImageItem(axisOrder="row-major")
        item.setImage(np.zeros((28, 28), np.float32), levels=(0.0, 1.0))
        box.addItem(item)
        box.setRange(xRange=(0, 28), yRange=(0, 28), padding=0.02)
        view.setFixedSize(self._input_size, self._input_size)
        view.setToolTip(self.tr("The 28×28 image the model really sees"))
        return view, item

    def input_box(self) -> pg.ViewBox:
        """The view of the 28×28 input (for outlines drawn over it, in its pixels)."""
        return self._input_item.getViewBox()

    def _build_layout(self) -> None:
        input_box = QVBoxLayout()
        input_box.setSpacing(2)
        caption = QLabel(self.tr("Model input (28×28)"), self)
        caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        input_box.addWidget(self.inputView, 0, Qt.AlignmentFlag.AlignHCenter)
        input_box.addWidget(caption)
        input_box.addStretch(1)

        steps_title = QLabel(self.tr("Preprocessing"), self)
        steps_title.setStyleSheet("font-weight: bold")
        steps_frame = QFrame(self)
        steps_frame.setLayout(self._steps_box)
        self._steps_box.setContentsMargins(0, 0, 0, 0)
        self._steps_box.addStretch(1)

        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setHorizontalSpacing(12)
        grid.addWidget(self.predictionLabel, 0, 0)
        grid.addWidget(self.detailLabel, 1, 0)
        grid.addWidget(self.probabilityPlot, 2, 0)
        grid.addLayout(input_box, 0, 1, 3, 1)
        grid.addWidget(steps_title, 3, 0, 1, 2)
        grid.addWidget(steps_frame, 4, 0, 1, 2)
        steps_title.setVisible(self._show_steps_row)
        steps_frame.setVisible(self._show_steps_row)
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(2, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As tall as the panel's wrapped lines (the explanation, the steps' captions) need at
        its width: a splitter reads only this hint, and without them a longer explanation
        would push the bars into the preprocessing row below."""
        hint = super().minimumSizeHint()
        layout = self.layout()
        if layout is None or not self.isVisible() or self.width() < hint.width():
            return hint  # not laid out yet: its width says nothing
        return QSize(hint.width(), max(hint.height(), layout.minimumHeightForWidth(self.width())))

    # ----------------------------------------------------------------- update
    def set_classes(self, classes: Sequence[str]) -> None:
        """Name the bars and answers with the model's classes (index = label)."""
        self._classes = [str(c) for c in classes] or [str(d) for d in range(10)]
        digits = self._classes == [str(d) for d in range(10)]
        axis = self.probabilityPlot.getAxis("bottom")
        axis.setTicks([[(i, name) for i, name in enumerate(self._classes)]])
        axis.setStyle(tickFont=self._tick_font(digits))
        self.probabilityPlot.setXRange(-0.6, len(self._classes) - 0.4, padding=0)
        self.probabilityPlot.setLabel("bottom", self.tr("digit") if digits else self.tr("class"))

    def set_model(self, checkpoint: Checkpoint) -> None:
        """The model the next predictions come from: its temperature scales the probabilities
        shown, and how far it is trained decides what is said when it is unsure."""
        self._temperature = float(checkpoint.temperature)
        self._caveat = self._model_caveat(checkpoint)

    def _model_caveat(self, checkpoint: Checkpoint) -> str:
        """One sentence on a model that is not trained well enough to blame the picture."""
        epochs = int(checkpoint.meta.get("epochs", 0) or 0)
        accuracy = checkpoint.test_accuracy
        if epochs == 0:
            return self.tr("The model has not finished an epoch of training (epoch 0): its "
                           "answers are little better than guesses.")
        if accuracy is not None and accuracy < _WELL_TRAINED:
            trained = (self.tr("after 1 epoch") if epochs == 1
                       else self.tr("after {0} epochs").format(epochs))
            return self.tr("The model is barely trained ({0:.0%} right on the test set {1}): "
                           "its answers are shaky.").format(accuracy, trained)
        return ""

    def shown_probabilities(self) -> np.ndarray:
        """The bar heights: the probabilities shown (temperature-scaled)."""
        heights = self._bars.opts.get("height")
        return np.asarray(heights if heights is not None else np.zeros(10), dtype=float)

    def classes(self) -> list[str]:
        """The class names the bars show."""
        return list(self._classes)

    def class_name(self, index: int) -> str:
        """The name of class ``index``."""
        return self._classes[index] if 0 <= index < len(self._classes) else str(index)

    def _tick_font(self, digits: bool) -> QFont:
        font = QFont(self.font())
        if not digits:  # ten words under ten bars: a smaller font keeps them apart
            font.setPointSizeF(max(6.5, font.pointSizeF() * 0.8))
        return font

    def show_blank(self) -> None:
        """Reset to the "Draw a digit" state."""
        self.predictionLabel.setText(self.tr("Draw a digit"))
        self.detailLabel.setText(self.tr("The model's answer appears here while you draw."))
        self._bars.setOpts(height=np.zeros(10), brushes=[_BAR] * 10)
        self._best_text.setText("")
        self._input_item.setImage(np.zeros((28, 28), np.float32), autoLevels=False)

    def show_message(self, text: str) -> None:
        """Show a status line (e.g. "Loading model…") instead of an answer."""
        self.predictionLabel.setText(text)
        self.detailLabel.setText("")

    def show_prediction(self, prediction: Prediction, steps: bool = True) -> None:
        """Display a :class:`cnn_core.recognition.predict.Prediction`; with ``steps`` false,
        the preprocessing row stays as it is (an answer while the pen moves during a run: the
        row follows less often, and the answer to the finished stroke brings it up to date)."""
        pre = prediction.preprocessed
        self._input_item.setImage(np.asarray(pre.image28, np.float32), autoLevels=False)
        if steps:
            self._show_steps(pre.steps)
        if pre.blank or prediction.verdict == "blank":
            self.show_blank()
            return
        # softmax(logits / T): the probabilities the verdict, the evaluation and the data
        # browser use, so one picture shows one set of numbers everywhere.
        probs = calibrated(prediction.probabilities, self._temperature).astype(float)
        best = int(probs.argmax())
        sure = prediction.verdict == "digit"
        colours = [_BAR] * len(probs)
        colours[best] = _BEST if sure else _UNSURE
        self._bars.setOpts(x=np.arange(len(probs)), height=probs, brushes=colours)
        self._best_text.setText(f"{probs[best]:.0%}")
        # The number sits above its bar, dark on the plot's background, for every height: the
        # view reaches past 100 % to leave it room (inside the bar it covered part of it, and
        # white text does not fit the Compare tab's narrow bars).
        self._best_text.setPos(best, probs[best] + 0.02)
        self._show_verdict(prediction, probs, best)

    def _show_verdict(self, prediction: Prediction, probs: np.ndarray, best: int) -> None:
        """The headline and the line below it for a non-blank prediction."""
        confidence = f"{probs[best]:.0%}"
        runner_up = int(np.argsort(probs)[-2])
        name = self.class_name(best)
        if prediction.verdict == "not_a_digit":
            self.predictionLabel.setText(self.tr("This does not look like a digit"))
            detail = self.tr(
                "Letters, symbols and scribbles get this answer. The closest digit would be "
                "{0} ({1}); its bar can still be tall, as the ten always add up to 100 %."
            ).format(name, confidence)
        elif prediction.verdict == "unsure":
            second = self.class_name(runner_up)
            self.predictionLabel.setText(self.tr("Not sure: {0} or {1}?").format(name, second))
            detail = self.tr("Best guess {0} ({1}), then {2} ({3}). {4}").format(
                name, confidence, second, f"{probs[runner_up]:.0%}", self._unsure_why(prediction))
        else:
            self.predictionLabel.setText(self.tr("{0}  ({1})").format(name, confidence))
            detail = self.tr("The model reads a {0} with {1} confidence.").format(name, confidence)
            if self._caveat:
                detail += " " + self._caveat
        self.detailLabel.setText(detail)

    def _unsure_why(self, prediction: Prediction) -> str:
        """Why the model hesitates, as far as is known: never the learner's drawing when the
        model is untrained, or for a data set's picture that nobody drew."""
        if self._caveat:
            return self._caveat
        steps = prediction.preprocessed.steps
        if steps and steps[0].key == DATA_STEP_KEY:
            return self.tr("The model is unsure of this picture from the data set.")
        return self.tr("The model is unsure of this drawing; a clearer one may help.")

    def _show_steps(self, steps: Sequence[Step]) -> None:
        # One thumbnail per step, reused: a blank drawing has fewer steps than a digit.
        while len(self._step_widgets) < len(steps):
            widget = TitledThumb("", 64, self)
            self._steps_box.insertWidget(len(self._step_widgets), widget)
            self._step_widgets.append(widget)
        for widget, step in zip(self._step_widgets, steps, strict=False):
            image = np.asarray(step.image)
            widget.thumb.set_image(gray_qimage(image))
            # A step's names change only when the steps do (a blank drawing has fewer):
            # translated again only then, as each answer while drawing passes here.
            name = prefixed(self._prefix, f"step_{step.key}")
            if widget.objectName() != name:
                widget.setObjectName(name)
                widget.caption.setText(say(step.title))
            tip = f"{widget.caption.text()}: {image.shape[1]}×{image.shape[0]}"
            if widget.toolTip() != tip:
                widget.setToolTip(tip)
            widget.show()
        for widget in self._step_widgets[len(steps):]:
            widget.hide()

    def step_titles(self) -> list[str]:
        """The captions of the preprocessing steps shown."""
        return [w.caption.text() for w in self._step_widgets if not w.isHidden()]
