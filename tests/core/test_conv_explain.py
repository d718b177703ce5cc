"""The hand-written convolution equals PyTorch's for every combination of the explorer's
controls; the stepping API computes the same numbers one window at a time."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnn_core.analysis.conv_explain import (
    ACTIVATIONS,
    conv2d_by_hand,
    conv_step,
    corr2d,
    output_positions,
    pad_input,
    pool2d,
)
from cnn_core.analysis.conv_settings import (
    PADDING_MODES,
    ConvSettings,
    ConvSettingsError,
    check_settings,
)
from cnn_core.models.output_size import output_size, size_formula

KERNELS = ((1, 1), (2, 2), (3, 3), (2, 3), (3, 1))
CHANNELS = [(cin, cout, g) for cin in range(1, 5) for cout in range(1, 5) for g in (1, 2)
            if cin % g == 0 and cout % g == 0]
H, W = 4, 5  # small and not square, so rows and columns cannot be mixed up unnoticed


def _torch_conv(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
                s: ConvSettings) -> np.ndarray:
    """What nn.Conv2d computes: pad by padding_mode first unless it is zeros."""
    t = torch.from_numpy(x)[None]
    if s.padding_mode == "zeros":
        padding: tuple[int, int] = s.padding
    else:
        ph, pw = s.padding
        t = F.pad(t, (pw, pw, ph, ph), mode=s.padding_mode)
        padding = (0, 0)
    out = F.conv2d(t, torch.from_numpy(weight), None if bias is None else torch.from_numpy(bias),
                   stride=s.stride, padding=padding, dilation=s.dilation, groups=s.groups)
    return out[0].numpy()


def test_corr2d_matches_conv2d_without_padding() -> None:
    rng = np.random.default_rng(1)
    x, k = rng.normal(size=(6, 7)), rng.normal(size=(3, 2))
    expected = F.conv2d(torch.from_numpy(x)[None, None], torch.from_numpy(k)[None, None])
    np.testing.assert_allclose(corr2d(x, k), expected[0, 0].numpy(), atol=1e-12)


@pytest.fixture
def one_torch_thread() -> Iterator[None]:
    """Thousands of tiny conv2d calls: a thread pool per call costs more than the call."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("mode", PADDING_MODES)
def test_padding_matches_numpy_pad_and_pytorch(mode: str) -> None:
    x = np.random.default_rng(5).normal(size=(2, 4, 5))
    numpy_mode = {"zeros": "constant", "reflect": "reflect", "replicate": "edge",
                  "circular": "wrap"}[mode]
    mine = pad_input(x, (2, 3), mode)
    np.testing.assert_array_equal(mine, np.pad(x, ((0, 0), (2, 2), (3, 3)), mode=numpy_mode))
    theirs = F.pad(torch.from_numpy(x)[None], (3, 3, 2, 2),
                   mode="constant" if mode == "zeros" else mode)[0].numpy()
    np.testing.assert_array_equal(mine, theirs)


@pytest.mark.usefixtures("one_torch_thread")
def test_hand_written_convolution_equals_conv2d_over_the_whole_grid() -> None:
    rng = np.random.default_rng(0)
    inputs = {cin: rng.normal(size=(cin, H, W)) for cin in range(1, 5)}
    compared = refused = 0
    worst = (0.0, "")
    grid = itertools.product(KERNELS, (1, 2, 3), (0, 1, 2), (1, 2), PADDING_MODES,
                             CHANNELS, (True, False))
    for kernel, stride, pad, dil, mode, (cin, cout, groups), bias_on in grid:
        s = ConvSettings(cin, cout, kernel, (stride, stride), (pad, pad), (dil, dil), mode,
                         groups, bias_on)
        weight = rng.normal(size=s.weight_shape)
        bias = rng.normal(size=cout) if bias_on else None
        try:
            mine = conv2d_by_hand(inputs[cin], weight, bias, s)
        except ConvSettingsError:
            refused += 1
            with pytest.raises(RuntimeError):  # PyTorch refuses the same combination
                _torch_conv(inputs[cin], weight, bias, s)
            continue
        error = np.abs(mine - _torch_conv(inputs[cin], weight, bias, s)).max()
        worst = max(worst, (error, str(s)))
        compared += 1
    assert worst[0] < 1e-10, worst
    assert compared > 8000 and refused > 0  # the grid really ran, and some combinations fail


@pytest.mark.parametrize("mode", PADDING_MODES)
def test_rectangular_settings_match_a_real_conv2d_module(mode: str) -> None:
    torch.manual_seed(0)
    conv = nn.Conv2d(4, 2, (3, 2), stride=(2, 1), padding=(2, 1), dilation=(1, 2), groups=2,
                     padding_mode=mode).double()
    s = ConvSettings(4, 2, (3, 2), (2, 1), (2, 1), (1, 2), mode, 2, True)
    x = np.random.default_rng(2).normal(size=(4, 7, 6))
    with torch.no_grad():
        expected = conv(torch.from_numpy(x)[None])[0].numpy()
    mine = conv2d_by_hand(x, conv.weight.detach().numpy(), conv.bias.detach().numpy(), s)
    np.testing.assert_allclose(mine, expected, atol=1e-10)


@pytest.mark.parametrize("s", [
    ConvSettings(1, 1, (3, 3), (1, 1), (1, 1), (1, 1), "zeros", 1, True),
    ConvSettings(4, 2, (2, 3), (2, 3), (2, 1), (2, 1), "reflect", 2, True),
    ConvSettings(2, 4, (3, 1), (3, 2), (1, 2), (1, 2), "circular", 2, False),
    ConvSettings(3, 2, (1, 1), (1, 1), (0, 0), (1, 1), "replicate", 1, True),
])
def test_each_step_multiplies_the_window_by_the_kernel_and_adds(s: ConvSettings) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(s.in_channels, 6, 7))
    weight, bias = rng.normal(size=s.weight_shape), rng.normal(size=s.out_channels)
    expected = _torch_conv(x, weight, bias if s.bias else None, s)
    padded = pad_input(x, s.padding, s.padding_mode)
    out_hw = check_settings(s, (6, 7))
    assert expected.shape[1:] == out_hw
    for o, i, j in output_positions(s, out_hw):
        step = conv_step(padded, weight, bias, s, o, i, j)
        assert step.window.shape == step.kernel.shape == (s.in_per_group, *s.kernel_size)
        np.testing.assert_allclose(step.products, step.window * weight[o])
        assert step.total == pytest.approx(expected[o, i, j], abs=1e-10)
        assert step.total == pytest.approx(step.products_sum + step.bias)
        # the window really is the padded input under the (dilated, strided) kernel taps
        assert step.tap_rows[0] == i * s.stride[0]
        assert step.tap_cols[-1] == j * s.stride[1] + (s.kernel_size[1] - 1) * s.dilation[1]
        assert step.in_channels == tuple(s.group_inputs(o))


def test_equation_spells_out_the_sum() -> None:
    s = ConvSettings(1, 1, (1, 2), bias=True)
    padded = np.array([[[2.0, 3.0]]])
    step = conv_step(padded, np.array([[[[1.0, -1.0]]]]), np.array([0.5]), s, 0, 0, 0)
    assert step.total == pytest.approx(-0.5)
    assert step.equation() == "2·1 + 3·(-1) + 0.5 = (-0.5)"


@pytest.mark.parametrize(("n", "f", "s", "p", "d"), [
    (28, 5, 1, 2, 1), (28, 3, 2, 0, 1), (7, 3, 3, 1, 2), (10, 1, 1, 0, 1), (9, 2, 4, 2, 3)])
def test_size_formula_text_and_value_agree_with_pytorch(n: int, f: int, s: int, p: int,
                                                         d: int) -> None:
    out = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, f, f), stride=s, padding=p,
                   dilation=d)
    formula = size_formula(n, f, s, p, d)
    assert formula.size == output_size(n, f, s, p, d) == out.shape[-1]
    assert formula.text.endswith(f"= {out.shape[-1]}")
    assert f"({n} + 2×{p} − " in formula.text and f") / {s}" in formula.text
    assert ("⌊" in formula.text) == (not formula.exact)
    assert (f"{d}×({f}−1) − 1" in formula.text) == (d != 1)


def test_size_formula_uses_the_tutorials_form_without_dilation() -> None:
    assert size_formula(28, 3, 1, 1).text == "(28 + 2×1 − 3) / 1 + 1 = 28"
    assert size_formula(28, 3, 2, 0).text == "⌊(28 + 2×0 − 3) / 2⌋ + 1 = 13"


@pytest.mark.parametrize(("settings", "hw", "words"), [
    (ConvSettings(3, 4, groups=2), (8, 8), "does not divide the 3 input"),
    (ConvSettings(2, 3, groups=2), (8, 8), "does not divide the 3 output"),
    (ConvSettings(kernel_size=(5, 5)), (4, 8), "output height would be 0"),
    (ConvSettings(kernel_size=(1, 3), dilation=(1, 4)), (8, 8), "kernel reaches 9"),
    (ConvSettings(padding=(2, 2), padding_mode="reflect"), (2, 8), "reflect padding of 2"),
])
def test_impossible_settings_are_explained_in_one_line(settings: ConvSettings,
                                                       hw: tuple[int, int], words: str) -> None:
    with pytest.raises(ConvSettingsError, match=words) as info:
        check_settings(settings, hw)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("mode", "torch_pool"), [("max", F.max_pool2d), ("avg", F.avg_pool2d)])
@pytest.mark.parametrize(("size", "stride"), [((2, 2), None), ((3, 2), (1, 2)), ((2, 3), (3, 1))])
def test_pooling_matches_pytorch(mode: str, torch_pool, size, stride) -> None:  # noqa: ANN001
    x = np.random.default_rng(4).normal(size=(3, 7, 8))
    expected = torch_pool(torch.from_numpy(x)[None], size, stride or size)[0].numpy()
    np.testing.assert_allclose(pool2d(x, size, stride, mode), expected, atol=1e-12)


def test_pooling_keeps_channels_apart_and_waits_for_missing_values() -> None:
    x = np.zeros((2, 2, 2))
    x[1] = 5.0
    x[0, 0, 0] = np.nan
    out = pool2d(x, (2, 2), mode="max")
    assert np.isnan(out[0, 0, 0]) and out[1, 0, 0] == 5.0


@pytest.mark.parametrize(("name", "module"), [
    ("relu", nn.ReLU()), ("leaky_relu", nn.LeakyReLU()), ("elu", nn.ELU()),
    ("sigmoid", nn.Sigmoid()), ("tanh", nn.Tanh())])
def test_activations_match_pytorch(name: str, module: nn.Module) -> None:
    x = np.linspace(-50, 50, 201)
    expected = module(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ACTIVATIONS[name][0](x), expected, rtol=1e-12, atol=1e-15)
