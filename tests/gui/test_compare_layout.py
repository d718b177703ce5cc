"""The Compare tab in a short window: the two answers fold away under a dragged handle and
the feature maps take their height; the model choosers stay, and the fold survives a restart."""

from __future__ import annotations

from digit_strokes import DIGITS
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QScrollArea

from app.main_window import MainWindow


def _drag(qtbot, widget, start: QPoint, end: QPoint) -> None:  # noqa: ANN001
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    steps = 8
    for i in range(1, steps + 1):
        QTest.mouseMove(widget, start + (end - start) * (i / steps))
        qtbot.wait(5)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def test_the_answers_fold_away_for_the_maps(window: MainWindow, qtbot, draw,  # noqa: ANN001
                                            untrained) -> None:
    view = window.compare_view
    window.tabs.setCurrentWidget(view)
    left, right = view.sides()
    draw(window.canvas, DIGITS[3])
    qtbot.waitUntil(lambda: len(left.maps.cards()) > 0)
    splitter = view.splitter
    answers, maps = splitter.sizes()
    assert answers > 0 and left.prediction.isVisible()
    maps_height = left.maps.height()

    handle = splitter.handle(1)
    middle = handle.rect().center()
    _drag(qtbot, handle, middle, middle - QPoint(0, answers + 40))
    qtbot.waitUntil(lambda: splitter.sizes()[0] == 0)
    assert left.maps.height() > maps_height + answers // 2  # the maps took the answers' room
    assert left.combo.isVisible() and right.combo.isVisible()  # the choosers stay

    # Dragged back down, the answers return, still following the drawing.
    handle = splitter.handle(1)
    middle = handle.rect().center()
    _drag(qtbot, handle, middle, middle + QPoint(0, answers))
    qtbot.waitUntil(lambda: splitter.sizes()[0] > 0)
    assert left.prediction.isVisible()
    QTest.keyClick(window.canvas, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: left.prediction.predictionLabel.text() == "Draw a digit")

    # Folded again, the window opened next time finds the answers folded away.
    handle = splitter.handle(1)
    _drag(qtbot, handle, handle.rect().center(), handle.rect().center() - QPoint(0, 600))
    qtbot.waitUntil(lambda: splitter.sizes()[0] == 0)
    window.close()
    again = MainWindow(untrained.copy())
    qtbot.addWidget(again)
    again.resize(1280, 800)
    again.show()
    again.tabs.setCurrentWidget(again.compare_view)
    qtbot.waitUntil(lambda: again.compare_view.splitter.sizes()[1] > 0)
    assert again.compare_view.splitter.sizes()[0] == 0
    again.close()


def test_the_answers_show_whole_where_there_is_room(window: MainWindow, qtbot, draw) -> None:  # noqa: ANN001
    view = window.compare_view  # first laid out in the 1280×800 window …
    window.tabs.setCurrentWidget(view)
    left, right = view.sides()
    draw(window.canvas, DIGITS[3])
    qtbot.waitUntil(lambda: len(left.maps.cards()) > 0 and len(right.maps.cards()) > 0)
    window.resize(1920, 1080)  # … then given the room of a larger screen
    answers = view.findChild(QScrollArea, "compareAnswers")
    qtbot.waitUntil(lambda: not answers.verticalScrollBar().isVisible())  # nothing cut off
    assert left.maps.height() >= 120 and left.prediction.isVisible()
