"""Give a widget the objectName tests and issues refer to, and its tooltip, in one call."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

__all__ = ["named", "prefixed"]

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, tip: str = "") -> W:
    """Set ``widget``'s objectName to ``name`` and, if given, its tooltip; return it."""
    widget.setObjectName(name)
    if tip:
        widget.setToolTip(tip)
    return widget


def prefixed(prefix: str, name: str) -> str:
    """The objectName ``name`` inside a part called ``prefix``, so that a widget used twice in
    the window is named apart: ``prefixed("compareLeft", "predictionLabel")`` is
    ``"compareLeftPredictionLabel"``; without a prefix, ``name`` itself."""
    return prefix + name[:1].upper() + name[1:] if prefix else name
