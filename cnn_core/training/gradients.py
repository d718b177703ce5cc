"""Backpropagation made visible: the size of each layer's gradient after a step."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["layer_gradient_norms", "layer_of"]

_PARTS = ("features.", "classifier.")


def layer_of(parameter_name: str) -> str:
    """The layer a parameter belongs to, by its readable name.

    ``"features.conv1.weight"`` → ``"conv1"``; ``"features.res1.conv2.bias"`` → ``"res1.conv2"``.
    """
    layer = parameter_name.rsplit(".", 1)[0] if "." in parameter_name else parameter_name
    for part in _PARTS:
        if layer.startswith(part):
            return layer[len(part):]
    return layer


@torch.no_grad()
def layer_gradient_norms(model: nn.Module) -> tuple[tuple[str, float], ...]:
    """The L2 norm of each parameterised layer's gradient (weights and bias together).

    Read after ``backward()`` and before the next ``zero_grad``; layers whose parameters have
    no gradient are left out. One device sync for all layers, so it is cheap to call on the
    steps that report the loss anyway.
    """
    names: list[str] = []
    squares: list[torch.Tensor] = []
    for name, parameter in model.named_parameters():
        if parameter.grad is None:
            continue
        layer = layer_of(name)
        square = parameter.grad.detach().float().pow(2).sum()
        if names and names[-1] == layer:  # weight and bias of one layer come together
            squares[-1] = squares[-1] + square
        else:
            names.append(layer)
            squares.append(square)
    if not squares:
        return ()
    norms = torch.stack(squares).sqrt().tolist()
    return tuple(zip(names, (float(n) for n in norms), strict=True))
