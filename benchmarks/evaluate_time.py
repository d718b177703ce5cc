"""How long evaluating the bundled model on the 10,000 MNIST test images takes, and whether the
window stays responsive while the Evaluate tab does it.

1. headless: :func:`cnn_core.analysis.evaluation.evaluate` in the main thread (what ``digitlab
   evaluate`` does), best of ``--repeat`` runs;
2. GUI: the Evaluate tab of the real main window (offscreen), started with a mouse click,
   while a 10 ms ``QTimer`` probe records how late the event loop answers; the time runs from
   the click to the result on screen (matrix, bars and reliability drawn), and the stalls
   include drawing the result and opening the gallery of the largest diagonal cell
   (200 thumbnails).

Prints seconds for both, the ECE, and the stall p50 / p99 / max in ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/evaluate_time.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DIGITLAB_SETTINGS", str(Path(tempfile.mkdtemp()) / "bench.ini"))
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from _common import machine_line  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from cnn_core.analysis.evaluation import dataset_test_set, evaluate  # noqa: E402
from cnn_core.checkpoints import load_bundled  # noqa: E402


def headless(repeat: int) -> tuple[float, float, float]:
    eval_set = dataset_test_set("mnist")
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = evaluate(load_bundled(), eval_set)
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result.accuracy, result.ece


def in_gui() -> tuple[float, list[float]]:
    from app.main import configure_gui_process, configure_pyqtgraph, configure_qt_environment
    from app.main_window import MainWindow

    configure_qt_environment()  # as digitlab-gui's main does, before Qt starts

    app = QApplication.instance() or QApplication(sys.argv)
    configure_pyqtgraph()
    configure_gui_process()  # as digitlab-gui's main does
    win = MainWindow(load_bundled())
    win.resize(1280, 800)
    win.show()
    view = win.evaluate_view
    win.tabs.setCurrentWidget(view)
    for _ in range(20):
        app.processEvents()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def probe() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(probe)
    timer.start(10)
    start = time.perf_counter()
    QTest.mouseClick(view.evaluateButton, Qt.MouseButton.LeftButton)
    while view.result() is None:
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
    elapsed = time.perf_counter() - start
    result = view.result()
    cls = int(np.argmax(np.diagonal(result.confusion)))
    QTest.mouseClick(view.confusionView.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, view.confusionView.cell_center(cls, cls))
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end or view.gallery.filling():
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    assert view.gallery.count() == 200
    win.close()
    return elapsed, gaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(machine_line())
    seconds, accuracy, ece = headless(args.repeat)
    print(f"headless: {seconds:.2f} s for 10,000 images (best of {args.repeat}); "
          f"accuracy {accuracy:.2%}, ECE {ece:.2%} (15 bins, T = 1)")
    elapsed, gaps = in_gui()
    print(f"GUI: {elapsed:.2f} s from the click to the result on screen; event-loop stalls "
          f"p50 {np.percentile(gaps, 50):.0f} ms, p99 {np.percentile(gaps, 99):.0f} ms, "
          f"max {max(gaps):.0f} ms ({len(gaps)} probes)")


if __name__ == "__main__":
    main()
