"""The normalisation layer type: ``bn``, BatchNorm over each channel (of maps or of a
vector, whichever it gets)."""

from __future__ import annotations

import math

from torch import nn

from .base import LayerCost, LayerType

__all__ = ["BN"]

BN = LayerType(
    "bn", "bn",
    lambda s, in_shape: (nn.BatchNorm2d(in_shape[0]) if len(in_shape) == 3
                         else nn.BatchNorm1d(in_shape[0])),
    lambda s, in_shape: f"nn.BatchNorm{2 if len(in_shape) == 3 else 1}d({in_shape[0]})",
    # its scale and shift are parameters; its folded scale and shift one operation per value
    cost=lambda s, inp, out: LayerCost(2 * inp[0], 0, math.prod(out), math.prod(out)))
