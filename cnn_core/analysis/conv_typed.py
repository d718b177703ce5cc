"""Small matrices typed or pasted by a learner, for the Convolution tab.

The tutorials teach with toy inputs written as numbers: ``X = 0 … 8`` as a 3×3 grid, a kernel
``[[0, 1], [2, 3]]``. :func:`parse_matrix` reads such a grid from text the way people write
it — rows split by ``;`` or new lines, values by spaces or commas, optional brackets as in
Python or NumPy — and refuses anything else with a one-line reason; :func:`format_matrix`
writes a grid back in the same form.
"""

from __future__ import annotations

import math
import re

import numpy as np

from ..runtime.messages import Core

__all__ = ["MAX_TYPED_SIZE", "MatrixTextError", "format_matrix", "parse_matrix"]

MAX_TYPED_SIZE = 32  # rows and columns of a typed input (a typed kernel: up to 9)

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class MatrixTextError(ValueError):
    """Text that is not a grid of numbers, explained in one line."""


def _rows(text: str) -> list[str]:
    """The text's rows: ``;`` and new lines separate rows; ``],[`` (Python lists) too."""
    text = text.replace("−", "-").strip()
    text = re.sub(r"\]\s*,?\s*\[", ";", text)  # [[0, 1], [2, 3]] → [0, 1; 2, 3]
    text = text.replace("[", " ").replace("]", " ")
    return [row for row in re.split(r"[;\n]", text) if row.strip()]


def parse_matrix(text: str, max_size: int = MAX_TYPED_SIZE, what: str = "matrix") -> np.ndarray:
    """A grid of numbers from ``text`` (``"0 1 2; 3 4 5; 6 7 8"``, one row per line, commas
    or spaces between values, ``[[0, 1], [2, 3]]``), as a float64 array ``[rows, cols]``.

    Raises
    ------
    MatrixTextError
        Empty text, a value that is not a number, rows of different lengths, or more than
        ``max_size`` rows or columns; the message names the ``what`` and the place.
    """
    rows = _rows(text)
    if not rows:
        raise MatrixTextError(Core.tr("type the {what}'s numbers, e.g. 0 1 2; 3 4 5; 6 7 8",
                                      what=what))
    values: list[list[float]] = []
    for r, row in enumerate(rows, start=1):
        cells = [cell for cell in re.split(r"[,\s]+", row.strip()) if cell]
        for c, cell in enumerate(cells, start=1):
            if not _NUMBER.match(cell):
                raise MatrixTextError(Core.tr("row {r}, value {c} of the {what}: {cell!r} is "
                                              "not a number", r=r, c=c, what=what, cell=cell))
        values.append([float(cell) for cell in cells])
    widths = {len(row) for row in values}
    if len(widths) > 1:
        counts = ", ".join(str(len(row)) for row in values)
        raise MatrixTextError(Core.tr("every row of the {what} needs as many values; these "
                                      "rows have {counts}", what=what, counts=counts))
    if len(values) > max_size or len(values[0]) > max_size:
        raise MatrixTextError(Core.tr("the {what} is {rows}×{cols}; at most {most}×{most} "
                                      "can be typed", what=what, rows=len(values),
                                      cols=len(values[0]), most=max_size))
    matrix = np.asarray(values, np.float64)
    if not np.isfinite(matrix).all():
        raise MatrixTextError(Core.tr("the {what}'s values must be finite numbers", what=what))
    return matrix


def format_matrix(matrix: np.ndarray, digits: int = 4) -> str:
    """``"0 1 2; 3 4 5"``: rows joined by ``;``, whole numbers without a decimal point."""
    def number(value: float) -> str:
        if math.isfinite(value) and value == round(value):
            return str(int(round(value)))
        return f"{value:.{digits}g}"

    return "; ".join(" ".join(number(float(v)) for v in row) for row in np.atleast_2d(matrix))
