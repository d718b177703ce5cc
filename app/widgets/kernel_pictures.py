"""Pictures for the kernel learner: the input X, its target output Y, the target kernel and
the learned one (on the same symmetric colour scale), and the loss curve."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from .chart_export import saveable
from .log_axis import log_axis, style_log_plot
from .plots import static_plot

__all__ = ["KernelLossPlot", "KernelPictures"]

_DIVERGING = "CET-D1"


class KernelPictures(pg.GraphicsLayoutWidget):
    """Four panels in a row: X, Y = X ⋆ target, the target kernel, the learned kernel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kernelPictures")
        saveable(self)
        self.setBackground(None)
        self.setMinimumHeight(120)
        self._items: dict[str, pg.ImageItem] = {}
        self._plots: dict[str, pg.PlotItem] = {}
        # one row with short titles: the pictures get the height
        for index, (key, title) in enumerate((
                ("x", self.tr("input X")), ("y", self.tr("Y = X ⋆ target")),
                ("target", self.tr("target")), ("learned", self.tr("learned")))):
            plot = self.addPlot(row=0, col=index)
            plot.setTitle(title, size="9pt")
            plot.setAspectLocked(True)
            plot.invertY(True)
            plot.hideAxis("left")
            plot.hideAxis("bottom")
            static_plot(plot)
            item = pg.ImageItem(axisOrder="row-major")
            plot.addItem(item)
            self._items[key], self._plots[key] = item, plot
        diverging = pg.colormap.get(_DIVERGING)
        for key in ("y", "target", "learned"):
            self._items[key].setColorMap(diverging)
        self.colorBar = pg.ColorBarItem(values=(-1, 1), colorMap=diverging, interactive=False,
                                        width=12, label=self.tr("weight"))
        self.colorBar.setImageItem([self._items["target"], self._items["learned"]])
        self.addItem(self.colorBar, row=0, col=4)
        self._bound = 1.0

    def set_problem(self, x: np.ndarray, y: np.ndarray, target: np.ndarray) -> None:
        """Show the first input image, its target output and the target kernel."""
        self._items["x"].setImage(np.asarray(x, np.float32), autoLevels=False, levels=(0, 1))
        y_bound = max(float(np.abs(y).max()), 1e-6)
        self._items["y"].setImage(np.asarray(y, np.float32), autoLevels=False,
                                  levels=(-y_bound, y_bound))
        self._bound = max(float(np.abs(target).max()), 1e-6)
        self._items["target"].setImage(np.asarray(target, np.float32), autoLevels=False,
                                       levels=(-self._bound, self._bound))
        self.colorBar.setLevels((-self._bound, self._bound))

    def set_learned(self, kernel: np.ndarray) -> None:
        """Show the learned kernel on the target's colour scale (values beyond it saturate)."""
        self._items["learned"].setImage(np.asarray(kernel, np.float32), autoLevels=False,
                                        levels=(-self._bound, self._bound))

    def learned_image(self) -> np.ndarray | None:
        """The learned kernel as drawn (for tests)."""
        return self._items["learned"].image


class KernelLossPlot(pg.PlotWidget):
    """The loss per step on a log axis; points are pushed by :meth:`redraw` only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems={"left": log_axis()})
        self.setObjectName("kernelLossPlot")
        saveable(self)
        item = self.getPlotItem()
        style_log_plot(item, self.tr("Loss: sum of squared errors"), self.tr("step"),
                       self.tr("loss (log scale)"))
        self.setMinimumSize(220, 100)
        self.curve = item.plot([], [], pen=pg.mkPen("#1f77b4", width=2))
        self._x: list[float] = []
        self._y: list[float] = []
        self._dirty = True
        self._fixed_range = False
        self.redraw()  # the empty plot's scale

    def clear_points(self) -> None:
        """Forget the curve (a new run)."""
        self._x, self._y, self._dirty = [], [], True

    def add_point(self, step: int, loss: float) -> None:
        """Append one loss; zero and non-finite values cannot be drawn on a log axis."""
        if loss > 0 and np.isfinite(loss):
            self._x.append(step)
            self._y.append(loss)
            self._dirty = True

    def redraw(self) -> None:
        """Push new points to the curve."""
        if not self._dirty:
            return
        self.curve.setData(np.asarray(self._x, float), np.asarray(self._y, float))
        self._dirty = False
        view = self.getPlotItem().getViewBox()
        if len(self._y) < 2:  # nothing to fit yet: steps from 0, a decade each side of the loss
            middle = float(np.log10(self._y[0])) if self._y else 0.0
            view.setRange(xRange=(0, 100), yRange=(middle - 1, middle + 1), padding=0)
            self._fixed_range = True
        elif self._fixed_range:  # a curve now: fit it (a zoom of the user's is left alone)
            view.enableAutoRange()
            self._fixed_range = False

    def point_count(self) -> int:
        """Points drawn so far."""
        x, _ = self.curve.getOriginalDataset()
        return 0 if x is None else len(x)
