"""Windows end while Qt still lives: when the application quits, and when the script returns.

A window runs threads (analyses, an evaluation, a training run) that Qt must never destroy
while they run: ``QThread: Destroyed while thread … is still running`` aborts the process
(exit status 134). Closing the window stops them. A script that builds a window and returns
without closing it (no event loop, or a loop it quits itself) closes nothing: at interpreter
exit Python then destroyed the window, and with it the analysis thread, still running. And
whatever Python destroys after the ``QApplication`` (a widget, a timer) is destroyed in an
order Qt does not support.

So every window is tracked here: at ``QApplication.aboutToQuit`` each stops its background
work, and at interpreter exit (:mod:`atexit`, which runs before Python's own finalization and
before PySide6's clean-up) each stops its work, is deleted and Python's cycles are collected,
while the ``QApplication`` still exists. :func:`finish` does that on demand (``main`` calls it
after its event loop).
"""

from __future__ import annotations

import atexit
import gc
import sys
import weakref

from PySide6.QtCore import QCoreApplication, QEvent, QObject

__all__ = ["finish", "stop_all", "track"]


_windows: weakref.WeakSet = weakref.WeakSet()
_hooked = False


def track(window: QObject) -> None:
    """End ``window``'s background work when the application quits or the process exits."""
    global _hooked
    _windows.add(window)
    if _hooked:
        return
    app = QCoreApplication.instance()
    if app is None:  # a widget cannot exist without one; nothing to hook yet
        return
    _hooked = True
    app.aboutToQuit.connect(stop_all)
    atexit.register(finish)


def _live_windows() -> list:
    import shiboken6

    return [window for window in list(_windows) if shiboken6.isValid(window)]


def stop_all() -> None:
    """Stop every tracked window's background work and wait for threads that outlived it."""
    for window in _live_windows():
        window.stop_background_work()
    module = sys.modules.get("app.background")  # not imported: nothing of it can be running
    if module is not None:
        module.wait_for_stragglers(30_000)


def finish() -> None:
    """Stop every tracked window's work, then delete the windows and collect cycles that hold
    Qt objects, while the ``QApplication`` lives. Safe to call more than once."""
    if QCoreApplication.instance() is None:
        return
    import shiboken6

    stop_all()
    for window in _live_windows():
        if shiboken6.ownedByPython(window) or window.parent() is None:
            window.deleteLater()
    _windows.clear()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()  # cycles left for the GUI-thread collector hold Qt objects: free them now
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
