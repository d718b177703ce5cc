"""A drop-down that ends its shown choice in … when the box is too narrow for it.

A plain :class:`QComboBox` cuts a long choice off mid-word (``features.conv1 (``). This one
elides it instead, and while it does, the full choice is the box's tooltip. The open list
shows every choice whole, as before.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter, QWidget

__all__ = ["ElidedComboBox"]


class ElidedComboBox(QComboBox):
    """A :class:`QComboBox` whose shown choice is elided rather than cut off."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._own_tip = ""  # a tooltip set by the caller, shown when nothing is elided
        self.currentTextChanged.connect(lambda _t: self._update_tip())

    def setToolTip(self, tip: str) -> None:  # noqa: N802 - Qt override
        self._own_tip = tip
        self._update_tip()

    def is_elided(self) -> bool:
        """Whether the shown choice is too long for the box."""
        return self._shown_text() != self.currentText()

    def _edit_width(self) -> int:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        return self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                           QStyle.SubControl.SC_ComboBoxEditField, self).width()

    def _shown_text(self) -> str:
        return self.fontMetrics().elidedText(self.currentText(), Qt.TextElideMode.ElideRight,
                                             max(0, self._edit_width() - 4))

    def _update_tip(self) -> None:
        tip = self.currentText() if self.is_elided() else self._own_tip
        QComboBox.setToolTip(self, tip)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().resizeEvent(event)
        self._update_tip()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if self.isEditable():
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self._shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
