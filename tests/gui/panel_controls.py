"""Set the training form's controls by objectName, as the checks that judge the app do.

Imported by the GUI tests and ``benchmarks/gui_responsiveness.py`` as a plain module.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget


def set_controls(panel: QWidget, values: Mapping[str, object]) -> None:
    """Set each named control in order: combo boxes by item data, check boxes by state,
    spin boxes by value. Set the model first: picking one fills the form from its recipe."""
    for name, value in values.items():
        widget = panel.findChild(QWidget, name)
        assert widget is not None, f"no control named {name!r}"
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(widget.findData(value))
        elif isinstance(widget, QAbstractButton):
            widget.setChecked(bool(value))
        else:
            widget.setValue(value)
