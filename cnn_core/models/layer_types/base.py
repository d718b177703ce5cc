"""What a layer type is: :class:`LayerType`, and the field checks its settings use.

A layer type is one object that says everything DigitLab does with a layer of that type:
the settings a spec may give it (with their checks and defaults), its output shape, its cost
for one image, the torch module it builds, the PyTorch source that builds the same module,
and the windows the layer table follows for the receptive field. The registry of them is
:data:`cnn_core.models.layer_types.LAYER_TYPES`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from torch import nn

from ...runtime.messages import Core
from ..output_size import output_size

__all__ = ["INIT", "INITS", "LAYER_TYPES", "MAX_WIDTH", "MAX_WINDOW", "PADDING", "SIZE",
           "WINDOW", "Check",
           "LayerCost", "LayerType", "Shape", "SpecError", "Window", "as_pair", "boolean",
           "call", "choice", "conv_cost", "fmt", "integer", "is_int", "number", "pair",
           "positions", "show_value", "squeeze", "window_out"]

Shape = tuple[int, ...]
Pair = tuple[int, int]
Window = tuple[Pair, Pair, Pair, Pair]  # (kernel, stride, dilation, padding) of one window
Check = Callable[[Any, str], Any]

INITS = ("default", "xavier", "kaiming", "normal")  # see cnn_core.models.specs.init_weights
MAX_WIDTH = 65_536  # channels or features of one layer
MAX_WINDOW = 1024  # kernel size, stride, padding, dilation, pool output size


@dataclass(frozen=True)
class LayerCost:
    """The cost of one layer for one image (see :mod:`cnn_core.models.layer_costs`)."""

    params: int
    macs: int
    other_ops: int
    activations: int


def as_pair(value: Any) -> Pair:
    """``k`` → ``(k, k)``; a pair as a tuple of ints."""
    if isinstance(value, int):
        return value, value
    return int(value[0]), int(value[1])


def conv_cost(c_in: int, c_out: int, kernel: int | Pair, positions: int, groups: int = 1,
              bias: bool = True) -> tuple[int, int]:
    """(parameters, MACs) of one convolution producing ``positions`` values per channel."""
    kh, kw = as_pair(kernel)
    per_output = c_in // groups * kh * kw
    return c_out * per_output + (c_out if bias else 0), c_out * positions * per_output


def positions(out: Shape) -> int:
    """Values per channel of a C×H×W output (1 for a flat one)."""
    return math.prod(out[1:]) if len(out) == 3 else 1


class SpecError(ValueError):
    """A model spec is malformed, its shapes do not fit together, or it is too large."""


def _same_shape(s: dict[str, Any], in_shape: Shape, where: str, label: str) -> Shape:
    return in_shape


def _no_cost(s: dict[str, Any], inp: Shape, out: Shape) -> LayerCost:
    return LayerCost(0, 0, 0, math.prod(out))


def _no_windows(s: dict[str, Any], inp: Shape) -> list[Window]:
    return []


def _no_derived(s: dict[str, Any], in_shape: Shape) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class LayerType:
    """Everything about one layer type of the model specs.

    The callables take the layer's checked settings ``s`` (pairs as tuples, absent keys
    absent) and its input shape (without batch).
    """

    kind: str  # the spec's "type"
    prefix: str  # automatic names: prefix + rank (conv1, pool2, fc3)
    build: Callable[[dict[str, Any], Shape], nn.Module]  # the torch module
    source: Callable[[dict[str, Any], Shape], str]  # the PyTorch expression building it
    settings: dict[str, Check] = field(default_factory=dict)  # field -> check
    required: tuple[str, ...] = ()  # fields a spec must give
    defaults: dict[str, Any] = field(default_factory=dict)  # what an absent field means
    # defaults read from the settings or the input (a pool's stride, a block's width)
    derived_defaults: Callable[[dict[str, Any], Shape], dict[str, Any]] = _no_derived
    spatial: bool = False  # needs a C×H×W input
    # (settings, in_shape, where, label) -> out_shape; ``where`` is the layer's place in the
    # JSON (for messages about its fields), ``label`` adds its name
    out_shape: Callable[[dict[str, Any], Shape, str, str], Shape] = _same_shape
    cost: Callable[[dict[str, Any], Shape, Shape], LayerCost] = _no_cost
    windows: Callable[[dict[str, Any], Shape], list[Window]] = _no_windows  # receptive field
    # every output sees every input pixel (linear); a callable decides from the settings
    sees_whole_image: bool | Callable[[dict[str, Any]], bool] = False
    # (settings, in_shape, axis, (lo, hi)) -> the input rows (axis 0) or columns (axis 1)
    # behind output rows or columns lo..hi, where the windows are only an approximation
    # (adaptive pooling); None: read from the windows
    span: Callable[[dict[str, Any], Shape, int, Pair], Pair] | None = None
    initialised: bool = False  # holds Conv2d / Linear layers that a spec's "init" draws
    helper_source: str = ""  # source of a class ``source`` uses, written once per file
    # settings that depend on the layers before it: (settings, earlier PlannedLayers, where)
    resolve: Callable[[dict[str, Any], list[Any], str], dict[str, Any]] | None = None
    tied: bool = False  # its module's ``tie`` takes the layer named by settings["of"]

    def whole_image(self, s: dict[str, Any]) -> bool:
        """Whether every output of a layer with settings ``s`` sees every input pixel."""
        whole = self.sees_whole_image
        return whole(s) if callable(whole) else whole


LAYER_TYPES: dict[str, LayerType] = {}
"""Every layer type by its spec ``"type"``, in the order messages list them (filled by
:func:`cnn_core.models.layer_types.register`; kept here so that a type may look up another,
as ``shared`` does, without importing the package that registers it)."""


# ----------------------------------------------------------------------------- field checks


def is_int(value: Any) -> bool:
    """Whether ``value`` is an int that JSON would write as one (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def show_value(value: Any) -> str:
    """``repr(value)``, cut to 40 characters, for messages."""
    try:
        text = repr(value)
    except ValueError:  # an integer with more digits than Python will print
        return "a huge integer"
    except RecursionError:
        return "a deeply nested value"
    return text if len(text) <= 40 else text[:37] + "…"


def fmt(shape: Shape) -> str:
    """``3×28×28``."""
    return "×".join(str(s) for s in shape)


def squeeze(pair: Any) -> Any:
    """``(k, k)`` → ``k``, so square windows read as PyTorch users write them."""
    if isinstance(pair, tuple) and len(pair) == 2 and pair[0] == pair[1]:
        return pair[0]
    return pair


def integer(lo: int, hi: int) -> Check:
    """An integer from ``lo`` to ``hi``."""
    def check(value: Any, where: str) -> int:
        if not is_int(value) or not lo <= value <= hi:
            raise SpecError(Core.tr("{where}: must be an integer from {lo:,} to {hi:,}, got "
                                    "{value}", where=where, lo=lo, hi=hi,
                                    value=show_value(value)))
        return int(value)
    return check


def pair(lo: int, hi: int) -> Check:
    """An integer or a pair of integers from ``lo`` to ``hi``, checked as a pair."""
    def check(value: Any, where: str) -> tuple[int, int]:
        if is_int(value):
            value = [value, value]
        if (not isinstance(value, list | tuple) or len(value) != 2
                or not all(is_int(v) and lo <= v <= hi for v in value)):
            raise SpecError(Core.tr("{where}: must be an integer or a pair of integers from "
                                    "{lo:,} to {hi:,}, got {value}", where=where, lo=lo, hi=hi,
                                    value=show_value(value)))
        return int(value[0]), int(value[1])
    return check


def number(lo: float, hi: float, what: str, hi_open: bool = False) -> Check:
    """A finite number in ``[lo, hi]`` (``[lo, hi)`` with ``hi_open``)."""
    def check(value: Any, where: str) -> float:
        ok = (isinstance(value, int | float) and not isinstance(value, bool)
              and (isinstance(value, int) or math.isfinite(value))  # a huge int: no float()
              and lo <= value and (value < hi if hi_open else value <= hi))
        if not ok:
            bracket = ")" if hi_open else "]"
            raise SpecError(Core.tr("{where}: {what} must be in [{lo:g}, {hi:g}{bracket}, got "
                                    "{value}", where=where, what=what, lo=lo, hi=hi,
                                    bracket=bracket, value=show_value(value)))
        return float(value)
    return check


def boolean(value: Any, where: str) -> bool:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        raise SpecError(Core.tr("{where}: must be true or false, got {value}", where=where,
                                value=show_value(value)))
    return value


def choice(*options: str) -> Check:
    """One of ``options``."""
    def check(value: Any, where: str) -> str:
        if value not in options or not isinstance(value, str):
            raise SpecError(Core.tr("{where}: must be one of {options}, got {value}",
                                    where=where, options=", ".join(options),
                                    value=show_value(value)))
        return value
    return check


SIZE = integer(1, MAX_WIDTH)
WINDOW = pair(1, MAX_WINDOW)
PADDING = pair(0, MAX_WINDOW)
INIT = choice(*INITS)


def window_out(kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, in_shape: Shape,
               where: str) -> Pair:
    """Height and width after a sliding window; a window that does not fit is an error."""
    oh = output_size(in_shape[1], kernel[0], stride[0], padding[0], dilation[0])
    ow = output_size(in_shape[2], kernel[1], stride[1], padding[1], dilation[1])
    if oh < 1 or ow < 1:
        raise SpecError(Core.tr("{where}: a {kernel} kernel (padding {padding}, dilation "
                                "{dilation}) does not fit its input {shape}: the output would be "
                                "{height}×{width}", where=where, kernel=fmt(kernel),
                                padding=fmt(padding), dilation=fmt(dilation), shape=fmt(in_shape),
                                height=oh, width=ow))
    return oh, ow


def call(name: str, positional: list[Any], keywords: dict[str, Any]) -> str:
    """``name(a, b, k=v)`` with square pairs squeezed."""
    parts = [repr(squeeze(v)) for v in positional]
    parts += [f"{k}={squeeze(v)!r}" for k, v in keywords.items()]
    return f"{name}({', '.join(parts)})"
