"""Reading a JSON spec into the builder, which opens specs that do not build yet (it shows
where they break), as long as the file has the shape of a spec."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cnn_core.models.specs import MAX_SPEC_FILE_BYTES

from ..language import TextContext

__all__ = ["read_spec_sketch"]


SpecFiles = TextContext("SpecFiles")  # SpecFiles.tr: a text in the window's language


def read_spec_sketch(path: Path) -> dict[str, Any]:
    """The spec in ``path``: a JSON object whose ``features`` / ``classifier`` are lists of
    objects. The layers themselves are not checked here (the builder marks a bad one).

    Raises
    ------
    ValueError
        With a one-line reason when the file cannot be read or is not shaped like a spec.
    """
    try:
        if path.stat().st_size > MAX_SPEC_FILE_BYTES:
            raise ValueError(SpecFiles.tr("too large for a model spec"))
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        raise ValueError(str(exc)) from None
    # json's own errors are ValueErrors and pass through with their line and column
    parts = ("features", "classifier")
    if not isinstance(spec, dict) or not all(isinstance(spec.get(p, []), list) for p in parts):
        raise ValueError(SpecFiles.tr(
            "not a model spec (an object with features and classifier lists)"))
    if not all(isinstance(layer, dict) for p in parts for layer in spec.get(p, [])):
        raise ValueError(SpecFiles.tr("every layer must be an object with a type"))
    spec.setdefault("name", path.stem[:100])
    return spec
