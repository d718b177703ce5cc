"""Synthetic pictures for teaching a detector what is and is not a digit.

The digit detector (:mod:`cnn_core.recognition.detector`) learns from MNIST digits against pictures
made here: glyphs rendered from the fonts installed on the machine (letters and symbols as
non-digits, the ten digits as extra digits, so that "rendered from a font" tells it nothing) and
random shapes drawn with a pen: polygons, stars, crosses, hatching, zigzags, spirals, scribbles,
figures of straight strokes, irregular closed outlines and paths with sharp corners, and the
things people draw of :mod:`cnn_core.data.drawn_shapes` (houses, arrows, hearts, symbols …).
Everything is drawn on a canvas of random size, either polarity, and then goes through
:func:`cnn_core.data.preprocess.preprocess`, exactly like a drawing on the canvas.

Characters that people also write as digits are left out of the non-digits (see
:data:`DIGIT_LIKE`): an ``O`` is a fair ``0`` and a ``l`` a fair ``1``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .drawn_eval import DIGIT_LIKE, NON_DIGIT_CHARS
from .drawn_shapes import HAND_SHAPES, round_corners
from .preprocess import preprocess

__all__ = ["DIGIT_LIKE", "NON_DIGIT_CHARS", "font_files", "render_glyph", "render_shape",
           "SHAPES", "synthetic_set"]


_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts",
              "/System/Library/Fonts", "C:/Windows/Fonts")
_FONT_WORDS = ("dejavu", "liberation", "noto", "free", "arial", "times", "courier", "verdana",
               "georgia", "helvet", "ubuntu", "cantarell", "comic", "segoe", "calibri")


def font_files(limit: int = 24) -> list[Path]:
    """Latin TrueType/OpenType fonts found on this machine (sorted, at most ``limit``)."""
    found: set[Path] = set()
    for folder in _FONT_DIRS:
        root = Path(folder)
        if root.is_dir():
            for path in root.rglob("*"):
                name = path.name.lower()
                if path.suffix.lower() in (".ttf", ".otf") and any(w in name for w in _FONT_WORDS):
                    found.add(path)
    return sorted(found)[:limit]


def _canvas(rng: np.random.Generator) -> tuple[Image.Image, ImageDraw.ImageDraw, int, int, int]:
    size = int(rng.choice([96, 140, 200, 280]))
    dark_on_light = bool(rng.random() < 0.5)
    paper, ink = (255, 0) if dark_on_light else (0, 255)
    img = Image.new("L", (size, size), paper)
    return img, ImageDraw.Draw(img), size, paper, ink


def render_glyph(char: str, font: Path, rng: np.random.Generator) -> np.ndarray:
    """One character from a font: random size, place, rotation and polarity (uint8 image)."""
    img, draw, size, paper, ink = _canvas(rng)
    face = ImageFont.truetype(str(font), int(size * rng.uniform(0.35, 0.7)))
    x, y = size * rng.uniform(0.3, 0.7), size * rng.uniform(0.3, 0.7)
    draw.text((x, y), char, fill=ink, font=face, anchor="mm")
    angle = float(rng.uniform(-18, 18))
    img = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=paper)
    return np.asarray(img).copy()


def _pen_line(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], ink: int,
              width: int) -> None:
    draw.line(points, fill=ink, width=width, joint="curve")
    r = width / 2
    for x, y in (points[0], points[-1]):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=ink)


def _polygon(rng: np.random.Generator, c: float, r: float) -> list[list[tuple[float, float]]]:
    n = int(rng.integers(3, 7))
    start = rng.uniform(0, 2 * math.pi)
    pts = [(c + r * math.cos(start + 2 * math.pi * i / n), c + r * math.sin(start + 2 * math.pi
                                                                             * i / n))
           for i in range(n + 1)]
    return [pts]


def _star(rng: np.random.Generator, c: float, r: float) -> list[list[tuple[float, float]]]:
    n = int(rng.integers(5, 8))
    step = 2 if n != 6 else 1
    start = rng.uniform(0, 2 * math.pi)
    if step == 1:  # a six-pointed outline star
        pts = [(c + (r if i % 2 == 0 else r * 0.45) * math.cos(start + math.pi * i / 6),
                c + (r if i % 2 == 0 else r * 0.45) * math.sin(start + math.pi * i / 6))
               for i in range(13)]
    else:
        pts = [(c + r * math.cos(start + 2 * math.pi * step * i / n),
                c + r * math.sin(start + 2 * math.pi * step * i / n)) for i in range(n + 1)]
    return [pts]


def _cross(rng: np.random.Generator, c: float, r: float) -> list[list[tuple[float, float]]]:
    a = rng.uniform(0, math.pi)
    out = []
    for k in range(int(rng.integers(2, 4))):
        b = a + k * math.pi / 2 + rng.normal(0, 0.1)
        out.append([(c - r * math.cos(b), c - r * math.sin(b)), (c + r * math.cos(b),
                                                                   c + r * math.sin(b))])
    return out


def _hatching(rng: np.random.Generator, c: float, r: float) -> list[list[tuple[float, float]]]:
    out = []
    for angle in ([rng.uniform(0, math.pi)] if rng.random() < 0.6
                  else [rng.uniform(0, math.pi), rng.uniform(0, math.pi)]):
        n = int(rng.integers(3, 7))
        dx, dy = math.cos(angle), math.sin(angle)
        for i in range(n):
            off = (i / (n - 1) - 0.5) * 2 * r
            ox, oy = -dy * off + c, dx * off + c
            out.append([(ox - dx * r, oy - dy * r), (ox + dx * r, oy + dy * r)])
    return out


def _zigzag(rng: np.random.Generator, c: float, r: float) -> list[list[tuple[float, float]]]:
    n = int(rng.integers(4, 9))
    amp = r * rng.uniform(0.2, 0.8)
    pts = [(c - r + 2 * r * i / (n - 1), c + (amp if i % 2 else -amp)) for i in range(n)]
    angle = rng.uniform(0, math.pi)
    ca, sa = math.cos(angle), math.sin(angle)
    return [[(c + (x - c) * ca - (y - c) * sa, c + (x - c) * sa + (y - c) * ca) for x, y in pts]]


def _spiral(rng: np.random.Generator, c: float, r: float) -> list[list[tuple[float, float]]]:
    turns = rng.uniform(1.5, 3.5)
    start = rng.uniform(0, 2 * math.pi)
    n = 80
    return [[(c + r * (i / n) * math.cos(start + 2 * math.pi * turns * i / n),
              c + r * (i / n) * math.sin(start + 2 * math.pi * turns * i / n)) for i in range(n)]]


def _scribble(rng: np.random.Generator, c: float, r: float) -> list[list[tuple[float, float]]]:
    # A random walk with momentum: loops and turns like a pen wandering over the paper.
    n = int(rng.integers(40, 160))
    pos, vel = np.array([c, c]) + rng.normal(0, r / 3, 2), rng.normal(0, r / 8, 2)
    pts = []
    for _ in range(n):
        vel = 0.85 * vel + rng.normal(0, r / 12, 2) + (np.array([c, c]) - pos) * 0.02
        pos = pos + vel
        pts.append((float(pos[0]), float(pos[1])))
    return [pts]


def _grid(rng: np.random.Generator, c: float, r: float) -> list[list[tuple[float, float]]]:
    n = int(rng.integers(2, 4))
    out = []
    for i in range(n + 1):
        t = c - r + 2 * r * i / n
        out += [[(t, c - r), (t, c + r)], [(c - r, t), (c + r, t)]]
    return out


def _strokes(rng: np.random.Generator, c: float, r: float) -> list[list[tuple[float, float]]]:
    # Two to four straight strokes between random points: figures made of lines, as many
    # letters, arrows and symbols are (one straight stroke alone would be a fair 1).
    return [[(c + r * float(rng.uniform(-1, 1)), c + r * float(rng.uniform(-1, 1)))
             for _ in range(int(rng.integers(2, 4)))] for _ in range(int(rng.integers(2, 5)))]


def _closed(rng: np.random.Generator, c: float, r: float) -> list[list[tuple[float, float]]]:
    # An irregular closed outline with three to five corners (triangles, kites, houses).
    n = int(rng.integers(3, 6))
    start = rng.uniform(0, 2 * math.pi)
    angles = start + 2 * math.pi * (np.arange(n) + rng.uniform(-0.3, 0.3, n)) / n
    radii = r * rng.uniform(0.6, 1.0, n)
    pts = [(c + float(a * math.cos(t)), c + float(a * math.sin(t)))
           for a, t in zip(radii, angles, strict=True)]
    return [[*pts, pts[0]]]


def _polyline(rng: np.random.Generator, c: float, r: float) -> list[list[tuple[float, float]]]:
    # One open path with five to eight sharp corners (lightning, M, W, irregular zigzags).
    return [[(c + r * float(rng.uniform(-1, 1)), c + r * float(rng.uniform(-1, 1)))
             for _ in range(int(rng.integers(5, 9)))]]


SHAPES = {"polygon": _polygon, "star": _star, "cross": _cross, "hatching": _hatching,
          "zigzag": _zigzag, "spiral": _spiral, "scribble": _scribble, "grid": _grid,
          "strokes": _strokes, "closed": _closed, "polyline": _polyline, **HAND_SHAPES}


def render_shape(kind: str, rng: np.random.Generator) -> np.ndarray:
    """A random shape of one of the :data:`SHAPES` kinds drawn with a pen (uint8 image)."""
    img, draw, size, paper, ink = _canvas(rng)
    r = size * rng.uniform(0.15, 0.4)
    c = size / 2
    width = max(1, round(size * rng.uniform(0.01, 0.07)))
    for path in SHAPES[kind](rng, c, r):
        _pen_line(draw, path, ink, width)
    if kind != "scribble" and rng.random() < 0.2:  # sometimes with a stray scribble
        for path in _scribble(rng, c, r * 0.6):
            _pen_line(draw, path, ink, width)
    return np.asarray(img).copy()


def _pen_drawn(strokes: list[list[tuple[float, float]]], rng: np.random.Generator) -> np.ndarray:
    from .drawn_eval import place_strokes, sample_style

    return place_strokes(strokes, sample_style(rng), rng)[0]


def _glyph(char: str, font: Path, rng: np.random.Generator) -> np.ndarray:
    """A character as a font draws it, or (half the time) redrawn along its skeleton with a
    pen of any width, at any size and place on the canvas, as a person would draw it."""
    if rng.random() < 0.5:
        return render_glyph(char, font, rng)
    from .drawn_eval import glyph_ink, skeleton_segments

    return _pen_drawn(skeleton_segments(glyph_ink(char, font)), rng)


# Figures of straight strokes whose corners a quick hand may round (the hand-drawn shapes
# round their own; a regular polygon rounded is a circle).
_ROUNDED = ("closed", "cross", "polyline", "star", "strokes")


def _shape(kind: str, rng: np.random.Generator) -> np.ndarray:
    """A shape drawn with a pen: half as :func:`render_shape`, half at any size, place and pen
    width on the canvas (like the digits the detector learns from), its corners sometimes
    rounded off."""
    if rng.random() < 0.5:
        return render_shape(kind, rng)
    strokes = SHAPES[kind](rng, 0.5, 0.4)
    if kind in _ROUNDED:
        strokes = round_corners(strokes, int(rng.integers(0, 3)))
    return _pen_drawn(strokes, rng)


def synthetic_set(n_nondigits: int, n_font_digits: int, seed: int = 0,
                  fonts: list[Path] | None = None) -> Iterator[tuple[np.ndarray, int]]:
    """Preprocessed 28×28 images with a label: 1 for a digit, 0 for a non-digit.

    Yields ``n_font_digits`` font-rendered digits and ``n_nondigits`` non-digits (about half
    font glyphs, half shapes), interleaved, deterministic for a seed. Pictures that come out
    blank are skipped.
    """
    fonts = fonts if fonts is not None else font_files()
    rng = np.random.default_rng(seed)
    kinds = sorted(SHAPES)
    total = n_nondigits + n_font_digits
    digit_left, non_left = n_font_digits, n_nondigits
    for _ in range(total):
        if digit_left and (not non_left or rng.random() < digit_left / (digit_left + non_left)):
            digit_left -= 1
            if not fonts:
                continue
            img = _glyph(str(rng.integers(10)), fonts[rng.integers(len(fonts))], rng)
            label = 1
        else:
            non_left -= 1
            if fonts and rng.random() < 0.5:
                char = NON_DIGIT_CHARS[rng.integers(len(NON_DIGIT_CHARS))]
                img = _glyph(char, fonts[rng.integers(len(fonts))], rng)
            else:
                img = _shape(kinds[rng.integers(len(kinds))], rng)
            label = 0
        pre = preprocess(img)
        if not pre.blank:
            yield pre.image28, label
