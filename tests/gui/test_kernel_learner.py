"""The "Learn a kernel" tab, driven with real clicks and keys."""

from __future__ import annotations

import numpy as np
import pytest
from digit_strokes import DIGITS
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.widgets.kernel_learner import TICK_BUDGET_S, KernelLearnerView


@pytest.fixture
def learner_view(qtbot):  # noqa: ANN001, ANN201
    view = KernelLearnerView(None)
    qtbot.addWidget(view)
    view.resize(1100, 600)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)  # its shortcuts work only in the active window
    return view


def _type_rate(qtbot, view: KernelLearnerView, text: str) -> None:  # noqa: ANN001
    spin = view.lrSpin
    spin.setFocus()
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)


def _values(view: KernelLearnerView) -> np.ndarray:
    table = view.valuesTable
    return np.array([[float(table.item(r, c).text()) for c in range(table.columnCount())]
                     for r in range(table.rowCount())])


def test_run_converges_to_the_tutorials_edge_kernel(qtbot, learner_view) -> None:  # noqa: ANN001
    view = learner_view
    assert view.targetCombo.currentData() == "edge"
    assert view.inputCombo.currentData() == "pattern"
    start = _values(view)
    assert np.abs(start - [[1, -1]]).max() > 0.3  # the random start shows
    _type_rate(qtbot, view, "0.03")
    assert view.lrSpin.value() == pytest.approx(0.03)
    view.speedCombo.setCurrentIndex(view.speedCombo.findData(300))
    qtbot.mouseClick(view.runButton, Qt.MouseButton.LeftButton)
    assert view.runButton.text() == "Pause"
    qtbot.waitUntil(lambda: not view.is_running(), timeout=10_000)
    np.testing.assert_allclose(_values(view), [[1.0, -1.0]], atol=1e-3)
    assert "converged" in view.statusLabel.text()
    assert view.lossPlot.point_count() > 20
    _, losses = view.lossPlot.curve.getOriginalDataset()
    assert losses[-1] < 1e-6 * losses[0]
    assert view.longest_tick_s < 0.1  # budget 4 ms of steps + a redraw, on a loaded machine
    assert TICK_BUDGET_S <= 0.005


def test_step_button_and_f10_take_one_step_each(qtbot, learner_view) -> None:  # noqa: ANN001
    view = learner_view
    qtbot.mouseClick(view.stepButton, Qt.MouseButton.LeftButton)
    assert view.last_step().step == 1
    assert view.statusLabel.text().startswith("Step 1 ")
    # a button's shortcut clicks it visibly, a moment later
    QTest.keyClick(view, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: view.last_step().step == 2)
    QTest.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.last_step().step == 0)


def test_a_diverging_rate_is_one_line_not_nans(qtbot, learner_view) -> None:  # noqa: ANN001
    view = learner_view
    _type_rate(qtbot, view, "0.2")  # the pattern's limit is 1/30
    view.speedCombo.setCurrentIndex(view.speedCombo.findData(0))
    QTest.keyClick(view, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: view.last_step().step > 0)
    qtbot.waitUntil(lambda: not view.is_running(), timeout=10_000)
    message = view.messageLabel.text()
    assert message.startswith("Diverged at step") and "0.0333" in message
    assert "\n" not in message
    assert np.isfinite(_values(view)).all()
    assert "nan" not in view.statusLabel.text().lower()
    assert not view.stepButton.isEnabled()
    _type_rate(qtbot, view, "0.02")  # a new rate starts over
    assert view.messageLabel.text() == "" and view.stepButton.isEnabled()


def test_typed_target_and_drawn_digit(qtbot, learner_view, draw) -> None:  # noqa: ANN001
    from app.widgets.canvas import DrawingCanvas

    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(280, 280)
    canvas.show()
    view = learner_view
    view._drawing = canvas.model_input
    draw(canvas, DIGITS[4])
    view.inputCombo.setCurrentIndex(view.inputCombo.findData("drawing"))
    assert view.messageLabel.text() == ""
    assert view.lrSpin.value() < 0.03  # a rate that converges on a 28×28 digit was chosen
    # type a target: edit the table's second cell to 2
    table = view.targetTable
    rect = table.visualItemRect(table.item(0, 1))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(table, Qt.Key.Key_2)  # typing over a cell edits it
    qtbot.keyClick(table.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.targetCombo.currentData() == "custom")  # committed later
    np.testing.assert_array_equal(view.target(), [[1.0, 2.0]])
    view.speedCombo.setCurrentIndex(view.speedCombo.findData(0))
    qtbot.mouseClick(view.runButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.is_running(), timeout=20_000)
    np.testing.assert_allclose(_values(view), [[1.0, 2.0]], atol=1e-3)


def test_an_empty_canvas_says_so(qtbot, learner_view) -> None:  # noqa: ANN001
    view = learner_view
    view._drawing = lambda: np.zeros((280, 280), np.uint8)
    view.inputCombo.setCurrentIndex(view.inputCombo.findData("drawing"))
    assert "draw a digit" in view.messageLabel.text()
    assert not view.runButton.isEnabled()
