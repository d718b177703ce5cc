"""Texts the core shows to people, kept in a form that a GUI can translate.

The core speaks English. A :class:`Message` *is* that English text (a ``str``: the command
line, logs, f-strings and ``str(exc)`` use it unchanged) and also keeps the template it was
made from and its fields. The window looks the template up in its translations and formats
the fields into the result (``app.language.say``); the core never imports Qt.

Write a text that people see as ``Core.tr("{name} needs {n} channels", name=..., n=...)``:
``pyside6-lupdate`` collects every template written that way (context ``Core``) into the
translation file, as it does the window's own ``tr()`` texts. Fields that are messages
themselves are translated too; other fields are shown as they are.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

__all__ = ["Core", "Message", "joined", "plain"]


class Message(str):
    """An English text with the ``template`` and ``fields`` it was formatted from."""

    template: str
    fields: dict[str, Any]

    def __new__(cls, template: str, /, **fields: Any) -> Message:
        text = super().__new__(cls, template.format(**fields))
        text.template = template
        text.fields = fields
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled with its template (events cross to and from the training process)
        return (_rebuild, (self.template, self.fields))


def _rebuild(template: str, fields: dict[str, Any]) -> Message:
    return Message(template, **fields)


class _Core:
    """The core's marker for texts people see (see the module's docstring)."""

    @staticmethod
    def tr(template: str, /, **fields: Any) -> Message:
        """``template`` formatted with ``fields`` (``str.format`` names), as a :class:`Message`."""
        return Message(template, **fields)


Core = _Core()


def plain(value: Any) -> Any:
    """A copy of ``value`` (dicts, lists, tuples of data) with every :class:`Message` made a
    plain ``str``: for data that is saved (a checkpoint's metadata may be pickled by
    ``torch.save``, and ``torch.load(weights_only=True)`` rightly refuses unknown classes)."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(plain(item) for item in value)
    return copy.deepcopy(value)


def joined(separator: str, parts: Iterable[str]) -> Message:
    """``separator.join(parts)`` that stays translatable part by part (a part that is a
    :class:`Message` is translated, the others are shown as they are)."""
    parts = list(parts)
    escaped = separator.replace("{", "{{").replace("}", "}}")
    template = escaped.join(f"{{p{i}}}" for i in range(len(parts)))
    return Message(template, **{f"p{i}": part for i, part in enumerate(parts)})
