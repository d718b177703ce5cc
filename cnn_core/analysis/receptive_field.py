"""What one feature-map cell sees: its theoretical field (a frame) and its effective field
(the gradient of the cell with respect to the input picture).

The frame is :class:`cnn_core.models.receptive_field.ReceptiveFields`' (the one place
receptive fields are worked out); the gradient says how much each pixel inside it really
moves the cell for this drawing, usually a blob much smaller than the frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..checkpoints import Checkpoint
from ..models.network import DigitNet
from ..models.receptive_field import Frame, ReceptiveFields, clip_cells, window_cells
from ..models.spec_validation import INPUT_SHAPE
from .conv_settings import ConvSettings
from .inspection import named_layers

__all__ = ["CellField", "ConvCell", "cell_field", "cell_gradient", "conv_cell_frame",
           "conv_cell_gradient", "describe_cell"]


@dataclass(frozen=True)
class CellField:
    """One cell's fields for one drawing."""

    layer: str  # the module name, e.g. "features.conv2"
    channel: int
    row: int
    col: int  # for a flat layer: the unit (row 0)
    frame: Frame  # the theoretical field, in 28×28 pixels
    gradient: np.ndarray  # float32 [28, 28]: d cell / d input pixel (zero outside the frame)


def cell_gradient(model: DigitNet, x: torch.Tensor, layer: str, channel: int, row: int,
                  col: int) -> np.ndarray:
    """The gradient of one output value of ``layer`` with respect to the input ``x``.

    Parameters
    ----------
    model
        Run in eval mode (BatchNorm with its running statistics) and restored after.
    x
        The normalised input, ``[1, 1, 28, 28]``.
    layer, channel, row, col
        The value: ``layer``'s output ``[channel, row, col]``, or unit ``col`` of a flat one.

    Returns
    -------
    numpy.ndarray
        float32 ``[28, 28]``.
    """
    was_training = model.training
    model.eval()
    h = x.detach().clone().float().requires_grad_(True)
    start = h
    try:
        with torch.enable_grad():
            for name, module in named_layers(model):
                h = module(h)
                if name == layer:
                    break
            else:
                raise KeyError(f"the model has no layer {layer!r}")
            value = h[0, col] if h.dim() == 2 else h[0, channel, row, col]
            (grad,) = torch.autograd.grad(value, start)
    finally:
        model.train(was_training)
    return grad[0, 0].detach().cpu().numpy().astype(np.float32).copy()


def cell_field(checkpoint: Checkpoint, image28: np.ndarray, layer: str, channel: int,
               row: int, col: int) -> CellField:
    """Frame and gradient of one cell for a preprocessed drawing (``[0, 1]``, ink = 1),
    normalised as the checkpoint's predictor normalises it."""
    image = torch.from_numpy(np.array(image28, dtype=np.float32))[None, None]
    x = (image - checkpoint.mean) / checkpoint.std
    x = x.to(next(checkpoint.model.parameters()).device)
    frame = ReceptiveFields(checkpoint.model.spec).cell(layer, row, col)
    gradient = cell_gradient(checkpoint.model, x, layer, channel, row, col)
    return CellField(layer, channel, row, col, frame, gradient)


@dataclass(frozen=True)
class ConvCell:
    """One output value of the Convolution tab's convolution, and what it convolves."""

    source: str | None  # the model layer whose output is convolved; None: the picture itself
    normalised: bool  # the picture as the model reads it (mean and std), not ink = 1
    first_channel: int  # the first of the source's channels convolved
    weight: np.ndarray  # [out_channels, in_channels / groups, kh, kw]
    settings: ConvSettings
    out_channel: int
    row: int
    col: int


def conv_cell_frame(fields: ReceptiveFields | None, cell: ConvCell) -> Frame:
    """The pixels of the 28×28 picture one output of the Convolution tab sees: its window on
    the source, then the source layer's fields (``fields``, needed for a model layer)."""
    s = cell.settings
    rows, cols = (window_cells((at, at), s.kernel_size[axis], s.stride[axis],
                               s.dilation[axis], s.padding[axis])
                  for axis, at in enumerate((cell.row, cell.col)))
    if cell.source is not None:
        if fields is None:
            raise ValueError("a model layer's output needs the model's receptive fields")
        return fields.region(cell.source, rows, cols)
    (top, bottom), (left, right) = (clip_cells(rows, INPUT_SHAPE[1]),
                                    clip_cells(cols, INPUT_SHAPE[2]))
    return Frame(top, left, bottom, right)


def conv_cell_gradient(checkpoint: Checkpoint | None, image28: np.ndarray,
                       cell: ConvCell) -> np.ndarray:
    """The gradient of one output of the Convolution tab with respect to the 28×28 picture
    (``[0, 1]``, ink = 1): through the model up to ``cell.source``, then the tab's own
    convolution. float32 ``[28, 28]``."""
    image = torch.from_numpy(np.array(image28, dtype=np.float32))[None, None]
    image.requires_grad_(True)
    s = cell.settings
    with torch.enable_grad():
        h = image
        if checkpoint is not None and (cell.normalised or cell.source is not None):
            h = (h - checkpoint.mean) / checkpoint.std
        if cell.source is not None:
            if checkpoint is None:
                raise ValueError("a model layer's output needs the model")
            model, was_training = checkpoint.model, checkpoint.model.training
            model.eval()
            try:
                for name, module in named_layers(model):
                    h = module(h.to(next(model.parameters()).device))
                    if name == cell.source:
                        break
            finally:
                model.train(was_training)
        h = h[:, cell.first_channel:cell.first_channel + s.in_channels].cpu().double()
        (ph, pw), padding = s.padding, s.padding
        if s.padding_mode != "zeros":
            h, padding = F.pad(h, (pw, pw, ph, ph), mode=s.padding_mode), (0, 0)
        out = F.conv2d(h, torch.from_numpy(np.asarray(cell.weight, np.float64)),
                       stride=s.stride, padding=padding, dilation=s.dilation, groups=s.groups)
        (grad,) = torch.autograd.grad(out[0, cell.out_channel, cell.row, cell.col], image)
    return grad[0, 0].detach().numpy().astype(np.float32).copy()


def describe_cell(frame: Frame, layer: str, row: int, col: int, unit: bool = False) -> str:
    """``Receptive field 14×14 px (layer conv2, cell (3, 5))``; with ``unit``, a flat
    layer's unit ``col``."""
    short = layer.split(".", 1)[-1]
    where = f"unit {col}" if unit else f"cell ({row}, {col})"
    return f"Receptive field {frame.height}×{frame.width} px (layer {short}, {where})"
