"""What a model spec may say, field by field: each layer type's settings and their ranges.

:func:`check_layer_settings` checks one layer's fields (known keys only, each of the right
type and range, the required ones present); :data:`TOP_LEVEL_FIELDS` does the same for the
spec's own fields. Shapes, sizes and costs are :mod:`.spec_validation`'s.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

__all__ = ["INITS", "LAYER_TYPES", "MAX_CLASSES", "PREFIX", "TOP_LEVEL_FIELDS", "Check",
           "SpecError", "check_layer_name", "check_layer_settings", "is_int", "layer_names",
           "show_value"]

MAX_CLASSES = 1000
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


def is_int(value: Any) -> bool:
    """Whether ``value`` is an int that JSON would write as one (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _integer(lo: int, hi: int) -> Check:
    def check(value: Any, where: str) -> int:
        if not is_int(value) or not lo <= value <= hi:
            raise SpecError(f"{where}: must be an integer from {lo:,} to {hi:,}, got "
                            f"{show_value(value)}")
        return int(value)
    return check


def _pair(lo: int, hi: int) -> Check:
    def check(value: Any, where: str) -> tuple[int, int]:
        if is_int(value):
            value = [value, value]
        if (not isinstance(value, list | tuple) or len(value) != 2
                or not all(is_int(v) and lo <= v <= hi for v in value)):
            raise SpecError(f"{where}: must be an integer or a pair of integers from {lo:,} to "
                            f"{hi:,}, got {show_value(value)}")
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
                            f"{show_value(value)}")
        return float(value)
    return check


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise SpecError(f"{where}: must be true or false, got {show_value(value)}")
    return value


def _choice(*options: str) -> Check:
    def check(value: Any, where: str) -> str:
        if value not in options or not isinstance(value, str):
            raise SpecError(f"{where}: must be one of {', '.join(options)}, "
                            f"got {show_value(value)}")
        return value
    return check


def _channel_pair(value: Any, where: str) -> tuple[int, int]:
    """``[reduce, out]`` channels of an Inception path: exactly two integers."""
    if (not isinstance(value, list | tuple) or len(value) != 2
            or not all(is_int(v) and 1 <= v <= _MAX_WIDTH for v in value)):
        raise SpecError(f"{where}: must be a pair [1×1 channels, output channels] of integers "
                        f"from 1 to {_MAX_WIDTH:,}, got {show_value(value)}")
    return int(value[0]), int(value[1])


def _text(limit: int) -> Check:
    def check(value: Any, where: str) -> str:
        if not isinstance(value, str) or len(value) > limit:
            raise SpecError(f"{where}: must be a string of at most {limit} characters, got "
                            f"{show_value(value)}")
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


def check_layer_name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value) or value in _RESERVED:
        raise SpecError(f"{where}: a layer name is a letter or _ then up to 63 letters, digits "
                        f"or _ (and not {', '.join(sorted(_RESERVED))}), got {show_value(value)}")
    return value


def show_value(value: Any) -> str:
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

TOP_LEVEL_FIELDS: dict[str, Check] = {
    "name": _text(100), "summary": _text(1000), "description": _text(10_000),
    "num_classes": _integer(2, MAX_CLASSES), "init": _choice(*INITS),
}



def check_layer_settings(layer: dict[str, Any], where: str) -> tuple[str, dict[str, Any]]:
    kind = layer.get("type")
    if not isinstance(kind, str) or kind not in _SETTINGS:
        raise SpecError(f"{where}.type: unknown layer type {show_value(kind)}; known: "
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
