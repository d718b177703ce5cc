"""Log-scale loss axes stay readable: short axes label decades only, numbers written plainly."""

from __future__ import annotations

import math

import pyqtgraph as pg

from app.widgets.kernel_pictures import KernelLossPlot
from app.widgets.log_axis import LABEL_PITCH, log_axis


def _labelled(low: float, high: float, size: float) -> list[float]:
    axis = log_axis()
    levels = axis.logTickValues(low, high, size, pg.AxisItem.tickValues(axis, low, high, size))
    return [float(f"{10 ** v:.6g}") for v in levels[0][1]]


def test_short_axis_over_many_decades_labels_only_what_fits(qtbot) -> None:  # noqa: ANN001
    tall = _labelled(-2.3, 2.6, 400)  # 0.005 … 400 on a tall axis: 1, 2 and 5 of each decade
    assert {0.01, 0.02, 0.05, 1.0, 2.0, 5.0, 100.0} <= set(tall)
    short = _labelled(-2.3, 2.6, 110)  # the kernel learner's small plot
    assert short == [0.01, 0.1, 1.0, 10.0, 100.0]
    assert len(short) * LABEL_PITCH <= 110
    tiny = _labelled(-8, 3, 60)  # eleven decades in 60 px: every few decades
    assert 2 <= len(tiny) <= 60 // LABEL_PITCH and all(math.log10(v).is_integer() for v in tiny)
    assert all(10 ** (b - a) > 10 for a, b in zip(map(math.log10, tiny), map(math.log10, tiny[1:]),
                                                strict=False))


def test_tick_numbers_are_written_plainly(qtbot) -> None:  # noqa: ANN001
    axis = log_axis()
    values = [math.log10(v) for v in (0.01, 1, 100, 200, 1e6)]
    assert axis.logTickStrings(values, 1, 1) == ["0.01", "1", "100", "200", "1e+06"]


def test_empty_kernel_loss_plot_starts_at_step_zero(qtbot) -> None:  # noqa: ANN001
    plot = KernelLossPlot()
    qtbot.addWidget(plot)
    view = plot.getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = view.viewRange()
    assert (x0, x1) == (0, 100) and (y0, y1) == (-1, 1)
    plot.add_point(0, 21.7)
    plot.redraw()
    (x0, x1), (y0, y1) = view.viewRange()
    assert x0 == 0 and math.isclose((y0 + y1) / 2, math.log10(21.7))
    for step in range(1, 50):
        plot.add_point(step, 21.7 / (step + 1))
    plot.redraw()
    assert view.autoRangeEnabled()[0]  # a curve: fitted to it
