"""Give a widget the objectName tests and issues refer to, and its tooltip, in one call."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

__all__ = ["named"]

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, tip: str = "") -> W:
    """Set ``widget``'s objectName to ``name`` and, if given, its tooltip; return it."""
    widget.setObjectName(name)
    if tip:
        widget.setToolTip(tip)
    return widget
