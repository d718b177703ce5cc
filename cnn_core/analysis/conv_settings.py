"""A convolution's settings, as ``nn.Conv2d`` takes them, and the check that they can run.

:class:`ConvSettings` holds channels, kernel size, stride, padding (and its mode), dilation,
groups and bias, with what follows from them (the weight's shape, multiply-adds, parameters);
:func:`check_settings` refuses what PyTorch refuses, with a one-line reason, and gives the
output size (:func:`cnn_core.models.output_size.output_size`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..models.output_size import output_size
from ..runtime.messages import Core

__all__ = ["PADDING_MODES", "ConvSettings", "ConvSettingsError", "Pair", "check_settings"]

Pair = tuple[int, int]

PADDING_MODES: tuple[str, ...] = ("zeros", "reflect", "replicate", "circular")  # PyTorch's


class ConvSettingsError(ValueError):
    """A combination of convolution settings that cannot run, explained in one line."""



@dataclass(frozen=True)
class ConvSettings:
    """Every ``nn.Conv2d`` parameter the explorer lets a learner change."""

    in_channels: int = 1
    out_channels: int = 1
    kernel_size: Pair = (3, 3)  # (height, width)
    stride: Pair = (1, 1)
    padding: Pair = (0, 0)  # rows added above and below, columns left and right
    dilation: Pair = (1, 1)  # spacing between kernel taps; 1 = ordinary convolution
    padding_mode: str = "zeros"  # zeros, reflect, replicate or circular
    groups: int = 1  # input and output channels split into this many independent groups
    bias: bool = True

    @property
    def in_per_group(self) -> int:
        """Input channels each output channel reads (the weight's second dimension)."""
        return self.in_channels // self.groups

    @property
    def out_per_group(self) -> int:
        """Output channels computed from each group of input channels."""
        return self.out_channels // self.groups

    @property
    def weight_shape(self) -> tuple[int, int, int, int]:
        """``(out_channels, in_channels / groups, kernel_h, kernel_w)``."""
        return (self.out_channels, self.in_per_group, *self.kernel_size)

    def group_of(self, out_channel: int) -> int:
        """The group an output channel belongs to."""
        return out_channel // self.out_per_group

    def group_inputs(self, out_channel: int) -> range:
        """The input channels (global indices) that an output channel reads."""
        start = self.group_of(out_channel) * self.in_per_group
        return range(start, start + self.in_per_group)

    def multiply_adds(self, out_hw: Pair) -> int:
        """Multiply-adds for one image: every output value needs ``in/groups × kh × kw``."""
        per_value = self.in_per_group * self.kernel_size[0] * self.kernel_size[1]
        return self.out_channels * out_hw[0] * out_hw[1] * per_value

    def parameter_count(self) -> int:
        """Weights plus biases, as ``sum(p.numel() for p in conv.parameters())``."""
        weights = int(np.prod(self.weight_shape))
        return weights + (self.out_channels if self.bias else 0)


def check_settings(settings: ConvSettings, in_hw: Pair) -> Pair:
    """Check that the settings can run on an input of ``in_hw``; return the output size.

    Raises
    ------
    ConvSettingsError
        With a one-line reason, for the cases where ``nn.Conv2d`` / ``F.conv2d`` refuse.
    """
    s = settings
    if s.padding_mode not in PADDING_MODES:
        raise ConvSettingsError(Core.tr("unknown padding mode {mode!r}; use one of {modes}",
                                        mode=s.padding_mode, modes=", ".join(PADDING_MODES)))
    values = (s.in_channels, s.out_channels, s.groups, *s.kernel_size, *s.stride, *s.dilation)
    if min(values) < 1 or min(s.padding) < 0:
        raise ConvSettingsError(Core.tr("channels, groups, kernel size, stride and dilation "
                                        "must be at least 1, and padding at least 0"))
    if s.in_channels % s.groups:
        raise ConvSettingsError(Core.tr("groups = {groups} does not divide the {n} input "
                                        "channels", groups=s.groups, n=s.in_channels))
    if s.out_channels % s.groups:
        raise ConvSettingsError(Core.tr("groups = {groups} does not divide the {n} output "
                                        "channels", groups=s.groups, n=s.out_channels))
    axes = (Core.tr("height"), Core.tr("width"))
    for axis, n, p in zip(axes, in_hw, s.padding, strict=True):
        if s.padding_mode == "reflect" and p >= n:
            raise ConvSettingsError(Core.tr("reflect padding of {p} needs an input {axis} above "
                                            "{p} (it is {n})", p=p, axis=axis, n=n))
        if s.padding_mode == "circular" and p > n:
            raise ConvSettingsError(Core.tr("circular padding of {p} needs an input {axis} of "
                                            "at least {p} (it is {n})", p=p, axis=axis, n=n))
    out = tuple(output_size(n, f, st, p, d) for n, f, st, p, d in zip(
        in_hw, s.kernel_size, s.stride, s.padding, s.dilation, strict=True))
    if min(out) < 1:
        i = 0 if out[0] < 1 else 1
        reach = s.dilation[i] * (s.kernel_size[i] - 1) + 1
        raise ConvSettingsError(Core.tr(
            "the kernel reaches {reach} pixels but the padded input {axis} is only {size}: "
            "the output {axis} would be {out}", reach=reach, axis=axes[i],
            size=in_hw[i] + 2 * s.padding[i], out=out[i]))
    return out[0], out[1]
