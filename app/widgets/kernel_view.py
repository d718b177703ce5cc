"""The learned convolution kernels of one layer on a diverging colour map."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from .chart_export import saveable

if TYPE_CHECKING:
    from cnn_core.analysis.inspection import KernelSet

__all__ = ["KernelView", "kernel_at", "kernel_mosaic"]

_COLORMAP = "CET-D1"


def kernel_mosaic(weights: np.ndarray, transpose: bool = False
                  ) -> tuple[np.ndarray, int, int]:
    """Tile conv weights (out, in, kh, kw) into one image with one-pixel NaN gaps.

    With a single input channel the output channels wrap into a near-square grid; otherwise
    row ``o`` and column ``i`` hold the kernel from input channel ``i`` to output channel ``o``
    (with ``transpose``, row ``i`` and column ``o``: a wide grid for a wide view).
    Returns the mosaic and its grid size (rows, columns).
    """
    weights = np.asarray(weights, np.float32)
    out_ch, in_ch, kh, kw = weights.shape
    if in_ch == 1:
        columns = math.ceil(math.sqrt(out_ch))
        rows = math.ceil(out_ch / columns)
        tiles = [weights[o, 0] for o in range(out_ch)]
    elif transpose:
        rows, columns = in_ch, out_ch
        tiles = [weights[o, i] for i in range(in_ch) for o in range(out_ch)]
    else:
        rows, columns = out_ch, in_ch
        tiles = [weights[o, i] for o in range(out_ch) for i in range(in_ch)]
    mosaic = np.full((rows * (kh + 1) - 1, columns * (kw + 1) - 1), np.nan, np.float32)
    for index, tile in enumerate(tiles):
        top, left = (c * (k + 1) for c, k in zip(divmod(index, columns), (kh, kw), strict=True))
        mosaic[top:top + kh, left:left + kw] = tile
    return mosaic, rows, columns


def kernel_at(shape: tuple[int, int, int, int], row: int, column: int,
              transpose: bool = False) -> tuple[int, int, int, int] | None:
    """Which weight pixel ``(row, column)`` of :func:`kernel_mosaic`'s image (made with the
    same ``transpose``) shows.

    Returns ``(out channel, in channel, kernel row, kernel column)``, or ``None`` on a gap or
    outside every tile.
    """
    out_ch, in_ch, kh, kw = shape
    if row < 0 or column < 0:
        return None
    tile_row, r = divmod(row, kh + 1)
    tile_col, c = divmod(column, kw + 1)
    if r >= kh or c >= kw:
        return None
    if in_ch == 1:
        columns = math.ceil(math.sqrt(out_ch))
        if tile_col >= columns:
            return None
        out, inp = tile_row * columns + tile_col, 0
    else:
        out, inp = (tile_col, tile_row) if transpose else (tile_row, tile_col)
    if out >= out_ch or inp >= in_ch:
        return None
    return out, inp, r, c


class KernelView(QWidget):
    """A layer selector, the selected layer's kernels as one mosaic, and a colour bar.

    Levels are symmetric around zero, so white is 0 and the two hues are the signs.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kernelView")
        self._sets: list[KernelSet] = []
        self.layerCombo = QComboBox(self)
        self.layerCombo.setObjectName("kernelLayerCombo")
        self.layerCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layerCombo.currentIndexChanged.connect(self._show_selected)
        self.infoLabel = QLabel(self)
        self.infoLabel.setObjectName("kernelInfoLabel")
        self.infoLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.sourceLabel = QLabel(self)
        self.sourceLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.graphics = pg.GraphicsLayoutWidget(self)
        self.graphics.setObjectName("kernelGraphics")
        self.graphics.setBackground(None)
        self.plot = self.graphics.addPlot()
        self.plot.setAspectLocked(True)
        self.plot.invertY(True)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.imageItem = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.imageItem)
        self.colorBar = pg.ColorBarItem(values=(-1, 1), colorMap=pg.colormap.get(_COLORMAP),
                                        interactive=False, width=14, label=self.tr("weight"))
        self.colorBar.setImageItem(self.imageItem, insert_in=self.plot)
        saveable(self.graphics)
        self.hoverLabel = QLabel(self.tr("Point at a kernel to read its weights and bias."),
                                 self)
        self.hoverLabel.setObjectName("kernelHoverLabel")
        self.hoverLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._hovered: tuple[int, int, int, int] | None = None
        self._transposed = False  # input channels down, output channels across
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.placeholder = QLabel(self.tr("This model has no convolution layers."), self)
        self.placeholder.setVisible(False)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Layer:"), self))
        bar.addWidget(self.layerCombo)
        bar.addWidget(self.infoLabel, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.sourceLabel)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.hoverLabel)

    def set_source(self, text: str) -> None:
        """Say where the kernels come from (the model, or a training snapshot)."""
        self.sourceLabel.setText(text)

    def set_kernels(self, kernel_sets: Sequence[KernelSet]) -> None:
        """Show these kernels (from :func:`cnn_core.analysis.inspection.conv_kernels`).

        The selected layer stays selected when a layer of the same name is still there.
        """
        self._sets = list(kernel_sets)
        names = [s.name for s in self._sets]
        current = self.layerCombo.currentText()
        if names != [self.layerCombo.itemText(i) for i in range(self.layerCombo.count())]:
            self.layerCombo.blockSignals(True)
            self.layerCombo.clear()
            self.layerCombo.addItems(names)
            if current in names:
                self.layerCombo.setCurrentIndex(names.index(current))
            self.layerCombo.blockSignals(False)
        self.placeholder.setVisible(not self._sets)
        self.graphics.setVisible(bool(self._sets))
        self._show_selected()

    def kernel_sets(self) -> list[KernelSet]:
        """The kernel sets shown."""
        return list(self._sets)

    def select_layer(self, name: str) -> None:
        """Show the kernels of layer ``name``."""
        self.layerCombo.setCurrentIndex(self.layerCombo.findText(name))

    def _show_selected(self) -> None:
        index = self.layerCombo.currentIndex()
        if not 0 <= index < len(self._sets):
            self.imageItem.clear()
            self.infoLabel.setText("")
            return
        weights = np.asarray(self._sets[index].weights, np.float32)
        out_ch, in_ch, kh, kw = weights.shape
        self._transposed = self._wide_is_bigger(weights.shape)
        mosaic, _, _ = kernel_mosaic(weights, self._transposed)
        bound = max(float(np.abs(weights).max()), 1e-6)
        self.imageItem.setImage(mosaic, autoLevels=False, levels=(-bound, bound))
        self.colorBar.setLevels((-bound, bound))
        self.plot.showAxis("left", in_ch > 1)
        if in_ch == 1:
            self.plot.setLabel("bottom", self.tr("{0} kernels, one per output channel")
                               .format(out_ch))
        else:
            down, across = self.tr("output channel"), self.tr("input channel")
            if self._transposed:
                down, across = across, down
            self.plot.setLabel("left", down)
            self.plot.setLabel("bottom", across)
        self._set_ticks(kh, kw, in_ch)
        self.infoLabel.setText(self.tr("{0} out × {1} in × {2}×{3} kernels, "
                                       "weights within ±{4:.3f}")
                               .format(out_ch, in_ch, kh, kw, bound))
        at = self._hovered  # new weights under a still mouse (live training): read them again
        if at is not None and all(a < n for a, n in zip(at, weights.shape, strict=True)):
            self._describe_hovered(self._sets[index], at)
        else:
            self._hovered = None
            self.hoverLabel.setText(self.tr("Point at a kernel to read its weights and bias."))

    def _wide_is_bigger(self, shape: tuple[int, ...]) -> bool:
        """Whether output channels across (input channels down) draw the kernels larger in
        the view than output channels down: conv2's 16 × 6 grid, upright in a wide view,
        was a thin column of tiny cells in empty space."""
        out_ch, in_ch, kh, kw = shape
        if in_ch == 1:
            return False
        width, height = max(1, self.graphics.width()), max(1, self.graphics.height())

        def scale(rows: int, columns: int) -> float:
            return min(width / (columns * (kw + 1)), height / (rows * (kh + 1)))
        return scale(in_ch, out_ch) > scale(out_ch, in_ch)

    def resizeEvent(self, event) -> None:  # noqa: ANN001
        super().resizeEvent(event)
        index = self.layerCombo.currentIndex()
        if 0 <= index < len(self._sets) and \
                self._wide_is_bigger(np.shape(self._sets[index].weights)) != self._transposed:
            self._show_selected()

    # ------------------------------------------------------------------ hover
    def hovered(self) -> tuple[int, int, int, int] | None:
        """The weight under the mouse: (out, in, row, column), or ``None``."""
        return self._hovered

    def _on_mouse_moved(self, scene_pos) -> None:  # noqa: ANN001
        index = self.layerCombo.currentIndex()
        found = None
        if 0 <= index < len(self._sets) and self.imageItem.image is not None:
            point = self.imageItem.mapFromScene(scene_pos)
            shape = tuple(np.asarray(self._sets[index].weights).shape)
            found = kernel_at(shape, math.floor(point.y()), math.floor(point.x()),
                              self._transposed)
        if found == self._hovered:
            return
        self._hovered = found
        if found is None:
            self.hoverLabel.setText(self.tr("Point at a kernel to read its weights and bias."))
            self.graphics.setToolTip("")
            return
        self._describe_hovered(self._sets[index], found)

    def _describe_hovered(self, kernels: KernelSet, at: tuple[int, int, int, int]) -> None:
        out, inp, r, c = at
        weights = np.asarray(kernels.weights)
        bias = None if kernels.bias is None else float(np.asarray(kernels.bias)[out])
        bias_text = self.tr("no bias") if bias is None else self.tr("bias {0:+.4f}").format(bias)
        self.hoverLabel.setText(self.tr(
            "{0} · output {1} ← input {2} · weight ({3}, {4}) = {5:+.4f} · {6}").format(
            kernels.name.removeprefix("features."), out, inp, r, c,
            float(weights[out, inp, r, c]), bias_text))
        rows = "\n".join(" ".join(f"{v:+.3f}" for v in row) for row in weights[out, inp])
        self.graphics.setToolTip(self.tr("<b>{0}</b>, output {1} ← input {2}<pre>{3}</pre>{4}")
                                 .format(kernels.name, out, inp, rows, bias_text))

    def _set_ticks(self, kh: int, kw: int, in_ch: int) -> None:
        """Label channels at the kernel centres (every few channels when there are many)."""
        if in_ch == 1:
            self.plot.getAxis("left").setTicks([[]])
            self.plot.getAxis("bottom").setTicks([[]])
            return
        out_ch = self._sets[self.layerCombo.currentIndex()].weights.shape[0]
        down, across = (in_ch, out_ch) if self._transposed else (out_ch, in_ch)
        for axis, count, side in (("left", down, kh), ("bottom", across, kw)):
            step = max(1, math.ceil(count / 16))
            ticks = [(c * (side + 1) + side / 2, str(c)) for c in range(0, count, step)]
            self.plot.getAxis(axis).setTicks([ticks])
