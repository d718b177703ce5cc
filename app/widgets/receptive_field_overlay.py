"""The patch of the drawing a hovered feature-map cell sees: ``receptiveFieldOverlay``.

Pointing at a cell of a feature map (the Feature maps tab, the Convolution tab's output)
outlines its theoretical receptive field, worked out by
:class:`cnn_core.models.receptive_field.ReceptiveFields`, on the drawing and on the
prediction panel's 28×28 input; a faint heat map shows the effective field, the size of the
cell's gradient with respect to each input pixel, computed by the analysis worker off the
GUI thread. The preprocessing's placement maps 28×28 pixels onto the canvas, so the frame
lands on the strokes that made the cell, whatever size and place they were drawn at.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QWidget

from cnn_core.analysis.receptive_field import (
    ConvCell,
    cell_field,
    conv_cell_gradient,
    describe_cell,
)
from cnn_core.models.architecture import module_names
from cnn_core.models.receptive_field import Frame, ReceptiveFields
from cnn_core.models.spec_fields import SpecError

from .canvas import DrawingCanvas
from .saliency_overlay import square_on_canvas

if TYPE_CHECKING:
    from cnn_core.checkpoints import Checkpoint
    from cnn_core.recognition.predict import Prediction

    from ..analysis_worker import AnalysisWorker

__all__ = ["ReceptiveFieldOverlay", "heat_rgba"]

_FRAME = QColor(255, 150, 0)  # the theoretical field
_HEAT = np.array([255, 214, 0], np.float32)  # the effective field, faint
_MAX_ALPHA = 130.0
_JOB = "receptive_field"

Gradient = Callable[["Checkpoint", np.ndarray], np.ndarray]  # (model, 28×28 picture) → [28, 28]


def heat_rgba(gradient: np.ndarray) -> np.ndarray:
    """``|gradient|`` as a faint yellow RGBA uint8 map: opacity grows with the size (to the
    power 0.7, so that weak pixels still show); zero is fully transparent."""
    size = np.abs(np.asarray(gradient, np.float32))
    top = float(size.max()) or 1.0
    rgba = np.zeros((*size.shape, 4), np.uint8)
    rgba[..., :3] = _HEAT.astype(np.uint8)
    rgba[..., 3] = ((size / top) ** 0.7 * _MAX_ALPHA).astype(np.uint8)
    return rgba


def _image(rgba: np.ndarray) -> QImage:
    rgba = np.ascontiguousarray(rgba)
    height, width = rgba.shape[:2]
    return QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


class ReceptiveFieldOverlay(QWidget):
    """A transparent child of the canvas that shows one cell's receptive field.

    Parameters
    ----------
    canvas
        The drawing: the frame and heat map are painted over it.
    input_box
        The prediction panel's 28×28 input view: the same frame and heat map go on it.
    worker
        Computes the effective field (the cell's gradient) off the GUI thread.
    inspected
        Returns the model whose feature maps are on show (a training snapshot or the canvas
        model); its spec gives the frames. The gradient is the canvas model's, so it is only
        shown while that is the model on show.
    """

    def __init__(self, canvas: DrawingCanvas, input_box: pg.ViewBox, worker: AnalysisWorker,
                 inspected: Callable[[], Checkpoint | None]) -> None:
        super().__init__(canvas)
        self.setObjectName("receptiveFieldOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._canvas, self._worker, self._inspected = canvas, worker, inspected
        self._checkpoint: Checkpoint | None = None
        self._prediction: Prediction | None = None
        self._fields: tuple[int, ReceptiveFields | None] = (0, None)  # (id of spec, fields)
        self._frame: Frame | None = None
        self._request = 0  # counts the cells shown: only the last one's heat map is wanted
        self._heat = QImage()
        self.input_frame = QGraphicsRectItem()
        self.input_frame.setPen(pg.mkPen(_FRAME, width=2, cosmetic=True))
        self.input_frame.setZValue(20)
        self.input_heat = pg.ImageItem(axisOrder="row-major")
        self.input_heat.setZValue(10)
        input_box.addItem(self.input_heat)
        input_box.addItem(self.input_frame)
        canvas.installEventFilter(self)
        self.setGeometry(canvas.rect())
        worker.finished.connect(self._on_finished)
        self.clear()

    # ----------------------------------------------------------------- inputs
    def set_checkpoint(self, checkpoint: Checkpoint) -> None:
        """The canvas model changed (its gradients are the heat maps)."""
        self._checkpoint = checkpoint
        self.clear()

    def set_prediction(self, prediction: Prediction) -> None:
        """A new answer for the drawing: its placement puts the frame on the strokes."""
        self._prediction = prediction
        if prediction.preprocessed.blank:
            self.clear()
        else:
            self.update()

    def fields(self) -> ReceptiveFields | None:
        """The receptive fields of the model on show (``None`` without one)."""
        checkpoint = self._inspected()
        if checkpoint is None:
            return None
        spec = checkpoint.model.spec
        if self._fields[0] != id(spec):
            try:
                self._fields = (id(spec), ReceptiveFields(spec))
            except SpecError:
                self._fields = (id(spec), None)
        return self._fields[1]

    # ------------------------------------------------------------------ show
    def describe(self, layer: str, row: int, col: int, unit: bool = False) -> str:
        """The tooltip sentence for a cell of the model on show ("" when unknown)."""
        frame = self._frame_of(layer, row, col)
        return "" if frame is None else describe_cell(frame, layer, row, col, unit)

    def _frame_of(self, layer: str, row: int, col: int) -> Frame | None:
        fields = self.fields()
        if fields is None or layer not in fields.names():
            return None
        return fields.cell(layer, row, col)

    def show_cell(self, layer: str, channel: int, row: int, col: int,
                  unit: bool = False) -> None:
        """Show the fields of ``layer``'s output (``channel``, ``row``, ``col``) (a flat
        layer: ``unit`` and ``col`` its index) and ask the worker for its gradient."""
        frame = self._frame_of(layer, row, col)
        if frame is None:
            self.clear()
            return
        same_model = self._inspected() is self._checkpoint  # not a training snapshot
        job = (partial(_cell_gradient, layer=layer, channel=channel, row=row, col=col)
               if same_model else None)
        self.show_frame(frame, describe_cell(frame, layer, row, col, unit), job)

    def show_conv_cell(self, frame: Frame, text: str, cell: ConvCell) -> None:
        """Show the fields of an output of the Convolution tab (see
        :class:`~app.widgets.conv_explorer.ConvExplorer`'s ``field_hovered``)."""
        self.show_frame(frame, text, partial(_conv_gradient, cell=cell))

    def show_frame(self, frame: Frame, text: str, job: Gradient | None = None) -> None:
        """Outline ``frame`` (28×28 pixels) on the drawing and the input; ``text`` is the
        tooltip. ``job(checkpoint, image28)`` gives the effective field (the worker runs it);
        any heat map of another cell goes at once."""
        self._frame = frame
        self._request += 1
        self._worker.cancel(_JOB)
        self._set_heat(None)
        self.setToolTip(text)
        self.input_frame.setRect(QRectF(frame.left, frame.top, frame.width, frame.height))
        self.input_frame.setToolTip(text)
        self.input_frame.show()
        prediction = self._prediction
        drawn = prediction is not None and not prediction.preprocessed.blank
        self.setVisible(drawn)
        self.raise_()
        self.update()
        if job is not None and drawn:
            self._worker.submit(_JOB, partial(_tagged, self._request, job,
                                              prediction.preprocessed.image28))

    def clear(self) -> None:
        """Show nothing (the pointer left the cells)."""
        self._frame = None
        self._request += 1
        self._worker.cancel(_JOB)
        self._set_heat(None)
        self.setToolTip("")
        self.input_frame.hide()
        self.hide()

    def frame(self) -> Frame | None:
        """The frame shown, in 28×28 pixels (``None`` when hidden)."""
        return self._frame

    def heat(self) -> QImage:
        """The effective field shown (a null image while none is)."""
        return self._heat

    def _set_heat(self, gradient: np.ndarray | None) -> None:
        if gradient is None or not np.any(gradient):
            self._heat = QImage()
            self.input_heat.hide()
        else:
            rgba = heat_rgba(gradient)
            self._heat = _image(rgba)
            self.input_heat.setImage(rgba, levels=(0, 255))
            self.input_heat.setRect(QRectF(0, 0, 28, 28))
            self.input_heat.show()
        self.update()

    def _on_finished(self, key: str, result: Any, seconds: float) -> None:
        if key == _JOB and isinstance(result, tuple) and result[0] == self._request:
            self._set_heat(result[1])

    # --------------------------------------------------------------- painting
    def frame_rect(self) -> QRectF:
        """Where the frame is drawn on the canvas, in this widget's (= the canvas's) pixels."""
        prediction = self._prediction
        if self._frame is None or prediction is None or prediction.preprocessed.placement is None:
            return QRectF()
        square = self.square_rect()
        f, side = self._frame, square.width() / 28
        return QRectF(square.x() + f.left * side, square.y() + f.top * square.height() / 28,
                      f.width * side, f.height * square.height() / 28)

    def square_rect(self) -> QRectF:
        """Where the model's 28×28 square lies on the canvas (the preprocessing's placement)."""
        pre = self._prediction.preprocessed  # type: ignore[union-attr]
        return square_on_canvas(self._canvas, pre.placement, pre.steps[0].image.shape[:2])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._canvas and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._canvas.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self.frame_rect()
        if rect.isNull():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setClipRect(self._canvas.visible_rect())
        if not self._heat.isNull():
            painter.drawImage(self.square_rect(), self._heat)
        painter.setPen(QPen(QColor(0, 0, 0, 160), 4))  # a dark rim: seen on ink and paper
        painter.drawRect(rect)
        painter.setPen(QPen(_FRAME, 2))
        painter.drawRect(rect)
        self._paint_caption(painter)
        painter.end()

    def _paint_caption(self, painter: QPainter) -> None:
        text = self.toolTip()
        view = QRectF(self._canvas.visible_rect())
        metrics = painter.fontMetrics()
        box = QRectF(view.x() + 4, view.bottom() - metrics.height() - 8,
                     min(view.width() - 8, metrics.horizontalAdvance(text) + 12),
                     metrics.height() + 4)
        painter.fillRect(box, QColor(0, 0, 0, 170))
        painter.setPen(QColor(255, 220, 170))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, metrics.elidedText(
            text, Qt.TextElideMode.ElideRight, int(box.width()) - 8))


# ------------------------------------------------------------- the worker's jobs


def _tagged(request: int, job: Gradient, image28: np.ndarray,
            checkpoint: Checkpoint) -> tuple[int, np.ndarray]:
    """Run in the worker: the effective field, with the request it answers."""
    return request, job(checkpoint, image28)


def _cell_gradient(checkpoint: Checkpoint, image28: np.ndarray, *, layer: str, channel: int,
                   row: int, col: int) -> np.ndarray:
    """A feature-map cell's gradient, the picture normalised as the model reads it (none
    when the model changed since and has no such layer)."""
    if layer not in module_names(checkpoint.model.spec):
        return np.zeros((28, 28), np.float32)
    return cell_field(checkpoint, image28, layer, channel, row, col).gradient


def _conv_gradient(checkpoint: Checkpoint, image28: np.ndarray, *, cell: ConvCell) -> np.ndarray:
    """A Convolution-tab output's gradient (none when the model changed since and has no
    such layer)."""
    if cell.source is not None and cell.source not in module_names(checkpoint.model.spec):
        return np.zeros((28, 28), np.float32)
    return conv_cell_gradient(checkpoint, image28, cell)
