"""The canvas's undo and redo: every stroke, clear and loaded picture is one step back.

A step keeps the canvas image and the loaded picture it showed (the model reads that picture
at its full size while nothing is drawn on it). Full-size pictures are large, so the history
keeps them only within a budget of pixels; older steps keep their canvas image alone and,
undone to, are read from the canvas as shown.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from PySide6.QtGui import QImage

from cnn_core.data.data_picture import DataPicture

__all__ = ["HISTORY_PICTURE_PIXELS", "UNDO_LIMIT", "DrawingHistory", "DrawingState"]

UNDO_LIMIT = 64  # steps
HISTORY_PICTURE_PIXELS = 64_000_000  # of loaded pictures kept at full size (float32: 4 bytes each)

DrawingState: TypeAlias = tuple[QImage, "np.ndarray | DataPicture | None"]
"""One step: the canvas image and the loaded picture it shows, if unchanged."""


class DrawingHistory:
    """The steps to undo and to redo, the most recent last."""

    def __init__(self) -> None:
        self._undo: list[DrawingState] = []
        self._redo: list[DrawingState] = []

    def can_undo(self) -> bool:
        """True when there is a step to undo."""
        return bool(self._undo)

    def can_redo(self) -> bool:
        """True when there is an undone step to redo."""
        return bool(self._redo)

    def push(self, state: DrawingState) -> None:
        """Remember ``state`` (a copy: the canvas goes on painting its own) before an edit;
        the edit drops what was undone."""
        self._undo.append(state)
        del self._undo[:-UNDO_LIMIT]
        self._redo.clear()
        self._limit_pictures()

    def undo(self, current: DrawingState) -> DrawingState | None:
        """The state one step back (``current`` can be redone), or ``None`` if none."""
        return self._step(self._undo, self._redo, current)

    def redo(self, current: DrawingState) -> DrawingState | None:
        """The state undone last (``current`` can be undone again), or ``None`` if none."""
        return self._step(self._redo, self._undo, current)

    @staticmethod
    def _step(source: list[DrawingState], target: list[DrawingState],
              current: DrawingState) -> DrawingState | None:
        if not source:
            return None
        target.append(current)
        return source.pop()

    def _limit_pictures(self) -> None:
        """Keep at most :data:`HISTORY_PICTURE_PIXELS` of full-size pictures to undo to."""
        kept = 0
        for i in range(len(self._undo) - 1, -1, -1):
            image, picture = self._undo[i]
            if picture is None:
                continue
            kept += picture.size
            if kept > HISTORY_PICTURE_PIXELS:
                self._undo[i] = (image, None)
