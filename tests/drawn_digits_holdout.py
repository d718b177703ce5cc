"""Held-out drawn digits: a second, independent set that only SCORES the model.

``tests/drawn_digits.py`` holds the templates that DigitLab's preprocessing was developed and
tuned on; scoring the model with them measures it in-sample. This set was written separately
(other shapes, other hands, another renderer) and is used only by the accuracy tests and
``benchmarks/drawn_accuracy.py``. Never tune preprocessing on it: when it shows a weakness,
improve on the development set and come back here only to measure.

Four writers draw every digit their own way:

- ``ana``: upright school print, unusual stroke order (4's vertical first, 5's bar last,
  1 drawn flag-first), closed 4, 9 with a straight tail, a one-stroke figure-eight 8;
- ``bruno``: European hand slanted 20° to the right: long-flag 1, 7 with a bar, open 4,
  flat-topped 3, 2 with a loop, 8 as two stacked circles;
- ``chen``: round, backhand (slanted 15° to the left), 1 drawn upward, 9 with a curled tail,
  7 with a bar, 8 started leftwards, closed 4 with a long bar;
- ``dora``: typographic, slanted 12°, a nib that draws thick and thin: 1 with flag and base,
  7 with a serif, 4 with a foot, 9 with a hooked tail.

Each is put on six sheets (pen on paper, marker light-on-dark, a small digit off-centre on a
big canvas with a hairline, a digit filling the canvas, a noisy gray scan, a tiny canvas),
with a per-image jitter of the points, a small random rotation and aspect: 4 × 10 × 6 = 240
images, the same every run (seeded).

Strokes are polylines of control points in a unit box (x right, y down); each stroke is a
list of pieces joined at sharp corners, each piece smoothed by Chaikin corner cutting.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

__all__ = ["SHEETS", "WRITERS", "Sample", "Sheet", "Writer", "mouse_strokes", "render",
           "samples"]

Point = tuple[float, float]
Piece = list[Point]
Stroke = list[Piece]  # pieces meet at corners


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float,
         n: int = 20) -> Piece:
    """Points on an ellipse from ``start`` to ``end`` degrees (0 = right, 90 = down)."""
    steps = max(2, round(n * abs(end - start) / 180))
    return [(cx + rx * math.cos(math.radians(start + (end - start) * i / steps)),
             cy + ry * math.sin(math.radians(start + (end - start) * i / steps)))
            for i in range(steps + 1)]


def _eight(top_width: float, bottom_width: float, cross: float, reverse: bool) -> Piece:
    """A figure eight in one stroke, starting at the top, rightwards (or leftwards)."""
    points = []
    for i in range(73):
        t = 2 * math.pi * (i + 1) / 72
        upper = math.cos(t) > 0
        x = 0.5 + (top_width if upper else bottom_width) * math.sin(2 * t)
        y = cross - (cross - 0.04 if upper else 0.96 - cross) * math.cos(t)
        points.append((1 - x if reverse else x, y))
    return points


ANA: dict[int, list[Stroke]] = {
    0: [[_arc(0.5, 0.5, 0.33, 0.46, 90, -280)]],
    1: [[[(0.3, 0.24), (0.56, 0.04)], [(0.56, 0.04), (0.56, 0.96)]]],
    2: [[_arc(0.5, 0.3, 0.31, 0.26, 190, 380) + [(0.16, 0.95)], [(0.16, 0.95), (0.88, 0.95)]]],
    3: [[_arc(0.5, 0.27, 0.28, 0.23, 200, 440), [(0.55, 0.5), (0.4, 0.5)],
         [(0.4, 0.5)] + _arc(0.5, 0.73, 0.32, 0.23, 280, 520)]],
    4: [[[(0.66, 0.03), (0.66, 0.97)]],
        [[(0.66, 0.03), (0.12, 0.66)], [(0.12, 0.66), (0.9, 0.66)]]],
    5: [[[(0.3, 0.05), (0.25, 0.46)], _arc(0.48, 0.68, 0.32, 0.27, 225, 510)],
        [[(0.3, 0.05), (0.84, 0.05)]]],
    6: [[[(0.76, 0.06), (0.5, 0.2), (0.3, 0.45), (0.2, 0.72)]
         + _arc(0.5, 0.72, 0.3, 0.25, 180, -160)]],
    7: [[[(0.12, 0.06), (0.88, 0.06)], [(0.88, 0.06), (0.4, 0.97)]]],
    8: [[_eight(0.22, 0.28, 0.44, reverse=False)]],
    9: [[_arc(0.45, 0.3, 0.28, 0.26, 0, -360), [(0.73, 0.3), (0.72, 0.97)]]],
}

BRUNO: dict[int, list[Stroke]] = {
    0: [[_arc(0.5, 0.5, 0.28, 0.47, 270, 635)]],
    1: [[[(0.16, 0.4), (0.64, 0.03)], [(0.64, 0.03), (0.64, 0.97)]]],
    2: [[_arc(0.5, 0.3, 0.32, 0.26, 200, 385)
         + [(0.28, 0.8), (0.17, 0.92), (0.11, 0.86), (0.2, 0.8), (0.32, 0.9), (0.55, 0.95),
            (0.9, 0.93)]]],
    3: [[[(0.15, 0.05), (0.82, 0.05)], [(0.82, 0.05), (0.42, 0.42)],
         [(0.42, 0.42)] + _arc(0.46, 0.69, 0.34, 0.27, 265, 515)]],
    4: [[[(0.3, 0.02), (0.14, 0.6)], [(0.14, 0.6), (0.9, 0.6)]],
        [[(0.7, 0.25), (0.7, 0.98)]]],
    5: [[[(0.82, 0.04), (0.3, 0.04)], [(0.3, 0.04), (0.24, 0.44)],
         [(0.24, 0.44)] + _arc(0.5, 0.68, 0.32, 0.26, 230, 505)]],
    6: [[[(0.65, 0.04), (0.38, 0.3), (0.25, 0.62)] + _arc(0.5, 0.74, 0.26, 0.22, 180, -160)]],
    7: [[[(0.1, 0.05), (0.9, 0.05)], [(0.9, 0.05), (0.38, 0.97)]],
        [[(0.42, 0.5), (0.86, 0.5)]]],
    8: [[_arc(0.5, 0.26, 0.2, 0.21, 90, 455)], [_arc(0.5, 0.71, 0.28, 0.26, 270, -95)]],
    9: [[_arc(0.5, 0.25, 0.3, 0.22, 0, 365), [(0.8, 0.25), (0.62, 0.98)]]],
}

CHEN: dict[int, list[Stroke]] = {
    0: [[_arc(0.5, 0.5, 0.4, 0.47, 250, -100)]],
    1: [[[(0.5, 0.97), (0.5, 0.03)]]],
    2: [[_arc(0.5, 0.28, 0.34, 0.24, 180, 360), [(0.84, 0.28), (0.12, 0.96)],
         [(0.12, 0.96), (0.9, 0.96)]]],
    3: [[_arc(0.45, 0.25, 0.3, 0.21, 210, 450), [(0.45, 0.46)]
         + _arc(0.45, 0.7, 0.36, 0.26, 270, 520)]],
    4: [[[(0.62, 0.03), (0.1, 0.68)], [(0.1, 0.68), (0.94, 0.68)]],
        [[(0.62, 0.03), (0.62, 0.98)]]],
    5: [[[(0.3, 0.05), (0.28, 0.42)], _arc(0.5, 0.66, 0.33, 0.3, 230, 500)],
        [[(0.3, 0.05), (0.78, 0.03)]]],
    6: [[[(0.7, 0.05), (0.45, 0.18), (0.28, 0.42), (0.22, 0.68)]
         + _arc(0.5, 0.72, 0.28, 0.24, 180, -170)]],
    7: [[[(0.12, 0.08), (0.85, 0.06)], [(0.85, 0.06), (0.62, 0.45), (0.5, 0.97)]],
        [[(0.35, 0.52), (0.8, 0.5)]]],
    8: [[_eight(0.24, 0.3, 0.42, reverse=True)]],
    9: [[_arc(0.48, 0.28, 0.28, 0.24, 0, -360),
         [(0.76, 0.28), (0.74, 0.6), (0.62, 0.9), (0.35, 0.96)]]],
}

DORA: dict[int, list[Stroke]] = {
    0: [[_arc(0.5, 0.5, 0.3, 0.47, 235, 600)]],
    1: [[[(0.28, 0.2), (0.54, 0.03)], [(0.54, 0.03), (0.54, 0.95)]], [[(0.28, 0.95), (0.8, 0.95)]]],
    2: [[_arc(0.5, 0.3, 0.3, 0.26, 170, 375) + [(0.5, 0.6), (0.15, 0.95)],
         [(0.15, 0.95), (0.88, 0.95)]]],
    3: [[_arc(0.5, 0.25, 0.3, 0.21, 200, 445), [(0.55, 0.46), (0.44, 0.47)],
         [(0.44, 0.47)] + _arc(0.5, 0.7, 0.35, 0.26, 275, 525)]],
    4: [[[(0.6, 0.03), (0.08, 0.7)], [(0.08, 0.7), (0.92, 0.7)]],
        [[(0.66, 0.1), (0.66, 0.96)]], [[(0.52, 0.96), (0.8, 0.96)]]],
    5: [[[(0.78, 0.04), (0.3, 0.04)], [(0.3, 0.04), (0.26, 0.42)],
         [(0.26, 0.42), (0.5, 0.38), (0.74, 0.48), (0.8, 0.7), (0.66, 0.9), (0.42, 0.96),
          (0.18, 0.88)]]],
    6: [[[(0.68, 0.03), (0.32, 0.4), (0.24, 0.66)] + _arc(0.5, 0.73, 0.27, 0.23, 180, -175)]],
    7: [[[(0.12, 0.18), (0.12, 0.05)], [(0.12, 0.05), (0.88, 0.05)],
         [(0.88, 0.05), (0.45, 0.97)]]],
    8: [[[(0.72, 0.14), (0.5, 0.04), (0.28, 0.16), (0.35, 0.36), (0.65, 0.6), (0.74, 0.82),
          (0.5, 0.96), (0.26, 0.82), (0.34, 0.6), (0.64, 0.38), (0.72, 0.16)]]],
    9: [[_arc(0.46, 0.27, 0.28, 0.24, 0, 360),
         [(0.74, 0.27), (0.74, 0.85), (0.66, 0.96), (0.56, 0.94)]]],
}


@dataclass(frozen=True)
class Writer:
    """A hand: its glyphs, slant, proportions, steadiness and pen."""

    name: str
    glyphs: dict[int, list[Stroke]]
    slant: float  # degrees; positive leans right (italic)
    aspect: float  # width / height of the digit's box
    jitter: float  # how unsteady the hand is, in units of the box
    nib: bool  # a broad nib (thick downstrokes, thin hairlines) instead of a round pen


WRITERS: tuple[Writer, ...] = (
    Writer("ana", ANA, slant=0.0, aspect=0.72, jitter=0.02, nib=False),
    Writer("bruno", BRUNO, slant=20.0, aspect=0.66, jitter=0.025, nib=False),
    Writer("chen", CHEN, slant=-15.0, aspect=0.8, jitter=0.035, nib=False),
    Writer("dora", DORA, slant=12.0, aspect=0.68, jitter=0.015, nib=True),
)


@dataclass(frozen=True)
class Sheet:
    """Where and with what the digit is drawn (sizes are fractions of the canvas side)."""

    name: str
    canvas: int  # pixels
    height: float  # the digit's height
    centre: Point  # where its box is centred
    pen: float  # pen width
    light_on_dark: bool = False
    paper: int = 255  # gray level of the paper (dark_on_light; inverted otherwise)
    ink: int = 0  # gray level of the ink
    noise: float = 0.0  # standard deviation of the sheet's grain, in gray levels


SHEETS: tuple[Sheet, ...] = (
    Sheet("pen-on-paper", 400, 0.6, (0.5, 0.5), 0.035),
    Sheet("marker-light-on-dark", 300, 0.7, (0.52, 0.48), 0.075, light_on_dark=True,
          paper=250, ink=12),
    Sheet("hairline-small-off-centre", 1400, 0.18, (0.72, 0.3), 0.004),
    Sheet("filling-the-canvas", 500, 0.93, (0.5, 0.5), 0.03),
    Sheet("gray-scan", 600, 0.5, (0.4, 0.6), 0.02, paper=222, ink=45, noise=5.0),
    Sheet("tiny-canvas-light-on-dark", 96, 0.75, (0.5, 0.5), 0.09, light_on_dark=True),
)


@dataclass(frozen=True)
class Sample:
    """One held-out image and what it shows."""

    writer: str
    sheet: str
    digit: int
    image: np.ndarray  # uint8 [canvas, canvas]


def _chaikin(piece: Piece, rounds: int = 3) -> Piece:
    """Smooth a polyline by corner cutting; its end points stay where they are."""
    points = np.asarray(piece, dtype=float)
    for _ in range(rounds):
        if len(points) < 3:
            break
        a, b = points[:-1], points[1:]
        cut = np.empty((2 * len(a), 2))
        cut[0::2] = 0.75 * a + 0.25 * b
        cut[1::2] = 0.25 * a + 0.75 * b
        points = np.vstack([points[:1], cut[1:-1], points[-1:]])
    return [(float(x), float(y)) for x, y in points]


def _seed(*parts: object) -> int:
    return zlib.crc32("/".join(map(str, parts)).encode())


def _wobble(rng: np.random.Generator, amount: float) -> Callable[[float, float], Point]:
    """A smooth random displacement of the box: a hand is unsteady, but not at every point."""
    waves = [(rng.normal(0.0, amount, 2), rng.uniform(0.6, 1.6), rng.uniform(0, 2 * math.pi),
              rng.uniform(0, 2 * math.pi)) for _ in range(3)]

    def move(x: float, y: float) -> Point:
        dx = dy = 0.0
        for (ax, ay), freq, direction, phase in waves:
            wave = math.sin(2 * math.pi * freq * (x * math.cos(direction)
                                                  + y * math.sin(direction)) + phase)
            dx, dy = dx + ax * wave, dy + ay * wave
        return x + dx, y + dy

    return move


def mouse_strokes(writer: Writer, digit: int, seed: int = 0) -> list[list[Point]]:
    """The digit's strokes as smooth polylines in a unit box, slanted, jittered and in the
    writer's proportions (centred; x right, y down)."""
    rng = np.random.default_rng(_seed(writer.name, digit, seed))
    turn = math.radians(rng.uniform(-4.0, 4.0))
    aspect = writer.aspect * rng.uniform(0.92, 1.08)
    shear = math.tan(math.radians(writer.slant))
    wobble = _wobble(rng, writer.jitter)
    out = []
    for index, stroke in enumerate(writer.glyphs[digit]):
        # a lifted pen comes down again a little off where it was meant to
        lift = rng.normal(0.0, writer.jitter, 2) if index else np.zeros(2)
        line: list[Point] = []
        for piece in stroke:
            moved = [wobble(x + lift[0], y + lift[1]) for x, y in piece]
            if line:  # pieces of one stroke meet where the previous one ended
                moved[0] = line[-1]
            line += _chaikin(moved)[1 if line else 0:]
        shaped = []
        for x, y in line:
            x, y = (x - 0.5) * aspect + shear * (0.5 - y), y - 0.5
            x, y = (x * math.cos(turn) - y * math.sin(turn),
                    x * math.sin(turn) + y * math.cos(turn))
            shaped.append((0.5 + x, 0.5 + y))
        out.append(shaped)
    return out


def _stamp(draw: ImageDraw.ImageDraw, line: list[Point], width: float, nib: bool,
           color: int) -> None:
    """Draw a polyline by stamping discs along it (a nib varies the width with direction)."""
    for (x0, y0), (x1, y1) in zip(line[:-1], line[1:], strict=True):
        length = math.hypot(x1 - x0, y1 - y0)
        if nib:  # a nib held at 40°: widest across it, a hairline along it
            angle = math.atan2(y1 - y0, x1 - x0) - math.radians(40)
            radius = width / 2 * (0.35 + 0.9 * abs(math.sin(angle)))
        else:
            radius = width / 2
        steps = max(1, math.ceil(length / max(0.5, radius / 3)))
        for i in range(steps + 1):
            x, y = x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=color)


def render(writer: Writer, digit: int, sheet: Sheet, seed: int = 0) -> np.ndarray:
    """Draw one digit on one sheet; uint8 ``[canvas, canvas]``."""
    zoom = 4 if sheet.canvas <= 600 else 2  # supersampling: edges are antialiased
    side = sheet.canvas * zoom
    height = sheet.height * side
    cx, cy = sheet.centre[0] * side, sheet.centre[1] * side
    paper, ink = (255 - sheet.paper, 255 - sheet.ink) if sheet.light_on_dark else (
        sheet.paper, sheet.ink)
    big = Image.new("L", (side, side), paper)
    draw = ImageDraw.Draw(big)
    for line in mouse_strokes(writer, digit, seed):
        pixels = [(cx + (x - 0.5) * height, cy + (y - 0.5) * height) for x, y in line]
        _stamp(draw, pixels, max(1.0, sheet.pen * side), writer.nib, ink)
    image = np.asarray(big.resize((sheet.canvas, sheet.canvas), Image.Resampling.BOX),
                       dtype=np.float32)
    if sheet.noise:
        rng = np.random.default_rng(_seed(writer.name, digit, sheet.name, seed, "grain"))
        image = image + rng.normal(0.0, sheet.noise, image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def samples() -> Iterator[Sample]:
    """Every held-out image: each writer's ten digits on each sheet (240 in all)."""
    for writer in WRITERS:
        for sheet in SHEETS:
            for digit in range(10):
                yield Sample(writer.name, sheet.name, digit,
                             render(writer, digit, sheet, seed=_seed(sheet.name)))
