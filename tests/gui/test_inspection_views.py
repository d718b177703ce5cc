"""Feature maps and kernels: shown for the drawing, updated live, enlarged on click."""

from __future__ import annotations

import numpy as np
from digit_strokes import DIGITS
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.main_window import MainWindow
from app.widgets.kernel_view import kernel_mosaic


def _show_tab(win: MainWindow, widget) -> None:  # noqa: ANN001
    win.tabs.setCurrentWidget(widget)


def test_feature_maps_follow_the_drawing(window: MainWindow, draw, qtbot) -> None:
    view = window.feature_map_view
    _show_tab(window, view)
    assert view.placeholder.isVisible() and not view.cards()

    draw(window.canvas, DIGITS[1])
    qtbot.waitUntil(lambda: len(view.cards()) > 0)
    names = [card.name for card in view.cards()]
    assert names[:3] == ["features.conv1", "features.relu1", "features.pool1"]
    assert names[-1] == "classifier.fc3"
    conv1 = view.cards()[0]
    assert "6×28×28" in conv1.titleLabel.text()
    assert conv1.formulaLabel.text() == "(28 + 2×2 − 5) / 1 + 1 = 28"  # LeNet's padded 5×5 conv
    assert view.cards()[2].formulaLabel.text() == "(28 + 2×0 − 2) / 2 + 1 = 14"
    assert not view.cards()[1].formulaLabel.isVisible()  # ReLU has no size formula
    assert conv1.grid.count() == 6 and conv1.grid.values().shape == (6, 28, 28)
    first = conv1.grid.values().copy()

    draw(window.canvas, [[(0.2, 0.3), (0.8, 0.3)]])  # a '7'-ish bar on top
    qtbot.waitUntil(lambda: not np.array_equal(view.cards()[0].grid.values(), first))

    window.canvas.clear()
    qtbot.waitUntil(lambda: view.placeholder.isVisible())


def test_maps_are_only_computed_while_their_tab_shows(window: MainWindow, draw, qtbot) -> None:
    _show_tab(window, window.kernel_view)
    draw(window.canvas, DIGITS[7])
    qtbot.waitUntil(lambda: window.inference.last_prediction().label is not None)
    assert not window.feature_map_view.cards()
    _show_tab(window, window.feature_map_view)
    qtbot.waitUntil(lambda: len(window.feature_map_view.cards()) > 0)


def test_clicking_a_map_shows_it_large_with_its_values(window: MainWindow, draw, qtbot) -> None:
    view = window.feature_map_view
    _show_tab(window, view)
    draw(window.canvas, DIGITS[0])
    qtbot.waitUntil(lambda: len(view.cards()) > 0)
    grid = view.cards()[0].grid
    qtbot.waitUntil(lambda: grid.width() > 100)
    QTest.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.tile_rect(2).center())
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.channel() == 2 and dialog.layer_name == "features.conv1"
    expected = grid.values()[2]
    assert np.array_equal(dialog.current_map(), expected)
    table = dialog.valueTable
    assert (table.rowCount(), table.columnCount()) == (28, 28)
    assert table.item(14, 14).text() == f"{expected[14, 14]:.2f}"

    dialog.channelSpin.setValue(4)  # browse the other channels
    assert np.array_equal(dialog.current_map(), grid.values()[4])
    dialog.close()


def test_kernels_show_every_conv_layer_with_symmetric_levels(window: MainWindow, qtbot) -> None:
    view = window.kernel_view
    _show_tab(window, view)
    qtbot.waitUntil(lambda: view.layerCombo.count() == 2)
    assert [view.layerCombo.itemText(i) for i in range(2)] == ["features.conv1",
                                                             "features.conv2"]
    weights = window.checkpoint().model.features.conv1.weight.detach().numpy()
    low, high = view.imageItem.getLevels()
    assert low == -high == -np.abs(weights).max()
    assert tuple(view.colorBar.levels()) == (low, high)

    view.select_layer("features.conv2")  # 16 out × 6 in × 5×5
    # in the tab's wide view, output channels run across (larger kernels than 16 rows of 6)
    assert view.imageItem.image.shape == (6 * 6 - 1, 16 * 6 - 1)
    assert "16 out × 6 in × 5×5" in view.infoLabel.text()


def test_kernel_mosaic_places_each_kernel_and_gaps() -> None:
    weights = np.arange(2 * 3 * 2 * 2, dtype=np.float32).reshape(2, 3, 2, 2)
    mosaic, rows, columns = kernel_mosaic(weights)
    assert (rows, columns) == (2, 3) and mosaic.shape == (5, 8)
    assert np.array_equal(mosaic[3:5, 6:8], weights[1, 2])
    assert np.isnan(mosaic[2]).all() and np.isnan(mosaic[:, 2]).all()


def test_training_snapshots_update_maps_and_kernels_live(window: MainWindow, draw, qtbot,
                                                         untrained) -> None:
    view = window.kernel_view
    _show_tab(window, view)
    qtbot.waitUntil(lambda: view.layerCombo.count() == 2)
    view.select_layer("features.conv2")
    for step in range(1, 4):  # several snapshots: only the latest is drawn
        snapshot = untrained.copy()
        snapshot.model.features.conv1.weight.data.fill_(0.01 * step)
        window.set_inspection_model(snapshot)
    assert view.layerCombo.currentText() == "features.conv2"  # the selection survives
    view.select_layer("features.conv1")
    qtbot.waitUntil(lambda: np.allclose(view.kernel_sets()[0].weights, 0.03))
    assert "Live" in view.sourceLabel.text()

    _show_tab(window, window.feature_map_view)
    draw(window.canvas, DIGITS[1])
    qtbot.waitUntil(lambda: len(window.feature_map_view.cards()) > 0)
    conv1 = window.feature_map_view.cards()[0].grid.values()
    assert np.allclose(conv1[0], conv1[1])  # all six filters equal in the snapshot

    window.set_model(untrained.copy())  # a run ended: back to the canvas model
    assert window.inference.snapshot() is None
    assert "Live" not in view.sourceLabel.text()
