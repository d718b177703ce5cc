"""Declarative model specs: a JSON-able dict of layers that builds a :class:`DigitNet`.

A spec looks like::

    {"name": "lenet5", "input_shape": [1, 28, 28], "num_classes": 10, "init": "xavier",
     "features": [{"type": "conv", "out_channels": 6, "kernel_size": 5, "padding": 2},
                  {"type": "sigmoid"}, {"type": "avgpool", "kernel_size": 2}, ...],
     "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 120}, ...]}

Layer parameters use PyTorch's own names. ``in_channels`` / ``in_features`` may be omitted
(they are inferred); when given they are checked. A layer may carry a ``"name"``; otherwise it
is named after its type and position (``conv1``, ``pool2``, ``fc3``).
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from . import layers
from .network import DigitNet, ResidualBlock

__all__ = ["LAYER_TYPES", "SpecError", "build_model", "layer_output_shape", "load_spec_file",
           "validate_spec"]

Shape = tuple[int, ...]

# layer type -> prefix of the automatic name
_PREFIX = {
    "conv": "conv", "bn": "bn", "maxpool": "pool", "avgpool": "pool", "adaptive_avgpool": "gap",
    "relu": "relu", "leaky_relu": "lrelu", "elu": "elu", "sigmoid": "sigmoid", "tanh": "tanh",
    "dropout": "dropout", "flatten": "flatten", "linear": "fc", "residual": "res",
}
LAYER_TYPES: tuple[str, ...] = tuple(_PREFIX)
_ACTIVATIONS: dict[str, Callable[[dict[str, Any]], nn.Module]] = {
    "relu": lambda p: nn.ReLU(),
    "leaky_relu": lambda p: nn.LeakyReLU(float(p.get("negative_slope", 0.01))),
    "elu": lambda p: nn.ELU(float(p.get("alpha", 1.0))),
    "sigmoid": lambda p: nn.Sigmoid(),
    "tanh": lambda p: nn.Tanh(),
}


class SpecError(ValueError):
    """A model spec is malformed or its shapes do not fit together."""


def _pair(value: Any, what: str, where: str) -> tuple[int, int]:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, value
    if (isinstance(value, list | tuple) and len(value) == 2
            and all(isinstance(v, int) for v in value)):
        return int(value[0]), int(value[1])
    raise SpecError(f"{where}: {what} must be an integer or a pair of integers, got {value!r}")


def _fmt(shape: Shape) -> str:
    return "×".join(str(s) for s in shape)


def _spatial_out(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """(N + 2P − D·(F−1) − 1) / S + 1, floored: PyTorch's output-size rule."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def layer_output_shape(layer: dict[str, Any], in_shape: Shape, where: str = "layer") -> Shape:
    """Compute the output shape (without batch) of one spec layer for a given input shape.

    Raises
    ------
    SpecError
        If the layer cannot take that input; the message names the layer and both shapes.
    """
    kind = layer.get("type")
    if kind not in _PREFIX:
        raise SpecError(f"{where}: unknown layer type {kind!r}; known: {', '.join(LAYER_TYPES)}")
    if kind in ("conv", "maxpool", "avgpool", "adaptive_avgpool", "residual") and len(
        in_shape
    ) != 3:
        raise SpecError(
            f"{where} ({kind}) needs a C×H×W input but gets a flat vector of shape {_fmt(in_shape)}"
        )
    if kind == "conv":
        c, h, w = in_shape
        if "in_channels" in layer and layer["in_channels"] != c:
            raise SpecError(
                f"{where}: expects {layer['in_channels']} input channels but the previous layer "
                f"gives {_fmt(in_shape)}"
            )
        out = layer.get("out_channels")
        if not isinstance(out, int) or out < 1:
            raise SpecError(f"{where}: out_channels must be a positive integer, got {out!r}")
        groups = int(layer.get("groups", 1))
        if groups < 1 or c % groups or out % groups:
            raise SpecError(
                f"{where}: groups={groups} must divide both in_channels={c} and out_channels={out}"
            )
        return (out, *_conv_hw(layer, (h, w), in_shape, where, default_stride=1))
    if kind in ("maxpool", "avgpool"):
        c, h, w = in_shape
        return (c, *_conv_hw(layer, (h, w), in_shape, where, default_stride=None))
    if kind == "adaptive_avgpool":
        oh, ow = _pair(layer.get("output_size", 1), "output_size", where)
        return (in_shape[0], oh, ow)
    if kind == "residual":
        c, h, w = in_shape
        out = int(layer.get("out_channels", c))
        stride = int(layer.get("stride", 1))
        if (out != c or stride != 1) and not layer.get("use_1x1conv", False):
            raise SpecError(
                f"{where}: changes {_fmt(in_shape)} to {out} channels / stride {stride}, which "
                f"needs \"use_1x1conv\": true for the shortcut"
            )
        return (out, _spatial_out(h, 3, stride, 1), _spatial_out(w, 3, stride, 1))
    if kind == "flatten":
        n = 1
        for s in in_shape:
            n *= s
        return (n,)
    if kind == "linear":
        if len(in_shape) != 1:
            raise SpecError(
                f"{where} (linear) needs a flat input but gets {_fmt(in_shape)}; "
                f"add a flatten layer before it"
            )
        if "in_features" in layer and layer["in_features"] != in_shape[0]:
            raise SpecError(
                f"{where}: expects in_features={layer['in_features']} but the previous layer "
                f"gives {_fmt(in_shape)}"
            )
        out = layer.get("out_features")
        if not isinstance(out, int) or out < 1:
            raise SpecError(f"{where}: out_features must be a positive integer, got {out!r}")
        return (out,)
    return in_shape  # bn, activations, dropout keep the shape


def _conv_hw(layer: dict[str, Any], hw: tuple[int, int], in_shape: Shape, where: str,
             default_stride: int | None) -> tuple[int, int]:
    kh, kw = _pair(layer.get("kernel_size"), "kernel_size", where)
    stride = layer.get("stride", default_stride if default_stride is not None else [kh, kw])
    sh, sw = _pair(stride, "stride", where)
    ph, pw = _pair(layer.get("padding", 0), "padding", where)
    dh, dw = _pair(layer.get("dilation", 1), "dilation", where)
    if min(kh, kw, sh, sw, dh, dw) < 1 or min(ph, pw) < 0:
        raise SpecError(f"{where}: kernel, stride and dilation must be ≥ 1 and padding ≥ 0")
    oh = _spatial_out(hw[0], kh, sh, ph, dh)
    ow = _spatial_out(hw[1], kw, sw, pw, dw)
    if oh < 1 or ow < 1:
        raise SpecError(
            f"{where}: a {kh}×{kw} kernel (padding {ph}, dilation {dh}) does not fit its input "
            f"{_fmt(in_shape)}: the output would be {oh}×{ow}"
        )
    return oh, ow


def _squeeze(pair: tuple[int, int]) -> int | tuple[int, int]:
    """``(k, k)`` → ``k``, so square pools print as PyTorch users write them."""
    return pair[0] if pair[0] == pair[1] else pair


def _make_layer(layer: dict[str, Any], in_shape: Shape) -> nn.Module:
    kind = layer["type"]
    if kind == "conv":
        return layers.Conv2d(
            in_shape[0], layer["out_channels"], _pair(layer["kernel_size"], "", ""),
            stride=_pair(layer.get("stride", 1), "", ""),
            padding=_pair(layer.get("padding", 0), "", ""),
            dilation=_pair(layer.get("dilation", 1), "", ""),
            groups=int(layer.get("groups", 1)), bias=bool(layer.get("bias", True)),
            padding_mode=str(layer.get("padding_mode", "zeros")),
        )
    if kind in ("maxpool", "avgpool"):
        kernel = _squeeze(_pair(layer["kernel_size"], "", ""))
        cls = nn.MaxPool2d if kind == "maxpool" else layers.AvgPool2d
        return cls(kernel, stride=_squeeze(_pair(layer.get("stride", kernel), "", "")),
                   padding=_squeeze(_pair(layer.get("padding", 0), "", "")))
    if kind == "adaptive_avgpool":
        return nn.AdaptiveAvgPool2d(_pair(layer.get("output_size", 1), "", ""))
    if kind == "bn":
        return nn.BatchNorm2d(in_shape[0]) if len(in_shape) == 3 else nn.BatchNorm1d(in_shape[0])
    if kind == "dropout":
        return nn.Dropout(float(layer.get("p", 0.5)))
    if kind == "flatten":
        return nn.Flatten()
    if kind == "linear":
        return nn.Linear(in_shape[0], layer["out_features"], bias=bool(layer.get("bias", True)))
    if kind == "residual":
        return ResidualBlock(in_shape[0], int(layer.get("out_channels", in_shape[0])),
                             stride=int(layer.get("stride", 1)),
                             use_1x1conv=bool(layer.get("use_1x1conv", False)))
    return _ACTIVATIONS[kind](layer)


def _walk(spec: dict[str, Any], build: bool) -> tuple[list[OrderedDict[str, nn.Module]], Shape]:
    """Check every layer's shapes in order; optionally build the modules too."""
    if not isinstance(spec, dict):
        raise SpecError(f"a model spec must be a JSON object, got {type(spec).__name__}")
    shape: Shape = tuple(int(s) for s in spec.get("input_shape", (1, 28, 28)))
    counters: dict[str, int] = {}
    parts: list[OrderedDict[str, nn.Module]] = []
    for part in ("features", "classifier"):
        layers = spec.get(part)
        if not isinstance(layers, list) or (part == "classifier" and not layers):
            raise SpecError(f"the spec needs a non-empty list under {part!r}")
        modules: OrderedDict[str, nn.Module] = OrderedDict()
        for index, layer in enumerate(layers):
            if not isinstance(layer, dict) or "type" not in layer:
                raise SpecError(f"{part}[{index}] must be an object with a \"type\"")
            prefix = _PREFIX.get(layer["type"], "layer")
            counters[prefix] = counters.get(prefix, 0) + 1
            name = str(layer.get("name") or f"{prefix}{counters[prefix]}")
            if name in modules:
                raise SpecError(f"{part}: two layers are called {name!r}")
            where = f"{part}.{name}"
            out_shape = layer_output_shape(layer, shape, where)
            if build:
                modules[name] = _make_layer(layer, shape)
            shape = out_shape
        parts.append(modules)
    classes = int(spec.get("num_classes", 10))
    if shape != (classes,):
        raise SpecError(
            f"the classifier must end in {classes} outputs (one per class) but gives {_fmt(shape)}"
        )
    return parts, shape


def validate_spec(spec: dict[str, Any]) -> None:
    """Check a spec without building it. Raises :class:`SpecError` on the first problem."""
    _walk(spec, build=False)


def _init_weights(model: nn.Module, scheme: str) -> None:
    if scheme == "default":
        return
    for module in model.modules():
        if isinstance(module, nn.Conv2d | nn.Linear):
            if scheme == "xavier":
                nn.init.xavier_uniform_(module.weight)
            elif scheme == "kaiming":
                nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
            else:
                raise SpecError(f"unknown init {scheme!r}; use default, xavier or kaiming")
            if module.bias is not None:
                nn.init.zeros_(module.bias)


def build_model(spec: dict[str, Any], seed: int | None = None) -> DigitNet:
    """Build a :class:`DigitNet` from a spec.

    Parameters
    ----------
    spec
        The model spec (see the module docstring). It is copied into ``model.spec``.
    seed
        If given, the weights are initialised from this seed (the global RNG is untouched).

    Raises
    ------
    SpecError
        If the spec is malformed or its shapes do not fit, naming the layer and both shapes.
    """
    spec = copy.deepcopy(spec)
    if seed is None:
        (features, classifier), _ = _walk(spec, build=True)
        model = DigitNet(nn.Sequential(features), nn.Sequential(classifier), spec)
        _init_weights(model, str(spec.get("init", "default")))
        return model
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build_model(spec)


def load_spec_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a JSON spec file.

    Raises
    ------
    SpecError
        If the file cannot be read, is not JSON, or the spec does not fit together.
    """
    path = Path(path)
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise SpecError(f"{path}: not valid JSON ({exc})") from None
    if isinstance(spec, dict):
        spec.setdefault("name", path.stem)
    validate_spec(spec)
    return spec
