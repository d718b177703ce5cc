"""A script that uses DigitLab's window as a user's script would; run as a real process by
tests/gui/test_process_exit.py, which checks that it exits with status 0.

``python tests/gui/window_process.py session``: build the window, train and stop twice from
the Train tab's buttons, open every tab, close the window, return.
``python tests/gui/window_process.py unclosed``: build and show the window, wait until it is
ready, return without closing it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from panel_controls import set_controls
from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtTest import QTest

from app.main import configure_process
from app.main_window import MainWindow

TIMEOUT_S = 180


def spin(until: Callable[[], bool], what: str, timeout_s: float = TIMEOUT_S) -> None:
    """Run the event loop until ``until()`` holds; fail naming ``what`` after ``timeout_s``."""
    end = time.monotonic() + timeout_s
    while not until():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def train_and_stop(window: MainWindow) -> None:
    panel = window.training_panel
    window.tabs.setCurrentWidget(panel)
    click = Qt.MouseButton.LeftButton
    QTest.mouseClick(panel.trainButton, click)
    spin(lambda: panel.is_running() and panel.stopButton.isEnabled(), "the run to start")
    spin(lambda: panel.trainProgress.value() > panel.trainProgress.minimum(),
         "the run's first progress")
    QTest.mouseClick(panel.stopButton, click)
    spin(lambda: not panel.is_running() and panel.trainButton.isEnabled(), "the run to stop")


def main(mode: str) -> None:
    app = configure_process()
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    if not window.wait_until_ready(TIMEOUT_S * 1000):
        raise SystemExit("the window did not get ready")
    if mode == "unclosed":
        print("returning with the window open", flush=True)
        return
    set_controls(window.training_panel, {
        "modelCombo": "lenet", "deviceCombo": "cpu", "maxSamplesSpin": 4096,
        "epochsSpin": 3, "seedSpin": 0})
    window.training_panel.max_test_samples = 200
    for _ in range(2):
        train_and_stop(window)
    for index in range(window.tabs.count()):
        window.select_tab(index)
        spin(lambda: True, "")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    window.close()
    app.processEvents()
    print("closed", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
