"""Runs started and stopped in a row leave no thread, run object, model or memory behind.

By default 4 runs after 2 warm-up ones (under 20 s on a quiet 2-core machine): any thread,
worker or model left behind by a run fails the counts at once. ``DIGITLAB_LEAK_CYCLES=30``
runs the long version (about a minute and a half), which also shows a slow memory leak:
the memory budget is 40 MB plus 1.5 MB a run.
"""

from __future__ import annotations

import gc
import os
import threading

import pytest
from panel_controls import set_controls
from PySide6.QtCore import QCoreApplication, QEvent, QThread
from run_events import RunEvents

from app import background
from app.training import TrainingRun
from app.widgets.training_panel import TrainingPanel
from cnn_core.checkpoints import Checkpoint
from cnn_core.models.network import DigitNet

CYCLES_ENV = "DIGITLAB_LEAK_CYCLES"
CYCLES = int(os.environ.get(CYCLES_ENV) or 4)
RSS_BUDGET_MB = 40 + 1.5 * CYCLES  # allocator noise, plus what a run may keep (caches)


def os_threads() -> int:
    """Threads of this process as the OS sees them (Qt, torch and Python ones alike)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # not Linux
        return threading.active_count()


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def live(kind: type) -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if issubclass(type(obj), kind))


def settle() -> None:
    """Run the deletions that ``deleteLater`` queued."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    gc.collect()


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_start_stop_cycles_leak_nothing(qtbot) -> None:  # noqa: ANN001
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    set_controls(panel, {"modelCombo": "lenet", "deviceCombo": "cpu", "maxSamplesSpin": 1024,
                         "epochsSpin": 20, "seedSpin": 0})
    panel.max_test_samples = 100
    trained: list[Checkpoint] = []
    events = RunEvents(panel.training)
    panel.model_trained.connect(trained.append)

    def cycle(index: int) -> None:
        # Half the runs are stopped at once (while the data loads), half after some batches.
        wait_for = events.batch_done if index % 2 else panel.running_changed
        with qtbot.waitSignal(wait_for, timeout=60_000):
            panel.trainButton.click()
        with qtbot.waitSignal(panel.running_changed, timeout=60_000,
                              check_params_cb=lambda running: not running):
            panel.stopButton.click()
        assert not panel.is_running()

    for index in range(2):  # warm up: torch's thread pool, the dataset cache, lazy imports
        cycle(index)
    trained.clear()
    settle()
    threads, rss = os_threads(), rss_mb()
    models, workers = live(DigitNet), live(TrainingRun)

    for index in range(CYCLES):
        cycle(index)
    assert len(trained) == CYCLES, "every stopped run hands over its weights"
    trained.clear()
    panel.lossPlot.clear_runs()
    panel.accuracyPlot.clear_runs()
    settle()

    assert panel.controller.runs_started == CYCLES + 2
    assert panel.findChildren(QThread) == [] and background.owner().tasks() == []
    assert live(TrainingRun) == workers == 0
    assert os_threads() <= threads
    assert live(DigitNet) <= models
    grown = rss_mb() - rss
    print(f"{CYCLES} runs: memory grew by {grown:.1f} MB (budget {RSS_BUDGET_MB:.0f} MB)")
    assert grown < RSS_BUDGET_MB, f"memory grew by {grown:.0f} MB over {CYCLES} runs"
