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

from ..checkpoints import Checkpoint
from ..models.network import DigitNet
from ..models.receptive_field import Frame, ReceptiveFields
from .inspection import named_layers

__all__ = ["CellField", "cell_field", "cell_gradient", "describe_cell"]


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


def describe_cell(frame: Frame, layer: str, row: int, col: int, unit: bool = False) -> str:
    """``Receptive field 14×14 px (layer conv2, cell (3, 5))``; with ``unit``, a flat
    layer's unit ``col``."""
    short = layer.split(".", 1)[-1]
    where = f"unit {col}" if unit else f"cell ({row}, {col})"
    return f"Receptive field {frame.height}×{frame.width} px (layer {short}, {where})"
