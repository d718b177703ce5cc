"""The Learn-a-kernel tab's kernels as numbers: the target to type in, the learned one to read.

:class:`ValueTable` shows a small kernel cell by cell (editable or read-only).
:class:`TargetKernelEditor` is the target's part of the form: a preset chooser, the size of a
typed-in kernel and its table; typing a value makes the target "typed in".
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from cnn_core.analysis.kernel_learning import PRESETS

from .naming import named

__all__ = ["CUSTOM", "TargetKernelEditor", "ValueTable"]

CUSTOM = "custom"  # the target chooser's "typed in" entry
_CELL_W, _CELL_H = 60, 24  # a value cell fits "-1.0000"


class ValueTable(QTableWidget):
    """A kernel's values in a fixed-size grid without headers or scroll bars."""

    def __init__(self, parent: QWidget, editable: bool) -> None:
        super().__init__(parent)
        self._editable = editable
        self.horizontalHeader().setVisible(False)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setDefaultSectionSize(_CELL_W)
        self.verticalHeader().setDefaultSectionSize(_CELL_H)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        if not editable:
            self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

    def show_values(self, values: np.ndarray) -> None:
        """Show ``values``; cells are made only when the shape changes (a redraw is cheap)."""
        self.blockSignals(True)
        rows, cols = values.shape
        if (self.rowCount(), self.columnCount()) != (rows, cols) or self.item(0, 0) is None:
            self.setRowCount(rows)
            self.setColumnCount(cols)
            for r in range(rows):
                for c in range(cols):
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    if not self._editable:
                        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    self.setItem(r, c, item)
            self.setFixedSize(cols * _CELL_W + 4, rows * _CELL_H + 4)
        for r in range(rows):
            for c in range(cols):
                value = values[r, c]
                text = (f"{value:.4g}" if self._editable or abs(value) >= 1000
                        else f"{value:.4f}")
                if self.item(r, c).text() != text:
                    self.item(r, c).setText(text)
        self.blockSignals(False)

    def values(self) -> np.ndarray:
        """The values as typed (unparseable cells read as 0)."""
        values = np.zeros((self.rowCount(), self.columnCount()))
        for r in range(self.rowCount()):
            for c in range(self.columnCount()):
                item = self.item(r, c)
                try:
                    values[r, c] = float(item.text().replace("−", "-")) if item else 0.0
                except ValueError:
                    values[r, c] = 0.0
        return values


class TargetKernelEditor(QObject):
    """The target kernel's rows of the form: ``targetCombo``, ``rowsSpin`` × ``colsSpin`` and
    ``targetTable`` (widgets of ``parent``).

    ``problem_changed``: another preset or size (start over with a fitting learning rate);
    ``edited``: a value was typed (start over).
    """

    problem_changed = Signal()
    edited = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.targetCombo = named(QComboBox(parent), "kernelTargetCombo",
                                 self.tr("The kernel that makes Y; gradient descent must find it "
                                         "again"))
        for key, title in (("edge", self.tr("Edge [1, −1] (the tutorials')")),
                           ("edge_horizontal", self.tr("Horizontal edge [1; −1]")),
                           ("sobel_x", self.tr("Sobel x")), ("sobel_y", self.tr("Sobel y")),
                           ("laplacian", self.tr("Laplacian")),
                           ("blur", self.tr("Blur (3×3 mean)")),
                           ("sharpen", self.tr("Sharpen")), (CUSTOM, self.tr("Typed in"))):
            self.targetCombo.addItem(title, key)
        self.rowsSpin = named(QSpinBox(parent), "kernelRowsSpin", self.tr("Kernel height"))
        self.colsSpin = named(QSpinBox(parent), "kernelColsSpin", self.tr("Kernel width"))
        for spin in (self.rowsSpin, self.colsSpin):
            spin.setRange(1, 5)
        self.targetTable = named(ValueTable(parent, editable=True), "kernelTargetTable",
                                 self.tr("The target's values: type to change them"))
        self.targetCombo.currentIndexChanged.connect(self.apply_preset)
        self.rowsSpin.valueChanged.connect(self._resize_custom)
        self.colsSpin.valueChanged.connect(self._resize_custom)
        self.targetTable.itemChanged.connect(self._on_edited)

    def add_rows(self, form: QFormLayout) -> None:
        """Put the target's rows into ``form``: the chooser, the size and the table."""
        parent = self.parent()
        size_row = QHBoxLayout()
        size_row.addWidget(self.rowsSpin)
        size_row.addWidget(QLabel("×", parent))
        size_row.addWidget(self.colsSpin)
        size_row.addStretch(1)
        form.addRow(self.tr("Target"), self.targetCombo)
        form.addRow(self.tr("Size"), size_row)
        form.addRow(self.targetTable)

    def target(self) -> np.ndarray:
        """The target kernel as typed in the table (unparseable cells read as 0)."""
        return self.targetTable.values()

    def apply_preset(self) -> None:
        """Show the chosen preset's values (a typed-in target keeps its own)."""
        key = self.targetCombo.currentData()
        custom = key == CUSTOM
        self.rowsSpin.setEnabled(custom)
        self.colsSpin.setEnabled(custom)
        if not custom:
            values = np.asarray(PRESETS[key], float)
            for spin, n in ((self.rowsSpin, values.shape[0]), (self.colsSpin, values.shape[1])):
                spin.blockSignals(True)
                spin.setValue(n)
                spin.blockSignals(False)
            self.targetTable.show_values(values)
        self.problem_changed.emit()

    def _resize_custom(self) -> None:
        old = self.target()
        new = np.zeros((self.rowsSpin.value(), self.colsSpin.value()))
        rows, cols = min(old.shape[0], new.shape[0]), min(old.shape[1], new.shape[1])
        new[:rows, :cols] = old[:rows, :cols]
        self.targetTable.show_values(new)
        self.problem_changed.emit()

    def _on_edited(self) -> None:
        if self.targetCombo.currentData() != CUSTOM:  # a typed value makes the target custom
            self.targetCombo.blockSignals(True)
            self.targetCombo.setCurrentIndex(self.targetCombo.findData(CUSTOM))
            self.targetCombo.blockSignals(False)
            self.rowsSpin.setEnabled(True)
            self.colsSpin.setEnabled(True)
        self.edited.emit()
