"""The convolution explorer, driven with real mouse and key events."""

from __future__ import annotations

import os
import re

import numpy as np
import torch
import torch.nn.functional as F
from digit_strokes import DIGITS
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from cnn_core.analysis.conv_presets import KERNEL_PRESETS
from cnn_core.data.preprocess import preprocess


def _open(window, qtbot):  # noqa: ANN001, ANN202
    explorer = window.conv_explorer
    window.tabs.setCurrentWidget(explorer)
    qtbot.waitUntil(explorer.isVisible)
    assert window.tabs.indexOf(explorer) >= 0
    assert explorer.objectName() == "convExplorer"
    return explorer


def _number(label) -> float:  # noqa: ANN001
    """The value after the last '=' of a label."""
    return float(label.text().rsplit("=", 1)[1].strip().replace("(", "").replace(")", ""))


def _grab(widget, name: str) -> None:  # noqa: ANN001
    folder = os.environ.get("DIGITLAB_GRAB_DIR")
    if folder:
        widget.grab().save(os.path.join(folder, name))


def test_stepping_shows_the_sums_conv2d_computes(window, qtbot, draw) -> None:  # noqa: ANN001
    draw(window.canvas, DIGITS[3])
    explorer = _open(window, qtbot)
    c = explorer.controls
    qtbot.waitUntil(lambda: not explorer._dirty)
    # a 3×3 Sobel x with padding 1, stride 2: set with the keyboard
    c.paddingSpin.setFocus()
    QTest.keyClick(c.paddingSpin, Qt.Key.Key_Up)
    c.strideSpin.setFocus()
    QTest.keyClick(c.strideSpin, Qt.Key.Key_Up)
    assert explorer.controls.settings().padding == (1, 1)
    assert explorer.controls.settings().stride == (2, 2)
    image28 = preprocess(window.canvas.model_input()).image28.astype(np.float64)
    kernel = torch.from_numpy(KERNEL_PRESETS["sobel_x"])[None, None]
    expected = F.conv2d(torch.from_numpy(image28)[None, None], kernel, padding=1, stride=2)[0, 0]
    expected = expected + c.biasSpin.value()
    # walk the window into the digit: 14 rows of 14, so to row 6, column 5 and on
    qtbot.mouseClick(c.finishButton, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(c.resetButton, Qt.MouseButton.LeftButton)
    assert explorer.positions_done() == 0
    explorer.setFocus()
    for _ in range(6 * 14 + 4):
        QTest.keyClick(explorer, Qt.Key.Key_Right)
    seen = []
    for _ in range(5):
        qtbot.mouseClick(c.stepButton, Qt.MouseButton.LeftButton)
        step = explorer.current_step()
        shown = _number(explorer.sumLabel)
        assert shown == round(float(expected[step.row, step.col]), 4)
        seen.append(shown)
        assert f"row {step.row}, column {step.col}" in explorer.positionLabel.text()
    assert explorer.positions_done() == 6 * 14 + 9
    assert any(abs(v - c.biasSpin.value()) > 0.1 for v in seen)  # the window met ink
    _grab(window, "conv-explorer-test.png")
    QTest.keyClick(explorer, Qt.Key.Key_Left)  # back one: that output is blank again
    assert np.isnan(explorer.output()[0, 6, 8]) and not np.isnan(explorer.output()[0, 6, 7])
    QTest.keyClick(explorer, Qt.Key.Key_End)
    np.testing.assert_allclose(explorer.output()[0], expected.numpy(), atol=1e-9)


def test_formula_and_size_follow_padding_and_stride(window, qtbot) -> None:  # noqa: ANN001
    explorer = _open(window, qtbot)
    c = explorer.controls
    assert "Height: (28 + 2×0 − 3) / 1 + 1 = 26" in explorer.formulaLabel.text()
    assert "× 26 × 26" in explorer.outputSizeLabel.text()
    c.paddingSpin.setFocus()
    QTest.keyClick(c.paddingSpin, Qt.Key.Key_Up)
    assert "Height: (28 + 2×1 − 3) / 1 + 1 = 28" in explorer.formulaLabel.text()
    assert "Width: (28 + 2×1 − 3) / 1 + 1 = 28" in explorer.formulaLabel.text()
    assert "× 28 × 28" in explorer.outputSizeLabel.text()
    c.strideSpin.setFocus()
    QTest.keyClick(c.strideSpin, Qt.Key.Key_Up)
    assert "Height: ⌊(28 + 2×1 − 3) / 2⌋ + 1 = 14" in explorer.formulaLabel.text()
    assert "× 14 × 14" in explorer.outputSizeLabel.text()
    c.dilationWSpin.setFocus()
    QTest.keyClick(c.dilationWSpin, Qt.Key.Key_Up)
    assert "Width: ⌊(28 + 2×1 − 2×(3−1) − 1) / 2⌋ + 1 = 13" in explorer.formulaLabel.text()
    assert re.search(r"× 14 × 13, \d+ positions", explorer.outputSizeLabel.text())
    assert not explorer.messageLabel.isVisible()


def test_an_impossible_setting_is_explained_not_raised(window, qtbot) -> None:  # noqa: ANN001
    explorer = _open(window, qtbot)
    c = explorer.controls
    c.groupsSpin.setFocus()
    QTest.keyClick(c.groupsSpin, Qt.Key.Key_Up)  # groups 2 with 1 input channel
    assert explorer.messageLabel.isVisible()
    assert "does not divide the 1 input channels" in explorer.messageLabel.text()
    assert "\n" not in explorer.messageLabel.text()
    assert not c.stepButton.isEnabled()
    QTest.keyClick(c.groupsSpin, Qt.Key.Key_Down)
    assert not explorer.messageLabel.isVisible() and c.stepButton.isEnabled()
    c.kernelSpin.setFocus()
    c.kernelSpin.selectAll()
    QTest.keyClicks(c.kernelSpin, "9")
    c.dilationSpin.selectAll()
    QTest.keyClicks(c.dilationSpin, "4")  # reach 33 > 28
    assert "output height would be" in explorer.messageLabel.text()
    assert "= -4" in explorer.formulaLabel.text()


def test_one_by_one_preset_mixes_feature_map_channels(window, qtbot, draw) -> None:  # noqa: ANN001
    draw(window.canvas, DIGITS[7])
    explorer = _open(window, qtbot)
    qtbot.waitUntil(lambda: not explorer._dirty)
    c = explorer.controls
    combo = c.presetCombo
    combo.setFocus()
    while combo.currentData() != "mixing_1x1":
        QTest.keyClick(combo, Qt.Key.Key_Down)
    assert c.settings().kernel_size == (1, 1) and c.settings().in_channels == 3
    assert "conv1" in c.inputCombo.currentText()  # switched to a map with 3+ channels
    assert not explorer.messageLabel.isVisible()
    qtbot.mouseClick(c.stepButton, Qt.MouseButton.LeftButton)
    step = explorer.current_step()
    assert step.window.shape == (3, 1, 1)
    assert _number(explorer.sumLabel) == round(step.total, 4)
    np.testing.assert_allclose(step.products.ravel(),
                               step.window.ravel() * np.array([0.5, 0.3, 0.2]))


def test_play_and_pause_with_space(window, qtbot) -> None:  # noqa: ANN001
    explorer = _open(window, qtbot)
    c = explorer.controls
    c.speedSlider.setValue(300)
    explorer.setFocus()
    QTest.keyClick(explorer, Qt.Key.Key_Space)
    assert explorer.is_playing()
    qtbot.waitUntil(lambda: explorer.positions_done() > 20)
    QTest.keyClick(explorer, Qt.Key.Key_Space)
    assert not explorer.is_playing()
    done = explorer.positions_done()
    qtbot.wait(100)
    assert explorer.positions_done() == done


def test_a_model_kernel_on_the_model_input_gives_that_layers_map(window, qtbot,  # noqa: ANN001
                                                                  draw) -> None:  # noqa: ANN001
    draw(window.canvas, DIGITS[2])
    explorer = _open(window, qtbot)
    qtbot.waitUntil(lambda: not explorer._dirty)
    c = explorer.controls
    c.presetCombo.setFocus()
    while c.presetCombo.currentData() != "model":  # passes the 1×1 preset: 3 → 2 channels
        QTest.keyClick(c.presetCombo, Qt.Key.Key_Down)
    c.inChannelsSpin.setValue(1)
    c.outChannelsSpin.setValue(1)
    c.inputCombo.setFocus()
    while c.inputCombo.currentIndex() > 1:  # up to the model's normalised input
        QTest.keyClick(c.inputCombo, Qt.Key.Key_Up)
    assert "normalised" in c.inputCombo.currentText()
    conv = window.checkpoint().model.features.conv1
    c.kernelOutSpin.setFocus()
    QTest.keyClick(c.kernelOutSpin, Qt.Key.Key_Up)  # the layer's output channel 1
    assert c.settings().kernel_size == conv.kernel_size
    c.paddingSpin.setValue(conv.padding[0])
    c.activationCombo.setCurrentIndex(0)
    QTest.keyClick(explorer, Qt.Key.Key_End)
    assert not c.biasSpin.isEnabled()  # the layer's own bias is used
    assert c.biasSpin.value() == round(float(conv.bias[1].detach()), 3)
    layer = next(maps for name, maps in explorer.inputs.sources
                 if name.startswith("features.conv1"))
    np.testing.assert_allclose(explorer.output()[0], layer[1], atol=1e-4)


def test_typing_into_the_kernel_grid_changes_the_kernel(window, qtbot) -> None:  # noqa: ANN001
    explorer = _open(window, qtbot)
    c = explorer.controls
    table = explorer.kernelTable
    cell = table.visualItemRect(table.item(1, 1)).center()  # the Sobel x centre, 0
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert (table.currentRow(), table.currentColumn()) == (1, 1)
    QTest.keyClick(table, Qt.Key.Key_F2)  # edit the current cell
    qtbot.waitUntil(lambda: table.state() == table.State.EditingState)
    editor = table.findChild(QLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, "5")
    QTest.keyClick(editor, Qt.Key.Key_Tab)  # Tab commits and moves on
    assert c.kernel_source() == "typed"
    assert "Typed" in c.presetCombo.currentText()
    expected = KERNEL_PRESETS["sobel_x"].copy()
    expected[1, 1] = 5.0
    np.testing.assert_array_equal(explorer._weight[0, 0], expected)
    assert table.item(1, 1).text() == "5"
    qtbot.mouseClick(c.stepButton, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(explorer.current_step().kernel[0], expected)
