"""One feature map, large, with its numbers: a hover readout and a table of values."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .chart_export import saveable
from .map_grid import color_table, map_levels, to_indices

__all__ = ["FeatureMapDialog"]

_MAX_TABLE_CELLS = 64 * 64  # bigger maps get the hover readout only


class FeatureMapDialog(QDialog):
    """A non-modal window that shows one channel of one layer and follows live updates."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("featureMapDialog")
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.resize(900, 520)
        self._maps = np.zeros((1, 1, 1), np.float32)
        self.layer_name = ""
        self._framed: tuple[int, ...] = ()

        self.channelSpin = QSpinBox(self)
        self.channelSpin.setObjectName("channelSpin")
        self.channelSpin.valueChanged.connect(self._show_channel)
        self.titleLabel = QLabel(self)
        self.titleLabel.setStyleSheet("font-weight: bold")
        self.readoutLabel = QLabel(self.tr("Hover over the map to read its values."), self)
        self.readoutLabel.setObjectName("readoutLabel")

        self._graphics = pg.GraphicsLayoutWidget(self)
        self._graphics.setObjectName("mapDialogGraphics")
        self._graphics.setBackground(None)
        saveable(self._graphics)
        self._plot = self._graphics.addPlot()
        self._plot.setAspectLocked(True)
        self._plot.invertY(True)
        self._plot.setMenuEnabled(False)
        self._plot.setLabel("bottom", self.tr("column"))
        self._plot.setLabel("left", self.tr("row"))
        self.imageItem = pg.ImageItem(axisOrder="row-major")
        self._plot.addItem(self.imageItem)
        self._bar = pg.ColorBarItem(values=(0, 1), colorMap=pg.colormap.get("viridis"),
                                    interactive=False, width=14)
        self._bar.setImageItem(self.imageItem, insert_in=self._plot)
        self._plot.scene().sigMouseMoved.connect(self._on_mouse_moved)

        self.valueTable = QTableWidget(self)
        self.valueTable.setObjectName("valueTable")
        self.valueTable.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        font = self.valueTable.font()
        font.setPointSizeF(font.pointSizeF() * 0.8)
        self.valueTable.setFont(font)
        # Fixed sections: resizing to contents would re-measure on every one of ~800 items.
        metrics = QFontMetrics(font)
        for header, size in ((self.valueTable.horizontalHeader(),
                              metrics.horizontalAdvance("-00.00") + 8),
                             (self.valueTable.verticalHeader(), metrics.height() + 4)):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setMinimumSectionSize(16)
            header.setDefaultSectionSize(size)
        self._build_layout()

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.titleLabel, 1)
        top.addWidget(QLabel(self.tr("Channel:"), self))
        top.addWidget(self.channelSpin)
        left = QWidget(self)
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self._graphics, 1)
        left_box.addWidget(self.readoutLabel)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.valueTable)
        splitter.setSizes([420, 480])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    # ---------------------------------------------------------------- update
    def set_layer(self, name: str, maps: np.ndarray, channel: int | None = None) -> None:
        """Show layer ``name`` (maps shaped (channels, h, w)); keep the channel if not given."""
        maps = np.asarray(maps, np.float32)
        if maps.ndim == 2:
            maps = maps[None]
        self.layer_name, self._maps = name, maps
        self.channelSpin.blockSignals(True)
        self.channelSpin.setRange(0, len(maps) - 1)
        if channel is not None:
            self.channelSpin.setValue(channel)
        self.channelSpin.blockSignals(False)
        self._show_channel(self.channelSpin.value())

    def channel(self) -> int:
        """The channel shown."""
        return self.channelSpin.value()

    def current_map(self) -> np.ndarray:
        """The 2-D map shown."""
        return self._maps[self.channel()]

    def _show_channel(self, channel: int) -> None:
        values = self._maps[channel]
        lo, hi, cmap = map_levels(values)
        self.imageItem.setImage(values, autoLevels=False, levels=(lo, hi))
        if values.shape != self._framed:  # keep the user's zoom during live updates
            self._framed = values.shape
            self._plot.setRange(xRange=(0, values.shape[1]), yRange=(0, values.shape[0]),
                                padding=0.02)
        self._bar.setColorMap(pg.colormap.get(cmap))
        self._bar.setLevels((lo, hi))
        title = self.tr("{0}, channel {1} of {2}: {3}×{4}, min {5:.3f}, max {6:.3f}")
        self.titleLabel.setText(title.format(self.layer_name, channel, len(self._maps),
                                             values.shape[0], values.shape[1],
                                             float(values.min()), float(values.max())))
        self.setWindowTitle(self.tr("Feature map {0} #{1}").format(self.layer_name, channel))
        self._fill_table(values, lo, hi, cmap)

    def _fill_table(self, values: np.ndarray, lo: float, hi: float, cmap: str) -> None:
        height, width = values.shape
        if height * width > _MAX_TABLE_CELLS:
            self.valueTable.setRowCount(0)
            self.valueTable.setColumnCount(0)
            return
        self.valueTable.setUpdatesEnabled(False)
        self.valueTable.setRowCount(height)
        self.valueTable.setColumnCount(width)
        self.valueTable.setVerticalHeaderLabels([str(i) for i in range(height)])
        self.valueTable.setHorizontalHeaderLabels([str(i) for i in range(width)])
        table = color_table(cmap)
        indices = to_indices(values, lo, hi)
        for row in range(height):
            for column in range(width):
                item = self.valueTable.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.valueTable.setItem(row, column, item)
                colour = QColor.fromRgb(table[indices[row, column]])
                item.setText(f"{values[row, column]:.2f}")
                item.setBackground(QBrush(colour))
                item.setForeground(QBrush(QColor("black" if colour.lightness() > 128
                                                 else "white")))
        self.valueTable.setUpdatesEnabled(True)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if not self._plot.sceneBoundingRect().contains(scene_pos):
            return
        point = self._plot.vb.mapSceneToView(scene_pos)
        values = self.current_map()
        row, column = int(np.floor(point.y())), int(np.floor(point.x()))
        if 0 <= row < values.shape[0] and 0 <= column < values.shape[1]:
            self.readoutLabel.setText(self.tr("row {0}, column {1}: {2:.4f}").format(
                row, column, float(values[row, column])))
            self.valueTable.setCurrentCell(row, column)
