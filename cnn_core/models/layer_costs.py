"""What one checked layer costs for one image: parameters, multiply-adds, other operations
and activation values — the single formula behind the spec limits
(:mod:`cnn_core.models.spec_validation`) and the layer table (:mod:`cnn_core.models.architecture`).

``macs`` counts the multiply-adds of convolutions and linear layers (``C_in/groups × kh ×
kw`` per convolution output, ``in × out`` per linear layer): DigitLab's one MAC count,
:data:`MAC_CONVENTION`. ``other_ops`` counts the rest, which no MAC count includes: one per
pooling-window element per output, one per value for BatchNorm (its folded scale and shift),
the 3×3 max pool of an Inception block's fourth path.
``activations`` counts the values a forward pass keeps: the output, plus a residual block's
four intermediate maps and an Inception block's path outputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["MAC_CONVENTION", "LayerCost", "layer_cost"]

MAC_CONVENTION = "conv and linear layers only"
"""How DigitLab counts multiply-adds (MACs), in words: said beside every MAC count shown
(the builder, the layer table, exported code, ``digitlab models``)."""

Shape = tuple[int, ...]


@dataclass(frozen=True)
class LayerCost:
    """The cost of one layer for one image (see the module docstring)."""

    params: int
    macs: int
    other_ops: int
    activations: int


def _pair(value: Any) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    return int(value[0]), int(value[1])


def _conv(c_in: int, c_out: int, kernel: int | tuple[int, int], positions: int,
          groups: int = 1, bias: bool = True) -> tuple[int, int]:
    """(parameters, MACs) of one convolution producing ``positions`` values per channel."""
    kh, kw = _pair(kernel)
    per_output = c_in // groups * kh * kw
    return c_out * per_output + (c_out if bias else 0), c_out * positions * per_output


def _residual(s: dict[str, Any], c_in: int, c_out: int, positions: int) -> LayerCost:
    """Two 3×3 convolutions, each followed by a BatchNorm, and an optional 1×1 shortcut."""
    p1, m1 = _conv(c_in, c_out, 3, positions)
    p2, m2 = _conv(c_out, c_out, 3, positions)
    ps, ms = _conv(c_in, c_out, 1, positions) if s.get("use_1x1conv", False) else (0, 0)
    n_out = c_out * positions
    return LayerCost(p1 + p2 + ps + 4 * c_out, m1 + m2 + ms, 2 * n_out,
                     5 * n_out)  # conv1, bn1, conv2, bn2 and the sum


def _inception(s: dict[str, Any], c_in: int, c_out: int, positions: int) -> LayerCost:
    """Six convolutions on four paths; the fourth path max-pools (3×3) before its 1×1."""
    c1, c4 = int(s["c1"]), int(s["c4"])
    (c2a, c2b), (c3a, c3b) = _pair(s["c2"]), _pair(s["c3"])
    convs = [(c_in, c1, 1), (c_in, c2a, 1), (c2a, c2b, 3), (c_in, c3a, 1), (c3a, c3b, 5),
             (c_in, c4, 1)]
    costs = [_conv(a, b, k, positions) for a, b, k in convs]
    # each convolution's output and the pooled copy of the input, then the concatenation
    paths = sum(b for _, b, _ in convs) + c_in
    return LayerCost(sum(p for p, _ in costs), sum(m for _, m in costs), 9 * c_in * positions,
                     positions * paths + c_out * positions)


def layer_cost(kind: str, s: dict[str, Any], inp: Shape, out: Shape) -> LayerCost:
    """The cost of a layer of ``kind`` with checked settings ``s`` mapping ``inp`` to ``out``."""
    n_out = math.prod(out)
    positions = math.prod(out[1:]) if len(out) == 3 else 1
    if kind == "conv":
        params, macs = _conv(inp[0], out[0], s["kernel_size"], positions,
                             s.get("groups", 1), s.get("bias", True))
        return LayerCost(params, macs, 0, n_out)
    if kind == "linear":
        bias = out[0] if s.get("bias", True) else 0
        return LayerCost(inp[0] * out[0] + bias, inp[0] * out[0], 0, n_out)
    if kind in ("maxpool", "avgpool"):
        kh, kw = _pair(s["kernel_size"])
        return LayerCost(0, 0, n_out * kh * kw, n_out)
    if kind == "adaptive_avgpool":
        return LayerCost(0, 0, math.prod(inp), n_out)  # every input value is added once
    if kind == "bn":
        return LayerCost(2 * inp[0], 0, n_out, n_out)
    if kind == "residual":
        return _residual(s, inp[0], out[0], positions)
    if kind == "inception":
        return _inception(s, inp[0], out[0], positions)
    return LayerCost(0, 0, 0, n_out)
