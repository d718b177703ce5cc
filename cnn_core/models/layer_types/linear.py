"""The layer types of a classifier: ``flatten``, ``linear`` and ``dropout``."""

from __future__ import annotations

import math
from typing import Any

from torch import nn

from ...runtime.messages import Core
from .base import INIT, SIZE, LayerCost, LayerType, Shape, SpecError, boolean, call, fmt, number

__all__ = ["DROPOUT", "FLATTEN", "LINEAR"]

DROPOUT = LayerType(
    "dropout", "dropout", lambda s, in_shape: nn.Dropout(s.get("p", 0.5)),
    lambda s, in_shape: f"nn.Dropout({s.get('p', 0.5)!r})",
    settings={"p": number(0, 1, "dropout", hi_open=True)}, defaults={"p": 0.5})
FLATTEN = LayerType(
    "flatten", "flatten", lambda s, in_shape: nn.Flatten(), lambda s, in_shape: "nn.Flatten()",
    out_shape=lambda s, in_shape, where, label: (math.prod(in_shape),))


def _linear_shape(s: dict[str, Any], in_shape: Shape, where: str, label: str) -> Shape:
    if len(in_shape) != 1:
        raise SpecError(Core.tr("{label} (linear) needs a flat input but gets {shape}; add a "
                                "flatten layer before it", label=label, shape=fmt(in_shape)))
    if s.get("in_features", in_shape[0]) != in_shape[0]:
        raise SpecError(Core.tr("{label}: expects in_features={n} but the previous layer "
                                "gives {shape}", label=label, n=s["in_features"],
                                shape=fmt(in_shape)))
    return (s["out_features"],)


def _linear_cost(s: dict[str, Any], inp: Shape, out: Shape) -> LayerCost:
    bias = out[0] if s.get("bias", True) else 0
    return LayerCost(inp[0] * out[0] + bias, inp[0] * out[0], 0, math.prod(out))


LINEAR = LayerType(
    "linear", "fc",
    lambda s, in_shape: nn.Linear(in_shape[0], s["out_features"], bias=s.get("bias", True)),
    lambda s, in_shape: call("nn.Linear", [in_shape[0], s["out_features"]],
                             {} if s.get("bias", True) else {"bias": False}),
    settings={"out_features": SIZE, "in_features": SIZE, "bias": boolean, "init": INIT},
    required=("out_features",), defaults={"bias": True}, out_shape=_linear_shape,
    cost=_linear_cost, sees_whole_image=True, initialised=True)
