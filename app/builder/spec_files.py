"""The Build tab's files: Open… (a JSON spec, read as a sketch: the builder opens specs that
do not build yet and shows where they break, as long as the file has the shape of a spec),
Save… (the spec as JSON, what ``digitlab train --model-spec`` reads) and Export code… (a
standalone PyTorch module)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from cnn_core.checkpoints.code_export import spec_to_python
from cnn_core.models.specs import MAX_SPEC_FILE_BYTES

from ..file_dialogs import ask_open_path, ask_save_path
from ..language import TextContext, say

if TYPE_CHECKING:
    from .builder_view import ArchitectureBuilder

__all__ = ["BuilderFiles", "file_stem", "read_spec_sketch"]


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


def file_stem(name: str) -> str:
    """A file name for a network called ``name``: ``"lenet5 (edited)"`` → ``lenet5_edited``."""
    return re.sub(r"[^\w.-]+", "_", name).strip("_.") or "custom"


class BuilderFiles(QObject):
    """Open, save and export the network of ``builder``; what happened goes to its
    ``message`` signal."""

    def __init__(self, builder: ArchitectureBuilder) -> None:
        super().__init__(builder)
        self.setObjectName("builderFiles")
        self._builder = builder

    def _ask_save(self, title: str, suffix: str, filters: str,
                  write: Callable[[Path], bool]) -> None:
        """Ask where (the network's name as the file's), then ``write`` there."""
        builder = self._builder
        chosen = ask_save_path(builder, title, f"{file_stem(builder.spec()['name'])}{suffix}",
                               filters, settings=builder.settings)
        if chosen is not None:
            write(chosen[0])

    def save_dialog(self) -> None:
        """Ask where to save the spec as JSON."""
        self._ask_save(self.tr("Save model spec"), ".json",
                       self.tr("Model specs (*.json);;All files (*)"), self.save_spec)

    def save_spec(self, path: str | Path) -> bool:
        """Write the spec to ``path`` as JSON (what ``digitlab train --model-spec`` reads)."""
        return self._write(path, lambda: json.dumps(self._builder.spec(), indent=2) + "\n",
                           self.tr("Could not save the spec: {0}"),
                           self.tr("Saved the spec to {0}"))

    def open_dialog(self) -> None:
        """Ask for a JSON spec to open."""
        builder = self._builder
        path = ask_open_path(builder, self.tr("Open model spec"),
                             self.tr("Model specs (*.json);;All files (*)"),
                             settings=builder.settings)
        if path is not None:
            self.open_spec(path)

    def open_spec(self, path: str | Path) -> bool:
        """Open a JSON spec; one that does not build opens too, marked where it breaks."""
        path = Path(path)
        try:
            spec = read_spec_sketch(path)
        except ValueError as exc:
            self._builder.message.emit("error", self.tr("Could not open {0}: {1}").format(
                path.name, say(exc)))
            return False
        self._builder.load_network(spec, self.tr("Open {0}").format(path.name))
        return True

    def export_dialog(self) -> None:
        """Ask where to write the network as a standalone PyTorch module."""
        self._ask_save(self.tr("Export PyTorch code"), ".py",
                       self.tr("Python files (*.py);;All files (*)"), self.export_python)

    def export_python(self, path: str | Path) -> bool:
        """Write ``cnn_core.checkpoints.code_export.spec_to_python`` of the spec to ``path``."""
        return self._write(path, lambda: spec_to_python(self._builder.spec()),
                           self.tr("Could not export the code: {0}"),
                           self.tr("Wrote {0}: class Net, needs only torch"),
                           ValueError)  # SpecError is a ValueError

    def _write(self, path: str | Path, text: Callable[[], str], failed: str, done: str,
               *errors: type[Exception]) -> bool:
        """Write ``text()`` to ``path``; say ``done`` (or ``failed`` and why) in the builder."""
        message = self._builder.message
        try:
            Path(path).write_text(text(), encoding="utf-8")
        except (OSError, *errors) as exc:
            message.emit("error", failed.format(say(exc)))
            return False
        message.emit("info", done.format(Path(path).name))
        return True
