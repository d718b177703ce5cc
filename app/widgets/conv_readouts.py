"""The convolution explorer's numbers: the output-size formula, the output size, why a setting
cannot run, and the position shown in detail (kernel, products, their sum, the equation).

Widgets (objectName → what it shows): ``convFormulaLabel`` (the output-size formula with the
current numbers), ``convOutputSizeLabel``, ``convMessageLabel`` (one line), ``convKernelTable``
(the current output channel's kernel, editable), ``convProductsTable``, ``convPositionLabel``,
``convSumLabel`` (Σ products + bias = value), ``convEquationLabel`` (the products written
out) and ``convOutputValuesLabel`` (a small output's numbers, row by row).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from cnn_core.analysis.conv_explain import ConvStep
from cnn_core.analysis.conv_settings import ConvSettings
from cnn_core.models.output_size import size_formula

from ..language import sentence
from .conv_views import KernelTable, number_text, product_tips

__all__ = ["MAX_LISTED", "ConvReadOuts"]

MAX_LISTED = 12  # an output up to this many rows and columns is also listed as numbers


class ConvReadOuts(QObject):
    """The read-outs of ``parent`` (the explorer): its labels and the two tables."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.formulaLabel = self._label("convFormulaLabel")
        self.formulaLabel.setToolTip(self.tr(
            "Output size = ⌊(N + 2P − D×(F − 1) − 1) / S⌋ + 1; with dilation D = 1 it is the "
            "tutorials' (N + 2P − F) / S + 1. N: input size, P: padding, F: kernel size, "
            "S: stride"))
        self.outputSizeLabel = self._label("convOutputSizeLabel")
        self._size_text = ""  # the output size, before the pooled size
        self.messageLabel = self._label("convMessageLabel")
        self.messageLabel.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.positionLabel = self._label("convPositionLabel")
        self.sumLabel = self._label("convSumLabel")
        self.sumLabel.setStyleSheet("font-weight: bold;")
        self.equationLabel = self._label("convEquationLabel")
        self.outputValuesLabel = self._label("convOutputValuesLabel")
        self.outputValuesLabel.setWordWrap(False)
        self.outputValuesLabel.setToolTip(self.tr("The output channel's values so far (· not "
                                                  "computed yet)"))
        self.kernelTable = KernelTable(True, parent)
        self.kernelTable.setObjectName("convKernelTable")
        self.kernelTable.setToolTip(self.tr("The current output channel's kernel: type a number "
                                            "in a cell to change it"))
        self.productsTable = KernelTable(False, parent)
        self.productsTable.setObjectName("convProductsTable")
        self.productsTable.setToolTip(self.tr("Each input value under the window times its "
                                              "kernel value; hover a cell for the numbers"))

    def _label(self, name: str) -> QLabel:
        label = QLabel(self._parent)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _titled(self, title: str, widget: QWidget) -> QWidget:
        box = QWidget(self._parent)
        box.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(title, box)
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        layout.addWidget(widget, 1)
        self._heading = heading
        return box

    def position_panel(self) -> QWidget:
        """The row under the pictures: the kernel, the products and this position's sum."""
        sums = QWidget(self._parent)
        sums_layout = QVBoxLayout(sums)
        sums_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(self.tr("This position"), sums)
        heading.setStyleSheet("font-weight: bold;")
        for widget in (heading, self.positionLabel, self.sumLabel, self.equationLabel):
            sums_layout.addWidget(widget)
        sums_layout.addStretch(1)
        bottom = QWidget(self._parent)
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self._titled(self.tr("Kernel"), self.kernelTable))
        self.kernelHeading = self._heading
        bottom_layout.addWidget(self._titled(self.tr("Products"), self.productsTable))
        bottom_layout.addWidget(sums, 1)
        bottom_layout.addWidget(self.outputValuesLabel)
        bottom.setMinimumHeight(100)
        bottom.setMaximumHeight(150)
        return bottom

    def show_formula(self, input_hw: tuple[int, int], s: ConvSettings) -> None:
        """The output-size formula for an input of ``input_hw``, with the current numbers."""
        lines = []
        for axis, i in ((self.tr("Height"), 0), (self.tr("Width"), 1)):
            f = size_formula(input_hw[i], s.kernel_size[i], s.stride[i], s.padding[i],
                             s.dilation[i])
            lines.append(f"{axis}: {f.text}")
        general = ("(N + 2P − F) / S + 1" if s.dilation == (1, 1)
                   else "(N + 2P − D×(F − 1) − 1) / S + 1")
        self.formulaLabel.setText(self.tr("Output size = %1 →  ").replace("%1", general)
                                  + ";   ".join(lines))

    def show_output_size(self, channels: int, out_hw: tuple[int, int], positions: int) -> None:
        """The output's shape and how many positions make it (the pooled size follows)."""
        self._size_text = (self.tr("Output: %1 channel(s) × %2 × %3, %4 positions")
                           .replace("%1", str(channels)).replace("%2", str(out_hw[0]))
                           .replace("%3", str(out_hw[1])).replace("%4", str(positions)))
        self.outputSizeLabel.setText(self._size_text)

    def show_pooled_size(self, pooled_hw: tuple[int, ...] | None) -> None:
        """The output size followed by the pooled size (``None``: no pooling)."""
        text = self._size_text
        if pooled_hw is not None:
            text += (self.tr("; pooled %1 × %2").replace("%1", str(pooled_hw[0]))
                     .replace("%2", str(pooled_hw[1])))
        self.outputSizeLabel.setText(text)

    def show_no_output(self) -> None:
        """The settings cannot run: there is no output."""
        self.outputSizeLabel.setText(self.tr("Output: none"))

    def show_message(self, message: str) -> None:
        """Say why the settings cannot run (one sentence); ``""`` hides the line."""
        message = sentence(message)
        self.messageLabel.setText(message)
        self.messageLabel.setVisible(bool(message))

    def show_step(self, step: ConvStep | None, done: int, total: int,
                  settings: ConvSettings) -> None:
        """Position ``done`` of ``total`` in detail (``step``: ``None`` before the first)."""
        if step is None:
            self.positionLabel.setText(self.tr("Step 0 of %1: press Step (→) or Play (Space)")
                                       .replace("%1", str(total)))
            self.sumLabel.setText("")
            self.equationLabel.setText("")
            self.productsTable.setRowCount(0)
            return
        self.positionLabel.setText(
            self.tr("Step %1 of %2: output channel %3, row %4, column %5")
            .replace("%1", str(done)).replace("%2", str(total))
            .replace("%3", str(step.out_channel)).replace("%4", str(step.row))
            .replace("%5", str(step.col)))
        bias = (self.tr(" + bias %1").replace("%1", f"{step.bias:.4f}") if settings.bias
                else "")
        self.sumLabel.setText(self.tr("Σ products = %1%2 = %3")
                              .replace("%1", f"{step.products_sum:.4f}")
                              .replace("%2", bias).replace("%3", f"{step.total:.4f}"))
        self.equationLabel.setText(step.equation(max_terms=9))
        self.productsTable.show_blocks(step.products, step.in_channels, product_tips(step), 3)

    def show_kernel_heading(self, flipped: bool) -> None:
        """The kernel table's title says whether the kernel is shown flipped."""
        self.kernelHeading.setText(self.tr("Kernel, flipped") if flipped else self.tr("Kernel"))

    def show_output_values(self, out: np.ndarray | None, channel: int) -> None:
        """A small output channel's numbers, one row per line (hidden for a large one)."""
        small = out is not None and max(out.shape) <= MAX_LISTED
        self.outputValuesLabel.setVisible(small)
        if not small:
            return
        cells = [["·" if np.isnan(v) else number_text(float(v)) for v in row] for row in out]
        width = max(len(cell) for row in cells for cell in row)
        rows = "\n".join("  ".join(cell.rjust(width) for cell in row) for row in cells)
        title = self.tr("Output ch %1").replace("%1", str(channel))
        self.outputValuesLabel.setText(f"<b>{title}</b><pre>{rows}</pre>")
