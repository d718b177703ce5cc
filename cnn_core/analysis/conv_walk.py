"""A convolution computed one output position at a time, the way the Convolution tab plays it.

:class:`ConvWalk` holds the padded input, the kernel slid over it, the settings, the output
positions in order and the output so far (NaN where not computed yet). It steps forward,
back, or straight to a position; each position is :func:`~.conv_explain.conv_step`, so what
the tab shows is what the hand-written convolution computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .conv_explain import ConvStep, conv_step, output_positions
from .conv_settings import ConvSettings, Pair

__all__ = ["ConvWalk"]

Position = tuple[int, int, int]  # output channel, row, column


@dataclass
class ConvWalk:
    """The positions of a convolution and how many of them are computed.

    Build one with :meth:`start`; :attr:`step` is the position shown in detail (the last
    one computed, or the one jumped to), ``None`` before the first.
    """

    padded: np.ndarray  # [in_channels, H + padding, W + padding]
    weight: np.ndarray  # the kernel slid (already flipped for a true convolution)
    bias: np.ndarray | None
    settings: ConvSettings
    positions: list[Position]
    out: np.ndarray  # [out_channels, H_out, W_out], NaN where not computed
    done: int = 0  # positions computed, in order
    step: ConvStep | None = field(default=None)

    @classmethod
    def start(cls, padded: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
              settings: ConvSettings, out_hw: Pair) -> ConvWalk:
        """A walk over every output position of ``settings`` for an ``out_hw`` output,
        nothing computed yet."""
        return cls(padded, weight, bias, settings, list(output_positions(settings, out_hw)),
                   np.full((settings.out_channels, *out_hw), np.nan))

    @property
    def finished(self) -> bool:
        """True when every position is computed."""
        return self.done >= len(self.positions)

    def _compute(self, channel: int, row: int, col: int) -> ConvStep:
        return conv_step(self.padded, self.weight, self.bias, self.settings, channel, row, col)

    def advance(self, count: int) -> None:
        """Compute the next ``count`` positions (the last one becomes :attr:`step`)."""
        end = min(len(self.positions), self.done + count)
        for o, i, j in self.positions[self.done:end]:
            self.step = self._compute(o, i, j)
            self.out[o, i, j] = self.step.total
        self.done = end
        if self.done == 0:
            self.step = None

    def jump_to(self, channel: int, row: int, col: int) -> bool:
        """Make (``channel``, ``row``, ``col``) the position shown: those before it
        computed, those after it blank. ``False`` for a position the walk does not have."""
        if (channel, row, col) not in self.positions:
            return False
        index = self.positions.index((channel, row, col))
        if index >= self.done:
            self.advance(index + 1 - self.done)
            return True
        for o, i, j in self.positions[index + 1:self.done]:
            self.out[o, i, j] = np.nan
        self.done = index + 1
        self.step = self._compute(channel, row, col)
        return True

    def back(self) -> bool:
        """Undo the last position computed (its output goes blank); ``False`` at the start."""
        if self.done == 0:
            return False
        o, i, j = self.positions[self.done - 1]
        self.out[o, i, j] = np.nan
        self.done -= 1
        self.step = self._compute(*self.positions[self.done - 1]) if self.done else None
        return True
