"""The gradient plot's y-axis title stays whole in the Train tab, before a run and during one."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from app.widgets.axis_title import two_lines
from app.widgets.gradient_plot import GradientNormPlot

# the parameterised layers of digitnet, the Train tab's default model: two legend rows
LAYERS = ("conv1", "bn1", "conv2", "bn2", "conv3", "bn3", "conv4", "bn4", "fc1", "fc2")


def _settle() -> None:
    for _ in range(3):  # a resize lays out the plot, which resizes its axes, ...
        QApplication.processEvents()


def _rect(plot: GradientNormPlot, item, rect) -> QRect:  # noqa: ANN001
    """``rect`` of a graphics ``item`` in the plot widget's pixels."""
    return plot.mapFromScene(item.mapRectToScene(rect)).boundingRect()


def _title(plot: GradientNormPlot) -> QRect:
    """The y-axis title's text (without the text item's empty margins)."""
    label = plot.getPlotItem().getAxis("left").label
    margin = label.document().documentMargin()
    return _rect(plot, label, label.boundingRect().adjusted(margin, margin, -margin, -margin))


def _fill(plot: GradientNormPlot) -> None:
    for step in range(30):
        plot.add_norms(step / 10, tuple((layer, 10.0 ** (-k / 3 - step / 30))
                                        for k, layer in enumerate(LAYERS)))
    plot.redraw()
    _settle()


def _assert_whole(plot: GradientNormPlot, where: str) -> None:
    title = _title(plot)
    assert plot.rect().contains(title), (where, title, plot.rect())
    legend = _rect(plot, plot.legend, plot.legend.boundingRect())
    assert not (plot.legend.items and title.intersects(legend)), (where, title, legend)
    assert title.height() > title.width()  # still written along the axis


def _assert_curves_and_axis_in_view(plot: GradientNormPlot, where: object) -> None:
    """The curves keep a band of height and the x axis stays inside the widget, whatever
    the legend holds (a ten-layer legend under the plot once left the curves no height)."""
    item = plot.getPlotItem()
    view = _rect(plot, item.vb, item.vb.boundingRect())
    bottom = item.getAxis("bottom")
    axis = _rect(plot, item, bottom.geometry())  # its place in the layout (the bounding
    # rectangle also spans the grid lines)
    assert view.height() >= 40, (where, view)
    assert plot.rect().contains(axis), (where, axis, plot.rect())
    legend = _rect(plot, plot.legend, plot.legend.boundingRect())
    # (whole pixels around fractional edges: 2 px of slack)
    assert not (plot.legend.items and legend.adjusted(2, 0, 0, 0).intersects(view)), \
        (where, legend, view)


def test_title_is_whole_in_the_train_tab_empty_and_with_data(qtbot, window) -> None:  # noqa: ANN001
    panel = window.training_panel
    window.tabs.setCurrentWidget(panel)
    plot = panel.gradientPlot
    assert plot.getPlotItem().getAxis("left").labelText == "L2 norm (log)"
    assert plot.legend.boundingRect().width() == 0  # no layers yet: no empty legend column
    for state, size in (("empty", (1280, 800)), ("empty", (1920, 1080)),
                        ("data", (1920, 1080)), ("data", (1280, 800))):
        if state == "data" and not plot.layers():
            _fill(plot)
        window.resize(*size)
        _settle()
        _assert_whole(plot, (size, state))
        _assert_curves_and_axis_in_view(plot, (size, state))
    plot.clear_run()  # a new run: empty again, no legend left beside the curves
    _settle()
    assert plot.legend.boundingRect().width() == 0
    _assert_whole(plot, "cleared")


def _unconstrained() -> GradientNormPlot:
    """A plot that may be made shorter than the Train tab ever makes it (its minimum)."""
    plot = GradientNormPlot()
    plot.setMinimumSize(0, 0)
    return plot


def test_title_takes_two_lines_when_the_plot_is_too_short(show) -> None:  # noqa: ANN001
    # empty: a legend beside the curves needs more height than 90 px (the widget's minimum
    # is 160), and the title's fitting does not depend on it
    plot = show(_unconstrained(), (444, 240))  # the Train tab's width at 1280×800
    axis = plot.getPlotItem().getAxis("left")
    one_line = _title(plot)
    plot.resize(444, 62)  # too short for the title on one line beside the plot's axes
    _settle()
    _assert_whole(plot, "short")
    assert "<br" in axis.label.toHtml() and _title(plot).height() < one_line.height()
    plot.resize(444, 240)  # tall again: one line
    _settle()
    assert "<br" not in axis.label.toHtml() and _title(plot).height() == one_line.height()
    _assert_whole(plot, "tall again")


def test_title_is_whole_at_any_plot_height(show) -> None:  # noqa: ANN001
    plot = show(_unconstrained(), (444, 90))
    for heights, state in (((90, 110, 130, 142, 180, 254), "empty"),
                           ((254, 200, 160), "data")):  # down to the widget's minimum
        if state == "data":
            _fill(plot)
        for height in heights:
            plot.resize(444, height)
            _settle()
            _assert_whole(plot, (height, state))


def test_two_lines_breaks_at_the_middle_space() -> None:
    assert two_lines("L2 norm (log)") == "L2 norm\n(log)"
    assert two_lines("loss on a log scale") == "loss on a\nlog scale"
    assert two_lines("norm") == "norm"
