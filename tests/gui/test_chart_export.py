"""Every chart saves as PNG, SVG and CSV through one helper, from its right-click menu."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from digit_strokes import DIGITS
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from app.widgets.chart_export import FORMATS, chart_data, chart_name, save_chart, saveable


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def _check_picture_files(view: pg.GraphicsView, folder: Path) -> None:
    png = save_chart(view, folder / "chart.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 50 and image.height() > 50
    svg = save_chart(view, folder / "chart.svg")
    root = ElementTree.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title").text == chart_name(view)


@pytest.fixture
def plot(qtbot):  # noqa: ANN001, ANN201
    """A plot with a named curve, an unnamed curve, vertical and horizontal bars."""
    widget = saveable(pg.PlotWidget(title="Bars and <b>curves</b>"))
    widget.setObjectName("testPlot")
    widget.plot([0, 1, 2], [3.5, 4, 5], name="loss")
    widget.plot([0, 1], [1, 2])
    widget.addItem(pg.BarGraphItem(x=np.arange(3), height=[0.1, 0.5, 0.4], width=0.7))
    widget.addItem(pg.BarGraphItem(x0=0, y=np.arange(2) + 10, height=0.7, width=[0.25, 0.75]))
    qtbot.addWidget(widget)
    widget.resize(320, 220)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_plot_saves_as_png_svg_and_its_points_as_csv(plot, tmp_path) -> None:  # noqa: ANN001
    _check_picture_files(plot, tmp_path)
    rows = _rows(save_chart(plot, tmp_path / "chart.csv"))
    assert rows[0] == ["series", "x", "y"]
    title = "Bars and curves"  # unnamed series take the plot's title, told apart
    assert rows[1:] == [
        ["loss", "0", "3.5"], ["loss", "1", "4"], ["loss", "2", "5"],
        [title, "0", "1"], [title, "1", "2"],
        [f"{title} (2)", "0", "0.1"], [f"{title} (2)", "1", "0.5"],
        [f"{title} (2)", "2", "0.4"],
        [f"{title} (3)", "0.25", "10"], [f"{title} (3)", "0.75", "11"]]
    assert chart_name(plot) == "bars-and-curves"


def test_an_image_saves_its_values_row_by_row(qtbot, tmp_path) -> None:  # noqa: ANN001
    view = saveable(pg.GraphicsLayoutWidget())
    view.setObjectName("testImage")
    item = pg.ImageItem(np.arange(6, dtype=float).reshape(2, 3), axisOrder="row-major")
    view.addPlot(title="Kernels").addItem(item)
    qtbot.addWidget(view)
    view.resize(300, 200)
    view.show()
    qtbot.waitExposed(view)
    _check_picture_files(view, tmp_path)
    rows = _rows(save_chart(view, tmp_path / "chart.csv"))
    assert rows == [["image", "row", "column", "value"],
                    *[["Kernels", str(r), str(c), str(3 * r + c)]
                      for r in range(2) for c in range(3)]]
    series, pictures = chart_data(view)
    assert series == [] and pictures[0].values.shape == (2, 3)


def test_another_format_is_refused(plot, tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="png, svg, csv"):
        save_chart(plot, tmp_path / "chart.pdf")


def _right_click_and_save(qtbot, view: pg.GraphicsView, monkeypatch, path: Path,  # noqa: ANN001
                          chosen: str = FORMATS["png"]) -> QMenu:
    """Right-click the middle of ``view`` with real mouse events, then click "Save chart…" in
    the menu that opens; the file dialog answers ``path`` with the ``chosen`` filter."""
    asked: list[str] = []

    def answer(parent, title: str, start: str, *filters: str) -> tuple[str, str]:  # noqa: ANN001
        asked.append(start)
        return str(path), chosen

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    viewport = view.viewport()
    middle = viewport.rect().center()
    QTest.mouseMove(viewport, middle)
    QTest.mouseClick(viewport, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                     middle)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    action = next(a for a in menu.actions() if a.text() == "Save chart…")
    spot = menu.actionGeometry(action).center()
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
    qtbot.waitUntil(lambda: len(asked) == 1)
    return menu


def test_right_clicking_charts_in_two_tabs_and_the_prediction_saves_them(
        window, draw, qtbot, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    draw(window.canvas, DIGITS[7])
    qtbot.waitUntil(lambda: window.inference.last_prediction().label is not None)

    # the prediction's bars, a chart without menu of its own: one "Save chart…" menu
    bars = window.prediction_panel.probabilityPlot
    menu = _right_click_and_save(qtbot, bars, monkeypatch, tmp_path / "answer",
                                 FORMATS["csv"])  # no suffix: the filter picks CSV
    assert menu is bars.chartSaver.menu
    rows = _rows(tmp_path / "answer.csv")
    assert [row[1] for row in rows[1:]] == [str(d) for d in range(10)]  # one bar per digit
    shown = window.inference.last_prediction().probabilities
    assert np.allclose([float(row[2]) for row in rows[1:]], shown, atol=1e-6)

    # the Kernels tab: an image
    kernels = window.kernel_view
    window.tabs.setCurrentWidget(kernels)
    qtbot.waitUntil(lambda: kernels.imageItem.image is not None)
    _right_click_and_save(qtbot, kernels.graphics, monkeypatch, tmp_path / "kernels.csv")
    rows = _rows(tmp_path / "kernels.csv")
    image = kernels.imageItem.image
    assert rows[0] == ["image", "row", "column", "value"] and len(rows) == 1 + image.size
    row, column, value = rows[1 + image.shape[1] + 2][1:]  # second row, third column
    assert (row, column) == ("1", "2") and float(value) == pytest.approx(image[1, 2])

    # the Train tab: a plot whose own menu (view options) now offers "Save chart…"
    panel = window.training_panel
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.lossPlot.isVisible() and panel.lossPlot.width() > 100)
    menu = _right_click_and_save(qtbot, panel.lossPlot, monkeypatch, tmp_path / "loss.svg",
                                 FORMATS["png"])  # the typed suffix wins over the filter
    assert menu is not panel.lossPlot.chartSaver.menu  # pyqtgraph's own view menu
    assert not any(a.text() == "Export..." for a in menu.actions())  # one way to save
    assert ElementTree.parse(tmp_path / "loss.svg").getroot().tag.endswith("svg")


def test_every_pyqtgraph_chart_in_the_window_can_be_saved(window, qtbot) -> None:  # noqa: ANN001
    for index in range(window.tabs.count()):
        window.select_tab(index)
    views = window.findChildren(pg.GraphicsView)
    assert len(views) >= 15
    missing = [view.objectName() for view in views if not hasattr(view, "chartSaver")]
    assert not missing, f"charts without Save chart…: {missing}"


def test_the_confusion_matrix_saves_its_counts_not_its_shading(qtbot, tmp_path) -> None:  # noqa: ANN001
    from types import SimpleNamespace

    from app.widgets.evaluation_plots import ConfusionView

    view = ConfusionView()
    qtbot.addWidget(view)
    counts = np.array([[980, 0, 3], [2, 1130, 0], [7, 1, 1020]])
    view.set_result(SimpleNamespace(confusion=counts, classes=("0", "1", "2")))
    rows = _rows(save_chart(view, tmp_path / "confusion.csv"))
    assert rows[0] == ["image", "row", "column", "value"]
    values = {(int(r), int(c)): int(v) for _, r, c, v in rows[1:]}
    assert values == {(r, c): int(counts[r, c]) for r in range(3) for c in range(3)}
