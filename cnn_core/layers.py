"""Conv2d and AvgPool2d with faster CPU training paths for small, LeNet-sized layers.

The two classes are drop-in subclasses of their ``torch.nn`` parents: same parameters, same
``state_dict`` keys, same printed name, same results (to float rounding). They differ only in
how some cases are computed on the CPU in ``channels_last`` layout, where oneDNN's kernels are
slow for layers with fewer channels than one AVX2 vector holds (8 floats):

* **2×2 average pooling, stride 2** (LeNet-5's pools): with fewer than 8 channels the forward
  pass is two strided adds in NHWC instead of ``avg_pool2d`` (615–640 → 210–245 µs for 6×28×28
  at batch 100), and the backward pass duplicates each gradient along W with a tiny matrix
  product and along H with one broadcast copy (345–630 → 215–310 µs). At any width, an incoming
  gradient in NCHW (as after ``Flatten``) is first made channels_last: the mixed-layout
  ``avg_pool2d_backward`` is 3–10× slower than that copy plus the same-layout kernel.
* **the input gradient of a convolution with fewer than 8 input channels** (LeNet-5's conv2,
  6→16) is computed as a transposed convolution in NCHW, 1.6× faster than the channels_last
  backward-data kernel (the whole conv2 backward: 2,456 → 1,948 µs). For 16 channels or more
  that kernel is the faster one, so it is kept.

Everything else (CUDA, MPS, NCHW tensors, other shapes, inference without gradients, tracing
for TensorBoard or ONNX) runs the stock ``torch.nn`` code. Only public PyTorch API is used
(the weight gradient is ``torch.nn.grad.conv2d_weight``; no private ``torch.ops.aten`` call).

Whether the paths earn their place: LeNet-5 training steps (batch 100, SGD, channels_last,
one thread) with these layers against stock ``nn.Conv2d``/``nn.AvgPool2d``, alternated in one
process: median of 5 ratios 1.19× (0.92–1.42×) on the shared 2-core VM at load 17–18; the
rule is to keep them only at ≥ 1.15× on a quiet machine (the DigitLab and plain columns of
``benchmarks/train_throughput.py``), and otherwise to make these two classes plain aliases.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["Conv2d", "AvgPool2d"]

# below this many channels a channels_last tensor does not fill one AVX2 register of floats
_NARROW_CHANNELS = 8


def _is_cpu_channels_last(x: torch.Tensor) -> bool:
    # a traced graph (TensorBoard's add_graph, ONNX export) records the stock layers' ops
    return (not torch.jit.is_tracing() and x.device.type == "cpu" and x.dim() == 4
            and x.dtype == torch.float32 and x.shape[1] > 1
            and x.is_contiguous(memory_format=torch.channels_last))


# ----------------------------------------------------------------------------- pooling

_DUPLICATE_CACHE: dict[int, torch.Tensor] = {}


def _quarter_duplicate(channels: int) -> torch.Tensor:
    """The ``C × 2C`` matrix that copies each channel twice, scaled by 1/4."""
    m = _DUPLICATE_CACHE.get(channels)
    if m is None:
        m = torch.zeros(channels, 2 * channels)
        cols = torch.arange(2 * channels)
        m[cols % channels, cols] = 0.25
        _DUPLICATE_CACHE[channels] = m
    return m


class _AvgPool2x2NHWC(torch.autograd.Function):
    """2×2 average pooling with stride 2 of a narrow (< 8 channels) NCHW tensor stored
    channels_last: strided adds in NHWC forward, a tiny matrix product and a broadcast back."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        ctx.input_shape = (n, c, h, w)
        nhwc = x.permute(0, 2, 3, 1)                           # a view: x is channels_last
        rows = nhwc[:, 0::2] + nhwc[:, 1::2]                    # N, H/2, W, C
        pairs = rows.view(n, h // 2, w // 2, 2 * c)             # W neighbours side by side
        out = torch.add(pairs[..., :c], pairs[..., c:]).mul_(0.25)
        return out.permute(0, 3, 1, 2)                          # channels_last again

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        n, c, h, w = ctx.input_shape
        g = grad.permute(0, 2, 3, 1).reshape(-1, c)             # N·H/2·W/2 rows of C
        # each W/2 position → two W positions, times 1/4: one (rows × C) @ (C × 2C) product
        along_w = (g @ _quarter_duplicate(c)).view(n, h // 2, 1, w * c)
        full = along_w.expand(n, h // 2, 2, w * c).reshape(n, h, w, c)
        return full.permute(0, 3, 1, 2)


class _GradChannelsLast(torch.autograd.Function):
    """Identity forward; the backward pass hands the gradient on in channels_last layout.

    After a wide pool's output is flattened, its gradient arrives in NCHW, and PyTorch's
    mixed-layout pooling backward is much slower than this copy plus the same-layout one.
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        return grad.contiguous(memory_format=torch.channels_last)


class AvgPool2d(nn.AvgPool2d):
    """``nn.AvgPool2d`` with a faster CPU path for 2×2, stride-2 pooling of channels_last input."""

    def _get_name(self) -> str:  # print as PyTorch's class, which this is to the user
        return "AvgPool2d"

    def _fast(self, x: torch.Tensor) -> bool:
        return (_is_cpu_channels_last(x) and self.kernel_size in (2, (2, 2))
                and self.stride in (2, (2, 2)) and self.padding in (0, (0, 0))
                and not self.ceil_mode and self.divisor_override is None
                and x.shape[2] % 2 == 0 and x.shape[3] % 2 == 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._fast(x):
            if x.shape[1] < _NARROW_CHANNELS:
                return _AvgPool2x2NHWC.apply(x)
            return _GradChannelsLast.apply(super().forward(x))
        return super().forward(x)


# ----------------------------------------------------------------------------- convolution


class _Conv2dNarrowInput(torch.autograd.Function):
    """A convolution whose input gradient is a transposed convolution computed in NCHW."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
                stride: tuple[int, int], padding: tuple[int, int]) -> torch.Tensor:
        ctx.save_for_backward(x, weight)
        ctx.conf = (stride, padding, bias is not None)
        return F.conv2d(x, weight, bias, stride, padding)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        x, weight = ctx.saved_tensors
        stride, padding, has_bias = ctx.conf
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[0]:
            extra = _skipped_at_far_edge(x.shape[2:], weight.shape[2:], stride, padding)
            grad_x = F.conv_transpose2d(grad.contiguous(), weight.contiguous(), None, stride,
                                        padding, output_padding=extra)
            grad_x = grad_x.contiguous(memory_format=torch.channels_last)
        if ctx.needs_input_grad[1] or (has_bias and ctx.needs_input_grad[2]):
            grad_w = torch.nn.grad.conv2d_weight(x, weight.shape, grad, stride, padding)
            grad_b = grad.sum((0, 2, 3)) if has_bias else None
        return grad_x, grad_w, grad_b, None, None


class Conv2d(nn.Conv2d):
    """``nn.Conv2d`` whose input gradient is computed faster on the CPU when it has < 8 channels.

    Only plain convolutions (no groups, no dilation, zero padding) on channels_last CPU input
    that needs a gradient take the other path; everything else is ``nn.Conv2d`` itself.
    """

    def _get_name(self) -> str:
        return "Conv2d"

    def _fast(self, x: torch.Tensor) -> bool:
        return (torch.is_grad_enabled() and x.requires_grad
                and self.in_channels < _NARROW_CHANNELS and _is_cpu_channels_last(x)
                and self.groups == 1 and self.dilation == (1, 1)
                and self.padding_mode == "zeros" and isinstance(self.padding, tuple)
                and all(e < s for e, s in zip(_skipped_at_far_edge(
                    x.shape[2:], self.weight.shape[2:], self.stride, self.padding),
                    self.stride, strict=True)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._fast(x):
            return _Conv2dNarrowInput.apply(x, self.weight, self.bias, self.stride, self.padding)
        return super().forward(x)


def _skipped_at_far_edge(size: Any, kernel: Any, stride: tuple[int, int],
                         padding: tuple[int, int]) -> tuple[int, int]:
    """Rows and columns of the input a strided convolution never reached at the far edge:
    the ``output_padding`` its transposed convolution needs to give the input's size back
    (it must be smaller than the stride)."""
    out = [(size[i] + 2 * padding[i] - kernel[i]) // stride[i] + 1 for i in range(2)]
    return (size[0] - ((out[0] - 1) * stride[0] - 2 * padding[0] + kernel[0]),
            size[1] - ((out[1] - 1) * stride[1] - 2 * padding[1] + kernel[1]))
