"""The convolution explorer's playback bar: Reset, Back, Play, Step, Finish and the speed.

Widgets (objectName → what it does): ``convPlayBar`` the bar; ``convResetButton`` (Home),
``convBackButton`` (Left), ``convPlayButton`` (Space), ``convStepButton`` (Right),
``convFinishButton`` (End); ``convSpeedSlider`` steps per second while playing, shown beside
it. The explorer connects them and gives them their shortcuts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

__all__ = ["ConvPlayBar"]


class ConvPlayBar(QWidget):
    """The playback buttons and the speed slider, in one row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("convPlayBar")
        tr = self.tr
        self.playButton = self._button("convPlayButton", tr("Play"), tr("Space"))
        self.backButton = self._button("convBackButton", tr("◀ Back"), tr("Left"))
        self.stepButton = self._button("convStepButton", tr("Step ▶"), tr("Right"))
        self.resetButton = self._button("convResetButton", tr("Reset"), tr("Home"))
        self.finishButton = self._button("convFinishButton", tr("Finish"), tr("End"))
        self.speedSlider = QSlider(Qt.Orientation.Horizontal, self)
        self.speedSlider.setObjectName("convSpeedSlider")
        self.speedSlider.setRange(1, 400)
        self.speedSlider.setValue(8)
        self.speedSlider.setToolTip(tr("Steps per second while playing"))
        self.speedSlider.setMinimumWidth(40)
        self.speedLabel = QLabel(tr("%1/s").replace("%1", "8"), self)
        self.speedLabel.setToolTip(tr("Steps per second while playing"))
        self.speedLabel.setMinimumWidth(self.speedLabel.fontMetrics().horizontalAdvance(
            tr("%1/s").replace("%1", "400")))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for button in (self.resetButton, self.backButton, self.playButton, self.stepButton,
                       self.finishButton):
            row.addWidget(button)
        row.addSpacing(4)
        row.addWidget(QLabel(tr("Speed"), self))
        row.addWidget(self.speedSlider, 1)
        row.addWidget(self.speedLabel)

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setObjectName(name)
        button.setToolTip(tip)
        return button
