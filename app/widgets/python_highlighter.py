"""Python source in colour: keywords, built-ins, strings, numbers, comments, definitions.

The colours are picked for the palette in use: darker shades on a light background, lighter
ones on a dark background, so both read with good contrast.
"""

from __future__ import annotations

import keyword
import re

from PySide6.QtGui import (
    QColor,
    QFont,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

__all__ = ["PythonHighlighter", "is_dark"]

# (light background, dark background) colour of each kind of token
_COLOURS: dict[str, tuple[str, str]] = {
    "keyword": ("#0033b3", "#82aaff"),
    "builtin": ("#7a3e9d", "#d7a0f5"),
    "definition": ("#00627a", "#5fd7d7"),
    "self": ("#94558d", "#e6a3dc"),
    "number": ("#1750eb", "#f5b971"),
    "string": ("#067d17", "#9ece6a"),
    "comment": ("#6a6f78", "#9aa0aa"),
    "decorator": ("#9e880d", "#e0c060"),
}
_BUILTINS = ("super", "len", "range", "print", "open", "isinstance", "sum", "tuple", "dict",
             "list", "int", "float", "str", "True", "False", "None")

# One pass over a line, left to right: the first rule that matches at a place wins, so a
# keyword inside a string or a comment stays a string or a comment.
_TOKENS = re.compile("|".join([
    r'(?P<string>[rbfRBF]{0,2}"(?:[^"\\]|\\.)*"?|[rbfRBF]{0,2}\'(?:[^\'\\]|\\.)*\'?)',
    r"(?P<comment>#.*)",
    r"(?P<decorator>@[\w.]+)",
    r"(?P<definition>(?<=\bclass )\w+|(?<=\bdef )\w+)",
    r"(?P<number>\b(?:0[xX][0-9a-fA-F_]+|\d[\d_]*\.?\d*(?:[eE][+-]?\d+)?)\b)",
    r"(?P<self>\bself\b)",
    r"(?P<builtin>\b(?:" + "|".join(_BUILTINS) + r")\b)",
    r"(?P<keyword>\b(?:" + "|".join(k for k in keyword.kwlist if k not in _BUILTINS) + r")\b)",
]))
_TRIPLE = ('"""', "'''")
_IN_TRIPLE = {'"""': 1, "'''": 2}  # block states: inside a docstring opened by this quote


def is_dark(palette: QPalette) -> bool:
    """Whether the palette's text background is dark."""
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


class PythonHighlighter(QSyntaxHighlighter):
    """Colours Python source in ``document``; :meth:`set_dark` follows a palette change."""

    def __init__(self, document: QTextDocument, dark: bool = False) -> None:
        super().__init__(document)
        self._formats: dict[str, QTextCharFormat] = {}
        self.set_dark(dark)

    def set_dark(self, dark: bool) -> None:
        """Use the colours for a dark (or light) background, and colour the text again."""
        self._formats = {}
        for kind, (light, dark_colour) in _COLOURS.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(dark_colour if dark else light))
            if kind in ("keyword", "definition"):
                fmt.setFontWeight(QFont.Weight.Bold)
            if kind == "comment":
                fmt.setFontItalic(True)
            self._formats[kind] = fmt
        self.rehighlight()

    def format_of(self, kind: str) -> QTextCharFormat:
        """The format used for a kind of token (``"keyword"``, ``"string"`` …)."""
        return self._formats[kind]

    def highlightBlock(self, text: str) -> None:
        start = 0
        self.setCurrentBlockState(0)
        opened = self.previousBlockState()
        if opened in (1, 2):  # inside a docstring: up to its closing quotes
            quote = _TRIPLE[opened - 1]
            end = text.find(quote)
            if end < 0:
                self.setFormat(0, len(text), self._formats["string"])
                self.setCurrentBlockState(opened)
                return
            start = end + 3
            self.setFormat(0, start, self._formats["string"])
        self._highlight_from(text, start)

    def _highlight_from(self, text: str, position: int) -> None:
        while position < len(text):
            match = _TOKENS.search(text, position)
            quotes = [(text.find(q, position), q) for q in _TRIPLE if q in text[position:]]
            at, quote = min(quotes) if quotes else (-1, "")
            if quote and (match is None or at <= match.start()):  # a docstring comes first
                end = text.find(quote, at + 3)
                if end < 0:  # it goes on past this line
                    self.setFormat(at, len(text) - at, self._formats["string"])
                    self.setCurrentBlockState(_IN_TRIPLE[quote])
                    return
                self.setFormat(at, end + 3 - at, self._formats["string"])
                position = end + 3
                continue
            if match is None:
                return
            kind = match.lastgroup or ""
            self.setFormat(match.start(), match.end() - match.start(), self._formats[kind])
            position = max(match.end(), match.start() + 1)
