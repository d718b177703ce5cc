"""A dismissable message strip at the top of the window (non-modal errors and notices)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

__all__ = ["MessageBanner"]

_STYLES = {
    "error": "background: #fde2e1; border: 1px solid #e0a3a0; color: #5c1512;",
    "info": "background: #e3effc; border: 1px solid #9fbfe3; color: #123a63;",
}


class MessageBanner(QFrame):
    """Shows one message at a time; errors stay until closed, notices fade after a while."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.textLabel = QLabel(self)
        self.textLabel.setObjectName("messageText")
        self.textLabel.setWordWrap(True)
        self.textLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        layout.addWidget(self.textLabel, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.kind = ""
        self.hide()

    def show_error(self, text: str) -> None:
        """Show an error until the user dismisses it."""
        self._show("error", text, 0)

    def show_info(self, text: str, timeout_ms: int = 6000) -> None:
        """Show a notice that hides itself after ``timeout_ms``."""
        self._show("info", text, timeout_ms)

    def dismiss_info(self) -> None:
        """Hide a notice (never an error) that a newer action of the user made stale."""
        if self.kind == "info" and not self.isHidden():
            self._timer.stop()
            self.hide()

    def text(self) -> str:
        """The message shown (empty when hidden)."""
        return self.textLabel.text() if not self.isHidden() else ""

    def _show(self, kind: str, text: str, timeout_ms: int) -> None:
        self.kind = kind
        self.setStyleSheet(f"QFrame#messageBanner {{ {_STYLES[kind]} border-radius: 4px; }}"
                           f" QLabel {{ border: none; background: transparent; }}")
        self.textLabel.setText(text)
        self.show()
        self._timer.stop()
        if timeout_ms:
            self._timer.start(timeout_ms)
