"""A model spec as a table: each layer's output shape, parameters, multiply-adds and
receptive field, with totals — what the architecture builder shows and ``digitlab models``
summarises.

Conventions
-----------
* **MACs** are multiply-adds for one 28×28 image; one MAC is two FLOPs (a multiply and an
  add). Convolutions count ``C_in/groups × kh × kw`` per output value, linear layers
  ``in × out`` (inside residual and Inception blocks too). Pooling, BatchNorm, activations,
  dropout and flatten count none: the one convention
  (:data:`cnn_core.models.layer_costs.MAC_CONVENTION`) of the spec limits, exported code and
  ``digitlab models``.
* **Parameters** are the trainable ones (BatchNorm's running statistics are buffers); the
  total equals ``sum(p.numel() for p in build_model(spec).parameters())``.
* **Receptive field** is the standard recurrence of
  :func:`cnn_core.models.receptive_field.field_step` (where DigitLab's receptive fields are
  worked out), not clipped to the 28×28 input. After a linear layer every output sees the
  whole image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .layer_costs import layer_cost
from .layer_types import LAYER_TYPES
from .receptive_field import field_step
from .spec_fields import SpecError, layer_names
from .spec_validation import INPUT_SHAPE, PlannedLayer, layer_output_shape
from .specs import validate_spec

__all__ = ["LayerRow", "LayerTable", "error_location", "layer_table", "module_names",
           "normalise_spec", "partial_layer_table"]

Shape = tuple[int, ...]
Pair = tuple[int, int]

_DERIVED = ("in_channels", "in_features")
_LOCATION = re.compile(r"^(?:[\w.]*?\.)?(features|classifier)\[(\d+)\]")


@dataclass(frozen=True)
class LayerRow:
    """One layer of the table."""

    part: str  # "features" or "classifier"
    index: int  # position inside its part
    name: str  # module name (conv1, pool2, fc3, …)
    kind: str  # spec layer type
    in_shape: Shape
    out_shape: Shape
    params: int  # trainable parameters
    macs: int  # multiply-adds for one image (1 MAC = 2 FLOPs)
    receptive_field: Pair  # input pixels one output value sees (height, width)
    jump: Pair  # input pixels between neighbouring outputs (height, width)


@dataclass(frozen=True)
class LayerTable:
    """The rows of a spec in order, and its totals."""

    rows: list[LayerRow] = field(default_factory=list)
    input_shape: Shape = INPUT_SHAPE

    @property
    def params(self) -> int:
        """Trainable parameters of the whole model."""
        return sum(r.params for r in self.rows)

    @property
    def macs(self) -> int:
        """Multiply-adds for one image (one MAC = two FLOPs)."""
        return sum(r.macs for r in self.rows)

    @property
    def output_shape(self) -> Shape:
        """The last layer's output shape (the input's for an empty table)."""
        return self.rows[-1].out_shape if self.rows else self.input_shape


# ----------------------------------------------------------------------------- per layer


def _rows(layers: list[PlannedLayer]) -> list[LayerRow]:
    image: Pair = (INPUT_SHAPE[1], INPUT_SHAPE[2])
    rf: Pair = (1, 1)
    jump: Pair = (1, 1)
    rows = []
    counts = {"features": 0, "classifier": 0}
    for layer in layers:
        cost = layer_cost(layer.kind, layer.settings, layer.in_shape, layer.out_shape)
        params, macs = cost.params, cost.macs
        rf, jump = field_step(layer.kind, layer.settings, layer.in_shape, rf, jump, image)
        rows.append(LayerRow(layer.part, counts[layer.part], layer.name, layer.kind,
                             layer.in_shape, layer.out_shape, params, macs, rf, jump))
        counts[layer.part] += 1
    return rows


# ----------------------------------------------------------------------------- public API


def layer_table(spec: dict[str, Any]) -> LayerTable:
    """The table of a valid spec: one row per layer, features then classifier.

    Raises
    ------
    SpecError
        If the spec is invalid (from :func:`cnn_core.models.specs.validate_spec`: the message names
        the field, e.g. ``features[3].kernel_size: ...``).
    """
    return LayerTable(_rows(validate_spec(spec).layers))


def partial_layer_table(spec: dict[str, Any]) -> tuple[LayerTable, SpecError | None]:
    """The table as far as the spec is valid, and the first problem (``None`` if none).

    For a stack under construction: the rows before the layer that breaks it keep their
    figures. Raises nothing for a spec that is a dict with ``features`` / ``classifier`` lists
    (anything else gives an empty table and the error).
    """
    try:
        return layer_table(spec), None
    except SpecError as exc:
        error = exc
    stop = error_location(str(error))
    planned: list[PlannedLayer] = []
    shape: Shape = INPUT_SHAPE
    for part in ("features", "classifier"):
        layers = spec.get(part) if isinstance(spec, dict) else None
        names = layer_names(layers)
        for index, layer in enumerate(layers if isinstance(layers, list) else []):
            if stop == (part, index):
                return LayerTable(_rows(planned)), error
            try:
                out = layer_output_shape(layer, shape, f"{part}[{index}]")
            except SpecError:
                return LayerTable(_rows(planned)), error
            settings = {k: v for k, v in layer.items() if k not in ("type", "name")}
            planned.append(PlannedLayer(part, names[index], layer["type"], settings, shape, out))
            shape = out
    return LayerTable(_rows(planned)), error


def module_names(spec: dict[str, Any]) -> list[str]:
    """Every layer's name in the built model, features then classifier, as
    ``model.named_modules()`` gives them: ``features.conv1`` … ``classifier.fc3``.

    Unlike a layer's name inside its part (LeNet-5 has a ``sigmoid1`` in each), these are unique
    in a valid spec. They depend only on the layers' types and own names, so a spec that does
    not build yet still gets them.
    """
    if not isinstance(spec, dict):
        return []
    return [f"{part}.{name}" for part in ("features", "classifier")
            for name in layer_names(spec.get(part))]


def error_location(message: str) -> tuple[str, int] | None:
    """The layer a :class:`SpecError` message names: ``("features", 3)`` for
    ``features[3].kernel_size: ...``; ``None`` when it names no layer."""
    match = _LOCATION.match(message)
    return (match.group(1), int(match.group(2))) if match else None


def normalise_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A valid spec in one canonical form, for comparing two specs that build the same model.

    Every layer gets its automatic name, its defaults filled in (``stride`` of a pool is its
    kernel, a residual block's width its input's) and its pairs as tuples, as
    :func:`~cnn_core.models.specs.validate_spec` checks them; inferred sizes (``in_channels``,
    ``in_features``) and texts (``summary``, ``description``) are dropped.

    Raises
    ------
    SpecError
        If the spec is invalid.
    """
    plan = validate_spec(spec)
    parts: dict[str, list[dict[str, Any]]] = {"features": [], "classifier": []}
    for layer in plan.layers:
        layer_type = LAYER_TYPES[layer.kind]
        settings = dict(layer_type.defaults)
        settings.update(layer_type.derived_defaults(layer.settings, layer.in_shape))
        settings.update({k: v for k, v in layer.settings.items() if k not in _DERIVED})
        parts[layer.part].append({"name": layer.name, "type": layer.kind, **settings})
    return {"name": spec.get("name", "custom"), "num_classes": spec.get("num_classes", 10),
            "init": spec.get("init", "default"), **parts}
