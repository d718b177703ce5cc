"""Every layer's output for the current drawing, as grids of feature maps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .colour_key import ColourKey
from .map_dialog import FeatureMapDialog
from .map_grid import MapGrid, widest_cell_text
from .naming import prefixed

if TYPE_CHECKING:
    from cnn_core.analysis.inspection import LayerActivation

__all__ = ["FeatureMapView", "LayerCard"]


def _shape_text(shape: Sequence[int]) -> str:
    return "×".join(str(int(s)) for s in shape)


_READOUT_GAP = 12  # between the colour key and the hover readout beside it


class LayerCard(QFrame):
    """One layer: its name, kind, output shape, output-size formula and its maps.

    The header never clips: the title keeps its full width, and when the card is too narrow
    for title and formula side by side, the formula moves to a line of its own.
    """

    def __init__(self, parent: QWidget | None = None, name: str = "layer") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.titleLabel = QLabel(self)
        self.titleLabel.setObjectName(f"{name}Title")
        self.formulaLabel = QLabel(self)
        self.formulaLabel.setObjectName(f"{name}Formula")
        self.formulaLabel.setStyleSheet("font-family: monospace")
        self.formulaLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Its width never holds the card wide: when it does not fit, it moves below the title.
        self.formulaLabel.setSizePolicy(QSizePolicy.Policy.Ignored,
                                        QSizePolicy.Policy.Preferred)
        self.insideButton = QToolButton(self)  # a BatchNorm layer's statistics and modes
        self.insideButton.setObjectName(f"{name}InsideButton")
        self.insideButton.setText(self.tr("Look inside…"))
        self.insideButton.setToolTip(self.tr(
            "Inside this BatchNorm: its statistics, γ and β, and the drawing through it in "
            "train and eval mode"))
        self.insideButton.hide()
        self.grid = MapGrid(self)
        self._header = QGridLayout()
        self._header.setContentsMargins(0, 0, 0, 0)
        self._header.setHorizontalSpacing(12)
        self._header.setVerticalSpacing(0)
        self._header.setColumnStretch(1, 1)  # the formula's column takes the rest, text right
        self._formula_below: bool | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        layout.addLayout(self._header)
        layout.addWidget(self.grid)
        self._place_formula(below=False)
        self._header.addWidget(self.insideButton, 0, 2)
        self.name = ""
        self._header_shown: tuple | None = None

    def set_activation(self, activation: LayerActivation, per_map: bool) -> None:
        """Show one layer's output (the header is only rebuilt when the layer changes)."""
        header = (activation.name, activation.kind, tuple(activation.shape),
                  activation.formula or "")
        if header != self._header_shown:  # a live model repeats it: labels are slow to set
            self._set_header(activation)
            self._header_shown = header
        self.grid.set_maps(np.asarray(activation.maps), per_map=per_map)

    def _set_header(self, activation: LayerActivation) -> None:
        self.name = activation.name
        self.titleLabel.setText(self.tr("<b>{0}</b> &nbsp;{1} &nbsp;→ {2}").format(
            activation.name, activation.kind, _shape_text(activation.shape)))
        self.insideButton.setVisible(activation.kind == "bn")
        formula = activation.formula or ""
        self.formulaLabel.setText(formula)
        self.formulaLabel.setVisible(bool(formula))
        self.formulaLabel.setToolTip(self.tr(
            "Output size = (N + 2P − F) / S + 1, with input size N, padding P, "
            "filter size F and stride S") if formula else "")
        self._reflow(self.width())

    def formula_below(self) -> bool:
        """Whether the formula is on its own line (the card is narrow)."""
        return bool(self._formula_below)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._reflow(event.size().width())
        super().resizeEvent(event)

    def _reflow(self, width: int) -> None:
        margins = self.layout().contentsMargins()
        room = width - margins.left() - margins.right()
        needed = self.titleLabel.sizeHint().width() + 12
        if self.insideButton.isVisibleTo(self):
            needed += self.insideButton.sizeHint().width() + 12
        if self.formulaLabel.text():
            needed += self.formulaLabel.sizeHint().width()
        self._place_formula(below=needed > room)

    def _place_formula(self, below: bool) -> None:
        if below == self._formula_below:
            return
        self._formula_below = below
        self._header.removeWidget(self.titleLabel)
        self._header.removeWidget(self.formulaLabel)
        self._header.addWidget(self.titleLabel, 0, 0, 1, 2 if below else 1)
        if below:
            self._header.addWidget(self.formulaLabel, 1, 0, 1, 2)
        else:
            self._header.addWidget(self.formulaLabel, 0, 1)
        self.formulaLabel.setAlignment(Qt.AlignmentFlag.AlignLeft if below
                                       else Qt.AlignmentFlag.AlignRight)


class FeatureMapView(QWidget):
    """Layer-by-layer feature maps in a scrolling column; click a map to see it large.

    ``name_prefix`` names a second view's widgets apart (see :func:`~.naming.prefixed`).
    Pointing at a cell emits :attr:`cell_hovered` (its receptive field is shown on the
    drawing), leaving the maps :attr:`cell_left`.
    """

    # layer (module name), channel, row, column, and whether the layer is flat (a vector:
    # channel and row 0, column the unit)
    cell_hovered = Signal(str, int, int, int, bool)
    cell_left = Signal()
    batchnorm_requested = Signal(str)  # "Look inside…" on a BatchNorm layer: its module name

    def __init__(self, parent: QWidget | None = None, name_prefix: str = "") -> None:
        super().__init__(parent)
        self._prefix = name_prefix
        self.setObjectName(prefixed(name_prefix, "featureMapView"))
        self._activations: list[LayerActivation] = []
        self._cards: list[LayerCard] = []
        self.dialog: FeatureMapDialog | None = None
        # words about a cell (layer, row, column, flat) for its tooltip and the hover line
        self._note: Callable[[str, int, int, bool], str] | None = None
        self._hover_note = ""
        self._wanted = ""  # a layer to bring into view once its maps are shown
        self._focused = ""

        self.sourceLabel = QLabel(self)
        self.sourceLabel.setObjectName(prefixed(name_prefix, "featureSourceLabel"))
        self.scaleCombo = QComboBox(self)
        self.scaleCombo.addItem(self.tr("One scale per layer"), False)
        self.scaleCombo.addItem(self.tr("One scale per map"), True)
        self.scaleCombo.setToolTip(self.tr("Colour scale: shared by the whole layer, so that "
                                           "channels compare, or stretched for every map"))
        self.scaleCombo.currentIndexChanged.connect(self._redraw)
        self.zoomSlider = QSlider(Qt.Orientation.Horizontal, self)
        self.zoomSlider.setRange(24, 112)
        self.zoomSlider.setValue(48)
        self.zoomSlider.setFixedWidth(120)
        self.zoomSlider.setToolTip(self.tr("Size of the maps"))
        self.zoomSlider.valueChanged.connect(self._on_zoom)
        self.colourKey = ColourKey(self)
        self.colourKey.setObjectName(prefixed(name_prefix, "colourKey"))
        self.hoverLabel = QLabel(self)  # the value under the mouse, on screen
        self.hoverLabel.setObjectName(prefixed(name_prefix, "featureHoverLabel"))
        self.hoverLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.hoverLabel.setFixedHeight(self.hoverLabel.fontMetrics().height())  # text or not
        self._readout_below: bool | None = None

        self.placeholder = QLabel(self.tr("Draw a digit to see what every layer makes of it."),
                                  self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self._column = QWidget()
        self._column_box = QVBoxLayout(self._column)
        self._column_box.setContentsMargins(4, 4, 4, 4)
        self._column_box.setSpacing(8)
        self._column_box.addWidget(self.placeholder)
        self._column_box.addStretch(1)
        self.scrollArea = QScrollArea(self)
        self.scrollArea.setWidgetResizable(True)
        self.scrollArea.setWidget(self._column)
        self.scrollArea.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scrollArea.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._build_layout()

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.sourceLabel, 1)
        bar.addWidget(self.scaleCombo)
        bar.addWidget(QLabel(self.tr("Size:"), self))
        bar.addWidget(self.zoomSlider)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        self._key_grid = QGridLayout()
        self._key_grid.setHorizontalSpacing(_READOUT_GAP)
        self._key_grid.setColumnStretch(1, 1)
        self._key_grid.addWidget(self.colourKey, 0, 0)
        self._place_readout(below=False)
        layout.addLayout(self._key_grid)
        layout.addWidget(self.scrollArea, 1)
        self.sourceLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    # ----------------------------------------------------------------- update
    def set_source(self, text: str) -> None:
        """Say where the maps come from (the model, or a training snapshot)."""
        self.sourceLabel.setText(text)

    def set_activations(self, activations: Sequence[LayerActivation]) -> None:
        """Show these layer outputs (from :func:`cnn_core.analysis.inspection.feature_maps`)."""
        self._activations = list(activations)
        self._redraw()

    def clear(self) -> None:
        """Show the placeholder instead of maps."""
        self.set_activations([])

    def activations(self) -> list[LayerActivation]:
        """The layer outputs shown."""
        return list(self._activations)

    def cards(self) -> list[LayerCard]:
        """One card per layer shown."""
        return list(self._cards[: len(self._activations)])

    def _redraw(self) -> None:
        per_map = bool(self.scaleCombo.currentData())
        self.placeholder.setVisible(not self._activations)
        while len(self._cards) < len(self._activations):
            index = len(self._cards)
            card = LayerCard(self._column, prefixed(self._prefix, f"layer{index}"))
            card.grid.set_tile_size(self.zoomSlider.value())
            card.grid.map_clicked.connect(lambda channel, i=index: self.open_map(i, channel))
            card.grid.hovered.connect(self._show_hover)
            card.grid.cell_hovered.connect(
                lambda tile, row, col, i=index: self._on_cell_hovered(i, tile, row, col))
            card.grid.cell_left.connect(self._on_cell_left)
            card.insideButton.clicked.connect(
                lambda _=False, c=card: self.batchnorm_requested.emit(c.name))
            card.grid.set_note(lambda tile, row, col, i=index: self._note_for(i, tile, row, col))
            self._column_box.insertWidget(self._column_box.count() - 1, card)
            self._cards.append(card)
        last = len(self._activations) - 1
        for index, (card, activation) in enumerate(zip(self._cards, self._activations,
                                                       strict=False)):
            card.set_activation(activation, per_map)
            outputs = np.asarray(activation.maps)
            # the output layer's cells are the classes: each carries its digit
            card.grid.set_cell_labels([str(i) for i in range(len(outputs))]
                                      if index == last and outputs.ndim == 1
                                      and len(outputs) <= 20 else [])
            card.setVisible(True)
        for card in self._cards[len(self._activations):]:
            card.setVisible(False)
        self._update_dialog()
        if self._wanted:
            self._bring_wanted()

    # ----------------------------------------------------------------- a layer
    def show_layer(self, name: str) -> bool:
        """Scroll to the maps of layer ``name`` (``features.conv1``) and frame them; if they
        are not shown yet, as soon as they are. Whether they are shown now."""
        self._wanted = name
        return self._bring_wanted()

    def focused_layer(self) -> str:
        """The layer framed by :meth:`show_layer` ('' for none)."""
        return self._focused

    def _bring_wanted(self) -> bool:
        card = next((c for c in self.cards() if c.name == self._wanted), None)
        if card is None:
            return False
        self._wanted = ""
        self._focused = card.name
        for other in self._cards:
            other.setStyleSheet("")
        card.setStyleSheet(f"QFrame#{card.objectName()} {{ border: 2px solid palette(highlight);"
                           " border-radius: 3px; }")
        # once the column is laid out, so that the card's place is known
        QTimer.singleShot(0, self, lambda: self.scrollArea.verticalScrollBar().setValue(
            card.y() - 4))  # its top at the top
        return True

    # ----------------------------------------------------------------- hover
    def set_cell_note(self, note: Callable[[str, int, int, bool], str] | None) -> None:
        """Words about a cell (its receptive field), from (layer, row, column, flat)."""
        self._note = note

    def _cell(self, index: int, tile: int, row: int, col: int) -> tuple[str, int, int, int, bool]:
        activation = self._activations[index]
        if np.ndim(activation.maps) == 1:
            return activation.name, 0, 0, tile, True
        return activation.name, tile, row, col, False

    def _note_for(self, index: int, tile: int, row: int, col: int) -> str:
        if self._note is None or index >= len(self._activations):
            return ""
        name, _, row, col, flat = self._cell(index, tile, row, col)
        return self._note(name, row, col, flat)

    def _on_cell_hovered(self, index: int, tile: int, row: int, col: int) -> None:
        if index >= len(self._activations):
            return
        self._hover_note = self._note_for(index, tile, row, col)
        self.cell_hovered.emit(*self._cell(index, tile, row, col))

    def _on_cell_left(self) -> None:
        self._hover_note = ""
        self.cell_left.emit()

    def _show_hover(self, text: str) -> None:
        note = self._hover_note if text else ""
        both = f"{text}  ·  {note}"
        # the field's sentence only where it fits: the canvas shows it too
        metrics, room = self.hoverLabel.fontMetrics(), self.hoverLabel.width()
        fits = metrics.horizontalAdvance(both) <= room
        # a readout still too long ends in … (its start, what it is about, always shows)
        self.hoverLabel.setText(both if note and fits else metrics.elidedText(
            text, Qt.TextElideMode.ElideRight, room))

    def readout_below(self) -> bool:
        """Whether the hover readout is on a line of its own under the colour key."""
        return bool(self._readout_below)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Decided by the width alone, never by the text shown: the maps stay put under the
        # mouse. Beside the key when the longest readout fits there whole, else below it.
        margins = self.layout().contentsMargins()
        room = event.size().width() - margins.left() - margins.right()
        needed = (self.colourKey.sizeHint().width() + _READOUT_GAP
                  + self.hoverLabel.fontMetrics().horizontalAdvance(widest_cell_text()))
        self._place_readout(below=needed > room)
        super().resizeEvent(event)

    def _place_readout(self, below: bool) -> None:
        if below == self._readout_below:
            return
        self._readout_below = below
        self._key_grid.removeWidget(self.hoverLabel)
        if below:
            self._key_grid.addWidget(self.hoverLabel, 1, 0, 1, 2)
        else:
            self._key_grid.addWidget(self.hoverLabel, 0, 1)
        side = Qt.AlignmentFlag.AlignLeft if below else Qt.AlignmentFlag.AlignRight
        self.hoverLabel.setAlignment(side | Qt.AlignmentFlag.AlignVCenter)
        if self.layout() is not None:
            self.layout().activate()  # now: the next hover reads the label's new width

    def _on_zoom(self, value: int) -> None:
        for card in self._cards:
            card.grid.set_tile_size(value)

    # ----------------------------------------------------------------- dialog
    def open_map(self, layer_index: int, channel: int) -> FeatureMapDialog:
        """Show one map of one layer large, with its values (a non-modal window)."""
        activation = self._activations[layer_index]
        if self.dialog is None:
            self.dialog = FeatureMapDialog(self)
        maps = np.asarray(activation.maps)
        if maps.ndim == 1:  # a vector layer: show it as one row
            maps, channel = maps[None, None, :], 0
        self.dialog.set_layer(activation.name, maps, channel)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def _update_dialog(self) -> None:
        if self.dialog is None or not self.dialog.isVisible():
            return
        for activation in self._activations:
            if activation.name == self.dialog.layer_name:
                maps = np.asarray(activation.maps)
                self.dialog.set_layer(activation.name, maps[None, None, :]
                                      if maps.ndim == 1 else maps)
                return
