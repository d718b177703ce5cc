"""The convolution explorer's playback bar: Reset, Back, Play, Step, Finish and the speed.

Widgets (objectName → what it does): ``convPlayBar`` the bar; ``convResetButton`` (Home),
``convBackButton`` (Left), ``convPlayButton`` (Space), ``convStepButton`` (Right),
``convFinishButton`` (End); ``convSpeedSlider`` steps per second while playing, shown beside
it. The explorer connects them and gives them their shortcuts.

While playing, the bar's timer asks for the steps due at the slider's speed
(:attr:`ConvPlayBar.steps_due`); several per tick at high speeds, one every few ticks at low.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

__all__ = ["TICK_MS", "ConvPlayBar"]

TICK_MS = 33  # the play timer's period; faster speeds do several steps per tick


class ConvPlayBar(QWidget):
    """The playback buttons and the speed slider, in one row, and the play timer.

    Signals
    -------
    steps_due(int)
        While playing: this many more steps are due at the chosen speed.
    """

    steps_due = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("convPlayBar")
        self._tick_credit = 0.0  # steps owed at slow speeds
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self.playButton = self._button("convPlayButton", self.tr("Play"), self.tr("Space"))
        self.backButton = self._button("convBackButton", self.tr("◀ Back"), self.tr("Left"))
        self.stepButton = self._button("convStepButton", self.tr("Step ▶"), self.tr("Right"))
        self.resetButton = self._button("convResetButton", self.tr("Reset"), self.tr("Home"))
        self.finishButton = self._button("convFinishButton", self.tr("Finish"), self.tr("End"))
        self.speedSlider = QSlider(Qt.Orientation.Horizontal, self)
        self.speedSlider.setObjectName("convSpeedSlider")
        self.speedSlider.setRange(1, 400)
        self.speedSlider.setValue(8)
        self.speedSlider.setToolTip(self.tr("Steps per second while playing"))
        self.speedSlider.setMinimumWidth(40)
        self.speedLabel = QLabel(self.tr("%1/s").replace("%1", "8"), self)
        self.speedLabel.setToolTip(self.tr("Steps per second while playing"))
        self.speedLabel.setMinimumWidth(self.speedLabel.fontMetrics().horizontalAdvance(
            self.tr("%1/s").replace("%1", "400")))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.resetButton, self.backButton, self.playButton, self.stepButton,
                       self.finishButton):
            row.addWidget(button)
        row.addSpacing(4)
        row.addWidget(QLabel(self.tr("Speed"), self))
        row.addWidget(self.speedSlider, 1)
        row.addWidget(self.speedLabel)
        self.speedSlider.valueChanged.connect(self._show_speed)

    def play(self) -> None:
        """Start the timer (:attr:`steps_due` follows); the Play button reads Pause."""
        self._timer.start()
        self.playButton.setText(self.tr("Pause"))

    def pause(self) -> None:
        """Stop the timer; the Play button reads Play."""
        self._timer.stop()
        self.playButton.setText(self.tr("Play"))

    def is_playing(self) -> bool:
        """True while the timer runs."""
        return self._timer.isActive()

    def _on_tick(self) -> None:
        self._tick_credit += self.speedSlider.value() * TICK_MS / 1000
        steps = math.floor(self._tick_credit)
        self._tick_credit -= steps
        if steps:
            self.steps_due.emit(steps)

    def _show_speed(self, value: int) -> None:
        self.speedLabel.setText(self.tr("%1/s").replace("%1", str(value)))

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setObjectName(name)
        button.setToolTip(tip)
        return button
