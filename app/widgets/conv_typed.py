"""The convolution explorer's own numbers: an input and a kernel typed or pasted as small
grids, the tutorials' toy examples as presets, and the switch to a true convolution.

Widgets (objectName → what it does):

- ``convTypedPresetCombo`` fills both grids with a tutorial's example: the corr2d grid 0 … 8
  with the kernel [[0, 1], [2, 3]], or the 6×8 edge pattern with [1, −1];
- ``convInputEdit`` a small input (``0 1 2; 3 4 5; 6 7 8``, rows by ``;`` or new lines, values
  by spaces or commas, up to 32×32), ``convInputErrorLabel`` why it cannot be read;
- ``convKernelEdit`` a kernel typed the same way (up to 9×9), ``convKernelErrorLabel``;
- ``convFlipCheck`` "True convolution (flip the kernel)", ``convFlipNote`` the one line that
  says what ``nn.Conv2d`` computes.

Enter (or leaving the field) applies a grid; a grid that does not read stays in its field,
with the reason on the line under it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cnn_core.analysis.conv_presets import INPUT_PRESETS
from cnn_core.analysis.conv_typed import (
    MAX_TYPED_SIZE,
    MatrixTextError,
    format_matrix,
    parse_matrix,
)

from ..language import say, sentence
from .naming import named

__all__ = ["MAX_TYPED_KERNEL", "ConvFlipChoice", "ConvTypedBox", "MatrixEdit"]

MAX_TYPED_KERNEL = 9  # the kernel-size spins' range


class MatrixEdit(QLineEdit):
    """A one-line field for a grid of numbers; a pasted grid's new lines become ``;``."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Paste):
            text = QGuiApplication.clipboard().text()
            self.insert("; ".join(line.strip() for line in text.strip().splitlines()
                                  if line.strip()))
            return
        super().keyPressEvent(event)


class ConvTypedBox(QGroupBox):
    """Typed input and kernel; ``input_typed`` / ``kernel_typed`` carry a grid that reads,
    ``example_chosen`` both of a preset (input, kernel)."""

    input_typed = Signal(object)  # np.ndarray [rows, cols]
    kernel_typed = Signal(object)  # np.ndarray [kh, kw]
    example_chosen = Signal(object, object)  # input, kernel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Your own numbers"), parent)
        self.setObjectName("convTypedBox")
        self.presetCombo = named(QComboBox(self), "convTypedPresetCombo",
                                 self.tr("Fill both grids with an example of the tutorials"))
        self.presetCombo.addItem(self.tr("Examples…"), "")
        titles = {"corr2d": self.tr("corr2d: 0…8 with [[0, 1], [2, 3]]"),
                  "edge_6x8": self.tr("6×8 edges with [1, −1]")}
        for key in INPUT_PRESETS:
            self.presetCombo.addItem(titles.get(key, key), key)
        self.presetCombo.activated.connect(self._on_preset)
        self.inputEdit, self.inputError = self._field(
            "convInputEdit", "0 1 2; 3 4 5; 6 7 8",
            self.tr("An input of up to %1×%1 numbers: rows separated by ; or new lines, values by "
                    "spaces or commas. Enter uses it").replace("%1", str(MAX_TYPED_SIZE)))
        self.kernelEdit, self.kernelError = self._field(
            "convKernelEdit", "0 1; 2 3",
            self.tr("A kernel of up to %1×%1 numbers, written like the input. Enter uses it")
            .replace("%1", str(MAX_TYPED_KERNEL)))
        # Enter always applies (again: the kernel may have been changed since); leaving the
        # field applies what changed
        self.inputEdit.returnPressed.connect(lambda: self.apply_input(again=True))
        self.kernelEdit.returnPressed.connect(lambda: self.apply_kernel(again=True))
        self.inputEdit.editingFinished.connect(self.apply_input)
        self.kernelEdit.editingFinished.connect(self.apply_kernel)
        form = QFormLayout(self)
        form.addRow(self.presetCombo)
        form.addRow(self.tr("Input"), self.inputEdit)
        form.addRow(self.inputError)
        form.addRow(self.tr("Kernel"), self.kernelEdit)
        form.addRow(self.kernelError)
        self._applied = {self.inputEdit: "", self.kernelEdit: ""}

    def _field(self, name: str, example: str, tip: str) -> tuple[MatrixEdit, QLabel]:
        edit = named(MatrixEdit(self), name, tip)
        edit.setPlaceholderText(self.tr("e.g. %1").replace("%1", example))
        error = QLabel(self)
        error.setObjectName(name.replace("Edit", "ErrorLabel"))
        error.setWordWrap(True)
        error.setStyleSheet("color: #b3261e;")
        error.hide()
        edit.textEdited.connect(lambda _text: error.hide())
        return edit, error

    def _read(self, edit: MatrixEdit, error: QLabel, size: int, what: str
              ) -> np.ndarray | None:
        """The grid in ``edit``, or None (the reason shown under it) when it does not read."""
        text = edit.text()
        if not text.strip():
            error.hide()
            return None
        try:
            matrix = parse_matrix(text, size, what)
        except MatrixTextError as exc:
            error.setText(sentence(say(exc)))
            error.show()
            return None
        error.hide()
        return matrix

    def apply_input(self, again: bool = False) -> None:
        """Use the typed input, if it reads and changed since it was last used (``again``:
        even if it did not)."""
        if not again and self._applied[self.inputEdit] == self.inputEdit.text():
            return
        matrix = self._read(self.inputEdit, self.inputError, MAX_TYPED_SIZE, self.tr("input"))
        if matrix is not None:
            self._applied[self.inputEdit] = self.inputEdit.text()
            self.input_typed.emit(matrix)

    def apply_kernel(self, again: bool = False) -> None:
        """Use the typed kernel, if it reads and changed since it was last used (``again``:
        even if it did not)."""
        if not again and self._applied[self.kernelEdit] == self.kernelEdit.text():
            return
        matrix = self._read(self.kernelEdit, self.kernelError, MAX_TYPED_KERNEL,
                            self.tr("kernel"))
        if matrix is not None:
            self._applied[self.kernelEdit] = self.kernelEdit.text()
            self.kernel_typed.emit(matrix)

    def _on_preset(self) -> None:
        key = self.presetCombo.currentData()
        if not key:
            return
        x, kernel = INPUT_PRESETS[key]
        for edit, matrix in ((self.inputEdit, x), (self.kernelEdit, kernel)):
            edit.setText(format_matrix(matrix))
            self._applied[edit] = edit.text()
        self.inputError.hide()
        self.kernelError.hide()
        self.example_chosen.emit(x.copy(), kernel.copy())

    def show_kernel(self, kernel: np.ndarray) -> None:
        """Write ``kernel`` (the one in use, 2-D) into the kernel field without applying it."""
        self.kernelEdit.setText(format_matrix(kernel))
        self._applied[self.kernelEdit] = self.kernelEdit.text()


class ConvFlipChoice(QWidget):
    """``convFlipCheck`` and the note under it; ``toggled(bool)`` when it changes."""

    toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("convFlipChoice")
        self.check = named(
            QCheckBox(self.tr("True convolution (flip the kernel)"), self), "convFlipCheck",
            self.tr("Turn the kernel half a turn (top to bottom, left to right) before sliding it: "
                    "the convolution of mathematics and signal processing"))
        self.check.toggled.connect(self.toggled)
        self.note = QLabel(self.tr("Conv2d computes a cross-correlation: it slides the kernel "
                                   "unflipped."), self)
        self.note.setObjectName("convFlipNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #606060;")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.check)
        layout.addWidget(self.note)

    def isChecked(self) -> bool:  # noqa: N802 - as QCheckBox says it
        """Whether the kernel is flipped."""
        return self.check.isChecked()
