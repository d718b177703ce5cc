"""Before an evaluation the Evaluate charts show an empty frame, not ±400 axes in units of 0.001."""

from __future__ import annotations

from app.widgets.evaluation_plots import ConfusionView, PerClassPlot


def test_empty_confusion_matrix_and_per_class_plot(qtbot) -> None:  # noqa: ANN001
    confusion = ConfusionView()
    per_class = PerClassPlot()
    for widget in (confusion, per_class):
        qtbot.addWidget(widget)
        widget.resize(300, 240)
        widget.show()
    qtbot.waitExposed(per_class)
    (x0, x1), (y0, y1) = confusion.plot.vb.viewRange()
    assert -5 < x0 <= 0 and 10 <= x1 < 15  # the aspect lock may widen x a little
    assert -0.5 < y0 <= 0 and 10 <= y1 < 10.5
    assert confusion.plot.getAxis("bottom")._tickLevels == [[]]
    ticks = per_class.getAxis("bottom")._tickLevels[0]
    assert [text for _, text in ticks] == ["0%", "25%", "50%", "75%", "100%"]
    (x0, x1), _ = per_class.getPlotItem().vb.viewRange()
    assert x0 == 0 and x1 > 1
