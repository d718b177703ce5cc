"""The Convolution tab's own numbers and its true convolution, with real key and mouse events:
what is typed is what is convolved, and the numbers on screen are the tutorials'."""

from __future__ import annotations

import re

import numpy as np
import torch
import torch.nn.functional as F
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit


def _open(window, qtbot):  # noqa: ANN001, ANN202
    explorer = window.conv_explorer
    window.tabs.setCurrentWidget(explorer)
    qtbot.waitUntil(explorer.isVisible)
    qtbot.waitUntil(lambda: not explorer._dirty)
    return explorer


def _type(qtbot, edit, text: str) -> None:  # noqa: ANN001
    """Click into the field, select what is there, type ``text`` and press Enter."""
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def _shown_output(explorer) -> np.ndarray:  # noqa: ANN001
    """The output numbers as the screen lists them (convOutputValuesLabel)."""
    label = explorer.read_outs.outputValuesLabel
    assert label.isVisible()
    body = re.search(r"<pre>(.*)</pre>", label.text(), re.S).group(1)
    return np.array([[float(v) for v in line.split()] for line in body.strip().splitlines()])


def test_typed_corr2d_example_gives_the_tutorials_numbers(window, qtbot) -> None:  # noqa: ANN001
    explorer = _open(window, qtbot)
    c = explorer.controls
    box = c.typedBox
    assert box.inputEdit.objectName() == "convInputEdit"
    assert box.kernelEdit.objectName() == "convKernelEdit"
    _type(qtbot, box.inputEdit, "0 1 2; 3 4 5; 6 7 8")
    assert c.inputCombo.currentText().startswith("Typed in")
    _type(qtbot, box.kernelEdit, "0 1; 2 3")
    assert c.kernel_source() == "typed" and c.settings().kernel_size == (2, 2)
    c.biasCheck.setFocus()
    if c.biasCheck.isChecked():  # corr2d has no bias
        QTest.keyClick(c.biasCheck, Qt.Key.Key_Space)
    explorer.setFocus()
    QTest.keyClick(explorer, Qt.Key.Key_End)
    np.testing.assert_array_equal(_shown_output(explorer), [[19, 25], [37, 43]])
    assert "= 43" in explorer.sumLabel.text()
    # no drawing behind typed numbers: pointing at the output outlines nothing on it
    view, plot = explorer.pictures._output_view, explorer.pictures.output.plot
    scene = plot.vb.mapViewToScene(QPointF(1.5, 0.5))
    with qtbot.assertNotEmitted(explorer.field_hovered, wait=100):
        QTest.mouseMove(view.viewport(), view.mapFromScene(scene))
    assert not window.receptive_field_overlay.isVisible()

    # a true convolution: the kernel flipped on screen, the numbers those of the flip
    qtbot.mouseClick(c.flipChoice.check, Qt.MouseButton.LeftButton)
    assert c.flipChoice.check.objectName() == "convFlipCheck" and c.flipped()
    assert "cross-correlation" in c.flipChoice.note.text()
    QTest.keyClick(explorer, Qt.Key.Key_End)
    table = explorer.kernelTable
    shown = [[float(table.item(r, col).text()) for col in range(2)] for r in range(2)]
    assert shown == [[3, 2], [1, 0]]
    assert "flipped" in explorer.read_outs.kernelHeading.text()
    x = torch.arange(9.0).reshape(1, 1, 3, 3)
    k = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    expected = F.conv2d(x, torch.flip(k, (0, 1))[None, None])[0, 0].numpy()
    np.testing.assert_array_equal(_shown_output(explorer), expected)
    np.testing.assert_array_equal(expected, [[5, 11], [23, 29]])
    qtbot.mouseClick(c.flipChoice.check, Qt.MouseButton.LeftButton)  # back to Conv2d's
    QTest.keyClick(explorer, Qt.Key.Key_End)
    np.testing.assert_array_equal(_shown_output(explorer), [[19, 25], [37, 43]])


def test_a_flipped_kernel_edited_in_the_table_is_stored_unflipped(window, qtbot) -> None:  # noqa: ANN001
    explorer = _open(window, qtbot)
    c = explorer.controls
    _type(qtbot, c.typedBox.kernelEdit, "1 2; 3 4")
    qtbot.mouseClick(c.flipChoice.check, Qt.MouseButton.LeftButton)
    table = explorer.kernelTable
    assert table.item(0, 0).text() == "4"  # shown flipped
    table.setCurrentCell(0, 0)
    QTest.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: table.state() == table.State.EditingState)
    editor = table.findChild(QLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, "9")
    QTest.keyClick(editor, Qt.Key.Key_Tab)  # Tab commits
    np.testing.assert_array_equal(explorer.inputs.typed[0, 0], [[1, 2], [3, 9]])
    assert table.item(0, 0).text() == "9"
    assert c.typedBox.kernelEdit.text() == "1 2; 3 9"  # the field follows the table


def test_bad_typing_is_explained_on_the_line_and_changes_nothing(window, qtbot) -> None:  # noqa: ANN001
    explorer = _open(window, qtbot)
    c = explorer.controls
    box = c.typedBox
    inputs_before = c.inputCombo.count()
    _type(qtbot, box.inputEdit, "1 2 3; 4 5")
    assert box.inputError.isVisible()
    assert "rows have 3, 2" in box.inputError.text()
    assert c.inputCombo.count() == inputs_before  # no typed input was added
    QTest.keyClick(box.inputEdit, Qt.Key.Key_Backspace)  # an edit hides the old reason
    assert not box.inputError.isVisible()
    _type(qtbot, box.kernelEdit, "1 a")
    assert "'a' is not a number" in box.kernelError.text()
    _type(qtbot, box.kernelEdit, " ".join(["1"] * 10))
    assert "at most 9×9" in box.kernelError.text()
    assert c.kernel_source() == "sobel_x"


def test_a_pasted_grid_of_lines_is_read_row_by_row(window, qtbot) -> None:  # noqa: ANN001
    explorer = _open(window, qtbot)
    box = explorer.controls.typedBox
    QGuiApplication.clipboard().setText("1, 0, 1\n0, 1, 0\n1, 0, 1\n0, 0, 0\n")
    qtbot.mouseClick(box.inputEdit, Qt.MouseButton.LeftButton)
    QTest.keyClick(box.inputEdit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert box.inputEdit.text() == "1, 0, 1; 0, 1, 0; 1, 0, 1; 0, 0, 0"
    QTest.keyClick(box.inputEdit, Qt.Key.Key_Return)
    _, maps = explorer.inputs.sources[explorer.controls.inputCombo.currentIndex()]
    assert maps.shape == (1, 4, 3) and maps[0, 3].sum() == 0


def test_the_edge_example_is_a_preset(window, qtbot) -> None:  # noqa: ANN001
    explorer = _open(window, qtbot)
    c = explorer.controls
    combo = c.typedBox.presetCombo
    combo.setFocus()
    while combo.currentData() != "edge_6x8":
        QTest.keyClick(combo, Qt.Key.Key_Down)
    assert c.typedBox.kernelEdit.text() == "1 -1"
    assert c.typedBox.inputEdit.text().startswith("1 1 0 0 0 0 1 1;")
    assert c.settings().kernel_size == (1, 2) and not c.settings().bias
    QTest.keyClick(explorer, Qt.Key.Key_End)
    np.testing.assert_array_equal(_shown_output(explorer),
                                  np.tile([0, 1, 0, 0, 0, -1, 0], (6, 1)))


def test_enter_uses_the_typed_kernel_again_after_a_preset(window, qtbot) -> None:  # noqa: ANN001
    explorer = _open(window, qtbot)
    c = explorer.controls
    _type(qtbot, c.typedBox.kernelEdit, "1 2; 3 4")
    assert c.kernel_source() == "typed"
    c.presetCombo.setFocus()
    while c.presetCombo.currentData() != "edge":  # up to the first preset
        QTest.keyClick(c.presetCombo, Qt.Key.Key_Up)
    assert c.kernel_source() == "edge" and c.settings().kernel_size == (1, 2)
    qtbot.mouseClick(c.typedBox.kernelEdit, Qt.MouseButton.LeftButton)
    QTest.keyClick(c.typedBox.kernelEdit, Qt.Key.Key_Return)  # the same text, used again
    assert c.kernel_source() == "typed" and c.settings().kernel_size == (2, 2)
    np.testing.assert_array_equal(explorer._weight[0, 0], [[1, 2], [3, 4]])
