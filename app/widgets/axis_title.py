"""A left log axis whose title is never cut off, however short the plot is.

pyqtgraph centres a left axis's title on the axis. In a short plot (the Train tab's gradient
plot at 1280×800 is about 140 px tall, less its title, x axis and legend) the title is longer
than the axis and runs off the top of the widget. :class:`FittedLogAxis` centres it when it
fits; otherwise it slides it along the axis into the empty corners beside the plot's title
and x axis (never into a legend below), and breaks it onto two lines when even that is short.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF

from .log_axis import LogAxis

__all__ = ["FittedLogAxis", "two_lines"]

_NUDGE = 5  # pyqtgraph's offset of a left title from the axis's edge
_GAP = 2  # pixels kept free between the title and what lies beyond its room


def two_lines(text: str) -> str:
    """``text`` broken at the space nearest its middle (unchanged without a space)."""
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(len(text) - 2 * i))
    return f"{text[:cut]}\n{text[cut + 1:]}"


class FittedLogAxis(LogAxis):
    """A left :class:`~app.widgets.log_axis.LogAxis` (main tick labels only) that keeps its
    title whole and inside its plot (see the module docstring)."""

    _wrapped = False  # the title is on two lines (a class default: pyqtgraph's __init__
    # already asks for the title's text)

    def __init__(self) -> None:
        super().__init__("left")
        self.setStyle(maxTextLevel=1)

    def labelString(self) -> str:
        if not self._wrapped:
            return super().labelString()
        text = self.labelText
        self.labelText = two_lines(text).replace("\n", "<br>")
        try:
            return super().labelString()
        finally:
            self.labelText = text

    def resizeEvent(self, ev: Any = None) -> None:
        super().resizeEvent(ev)
        if self.label is not None and self.label.isVisible() and self.labelText:
            self._fit_label()

    def _room(self) -> tuple[float, float]:
        """The span along the axis (top, bottom, in its coordinates) the title may use: from
        the top of its plot to the bottom of the plot's x axis.

        Worked out from this axis's own place and the x axis's fixed height, not from where
        the x axis is: while the plot lays out, this axis is resized before the x axis moves.
        """
        plot = self.parentItem()
        if not isinstance(plot, pg.PlotItem):
            return _GAP, self.size().height() - _GAP
        top = self.mapFromItem(plot, QPointF(0, plot.boundingRect().top())).y()
        bottom_axis = plot.getAxis("bottom")
        below = bottom_axis.minimumHeight() if bottom_axis.isVisible() else 0.0
        return top + _GAP, self.size().height() + below - _GAP

    def _fit_label(self) -> None:
        top, bottom = self._room()
        length = self._text_length()
        if not self._wrapped and length > bottom - top:
            self._set_wrapped(True)
        elif self._wrapped:
            self._set_wrapped(False)  # would one line fit now (a taller plot)?
            if self._text_length() > bottom - top:
                self._set_wrapped(True)
        length = self._text_length()
        margin = self.label.document().documentMargin()
        centre = self.size().height() / 2
        centre = max(centre, top + length / 2)  # not above the room's top ...
        centre = min(centre, bottom - length / 2)  # ... nor below its bottom
        if length > bottom - top:
            centre = (top + bottom) / 2  # too long anyway: cut evenly at both ends
        # rotated by −90°: the text item's left edge is at the bottom of its pos
        self.label.setPos(QPointF(-_NUDGE, centre + length / 2 + margin))

    def _text_length(self) -> float:
        margin = self.label.document().documentMargin()
        return self.label.boundingRect().width() - 2 * margin

    def _set_wrapped(self, wrapped: bool) -> None:
        if wrapped == self._wrapped:
            return
        self._wrapped = wrapped
        self.label.setHtml(self.labelString())
        self._updateWidth()  # the axis widens by a line (its height is unchanged)
