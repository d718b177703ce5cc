"""A tab bar that shows every tab at once instead of scrolling.

Eleven tabs do not fit the right-hand column of a 1280×800 window with the style's usual
padding: the bar scrolled, and the last tabs could only be reached through its small
arrows. :func:`fit_tab_bar` makes it fit the way an editor's tab row does:

* a little less padding on each side of a tab's name (the style's ``PM_TabBarTabHSpace``),
  which is enough at 1280×800;
* no scroll arrows: when the column is narrower still, every tab shrinks and its name is
  elided (``Learn a k…``); pointing at an elided tab shows its full name;
* the tab widget's own keys keep working: Ctrl+Tab / Ctrl+Shift+Tab (and Ctrl+PgDown /
  Ctrl+PgUp) from anywhere in the page, the arrow keys on the focused bar.

Tab texts, order and objectNames are left as they are.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QProxyStyle,
    QStyle,
    QStyleOption,
    QTabBar,
    QTabWidget,
    QToolTip,
    QWidget,
)

__all__ = ["TAB_PADDING", "fit_tab_bar", "tab_is_elided"]

TAB_PADDING = 10  # pixels around a tab's name, both sides together (Fusion's default: 24)


class _CompactTabStyle(QProxyStyle):
    """The application's style with narrower tab padding (for one tab bar)."""

    def pixelMetric(self, metric: QStyle.PixelMetric, option: QStyleOption | None = None,
                    widget: QWidget | None = None) -> int:
        if metric == QStyle.PixelMetric.PM_TabBarTabHSpace:
            return TAB_PADDING
        return super().pixelMetric(metric, option, widget)


def tab_is_elided(bar: QTabBar, index: int) -> bool:
    """Whether tab ``index`` is too narrow to show its whole name."""
    needed = bar.fontMetrics().horizontalAdvance(bar.tabText(index).replace("&&", "&"))
    padding = bar.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    if not bar.tabIcon(index).isNull():
        needed += bar.iconSize().width() + 4
    return bar.tabRect(index).width() < needed + padding


class _ElidedNameTips(QObject):
    """Shows an elided tab's full name as its tooltip (a tooltip the tab has wins)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ToolTip or not isinstance(watched, QTabBar):
            return False
        assert isinstance(event, QHelpEvent)
        index = watched.tabAt(event.pos())
        if index < 0 or watched.tabToolTip(index) or not tab_is_elided(watched, index):
            return False
        QToolTip.showText(event.globalPos(), watched.tabText(index).replace("&&", "&"),
                          watched, watched.tabRect(index))
        return True


def fit_tab_bar(tabs: QTabWidget) -> None:
    """Make every tab of ``tabs`` visible at once (see the module docstring)."""
    bar = tabs.tabBar()
    style = _CompactTabStyle()  # follows the application's style
    style.setParent(bar)
    bar.setStyle(style)
    tabs.setUsesScrollButtons(False)
    tabs.setElideMode(Qt.TextElideMode.ElideRight)
    bar.installEventFilter(_ElidedNameTips(bar))
