"""Digit-shaped mouse strokes in canvas units (0..1 of the drawing square).

Imported by the GUI tests as a plain module (pytest puts tests/gui on sys.path).
"""

from __future__ import annotations

from drawn_digits import stroke_paths

Stroke = list[tuple[float, float]]


def line(start: tuple[float, float], end: tuple[float, float], steps: int = 12) -> Stroke:
    """A straight stroke with ``steps`` moves."""
    return [(start[0] + (end[0] - start[0]) * t / steps,
             start[1] + (end[1] - start[1]) * t / steps) for t in range(steps + 1)]


# The same hand-placed digit shapes the core's drawn-digit tests render, in canvas units:
# a digit 70 % of the canvas high, in the middle.
DIGITS: dict[int, list[Stroke]] = {
    digit: stroke_paths(digit, (0.5 - 0.7 * 0.75 / 2, 0.15, 0.7 * 0.75, 0.7))
    for digit in range(10)
}
