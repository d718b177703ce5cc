"""The pictures of the convolution explorer: the padded input with the kernel's window on
it, the output filling in, the activation and pooling after it, and the products grid.

Only display: the numbers come from :mod:`cnn_core.analysis.conv_explain` via the explorer.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QHBoxLayout,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from cnn_core.analysis.conv_explain import ConvSettings, ConvStep

from .chart_export import saveable
from .naming import named

__all__ = ["ConvPictures", "KernelTable", "first_inked", "mosaic", "number_text",
           "output_cell_under", "product_tips"]

_COLORMAP = "CET-D1"  # diverging: white is 0, the hues are the signs (as the kernel view)
_WINDOW = QColor(255, 140, 0)  # the kernel's window and the current output cell
_GAP = 1  # NaN columns between channels in a mosaic
_MAX_WRITTEN = 8  # a picture of at most this many rows and columns has its numbers written in


def mosaic(maps: np.ndarray) -> np.ndarray:
    """``[C, H, W]`` side by side with one NaN column between channels."""
    c, h, w = maps.shape
    out = np.full((h, c * (w + _GAP) - _GAP), np.nan)
    for i in range(c):
        out[:, i * (w + _GAP):i * (w + _GAP) + w] = maps[i]
    return out


def number_text(value: float) -> str:
    """A value as a learner reads it: ``19``, ``-1``, ``0.25``, ``0.1235``."""
    if value == round(value) and abs(value) < 1e6:
        return str(int(round(value)))
    return f"{value:.4g}"


def _levels(values: np.ndarray) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    top = float(np.abs(finite).max()) if finite.size else 1.0
    top = top or 1.0
    return -top, top


class _Picture:
    """One titled, aspect-locked image plot with an outline layer on top."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        plot.setAspectLocked(True)
        plot.invertY(True)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        self.back = QGraphicsRectItem()  # grey where values are not computed yet (NaN)
        self.back.setBrush(QBrush(QColor(200, 200, 200)))
        self.back.setPen(QPen(Qt.PenStyle.NoPen))
        plot.addItem(self.back)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get(_COLORMAP))
        plot.addItem(self.image)
        self.outline = QGraphicsPathItem()
        self.outline.setPen(pg.mkPen(_WINDOW, width=2, cosmetic=True))
        self.outline.setBrush(QBrush(QColor(255, 140, 0, 60)))
        plot.addItem(self.outline)
        self.frame = QGraphicsPathItem()  # where the real (unpadded) input lies
        self.frame.setPen(pg.mkPen(QColor(90, 90, 90), width=1, style=Qt.PenStyle.DashLine,
                                   cosmetic=True))
        plot.addItem(self.frame)
        self.numbers: list[pg.TextItem] = []  # a small map's values, written in its cells

    def _write_numbers(self, values: np.ndarray | None) -> None:
        for item in self.numbers:
            self.plot.removeItem(item)
        self.numbers = []
        if values is None or max(values.shape) > _MAX_WRITTEN:
            return
        top = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.0
        for (i, j), value in np.ndenumerate(values):
            if np.isnan(value):
                continue
            strong = top > 0 and abs(value) > 0.6 * top  # dark cell: white figures
            item = pg.TextItem(number_text(float(value)), anchor=(0.5, 0.5),
                               color=(255, 255, 255) if strong else (20, 20, 20))
            item.setPos(j + 0.5, i + 0.5)
            self.plot.addItem(item)
            self.numbers.append(item)

    def show(self, values: np.ndarray | None, title: str) -> None:
        self.plot.setTitle(title, size="8pt")
        self._write_numbers(values)
        if values is None:
            self.back.setRect(QRectF())
            self.image.clear()
            self.outline.setPath(QPainterPath())
            self.frame.setPath(QPainterPath())
            return
        self.back.setRect(QRectF(0, 0, values.shape[1], values.shape[0]))
        self.image.setImage(values, levels=_levels(values), autoLevels=False)
        self.plot.autoRange(padding=0.02)


def output_cell_under(settings: ConvSettings, out_hw: tuple[int, int], row: float,
                      col: float) -> tuple[int, int]:
    """The output cell whose kernel window is centred nearest to the point (``row``,
    ``col``) of the padded input."""
    cell = []
    for at, size, kernel, stride, dilation in zip(
            (row, col), out_hw, settings.kernel_size, settings.stride, settings.dilation,
            strict=True):
        centre = dilation * (kernel - 1) / 2 + 0.5  # of the window at output 0, in pixels
        cell.append(int(min(max(round((at - centre) / stride), 0), size - 1)))
    return cell[0], cell[1]


def first_inked(padded: np.ndarray, settings: ConvSettings, out_hw: tuple[int, int]) -> int:
    """The first output position (in visiting order, channel 0) whose window touches ink:
    a value that differs from the input's background (its most common value, the blank
    paper); 0 when the input is blank."""
    values, counts = np.unique(padded, return_counts=True)
    background = values[counts.argmax()] if values.size else 0.0
    ink = (np.abs(padded - background) > 1e-6).any(axis=0)
    (kh, kw), (sh, sw), (dh, dw) = settings.kernel_size, settings.stride, settings.dilation
    for i in range(out_hw[0]):
        rows = ink[i * sh:i * sh + dh * (kh - 1) + 1:dh]
        for j in range(out_hw[1]):
            if rows[:, j * sw:j * sw + dw * (kw - 1) + 1:dw].any():
                return i * out_hw[1] + j
    return 0


class ConvPictures(QWidget):
    """Input, output, activation and pooling side by side (the input twice as wide).

    A click on the input says where (``input_clicked(row, col)`` in one channel's padded
    pixels), a click on the output which cell (``output_clicked(row, col)``).
    """

    input_clicked = Signal(float, float)
    output_clicked = Signal(int, int)
    output_hovered = Signal(int, int)  # the output cell under the mouse
    output_left = Signal()  # the mouse left the output's cells

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("convPictures")
        self.setMinimumHeight(120)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        pictures = []
        for stretch, name in ((2, "convInputView"), (1, "convOutputView"),
                              (1, "convActivatedView"), (1, "convPooledView")):
            view = saveable(named(pg.GraphicsLayoutWidget(self), name))
            view.setBackground(None)
            view.ci.setContentsMargins(0, 0, 0, 0)
            view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            row.addWidget(view, stretch)
            pictures.append(_Picture(view.addPlot()))
            view.scene().sigMouseClicked.connect(
                lambda event, p=pictures[-1]: self._on_clicked(p, event))
        self.input, self.output, self.activated, self.pooled = pictures
        self._width = 0  # columns of one padded input channel (the mosaic's period)
        self._hovered: tuple[int, int] | None = None
        self._output_view = row.itemAt(1).widget()
        self._output_view.scene().sigMouseMoved.connect(self._on_output_moved)
        self._output_view.installEventFilter(self)

    def _on_output_moved(self, scene_pos: object) -> None:
        picture, cell = self.output, None
        if not picture.back.rect().isEmpty():
            point = picture.plot.vb.mapSceneToView(scene_pos)
            if picture.back.rect().contains(point):
                cell = (int(point.y()), int(point.x()))
        self._hover(cell)

    def _hover(self, cell: tuple[int, int] | None) -> None:
        if cell == self._hovered:
            return
        self._hovered = cell
        if cell is None:
            self.output_left.emit()
        else:
            self.output_hovered.emit(*cell)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._output_view and event.type() == QEvent.Type.Leave:
            self._hover(None)
        return False

    def _on_clicked(self, picture: _Picture, event: object) -> None:
        if event.button() != Qt.MouseButton.LeftButton or picture.back.rect().isEmpty():
            return
        point = picture.plot.vb.mapSceneToView(event.scenePos())
        bounds = picture.back.rect()
        if not bounds.contains(point):
            return
        if picture is self.input and self._width:
            col = point.x() % (self._width + _GAP)
            if col < self._width:  # not the gap between two channels
                self.input_clicked.emit(point.y(), col)
        elif picture is self.output:
            self.output_clicked.emit(int(point.y()), int(point.x()))

    def show_input(self, padded: np.ndarray | None, padding: tuple[int, int],
                   step: ConvStep | None, title: str) -> None:
        """The padded input channels of the current group, the window of ``step`` on each."""
        self.input.show(None if padded is None else mosaic(padded), title)
        if padded is None:
            return
        c, h, w = padded.shape
        self._width = w
        frame, window = QPainterPath(), QPainterPath()
        (ph, pw) = padding
        for i in range(c):
            left = i * (w + _GAP)
            frame.addRect(QRectF(left + pw, ph, w - 2 * pw, h - 2 * ph))
            if step is not None:
                for r in step.tap_rows:
                    for col in step.tap_cols:
                        window.addRect(QRectF(left + col, r, 1, 1))
        self.input.frame.setPath(frame if any(padding) else QPainterPath())
        self.input.outline.setPath(window)

    def show_output(self, out: np.ndarray | None, cell: tuple[int, int] | None,
                    title: str) -> None:
        """One output channel (NaN where not computed yet), ``cell`` outlined."""
        self.output.show(out, title)
        path = QPainterPath()
        if out is not None and cell is not None:
            path.addRect(QRectF(cell[1], cell[0], 1, 1))
        self.output.outline.setPath(path)


class KernelTable(QTableWidget):
    """A kernel (or its products) of several input channels, stacked: channel blocks of
    ``kh`` rows, ``kw`` columns, numbers in the cells coloured by sign."""

    def __init__(self, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editable = editable
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed
                             if editable else QAbstractItemView.EditTrigger.NoEditTriggers)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setMinimumSectionSize(20)
        self.setToolTip(self.tr("Rows: input channel c, kernel row r; columns: kernel column"))

    def show_blocks(self, blocks: np.ndarray, channels: tuple[int, ...],
                    tips: list[str] | None = None, decimals: int | None = None) -> None:
        """``blocks`` ``[channels, kh, kw]``; ``channels`` name the blocks' input channels.

        Numbers are written with ``decimals`` places, or 3 significant digits when None.
        """
        c, kh, kw = blocks.shape
        self.blockSignals(True)
        self.setRowCount(c * kh)
        self.setColumnCount(kw)
        top = float(np.abs(blocks).max()) or 1.0
        labels = []
        for index in range(c * kh):
            ch, u = divmod(index, kh)
            labels.append(f"c{channels[ch]} r{u}" if c > 1 else f"r{u}")
            for v in range(kw):
                value = float(blocks[ch, u, v])
                item = QTableWidgetItem(_number(value, decimals))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                strength = int(110 * min(abs(value) / top, 1.0))
                hue = QColor(220, 60, 60) if value < 0 else QColor(50, 110, 220)
                hue.setAlpha(strength)
                item.setBackground(hue)
                if tips is not None:
                    item.setToolTip(tips[index * kw + v])
                if not self._editable:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.setItem(index, v, item)
        self.setVerticalHeaderLabels(labels)
        self.resizeColumnsToContents()
        width = (self.verticalHeader().sizeHint().width() + 2 * self.frameWidth()
                 + sum(self.columnWidth(v) for v in range(kw))
                 + self.verticalScrollBar().sizeHint().width())
        self.setMaximumWidth(max(width, 90))
        self.setHorizontalHeaderLabels([str(v) for v in range(kw)])
        self.blockSignals(False)

    def value_at(self, row: int, col: int) -> float | None:
        """The number typed in a cell, or None when it is not a number."""
        item = self.item(row, col)
        try:
            return float(item.text().replace("−", "-")) if item is not None else None
        except ValueError:
            return None


def _number(value: float, decimals: int | None) -> str:
    text = f"{value:.3g}" if decimals is None else f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def product_tips(step: ConvStep) -> list[str]:
    """``x × k = p`` for every product, in table order."""
    return [f"{x:.4g} × {k:.4g} = {p:.4g}" for x, k, p in zip(
        step.window.ravel(), step.kernel.ravel(), step.products.ravel(), strict=True)]


