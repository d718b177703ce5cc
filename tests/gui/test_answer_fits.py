"""The answer's panel at 1280×800: a two-line explanation (a non-digit's) fits above the bars,
and the bars' axis stays clear of the preprocessing row, even with the panel dragged as small as
it goes while a one-line answer showed."""

from __future__ import annotations

from digit_strokes import DIGITS
from drawn_nondigits import stroke_paths
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from app.main_window import MainWindow


def test_a_two_line_explanation_pushes_nothing_into_the_row_below(
        bundled_window: MainWindow, draw, qtbot) -> None:  # noqa: ANN001
    win = bundled_window
    panel = win.prediction_panel
    draw(win.canvas, DIGITS[7])
    qtbot.waitUntil(lambda: panel.predictionLabel.text().startswith("7"))
    handle = win.right_splitter.handle(1)  # dragged up as far as it goes
    start = handle.rect().center()
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for dy in range(0, 400, 40):
        QTest.mouseMove(handle, start - QPoint(0, dy))
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start - QPoint(0, 400))
    qtbot.wait(50)
    win.canvas_panel.clearAction.trigger()
    draw(win.canvas, stroke_paths("scribble-5", (0.15, 0.15, 0.7, 0.7)))
    qtbot.waitUntil(lambda: panel.predictionLabel.text() == "This does not look like a digit")
    detail = panel.detailLabel
    assert detail.heightForWidth(detail.width()) > detail.fontMetrics().lineSpacing()  # 2 lines
    title = next(label for label in panel.findChildren(QLabel) if label.text() == "Preprocessing")
    plot = panel.probabilityPlot

    def laid_out_apart() -> bool:  # once the splitter has given the panel what it asks for
        return (detail.height() >= detail.heightForWidth(detail.width())  # all of it shown
                and detail.geometry().bottom() < plot.geometry().top()
                and plot.geometry().bottom() < title.geometry().top())

    qtbot.waitUntil(laid_out_apart, timeout=2000)
    assert win.height() == 800  # the window did not grow for it
