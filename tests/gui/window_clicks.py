"""Clicks on the main window that several GUI tests make: open a tab, run an evaluation.

Imported by the GUI tests as a plain module (pytest puts tests/gui on sys.path).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

EVALUATION_TIMEOUT = 120_000  # ms; the machine running the tests may be slow and shared


def open_tab(qtbot: Any, window: Any, view: Any) -> None:
    """Click ``view``'s tab on the window's tab bar."""
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.tabRect(window.tabs.indexOf(view)).center())
    assert window.tabs.currentWidget() is view


def evaluate(qtbot: Any, window: Any, max_samples: int) -> Any:
    """Open the Evaluate tab, click Evaluate on the first ``max_samples`` test images and
    return the result once the run is over."""
    view = window.evaluate_view
    open_tab(qtbot, window, view)
    view.max_samples = max_samples
    with qtbot.waitSignal(view.runner.finished, timeout=EVALUATION_TIMEOUT):
        qtbot.mouseClick(view.evaluateButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.runner.is_running(), timeout=EVALUATION_TIMEOUT)
    return view.result()
