"""Every class's probability over one perturbation's whole range: the Perturb tab's sweep plot.

One curve per class (a qualitative palette, legend beside the plot); the class the model reads
at the slider's current value is drawn bold, and a dashed line marks that value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from .chart_export import saveable
from .plots import static_plot

__all__ = ["SweepPlot"]

# Ten colours told apart easily (a qualitative palette), one per class curve.
_CLASS_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


class SweepPlot(pg.GraphicsLayoutWidget):
    """Probability curves against one parameter (objectName ``sweepPlot``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sweepPlot")
        saveable(self)
        self.setBackground(None)
        self.plot = self.addPlot(row=0, col=0)
        static_plot(self.plot)
        self.plot.setYRange(0, 1.02, padding=0)
        self.plot.getAxis("left").setTicks(
            [[(v, f"{v:.0%}") for v in (0, 0.25, 0.5, 0.75, 1.0)]])
        self.plot.setLabel("left", self.tr("probability"))
        self._legend = pg.LegendItem(labelTextSize="8pt", verSpacing=-6, colCount=2)
        self.addItem(self._legend, row=0, col=1)
        self.curves: list[pg.PlotDataItem] = []
        self._marker = pg.InfiniteLine(angle=90, pen=pg.mkPen((120, 120, 120), width=1,
                                                              style=Qt.PenStyle.DashLine))
        self.plot.addItem(self._marker)
        self.setMinimumHeight(150)

    def mark(self, value: float) -> None:
        """Put the dashed line at the slider's current ``value``."""
        self._marker.setValue(value)

    def clear_curves(self) -> None:
        """Empty every curve (no drawing)."""
        for curve in self.curves:
            curve.setData([], [])

    def show_sweep(self, values: np.ndarray, probabilities: np.ndarray, names: Sequence[str],
                   x_range: tuple[float, float], x_label: str) -> None:
        """Draw ``probabilities`` ``[K, C]`` over ``values`` ``[K]``; the class read nearest
        the marker is bold."""
        count = probabilities.shape[1]
        if len(self.curves) != count:
            for curve in self.curves:
                self.plot.removeItem(curve)
            self._legend.clear()
            self.curves = []
            for i in range(count):
                curve = self.plot.plot([], [])
                self.curves.append(curve)
                self._legend.addItem(curve, names[i] if i < len(names) else str(i))
        here = float(self._marker.value())
        answer = int(probabilities[np.abs(values - here).argmin()].argmax())
        for i, (curve, column) in enumerate(zip(self.curves, probabilities.T, strict=True)):
            colour = _CLASS_COLOURS[i] if i < len(_CLASS_COLOURS) else pg.intColor(i, count)
            curve.setData(values, column)
            curve.setPen(pg.mkPen(colour, width=3.5 if i == answer else 1.5))
        self.plot.setXRange(*x_range, padding=0.02)
        self.plot.setLabel("bottom", x_label)
