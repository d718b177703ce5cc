"""A made-up personal handwriting for the "teach it your handwriting" tests.

The digit shapes of ``tests/drawn_digits.py`` drawn with one writer's quirks that MNIST
rarely shows: a strong backhand slant, wide letters, a 7 with a crossbar and a 1 with a flag
and a foot. Each sample jitters the points, the slant and the size a little (seeded), so no
two samples of a digit are the same. Strokes are in canvas units (0..1 of the drawing
square, x right, y down): the GUI tests draw them with the mouse, and :func:`render` draws
them as a picture for the core tests.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from drawn_digits import TEMPLATES, _catmull_rom

__all__ = ["STYLES", "fill_store", "render", "strokes"]

Point = tuple[float, float]

# name: (slant in degrees, negative = backhand; width / height)
STYLES: dict[str, tuple[float, float]] = {"backhand": (-32.0, 1.05), "wide": (-18.0, 1.35),
                                         "steep": (-45.0, 1.5)}

_EXTRA: dict[int, list[list[Point]]] = {
    1: [[(0.2, 0.25), (0.52, 0.05)], [(0.52, 0.05), (0.52, 0.95)], [(0.25, 0.95), (0.8, 0.95)]],
    7: [[(0.15, 0.06), (0.5, 0.06), (0.85, 0.06), (0.65, 0.45), (0.45, 0.95)],
        [(0.35, 0.5), (0.9, 0.5)]],
}


def strokes(digit: int, sample: int = 0, style: str = "backhand") -> list[list[Point]]:
    """The strokes of one sample of ``digit`` in canvas units (a digit ~60 % of the canvas)."""
    slant, aspect = STYLES[style]
    rng = np.random.default_rng(1000 * digit + 17 * sample + len(style))
    shear = math.tan(math.radians(slant + rng.uniform(-4, 4)))
    aspect *= rng.uniform(0.92, 1.08)
    height = 0.6 * rng.uniform(0.9, 1.05)
    cx, cy = 0.5 + rng.uniform(-0.05, 0.05), 0.5 + rng.uniform(-0.05, 0.05)
    out = []
    for stroke in _EXTRA.get(digit, TEMPLATES[digit]):
        points = [(x + rng.normal(0, 0.015), y + rng.normal(0, 0.015)) for x, y in stroke]
        line = []
        for x, y in _catmull_rom(points):
            x, y = (x - 0.5) * 0.75 * aspect + shear * (0.5 - y), y - 0.5
            line.append((cx + x * height, cy + y * height))
        out.append(line)
    return out


def render(digit: int, sample: int = 0, style: str = "backhand", size: int = 280,
           pen: float = 0.07) -> np.ndarray:
    """The sample as a canvas picture: uint8 ``[size, size]``, white ink on black."""
    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    width = max(1, round(pen * size))
    for line in strokes(digit, sample, style):
        pixels = [(x * size, y * size) for x, y in line]
        draw.line(pixels, fill=255, width=width, joint="curve")
        for x, y in (pixels[0], pixels[-1]):
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
    return np.asarray(img, dtype=np.uint8).copy()


def fill_store(store: object, per_digit: int, style: str = "backhand") -> object:
    """Add ``per_digit`` rendered samples of every digit to an ``OwnDigitStore``, as the
    Coach tab would save them; returns the store."""
    from cnn_core.data.own_digits import to_sample28

    for digit in range(10):
        for i in range(per_digit):
            drawing = render(digit, i, style)
            store.add(digit, to_sample28(drawing.astype(np.float32) / 255.0), drawing)
    return store
