"""Drawing while a run trains: live answers keep to a CPU budget, and the answers while the
pen moves leave the preprocessing row to the answer when it is lifted."""

from __future__ import annotations

import time

import numpy as np
import pytest
from model_runs import ModelRuns
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

import app.inference as inference_module
from app import window_inference
from app.inference import FRAME_MS, MAX_FRAME_MS, TRAINING_CPU_SHARE, LiveInference
from app.main_window import MainWindow

CPU_PER_RUN_S = 0.006  # what each answer costs the GUI thread, as the fake clock says


class _Clock:
    """``time`` for app.inference: the real wall clock, and a thread CPU clock that moves
    :data:`CPU_PER_RUN_S` between a run's start and its end."""

    perf_counter = staticmethod(time.perf_counter)

    def __init__(self) -> None:
        self._cpu = 0.0
        self._calls = 0

    def thread_time(self) -> float:
        self._calls += 1
        if self._calls % 2 == 0:  # a run's end
            self._cpu += CPU_PER_RUN_S
        return self._cpu


@pytest.fixture
def cpu_clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    clock = _Clock()
    monkeypatch.setattr(inference_module, "time", clock)
    return clock


def _wall_frame(inference: LiveInference) -> int:
    """The frame the wall-clock rule alone gives (the drawing stays fluid)."""
    wall = int(sum(inference._cost_ms.values()) * 1.5)
    return max(FRAME_MS, min(wall, MAX_FRAME_MS))


def _stroke_points(window: MainWindow, count: int = 24) -> list[QPoint]:
    rect = window.canvas.visible_rect()
    return [QPoint(round(rect.x() + rect.width() * (0.3 + 0.015 * i)),
                   round(rect.y() + rect.height() * (0.2 + 0.025 * i))) for i in range(count)]


def _gray_step(window: MainWindow) -> np.ndarray:
    """The preprocessing row's first picture (the drawing as read), as 0..255 gray."""
    image = window.prediction_panel._step_widgets[0].thumb.image()
    buffer = np.frombuffer(image.constBits(), np.uint8, count=image.height() * image.bytesPerLine())
    return buffer.reshape(image.height(), image.bytesPerLine())[:, :image.width()].copy()


def test_a_training_run_stretches_the_frame_to_the_cpu_budget(window: MainWindow,
                                                                cpu_clock: _Clock) -> None:
    inference = window.inference
    inference.run_now()  # one answer (and views) measured by the fake clock
    assert inference.interval_ms() == _wall_frame(inference)
    inference.set_training(True)
    assert inference.is_training()
    budget = int(2 * CPU_PER_RUN_S * 1000 / TRAINING_CPU_SHARE)  # the answer's and the views'
    assert inference.interval_ms() == max(_wall_frame(inference), min(budget, MAX_FRAME_MS))
    assert inference.interval_ms() > FRAME_MS
    inference.set_training(False)  # the run ended: the window answers as often as before
    assert inference.interval_ms() == _wall_frame(inference)


def test_the_train_tab_puts_live_inference_on_the_budget_while_it_runs(
        window: MainWindow) -> None:
    panel = window.training_panel
    assert not window.inference.is_training()
    panel.running_changed.emit(True)
    assert window.inference.is_training()
    panel.running_changed.emit(False)
    assert not window.inference.is_training()


def test_the_coachs_fine_tuning_puts_live_inference_on_the_budget_too(
        window: MainWindow) -> None:
    tuner, panel = window.handwriting_coach.fineTune.tuner, window.training_panel
    assert not window.inference.is_training()
    tuner.running_changed.emit(True)  # fine-tuning started
    assert window.inference.is_training()
    tuner.running_changed.emit(False)
    assert not window.inference.is_training()
    # both at once: the budget holds until the last of them ends
    panel.running_changed.emit(True)
    tuner.running_changed.emit(True)
    panel.running_changed.emit(False)
    assert window.inference.is_training()
    tuner.running_changed.emit(False)
    assert not window.inference.is_training()


@pytest.mark.parametrize("training", [False, True])
def test_answers_while_the_pen_moves_leave_the_steps_to_the_lifted_pen(
        window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
        training: bool) -> None:
    # The row follows a moving pen every STEPS_WHILE_TRAINING_S: here, not within the stroke.
    monkeypatch.setattr(window_inference, "STEPS_WHILE_TRAINING_S", 3600.0)
    window.canvas_inference._show_prediction(window.inference.last_prediction())  # row shown
    window.inference.set_training(training)
    canvas = window.canvas
    blank = _gray_step(window)
    points = _stroke_points(window)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     points[0])
    with ModelRuns(window.inference) as runs:
        for point in points[1:]:
            QTest.mouseMove(canvas, point)
            qtbot.wait(5)  # the throttle fires between moves, as with a real mouse
        qtbot.waitUntil(lambda: runs.count > 0)  # an answer while the pen is down
    assert window.prediction_panel.predictionLabel.text() != "Draw a digit"
    assert window.inference.in_stroke() is False  # only while such an answer is shown
    # Without a run, every answer brings the row up to date; during one, the row waits.
    assert np.array_equal(_gray_step(window), blank) == training
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       points[-1])
    drawn = _gray_step(window)
    assert drawn.shape == (280, 280) and not np.array_equal(drawn, blank)
    assert np.array_equal(drawn, canvas.image_array())  # the finished stroke, whole


def test_moves_during_a_run_are_coalesced_to_the_latest_drawing(window: MainWindow,
                                                                 qtbot) -> None:  # noqa: ANN001
    window.inference.set_training(True)
    canvas = window.canvas
    points = _stroke_points(window, 60)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     points[0])
    with ModelRuns(window.inference) as runs:
        for point in points[1:]:  # no event-loop turn in between: nothing may queue up
            QTest.mouseMove(canvas, point)
        qtbot.waitUntil(lambda: runs.count > 0)
        qtbot.wait(3 * window.inference.interval_ms())  # any straggling timer
    assert runs.count == 1
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       points[-1])
    latest = window.inference.last_prediction().preprocessed.steps[0].image
    assert np.array_equal(latest, canvas.image_array() / np.float32(255))


def test_a_drawing_hand_gets_a_core_from_the_run_until_the_pen_rests(
        window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from types import SimpleNamespace

    from app.training import controller as controller_module
    from cnn_core.training import TrainControl

    controller = window.training_panel.controller
    controller._hand_rests.setInterval(150)  # this window's own: a quicker rest
    run = SimpleNamespace(control=TrainControl())
    monkeypatch.setattr(controller, "current", lambda: run)
    assert controller_module.HAND_RESTS_MS >= 150
    canvas, points = window.canvas, _stroke_points(window, 8)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     points[0])
    for point in points[1:]:
        QTest.mouseMove(canvas, point)
    assert run.control.core_left  # the pen moves: the run leaves a core
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       points[-1])
    qtbot.waitUntil(lambda: not run.control.core_left, timeout=2000)  # the pen rests
