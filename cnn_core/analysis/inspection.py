"""Look inside a model: every layer's output for one input, and the conv kernels.

Everything returned is a numpy copy, safe to hand to another thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..models.network import DigitNet, InceptionBlock, ResidualBlock
from ..models.output_size import size_formula

__all__ = ["KernelSet", "LayerActivation", "conv_kernels", "feature_maps", "layer_kind",
           "named_layers", "output_size_formula"]

_KINDS: tuple[tuple[type[nn.Module], str], ...] = (
    (nn.Conv2d, "conv"), (nn.MaxPool2d, "maxpool"), (nn.AvgPool2d, "avgpool"),
    (nn.AdaptiveAvgPool2d, "adaptive_avgpool"), (nn.BatchNorm2d, "bn"), (nn.BatchNorm1d, "bn"),
    (nn.ReLU, "relu"), (nn.LeakyReLU, "leaky_relu"), (nn.ELU, "elu"), (nn.Sigmoid, "sigmoid"),
    (nn.Tanh, "tanh"), (nn.Dropout, "dropout"), (nn.Flatten, "flatten"), (nn.Linear, "linear"),
    (ResidualBlock, "residual"), (InceptionBlock, "inception"),
)


@dataclass(frozen=True)
class LayerActivation:
    """One layer's output for one input image."""

    name: str  # e.g. "features.conv1"
    kind: str  # conv, maxpool, relu, linear, ...
    in_shape: tuple[int, ...]  # without the batch dimension
    shape: tuple[int, ...]  # output shape without the batch dimension
    maps: np.ndarray  # float32 copy: [C, H, W] for feature maps, [F] for vectors
    formula: str | None  # output-size formula with the layer's numbers, for conv/pool layers


@dataclass(frozen=True)
class KernelSet:
    """The weights of one convolution layer."""

    name: str  # e.g. "features.conv1" or "features.res1.conv1"
    weights: np.ndarray  # float32 copy [out_channels, in_channels / groups, kH, kW]
    bias: np.ndarray | None


def layer_kind(module: nn.Module) -> str:
    """A short name for a layer's type."""
    for cls, kind in _KINDS:
        if isinstance(module, cls):
            return kind
    return type(module).__name__.lower()


def _as_pair(value: int | tuple[int, ...]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def output_size_formula(module: nn.Module, in_hw: tuple[int, int]) -> str | None:
    """``(N + 2P − F) / S + 1`` filled with a conv or pool layer's own numbers, or None.

    Written by :func:`cnn_core.models.output_size.size_formula` (a dilated convolution shows
    its reach, a division with a remainder floor brackets). Height and width are shown
    separately when they differ.
    """
    if isinstance(module, ResidualBlock):
        module = module.conv1
    if isinstance(module, nn.Conv2d):
        f, s = _as_pair(module.kernel_size), _as_pair(module.stride)
        p, d = _as_pair(module.padding), _as_pair(module.dilation)  # type: ignore[arg-type]
    elif isinstance(module, nn.MaxPool2d | nn.AvgPool2d):
        f = _as_pair(module.kernel_size)
        s = _as_pair(module.stride or module.kernel_size)
        p = _as_pair(module.padding)
        d = _as_pair(getattr(module, "dilation", 1))
    else:
        return None
    h = size_formula(in_hw[0], f[0], s[0], p[0], d[0]).text
    w = size_formula(in_hw[1], f[1], s[1], p[1], d[1]).text
    return h if h == w else f"H: {h};  W: {w}"


def named_layers(model: DigitNet) -> list[tuple[str, nn.Module]]:
    """The model's top-level layers as ``("features.conv1", module)``, in network order."""
    return [(f"{part}.{name}", module)
            for part in ("features", "classifier")
            for name, module in getattr(model, part).named_children()]


@torch.no_grad()
def feature_maps(model: DigitNet, x: torch.Tensor) -> list[LayerActivation]:
    """Run one image through the model and record every layer's output.

    Parameters
    ----------
    model
        A :class:`DigitNet` (any device; it is run in eval mode and restored after).
    x
        The normalised input, ``[1, 1, 28, 28]`` (or ``[1, 28, 28]``).
    """
    if x.dim() == 3:
        x = x[None]
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    out: list[LayerActivation] = []
    h = x.to(device)
    try:
        for name, module in named_layers(model):
            in_shape = tuple(h.shape[1:])
            h = module(h)
            formula = output_size_formula(module, in_shape[-2:]) if len(in_shape) == 3 else None
            maps = h[0].detach().float().cpu().numpy().copy()
            out.append(LayerActivation(name, layer_kind(module), in_shape, tuple(h.shape[1:]),
                                       maps, formula))
    finally:
        model.train(was_training)
    return out


def conv_kernels(model: nn.Module) -> list[KernelSet]:
    """The weights of every convolution layer, in network order."""
    kernels = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d):
            weights = module.weight.detach().float().cpu().numpy().copy()
            bias = (None if module.bias is None
                    else module.bias.detach().float().cpu().numpy().copy())
            kernels.append(KernelSet(name, weights, bias))
    return kernels
