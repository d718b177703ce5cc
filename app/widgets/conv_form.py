"""The parts the convolution explorer's control column is built of: number boxes that report
every change, choosers whose long entries end in …, and rows of widgets for a form."""

from __future__ import annotations

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from .elided_combo import ElidedComboBox

__all__ = ["form_combo", "form_row", "form_spin"]


def form_spin(parent: QWidget, name: str, bounds: tuple[int, int], value: int, tip: str,
              changed: SignalInstance) -> QSpinBox:
    """A narrow spin box named ``name`` whose every change emits ``changed``."""
    spin = QSpinBox(parent)
    spin.setObjectName(name)
    spin.setRange(*bounds)
    spin.setValue(value)
    spin.setToolTip(tip)
    spin.valueChanged.connect(changed)
    spin.setMaximumWidth(64)
    return spin


def form_combo(parent: QWidget, name: str, items: list[tuple[str, str]]) -> QComboBox:
    """A chooser named ``name`` of ``(text, key)`` items; long texts end in …"""
    combo = ElidedComboBox(parent)  # long layer and input names end in …
    combo.setObjectName(name)
    for text, key in items:
        combo.addItem(text, key)
    return combo


def form_row(parent: QWidget, *parts: QWidget | str) -> QWidget:
    """One row of widgets without margins (for a form); a string becomes a label."""
    row = QWidget(parent)
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        line.addWidget(QLabel(part, row) if isinstance(part, str) else part)
    return row
