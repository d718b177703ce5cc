"""The live layer table (``layerTable``): the input, one row per layer with its output shape,
parameters, multiply-adds and receptive field, and a totals row.

The rows are also the layer list: select one to edit it, drag it to reorder, Delete removes it,
Alt+Up / Alt+Down move it. A stack that breaks is marked at the layer that breaks it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
)

from cnn_core.models.architecture import LayerRow, LayerTable
from cnn_core.models.layer_costs import MAC_CONVENTION

from ..language import say
from .layer_kinds import describe, kind_of

__all__ = ["LayerTableView", "format_count"]

_ERROR_BACKGROUND = QColor(255, 205, 205)
_ERROR_TEXT = QColor(150, 0, 0)


def format_count(value: int) -> str:
    """``1,234`` up to 10⁵, then ``117.6 K``, ``1.234 M``, ``4.5 G``."""
    if value < 100_000:
        return f"{value:,}"
    for scale, unit in ((1e9, "G"), (1e6, "M"), (1e3, "K")):
        if value >= scale:
            return f"{value / scale:.4g} {unit}"
    return str(value)


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(s) for s in shape)


class LayerTableView(QTableWidget):
    """Rows: input, layers, totals. Row ``i + 1`` is layer ``i``."""

    layer_selected = Signal(int)  # layer index, −1 for none
    move_requested = Signal(int, int)  # layer index, new position
    remove_requested = Signal(int)
    layer_hovered = Signal(int)  # the layer under the mouse, −1 for none

    COLUMNS = 5

    def __init__(self, parent: Any = None) -> None:
        super().__init__(0, self.COLUMNS, parent)
        self.setObjectName("layerTable")
        headers = [(self.tr("Layer"), self.tr("Name and type; drag a row to move the layer")),
                   (self.tr("Output\nshape"),
                    self.tr("Output shape for one 28×28 image (channels×height×width)")),
                   (self.tr("Params"), self.tr("Trainable parameters (weights and biases)")),
                   (self.tr("MACs"), self.tr("Multiply-adds for one image ({0}; pooling, "
                                             "BatchNorm and activations not counted); 1 MAC = "
                                             "2 FLOPs").format(say(MAC_CONVENTION))),
                   (self.tr("Receptive\nfield"), self.tr(
                       "Input pixels one output value sees, and in brackets the jump: input "
                       "pixels between neighbouring outputs"))]
        for column, (title, tip) in enumerate(headers):
            item = QTableWidgetItem(title)
            item.setToolTip(tip)
            self.setHorizontalHeaderItem(column, item)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self._layer_count = 0
        self.itemSelectionChanged.connect(self._on_selection)
        self.setMouseTracking(True)
        self.entered.connect(self._on_entered)

    # ------------------------------------------------------------------ filling
    def show_stack(self, layers: list[dict[str, Any]], names: list[str], table: LayerTable,
                   error_at: int | None, error: str, selected: int) -> None:
        """Show the layers, called by their module ``names`` (``features.conv1``, one per
        layer), with the figures of ``table`` (its rows cover the layers before ``error_at``);
        the layer at ``error_at`` is marked with ``error``."""
        self.blockSignals(True)
        self._layer_count = len(layers)
        self.setRowCount(len(layers) + 2)
        rows: list[LayerRow | None] = [*table.rows, *[None] * (len(layers) - len(table.rows))]
        self._fill(0, [self.tr("input"), _shape(table.input_shape), "", "", "1×1"],
                   self.tr("The 28×28 grey image the canvas and the datasets give"), False)
        for index, (layer, name, row) in enumerate(zip(layers, names, rows, strict=True)):
            self._fill(index + 1, self._cells(layer, name, row),
                       self._tooltip(layer, name, row, error if index == error_at else ""), True)
            if index == error_at:
                self._mark(index + 1, error)
        ok = error_at is None and not error
        totals = [self.tr("Total"), _shape(table.output_shape) if ok else "—",
                  format_count(table.params) if ok else "—",
                  format_count(table.macs) if ok else "—", ""]
        self._fill(len(layers) + 1, totals,
                   self.tr("{0:,} parameters, {1:,} multiply-adds = {2:,} FLOPs per image").format(
                       table.params, table.macs, 2 * table.macs) if ok else error, False)
        font = self.font()
        font.setBold(True)
        for column in range(self.COLUMNS):
            self.item(len(layers) + 1, column).setFont(font)
        self.blockSignals(False)
        if 0 <= selected < len(layers):
            self.selectRow(selected + 1)
        else:
            self.clearSelection()
        if error_at is not None:
            self.scrollToItem(self.item(error_at + 1, 0))

    def _cells(self, layer: dict[str, Any], name: str, row: LayerRow | None) -> list[str]:
        kind = kind_of(str(layer.get("type")))
        title = kind.title if kind else str(layer.get("type"))
        details = describe(layer)
        text = f"{name} · {title}"
        if details:
            text += f" {details}"
        if row is None:
            return [text, "—", "—", "—", "—"]
        rf, jump = row.receptive_field, row.jump
        field = f"{rf[0]}×{rf[1]}" if rf[0] != rf[1] else f"{rf[0]}"
        step = f"{jump[0]}×{jump[1]}" if jump[0] != jump[1] else f"{jump[0]}"
        return [text, _shape(row.out_shape), format_count(row.params), format_count(row.macs),
                f"{field} ({step})"]

    def _tooltip(self, layer: dict[str, Any], name: str, row: LayerRow | None,
                 error: str) -> str:
        kind = kind_of(str(layer.get("type")))
        lines = [kind.tip] if kind else []
        if row is not None:
            lines.insert(0, self.tr("{0}: {1} → {2}, {3:,} parameters, {4:,} MACs").format(
                name, _shape(row.in_shape), _shape(row.out_shape), row.params, row.macs))
        if error:
            lines.append(error)
        return "\n".join(lines)

    def _fill(self, row: int, cells: list[str], tip: str, movable: bool) -> None:
        flags = Qt.ItemFlag.ItemIsEnabled
        if movable:
            flags |= (Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                      | Qt.ItemFlag.ItemIsDropEnabled)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setFlags(flags)
            item.setToolTip(tip)
            if column:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, column, item)

    def _mark(self, row: int, error: str) -> None:
        for column in range(self.COLUMNS):
            item = self.item(row, column)
            item.setBackground(QBrush(_ERROR_BACKGROUND))
            item.setForeground(QBrush(_ERROR_TEXT))
        # the icon still shows the row when the selection colour hides its background
        self.item(row, 0).setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning))
        self.item(row, 1).setText(self.tr("breaks here"))

    def is_marked(self, index: int) -> bool:
        """Whether layer ``index`` is marked as the one that breaks the stack."""
        item = self.item(index + 1, 0)
        return item is not None and item.background().color() == _ERROR_BACKGROUND

    # ------------------------------------------------------------------ reading
    def layer_count(self) -> int:
        """How many layer rows."""
        return self._layer_count

    def current_layer(self) -> int:
        """The selected layer's index, −1 for none."""
        rows = self.selectionModel().selectedRows()
        index = rows[0].row() - 1 if rows else -1
        return index if 0 <= index < self._layer_count else -1

    def row_of_layer(self, index: int) -> int:
        """The table row showing layer ``index``."""
        return index + 1

    def _on_selection(self) -> None:
        self.layer_selected.emit(self.current_layer())

    def _on_entered(self, index: QModelIndex) -> None:
        layer = index.row() - 1
        self.layer_hovered.emit(layer if 0 <= layer < self._layer_count else -1)

    def leaveEvent(self, event: QEvent) -> None:
        self.layer_hovered.emit(-1)
        super().leaveEvent(event)

    # ------------------------------------------------------------------ editing
    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.current_layer()
        key, mods = event.key(), event.modifiers()
        if index >= 0 and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods:
            self.remove_requested.emit(index)
        elif index >= 0 and mods == Qt.KeyboardModifier.AltModifier and key in (
                Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_requested.emit(index, index + (-1 if key == Qt.Key.Key_Up else 1))
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        source = self.current_layer()
        if event.source() is not self or source < 0:
            event.ignore()
            return
        target = self._drop_position(event)
        # Accepted, but as no action: the view must not delete the dragged row itself after
        # the drop (it would take a row of the redrawn table); the document moves the layer.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if target > source:
            target -= 1  # the layer leaves its old place first
        if target != source:
            self.move_requested.emit(source, target)

    def _drop_position(self, event: QDropEvent) -> int:
        """The layer position a drop at the event's point inserts before."""
        point = event.position().toPoint()
        index: QModelIndex = self.indexAt(point)
        if not index.isValid():
            return self._layer_count
        row = index.row()
        rect = self.visualRect(index)
        below = point.y() > rect.center().y()
        return max(0, min(self._layer_count, row - 1 + (1 if below else 0)))

    def palette_error_colour(self) -> QColor:
        """The text colour used for errors (the label below the table uses it too)."""
        return _ERROR_TEXT

