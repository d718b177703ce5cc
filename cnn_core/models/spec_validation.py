"""Check a model spec field by field, and bound its size, before any tensor exists.

:func:`check_spec` is the one gate every spec passes: :func:`cnn_core.models.specs.build_model`,
``--model-spec`` files and checkpoints all go through it. It checks every field's type and
range (known keys only), follows the shapes from the 1×28×28 input to the classifier's output,
and computes from the spec alone what the model would cost:

* at most :data:`MAX_PARAMETERS` (50 million) trainable parameters (200 MB of float32);
* at most :data:`MAX_ACTIVATIONS` (25 million) values in all layer outputs for one image;
* at most :data:`MAX_MACS` (one billion) multiply-adds per image, so the canvas stays fluid.

A problem raises :class:`SpecError` whose message starts with the field's place in the JSON,
for example ``classifier[2].p: dropout must be in [0, 1), got 5``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .layer_costs import layer_cost

__all__ = ["INITS", "INPUT_SHAPE", "LAYER_TYPES", "MAX_ACTIVATIONS", "MAX_CLASSES", "MAX_MACS",
           "MAX_PARAMETERS", "PlannedLayer", "SpecError", "SpecPlan", "check_spec",
           "layer_names", "layer_output_shape"]

Shape = tuple[int, ...]

MAX_PARAMETERS = 50_000_000
MAX_ACTIVATIONS = 25_000_000
MAX_MACS = 1_000_000_000
MAX_CLASSES = 1000
MAX_LAYERS = 256  # per part
INPUT_SHAPE: Shape = (1, 28, 28)  # what the canvas, the datasets and the predictor give
INITS = ("default", "xavier", "kaiming", "normal")  # see cnn_core.models.specs.init_weights
_MAX_WIDTH = 65_536  # channels or features of one layer
_MAX_WINDOW = 1024  # kernel size, stride, padding, dilation, pool output size
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\Z")
# attributes of nn.Sequential that a child module may not shadow (add_module refuses them)
_RESERVED = frozenset({"training", "forward", "T_destination", "dump_patches", "call_super_init"})

# layer type -> prefix of the automatic name
PREFIX = {
    "conv": "conv", "bn": "bn", "maxpool": "pool", "avgpool": "pool", "adaptive_avgpool": "gap",
    "relu": "relu", "leaky_relu": "lrelu", "elu": "elu", "sigmoid": "sigmoid", "tanh": "tanh",
    "dropout": "dropout", "flatten": "flatten", "linear": "fc", "residual": "res",
    "inception": "inception",
}
LAYER_TYPES: tuple[str, ...] = tuple(PREFIX)


class SpecError(ValueError):
    """A model spec is malformed, its shapes do not fit together, or it is too large."""


# ----------------------------------------------------------------------------- field checks

Check = Callable[[Any, str], Any]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _integer(lo: int, hi: int) -> Check:
    def check(value: Any, where: str) -> int:
        if not _is_int(value) or not lo <= value <= hi:
            raise SpecError(f"{where}: must be an integer from {lo:,} to {hi:,}, got "
                            f"{_show(value)}")
        return int(value)
    return check


def _pair(lo: int, hi: int) -> Check:
    def check(value: Any, where: str) -> tuple[int, int]:
        if _is_int(value):
            value = [value, value]
        if (not isinstance(value, list | tuple) or len(value) != 2
                or not all(_is_int(v) and lo <= v <= hi for v in value)):
            raise SpecError(f"{where}: must be an integer or a pair of integers from {lo:,} to "
                            f"{hi:,}, got {_show(value)}")
        return int(value[0]), int(value[1])
    return check


def _number(lo: float, hi: float, what: str, hi_open: bool = False) -> Check:
    def check(value: Any, where: str) -> float:
        ok = (isinstance(value, int | float) and not isinstance(value, bool)
              and (isinstance(value, int) or math.isfinite(value))  # a huge int: no float()
              and lo <= value and (value < hi if hi_open else value <= hi))
        if not ok:
            bracket = ")" if hi_open else "]"
            raise SpecError(f"{where}: {what} must be in [{lo:g}, {hi:g}{bracket}, got "
                            f"{_show(value)}")
        return float(value)
    return check


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise SpecError(f"{where}: must be true or false, got {_show(value)}")
    return value


def _choice(*options: str) -> Check:
    def check(value: Any, where: str) -> str:
        if value not in options or not isinstance(value, str):
            raise SpecError(f"{where}: must be one of {', '.join(options)}, got {_show(value)}")
        return value
    return check


def _channel_pair(value: Any, where: str) -> tuple[int, int]:
    """``[reduce, out]`` channels of an Inception path: exactly two integers."""
    if (not isinstance(value, list | tuple) or len(value) != 2
            or not all(_is_int(v) and 1 <= v <= _MAX_WIDTH for v in value)):
        raise SpecError(f"{where}: must be a pair [1×1 channels, output channels] of integers "
                        f"from 1 to {_MAX_WIDTH:,}, got {_show(value)}")
    return int(value[0]), int(value[1])


def _text(limit: int) -> Check:
    def check(value: Any, where: str) -> str:
        if not isinstance(value, str) or len(value) > limit:
            raise SpecError(f"{where}: must be a string of at most {limit} characters, got "
                            f"{_show(value)}")
        return value
    return check


def layer_names(layers: Any) -> list[str]:
    """The module names of one part's layers, in order, checking nothing.

    A layer is called by its own ``"name"``; otherwise by its type's prefix and its rank among
    the part's layers with that prefix (``conv1``, ``pool2``, ``fc3``), named layers counted
    too. Names are unique within a part only: ``features.relu1`` and ``classifier.relu1`` are
    two modules. An unknown type counts under its own name; a layer that is not an object
    under ``"?"``.
    """
    counters: dict[str, int] = {}
    names = []
    for layer in layers if isinstance(layers, list) else []:
        kind = str(layer.get("type")) if isinstance(layer, dict) else "?"
        prefix = PREFIX.get(kind, kind)
        counters[prefix] = counters.get(prefix, 0) + 1
        given = layer.get("name") if isinstance(layer, dict) else None
        names.append(str(given) if given is not None else f"{prefix}{counters[prefix]}")
    return names


def _layer_name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value) or value in _RESERVED:
        raise SpecError(f"{where}: a layer name is a letter or _ then up to 63 letters, digits "
                        f"or _ (and not {', '.join(sorted(_RESERVED))}), got {_show(value)}")
    return value


def _show(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an integer with more digits than Python will print
        return "a huge integer"
    except RecursionError:
        return "a deeply nested value"
    return text if len(text) <= 40 else text[:37] + "…"


_SIZE = _integer(1, _MAX_WIDTH)
_WINDOW = _pair(1, _MAX_WINDOW)
_PADDING = _pair(0, _MAX_WINDOW)
_INIT = _choice(*INITS)

# For each layer type: its settings and their checks (``name`` and ``type`` are common).
_SETTINGS: dict[str, dict[str, Check]] = {
    "conv": {"out_channels": _SIZE, "in_channels": _SIZE, "kernel_size": _WINDOW,
             "stride": _WINDOW, "padding": _PADDING, "dilation": _WINDOW,
             "groups": _SIZE, "bias": _boolean,
             "padding_mode": _choice("zeros", "reflect", "replicate", "circular"),
             "init": _INIT},
    "maxpool": {"kernel_size": _WINDOW, "stride": _WINDOW, "padding": _PADDING},
    "avgpool": {"kernel_size": _WINDOW, "stride": _WINDOW, "padding": _PADDING},
    "adaptive_avgpool": {"output_size": _WINDOW},
    "bn": {}, "relu": {}, "sigmoid": {}, "tanh": {}, "flatten": {},
    "leaky_relu": {"negative_slope": _number(-10, 10, "negative_slope")},
    "elu": {"alpha": _number(0, 10, "alpha")},
    "dropout": {"p": _number(0, 1, "dropout", hi_open=True)},
    "linear": {"out_features": _SIZE, "in_features": _SIZE, "bias": _boolean, "init": _INIT},
    "residual": {"out_channels": _SIZE, "stride": _integer(1, _MAX_WINDOW),
                 "use_1x1conv": _boolean, "init": _INIT},
    "inception": {"c1": _SIZE, "c2": _channel_pair, "c3": _channel_pair, "c4": _SIZE,
                  "init": _INIT},
}
_REQUIRED = {"conv": ("out_channels", "kernel_size"), "maxpool": ("kernel_size",),
             "avgpool": ("kernel_size",), "linear": ("out_features",),
             "inception": ("c1", "c2", "c3", "c4")}

_TOP: dict[str, Check] = {
    "name": _text(100), "summary": _text(1000), "description": _text(10_000),
    "num_classes": _integer(2, MAX_CLASSES), "init": _choice(*INITS),
}


# ----------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlannedLayer:
    """One checked layer: where it sits, its checked settings and its input shape."""

    part: str  # "features" or "classifier"
    name: str  # module name inside its part (conv1, fc2, ...)
    kind: str  # layer type
    settings: dict[str, Any]  # the checked settings, pairs as tuples
    in_shape: Shape
    out_shape: Shape


@dataclass(frozen=True)
class SpecPlan:
    """What :func:`check_spec` found: the layers in order and the model's cost per image."""

    layers: list[PlannedLayer] = field(default_factory=list)
    params: int = 0  # trainable parameters
    activations: int = 0  # values in all layer outputs for one image
    macs: int = 0  # multiply-adds for one image


def _fmt(shape: Shape) -> str:
    return "×".join(str(s) for s in shape)


def _spatial_out(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """(N + 2P − D·(F−1) − 1) / S + 1, floored: PyTorch's output-size rule."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _settings(layer: dict[str, Any], where: str) -> tuple[str, dict[str, Any]]:
    kind = layer.get("type")
    if not isinstance(kind, str) or kind not in _SETTINGS:
        raise SpecError(f"{where}.type: unknown layer type {_show(kind)}; known: "
                        f"{', '.join(LAYER_TYPES)}")
    checks = _SETTINGS[kind]
    settings: dict[str, Any] = {}
    for key, value in layer.items():
        if key in ("type", "name"):
            continue
        if key not in checks:
            known = ", ".join(["name", *checks]) if checks else "name"
            raise SpecError(f"{where}.{key}: not a setting of {_a(kind)} layer (it takes {known})")
        settings[key] = checks[key](value, f"{where}.{key}")
    for key in _REQUIRED.get(kind, ()):
        if key not in settings:
            raise SpecError(f"{where}.{key}: {_a(kind)} layer needs it")
    return kind, settings


def _a(kind: str) -> str:
    """``"a conv"``, ``"an inception"``."""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def layer_output_shape(layer: dict[str, Any], in_shape: Shape, where: str = "layer") -> Shape:
    """The output shape (without batch) of one spec layer for a given input shape.

    Raises
    ------
    SpecError
        If a setting is wrong or the layer cannot take that input; the message names the
        layer and both shapes.
    """
    if not isinstance(layer, dict):
        raise SpecError(f"{where}: a layer must be an object, got {_show(layer)}")
    kind, settings = _settings(layer, where)
    return _out_shape(kind, settings, in_shape, where, where)


def _out_shape(kind: str, s: dict[str, Any], in_shape: Shape, where: str, label: str) -> Shape:
    """``where`` is the layer's place in the JSON (for its fields), ``label`` adds its name."""
    spatial = ("conv", "maxpool", "avgpool", "adaptive_avgpool", "residual", "inception")
    if kind in spatial and len(in_shape) != 3:
        raise SpecError(f"{label} ({kind}) needs a C×H×W input but gets a flat vector of shape "
                        f"{_fmt(in_shape)}")
    if kind == "conv":
        return _conv_shape(s, in_shape, where, label)
    if kind in ("maxpool", "avgpool"):
        kernel = s["kernel_size"]
        padding = s.get("padding", (0, 0))
        if any(2 * p > k for p, k in zip(padding, kernel, strict=True)):
            raise SpecError(f"{where}.padding: at most half the kernel size {_fmt(kernel)}, got "
                            f"{_fmt(padding)}")
        return (in_shape[0], *_window_out(kernel, s.get("stride", kernel), padding, (1, 1),
                                          in_shape, label))
    if kind == "adaptive_avgpool":
        return (in_shape[0], *s.get("output_size", (1, 1)))
    if kind == "residual":
        c, h, w = in_shape
        out, stride = s.get("out_channels", c), s.get("stride", 1)
        if (out != c or stride != 1) and not s.get("use_1x1conv", False):
            raise SpecError(f"{label}: changes {_fmt(in_shape)} to {out} channels / stride "
                            f"{stride}, which needs \"use_1x1conv\": true for the shortcut")
        return (out, _spatial_out(h, 3, stride, 1), _spatial_out(w, 3, stride, 1))
    if kind == "inception":
        return (s["c1"] + s["c2"][1] + s["c3"][1] + s["c4"], *in_shape[1:])
    if kind == "flatten":
        return (math.prod(in_shape),)
    if kind == "linear":
        if len(in_shape) != 1:
            raise SpecError(f"{label} (linear) needs a flat input but gets {_fmt(in_shape)}; "
                            f"add a flatten layer before it")
        if s.get("in_features", in_shape[0]) != in_shape[0]:
            raise SpecError(f"{label}: expects in_features={s['in_features']} but the previous "
                            f"layer gives {_fmt(in_shape)}")
        return (s["out_features"],)
    return in_shape  # bn, activations, dropout keep the shape


def _conv_shape(s: dict[str, Any], in_shape: Shape, where: str, label: str) -> Shape:
    c, h, w = in_shape
    if s.get("in_channels", c) != c:
        raise SpecError(f"{label}: expects {s['in_channels']} input channels but the previous "
                        f"layer gives {_fmt(in_shape)}")
    out, groups = s["out_channels"], s.get("groups", 1)
    if c % groups or out % groups:
        raise SpecError(f"{where}.groups: groups={groups} must divide both in_channels={c} and "
                        f"out_channels={out}")
    padding = s.get("padding", (0, 0))
    mode = s.get("padding_mode", "zeros")
    if mode == "reflect" and (padding[0] >= h or padding[1] >= w):
        raise SpecError(f"{where}.padding: reflect padding must be smaller than the input "
                        f"{_fmt(in_shape)}, got {_fmt(padding)}")
    if mode == "circular" and (padding[0] > h or padding[1] > w):
        raise SpecError(f"{where}.padding: circular padding cannot exceed the input "
                        f"{_fmt(in_shape)}, got {_fmt(padding)}")
    return (out, *_window_out(s["kernel_size"], s.get("stride", (1, 1)), padding,
                              s.get("dilation", (1, 1)), in_shape, label))


def _window_out(kernel: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int],
                dilation: tuple[int, int], in_shape: Shape, where: str) -> tuple[int, int]:
    oh = _spatial_out(in_shape[1], kernel[0], stride[0], padding[0], dilation[0])
    ow = _spatial_out(in_shape[2], kernel[1], stride[1], padding[1], dilation[1])
    if oh < 1 or ow < 1:
        raise SpecError(f"{where}: a {_fmt(kernel)} kernel (padding {_fmt(padding)}, dilation "
                        f"{_fmt(dilation)}) does not fit its input {_fmt(in_shape)}: the output "
                        f"would be {oh}×{ow}")
    return oh, ow


# ----------------------------------------------------------------------------- the spec


def _top_level(spec: Any, root: str) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise SpecError(f"{root.rstrip('.') or 'spec'}: a model spec must be a JSON object, got "
                        f"{_show(spec)}")
    known = (*_TOP, "input_shape", "features", "classifier")
    for key, value in spec.items():
        if key not in known:
            raise SpecError(f"{root}{key}: not a spec setting (known: {', '.join(known)})")
        if key in _TOP:
            _TOP[key](value, f"{root}{key}")
    shape = spec.get("input_shape", list(INPUT_SHAPE))
    if not isinstance(shape, list | tuple) or tuple(shape) != INPUT_SHAPE or not all(
            _is_int(v) for v in shape):
        raise SpecError(f"{root}input_shape: DigitLab models take {_fmt(INPUT_SHAPE)} images "
                        f"([1, 28, 28]), got {_show(shape)}")
    for part in ("features", "classifier"):
        layers = spec.get(part)
        if not isinstance(layers, list) or (part == "classifier" and not layers):
            raise SpecError(f"{root}{part}: the spec needs a{' non-empty' * (part == 'classifier')}"
                            f" list of layers, got {_show(layers)}")
        if len(layers) > MAX_LAYERS:
            raise SpecError(f"{root}{part}: at most {MAX_LAYERS} layers, got {len(layers)}")
    return spec


def check_spec(spec: Any, root: str = "") -> SpecPlan:
    """Check every field of a spec, follow its shapes and bound its size; build nothing.

    Parameters
    ----------
    spec
        The parsed JSON spec (see :mod:`cnn_core.models.specs`).
    root
        Prefix of the field names in messages, e.g. ``"spec."`` inside a checkpoint.

    Raises
    ------
    SpecError
        On the first problem, naming the field (``classifier[2].p: ...``), the layer and the
        shapes involved, or the limit exceeded.
    """
    spec = _top_level(spec, root)
    shape: Shape = INPUT_SHAPE
    planned: list[PlannedLayer] = []
    params = macs = 0
    activations = math.prod(shape)
    for part in ("features", "classifier"):
        automatic = layer_names(spec[part])
        names: set[str] = set()
        for index, layer in enumerate(spec[part]):
            where = f"{root}{part}[{index}]"
            if not isinstance(layer, dict):
                raise SpecError(f"{where}: a layer must be an object with a \"type\", got "
                                f"{_show(layer)}")
            kind, settings = _settings(layer, where)
            name = (_layer_name(layer["name"], f"{where}.name") if "name" in layer
                    else automatic[index])
            if name in names:
                raise SpecError(f"{where}.name: two layers of {part} are called {name!r}")
            names.add(name)
            label = f"{where} ({part}.{name})"
            out = _out_shape(kind, settings, shape, where, label)
            cost = layer_cost(kind, settings, shape, out)
            params, macs = params + cost.params, macs + cost.macs
            activations += cost.activations
            _within_limits(params, macs, activations, label)
            planned.append(PlannedLayer(part, name, kind, settings, shape, out))
            shape = out
    classes = spec.get("num_classes", 10)
    if shape != (classes,):
        raise SpecError(f"{root}classifier: must end in {classes} outputs (one per class, "
                        f"num_classes) but gives {_fmt(shape)}")
    return SpecPlan(planned, params, activations, macs)


def _within_limits(params: int, macs: int, activations: int, where: str) -> None:
    if params > MAX_PARAMETERS:
        raise SpecError(f"{where}: the model would have {params:,} parameters by here; "
                        f"DigitLab models have at most {MAX_PARAMETERS:,}")
    if activations > MAX_ACTIVATIONS:
        raise SpecError(f"{where}: the layer outputs would hold {activations:,} values per "
                        f"28×28 image by here; at most {MAX_ACTIVATIONS:,} are allowed")
    if macs > MAX_MACS:
        raise SpecError(f"{where}: the model would need {macs:,} multiply-adds per image by "
                        f"here; at most {MAX_MACS:,} are allowed")
