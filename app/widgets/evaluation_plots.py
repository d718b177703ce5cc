"""The Evaluate tab's charts: confusion matrix, per-class accuracy, reliability diagram.

Each is created once and updated from an immutable
:class:`~cnn_core.analysis.evaluation.EvaluationResult`; none does torch work.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QGraphicsRectItem, QWidget

from cnn_core.analysis.evaluation import EvaluationResult

from .chart_export import Picture, Series, saveable
from .plots import static_plot

__all__ = ["ConfusionView", "PerClassPlot", "ReliabilityPlot", "short_name"]

_BAR = QColor(120, 144, 180)
_GAP = QColor(230, 120, 20, 110)
_SELECTED = QColor(230, 120, 20)


def short_name(name: str, width: int) -> str:
    """``name`` cut to ``width`` characters with an ellipsis."""
    return name if len(name) <= width else name[:max(1, width - 1)] + "…"


class _CellImage(pg.ImageItem):
    """The matrix image; reports left clicks and hovers by cell."""

    def __init__(self, view: ConfusionView) -> None:
        super().__init__(axisOrder="row-major")
        self._view = view
        self.setAcceptHoverEvents(True)

    def mouseClickEvent(self, ev: object) -> None:  # pyqtgraph's click event
        cell = self._view._cell_at(ev.pos())  # type: ignore[attr-defined]
        if ev.button() == Qt.MouseButton.LeftButton and cell is not None:  # type: ignore[attr-defined]
            ev.accept()  # type: ignore[attr-defined]
            self._view.select(*cell)
            self._view.cell_clicked.emit(*cell)

    def hoverEvent(self, ev: object) -> None:
        if ev.isExit():  # type: ignore[attr-defined]
            self._view.setToolTip("")
            return
        self._view._hover(ev.pos())  # type: ignore[attr-defined]


class _CountsItem(pg.GraphicsObject):
    """Writes the count of every cell, centred, in a font sized to the cells on screen.

    One item painting all the numbers: a hundred ``TextItem`` objects cost over half a second
    to create and place on a busy machine, which would freeze the window at every result.
    """

    def __init__(self) -> None:
        super().__init__()
        self.values = np.zeros((0, 0), np.int64)
        self._shade = np.zeros((0, 0))

    def set_counts(self, values: np.ndarray, shade: np.ndarray) -> None:
        self.prepareGeometryChange()
        self.values = np.asarray(values)
        self._shade = np.asarray(shade)  # 0..1 per cell: where the cell colour is dark
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.values.shape[1], self.values.shape[0])

    def paint(self, painter: QPainter, *args: object) -> None:
        if not self.values.size:
            return
        to_device = painter.transform()
        cell = to_device.mapRect(QRectF(0, 0, 1, 1))
        digits = max(2, len(str(int(self.values.max()))))
        size = int(min(14, cell.width() * 0.85 / (0.62 * digits), cell.height() * 0.6))
        if size < 6:
            return  # too small to read: the colours and tooltips still tell
        painter.save()
        painter.resetTransform()  # draw in device pixels, unscaled by the view
        font = QFont(painter.font())
        font.setPixelSize(size)
        painter.setFont(font)
        for (row, col), value in np.ndenumerate(self.values):
            box = to_device.mapRect(QRectF(col, row, 1, 1))
            if value == 0:
                painter.setPen(QColor(150, 150, 150))
            else:  # dark cells of the colour map get white text
                painter.setPen(QColor("white") if self._shade[row, col] > 0.55
                               else QColor(40, 40, 40))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(int(value)))
        painter.restore()


class ConfusionView(pg.GraphicsLayoutWidget):
    """The confusion matrix as an image: counts in the cells, colour on a log scale.

    Rows are the true class, columns the predicted class; both axes carry the class names.
    A left click on a cell emits :attr:`cell_clicked` ``(true, predicted)``.
    """

    cell_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionView")
        saveable(self)
        self.setBackground(None)
        self._confusion = np.zeros((0, 0), np.int64)
        self._names: tuple[str, ...] = ()
        self.plot = self.addPlot()
        static_plot(self.plot)
        self.plot.setAspectLocked(True)
        self.plot.invertY(True)
        self.plot.setLabel("left", self.tr("true class"))
        self.plot.setLabel("bottom", self.tr("predicted class"))
        self.image = _CellImage(self)
        self.image.setColorMap(pg.colormap.get("CET-L12"))
        self.plot.addItem(self.image)
        self.counts = _CountsItem()
        self.plot.addItem(self.counts)
        self._frame = QGraphicsRectItem()
        self._frame.setPen(pg.mkPen(_SELECTED, width=3, cosmetic=True))
        self._frame.setVisible(False)
        self.plot.addItem(self._frame)
        self.setMinimumSize(200, 180)
        for side in ("left", "bottom"):  # before an evaluation: an empty square, no numbers
            self.plot.getAxis(side).setTicks([[]])
        self.plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0.01)

    def chart_data(self) -> tuple[list[Series], list[Picture]]:
        """What Save chart… writes as CSV: the counts (the picture shows their logarithm),
        row = true class, column = predicted class, in the order of the axes."""
        return [], [Picture(self.tr("confusion matrix"), self._confusion)]

    def set_result(self, result: EvaluationResult) -> None:
        """Show ``result``'s confusion matrix (and forget any selected cell)."""
        self._confusion = np.asarray(result.confusion)
        self._names = result.classes
        count = len(self._names)
        # log scale: one error must show against a diagonal of a thousand
        shade = np.log10(1.0 + self._confusion.astype(np.float64))
        self.image.setImage(shade, levels=(0.0, max(1.0, float(shade.max()))))
        self.image.setRect(QRectF(0, 0, count, count))
        ticks = [(i + 0.5, short_name(name, 7)) for i, name in enumerate(self._names)]
        self.plot.getAxis("bottom").setTicks([ticks])
        self.plot.getAxis("left").setTicks([[(i + 0.5, n) for i, n in enumerate(self._names)]])
        self.plot.setRange(xRange=(0, count), yRange=(0, count), padding=0.01)
        self.counts.set_counts(self._confusion, shade / max(1.0, float(shade.max())))
        self._frame.setVisible(False)

    def select(self, true: int | None, predicted: int | None = None) -> None:
        """Outline the cell ``(true, predicted)``; ``None`` removes the outline."""
        if true is None or predicted is None:
            self._frame.setVisible(False)
            return
        self._frame.setRect(QRectF(predicted, true, 1, 1))
        self._frame.setVisible(True)

    def cell_texts(self) -> list[list[str]]:
        """The numbers written in the cells, row by row."""
        return [[str(int(v)) for v in row] for row in self.counts.values]

    def cell_center(self, true: int, predicted: int) -> QPoint:
        """Where the cell ``(true, predicted)`` is, in this widget's coordinates."""
        scene = self.plot.vb.mapViewToScene(QPointF(predicted + 0.5, true + 0.5))
        return self.mapFromScene(scene)

    def _cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        row, col = math.floor(pos.y()), math.floor(pos.x())
        count = len(self._names)
        if 0 <= row < count and 0 <= col < count:
            return row, col
        return None

    def _hover(self, pos: QPointF) -> None:
        cell = self._cell_at(pos)
        if cell is None:
            return
        true, pred = cell
        count = int(self._confusion[true, pred])
        names = self._names
        if true == pred:
            text = self.tr("{0}: {1} read correctly").format(names[true], count)
        else:
            text = self.tr("{0} read as {1}: {2}").format(names[true], names[pred], count)
        self.setToolTip(text + self.tr(" (click to see them)") if count else text)


class PerClassPlot(pg.PlotWidget):
    """Per-class accuracy as horizontal bars, class names on the vertical axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("perClassPlot")
        saveable(self)
        self.setBackground(None)
        static_plot(self.getPlotItem())
        self.getPlotItem().invertY(True)
        self.setTitle(self.tr("Accuracy per class"), size="10pt")
        self._bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[], brush=_BAR, pen=None)
        self.addItem(self._bars)
        self._labels: list[pg.TextItem] = []
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(6.5, self._small.pointSizeF() * 0.8))
        self.getAxis("left").setStyle(tickFont=self._small)
        self.setMinimumSize(200, 110)
        # before an evaluation: the percentage scale, no classes yet
        self.getAxis("left").setTicks([[]])
        self.getAxis("bottom").setTicks([[(t, f"{t:.0%}") for t in np.linspace(0, 1, 5)]])
        self.setXRange(0, 1.28, padding=0)
        self.setYRange(-0.6, 9.6, padding=0)

    def set_result(self, result: EvaluationResult) -> None:
        """Show ``result``'s per-class accuracy; the axis starts near the worst class."""
        acc = np.nan_to_num(np.asarray(result.per_class_accuracy), nan=0.0)
        count = len(acc)
        lo = 0.0 if acc.min(initial=1.0) < 0.8 else math.floor(acc.min() * 20) / 20 - 0.05
        self._bars.setOpts(x0=np.full(count, lo), y=np.arange(count), width=acc - lo,
                           height=0.7)
        self.getAxis("left").setTicks([[(i, n) for i, n in enumerate(result.classes)]])
        ticks = np.linspace(lo, 1.0, 5)
        self.getAxis("bottom").setTicks([[(t, f"{t:.0%}" if lo == 0 else f"{t:.1%}")
                                          for t in ticks]])
        self.setXRange(lo, 1.0 + (1.0 - lo) * 0.28, padding=0)
        self.setYRange(-0.6, count - 0.4, padding=0)
        for label in self._labels:
            self.removeItem(label)
        self._labels = []
        for i, value in enumerate(result.per_class_accuracy):
            text = "–" if not math.isfinite(value) else f"{value:.1%}"
            label = pg.TextItem(text, color=QColor(60, 60, 60), anchor=(0, 0.5))
            label.setFont(self._small)
            label.setPos(max(lo, float(acc[i])), i)
            self.addItem(label)
            self._labels.append(label)

    def bar_values(self) -> list[float]:
        """The accuracies shown, one per class."""
        x0 = np.asarray(self._bars.opts["x0"], float)
        return list(x0 + np.asarray(self._bars.opts["width"], float))


class ReliabilityPlot(pg.PlotWidget):
    """Reliability diagram: per confidence bin, accuracy as bars against the diagonal."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reliabilityPlot")
        saveable(self)
        self.setBackground(None)
        static_plot(self.getPlotItem())
        self.setLabel("bottom", self.tr("confidence"))
        self.setLabel("left", self.tr("accuracy"))
        self.setXRange(0, 1, padding=0.02)
        self.setYRange(0, 1, padding=0.02)
        self._bars = pg.BarGraphItem(x0=[], y0=[], width=[], height=[], brush=_BAR,
                                     pen=pg.mkPen(QColor(255, 255, 255), width=1))
        self._gaps = pg.BarGraphItem(x0=[], y0=[], width=[], height=[], brush=_GAP, pen=None)
        self.addItem(self._bars)
        self.addItem(self._gaps)
        diagonal = pg.PlotDataItem([0, 1], [0, 1], pen=pg.mkPen(QColor(90, 90, 90), width=1.5,
                                                                 style=Qt.PenStyle.DashLine))
        self.addItem(diagonal)
        ticks = [[(v, f"{v:.0%}") for v in (0, 0.25, 0.5, 0.75, 1.0)]]
        self.getAxis("bottom").setTicks(ticks)
        self.getAxis("left").setTicks(ticks)
        self.setTitle(self.tr("Reliability diagram"), size="10pt")
        # room on the right for the "100%" under the axis's end (it was cut off there)
        self.getPlotItem().setContentsMargins(2, 2, 16, 2)
        self.getAxis("bottom").setStyle(hideOverlappingLabels=False)
        self.setMinimumSize(200, 110)

    def set_result(self, result: EvaluationResult) -> None:
        """Show ``result``'s reliability curve (its ECE is said once, by :meth:`explanation`
        in the caption under the diagram, not in its title)."""
        curve = result.reliability
        filled = curve.counts > 0
        left = curve.edges[:-1][filled]
        width = np.diff(curve.edges)[filled]
        acc = curve.accuracy[filled]
        conf = curve.confidence[filled]
        self._bars.setOpts(x0=left, y0=np.zeros_like(acc), width=width, height=acc)
        # the orange part: how far each bin's accuracy is from its confidence
        self._gaps.setOpts(x0=left, y0=np.minimum(acc, conf), width=width,
                           height=np.abs(conf - acc))

    def explanation(self, result: EvaluationResult) -> str:
        """The caption: the test set's ECE, once, and what ECE, T and the diagram mean."""
        if result.temperature == 1.0:
            scaling = self.tr("T = 1: the confidences are as the model gives them")
        else:
            scaling = self.tr("T = {0:.2f} rescales every confidence (fitted on validation "
                              "images)").format(result.temperature)
        return self.tr(
            "Reliability diagram: <b>ECE {0:.2%}</b>, the average gap between how sure the "
            "model is and how often it is right (0 is perfect). Bars: how often it was right "
            "at each confidence; orange: the gap; dashed line: perfect. {1}.").format(
            result.ece, scaling)

    def bins(self) -> Sequence[float]:
        """The accuracies drawn, one per non-empty bin."""
        return list(np.asarray(self._bars.opts["height"], float))

