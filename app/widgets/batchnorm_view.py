"""Inside a BatchNorm layer of the canvas model: ``batchNormView``, in its own window.

Per channel, the statistics the layer normalises with (μ_B and σ_B of the drawing's batch,
which train mode uses, and the running μ and σ gathered in training, which eval mode uses),
its learned γ and β, and the drawing's feature maps before and after the layer. A switch
shows the same drawing through the layer in eval mode or in train mode. It opens from a
BatchNorm layer's card in the Feature maps tab, beside the maps it explains. The numbers come
from :func:`cnn_core.analysis.batchnorm.batchnorm_inside`, computed by the analysis worker.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cnn_core.analysis.batchnorm import BatchNormInside, batchnorm_inside, batchnorm_layers

from .map_grid import MapGrid

if TYPE_CHECKING:
    from cnn_core.checkpoints import Checkpoint
    from cnn_core.recognition.predict import Prediction

    from ..analysis_worker import AnalysisWorker

__all__ = ["BatchNormDialog", "BatchNormView"]

_JOB = "batchnorm"
_COLUMNS = ("μ_B", "σ_B", "running μ", "running σ", "γ", "β")


class BatchNormView(QWidget):
    """One BatchNorm layer of the canvas model and the drawing through it."""

    def __init__(self, worker: AnalysisWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchNormView")
        self._worker = worker
        self._prediction: Prediction | None = None
        self._inside: BatchNormInside | None = None
        self._dirty = False

        self.layerCombo = QComboBox(self)
        self.layerCombo.setObjectName("batchNormLayerCombo")
        self.layerCombo.setToolTip(self.tr("The BatchNorm layer to look inside"))
        self.evalButton = QRadioButton(self.tr("Eval mode"), self)
        self.evalButton.setObjectName("batchNormEvalButton")
        self.evalButton.setToolTip(self.tr("Normalise with the running statistics (E)"))
        self.evalButton.setShortcut(QKeySequence("E"))
        self.trainButton = QRadioButton(self.tr("Train mode"), self)
        self.trainButton.setObjectName("batchNormTrainButton")
        self.trainButton.setToolTip(self.tr("Normalise with the drawing's own statistics (T)"))
        self.trainButton.setShortcut(QKeySequence("T"))
        self._modes = QButtonGroup(self)
        for button in (self.evalButton, self.trainButton):
            self._modes.addButton(button)
        self.evalButton.setChecked(True)
        self.modeNote = QLabel(self)
        self.modeNote.setObjectName("batchNormModeNote")
        self.modeNote.setWordWrap(True)
        self.statusLabel = QLabel(self)
        self.statusLabel.setObjectName("batchNormStatus")
        self.table = QTableWidget(0, len(_COLUMNS), self)
        self.table.setObjectName("batchNormTable")
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        digits = self.table.fontMetrics().horizontalAdvance("−0.0000e-00")
        self.table.horizontalHeader().setMinimumSectionSize(digits)
        self.table.setMinimumWidth(len(_COLUMNS) * digits + 60)
        self.table.setToolTip(self.tr(
            "Per channel: μ_B and σ_B of this drawing's batch (train mode normalises with them), "
            "the running μ and σ gathered in training (eval mode uses them), and the learned "
            "scale γ and shift β: y = (x − μ) / √(σ² + ε) · γ + β"))
        self.beforeGrid, self.afterGrid = MapGrid(self), MapGrid(self)
        self.beforeGrid.setObjectName("batchNormBefore")
        self.afterGrid.setObjectName("batchNormAfter")
        self.beforeLabel, self.afterLabel = QLabel(self), QLabel(self)
        for grid in (self.beforeGrid, self.afterGrid):
            grid.set_tile_size(48)
            grid.map_clicked.connect(self.table.selectRow)
        self._build_layout()
        self.layerCombo.currentIndexChanged.connect(self._request)
        self._modes.buttonToggled.connect(self._on_mode)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self._on_mode()

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Layer:"), self))
        bar.addWidget(self.layerCombo, 1)
        bar.addSpacing(12)
        bar.addWidget(self.evalButton)
        bar.addWidget(self.trainButton)
        maps = QWidget()
        column = QVBoxLayout(maps)
        column.setContentsMargins(0, 0, 4, 0)
        for label, grid in ((self.beforeLabel, self.beforeGrid),
                            (self.afterLabel, self.afterGrid)):
            column.addWidget(label)
            column.addWidget(grid)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("batchNormMaps")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(maps)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(scroll)
        split.setStretchFactor(1, 1)
        split.setCollapsible(0, False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.modeNote)
        layout.addWidget(self.statusLabel)
        layout.addWidget(split, 1)

    # ----------------------------------------------------------------- inputs
    def set_checkpoint(self, checkpoint: Checkpoint) -> None:
        """The canvas model: its BatchNorm layers are offered."""
        current = self.layerCombo.currentText()
        self.layerCombo.blockSignals(True)
        self.layerCombo.clear()
        self.layerCombo.addItems(batchnorm_layers(checkpoint.model))
        self.layerCombo.setCurrentIndex(max(0, self.layerCombo.findText(current)))
        self.layerCombo.blockSignals(False)
        self._request()

    def set_prediction(self, prediction: Prediction) -> None:
        """A new answer for the drawing: look again."""
        self._prediction = prediction
        self._request()

    def show_layer(self, layer: str) -> None:
        """Look inside ``layer`` (a module name such as ``features.bn2``)."""
        index = self.layerCombo.findText(layer)
        if index >= 0:
            self.layerCombo.setCurrentIndex(index)

    def inside(self) -> BatchNormInside | None:
        """What is shown."""
        return self._inside

    def train_mode(self) -> bool:
        """Whether the train-mode output is shown."""
        return self.trainButton.isChecked()

    # ---------------------------------------------------------------- compute
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self._request()

    def _request(self) -> None:
        layer, prediction = self.layerCombo.currentText(), self._prediction
        if not layer:
            self._show(None, self.tr("This model has no BatchNorm layer."))
            return
        if prediction is None or prediction.preprocessed.blank:
            self._show(None, self.tr("Draw a digit to see it go through {0}.").format(layer))
            return
        if not self.isVisible():  # nobody looks: ask when shown
            self._dirty = True
            return
        self._dirty = False
        self._worker.submit(_JOB, partial(_inside, image28=prediction.preprocessed.image28,
                                          layer=layer))

    def _on_finished(self, key: str, result: Any, seconds: float) -> None:
        if key == _JOB and isinstance(result, BatchNormInside):
            self._show(result, "")

    def _on_failed(self, key: str, message: str) -> None:
        if key == _JOB:
            self._show(None, self.tr("Could not look inside: {0}").format(message))

    # ------------------------------------------------------------------ show
    def _on_mode(self) -> None:
        self.modeNote.setText(self.tr(
            "Train mode: each channel is normalised with this drawing's own μ_B and σ_B (the "
            "drawing is the whole batch), so every map comes out with mean β and spread γ, "
            "however faint it was.") if self.train_mode() else self.tr(
            "Eval mode: each channel is normalised with the running μ and σ gathered over the "
            "training set, so a faint map stays faint — what the model does when it answers."))
        self._show(self._inside, self.statusLabel.text())

    def _show(self, inside: BatchNormInside | None, status: str) -> None:
        self._inside = inside
        self.statusLabel.setText(status)
        if inside is None:
            self.table.setRowCount(0)
            for grid in (self.beforeGrid, self.afterGrid):
                grid.set_maps(np.zeros((0, 1, 1), np.float32))
            self.beforeLabel.clear()
            self.afterLabel.clear()
            return
        self._fill_table(inside)
        short = inside.layer.split(".", 1)[-1]
        after = inside.after_train if self.train_mode() else inside.after_eval
        self.beforeLabel.setText(self.tr("Before {0} (its input)").format(short))
        self.beforeGrid.set_maps(inside.before)
        if after is None:  # no train mode for a batch of one here
            self.afterLabel.setText(inside.train_note)
            self.afterGrid.set_maps(np.zeros((0, 1, 1), np.float32))
        else:
            self.afterLabel.setText(self.tr("After {0}, {1}").format(
                short, self.tr("train mode") if self.train_mode() else self.tr("eval mode")))
            self.afterGrid.set_maps(after)

    def _fill_table(self, inside: BatchNormInside) -> None:
        def spread(var: np.ndarray | None) -> np.ndarray | None:
            return None if var is None else np.sqrt(var)

        columns = (inside.batch_mean, spread(inside.batch_var), inside.running_mean,
                   spread(inside.running_var), inside.gamma, inside.beta)
        self.table.setRowCount(inside.channels)
        self.table.setVerticalHeaderLabels([str(c) for c in range(inside.channels)])
        for col, values in enumerate(columns):
            for row in range(inside.channels):
                text = "—" if values is None else f"{float(values[row]):.4g}"
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        used = (0, 1) if self.train_mode() else (2, 3)  # the statistics the mode normalises with
        for col in range(len(_COLUMNS)):
            header = self.table.horizontalHeaderItem(col)
            font = header.font()
            font.setBold(col in used)
            header.setFont(font)


class BatchNormDialog(QDialog):
    """A non-modal window holding a :class:`BatchNormView`."""

    def __init__(self, worker: AnalysisWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchNormDialog")
        self.setWindowTitle(self.tr("Inside BatchNorm"))
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.resize(980, 620)
        self.view = BatchNormView(worker, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view)


def _inside(checkpoint: Checkpoint, *, image28: np.ndarray, layer: str) -> BatchNormInside | None:
    """The worker's job; ``None`` when the model changed since it was asked for and has no
    such layer (the new model's request follows)."""
    if layer not in batchnorm_layers(checkpoint.model):
        return None
    return batchnorm_inside(checkpoint, image28, layer)
