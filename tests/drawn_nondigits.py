"""Things people draw that are not digits: letters, symbols, shapes and scribbles, as pen strokes.

The test set for "not a digit". Nothing here is used to train or tune the digit detector,
which learns from font-rendered glyphs and randomly generated shapes (``cnn_core.data.nondigits``);
this set is drawn the way :mod:`drawn_digits` draws digits: strokes through hand-placed points
in a unit box (x right, y down), smoothed with Catmull-Rom splines, each in several hand-like
styles (jittered points, slant, width) and drawn at several sizes, places, pen widths and both
polarities on a large canvas.

Characters that people also write as digits (O/0, l/1, S/5, Z/2, B/8, g/9 …) are drawn too,
but are in :data:`LOOKALIKES`: a reader may fairly take them for digits, so they are reported
apart and never counted as misses.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageDraw

from cnn_core.data.drawn_eval import DrawnSample, place_strokes, sample_style
from drawn_digits import _catmull_rom, _circle

Point = tuple[float, float]
Strokes = list[list[Point]]


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float,
         n: int = 16) -> list[Point]:
    return [(cx + rx * math.cos(a0 + (a1 - a0) * i / n), cy + ry * math.sin(a0 + (a1 - a0) * i / n))
            for i in range(n + 1)]


def _dot(x: float, y: float) -> list[Point]:
    return [(x, y), (x + 0.01, y + 0.01)]


UPPER: dict[str, Strokes] = {
    "A": [[(0.1, 0.95), (0.5, 0.05), (0.9, 0.95)], [(0.28, 0.6), (0.72, 0.6)]],
    "B": [[(0.2, 0.95), (0.2, 0.05)],
          [(0.2, 0.05), (0.6, 0.06), (0.75, 0.25), (0.6, 0.47), (0.2, 0.48), (0.7, 0.52),
           (0.82, 0.75), (0.6, 0.94), (0.2, 0.95)]],
    "C": [_arc(0.55, 0.5, 0.38, 0.45, -0.8, -2 * math.pi + 0.8)],
    "D": [[(0.2, 0.05), (0.2, 0.95)], [(0.2, 0.05), (0.55, 0.1), (0.8, 0.5), (0.55, 0.9),
                                       (0.2, 0.95)]],
    "E": [[(0.8, 0.05), (0.2, 0.05), (0.2, 0.95), (0.8, 0.95)], [(0.2, 0.5), (0.65, 0.5)]],
    "F": [[(0.8, 0.05), (0.2, 0.05), (0.2, 0.95)], [(0.2, 0.5), (0.65, 0.5)]],
    "G": [_arc(0.5, 0.5, 0.38, 0.45, -0.6, -2 * math.pi + 0.3)
          + [(0.88, 0.55), (0.55, 0.55)]],
    "H": [[(0.2, 0.05), (0.2, 0.95)], [(0.8, 0.05), (0.8, 0.95)], [(0.2, 0.5), (0.8, 0.5)]],
    "I": [[(0.5, 0.05), (0.5, 0.95)], [(0.3, 0.05), (0.7, 0.05)], [(0.3, 0.95), (0.7, 0.95)]],
    "J": [[(0.7, 0.05), (0.7, 0.75), (0.55, 0.95), (0.35, 0.93), (0.25, 0.75)]],
    "K": [[(0.2, 0.05), (0.2, 0.95)], [(0.8, 0.05), (0.2, 0.55)], [(0.35, 0.42), (0.85, 0.95)]],
    "L": [[(0.2, 0.05), (0.2, 0.95), (0.8, 0.95)]],
    "M": [[(0.1, 0.95), (0.15, 0.05), (0.5, 0.6), (0.85, 0.05), (0.9, 0.95)]],
    "N": [[(0.2, 0.95), (0.2, 0.05), (0.8, 0.95), (0.8, 0.05)]],
    "O": [_circle(0.5, 0.5, 0.38, 0.46, -math.pi / 2, 1.0)],
    "P": [[(0.2, 0.95), (0.2, 0.05), (0.6, 0.05), (0.8, 0.2), (0.75, 0.4), (0.55, 0.5),
           (0.2, 0.5)]],
    "Q": [_circle(0.5, 0.45, 0.38, 0.42, -math.pi / 2, 1.0), [(0.55, 0.7), (0.9, 0.98)]],
    "R": [[(0.2, 0.95), (0.2, 0.05), (0.6, 0.05), (0.8, 0.2), (0.75, 0.4), (0.55, 0.5),
           (0.2, 0.5)], [(0.45, 0.5), (0.85, 0.95)]],
    "S": [[(0.8, 0.15), (0.55, 0.04), (0.25, 0.12), (0.25, 0.38), (0.5, 0.5), (0.78, 0.62),
           (0.75, 0.88), (0.45, 0.97), (0.18, 0.85)]],
    "T": [[(0.1, 0.05), (0.9, 0.05)], [(0.5, 0.05), (0.5, 0.95)]],
    "U": [[(0.2, 0.05), (0.2, 0.7), (0.35, 0.93), (0.65, 0.93), (0.8, 0.7), (0.8, 0.05)]],
    "V": [[(0.1, 0.05), (0.5, 0.95), (0.9, 0.05)]],
    "W": [[(0.05, 0.05), (0.28, 0.95), (0.5, 0.35), (0.72, 0.95), (0.95, 0.05)]],
    "X": [[(0.1, 0.05), (0.9, 0.95)], [(0.9, 0.05), (0.1, 0.95)]],
    "Y": [[(0.1, 0.05), (0.5, 0.5)], [(0.9, 0.05), (0.5, 0.5), (0.5, 0.95)]],
    "Z": [[(0.1, 0.05), (0.9, 0.05), (0.1, 0.95), (0.9, 0.95)]],
}

LOWER: dict[str, Strokes] = {
    "a": [_arc(0.5, 0.65, 0.3, 0.3, -0.3, 2 * math.pi - 0.3), [(0.8, 0.35), (0.8, 0.95)]],
    "b": [[(0.25, 0.02), (0.25, 0.95)], _circle(0.5, 0.7, 0.26, 0.26, math.pi, 1.0)],
    "c": [_arc(0.55, 0.65, 0.3, 0.3, -0.7, -2 * math.pi + 0.7)],
    "e": [[(0.2, 0.6), (0.8, 0.6), (0.75, 0.38), (0.5, 0.3), (0.25, 0.45), (0.22, 0.75),
           (0.45, 0.95), (0.8, 0.88)]],
    "f": [[(0.8, 0.1), (0.6, 0.02), (0.45, 0.15), (0.45, 0.95)], [(0.2, 0.4), (0.75, 0.4)]],
    "g": [_circle(0.5, 0.3, 0.25, 0.25, 0.0, 1.0) + [(0.75, 0.55), (0.72, 0.85),
                                                    (0.5, 0.98), (0.25, 0.88)]],
    "h": [[(0.2, 0.02), (0.2, 0.95)], [(0.2, 0.55), (0.45, 0.38), (0.7, 0.45), (0.75, 0.95)]],
    "k": [[(0.2, 0.02), (0.2, 0.95)], [(0.75, 0.35), (0.2, 0.7)], [(0.4, 0.58), (0.8, 0.95)]],
    "l": [[(0.5, 0.02), (0.5, 0.95)]],
    "m": [[(0.1, 0.95), (0.1, 0.35)], [(0.1, 0.5), (0.3, 0.35), (0.45, 0.5), (0.45, 0.95)],
          [(0.45, 0.5), (0.65, 0.35), (0.85, 0.5), (0.85, 0.95)]],
    "n": [[(0.2, 0.95), (0.2, 0.35)], [(0.2, 0.5), (0.45, 0.35), (0.75, 0.5), (0.75, 0.95)]],
    "o": [_circle(0.5, 0.65, 0.3, 0.3, -math.pi / 2, 1.0)],
    "p": [[(0.25, 0.35), (0.25, 1.0)], _circle(0.5, 0.55, 0.25, 0.22, math.pi, 1.0)],
    "q": [_circle(0.5, 0.55, 0.25, 0.22, 0.0, 1.0), [(0.75, 0.35), (0.75, 1.0)]],
    "r": [[(0.25, 0.95), (0.25, 0.35)], [(0.25, 0.55), (0.5, 0.38), (0.8, 0.4)]],
    "s": [[(0.75, 0.4), (0.5, 0.32), (0.28, 0.42), (0.4, 0.6), (0.7, 0.72), (0.6, 0.92),
           (0.25, 0.9)]],
    "t": [[(0.45, 0.05), (0.45, 0.85), (0.6, 0.95), (0.8, 0.9)], [(0.2, 0.35), (0.75, 0.35)]],
    "u": [[(0.2, 0.35), (0.2, 0.8), (0.4, 0.95), (0.7, 0.85), (0.8, 0.35)],
          [(0.8, 0.35), (0.8, 0.95)]],
    "v": [[(0.15, 0.35), (0.5, 0.95), (0.85, 0.35)]],
    "w": [[(0.05, 0.35), (0.25, 0.95), (0.5, 0.5), (0.75, 0.95), (0.95, 0.35)]],
    "x": [[(0.15, 0.35), (0.85, 0.95)], [(0.85, 0.35), (0.15, 0.95)]],
    "y": [[(0.15, 0.3), (0.5, 0.7)], [(0.85, 0.3), (0.35, 1.0)]],
    "z": [[(0.15, 0.35), (0.85, 0.35), (0.15, 0.95), (0.85, 0.95)]],
}

_STAR = [(0.5 + 0.45 * math.cos(-math.pi / 2 + 4 * math.pi * i / 5),
          0.52 + 0.45 * math.sin(-math.pi / 2 + 4 * math.pi * i / 5)) for i in range(6)]

SYMBOLS: dict[str, Strokes] = {
    "plus": [[(0.5, 0.1), (0.5, 0.9)], [(0.1, 0.5), (0.9, 0.5)]],
    "minus": [[(0.1, 0.5), (0.9, 0.5)]],
    "times": [[(0.2, 0.2), (0.8, 0.8)], [(0.8, 0.2), (0.2, 0.8)]],
    "equals": [[(0.1, 0.35), (0.9, 0.35)], [(0.1, 0.65), (0.9, 0.65)]],
    "question": [[(0.2, 0.25), (0.35, 0.07), (0.65, 0.05), (0.8, 0.22), (0.7, 0.42),
                  (0.5, 0.55), (0.5, 0.72)], _dot(0.5, 0.92)],
    "exclamation": [[(0.5, 0.05), (0.5, 0.7)], _dot(0.5, 0.92)],
    "hash": [[(0.4, 0.05), (0.3, 0.95)], [(0.7, 0.05), (0.6, 0.95)],
             [(0.1, 0.35), (0.9, 0.35)], [(0.1, 0.65), (0.9, 0.65)]],
    "at": [_circle(0.52, 0.52, 0.15, 0.18, 0.0, 1.0)
           + [(0.67, 0.75), (0.85, 0.7), (0.9, 0.45)]
           + _arc(0.5, 0.5, 0.42, 0.45, 0.0, -1.75 * math.pi)],
    "ampersand": [[(0.85, 0.95), (0.3, 0.4), (0.3, 0.15), (0.5, 0.05), (0.65, 0.18),
                   (0.55, 0.38), (0.2, 0.62), (0.22, 0.88), (0.5, 0.95), (0.85, 0.55)]],
    "percent": [_circle(0.25, 0.22, 0.14, 0.16, 0.0, 1.0), [(0.85, 0.05), (0.15, 0.95)],
                _circle(0.75, 0.78, 0.14, 0.16, 0.0, 1.0)],
    "dollar": [[(0.75, 0.22), (0.5, 0.14), (0.28, 0.25), (0.35, 0.45), (0.68, 0.58),
                (0.72, 0.8), (0.48, 0.88), (0.22, 0.78)], [(0.5, 0.02), (0.5, 0.98)]],
    "asterisk": [[(0.5, 0.1), (0.5, 0.9)], [(0.15, 0.3), (0.85, 0.7)],
                 [(0.85, 0.3), (0.15, 0.7)]],
}

SHAPES: dict[str, Strokes] = {
    "triangle": [[(0.5, 0.05), (0.95, 0.9), (0.05, 0.9), (0.5, 0.05)]],
    "square": [[(0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9), (0.1, 0.1)]],
    "star": [_STAR],
    "heart": [[(0.5, 0.95), (0.15, 0.6), (0.08, 0.3), (0.25, 0.1), (0.45, 0.2), (0.5, 0.32),
               (0.55, 0.2), (0.75, 0.1), (0.92, 0.3), (0.85, 0.6), (0.5, 0.95)]],
    "arrow-right": [[(0.05, 0.5), (0.95, 0.5)], [(0.65, 0.2), (0.95, 0.5), (0.65, 0.8)]],
    "arrow-up": [[(0.5, 0.95), (0.5, 0.05)], [(0.2, 0.35), (0.5, 0.05), (0.8, 0.35)]],
    "smiley": [_circle(0.5, 0.5, 0.45, 0.45, 0.0, 1.0), _dot(0.35, 0.35), _dot(0.65, 0.35),
               _arc(0.5, 0.55, 0.22, 0.18, 0.3, math.pi - 0.3)],
    "spiral": [[(0.5 + 0.45 * (i / 60) * math.cos(5 * math.pi * i / 60),
                 0.5 + 0.45 * (i / 60) * math.sin(5 * math.pi * i / 60)) for i in range(61)]],
    "hatching": [[(0.1 + 0.2 * i, 0.9), (0.3 + 0.2 * i, 0.1)] for i in range(4)],
    "crosshatch": ([[(0.1, 0.2 + 0.2 * i), (0.9, 0.2 + 0.2 * i)] for i in range(4)]
                   + [[(0.2 + 0.2 * i, 0.1), (0.2 + 0.2 * i, 0.9)] for i in range(4)]),
    "zigzag": [[(0.05 + 0.15 * i, 0.3 if i % 2 else 0.7) for i in range(7)]],
    "wave": [[(0.05 + 0.9 * i / 40, 0.5 + 0.2 * math.sin(4 * math.pi * i / 40))
              for i in range(41)]],
    "check": [[(0.1, 0.55), (0.38, 0.9), (0.9, 0.1)]],
    "lightning": [[(0.6, 0.02), (0.25, 0.55), (0.6, 0.5), (0.35, 0.98)]],
    "house": [[(0.1, 0.95), (0.1, 0.45), (0.5, 0.08), (0.9, 0.45), (0.9, 0.95), (0.1, 0.95)]],
    "circle": [_circle(0.5, 0.5, 0.45, 0.45, 0.0, 1.0)],
}

# Drawn like digits: a reader may take these for 0, 1, 2, 5, 6, 8 or 9 (circle: 0).
LOOKALIKES = frozenset("BDGIJOQSZbglosqz") | {"exclamation", "circle"}


def _scribble(seed: int) -> Strokes:
    """A scribble: a smooth path through 6-12 random points (a different generator and seeds
    from those the detector was trained on)."""
    rng = np.random.default_rng(10_000 + seed)
    n = int(rng.integers(6, 13))
    return [[(float(x), float(y)) for x, y in rng.uniform(0.05, 0.95, (n, 2))]]


SCRIBBLES: dict[str, Strokes] = {f"scribble-{i}": _scribble(i) for i in range(12)}
TEMPLATES: dict[str, Strokes] = {**UPPER, **LOWER, **SYMBOLS, **SHAPES, **SCRIBBLES}


def _style(strokes: Strokes, style: int) -> Strokes:
    """A hand-like variant: jittered points, a slant and a squeeze (style 0 is the template)."""
    if style == 0:
        return strokes
    rng = np.random.default_rng(style * 7919)
    slant = rng.uniform(-0.25, 0.25)
    squeeze = rng.uniform(0.8, 1.15)
    out = []
    for stroke in strokes:
        pts = np.asarray(stroke, float)
        if len(pts) > 4:  # a drawn curve: jitter its points together, not one by one
            pts = pts + rng.normal(0, 0.015, 2)
        else:
            pts = pts + rng.normal(0, 0.03, pts.shape)
        x = 0.5 + (pts[:, 0] - 0.5) * squeeze + slant * (0.5 - pts[:, 1])
        out.append([(float(a), float(b)) for a, b in zip(x, pts[:, 1], strict=True)])
    return out


def stroke_paths(name: str, box: tuple[float, float, float, float],
                 style: int = 0) -> list[list[Point]]:
    """The strokes of ``name`` as smooth pixel paths inside ``box = (x, y, width, height)``."""
    x0, y0, w, h = box
    return [[(x0 + px * w, y0 + py * h) for px, py in _catmull_rom(stroke)]
            for stroke in _style(TEMPLATES[name], style)]


def render(name: str, canvas: int = 560, size: float = 0.5, center: Point = (0.5, 0.5),
           pen: float = 0.035, dark_on_light: bool = True, aspect: float = 0.8,
           style: int = 0) -> np.ndarray:
    """Draw one template on a square canvas; returns uint8 ``[canvas, canvas]``."""
    h = size * canvas
    w = h * aspect
    box = (center[0] * canvas - w / 2, center[1] * canvas - h / 2, w, h)
    paper, ink = (255, 0) if dark_on_light else (0, 255)
    img = Image.new("L", (canvas, canvas), paper)
    draw = ImageDraw.Draw(img)
    width = max(1, round(pen * canvas))
    for path in stroke_paths(name, box, style):
        draw.line(path, fill=ink, width=width, joint="curve")
        r = width / 2
        for x, y in (path[0], path[-1]):  # round caps
            draw.ellipse((x - r, y - r, x + r, y + r), fill=ink)
    return np.asarray(img).copy()


def variations() -> Iterator[tuple[str, dict[str, object]]]:
    """Sizes, places, pens and polarities, each with its own hand-like style."""
    yield "centred", {"style": 0}
    yield "small-top-left", {"size": 0.25, "center": (0.25, 0.22), "style": 1}
    yield "large-marker", {"size": 0.85, "pen": 0.06, "style": 2}
    yield "big-canvas-thin", {"canvas": 1200, "pen": 0.008, "size": 0.4,
                              "center": (0.6, 0.4), "style": 3}
    yield "light-on-dark", {"dark_on_light": False, "style": 4}
    yield "off-centre-wide", {"size": 0.45, "center": (0.7, 0.6), "aspect": 1.0, "style": 5}


def drawn_nondigits(include_lookalikes: bool = False) -> Iterator[tuple[str, str, np.ndarray]]:
    """Every template in every variation: ``(template, variation, image)``."""
    for name in TEMPLATES:
        if name in LOOKALIKES and not include_lookalikes:
            continue
        for variation, kwargs in variations():
            yield name, variation, render(name, **kwargs)  # type: ignore[arg-type]


def group(name: str) -> str:
    """The template's group: capital letters, small letters, symbols, shapes or scribbles."""
    for title, table in (("capital letters", UPPER), ("small letters", LOWER),
                         ("symbols", SYMBOLS), ("shapes", SHAPES), ("scribbles", SCRIBBLES)):
        if name in table:
            return title
    return "other"


def canvas_samples(per_template: int = 8, seed: int = 0) -> Iterator[DrawnSample]:
    """Every template that is not a look-alike, ``per_template`` times in a hand-like style,
    put on the 280×280 canvas as :mod:`cnn_core.data.drawn_eval` puts its digits (any size, place,
    pen, polarity, slight rotation, sometimes a gap). Deterministic for a seed."""
    rng = np.random.default_rng([seed, 5])
    for name in TEMPLATES:
        if name in LOOKALIKES:
            continue
        for k in range(per_template):
            aspect = float(rng.uniform(0.7, 1.0))
            strokes = [[(x * aspect, y) for x, y in _catmull_rom(s)]
                       for s in _style(TEMPLATES[name], k)]
            style = sample_style(rng)
            image, size, position = place_strokes(strokes, style, rng)
            yield DrawnSample(image, -1, name, style, size, position)
