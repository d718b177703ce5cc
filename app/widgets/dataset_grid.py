"""A grid of small images with captions, painted by one widget (fast for a page of 50).

Each cell shows an image (sharp pixels), its class name, and optionally the model's answer:
green when right, amber when right but unsure, red and outlined when wrong. Double-clicking a
cell emits its position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from .image_thumb import gray_qimage

__all__ = ["COLUMNS", "ROWS", "Cell", "DatasetGrid"]

COLUMNS, ROWS = 10, 5  # a page: ten across, as the tutorials' 10×10 sample plots
_RIGHT, _WRONG, _WEAK = QColor("#1b7f3b"), QColor("#c62828"), QColor("#8a5a00")


@dataclass(frozen=True)
class Cell:
    """What one cell shows."""

    image: np.ndarray  # 2-D
    caption: str  # the class name
    answer: str = ""  # the model's answer, "" when none
    wrong: bool = False
    tip: str = ""
    weak: bool = False  # right, but with a confidence too low to call sure: not green

    def answer_colour(self) -> QColor:
        """The colour of the model's answer: red wrong, amber weak, green right."""
        return _WRONG if self.wrong else _WEAK if self.weak else _RIGHT


class DatasetGrid(QWidget):
    """:data:`COLUMNS` × :data:`ROWS` cells; ``levels`` map pixel values to black..white."""

    cell_activated = Signal(int)  # a cell was double-clicked (its position on the page)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("browserGrid")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._cells: list[Cell] = []
        self._images: list = []
        self.setMinimumSize(COLUMNS * 40, ROWS * 36)  # small windows: one caption line

    def sizeHint(self) -> QSize:
        return QSize(COLUMNS * 76, ROWS * 100)

    def set_cells(self, cells: list[Cell], levels: tuple[float, float] = (0.0, 255.0)) -> None:
        """Show these cells (at most COLUMNS × ROWS)."""
        self._cells = cells[:COLUMNS * ROWS]
        self._images = [gray_qimage(c.image, *levels) for c in self._cells]
        self.update()

    def cells(self) -> list[Cell]:
        """The cells shown."""
        return list(self._cells)

    def cell_rect(self, index: int) -> QRect:
        """Where cell ``index`` is, in widget coordinates."""
        width, height = self.width() / COLUMNS, self.height() / ROWS
        row, column = divmod(index, COLUMNS)
        return QRect(round(column * width), round(row * height), int(width), int(height))

    def cell_at(self, point: QPoint) -> int | None:
        """The cell under ``point``, or ``None``."""
        if not self.rect().contains(point):
            return None
        column = int(point.x() * COLUMNS / max(1, self.width()))
        row = int(point.y() * ROWS / max(1, self.height()))
        index = row * COLUMNS + column
        return index if index < len(self._cells) else None

    def _caption_lines(self) -> int:
        """Two lines (class, answer) when cells are tall enough, else one ("7 → 7 (97%)")."""
        line = self.fontMetrics().height()
        width, height = self.width() / COLUMNS, self.height() / ROWS
        return 2 if height - 2 * line - 6 >= 0.6 * (width - 8) else 1

    def _layout(self, rect: QRect, lines: int) -> tuple[QRect, QRect]:
        line = self.fontMetrics().height()
        side = max(8, min(rect.width() - 8, rect.height() - lines * line - 6))
        image = QRect(rect.x() + (rect.width() - side) // 2, rect.y() + 3, side, side)
        text = QRect(rect.x() + 2, image.bottom() + 2, rect.width() - 4, lines * line)
        return image, text

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        metrics = self.fontMetrics()
        line = metrics.height()
        lines = self._caption_lines()
        for index, (cell, image) in enumerate(zip(self._cells, self._images, strict=True)):
            image_rect, text_rect = self._layout(self.cell_rect(index), lines)
            painter.drawImage(image_rect, image)
            if cell.wrong:
                painter.setPen(QPen(_WRONG, 2))
                painter.drawRect(image_rect.adjusted(-1, -1, 1, 1))
            top = QRect(text_rect.x(), text_rect.y(), text_rect.width(), line)
            if lines == 1 and cell.answer:  # "7 → 7" in the answer's colour (% in the tip)
                painter.setPen(cell.answer_colour())
                short = cell.answer.rsplit(" (", 1)[0]
                painter.drawText(top, Qt.AlignmentFlag.AlignHCenter, metrics.elidedText(
                    f"{cell.caption} {short}", Qt.TextElideMode.ElideRight, top.width()))
                continue
            painter.setPen(self.palette().text().color())
            painter.drawText(top, Qt.AlignmentFlag.AlignHCenter,
                             metrics.elidedText(cell.caption, Qt.TextElideMode.ElideRight,
                                                top.width()))
            if cell.answer:
                painter.setPen(cell.answer_colour())
                bottom = top.translated(0, line)
                painter.drawText(bottom, Qt.AlignmentFlag.AlignHCenter,
                                 metrics.elidedText(cell.answer, Qt.TextElideMode.ElideRight,
                                                    bottom.width()))
        painter.end()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.cell_at(event.position().toPoint())
        if index is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cell_activated.emit(index)

    def event(self, event) -> bool:  # noqa: ANN001
        if isinstance(event, QHelpEvent) and event.type() == QHelpEvent.Type.ToolTip:
            index = self.cell_at(event.pos())
            if index is not None and self._cells[index].tip:
                QToolTip.showText(event.globalPos(), self._cells[index].tip, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
