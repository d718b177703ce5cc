"""What one checked layer costs for one image: parameters, multiply-adds, other operations
and activation values — the one count behind the spec limits
(:mod:`cnn_core.models.spec_validation`) and the layer table (:mod:`cnn_core.models.architecture`).
Each layer type's formula is its ``cost`` in :mod:`cnn_core.models.layer_types`; these are
the conventions they all follow.

``macs`` counts the multiply-adds of convolutions and linear layers (``C_in/groups × kh ×
kw`` per convolution output, ``in × out`` per linear layer): DigitLab's one MAC count,
:data:`MAC_CONVENTION`. ``other_ops`` counts the rest, which no MAC count includes: one per
pooling-window element per output, one per value for BatchNorm (its folded scale and shift),
the 3×3 max pool of an Inception block's fourth path.
``activations`` counts the values a forward pass keeps: the output, plus a residual block's
four intermediate maps and an Inception block's path outputs.
"""

from __future__ import annotations

from typing import Any

from ..runtime.messages import Core
from .layer_types import LAYER_TYPES
from .layer_types.base import LayerCost

__all__ = ["MAC_CONVENTION", "LayerCost", "layer_cost"]

MAC_CONVENTION = Core.tr("conv and linear layers only")
"""How DigitLab counts multiply-adds (MACs), in words: said beside every MAC count shown
(the builder, the layer table, exported code, ``digitlab models``)."""

Shape = tuple[int, ...]


def layer_cost(kind: str, s: dict[str, Any], inp: Shape, out: Shape) -> LayerCost:
    """The cost of a layer of ``kind`` with checked settings ``s`` mapping ``inp`` to ``out``
    (each layer type's own formula, :attr:`~.layer_types.LayerType.cost`)."""
    return LAYER_TYPES[kind].cost(s, inp, out)
