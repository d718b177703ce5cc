"""Wrapped explanatory lines that never make the window's minimum size taller."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSizePolicy

__all__ = ["shrinkable"]


def shrinkable(label: QLabel) -> QLabel:
    """Let ``label`` (a wrapped line) have its full height when there is room, without adding
    to the window's minimum height: at the smallest window sizes it may be cut."""
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    label.setMinimumHeight(1)
    return label
