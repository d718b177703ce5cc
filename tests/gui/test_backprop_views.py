"""Backpropagation made visible (gradient norms while training, weights on hover) and an
honest optimizer form (plain SGD unless momentum is set), with real clicks and keys."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from app.widgets.kernel_view import KernelView, kernel_at, kernel_mosaic
from app.widgets.training_panel import TrainingPanel
from cnn_core.analysis.inspection import conv_kernels
from cnn_core.models import create_model

RUN_TIMEOUT = 120_000  # ms; a shared 2-core machine can be slow


@pytest.fixture
def panel(qtbot) -> Iterator[TrainingPanel]:  # noqa: ANN001
    widget = TrainingPanel()
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def _pick(qtbot, combo, data: str) -> None:  # noqa: ANN001
    """Choose an item with the keyboard, as a user tabbing through the form does."""
    combo.setFocus()
    while combo.currentData() != data:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"{data!r} not reachable"


def test_sgd_is_called_sgd_and_momentum_is_its_own_control(qtbot, panel) -> None:  # noqa: ANN001
    form = panel.form
    titles = [form.optimizerCombo.itemText(i) for i in range(form.optimizerCombo.count())]
    assert "SGD" in titles and not any("momentum" in t for t in titles)
    form.modelCombo.setCurrentIndex(form.modelCombo.findData("lenet5"))
    assert form.optimizerCombo.currentData() == "sgd"
    assert form.momentumSpin.value() == 0.0  # the tutorials' recipe: no momentum
    assert form.momentumSpin.isEnabled()
    assert form.momentumSpin.maximum() == pytest.approx(0.99)
    form.optimizerCombo.setCurrentIndex(0)
    _pick(qtbot, form.optimizerCombo, "adam")
    assert not form.momentumSpin.isEnabled()
    form.optimizerCombo.setCurrentIndex(form.optimizerCombo.findData("sgd"))
    assert form.momentumSpin.isEnabled()
    form.momentumSpin.setFocus()
    qtbot.keyClick(form.momentumSpin.lineEdit(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(form.momentumSpin.lineEdit(), "0.5")
    qtbot.keyClick(form.momentumSpin.lineEdit(), Qt.Key.Key_Return)
    assert form.config().momentum == pytest.approx(0.5)
    form.save_settings()
    again = TrainingPanel()
    qtbot.addWidget(again)
    assert again.form.momentumSpin.value() == pytest.approx(0.5)


def test_training_draws_one_gradient_curve_per_layer(qtbot, panel) -> None:  # noqa: ANN001
    form = panel.form
    form.modelCombo.setCurrentIndex(form.modelCombo.findData("lenet5"))
    form.maxSamplesSpin.setValue(800)
    form.epochsSpin.setValue(1)
    form.seedSpin.setValue(0)
    form.deviceCombo.setCurrentIndex(form.deviceCombo.findData("cpu"))
    form.momentumSpin.setValue(0.9)
    panel.max_test_samples = 100
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT) as done:
        qtbot.mouseClick(panel.trainButton, Qt.MouseButton.LeftButton)
    plot = panel.findChild(type(panel.gradientPlot), "gradientNormPlot")
    assert plot is panel.gradientPlot
    layers = ["conv1", "conv2", "fc1", "fc2", "fc3"]
    assert plot.layers() == layers and plot.legend_names() == layers
    assert plot.getPlotItem().ctrl.logYCheck.isChecked()  # log y axis
    assert all(plot.point_count(layer) >= 1 for layer in layers)
    assert done.args[0].meta["config"]["momentum"] == pytest.approx(0.9)
    for layer in layers:
        _, ys = plot._curves[layer].getOriginalDataset()
        assert np.all(np.isfinite(ys)) and np.all(ys > 0)


def test_mosaic_pixels_map_back_to_weights() -> None:
    weights = np.arange(6 * 2 * 3 * 3, dtype=np.float32).reshape(6, 2, 3, 3)
    mosaic, _, _ = kernel_mosaic(weights)
    for row in range(mosaic.shape[0]):
        for column in range(mosaic.shape[1]):
            at = kernel_at(weights.shape, row, column)
            if at is None:
                assert np.isnan(mosaic[row, column])
            else:
                assert mosaic[row, column] == weights[at]
    single = np.arange(6 * 25, dtype=np.float32).reshape(6, 1, 5, 5)
    mosaic, _, _ = kernel_mosaic(single)
    assert mosaic[6 + 2, 6 + 1] == single[kernel_at(single.shape, 8, 7)]


def test_hovering_a_kernel_shows_its_weights_and_bias(qtbot) -> None:  # noqa: ANN001
    view = KernelView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    model = create_model("lenet5", seed=0)
    view.set_kernels(conv_kernels(model))
    view.select_layer("features.conv1")
    qtbot.wait(50)
    conv1 = model.features.conv1
    # the centre of kernel 4's pixel (row 2, column 3), in the graphics view's coordinates
    target = kernel_at((6, 1, 5, 5), 6 + 2, 6 + 3)
    assert target == (4, 0, 2, 3)
    scene = view.imageItem.mapToScene(6 + 3 + 0.5, 6 + 2 + 0.5)
    point = view.graphics.mapFromScene(scene)
    QTest.mouseMove(view.graphics.viewport(), QPoint(point.x(), point.y()))
    qtbot.waitUntil(lambda: view.hovered() == (4, 0, 2, 3))
    text = view.hoverLabel.text()
    weight = conv1.weight[4, 0, 2, 3].item()
    assert f"{weight:+.4f}" in text and f"bias {conv1.bias[4].item():+.4f}" in text
    assert "output 4" in text
    assert f"{conv1.weight[4, 0, 0, 0].item():+.3f}" in view.graphics.toolTip()
