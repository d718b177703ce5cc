"""The convolution layer type: ``{"type": "conv", "out_channels": 6, "kernel_size": 5}``."""

from __future__ import annotations

import math
from typing import Any

from torch import nn

from ...runtime.messages import Core
from .base import (
    INIT,
    PADDING,
    SIZE,
    WINDOW,
    LayerCost,
    LayerType,
    Shape,
    SpecError,
    Window,
    as_pair,
    boolean,
    call,
    choice,
    conv_cost,
    fmt,
    positions,
    window_out,
)

__all__ = ["CONV"]

_DEFAULTS: dict[str, Any] = {"stride": (1, 1), "padding": (0, 0), "dilation": (1, 1),
                             "groups": 1, "bias": True, "padding_mode": "zeros"}


def _out_shape(s: dict[str, Any], in_shape: Shape, where: str, label: str) -> Shape:
    c, h, w = in_shape
    if s.get("in_channels", c) != c:
        raise SpecError(Core.tr("{label}: expects {c} input channels but the previous layer "
                                "gives {shape}", label=label, c=s["in_channels"],
                                shape=fmt(in_shape)))
    out, groups = s["out_channels"], s.get("groups", 1)
    if c % groups or out % groups:
        raise SpecError(Core.tr("{where}: groups={groups} must divide both in_channels={c} and "
                                "out_channels={out}", where=f"{where}.groups", groups=groups,
                                c=c, out=out))
    padding = s.get("padding", (0, 0))
    mode = s.get("padding_mode", "zeros")
    if mode == "reflect" and (padding[0] >= h or padding[1] >= w):
        raise SpecError(Core.tr("{where}: reflect padding must be smaller than the input "
                                "{shape}, got {padding}", where=f"{where}.padding",
                                shape=fmt(in_shape), padding=fmt(padding)))
    if mode == "circular" and (padding[0] > h or padding[1] > w):
        raise SpecError(Core.tr("{where}: circular padding cannot exceed the input {shape}, "
                                "got {padding}", where=f"{where}.padding", shape=fmt(in_shape),
                                padding=fmt(padding)))
    return (out, *window_out(s["kernel_size"], s.get("stride", (1, 1)), padding,
                             s.get("dilation", (1, 1)), in_shape, label))


def _cost(s: dict[str, Any], inp: Shape, out: Shape) -> LayerCost:
    params, macs = conv_cost(inp[0], out[0], s["kernel_size"], positions(out),
                             s.get("groups", 1), s.get("bias", True))
    return LayerCost(params, macs, 0, math.prod(out))


def _build(s: dict[str, Any], in_shape: Shape) -> nn.Module:
    return nn.Conv2d(
        in_shape[0], s["out_channels"], s["kernel_size"], stride=s.get("stride", (1, 1)),
        padding=s.get("padding", (0, 0)), dilation=s.get("dilation", (1, 1)),
        groups=s.get("groups", 1), bias=s.get("bias", True),
        padding_mode=s.get("padding_mode", "zeros"),
    )


def _source(s: dict[str, Any], in_shape: Shape) -> str:
    keywords = {key: s[key] for key, default in _DEFAULTS.items()
                if s.get(key, default) != default}
    return call("nn.Conv2d", [in_shape[0], s["out_channels"], s["kernel_size"]], keywords)


def _windows(s: dict[str, Any], inp: Shape) -> list[Window]:
    return [(as_pair(s["kernel_size"]), as_pair(s.get("stride", 1)),
             as_pair(s.get("dilation", 1)), as_pair(s.get("padding", 0)))]


CONV = LayerType(
    "conv", "conv", _build, _source,
    settings={"out_channels": SIZE, "in_channels": SIZE, "kernel_size": WINDOW,
              "stride": WINDOW, "padding": PADDING, "dilation": WINDOW, "groups": SIZE,
              "bias": boolean, "padding_mode": choice("zeros", "reflect", "replicate", "circular"),
              "init": INIT},
    required=("out_channels", "kernel_size"), defaults=_DEFAULTS, spatial=True,
    out_shape=_out_shape, cost=_cost, windows=_windows, initialised=True)
