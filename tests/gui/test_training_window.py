"""Training inside the main window: the canvas gets the new model, live views, clean close."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import shiboken6
from digit_strokes import DIGITS
from panel_controls import set_controls
from PySide6.QtCore import Qt, QtMsgType
from run_events import RunEvents

from app import background
from app.main_window import MainWindow
from app.widgets.training_panel import TrainingPanel
from cnn_core.training import Diverged, Finished
from cnn_core.training.finetune import FineTuneConfig

RUN_TIMEOUT = 120_000


def configure(panel: TrainingPanel, samples: int, epochs: int, **values: object) -> None:
    """A tiny LeNet run on the CPU; ``values`` set further controls by objectName."""
    set_controls(panel, {"modelCombo": "lenet", "deviceCombo": "cpu", "maxSamplesSpin": samples,
                         "epochsSpin": epochs, "seedSpin": 0, **values})
    panel.max_test_samples = 200


def test_a_finished_run_becomes_the_canvas_model(window: MainWindow, draw,  # noqa: ANN001
                                                 qtbot) -> None:  # noqa: ANN001
    panel = window.training_panel
    assert isinstance(panel, TrainingPanel) and window.tabs.widget(0) is panel
    draw(window.canvas, DIGITS[7])
    qtbot.waitUntil(lambda: window.inference.last_prediction() is not None)
    before_model = window.checkpoint()
    before_probabilities = window.inference.last_prediction().probabilities.copy()
    live: list[object] = []
    panel.snapshot_ready.connect(live.append)
    window.tabs.setCurrentWidget(window.kernel_view)  # live kernels while training

    configure(panel, samples=1024, epochs=2)
    with qtbot.waitSignal(window.model_changed, timeout=RUN_TIMEOUT) as changed:
        panel.trainButton.click()
        qtbot.waitUntil(lambda: window.inference.snapshot() is not None, timeout=RUN_TIMEOUT)
        assert "Live" in window.kernel_view.sourceLabel.text()
    # The shelf and the Train tab each get the run's end straight from the run (one hop
    # each): the tab may take its turn just after the shelf changed the canvas model.
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=10_000)
    assert isinstance(panel.last_result, Finished)
    trained = panel.last_result.checkpoint
    assert changed.args[0] is trained and window.checkpoint() is trained
    assert window.checkpoint() is not before_model
    assert window.inference.snapshot() is None  # the views show the final model again
    assert "Live" not in window.kernel_view.sourceLabel.text()
    # The drawing was predicted again, at once, by the new model.
    after = window.inference.last_prediction()
    assert not np.allclose(after.probabilities, before_probabilities)
    assert window.model_bar.modelStatusLabel.text().startswith("Model: lenet · test accuracy")
    assert "Training finished" in window.banner.text()
    assert live and all(snapshot is not trained for snapshot in live)


def test_divergence_is_shown_and_the_run_goes_on_the_shelf(window: MainWindow,
                                                           qtbot) -> None:  # noqa: ANN001
    panel = window.training_panel
    before = window.checkpoint()
    configure(panel, samples=640, epochs=1, optimizerCombo="sgd", lrSpin=1000.0)
    with qtbot.waitSignal(panel.model_trained, timeout=RUN_TIMEOUT):
        panel.trainButton.click()
    assert isinstance(panel.last_result, Diverged)
    assert window.checkpoint() is before  # a diverged run does not replace the canvas model
    assert window.banner.kind == "error" and "diverged" in window.banner.text()
    shelf = window.model_bar.modelShelf
    texts = [shelf.itemText(i) for i in range(shelf.count())]
    assert texts[1].startswith("#1 lenet · sgd 1000") and "diverged in epoch 1" in texts[1]
    with qtbot.waitSignal(window.model_changed):  # picked: its restored weights are used
        window.library.choose(shelf.itemData(1))
    assert window.checkpoint() is panel.last_result.checkpoint
    prediction = window.inference.last_prediction()
    assert prediction is not None and np.isfinite(prediction.probabilities).all()


# ----------------------------------------------------------------------------- closing


@dataclass(frozen=True)
class LongTask:
    """Something long a user can start in the window and then close the window on."""

    name: str
    start: Callable[..., None]  # (window, qtbot[, draw]): returns once it is under way
    running: Callable[[MainWindow], bool]


def _start_training(win: MainWindow, qtbot: Any) -> None:
    panel = win.training_panel
    configure(panel, samples=4000, epochs=50)
    with qtbot.waitSignal(RunEvents(panel.training).batch_done, timeout=RUN_TIMEOUT):
        panel.trainButton.click()


def _start_evaluation(win: MainWindow, qtbot: Any) -> None:
    view = win.evaluate_view
    win.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.runner.progress, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(view.evaluateButton, Qt.MouseButton.LeftButton)


def _start_adversarial_search(win: MainWindow, qtbot: Any, draw: Any) -> None:
    draw(win.canvas, DIGITS[3])
    qtbot.waitUntil(lambda: (p := win.inference.last_prediction()) is not None
                    and p.label is not None, timeout=RUN_TIMEOUT)
    view = win.perturbation_view
    win.tabs.setCurrentWidget(view)
    qtbot.waitUntil(win.analysis.is_idle, timeout=RUN_TIMEOUT)
    qtbot.mouseClick(view.adversarialButton, Qt.MouseButton.LeftButton)


def _start_fine_tuning(win: MainWindow, qtbot: Any) -> None:
    """Samples of every digit (made-up hands), then Fine-tune in the Coach tab."""
    from cnn_core.data.preprocess import preprocess
    from own_hand import render

    coach = win.handwriting_coach
    win.tabs.setCurrentWidget(coach)
    for digit in range(10):
        for i in range(3):
            coach.store.add(digit, preprocess(render(digit, i, "steep")).image28)
    coach.reload()
    coach.fine_tune_config = FineTuneConfig(steps=5000, report_every=1, mnist_test_samples=200)
    qtbot.mouseClick(coach.fineTuneButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: coach.fineTuneProgress.value() >= 1, timeout=RUN_TIMEOUT)


# Every long task of the window; add each new one (export, ...) here.
LONG_TASKS = [
    LongTask("training", _start_training, lambda win: win.training_panel.is_running()),
    LongTask("evaluation", _start_evaluation, lambda win: win.evaluate_view.runner.is_running()),
    LongTask("fine-tuning", _start_fine_tuning, lambda win: win.handwriting_coach.is_fine_tuning()),
    LongTask("adversarial search", _start_adversarial_search,
             lambda win: not win.analysis.is_idle()),
]


@pytest.mark.parametrize("task", LONG_TASKS, ids=lambda task: task.name)
def test_closing_the_window_mid_task_ends_it_within_2_s(task: LongTask, qtbot,  # noqa: ANN001
                                                        untrained, bundled,  # noqa: ANN001
                                                        qtlog, draw) -> None:  # noqa: ANN001
    # The adversarial search needs a confident model to take a while; an untrained one flips
    # at the first step.
    model = bundled if task.name == "adversarial search" else untrained
    win = MainWindow(model.copy())
    win.show()
    qtbot.waitExposed(win)
    if task.name == "adversarial search":
        task.start(win, qtbot, draw)
    else:
        task.start(win, qtbot)
    assert task.running(win)
    # a job may wait out the analysis worker's short rest after the one before it
    qtbot.waitUntil(lambda: any(t.is_running() for t in background.owner().tasks()),
                    timeout=RUN_TIMEOUT)
    tasks = [t for t in background.owner().tasks() if t.is_running()]
    assert tasks, f"{task.name} runs in no background task"

    start = time.perf_counter()
    win.close()
    closed_in = time.perf_counter() - start
    print(f"closing the window mid-{task.name} took {closed_in:.3f} s")
    assert closed_in < 2.0, f"closing took {closed_in:.2f} s"
    assert not task.running(win)
    assert not [t for t in tasks if t.is_running()] and background.owner().tasks() == []
    shiboken6.delete(win)  # destroys every QThread the window owns, right now
    qtbot.wait(50)
    warnings = [r.message for r in qtlog.records
                if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg,
                              QtMsgType.QtFatalMsg)
                and "propagateSizeHints" not in r.message]  # the offscreen plugin's own note
    assert warnings == []
