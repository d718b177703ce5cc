"""A dismissable message that floats over a display-only part of the window (non-modal errors
and notices).

It overlays the window instead of taking a row of its layout: a banner that pushed every
control down by its height when it came, and pulled them back up when it went, moved the
button under the user's pointer between aiming and clicking. Its place is fixed: the top of
the widget given to :meth:`MessageBanner.float_over` (the window puts it over the prediction's
headline, where no control lies), else the bottom of the parent.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QToolButton,
    QWidget,
)

__all__ = ["MessageBanner"]

_STYLES = {
    "error": "background: #fde2e1; border: 1px solid #e0a3a0; color: #5c1512;",
    "info": "background: #e3effc; border: 1px solid #9fbfe3; color: #123a63;",
}
MAX_WIDTH = 760  # pixels: a longer line is harder to read than a second one
MARGIN = 12  # pixels between the banner and the edges of the area it floats over


class MessageBanner(QFrame):
    """Shows one message at a time; errors stay until closed, notices fade after a while.

    It floats above the parent's other children, centred over the top edge of its anchor
    (:meth:`float_over`), or over the bottom edge of the parent's (central) area; it follows
    their sizes.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.textLabel = QLabel(self)
        self.textLabel.setObjectName("messageText")
        self.textLabel.setWordWrap(True)
        self.textLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setObjectName("messageCloseButton")
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Dismiss"))
        close.clicked.connect(self.hide)
        self.closeButton = close
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        layout.addWidget(self.textLabel, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(14)
        shadow.setOffset(0, 2)
        shadow.setColor(QColor(0, 0, 0, 90))
        self.setGraphicsEffect(shadow)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.kind = ""
        self._anchor: QWidget | None = None
        if parent is not None:
            parent.installEventFilter(self)
        self.hide()

    def float_over(self, anchor: QWidget) -> None:
        """Show messages over the top edge of ``anchor`` (a widget inside the parent that has
        no controls there)."""
        self._anchor = anchor
        anchor.installEventFilter(self)

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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in (self.parentWidget(), self._anchor) and not self.isHidden() \
                and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place()
        return False

    def _area(self) -> QRect:
        """The part of the parent the banner floats over: its anchor, or a main window's
        central area (never its menus, tool bars or status bar)."""
        parent = self.parentWidget()
        if self._anchor is not None and parent is not None and self._anchor.isVisible():
            return QRect(self._anchor.mapTo(parent, QPoint(0, 0)), self._anchor.size())
        if isinstance(parent, QMainWindow) and parent.centralWidget() is not None:
            return parent.centralWidget().geometry()
        return parent.rect() if parent is not None else QRect(0, 0, MAX_WIDTH, 0)

    def _place(self) -> None:
        area = self._area()
        width = max(120, min(MAX_WIDTH, area.width() - 2 * MARGIN))
        layout = self.layout()
        height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() \
            else self.sizeHint().height()
        left = area.left() + (area.width() - width) // 2
        top = area.top() + MARGIN // 2 if self._anchor is not None and self._anchor.isVisible() \
            else area.bottom() + 1 - MARGIN - height
        self.setGeometry(left, top, width, height)
        self.raise_()

    def _show(self, kind: str, text: str, timeout_ms: int) -> None:
        self.kind = kind
        self.setStyleSheet(f"QFrame#messageBanner {{ {_STYLES[kind]} border-radius: 4px; }}"
                           f" QLabel {{ border: none; background: transparent; }}")
        self.textLabel.setText(text)
        self.show()
        self._place()
        self._timer.stop()
        if timeout_ms:
            self._timer.start(timeout_ms)
