"""Inside BatchNorm: opened from a BatchNorm layer's card, switched between modes by clicks."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from digit_strokes import DIGITS
from PySide6.QtCore import Qt

from app.main_window import MainWindow
from app.widgets.batchnorm_view import BatchNormDialog
from cnn_core.checkpoints import Checkpoint, make_metadata
from cnn_core.models import create_model


@pytest.fixture
def bn_window(window_for: Callable[[Checkpoint], MainWindow]) -> MainWindow:
    """A window whose canvas model has BatchNorm layers (LeNet with BatchNorm, untrained)."""
    model = create_model("lenet_bn", seed=0)
    return window_for(Checkpoint(model, make_metadata(model)))


def test_look_inside_a_batchnorm_layer_in_both_modes(bn_window: MainWindow, draw,
                                                      qtbot) -> None:
    window = bn_window
    view = window.feature_map_view
    window.tabs.setCurrentWidget(view)
    draw(window.canvas, DIGITS[5])
    qtbot.waitUntil(lambda: len(view.cards()) > 5)
    cards = {card.name: card for card in view.cards()}
    assert not cards["features.conv1"].insideButton.isVisible()
    card = cards["features.bn2"]
    button = card.insideButton
    qtbot.waitUntil(button.isVisible)

    def in_view() -> bool:  # scrolled to once laid out
        view.scrollArea.ensureWidgetVisible(card)
        return window.childAt(button.mapTo(window, button.rect().center())) is button

    qtbot.waitUntil(in_view)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    dialog = view.findChild(BatchNormDialog)
    assert dialog is not None and dialog.isVisible()
    bn = dialog.view
    assert bn.objectName() == "batchNormView"
    assert [bn.layerCombo.itemText(i) for i in range(bn.layerCombo.count())] == [
        "features.bn1", "features.bn2", "classifier.bn1", "classifier.bn2"]
    qtbot.waitUntil(lambda: bn.inside() is not None and bn.inside().layer == "features.bn2",
                    timeout=10_000)
    inside = bn.inside()
    assert bn.table.rowCount() == 16  # LeNet's second convolution: 16 channels
    shown = [[bn.table.item(row, col).text() for col in range(6)] for row in range(16)]
    assert shown[3][0] == f"{inside.batch_mean[3]:.4g}"  # μ_B
    assert shown[3][1] == f"{np.sqrt(inside.batch_var[3]):.4g}"  # σ_B
    assert shown[3][3] == f"{np.sqrt(inside.running_var[3]):.4g}"  # running σ
    assert shown[3][4] == f"{inside.gamma[3]:.4g}" and shown[3][5] == f"{inside.beta[3]:.4g}"
    # the maps are the layer's input (what the Feature maps tab shows for conv2) and output
    np.testing.assert_allclose(bn.beforeGrid.values(), cards["features.conv2"].grid.values(),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(bn.afterGrid.values(), inside.after_eval)
    assert "running" in bn.modeNote.text()
    assert bn.table.horizontalHeaderItem(2).font().bold()

    qtbot.mouseClick(bn.trainButton, Qt.MouseButton.LeftButton)
    assert bn.train_mode() and not bn.evalButton.isChecked()
    np.testing.assert_allclose(bn.afterGrid.values(), inside.after_train)
    assert not np.allclose(inside.after_train, inside.after_eval)  # it does look different
    assert "own μ_B" in bn.modeNote.text() and "train mode" in bn.afterLabel.text()
    assert bn.table.horizontalHeaderItem(0).font().bold()

    # a flat BatchNorm: one value per unit has no batch statistics for one drawing
    bn.layerCombo.setCurrentIndex(2)
    qtbot.waitUntil(lambda: bn.inside().layer == "classifier.bn1", timeout=10_000)
    assert "batch of one" in bn.afterLabel.text() and bn.afterGrid.count() == 0
    assert bn.table.item(0, 0).text() == "—"
    qtbot.mouseClick(bn.evalButton, Qt.MouseButton.LeftButton)
    assert bn.afterGrid.count() == 120
