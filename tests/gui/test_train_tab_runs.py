"""The Train tab after several runs, in the window at 1280×800 with a message shown: the
curves keep their height, every legend names a run once, and picking a run on the shelf
shows that run everywhere (its header, its loss, accuracy and gradient curves). Driven with
real mouse and key events."""

from __future__ import annotations

import math
import re

import pyqtgraph as pg
from panel_controls import set_controls
from PySide6.QtCore import Qt, QTimer
from run_events import RunEvents

from app.widgets.log_axis import LABEL_PITCH, log_axis
from app.widgets.plots import MIN_CURVE_HEIGHT

RUN_TIMEOUT = 180_000  # ms; a shared 2-core machine can be slow
LEFT = Qt.MouseButton.LeftButton


def _train(qtbot, window, model: str, optimizer: str, lr: float, epochs: int = 1,  # noqa: ANN001
           batch: int | None = None) -> None:
    panel = window.training_panel
    values = {"modelCombo": model, "deviceCombo": "cpu", "maxSamplesSpin": 640,
              "epochsSpin": epochs, "seedSpin": 0, "optimizerCombo": optimizer, "lrSpin": lr}
    if batch is not None:
        values["batchSpin"] = batch
    set_controls(panel, values)
    panel.max_test_samples = 200
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(panel.trainButton, LEFT)
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)


def _pick_on_shelf(qtbot, window, prefix: str) -> None:  # noqa: ANN001
    """Choose the shelf entry starting with ``prefix`` with the keyboard, as a user would."""
    shelf = window.model_bar.modelShelf
    target = next(i for i in range(shelf.count()) if shelf.itemText(i).startswith(prefix))
    shelf.setFocus()
    key = Qt.Key.Key_Down if target > shelf.currentIndex() else Qt.Key.Key_Up
    while shelf.currentIndex() != target:
        qtbot.keyClick(shelf, key)
    qtbot.waitUntil(lambda: window.library.canvas_entry().title().startswith(prefix),
                    timeout=30_000)


def _assert_plots_readable(panel, where: object) -> None:  # noqa: ANN001
    for plot in (panel.lossPlot, panel.accuracyPlot):
        names = plot.run_names()
        assert len(names) == len(set(names)), (where, plot.objectName(), names)
        assert plot.curve_height() >= MIN_CURVE_HEIGHT, (where, plot.objectName(),
                                                         plot.curve_height())
    gradient_view = panel.gradientPlot.getPlotItem().getViewBox()
    assert gradient_view.height() >= MIN_CURVE_HEIGHT, (where, gradient_view.height())


def _watch_progress(panel, seen: list[tuple[int, str]]) -> QTimer:  # noqa: ANN001
    """Note the progress bar's text every few milliseconds, with the reports so far."""
    reports: list[object] = []
    events = RunEvents(panel.training)  # every run's reports in the GUI thread (Qt-owned)
    events.batch_done.connect(reports.append)
    timer = QTimer(panel)
    timer.timeout.connect(lambda: seen.append((len(reports), panel.trainProgress.text())))
    timer.start(5)
    return timer


def test_three_runs_keep_readable_plots_and_picking_a_run_shows_it(
        qtbot, window) -> None:  # noqa: ANN001
    panel = window.training_panel
    qtbot.mouseClick(window.tabs.tabBar(), LEFT,
                     pos=window.tabs.tabBar().tabRect(window.tabs.indexOf(panel)).center())
    assert window.tabs.currentWidget() is panel
    _train(qtbot, window, "lenet", "sgd", 0.05)
    seen: list[tuple[int, str]] = []
    watch = _watch_progress(panel, seen)
    _train(qtbot, window, "lenet", "adam", 0.002, epochs=2, batch=16)
    watch.stop()
    _train(qtbot, window, "lenet", "sgd", 0.1)

    # Until a second report, the speed and ETA of the start-up are not shown.
    running = [(n, text) for n, text in seen if text.startswith("Epoch")]
    assert any(n == 0 for n, _ in running), running[:3]
    for n, text in running:  # (the bar is redrawn by a timer: it may lag a report)
        assert n >= 2 or ("starting…" in text and "samples/s" not in text), (n, text)
    assert any("samples/s" in text for _, text in running), running[-3:]
    # "Epoch 1/2: 60% · run 30%": the epoch's share and the whole run's, each named.
    shares = [re.search(r"Epoch 1/2: (\d+)% · run (\d+)%", text) for n, text in running if n >= 2]
    shares = [(int(m[1]), int(m[2])) for m in shares if m]
    assert shares and all(abs(run - epoch / 2) <= 1 for epoch, run in shares), shares

    window.banner.show_info("A notice, as after a run, shown while the plots are measured.")
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.banner.isVisible())
    qtbot.wait(200)
    _assert_plots_readable(panel, "three runs")
    assert window.height() == 800 and window.minimumSizeHint().height() <= 800
    assert panel.lossPlot.run_names() == ["#1 lenet sgd 0.05", "#2 lenet adam 0.002",
                                          "#3 lenet sgd 0.1"]
    latest_layers = panel.gradientPlot.layers()
    assert latest_layers and panel.trainProgress.text().startswith("Done:")
    assert "run #3" in panel.trainProgress.text()

    _pick_on_shelf(qtbot, window, "#1")
    qtbot.wait(200)
    first = panel.shown_run()
    assert first is not None and first.number == 1
    assert panel.lossPlot.current_run() == panel.accuracyPlot.current_run() == 1
    text = panel.trainProgress.text()
    assert "run #1" in text and f"{first.test_accuracy:.2%}" in text, text
    # #1's gradient curves, kept with the run (not the last run's, nor none)
    assert panel.gradientPlot.layers() == latest_layers
    reports = len(first.grad_norms)
    assert reports > 0
    assert all(panel.gradientPlot.point_count(layer) == reports for layer in latest_layers)
    # #1 is listed once, as the current run, in every legend
    assert panel.lossPlot.run_names().count("#1 lenet sgd 0.05") == 1
    assert panel.accuracyPlot.run_names().count("#1 test") == 1
    _assert_plots_readable(panel, "#1 picked")


def test_log_axis_labels_never_overlap(qtbot) -> None:  # noqa: ANN001
    axis = log_axis()
    for low, high, size in ((0.75, 1.12, 60), (0.75, 1.12, 140), (0.5, 2.5, 70),
                            (0.02, 3.0, 90), (1e-4, 10.0, 60), (0.9, 1.05, 300)):
        lo, hi = math.log10(low), math.log10(high)
        levels = axis.logTickValues(lo, hi, size, pg.AxisItem.tickValues(axis, lo, hi, size))
        labelled = [v for _, values in levels[:2] for v in values]  # text on levels 0 and 1
        assert len(labelled) == len(set(labelled)), (low, high, labelled)
        pixels = sorted(v * size / (hi - lo) for v in labelled)
        gaps = [b - a for a, b in zip(pixels, pixels[1:], strict=False)]
        assert all(gap >= LABEL_PITCH - 1e-6 for gap in gaps), (low, high, size, gaps)
        assert labelled, (low, high, size)
