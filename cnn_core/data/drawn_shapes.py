"""Shapes and symbols that people draw, made at random, with a wobbly hand.

More non-digits for the digit detector (:mod:`cnn_core.data.nondigits`): figures with corners
(triangles, houses, boxes, arrows, check marks, lightning bolts), round figures that are not
digits (hearts, clouds, suns, flowers, faces, crescents), symbols as a pen makes them (+ = # *
% @ ? & and arrows) and scribbles of other kinds (cursive loops, waves, back-and-forth
filling, tangles). Every maker draws its figure with random proportions, slant and missing or
extra bits around a centre ``c`` with radius ``r``, as a list of polylines; then, as a hand
does, :func:`round_corners` rounds some of their corners off (a quick pen does not stop at
each one) and :func:`wobble` bends the strokes a little.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["HAND_SHAPES", "round_corners", "wobble"]

Point = tuple[float, float]
Strokes = list[list[Point]]


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def _ellipse(cx: float, cy: float, rx: float, ry: float, a0: float = 0.0,
             a1: float = 2 * math.pi, n: int = 24) -> list[Point]:
    return [(cx + rx * math.cos(a0 + (a1 - a0) * i / n), cy + ry * math.sin(a0 + (a1 - a0) * i / n))
            for i in range(n + 1)]


def _transform(strokes: Strokes, rng: np.random.Generator, c: float, r: float,
               turn: float = 0.3) -> Strokes:
    """Shapes are drawn in a unit frame around (0, 0) with radius 1; here they are put at
    ``c`` with radius ``r``, turned by up to ``turn`` radians, stretched and slanted."""
    a = _u(rng, -turn, turn)
    sx, sy = _u(rng, 0.7, 1.0), _u(rng, 0.7, 1.0)
    slant = _u(rng, -0.3, 0.3)
    ca, sa = math.cos(a), math.sin(a)
    out = []
    for path in strokes:
        q = []
        for x, y in path:
            x, y = (x + slant * y) * sx, y * sy
            q.append((c + r * (x * ca - y * sa), c + r * (x * sa + y * ca)))
        out.append(q)
    return out


def wobble(strokes: Strokes, rng: np.random.Generator, amount: float) -> Strokes:
    """Strokes bent by a smooth random displacement of up to ``amount`` (in their units):
    each stroke is resampled densely and moved along two slow random waves, so its corners
    stay corners and its straight lines become hand-drawn ones."""
    out = []
    for path in strokes:
        p = np.asarray(path, np.float64)
        if len(p) < 2 or amount <= 0:
            out.append(path)
            continue
        seg = np.linalg.norm(np.diff(p, axis=0), axis=1)
        t = np.concatenate([[0.0], np.cumsum(seg)])
        if t[-1] <= 0:
            out.append(path)
            continue
        n = max(len(p), int(t[-1] / max(amount, 1e-6) * 3) + 2, 8)
        s = np.union1d(np.linspace(0, t[-1], min(n, 200)), t)  # keep the corners
        dense = np.stack([np.interp(s, t, p[:, 0]), np.interp(s, t, p[:, 1])], axis=1)
        u = s / t[-1]
        shift = np.zeros_like(dense)
        for _ in range(2):
            freq = rng.uniform(0.5, 2.0)
            phase = rng.uniform(0, 2 * math.pi, 2)
            shift += amount * 0.5 * np.sin(2 * math.pi * freq * u[:, None] + phase) \
                * rng.uniform(-1, 1, 2)
        out.append([(float(x), float(y)) for x, y in dense + shift])
    return out


def round_corners(strokes: Strokes, times: int) -> Strokes:
    """Strokes with their corners cut ``times`` times (Chaikin's scheme: each segment keeps
    its middle half), as a quick hand rounds them; open strokes keep their ends, closed ones
    stay closed and are cut once at most (cut twice, a box or a triangle becomes an oval: a
    fair 0)."""
    out = []
    for path in strokes:
        p = np.asarray(path, np.float64)
        closed = len(p) > 2 and np.allclose(p[0], p[-1])
        for _ in range((min(times, 1) if closed else times) if len(p) > 2 else 0):
            a, b = p[:-1], p[1:]
            cut = np.stack([0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b], axis=1).reshape(-1, 2)
            p = np.concatenate([cut, cut[:1]]) if closed else np.concatenate(
                [p[:1], cut, p[-1:]])
        out.append([(float(x), float(y)) for x, y in p])
    return out


# ----------------------------------------------------------------------------- with corners


def _triangle(rng: np.random.Generator) -> Strokes:
    top = (_u(rng, -0.6, 0.6), -1.0)
    pts = [top, (1.0, _u(rng, 0.7, 1.0)), (-1.0, _u(rng, 0.7, 1.0))]
    start = int(rng.integers(3))
    pts = pts[start:] + pts[:start]
    close = [pts[0]] if rng.random() < 0.8 else [(pts[0][0] + _u(rng, -0.2, 0.2),
                                                  pts[0][1] + _u(rng, -0.2, 0.2))]
    return [pts + close]


def _house(rng: np.random.Generator) -> Strokes:
    w, roof = _u(rng, 0.6, 1.0), _u(rng, -0.2, 0.2)
    base, eave, peak = 1.0, roof, -1.0
    body = [(-w, eave), (-w, base), (w, base), (w, eave)]
    if rng.random() < 0.5:  # one stroke: walls, then the roof
        paths = [[(-w, eave), (-w, base), (w, base), (w, eave), (-w, eave), (0, peak), (w, eave)]]
    else:
        paths = [[*body, (-w, eave)], [(-w * 1.15, eave), (_u(rng, -0.2, 0.2), peak),
                                       (w * 1.15, eave)]]
    if rng.random() < 0.5:  # a door
        d = _u(rng, 0.15, 0.3)
        paths.append([(-d, base), (-d, base - _u(rng, 0.4, 0.8) * (base - eave)),
                      (d, base - 0.6 * (base - eave)), (d, base)])
    return paths


def _box(rng: np.random.Generator) -> Strokes:
    w, h = _u(rng, 0.5, 1.0), _u(rng, 0.5, 1.0)
    paths = [[(-w, -h), (w, -h), (w, h), (-w, h), (-w, -h)]]
    extra = rng.integers(4)
    if extra == 1:
        paths.append([(-w, -h), (w, h)])
    elif extra == 2:
        paths += [[(-w, -h), (w, h)], [(w, -h), (-w, h)]]
    elif extra == 3:  # a box drawn in perspective
        d = _u(rng, 0.2, 0.4)
        paths.append([(-w, -h), (-w + d, -h - d), (w + d, -h - d), (w + d, h - d), (w, h)])
        paths.append([(w, -h), (w + d, -h - d)])
    return paths


def _arrow(rng: np.random.Generator) -> Strokes:
    bend = _u(rng, -0.5, 0.5) if rng.random() < 0.4 else 0.0
    shaft = [(-1.0 + 2 * i / 8, bend * math.sin(math.pi * i / 8)) for i in range(9)]
    head = _u(rng, 0.3, 0.6)
    spread = _u(rng, 0.5, 1.0)
    tip = shaft[-1]
    wings = [(tip[0] - head, tip[1] - head * spread), tip, (tip[0] - head, tip[1] + head * spread)]
    if rng.random() < 0.5:
        return [shaft, wings]
    return [shaft + [wings[0]], [tip, wings[2]]]


def _check(rng: np.random.Generator) -> Strokes:
    corner = (_u(rng, -0.4, 0.0), _u(rng, 0.6, 1.0))
    return [[(-1.0, _u(rng, -0.1, 0.4)), corner, (1.0, _u(rng, -1.0, -0.6))]]


def _lightning(rng: np.random.Generator) -> Strokes:
    if rng.random() < 0.5:  # a bolt outline
        a, b = _u(rng, 0.1, 0.4), _u(rng, -0.1, 0.2)
        pts = [(_u(rng, 0.0, 0.4), -1.0), (-0.6, b), (0.0 + a, b), (-0.4, 1.0),
               (0.6, -b * 0.5 - 0.1), (0.0, -b * 0.5 - 0.1), (0.6, -1.0)]
        return [[*pts, pts[0]]]
    n = int(rng.integers(4, 7))  # a zigzag falling down
    w = _u(rng, 0.3, 0.8)
    pts = [((w if i % 2 else -w) + _u(rng, -0.2, 0.2), -1.0 + 2 * i / n) for i in range(n + 1)]
    if rng.random() < 0.5:
        pts.append((pts[-1][0] - _u(rng, 0.2, 0.5), pts[-1][1] - _u(rng, 0.2, 0.5)))
    return [pts]


# ----------------------------------------------------------------------------- round figures


def _heart(rng: np.random.Generator) -> Strokes:
    k = _u(rng, 0.8, 1.2)
    pts = []
    for i in range(41):
        t = 2 * math.pi * i / 40
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        pts.append((x / 17 * k, -y / 17))
    return [pts]


def _cloud(rng: np.random.Generator) -> Strokes:
    n = int(rng.integers(4, 8))
    pts: list[Point] = []
    for i in range(n):
        a0, a1 = 2 * math.pi * i / n, 2 * math.pi * (i + 1) / n
        mid = (a0 + a1) / 2
        bump = _u(rng, 0.25, 0.45)
        cx, cy = 0.75 * math.cos(mid), 0.55 * math.sin(mid)
        pts += _ellipse(cx, cy, bump, bump, mid - math.pi / 2 - 0.3, mid + math.pi / 2 + 0.3, 8)
    return [[*pts, pts[0]]]


def _sun(rng: np.random.Generator) -> Strokes:
    r = _u(rng, 0.35, 0.5)
    paths = [_ellipse(0, 0, r, r)]
    n = int(rng.integers(6, 12))
    start = _u(rng, 0, math.pi)
    for i in range(n):
        a = start + 2 * math.pi * i / n
        paths.append([(1.3 * r * math.cos(a), 1.3 * r * math.sin(a)),
                      (math.cos(a), math.sin(a))])
    return paths


def _flower(rng: np.random.Generator) -> Strokes:
    n = int(rng.integers(4, 8))
    depth = _u(rng, 0.3, 0.6)
    pts = [((1 - depth * abs(math.cos(n * t / 2))) * math.cos(t),
            (1 - depth * abs(math.cos(n * t / 2))) * math.sin(t))
           for t in np.linspace(0, 2 * math.pi, 80)]
    paths = [pts]
    if rng.random() < 0.5:
        paths.append(_ellipse(0, 0, 0.2, 0.2, n=10))
    return paths


def _face(rng: np.random.Generator) -> Strokes:
    mood = _u(rng, -1, 1)
    paths = [_ellipse(0, 0, 1.0, _u(rng, 0.85, 1.0)),
             [(-0.35, -0.3), (-0.34, -0.28)], [(0.35, -0.3), (0.36, -0.28)]]
    if mood > -0.3:
        paths.append(_ellipse(0, 0.1, 0.5, 0.4 * mood + 0.05, 0.3, math.pi - 0.3, 10))
    else:
        paths.append([(-0.45, 0.45), (0.45, 0.45)])
    return paths


def _crescent(rng: np.random.Generator) -> Strokes:
    inner = _u(rng, 0.6, 0.85)
    outer = _ellipse(0, 0, 1, 1, math.pi / 2, 3 * math.pi / 2 + 0.0, 20)
    back = _ellipse(_u(rng, -0.5, -0.2), 0, inner, 1, 3 * math.pi / 2, math.pi / 2, 20)
    return [outer + back]


# ----------------------------------------------------------------------------- symbols


def _plus(rng: np.random.Generator) -> Strokes:
    cx, cy = _u(rng, -0.2, 0.2), _u(rng, -0.2, 0.2)
    return [[(-1.0, cy), (1.0, cy)], [(cx, -1.0), (cx, 1.0)]]


def _equals(rng: np.random.Generator) -> Strokes:
    n = 2 if rng.random() < 0.8 else 3
    gap = _u(rng, 0.3, 0.8)
    return [[(-1.0, gap * (i - (n - 1) / 2)), (1.0, gap * (i - (n - 1) / 2))] for i in range(n)]


def _hash(rng: np.random.Generator) -> Strokes:
    g, lean = _u(rng, 0.3, 0.5), _u(rng, 0.0, 0.4)
    return [[(-g + lean, -1.0), (-g - lean, 1.0)], [(g + lean, -1.0), (g - lean, 1.0)],
            [(-1.0, -g), (1.0, -g)], [(-1.0, g), (1.0, g)]]


def _asterisk(rng: np.random.Generator) -> Strokes:
    n = int(rng.integers(3, 5))
    start = _u(rng, 0, math.pi)
    return [[(-math.cos(start + math.pi * i / n), -math.sin(start + math.pi * i / n)),
             (math.cos(start + math.pi * i / n), math.sin(start + math.pi * i / n))]
            for i in range(n)]


def _percent(rng: np.random.Generator) -> Strokes:
    r = _u(rng, 0.2, 0.3)
    return [[(0.8, -1.0), (-0.8, 1.0)], _ellipse(-0.55, -0.6, r, r * 1.3, n=12),
            _ellipse(0.55, 0.6, r, r * 1.3, n=12)]


def _at(rng: np.random.Generator) -> Strokes:
    r = _u(rng, 0.3, 0.45)
    inner = _ellipse(0, 0, r, r * 1.1, 0, 2 * math.pi, 14)
    outer = _ellipse(0, 0, 1.0, 1.0, 0.4, 2 * math.pi - 0.3, 28)
    tail = [(r, -r), (r, r * 0.8), (0.75, 0.5), *outer]
    return [inner, tail]


def _question(rng: np.random.Generator) -> Strokes:
    hook = _ellipse(0, -0.45, 0.6, 0.5, math.pi * _u(rng, 0.9, 1.1), math.pi * 2.4, 16)
    hook.append((0.0, 0.45))
    return [hook, [(0.0, 0.9), (0.01, 0.92)]]


def _ampersand(rng: np.random.Generator) -> Strokes:
    pts = [(0.8, 1.0), (-0.3, -0.2)] + _ellipse(0, -0.55, 0.35, 0.4, math.pi * 0.75,
                                                  math.pi * 2.25, 12)
    pts += [(-0.6, 0.35)] + _ellipse(-0.2, 0.55, 0.45, 0.4, math.pi, math.pi * 1.9, 8)
    pts += [(0.7, 0.2)]
    return [pts]


# ----------------------------------------------------------------------------- scribbles


_LOOP_HEIGHT = 2.5  # cursive loops are taller than wide


def _loops(rng: np.random.Generator) -> Strokes:
    n, r = int(rng.integers(3, 8)), _u(rng, 0.2, 0.4)
    pts = []
    for t in np.linspace(0, 2 * math.pi * n, 24 * n):
        x = -1.0 + 2 * t / (2 * math.pi * n) - r * math.sin(t)
        pts.append((x, -r * math.cos(t) * _LOOP_HEIGHT))
    return [pts]


def _wave(rng: np.random.Generator) -> Strokes:
    n, amp = _u(rng, 1.0, 4.0), _u(rng, 0.2, 0.6)
    rows = 1 if rng.random() < 0.7 else 2
    return [[(x, amp * math.sin(2 * math.pi * n * (x + 1) / 2) + 0.6 * (i - (rows - 1) / 2))
             for x in np.linspace(-1, 1, 60)] for i in range(rows)]


def _fill(rng: np.random.Generator) -> Strokes:
    n = int(rng.integers(5, 14))
    w = _u(rng, 0.5, 1.0)
    pts = [((w if i % 2 else -w) + _u(rng, -0.2, 0.2), -1.0 + 2 * i / (n - 1)) for i in range(n)]
    return [pts]


def _tangle(rng: np.random.Generator) -> Strokes:
    paths = []
    # Three to five loops around points spread over the figure (two alone could be an 8).
    for _ in range(int(rng.integers(3, 6))):
        cx, cy, rx, ry = _u(rng, -0.6, 0.6), _u(rng, -0.6, 0.6), _u(rng, 0.2, 0.5), \
            _u(rng, 0.2, 0.5)
        a0 = _u(rng, 0, 2 * math.pi)
        paths.append(_ellipse(cx, cy, rx, ry, a0, a0 + _u(rng, 1.2, 2.0) * math.pi, 30))
    return paths


_MAKERS: dict[str, Callable[[np.random.Generator], Strokes]] = {
    "triangle": _triangle, "house": _house, "box": _box, "arrow": _arrow, "check": _check,
    "lightning": _lightning, "heart": _heart, "cloud": _cloud, "sun": _sun,
    "flower": _flower, "face": _face, "crescent": _crescent, "plus": _plus,
    "equals": _equals, "hash": _hash, "asterisk": _asterisk, "percent": _percent, "at": _at,
    "question": _question, "ampersand": _ampersand, "loops": _loops, "wave": _wave,
    "fill": _fill, "tangle": _tangle}


# Zigzags whose corners must stay sharp: rounded, a zigzag falling down is a fair 3.
_SHARP = ("lightning", "fill")


def _shape_maker(make: Callable[[np.random.Generator], Strokes], sharp: bool = False
                 ) -> Callable[[np.random.Generator, float, float], Strokes]:
    def shape(rng: np.random.Generator, c: float, r: float) -> Strokes:
        times = 0 if sharp else int(rng.integers(0, 3))
        strokes = round_corners(_transform(make(rng), rng, c, r), times)
        return wobble(strokes, rng, r * _u(rng, 0.0, 0.12))

    shape.__name__ = make.__name__
    shape.__doc__ = f"A {make.__name__.strip('_')} around ``c`` with radius ``r``, hand-drawn."
    return shape


# Each kind's maker, as :data:`cnn_core.data.nondigits.SHAPES` takes them: (rng, c, r) -> strokes.
HAND_SHAPES: dict[str, Callable[[np.random.Generator, float, float], Strokes]] = {
    name: _shape_maker(make, name in _SHARP) for name, make in _MAKERS.items()}
