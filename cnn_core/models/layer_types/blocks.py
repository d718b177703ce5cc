"""The block layer types: ``residual`` (ResNet) and ``inception`` (GoogLeNet); each builds
a module of :mod:`cnn_core.models.network` and exports a class of the same layers."""

from __future__ import annotations

from typing import Any

from ...runtime.messages import Core
from ..network import InceptionBlock, ResidualBlock
from ..output_size import output_size
from .base import (
    INIT,
    MAX_WIDTH,
    MAX_WINDOW,
    SIZE,
    LayerCost,
    LayerType,
    Shape,
    SpecError,
    Window,
    as_pair,
    boolean,
    call,
    conv_cost,
    fmt,
    integer,
    is_int,
    positions,
    show_value,
)

__all__ = ["INCEPTION", "RESIDUAL"]

_RESIDUAL_SOURCE = '''

class ResidualBlock(nn.Module):
    """Two 3×3 conv + BatchNorm layers and a shortcut (identity, or a strided 1×1 conv).

    y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))
    """

    def __init__(self, in_channels, out_channels, stride=1, use_1x1conv=False):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = (
            nn.Conv2d(in_channels, out_channels, 1, stride=stride) if use_1x1conv else None
        )

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        skip = x if self.shortcut is None else self.shortcut(x)
        return F.relu(y + skip)
'''

_INCEPTION_SOURCE = '''

class Inception(nn.Module):
    """GoogLeNet's Inception block: four parallel paths, concatenated on the channels.

    p1: 1×1 conv | p2: 1×1 conv, 3×3 conv | p3: 1×1 conv, 5×5 conv | p4: 3×3 max pool, 1×1 conv;
    a ReLU after every conv. Height and width are kept.
    """

    def __init__(self, in_channels, c1, c2, c3, c4):
        super().__init__()
        self.p1_1 = nn.Conv2d(in_channels, c1, 1)
        self.p2_1 = nn.Conv2d(in_channels, c2[0], 1)
        self.p2_2 = nn.Conv2d(c2[0], c2[1], 3, padding=1)
        self.p3_1 = nn.Conv2d(in_channels, c3[0], 1)
        self.p3_2 = nn.Conv2d(c3[0], c3[1], 5, padding=2)
        self.p4_1 = nn.MaxPool2d(3, stride=1, padding=1)
        self.p4_2 = nn.Conv2d(in_channels, c4, 1)

    def forward(self, x):
        p1 = F.relu(self.p1_1(x))
        p2 = F.relu(self.p2_2(F.relu(self.p2_1(x))))
        p3 = F.relu(self.p3_2(F.relu(self.p3_1(x))))
        p4 = F.relu(self.p4_2(self.p4_1(x)))
        return torch.cat((p1, p2, p3, p4), dim=1)
'''


def _residual_shape(s: dict[str, Any], in_shape: Shape, where: str, label: str) -> Shape:
    c, h, w = in_shape
    out, stride = s.get("out_channels", c), s.get("stride", 1)
    if (out != c or stride != 1) and not s.get("use_1x1conv", False):
        raise SpecError(Core.tr("{label}: changes {shape} to {out} channels / stride {stride}, "
                                "which needs \"use_1x1conv\": true for the shortcut", label=label,
                                shape=fmt(in_shape), out=out, stride=stride))
    return (out, output_size(h, 3, stride, 1), output_size(w, 3, stride, 1))


def _residual_cost(s: dict[str, Any], inp: Shape, out: Shape) -> LayerCost:
    """Two 3×3 convolutions, each followed by a BatchNorm, and an optional 1×1 shortcut."""
    c_in, c_out, n = inp[0], out[0], positions(out)
    p1, m1 = conv_cost(c_in, c_out, 3, n)
    p2, m2 = conv_cost(c_out, c_out, 3, n)
    ps, ms = conv_cost(c_in, c_out, 1, n) if s.get("use_1x1conv", False) else (0, 0)
    n_out = c_out * n
    return LayerCost(p1 + p2 + ps + 4 * c_out, m1 + m2 + ms, 2 * n_out,
                     5 * n_out)  # conv1, bn1, conv2, bn2 and the sum


def _residual_source(s: dict[str, Any], in_shape: Shape) -> str:
    keywords: dict[str, Any] = {}
    if s.get("stride", 1) != 1:
        keywords["stride"] = s["stride"]
    if s.get("use_1x1conv", False):
        keywords["use_1x1conv"] = True
    return call("ResidualBlock", [in_shape[0], s.get("out_channels", in_shape[0])], keywords)


def _residual_windows(s: dict[str, Any], inp: Shape) -> list[Window]:
    stride = int(s.get("stride", 1))  # the two 3×3 convolutions
    return [((3, 3), (stride, stride), (1, 1), (1, 1)), ((3, 3), (1, 1), (1, 1), (1, 1))]


RESIDUAL = LayerType(
    "residual", "res",
    lambda s, in_shape: ResidualBlock(in_shape[0], s.get("out_channels", in_shape[0]),
                                      stride=s.get("stride", 1),
                                      use_1x1conv=s.get("use_1x1conv", False)),
    _residual_source,
    settings={"out_channels": SIZE, "stride": integer(1, MAX_WINDOW), "use_1x1conv": boolean,
              "init": INIT},
    defaults={"stride": 1, "use_1x1conv": False},
    derived_defaults=lambda s, in_shape: {"out_channels": in_shape[0]}, spatial=True,
    out_shape=_residual_shape, cost=_residual_cost, windows=_residual_windows,
    initialised=True, helper_source=_RESIDUAL_SOURCE)


def _channel_pair(value: Any, where: str) -> tuple[int, int]:
    """``[reduce, out]`` channels of an Inception path: exactly two integers."""
    if (not isinstance(value, list | tuple) or len(value) != 2
            or not all(is_int(v) and 1 <= v <= MAX_WIDTH for v in value)):
        raise SpecError(Core.tr("{where}: must be a pair [1×1 channels, output channels] of "
                                "integers from 1 to {limit:,}, got {value}", where=where,
                                limit=MAX_WIDTH, value=show_value(value)))
    return int(value[0]), int(value[1])


def _inception_cost(s: dict[str, Any], inp: Shape, out: Shape) -> LayerCost:
    """Six convolutions on four paths; the fourth path max-pools (3×3) before its 1×1."""
    c_in, c_out, n = inp[0], out[0], positions(out)
    c1, c4 = int(s["c1"]), int(s["c4"])
    (c2a, c2b), (c3a, c3b) = as_pair(s["c2"]), as_pair(s["c3"])
    convs = [(c_in, c1, 1), (c_in, c2a, 1), (c2a, c2b, 3), (c_in, c3a, 1), (c3a, c3b, 5),
             (c_in, c4, 1)]
    costs = [conv_cost(a, b, k, n) for a, b, k in convs]
    # each convolution's output and the pooled copy of the input, then the concatenation
    paths = sum(b for _, b, _ in convs) + c_in
    return LayerCost(sum(p for p, _ in costs), sum(m for _, m in costs), 9 * c_in * n,
                     n * paths + c_out * n)


INCEPTION = LayerType(
    "inception", "inception",
    lambda s, in_shape: InceptionBlock(in_shape[0], s["c1"], s["c2"], s["c3"], s["c4"]),
    lambda s, in_shape: (f"Inception({in_shape[0]}, {s['c1']}, {tuple(s['c2'])!r}, "
                         f"{tuple(s['c3'])!r}, {s['c4']})"),
    settings={"c1": SIZE, "c2": _channel_pair, "c3": _channel_pair, "c4": SIZE, "init": INIT},
    required=("c1", "c2", "c3", "c4"), spatial=True,
    out_shape=lambda s, in_shape, where, label: (
        s["c1"] + s["c2"][1] + s["c3"][1] + s["c4"], *in_shape[1:]),
    cost=_inception_cost,
    windows=lambda s, inp: [((5, 5), (1, 1), (1, 1), (2, 2))],  # its largest path, the 5×5
    initialised=True, helper_source=_INCEPTION_SOURCE)
