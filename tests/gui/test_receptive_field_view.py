"""Pointing at a feature-map cell outlines the patch of the drawing it sees."""

from __future__ import annotations

import numpy as np
from digit_strokes import DIGITS
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from app.main_window import MainWindow
from cnn_core.models.receptive_field import ReceptiveFields


def _tooltip_at(widget, pos: QPoint) -> str:  # noqa: ANN001
    """What the widget's tooltip says at ``pos`` (the event Qt sends after a pause)."""
    event = QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos))
    widget.event(event)
    text = QToolTip.text()
    QToolTip.hideText()
    return text


def _hover(qtbot, window, card, row: int, col: int) -> QPoint:  # noqa: ANN001
    """Move the mouse onto cell (row, col) of the card's first map, scrolled into view."""
    grid = card.grid
    tile = grid.tile_rect(0)
    height, width = grid.values().shape[1:]
    pos = QPoint(tile.x() + int((col + 0.5) * tile.width() / width),
                 tile.y() + int((row + 0.5) * tile.height() / height))

    def in_view() -> bool:  # scrolled to once laid out
        window.feature_map_view.scrollArea.ensureWidgetVisible(card)
        return window.childAt(grid.mapTo(window, pos)) is grid

    qtbot.waitUntil(in_view)
    QTest.mouseMove(grid, pos)
    return pos


def test_the_frame_lands_on_the_strokes_where_they_were_drawn(window: MainWindow, draw,
                                                              qtbot) -> None:
    view = window.feature_map_view
    window.tabs.setCurrentWidget(view)
    small = [[(0.05 + 0.35 * x, 0.05 + 0.35 * y) for x, y in stroke] for stroke in DIGITS[7]]
    draw(window.canvas, small)  # a small 7 in the top-left corner
    qtbot.waitUntil(lambda: len(view.cards()) > 3)
    image28 = window.inference.last_prediction().preprocessed.image28
    row, col = np.unravel_index(np.argmax(image28), image28.shape)  # the strongest ink
    card = view.cards()[0]  # conv1: 5×5 windows, padding 2, one cell per pixel
    _hover(qtbot, window, card, int(row), int(col))
    overlay = window.receptive_field_overlay
    qtbot.waitUntil(overlay.isVisible)
    assert overlay.frame().top <= row <= overlay.frame().bottom
    # the frame, from widget pixels to the drawing's 280×280 pixels
    view_rect, rect = window.canvas.visible_rect(), overlay.frame_rect()
    scale = 280 / view_rect.width()
    x0, y0 = (rect.x() - view_rect.x()) * scale, (rect.y() - view_rect.y()) * scale
    x1, y1 = x0 + rect.width() * scale, y0 + rect.height() * scale
    ink = window.canvas.image_array()
    assert ink[int(y0):int(np.ceil(y1)), int(x0):int(np.ceil(x1))].max() > 0  # on the strokes
    assert x1 < 140 and y1 < 140  # in the corner drawn in, not where ×10 would put it
    assert rect.width() < 5 * 10  # the 7 was drawn small: 5 of its pixels are under 50 px


def test_hovering_a_cell_outlines_its_field_on_the_canvas(window: MainWindow, draw,
                                                           qtbot) -> None:
    view = window.feature_map_view
    window.tabs.setCurrentWidget(view)
    draw(window.canvas, DIGITS[1])
    qtbot.waitUntil(lambda: len(view.cards()) > 3)
    overlay = window.receptive_field_overlay
    assert overlay.objectName() == "receptiveFieldOverlay" and not overlay.isVisible()

    card = next(c for c in view.cards() if c.name == "features.pool1")  # LeNet: 6×14×14
    grid = card.grid
    row, col = 3, 5
    pos = _hover(qtbot, window, card, row, col)
    qtbot.waitUntil(overlay.isVisible)

    expected = ReceptiveFields(window.checkpoint().model.spec).cell("features.pool1", row, col)
    assert overlay.frame() == expected and (expected.height, expected.width) == (6, 6)
    sentence = "Receptive field 6×6 px (layer pool1, cell (3, 5))"
    assert overlay.toolTip() == sentence
    assert sentence in _tooltip_at(grid, pos)
    # on the canvas the frame sits where preprocessing put those 28×28 pixels
    rect = overlay.frame_rect()
    square = overlay.square_rect()
    assert abs(rect.x() - (square.x() + expected.left * square.width() / 28)) < 1e-6
    assert rect.width() > 0 and window.canvas.visible_rect().intersects(rect.toRect())
    assert overlay.input_frame.isVisible()
    assert overlay.input_frame.rect().width() == 6
    # the effective field arrives from the worker: inside the frame only
    qtbot.waitUntil(lambda: not overlay.heat().isNull(), timeout=10_000)
    alpha = np.array([[overlay.heat().pixelColor(x, y).alpha() for x in range(28)]
                      for y in range(28)])
    outside = np.ones((28, 28), bool)
    outside[expected.top:expected.bottom + 1, expected.left:expected.right + 1] = False
    assert alpha[~outside].any() and not alpha[outside].any()

    QTest.mouseMove(view.hoverLabel, QPoint(2, 2))  # off the maps
    grid.leaveEvent(QEvent(QEvent.Type.Leave))  # what Qt sends as the pointer leaves
    qtbot.waitUntil(lambda: not overlay.isVisible())
    assert not overlay.input_frame.isVisible() and overlay.heat().isNull()


def test_hovering_the_convolution_output_frames_its_field(window: MainWindow, draw,
                                                          qtbot) -> None:
    draw(window.canvas, DIGITS[3])
    explorer = window.conv_explorer
    window.tabs.setCurrentWidget(explorer)
    qtbot.waitUntil(lambda: explorer.isVisible() and not explorer._dirty)
    c = explorer.controls
    source = next(i for i, (layer, _) in enumerate(explorer.inputs.origins)
                  if layer == "features.pool1")  # LeNet: 6×14×14, each cell 6×6 pixels
    c.inputCombo.setCurrentIndex(source)
    c.strideSpin.setValue(2)  # 3×3, stride 2: output (i, j) reads pool1 rows 2i .. 2i + 2
    qtbot.waitUntil(lambda: explorer.output() is not None
                    and explorer.output().shape[1:] == (6, 6))
    qtbot.mouseClick(c.finishButton, Qt.MouseButton.LeftButton)
    view = explorer.pictures._output_view
    plot = explorer.pictures.output.plot
    overlay = window.receptive_field_overlay
    row, col = 2, 1
    scene = plot.vb.mapViewToScene(QPointF(col + 0.5, row + 0.5))
    QTest.mouseMove(view.viewport(), view.mapFromScene(scene))
    qtbot.waitUntil(overlay.isVisible)
    expected = ReceptiveFields(window.checkpoint().model.spec).region(
        "features.pool1", (4, 6), (2, 4))
    assert overlay.frame() == expected
    assert overlay.toolTip() == (f"Receptive field {expected.height}×{expected.width} px "
                                 f"(layer convolution output, cell (2, 1))")
    qtbot.waitUntil(lambda: not overlay.heat().isNull(), timeout=10_000)
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))
    qtbot.waitUntil(lambda: not overlay.isVisible())
