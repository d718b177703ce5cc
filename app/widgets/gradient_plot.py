"""Backpropagation made visible: each layer's gradient norm during training, on a log axis.

The training panel's slot appends the norms a :class:`~cnn_core.training.BatchDone` carries;
its ~30 Hz timer calls :meth:`GradientNormPlot.redraw`. One curve per parameterised layer,
made when the layer first reports, coloured in the model's order (input side first).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from .axis_title import FittedLogAxis
from .chart_export import saveable
from .log_axis import style_log_plot
from .plots import PALETTE, LayoutLegend

__all__ = ["GradientNormPlot"]

LEGEND_ROWS = 4  # the legend beside the curves fits the plot's minimum height


class GradientNormPlot(pg.PlotWidget):
    """Per-layer gradient L2 norms of the current run against the (fractional) epoch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems={"left": FittedLogAxis()})
        self.setObjectName("gradientNormPlot")
        saveable(self)
        item = self.getPlotItem()
        style_log_plot(item, self.tr("Gradient norm per layer"), self.tr("epoch"),
                       self.tr("L2 norm (log)"))
        # Beside the curves, at the top of their row, at most LEGEND_ROWS rows: the plot is
        # short and wide, and a ten-layer model's legend under it took two rows of its little
        # height (inside, it would hide curves).
        self.legend = LayoutLegend(labelTextSize="8pt", verSpacing=-6, horSpacing=4,
                                   frame=False, colCount=2, fixed_width=True)
        item.layout.addItem(self.legend, 2, 3)
        item.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)
        item.legend = self.legend  # curves made with a name are listed in it
        self.legend.updateSize()  # no entries yet: no width, the curves get the room
        self.setMinimumSize(220, 90)  # the Train tab gives it half its plots' height
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._points: dict[str, tuple[list[float], list[float]]] = {}
        self._dirty = False

    def clear_run(self) -> None:
        """Remove every curve (a new run begins)."""
        for curve in self._curves.values():
            self.legend.removeItem(curve)
            self.getPlotItem().removeItem(curve)
        self._curves.clear()
        self._points.clear()
        self._dirty = False

    def show_history(self, history: list[tuple[float, tuple[tuple[str, float], ...]]]) -> None:
        """Show a whole run's norms (``(epoch, norms)`` per report) in place of the curves."""
        self.clear_run()
        for epoch, norms in history:
            self.add_norms(epoch, norms)
        self.redraw()

    def add_norms(self, epoch: float, norms: tuple[tuple[str, float], ...]) -> None:
        """Append one report's norms; zero or non-finite norms cannot sit on a log axis."""
        for layer, norm in norms:
            if not (norm > 0 and math.isfinite(norm)):
                continue
            if layer not in self._curves:
                color = PALETTE[len(self._curves) % len(PALETTE)]
                self._curves[layer] = self.getPlotItem().plot(
                    [], [], pen=pg.mkPen(color, width=1.5), name=layer)
                # at most LEGEND_ROWS rows: taller, it would push the x axis out of view
                self.legend.setColumnCount(max(2, math.ceil(len(self._curves) / LEGEND_ROWS)))
                self._points[layer] = ([], [])
            xs, ys = self._points[layer]
            xs.append(epoch)
            ys.append(norm)
            self._dirty = True

    def redraw(self) -> bool:
        """Push new points to the curves; whether there were any."""
        if not self._dirty:
            return False
        for layer, curve in self._curves.items():
            xs, ys = self._points[layer]
            curve.setData(np.asarray(xs, float), np.asarray(ys, float))
        self._dirty = False
        return True

    def layers(self) -> list[str]:
        """The layers with a curve, in the model's order."""
        return list(self._curves)

    def legend_names(self) -> list[str]:
        """The names the legend shows."""
        return [label.text for _, label in self.legend.items]

    def point_count(self, layer: str) -> int:
        """Points drawn for ``layer``."""
        curve = self._curves.get(layer)
        if curve is None:
            return 0
        x, _ = curve.getOriginalDataset()
        return 0 if x is None else len(x)
