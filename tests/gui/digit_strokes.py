"""Digit-shaped mouse strokes in canvas units (0..1 of the drawing square).

Imported by the GUI tests as a plain module (pytest puts tests/gui on sys.path).
"""

from __future__ import annotations

import math

Stroke = list[tuple[float, float]]


def line(start: tuple[float, float], end: tuple[float, float], steps: int = 12) -> Stroke:
    """A straight stroke with ``steps`` moves."""
    return [(start[0] + (end[0] - start[0]) * t / steps,
             start[1] + (end[1] - start[1]) * t / steps) for t in range(steps + 1)]


def polyline(*points: tuple[float, float], steps: int = 10) -> Stroke:
    """Straight pieces through ``points``, as one stroke."""
    stroke: Stroke = [points[0]]
    for a, b in zip(points, points[1:], strict=False):
        stroke += line(a, b, steps)[1:]
    return stroke


def ellipse(cx: float = 0.5, cy: float = 0.5, rx: float = 0.2, ry: float = 0.3,
            steps: int = 40) -> Stroke:
    """A closed ellipse, as one stroke."""
    return [(cx + rx * math.sin(2 * math.pi * t / steps),
             cy - ry * math.cos(2 * math.pi * t / steps)) for t in range(steps + 1)]


DIGITS: dict[int, list[Stroke]] = {
    0: [ellipse()],
    1: [line((0.5, 0.15), (0.5, 0.85))],
    7: [polyline((0.28, 0.2), (0.72, 0.2), (0.45, 0.85))],
}
