"""Check a model spec field by field, and bound its size, before any tensor exists.

:func:`check_spec` is the one gate every spec passes: :func:`cnn_core.models.specs.build_model`,
``--model-spec`` files and checkpoints all go through it. It checks every field's type and
range (known keys only), follows the shapes from the 1×28×28 input to the classifier's output,
and computes from the spec alone what the model would cost:

* at most :data:`MAX_PARAMETERS` (50 million) trainable parameters (200 MB of float32);
* at most :data:`MAX_ACTIVATIONS` (25 million) values in all layer outputs for one image;
* at most :data:`MAX_MACS` (one billion) multiply-adds per image, so the canvas stays fluid.

A problem raises :class:`~.spec_fields.SpecError` whose message starts with the field's
place in the JSON, for example ``classifier[2].p: dropout must be in [0, 1), got 5``. What
each field may hold is :mod:`.spec_fields`'; here are the shapes, the costs and the gate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..runtime.messages import Core
from .layer_costs import layer_cost
from .layer_types import LAYER_TYPES
from .layer_types.base import fmt
from .spec_fields import (
    TOP_LEVEL_FIELDS,
    SpecError,
    check_layer_name,
    check_layer_settings,
    is_int,
    layer_names,
    show_value,
)

__all__ = ["INPUT_SHAPE", "MAX_ACTIVATIONS", "MAX_LAYERS", "MAX_MACS", "MAX_PARAMETERS",
           "PlannedLayer", "SpecPlan", "check_spec", "layer_output_shape"]

Shape = tuple[int, ...]

MAX_PARAMETERS = 50_000_000
MAX_ACTIVATIONS = 25_000_000
MAX_MACS = 1_000_000_000
MAX_LAYERS = 256  # per part
INPUT_SHAPE: Shape = (1, 28, 28)  # what the canvas, the datasets and the predictor give


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


_fmt = fmt


def layer_output_shape(layer: dict[str, Any], in_shape: Shape, where: str = "layer") -> Shape:
    """The output shape (without batch) of one spec layer for a given input shape.

    Raises
    ------
    SpecError
        If a setting is wrong or the layer cannot take that input; the message names the
        layer and both shapes.
    """
    if not isinstance(layer, dict):
        raise SpecError(Core.tr("{where}: a layer must be an object, got {value}",
                                where=where, value=show_value(layer)))
    kind, settings = check_layer_settings(layer, where)
    return _out_shape(kind, settings, in_shape, where, where)


def _out_shape(kind: str, s: dict[str, Any], in_shape: Shape, where: str, label: str) -> Shape:
    """``where`` is the layer's place in the JSON (for its fields), ``label`` adds its name."""
    layer_type = LAYER_TYPES[kind]
    if layer_type.spatial and len(in_shape) != 3:
        raise SpecError(Core.tr("{label} ({kind}) needs a C×H×W input but gets a flat vector "
                                "of shape {shape}", label=label, kind=kind, shape=_fmt(in_shape)))
    return layer_type.out_shape(s, in_shape, where, label)


# ----------------------------------------------------------------------------- the spec


def _top_level(spec: Any, root: str) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise SpecError(Core.tr("{where}: a model spec must be a JSON object, got {value}",
                                where=root.rstrip(".") or "spec", value=show_value(spec)))
    known = (*TOP_LEVEL_FIELDS, "input_shape", "features", "classifier")
    for key, value in spec.items():
        if key not in known:
            raise SpecError(Core.tr("{where}: not a spec setting (known: {known})",
                                    where=f"{root}{key}", known=", ".join(known)))
        if key in TOP_LEVEL_FIELDS:
            TOP_LEVEL_FIELDS[key](value, f"{root}{key}")
    shape = spec.get("input_shape", list(INPUT_SHAPE))
    if not isinstance(shape, list | tuple) or tuple(shape) != INPUT_SHAPE or not all(
            is_int(v) for v in shape):
        raise SpecError(Core.tr("{where}: DigitLab models take {shape} images ([1, 28, 28]), "
                                "got {value}", where=f"{root}input_shape",
                                shape=_fmt(INPUT_SHAPE), value=show_value(shape)))
    for part in ("features", "classifier"):
        layers = spec.get(part)
        if not isinstance(layers, list) or (part == "classifier" and not layers):
            fields = {"where": f"{root}{part}", "value": show_value(layers)}
            raise SpecError(
                Core.tr("{where}: the spec needs a non-empty list of layers, got {value}",
                        **fields) if part == "classifier" else
                Core.tr("{where}: the spec needs a list of layers, got {value}", **fields))
        if len(layers) > MAX_LAYERS:
            raise SpecError(Core.tr("{where}: at most {limit} layers, got {n}",
                                    where=f"{root}{part}", limit=MAX_LAYERS, n=len(layers)))
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
                raise SpecError(Core.tr("{where}: a layer must be an object with a \"type\", "
                                        "got {value}", where=where, value=show_value(layer)))
            kind, settings = check_layer_settings(layer, where)
            name = (check_layer_name(layer["name"], f"{where}.name") if "name" in layer
                    else automatic[index])
            if name in names:
                raise SpecError(Core.tr("{where}: two layers of {part} are called {name!r}",
                                        where=f"{where}.name", part=part, name=name))
            names.add(name)
            label = f"{where} ({part}.{name})"
            resolve = LAYER_TYPES[kind].resolve
            if resolve is not None:  # a layer that refers to an earlier one (shared)
                settings = resolve(settings, planned, where)
            out = _out_shape(kind, settings, shape, where, label)
            cost = layer_cost(kind, settings, shape, out)
            params, macs = params + cost.params, macs + cost.macs
            activations += cost.activations
            _within_limits(params, macs, activations, label)
            planned.append(PlannedLayer(part, name, kind, settings, shape, out))
            shape = out
    classes = spec.get("num_classes", 10)
    if shape != (classes,):
        raise SpecError(Core.tr("{where}: must end in {classes} outputs (one per class, "
                                "num_classes) but gives {shape}", where=f"{root}classifier",
                                classes=classes, shape=_fmt(shape)))
    return SpecPlan(planned, params, activations, macs)


def _within_limits(params: int, macs: int, activations: int, where: str) -> None:
    if params > MAX_PARAMETERS:
        raise SpecError(Core.tr("{where}: the model would have {params:,} parameters by here; "
                                "DigitLab models have at most {limit:,}", where=where,
                                params=params, limit=MAX_PARAMETERS))
    if activations > MAX_ACTIVATIONS:
        raise SpecError(Core.tr("{where}: the layer outputs would hold {values:,} values per "
                                "28×28 image by here; at most {limit:,} are allowed",
                                where=where, values=activations, limit=MAX_ACTIVATIONS))
    if macs > MAX_MACS:
        raise SpecError(Core.tr("{where}: the model would need {macs:,} multiply-adds per image "
                                "by here; at most {limit:,} are allowed", where=where, macs=macs,
                                limit=MAX_MACS))
