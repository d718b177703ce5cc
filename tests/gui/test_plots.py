"""The training plots label their axes readably whatever the range of the data."""

from __future__ import annotations

import math

import pytest

from app.widgets.plots import AccuracyPlot, LossPlot


def _labels(plot: LossPlot, side: str) -> list[str]:
    axis = plot.getPlotItem().getAxis(side)
    low, high = plot.getPlotItem().getViewBox().viewRange()[0 if side == "bottom" else 1]
    levels = axis.tickValues(low, high, 400)
    return axis.tickStrings(levels[0][1], 1.0, levels[0][0] or 1.0)


@pytest.mark.parametrize("losses,expected", [
    ([2.31, 2.29, 2.28, 2.27], {"2.28", "2.3"}),      # early LeNet-5: flat around ln 10
    ([2.4, 2.2, 1.8, 1.6], {"1.8", "2", "2.2"}),        # between two 1-2-5 values
    ([2.4, 2.2, 1.6, 1.1], {"1.6", "2"}),               # 1 sits at the edge, not drawn
    ([2.3, 0.9, 0.2, 0.05], {"0.05", "0.1", "0.2", "0.5", "1", "2"}),  # 1-2-5 per decade
])
def test_loss_axis_has_distinct_readable_labels(qtbot, losses, expected) -> None:  # noqa: ANN001
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.begin_run(1, "run")
    for i, loss in enumerate(losses):
        plot.add_loss(i / 10, loss)
    plot.redraw()
    plot.getPlotItem().getViewBox().autoRange()
    labels = _labels(plot, "left")
    assert len(labels) == len(set(labels)) >= 3
    assert expected <= set(labels)
    assert all(math.isfinite(float(text)) for text in labels)


def test_fractional_epochs_are_not_rescaled_with_an_si_prefix(qtbot) -> None:  # noqa: ANN001
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.begin_run(1, "run")
    for i in range(40):  # the first tenth of an epoch
        plot.add_loss(i / 400, 2.3)
    plot.redraw()
    plot.getPlotItem().getViewBox().autoRange()
    axis = plot.getPlotItem().getAxis("bottom")
    assert axis.labelString().find("x0.001") == -1 and axis.autoSIPrefixScale == 1.0


def test_an_empty_accuracy_plot_shows_a_percentage_scale(qtbot) -> None:  # noqa: ANN001
    plot = AccuracyPlot()
    qtbot.addWidget(plot)
    low, high = plot.getPlotItem().getViewBox().viewRange()[1]
    assert low == pytest.approx(0, abs=1) and high == pytest.approx(100, abs=1)



def test_an_earlier_run_with_one_point_stays_visible(qtbot) -> None:  # noqa: ANN001
    from app.widgets.plots import AccuracyPlot

    plot = AccuracyPlot()
    qtbot.addWidget(plot)
    plot.begin_run(1, "#1 stopped after one epoch")
    plot.add_epoch(1, 0.5, 0.707)
    plot.redraw()
    plot.begin_run(2, "#2")  # run 1 becomes a faint earlier run
    earlier = [curve for _, curve in plot._old]
    with_points = [c for c in earlier if len(c.getData()[0] or []) == 1]
    assert with_points, "the one-epoch run left no curve"
    # a single point drawn without a symbol is invisible: it keeps its dot
    assert all(c.opts["symbol"] is not None for c in with_points)
