"""Every tab of the main window is in view at 1280×800 and narrower, by mouse and keyboard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from app.main_window import MainWindow
from app.widgets.tab_bar import tab_is_elided

NAMES = ["trainingPanel", "featureMapView", "kernelView", "compareView", "perturbationView",
         "evaluateView", "architectureBuilder", "convExplorer", "handwritingCoach",
         "kernelLearner", "datasetBrowser"]


def _names(win: MainWindow) -> list[str]:
    return [win.tabs.widget(i).objectName() for i in range(win.tabs.count())]


def test_all_tabs_fit_whole_at_1280_and_open_by_mouse(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    assert _names(window) == NAMES  # order and objectNames unchanged
    bar = window.tabs.tabBar()
    assert not window.tabs.usesScrollButtons()
    for index in reversed(range(bar.count())):  # the last ones first: they used to scroll away
        rect = bar.tabRect(index)
        assert bar.rect().contains(rect), window.tabs.tabText(index)
        assert not tab_is_elided(bar, index), window.tabs.tabText(index)
        QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.waitUntil(lambda i=index: window.tabs.currentIndex() == i, timeout=5_000)


def test_names_too_long_for_the_bar_are_elided_with_the_full_one_on_hover(window: MainWindow,
                                                                  qtbot) -> None:  # noqa: ANN001
    # Longer names than the bar has room for: a larger font (a translation does the same).
    bar = window.tabs.tabBar()
    width = bar.width()
    font = bar.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    bar.setFont(font)
    qtbot.waitUntil(lambda: bar.sizeHint().width() > width, timeout=5_000)
    assert bar.width() <= window.tabs.width()
    elided = [i for i in range(bar.count()) if tab_is_elided(bar, i)]
    assert elided  # the names no longer fit …
    for index in range(bar.count()):  # … but every tab stays in the bar, to be clicked
        rect = bar.tabRect(index)
        assert 0 <= rect.left() and rect.right() < bar.width(), window.tabs.tabText(index)
    index = elided[-1]
    centre = bar.tabRect(index).center()
    QApplication.sendEvent(bar, QHelpEvent(QEvent.Type.ToolTip, centre, bar.mapToGlobal(centre)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=5_000)
    assert QToolTip.text() == window.tabs.tabText(index)
    QToolTip.hideText()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=centre)
    assert window.tabs.currentIndex() == index


def test_ctrl_tab_walks_through_every_tab_and_back(window: MainWindow, qtbot) -> None:  # noqa: ANN001
    window.tabs.setCurrentIndex(0)
    page = window.tabs.currentWidget()
    page.setFocus()
    seen = []
    for _ in range(window.tabs.count()):
        QTest.keyClick(window.tabs.currentWidget(), Qt.Key.Key_Tab,
                       Qt.KeyboardModifier.ControlModifier)
        seen.append(window.tabs.currentIndex())
    assert seen == [*range(1, window.tabs.count()), 0]
    QTest.keyClick(window.tabs.currentWidget(), Qt.Key.Key_Backtab,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.tabs.currentIndex() == window.tabs.count() - 1
