"""The parameter-free element-wise layer types: ``relu``, ``leaky_relu``, ``elu``,
``sigmoid`` and ``tanh``. They keep the shape and cost nothing but their output."""

from __future__ import annotations

from torch import nn

from .base import LayerType, number

__all__ = ["ELU", "LEAKY_RELU", "RELU", "SIGMOID", "TANH"]

RELU = LayerType("relu", "relu", lambda s, in_shape: nn.ReLU(), lambda s, in_shape: "nn.ReLU()")
LEAKY_RELU = LayerType(
    "leaky_relu", "lrelu", lambda s, in_shape: nn.LeakyReLU(s.get("negative_slope", 0.01)),
    lambda s, in_shape: f"nn.LeakyReLU({s.get('negative_slope', 0.01)!r})",
    settings={"negative_slope": number(-10, 10, "negative_slope")},
    defaults={"negative_slope": 0.01})
ELU = LayerType(
    "elu", "elu", lambda s, in_shape: nn.ELU(s.get("alpha", 1.0)),
    lambda s, in_shape: f"nn.ELU({s.get('alpha', 1.0)!r})",
    settings={"alpha": number(0, 10, "alpha")}, defaults={"alpha": 1.0})
SIGMOID = LayerType("sigmoid", "sigmoid", lambda s, in_shape: nn.Sigmoid(),
                    lambda s, in_shape: "nn.Sigmoid()")
TANH = LayerType("tanh", "tanh", lambda s, in_shape: nn.Tanh(), lambda s, in_shape: "nn.Tanh()")
