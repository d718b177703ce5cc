"""The network class every DigitLab model is an instance of."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["DigitNet", "ResidualBlock"]


class ResidualBlock(nn.Module):
    """Two 3×3 conv + BatchNorm layers with an identity (or 1×1 conv) shortcut.

    ``y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))``; the shortcut is a strided
    1×1 convolution when the block changes the number of channels or the resolution.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 use_1x1conv: bool = False) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = (
            nn.Conv2d(in_channels, out_channels, 1, stride=stride) if use_1x1conv else None
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        skip = x if self.shortcut is None else self.shortcut(x)
        return F.relu(y + skip)


class DigitNet(nn.Module):
    """A CNN split into a named ``features`` stack and a ``classifier`` head.

    Parameters
    ----------
    features, classifier
        The two parts, whose children carry readable names (``conv1``, ``pool1``, ``fc1``...),
        so every layer's output is addressable as ``features.conv1`` and so on.
    spec
        The JSON-serialisable spec the network was built from (see :mod:`cnn_core.specs`).
    """

    def __init__(self, features: nn.Sequential, classifier: nn.Sequential,
                 spec: dict[str, Any]) -> None:
        super().__init__()
        self.features = features
        self.classifier = classifier
        self.spec = spec

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))

    @property
    def name(self) -> str:
        """The model's name as given in its spec."""
        return str(self.spec.get("name", "custom"))
