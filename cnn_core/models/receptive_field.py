"""Receptive fields: which pixels of the 28×28 input one value of a layer sees.

The one place DigitLab works them out. Both answers read the same windows, each layer
type's :attr:`~cnn_core.models.layer_types.base.LayerType.windows` (kernel, stride, dilation,
padding) and, where windows are only an approximation (adaptive pooling), its exact
:attr:`~cnn_core.models.layer_types.base.LayerType.span`:

* :func:`field_step`, the standard recurrence per axis, ``r_out = r_in + d·(k − 1)·j_in`` and
  ``j_out = j_in·s`` (``j``, the jump, is the distance in input pixels between neighbouring
  outputs): the size the layer table shows, not clipped to the image.
* :class:`ReceptiveFields`, the frame one cell (or a block of cells) sees: followed back
  layer by layer, output rows ``lo..hi`` of a window come from input rows
  ``lo·s − p .. hi·s − p + d·(k − 1)``, clipped to the layer's input (padding holds no
  pixel). A flattened unit is the map cell it came from; a linear unit sees everything its
  input sees. A residual block counts its two 3×3 convolutions, an Inception block its 5×5
  path (the others lie inside it).

These are the fields of the model in eval mode. In train mode BatchNorm normalises with the
statistics of the whole batch, so every value then depends on every pixel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .layer_types import LAYER_TYPES
from .spec_validation import INPUT_SHAPE, PlannedLayer
from .specs import validate_spec

__all__ = ["Frame", "ReceptiveFields", "clip_cells", "field_step", "window_cells"]

Pair = tuple[int, int]
Shape = tuple[int, ...]


@dataclass(frozen=True)
class Frame:
    """Rows ``top..bottom`` and columns ``left..right`` (inclusive) of the input image."""

    top: int
    left: int
    bottom: int
    right: int

    @property
    def height(self) -> int:
        """Rows in the frame (0 when it is empty)."""
        return max(0, self.bottom - self.top + 1)

    @property
    def width(self) -> int:
        """Columns in the frame (0 when it is empty)."""
        return max(0, self.right - self.left + 1)

    def is_empty(self) -> bool:
        """True when the cell sees no pixel of the image (only padding)."""
        return self.height == 0 or self.width == 0


def field_step(kind: str, settings: dict[str, Any], in_shape: Shape, rf: Pair, jump: Pair,
               image: Pair) -> tuple[Pair, Pair]:
    """Receptive-field size and jump after one layer, from those before it (the recurrence
    of the module docstring; a layer that sees the whole image gives at least the image)."""
    layer_type = LAYER_TYPES[kind]
    if layer_type.whole_image(settings):
        return (max(rf[0], image[0]), max(rf[1], image[1])), jump
    for kernel, stride, dilation, _padding in layer_type.windows(settings, in_shape):
        rf = (rf[0] + dilation[0] * (kernel[0] - 1) * jump[0],
              rf[1] + dilation[1] * (kernel[1] - 1) * jump[1])
        jump = (jump[0] * stride[0], jump[1] * stride[1])
    return rf, jump


def window_cells(cells: Pair, kernel: int, stride: int, dilation: int, padding: int) -> Pair:
    """The input rows (or columns) ``lo·s − p .. hi·s − p + d·(k − 1)`` a sliding window
    reads for output rows ``cells = (lo, hi)``, before clipping (negative: padding)."""
    return (cells[0] * stride - padding,
            cells[1] * stride - padding + dilation * (kernel - 1))


def clip_cells(cells: Pair, size: int) -> Pair:
    """``cells`` within ``0 .. size − 1`` (empty when ``lo > hi``)."""
    return max(cells[0], 0), min(cells[1], size - 1)


def _back_through(layer: PlannedLayer, axis: int, cells: Pair) -> Pair:
    """The input rows (``axis`` 0) or columns (1) of ``layer`` behind output ``cells``."""
    layer_type = LAYER_TYPES[layer.kind]
    s, inp = layer.settings, layer.in_shape
    if layer_type.whole_image(s):  # e.g. an expression that takes a mean over the map
        return 0, inp[1 + axis] - 1
    if layer_type.span is not None:
        cells = layer_type.span(s, inp, axis, cells)
    else:
        for kernel, stride, dilation, padding in reversed(layer_type.windows(s, inp)):
            cells = window_cells(cells, kernel[axis], stride[axis], dilation[axis],
                                 padding[axis])
    return clip_cells(cells, inp[1 + axis])


class ReceptiveFields:
    """The receptive fields of every layer of one model spec.

    Layers are named as the built model names its modules (``features.conv2``,
    ``classifier.fc1``; :func:`cnn_core.models.architecture.module_names`).

    Raises
    ------
    SpecError
        If the spec is invalid.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self._layers = validate_spec(spec).layers
        self._index = {f"{layer.part}.{layer.name}": i for i, layer in enumerate(self._layers)}
        self.image: Pair = (INPUT_SHAPE[1], INPUT_SHAPE[2])

    def names(self) -> list[str]:
        """Every layer's module name, in network order."""
        return list(self._index)

    def out_shape(self, name: str) -> Shape:
        """The output shape of layer ``name`` (without the batch)."""
        return self._layers[self._index[name]].out_shape

    def cell(self, name: str, row: int, col: int) -> Frame:
        """The frame output cell (``row``, ``col``) of layer ``name`` sees (any channel).

        For a flat layer (after ``flatten``) ``col`` is the unit and ``row`` is 0.
        """
        return self.region(name, (row, row), (col, col))

    def region(self, name: str | None, rows: Pair, cols: Pair) -> Frame:
        """The frame output rows ``rows`` and columns ``cols`` (inclusive) of layer ``name``
        see together; ``None`` names the input image itself (the frame is then the block,
        clipped). For a flat layer ``cols`` are units."""
        stop = -1 if name is None else self._index[name]
        shape = (1, *self.image) if name is None else self.out_shape(name)
        flat: Pair | None = None
        if len(shape) == 1:
            flat, rows, cols = clip_cells(cols, shape[0]), (0, 0), (0, 0)
        else:
            rows, cols = clip_cells(rows, shape[1]), clip_cells(cols, shape[2])
        for layer in reversed(self._layers[:stop + 1]):
            if flat is not None:
                flat, rows, cols = self._back_flat(layer, flat)
                continue
            rows, cols = _back_through(layer, 0, rows), _back_through(layer, 1, cols)
        rows, cols = clip_cells(rows, self.image[0]), clip_cells(cols, self.image[1])
        return Frame(rows[0], cols[0], rows[1], cols[1])

    @staticmethod
    def _back_flat(layer: PlannedLayer, units: Pair) -> tuple[Pair | None, Pair, Pair]:
        """Units of a flat output followed back through ``layer``: still flat units, or the
        map cells they were flattened from."""
        inp, whole = layer.in_shape, LAYER_TYPES[layer.kind].whole_image(layer.settings)
        if len(inp) == 1:  # a vector: a linear unit sees all of it, the others one unit
            return ((0, inp[0] - 1) if whole else units), (0, 0), (0, 0)
        _, height, width = inp
        if whole or units[0] != units[1]:
            return None, (0, height - 1), (0, width - 1)
        row, col = divmod(units[0] % (height * width), width)  # the cell it was flattened from
        return None, (row, row), (col, col)
