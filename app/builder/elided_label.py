"""A one-line label that ends in … when it is too narrow (the full text is its tooltip), or
that wraps onto more lines, for a message that must be read whole."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

__all__ = ["ElidedLabel"]


class ElidedLabel(QLabel):
    """A one-line label that ends in … when it is too narrow; the full text is its tooltip.
    With ``wrap``, it shows the whole text on as many lines as it needs instead."""

    def __init__(self, parent: QWidget | None = None, wrap: bool = False) -> None:
        super().__init__(parent)
        self._full = ""
        self._wrap = wrap
        self.setWordWrap(wrap)
        self.setSizePolicy(QSizePolicy.Policy.Ignored,
                           QSizePolicy.Policy.Preferred if wrap else QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_full_text(self, text: str) -> None:
        """Show ``text`` on one line (elided to the width)."""
        self._full = " ".join(text.split())
        self.setToolTip(self._full)
        self._elide()

    def full_text(self) -> str:
        """The whole message."""
        return self._full

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        if self._wrap:
            if self.text() != self._full:
                self.setText(self._full)
            return
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight,
                                        max(10, self.width())))
