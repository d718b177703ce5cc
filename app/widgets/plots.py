"""Live training curves: batch loss and per-epoch accuracy, with earlier runs kept faintly.

Slots only append numbers to plain Python buffers; :meth:`RunPlot.redraw`, called by the
training panel's ~30 Hz timer, pushes a changed buffer to its curve with one ``setData``.
The plot items are made once per run and reused.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from .chart_export import saveable
from .log_axis import log_axis

__all__ = ["LEGEND_RUNS", "MAX_OLD_RUNS", "MIN_CURVE_HEIGHT", "PALETTE", "AccuracyPlot",
           "LayoutLegend", "LossPlot", "RunPlot", "run_color", "static_plot"]

MAX_OLD_RUNS = 5  # earlier runs shown faintly; older ones are dropped (and their memory)
LEGEND_RUNS = 3  # runs a legend names: the current one and the latest earlier ones
MIN_CURVE_HEIGHT = 60  # pixels of curves a plot keeps, however many runs its legend lists
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
           "#e377c2")
_FAINT_ALPHA = 90
EMA_WEIGHT = 0.6  # smoothing of the loss line (TensorBoard's default), bias-corrected


def run_color(number: int, alpha: int = 255) -> QColor:
    """The colour of run ``number`` (1-based), so a run looks the same in both plots."""
    color = QColor(PALETTE[(number - 1) % len(PALETTE)])
    color.setAlpha(alpha)
    return color


class _Series:
    """Points for one curve, and whether the curve has seen them yet."""

    def __init__(self, curve: pg.PlotDataItem) -> None:
        self.curve = curve
        self.x: list[float] = []
        self.y: list[float] = []
        self.dirty = False

    def append(self, x: float, y: float) -> None:
        self.x.append(x)
        self.y.append(y)
        self.dirty = True

    def flush(self) -> bool:
        """Push new points to the curve; whether there were any."""
        if not self.dirty:
            return False
        self.curve.setData(np.asarray(self.x, dtype=float), np.asarray(self.y, dtype=float))
        self.dirty = False
        return True


def static_plot(plot: pg.PlotItem | pg.PlotWidget) -> None:
    """A chart that only shows: no mouse pan or zoom, no context menu, no auto-range button."""
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()


class LayoutLegend(pg.LegendItem):
    """A legend that sits in the plot's own layout (under the x axis, or beside the curves),
    so it never covers a curve. Its height, and with ``fixed_width`` its width too, follows
    its entries; empty, it takes no room (the stock legend sets its own geometry, which a
    layout would fight)."""

    def __init__(self, *args: object, fixed_width: bool = False, **kwargs: object) -> None:
        self._fixed_width = fixed_width
        super().__init__(*args, **kwargs)

    def updateSize(self) -> None:
        self.layout.invalidate()
        hint = self.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize)
        empty = not self.layout.count()
        height = 0.0 if empty else hint.height()
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)
        if self._fixed_width:
            width = 0.0 if empty else hint.width()
            self.setMinimumWidth(width)
            self.setMaximumWidth(width)
        self.updateGeometry()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.width(), self.height())


class RunPlot(pg.PlotWidget):
    """A plot with one bright current run and up to :data:`MAX_OLD_RUNS` faint earlier runs.

    Subclasses say which curves a run has (:meth:`_make_series`) and which one stays, faded
    and named in the legend, once the next run begins (:attr:`_kept`).
    """

    _kept = "main"
    _legend_columns = 1

    def __init__(self, parent: QWidget | None = None,
                 axis_items: dict[str, pg.AxisItem] | None = None) -> None:
        super().__init__(parent, axisItems=axis_items)
        item = self.getPlotItem()
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.setMenuEnabled(True)  # right click: view options and Save chart… (PNG, SVG, CSV)
        item.showGrid(x=True, y=True, alpha=0.25)
        for side in ("bottom", "left"):  # "epoch (x0.001)" helps nobody
            item.getAxis(side).enableAutoSIPrefix(False)
        # Under the plot, in its layout: inside the view it would hide curves.
        self.legend = LayoutLegend(labelTextSize="8pt", verSpacing=-6, horSpacing=4,
                                   frame=False, colCount=self._legend_columns)
        self.legend.setMinimumWidth(0)  # a long name is cut, never the plot
        self.legend.setPreferredWidth(0)
        item.layout.addItem(self.legend, 4, 0, 1, 3)  # under the axis too: more room
        item.legend = self.legend  # curves made with a name are listed in it
        self.setMinimumSize(220, 130)  # with the gradient plot under it: fits 1024×700
        self.epochLine = pg.InfiniteLine(angle=90, movable=False,
                                         pen=pg.mkPen(80, 80, 80, 200, width=1.5,
                                                      style=Qt.PenStyle.DashLine))
        self.epochLine.setZValue(5)
        self.epochLine.setVisible(False)
        item.addItem(self.epochLine, ignoreBounds=True)
        self._series: dict[str, _Series] = {}
        self._old: list[tuple[int, pg.PlotDataItem]] = []  # (run number, faint curve)
        self._number = 0
        self._name = ""

    # ------------------------------------------------------------------ runs
    def begin_run(self, number: int, name: str) -> None:
        """Fade the current run into the history and start empty curves for run ``number``.

        A run shown again (picked on the shelf) leaves the history: it is listed once. The
        legend names the current run and the latest earlier ones (:data:`LEGEND_RUNS` in
        all); older runs stay as faint, unnamed curves.
        """
        self._archive()
        for old in [entry for entry in self._old if entry[0] == number]:
            self._old.remove(old)
            self._remove(old[1])
        self._number, self._name = number, name
        self._series = self._make_series(number, name)
        self._relist()
        self._keep_curve_height()

    def _relist(self) -> None:
        """List the latest earlier runs, oldest first, then the current run's curves (the
        legend is rebuilt: pyqtgraph's leaves holes where entries were removed)."""
        listed = [curve for _, curve in self._old[len(self._old) - (LEGEND_RUNS - 1):]]
        listed += [series.curve for series in self._series.values() if series.curve.name()]
        self.legend.clear()
        for curve in listed:
            self.legend.addItem(curve, curve.name())

    def current_run(self) -> int:
        """The number of the run drawn brightly (0 before any)."""
        return self._number

    def curve_height(self) -> float:
        """Pixels of height the curves have (the view box, between title, axis and legend)."""
        return self.getPlotItem().getViewBox().height()

    def _keep_curve_height(self) -> None:
        # Whatever the legend lists, the curves keep MIN_CURVE_HEIGHT: the plot's minimum
        # grows with its legend (its title and x axis have fixed heights).
        item = self.getPlotItem()
        self.legend.updateSize()
        chrome = (item.titleLabel.maximumHeight() + item.getAxis("bottom").minimumHeight()
                  + self.legend.maximumHeight() + 12)
        self.setMinimumHeight(math.ceil(MIN_CURVE_HEIGHT + chrome))

    def clear_runs(self) -> None:
        """Forget every run, current and earlier."""
        self._archive()
        for _, curve in self._old:
            self._remove(curve)
        self._old.clear()

    def mark_epoch(self, epoch: float | None) -> None:
        """A vertical line at ``epoch`` (the replayed one); ``None`` hides it."""
        if epoch is None:
            self.epochLine.setVisible(False)
            return
        self.epochLine.setValue(float(epoch))
        self.epochLine.setVisible(True)

    def marked_epoch(self) -> float | None:
        """Where the epoch line is, or ``None`` when hidden."""
        return float(self.epochLine.value()) if self.epochLine.isVisible() else None

    def run_names(self) -> list[str]:
        """Legend names, oldest first."""
        return [label.text for _, label in self.legend.items]

    def point_count(self, series: str | None = None) -> int:
        """How many points the current run's ``series`` (default: the kept one) has *drawn*."""
        entry = self._series.get(series or self._kept)
        if entry is None:
            return 0
        x, _ = entry.curve.getOriginalDataset()
        return 0 if x is None else len(x)

    def redraw(self) -> bool:
        """Push new points to the curves (the panel's timer calls this); whether any changed."""
        return any([series.flush() for series in self._series.values()])

    def _archive(self) -> None:
        kept = self._series.pop(self._kept, None)
        for series in self._series.values():
            self._remove(series.curve)
        self._series = {}
        if kept is None:
            return
        if not kept.x:  # a run that never produced a point leaves nothing behind
            self._remove(kept.curve)
            return
        kept.flush()
        kept.curve.setPen(pg.mkPen(run_color(self._number, _FAINT_ALPHA), width=1.5))
        if len(kept.x) > 1:  # a lone point (one epoch, or a run stopped early) keeps its dot
            kept.curve.setSymbol(None)
        else:
            kept.curve.setSymbolBrush(run_color(self._number, _FAINT_ALPHA))
            kept.curve.setSymbolPen(None)
        kept.curve.setZValue(-1)
        self._old.append((self._number, kept.curve))
        while len(self._old) > MAX_OLD_RUNS:
            self._remove(self._old.pop(0)[1])

    def _remove(self, curve: pg.PlotDataItem) -> None:
        self.legend.removeItem(curve)
        self.getPlotItem().removeItem(curve)

    def _make_series(self, number: int, name: str) -> dict[str, _Series]:
        raise NotImplementedError

    def _curve(self, pen: object, name: str | None = None, **style: object) -> _Series:
        return _Series(self.getPlotItem().plot([], [], pen=pen, name=name, **style))


class LossPlot(RunPlot):
    """Training loss per report (every few batches): the raw values faint, an EMA on top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, {"left": log_axis()})
        self.setObjectName("lossPlot")
        saveable(self)
        item = self.getPlotItem()
        item.setTitle(self.tr("Training loss"), size="10pt")
        item.setLabel("bottom", self.tr("epoch"))
        item.setLabel("left", self.tr("loss (log scale)"))
        item.setLogMode(x=False, y=True)
        self._ema = 0.0
        self._ema_count = 0

    def add_loss(self, epoch: float, loss: float) -> None:
        """Append one loss value at (fractional) ``epoch``; non-finite values are skipped."""
        if not self._series or not math.isfinite(loss) or loss <= 0:
            return
        self._ema = EMA_WEIGHT * self._ema + (1 - EMA_WEIGHT) * loss
        self._ema_count += 1
        smoothed = self._ema / (1 - EMA_WEIGHT ** self._ema_count)
        self._series["raw"].append(epoch, loss)
        self._series["main"].append(epoch, smoothed)

    def _make_series(self, number: int, name: str) -> dict[str, _Series]:
        self._ema, self._ema_count = 0.0, 0
        raw = self._curve(pg.mkPen(run_color(number, 70), width=1))
        main = self._curve(pg.mkPen(run_color(number), width=2), name=name)
        return {"raw": raw, "main": main}


class AccuracyPlot(RunPlot):
    """Train and test accuracy (%) after each epoch."""

    _legend_columns = 2  # short names ("#2 test"): two columns keep the legend low

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accuracyPlot")
        saveable(self)
        item = self.getPlotItem()
        item.setTitle(self.tr("Accuracy per epoch"), size="10pt")
        item.setLabel("bottom", self.tr("epoch"))
        item.setLabel("left", self.tr("accuracy (%)"))
        view = item.getViewBox()
        view.setLimits(yMin=0, yMax=100)
        view.setYRange(0, 100, padding=0)  # empty: show the scale of a percentage, not 0..1
        view.enableAutoRange(axis="y")

    def add_epoch(self, epoch: int, train_accuracy: float, test_accuracy: float) -> None:
        """Append one epoch's accuracies (fractions 0..1; shown in %)."""
        if not self._series:
            return
        self._series["train"].append(epoch, 100 * train_accuracy)
        self._series["main"].append(epoch, 100 * test_accuracy)

    def _make_series(self, number: int, name: str) -> dict[str, _Series]:
        color = run_color(number)
        # "#2 test": the full name is in the loss plot's legend, in the same colour; this
        # plot is too narrow to repeat it.
        label = self.tr("#{0} test").format(number)
        test = self._curve(pg.mkPen(color, width=2), name=label,
                           symbol="o", symbolSize=6, symbolBrush=color, symbolPen=None)
        train = self._curve(pg.mkPen(color, width=1.5, style=Qt.PenStyle.DashLine),
                            name=self.tr("train (dashed)"))
        return {"main": test, "train": train}
