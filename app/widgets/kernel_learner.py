"""The "Learn a kernel" tab: gradient descent rediscovers a convolution kernel, live.

As the tutorials do it: a target kernel makes ``Y = X ⋆ target`` from some images ``X``; a
random kernel then follows the gradient of the squared error until it is the target again.
The arithmetic is :class:`cnn_core.analysis.kernel_learning.KernelLearner`; a step is microseconds,
so a ~30 Hz ``QTimer`` on the GUI thread takes as many steps per tick as the chosen speed asks,
within a few milliseconds (:data:`TICK_BUDGET_S`), then redraws.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cnn_core.analysis.kernel_learning import (
    KernelLearner,
    LearnStep,
    learning_inputs,
    stable_lr_limit,
)
from cnn_core.data.data_picture import DataPicture

from ..language import say
from .kernel_pictures import KernelLossPlot, KernelPictures
from .kernel_target import TargetKernelEditor, ValueTable
from .naming import named
from .training_form import LearningRateSpinBox

__all__ = ["CONVERGED", "TICK_BUDGET_S", "KernelLearnerView"]

TICK_MS = 33  # redraw ~30 times a second
TICK_BUDGET_S = 0.004  # arithmetic per tick at most, so the window stays responsive
CONVERGED = 1e-6  # max |kernel - target| at which a run stops by itself
MAX_STEPS = 200_000


def _round_down_125(value: float) -> float:
    """The largest 1, 2 or 5 × 10^k not above ``value`` (the rate box steps through those)."""
    exponent = math.floor(math.log10(value))
    for mantissa in (5.0, 2.0, 1.0):
        if mantissa * 10**exponent <= value:
            return float(f"{mantissa * 10**exponent:.6g}")
    return float(f"{10**exponent:.6g}")


class KernelLearnerView(QWidget):
    """Target, input, learning rate and speed on the left; pictures, values, loss on the right.

    Parameters
    ----------
    drawing
        Returns the canvas picture (the "your drawing" input).
    """

    def __init__(self, drawing: Callable[[], np.ndarray | DataPicture] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kernelLearner")
        self._drawing = drawing
        self._learner: KernelLearner | None = None
        self._last: LearnStep | None = None
        self._first_loss = 0.0
        self._limit = math.inf  # the stable learning-rate limit of the current problem
        self._drawing_stale = False
        self._run_started = 0.0  # perf_counter at the start of the current run of ticks
        self._run_steps = 0  # steps taken since then
        self.longest_tick_s = 0.0  # measured: the slowest tick's arithmetic and redraw
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._build()
        self._connect()
        self.target_editor.apply_preset()

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        self.target_editor = TargetKernelEditor(self)
        self.targetCombo = self.target_editor.targetCombo
        self.targetTable = self.target_editor.targetTable
        self.inputCombo = named(QComboBox(self), "kernelInputCombo",
                                      self.tr("The images X that the target turns into Y"))
        for key, title in (("pattern", self.tr("Tutorial pattern (6×8, two edges)")),
                           ("drawing", self.tr("Your drawing (28×28)")),
                           ("mnist", self.tr("4 MNIST test digits"))):
            self.inputCombo.addItem(title, key)
        self.lrSpin = named(LearningRateSpinBox(self), "kernelLrSpin",
                                  self.tr("Step size of gradient descent; the arrows step 1, 2, 5"))
        self.lrSpin.setValue(3e-2)
        self.limitLabel = named(QLabel(self), "kernelLrLimitLabel",
                                      self.tr("Plain gradient descent on this input converges only "
                                              "below this rate (2 / the largest curvature)"))
        self.seedSpin = named(QSpinBox(self), "kernelSeedSpin",
                                    self.tr("Which random kernel to start from"))
        self.seedSpin.setRange(0, 2**31 - 1)
        self.speedCombo = named(QComboBox(self), "kernelSpeedCombo",
                                      self.tr("How many steps per second Run takes"))
        for rate, title in ((10, self.tr("10 steps/s")), (30, self.tr("30 steps/s")),
                            (300, self.tr("300 steps/s")), (0, self.tr("as fast as it goes"))):
            self.speedCombo.addItem(title, rate)
        self.speedCombo.setCurrentIndex(1)
        self.stepButton = self._button("kernelStepButton", self.tr("Step"), "F10",
                                       self.tr("Take one gradient-descent step (F10)"))
        self.runButton = self._button("kernelRunButton", self.tr("Run"), "F5",
                                      self.tr("Keep stepping, or pause (F5)"))
        self.resetButton = self._button("kernelResetButton", self.tr("Reset"), "Ctrl+R",
                                        self.tr("Back to the random start (Ctrl+R)"))

        self.valuesTable = named(ValueTable(self, editable=False), "kernelValuesTable",
                                 self.tr("The learned kernel's values"))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.target_editor.add_rows(form)
        form.addRow(self.tr("Input X"), self.inputCombo)
        form.addRow(self.tr("Learning rate"), self.lrSpin)
        form.addRow("", self.limitLabel)
        form.addRow(self.tr("Seed"), self.seedSpin)
        form.addRow(self.tr("Speed"), self.speedCombo)
        buttons = QHBoxLayout()
        for button in (self.stepButton, self.runButton, self.resetButton):
            buttons.addWidget(button)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(QLabel(self.tr("Learned values"), self))
        left.addWidget(self.valuesTable)
        left.addStretch(1)

        self.statusLabel = named(QLabel(self), "kernelStatusLabel", "")
        self.messageLabel = named(QLabel(self), "kernelMessageLabel", "")
        self.messageLabel.setStyleSheet("QLabel { color: #b00020; }")
        for label in (self.statusLabel, self.messageLabel):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setWordWrap(True)  # a second line, never a status cut at "…converge"
        self.pictures = KernelPictures(self)
        self.lossPlot = KernelLossPlot(self)
        right = QVBoxLayout()
        right.addWidget(self.statusLabel)
        right.addWidget(self.messageLabel)
        right.addWidget(self.pictures, 1)
        right.addWidget(self.lossPlot, 1)
        column = QWidget(self)
        column.setLayout(left)
        left.setContentsMargins(0, 0, 6, 0)
        scroll = QScrollArea(self)  # a short window scrolls the settings, never clips them
        scroll.setObjectName("kernelSettings")
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(column.sizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(scroll)
        layout.addLayout(right, 1)

    def _button(self, name: str, text: str, shortcut: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        named(button, name, tip)
        button.setShortcut(QKeySequence(shortcut))  # only while this tab is on show
        return button

    def _connect(self) -> None:
        self.target_editor.problem_changed.connect(self._new_problem)
        self.target_editor.edited.connect(self.reset)
        self.inputCombo.currentIndexChanged.connect(self._new_problem)
        self.seedSpin.valueChanged.connect(self.reset)
        self.lrSpin.valueChanged.connect(self._on_lr_changed)
        self.speedCombo.currentIndexChanged.connect(self._restart_clock)
        self.stepButton.clicked.connect(self.step)
        self.runButton.clicked.connect(self.toggle_run)
        self.resetButton.clicked.connect(self.reset)

    def target(self) -> np.ndarray:
        """The target kernel as typed in the table (unparseable cells read as 0)."""
        return self.target_editor.target()

    # ------------------------------------------------------------------ state
    def learner(self) -> KernelLearner | None:
        """The current learner (``None`` when the settings make no problem to learn)."""
        return self._learner

    def last_step(self) -> LearnStep | None:
        """The latest step (step 0 right after a reset)."""
        return self._last

    def is_running(self) -> bool:
        """Whether Run is stepping."""
        return self._timer.isActive()

    def drawing_changed(self) -> None:
        """The canvas changed: a "your drawing" problem is rebuilt when next needed."""
        if self.inputCombo.currentData() == "drawing":
            self._drawing_stale = True
            if self.isVisible() and not self.is_running():
                self.reset()

    def showEvent(self, event) -> None:  # noqa: ANN001
        super().showEvent(event)
        if self._drawing_stale and not self.is_running():
            self.reset()

    # --------------------------------------------------------------- commands
    def _new_problem(self) -> None:
        """Another target or input: start over with a learning rate that converges on it."""
        self.reset()
        if self._learner is None or not math.isfinite(self._limit):
            return
        if self.inputCombo.currentData() == "pattern" and self._limit > 3e-2:
            rate = 3e-2  # the tutorials' rate
        else:
            rate = _round_down_125(0.9 * self._limit)
        if rate != self.lrSpin.value():
            self.lrSpin.setValue(rate)  # the learner takes it (_on_lr_changed)

    def reset(self) -> None:
        """A fresh random start for the current target, input and seed."""
        self.pause()
        self._drawing_stale = False
        self.messageLabel.clear()
        self.lossPlot.clear_points()
        self._learner = self._last = None
        source = self.inputCombo.currentData()
        try:
            drawing = self._drawing() if self._drawing is not None else None
            x = learning_inputs(source, drawing)
            target = self.target()
            learner = KernelLearner(x, target, self.lrSpin.value(), self.seedSpin.value())
            limit = stable_lr_limit(x, target.shape)
        except ValueError as exc:
            self._show_unavailable(say(exc))
            return
        self._learner = learner
        rows, cols = target.shape
        out_h, out_w = x.shape[-2] - rows + 1, x.shape[-1] - cols + 1
        self.pictures.set_problem(x[0], learner.y[:out_h * out_w].reshape(out_h, out_w), target)
        self.limitLabel.setText(self.tr("converges below {0:.3g}").format(limit)
                                if math.isfinite(limit) else "")
        self._limit = limit
        self._record(learner.start())
        self._first_loss = self._last.loss if self._last else 0.0
        self._redraw()
        self._update_buttons()

    def _show_unavailable(self, why: str) -> None:
        self.messageLabel.setText(self.tr("Nothing to learn: {0}.").format(why))
        self.statusLabel.clear()
        self.limitLabel.clear()
        self.lossPlot.redraw()
        self._update_buttons()

    def step(self) -> None:
        """One step (the Step button); pauses a run."""
        self.pause()
        if self._drawing_stale:
            self.reset()
        if self._can_step():
            self._take(1)
            self._redraw()

    def toggle_run(self) -> None:
        """Run, or pause a run."""
        if self.is_running():
            self.pause()
            return
        if self._drawing_stale:
            self.reset()
        if not self._can_step():
            return
        if self._done():  # run again after a finished run: start over
            self.reset()
        self._restart_clock()
        self._timer.start()
        self._update_buttons()

    def pause(self) -> None:
        """Stop stepping."""
        if self._timer.isActive():
            self._timer.stop()
            self._update_buttons()

    def _can_step(self) -> bool:
        return self._learner is not None and not (self._last and self._last.diverged)

    def _on_lr_changed(self, value: float) -> None:
        if self._last is not None and self._last.diverged:
            self.reset()  # a new rate after a blow-up: try again from the start
        elif self._learner is not None:
            self._learner.lr = value  # takes effect at the next step
        self._restart_clock()

    def _restart_clock(self) -> None:
        self._run_started, self._run_steps = time.perf_counter(), 0

    # ----------------------------------------------------------------- steps
    def _tick(self) -> None:
        started = time.perf_counter()
        rate = self.speedCombo.currentData()
        due = MAX_STEPS if not rate else int((started - self._run_started) * rate) - self._run_steps
        if due > 0:
            taken = self._take(due, started + TICK_BUDGET_S)
            self._run_steps += taken if rate else 0
        self._redraw()
        if self._done():
            self.pause()
        self.longest_tick_s = max(self.longest_tick_s, time.perf_counter() - started)

    def _take(self, count: int, deadline: float | None = None) -> int:
        """Take up to ``count`` steps (until ``deadline``); return how many were taken."""
        learner = self._learner
        assert learner is not None
        taken = 0
        while taken < count and not self._done():
            self._record(learner.step())
            taken += 1
            if deadline is not None and taken % 8 == 0 and time.perf_counter() > deadline:
                break
        return taken

    def _record(self, record: LearnStep) -> None:
        self._last = record
        # A step's loss belongs to the kernel it started from, one step back; step 1's is the
        # start's, already drawn at 0.
        if record.step == 0:
            self.lossPlot.add_point(0, record.loss)
        elif not record.diverged and record.step > 1:
            self.lossPlot.add_point(record.step - 1, record.loss)

    def _done(self) -> bool:
        last = self._last
        return last is None or last.diverged or last.error < CONVERGED or \
            last.step >= MAX_STEPS or self._indistinguishable()

    def _indistinguishable(self) -> bool:
        """The loss is gone but the kernel is not the target: X cannot tell them apart."""
        last = self._last
        return last is not None and last.step > 0 and last.error > 1e-3 and \
            last.loss <= 1e-20 * max(self._first_loss, 1e-300)

    # ---------------------------------------------------------------- redraw
    def _redraw(self) -> None:
        last = self._last
        self.lossPlot.redraw()
        if last is None:
            return
        self.pictures.set_learned(last.kernel)
        self.valuesTable.show_values(last.kernel)
        text = self.tr("Step {0} · loss {1:.3g} · max |K − target| = {2:.2g}").format(
            last.step, last.loss, last.error)
        if last.diverged:
            self.messageLabel.setText(self.tr(
                "Diverged at step {0}: rate {1:g} is above this input's limit {2:.3g}; lower "
                "it.").format(last.step, self.lrSpin.value(), self._limit))
            text = self.tr("Step {0} · diverged; the last finite kernel is shown").format(last.step)
        elif last.error < CONVERGED:
            text += self.tr(" · converged")
        elif last.error < 1e-3:
            text += self.tr(" · within 1e-3 of the target")
        elif self._indistinguishable():
            self.messageLabel.setText(self.tr(
                "The loss is zero but the kernel differs from the target: these images cannot "
                "tell the two apart. Try your drawing or MNIST digits."))
        self.statusLabel.setText(text)
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.is_running()
        self.runButton.setText(self.tr("Pause") if running else self.tr("Run"))
        can = self._can_step()
        self.stepButton.setEnabled(can)
        self.runButton.setEnabled(can or running)

    def hideEvent(self, event) -> None:  # noqa: ANN001
        self.pause()  # nobody watches: stop spending the GUI thread's time
        super().hideEvent(event)
