"""A convolution written out by hand, one window at a time, to explain ``nn.Conv2d``.

The tutorials start from :func:`corr2d`, the two-dimensional cross-correlation written with
two loops: slide the kernel over the input and, at every position, multiply element by element
and add. Everything here is built on that idea, in plain numpy:

* :func:`conv2d_by_hand` supports every ``nn.Conv2d`` parameter (channels, rectangular
  kernels, stride, padding, dilation, the four padding modes, groups, bias);
* :func:`conv_step` is the same sum at one output position, with every input value, kernel
  value and product kept, so that a display of the computation *is* the computation;
* :func:`pool2d` and :data:`ACTIVATIONS` are the steps that usually follow.

The settings and their check are in :mod:`.conv_settings`; the named kernels and a trained
model's maps the Convolution tab starts from, in :mod:`.conv_presets`.

Arrays are ``[channels, height, width]`` (no batch dimension); weights are
``[out_channels, in_channels / groups, kernel_h, kernel_w]`` as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from ..models.output_size import output_size
from ..runtime.messages import Core
from .conv_settings import PADDING_MODES, ConvSettings, ConvSettingsError, Pair, check_settings

__all__ = ["ACTIVATIONS", "ConvStep", "conv2d_by_hand", "conv_step", "corr2d", "flip_kernel",
           "output_positions", "pad_input", "pool2d", "true_convolution", "windows"]


def corr2d(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Two-dimensional cross-correlation, as the tutorials write it by hand.

    The kernel ``k`` slides over ``x`` one step at a time; every output element is the sum of
    the element-wise product of the kernel and the part of ``x`` under it. No padding, stride 1.
    """
    x = np.asarray(x, np.float64)
    k = np.asarray(k, np.float64)
    h, w = k.shape
    out = np.zeros((x.shape[0] - h + 1, x.shape[1] - w + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (x[i:i + h, j:j + w] * k).sum()
    return out


def flip_kernel(weight: np.ndarray) -> np.ndarray:
    """The kernel turned half a turn: flipped top to bottom and left to right.

    ``nn.Conv2d`` computes a cross-correlation (:func:`corr2d`): the kernel slides over the
    input as it is. The convolution of mathematics and signal processing flips the kernel
    first; cross-correlating with the flipped kernel *is* that convolution. Works on a 2-D
    kernel and on a weight ``[out, in, kh, kw]`` (the last two axes are flipped).
    """
    return np.ascontiguousarray(np.asarray(weight, np.float64)[..., ::-1, ::-1])


def true_convolution(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
                     settings: ConvSettings) -> np.ndarray:
    """The convolution of signal processing with ``nn.Conv2d``'s settings: the kernel flipped
    (:func:`flip_kernel`), then :func:`conv2d_by_hand`. With stride 1 and zero padding it is
    ``scipy.signal.convolve2d``'s ``"valid"`` part of the padded input."""
    return conv2d_by_hand(x, flip_kernel(weight), bias, settings)


# ----------------------------------------------------------------------------- computing


def _source_index(n: int, p: int, mode: str) -> np.ndarray:
    """For each padded position along an axis of length ``n``, the input position it copies."""
    at = np.arange(-p, n + p)
    if mode == "reflect":  # mirror without repeating the edge: -1 → 1, n → n-2
        at = np.abs(at)
        return np.where(at > n - 1, 2 * (n - 1) - at, at)
    if mode == "replicate":  # the edge value repeated
        return np.clip(at, 0, n - 1)
    return at % n  # circular: wrap around to the other side


def pad_input(x: np.ndarray, padding: Pair, mode: str = "zeros") -> np.ndarray:
    """Pad ``x`` ``[C, H, W]`` on all four sides as ``nn.Conv2d`` does for ``padding_mode``.

    ``zeros`` adds zeros; ``reflect`` mirrors the input without repeating its edge;
    ``replicate`` repeats the edge; ``circular`` wraps around to the opposite side.
    """
    (ph, pw) = padding
    x = np.asarray(x, np.float64)
    c, h, w = x.shape
    if mode == "zeros":
        out = np.zeros((c, h + 2 * ph, w + 2 * pw))
        out[:, ph:ph + h, pw:pw + w] = x
        return out
    if mode not in PADDING_MODES:
        raise ConvSettingsError(Core.tr("unknown padding mode {mode!r}", mode=mode))
    return x[:, _source_index(h, ph, mode)[:, None], _source_index(w, pw, mode)[None, :]]


def _check_arrays(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
                  settings: ConvSettings) -> None:
    if x.ndim != 3 or x.shape[0] != settings.in_channels:
        raise ConvSettingsError(f"the input has shape {tuple(x.shape)}; expected "
                                f"{settings.in_channels} channels × height × width")
    if tuple(weight.shape) != settings.weight_shape:
        raise ConvSettingsError(f"the weight has shape {tuple(weight.shape)}; these settings "
                                f"need {settings.weight_shape}")
    if settings.bias and (bias is None or np.shape(bias) != (settings.out_channels,)):
        raise ConvSettingsError(f"the bias needs {settings.out_channels} values")


def windows(padded: np.ndarray, settings: ConvSettings, out_hw: Pair) -> np.ndarray:
    """Every window of the padded input the kernel covers: ``[C, out_h, out_w, kh, kw]``.

    Window ``(i, j)`` holds the input under the kernel's taps when its top-left tap sits on
    padded row ``i·S`` and column ``j·S``; the taps are ``D`` apart (dilation). A read-only
    view, no copy.
    """
    (sh, sw), (dh, dw) = settings.stride, settings.dilation
    kh, kw = settings.kernel_size
    reach = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    padded = np.ascontiguousarray(padded)
    if padded.shape[1] < reach[0] or padded.shape[2] < reach[1]:
        raise ConvSettingsError(Core.tr("the kernel does not fit in the padded input"))
    sc, sr, sx = padded.strides
    return np.lib.stride_tricks.as_strided(
        padded, (padded.shape[0], *out_hw, kh, kw),
        (sc, sr * sh, sx * sw, sr * dh, sx * dw), writeable=False)


def conv2d_by_hand(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
                   settings: ConvSettings) -> np.ndarray:
    """``nn.Conv2d`` written out: every output value is the window of the (padded) input under
    the kernel, multiplied element by element with the kernel and summed over the input
    channels of its group, plus the bias.

    This is :func:`corr2d` with stride, dilation, padding, channels and groups added, and with
    the loop over positions done by numpy over all windows at once; :func:`conv_step` computes
    one position at a time and is tested to give the same numbers.

    Parameters
    ----------
    x
        The input, ``[in_channels, H, W]``.
    weight
        ``[out_channels, in_channels / groups, kernel_h, kernel_w]``.
    bias
        ``[out_channels]``, or None when ``settings.bias`` is off.
    settings
        The convolution's parameters.

    Raises
    ------
    ConvSettingsError
        When the settings cannot run on this input (see :func:`check_settings`).
    """
    x = np.asarray(x, np.float64)
    weight = np.asarray(weight, np.float64)
    _check_arrays(x, weight, bias, settings)
    out_hw = check_settings(settings, (x.shape[1], x.shape[2]))
    padded = pad_input(x, settings.padding, settings.padding_mode)
    g, kh, kw = settings.groups, *settings.kernel_size
    # [groups, channels in a group, out_h, out_w, kh, kw] against [groups, outs, channels, kh, kw]
    win = windows(padded, settings, out_hw).reshape(g, settings.in_per_group, *out_hw, kh, kw)
    ker = weight.reshape(g, settings.out_per_group, settings.in_per_group, kh, kw)
    out = np.einsum("gchwuv,gocuv->gohw", win, ker).reshape(settings.out_channels, *out_hw)
    if settings.bias and bias is not None:
        out += np.asarray(bias, np.float64)[:, None, None]
    return out


@dataclass(frozen=True)
class ConvStep:
    """One output value of a convolution and everything that went into it."""

    out_channel: int
    row: int  # output row
    col: int  # output column
    in_channels: tuple[int, ...]  # the input channels read (global indices, the group's)
    tap_rows: tuple[int, ...]  # rows of the padded input under the kernel's rows
    tap_cols: tuple[int, ...]  # columns of the padded input under the kernel's columns
    window: np.ndarray  # [in_per_group, kh, kw] input values under the kernel
    kernel: np.ndarray  # [in_per_group, kh, kw] the output channel's kernel
    products: np.ndarray  # window × kernel, element by element
    bias: float  # 0.0 when the convolution has no bias
    total: float  # products summed, plus the bias: the output value

    @property
    def products_sum(self) -> float:
        """The sum of the products, before the bias."""
        return float(self.products.sum())

    def equation(self, max_terms: int = 6, digits: int = 2) -> str:
        """``x·k + x·k + … + b = total`` with the first ``max_terms`` products written out."""
        xs, ks = self.window.ravel(), self.kernel.ravel()
        terms = [f"{_num(a, digits)}·{_num(b, digits)}" for a, b in zip(xs, ks, strict=True)]
        shown = " + ".join(terms[:max_terms])
        if len(terms) > max_terms:
            shown += f" + … ({len(terms) - max_terms} more)"
        bias = f" + {_num(self.bias, digits)}" if self.bias else ""
        return f"{shown}{bias} = {_num(self.total, digits + 2)}"


def _num(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return f"({text})" if value < 0 and text != "0" else text


def conv_step(padded: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
              settings: ConvSettings, out_channel: int, row: int, col: int) -> ConvStep:
    """Compute output ``(out_channel, row, col)`` the tutorials' way: take the window of the
    padded input under the kernel, multiply element by element, add up, add the bias.

    ``padded`` is the input after :func:`pad_input` (``[in_channels, H + 2P, W + 2P]``).
    """
    padded = np.asarray(padded, np.float64)
    (sh, sw), (dh, dw) = settings.stride, settings.dilation
    kh, kw = settings.kernel_size
    tap_rows = tuple(row * sh + u * dh for u in range(kh))
    tap_cols = tuple(col * sw + v * dw for v in range(kw))
    channels = tuple(settings.group_inputs(out_channel))
    window = padded[np.ix_(channels, tap_rows, tap_cols)]
    kernel = np.asarray(weight[out_channel], np.float64)
    products = window * kernel
    b = float(bias[out_channel]) if settings.bias and bias is not None else 0.0
    return ConvStep(out_channel, row, col, channels, tap_rows, tap_cols, window, kernel,
                    products, b, float(products.sum()) + b)


def output_positions(settings: ConvSettings, out_hw: Pair) -> Iterator[tuple[int, int, int]]:
    """Every output position in the order the explorer visits them: channel, row, column."""
    for o in range(settings.out_channels):
        for i in range(out_hw[0]):
            for j in range(out_hw[1]):
                yield o, i, j


# ----------------------------------------------------------------------------- what follows


def pool2d(x: np.ndarray, size: Pair, stride: Pair | None = None,
           mode: str = "max") -> np.ndarray:
    """Max or average pooling of every channel of ``x`` ``[C, H, W]`` (no padding).

    Each output element is the maximum (or mean) of the ``size`` window under it; the window
    moves by ``stride`` (by default its own size, as ``nn.MaxPool2d`` does). Channels are
    pooled separately, never added. A NaN in a window (a value not computed yet) gives NaN.
    """
    if mode not in ("max", "avg"):
        raise ValueError(f"pooling mode must be 'max' or 'avg', not {mode!r}")
    x = np.asarray(x, np.float64)
    stride = stride or size
    (ph, pw), (sh, sw) = size, stride
    rows, cols = output_size(x.shape[1], ph, sh), output_size(x.shape[2], pw, sw)
    if rows < 1 or cols < 1:
        raise ConvSettingsError(Core.tr("a {ph}×{pw} pooling window does not fit in a "
                                        "{h}×{w} map", ph=ph, pw=pw, h=x.shape[1], w=x.shape[2]))
    reduce = np.max if mode == "max" else np.mean
    out = np.empty((x.shape[0], rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[:, i, j] = reduce(x[:, i * sh:i * sh + ph, j * sw:j * sw + pw], axis=(1, 2))
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # equal to 1 / (1 + e^−x), without overflow


def _elu(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))


# name → (function, formula); LeakyReLU uses PyTorch's default slope 0.01 and ELU α = 1.
ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], str]] = {
    "relu": (lambda x: np.maximum(x, 0.0), "max(0, x)"),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.01 * x), "x if x > 0 else 0.01·x"),
    "elu": (_elu, "x if x > 0 else eˣ − 1"),
    "sigmoid": (_sigmoid, "1 / (1 + e⁻ˣ)"),
    "tanh": (np.tanh, "(eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)"),
}
