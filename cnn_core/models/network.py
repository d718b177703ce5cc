"""The network class every DigitLab model is an instance of."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["DigitNet", "InceptionBlock", "ResidualBlock"]


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


class InceptionBlock(nn.Module):
    """GoogLeNet's Inception block: four parallel paths concatenated along the channels.

    * ``p1``: 1×1 conv to ``c1`` channels;
    * ``p2``: 1×1 conv to ``c2[0]``, then 3×3 conv (padding 1) to ``c2[1]``;
    * ``p3``: 1×1 conv to ``c3[0]``, then 5×5 conv (padding 2) to ``c3[1]``;
    * ``p4``: 3×3 max pooling (stride 1, padding 1), then 1×1 conv to ``c4``.

    Every convolution is followed by a ReLU. The output has ``c1 + c2[1] + c3[1] + c4``
    channels and the input's height and width.
    """

    def __init__(self, in_channels: int, c1: int, c2: tuple[int, int], c3: tuple[int, int],
                 c4: int) -> None:
        super().__init__()
        self.p1_1 = nn.Conv2d(in_channels, c1, 1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], 1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], 3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], 1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], 5, padding=2)
        self.p4_1 = nn.MaxPool2d(3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)


class DigitNet(nn.Module):
    """A CNN split into a named ``features`` stack and a ``classifier`` head.

    Parameters
    ----------
    features, classifier
        The two parts, whose children carry readable names (``conv1``, ``pool1``, ``fc1``...),
        so every layer's output is addressable as ``features.conv1`` and so on.
    spec
        The JSON-serialisable spec the network was built from (see :mod:`cnn_core.models.specs`).
    """

    def __init__(self, features: nn.Sequential, classifier: nn.Sequential,
                 spec: dict[str, Any]) -> None:
        super().__init__()
        self.features = features
        self.classifier = classifier
        self.spec = spec

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))

    def logits_and_features(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The class scores and the features the last linear layer reads (flattened ``[N,
        D]``), from one forward pass.

        Raises ``ValueError`` when the classifier does not end in a linear layer."""
        layers = list(self.classifier)
        if not layers or not isinstance(layers[-1], nn.Linear):
            raise ValueError(f"{self.name}: its classifier does not end in a linear layer")
        h = self.features(x)
        for layer in layers[:-1]:
            h = layer(h)
        return layers[-1](h), h.flatten(1)

    @property
    def name(self) -> str:
        """The model's name as given in its spec."""
        return str(self.spec.get("name", "custom"))
