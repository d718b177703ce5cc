"""A grid of small images (feature maps or kernels) that reflows with its width."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QImage, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

__all__ = ["MapGrid", "cell_text", "color_table", "colorize", "map_levels", "to_indices",
           "widest_cell_text"]

SEQUENTIAL = "viridis"
DIVERGING = "CET-D1"


@lru_cache(maxsize=8)
def color_table(name: str) -> tuple[int, ...]:
    """A 256-entry ARGB colour table for a pyqtgraph colour map."""
    return tuple(int(v) for v in _argb_lut(name))


@lru_cache(maxsize=8)
def _argb_lut(name: str) -> np.ndarray:
    lut = pg.colormap.get(name).getLookupTable(0.0, 1.0, 256, alpha=False).astype(np.uint32)
    return (0xFF000000 | (lut[:, 0] << 16) | (lut[:, 1] << 8) | lut[:, 2]).astype(np.uint32)


def map_levels(values: np.ndarray) -> tuple[float, float, str]:
    """Display levels and colour map: symmetric and diverging if any value is negative."""
    lo, hi = float(np.min(values)), float(np.max(values))
    if lo < 0:
        bound = max(-lo, hi, 1e-12)
        return -bound, bound, DIVERGING
    return 0.0, max(hi, 1e-12), SEQUENTIAL


def to_indices(values: np.ndarray, lo: float | np.ndarray, hi: float | np.ndarray) -> np.ndarray:
    """Map values to colour-table indices 0..255 (``lo``/``hi`` may broadcast per map)."""
    span = np.where(np.asarray(hi) > lo, np.asarray(hi) - lo, 1.0)
    scaled = np.clip((np.asarray(values, np.float32) - lo) / span, 0.0, 1.0)
    return (scaled * 255).round().astype(np.uint8)


def colorize(maps: np.ndarray, per_map: bool) -> np.ndarray:
    """ARGB32 colours for (count, h, w) maps: diverging where negative, else sequential."""
    if not maps.size:
        return np.zeros(maps.shape, np.uint32)
    if not per_map:
        lo, hi, cmap = map_levels(maps)
        return _argb_lut(cmap)[to_indices(maps, lo, hi)]
    low = maps.min(axis=(1, 2), keepdims=True)
    high = maps.max(axis=(1, 2), keepdims=True)
    signed = low < 0
    bound = np.maximum(np.maximum(-low, high), 1e-12)
    lo = np.where(signed, -bound, 0.0)
    hi = np.where(signed, bound, np.maximum(high, 1e-12))
    indices = to_indices(maps, lo, hi)
    return np.where(signed, _argb_lut(DIVERGING)[indices], _argb_lut(SEQUENTIAL)[indices])


def cell_text(channel: int, row: int, column: int, value: float) -> str:
    """A map cell's value in words, as the hover readout says it."""
    return QCoreApplication.translate("MapGrid", "channel {0}, row {1}, column {2}: {3:.3f}"
                                      ).format(channel, row, column, value)


def widest_cell_text() -> str:
    """The longest readout a cell of a DigitLab model's maps can give (999 channels, 99 rows
    and columns, a value of -88.888): what the readout's place is sized for."""
    return cell_text(999, 99, 99, -88.888)


class MapGrid(QWidget):
    """Shows a stack of 2-D maps ``(count, height, width)`` as tiles that wrap to the width.

    A 1-D vector is shown as a strip of small square cells, one per value. Every tile is
    scaled with sharp pixels. Clicking a tile emits :attr:`map_clicked` with its index.
    """

    map_clicked = Signal(int)
    hovered = Signal(str)  # the value under the mouse, in words ("" when it leaves the tiles)
    cell_hovered = Signal(int, int, int)  # tile, row, column under the mouse (a vector: i, 0, 0)
    cell_left = Signal()  # the mouse left the tiles

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values = np.zeros((0, 1, 1), np.float32)
        self._strip = QImage()  # all maps stacked vertically, one ARGB32 image
        self._cell_argb = np.zeros(0, np.uint32)  # a vector's colours
        self._cell_colors: list[QColor] | None = []  # made from them when first painted
        self._vector = False
        self._cell_labels: list[str] = []  # names painted on a vector's cells (the classes)
        self._per_map = False
        self._tile = 48
        self._gap = 3
        self._hovered_cell: tuple[int, int, int] | None = None
        self._note: Callable[[int, int, int], str] | None = None  # more words for a tooltip
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    # ------------------------------------------------------------------ data
    def set_maps(self, values: np.ndarray, per_map: bool = False) -> None:
        """Show ``values``: (count, h, w) maps, an (h, w) map, or a 1-D vector.

        With ``per_map`` each map gets its own levels; otherwise one scale fits the layer,
        so that weak and strong channels can be compared.
        """
        values = np.asarray(values, np.float32)
        vector = values.ndim == 1
        if values.ndim == 2:
            values = values[None]
        elif values.ndim > 3:
            values = values.reshape(-1, *values.shape[-2:])
        relayout = vector != self._vector or len(values) != len(self._values)
        self._values, self._vector, self._per_map = values, vector, per_map
        if vector:
            # QColors only when painted: a live model updates cards nobody scrolled to
            self._cell_argb = colorize(values[None, None], False).ravel()
            self._cell_colors = None
            self._strip = QImage()
        else:
            self._strip = self._render_strip(values, per_map)
        if relayout:
            self.updateGeometry()
        self.update()

    def set_cell_labels(self, labels: list[str]) -> None:
        """Name a vector's cells (an output layer's classes: "0" … "9"); [] for none.

        Named cells are drawn large enough to carry their name."""
        if list(labels) != self._cell_labels:
            self._cell_labels = list(labels)
            self.updateGeometry()
            self.update()

    def cell_labels(self) -> list[str]:
        """The names painted on the vector's cells."""
        return list(self._cell_labels)

    def values(self) -> np.ndarray:
        """The values shown: (count, h, w), or a 1-D vector."""
        return self._values

    def set_note(self, note: Callable[[int, int, int], str] | None) -> None:
        """Words about cell (tile, row, column) added to its tooltip (e.g. its receptive
        field); "" adds none."""
        self._note = note

    def count(self) -> int:
        """How many tiles (maps, or vector entries)."""
        return len(self._values)

    def set_tile_size(self, pixels: int) -> None:
        """Side of one tile on screen (for 2-D maps)."""
        self._tile = max(8, int(pixels))
        self.updateGeometry()
        self.update()

    @staticmethod
    def _render_strip(values: np.ndarray, per_map: bool) -> QImage:
        count, height, width = values.shape
        argb = np.ascontiguousarray(colorize(values, per_map).reshape(count * height, width))
        if not argb.size:
            return QImage()
        return QImage(argb.data, width, count * height, width * 4,
                      QImage.Format.Format_ARGB32).copy()

    # ---------------------------------------------------------------- layout
    def _cell(self) -> tuple[int, int]:
        """Tile side and gap in widget pixels."""
        if self._vector:
            if self._cell_labels:
                return 22, 2
            return (10, 1) if len(self._values) <= 512 else (6, 1)
        return self._tile, self._gap

    def _columns(self, width: int) -> int:
        side, gap = self._cell()
        return max(1, min(max(1, self.count()), (width + gap) // (side + gap)))

    def heightForWidth(self, width: int) -> int:
        side, gap = self._cell()
        rows = math.ceil(self.count() / self._columns(width)) if self.count() else 0
        return max(side, rows * (side + gap) - gap)

    def hasHeightForWidth(self) -> bool:
        return True

    def sizeHint(self) -> QSize:
        side, gap = self._cell()
        width = min(self.count(), 8) * (side + gap)
        return QSize(max(width, side), self.heightForWidth(max(width, side)))

    def minimumSizeHint(self) -> QSize:
        side, _ = self._cell()
        return QSize(side, side)

    def tile_rect(self, index: int) -> QRect:
        """Where tile ``index`` is drawn, in widget pixels."""
        side, gap = self._cell()
        columns = self._columns(self.width())
        row, column = divmod(index, columns)
        return QRect(column * (side + gap), row * (side + gap), side, side)

    def index_at(self, pos: QPoint) -> int | None:
        """The tile under ``pos``, or ``None``."""
        side, gap = self._cell()
        column, row = pos.x() // (side + gap), pos.y() // (side + gap)
        columns = self._columns(self.width())
        index = row * columns + column
        if column >= columns or not 0 <= index < self.count():
            return None
        return index if self.tile_rect(index).contains(pos) else None

    def resizeEvent(self, event: object) -> None:
        # The needed height depends on the width; ask the scroll area for it again.
        if self.height() != self.heightForWidth(self.width()):
            self.setMinimumHeight(self.heightForWidth(self.width()))
        super().resizeEvent(event)

    def updateGeometry(self) -> None:
        self.setMinimumHeight(self.heightForWidth(max(1, self.width())))
        super().updateGeometry()

    # ------------------------------------------------------------- painting
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._vector:
            if self._cell_colors is None:
                self._cell_colors = [QColor.fromRgb(int(v)) for v in self._cell_argb]
            for index, colour in enumerate(self._cell_colors):
                rect = self.tile_rect(index)
                painter.fillRect(rect, colour)
                if index < len(self._cell_labels):
                    painter.setPen(QColor("black") if colour.lightness() > 128
                                   else QColor("white"))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._cell_labels[index])
        else:
            height, width = self._values.shape[1:]
            for index in range(self.count()):
                painter.drawImage(self.tile_rect(index), self._strip,
                                  QRect(0, index * height, width, height))
        painter.end()

    # ------------------------------------------------------------ interaction
    def value_at(self, pos: QPoint) -> tuple[int, int, int, float] | None:
        """``(tile, row, column, value)`` of the value under ``pos`` (row and column 0 for a
        vector's cell), or ``None`` off the tiles."""
        index = self.index_at(pos)
        if index is None:
            return None
        if self._vector:
            return index, 0, 0, float(self._values[index])
        rect = self.tile_rect(index)
        height, width = self._values.shape[1:]
        row = min(height - 1, (pos.y() - rect.y()) * height // max(1, rect.height()))
        column = min(width - 1, (pos.x() - rect.x()) * width // max(1, rect.width()))
        return index, row, column, float(self._values[index, row, column])

    def hover_text(self, pos: QPoint) -> str:
        """The value under ``pos`` in words ("" off the tiles)."""
        found = self.value_at(pos)
        if found is None:
            return ""
        index, row, column, value = found
        if self._vector:
            name = (self.tr("class {0}").format(self._cell_labels[index])
                    if index < len(self._cell_labels) else self.tr("unit {0}").format(index))
            return self.tr("{0}: {1:.3f}").format(name, value)
        return cell_text(index, row, column, value)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        found = self.value_at(pos)
        cell = None if found is None else found[:3]
        if cell != self._hovered_cell:  # before ``hovered``: its words may follow the cell
            self._hovered_cell = cell
            if cell is None:
                self.cell_left.emit()
            else:
                self.cell_hovered.emit(*cell)
        self.hovered.emit(self.hover_text(pos))
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hovered_cell is not None:
            self._hovered_cell = None
            self.cell_left.emit()
        self.hovered.emit("")
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(event.position().toPoint())
        if index is not None and event.button() == Qt.MouseButton.LeftButton:
            self.map_clicked.emit(index)
        else:
            super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.index_at(event.pos())
            if index is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self._describe(event.pos()), self)
            return True
        return super().event(event)

    def _describe(self, pos: QPoint) -> str:
        index = self.index_at(pos)
        assert index is not None
        found = self.value_at(pos)
        note = self._note(*found[:3]) if self._note is not None and found is not None else ""
        note = f"\n{note}" if note else ""
        if self._vector:
            return self.hover_text(pos) + note
        channel = self._values[index]
        return self.tr("{0}\nchannel {1}: min {2:.3f}, max {3:.3f} (click to enlarge)").format(
            self.hover_text(pos), index, float(channel.min()), float(channel.max())) + note
