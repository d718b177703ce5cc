"""An exponential moving average of a model's weights, kept beside the live model.

Averaging the weights of the last few thousand steps smooths out the noise of the final
steps; the average, not the live model, is what the run evaluates and saves. BatchNorm's
running statistics are averaged the same way, so the averaged model is consistent.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

__all__ = ["WeightAverage"]


class WeightAverage:
    """``average ← decay · average + (1 − decay) · weights`` after every training step.

    The decay ramps up as ``(1 + t) / (10 + t)`` until it reaches ``decay``, so the first
    steps' random weights do not linger in the average.
    """

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.decay = decay
        self.steps = 0
        self.model = copy.deepcopy(model).eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        pairs = list(zip(self.model.state_dict().values(), model.state_dict().values(),
                         strict=True))
        self._floats = [(a, w) for a, w in pairs if a.is_floating_point()]
        self._others = [(a, w) for a, w in pairs if not a.is_floating_point()]

    @torch.no_grad()
    def update(self) -> None:
        """Fold the live model's current weights into the average (after an optimizer step)."""
        self.steps += 1
        decay = min(self.decay, (1 + self.steps) / (10 + self.steps))
        for a, w in self._floats:
            a.lerp_(w, 1.0 - decay)
        for a, w in self._others:
            a.copy_(w)
