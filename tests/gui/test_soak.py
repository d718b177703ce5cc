"""Soak: the whole window redrawing plots, feature maps and kernels from a live run for 20 s.

This is the test that catches a bad Qt binding build (crashes in painting or in signals that
cross threads) and leaks or stalls that only show after many thousands of updates.
"""

from __future__ import annotations

import time

from digit_strokes import DIGITS
from panel_controls import set_controls
from PySide6.QtCore import QTimer
from run_events import RunEvents

from app.main_window import MainWindow
from app.widgets.canvas import CANVAS_SIZE
from cnn_core.training import Stopped

SOAK_S = 20.0


def test_window_survives_twenty_seconds_of_live_training(window: MainWindow, draw,  # noqa: ANN001
                                                         qtbot, qtlog) -> None:  # noqa: ANN001
    panel = window.training_panel
    set_controls(panel, {"modelCombo": "lenet", "deviceCombo": "cpu", "seedSpin": 0,
                         "maxSamplesSpin": 4000, "epochsSpin": 500})
    panel.max_test_samples = 500
    draw(window.canvas, DIGITS[7])

    counts = {"batches": 0, "epochs": 0, "snapshots": 0, "maps": 0, "kernels": 0, "strokes": 0}

    def bump(key: str):  # noqa: ANN202
        return lambda *_: counts.__setitem__(key, counts[key] + 1)

    events = RunEvents(panel.training)
    events.batch_done.connect(bump("batches"))
    events.epoch_done.connect(bump("epochs"))
    panel.snapshot_ready.connect(bump("snapshots"))
    window.inference.activations_ready.connect(bump("maps"))
    window.inference.kernels_ready.connect(bump("kernels"))
    tabs = [window.training_panel, window.feature_map_view, window.kernel_view]

    def churn() -> None:  # switch tabs and draw, as a curious user would
        index = counts["strokes"]
        window.tabs.setCurrentWidget(tabs[index % 3])
        if index % 6 == 5:
            window.canvas.clear()
        x = (0.3 + 0.05 * (index % 5)) * CANVAS_SIZE
        window.canvas.draw_stroke([(x, 0.2 * CANVAS_SIZE), (0.5 * CANVAS_SIZE, 0.5 * CANVAS_SIZE),
                                   (0.4 * CANVAS_SIZE, 0.8 * CANVAS_SIZE)])
        counts["strokes"] += 1

    churner = QTimer(interval=400, timeout=churn)
    with qtbot.waitSignal(events.batch_done, timeout=120_000):
        panel.trainButton.click()
    start = time.monotonic()
    churner.start()
    qtbot.waitUntil(lambda: time.monotonic() - start >= SOAK_S or not panel.is_running(),
                    timeout=int(SOAK_S * 1000) + 60_000)
    churner.stop()
    assert panel.is_running(), f"the run ended early: {panel.failure or panel.last_result}"

    before = window.checkpoint()
    with qtbot.waitSignal(panel.model_trained, timeout=10_000):
        panel.stopButton.click()
    assert isinstance(panel.last_result, Stopped)
    assert window.checkpoint() is before  # a stopped run waits on the shelf
    assert counts["strokes"] >= 0.8 * SOAK_S / 0.4
    assert counts["batches"] >= 10 and counts["epochs"] >= 1
    assert counts["snapshots"] >= 10  # live weights kept flowing to the views …
    assert counts["maps"] >= 5 and counts["kernels"] >= 5  # … and were drawn
    assert panel.lossPlot.point_count() >= 10
    assert panel.accuracyPlot.point_count() >= 1
    bad = [r.message for r in qtlog.records
           if "propagateSizeHints" not in r.message]  # the offscreen plugin's own note
    assert bad == []
