"""The network being built: a list of spec layers plus the network's own settings, with undo.

Every edit is a :class:`QUndoCommand` holding the state before and after (a few small dicts),
so undo and redo are exact; consecutive edits of the same setting (typing ``120`` digit by
digit) merge into one step.

The spec is split as the registry's models are: ``features`` up to the first Flatten,
``classifier`` from it on (only Flatten turns maps into a vector, so every valid stack has one).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

__all__ = ["EDITED", "BuilderDocument", "BuilderState", "preset_of", "split_layers"]

EDITED = " (edited)"  # what a registered model's name gets once its layers are changed


def preset_of(name: str) -> str | None:
    """The registered model a spec called ``name`` is (``"lenet5"``) or was made from
    (``"lenet5 (edited)"``); ``None`` for any other name."""
    from cnn_core.models import MODELS

    base = name.removesuffix(EDITED)
    return base if base in MODELS else None


@dataclass(frozen=True)
class BuilderState:
    """Everything the builder edits (immutable; layers are copied in and out)."""

    layers: tuple[dict[str, Any], ...] = ()
    name: str = "custom"
    init: str = "default"
    extra: tuple[tuple[str, Any], ...] = ()  # num_classes of an opened spec, if it has one


def split_layers(layers: list[dict[str, Any]]) -> tuple[list[dict[str, Any]],
                                                         list[dict[str, Any]]]:
    """(features, classifier): the classifier starts at the first Flatten."""
    start = next((i for i, layer in enumerate(layers) if layer.get("type") == "flatten"),
                 len(layers))
    return layers[:start], layers[start:]


class _Change(QUndoCommand):
    def __init__(self, document: BuilderDocument, before: BuilderState, after: BuilderState,
                 text: str, merge_key: tuple | None) -> None:
        super().__init__(text)
        self.document, self.before, self.after, self.merge_key = (document, before, after,
                                                                  merge_key)

    def id(self) -> int:
        return 1 if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _Change) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self.document._apply(self.after)

    def undo(self) -> None:
        self.document._apply(self.before)


class BuilderDocument(QObject):
    """The stack of layers, its name and initialisation; emits :attr:`changed` after every
    edit, undo and redo."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._state = BuilderState()
        self._typing = 0  # edits merge only within one typing session (see :meth:`seal`)

    # ------------------------------------------------------------------ reading
    @property
    def state(self) -> BuilderState:
        """The current state."""
        return self._state

    def layers(self) -> list[dict[str, Any]]:
        """Copies of the layers in order."""
        return copy.deepcopy(list(self._state.layers))

    def layer(self, index: int) -> dict[str, Any]:
        """A copy of one layer."""
        return copy.deepcopy(self._state.layers[index])

    def count(self) -> int:
        """How many layers."""
        return len(self._state.layers)

    def spec(self) -> dict[str, Any]:
        """The JSON spec of the stack (the format ``digitlab train --model-spec`` reads)."""
        return _spec_of(self._state)

    # ------------------------------------------------------------------ editing
    def load_spec(self, spec: dict[str, Any], text: str, undoable: bool = True) -> None:
        """Replace everything by ``spec``'s layers and settings."""
        layers = [*spec.get("features", []), *spec.get("classifier", [])]
        extra = tuple((k, copy.deepcopy(v)) for k, v in spec.items()
                      if k == "num_classes")
        state = BuilderState(tuple(copy.deepcopy(layers)), str(spec.get("name", "custom")),
                             str(spec.get("init", "default")), extra)
        if undoable:
            self._push(state, text)
        else:
            self.undo_stack.clear()
            self._apply(state)

    def insert(self, index: int, layer: dict[str, Any], text: str) -> None:
        """Add ``layer`` before position ``index``."""
        layers = list(self._state.layers)
        layers.insert(index, copy.deepcopy(layer))
        self._edit(replace(self._state, layers=tuple(layers)), text)

    def remove(self, index: int, text: str) -> None:
        """Take out the layer at ``index``."""
        layers = list(self._state.layers)
        del layers[index]
        self._edit(replace(self._state, layers=tuple(layers)), text)

    def move(self, index: int, to: int, text: str) -> None:
        """Move the layer at ``index`` so that it ends at position ``to``."""
        layers = list(self._state.layers)
        to = max(0, min(to, len(layers) - 1))
        if to == index:
            return
        layers.insert(to, layers.pop(index))
        self._edit(replace(self._state, layers=tuple(layers)), text)

    def replace_layer(self, index: int, layer: dict[str, Any], text: str, key: str) -> None:
        """Put ``layer`` at ``index`` (an edited setting ``key``; repeated edits merge)."""
        layers = list(self._state.layers)
        if layers[index] == layer:
            return
        layers[index] = copy.deepcopy(layer)
        self._edit(replace(self._state, layers=tuple(layers)), text,
                   ("layer", index, key, self._typing))

    def set_network(self, text: str, **fields: str) -> None:
        """Change the network's ``name`` or ``init``."""
        state = replace(self._state, **fields)
        if "name" not in fields:  # the user's own name is theirs
            state = _named(state)
        if state != self._state:
            self._push(state, text, ("network", *sorted(fields), self._typing))

    def seal(self) -> None:
        """End the current typing session: the next edit is a new undo step."""
        self._typing += 1

    def _edit(self, state: BuilderState, text: str, merge_key: tuple | None = None) -> None:
        """Push an edit of the network itself (its layers or initialisation)."""
        self._push(_named(state), text, merge_key)

    def _push(self, state: BuilderState, text: str, merge_key: tuple | None = None) -> None:
        self.undo_stack.push(_Change(self, self._state, state, text, merge_key))

    def _apply(self, state: BuilderState) -> None:
        self._state = state
        self.changed.emit()


def _named(state: BuilderState) -> BuilderState:
    """``state`` named for what it is after an edit: a registered model's name while its
    layers and settings are that model's, ``"lenet5 (edited)"`` once they differ (another
    network: the shelf, the legends and exported files must not call it lenet5), and back."""
    from cnn_core.models import get_spec
    from cnn_core.models.architecture import normalise_spec

    preset = preset_of(state.name)
    if preset is None:
        return state
    try:  # the same model however it is written (defaults filled in, names, sizes)
        same = normalise_spec({**_spec_of(state), "name": preset}) == normalise_spec(
            get_spec(preset))
    except ValueError:  # SpecError: a stack that does not build is not the preset
        same = False
    return replace(state, name=preset if same else preset + EDITED)


def _spec_of(state: BuilderState) -> dict[str, Any]:
    features, classifier = split_layers(copy.deepcopy(list(state.layers)))
    spec: dict[str, Any] = {"name": state.name or "custom"}
    spec.update(copy.deepcopy(dict(state.extra)))
    spec.update({"input_shape": [1, 28, 28], "init": state.init,
                 "features": features, "classifier": classifier})
    return spec
