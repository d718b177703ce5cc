"""Digits and non-digits as a person puts them on the 280×280 canvas, for judging the verdict.

Written digits are MNIST digits turned back into pen drawings: each digit's skeleton (thinned
at 56×56) is redrawn as pen strokes on the canvas at a random size (a fifth of the canvas to
all of it), place, slight rotation, pen width (hairline to marker), polarity (light on dark as
the canvas draws, dark on light as a scanned or photographed picture), sometimes with a small
gap in a stroke. Handwriting-like fonts give more digits, and their letters and symbols that
are not drawn like digits give non-digits. Any stroke template (polylines in a unit box) can
be put on the canvas the same way (:func:`place_strokes`), which is how the hand-drawn
letters, symbols, shapes and scribbles of the test suite join the evaluation.

Everything is deterministic for a seed. The pictures are uint8 ``[280, 280]`` canvases, to be
read by :func:`cnn_core.data.preprocess.preprocess` exactly like a drawing on the canvas.

The MNIST *test* digits are split once (by a fixed permutation) into a calibration part, on
which thresholds may be set, and a report part used for nothing but reporting
(:func:`split_indices`). :func:`training_digits` draws MNIST *training* digits the same way,
for training what must learn how digits look on the canvas.
"""

from __future__ import annotations

import math
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFont

__all__ = ["CANVAS", "DIGIT_LIKE", "HANDWRITING_FONT_NAMES", "NON_DIGIT_CHARS", "DrawnSample",
           "Part", "Style", "draw_digit", "evaluation_samples", "font_samples", "glyph_ink",
           "handwriting_fonts", "mnist_samples", "place_strokes", "sample_style",
           "skeleton_segments", "split_indices", "training_digits"]

CANVAS = 280  # the app's canvas, in pixels
Part = Literal["calibration", "report"]
Point = tuple[float, float]

# Letters and symbols that are drawn like a digit (O/0, l/1, S/5, Z/2, B/8, g/9, b/6 …):
# never taught or counted as non-digits.
DIGIT_LIKE = "OoQDIlijJSsZzBbgqG|/\\()[]!'`,.:;_"
NON_DIGIT_CHARS = "".join(c for c in string.ascii_letters + string.punctuation
                          if c not in DIGIT_LIKE)

# Fonts whose digits and letters look written rather than typeset. None of them is among the
# fonts the detector learns from (cnn_core.data.nondigits.font_files), so they stay unseen.
HANDWRITING_FONT_NAMES = ("Z003-MediumItalic", "URWGothic-BookOblique", "URWGothic-DemiOblique",
                          "URWBookman-LightItalic", "C059-Italic", "NimbusRoman-Italic",
                          "NimbusSans-Italic", "P052-Italic")
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")

SIZE_BUCKETS = ((0.2, 0.4, "1/5–2/5"), (0.4, 0.6, "2/5–3/5"), (0.6, 0.8, "3/5–4/5"),
                (0.8, 1.01, "4/5–all"))
PEN_BUCKETS = ((-1.0, 0.5, "font's own"), (0.5, 3.5, "hairline ≤3 px"), (3.5, 9.5, "thin 4–9 px"),
               (9.5, 24.5, "medium 10–24 px"), (24.5, 99.0, "marker ≥25 px"))


def _bucket(value: float, table: Sequence[tuple[float, float, str]]) -> str:
    return next((name for lo, hi, name in table if lo <= value < hi), table[-1][2])


@dataclass(frozen=True)
class Style:
    """How one picture is put on the canvas."""

    height: float  # the ink's height as a share of the canvas, before fitting it in
    pen: float  # pen diameter in canvas pixels
    angle: float  # rotation in degrees (counter-clockwise)
    place: Point  # where the ink's box sits in the room left: 0 = left/top, 1 = right/bottom
    dark_on_light: bool
    gap: bool  # a small piece of one stroke left out

    @property
    def pen_bucket(self) -> str:
        return _bucket(self.pen, PEN_BUCKETS)


@dataclass(frozen=True)
class DrawnSample:
    """One picture of the evaluation."""

    image: np.ndarray  # uint8 [280, 280], either polarity
    label: int  # 0..9, or -1 for a non-digit
    source: str  # "mnist", "font:<name>", or the non-digit's name
    style: Style
    size: float  # the ink's height (or width, if larger) as a share of the canvas
    position: str  # "centre", "edge" or "corner": where the ink's centre lies

    def buckets(self) -> dict[str, str]:
        """The size, pen, position and polarity buckets of this picture."""
        return {"size": _bucket(self.size, SIZE_BUCKETS), "pen": self.style.pen_bucket,
                "position": self.position,
                "polarity": "dark on light" if self.style.dark_on_light else "light on dark"}


def sample_style(rng: np.random.Generator) -> Style:
    """A random way to put a drawing on the canvas (see the module docstring)."""
    height = float(rng.uniform(0.2, 1.0))
    # Log-uniform pen from a hairline to a marker, never so wide that the drawing is a blob.
    top = max(1.5, min(48.0, 0.25 * height * CANVAS))
    pen = float(np.exp(rng.uniform(0.0, math.log(top))))
    return Style(height=height, pen=pen, angle=float(rng.uniform(-15, 15)),
                 place=(float(rng.uniform(0, 1)), float(rng.uniform(0, 1))),
                 dark_on_light=bool(rng.random() < 0.3), gap=bool(rng.random() < 0.25))


# ----------------------------------------------------------------------------- skeletons


def _thin(mask: np.ndarray) -> np.ndarray:
    """Zhang–Suen thinning of a binary mask to one-pixel-wide lines."""
    m = np.pad(mask.astype(np.uint8), 1)
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            c = m[1:-1, 1:-1]
            p = [m[:-2, 1:-1], m[:-2, 2:], m[1:-1, 2:], m[2:, 2:], m[2:, 1:-1], m[2:, :-2],
                 m[1:-1, :-2], m[:-2, :-2]]  # P2..P9, clockwise from the top
            neighbours = sum(q.astype(np.int32) for q in p)
            transitions = sum(((p[i] == 0) & (p[(i + 1) % 8] == 1)).astype(np.int32)
                              for i in range(8))
            if step == 0:
                cond = (p[0] * p[2] * p[4] == 0) & (p[2] * p[4] * p[6] == 0)
            else:
                cond = (p[0] * p[2] * p[6] == 0) & (p[0] * p[4] * p[6] == 0)
            remove = ((c == 1) & (neighbours >= 2) & (neighbours <= 6) & (transitions == 1)
                      & cond)
            if remove.any():
                c[remove] = 0
                changed = True
    return m[1:-1, 1:-1].astype(bool)


def skeleton_segments(ink: np.ndarray, size: int = 56) -> list[list[Point]]:
    """The skeleton of a picture's ink as two-point strokes in a unit box (x right, y down).

    ``ink`` is float in [0, 1] (ink = 1), any size; it is scaled to ``size`` pixels on its
    longer side and thinned there.
    """
    rows = np.flatnonzero(ink.max(axis=1) > 0.3)
    cols = np.flatnonzero(ink.max(axis=0) > 0.3)
    if len(rows) == 0:
        return []
    crop = np.ascontiguousarray(ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1], np.float32)
    scale = (size - 4) / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    big = F.interpolate(torch.from_numpy(crop)[None, None], size=(h, w), mode="bilinear",
                        align_corners=False)[0, 0].numpy()
    skel = _thin(np.pad(big > 0.4, 2))
    # Each skeleton pixel moves to the mean of its neighbourhood's: no staircase on the canvas.
    s = torch.from_numpy(skel.astype(np.float32))[None, None]
    ys, xs = torch.meshgrid(torch.arange(skel.shape[0], dtype=torch.float32),
                            torch.arange(skel.shape[1], dtype=torch.float32), indexing="ij")
    box = torch.ones(1, 1, 3, 3)
    count = F.conv2d(s, box, padding=1)
    sx = (F.conv2d(s * xs, box, padding=1) / count.clamp(min=1))[0, 0].numpy()
    sy = (F.conv2d(s * ys, box, padding=1) / count.clamp(min=1))[0, 0].numpy()

    def at(y: int, x: int) -> Point:
        return float(sx[y, x]) / size, float(sy[y, x]) / size

    ys_, xs_ = np.nonzero(skel)
    out: list[list[Point]] = [[at(y, x), at(y, x)]
                              for y, x in zip(ys_.tolist(), xs_.tolist(), strict=True)]
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
        a = skel[max(0, -dy):skel.shape[0] - max(0, dy), max(0, -dx):skel.shape[1] - max(0, dx)]
        b = skel[max(0, dy):, max(0, dx):][:a.shape[0], :a.shape[1]]
        ys_, xs_ = np.nonzero(a & b)
        ys_, xs_ = ys_ + max(0, -dy), xs_ + max(0, -dx)
        out += [[at(y, x), at(y + dy, x + dx)]
                for y, x in zip(ys_.tolist(), xs_.tolist(), strict=True)]
    return out


# ----------------------------------------------------------------------------- placing


def place_strokes(strokes: Sequence[Sequence[Point]], style: Style,
                  rng: np.random.Generator) -> tuple[np.ndarray, float, str]:
    """Draw strokes (polylines, any unit) on the canvas as ``style`` says.

    Returns the uint8 canvas, the ink's size as a share of the canvas and its position bucket.
    """
    parts = [np.asarray(s, np.float64).reshape(-1, 2) for s in strokes if len(s)]
    a = math.radians(style.angle)
    rot = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    allp = np.concatenate(parts) @ rot.T
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    extent = np.maximum(hi - lo, 1e-6)
    pen = style.pen
    room = CANVAS - pen - 2
    scale = min(style.height * CANVAS - pen, room) / extent[1]
    scale = min(scale, room / extent[0]) if extent[0] * scale > room else scale
    scale = max(scale, 4.0 / max(extent))
    box = extent * scale
    offset = pen / 2 + 1 + (room - box) * np.asarray(style.place)
    allp = (allp - lo) * scale + offset
    pts = np.split(allp, np.cumsum([len(p) for p in parts])[:-1])
    if style.gap:
        pts = _cut_gap(pts, pen, float(box.max()), rng)
    img = _draw(pts, pen)
    size = float((box.max() + pen) / CANVAS)
    return _polarity(img, style, rng), size, _position(offset + box / 2)


def _position(centre: Sequence[float]) -> str:
    """"centre", "edge" or "corner": in which ninth of the canvas a point lies."""
    outer = [(c < CANVAS / 3) or (c > 2 * CANVAS / 3) for c in centre]
    return "corner" if all(outer) else "edge" if any(outer) else "centre"


def _cut_gap(pts: list[np.ndarray], pen: float, extent: float,
             rng: np.random.Generator) -> list[np.ndarray]:
    """Leave out the stroke within a small radius of one point (a gap a few % of the size)."""
    allp = np.concatenate(pts)
    centre = allp[rng.integers(len(allp))]
    radius = pen / 2 + extent * rng.uniform(0.02, 0.05)
    out = []
    for p in pts:
        keep = np.linalg.norm(p - centre, axis=1) > radius
        # Split the polyline where points are left out.
        start = None
        for i, k in enumerate([*keep.tolist(), False]):
            if k and start is None:
                start = i
            elif not k and start is not None:
                out.append(p[start:i])
                start = None
    return out or pts


def _draw(pts: list[np.ndarray], pen: float) -> np.ndarray:
    """Round-capped strokes, antialiased as Qt draws them (thin pens drawn at twice the size
    and shrunk). Where the pen is wider than the points are apart, a disc at every point
    draws the stroke; otherwise lines between them do (with discs at their ends)."""
    k = 2 if pen < 8 else 1
    img = Image.new("L", (CANVAS * k, CANVAS * k), 0)
    draw = ImageDraw.Draw(img)
    width = max(1, round(pen * k))
    r = width / 2
    discs: set[tuple[float, float]] = set()  # a point shared by strokes gets one disc
    for p in pts:
        q = (p * k).tolist()
        steps = np.linalg.norm(np.diff(p, axis=0), axis=1) * k if len(p) > 1 else np.zeros(0)
        if len(q) > 1 and (r <= 1.5 or steps.max() > r):
            draw.line([tuple(x) for x in q], fill=255, width=width)
            ends = [q[0], q[-1]]
        else:
            ends = q
        if width > 2:
            discs.update((x, y) for x, y in ends)
    for x, y in discs:
        draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    if k == 1:
        return np.asarray(img).copy()
    return np.asarray(img.resize((CANVAS, CANVAS), Image.Resampling.BOX))


def _polarity(img: np.ndarray, style: Style, rng: np.random.Generator) -> np.ndarray:
    if not style.dark_on_light:
        return img.copy()
    paper, ink = float(rng.uniform(200, 255)), float(rng.uniform(0, 60))
    return np.round(paper + (ink - paper) * (img / 255.0)).astype(np.uint8)


# ----------------------------------------------------------------------------- digits


def draw_digit(digit28: np.ndarray, style: Style, rng: np.random.Generator
               ) -> tuple[np.ndarray, float, str]:
    """An MNIST-style ``[28, 28]`` digit (ink = 1 or 255) redrawn with a pen on the canvas."""
    ink = np.asarray(digit28, np.float32)
    ink = ink / 255.0 if ink.max() > 1.0 else ink
    return place_strokes(skeleton_segments(ink), style, rng)


def split_indices(n: int, part: Part) -> np.ndarray:
    """MNIST test indices of the calibration part (even positions of a fixed permutation) or
    of the report part (odd positions)."""
    order = np.random.default_rng(20_161).permutation(n)
    return np.sort(order[0::2] if part == "calibration" else order[1::2])


def mnist_samples(part: Part, n: int | None = None, seed: int = 0) -> Iterator[DrawnSample]:
    """MNIST test digits of one part, each drawn once on the canvas (``n`` first at most)."""
    from .datasets import load_split

    split = load_split("mnist", train=False)
    index = split_indices(len(split.labels), part)[:n]
    images = split.images[torch.from_numpy(index)].numpy()
    labels = split.labels[torch.from_numpy(index)].tolist()
    rng = np.random.default_rng([seed, 0 if part == "calibration" else 1])
    for image, label in zip(images, labels, strict=True):
        style = sample_style(rng)
        img, size, position = draw_digit(image, style, rng)
        yield DrawnSample(img, int(label), "mnist", style, size, position)


def training_digits(start: int, stop: int, seed: int = 0) -> Iterator[tuple[np.ndarray, int]]:
    """MNIST *training* digits ``start:stop`` of a seeded permutation, drawn on the canvas like
    the evaluation's digits: (canvas, label). Each range draws with its own random stream."""
    from .datasets import load_split

    split = load_split("mnist", train=True)
    index = np.random.default_rng(seed).permutation(len(split.labels))[start:stop]
    images = split.images[torch.from_numpy(index)].numpy()
    labels = split.labels[torch.from_numpy(index)].tolist()
    rng = np.random.default_rng([seed, 2, start])
    for image, label in zip(images, labels, strict=True):
        yield draw_digit(image, sample_style(rng), rng)[0], int(label)


# ----------------------------------------------------------------------------- fonts


def handwriting_fonts() -> list[Path]:
    """The handwriting-like fonts of :data:`HANDWRITING_FONT_NAMES` found on this machine."""
    found: dict[str, Path] = {}
    for folder in _FONT_DIRS:
        root = Path(folder)
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.suffix.lower() in (".otf", ".ttf") and path.stem in HANDWRITING_FONT_NAMES:
                    found.setdefault(path.stem, path)
    return [found[name] for name in HANDWRITING_FONT_NAMES if name in found]


def glyph_ink(char: str, font: Path) -> np.ndarray:
    """A character of a font as float ink in [0, 1] on a 192×192 picture."""
    face = ImageFont.truetype(str(font), 96)
    img = Image.new("L", (192, 192), 0)
    ImageDraw.Draw(img).text((96, 96), char, fill=255, font=face, anchor="mm")
    return np.asarray(img, np.float32) / 255.0


def _draw_glyph(char: str, font: Path, style: Style, rng: np.random.Generator
                ) -> tuple[np.ndarray, float, str, Style]:
    """A font's glyph on the canvas: half as the font draws it (its own weight: the style's
    pen becomes 0), half redrawn along its skeleton with the style's pen."""
    ink = glyph_ink(char, font)
    if rng.random() < 0.5:
        return (*place_strokes(skeleton_segments(ink), style, rng), style)
    style = Style(style.height, 0.0, style.angle, style.place, style.dark_on_light, False)
    pil = Image.fromarray(np.round(ink * 255).astype(np.uint8))
    pil = pil.rotate(style.angle, resample=Image.Resampling.BILINEAR, expand=True)
    glyph = np.asarray(pil, np.float32) / 255.0
    rows, cols = np.flatnonzero(glyph.max(axis=1) > 0.3), np.flatnonzero(glyph.max(axis=0) > 0.3)
    glyph = glyph[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = glyph.shape
    scale = min(style.height * CANVAS / h, (CANVAS - 2) / w, (CANVAS - 2) / h)
    nh, nw = max(2, round(h * scale)), max(2, round(w * scale))
    glyph = np.asarray(Image.fromarray(np.round(glyph * 255).astype(np.uint8)).resize(
        (nw, nh), Image.Resampling.BILINEAR))
    top = round((CANVAS - nh) * style.place[1])
    left = round((CANVAS - nw) * style.place[0])
    img = np.zeros((CANVAS, CANVAS), np.uint8)
    img[top:top + nh, left:left + nw] = glyph
    size = max(nh, nw) / CANVAS
    return _polarity(img, style, rng), size, _position((left + nw / 2, top + nh / 2)), style


def font_samples(part: Part, chars: str, label_of: dict[str, int] | None = None,
                 per_char: int = 4, seed: int = 0) -> Iterator[DrawnSample]:
    """Characters in the handwriting fonts of one part (fonts alternate between the parts).

    ``label_of`` maps a character to its label (a digit); characters not in it are -1.
    """
    fonts = handwriting_fonts()[0 if part == "calibration" else 1::2]
    rng = np.random.default_rng([seed, 3 if part == "calibration" else 4])
    for font in fonts:
        for char in chars:
            for _ in range(per_char):
                style = sample_style(rng)
                img, size, position, style = _draw_glyph(char, font, style, rng)
                label = (label_of or {}).get(char, -1)
                yield DrawnSample(img, label, f"font:{font.stem}" if label >= 0
                                  else f"{font.stem}:{char}", style, size, position)


def evaluation_samples(part: Part, n_digits: int | None = None, seed: int = 0,
                       per_char: int = 4) -> Iterator[DrawnSample]:
    """One part of the evaluation made here: MNIST test digits, handwriting-font digits, and
    the fonts' letters and symbols that are not drawn like digits (label -1)."""
    yield from mnist_samples(part, n_digits, seed)
    digits = "0123456789"
    yield from font_samples(part, digits, {c: int(c) for c in digits}, per_char, seed)
    yield from font_samples(part, NON_DIGIT_CHARS, None, 1, seed)
