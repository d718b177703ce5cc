"""PyTorch's output size of a convolution or pooling window along one axis, and its formula.

The one place this rule lives: the spec checks (:mod:`.spec_validation`), the layer
inspection (:mod:`cnn_core.analysis.inspection`) and the hand-written convolution
(:mod:`cnn_core.analysis.conv_explain`) all use it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SizeFormula", "output_size", "size_formula"]


def output_size(n: int, f: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """⌊(N + 2P − D·(F − 1) − 1) / S⌋ + 1: PyTorch's output size along one axis.

    With ``D = 1`` this is the tutorials' ``(N + 2P − F) / S + 1``, rounded down.
    """
    return _span(n, f, p, d) // s + 1


def _span(n: int, f: int, p: int, d: int) -> int:
    """How far the window's first tap can move: the padded size less the kernel's reach."""
    return n + 2 * p - d * (f - 1) - 1


@dataclass(frozen=True)
class SizeFormula:
    """The output size along one axis and the formula that gives it, numbers filled in."""

    size: int
    text: str  # e.g. "(28 + 2×1 − 3) / 1 + 1 = 28"
    exact: bool  # False when the division leaves a remainder (the last positions do not fit)


def size_formula(n: int, f: int, s: int = 1, p: int = 0, d: int = 1) -> SizeFormula:
    """The output-size formula for one axis, written with these numbers.

    The tutorials' form ``(N + 2P − F) / S + 1`` is used when ``D = 1``; with dilation the
    kernel's reach ``D·(F − 1) + 1`` replaces ``F``. A division with a remainder is written
    with floor brackets ⌊ ⌋.
    """
    size = output_size(n, f, s, p, d)
    reach = f"{f}" if d == 1 else f"{d}×({f}−1) − 1"
    exact = _span(n, f, p, d) % s == 0
    inner = f"({n} + 2×{p} − {reach}) / {s}"
    body = inner if exact else f"⌊{inner}⌋"
    return SizeFormula(size, f"{body} + 1 = {size}", exact)
