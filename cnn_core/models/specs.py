"""Declarative model specs: a JSON-able dict of layers that builds a :class:`DigitNet`.

A spec looks like::

    {"name": "lenet5", "input_shape": [1, 28, 28], "num_classes": 10, "init": "xavier",
     "features": [{"type": "conv", "out_channels": 6, "kernel_size": 5, "padding": 2},
                  {"type": "sigmoid"}, {"type": "avgpool", "kernel_size": 2}, ...],
     "classifier": [{"type": "flatten"}, {"type": "linear", "out_features": 120}, ...]}

Layer parameters use PyTorch's own names. ``in_channels`` / ``in_features`` may be omitted
(they are inferred); when given they are checked. A layer may carry a ``"name"``; otherwise it
is named after its type and position (``conv1``, ``pool2``, ``fc3``).

A GoogLeNet block is ``{"type": "inception", "c1": 64, "c2": [96, 128], "c3": [16, 32],
"c4": 32}`` (see :class:`cnn_core.models.network.InceptionBlock`). The spec's ``"init"``
(``default``, ``xavier``, ``kaiming`` or ``normal``; see :func:`init_weights`) applies to every
layer; a conv, linear, residual or inception layer may override it with its own ``"init"``.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .layer_types import LAYER_TYPES
from .network import DigitNet
from .spec_fields import INITS, SpecError
from .spec_validation import PlannedLayer, SpecPlan, check_spec, layer_output_shape

__all__ = ["LAYER_TYPES", "SpecError", "build_model", "init_weights", "layer_output_shape",
           "load_spec_file", "validate_spec"]

MAX_SPEC_FILE_BYTES = 1024 * 1024  # a spec is a few KB; anything this large is not one

def _make_layer(layer: PlannedLayer) -> nn.Module:
    """The module for one checked layer (its settings are validated and normalised)."""
    return LAYER_TYPES[layer.kind].build(layer.settings, layer.in_shape)


def validate_spec(spec: dict[str, Any]) -> SpecPlan:
    """Check a spec without building it and return what it would build.

    Every field is checked (types, ranges, known keys), the shapes are followed from the
    1×28×28 input to the classifier, and the model's size is bounded (at most
    50 million parameters, 25 million activation values and 10⁹ multiply-adds per image; see
    :mod:`cnn_core.models.spec_validation`).

    Raises
    ------
    SpecError
        On the first problem, naming the field (``features[0].kernel_size: ...``).
    """
    return check_spec(spec)


def init_weights(module: nn.Module, scheme: str) -> None:
    """Re-initialise every Conv2d and Linear inside ``module`` (itself included) in place.

    ``scheme`` is a spec's ``"init"``:

    * ``"default"``: PyTorch's own initialisation is kept (weights and biases uniform in
      ±1/√fan_in);
    * ``"xavier"``: weights Xavier-uniform (Glorot), biases left at PyTorch's default, as the
      tutorials' LeNet does (``nn.init.xavier_uniform_`` on the weights only);
    * ``"kaiming"``: weights He-normal for ReLU (std √(2/fan_in)), biases zero;
    * ``"normal"``: weights N(0, 0.01²), biases zero, as the tutorials' ``init_normal``.

    BatchNorm layers keep their γ = 1, β = 0. The draws come from the global RNG (the
    caller seeds it, see :func:`build_model`).
    """
    if scheme not in INITS:
        raise SpecError(f"unknown init {scheme!r}; use {', '.join(INITS)}")
    if scheme == "default":
        return
    for m in module.modules():
        if not isinstance(m, nn.Conv2d | nn.Linear):
            continue
        if m.weight.is_meta:
            # Shapes only (a checkpoint being loaded): there is nothing to draw, and PyTorch's
            # meta normal_ imports torch._dynamo, 2-6 s of the GUI's first prediction.
            continue
        if scheme == "xavier":
            nn.init.xavier_uniform_(m.weight)
            continue  # the bias keeps PyTorch's default, as in the tutorials
        if scheme == "kaiming":
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        else:
            nn.init.normal_(m.weight, mean=0.0, std=0.01)
        if m.bias is not None:
            nn.init.zeros_(m.bias)


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
        If a field is wrong, the shapes do not fit or the model is too large (see
        :func:`validate_spec`); nothing is allocated then.
    """
    plan = check_spec(spec)  # before the copy: a spec too deeply nested to copy is refused
    spec = copy.deepcopy(spec)
    if seed is None:
        parts: dict[str, OrderedDict[str, nn.Module]] = {"features": OrderedDict(),
                                                        "classifier": OrderedDict()}
        for layer in plan.layers:
            parts[layer.part][layer.name] = _make_layer(layer)
        for layer in plan.layers:  # a shared layer runs an earlier one with its weights
            if LAYER_TYPES[layer.kind].tied:
                part, name = layer.settings["of"].split(".")
                parts[layer.part][layer.name].tie(parts[part][name])
        model = DigitNet(nn.Sequential(parts["features"]), nn.Sequential(parts["classifier"]),
                         spec)
        default = spec.get("init", "default")
        for layer in plan.layers:  # in model order, so a seed gives the same weights as ever
            init_weights(parts[layer.part][layer.name], layer.settings.get("init", default))
        return model
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build_model(spec)


def load_spec_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a JSON spec file.

    Raises
    ------
    SpecError
        If the file cannot be read, is larger than 1 MB, is not JSON, or the spec is invalid
        (see :func:`validate_spec`); the message starts with the path, then the field.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_SPEC_FILE_BYTES:
            raise SpecError(f"{path}: too large for a model spec (over "
                            f"{MAX_SPEC_FILE_BYTES // 1024:,} KB)")
        spec = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read ({exc})") from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise SpecError(f"{path}: not valid JSON ({exc})") from None
    if isinstance(spec, dict) and "name" not in spec:
        spec["name"] = path.stem[:100]
    try:
        validate_spec(spec)
    except SpecError as exc:
        raise SpecError(f"{path}: {exc}") from None
    return spec
