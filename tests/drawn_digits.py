"""Digits drawn the way people draw them: pen strokes on a large canvas.

Each digit is one or more strokes through hand-placed points in a unit box (x right, y down),
smoothed with Catmull-Rom splines. :func:`render` draws them at any size, position, pen width
and polarity; :func:`stroke_paths` gives the same strokes as pixel paths for mouse-event tests.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageDraw

Point = tuple[float, float]


def _circle(cx: float, cy: float, rx: float, ry: float, start: float, turns: float = 1.0,
            n: int = 24) -> list[Point]:
    return [(cx + rx * math.cos(start + 2 * math.pi * turns * i / n),
             cy + ry * math.sin(start + 2 * math.pi * turns * i / n)) for i in range(n + 1)]


TEMPLATES: dict[int, list[list[Point]]] = {
    0: [_circle(0.5, 0.5, 0.3, 0.45, -math.pi / 2, 1.02)],
    1: [[(0.36, 0.2), (0.52, 0.05), (0.52, 0.5), (0.52, 0.95)]],
    2: [[(0.2, 0.28), (0.35, 0.08), (0.6, 0.05), (0.78, 0.22), (0.72, 0.45), (0.45, 0.7),
         (0.18, 0.95), (0.5, 0.94), (0.85, 0.93)]],
    3: [[(0.2, 0.15), (0.45, 0.04), (0.75, 0.12), (0.75, 0.35), (0.45, 0.48), (0.75, 0.58),
         (0.8, 0.8), (0.55, 0.96), (0.18, 0.86)]],
    4: [[(0.28, 0.05), (0.2, 0.4), (0.18, 0.6), (0.5, 0.6), (0.85, 0.6)],
        [(0.68, 0.08), (0.68, 0.5), (0.68, 0.95)]],
    5: [[(0.8, 0.06), (0.5, 0.06), (0.27, 0.06), (0.24, 0.3), (0.22, 0.45), (0.5, 0.38),
         (0.78, 0.52), (0.8, 0.78), (0.55, 0.95), (0.2, 0.88)]],
    6: [[(0.7, 0.05), (0.45, 0.22), (0.26, 0.5), (0.24, 0.78), (0.42, 0.95), (0.65, 0.92),
         (0.78, 0.74), (0.66, 0.55), (0.42, 0.54), (0.26, 0.68)]],
    7: [[(0.15, 0.06), (0.5, 0.06), (0.85, 0.06), (0.65, 0.45), (0.45, 0.95)]],
    8: [_circle(0.5, 0.27, 0.21, 0.22, math.pi / 2, 1.0)
        + _circle(0.5, 0.72, 0.25, 0.23, -math.pi / 2, -1.0)[1:]],
    9: [_circle(0.48, 0.3, 0.24, 0.24, 0.0, 1.0) + [(0.71, 0.55), (0.68, 0.95)]],
}


def _catmull_rom(points: list[Point], per_segment: int = 8) -> list[Point]:
    if len(points) < 3:
        return points
    pts = [points[0], *points, points[-1]]
    out: list[Point] = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = (np.asarray(p) for p in pts[i - 1:i + 3])
        for k in range(per_segment):
            t = k / per_segment
            q = 0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t
                       + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3)
            out.append((float(q[0]), float(q[1])))
    out.append(points[-1])
    return out


def stroke_paths(digit: int, box: tuple[float, float, float, float]) -> list[list[Point]]:
    """The digit's strokes as smooth pixel paths inside ``box = (x, y, width, height)``."""
    x0, y0, w, h = box
    return [[(x0 + px * w, y0 + py * h) for px, py in _catmull_rom(stroke)]
            for stroke in TEMPLATES[digit]]


def render(digit: int, canvas: int = 560, size: float = 0.5, center: Point = (0.5, 0.5),
           pen: float = 0.035, dark_on_light: bool = True, aspect: float = 0.75) -> np.ndarray:
    """Draw a digit on a square canvas; returns uint8 ``[canvas, canvas]``.

    ``size`` is the digit's height and ``pen`` the pen width, both as fractions of the canvas;
    ``center`` places the digit anywhere on the canvas.
    """
    h = size * canvas
    w = h * aspect
    box = (center[0] * canvas - w / 2, center[1] * canvas - h / 2, w, h)
    paper, ink = (255, 0) if dark_on_light else (0, 255)
    img = Image.new("L", (canvas, canvas), paper)
    draw = ImageDraw.Draw(img)
    width = max(1, round(pen * canvas))
    for path in stroke_paths(digit, box):
        draw.line(path, fill=ink, width=width, joint="curve")
        r = width / 2
        for x, y in (path[0], path[-1]):  # round caps
            draw.ellipse((x - r, y - r, x + r, y + r), fill=ink)
    return np.asarray(img).copy()


def variations() -> Iterator[tuple[str, dict[str, object]]]:
    """Canvas sizes, positions, digit sizes, pen widths and polarities people use."""
    yield "centred", {}
    yield "small-top-left", {"size": 0.25, "center": (0.25, 0.22)}
    yield "large", {"size": 0.9, "pen": 0.05}
    yield "off-centre-right", {"size": 0.4, "center": (0.75, 0.65)}
    yield "thin-pen", {"pen": 0.008, "canvas": 800}
    yield "thick-marker", {"pen": 0.09, "size": 0.7}
    yield "light-on-dark", {"dark_on_light": False}
    yield "light-on-dark-small", {"dark_on_light": False, "size": 0.3, "center": (0.3, 0.7)}
    yield "big-canvas-thin", {"canvas": 1600, "pen": 0.006, "size": 0.35,
                              "center": (0.6, 0.4)}
    yield "small-canvas", {"canvas": 140, "pen": 0.08}
