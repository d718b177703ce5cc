"""The pooling layer types: ``maxpool``, ``avgpool`` and ``adaptive_avgpool``."""

from __future__ import annotations

import math
from typing import Any

from torch import nn

from .base import (
    PADDING,
    WINDOW,
    LayerCost,
    LayerType,
    Shape,
    SpecError,
    Window,
    as_pair,
    call,
    fmt,
    squeeze,
    window_out,
)

__all__ = ["ADAPTIVE_AVGPOOL", "AVGPOOL", "MAXPOOL"]


def _pool_shape(s: dict[str, Any], in_shape: Shape, where: str, label: str) -> Shape:
    kernel = s["kernel_size"]
    padding = s.get("padding", (0, 0))
    if any(2 * p > k for p, k in zip(padding, kernel, strict=True)):
        raise SpecError(f"{where}.padding: at most half the kernel size {fmt(kernel)}, got "
                        f"{fmt(padding)}")
    return (in_shape[0], *window_out(kernel, s.get("stride", kernel), padding, (1, 1),
                                     in_shape, label))


def _pool_cost(s: dict[str, Any], inp: Shape, out: Shape) -> LayerCost:
    kh, kw = as_pair(s["kernel_size"])
    n_out = math.prod(out)
    return LayerCost(0, 0, n_out * kh * kw, n_out)


def _pool_windows(s: dict[str, Any], inp: Shape) -> list[Window]:
    k = as_pair(s["kernel_size"])
    return [(k, as_pair(s.get("stride", k)), (1, 1), as_pair(s.get("padding", 0)))]


def _pool(kind: str, cls: type[nn.Module], name: str) -> LayerType:
    def build(s: dict[str, Any], in_shape: Shape) -> nn.Module:
        return cls(squeeze(s["kernel_size"]), stride=squeeze(s.get("stride", s["kernel_size"])),
                   padding=squeeze(s.get("padding", (0, 0))))

    def source(s: dict[str, Any], in_shape: Shape) -> str:
        keywords = {"stride": s.get("stride", s["kernel_size"])}
        if s.get("padding", (0, 0)) != (0, 0):
            keywords["padding"] = s["padding"]
        return call(name, [s["kernel_size"]], keywords)

    return LayerType(
        kind, "pool", build, source,
        settings={"kernel_size": WINDOW, "stride": WINDOW, "padding": PADDING},
        required=("kernel_size",), defaults={"padding": (0, 0)},
        derived_defaults=lambda s, in_shape: {"stride": s["kernel_size"]}, spatial=True,
        out_shape=_pool_shape, cost=_pool_cost, windows=_pool_windows)


MAXPOOL = _pool("maxpool", nn.MaxPool2d, "nn.MaxPool2d")
AVGPOOL = _pool("avgpool", nn.AvgPool2d, "nn.AvgPool2d")


def _adaptive_window(size: int, out: int) -> tuple[int, int]:
    """Largest window and (rounded-down) stride of adaptive pooling from ``size`` to ``out``."""
    widest = max(math.ceil((i + 1) * size / out) - (i * size) // out for i in range(out))
    return widest, max(1, size // out)


def _adaptive_windows(s: dict[str, Any], inp: Shape) -> list[Window]:
    out = as_pair(s.get("output_size", 1))
    (kh, sh), (kw, sw) = _adaptive_window(inp[1], out[0]), _adaptive_window(inp[2], out[1])
    return [((kh, kw), (sh, sw), (1, 1), (0, 0))]


def _adaptive_span(s: dict[str, Any], inp: Shape, axis: int,
                   cells: tuple[int, int]) -> tuple[int, int]:
    """The input rows (columns) PyTorch's adaptive pooling reads for output rows (columns)
    ``cells``: output ``i`` pools ``floor(i·n/m)`` to ``ceil((i+1)·n/m) − 1``."""
    size, out = inp[1 + axis], as_pair(s.get("output_size", 1))[axis]
    return (cells[0] * size) // out, math.ceil((cells[1] + 1) * size / out) - 1


ADAPTIVE_AVGPOOL = LayerType(
    "adaptive_avgpool", "gap",
    lambda s, in_shape: nn.AdaptiveAvgPool2d(s.get("output_size", (1, 1))),
    lambda s, in_shape: call("nn.AdaptiveAvgPool2d", [s.get("output_size", (1, 1))], {}),
    settings={"output_size": WINDOW}, defaults={"output_size": (1, 1)}, spatial=True,
    out_shape=lambda s, in_shape, where, label: (in_shape[0], *s.get("output_size", (1, 1))),
    # every input value is added once
    cost=lambda s, inp, out: LayerCost(0, 0, math.prod(inp), math.prod(out)),
    windows=_adaptive_windows, span=_adaptive_span)
