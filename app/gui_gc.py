"""Python's cyclic garbage collector, run only in the GUI thread.

Python collects reference cycles in whichever thread happens to allocate when a threshold is
crossed: a training, evaluation or analysis thread as often as the GUI thread. When a cycle
holds a Qt object, its C++ destructor then runs in that thread, and it can deadlock with the
GUI thread: one holds a Qt mutex and waits for the GIL, the other holds the GIL and waits for
the mutex (seen in the UI fuzz test: a worker's collection destroying a QObject while the GUI
thread deleted a menu). Turning automatic collection off and collecting from a GUI-thread
timer instead keeps every such destructor in the GUI thread. Reference counting still frees
everything that is not in a cycle at once; only cycles wait for the timer.

This changes the whole process, so only entry points call :func:`install` (the GUI's
``main`` and the GUI test session), never a widget or library constructor.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["GuiThreadCollector", "install"]

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collects cycles from a GUI-thread timer, generation by generation, as Python would."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> None:
        """Collect the generations whose allocation counts passed Python's thresholds."""
        counts = gc.get_count()
        generation = -1
        for level in range(3):
            if counts[level] <= self._thresholds[level]:
                break
            generation = level
        if generation >= 0:
            gc.collect(generation)

    def stop(self) -> None:
        """Stop the timer and give collection back to Python, as it was before."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


def install(app: QObject) -> GuiThreadCollector:
    """Collect only in the GUI thread from now on; the collector lives as long as ``app``."""
    collector = app.findChild(GuiThreadCollector)
    if collector is None:
        collector = GuiThreadCollector(app)
    return collector
