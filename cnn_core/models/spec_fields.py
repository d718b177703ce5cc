"""What a model spec may say, field by field: each layer type's settings and their ranges.

:func:`check_layer_settings` checks one layer's fields (known keys only, each of the right
type and range, the required ones present); :data:`TOP_LEVEL_FIELDS` does the same for the
spec's own fields. Each layer type's fields are its :class:`~.layer_types.LayerType`'s
(:data:`~.layer_types.LAYER_TYPES`); shapes, sizes and costs are :mod:`.spec_validation`'s.
"""

from __future__ import annotations

import re
from typing import Any

from ..runtime.messages import Core
from .layer_types import LAYER_TYPES
from .layer_types.base import INITS, Check, SpecError, choice, integer, is_int, show_value

__all__ = ["INITS", "LAYER_TYPES", "MAX_CLASSES", "TOP_LEVEL_FIELDS", "Check", "SpecError",
           "check_layer_name", "check_layer_settings", "is_int", "layer_names", "show_value"]

MAX_CLASSES = 1000
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\Z")
# attributes of nn.Sequential that a child module may not shadow (add_module refuses them)
_RESERVED = frozenset({"training", "forward", "T_destination", "dump_patches", "call_super_init"})


def _text(limit: int) -> Check:
    def check(value: Any, where: str) -> str:
        if not isinstance(value, str) or len(value) > limit:
            raise SpecError(Core.tr("{where}: must be a string of at most {limit} characters, "
                                    "got {value}", where=where, limit=limit,
                                    value=show_value(value)))
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
        prefix = LAYER_TYPES[kind].prefix if kind in LAYER_TYPES else kind
        counters[prefix] = counters.get(prefix, 0) + 1
        given = layer.get("name") if isinstance(layer, dict) else None
        names.append(str(given) if given is not None else f"{prefix}{counters[prefix]}")
    return names


def check_layer_name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _NAME.match(value) or value in _RESERVED:
        raise SpecError(Core.tr("{where}: a layer name is a letter or _ then up to 63 letters, "
                                "digits or _ (and not {reserved}), got {value}", where=where,
                                reserved=", ".join(sorted(_RESERVED)), value=show_value(value)))
    return value


TOP_LEVEL_FIELDS: dict[str, Check] = {
    "name": _text(100), "summary": _text(1000), "description": _text(10_000),
    "num_classes": integer(2, MAX_CLASSES), "init": choice(*INITS),
}


def check_layer_settings(layer: dict[str, Any], where: str) -> tuple[str, dict[str, Any]]:
    kind = layer.get("type")
    if not isinstance(kind, str) or kind not in LAYER_TYPES:
        raise SpecError(Core.tr("{where}.type: unknown layer type {kind}; known: {known}",
                                where=where, kind=show_value(kind), known=", ".join(LAYER_TYPES)))
    checks = LAYER_TYPES[kind].settings
    settings: dict[str, Any] = {}
    for key, value in layer.items():
        if key in ("type", "name"):
            continue
        if key not in checks:
            known = ", ".join(["name", *checks]) if checks else "name"
            fields = {"where": f"{where}.{key}", "kind": kind, "known": known}
            raise SpecError(
                Core.tr("{where}: not a setting of an {kind} layer (it takes {known})", **fields)
                if kind[0] in "aeiou" else
                Core.tr("{where}: not a setting of a {kind} layer (it takes {known})", **fields))
        settings[key] = checks[key](value, f"{where}.{key}")
    for key in LAYER_TYPES[kind].required:
        if key not in settings:
            fields = {"where": f"{where}.{key}", "kind": kind}
            raise SpecError(Core.tr("{where}: an {kind} layer needs it", **fields)
                            if kind[0] in "aeiou" else
                            Core.tr("{where}: a {kind} layer needs it", **fields))
    return kind, settings
